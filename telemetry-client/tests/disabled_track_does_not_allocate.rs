//! `track()` on a disabled client allocates nothing. A plain `main` (no test harness), so no other thread
//! allocates while the counting allocator is read.

mod support;

use std::alloc::System;
use std::time::{Duration, Instant};

use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use support::{Captured, Counted, OPT_OUT, TempDir};
use telemetry_client::{Client, MapEnv, MemoryTransport};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

fn allocations_of(client: &Client, events: u32) -> usize {
    let region = Region::new(GLOBAL);
    for n in 0..events {
        client.track(std::hint::black_box(Counted { n }));
    }
    region.change().allocations
}

fn main() {
    let dir = TempDir::new("alloc");
    let disabled = Client::builder(&OPT_OUT)
        .env(MapEnv::new().with("ACME_TELEMETRY_DISABLED", "1"))
        .config_dir(dir.path())
        .build();
    let disabled_allocations = allocations_of(&disabled, 10_000);
    assert_eq!(disabled_allocations, 0, "track() on a disabled client allocated");

    // The same measurement sees the enabled path's one allocation per event, so it can fail.
    let enabled = Client::builder(&OPT_OUT)
        .env(MapEnv::new())
        .config_dir(dir.path())
        .enabled(true)
        .transport(MemoryTransport::new())
        .stderr(Captured::default())
        .build();
    let enabled_allocations = allocations_of(&enabled, 100);
    assert!(enabled_allocations >= 100, "the counter works: {enabled_allocations} allocations when enabled");
    let _ = enabled.shutdown(Instant::now() + Duration::from_secs(5));

    println!("disabled track: 0 allocations for 10000 events; enabled: {enabled_allocations} for 100");
    println!("alloc: 2 passed, 0 failed");
}
