//! Where batches go: the [`Transport`] trait and its HTTP, NDJSON-file and in-memory implementations.

use std::fmt;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use telemetry_schema::BATCH_EVENTS_KEY;

use crate::env::Env;

/// The key of a batch's random id in the request body.
pub(crate) const BATCH_ID_KEY: &str = "batch_id";

/// A batch of envelopes, each already encoded as compact JSON, in the order they were tracked, with a random
/// batch id. A retry sends the same batch, id included, so a collector stores a retried batch once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    batch_id: String,
    envelopes: Vec<String>,
}

impl Default for Batch {
    /// An empty batch with a fresh id.
    fn default() -> Self {
        Self::new(Vec::new())
    }
}

impl Batch {
    pub(crate) fn new(envelopes: Vec<String>) -> Self {
        Self { batch_id: new_batch_id(), envelopes }
    }

    /// The batch's id: 32 lowercase hexadecimal digits from the operating system's random source.
    pub fn batch_id(&self) -> &str {
        &self.batch_id
    }

    /// The envelopes, each a compact JSON object.
    pub fn envelopes(&self) -> &[String] {
        &self.envelopes
    }

    /// How many envelopes the batch holds.
    pub fn len(&self) -> usize {
        self.envelopes.len()
    }

    /// Whether the batch holds no envelope.
    pub fn is_empty(&self) -> bool {
        self.envelopes.is_empty()
    }

    /// The request body: `{"batch_id":"<32 hex digits>","events":[<envelope>,...]}`.
    ///
    /// ```
    /// # use telemetry_client::Batch;
    /// let batch = Batch::default();
    /// assert_eq!(batch.to_json(), format!(r#"{{"batch_id":"{}","events":[]}}"#, batch.batch_id()));
    /// ```
    pub fn to_json(&self) -> String {
        let size = 48 + self.batch_id.len() + self.envelopes.iter().map(|e| e.len() + 1).sum::<usize>();
        let mut out = String::with_capacity(size);
        out.push_str("{\"");
        out.push_str(BATCH_ID_KEY);
        out.push_str("\":\"");
        out.push_str(&self.batch_id);
        out.push_str("\",\"");
        out.push_str(BATCH_EVENTS_KEY);
        out.push_str("\":[");
        for (i, envelope) in self.envelopes.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(envelope);
        }
        out.push_str("]}");
        out
    }
}

/// 16 random bytes as 32 lowercase hex digits. Should the OS refuse randomness (the ids would have failed
/// first), a digest of the time, the process and a counter keeps ids distinct, which is all a batch id is for.
fn new_batch_id() -> String {
    let bytes = crate::ids::random::<16>().unwrap_or_else(|| {
        static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        let count = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let digest = crate::ids::digest_hex(&[
            &now.as_nanos().to_le_bytes(),
            &std::process::id().to_le_bytes(),
            &count.to_le_bytes(),
        ]);
        telemetry_schema::hex::decode::<16>(&digest).unwrap_or_default()
    });
    telemetry_schema::hex::encode(&bytes)
}

/// `url` with what may be a credential replaced by `***`: the user and password, every query value, and the
/// fragment. For showing an endpoint in `status`, errors and debug output.
///
/// ```text
/// http://jane:pw@t.example/v1?key=abc#x  ->  http://***@t.example/v1?key=***#***
/// ```
pub(crate) fn redact_url(url: &str) -> String {
    let (scheme, userinfo, rest) = split_userinfo(url);
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (host, tail) = rest.split_at(authority_end);
    let mut out = String::with_capacity(url.len());
    out.push_str(scheme);
    if userinfo.is_some() {
        out.push_str("***@");
    }
    out.push_str(host);
    let (before_fragment, fragment) = match tail.split_once('#') {
        Some((before, _)) => (before, Some("***")),
        None => (tail, None),
    };
    match before_fragment.split_once('?') {
        Some((path, query)) => {
            out.push_str(path);
            out.push('?');
            let pairs: Vec<String> = query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((key, _)) => format!("{key}=***"),
                    None if pair.is_empty() => String::new(),
                    None => "***".to_owned(),
                })
                .collect();
            out.push_str(&pairs.join("&"));
        }
        None => out.push_str(before_fragment),
    }
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

/// Splits `url` into its `scheme://` (empty when it has none), its user information (without the `@`), and the
/// rest (host, path, query, fragment). Lenient, since it serves redaction of URLs that may not parse: the user
/// information ends at the last `@` of the authority, or, when the authority as delimited by the first `/`, `?`
/// or `#` holds none, at the last `@` anywhere (a password with an unescaped `/`, `?` or `#`; a scheme with one
/// slash), unless that `@` is in the query or fragment of a URL whose authority ends at its path. So an `@` in a
/// path hides the host too: more is hidden, never a credential shown.
fn split_userinfo(url: &str) -> (&str, Option<&str>, &str) {
    let (scheme, rest) = match url.find("://") {
        Some(at) => url.split_at(at + 3),
        None => ("", url),
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let at = match rest[..authority_end].rfind('@') {
        Some(at) => at,
        None => {
            let Some(at) = rest.rfind('@') else { return (scheme, None, rest) };
            let query_start = rest.find(['?', '#']).unwrap_or(rest.len());
            if rest.as_bytes().get(authority_end) == Some(&b'/') && at > query_start {
                return (scheme, None, rest);
            }
            at
        }
    };
    (scheme, Some(&rest[..at]), &rest[at + 1..])
}

/// `text` with every occurrence of `url` (and of its credential parts) redacted, for messages that quote it.
pub(crate) fn redact_in(text: &str, url: &str) -> String {
    let redacted = redact_url(url);
    if redacted == url {
        return text.to_owned();
    }
    let mut text = text.replace(url, &redacted);
    let (_, userinfo, rest) = split_userinfo(url);
    let query = rest.split_once('?').map(|(_, query)| query.split('#').next().unwrap_or_default());
    for secret in userinfo.into_iter().chain(query).filter(|s| !s.is_empty()) {
        text = text.replace(secret, "***");
    }
    text
}

/// Why a batch was not delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransportError {
    message: String,
    retryable: bool,
    retry_after: Option<Duration>,
}

impl TransportError {
    /// A failure worth one more try (network error, timeout, 5xx, 408, 429).
    pub fn retryable(message: impl Into<String>) -> Self {
        Self { message: message.into(), retryable: true, retry_after: None }
    }

    /// A failure that another try would repeat (a 4xx answer, a local file that cannot be written).
    pub fn permanent(message: impl Into<String>) -> Self {
        Self { message: message.into(), retryable: false, retry_after: None }
    }

    /// Asks the worker to wait this long before the retry, when longer than its own backoff (a `Retry-After`
    /// answer). The wait never delays the host: shutdown and `disable` interrupt it.
    #[must_use]
    pub fn with_retry_after(mut self, after: Duration) -> Self {
        self.retry_after = Some(after);
        self
    }

    /// Whether the client may try the batch once more.
    pub fn is_retryable(&self) -> bool {
        self.retryable
    }

    /// How long the endpoint asked the client to wait before the retry, if it did.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TransportError {}

/// Delivers batches. Called only on the client's background worker thread, one batch at a time, in order; the
/// worker retries a [retryable](TransportError::is_retryable) failure once, after a short backoff.
///
/// An implementation must bound its own time (the HTTP transport has connect and total timeouts): a slow
/// transport delays later batches, never the host, but it keeps the worker busy.
pub trait Transport: Send + 'static {
    /// Delivers one batch.
    ///
    /// # Errors
    /// When the batch was not (or not certainly) delivered.
    fn send(&mut self, batch: &Batch) -> Result<(), TransportError>;
}

/// Timeouts, proxy and trusted certificates of the [`HttpTransport`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HttpOptions {
    /// How long to wait for the TCP (and TLS) connection. Default 2 s.
    pub connect_timeout: Duration,
    /// How long one request may take in total, from resolving the name to reading the answer. Default 5 s.
    pub total_timeout: Duration,
    /// An `http://` proxy to send through, if any; see [`HttpOptions::proxy_from_env`].
    pub proxy: Option<String>,
    /// PEM-encoded CA certificates to trust for an `https://` endpoint *instead of* the bundled Mozilla roots:
    /// for a self-hosted collector whose certificate comes from a private CA (and for tests). `None` (the
    /// default) trusts the bundled roots.
    pub root_certificates_pem: Option<Vec<u8>>,
}

impl Default for HttpOptions {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(2),
            total_timeout: Duration::from_secs(5),
            proxy: None,
            root_certificates_pem: None,
        }
    }
}

impl HttpOptions {
    /// The proxy the usual variables ask for (`HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY`, either case), unless the
    /// endpoint is on loopback or `NO_PROXY` names its host (or is `*`).
    pub fn proxy_from_env(env: &dyn Env, endpoint: &str) -> Option<String> {
        let host = host_of(endpoint)?;
        if matches!(host, "localhost" | "127.0.0.1" | "[::1]") {
            return None;
        }
        let no_proxy = env.var("NO_PROXY").or_else(|| env.var("no_proxy")).unwrap_or_default();
        let bypassed = no_proxy.split(',').map(str::trim).filter(|p| !p.is_empty()).any(|pattern| {
            let pattern = pattern.trim_start_matches('.');
            pattern == "*" || host == pattern || host.ends_with(&format!(".{pattern}"))
        });
        if bypassed {
            return None;
        }
        let names: &[&str] = if endpoint.starts_with("https://") {
            &["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]
        } else {
            &["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"]
        };
        names.iter().find_map(|name| env.var(name)).filter(|v| !v.trim().is_empty())
    }
}

fn host_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if host_port.starts_with('[') {
        return host_port.split_inclusive(']').next();
    }
    host_port.split(':').next()
}

/// Why batches could never be posted to `endpoint` by this build, if that is so: not an http(s) URL, or
/// `https://` without the `tls` feature.
pub(crate) fn endpoint_problem(endpoint: &str) -> Option<String> {
    let is_https = endpoint.starts_with("https://");
    if !(is_https || endpoint.starts_with("http://")) || host_of(endpoint).is_none_or(str::is_empty) {
        return Some(format!("the telemetry endpoint {:?} is not an http:// or https:// URL", redact_url(endpoint)));
    }
    if is_https && !cfg!(feature = "tls") {
        return Some(format!(
            "the telemetry endpoint {} uses https, but telemetry-client was built without its `tls` feature \
             (on by default); turn it back on, or use an http:// endpoint",
            redact_url(endpoint)
        ));
    }
    None
}

/// POSTs each batch as `{"events":[...]}` with `Content-Type: application/json` (gzip-compressed with the
/// `gzip` feature) through a blocking [`ureq`] agent with connect and total timeouts.
///
/// `https://` endpoints need the crate's `tls` feature (on by default: rustls with Mozilla's roots bundled);
/// without it, [`HttpTransport::new`] refuses them with an error that says so.
pub struct HttpTransport {
    agent: ureq::Agent,
    endpoint: String,
    /// The longest `Retry-After` honoured: the request timeout, so a retry stays within the time one request
    /// may take anyway.
    max_retry_after: Duration,
    /// The proxy URL, to redact its credentials from errors.
    proxy: Option<String>,
}

impl fmt::Debug for HttpTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpTransport").field("endpoint", &redact_url(&self.endpoint)).finish_non_exhaustive()
    }
}

impl HttpTransport {
    /// A transport that posts to `endpoint`.
    ///
    /// # Errors
    /// When the endpoint is not an `http://` or `https://` URL, when it is `https://` and the `tls` feature is
    /// off, when the proxy is not a valid URL, or when [`HttpOptions::root_certificates_pem`] holds no
    /// certificate.
    pub fn new(endpoint: &str, options: &HttpOptions) -> Result<Self, TransportError> {
        if let Some(problem) = endpoint_problem(endpoint) {
            return Err(TransportError::permanent(problem));
        }
        let proxy = match &options.proxy {
            Some(url) => Some(ureq::Proxy::new(url).map_err(|err| {
                TransportError::permanent(format!(
                    "the proxy {:?} is not a valid proxy URL: {}",
                    redact_url(url),
                    redact_in(&err.to_string(), url)
                ))
            })?),
            None => None,
        };
        let config = ureq::Agent::config_builder();
        #[cfg(feature = "tls")]
        let config = config.tls_config(tls_config(options.root_certificates_pem.as_deref())?);
        let config = config
            .proxy(proxy)
            .timeout_connect(Some(options.connect_timeout))
            .timeout_global(Some(options.total_timeout))
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .user_agent(concat!("telemetry-client/", env!("CARGO_PKG_VERSION")))
            .build();
        Ok(Self {
            agent: config.into(),
            endpoint: endpoint.to_owned(),
            max_retry_after: options.total_timeout,
            proxy: options.proxy.clone(),
        })
    }

    /// The URL batches are posted to.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }
}

impl Transport for HttpTransport {
    fn send(&mut self, batch: &Batch) -> Result<(), TransportError> {
        let body = batch.to_json();
        let request = self.agent.post(&self.endpoint).header("content-type", "application/json");
        #[cfg(feature = "gzip")]
        let result = {
            let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            let compressed = encoder.write_all(body.as_bytes()).and_then(|()| encoder.finish());
            match compressed {
                Ok(bytes) => request.header("content-encoding", "gzip").send(&bytes[..]),
                Err(err) => return Err(TransportError::permanent(format!("could not compress the batch: {err}"))),
            }
        };
        #[cfg(not(feature = "gzip"))]
        let result = request.send(body.as_bytes());
        match result {
            Ok(response) => {
                let status = response.status().as_u16();
                match status {
                    200..=299 => Ok(()),
                    408 | 429 | 500..=599 => {
                        let mut error = TransportError::retryable(format!("the endpoint answered {status}"));
                        // Only the delay-seconds form; an HTTP date would need the clock to agree with the server.
                        let after = response.headers().get("retry-after").and_then(|v| v.to_str().ok());
                        if let Some(secs) = after.and_then(|v| v.trim().parse::<u64>().ok()) {
                            error = error.with_retry_after(Duration::from_secs(secs).min(self.max_retry_after));
                        }
                        Err(error)
                    }
                    _ => Err(TransportError::permanent(format!("the endpoint answered {status}"))),
                }
            }
            Err(err) => {
                // The HTTP stack's message may quote the endpoint or the proxy, credentials included.
                let mut message = redact_in(&format!("could not reach the endpoint: {err}"), &self.endpoint);
                if let Some(proxy) = &self.proxy {
                    message = redact_in(&message, proxy);
                }
                Err(TransportError::retryable(message))
            }
        }
    }
}

/// rustls with the bundled Mozilla roots, or with only the given PEM certificates.
#[cfg(feature = "tls")]
fn tls_config(pem: Option<&[u8]>) -> Result<ureq::tls::TlsConfig, TransportError> {
    use ureq::tls::{PemItem, RootCerts, TlsConfig, TlsProvider};
    let roots = match pem {
        None => RootCerts::WebPki,
        Some(pem) => {
            let certificates: Vec<_> = ureq::tls::parse_pem(pem)
                .filter_map(|item| match item {
                    Ok(PemItem::Certificate(certificate)) => Some(certificate),
                    _ => None,
                })
                .collect();
            if certificates.is_empty() {
                return Err(TransportError::permanent(
                    "the root certificates given to the telemetry client hold no PEM certificate",
                ));
            }
            RootCerts::new_with_certs(&certificates)
        }
    };
    Ok(TlsConfig::builder().provider(TlsProvider::Rustls).root_certs(roots).build())
}

/// Appends every envelope as one line of JSON to a local file (newline-delimited JSON): for self-hosted
/// collection, offline machines, or looking at a day's events with `jq`.
#[derive(Debug, Clone)]
pub struct NdjsonFileTransport {
    path: PathBuf,
}

impl NdjsonFileTransport {
    /// A transport appending to `path` (created on the first batch, with its parent directories).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// The file envelopes are appended to.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Transport for NdjsonFileTransport {
    fn send(&mut self, batch: &Batch) -> Result<(), TransportError> {
        let fail = |err: std::io::Error| {
            TransportError::permanent(format!("could not append telemetry to {}: {err}", self.path.display()))
        };
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            fs::create_dir_all(dir).map_err(fail)?;
        }
        let mut lines = String::with_capacity(batch.envelopes.iter().map(|e| e.len() + 1).sum());
        for envelope in &batch.envelopes {
            lines.push_str(envelope);
            lines.push('\n');
        }
        // One write per batch on an O_APPEND file, so concurrent writers do not interleave within a batch. Opened
        // without waiting and only if it is a regular file: a named pipe there would hold the worker forever.
        let mut options = fs::OpenOptions::new();
        options.create(true).append(true);
        let mut file = crate::store::open_no_wait(&mut options, &self.path).map_err(fail)?;
        let metadata = file.metadata().map_err(fail)?;
        if !metadata.is_file() {
            return Err(fail(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                crate::store::not_a_file(&metadata),
            )));
        }
        file.write_all(lines.as_bytes()).map_err(fail)
    }
}

/// Keeps every batch in memory; clones share the same store. For tests and for hosts that ship events their
/// own way.
///
/// ```
/// use telemetry_client::MemoryTransport;
///
/// let transport = MemoryTransport::new();
/// let handle = transport.clone(); // give `transport` to the client, keep `handle`
/// assert!(handle.batches().is_empty());
/// ```
#[derive(Debug, Clone, Default)]
pub struct MemoryTransport {
    batches: Arc<Mutex<Vec<Batch>>>,
}

impl MemoryTransport {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// The batches delivered so far, in order.
    pub fn batches(&self) -> Vec<Batch> {
        self.batches.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    /// Every envelope delivered so far, in order.
    pub fn envelopes(&self) -> Vec<String> {
        self.batches().into_iter().flat_map(|b| b.envelopes).collect()
    }
}

impl Transport for MemoryTransport {
    fn send(&mut self, batch: &Batch) -> Result<(), TransportError> {
        self.batches.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push(batch.clone());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::MapEnv;

    #[test]
    fn batch_body_is_a_random_id_and_the_events_array() {
        let batch = Batch::new(vec![r#"{"a":1}"#.into(), r#"{"b":2}"#.into()]);
        let id = batch.batch_id();
        assert!(id.len() == 32 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')), "{id}");
        assert_eq!(batch.to_json(), format!(r#"{{"batch_id":"{id}","events":[{{"a":1}},{{"b":2}}]}}"#));
        assert_ne!(Batch::new(Vec::new()).batch_id(), id, "each batch has its own id");
        assert_eq!(batch.clone().to_json(), batch.to_json(), "a retry sends the same id");
    }

    #[test]
    fn credentials_in_urls_are_redacted() {
        assert_eq!(redact_url("https://t.example/v1/batch"), "https://t.example/v1/batch");
        assert_eq!(redact_url("http://u:p@h.example:1/x"), "http://***@h.example:1/x");
        assert_eq!(redact_url("http://h/x?key=abc&flag&b=2#frag"), "http://h/x?key=***&***&b=***#***");
        assert_eq!(redact_url("u:p@h/x"), "***@h/x");
        // Credentials in URLs that do not parse, and `@`s that are not credentials.
        assert_eq!(redact_url("https://u:p/w@h.example/x"), "https://***@h.example/x");
        assert_eq!(redact_url("https://u:p?w@h.example/x"), "https://***@h.example/x");
        assert_eq!(redact_url("https://u:p#w@h.example/x"), "https://***@h.example/x");
        assert_eq!(redact_url("http:/u:p@h.example/x"), "***@h.example/x");
        assert_eq!(redact_url("https://:p@[::1]:9/x"), "https://***@[::1]:9/x");
        assert_eq!(redact_url("https://u:p@h.example/x?e=a@b"), "https://***@h.example/x?e=***");
        assert_eq!(redact_url("https://h.example/x?e=a@b#c@d"), "https://h.example/x?e=***#***");
        assert_eq!(redact_url("https://h.example/@scope/x"), "https://***@scope/x", "over-redacted, never leaked");
        let message = "could not reach http://u:p@h/x?key=abc: refused (u:p, key=abc)";
        let scrubbed = redact_in(message, "http://u:p@h/x?key=abc");
        assert!(!scrubbed.contains("u:p") && !scrubbed.contains("abc"), "{scrubbed}");
    }

    #[test]
    fn hosts_are_found_in_urls() {
        assert_eq!(host_of("https://t.example/v1"), Some("t.example"));
        assert_eq!(host_of("http://127.0.0.1:8080/x"), Some("127.0.0.1"));
        assert_eq!(host_of("http://u:p@h.example:1"), Some("h.example"));
        assert_eq!(host_of("http://[::1]:9/x"), Some("[::1]"));
        assert_eq!(host_of("t.example"), None);
    }

    #[test]
    fn proxy_is_read_from_the_injected_env_and_skipped_for_loopback_and_no_proxy() {
        let env = MapEnv::new().with("HTTPS_PROXY", "http://proxy:3128").with("NO_PROXY", ".internal.example");
        assert_eq!(HttpOptions::proxy_from_env(&env, "https://t.example/v1").as_deref(), Some("http://proxy:3128"));
        assert_eq!(HttpOptions::proxy_from_env(&env, "http://t.example/v1"), None);
        assert_eq!(HttpOptions::proxy_from_env(&env, "https://t.internal.example/v1"), None);
        assert_eq!(HttpOptions::proxy_from_env(&env, "https://127.0.0.1:9/v1"), None);
    }

    #[test]
    fn endpoints_that_cannot_work_are_refused_with_a_reason() {
        let err = HttpTransport::new("ftp://t.example", &HttpOptions::default()).unwrap_err();
        assert!(err.to_string().contains("not an http"), "{err}");
        if !cfg!(feature = "tls") {
            let err = HttpTransport::new("https://t.example", &HttpOptions::default()).unwrap_err();
            assert!(err.to_string().contains("`tls` feature"), "{err}");
        }
        assert!(HttpTransport::new("http://127.0.0.1:9/v1", &HttpOptions::default()).is_ok());
    }
}
