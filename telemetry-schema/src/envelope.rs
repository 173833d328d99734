//! The envelope: what is sent around every event payload, and the batch the client posts.
//!
//! It is one contract between the client (which writes it) and the schema (which the server enforces), so both
//! read the field list [`ENVELOPE_FIELDS`] and the [`Context`] group defined here.

use std::fmt;

use crate::encode::{EncodeError, write_json};
use crate::event::TelemetryEvent;
use crate::version::Version;
use crate::{TelemetryEnum, TelemetryGroup};

/// The version of this toolkit, sent in every envelope as `toolkit_version`.
pub const TOOLKIT_VERSION: Version = crate::version!();

/// The operating system family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, TelemetryEnum)]
#[telemetry(rename_all = "lowercase")]
pub enum Os {
    /// Linux, including WSL.
    Linux,
    /// macOS.
    MacOs,
    /// Windows.
    Windows,
    /// FreeBSD, OpenBSD or NetBSD.
    Bsd,
    /// Any other operating system.
    Other,
}

impl Os {
    /// The family this program was compiled for.
    pub const CURRENT: Os = if cfg!(target_os = "linux") {
        Os::Linux
    } else if cfg!(target_os = "macos") {
        Os::MacOs
    } else if cfg!(target_os = "windows") {
        Os::Windows
    } else if cfg!(any(target_os = "freebsd", target_os = "openbsd", target_os = "netbsd")) {
        Os::Bsd
    } else {
        Os::Other
    };
}

/// The processor architecture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, TelemetryEnum)]
#[telemetry(rename_all = "snake_case")]
pub enum Arch {
    /// 64-bit x86 (Intel and AMD).
    X86_64,
    /// 64-bit ARM (Apple silicon, Graviton, Raspberry Pi 4 and later).
    Aarch64,
    /// Any other architecture.
    Other,
}

impl Arch {
    /// The architecture this program was compiled for.
    pub const CURRENT: Arch = if cfg!(target_arch = "x86_64") {
        Arch::X86_64
    } else if cfg!(target_arch = "aarch64") {
        Arch::Aarch64
    } else {
        Arch::Other
    };
}

/// Facts about the machine and session sent with every event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, TelemetryGroup)]
pub struct Context {
    /// The operating system family.
    pub os: Os,
    /// The processor architecture.
    pub arch: Arch,
    /// How many logical CPUs the machine has.
    #[telemetry(max = 64)]
    pub cpu_count: u16,
    /// Whether the program runs in a continuous-integration environment.
    pub is_ci: bool,
    /// Whether standard output is an interactive terminal.
    pub is_tty: bool,
}

/// A random 128-bit identifier, sent as 32 lower-case hex digits. Used for the install id (random, stored with
/// the user's choice) and the session id (random per process).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct AnonymousId([u8; 16]);

impl AnonymousId {
    /// Wraps 16 random bytes. The caller is responsible for the randomness.
    pub const fn from_random_bytes(bytes: [u8; 16]) -> Self {
        Self(bytes)
    }

    /// Parses 32 lower-case hex digits.
    pub fn parse_hex(text: &str) -> Option<Self> {
        crate::hex::decode::<16>(text).map(Self)
    }
}

/// A salted SHA-256 digest of local data (such as the project root), sent as 64 lower-case hex digits. The salt
/// never leaves the machine, so the id cannot be reversed by hashing guesses.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ProjectId([u8; 32]);

impl ProjectId {
    /// Wraps a SHA-256 digest computed with a local secret salt.
    pub const fn from_salted_digest(digest: [u8; 32]) -> Self {
        Self(digest)
    }

    /// Parses 64 lower-case hex digits.
    pub fn parse_hex(text: &str) -> Option<Self> {
        crate::hex::decode::<32>(text).map(Self)
    }
}

impl fmt::Display for AnonymousId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::hex::write(f, &self.0)
    }
}

impl fmt::Debug for AnonymousId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AnonymousId({self})")
    }
}

impl fmt::Display for ProjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::hex::write(f, &self.0)
    }
}

impl fmt::Debug for ProjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ProjectId({self})")
    }
}

/// Everything in an envelope except the event: the same for every event of a process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnvelopeHeader {
    /// The SDK name (from [`Product::sdk_name`](crate::Product::sdk_name)).
    pub sdk_name: &'static str,
    /// The SDK version.
    pub sdk_version: Version,
    /// The anonymous install id.
    pub install_id: AnonymousId,
    /// The salted project id, when the SDK has a project.
    pub project_id: Option<ProjectId>,
    /// The per-process session id.
    pub session_id: AnonymousId,
    /// Facts about the machine.
    pub context: Context,
}

/// How an envelope field is written; used by the schema renderer and docs-gen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum EnvelopeFieldKind {
    /// The event name, one of the registered events.
    EventName,
    /// The event's schema version, an integer from 1.
    SchemaVersion,
    /// An object `{ "name": <sdk name>, "version": <version> }`.
    Sdk,
    /// A [`Version`] string.
    Version,
    /// 32 lower-case hex digits ([`AnonymousId`]).
    Id128,
    /// 64 lower-case hex digits ([`ProjectId`]).
    Id256,
    /// The [`Context`] group.
    Context,
    /// The event's payload object.
    Payload,
}

/// One field of the envelope, in wire order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnvelopeField {
    /// The key.
    pub name: &'static str,
    /// What it is, for the disclosure page.
    pub doc: &'static str,
    /// How it is written.
    pub kind: EnvelopeFieldKind,
    /// Whether it is always present.
    pub required: bool,
}

/// The envelope's fields, in wire order.
pub const ENVELOPE_FIELDS: &[EnvelopeField] = &[
    EnvelopeField { name: "event", doc: "The name of the event.", kind: EnvelopeFieldKind::EventName, required: true },
    EnvelopeField {
        name: "schema_version",
        doc: "The version of the event's payload schema.",
        kind: EnvelopeFieldKind::SchemaVersion,
        required: true,
    },
    EnvelopeField {
        name: "sdk",
        doc: "The name and version of the SDK that sent the event.",
        kind: EnvelopeFieldKind::Sdk,
        required: true,
    },
    EnvelopeField {
        name: "toolkit_version",
        doc: "The version of the telemetry toolkit inside the SDK.",
        kind: EnvelopeFieldKind::Version,
        required: true,
    },
    EnvelopeField {
        name: "install_id",
        doc: "A random identifier created when telemetry is first enabled on this machine and stored with your \
              choice; it is not derived from anything about you or the machine. Deleting the settings file resets \
              it.",
        kind: EnvelopeFieldKind::Id128,
        required: true,
    },
    EnvelopeField {
        name: "project_id",
        doc: "A salted SHA-256 hash of the project's location. The salt is random and never leaves your machine, \
              so the hash cannot be turned back into a path; it only lets us count distinct projects.",
        kind: EnvelopeFieldKind::Id256,
        required: false,
    },
    EnvelopeField {
        name: "session_id",
        doc: "A random identifier for this run of the program, forgotten when it exits.",
        kind: EnvelopeFieldKind::Id128,
        required: true,
    },
    EnvelopeField {
        name: "context",
        doc: "Facts about the machine: operating system family, processor architecture, CPU count, whether it \
              runs in CI and whether output goes to a terminal.",
        kind: EnvelopeFieldKind::Context,
        required: true,
    },
    EnvelopeField {
        name: "payload",
        doc: "The event's own fields, as described for each event.",
        kind: EnvelopeFieldKind::Payload,
        required: true,
    },
];

/// Where each field is in [`ENVELOPE_FIELDS`]: the writer and the typed decode take every key from the table
/// through these, so a key is written once. The checks below fail the build if the table is reordered without
/// them.
pub(crate) mod at {
    pub(crate) const EVENT: usize = 0;
    pub(crate) const SCHEMA_VERSION: usize = 1;
    pub(crate) const SDK: usize = 2;
    pub(crate) const TOOLKIT_VERSION: usize = 3;
    pub(crate) const INSTALL_ID: usize = 4;
    pub(crate) const PROJECT_ID: usize = 5;
    pub(crate) const SESSION_ID: usize = 6;
    pub(crate) const CONTEXT: usize = 7;
    pub(crate) const PAYLOAD: usize = 8;
}

const _: () = {
    const fn is(index: usize, kind: EnvelopeFieldKind, required: bool) -> bool {
        // `PartialEq` is not const: compare the discriminants.
        ENVELOPE_FIELDS[index].kind as u8 == kind as u8 && ENVELOPE_FIELDS[index].required == required
    }
    assert!(ENVELOPE_FIELDS.len() == 9, "the envelope's positions (`at`) cover every field");
    assert!(is(at::EVENT, EnvelopeFieldKind::EventName, true));
    assert!(is(at::SCHEMA_VERSION, EnvelopeFieldKind::SchemaVersion, true));
    assert!(is(at::SDK, EnvelopeFieldKind::Sdk, true));
    assert!(is(at::TOOLKIT_VERSION, EnvelopeFieldKind::Version, true));
    assert!(is(at::INSTALL_ID, EnvelopeFieldKind::Id128, true));
    assert!(is(at::PROJECT_ID, EnvelopeFieldKind::Id256, false));
    assert!(is(at::SESSION_ID, EnvelopeFieldKind::Id128, true));
    assert!(is(at::CONTEXT, EnvelopeFieldKind::Context, true));
    assert!(is(at::PAYLOAD, EnvelopeFieldKind::Payload, true));
};

/// Appends `"<key>":` of the field at `index` of [`ENVELOPE_FIELDS`], after a comma unless it is the first.
fn key(out: &mut String, index: usize) {
    out.push_str(if index == 0 { "{\"" } else { ",\"" });
    out.push_str(ENVELOPE_FIELDS[index].name);
    out.push_str("\":");
}

/// The key of the array of envelopes in a batch: `{"events": [...]}`.
pub const BATCH_EVENTS_KEY: &str = "events";

/// Appends one envelope around `event` to `out` as compact JSON. On error, `out` is left as it was.
///
/// # Errors
/// Only when a hand-written event impl disagrees with its metadata (see [`crate::to_json`]).
pub fn write_envelope<E: TelemetryEvent + ?Sized>(
    out: &mut String,
    header: &EnvelopeHeader,
    event: &E,
) -> Result<(), EncodeError> {
    use fmt::Write as _;
    let start = out.len();
    // The event name and version are copied verbatim: read them only through the compile-time check.
    let meta = crate::meta::Checked::<E>::META;
    if !crate::meta::is_valid_name(header.sdk_name) {
        return Err(EncodeError::new(meta.name(), crate::EncodeProblem::InvalidSdkName));
    }
    // Every key comes from ENVELOPE_FIELDS, in its order; `fmt::Write` for `String` never fails.
    key(out, at::EVENT);
    let _ = write!(out, "\"{}\"", meta.name());
    key(out, at::SCHEMA_VERSION);
    let _ = write!(out, "{}", meta.version());
    key(out, at::SDK);
    let _ = write!(out, r#"{{"name":"{}","version":"{}"}}"#, header.sdk_name, header.sdk_version);
    key(out, at::TOOLKIT_VERSION);
    let _ = write!(out, "\"{TOOLKIT_VERSION}\"");
    key(out, at::INSTALL_ID);
    let _ = write!(out, "\"{}\"", header.install_id);
    if let Some(project_id) = header.project_id {
        key(out, at::PROJECT_ID);
        let _ = write!(out, "\"{project_id}\"");
    }
    key(out, at::SESSION_ID);
    let _ = write!(out, "\"{}\"", header.session_id);
    key(out, at::CONTEXT);
    crate::encode::write_value(out, &header.context);
    key(out, at::PAYLOAD);
    if let Err(err) = write_json(event, out) {
        out.truncate(start);
        return Err(err);
    }
    out.push('}');
    Ok(())
}
