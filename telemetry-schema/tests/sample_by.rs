//! Sampling by value: the metadata names an enum field whose variants carry rates; whatever constructor built
//! it, `EventMeta::check` refuses a sampled field that is missing or not a plain enum, an event-wide rate
//! besides, and a variant rate outside 1 to 1 000 000 per million.

use telemetry_schema::{CollectableKind, EnumMeta, EventMeta, FieldMeta, MetaProblem, VariantMeta};

const VARIANTS: &[VariantMeta] = &[
    VariantMeta::new("SignIn", "The sign-in form."),
    VariantMeta::new("UserButton", "The account menu.").with_sample_rate_per_million(100_000),
];
const COMPONENT: EnumMeta = EnumMeta::new("Component", "A component.", VARIANTS);
const FIELDS: &[FieldMeta] = &[
    FieldMeta::new("customized", "Whether it was customized.", CollectableKind::Bool),
    FieldMeta::new("component", "Which component.", CollectableKind::Enum(&COMPONENT)),
    FieldMeta::new("maybe", "Which component, if any.", CollectableKind::Optional(&CollectableKind::Enum(&COMPONENT))),
];
const MOUNTED: EventMeta = EventMeta::new("MOUNTED", 1, "Sent when a component mounts.", FIELDS);

fn sampling_problem(meta: EventMeta) -> bool {
    matches!(meta.check().map_err(|e| e.problem()), Err(MetaProblem::Sampling(_)))
}

#[test]
fn a_plain_enum_field_can_set_the_rate() {
    const SAMPLED: EventMeta = MOUNTED.with_sample_by(1);
    assert_eq!(SAMPLED.sample_by(), Some(1));
    assert!(SAMPLED.check().is_ok());
    assert_eq!(VARIANTS[1].sample_rate_per_million(), 100_000);
    assert_eq!(VARIANTS[0].sample_rate_per_million(), 1_000_000);
}

#[test]
fn the_checking_constructor_refuses_what_cannot_work() {
    for field in [0, 2, 3] {
        let result = std::panic::catch_unwind(|| MOUNTED.with_sample_by(field));
        assert!(result.is_err(), "field {field} accepted");
    }
    let rated = MOUNTED.with_sample_rate_per_million(500_000);
    assert!(std::panic::catch_unwind(|| rated.with_sample_by(1)).is_err(), "an event-wide rate besides");
    // The same two, the other way round.
    let by_value = MOUNTED.with_sample_by(1);
    assert!(
        std::panic::catch_unwind(|| by_value.with_sample_rate_per_million(500_000)).is_err(),
        "an event-wide rate after sample_by"
    );
    assert!(std::panic::catch_unwind(|| VariantMeta::new("A", "A.").with_sample_rate_per_million(0)).is_err());
    assert!(std::panic::catch_unwind(|| VariantMeta::new("A", "A.").with_sample_rate_per_million(1_000_001)).is_err());
}

#[test]
fn unchecked_metadata_is_refused_before_rendering() {
    // A bool, an optional enum, a missing field, and an event-wide rate besides.
    assert!(sampling_problem(MOUNTED.__with_sample_by(0)));
    assert!(sampling_problem(MOUNTED.__with_sample_by(2)));
    assert!(sampling_problem(MOUNTED.__with_sample_by(9)));
    assert!(sampling_problem(MOUNTED.with_sample_rate_per_million(500_000).__with_sample_by(1)));
    // (A variant rate of 0 cannot be built: both constructors of `VariantMeta` leave or check the rate.)
}

/// A hand-written enum over [`COMPONENT`] and an event over `MOUNTED.with_sample_by(1)`: the public, documented
/// way to build sampling by value without the derive, which overrides nothing.
#[derive(Clone, Copy)]
enum Component {
    SignIn,
    UserButton,
}

impl telemetry_schema::TelemetryEnum for Component {
    const META: EnumMeta = COMPONENT;
    fn variant_index(self) -> usize {
        self as usize
    }
}

impl telemetry_schema::DerivedKind for Component {
    type Shape = telemetry_schema::EnumShape;
}

struct HandMounted {
    customized: bool,
    component: Component,
    maybe: Option<Component>,
}

impl telemetry_schema::TelemetryEvent for HandMounted {
    const META: EventMeta = MOUNTED.with_sample_by(1);
    fn visit_fields(&self, fields: &mut telemetry_schema::Fields<'_>) {
        fields.field(&self.customized);
        fields.field(&self.component);
        fields.field(&self.maybe);
    }
}

/// The rate an occurrence is sampled at is its value's, whoever wrote the event: a hand-written event built with
/// `with_sample_by` must not fall back to "every time" while the page prints the value's rate.
#[test]
fn a_hand_written_event_sampled_by_value_gets_each_values_rate() {
    use telemetry_schema::TelemetryEvent;
    let mounted = |component| HandMounted { customized: true, component, maybe: Some(Component::UserButton) };
    assert_eq!(mounted(Component::UserButton).sample_rate_per_million(), 100_000);
    assert_eq!(mounted(Component::SignIn).sample_rate_per_million(), 1_000_000);
    // An event without `sample_by` keeps its event-wide rate.
    struct Plain(bool);
    impl TelemetryEvent for Plain {
        const META: EventMeta =
            EventMeta::new("PLAIN", 1, "Plain.", &[FieldMeta::new("flag", "A flag.", CollectableKind::Bool)])
                .with_sample_rate_per_million(250_000);
        fn visit_fields(&self, fields: &mut telemetry_schema::Fields<'_>) {
            fields.field(&self.0);
        }
    }
    assert_eq!(Plain(true).sample_rate_per_million(), 250_000);
}
