//! `tlslab serve`: an HTTPS (or raw TLS echo) server pinned to the given settings, on rustls
//! or OpenSSL, that tells every client what was negotiated and what it offered, and logs one
//! line per handshake.

use std::convert::Infallible;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::{Request, Response};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use serde::Serialize;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, Semaphore};
use tokio::task::JoinSet;

use crate::backend::openssl::ServerTweaks;
use crate::backend::{self};
use crate::certs;
use crate::error::{AlertInfo, UsageError};
use crate::facts::{Offered, SuiteNames};
use crate::observe::{self, Tap};
use crate::profiles::Profile;
use crate::settings::{BackendKind, ClientAuth, Identity, TlsSettings, TrustAnchors};

/// What the server speaks after the handshake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServeMode {
    /// HTTP/1.1 and HTTP/2: every request is answered with a description of the connection.
    Http,
    /// Raw TLS echo: every byte read is written back.
    Echo,
}

/// A checked server configuration.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Address to listen on.
    pub bind: IpAddr,
    /// Port (0 picks a free one).
    pub port: u16,
    /// TLS settings.
    pub settings: TlsSettings,
    /// Certificate and key.
    pub identity: Identity,
    /// Whether to ask for client certificates.
    pub client_auth: ClientAuth,
    /// CA for client certificates.
    pub trust: Option<TrustAnchors>,
    /// HTTP or echo.
    pub mode: ServeMode,
    /// The broken-server profile in force, if any.
    pub profile: Option<&'static Profile>,
    /// Handshake timeout: a client that stalls is dropped after this.
    pub handshake_timeout: Duration,
    /// Idle timeout after the handshake.
    pub idle_timeout: Duration,
    /// Connections served at once; more wait in the kernel's backlog.
    pub max_connections: usize,
}

enum Acceptor {
    Rustls(tokio_rustls::TlsAcceptor),
    Openssl(openssl::ssl::SslContext),
}

/// What a connection negotiated, as the server saw it (the HTTP body, in JSON).
#[derive(Debug, Clone, Serialize)]
pub struct ConnectionInfo {
    /// The backend that served it.
    pub backend: BackendKind,
    /// `TLSv1.2` style.
    pub protocol: String,
    /// The suite, with all its names.
    pub cipher_suite: SuiteNames,
    /// Key-exchange group, or DH size.
    pub group: Option<String>,
    /// ALPN protocol agreed.
    pub alpn: Option<String>,
    /// SNI host name the client sent.
    pub sni: Option<String>,
    /// Subject of the client certificate, if one was presented.
    pub client_certificate: Option<String>,
    /// What the client offered in its ClientHello.
    pub offered: Offered,
}

impl ConnectionInfo {
    /// What the backend agreed on; the facts read off the wire are filled in later.
    fn new(backend: BackendKind, negotiated: backend::Negotiated) -> Self {
        Self {
            backend,
            protocol: negotiated.protocol,
            cipher_suite: SuiteNames::of(negotiated.suite),
            group: None,
            alpn: negotiated.alpn,
            sni: None,
            client_certificate: negotiated
                .peer_chain
                .first()
                .and_then(|der| certs::summarize(der).ok())
                .map(|s| s.subject),
            offered: Offered::default(),
        }
    }
}

/// One handshake, as logged.
#[derive(Debug, Clone, Serialize)]
pub struct HandshakeEvent {
    /// The client's address.
    pub peer: SocketAddr,
    /// True when the handshake completed.
    pub ok: bool,
    /// What was negotiated (on success).
    pub connection: Option<ConnectionInfo>,
    /// What the client offered (on failure too, when a ClientHello arrived).
    pub offered: Option<Offered>,
    /// The alert this server sent, if it sent one in plaintext.
    pub alert_sent: Option<AlertInfo>,
    /// The alert the client sent, if any.
    pub alert_received: Option<AlertInfo>,
    /// What the TLS library said.
    pub error: Option<String>,
    /// Why it failed, from this server's side (see [`crate::diagnose::server_side`]).
    pub diagnosis: Option<crate::diagnose::ServerView>,
}

impl HandshakeEvent {
    /// The one-line log form.
    pub fn log_line(&self) -> String {
        match (&self.connection, self.ok) {
            (Some(info), true) => {
                let mut line = format!(
                    "handshake ok from {}: {} {} ({})",
                    self.peer, info.protocol, info.cipher_suite.iana, info.cipher_suite.code
                );
                if let Some(group) = &info.group {
                    line.push_str(&format!(" group {group}"));
                }
                if let Some(alpn) = &info.alpn {
                    line.push_str(&format!(" alpn {alpn}"));
                }
                if let Some(sni) = &info.sni {
                    line.push_str(&format!(" sni {sni}"));
                }
                if let Some(subject) = &info.client_certificate {
                    line.push_str(&format!(" client-cert \"{subject}\""));
                }
                line
            }
            _ => {
                let mut line = format!("handshake FAILED from {}", self.peer);
                match (&self.alert_sent, &self.alert_received) {
                    (Some(alert), _) => line.push_str(&format!(": sent alert {alert}")),
                    (None, Some(alert)) => line.push_str(&format!(": client sent alert {alert}")),
                    _ => {}
                }
                if let Some(error) = &self.error {
                    line.push_str(&format!(" — {error}"));
                }
                match &self.offered {
                    Some(offered) => {
                        line.push_str(&format!("; client offered {}", offered.one_line(6)))
                    }
                    None => line.push_str("; no ClientHello received"),
                }
                if let Some(view) = &self.diagnosis {
                    line.push_str(&format!(" [{}: {}]", view.code, view.detail));
                }
                line
            }
        }
    }
}

/// A bound server, ready to run.
pub struct Server {
    listener: TcpListener,
    acceptor: Arc<Acceptor>,
    config: Arc<ServeConfig>,
}

/// What this server can negotiate, for explaining failed handshakes.
#[derive(Debug, Clone)]
struct Capabilities {
    suites: Vec<tlslab_wire::CipherSuite>,
    groups: Vec<tlslab_wire::NamedGroup>,
}

impl Capabilities {
    fn of(settings: &TlsSettings) -> Self {
        let mut suites = match (&settings.openssl_cipher_string, &settings.tls12_suites) {
            (Some(text), _) => backend::openssl::expand_cipher_string(text).unwrap_or_default(),
            (None, Some(list)) => list.clone(),
            (None, None) => match settings.backend {
                BackendKind::Rustls => backend::rustls::suites(),
                BackendKind::Openssl => {
                    backend::openssl::expand_cipher_string("DEFAULT").unwrap_or_default()
                }
            },
        };
        match &settings.tls13_suites {
            Some(list) => suites.extend(list),
            None => suites.extend([0x1301u16, 0x1302, 0x1303].map(tlslab_wire::CipherSuite)),
        }
        let groups = match &settings.groups {
            Some(crate::settings::GroupSpec::List(list)) => list.clone(),
            Some(crate::settings::GroupSpec::NoEllipticCurves) => {
                vec![tlslab_wire::NamedGroup(0x0100)]
            }
            None => match settings.backend {
                BackendKind::Rustls => backend::rustls::groups(),
                BackendKind::Openssl => [
                    0x001D, 0x0017, 0x001E, 0x0019, 0x0018, 0x0100, 0x0101, 0x0102, 0x0103, 0x0104,
                ]
                .map(tlslab_wire::NamedGroup)
                .to_vec(),
            },
        };
        Self { suites, groups }
    }
}

impl Server {
    /// Builds the TLS configuration (refusing what the backend cannot do) and binds.
    pub async fn bind(config: ServeConfig) -> Result<Self, UsageError> {
        let settings = &config.settings;
        let acceptor = match settings.backend {
            BackendKind::Rustls => {
                let tls = backend::rustls::server_config(
                    settings,
                    &config.identity,
                    config.client_auth,
                    config.trust.as_ref(),
                )?;
                Acceptor::Rustls(tokio_rustls::TlsAcceptor::from(Arc::new(tls)))
            }
            BackendKind::Openssl => {
                let tweaks = ServerTweaks {
                    dh_bits: config.profile.and_then(|p| p.dh_bits),
                };
                Acceptor::Openssl(backend::openssl::server_context(
                    settings,
                    &config.identity,
                    config.client_auth,
                    config.trust.as_ref(),
                    &tweaks,
                )?)
            }
        };
        let address = SocketAddr::new(config.bind, config.port);
        let listener = TcpListener::bind(address).await.map_err(|e| {
            let fix = match e.kind() {
                std::io::ErrorKind::AddrInUse => {
                    "stop the other server or pick another --port".to_string()
                }
                std::io::ErrorKind::PermissionDenied => {
                    "use a port above 1023 or run with the needed privilege".to_string()
                }
                _ => "check --bind and --port".to_string(),
            };
            UsageError::new(format!("cannot listen on {address}: {e}"), fix)
        })?;
        Ok(Self {
            listener,
            acceptor: Arc::new(acceptor),
            config: Arc::new(config),
        })
    }

    /// The address actually bound (useful with port 0).
    pub fn local_addr(&self) -> SocketAddr {
        // The listener was bound successfully, so the kernel knows its address.
        self.listener
            .local_addr()
            .unwrap_or_else(|_| SocketAddr::new(self.config.bind, self.config.port))
    }

    /// Serves until `shutdown` completes, sending one event per handshake. In-flight
    /// connections get a few seconds to finish.
    pub async fn run(
        self,
        events: mpsc::UnboundedSender<HandshakeEvent>,
        shutdown: impl Future<Output = ()>,
    ) {
        let limit = Arc::new(Semaphore::new(self.config.max_connections.max(1)));
        let capabilities = Arc::new(Capabilities::of(&self.config.settings));
        let mut tasks = JoinSet::new();
        tokio::pin!(shutdown);
        loop {
            let permit = tokio::select! {
                _ = &mut shutdown => break,
                permit = limit.clone().acquire_owned() => match permit {
                    Ok(permit) => permit,
                    Err(_) => break,
                },
            };
            let accepted = tokio::select! {
                _ = &mut shutdown => break,
                accepted = self.listener.accept() => accepted,
            };
            // Reap finished connections so the set stays small under load.
            while tasks.try_join_next().is_some() {}
            let (tcp, peer) = match accepted {
                Ok(pair) => pair,
                // Out of file descriptors and the like: back off instead of spinning.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            let acceptor = self.acceptor.clone();
            let config = self.config.clone();
            let events = events.clone();
            let capabilities = capabilities.clone();
            tasks.spawn(async move {
                let _permit = permit;
                serve_connection(tcp, peer, &acceptor, &config, &capabilities, &events).await;
            });
        }
        let drain = async { while tasks.join_next().await.is_some() {} };
        if tokio::time::timeout(Duration::from_secs(3), drain)
            .await
            .is_err()
        {
            tasks.abort_all();
        }
    }
}

type BoxedStream = Pin<Box<dyn AsyncStream>>;

trait AsyncStream: AsyncRead + AsyncWrite + Send {}
impl<T: AsyncRead + AsyncWrite + Send> AsyncStream for T {}

async fn serve_connection(
    tcp: TcpStream,
    peer: SocketAddr,
    acceptor: &Acceptor,
    config: &ServeConfig,
    capabilities: &Capabilities,
    events: &mpsc::UnboundedSender<HandshakeEvent>,
) {
    let _ = tcp.set_nodelay(true);
    let (tap, log) = Tap::new(tcp);
    let handshake = tokio::time::timeout(config.handshake_timeout, accept(acceptor, tap));
    let outcome = match handshake.await {
        Ok(outcome) => outcome,
        Err(_) => Err(format!(
            "client sent no complete handshake within {} s",
            config.handshake_timeout.as_secs()
        )),
    };
    let view = log.handshake(false);
    let offered = view.client_hello().map(|hello| Offered::from_hello(&hello));
    match outcome {
        Ok((stream, partial)) => {
            let info = Arc::new(ConnectionInfo {
                group: view.group(),
                sni: offered.as_ref().and_then(|o| o.sni.clone()),
                offered: offered.clone().unwrap_or_default(),
                ..partial
            });
            let _ = events.send(HandshakeEvent {
                peer,
                ok: true,
                connection: Some((*info).clone()),
                offered,
                alert_sent: None,
                alert_received: None,
                error: None,
                diagnosis: None,
            });
            match config.mode {
                ServeMode::Http => serve_http(stream, info, config.idle_timeout).await,
                ServeMode::Echo => serve_echo(stream, config.idle_timeout).await,
            }
        }
        Err(error) => {
            let client_not_tls = view.client.not_tls && view.client.bytes > 0;
            let alert_sent = view
                .server
                .alert
                .map(|a| AlertInfo::new(a.description, a.level == 2));
            let diagnosis = crate::diagnose::server_side(
                &config.settings,
                &capabilities.suites,
                &capabilities.groups,
                view.client_hello().as_ref(),
                &error,
                alert_sent.as_ref().map(|a| a.code),
                client_not_tls,
            );
            let _ = events.send(HandshakeEvent {
                peer,
                ok: false,
                connection: None,
                offered,
                alert_sent,
                alert_received: view
                    .client
                    .alert
                    .map(|a| AlertInfo::new(a.description, a.level == 2)),
                error: Some(if client_not_tls {
                    format!(
                        "client does not speak TLS: it sent {}",
                        observe::describe_non_tls(&view.client.head)
                    )
                } else {
                    error
                }),
                diagnosis,
            });
        }
    }
}

async fn accept(
    acceptor: &Acceptor,
    tap: Tap<TcpStream>,
) -> Result<(BoxedStream, ConnectionInfo), String> {
    match acceptor {
        Acceptor::Rustls(acceptor) => {
            let stream = acceptor
                .accept(tap)
                .await
                .map_err(|e| backend::rustls::describe_io_error(&e))?;
            let negotiated = backend::rustls::negotiated(stream.get_ref().1);
            let info = ConnectionInfo::new(BackendKind::Rustls, negotiated);
            Ok((Box::pin(stream), info))
        }
        Acceptor::Openssl(context) => {
            let ssl = openssl::ssl::Ssl::new(context).map_err(|e| e.to_string())?;
            let mut stream = tokio_openssl::SslStream::new(ssl, tap).map_err(|e| e.to_string())?;
            Pin::new(&mut stream)
                .accept()
                .await
                .map_err(|e| backend::openssl::describe_error(&e))?;
            let negotiated = backend::openssl::negotiated(stream.ssl());
            let info = ConnectionInfo::new(BackendKind::Openssl, negotiated);
            Ok((Box::pin(stream), info))
        }
    }
}

async fn serve_http(stream: BoxedStream, info: Arc<ConnectionInfo>, idle: Duration) {
    let service = hyper::service::service_fn(move |request: Request<hyper::body::Incoming>| {
        let info = info.clone();
        async move { Ok::<_, Infallible>(describe_response(&request, &info)) }
    });
    let mut builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(idle);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(None);
    let connection = builder.serve_connection(TokioIo::new(stream), service);
    // The whole exchange is bounded too: a client that trickles requests forever is dropped.
    let _ = tokio::time::timeout(idle * 10, connection).await;
}

fn wants_json(request: &Request<hyper::body::Incoming>) -> bool {
    let accept_json = request
        .headers()
        .get(hyper::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"));
    let query_json = request
        .uri()
        .query()
        .is_some_and(|q| q.split('&').any(|kv| kv == "format=json" || kv == "json"));
    accept_json || query_json || request.uri().path().ends_with(".json")
}

fn describe_response(
    request: &Request<hyper::body::Incoming>,
    info: &ConnectionInfo,
) -> Response<Full<Bytes>> {
    let (body, content_type) = if wants_json(request) {
        let mut value = serde_json::to_value(info).unwrap_or_default();
        if let Some(object) = value.as_object_mut() {
            object.insert(
                "request".into(),
                serde_json::json!({
                    "method": request.method().as_str(),
                    "path": request.uri().path(),
                    "http_version": format!("{:?}", request.version()),
                }),
            );
        }
        let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
        text.push('\n');
        (text, "application/json")
    } else {
        (describe_text(request, info), "text/plain; charset=utf-8")
    };
    let mut response = Response::new(Full::new(Bytes::from(body)));
    let headers = response.headers_mut();
    headers.insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static(content_type),
    );
    headers.insert(
        hyper::header::SERVER,
        hyper::header::HeaderValue::from_static("tlslab"),
    );
    response
}

fn describe_text(request: &Request<hyper::body::Incoming>, info: &ConnectionInfo) -> String {
    let suite = &info.cipher_suite;
    let none = || "-".to_string();
    let mut out = String::new();
    out.push_str("tlslab serve: this connection\n");
    out.push_str(&format!(
        "request:      {} {} {:?}\n",
        request.method(),
        request.uri().path(),
        request.version()
    ));
    out.push_str(&format!("backend:      {}\n", info.backend));
    out.push_str(&format!("protocol:     {}\n", info.protocol));
    out.push_str(&format!("cipher suite: {} ({})\n", suite.iana, suite.code));
    out.push_str(&format!(
        "  OpenSSL:    {}\n",
        suite.openssl.clone().unwrap_or_else(none)
    ));
    out.push_str(&format!(
        "  GnuTLS:     {}\n",
        suite.gnutls.clone().unwrap_or_else(none)
    ));
    out.push_str(&format!(
        "  NSS:        {}\n",
        suite.nss.clone().unwrap_or_else(none)
    ));
    out.push_str(&format!(
        "group:        {}\n",
        info.group.clone().unwrap_or_else(none)
    ));
    out.push_str(&format!(
        "ALPN:         {}\n",
        info.alpn.clone().unwrap_or_else(none)
    ));
    out.push_str(&format!(
        "SNI:          {}\n",
        info.sni.clone().unwrap_or_else(none)
    ));
    out.push_str(&format!(
        "client cert:  {}\n",
        info.client_certificate.clone().unwrap_or_else(none)
    ));
    let offered = &info.offered;
    out.push_str("client offered:\n");
    out.push_str(&format!(
        "  versions:          {}\n",
        offered.versions.join(", ")
    ));
    out.push_str(&format!(
        "  cipher suites:     {}\n",
        offered.cipher_suites.join(", ")
    ));
    out.push_str(&format!(
        "  groups:            {}\n",
        offered.groups.join(", ")
    ));
    out.push_str(&format!(
        "  key shares:        {}\n",
        offered.key_shares.join(", ")
    ));
    out.push_str(&format!(
        "  signature schemes: {}\n",
        offered.signature_schemes.join(", ")
    ));
    out.push_str(&format!(
        "  ALPN:              {}\n",
        offered.alpn.join(", ")
    ));
    out
}

async fn serve_echo(mut stream: BoxedStream, idle: Duration) {
    let mut buffer = vec![0u8; 16 * 1024];
    loop {
        let read = match tokio::time::timeout(idle, stream.read(&mut buffer)).await {
            Ok(Ok(0)) | Ok(Err(_)) | Err(_) => break,
            Ok(Ok(n)) => n,
        };
        if stream.write_all(&buffer[..read]).await.is_err() || stream.flush().await.is_err() {
            break;
        }
    }
    let _ = stream.shutdown().await;
}
