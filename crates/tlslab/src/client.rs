//! `tlslab connect`: a pinned client that reports like `curl -v`, but tells the truth — what
//! was offered, what was negotiated, the chain, verification, and exactly how it failed.

use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Empty, Limited};
use hyper_util::rt::{TokioExecutor, TokioIo};
use rustls::pki_types::ServerName;
use serde::Serialize;
use tlslab_wire::AlertDescription;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

use crate::backend::openssl::alert_in_openssl_reason;
use crate::backend::{self, Negotiated, SharedVerifyRecord, VerifyRecord};
use crate::certs::{self, CertSummary};
use crate::error::{AlertInfo, Failure, FailureKind, UsageError};
use crate::facts::{Offered, SuiteNames};
use crate::observe::{self, HandshakeView, Tap};
use crate::settings::{BackendKind, Identity, TlsSettings, TrustAnchors};

/// Where to connect: parsed from `https://host:port/path` or `host:port`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Host name or address (IPv6 without brackets).
    pub host: String,
    /// Port.
    pub port: u16,
    /// Request path for HTTP.
    pub path: String,
}

impl Target {
    /// Parses a URL or `host:port` (port 443 when omitted).
    pub fn parse(text: &str) -> Result<Self, UsageError> {
        let bad = |why: &str| {
            UsageError::new(
                format!("invalid target '{text}': {why}"),
                "use https://host:port/path or host:port, e.g. https://localhost:4443",
            )
        };
        let mut rest = text.trim();
        if let Some((scheme, after)) = rest.split_once("://") {
            if !scheme.eq_ignore_ascii_case("https") {
                return Err(bad(&format!("scheme {scheme}:// is not https://")));
            }
            rest = after;
        }
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], rest[i..].to_string()),
            None => (rest, "/".to_string()),
        };
        let (host, port) = if let Some(inner) = authority.strip_prefix('[') {
            let (host, after) = inner.split_once(']').ok_or_else(|| bad("unclosed '['"))?;
            let port = match after.strip_prefix(':') {
                Some(p) => Some(p),
                None if after.is_empty() => None,
                None => return Err(bad("junk after ']'")),
            };
            (host.to_string(), port)
        } else if authority.matches(':').count() > 1 {
            // A bare IPv6 address without a port.
            (authority.to_string(), None)
        } else {
            match authority.split_once(':') {
                Some((host, port)) => (host.to_string(), Some(port)),
                None => (authority.to_string(), None),
            }
        };
        if host.is_empty() {
            return Err(bad("no host"));
        }
        let port = match port {
            Some(p) => p
                .parse::<u16>()
                .ok()
                .filter(|p| *p != 0)
                .ok_or_else(|| bad("port must be 1-65535"))?,
            None => 443,
        };
        Ok(Self { host, port, path })
    }

    /// `host:port`, with brackets for IPv6.
    pub fn authority(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    fn is_ip(&self) -> bool {
        self.host.parse::<IpAddr>().is_ok()
    }
}

/// A checked client configuration.
#[derive(Debug, Clone)]
pub struct ConnectConfig {
    /// Where to connect.
    pub target: Target,
    /// TLS settings.
    pub settings: TlsSettings,
    /// CA certificates (`None`: the system store).
    pub trust: Option<TrustAnchors>,
    /// Client certificate.
    pub identity: Option<Identity>,
    /// Go on when verification fails.
    pub insecure: bool,
    /// SNI to send instead of the host (`Some("")` sends none).
    pub sni: Option<String>,
    /// Send an HTTP GET after the handshake.
    pub http: bool,
    /// Connect, handshake and HTTP timeouts, each.
    pub timeout: Duration,
}

/// Certificate verification as reported (`verification` in JSON).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Verification {
    /// True when the chain leads to a trusted CA (null when no certificate was seen).
    pub trusted: Option<bool>,
    /// True when the certificate names the host (null when unknown).
    pub hostname_matched: Option<bool>,
    /// Why verification failed.
    pub error: Option<String>,
    /// Where trust came from: a file, or "system store".
    pub trust_source: String,
}

/// What the HTTP exchange returned (`http` in JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HttpResult {
    /// Status code.
    pub status: u16,
    /// `HTTP/1.1` or `HTTP/2`.
    pub version: String,
    /// Response headers in order.
    pub headers: Vec<(String, String)>,
    /// The body as text (first 64 KiB), when it is UTF-8.
    pub body: Option<String>,
    /// Body length in bytes.
    pub body_bytes: usize,
}

/// Everything `connect` found (the `--json` object).
#[derive(Debug, Clone, Serialize)]
pub struct ConnectReport {
    /// The target as given, `host:port`.
    pub target: String,
    /// The address connected to.
    pub address: Option<String>,
    /// The backend used.
    pub backend: BackendKind,
    /// True when the handshake, verification (or `--insecure`) and HTTP all worked.
    pub ok: bool,
    /// Negotiated version, `TLSv1.2` style.
    pub protocol: Option<String>,
    /// Negotiated suite.
    pub cipher_suite: Option<SuiteNames>,
    /// Key-exchange group (or DH size).
    pub group: Option<String>,
    /// ALPN protocol agreed.
    pub alpn: Option<String>,
    /// The server's chain, leaf first.
    pub certificates: Vec<CertSummary>,
    /// Verification result.
    pub verification: Verification,
    /// HTTP result.
    pub http: Option<HttpResult>,
    /// The failure, if any.
    pub error: Option<Failure>,
    /// What this client offered (read back from its own ClientHello).
    pub offered: Option<Offered>,
    /// What tlslab decided on the user's behalf.
    pub notes: Vec<String>,
    /// True when `--insecure` was given.
    pub insecure: bool,
    /// Wall time.
    pub elapsed_ms: u64,
    /// Why it failed (or what is fragile when it worked): see [`crate::diagnose`].
    pub diagnosis: Vec<crate::diagnose::Finding>,
    /// Connections the diagnosis made.
    pub diagnosis_probes: u32,
    /// The plaintext handshake as observed, for the diagnosis.
    #[serde(skip)]
    pub handshake: Option<HandshakeView>,
}

type BoxedStream = Pin<Box<dyn ClientStream>>;
trait ClientStream: AsyncRead + AsyncWrite + Send {}
impl<T: AsyncRead + AsyncWrite + Send> ClientStream for T {}

/// Connects, handshakes, verifies and (optionally) sends one HTTP request.
pub async fn connect(config: &ConnectConfig) -> ConnectReport {
    let started = Instant::now();
    let mut report = ConnectReport {
        target: config.target.authority(),
        address: None,
        backend: config.settings.backend,
        ok: false,
        protocol: None,
        cipher_suite: None,
        group: None,
        alpn: None,
        certificates: Vec::new(),
        verification: Verification {
            trust_source: config
                .trust
                .as_ref()
                .map(|t| t.path.display().to_string())
                .unwrap_or_else(|| "system store".to_string()),
            ..Verification::default()
        },
        http: None,
        error: None,
        offered: None,
        notes: config.settings.notes.clone(),
        insecure: config.insecure,
        elapsed_ms: 0,
        diagnosis: Vec::new(),
        diagnosis_probes: 0,
        handshake: None,
    };
    if let Err(failure) = run(config, &mut report).await {
        report.error = Some(failure);
    }
    report.ok = report.error.is_none();
    report.elapsed_ms = started.elapsed().as_millis() as u64;
    report
}

async fn run(config: &ConnectConfig, report: &mut ConnectReport) -> Result<(), Failure> {
    let tcp = open_tcp(config, report).await?;
    let (tap, log) = Tap::new(tcp);
    let record: SharedVerifyRecord = Default::default();
    let handshake = tokio::time::timeout(config.timeout, handshake(config, tap, record.clone()));
    let outcome = match handshake.await {
        Ok(outcome) => outcome,
        Err(_) => Err(HandshakeError::Timeout),
    };
    let view = log.handshake(true);
    report.offered = view.first_client_hello().map(|h| Offered::from_hello(&h));
    report.handshake = Some(view.clone());
    let verified = backend::lock(&record).clone();
    report.verification.trusted = verified.trusted;
    report.verification.hostname_matched = verified.hostname_matched;
    report.verification.error = verified.error.clone();

    let (stream, negotiated) = match outcome {
        Ok(pair) => pair,
        Err(err) => {
            report.certificates = summaries(&chain_for_report(&verified, &view));
            fill_unknown_hostname(report, &config.target);
            return Err(failure_from(err, &view, &verified, config));
        }
    };
    report.protocol = Some(negotiated.protocol);
    report.cipher_suite = Some(SuiteNames::of(negotiated.suite));
    report.group = view.group();
    report.alpn = negotiated.alpn.clone();
    let chain = if negotiated.peer_chain.is_empty() {
        verified.chain.clone()
    } else {
        negotiated.peer_chain
    };
    report.certificates = summaries(&chain);
    if report.verification.trusted.is_none() {
        report.verification.trusted = Some(verified.error.is_none());
    }
    if report.verification.hostname_matched.is_none() {
        report.verification.hostname_matched = report
            .certificates
            .first()
            .map(|leaf| certs::hostname_matches(leaf, &config.target.host));
    }

    if config.http {
        let h2 = negotiated.alpn.as_deref() == Some("h2");
        let exchange = http_get(stream, h2, &config.target);
        match tokio::time::timeout(config.timeout, exchange).await {
            Ok(Ok(result)) => report.http = Some(result),
            Ok(Err(err)) => return Err(after_handshake_failure(&err.source, err.message)),
            Err(_) => {
                return Err(Failure::new(
                    FailureKind::Timeout,
                    format!("no HTTP response within {} s", config.timeout.as_secs()),
                ))
            }
        }
    } else {
        settle(stream).await?;
    }
    Ok(())
}

/// How long `--no-http` waits after the handshake for a late alert. In TLS 1.3 the server
/// checks the client's certificate only after the client has finished, so "certificate
/// required" arrives after the handshake has succeeded from the client's point of view.
const SETTLE_TIME: Duration = Duration::from_millis(300);

async fn settle(mut stream: BoxedStream) -> Result<(), Failure> {
    use tokio::io::AsyncReadExt;
    let mut buffer = [0u8; 1024];
    match tokio::time::timeout(SETTLE_TIME, stream.read(&mut buffer)).await {
        Ok(Err(err)) => Err(after_handshake_failure(
            &Some(Box::new(err)),
            "the server ended the connection right after the handshake".to_string(),
        )),
        _ => Ok(()),
    }
}

/// A failure after the handshake: a late alert (TLS 1.3 client-certificate checks), or an
/// HTTP problem.
fn after_handshake_failure(
    source: &Option<Box<dyn std::error::Error + Send + Sync>>,
    message: String,
) -> Failure {
    let found = source.as_deref().and_then(|err| alert_in_chain(err));
    match found {
        Some(alert) => {
            let mut failure = Failure::new(
                alert_kind(alert),
                format!("{message} (the server rejected the connection after the handshake)"),
            );
            failure.alert = Some(AlertInfo::new(alert, true));
            failure.alert_from = Some("server");
            failure
        }
        None => Failure::new(FailureKind::Http, message),
    }
}

/// Finds an alert the peer sent anywhere in an error's chain of causes.
fn alert_in_chain(err: &(dyn std::error::Error + 'static)) -> Option<AlertDescription> {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(err) = current {
        if let Some(rustls::Error::AlertReceived(desc)) = err.downcast_ref::<rustls::Error>() {
            return Some(AlertDescription(u8::from(*desc)));
        }
        if let Some(ssl) = err.downcast_ref::<openssl::ssl::Error>() {
            if let Some(alert) = ssl.ssl_error().and_then(|stack| {
                stack
                    .errors()
                    .iter()
                    .find_map(|e| e.reason().and_then(alert_in_openssl_reason))
            }) {
                return Some(alert);
            }
        }
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            if let Some(inner) = io.get_ref() {
                if let Some(alert) = alert_in_chain(inner) {
                    return Some(alert);
                }
            }
        }
        current = err.source();
    }
    None
}

fn fill_unknown_hostname(report: &mut ConnectReport, target: &Target) {
    if report.verification.hostname_matched.is_none() {
        report.verification.hostname_matched = report
            .certificates
            .first()
            .map(|leaf| certs::hostname_matches(leaf, &target.host));
    }
}

fn chain_for_report(verified: &VerifyRecord, view: &HandshakeView) -> Vec<Vec<u8>> {
    if verified.chain.is_empty() {
        view.server_certificates()
    } else {
        verified.chain.clone()
    }
}

fn summaries(chain: &[Vec<u8>]) -> Vec<CertSummary> {
    chain
        .iter()
        .filter_map(|der| certs::summarize(der).ok())
        .collect()
}

async fn open_tcp(
    config: &ConnectConfig,
    report: &mut ConnectReport,
) -> Result<TcpStream, Failure> {
    let target = &config.target;
    let lookup = tokio::net::lookup_host((target.host.as_str(), target.port));
    let addresses: Vec<SocketAddr> = match tokio::time::timeout(config.timeout, lookup).await {
        Ok(Ok(found)) => found.collect(),
        Ok(Err(e)) => {
            return Err(Failure::new(
                FailureKind::Network,
                format!("cannot resolve {}: {e}", target.host),
            ))
        }
        Err(_) => {
            return Err(Failure::new(
                FailureKind::Timeout,
                format!("resolving {} timed out", target.host),
            ))
        }
    };
    let mut last = Failure::new(
        FailureKind::Network,
        format!("{} has no address", target.host),
    );
    for address in addresses {
        report.address = Some(address.to_string());
        match tokio::time::timeout(config.timeout, TcpStream::connect(address)).await {
            Ok(Ok(stream)) => {
                let _ = stream.set_nodelay(true);
                return Ok(stream);
            }
            Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                last = Failure::new(
                    FailureKind::ConnectionRefused,
                    format!("connection refused by {address}: nothing listens there"),
                );
            }
            Ok(Err(e)) => {
                last = Failure::new(
                    FailureKind::Network,
                    format!("cannot connect to {address}: {e}"),
                )
            }
            Err(_) => {
                last = Failure::new(
                    FailureKind::Timeout,
                    format!(
                        "no answer from {address} within {} s",
                        config.timeout.as_secs()
                    ),
                )
            }
        }
    }
    Err(last)
}

enum HandshakeError {
    Rustls(std::io::Error),
    Openssl(openssl::ssl::Error),
    Setup(String),
    Timeout,
}

async fn handshake(
    config: &ConnectConfig,
    tap: Tap<TcpStream>,
    record: SharedVerifyRecord,
) -> Result<(BoxedStream, Negotiated), HandshakeError> {
    let target = &config.target;
    let sni = match config.sni.as_deref() {
        Some("") => None,
        Some(name) => Some(name.to_string()),
        None if target.is_ip() => None,
        None => Some(target.host.clone()),
    };
    match config.settings.backend {
        BackendKind::Rustls => {
            let tls = backend::rustls::client_config(
                &config.settings,
                backend::rustls::ClientParts {
                    trust: config.trust.as_ref(),
                    identity: config.identity.as_ref(),
                    insecure: config.insecure,
                    record,
                },
            )
            .map_err(|e| HandshakeError::Setup(e.to_string()))?;
            let mut tls = tls;
            let name_text = sni.clone().unwrap_or_else(|| target.host.clone());
            if sni.is_none() {
                tls.enable_sni = false;
            }
            let server_name = ServerName::try_from(name_text.clone()).map_err(|_| {
                HandshakeError::Setup(format!("'{name_text}' is not a valid server name"))
            })?;
            let connector = tokio_rustls::TlsConnector::from(Arc::new(tls));
            let stream = connector
                .connect(server_name, tap)
                .await
                .map_err(HandshakeError::Rustls)?;
            let negotiated = backend::rustls::negotiated(stream.get_ref().1);
            Ok((Box::pin(stream), negotiated))
        }
        BackendKind::Openssl => {
            let ssl = backend::openssl::client_ssl(
                &config.settings,
                backend::openssl::ClientParts {
                    trust: config.trust.as_ref(),
                    identity: config.identity.as_ref(),
                    insecure: config.insecure,
                    verify_host: &target.host,
                    sni: sni.as_deref(),
                    record,
                },
            )
            .map_err(|e| HandshakeError::Setup(e.to_string()))?;
            let mut stream = tokio_openssl::SslStream::new(ssl, tap)
                .map_err(|e| HandshakeError::Setup(e.to_string()))?;
            Pin::new(&mut stream)
                .connect()
                .await
                .map_err(HandshakeError::Openssl)?;
            let negotiated = backend::openssl::negotiated(stream.ssl());
            Ok((Box::pin(stream), negotiated))
        }
    }
}

/// Alerts that mean "we share nothing" rather than "you broke the protocol".
fn alert_kind(alert: AlertDescription) -> FailureKind {
    match alert.0 {
        40 | 47 | 70 | 71 | 86 | 109 | 112 | 120 => FailureKind::PeerIncompatible,
        41..=46 | 48 | 49 | 116 => FailureKind::Certificate,
        _ => FailureKind::PeerMisbehaved,
    }
}

fn failure_from(
    err: HandshakeError,
    view: &HandshakeView,
    verified: &VerifyRecord,
    config: &ConnectConfig,
) -> Failure {
    let message = match &err {
        HandshakeError::Rustls(e) => backend::rustls::describe_io_error(e),
        HandshakeError::Openssl(e) => backend::openssl::describe_error(e),
        HandshakeError::Setup(text) => return Failure::new(FailureKind::Local, text.clone()),
        HandshakeError::Timeout => {
            return Failure::new(
                FailureKind::Timeout,
                format!(
                    "the server did not complete the handshake within {} s ({} bytes received)",
                    config.timeout.as_secs(),
                    view.server.bytes
                ),
            )
        }
    };
    if view.server.not_tls && view.server.bytes > 0 {
        return Failure::new(
            FailureKind::NotTls,
            format!(
                "the server does not speak TLS: it answered with {}",
                observe::describe_non_tls(&view.server.head)
            ),
        );
    }
    // The server's alert: in plaintext on the wire, or as the library reports it (TLS 1.3
    // alerts after the ServerHello are encrypted).
    let library_alert = match &err {
        HandshakeError::Rustls(e) => match e
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        {
            Some(rustls::Error::AlertReceived(desc)) => Some(AlertDescription(u8::from(*desc))),
            _ => None,
        },
        HandshakeError::Openssl(e) => e.ssl_error().and_then(|stack| {
            stack
                .errors()
                .iter()
                .find_map(|er| er.reason().and_then(alert_in_openssl_reason))
        }),
        _ => None,
    };
    if let Some(alert) = view.server.alert.map(|a| a.description).or(library_alert) {
        let mut failure = Failure::new(alert_kind(alert), message);
        failure.alert = Some(AlertInfo::new(alert, true));
        failure.alert_from = Some("server");
        return failure;
    }
    if verified.error.is_some() && !config.insecure {
        let mut failure = Failure::new(
            FailureKind::Certificate,
            verified.error.clone().unwrap_or_default(),
        );
        if let Some(alert) = view.client.alert {
            failure.alert = Some(AlertInfo::new(alert.description, true));
            failure.alert_from = Some("client");
        }
        return failure;
    }
    if let Some(alert) = view.client.alert {
        let mut failure = Failure::new(alert_kind(alert.description), message);
        failure.alert = Some(AlertInfo::new(alert.description, true));
        failure.alert_from = Some("client");
        return failure;
    }
    let kind = if view.server.bytes == 0 {
        FailureKind::PeerClosed
    } else {
        FailureKind::PeerMisbehaved
    };
    Failure::new(kind, message)
}

/// An HTTP exchange that went wrong, with its cause kept for alert hunting.
struct HttpError {
    message: String,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl HttpError {
    fn new(message: String, source: hyper::Error) -> Self {
        Self {
            message: format!("{message}: {source}"),
            source: Some(Box::new(source)),
        }
    }
}

impl From<hyper::http::Error> for HttpError {
    fn from(err: hyper::http::Error) -> Self {
        Self {
            message: err.to_string(),
            source: None,
        }
    }
}

/// When a request fails, the reason is usually in the connection task ("operation was
/// canceled" alone says nothing): wait briefly for it and keep its error as the cause.
async fn with_cause<T>(
    result: Result<T, hyper::Error>,
    driver: tokio::task::JoinHandle<Result<(), hyper::Error>>,
) -> Result<T, HttpError> {
    match result {
        Ok(value) => Ok(value),
        Err(request_error) => {
            let cause = tokio::time::timeout(Duration::from_secs(1), driver).await;
            match cause {
                Ok(Ok(Err(connection_error))) => Err(HttpError::new(
                    "HTTP request failed".into(),
                    connection_error,
                )),
                _ => Err(HttpError::new("HTTP request failed".into(), request_error)),
            }
        }
    }
}

async fn http_get(stream: BoxedStream, h2: bool, target: &Target) -> Result<HttpResult, HttpError> {
    let io = TokioIo::new(stream);
    let authority = target.authority();
    let builder = hyper::Request::builder()
        .method("GET")
        .header(
            hyper::header::USER_AGENT,
            concat!("tlslab/", env!("CARGO_PKG_VERSION")),
        )
        .header(hyper::header::ACCEPT, "*/*");
    let response = if h2 {
        let (mut sender, connection) =
            hyper::client::conn::http2::handshake(TokioExecutor::new(), io)
                .await
                .map_err(|e| HttpError::new("HTTP/2 handshake failed".into(), e))?;
        let driver = tokio::spawn(connection);
        let request = builder
            .uri(format!("https://{authority}{}", target.path))
            .body(Empty::<Bytes>::new())?;
        with_cause(sender.send_request(request).await, driver).await
    } else {
        let (mut sender, connection) = hyper::client::conn::http1::handshake(io)
            .await
            .map_err(|e| HttpError::new("HTTP/1.1 handshake failed".into(), e))?;
        let driver = tokio::spawn(connection);
        let request = builder
            .uri(target.path.as_str())
            .header(hyper::header::HOST, authority)
            .body(Empty::<Bytes>::new())?;
        with_cause(sender.send_request(request).await, driver).await
    }?;
    let status = response.status().as_u16();
    let version = match response.version() {
        hyper::Version::HTTP_2 => "HTTP/2",
        hyper::Version::HTTP_10 => "HTTP/1.0",
        _ => "HTTP/1.1",
    }
    .to_string();
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    const BODY_LIMIT: usize = 1 << 20;
    let body = Limited::new(response.into_body(), BODY_LIMIT)
        .collect()
        .await
        .map_err(|e| HttpError {
            message: format!("reading the HTTP body failed: {e}"),
            source: Some(e),
        })?
        .to_bytes();
    let text = std::str::from_utf8(&body[..body.len().min(64 * 1024)])
        .ok()
        .map(String::from);
    Ok(HttpResult {
        status,
        version,
        headers,
        body: text,
        body_bytes: body.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse_in_url_and_host_port_forms() {
        let t = Target::parse("https://localhost:4443/x?y").unwrap();
        assert_eq!(
            (t.host.as_str(), t.port, t.path.as_str()),
            ("localhost", 4443, "/x?y")
        );
        let t = Target::parse("127.0.0.1:8443").unwrap();
        assert_eq!(
            (t.host.as_str(), t.port, t.path.as_str()),
            ("127.0.0.1", 8443, "/")
        );
        let t = Target::parse("[::1]:4443").unwrap();
        assert_eq!((t.host.as_str(), t.port), ("::1", 4443));
        assert_eq!(t.authority(), "[::1]:4443");
        assert_eq!(Target::parse("example.test").unwrap().port, 443);
    }

    #[test]
    fn bad_targets_are_usage_errors() {
        for bad in [
            "http://localhost:80",
            "localhost:0",
            "localhost:99999",
            ":4443",
            "[::1",
        ] {
            assert!(Target::parse(bad).is_err(), "{bad}");
        }
    }
}
