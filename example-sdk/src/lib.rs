//! `acme`: a realistic SDK that uses the telemetry toolkit, modelled on the telemetry of Next.js, Clerk,
//! Better Auth and SST.
//!
//! Everything it can ever send is in [`events`], one file a privacy reviewer can read top to bottom; how users
//! are told about it and how they turn it off is in [`PRODUCT`].
pub mod events;

use telemetry_schema::{ConsentDefault, Product};

/// Acme's telemetry disclosure: read by the client at run time and printed by docs-gen on the disclosure page.
pub const PRODUCT: Product = Product {
    name: "Acme",
    sdk_name: "acme",
    sdk_version: telemetry_schema::version!(),
    env_prefix: "ACME",
    consent_default: ConsentDefault::OptOut,
    endpoint: "https://telemetry.acme.example/v1/batch",
    purpose: "Acme collects completely anonymous usage data: which commands and features are used, how long \
              builds and deployments take, and which errors happen. It tells us where to spend our time and \
              which platforms and versions we must keep supporting. It never includes your code, file names, \
              paths, environment variables, names, emails or IP addresses, and you can turn it off at any time.",
    cli_command: Some("acme telemetry"),
    config_switch: Some("`telemetry: false` in the `acme.config.json` of a project"),
    require_expiry: false,
}
.validated();

telemetry_schema::register_product!(PRODUCT);
