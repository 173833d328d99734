//! `max_bits` equal to the bound passes: 8 bools are exactly 8 bits.

use telemetry_schema::TelemetryEvent;

/// Sent when the tool starts.
#[derive(TelemetryEvent)]
#[telemetry(max_bits = 8)]
struct Started {
    /// A.
    a: bool,
    /// B.
    b: bool,
    /// C.
    c: bool,
    /// D.
    d: bool,
    /// E.
    e: bool,
    /// F.
    f: bool,
    /// G.
    g: bool,
    /// H.
    h: bool,
}

fn main() {
    assert_eq!(Started::META.payload_bits(), 8.0);
}
