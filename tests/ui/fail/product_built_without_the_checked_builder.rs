// A `Product` is made only by its checked builder (private fields), so registering one by hand cannot skip a rule.
// Here the prefix would end in a zero-width space: the page would name `ACME​_TELEMETRY_DISABLED`, which looks like the
// variable a user types, while the client reads another one.
use telemetry_schema::{ConsentDefault, Product, RegisteredProduct};

static PRODUCT: Product = Product {
    name: "Acme",
    sdk_name: "acme",
    sdk_version: telemetry_schema::version!("1.0.0"),
    env_prefix: "ACME\u{200B}",
    consent_default: ConsentDefault::OptOut,
    endpoint: "https://telemetry.acme.example/v1",
    purpose: "Acme counts its commands.",
    cli_command: None,
    config_switch: None,
    require_expiry: false,
};

telemetry_schema::__private::inventory::submit! {
    RegisteredProduct::new(&PRODUCT)
}

fn main() {}
