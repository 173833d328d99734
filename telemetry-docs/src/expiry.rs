//! Expiry dates: warned about before, refused after, and required when the product says so.

use std::fmt;

use telemetry_schema::Date;

use crate::Disclosure;

/// How many days before an event's expiry date `--check` starts warning about it.
pub const EXPIRY_WARNING_DAYS: u32 = 30;

/// Something to say about an event's expiry date on a given day.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExpiryNotice {
    /// The date is at most [`EXPIRY_WARNING_DAYS`] away (a warning).
    ExpiresSoon {
        /// The event.
        event: &'static str,
        /// Its last day.
        date: Date,
        /// Days left after today.
        days: u32,
    },
    /// The date has passed: the client drops the event (an error).
    Expired {
        /// The event.
        event: &'static str,
        /// Its last day.
        date: Date,
    },
    /// The product requires a date and the event has none (an error).
    Missing {
        /// The event.
        event: &'static str,
        /// The product's name.
        product: &'static str,
    },
}

impl ExpiryNotice {
    /// Whether `--check` fails for it.
    pub fn is_error(&self) -> bool {
        !matches!(self, Self::ExpiresSoon { .. })
    }
}

impl fmt::Display for ExpiryNotice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ExpiresSoon { event, date, days } => write!(
                f,
                "warning: {event} expires on {date}, in {days} {}: after that day the client drops it and --check \
                 fails; remove the event or move the date",
                if *days == 1 { "day" } else { "days" }
            ),
            Self::Expired { event, date } => write!(
                f,
                "error: {event} expired on {date}: the client no longer sends it; remove the event, or give it a \
                 later #[telemetry(expires = \"YYYY-MM-DD\")] if it is still needed"
            ),
            Self::Missing { event, product } => write!(
                f,
                "error: {event} has no expiry date, and {product} requires one on every event: add \
                 #[telemetry(expires = \"YYYY-MM-DD\")] with the last day it is needed"
            ),
        }
    }
}

/// What to say about the events' expiry dates on `today` (UTC). Only `--check`'s verdict depends on the day:
/// nothing docs-gen writes does.
pub fn expiry_notices(disclosure: &Disclosure<'_>, today: Date) -> Vec<ExpiryNotice> {
    let today_number = today.days_since_epoch();
    let mut notices = Vec::new();
    for meta in &disclosure.events {
        let event = meta.name();
        match meta.expires() {
            None if disclosure.product.require_expiry() => {
                notices.push(ExpiryNotice::Missing { event, product: disclosure.product.name() });
            }
            None => {}
            Some(date) if meta.is_expired_on(today_number) => notices.push(ExpiryNotice::Expired { event, date }),
            Some(date) => {
                let days = date.days_since_epoch() - today_number;
                if days <= EXPIRY_WARNING_DAYS {
                    notices.push(ExpiryNotice::ExpiresSoon { event, date, days });
                }
            }
        }
    }
    notices
}
