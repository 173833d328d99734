//! HTTPS delivery with the default features: a collector on loopback serving a certificate from a certificate
//! authority made here (rcgen), with rustls. The client trusts that CA through
//! [`ClientBuilder::root_certificates_pem`](telemetry_client::ClientBuilder::root_certificates_pem) and delivers
//! a batch; without it, the bundled roots refuse the certificate and nothing is received.
#![cfg(feature = "tls")]

mod support;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use support::{Captured, Counted, OPT_OUT, TempDir};
use telemetry_client::{Client, MapEnv};

/// A certificate authority and a `localhost` / `127.0.0.1` server certificate it signed.
struct TestPki {
    ca_pem: String,
    server_chain: Vec<CertificateDer<'static>>,
    server_key: PrivateKeyDer<'static>,
}

fn make_pki() -> TestPki {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
    let server_key = KeyPair::generate().unwrap();
    let server_params = CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()]).unwrap();
    let server_cert = server_params.signed_by(&server_key, &ca).unwrap();
    TestPki {
        ca_pem: ca.pem(),
        server_chain: vec![server_cert.der().clone(), ca.der().clone()],
        server_key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der())),
    }
}

/// A loopback HTTPS collector: completes the TLS handshake, records each request body, answers 200. Stops when
/// dropped, or after 30 s on its own.
struct HttpsCollector {
    addr: SocketAddr,
    bodies: Arc<Mutex<Vec<String>>>,
    handshakes_failed: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl HttpsCollector {
    fn start(pki: &TestPki) -> Self {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(pki.server_chain.clone(), pki.server_key.clone_key())
            .unwrap();
        let config = Arc::new(config);
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let handshakes_failed = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (b, failed, s) = (bodies.clone(), handshakes_failed.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            let end = Instant::now() + Duration::from_secs(30);
            while !s.load(Ordering::Relaxed) && Instant::now() < end {
                let Ok((tcp, _)) = listener.accept() else {
                    std::thread::sleep(Duration::from_millis(2));
                    continue;
                };
                tcp.set_nonblocking(false).unwrap();
                tcp.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
                let connection = rustls::ServerConnection::new(config.clone()).unwrap();
                let mut tls = rustls::StreamOwned::new(connection, tcp);
                match read_body(&mut tls) {
                    Some(body) => {
                        b.lock().unwrap().push(body);
                        let _ = tls.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                        tls.conn.send_close_notify();
                        let _ = tls.flush();
                    }
                    None => {
                        failed.fetch_add(1, Ordering::SeqCst);
                    }
                }
            }
        });
        HttpsCollector { addr, bodies, handshakes_failed, stop, thread: Some(thread) }
    }

    fn endpoint(&self) -> String {
        format!("https://localhost:{}/v1/batch", self.addr.port())
    }

    fn bodies(&self) -> Vec<String> {
        self.bodies.lock().unwrap().clone()
    }
}

impl Drop for HttpsCollector {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Reads one HTTP request (headers, then `Content-Length` bytes) through TLS; `None` if the handshake or the
/// read fails.
fn read_body(stream: &mut impl Read) -> Option<String> {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    let header_end = loop {
        let n = stream.read(&mut buf).ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&buf[..n]);
        if let Some(pos) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos + 4;
        }
    };
    let headers = String::from_utf8_lossy(&data[..header_end]).to_ascii_lowercase();
    let length: usize =
        headers.lines().find_map(|l| l.strip_prefix("content-length:")).and_then(|v| v.trim().parse().ok())?;
    while data.len() < header_end + length {
        let n = stream.read(&mut buf).ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&buf[..n]);
    }
    Some(String::from_utf8_lossy(&data[header_end..header_end + length]).into_owned())
}

#[test]
fn a_batch_is_delivered_over_https_to_a_collector_with_a_trusted_certificate() {
    let pki = make_pki();
    let collector = HttpsCollector::start(&pki);
    let dir = TempDir::new("https-ok");
    let stderr = Captured::default();
    let client = Client::builder(&OPT_OUT)
        .env(MapEnv::new().with("ACME_TELEMETRY_ENDPOINT", collector.endpoint()))
        .config_dir(dir.path())
        .enabled(true)
        .root_certificates_pem(pki.ca_pem.clone())
        .stderr(stderr.clone())
        .build();
    assert!(client.is_enabled(), "{}", client.status());
    client.track(Counted { n: 7 });
    assert!(client.flush(Instant::now() + Duration::from_secs(10)).is_complete());
    let bodies = collector.bodies();
    assert_eq!(bodies.len(), 1, "one batch arrived over TLS: {bodies:?}");
    let body: serde_json::Value = serde_json::from_str(&bodies[0]).unwrap();
    assert_eq!(body["events"][0]["payload"]["n"], 7, "{body}");
    assert_eq!(client.stats().sent, 1);
    assert!(!stderr.text().contains("warning"), "{}", stderr.text());
}

#[test]
fn an_untrusted_certificate_is_refused_and_nothing_is_sent() {
    let pki = make_pki();
    let collector = HttpsCollector::start(&pki);
    let dir = TempDir::new("https-untrusted");
    // The bundled Mozilla roots do not know the test CA: the handshake must fail, the client must not send.
    let client = Client::builder(&OPT_OUT)
        .env(MapEnv::new().with("ACME_TELEMETRY_ENDPOINT", collector.endpoint()))
        .config_dir(dir.path())
        .enabled(true)
        .retry_backoff(Duration::from_millis(10))
        .stderr(std::io::sink())
        .build();
    client.track(Counted { n: 1 });
    assert!(client.flush(Instant::now() + Duration::from_secs(10)).is_complete());
    assert!(collector.bodies().is_empty(), "nothing may arrive through an unverified connection");
    assert!(collector.handshakes_failed.load(Ordering::SeqCst) >= 1);
    assert_eq!(client.stats().failed, 1);
    let status = client.status().to_string();
    assert!(status.contains("problem:"), "the failure is reported: {status}");
}

#[test]
fn a_root_certificate_bundle_without_a_certificate_is_reported_not_ignored() {
    let dir = TempDir::new("https-bad-roots");
    let stderr = Captured::default();
    let client = Client::builder(&OPT_OUT)
        .env(MapEnv::new())
        .config_dir(dir.path())
        .enabled(true)
        .root_certificates_pem("not a certificate")
        .stderr(stderr.clone())
        .build();
    assert!(!client.is_enabled());
    assert!(stderr.text().contains("hold no PEM certificate"), "{}", stderr.text());
    let status = client.status().to_string();
    assert!(status.starts_with("Acme telemetry is on but cannot send anything.\n"), "{status}");
    assert!(status.contains("hold no PEM certificate"), "{status}");
}
