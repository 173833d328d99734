//! The link-time list of every event compiled into the program.
//!
//! `#[derive(TelemetryEvent)]` registers each event with [`inventory`]; [`events`] returns them sorted by name
//! and refuses duplicates. As with any link-time registry, an event is only listed when the final binary links
//! the crate that defines it (`use my_sdk as _;`).

use std::fmt;

use crate::event::TelemetryEvent;
use crate::meta::EventMeta;

/// One event in the registry, with where it was defined.
#[derive(Debug)]
pub struct RegisteredEvent {
    meta: &'static EventMeta,
    rust_type: &'static str,
    location: SourceLocation,
}

impl RegisteredEvent {
    /// Built by `#[derive(TelemetryEvent)]`; not meant to be called by hand.
    #[doc(hidden)]
    pub const fn new<E: TelemetryEvent>(rust_type: &'static str, location: SourceLocation) -> Self {
        // docs-gen uses the name as a file name and an anchor: only metadata that passed the compile-time check
        // (once per event type) is registered.
        Self { meta: crate::meta::Checked::<E>::META, rust_type, location }
    }

    /// The event's metadata.
    pub fn meta(&self) -> &'static EventMeta {
        self.meta
    }

    /// The Rust path of the event type, e.g. `example_sdk::events::CliCommand`.
    pub fn rust_type(&self) -> &'static str {
        self.rust_type
    }

    /// Where the event type is defined.
    pub fn location(&self) -> SourceLocation {
        self.location
    }
}

inventory::collect!(RegisteredEvent);

/// Whether `E` is in the registry docs-gen documents: registered by `#[derive(TelemetryEvent)]` or, for a
/// hand-written impl, by [`register_event!`](crate::register_event), with this very metadata (or metadata equal to it
/// in full). `telemetry-client` sends only such events, so nothing is sent that no page lists.
pub fn is_registered<E: TelemetryEvent + ?Sized>() -> bool {
    // The derive registers `Checked::<E>::META`: the same address in the common case, so the walk compares
    // pointers first and metadata in full only when no pointer matches (a second copy of a `const`, or a
    // hand-written impl that reuses a registered event's metadata).
    let meta = crate::meta::Checked::<E>::META;
    let registry = || inventory::iter::<RegisteredEvent>.into_iter();
    registry().any(|entry| std::ptr::eq(entry.meta, meta)) || registry().any(|entry| *entry.meta == *meta)
}

/// Registers a hand-written [`TelemetryEvent`] impl, as `#[derive(TelemetryEvent)]` does for derived ones: the
/// event is then on the "what is collected" page, in the schemas and the catalog, and `telemetry-client` sends it
/// (an event that is not registered is never sent). Use it once, next to the impl.
///
/// ```
/// use telemetry_schema::{EventMeta, Fields, TelemetryEvent, register_event};
///
/// /// Sent when the tool starts.
/// struct Started;
///
/// impl TelemetryEvent for Started {
///     const META: EventMeta = EventMeta::new("STARTED", 1, "Sent when the tool starts.", &[]);
///     fn visit_fields(&self, _: &mut Fields<'_>) {}
/// }
///
/// register_event!(Started);
///
/// assert!(telemetry_schema::is_registered::<Started>());
/// ```
#[macro_export]
macro_rules! register_event {
    ($event:ty) => {
        $crate::__private::inventory::submit! {
            $crate::RegisteredEvent::new::<$event>(
                ::core::concat!(::core::module_path!(), "::", ::core::stringify!($event)),
                $crate::SourceLocation { file: ::core::file!(), line: ::core::line!() },
            )
        }
    };
}

/// A place in the source, as reported by `file!()` and `line!()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SourceLocation {
    /// The file, relative to the crate's workspace as `file!()` gives it.
    pub file: &'static str,
    /// The line of the type's name.
    pub line: u32,
}

impl fmt::Display for SourceLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// Every event linked into this program, sorted by name.
///
/// # Errors
/// When two events share a name, naming both definitions. A program that sends them would make the server's
/// schema ambiguous, so this is never silently resolved.
pub fn events() -> Result<Vec<&'static RegisteredEvent>, RegistryError> {
    sorted_and_unique(inventory::iter::<RegisteredEvent>.into_iter().collect())
}

/// Sorts by name (then version, then location, so the order never depends on link order) and reports every
/// pair of events with the same name.
///
/// # Errors
/// See [`events`].
pub fn sorted_and_unique(mut entries: Vec<&RegisteredEvent>) -> Result<Vec<&RegisteredEvent>, RegistryError> {
    entries.sort_by(|a, b| {
        (a.meta.name(), a.meta.version(), a.location, a.rust_type).cmp(&(
            b.meta.name(),
            b.meta.version(),
            b.location,
            b.rust_type,
        ))
    });
    let duplicates: Vec<DuplicateEvent> = entries
        .windows(2)
        .filter(|pair| pair[0].meta.name() == pair[1].meta.name())
        .map(|pair| DuplicateEvent {
            name: pair[0].meta.name(),
            first: (pair[0].rust_type, pair[0].location),
            second: (pair[1].rust_type, pair[1].location),
        })
        .collect();
    if duplicates.is_empty() { Ok(entries) } else { Err(RegistryError { duplicates }) }
}

/// The registry holds two or more events with the same name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryError {
    duplicates: Vec<DuplicateEvent>,
}

impl RegistryError {
    /// Each clash, in name order.
    pub fn duplicates(&self) -> &[DuplicateEvent] {
        &self.duplicates
    }
}

/// Two definitions of one event name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateEvent {
    /// The shared event name.
    pub name: &'static str,
    /// One definition: Rust type and location.
    pub first: (&'static str, SourceLocation),
    /// The other definition.
    pub second: (&'static str, SourceLocation),
}

impl fmt::Display for RegistryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, dup) in self.duplicates.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(
                f,
                "{}: error: telemetry event name `{}` is defined twice: by `{}` here and by `{}` at {}; give one \
                 of them another name with #[telemetry(name = \"...\")]",
                dup.first.1, dup.name, dup.first.0, dup.second.0, dup.second.1
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for RegistryError {}
