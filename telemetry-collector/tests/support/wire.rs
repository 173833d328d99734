//! What the tests and the load generator both need: acme envelopes, batch bodies, and reading an HTTP
//! response. No process or file handling, so `examples/loadgen.rs` can include it.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use example_sdk::events::*;
use serde_json::Value;
use telemetry_schema::{AnonymousId, EnvelopeHeader, ProjectId, TelemetryEvent, Version, write_envelope};

/// The workspace's `schemas/`.
pub fn schemas_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("schemas")
}

/// An HTTP response.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Reads one response with a `Content-Length` (all the collector's responses have one).
pub fn read_response(stream: &mut impl std::io::Read) -> std::io::Result<Response> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "closed before a response"));
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let status: u16 = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':').map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned())))
        .collect();
    let length: usize =
        headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("content-length")).map_or(0, |(_, v)| v.parse().unwrap());
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "closed inside the body"));
        }
        body.extend_from_slice(&chunk[..n]);
    }
    body.truncate(length);
    Ok(Response { status, headers, body })
}

/// `{"batch_id": id, "events": [envelopes]}`.
pub fn batch_body(batch_id: &str, envelopes: &[String]) -> String {
    format!(r#"{{"batch_id":"{batch_id}","events":[{}]}}"#, envelopes.join(","))
}

/// A batch id from a number (distinct numbers, distinct ids).
pub fn batch_id(n: u64) -> String {
    format!("{:016x}{:016x}", n.wrapping_mul(0x9E37_79B9_7F4A_7C15), n)
}

pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// A fixed header, as the acme demo sends it.
pub fn acme_header() -> EnvelopeHeader {
    EnvelopeHeader {
        sdk_name: "acme",
        sdk_version: Version::new(0, 1, 0),
        install_id: AnonymousId::parse_hex("0123456789abcdef0123456789abcdef").unwrap(),
        project_id: ProjectId::parse_hex(&"ab".repeat(32)),
        session_id: AnonymousId::parse_hex("fedcba9876543210fedcba9876543210").unwrap(),
        context: telemetry_schema::Context {
            os: Os::Linux,
            arch: Arch::X86_64,
            cpu_count: 8,
            is_ci: false,
            is_tty: true,
        },
    }
}

fn envelope<E: TelemetryEvent>(header: &EnvelopeHeader, event: &E) -> String {
    let mut out = String::new();
    write_envelope(&mut out, header, event).unwrap();
    out
}

/// One envelope of each of the acme demo's ten events, written by the toolkit's own serializer.
pub fn acme_envelopes(header: &EnvelopeHeader) -> Vec<String> {
    let version: Version = "2.1.0-beta.3".parse().unwrap();
    vec![
        envelope(
            header,
            &CliCommand {
                command: Command::Deploy,
                cli_version: version,
                is_ci: true,
                cpu_count: 16,
                os: Os::MacOs,
                arch: Arch::Aarch64,
            },
        ),
        envelope(header, &ProjectCreated { template: Template::Blog, typescript: true, package_manager: None }),
        envelope(
            header,
            &BuildFinished {
                duration: Duration::from_millis(12_345),
                page_count: 40,
                static_page_count: 38,
                plugins: BTreeSet::from([Plugin::Mdx, Plugin::Images]),
                bundler: Bundler::Turbopack,
                has_custom_config: false,
            },
        ),
        envelope(
            header,
            &DevServerStarted { startup: Duration::from_millis(870), turbo: true, https: false, route_count: 12 },
        ),
        envelope(header, &FeatureUsage { feature: Feature::Middleware, invocation_count: 3 }),
        envelope(
            header,
            &ComponentMounted {
                component: Component::SignIn,
                props: ComponentProps { appearance: true, routing: false, redirect_url: true, localization: false },
            },
        ),
        envelope(
            header,
            &AuthInit {
                features: AuthFeatures {
                    email_password: true,
                    two_factor: false,
                    passkey: true,
                    magic_link: false,
                    organizations: true,
                },
                trusted_origin_count: 2,
                database: DatabaseKind::Postgres,
                database_version: Some(Version::new(16, 2, 0)),
                social_providers: BTreeSet::from([SocialProvider::GitHub, SocialProvider::Google]),
                rate_limit: true,
                session_max_age: None,
            },
        ),
        envelope(
            header,
            &DeployFinished {
                provider: CloudProvider::Aws,
                outcome: DeployOutcome::Succeeded,
                duration: Duration::from_secs(95),
                resources_changed: 7,
                production: true,
            },
        ),
        envelope(header, &SdkUpgraded { from: Version::new(1, 9, 3), to: version, files_migrated: 5 }),
        envelope(header, &ErrorFeedback { code: ErrorCode::ConfigInvalid }),
    ]
}
