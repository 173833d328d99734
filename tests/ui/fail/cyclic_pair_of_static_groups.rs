// A cycle through two groups (Ping holds Pong, Pong holds Ping), behind an `Option`, is refused like a group that
// holds itself.
use telemetry_schema::{
    CollectableKind, DerivedKind, FieldMeta, Fields, GroupMeta, GroupShape, TelemetryEvent, TelemetryGroup,
};

static PING: GroupMeta = GroupMeta::new("Ping", "Holds a pong.", &PING_FIELDS);
static PING_FIELDS: [FieldMeta; 1] = [FieldMeta::new("pong", "The pong.", CollectableKind::Group(&PONG))];
static PONG: GroupMeta = GroupMeta::new("Pong", "Holds a ping.", &PONG_FIELDS);
static PONG_FIELDS: [FieldMeta; 1] = [FieldMeta::new("ping", "The ping.", CollectableKind::Group(&PING))];

struct Ping;

impl TelemetryGroup for Ping {
    const META: GroupMeta = GroupMeta::new("Ping", "Holds a pong.", &PING_FIELDS);
    fn visit_fields(&self, _: &mut Fields<'_>) {}
}

impl DerivedKind for Ping {
    type Shape = GroupShape;
}

/// Sent with a rally.
#[derive(TelemetryEvent)]
struct Rally {
    /// The first ping, if any.
    ping: Option<Ping>,
}

fn main() {}
