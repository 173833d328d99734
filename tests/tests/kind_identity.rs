//! The serializer compares a value's kind with the declared one by identity first and in full only when the
//! pointers differ. For derived enums and groups the metadata lives in one `static`, so the identity holds across
//! crates (here: metadata declared in example-sdk, kinds evaluated in this crate): the full comparison, which
//! costs as much as the encoding itself, never runs for derived code.

use example_sdk::events::{AuthFeatures, CliCommand, Command, ComponentProps};
use telemetry_schema::{Collectable, CollectableKind, TelemetryEnum, TelemetryEvent, TelemetryGroup};

fn meta_address(kind: CollectableKind) -> *const () {
    match kind {
        CollectableKind::Enum(meta) | CollectableKind::EnumSet(meta) => std::ptr::from_ref(meta).cast(),
        CollectableKind::Group(meta) => std::ptr::from_ref(meta).cast(),
        CollectableKind::Optional(inner) => meta_address(*inner),
        other => panic!("{other:?} has no metadata"),
    }
}

#[test]
fn a_derived_enum_has_one_metadata_address_across_crates() {
    let declared = CliCommand::META.fields().iter().find(|f| f.name() == "command").unwrap().kind();
    assert_eq!(meta_address(declared), meta_address(<Command as Collectable>::KIND));
    assert_eq!(meta_address(declared), std::ptr::from_ref(<Command as TelemetryEnum>::META_REF).cast());
}

#[test]
fn a_derived_group_has_one_metadata_address_across_crates() {
    for (group, address) in [
        ("ComponentProps", std::ptr::from_ref(<ComponentProps as TelemetryGroup>::META_REF).cast::<()>()),
        ("AuthFeatures", std::ptr::from_ref(<AuthFeatures as TelemetryGroup>::META_REF).cast::<()>()),
    ] {
        let declared = telemetry_schema::events()
            .unwrap()
            .into_iter()
            .flat_map(|event| event.meta().fields())
            .find(|field| {
                matches!(field.kind(), CollectableKind::Group(meta) if meta.name() == group)
                    || matches!(field.kind(), CollectableKind::Optional(CollectableKind::Group(meta)) if meta.name() == group)
            })
            .unwrap_or_else(|| panic!("no field of group {group}"));
        assert_eq!(meta_address(declared.kind()), address, "{group}");
    }
    assert_eq!(
        meta_address(<ComponentProps as Collectable>::KIND),
        std::ptr::from_ref(<ComponentProps as TelemetryGroup>::META_REF).cast()
    );
}
