//! A calendar date, for `#[telemetry(expires = "YYYY-MM-DD")]`: checked when the program compiles, compared by
//! day number at run time.

use std::fmt;

/// A day of the proleptic Gregorian calendar (UTC), from 1970-01-01 to 9999-12-31.
///
/// ```
/// use telemetry_schema::Date;
/// const EXPIRES: Date = Date::new(2027, 6, 30);
/// assert_eq!(EXPIRES.to_string(), "2027-06-30");
/// assert_eq!(Date::parse("2027-06-30"), Some(EXPIRES));
/// assert_eq!(Date::parse("2027-02-29"), None);
/// assert_eq!(Date::from_days_since_epoch(EXPIRES.days_since_epoch()), Some(EXPIRES));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

const fn is_leap(year: u16) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

const fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

impl Date {
    /// The date, refusing (at compile time, in a `const`) one that does not exist or is outside 1970–9999.
    pub const fn new(year: u16, month: u8, day: u8) -> Self {
        assert!(Self::is_valid(year, month, day), "telemetry: not a date between 1970-01-01 and 9999-12-31");
        Self { year, month, day }
    }

    /// Whether `year-month-day` exists and lies within 1970–9999.
    pub const fn is_valid(year: u16, month: u8, day: u8) -> bool {
        year >= 1970 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 && day <= days_in_month(year, month)
    }

    /// Parses exactly `YYYY-MM-DD` (ten ASCII characters), a date that exists.
    pub const fn parse(text: &str) -> Option<Self> {
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        let mut value = [0u16; 3];
        let spans = [(0, 4), (5, 7), (8, 10)];
        let mut part = 0;
        while part < 3 {
            let (mut at, end) = spans[part];
            while at < end {
                let digit = bytes[at];
                if !digit.is_ascii_digit() {
                    return None;
                }
                value[part] = value[part] * 10 + (digit - b'0') as u16;
                at += 1;
            }
            part += 1;
        }
        let (year, month, day) = (value[0], value[1] as u8, value[2] as u8);
        if Self::is_valid(year, month, day) { Some(Self { year, month, day }) } else { None }
    }

    /// The year.
    pub const fn year(&self) -> u16 {
        self.year
    }

    /// The month, 1 to 12.
    pub const fn month(&self) -> u8 {
        self.month
    }

    /// The day of the month, from 1.
    pub const fn day(&self) -> u8 {
        self.day
    }

    /// Days since 1970-01-01 (which is day 0).
    pub const fn days_since_epoch(&self) -> u32 {
        // Howard Hinnant's days_from_civil, for years from 1970.
        let y = if self.month <= 2 { self.year as u32 - 1 } else { self.year as u32 };
        let era = y / 400;
        let yoe = y - era * 400;
        let m = self.month as u32;
        let mp = if m > 2 { m - 3 } else { m + 9 };
        let doy = (153 * mp + 2) / 5 + self.day as u32 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01, if it is before 10000-01-01.
    pub const fn from_days_since_epoch(days: u32) -> Option<Self> {
        // Howard Hinnant's civil_from_days.
        let z = days as u64 + 719_468;
        let era = z / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = yoe + era * 400 + if month <= 2 { 1 } else { 0 };
        if year > 9999 { None } else { Some(Self { year: year as u16, month, day }) }
    }

    /// Today in UTC, from the system clock (`None` if the clock is before 1970 or after 9999).
    pub fn today() -> Option<Self> {
        let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).ok()?.as_secs();
        Self::from_days_since_epoch(u32::try_from(secs / 86_400).ok()?)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_round_trip_over_the_whole_range() {
        assert_eq!(Date::new(1970, 1, 1).days_since_epoch(), 0);
        assert_eq!(Date::new(2000, 3, 1).days_since_epoch(), 11_017);
        let mut day = 0;
        while let Some(date) = Date::from_days_since_epoch(day) {
            assert_eq!(date.days_since_epoch(), day);
            assert_eq!(Date::parse(&date.to_string()), Some(date));
            day += 1;
        }
        assert_eq!(Date::from_days_since_epoch(day - 1), Some(Date::new(9999, 12, 31)));
    }

    #[test]
    fn impossible_or_malformed_dates_are_refused() {
        for text in ["2027-02-29", "2027-13-01", "2027-00-10", "2027-04-31", "1969-12-31", "2027-6-30", "2027/06/30"] {
            assert_eq!(Date::parse(text), None, "{text}");
        }
        assert_eq!(Date::parse("2028-02-29"), Some(Date::new(2028, 2, 29)));
    }
}
