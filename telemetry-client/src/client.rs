//! The client: built once per process from the SDK's `Product`, cheap to clone, and inert when disabled.

use std::fmt;
use std::io::{self, IsTerminal, Write};
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
use crate::store::{self, Loaded, SETTINGS_FILE_NAME, SaveError, Settings, THROTTLE_FILE_NAME};
use crate::transport::{HttpOptions, HttpTransport, Transport};

/// The default hard budget of [`FlushGuard`]: how long a host may wait for telemetry when it exits. 80 ms, so
/// that the whole exit delay (budget plus waking and stopping the worker) stays under 100 ms.
pub const DEFAULT_FLUSH_BUDGET: Duration = Duration::from_millis(80);

type Output = Arc<Mutex<Box<dyn Write + Send>>>;

/// Configures a [`Client`]. Every input the client reads (environment, configuration directory, transport,
/// stderr) can be replaced, so tests never touch the real home directory, environment or network.
///
/// ```
/// use telemetry_client::{Client, MapEnv, MemoryTransport};
/// # use telemetry_schema::{ConsentDefault, Product};
/// # const PRODUCT: Product = Product {
/// #     name: "Acme", sdk_name: "acme", sdk_version: telemetry_schema::version!("1.0.0"), env_prefix: "ACME",
/// #     consent_default: ConsentDefault::OptOut, endpoint: "https://t.example/v1", purpose: "Why.",
/// #     cli_command: Some("acme telemetry"), config_switch: None,
/// # };
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
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("product", &self.product.sdk_name)
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

    /// The host's own setting, e.g. from `telemetry: false` in its configuration. It decides before every
    /// other source; it is also the only way to switch telemetry on in a test run.
    #[must_use]
    pub fn enabled(mut self, enabled: bool) -> Self {
        self.enabled = Some(enabled);
        self
    }

    /// Sends a project id: a salted SHA-256 of this path. The salt is random, stored locally and never sent.
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

    fn build_with(self, settings_only: bool) -> Client {
        let ClientBuilder {
            product,
            env,
            config_dir,
            enabled,
            project_root,
            transport,
            mut http,
            queue_capacity,
            batch_size,
            batch_interval,
            retry_backoff,
            flush_budget,
            output,
            is_tty,
        } = self;
        let env: Arc<dyn Env> = Arc::from(env);
        let config_dir = config_dir.or_else(|| store::platform_config_dir(product, &*env));
        let settings_path = config_dir.as_ref().map(|dir| dir.join(SETTINGS_FILE_NAME));
        let debug = env::flag(&*env, &product.debug_var());
        let endpoint = env.var(&product.endpoint_var()).filter(|v| !v.trim().is_empty());
        let endpoint = endpoint.unwrap_or_else(|| product.endpoint.to_owned());
        let output: Output = Arc::new(Mutex::new(output.unwrap_or_else(|| Box::new(io::stderr()))));

        // The environment switches are read first; the file only if they leave the question open.
        let mut loaded: Option<Loaded> = None;
        let consent = consent::resolve(product, &*env, enabled, || {
            let file = settings_path.as_deref().map_or(Loaded::Missing, store::load);
            let choice = file.settings().and_then(|s| s.enabled);
            loaded = Some(file);
            choice
        });

        let mut inner = Inner {
            product,
            env: Arc::clone(&env),
            code_setting: enabled,
            config_dir: config_dir.clone(),
            endpoint: endpoint.clone(),
            consent,
            debug,
            flush_budget,
            // Known before anything starts, so `status` can say it even from a settings-only client.
            delivery_problem: if transport.is_none() { crate::transport::endpoint_problem(&endpoint) } else { None },
        };
        let context = || Context {
            os: Os::CURRENT,
            arch: Arch::CURRENT,
            cpu_count: std::thread::available_parallelism().map_or(1, |n| u16::try_from(n.get()).unwrap_or(u16::MAX)),
            is_ci: env::is_ci(&*env),
            is_tty: is_tty.unwrap_or_else(|| io::stdout().is_terminal()),
        };

        if settings_only {
            return Client { mode: Mode::Inert, inner: Arc::new(inner) };
        }
        if debug {
            // Audit mode: real ids only if they already exist and telemetry is on; never write, never send.
            let stored = if consent.enabled { loaded.as_ref().and_then(Loaded::settings) } else { None };
            let install_id = stored.and_then(Settings::install_id).or_else(ids::random_id);
            let salt = stored.and_then(Settings::salt).or_else(ids::random_salt);
            let header = EnvelopeHeader {
                sdk_name: product.sdk_name,
                sdk_version: product.sdk_version,
                install_id: install_id.unwrap_or(AnonymousId::from_random_bytes([0; 16])),
                project_id: project_root.as_deref().zip(salt).map(|(root, salt)| ids::project_id(&salt, root)),
                session_id: ids::random_id().unwrap_or(AnonymousId::from_random_bytes([0; 16])),
                context: context(),
            };
            return Client { mode: Mode::Debug(Arc::new(DebugSink { header, output })), inner: Arc::new(inner) };
        }
        if !consent.enabled {
            return Client { mode: Mode::Inert, inner: Arc::new(inner) };
        }

        // Enabled. First the transport: if nothing can ever be delivered, announce nothing and create nothing.
        let transport: Box<dyn Transport> = match transport {
            Some(transport) => transport,
            None => {
                http.proxy = HttpOptions::proxy_from_env(&*env, &endpoint);
                match HttpTransport::new(&endpoint, &http) {
                    Ok(transport) => Box::new(transport),
                    Err(err) => {
                        inner.delivery_problem = Some(err.to_string());
                        return Client { mode: Mode::Inert, inner: Arc::new(inner) };
                    }
                }
            }
        };
        // Then load or create the ids, show the notice if it is due, and start the worker.
        let mut settings = match loaded {
            Some(file) => file.into_settings(),
            None => settings_path.as_deref().map_or(Loaded::Missing, store::load).into_settings(),
        };
        let before = settings.clone();
        let (Some(install_id), Some(session_id)) = (
            settings.install_id().or_else(|| {
                let id = ids::random_id()?;
                settings.install_id = Some(id.to_string());
                Some(id)
            }),
            ids::random_id(),
        ) else {
            inner.delivery_problem = Some("the operating system provided no randomness for the ids".into());
            return Client { mode: Mode::Inert, inner: Arc::new(inner) };
        };
        let project_id = project_root.as_deref().and_then(|root| {
            let salt = settings.salt().or_else(|| {
                let salt = ids::random_salt()?;
                settings.project_salt = Some(telemetry_schema::hex::encode(&salt.0));
                Some(salt)
            })?;
            Some(ids::project_id(&salt, root))
        });
        let context = context();
        if consent.is_enabled_by_default() && !context.is_ci && !settings.notice_shown {
            let mut out = output.lock().unwrap_or_else(|p| p.into_inner());
            let _ = out.write_all(first_run_notice(product).as_bytes());
            let _ = out.flush();
            settings.notice_shown = true;
        }
        if settings != before
            && let Some(path) = &settings_path
        {
            // Unsaved, the ids last for this run only, and the notice shows again next time: telemetry does less,
            // the host carries on.
            let _ = store::save(path, &settings);
        }

        let header = EnvelopeHeader {
            sdk_name: product.sdk_name,
            sdk_version: product.sdk_version,
            install_id,
            project_id,
            session_id,
            context,
        };
        let options = DeliveryOptions {
            queue_capacity,
            batch_size,
            batch_interval,
            retry_backoff,
            settings_path: if consent.source == ConsentSource::Code { None } else { settings_path.clone() },
            throttle_path: config_dir.as_ref().map(|dir| dir.join(THROTTLE_FILE_NAME)),
        };
        let seed = ids::random::<8>().map_or(0x5EED, u64::from_le_bytes);
        let thread_name = format!("telemetry-{}", product.sdk_name);
        match Delivery::start(thread_name, header, transport, options, seed) {
            Some(delivery) => Client { mode: Mode::Delivering(delivery, header), inner: Arc::new(inner) },
            None => {
                inner.delivery_problem = Some("the telemetry worker thread could not be started".into());
                Client { mode: Mode::Inert, inner: Arc::new(inner) }
            }
        }
    }
}

/// The first-run notice, printed once on stderr when telemetry is on by default.
pub fn first_run_notice(product: &Product) -> String {
    let mut notice = format!(
        "Attention: {name} collects completely anonymous telemetry about usage.\n\
         This information is used to shape {name}'s roadmap and prioritize features.\n",
        name = product.name,
    );
    let how = match product.cli_command {
        Some(cli) => format!("run `{cli} disable` or set {}=1", product.disabled_var()),
        None => format!("set {}=1", product.disabled_var()),
    };
    notice.push_str(&format!(
        "To opt out, {how} (DO_NOT_TRACK=1 works too). To see what would be sent, set {}=1.\n\n",
        product.debug_var()
    ));
    notice
}

struct Inner {
    product: &'static Product,
    env: Arc<dyn Env>,
    code_setting: Option<bool>,
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
        if write_envelope(&mut line, &self.header, event).is_err() {
            return;
        }
        line.push('\n');
        let mut out = self.output.lock().unwrap_or_else(|p| p.into_inner());
        let _ = out.write_all(line.as_bytes());
        let _ = out.flush();
    }
}

#[derive(Clone)]
enum Mode {
    Inert,
    Debug(Arc<DebugSink>),
    Delivering(Arc<Delivery>, EnvelopeHeader),
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
/// # use telemetry_schema::{ConsentDefault, Product, TelemetryEvent};
/// # const PRODUCT: Product = Product {
/// #     name: "Acme", sdk_name: "acme", sdk_version: telemetry_schema::version!("1.0.0"), env_prefix: "ACME",
/// #     consent_default: ConsentDefault::OptOut, endpoint: "https://t.example/v1", purpose: "Why.",
/// #     cli_command: Some("acme telemetry"), config_switch: None,
/// # };
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
            .field("sdk", &self.inner.product.sdk_name)
            .field("consent", &self.inner.consent)
            .field("mode", &mode)
            .finish()
    }
}

impl Client {
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
        }
    }

    /// Records an event. Never blocks and never fails: when disabled it returns at once; in debug mode it
    /// prints the envelope to stderr; otherwise it applies the event's sample rate and queues the event for the
    /// background worker (dropping and counting it if the queue is full). Identical payloads of an event with
    /// a dedup window are sent once per window.
    #[inline]
    pub fn track<E: TelemetryEvent + Send>(&self, event: E) {
        match &self.mode {
            Mode::Inert => {}
            Mode::Debug(sink) => sink.print(&event),
            Mode::Delivering(delivery, _) => {
                let rate = E::META.sample_rate_per_million();
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
            Mode::Delivering(delivery, _) => delivery.flush(deadline),
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
        if let Mode::Delivering(delivery, _) = &self.mode {
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
            Mode::Delivering(_, header) => Some(header),
        }
    }

    /// Counters of what happened to tracked events (all zero unless delivering).
    pub fn stats(&self) -> DeliveryStats {
        match &self.mode {
            Mode::Delivering(delivery, _) => delivery.stats(),
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
        let consent = consent::resolve(inner.product, &*inner.env, inner.code_setting, || {
            path.as_deref().and_then(|p| store::load(p).settings().and_then(|s| s.enabled))
        });
        let last_error = match &self.mode {
            Mode::Delivering(delivery, _) => delivery.last_error(),
            Mode::Inert | Mode::Debug(_) => None,
        };
        Status {
            product: inner.product,
            consent,
            debug: inner.debug,
            settings_path: path,
            endpoint: inner.endpoint.clone(),
            problem: inner.delivery_problem.clone().or(last_error),
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
        if let Mode::Delivering(delivery, _) = &self.mode {
            delivery.revoke();
        }
        self.save_choice(false)?;
        if let Some(dir) = &self.inner.config_dir {
            let _ = std::fs::remove_file(dir.join(THROTTLE_FILE_NAME));
        }
        Ok(self.status())
    }

    fn save_choice(&self, enabled: bool) -> Result<(), SaveError> {
        let path = self.settings_path().ok_or_else(SaveError::no_config_dir)?;
        let mut settings = store::load(&path).into_settings();
        settings.enabled = Some(enabled);
        if !enabled {
            settings.install_id = None;
            settings.project_salt = None;
        }
        store::save(&path, &settings)
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
    /// Where batches are sent.
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
        let cli = |action: &str| p.cli_command.map(|cli| format!("run `{cli} {action}`"));
        match (self.consent.enabled, self.consent.source) {
            (_, ConsentSource::Code) => match p.config_switch {
                Some(switch) => format!("It is set by the program's configuration: change {switch}."),
                None => "It is set by the program's configuration.".to_owned(),
            },
            (false, ConsentSource::EnvDisabled) => format!("To turn it on, unset {}.", p.disabled_var()),
            (false, ConsentSource::DoNotTrack) => format!("To turn it on, unset {DO_NOT_TRACK}."),
            (false, ConsentSource::TestRunner) => "Test runs never send telemetry.".to_owned(),
            (true, _) => {
                let mut ways: Vec<String> = cli("disable").into_iter().collect();
                ways.push(format!("set {}=1 (or {DO_NOT_TRACK}=1)", p.disabled_var()));
                format!("To turn it off, {}.", ways.join(", or "))
            }
            (false, _) => {
                let mut ways: Vec<String> = cli("enable").into_iter().collect();
                if p.consent_default == telemetry_schema::ConsentDefault::OptIn {
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
        let state = if self.consent.enabled { "enabled" } else { "disabled" };
        writeln!(f, "{} telemetry is {state}.", p.name)?;
        writeln!(f, "  reason:   {}", self.consent.reason(p))?;
        match &self.settings_path {
            Some(path) => writeln!(f, "  settings: {}{}", path.display(), file_note(path))?,
            None => writeln!(f, "  settings: unknown (set XDG_CONFIG_HOME or HOME)")?,
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

fn file_note(path: &Path) -> &'static str {
    match store::load(path) {
        Loaded::Found(_) => "",
        Loaded::Missing => " (not created yet)",
        Loaded::Corrupt => " (unreadable; it will be replaced)",
    }
}
