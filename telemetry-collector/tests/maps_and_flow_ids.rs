//! A map keyed by an enum is stored as the JSON object sent, in one column that every dialect can hold and the
//! SQLite and PostgreSQL constraints keep an object, and so is a tagged union; a flow id is stored as its text. The report says a map is not
//! charted rather than leaving it out silently.

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{Value, json};
use support::*;
use telemetry_collector::ddl::{Dialect, column_check, column_type};
use telemetry_collector::model::{ColumnType, Model};
use telemetry_docs::{Archive, Disclosure, Format, generate_with_archive};
use telemetry_schema::schema::SchemaOptions;
use telemetry_schema::{FlowId, Product, TelemetryEnum, TelemetryEvent, TelemetryGroup, write_envelope};

const PRODUCT: Product = Product::builder("Tool", "tool", telemetry_schema::version!("1.0.0"))
    .env_prefix("TOOL")
    .opt_in()
    .endpoint("https://telemetry.tool.example/v1")
    .purpose("Tool counts how often it starts.")
    .build();

/// A sign-in provider the project can configure.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, TelemetryEnum)]
enum Provider {
    /// Sign in with GitHub.
    Github,
    /// Sign in with an email link.
    Email,
}

/// What a failed setup reports.
#[derive(TelemetryGroup)]
struct FailureInfo {
    /// How many retries were made.
    retries: u8,
}

/// How the setup ended.
#[allow(dead_code)] // only the failure case is sent here
#[derive(TelemetryEnum)]
enum Outcome {
    /// It worked.
    Done,
    /// It failed.
    Failure(FailureInfo),
}

/// Sent when the auth setup is read.
#[derive(TelemetryEvent)]
struct AuthConfigured {
    /// How the setup ended.
    outcome: Outcome,
    /// Links this event with the rest of the setup flow.
    flow: FlowId,
    /// How many users signed in with each provider.
    sign_ins: BTreeMap<Provider, u16>,
    /// Whether each provider is enabled, when read.
    enabled: Option<BTreeMap<Provider, bool>>,
}

#[test]
fn a_map_is_one_json_column_and_a_flow_id_its_text() {
    let dir = temp_dir("maps");
    let disclosure = Disclosure::new(&PRODUCT, [&AuthConfigured::META]).unwrap();
    let archive = Archive::fresh(&disclosure).unwrap();
    let options = SchemaOptions::for_product(&PRODUCT);
    generate_with_archive(&disclosure, &archive, &[Format::Schemas], &options).unwrap().write(&dir).unwrap();
    let bundle: Value = serde_json::from_slice(&std::fs::read(dir.join("schemas/bundle.json")).unwrap()).unwrap();
    let model = Model::from_bundle(&bundle).unwrap();
    let (_, table) = model.table("AUTH_CONFIGURED", 1).unwrap();
    let column = |name: &str| table.columns.iter().find(|c| c.name == name).unwrap().clone();
    assert_eq!(column("sign_ins").ty, ColumnType::Map(vec!["Github".into(), "Email".into()]));
    assert!(column("enabled").nullable && !column("sign_ins").nullable);
    assert_eq!(column("flow").ty, ColumnType::Text);
    assert_eq!(column("outcome").ty, ColumnType::Union(vec!["Done".into(), "Failure".into()]));
    assert_eq!(column_type(Dialect::Sqlite, &column("sign_ins")), "TEXT");
    assert_eq!(column_type(Dialect::Postgres, &column("sign_ins")), "TEXT");
    assert_eq!(column_type(Dialect::Clickhouse, &column("enabled")), "Nullable(String)");
    assert!(column_check(Dialect::Sqlite, &column("sign_ins")).unwrap().contains("json_type(\"sign_ins\") = 'object'"));

    let mut header = random_header(&mut Rng(7));
    header.sdk_name = "tool";
    let event = AuthConfigured {
        outcome: Outcome::Failure(FailureInfo { retries: 2 }),
        flow: FlowId::new(),
        sign_ins: BTreeMap::from([(Provider::Email, 3), (Provider::Github, 12)]),
        enabled: None,
    };
    let mut envelope = String::new();
    write_envelope(&mut envelope, &header, &event).unwrap();
    let batch_id = "0123456789abcdef0123456789abcdef";
    // The envelope's text as written (a `Value` would sort the map's keys).
    let body = format!(r#"{{"batch_id":"{batch_id}","events":[{envelope}]}}"#).into_bytes();
    let mut collector = start_with_schemas(&dir, &dir.join("schemas"), &[]);
    let response = post(collector.addr, &body);
    assert_eq!(response.status, 200, "{}", String::from_utf8_lossy(&response.body));
    collector.terminate(Duration::from_secs(30));
    let stored = rows(&open_db(&collector.db), &table.name, batch_id);
    assert_eq!(stored.len(), 1);
    // The object as sent, keys in declaration order.
    assert_eq!(stored[0]["sign_ins"], json!(r#"{"Github":12,"Email":3}"#));
    assert_eq!(stored[0]["enabled"], Value::Null);
    assert_eq!(stored[0]["outcome"], json!(r#"{"kind":"Failure","retries":2}"#));
    assert_eq!(stored[0]["flow"], json!(event.flow.to_string()));
    let _ = std::fs::remove_dir_all(&dir);
}
