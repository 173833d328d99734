use std::collections::BTreeSet;
use std::time::Duration;

use telemetry_schema::{CollectableKind, TelemetryEnum, TelemetryEvent, TelemetryGroup, Version, to_json};

/// The database the project uses.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, TelemetryEnum)]
enum Database {
    /// PostgreSQL.
    Postgres,
    /// SQLite.
    Sqlite,
}

/// How sessions are configured.
#[derive(TelemetryGroup)]
struct SessionOptions {
    /// Whether sessions are refreshed automatically.
    auto_refresh: bool,
}

/// Sent when the auth library is initialized; every field is optional.
#[derive(TelemetryEvent)]
struct AuthInitialized {
    /// Whether email sign-in is enabled, when configured.
    email: Option<bool>,
    /// How many retries are allowed, when configured.
    retries: Option<u8>,
    /// How many trusted origins, when configured.
    origins: Option<u16>,
    /// How many users are expected, when configured.
    users: Option<u32>,
    /// How many bytes the session store holds, when known.
    store_bytes: Option<u64>,
    /// How many plugins, when known.
    plugins: Option<usize>,
    /// How long sessions last, when configured.
    session_length: Option<Duration>,
    /// The database server's version, when it reports one.
    database_version: Option<Version>,
    /// The database, when one is configured.
    database: Option<Database>,
    /// The databases tried, when a fallback is configured.
    fallbacks: Option<BTreeSet<Database>>,
    /// The session settings, when sessions are on.
    session: Option<SessionOptions>,
}

fn main() {
    let none = AuthInitialized {
        email: None,
        retries: None,
        origins: None,
        users: None,
        store_bytes: None,
        plugins: None,
        session_length: None,
        database_version: None,
        database: None,
        fallbacks: None,
        session: None,
    };
    // `None` fields are left out of the payload.
    assert_eq!(to_json(&none).unwrap(), "{}");

    let some = AuthInitialized {
        email: Some(false),
        retries: Some(3),
        origins: Some(2),
        users: Some(1000),
        store_bytes: Some(4096),
        plugins: Some(0),
        session_length: Some(Duration::from_secs(60)),
        database_version: Some(Version::new(16, 2, 0)),
        database: Some(Database::Postgres),
        fallbacks: Some(BTreeSet::new()),
        session: Some(SessionOptions { auto_refresh: true }),
    };
    assert_eq!(
        to_json(&some).unwrap(),
        concat!(
            r#"{"email":false,"retries":3,"origins":2,"users":1000,"store_bytes":4096,"plugins":0,"#,
            r#""session_length":60000,"database_version":"16.2.0","database":"Postgres","fallbacks":[],"#,
            r#""session":{"auto_refresh":true}}"#,
        )
    );

    for field in AuthInitialized::META.fields() {
        assert!(!field.is_required(), "{} should be optional", field.name());
        assert!(matches!(field.kind(), CollectableKind::Optional(_)), "{} should be optional", field.name());
    }
    assert_eq!(
        AuthInitialized::META.fields()[8].kind(),
        CollectableKind::Optional(&CollectableKind::Enum(&Database::META))
    );
}
