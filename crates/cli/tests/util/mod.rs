//! Test helpers: the tlslab binary, real peers in their own process groups, a fresh PKI.

use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub fn tlslab() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tlslab"))
}

/// Runs tlslab and returns (exit code, stdout, stderr).
pub fn run(args: &[&str]) -> (i32, String, String) {
    let output = tlslab().args(args).output().expect("tlslab runs");
    decode(output)
}

pub fn decode(output: Output) -> (i32, String, String) {
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Runs tlslab with `--json` already in `args` and parses stdout.
pub fn run_json(args: &[&str]) -> (i32, serde_json::Value, String) {
    let (code, stdout, stderr) = run(args);
    let value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {stdout}\nstderr: {stderr}"));
    (code, value, stderr)
}

/// True when `tool` is on PATH. Under CI=true a missing peer fails the test; elsewhere the
/// test is skipped with a loud message.
pub fn require(tool: &str) -> bool {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !found {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("interop peer `{tool}` is missing: scripts/test.sh installs it");
        }
        eprintln!("\n!!!!! SKIPPING: interop peer `{tool}` is not installed (run scripts/test.sh) !!!!!\n");
    }
    found
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

pub fn wait_for_port(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    panic!("nothing listens on port {port} after 10 s");
}

/// A child process in its own process group, killed with its whole group on drop (python3
/// here is a pyenv shim: the process we start is not the one that listens).
pub struct Peer {
    child: Child,
    pub stderr: Arc<Mutex<Vec<String>>>,
}

impl Peer {
    pub fn spawn(command: &mut Command) -> Self {
        Self::spawn_watching(command).0
    }

    /// Spawns and collects stderr lines; the receiver gets each line as it arrives.
    pub fn spawn_watching(command: &mut Command) -> (Self, mpsc::Receiver<String>) {
        use std::os::unix::process::CommandExt;
        let mut child = command
            .process_group(0)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {command:?}: {e}"));
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = mpsc::channel();
        let pipe = child.stderr.take().expect("stderr is piped");
        let lines = stderr.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                lines.lock().unwrap().push(line.clone());
                let _ = tx.send(line);
            }
        });
        (Self { child, stderr }, rx)
    }

    pub fn log(&self) -> String {
        self.stderr.lock().unwrap().join("\n")
    }

    /// Waits until a stderr line contains `needle`, returning it.
    pub fn wait_line(&self, rx: &mpsc::Receiver<String>, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return line,
                Ok(_) => continue,
                Err(_) => panic!("no stderr line with {needle:?}; got:\n{}", self.log()),
            }
        }
    }

    pub fn signal(&self, signal: &str) {
        let _ = Command::new("kill")
            .args([
                &format!("-{signal}"),
                "--",
                &format!("-{}", self.child.id()),
            ])
            .stderr(Stdio::null())
            .status();
    }

    pub fn wait_exit(&mut self, limit: Duration) -> Option<i32> {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status.code().unwrap_or(-1));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        self.signal("KILL");
        let _ = self.child.wait();
    }
}

/// A `tlslab serve` on a free port; returns the peer and its port.
pub fn serve(dir: &Path, extra: &[&str]) -> (Peer, u16, mpsc::Receiver<String>) {
    let mut command = tlslab();
    command
        .args(["serve", "--port", "0", "--dir"])
        .arg(dir)
        .args(extra);
    let (peer, rx) = Peer::spawn_watching(&mut command);
    let line = peer.wait_line(&rx, "listening on");
    let port = line
        .rsplit(':')
        .next()
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no port in {line:?}"));
    (peer, port, rx)
}

/// A fresh test PKI in a temporary directory.
pub struct Pki {
    pub dir: tempfile::TempDir,
}

impl Pki {
    pub fn new() -> Self {
        Self::with_key("p256")
    }

    pub fn with_key(key: &str) -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let (code, _, stderr) = run(&[
            "pki",
            "init",
            "--key",
            key,
            "--dir",
            dir.path().to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "pki init failed: {stderr}");
        Self { dir }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn arg(&self, name: &str) -> String {
        self.path(name).display().to_string()
    }
}

/// A CA and a server certificate (CN=localhost) valid from `not_before` to `not_after`,
/// written as ca.crt, srv.crt, srv.key.
pub fn pki_with_validity(
    not_before: time::OffsetDateTime,
    not_after: time::OffsetDateTime,
) -> tempfile::TempDir {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
    let dir = tempfile::tempdir().expect("a temporary directory");
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::default();
    ca.distinguished_name.push(DnType::CommonName, "ca");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca, &ca_key);
    let key = KeyPair::generate().unwrap();
    let mut leaf =
        CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()]).unwrap();
    leaf.distinguished_name
        .push(DnType::CommonName, "localhost");
    leaf.not_before = not_before;
    leaf.not_after = not_after;
    let cert = leaf.signed_by(&key, &issuer).unwrap();
    std::fs::write(dir.path().join("ca.crt"), ca_cert.pem()).unwrap();
    std::fs::write(dir.path().join("srv.crt"), cert.pem()).unwrap();
    std::fs::write(dir.path().join("srv.key"), key.serialize_pem()).unwrap();
    dir
}

/// `openssl s_server -www` with DIR/srv.crt and DIR/srv.key on a free port, once it listens.
pub fn s_server(cert_dir: &Path, extra: &[&str]) -> (Peer, u16) {
    let port = free_port();
    let mut command = Command::new("openssl");
    command
        .args(["s_server", "-accept", &port.to_string(), "-www", "-quiet"])
        .arg("-cert")
        .arg(cert_dir.join("srv.crt"))
        .arg("-key")
        .arg(cert_dir.join("srv.key"))
        .args(extra);
    let peer = Peer::spawn(&mut command);
    wait_for_port(port);
    (peer, port)
}

/// One of the Python peers in tests/peers/, started with `args`.
pub fn python_peer(script: &str, args: &[String]) -> Peer {
    let path = format!("{}/tests/peers/{script}", env!("CARGO_MANIFEST_DIR"));
    let mut command = Command::new("python3");
    command.arg(path).args(args);
    Peer::spawn(&mut command)
}

/// A plain-HTTP listener (Python's http.server) on a free port, once it listens.
pub fn plain_http() -> (Peer, u16) {
    let port = free_port();
    let mut command = Command::new("python3");
    command.args([
        "-m",
        "http.server",
        "--bind",
        "127.0.0.1",
        &port.to_string(),
    ]);
    let peer = Peer::spawn(&mut command);
    wait_for_port(port);
    (peer, port)
}
