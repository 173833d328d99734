//! One real telemetry event from each of five programs, ported to the toolkit as a privacy-minded author would.
//!
//! Each module re-expresses one event that the program really sends, read from its source: [`nextjs`]
//! (`NEXT_CLI_SESSION_STARTED`), [`clerk`] (`COMPONENT_MOUNTED`), [`better_auth`] (`init`), [`sst`] (`cli.start`)
//! and [`turborepo`] (the run's `generic` events). Every field's doc comment says how it maps from the original:
//! *ported directly*, ported with an *acceptable loss* (and which), or why an original field has no counterpart.
//! Each event's own doc comment lists what was dropped. The README's "Real events" section shows, per program,
//! the JSON the original sends beside the JSON the port sends (its test keeps the two in step with this code).
//!
//! `PENDING.md` in this crate records which fields moved to the kinds issue 14 added (maps keyed by an enum,
//! flow ids, lenient versions, wider wire names, list enums, tagged unions, sampling by value) and what is left.
//!
//! Every module has an `example()` that builds the event from the values of the original's example, through the
//! same small conversions a port would run.

pub mod better_auth;
pub mod clerk;
pub mod nextjs;
pub mod sst;
pub mod turborepo;

use telemetry_schema::Product;

/// The disclosure of the ported examples, so that docs-gen can print their page (`docs/real-events/`). The
/// examples are documentation: nothing sends them, and the endpoint does not exist.
pub const PRODUCT: Product = Product::builder("Real-events", "real-events", telemetry_schema::version!())
    .env_prefix("REAL_EVENTS")
    .opt_in()
    .endpoint("https://telemetry.real-events.example/v1/batch")
    .purpose(
        "These events are ports of what Next.js, Clerk, Better Auth, SST and Turborepo send, written to show how \
         each of their fields maps onto the toolkit's kinds and what the typing removes. Nothing sends them.",
    )
    .build();

telemetry_schema::register_product!(PRODUCT);
