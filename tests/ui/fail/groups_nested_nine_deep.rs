// Groups nest at most 8 deep (`MAX_GROUP_DEPTH`): deeper metadata cannot be told from a cycle, and every
// renderer recurses into it. Here nine groups nest inside each other, one more than allowed.
use telemetry_schema::{TelemetryEvent, TelemetryGroup};

/// Level 1.
#[derive(TelemetryGroup)]
struct Level1 {
    /// The next level.
    next: Level2,
}

/// Level 2.
#[derive(TelemetryGroup)]
struct Level2 {
    /// The next level.
    next: Level3,
}

/// Level 3.
#[derive(TelemetryGroup)]
struct Level3 {
    /// The next level.
    next: Level4,
}

/// Level 4.
#[derive(TelemetryGroup)]
struct Level4 {
    /// The next level.
    next: Level5,
}

/// Level 5.
#[derive(TelemetryGroup)]
struct Level5 {
    /// The next level.
    next: Level6,
}

/// Level 6.
#[derive(TelemetryGroup)]
struct Level6 {
    /// The next level.
    next: Level7,
}

/// Level 7.
#[derive(TelemetryGroup)]
struct Level7 {
    /// The next level.
    next: Level8,
}

/// Level 8.
#[derive(TelemetryGroup)]
struct Level8 {
    /// The next level.
    next: Level9,
}

/// Level 9.
#[derive(TelemetryGroup)]
struct Level9 {
    /// The innermost flag.
    flag: bool,
}

/// Sent when something deep happens.
#[derive(TelemetryEvent)]
struct Deep {
    /// The outermost level.
    top: Level1,
}

fn main() {}
