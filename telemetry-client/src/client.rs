//! The client: built once per process from the SDK's `Product`, cheap to clone, and inert when disabled.

use std::fmt;
use std::io::{self, IsTerminal, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use telemetry_schema::{
    AnonymousId, Arch, Context, DO_NOT_TRACK, EnvelopeHeader, Os, Product, TelemetryEvent, write_envelope,
};

use crate::consent::{self, Consent, ConsentSource};
use crate::delivery::{Delivery, DeliveryOptions, DeliveryStats, FlushOutcome};
use crate::env::{self, Env, ProcessEnv};
use crate::ids;
use crate::project::{self, ProjectSetting};
use crate::store::{self, Loaded, SETTINGS_FILE_NAME, SaveError, Settings, THROTTLE_FILE_NAME};
use crate::transport::{HttpOptions, HttpTransport, Transport, redact_in, redact_url};

/// The default hard budget of [`FlushGuard`]: how long a host may wait for telemetry when it exits. 80 ms, so
/// that the whole exit delay (budget plus waking and stopping the worker) stays under 100 ms.
pub const DEFAULT_FLUSH_BUDGET: Duration = Duration::from_millis(80);

type Output = Arc<Mutex<Box<dyn Write + Send>>>;

/// Configures a [`Client`]. Every input the client reads (environment, configuration directory, transport,
/// stderr) can be replaced, so tests never touch the real home directory, environment or network.
///
/// ```
/// use telemetry_client::{Client, MapEnv, MemoryTransport};
/// # use telemetry_schema::Product;
/// # const PRODUCT: Product = Product::builder("Acme", "acme", telemetry_schema::version!("1.0.0"))
/// #     .env_prefix("ACME").opt_out().endpoint("https://t.example/v1").purpose("Why.")
/// #     .cli_command("acme telemetry").build();
/// let dir = std::env::temp_dir().join("telemetry-client-doc-builder");
/// let client = Client::builder(&PRODUCT)
///     .env(MapEnv::new().with("ACME_TELEMETRY_DISABLED", "1"))
///     .config_dir(&dir)
///     .transport(MemoryTransport::new())
///     .build();
/// assert!(!client.is_enabled());
/// assert!(!dir.exists()); // disabled means inert: not even a directory
/// ```
pub struct ClientBuilder {
    product: &'static Product,
    env: Box<dyn Env>,
    config_dir: Option<PathBuf>,
    enabled: Option<bool>,
    project_root: Option<PathBuf>,
    transport: Option<Box<dyn Transport>>,
    http: HttpOptions,
    queue_capacity: usize,
    batch_size: usize,
    batch_interval: Duration,
    retry_backoff: Duration,
    flush_budget: Duration,
    output: Option<Box<dyn Write + Send>>,
    is_tty: Option<bool>,
    notice: Option<String>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("product", &self.product.sdk_name())
            .field("config_dir", &self.config_dir)
            .field("enabled", &self.enabled)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// Reads variables from `env` instead of the process environment.
    #[must_use]
    pub fn env(mut self, env: impl Env + 'static) -> Self {
        self.env = Box::new(env);
        self
    }

    /// Keeps the settings file in `dir` instead of the platform configuration directory.
    #[must_use]
    pub fn config_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.config_dir = Some(dir.into());
        self
    }

    /// The host's own setting, e.g. from a command-line flag. Off decides before every other source; on
    /// overrides only the defaults, and is the only way to switch telemetry on in a test run. (The product's
    /// config switch needs no code: the client reads it itself.)
    #[must_use]
    pub fn enabled(mut self, enabled: bool) -> Self {
        self.enabled = Some(enabled);
        self
    }

    /// The project's root directory. The client reads the product's config switch there (without it, in the
    /// current directory), and sends a project id: a salted SHA-256 of this path. The salt is random, stored
    /// locally and never sent.
    #[must_use]
    pub fn project_root(mut self, root: impl Into<PathBuf>) -> Self {
        self.project_root = Some(root.into());
        self
    }

    /// Delivers through `transport` instead of HTTP to the product's endpoint.
    #[must_use]
    pub fn transport(mut self, transport: impl Transport) -> Self {
        self.transport = Some(Box::new(transport));
        self
    }

    /// HTTP connect timeout (default 2 s).
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.http.connect_timeout = timeout;
        self
    }

    /// Trusts the CA certificates in `pem` (one or more PEM `CERTIFICATE` blocks) for an `https://` endpoint,
    /// instead of the bundled Mozilla roots: for a self-hosted collector with a certificate from a private CA.
    /// A bundle without any certificate makes telemetry send nothing, and `status` says why.
    #[must_use]
    pub fn root_certificates_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.http.root_certificates_pem = Some(pem.into());
        self
    }

    /// HTTP total timeout per request (default 5 s). It bounds the worker, never the host.
    #[must_use]
    pub fn total_timeout(mut self, timeout: Duration) -> Self {
        self.http.total_timeout = timeout;
        self
    }

    /// How many events may wait; beyond it, new events are dropped and counted (default 1024).
    #[must_use]
    pub fn queue_capacity(mut self, capacity: usize) -> Self {
        self.queue_capacity = capacity.max(1);
        self
    }

    /// How many events make a batch (default 32).
    #[must_use]
    pub fn batch_size(mut self, size: usize) -> Self {
        self.batch_size = size.max(1);
        self
    }

    /// How long a partial batch may wait before it is sent (default 1 s).
    #[must_use]
    pub fn batch_interval(mut self, interval: Duration) -> Self {
        self.batch_interval = interval;
        self
    }

    /// The pause before the one retry of a failed batch (default 250 ms).
    #[must_use]
    pub fn retry_backoff(mut self, backoff: Duration) -> Self {
        self.retry_backoff = backoff;
        self
    }

    /// The hard budget of [`Client::flush_guard`] (default [`DEFAULT_FLUSH_BUDGET`], 80 ms).
    #[must_use]
    pub fn flush_budget(mut self, budget: Duration) -> Self {
        self.flush_budget = budget;
        self
    }

    /// Writes the first-run notice and debug lines to `output` instead of stderr.
    #[must_use]
    pub fn stderr(mut self, output: impl Write + Send + 'static) -> Self {
        self.output = Some(Box::new(output));
        self
    }

    /// Prints `text` as the first-run notice instead of [`first_run_notice`]. It is shown when the default one
    /// would be: once, when telemetry is on by default, before anything is sent. It must still tell users what is
    /// sent and how to turn it off: the disclosure page is no substitute for it.
    #[must_use]
    pub fn notice(mut self, text: impl Into<String>) -> Self {
        let mut text = text.into();
        if !text.ends_with('\n') {
            text.push('\n');
        }
        self.notice = Some(text);
        self
    }

    /// Overrides whether stdout is a terminal (sent as `context.is_tty`).
    #[must_use]
    pub fn is_tty(mut self, is_tty: bool) -> Self {
        self.is_tty = Some(is_tty);
        self
    }

    /// Resolves consent and starts what it allows. Never fails and never panics: whatever goes wrong (no
    /// randomness, an unwritable directory, a thread that cannot start) makes telemetry do less, not the host.
    ///
    /// - disabled, no debug: nothing is created (no id, file, directory, thread or socket);
    /// - debug (`<PREFIX>_TELEMETRY_DEBUG=1`): events are printed, nothing is written or sent;
    /// - enabled: ids are loaded or created, the first-run notice is shown if due, and one worker thread starts.
    pub fn build(self) -> Client {
        self.build_with(false)
    }

    /// Builds a client that only shows and changes the setting: it never prints a notice, creates an id,
    /// starts a thread or sends, whatever the consent. For commands like `telemetry status|enable|disable`,
    /// which should not announce or send telemetry while the user is deciding about it.
    pub fn build_settings_only(self) -> Client {
        self.build_with(true)
    }

    /// The named steps: resolve consent, then either a debug client, an inert one, or (enabled) the transport,
    /// the ids (recorded under the settings lock), the notice, and the delivery worker.
    fn build_with(self, settings_only: bool) -> Client {
        let ClientBuilder {
            product,
            env,
            config_dir,
            enabled,
            project_root,
            transport,
            http,
            queue_capacity,
            batch_size,
            batch_interval,
            retry_backoff,
            flush_budget,
            output,
            is_tty,
            notice,
        } = self;
        let env: Arc<dyn Env> = Arc::from(env);
        let config_dir = config_dir.or_else(|| store::platform_config_dir(product, &*env));
        let settings_path = config_dir.as_ref().map(|dir| dir.join(SETTINGS_FILE_NAME));
        let endpoint = env.var(&product.endpoint_var()).filter(|v| !v.trim().is_empty());
        let endpoint = endpoint.unwrap_or_else(|| product.endpoint().to_owned());
        let output: Output = Arc::new(Mutex::new(output.unwrap_or_else(|| Box::new(io::stderr()))));

        // The product's config switch lives in the project: the given root, else the directory the host runs in.
        let project_config = product.config_switch().and_then(|switch| {
            let root = project_root.clone().or_else(|| std::env::current_dir().ok())?;
            Some(root.join(switch.file()))
        });
        let (consent, loaded, project_off) =
            resolve_consent(product, &*env, enabled, project_config.as_deref(), settings_path.as_deref());
        let mut inner = Inner {
            product,
            env: Arc::clone(&env),
            code_setting: enabled,
            project_config,
            project_off,
            config_dir: config_dir.clone(),
            // Known before anything starts, so `status` can say it even from a settings-only client.
            delivery_problem: if transport.is_none() { crate::transport::endpoint_problem(&endpoint) } else { None },
            endpoint,
            consent,
            debug: env::flag(&*env, &product.debug_var()),
            flush_budget,
        };
        let context = || Context {
            os: Os::CURRENT,
            arch: Arch::CURRENT,
            cpu_count: std::thread::available_parallelism().map_or(1, |n| u16::try_from(n.get()).unwrap_or(u16::MAX)),
            is_ci: env::is_ci(&*env),
            is_tty: is_tty.unwrap_or_else(|| io::stdout().is_terminal()),
        };

        if settings_only {
            return Client::inert(inner);
        }
        if inner.debug {
            return debug_client(inner, loaded.as_ref(), project_root.as_deref(), context(), output);
        }
        if !consent.enabled {
            return Client::inert(inner);
        }

        // Enabled. First the transport: if nothing can ever be delivered, announce nothing and create nothing.
        let transport = match transport {
            Some(transport) => transport,
            None => match http_transport(&*env, &inner.endpoint, http) {
                Ok(transport) => transport,
                Err(problem) => {
                    // Telemetry is on and nothing can ever be sent: say so at once, so that the SDK's author sees it
                    // on the first run rather than shipping a client that silently does nothing.
                    let mut out = output.lock().unwrap_or_else(|p| p.into_inner());
                    let _ = writeln!(
                        out,
                        "warning: {} telemetry is on but cannot send anything: {problem}",
                        product.name()
                    );
                    let _ = out.flush();
                    drop(out);
                    return Client::inert_because(inner, problem);
                }
            },
        };
        let context = context();
        let loaded = loaded.unwrap_or(Loaded::Missing);
        let ids = match settle_ids(&inner, settings_path.as_deref(), &loaded, project_root.is_some()) {
            Settled::Ready(consent, ids) => {
                inner.consent = consent;
                ids
            }
            Settled::OptedOut(consent) => {
                inner.consent = consent;
                return Client::inert(inner);
            }
            Settled::Failed(problem) => return Client::inert_because(inner, problem),
        };
        let Some(session_id) = ids::random_id() else {
            return Client::inert_because(inner, NO_RANDOMNESS.to_owned());
        };
        if ids.show_notice {
            let mut out = output.lock().unwrap_or_else(|p| p.into_inner());
            let text = match &notice {
                Some(text) => text.clone(),
                None => first_run_notice(product, settings_path.as_deref(), project_root.is_some()),
            };
            let _ = out.write_all(text.as_bytes());
            let _ = out.flush();
        }
        let header = EnvelopeHeader {
            sdk_name: product.sdk_name(),
            sdk_version: product.sdk_version(),
            install_id: ids.install_id,
            project_id: project_root.as_deref().zip(ids.salt).map(|(root, salt)| ids::project_id(&salt, root)),
            session_id,
            context,
        };
        let options = DeliveryOptions {
            queue_capacity,
            batch_size,
            batch_interval,
            retry_backoff,
            // Re-read before each batch: a `disable` (or a file turned unreadable) stops this process too, even
            // when code enabled it.
            settings_path,
            throttle_path: config_dir.as_ref().map(|dir| dir.join(THROTTLE_FILE_NAME)),
        };
        start_delivery(inner, header, transport, options)
    }
}

/// How long a starting host may wait for another process's `enable` or `disable` to release the settings lock.
/// Only a run that must record something (the first one) takes the lock.
const STARTUP_LOCK_WAIT: Duration = Duration::from_millis(200);

/// How long `enable` and `disable` wait for the settings lock: the user is waiting for this very change.
const CHOICE_LOCK_WAIT: Duration = Duration::from_secs(5);

const NO_RANDOMNESS: &str = "the operating system provided no randomness for the ids";

/// Step 1: consent. The code setting and the environment's opt-outs are read first; then the project's
/// configuration file (the product's config switch), and the settings file only if they leave the question open.
/// Returns the settings file as read, if it was, and whether the project's file turned telemetry off.
fn resolve_consent(
    product: &Product,
    env: &dyn Env,
    code: Option<bool>,
    project_config: Option<&Path>,
    settings_path: Option<&Path>,
) -> (Consent, Option<Loaded>, bool) {
    let mut loaded = None;
    let mut project_off = false;
    let consent = consent::resolve(
        product,
        env,
        code,
        || {
            project_off = read_project_setting(product, project_config).turns_off();
            project_off
        },
        || {
            let file = settings_path.map_or(Loaded::Missing, store::load);
            let choice = file.choice();
            loaded = Some(file);
            choice
        },
    );
    (consent, loaded, project_off)
}

fn read_project_setting(product: &Product, path: Option<&Path>) -> ProjectSetting {
    match (product.config_switch(), path) {
        (Some(switch), Some(path)) => project::read(&switch, path),
        _ => ProjectSetting::Silent,
    }
}

/// Step 2 (debug mode): print events, never write or send. Real ids only if they already exist and telemetry is
/// on; otherwise throwaway ones in memory.
fn debug_client(
    inner: Inner,
    loaded: Option<&Loaded>,
    project_root: Option<&Path>,
    context: Context,
    output: Output,
) -> Client {
    let stored = if inner.consent.enabled { loaded.and_then(Loaded::settings) } else { None };
    let install_id = stored.and_then(Settings::install_id).or_else(ids::random_id);
    let salt = stored.and_then(Settings::salt).or_else(ids::random_salt);
    let header = EnvelopeHeader {
        sdk_name: inner.product.sdk_name(),
        sdk_version: inner.product.sdk_version(),
        install_id: install_id.unwrap_or(AnonymousId::from_random_bytes([0; 16])),
        project_id: project_root.zip(salt).map(|(root, salt)| ids::project_id(&salt, root)),
        session_id: ids::random_id().unwrap_or(AnonymousId::from_random_bytes([0; 16])),
        context,
    };
    Client { mode: Mode::Debug(Arc::new(DebugSink { header, output })), inner: Arc::new(inner) }
}

/// The HTTP transport to the endpoint, through the proxy the environment asks for.
fn http_transport(env: &dyn Env, endpoint: &str, mut http: HttpOptions) -> Result<Box<dyn Transport>, String> {
    http.proxy = HttpOptions::proxy_from_env(env, endpoint);
    match HttpTransport::new(endpoint, &http) {
        Ok(transport) => Ok(Box::new(transport)),
        Err(err) => Err(err.to_string()),
    }
}

/// The ids a delivering client sends, and whether this run shows the first-run notice.
struct Ids {
    install_id: AnonymousId,
    salt: Option<ids::Salt>,
    show_notice: bool,
}

enum Settled {
    /// Ready to send, with the consent as finally read.
    Ready(Consent, Ids),
    /// Read again under the lock, the file now opts out (a `disable` landed meanwhile): stay inert.
    OptedOut(Consent),
    /// Telemetry cannot run; the reason goes to `status`.
    Failed(String),
}

/// Step 3: the ids. When the file already holds everything this run needs (the usual case), nothing is locked or
/// written. Otherwise (a first run) the lock is taken, the file re-read and consent resolved again under it, and
/// only the bookkeeping (install id, project salt, notice shown) is added to what the file says now: `enabled` is
/// written by `enable` and `disable` alone, so a `disable` that lands meanwhile is never overwritten.
fn settle_ids(inner: &Inner, path: Option<&Path>, loaded: &Loaded, wants_salt: bool) -> Settled {
    let resolve = |file: &Loaded| {
        consent::resolve(inner.product, &*inner.env, inner.code_setting, || inner.project_off, || file.choice())
    };
    let mut settings = loaded.settings().cloned().unwrap_or_default();
    let before = settings.clone();
    let in_memory = bookkeep(&mut settings, inner.consent, wants_salt);
    let Some(path) = path.filter(|_| settings != before) else {
        return in_memory; // nothing to record, or nowhere to record it
    };
    let locked = store::with_lock(path, STARTUP_LOCK_WAIT, || {
        let fresh = store::load(path);
        let consent = resolve(&fresh);
        if !consent.enabled {
            return Settled::OptedOut(consent);
        }
        let mut settings = fresh.settings().cloned().unwrap_or_default();
        let before = settings.clone();
        let settled = bookkeep(&mut settings, consent, wants_salt);
        if settings != before && matches!(settled, Settled::Ready(..)) {
            // Unsaved, the ids last for this run only, and the notice shows again next time: telemetry does
            // less, the host carries on.
            let _ = store::save(path, &settings);
        }
        settled
    });
    match locked {
        Ok(settled) => settled,
        Err(store::LockError::Busy) => {
            Settled::Failed("another process held the telemetry settings lock, so nothing is sent this run".into())
        }
        // Nothing can be written there, by a `disable` either: ids for this run only. Where the file system
        // cannot lock, the bookkeeping is not saved either, so it can never overwrite a concurrent `disable`.
        Err(store::LockError::Io | store::LockError::NoLocking) => in_memory,
    }
}

/// Fills in what this run needs and `settings` lacks: the install id, the project salt (if the SDK sends a
/// project id), and the notice (due when telemetry is on by default, in CI too, and not shown before). Never
/// touches `enabled`.
fn bookkeep(settings: &mut Settings, consent: Consent, wants_salt: bool) -> Settled {
    let install_id = match settings.install_id() {
        Some(id) => id,
        None => match ids::random_id() {
            Some(id) => {
                settings.install_id = Some(id.to_string());
                id
            }
            None => return Settled::Failed(NO_RANDOMNESS.to_owned()),
        },
    };
    let salt = if wants_salt {
        settings.salt().or_else(|| {
            let salt = ids::random_salt()?;
            settings.project_salt = Some(telemetry_schema::hex::encode(&salt.0));
            Some(salt)
        })
    } else {
        None
    };
    // In CI too: events are sent from CI, so whoever set up the pipeline reads the notice in the build log.
    let show_notice = consent.is_enabled_by_default() && !settings.notice_shown;
    settings.notice_shown |= show_notice;
    Settled::Ready(consent, Ids { install_id, salt, show_notice })
}

/// Step 4: the worker thread. If it cannot start, nothing is sent.
fn start_delivery(
    mut inner: Inner,
    header: EnvelopeHeader,
    transport: Box<dyn Transport>,
    options: DeliveryOptions,
) -> Client {
    let seed = ids::random::<8>().map_or(0x5EED, u64::from_le_bytes);
    let thread_name = format!("telemetry-{}", inner.product.sdk_name());
    match Delivery::start(thread_name, header, transport, options, seed) {
        Some(delivery) => Client { mode: Mode::Delivering(delivery), inner: Arc::new(inner) },
        None => {
            inner.delivery_problem = Some("the telemetry worker thread could not be started".into());
            Client::inert(inner)
        }
    }
}

/// The first-run notice, printed once on stderr (in CI too) when telemetry is on by default, before anything is
/// sent. Built from the [`Product`]: its purpose, what is sent (including the persistent install id, where it is
/// kept, and the project id when one is sent), every way to opt out, and the disclosure page. An SDK can print
/// its own text instead with [`ClientBuilder::notice`].
///
/// ```
/// # use telemetry_schema::{ConfigSwitch, Product};
/// const PRODUCT: Product = Product::builder("Acme", "acme", telemetry_schema::version!("1.0.0"))
///     .env_prefix("ACME")
///     .opt_out()
///     .endpoint("https://t.example/v1")
///     .purpose("Acme collects usage data to learn which commands matter.")
///     .cli_command("acme telemetry")
///     .config_switch(ConfigSwitch::toml("acme.toml", "telemetry"))
///     .page_url("https://acme.example/telemetry")
///     .build();
/// let notice = telemetry_client::first_run_notice(&PRODUCT, Some(std::path::Path::new("/home/jo/.config/acme/telemetry.json")), false);
/// assert!(notice.starts_with("Acme sends usage data (telemetry) unless you turn it off.\nAcme collects usage data to learn"));
/// assert!(notice.contains("a random install id, created on this machine and kept in /home/jo/.config/acme/telemetry.json"));
/// assert!(notice.contains("run `acme telemetry disable`"));
/// assert!(notice.contains("`telemetry = false` in acme.toml"));
/// assert!(notice.contains("https://acme.example/telemetry"));
/// ```
pub fn first_run_notice(product: &Product, settings_path: Option<&Path>, sends_project_id: bool) -> String {
    let name = product.name();
    let mut notice =
        format!("{name} sends usage data (telemetry) unless you turn it off.\n{}\n", product.purpose().trim());
    let kept = settings_path.map(|path| format!(" and kept in {}", path.display())).unwrap_or_default();
    notice.push_str(&format!(
        "What is sent: which commands and features are used, counts, durations, versions, yes/no values and \
         choices from fixed lists (never free text such as names, file paths or code), with the operating system, \
         the CPU architecture and count, and a random install id, created on this machine{kept}, that links the \
         events of this installation together"
    ));
    if sends_project_id {
        notice.push_str(
            ", and a project id (a salted hash of the project's directory; the salt never leaves this machine)",
        );
    }
    notice.push_str(".\n");
    let mut ways = Vec::new();
    if let Some(cli) = product.cli_command() {
        ways.push(format!("run `{cli} disable` (it also deletes the install id)"));
    }
    ways.push(format!("set {}=1 or {DO_NOT_TRACK}=1", product.disabled_var()));
    if let Some(switch) = product.config_switch() {
        ways.push(format!("put `{}` in {} for a whole project", switch.setting(), switch.file()));
    }
    let last = ways.pop().unwrap_or_default();
    let ways = if ways.is_empty() { last } else { format!("{}, or {last}", ways.join(", ")) };
    notice.push_str(&format!("To turn it off, {ways}.\n"));
    notice.push_str(&format!("To see what would be sent, without sending it, set {}=1.\n", product.debug_var()));
    match product.page_url() {
        Some(url) => {
            notice.push_str(&format!("Every event and field is listed at {url}. This notice is shown once.\n\n"))
        }
        None => notice.push_str("This notice is shown once.\n\n"),
    }
    notice
}

struct Inner {
    product: &'static Product,
    env: Arc<dyn Env>,
    code_setting: Option<bool>,
    /// Where the product's config switch is read (the switch's file in the project root), if it has one.
    project_config: Option<PathBuf>,
    /// Whether that file turned telemetry off when the client was built.
    project_off: bool,
    config_dir: Option<PathBuf>,
    endpoint: String,
    consent: Consent,
    debug: bool,
    flush_budget: Duration,
    delivery_problem: Option<String>,
}

struct DebugSink {
    header: EnvelopeHeader,
    output: Output,
}

impl DebugSink {
    fn print<E: TelemetryEvent>(&self, event: &E) {
        let mut line = String::with_capacity(600);
        line.push_str("[telemetry] ");
        // Encoding runs the event's own `visit_fields`: a hand-written one that panics costs that event's line,
        // never the host (as on the delivery worker).
        match catch_unwind(AssertUnwindSafe(|| write_envelope(&mut line, &self.header, event))) {
            Ok(Ok(())) => {}
            Ok(Err(_)) => return,
            // The payload is leaked, not dropped: a hand-written impl may panic with one whose `Drop` panics.
            Err(payload) => return std::mem::forget(payload),
        }
        line.push('\n');
        let mut out = self.output.lock().unwrap_or_else(|p| p.into_inner());
        let _ = out.write_all(line.as_bytes());
        let _ = out.flush();
    }
}

/// Two pointer-sized variants and a unit: `track()` tells them apart with one compare, which keeps the disabled
/// path at a few nanoseconds.
#[derive(Clone)]
enum Mode {
    Inert,
    Debug(Arc<DebugSink>),
    Delivering(Arc<Delivery>),
}

/// The telemetry client of one SDK in one process. Cheap to clone (clones share one queue and worker).
///
/// Build it once with [`Client::builder`], keep a [`FlushGuard`] alive in `main`, and call [`Client::track`]
/// wherever something happens. When telemetry is disabled the client is inert: `track` returns at once and
/// nothing (id, file, directory, thread, socket) is ever created.
///
/// ```
/// use std::time::{Duration, Instant};
/// use telemetry_client::{Client, MapEnv, MemoryTransport};
/// # use telemetry_schema::{Product, TelemetryEvent};
/// # const PRODUCT: Product = Product::builder("Acme", "acme", telemetry_schema::version!("1.0.0"))
/// #     .env_prefix("ACME").opt_out().endpoint("https://t.example/v1").purpose("Why.")
/// #     .cli_command("acme telemetry").build();
/// /// Sent when the development server starts.
/// #[derive(TelemetryEvent)]
/// struct DevStarted {
///     /// How many routes the project has.
///     routes: u32,
/// }
///
/// let sent = MemoryTransport::new();
/// let dir = std::env::temp_dir().join(format!("telemetry-client-doc-{}", std::process::id()));
/// let client = Client::builder(&PRODUCT)
///     .env(MapEnv::new())
///     .config_dir(&dir)
///     .enabled(true)
///     .transport(sent.clone())
///     .stderr(std::io::sink())
///     .build();
/// let _guard = client.flush_guard(); // flushes (within 80 ms) when `main` returns
///
/// client.track(DevStarted { routes: 12 });
/// assert!(client.flush(Instant::now() + Duration::from_secs(5)).is_complete());
/// assert!(sent.envelopes()[0].contains(r#""payload":{"routes":12}"#));
/// # std::fs::remove_dir_all(dir).ok();
/// ```
#[derive(Clone)]
pub struct Client {
    mode: Mode,
    inner: Arc<Inner>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mode = match &self.mode {
            Mode::Inert => "inert",
            Mode::Debug(_) => "debug",
            Mode::Delivering(..) => "delivering",
        };
        f.debug_struct("Client")
            .field("sdk", &self.inner.product.sdk_name())
            .field("consent", &self.inner.consent)
            .field("mode", &mode)
            .finish()
    }
}

impl Client {
    fn inert(inner: Inner) -> Self {
        Client { mode: Mode::Inert, inner: Arc::new(inner) }
    }

    fn inert_because(mut inner: Inner, problem: String) -> Self {
        inner.delivery_problem = Some(problem);
        Client::inert(inner)
    }

    /// Starts configuring the client of `product`, reading the process environment by default.
    pub fn builder(product: &'static Product) -> ClientBuilder {
        ClientBuilder {
            product,
            env: Box::new(ProcessEnv),
            config_dir: None,
            enabled: None,
            project_root: None,
            transport: None,
            http: HttpOptions::default(),
            queue_capacity: 1024,
            batch_size: 32,
            batch_interval: Duration::from_secs(1),
            retry_backoff: Duration::from_millis(250),
            flush_budget: DEFAULT_FLUSH_BUDGET,
            output: None,
            is_tty: None,
            notice: None,
        }
    }

    /// Records an event. Never blocks and never fails: when disabled it returns at once; in debug mode it
    /// prints the envelope to stderr; otherwise it applies the event's sample rate (for an event sampled by
    /// value, the rate of this occurrence's value) and queues the event for the background worker (dropping and
    /// counting it if the queue is full). Identical payloads of an event with a dedup window are sent once per
    /// window. An event past its `#[telemetry(expires = …)]` date is neither sent nor printed, and counted in
    /// [`DeliveryStats::expired`]. An event that is not in the registry the "what is collected" page is made from
    /// (a hand-written impl without [`telemetry_schema::register_event!`]) is neither sent nor printed; the worker
    /// counts it in [`DeliveryStats::unregistered`]: nothing is sent that no page lists.
    #[inline]
    pub fn track<E: TelemetryEvent + Send>(&self, event: E) {
        match &self.mode {
            Mode::Inert => {}
            Mode::Debug(sink) => {
                if !has_expired::<E>() && telemetry_schema::is_registered::<E>() {
                    sink.print(&event);
                }
            }
            Mode::Delivering(delivery) => {
                if has_expired::<E>() {
                    delivery.count_expired();
                    return;
                }
                // The event's rate, or for an event sampled by value, the rate of this occurrence's value: from the
                // metadata the page is made of and the value the visitor hands over, never from an impl's method.
                // Reading the value runs a (maybe hand-written) visitor here, on the caller's thread: one that
                // panics sends the event on, to be counted by the worker as one that cannot be encoded.
                let rate =
                    catch_unwind(AssertUnwindSafe(|| telemetry_schema::sample_rate_of(&event))).unwrap_or(1_000_000);
                if rate < 1_000_000 && !delivery.sampled_in(rate) {
                    return;
                }
                delivery.enqueue(Box::new(event));
            }
        }
    }

    /// Waits until every event tracked so far is sent (or given up on), but never past `deadline`.
    pub fn flush(&self, deadline: Instant) -> FlushOutcome {
        match &self.mode {
            Mode::Delivering(delivery) => delivery.flush(deadline),
            Mode::Inert | Mode::Debug(_) => FlushOutcome::DONE,
        }
    }

    /// A guard that, when dropped, flushes within the client's flush budget (default 80 ms) and then tells
    /// the worker to stop. Keep it alive in `main`. The host never waits longer than the budget, whatever
    /// the network does; events still in flight then are lost.
    pub fn flush_guard(&self) -> FlushGuard {
        FlushGuard { client: self.clone(), budget: self.inner.flush_budget }
    }

    /// Flushes until `deadline`, then stops the worker (it finishes the request in flight, bounded by the
    /// HTTP timeouts, and exits). Later `track` calls are ignored.
    pub fn shutdown(&self, deadline: Instant) -> FlushOutcome {
        let outcome = self.flush(deadline);
        if let Mode::Delivering(delivery) = &self.mode {
            delivery.shutdown();
        }
        outcome
    }

    /// Whether this client sends events (telemetry enabled and not in debug mode).
    pub fn is_enabled(&self) -> bool {
        matches!(self.mode, Mode::Delivering(..))
    }

    /// Whether debug mode is on: events are printed to stderr and nothing is sent.
    pub fn is_debug(&self) -> bool {
        matches!(self.mode, Mode::Debug(_))
    }

    /// The consent this client was built with.
    pub fn consent(&self) -> Consent {
        self.inner.consent
    }

    /// The envelope header (ids and context) the client uses; `None` when it is inert, since then no id
    /// exists.
    pub fn header(&self) -> Option<&EnvelopeHeader> {
        match &self.mode {
            Mode::Inert => None,
            Mode::Debug(sink) => Some(&sink.header),
            Mode::Delivering(delivery) => Some(delivery.header()),
        }
    }

    /// Counters of what happened to tracked events (all zero unless delivering).
    pub fn stats(&self) -> DeliveryStats {
        match &self.mode {
            Mode::Delivering(delivery) => delivery.stats(),
            Mode::Inert | Mode::Debug(_) => DeliveryStats::default(),
        }
    }

    /// The settings file that holds the user's choice, if a configuration directory is known.
    pub fn settings_path(&self) -> Option<PathBuf> {
        self.inner.config_dir.as_ref().map(|dir| dir.join(SETTINGS_FILE_NAME))
    }

    /// The current state, re-read from the environment and the settings file (so it reflects an `enable` or
    /// `disable` made since the client was built).
    pub fn status(&self) -> Status {
        let inner = &*self.inner;
        let path = self.settings_path();
        let loaded = path.as_deref().map_or(Loaded::Missing, store::load);
        let project = read_project_setting(inner.product, inner.project_config.as_deref());
        let consent = consent::resolve(
            inner.product,
            &*inner.env,
            inner.code_setting,
            || project.turns_off(),
            || loaded.choice(),
        );
        let last_error = match &self.mode {
            Mode::Delivering(delivery) => delivery.last_error(),
            Mode::Inert | Mode::Debug(_) => None,
        };
        let cannot_send = inner.delivery_problem.is_some();
        let problem = inner.delivery_problem.clone().or(last_error);
        Status {
            product: inner.product,
            consent,
            debug: inner.debug,
            settings_path: path,
            settings_problem: match &loaded {
                Loaded::Unreadable(why) => Some(why.clone()),
                Loaded::Missing | Loaded::Found(_) => None,
            },
            settings_exist: !matches!(loaded, Loaded::Missing),
            install_id: loaded.settings().and_then(Settings::install_id).map(|id| id.to_string()),
            project_config: inner.project_config.clone(),
            project_config_problem: match project {
                ProjectSetting::Silent => None,
                ProjectSetting::Off(why) => Some(why),
                ProjectSetting::Unreadable(why) => Some(format!("it cannot be read: {why}")),
            },
            cannot_send,
            endpoint: redact_url(&inner.endpoint),
            problem: problem.map(|problem| redact_in(&problem, &inner.endpoint)),
        }
    }

    /// Saves the user's choice to turn telemetry on. It applies from the next run (this process keeps the
    /// consent it started with). Environment switches still win: the returned [`Status`] says what is in force.
    ///
    /// # Errors
    /// When the settings file cannot be written; the message names the file and the reason.
    pub fn enable(&self) -> Result<Status, SaveError> {
        self.save_choice(true)?;
        Ok(self.status())
    }

    /// Saves the user's choice to turn telemetry off, forgets the install id and project salt, and throws away
    /// this process's queued events at once (also when the choice cannot be saved).
    ///
    /// # Errors
    /// When the settings file cannot be written; telemetry is still off for the rest of this process.
    pub fn disable(&self) -> Result<Status, SaveError> {
        if let Mode::Delivering(delivery) = &self.mode {
            delivery.revoke();
        }
        self.save_choice(false)?;
        if let Some(dir) = &self.inner.config_dir {
            let _ = std::fs::remove_file(dir.join(THROTTLE_FILE_NAME));
        }
        Ok(self.status())
    }

    /// Load-modify-save under the settings lock, re-reading under it, so a concurrent first run's bookkeeping
    /// and this choice never overwrite each other. A file that cannot be read is replaced: the user has just said
    /// what they want.
    fn save_choice(&self, enabled: bool) -> Result<(), SaveError> {
        let path = self.settings_path().ok_or_else(SaveError::no_config_dir)?;
        let save = || {
            let mut settings = store::load(&path).settings().cloned().unwrap_or_default();
            settings.enabled = Some(enabled);
            if !enabled {
                settings.install_id = None;
                settings.project_salt = None;
            }
            store::save(&path, &settings)
        };
        match store::with_lock(&path, CHOICE_LOCK_WAIT, save) {
            Ok(result) => result,
            // The user's choice must be saved even where the file system cannot lock, or the lock file is unusable
            // (a pipe, a directory or a device at its path): first runs never write without the lock (see
            // `settle_ids`), so nothing can overwrite it. Where the directory itself cannot be written, saving
            // fails with the reason.
            Err(store::LockError::NoLocking | store::LockError::Io) => save(),
            Err(store::LockError::Busy) => Err(SaveError::new(
                &path,
                io::Error::new(io::ErrorKind::WouldBlock, "another process kept the settings locked"),
            )),
        }
    }
}

/// Flushes its client with a hard time budget when dropped, then stops the worker. See
/// [`Client::flush_guard`].
#[must_use = "the guard flushes when it is dropped; bind it to a variable that lives until the end of main"]
#[derive(Debug)]
pub struct FlushGuard {
    client: Client,
    budget: Duration,
}

impl FlushGuard {
    /// Replaces the budget (default: the client's, 80 ms unless configured).
    pub fn with_budget(mut self, budget: Duration) -> Self {
        self.budget = budget;
        self
    }
}

impl Drop for FlushGuard {
    fn drop(&mut self) {
        let _ = self.client.shutdown(crate::delivery::deadline_after(self.budget));
    }
}

/// What `<cli> telemetry status` shows: whether telemetry is on, why, where the choice is kept, and how to
/// change it. Its [`Display`](fmt::Display) is the text for people.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Status {
    /// The product.
    pub product: &'static Product,
    /// Whether telemetry is on and which source decided.
    pub consent: Consent,
    /// Whether debug mode is on (events printed, nothing sent).
    pub debug: bool,
    /// The settings file, if a configuration directory is known.
    pub settings_path: Option<PathBuf>,
    /// Why the settings file cannot be read, if it exists and cannot (telemetry is then off).
    pub settings_problem: Option<String>,
    settings_exist: bool,
    /// The install id saved on this machine, if any: what to quote when asking for the deletion of its data.
    pub install_id: Option<String>,
    /// The project's configuration file that holds the product's config switch, if the product has one.
    pub project_config: Option<PathBuf>,
    /// What in that file turns telemetry off, if it does.
    pub project_config_problem: Option<String>,
    /// Whether `problem` keeps anything from ever being sent (rather than a delivery that last failed).
    cannot_send: bool,
    /// Where batches are sent, with any credentials (user, password, query values) replaced by `***`.
    pub endpoint: String,
    /// Why delivery cannot work or last failed, if it did.
    pub problem: Option<String>,
}

impl Status {
    /// Whether telemetry is on.
    pub fn is_enabled(&self) -> bool {
        self.consent.enabled
    }

    fn how_to_change(&self) -> String {
        let p = self.product;
        let cli = |action: &str| p.cli_command().map(|cli| format!("run `{cli} {action}`"));
        match (self.consent.enabled, self.consent.source) {
            (_, ConsentSource::Code) => "It is set by the program's configuration.".to_owned(),
            (false, ConsentSource::ProjectConfig) => match (p.config_switch(), &self.project_config) {
                (Some(switch), Some(path)) => format!(
                    "It is set by the project: {} turns it off (remove `{}` there, or set it to true).",
                    path.display(),
                    switch.key()
                ),
                _ => "It is set by the project's configuration.".to_owned(),
            },
            (false, ConsentSource::EnvDisabled) => format!("To turn it on, unset {}.", p.disabled_var()),
            (false, ConsentSource::DoNotTrack) => format!("To turn it on, unset {DO_NOT_TRACK}."),
            (false, ConsentSource::TestRunner) => "Test runs never send telemetry.".to_owned(),
            (false, ConsentSource::SettingsUnreadable) => match p.cli_command() {
                Some(cli) => format!(
                    "To fix it, delete the settings file, or replace it with your choice: run `{cli} disable` \
                     (or `{cli} enable`)."
                ),
                None => "To fix it, delete the settings file.".to_owned(),
            },
            (true, _) => {
                let mut ways: Vec<String> = cli("disable").into_iter().collect();
                ways.push(format!("set {}=1 (or {DO_NOT_TRACK}=1)", p.disabled_var()));
                format!("To turn it off, {}.", ways.join(", or "))
            }
            (false, _) => {
                let mut ways: Vec<String> = cli("enable").into_iter().collect();
                if p.consent_default() == telemetry_schema::ConsentDefault::OptIn {
                    ways.push(format!("set {}=1", p.enabled_var()));
                }
                if ways.is_empty() { String::new() } else { format!("To turn it on, {}.", ways.join(", or ")) }
            }
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = self.product;
        match (self.consent.enabled, &self.problem) {
            (true, Some(_)) if self.cannot_send => {
                writeln!(f, "{} telemetry is on but cannot send anything.", p.name())?
            }
            (true, _) => writeln!(f, "{} telemetry is enabled.", p.name())?,
            (false, _) => writeln!(f, "{} telemetry is disabled.", p.name())?,
        }
        writeln!(f, "  reason:   {}", self.consent.reason(p))?;
        match &self.settings_path {
            Some(path) => match &self.settings_problem {
                Some(why) => writeln!(f, "  settings: {} cannot be read: {why}", path.display())?,
                None if !self.settings_exist => writeln!(f, "  settings: {} (not created yet)", path.display())?,
                None => writeln!(f, "  settings: {}", path.display())?,
            },
            None => writeln!(f, "  settings: unknown (set XDG_CONFIG_HOME or HOME)")?,
        }
        if let (Some(path), Some(why)) = (&self.project_config, &self.project_config_problem) {
            writeln!(f, "  project:  {}: {why}", path.display())?;
        }
        if let Some(id) = &self.install_id {
            writeln!(f, "  id:       {id} (this installation's install id)")?;
        }
        writeln!(f, "  endpoint: {}", self.endpoint)?;
        if self.debug {
            writeln!(f, "  debug:    on ({}): events are printed to stderr, nothing is sent", p.debug_var())?;
        }
        if let Some(problem) = self.problem.as_ref().filter(|_| self.consent.enabled) {
            writeln!(f, "  problem:  {problem}")?;
        }
        let how = self.how_to_change();
        if !how.is_empty() {
            writeln!(f, "{how}")?;
        }
        write!(f, "To see what would be sent without sending anything, set {}=1.", p.debug_var())
    }
}

/// Whether `E` has an expiry date and today (UTC) is after it. `E::META` is a constant, so for an event without
/// the attribute this folds to `false` and costs nothing; with one, it reads the system clock. A clock that
/// cannot be read (before 1970) sends the event.
#[inline]
fn has_expired<E: TelemetryEvent>() -> bool {
    match E::META.expires() {
        None => false,
        Some(date) => telemetry_schema::Date::today().is_some_and(|today| today > date),
    }
}
