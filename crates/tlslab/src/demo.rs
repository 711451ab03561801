//! `tlslab demo`: the seed (twisted#8826), end to end, with no set-up.
//!
//! A test PKI in a temporary directory; server A, correctly configured, and server B, the
//! `legacy-no-ecdh` profile, both pinned to ECDHE_RSA_AES_128_GCM_SHA256 over TLS 1.2 on the
//! same OpenSSL; the same pinned client against each; B's own log line.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use serde::Serialize;
use tlslab_wire::CipherSuite;
use tokio::sync::{mpsc, oneshot};

use crate::client::{ConnectConfig, ConnectReport, Target};
use crate::error::UsageError;
use crate::facts::SuiteNames;
use crate::pki::{self, KeyAlgorithm, PkiOptions, PkiPaths};
use crate::profiles;
use crate::server::{HandshakeEvent, ServeConfig, ServeMode, Server};
use crate::settings::{ClientAuth, Identity, Role, TlsRequest, TlsSettings, TrustAnchors};

/// The suite the seed pinned.
pub const SEED_SUITE: CipherSuite = CipherSuite(0xC02F);

/// One server of the demo and what happened to it.
#[derive(Debug, Clone, Serialize)]
pub struct DemoSide {
    /// "A" or "B".
    pub name: String,
    /// What this server stands for.
    pub description: String,
    /// The profile it runs, if any.
    pub profile: Option<String>,
    /// Where it listened.
    pub address: String,
    /// The pinned client's report.
    pub client: ConnectReport,
    /// The server's own log lines.
    pub server_log: Vec<String>,
}

/// The demo's result.
#[derive(Debug, Clone, Serialize)]
pub struct DemoReport {
    /// The pinned suite.
    pub suite: SuiteNames,
    /// Where the PKI was made (deleted afterwards).
    pub pki_dir: String,
    /// The correctly configured server.
    pub a: DemoSide,
    /// The legacy-no-ecdh server.
    pub b: DemoSide,
    /// True when A negotiated the suite and B failed with handshake_failure (40).
    pub reproduced: bool,
}

fn pinned_request(profile: Option<&str>) -> Result<TlsRequest, UsageError> {
    let mut request = TlsRequest {
        backend: Some("openssl".to_string()),
        ciphers: Some("ECDHE_RSA_AES_128_GCM_SHA256".to_string()),
        tls: Some("1.2".to_string()),
        ..TlsRequest::default()
    };
    if let Some(name) = profile {
        profiles::find(name)?.apply(&mut request)?;
    }
    Ok(request)
}

async fn run_side(
    name: &str,
    description: &str,
    profile: Option<&'static str>,
    paths: &PkiPaths,
) -> Result<DemoSide, UsageError> {
    let settings = TlsSettings::resolve(&pinned_request(profile)?, Role::Server)?;
    let config = ServeConfig {
        bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
        port: 0,
        settings,
        identity: Identity::load(&paths.server_cert, &paths.server_key)?,
        client_auth: ClientAuth::None,
        trust: None,
        mode: ServeMode::Http,
        profile: profile.map(profiles::find).transpose()?,
        handshake_timeout: Duration::from_secs(5),
        idle_timeout: Duration::from_secs(5),
        max_connections: 16,
    };
    let server = Server::bind(config).await?;
    let address = server.local_addr();
    let (events_tx, mut events_rx) = mpsc::unbounded_channel::<HandshakeEvent>();
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let running = tokio::spawn(server.run(events_tx, async {
        let _ = stop_rx.await;
    }));

    let client_request = TlsRequest {
        ciphers: Some("ecdhe_rsa_aes_128_gcm_sha_256".to_string()),
        alpn: Some("http/1.1".to_string()),
        ..TlsRequest::default()
    };
    let client_config = ConnectConfig {
        target: Target::parse(&format!("https://localhost:{}/", address.port()))?,
        settings: TlsSettings::resolve(&client_request, Role::Client)?,
        trust: Some(TrustAnchors::load(&paths.ca_cert)?),
        identity: Some(Identity::load(&paths.client_cert, &paths.client_key)?),
        insecure: false,
        sni: None,
        http: true,
        timeout: Duration::from_secs(5),
    };
    let report = crate::diagnose::connect_and_diagnose(&client_config).await;
    let _ = stop_tx.send(());
    let _ = running.await;
    let mut server_log = Vec::new();
    while let Ok(event) = events_rx.try_recv() {
        server_log.push(event.log_line());
    }
    Ok(DemoSide {
        name: name.to_string(),
        description: description.to_string(),
        profile: profile.map(String::from),
        address: address.to_string(),
        client: report,
        server_log,
    })
}

/// Runs the demonstration.
pub async fn run() -> Result<DemoReport, UsageError> {
    let dir = tempfile::tempdir().map_err(|e| {
        UsageError::new(
            format!("cannot create a temporary directory: {e}"),
            "set TMPDIR to a writable directory",
        )
    })?;
    let options = PkiOptions {
        dir: dir.path().to_path_buf(),
        key: KeyAlgorithm::Rsa2048,
        days: 2,
        ..PkiOptions::default()
    };
    pki::init(&options)?;
    let paths = PkiPaths::in_dir(dir.path());
    let a = run_side(
        "A",
        "OpenSSL server, pinned to the suite, curves configured (the seed's http.server + ssl)",
        None,
        &paths,
    )
    .await?;
    let b = run_side(
        "B",
        "OpenSSL server, pinned to the suite, no EC group (the seed's Twisted server on OpenSSL < 1.1)",
        Some("legacy-no-ecdh"),
        &paths,
    )
    .await?;
    let a_ok = a.client.ok
        && a.client
            .cipher_suite
            .as_ref()
            .is_some_and(|s| s.code == SEED_SUITE.hex())
        && a.client.protocol.as_deref() == Some("TLSv1.2");
    let b_failed = !b.client.ok
        && b.client
            .error
            .as_ref()
            .and_then(|e| e.alert.as_ref())
            .is_some_and(|alert| alert.code == 40);
    Ok(DemoReport {
        suite: SuiteNames::of(SEED_SUITE),
        pki_dir: dir.path().display().to_string(),
        a,
        b,
        reproduced: a_ok && b_failed,
    })
}
