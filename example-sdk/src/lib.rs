//! `acme`: a realistic SDK that uses the telemetry toolkit, modelled on the telemetry of Next.js, Clerk,
//! Better Auth and SST.
//!
//! Everything it can ever send is in [`events`], one file a privacy reviewer can read top to bottom; how users
//! are told about it and how they turn it off is in [`PRODUCT`].
pub mod events;

use telemetry_schema::{ConfigSwitch, Product};

/// Acme's telemetry disclosure: read by the client at run time and printed by docs-gen on the disclosure page.
pub const PRODUCT: Product = Product::builder("Acme", "acme", telemetry_schema::version!())
    .env_prefix("ACME")
    .opt_out()
    .endpoint("https://telemetry.acme.example/v1/batch")
    .purpose(
        "Acme collects usage data: which commands and features are used, how long builds and deployments take, \
         and which errors happen. It tells us where to spend our time and which platforms and versions we must \
         keep supporting. It never includes your code, file names, paths, environment variables, names or \
         emails, and you can turn it off at any time.",
    )
    .cli_command("acme telemetry")
    .config_switch(ConfigSwitch::json("acme.config.json", "telemetry"))
    .page_url("https://acme.example/docs/telemetry")
    .retention("Events are kept for 13 months after they arrive, then deleted.")
    .contact("privacy@acme.example")
    .deletion(
        "Email privacy@acme.example with the install id that `acme telemetry status` shows; every event sent \
         under it is deleted within 30 days.",
    )
    .payload_budget_bits(64)
    .build();

telemetry_schema::register_product!(PRODUCT);
