use telemetry_schema::{CollectableKind, TelemetryEvent, TelemetryGroup, to_json};

/// How email sign-in is configured.
#[derive(TelemetryGroup)]
struct EmailOptions {
    /// Whether email and password sign-in is enabled.
    enabled: bool,
    /// Whether emails must be verified before sign-in.
    require_verification: bool,
}

/// Which sign-in methods are configured.
#[derive(TelemetryGroup)]
struct SignIn {
    /// Email sign-in settings.
    email: EmailOptions,
    /// How many social providers are configured.
    social_providers: u8,
}

/// Sent when the auth library is initialized.
#[derive(TelemetryEvent)]
struct AuthInitialized {
    /// The sign-in settings.
    sign_in: SignIn,
    /// Whether rate limiting is on.
    rate_limit: bool,
}

fn main() {
    let event = AuthInitialized {
        sign_in: SignIn { email: EmailOptions { enabled: true, require_verification: false }, social_providers: 2 },
        rate_limit: true,
    };
    assert_eq!(
        to_json(&event).unwrap(),
        r#"{"sign_in":{"email":{"enabled":true,"require_verification":false},"social_providers":2},"rate_limit":true}"#
    );

    assert_eq!(SignIn::META.name(), "SignIn");
    assert_eq!(SignIn::META.doc(), "Which sign-in methods are configured.");
    assert_eq!(SignIn::META.fields()[0].kind(), CollectableKind::Group(&EmailOptions::META));
    assert_eq!(AuthInitialized::META.fields()[0].kind(), CollectableKind::Group(&SignIn::META));
}
