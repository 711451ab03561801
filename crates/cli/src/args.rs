//! Command-line flags, as typed. Resolution into checked settings happens in the library
//! (`tlslab::settings`) before any I/O.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// tlslab — a TLS interop lab: test PKI, pinned servers and clients on rustls and OpenSSL,
/// every cipher-suite name, and the seed's demonstration in one command.
#[derive(Debug, Parser)]
#[command(name = "tlslab", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The seed (twisted#8826) end to end: two servers pinned to the same suite, one works.
    Demo(DemoArgs),
    /// Create or inspect a test PKI.
    #[command(subcommand)]
    Pki(PkiCommand),
    /// Run an HTTPS (or TLS echo) server pinned to suites, versions and groups.
    Serve(ServeArgs),
    /// Connect to a TLS server with a pinned client and report what happened, like curl -v.
    Connect(ConnectArgs),
    /// Say why a client and a server fail to talk (or work only by accident), with probes
    /// as evidence and the fix for each side. Takes the same flags as `connect`.
    Diagnose(ClientArgs),
    /// Find everything a server accepts: versions, every IANA suite, preference order,
    /// groups, signature schemes, certificates.
    Scan(ScanArgs),
    /// Run N servers side by side against the same client matrix; write a bug report.
    Compare(CompareArgs),
    /// Show the cipher-suite registry (and groups, signature schemes, alerts).
    Suites(SuitesArgs),
    /// List the broken-server profiles `serve --profile` can reproduce.
    Profiles(ProfilesArgs),
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SuitesArgs {
    /// Name fragments (any style), or exact names/codes such as 0xC02F; all must match.
    pub query: Vec<String>,
    /// Only suites with this key exchange (ECDHE, DHE, RSA, PSK, ANY …).
    #[arg(long)]
    pub kx: Option<String>,
    /// Only suites valid for this protocol version (1.0, 1.2, 1.3 …).
    #[arg(long = "version", value_name = "VERSION")]
    pub tls_version: Option<String>,
    /// Only suites this backend can negotiate.
    #[arg(long)]
    pub backend: Option<String>,
    /// Show named groups instead of suites.
    #[arg(long, conflicts_with_all = ["sigalgs", "alerts"])]
    pub groups: bool,
    /// Show signature schemes instead of suites.
    #[arg(long, conflicts_with = "alerts")]
    pub sigalgs: bool,
    /// Show alert descriptions instead of suites.
    #[arg(long)]
    pub alerts: bool,
    /// Print a JSON array.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum PkiCommand {
    /// Create ca.crt/ca.key, srv.crt/srv.key (CN=localhost) and dev.crt/dev.key (client).
    Init(PkiInitArgs),
    /// Show certificates: subject, issuer, validity, key, SANs, usages, fingerprints.
    Show(PkiShowArgs),
}

#[derive(Debug, Args)]
pub struct PkiInitArgs {
    /// Directory to write to.
    #[arg(long, default_value = ".")]
    pub dir: PathBuf,
    /// Key type: rsa2048, rsa3072, rsa4096, p256, p384, ed25519.
    #[arg(long, default_value = "rsa2048")]
    pub key: String,
    /// Validity in days.
    #[arg(long, default_value_t = 365)]
    pub days: u32,
    /// Extra SAN for the server certificate (DNS:name, IP:addr); repeatable.
    #[arg(long)]
    pub san: Vec<String>,
    /// Replace existing files.
    #[arg(long)]
    pub force: bool,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct PkiShowArgs {
    /// PEM or DER certificate files.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Print a JSON array.
    #[arg(long)]
    pub json: bool,
}

/// TLS flags shared by `serve` and `connect`.
#[derive(Debug, Args)]
pub struct TlsArgs {
    /// TLS stack: rustls or openssl (default: rustls, or openssl when the settings need it).
    #[arg(long)]
    pub backend: Option<String>,
    /// Suites in any naming style (IANA, OpenSSL, GnuTLS, NSS, 0xC02F, C0,2F), separated by
    /// ':' or ',' — or an OpenSSL cipher string such as 'ECDHE+AESGCM:!SHA1'.
    #[arg(long)]
    pub ciphers: Option<String>,
    /// Protocol version or range: 1.0, 1.1, 1.2, 1.3, 1.2-1.3.
    #[arg(long)]
    pub tls: Option<String>,
    /// Groups (x25519:secp256r1, P-256, ffdhe2048 …); 'none' means no elliptic curve.
    #[arg(long)]
    pub groups: Option<String>,
    /// ALPN protocols, comma separated (default h2,http/1.1 for HTTP).
    #[arg(long)]
    pub alpn: Option<String>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: String,
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 4443)]
    pub port: u16,
    /// PKI directory holding srv.crt, srv.key and ca.crt.
    #[arg(long, default_value = ".")]
    pub dir: PathBuf,
    /// Server certificate (default DIR/srv.crt).
    #[arg(long)]
    pub cert: Option<PathBuf>,
    /// Server private key (default DIR/srv.key).
    #[arg(long)]
    pub key: Option<PathBuf>,
    /// CA for client certificates (default DIR/ca.crt).
    #[arg(long)]
    pub ca: Option<PathBuf>,
    #[command(flatten)]
    pub tls: TlsArgs,
    /// Ask for client certificates: none, optional, required.
    #[arg(long, default_value = "none")]
    pub client_auth: String,
    /// Raw TLS echo instead of HTTP.
    #[arg(long)]
    pub echo: bool,
    /// Reproduce a broken server (see `tlslab profiles`).
    #[arg(long)]
    pub profile: Option<String>,
    /// Log one JSON object per handshake instead of a text line (on stderr).
    #[arg(long)]
    pub json: bool,
    /// Seconds a client may take to finish its handshake.
    #[arg(long, default_value_t = 10)]
    pub handshake_timeout: u64,
}

/// Client flags shared by `connect` and `diagnose`.
#[derive(Debug, Args)]
pub struct ClientArgs {
    /// https://host:port/path or host:port.
    pub target: String,
    #[command(flatten)]
    pub tls: TlsArgs,
    /// Newest protocol version to offer.
    #[arg(long)]
    pub tls_max: Option<String>,
    /// Signature schemes to offer, e.g. ecdsa_secp256r1_sha256:rsa_pss_rsae_sha256.
    #[arg(long)]
    pub sigalgs: Option<String>,
    /// CA certificates to trust (default: the system store).
    #[arg(long)]
    pub cacert: Option<PathBuf>,
    /// Client certificate.
    #[arg(long, requires = "key")]
    pub cert: Option<PathBuf>,
    /// Client private key.
    #[arg(long, requires = "cert")]
    pub key: Option<PathBuf>,
    /// Do not fail on certificate problems (they are still reported).
    #[arg(short = 'k', long)]
    pub insecure: bool,
    /// SNI name to send instead of the host ('' sends none).
    #[arg(long)]
    pub sni: Option<String>,
    /// Stop after the handshake: no HTTP request.
    #[arg(long)]
    pub no_http: bool,
    /// Seconds for each of connect, handshake and HTTP.
    #[arg(long, default_value_t = 10)]
    pub timeout: u64,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ConnectArgs {
    #[command(flatten)]
    pub client: ClientArgs,
    /// Do not diagnose a failed connection.
    #[arg(long)]
    pub no_diagnose: bool,
}

#[derive(Debug, Args)]
pub struct ProfilesArgs {
    /// Print a JSON array.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// host:port or https://host:port (port 443 when omitted).
    pub targets: Vec<String>,
    /// Read more targets from a file, one per line ('-' for stdin; '#' starts a comment).
    #[arg(long = "targets", value_name = "FILE")]
    pub targets_file: Option<String>,
    /// Connections in flight per target.
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    /// Targets scanned at once.
    #[arg(long, default_value_t = 4)]
    pub parallel: usize,
    /// At most this many handshakes per second, per target.
    #[arg(long)]
    pub rate: Option<f64>,
    /// Seconds to wait for a connection and for each answer.
    #[arg(long, default_value_t = 5)]
    pub timeout: u64,
    /// Retries after a probe times out or is cut off.
    #[arg(long, default_value_t = 2)]
    pub retries: u32,
    /// SNI to send instead of the host ('' sends none).
    #[arg(long)]
    pub sni: Option<String>,
    /// Suite names in the table: iana, openssl or gnutls.
    #[arg(long, default_value = "iana")]
    pub names: String,
    /// JSON: one object (one per line, as each target finishes, when there are several).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// A server to start: 'NAME=COMMAND' ({port} is replaced by a free port) or
    /// 'NAME:PORT=COMMAND' for a fixed port. Repeatable.
    #[arg(long = "server", value_name = "NAME=COMMAND")]
    pub servers: Vec<String>,
    /// An already-running server: NAME=HOST:PORT. Repeatable.
    #[arg(long = "target", value_name = "NAME=HOST:PORT")]
    pub targets: Vec<String>,
    /// A built-in tlslab server: NAME=BACKEND[:PROFILE], e.g. b=openssl:legacy-no-ecdh.
    #[arg(long = "builtin", value_name = "NAME=BACKEND[:PROFILE]")]
    pub builtins: Vec<String>,
    /// A command printing a server's version for the report: 'NAME=COMMAND'. Repeatable.
    #[arg(long = "version-cmd", value_name = "NAME=COMMAND")]
    pub version_cmds: Vec<String>,
    /// Client backends (repeat or comma-separate for several configurations).
    #[arg(long = "backend")]
    pub backends: Vec<String>,
    /// Client suites; a comma separates configurations, ':' joins suites within one.
    #[arg(long)]
    pub ciphers: Vec<String>,
    /// Client versions (repeat or comma-separate).
    #[arg(long)]
    pub tls: Vec<String>,
    /// Client groups; a comma separates configurations, ':' joins groups within one.
    #[arg(long)]
    pub groups: Vec<String>,
    /// PKI directory (built-in servers use srv.crt/srv.key; ca.crt is trusted; commands run here).
    #[arg(long, default_value = ".")]
    pub dir: PathBuf,
    /// CA to trust instead of DIR/ca.crt.
    #[arg(long)]
    pub cacert: Option<PathBuf>,
    /// Client certificate for every connection.
    #[arg(long, requires = "key")]
    pub cert: Option<PathBuf>,
    /// Client key.
    #[arg(long, requires = "cert")]
    pub key: Option<PathBuf>,
    /// Seconds a started server has to start listening.
    #[arg(long, default_value_t = 15)]
    pub ready_timeout: u64,
    /// Seconds for each connection.
    #[arg(long, default_value_t = 5)]
    pub timeout: u64,
    /// Do not scan each server.
    #[arg(long)]
    pub no_scan: bool,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
    /// Write the bug report (Markdown) here.
    #[arg(long, value_name = "FILE")]
    pub markdown: Option<PathBuf>,
    /// Write a self-contained HTML page here.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Replace existing report files.
    #[arg(long)]
    pub force: bool,
}
