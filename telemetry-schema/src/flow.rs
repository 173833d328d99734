//! [`FlowId`]: a random id that links the events of one flow (an upgrade, a run, a span), which its author
//! cannot choose.

use std::fmt;

/// A random correlation id: 128 bits the operating system's random source draws when [`FlowId::new`] is called,
/// sent as 32 lower-case hex digits. Several events that carry the same `FlowId` belong to one flow (the steps of
/// an upgrade, the phases of one run), so a dashboard can join them; nothing else can be read from it.
///
/// `new` is the only way an SDK makes one: there is no `From`, `Default`, parser or byte constructor, so an author
/// cannot put a user name, a hash of a path or a counter into an id. (The strict decode behind the `serde`
/// feature reads ids received by a server; an id it reads is marked as received, and an event holding one is not
/// encoded, so the decode cannot mint ids for a client to send.) That is why the toolkit counts
/// it as 0 author-chosen bits in an event's information bound (`payload_bits`), while the page names it as an id
/// that links the events of one flow. A fresh id per flow also means two flows (or two runs) cannot be linked
/// unless the program hands the same value to both: which events share an id is the one thing about it the program
/// chooses, so events joined by an id say together what each says (the page says so).
///
/// ```
/// use telemetry_schema::{FlowId, TelemetryEvent, to_json};
///
/// /// Sent when an upgrade starts.
/// #[derive(TelemetryEvent)]
/// struct UpgradeStarted {
///     /// Links this event with the upgrade's `UPGRADE_FINISHED`.
///     upgrade: FlowId,
/// }
///
/// let upgrade = FlowId::new();
/// let json = to_json(&UpgradeStarted { upgrade }).unwrap();
/// assert_eq!(json.len(), r#"{"upgrade":""}"#.len() + 32);
/// assert_ne!(FlowId::new(), upgrade, "each call draws a new id");
/// ```
///
/// An id cannot be built from data the author chose:
///
/// ```compile_fail
/// let id = telemetry_schema::FlowId::from([0u8; 16]);
/// ```
#[derive(Clone, Copy)]
pub struct FlowId {
    /// `None` when the operating system gave no randomness (it practically never refuses): an event holding such
    /// an id is not encoded, rather than sent with a fixed id that would link every flow.
    bytes: Option<[u8; 16]>,
    /// Read from the wire by the strict decode (a server's), not drawn by [`FlowId::new`]: such an id reads and
    /// compares like any other, but an event holding it is not encoded, so the decode cannot serve a client as a
    /// second constructor that takes author-chosen digits.
    received: bool,
}

/// Ids are equal when their digits are: one read back from the wire equals the one that was sent.
impl PartialEq for FlowId {
    fn eq(&self, other: &Self) -> bool {
        self.bytes == other.bytes
    }
}

impl Eq for FlowId {}

impl std::hash::Hash for FlowId {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.bytes.hash(state);
    }
}

impl FlowId {
    /// Draws a fresh id from the operating system's random source. Never panics: if the OS refuses randomness,
    /// the id is marked as missing and an event holding it fails to encode (the client drops it) instead of
    /// carrying a value that is not random.
    #[must_use]
    #[allow(clippy::new_without_default)] // a `Default` would look like a fixed value; `new` is the only way in
    pub fn new() -> Self {
        let mut bytes = [0u8; 16];
        Self { bytes: getrandom::fill(&mut bytes).ok().map(|()| bytes), received: false }
    }

    /// The 16 random bytes, or `None` if the OS gave no randomness when the id was drawn.
    pub(crate) fn bytes(&self) -> Option<&[u8; 16]> {
        self.bytes.as_ref()
    }

    /// Whether the strict decode read this id from the wire (it is then never encoded).
    pub(crate) fn was_received(&self) -> bool {
        self.received
    }

    /// An id received on the wire (the strict decode, for servers): 32 lower-case hex digits, marked as received.
    #[cfg(feature = "serde")]
    pub(crate) fn parse_wire(text: &str) -> Option<Self> {
        crate::hex::decode::<16>(text).map(|bytes| Self { bytes: Some(bytes), received: true })
    }
}

impl fmt::Display for FlowId {
    /// The 32 hex digits sent on the wire, or `(no randomness)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.bytes {
            Some(bytes) => crate::hex::write(f, bytes),
            None => f.write_str("(no randomness)"),
        }
    }
}

impl fmt::Debug for FlowId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FlowId({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_new_id_is_drawn_fresh() {
        let ids: std::collections::HashSet<FlowId> = (0..1000).map(|_| FlowId::new()).collect();
        assert_eq!(ids.len(), 1000);
        assert!(ids.iter().all(|id| id.bytes().is_some()));
    }
}
