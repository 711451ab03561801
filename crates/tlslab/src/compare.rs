//! `tlslab compare`: N server implementations side by side — the seed's "HTTPServer vs
//! Twisted" for anything. Each server is started (an external command, a built-in `serve`
//! configuration) or named (an already-running target), scanned, and probed with the same
//! matrix of client configurations; each cell is the negotiated result or the failure with
//! its diagnosis. Every process started is stopped again, on success, failure or Ctrl-C.

use std::fs;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::sync::{mpsc, oneshot};

use crate::client::{ConnectConfig, ConnectReport, Target};
use crate::diagnose::{self, Finding};
use crate::error::{Failure, FailureKind, UsageError};
use crate::facts::SuiteNames;
use crate::profiles;
use crate::report;
use crate::scan::{self, ScanConfig, ScanReport};
use crate::server::{ServeConfig, ServeMode, Server};
use crate::settings::{ClientAuth, Identity, Role, TlsRequest, TlsSettings, TrustAnchors};

/// Where a server comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerSource {
    /// A command to run; `{port}` is replaced by a free port unless a fixed one is given.
    Command {
        /// The command line, run by `sh -c`.
        command: String,
        /// A port the command always uses.
        fixed_port: Option<u16>,
    },
    /// A server that is already running.
    Target(Target),
    /// A built-in `tlslab serve` configuration: backend and optional profile.
    Builtin {
        /// `rustls` or `openssl`.
        backend: String,
        /// A profile name, e.g. `legacy-no-ecdh`.
        profile: Option<String>,
    },
}

/// One server to compare.
#[derive(Debug, Clone)]
pub struct ServerSpec {
    /// Its name in the matrix.
    pub name: String,
    /// Where it comes from.
    pub source: ServerSource,
    /// A command whose output is the server's version, for the report.
    pub version_command: Option<String>,
}

impl ServerSpec {
    /// Parses `--server 'NAME=COMMAND'` or `--server 'NAME:PORT=COMMAND'`.
    pub fn parse_command(text: &str) -> Result<Self, UsageError> {
        let (head, command) = split_named(
            text,
            "--server",
            "NAME=COMMAND (e.g. py=python3 server.py --port {port})",
        )?;
        let (name, fixed_port) = match head.split_once(':') {
            Some((name, port)) => (
                name.to_string(),
                Some(
                    port.parse::<u16>()
                        .ok()
                        .filter(|p| *p != 0)
                        .ok_or_else(|| {
                            UsageError::new(
                                format!("invalid port in --server '{text}'"),
                                "use NAME:PORT=COMMAND with a port 1-65535",
                            )
                        })?,
                ),
            ),
            None => (head.to_string(), None),
        };
        if fixed_port.is_none() && !command.contains("{port}") {
            return Err(UsageError::new(
                format!("--server '{text}' has no {{port}} and no fixed port"),
                "put {port} where the command takes its port, or write NAME:PORT=COMMAND",
            ));
        }
        Ok(Self {
            name,
            source: ServerSource::Command {
                command: command.to_string(),
                fixed_port,
            },
            version_command: None,
        })
    }

    /// Parses `--target NAME=HOST:PORT`.
    pub fn parse_target(text: &str) -> Result<Self, UsageError> {
        let (name, target) = split_named(text, "--target", "NAME=HOST:PORT")?;
        Ok(Self {
            name: name.to_string(),
            source: ServerSource::Target(Target::parse(target)?),
            version_command: None,
        })
    }

    /// Parses `--builtin NAME=BACKEND[:PROFILE]`.
    pub fn parse_builtin(text: &str) -> Result<Self, UsageError> {
        let (name, spec) = split_named(
            text,
            "--builtin",
            "NAME=BACKEND[:PROFILE] (e.g. b=openssl:legacy-no-ecdh)",
        )?;
        let (backend, profile) = match spec.split_once(':') {
            Some((backend, profile)) => (backend, Some(profile)),
            None => (spec, None),
        };
        crate::settings::BackendKind::parse(backend)?;
        if let Some(profile) = profile {
            profiles::find(profile)?;
        }
        Ok(Self {
            name: name.to_string(),
            source: ServerSource::Builtin {
                backend: backend.to_string(),
                profile: profile.map(String::from),
            },
            version_command: None,
        })
    }

    /// What ran, for the report.
    pub fn description(&self) -> String {
        match &self.source {
            ServerSource::Command { command, .. } => command.clone(),
            ServerSource::Target(target) => format!("already running at {}", target.authority()),
            ServerSource::Builtin { backend, profile } => match profile {
                Some(profile) => format!("tlslab serve --backend {backend} --profile {profile}"),
                None => format!("tlslab serve --backend {backend}"),
            },
        }
    }
}

fn split_named<'a>(
    text: &'a str,
    flag: &str,
    form: &str,
) -> Result<(&'a str, &'a str), UsageError> {
    match text.split_once('=') {
        Some((name, rest)) if !name.trim().is_empty() && !rest.trim().is_empty() => {
            Ok((name.trim(), rest.trim()))
        }
        _ => Err(UsageError::new(
            format!("invalid {flag} '{text}'"),
            format!("write {flag} {form}"),
        )),
    }
}

/// One client configuration of the matrix.
#[derive(Debug, Clone)]
pub struct ClientVariant {
    /// Short label, e.g. `rustls ciphers=ECDHE-RSA-AES128-GCM-SHA256 tls=1.2`.
    pub label: String,
    /// The TLS request.
    pub request: TlsRequest,
}

/// Expands comma lists and repeated flags into one client configuration per combination.
pub fn client_matrix(
    backends: &[String],
    ciphers: &[String],
    versions: &[String],
    groups: &[String],
) -> Vec<ClientVariant> {
    fn expand(values: &[String]) -> Vec<Option<String>> {
        let items: Vec<Option<String>> = values
            .iter()
            .flat_map(|v| {
                v.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(|s| Some(s.to_string()))
            })
            .collect();
        if items.is_empty() {
            vec![None]
        } else {
            items
        }
    }
    let mut out = Vec::new();
    for backend in expand(backends) {
        for cipher in expand(ciphers) {
            for tls in expand(versions) {
                for group in expand(groups) {
                    let mut parts = Vec::new();
                    parts.push(backend.clone().unwrap_or_else(|| "auto".into()));
                    if let Some(c) = &cipher {
                        parts.push(format!("ciphers={c}"));
                    }
                    if let Some(t) = &tls {
                        parts.push(format!("tls={t}"));
                    }
                    if let Some(g) = &group {
                        parts.push(format!("groups={g}"));
                    }
                    out.push(ClientVariant {
                        label: parts.join(" "),
                        request: TlsRequest {
                            backend: backend.clone(),
                            ciphers: cipher.clone(),
                            tls: tls.clone(),
                            groups: group.clone(),
                            alpn: Some("http/1.1".into()),
                            ..TlsRequest::default()
                        },
                    });
                }
            }
        }
    }
    out
}

/// Everything a comparison needs.
#[derive(Debug, Clone)]
pub struct CompareConfig {
    /// The servers.
    pub servers: Vec<ServerSpec>,
    /// The client configurations.
    pub clients: Vec<ClientVariant>,
    /// PKI directory: built-in servers use its srv.crt/srv.key, and its ca.crt is trusted.
    pub pki_dir: PathBuf,
    /// CA to trust instead of DIR/ca.crt.
    pub cacert: Option<PathBuf>,
    /// Client certificate for every cell.
    pub identity: Option<Identity>,
    /// How long a started server has to start listening.
    pub ready_timeout: Duration,
    /// Per-connection timeout.
    pub timeout: Duration,
    /// Scan each server too.
    pub scan: bool,
}

/// What happened to one server.
#[derive(Debug, Clone, Serialize)]
pub struct ServerResult {
    /// Its name.
    pub name: String,
    /// What ran (the command, or the built-in configuration).
    pub command: String,
    /// Where it listened.
    pub address: Option<String>,
    /// Its version output (`--version-cmd`).
    pub version: Option<String>,
    /// `running`, `failed to start`, `never listened`, `exited`, or `already running`.
    pub status: String,
    /// Why it is not usable, when it is not.
    pub problem: Option<String>,
    /// The last lines it wrote to stdout and stderr.
    pub output_tail: String,
    /// One-line scan summary (e.g. "TLSv1.2: 1 suite; no elliptic-curve group").
    pub summary: Option<String>,
    /// The full scan.
    pub scan: Option<ScanReport>,
}

/// One cell of the matrix, with the field shapes of `connect --json`.
#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    /// Server name.
    pub server: String,
    /// Client label.
    pub client: String,
    /// True when the connection worked.
    pub ok: bool,
    /// Negotiated version.
    pub protocol: Option<String>,
    /// Negotiated suite.
    pub cipher_suite: Option<SuiteNames>,
    /// Group.
    pub group: Option<String>,
    /// The failure.
    pub error: Option<Failure>,
    /// Why.
    pub diagnosis: Vec<Finding>,
    /// The verbose transcript (as `tlslab connect` prints it).
    pub transcript: String,
    /// The command that reproduces this cell.
    pub reproduce: String,
}

/// Versions of everything involved.
#[derive(Debug, Clone, Serialize)]
pub struct Versions {
    /// OS name.
    pub os: String,
    /// Kernel.
    pub kernel: String,
    /// tlslab.
    pub tlslab: String,
    /// rustls.
    pub rustls: String,
    /// OpenSSL.
    pub openssl: String,
}

impl Versions {
    /// Reads them off this machine.
    pub fn here() -> Self {
        let os = fs::read_to_string("/etc/os-release")
            .ok()
            .and_then(|text| {
                text.lines().find_map(|l| {
                    l.strip_prefix("PRETTY_NAME=")
                        .map(|v| v.trim_matches('"').to_string())
                })
            })
            .unwrap_or_else(|| std::env::consts::OS.to_string());
        let kernel = fs::read_to_string("/proc/sys/kernel/osrelease")
            .map(|k| format!("Linux {} {}", k.trim(), std::env::consts::ARCH))
            .unwrap_or_else(|_| std::env::consts::ARCH.to_string());
        Self {
            os,
            kernel,
            tlslab: env!("CARGO_PKG_VERSION").to_string(),
            rustls: crate::backend::rustls::VERSION.to_string(),
            openssl: crate::backend::openssl::version().to_string(),
        }
    }
}

/// The comparison (the `--json` object).
#[derive(Debug, Clone, Serialize)]
pub struct CompareReport {
    /// The servers.
    pub servers: Vec<ServerResult>,
    /// Client labels, in matrix order.
    pub clients: Vec<String>,
    /// The cells, server-major.
    pub cells: Vec<Cell>,
    /// Versions of everything.
    pub versions: Versions,
    /// True when every cell worked.
    pub ok: bool,
    /// Wall time.
    pub elapsed_ms: u64,
}

/// A started external server, stopped (with its whole process group) when dropped.
struct Running {
    child: Child,
    log: PathBuf,
    /// Set once stopped: the group id must not be signalled again (it may be reused).
    stopped: bool,
}

impl Running {
    fn alive(&mut self) -> Result<(), String> {
        match self.child.try_wait() {
            Ok(None) => Ok(()),
            Ok(Some(status)) => Err(format!("exited with {status}")),
            Err(e) => Err(format!("cannot be checked: {e}")),
        }
    }

    fn stop(&mut self) {
        if std::mem::replace(&mut self.stopped, true) {
            return;
        }
        let group = format!("-{}", self.child.id());
        let signal = |name: &str| {
            let _ = Command::new("kill")
                .args([name, "--", &group])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        };
        if self.child.try_wait().ok().flatten().is_none() {
            signal("-TERM");
            let deadline = Instant::now() + Duration::from_secs(2);
            while Instant::now() < deadline && self.child.try_wait().ok().flatten().is_none() {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        // Whatever the shell started may outlive it: the whole group goes.
        signal("-KILL");
        let _ = self.child.wait();
    }

    fn tail(&self) -> String {
        tail_of(&self.log)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.stop();
    }
}

fn tail_of(path: &Path) -> String {
    let text = fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(12)..].join("\n")
}

fn free_port() -> Result<u16, String> {
    std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port: {e}"))
}

fn listening(address: SocketAddr) -> bool {
    TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok()
}

/// A server while the comparison runs.
enum Live {
    External(Running),
    Builtin(Option<oneshot::Sender<()>>, tokio::task::JoinHandle<()>),
    Target,
    Unusable,
}

async fn start(
    spec: &ServerSpec,
    config: &CompareConfig,
    logs: &Path,
    result: &mut ServerResult,
) -> (Live, Option<Target>) {
    match &spec.source {
        ServerSource::Target(target) => {
            result.status = "already running".into();
            result.address = Some(target.authority());
            (Live::Target, Some(target.clone()))
        }
        ServerSource::Builtin { backend, profile } => {
            let mut request = TlsRequest {
                backend: Some(backend.clone()),
                alpn: Some("h2,http/1.1".into()),
                ..TlsRequest::default()
            };
            let built = async {
                let profile = profile.as_deref().map(profiles::find).transpose()?;
                if let Some(profile) = profile {
                    profile.apply(&mut request)?;
                }
                let settings = TlsSettings::resolve(&request, Role::Server)?;
                let serve = ServeConfig {
                    bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
                    port: 0,
                    settings,
                    identity: Identity::load(
                        &config.pki_dir.join("srv.crt"),
                        &config.pki_dir.join("srv.key"),
                    )?,
                    client_auth: ClientAuth::None,
                    trust: None,
                    mode: ServeMode::Http,
                    profile,
                    handshake_timeout: Duration::from_secs(5),
                    idle_timeout: Duration::from_secs(5),
                    max_connections: 64,
                };
                Server::bind(serve).await
            };
            match built.await {
                Ok(server) => {
                    let address = server.local_addr();
                    let (stop_tx, stop_rx) = oneshot::channel::<()>();
                    let (events, mut sink) = mpsc::unbounded_channel();
                    let task = tokio::spawn(async move {
                        let drain =
                            tokio::spawn(async move { while sink.recv().await.is_some() {} });
                        server
                            .run(events, async {
                                let _ = stop_rx.await;
                            })
                            .await;
                        let _ = drain.await;
                    });
                    result.status = "running".into();
                    result.address = Some(address.to_string());
                    let target = Target {
                        host: "localhost".into(),
                        port: address.port(),
                        path: "/".into(),
                    };
                    (Live::Builtin(Some(stop_tx), task), Some(target))
                }
                Err(err) => {
                    result.status = "failed to start".into();
                    result.problem = Some(err.to_string());
                    (Live::Unusable, None)
                }
            }
        }
        ServerSource::Command {
            command,
            fixed_port,
        } => {
            let port = match fixed_port {
                Some(port) => *port,
                None => match free_port() {
                    Ok(port) => port,
                    Err(e) => {
                        result.status = "failed to start".into();
                        result.problem = Some(e);
                        return (Live::Unusable, None);
                    }
                },
            };
            let line = command.replace("{port}", &port.to_string());
            result.command = line.clone();
            let log = logs.join(format!("{}.log", sanitize(&spec.name)));
            let spawned = fs::File::create(&log).and_then(|out| {
                let err = out.try_clone()?;
                use std::os::unix::process::CommandExt;
                Command::new("sh")
                    .args(["-c", &line])
                    .current_dir(&config.pki_dir)
                    .process_group(0)
                    .stdin(Stdio::null())
                    .stdout(out)
                    .stderr(err)
                    .spawn()
            });
            let mut running = match spawned {
                Ok(child) => Running {
                    child,
                    log,
                    stopped: false,
                },
                Err(e) => {
                    result.status = "failed to start".into();
                    result.problem = Some(format!("cannot run `{line}`: {e}"));
                    return (Live::Unusable, None);
                }
            };
            let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
            let deadline = Instant::now() + config.ready_timeout;
            loop {
                if let Err(exit) = running.alive() {
                    result.status = "failed to start".into();
                    result.problem = Some(format!("`{line}` {exit} before listening on {address}"));
                    result.output_tail = running.tail();
                    return (Live::Unusable, None);
                }
                if listening(address) {
                    break;
                }
                if Instant::now() > deadline {
                    result.status = "never listened".into();
                    result.problem = Some(format!(
                        "nothing listened on {address} within {} s (--ready-timeout)",
                        config.ready_timeout.as_secs()
                    ));
                    result.output_tail = running.tail();
                    return (Live::Unusable, None);
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            result.status = "running".into();
            result.address = Some(address.to_string());
            let target = Target {
                host: "localhost".into(),
                port,
                path: "/".into(),
            };
            (Live::External(running), Some(target))
        }
    }
}

fn sanitize(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// Runs a `--version-cmd` with a time limit: a version command that hangs must not hang
/// the comparison.
fn version_of(command: &str) -> String {
    use std::io::Read;
    use std::os::unix::process::CommandExt;
    let spawned = Command::new("sh")
        .args(["-c", command])
        .process_group(0)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(e) => return format!("(`{command}` failed: {e})"),
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    while child.try_wait().ok().flatten().is_none() {
        if Instant::now() > deadline {
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", child.id())])
                .status();
            let _ = child.wait();
            return format!("(`{command}` did not finish in 10 s)");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut text = String::new();
    if let Some(mut out) = child.stdout.take() {
        let _ = out.read_to_string(&mut text);
    }
    if text.trim().is_empty() {
        if let Some(mut err) = child.stderr.take() {
            let _ = err.read_to_string(&mut text);
        }
    }
    text.trim().to_string()
}

/// A one-line summary of what a server accepts.
pub fn scan_summary(scan: &ScanReport) -> String {
    let mut parts = Vec::new();
    for protocol in scan.protocols.iter().filter(|p| p.supported) {
        let count = scan
            .cipher_suites
            .iter()
            .filter(|s| s.protocol == protocol.version)
            .count();
        parts.push(format!(
            "{} {count} suite{}",
            protocol.version,
            if count == 1 { "" } else { "s" }
        ));
    }
    if parts.is_empty() {
        if let Some(what) = &scan.not_tls {
            return format!("does not speak TLS ({what})");
        }
        // A version answered with handshake_failure rather than protocol_version is spoken,
        // just with nothing this scan could offer: the seed's server B looks like this.
        let spoken: Vec<&str> = scan
            .protocols
            .iter()
            // OpenSSL builds without SSLv3 answer it with handshake_failure too.
            .filter(|p| p.version != "SSLv3")
            .filter(|p| {
                p.refusal
                    .as_deref()
                    .is_some_and(|r| r.contains("handshake_failure"))
            })
            .map(|p| p.version.as_str())
            .collect();
        return if spoken.is_empty() {
            "accepts no handshake at all".into()
        } else {
            format!(
                "answers {} with handshake_failure to every suite and group offered: no usable suite at all (an ECDHE-only server without an elliptic curve looks like this)",
                spoken.join(", ")
            )
        };
    }
    let elliptic = scan.groups.iter().any(|g| {
        tlslab_wire::registry::resolve_group(&g.code)
            .ok()
            .and_then(tlslab_wire::registry::group)
            .is_some_and(|info| info.kind.is_elliptic())
    });
    let ecdhe = scan.cipher_suites.iter().any(|s| {
        tlslab_wire::registry::resolve_suite(&s.code)
            .ok()
            .and_then(tlslab_wire::registry::suite)
            .is_some_and(|info| info.uses_ecdhe())
    });
    let mut summary = parts.join(", ");
    let mut versions: Vec<&str> = scan.groups.iter().map(|g| g.protocol.as_str()).collect();
    versions.dedup();
    for version in versions {
        let names: Vec<&str> = scan
            .groups
            .iter()
            .filter(|g| g.protocol == version)
            .map(|g| g.name.as_str())
            .collect();
        summary.push_str(&format!("; {version} groups {}", names.join(" ")));
    }
    if !elliptic && !ecdhe {
        summary.push_str("; no elliptic-curve group (no ECDHE at all)");
    }
    summary
}

/// Runs the comparison.
pub async fn compare(config: &CompareConfig) -> CompareReport {
    let started = Instant::now();
    let logs = tempfile::tempdir().ok();
    let log_dir = logs
        .as_ref()
        .map(|d| d.path().to_path_buf())
        .unwrap_or_else(std::env::temp_dir);
    let trust = config
        .cacert
        .clone()
        .or_else(|| Some(config.pki_dir.join("ca.crt")).filter(|p| p.exists()))
        .and_then(|path| TrustAnchors::load(&path).ok());

    let mut servers = Vec::new();
    let mut cells = Vec::new();
    for spec in &config.servers {
        let mut result = ServerResult {
            name: spec.name.clone(),
            command: spec.description(),
            address: None,
            version: spec.version_command.as_deref().map(version_of),
            status: String::new(),
            problem: None,
            output_tail: String::new(),
            summary: None,
            scan: None,
        };
        // Servers run one at a time: a fixed port may be shared, and each is stopped
        // before the next one starts.
        let (mut live, target) = start(spec, config, &log_dir, &mut result).await;
        if let (Some(target), true) = (&target, config.scan) {
            let scan_config = ScanConfig {
                connect_timeout: config.timeout,
                read_timeout: config.timeout,
                retries: 1,
                ..ScanConfig::new(target.clone())
            };
            let scanned = scan::scan(&scan_config, None).await;
            result.summary = Some(scan_summary(&scanned));
            result.scan = Some(scanned);
        }
        for client in &config.clients {
            let cell = match (&target, &mut live) {
                (Some(target), live) => {
                    if let Live::External(running) = live {
                        if let Err(exit) = running.alive() {
                            result.status = "exited".into();
                            result.problem.get_or_insert_with(|| {
                                format!("the server {exit} during the comparison")
                            });
                            result.output_tail = running.tail();
                        }
                    }
                    if result.status == "exited" {
                        failed_cell(spec, client, result.problem.clone().unwrap_or_default())
                    } else {
                        run_cell(spec, client, target, config, trust.clone()).await
                    }
                }
                (None, _) => failed_cell(
                    spec,
                    client,
                    result
                        .problem
                        .clone()
                        .unwrap_or_else(|| "the server is not running".into()),
                ),
            };
            cells.push(cell);
        }
        match live {
            Live::External(mut running) => {
                if result.output_tail.is_empty() {
                    result.output_tail = running.tail();
                }
                running.stop();
            }
            Live::Builtin(stop, task) => {
                if let Some(stop) = stop {
                    let _ = stop.send(());
                }
                let _ = task.await;
            }
            Live::Target | Live::Unusable => {}
        }
        servers.push(result);
    }
    let ok = !cells.is_empty() && cells.iter().all(|c| c.ok);
    CompareReport {
        servers,
        clients: config.clients.iter().map(|c| c.label.clone()).collect(),
        cells,
        versions: Versions::here(),
        ok,
        elapsed_ms: started.elapsed().as_millis() as u64,
    }
}

fn failed_cell(spec: &ServerSpec, client: &ClientVariant, why: String) -> Cell {
    Cell {
        server: spec.name.clone(),
        client: client.label.clone(),
        ok: false,
        protocol: None,
        cipher_suite: None,
        group: None,
        error: Some(Failure::new(
            FailureKind::Local,
            format!("server unavailable: {why}"),
        )),
        diagnosis: Vec::new(),
        transcript: String::new(),
        reproduce: String::new(),
    }
}

async fn run_cell(
    spec: &ServerSpec,
    client: &ClientVariant,
    target: &Target,
    config: &CompareConfig,
    trust: Option<TrustAnchors>,
) -> Cell {
    let settings = match TlsSettings::resolve(&client.request, Role::Client) {
        Ok(settings) => settings,
        Err(err) => return failed_cell(spec, client, err.to_string()),
    };
    let connect = ConnectConfig {
        target: target.clone(),
        settings,
        trust,
        identity: config.identity.clone(),
        insecure: false,
        sni: None,
        http: true,
        timeout: config.timeout,
    };
    let result: ConnectReport = diagnose::connect_and_diagnose(&connect).await;
    Cell {
        server: spec.name.clone(),
        client: client.label.clone(),
        ok: result.ok,
        protocol: result.protocol.clone(),
        cipher_suite: result.cipher_suite.clone(),
        group: result.group.clone(),
        error: result.error.clone(),
        diagnosis: result.diagnosis.clone(),
        transcript: report::connect_text(&result),
        reproduce: reproduce_command(&client.request, target),
    }
}

/// The `tlslab connect` line that reproduces a cell.
pub fn reproduce_command(request: &TlsRequest, target: &Target) -> String {
    let mut line = format!(
        "tlslab connect https://{}/ --cacert ca.crt",
        target.authority()
    );
    if let Some(backend) = &request.backend {
        line.push_str(&format!(" --backend {backend}"));
    }
    if let Some(ciphers) = &request.ciphers {
        line.push_str(&format!(" --ciphers '{ciphers}'"));
    }
    if let Some(tls) = &request.tls {
        line.push_str(&format!(" --tls {tls}"));
    }
    if let Some(groups) = &request.groups {
        line.push_str(&format!(" --groups {groups}"));
    }
    line
}
