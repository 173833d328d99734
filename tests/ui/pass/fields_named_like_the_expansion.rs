//! Generated code never collides with a field name: the event and the group below have a field named after every
//! identifier the expansions use (the derive's, `impl_decode!`'s and `inventory::submit!`'s locals, parameters,
//! items and paths). Issue 14: a field named `fields` once shadowed the visitor's parameter (E0308).
#![allow(non_snake_case)]

use telemetry_schema::{TelemetryEnum, TelemetryEvent, TelemetryGroup, to_json};

/// A choice.
#[derive(Clone, Copy, TelemetryEnum)]
enum Choice {
    /// The first.
    First,
}

/// Every name the expansion uses, as a field of a group.
#[derive(TelemetryGroup)]
struct Names {
    /// Named like the visitor's old parameter.
    fields: bool,
    /// Named like the visitor's parameter.
    #[telemetry(rename = "u__fields")]
    __fields: bool,
    /// Named like the first binding.
    #[telemetry(rename = "u__field_0")]
    __field_0: bool,
    /// Named like the second binding.
    #[telemetry(rename = "u__field_1")]
    __field_1: u8,
    /// Named like the metadata static.
    #[telemetry(rename = "u__TELEMETRY_META")]
    __TELEMETRY_META: bool,
    /// Named like the associated constant.
    META: bool,
    /// Named like the other associated constant.
    META_REF: bool,
    /// Named like the trait method.
    visit_fields: bool,
    /// Named like the codec function.
    codec: bool,
    /// Named like the codec's method.
    write: bool,
    /// `self` with an underscore.
    self_: bool,
    /// A common local name.
    value: bool,
    /// A common local name.
    meta: bool,
    /// A common local name.
    encoder: bool,
    /// A common local name.
    f: bool,
    /// A common local name.
    v: bool,
    /// `impl_decode!`'s map access.
    map: bool,
    /// `impl_decode!`'s field index.
    index: bool,
    /// `impl_decode!`'s position counter.
    position: bool,
    /// `impl_decode!`'s deserializer.
    deserializer: bool,
    /// `impl_decode!`'s visitor type.
    ObjectVisitor: bool,
    /// `impl_decode!`'s constants.
    OWNER: bool,
    /// `impl_decode!`'s constants.
    FIELDS: bool,
    /// `impl_decode!`'s constants.
    BOUNDS: bool,
    /// `impl_decode!`'s enum table.
    ALL: bool,
    /// `impl_decode!`'s serde import.
    serde: bool,
    /// The registry's macro.
    inventory: bool,
    /// The checks' functions.
    set_element: bool,
    /// The checks' functions.
    check_bound: bool,
    /// The checks' functions.
    check_max_bits: bool,
    /// A type the expansion names.
    Choice: Choice,
}

/// Every name the expansion uses, as a field of an event (with the group nested in it).
#[derive(TelemetryEvent)]
struct EveryName {
    /// Named like the visitor's old parameter.
    fields: bool,
    /// Named like the visitor's parameter.
    #[telemetry(rename = "u__fields")]
    __fields: bool,
    /// Named like the first binding.
    #[telemetry(rename = "u__field_0")]
    __field_0: bool,
    /// Named like the second binding, bounded.
    #[telemetry(max = 3, rename = "u__field_1")]
    __field_1: u8,
    /// Named like the group's metadata static.
    #[telemetry(rename = "u__TELEMETRY_META")]
    __TELEMETRY_META: bool,
    /// Named like the associated constant.
    META: bool,
    /// Named like the trait method.
    visit_fields: bool,
    /// Named like the codec function.
    codec: bool,
    /// `self` with an underscore.
    self_: bool,
    /// A common local name.
    value: bool,
    /// `impl_decode!`'s map access.
    map: bool,
    /// `impl_decode!`'s constants.
    OWNER: bool,
    /// `impl_decode!`'s constants.
    FIELDS: bool,
    /// `impl_decode!`'s visitor type.
    ObjectVisitor: bool,
    /// The registry's macro.
    inventory: bool,
    /// The group, named like a local.
    names: Names,
}

fn main() {
    let names = Names {
        fields: true,
        __fields: false,
        __field_0: true,
        __field_1: 7,
        __TELEMETRY_META: false,
        META: true,
        META_REF: false,
        visit_fields: true,
        codec: false,
        write: true,
        self_: false,
        value: true,
        meta: false,
        encoder: true,
        f: false,
        v: true,
        map: false,
        index: true,
        position: false,
        deserializer: true,
        ObjectVisitor: false,
        OWNER: true,
        FIELDS: false,
        BOUNDS: true,
        ALL: false,
        serde: true,
        inventory: false,
        set_element: true,
        check_bound: false,
        check_max_bits: true,
        Choice: Choice::First,
    };
    let event = EveryName {
        fields: true,
        __fields: false,
        __field_0: true,
        __field_1: 9,
        __TELEMETRY_META: false,
        META: true,
        visit_fields: false,
        codec: true,
        self_: false,
        value: true,
        map: false,
        OWNER: true,
        FIELDS: false,
        ObjectVisitor: true,
        inventory: false,
        names,
    };
    // Each value reaches its own key: nothing was shadowed or swapped.
    assert_eq!(
        to_json(&event).unwrap(),
        concat!(
            r#"{"fields":true,"u__fields":false,"u__field_0":true,"u__field_1":3,"u__TELEMETRY_META":false,"META":true,"#,
            r#""visit_fields":false,"codec":true,"self_":false,"value":true,"map":false,"OWNER":true,"FIELDS":false,"#,
            r#""ObjectVisitor":true,"inventory":false,"names":{"fields":true,"u__fields":false,"u__field_0":true,"#,
            r#""u__field_1":7,"u__TELEMETRY_META":false,"META":true,"META_REF":false,"visit_fields":true,"codec":false,"#,
            r#""write":true,"self_":false,"value":true,"meta":false,"encoder":true,"f":false,"v":true,"map":false,"#,
            r#""index":true,"position":false,"deserializer":true,"ObjectVisitor":false,"OWNER":true,"FIELDS":false,"#,
            r#""BOUNDS":true,"ALL":false,"serde":true,"inventory":false,"set_element":true,"check_bound":false,"#,
            r#""check_max_bits":true,"Choice":"First"}}"#
        )
    );
}
