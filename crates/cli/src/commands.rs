//! One function per subcommand: resolve flags, call the library, print, pick the exit code.

use std::io::{self, Write};
use std::net::IpAddr;
use std::time::Duration;

use anyhow::Result;
use comfy_table::{presets, Table};
use serde_json::json;
use tlslab::client::{self, ConnectConfig, Target};
use tlslab::pki::{self, KeyAlgorithm, PkiOptions};
use tlslab::server::{ServeConfig, ServeMode, Server};
use tlslab::settings::{
    BackendKind, ClientAuth, GroupSpec, Identity, Role, TlsRequest, TlsSettings, TrustAnchors,
};
use tlslab::{backend, demo, diagnose, profiles, report, UsageError};
use tlslab_wire::registry::{self, SuiteInfo};
use tlslab_wire::{CipherSuite, ProtocolVersion};
use tokio::signal::unix::{signal, SignalKind};

use crate::args::{
    Cli, ClientArgs, Command, CompareArgs, ConnectArgs, DemoArgs, PkiCommand, PkiInitArgs,
    PkiShowArgs, ProfilesArgs, ScanArgs, ServeArgs, SuitesArgs, TlsArgs,
};
use crate::EXIT_NEGATIVE;

pub async fn run(cli: Cli) -> Result<u8> {
    match cli.command {
        Command::Demo(args) => demo_cmd(args).await,
        Command::Suites(args) => suites(args),
        Command::Pki(PkiCommand::Init(args)) => pki_init(args),
        Command::Pki(PkiCommand::Show(args)) => pki_show(args),
        Command::Serve(args) => serve(args).await,
        Command::Connect(args) => connect(args).await,
        Command::Profiles(args) => profiles_cmd(args),
        Command::Scan(args) => scan(args).await,
        Command::Diagnose(args) => diagnose_cmd(args).await,
        Command::Compare(args) => compare_cmd(args).await,
    }
}

fn out(text: &str) -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()
}

fn out_json(value: &impl serde::Serialize) -> io::Result<()> {
    let mut text = serde_json::to_string_pretty(value).map_err(io::Error::other)?;
    text.push('\n');
    out(&text)
}

async fn demo_cmd(args: DemoArgs) -> Result<u8> {
    let result = demo::run().await?;
    if args.json {
        out_json(&result)?;
    } else {
        out(&report::demo_text(&result))?;
    }
    Ok(if result.reproduced { 0 } else { EXIT_NEGATIVE })
}

fn suite_json(info: &SuiteInfo) -> serde_json::Value {
    let rustls = backend::rustls::suites().contains(&info.code);
    let mut backends = Vec::new();
    if rustls {
        backends.push("rustls");
    }
    if info.openssl.is_some() {
        backends.push("openssl");
    }
    json!({
        "code": info.code.hex(),
        "iana": info.iana,
        "openssl": info.openssl,
        "gnutls": info.gnutls,
        "nss": info.nss,
        "kx": info.kx,
        "auth": info.auth,
        "cipher": info.cipher,
        "mac": info.mac,
        "versions": info.versions().iter().map(|v| v.to_string()).collect::<Vec<_>>(),
        "backends": backends,
        "source": info.source,
    })
}

/// A `suites` query: an exact name or code selects one suite, anything else is a fragment.
enum SuiteQuery {
    Exact(CipherSuite),
    Fragment(String),
}

impl SuiteQuery {
    fn new(text: &str) -> Self {
        match registry::resolve_suite(text) {
            Ok(code) => Self::Exact(code),
            Err(_) => Self::Fragment(squash(text)),
        }
    }

    fn matches(&self, info: &SuiteInfo) -> bool {
        match self {
            Self::Exact(code) => *code == info.code,
            Self::Fragment(needle) => [Some(info.iana), info.openssl, info.gnutls, info.nss]
                .into_iter()
                .flatten()
                .any(|name| squash(name).contains(needle.as_str())),
        }
    }
}

fn squash(text: &str) -> String {
    text.to_ascii_uppercase().replace(['-', '_'], "")
}

fn suites(args: SuitesArgs) -> Result<u8> {
    if args.groups {
        return groups_table(args.json);
    }
    if args.sigalgs || args.alerts {
        return simple_table(args.sigalgs, args.json);
    }
    let version = args
        .tls_version
        .as_deref()
        .map(|v| {
            ProtocolVersion::from_name(v).ok_or_else(|| {
                UsageError::new(
                    format!("invalid TLS version '{v}'"),
                    "use 1.0, 1.1, 1.2 or 1.3 (or ssl3)",
                )
            })
        })
        .transpose()?;
    let backend = args
        .backend
        .as_deref()
        .map(BackendKind::parse)
        .transpose()?;
    let rustls_suites = backend::rustls::suites();
    let kx = args.kx.as_deref().map(str::to_ascii_uppercase);
    let queries: Vec<SuiteQuery> = args.query.iter().map(|q| SuiteQuery::new(q)).collect();
    let selected: Vec<&SuiteInfo> = registry::suites()
        .iter()
        .filter(|info| queries.iter().all(|q| q.matches(info)))
        .filter(|info| {
            kx.as_deref()
                .is_none_or(|kx| info.kx.eq_ignore_ascii_case(kx))
        })
        .filter(|info| version.is_none_or(|v| info.valid_for(v)))
        .filter(|info| match backend {
            Some(BackendKind::Rustls) => rustls_suites.contains(&info.code),
            Some(BackendKind::Openssl) => info.openssl.is_some(),
            None => true,
        })
        .collect();
    if selected.is_empty() {
        let hint = args
            .query
            .iter()
            .find_map(|q| registry::resolve_suite(q).err())
            .map(|e| e.to_string())
            .unwrap_or_else(|| "no suite matches all the filters".to_string());
        if args.json {
            out("[]\n")?;
        }
        eprintln!("tlslab: no suite matches: {hint}");
        return Ok(EXIT_NEGATIVE);
    }
    if args.json {
        let rows: Vec<_> = selected.iter().map(|info| suite_json(info)).collect();
        out_json(&rows)?;
        return Ok(0);
    }
    let mut table = Table::new();
    table.load_preset(presets::NOTHING);
    table.set_header([
        "code", "IANA", "OpenSSL", "GnuTLS", "NSS", "kx", "auth", "cipher", "mac", "versions",
        "backends",
    ]);
    for info in &selected {
        let versions = info.versions();
        let range = match (versions.first(), versions.last()) {
            (Some(a), Some(b)) if a == b => a.to_string(),
            (Some(a), Some(b)) => format!("{a}-{b}"),
            _ => "-".to_string(),
        };
        let mut backends = Vec::new();
        if rustls_suites.contains(&info.code) {
            backends.push("rustls");
        }
        if info.openssl.is_some() {
            backends.push("openssl");
        }
        table.add_row([
            info.code.hex(),
            info.iana.to_string(),
            info.openssl.unwrap_or("-").to_string(),
            info.gnutls.unwrap_or("-").to_string(),
            info.nss.unwrap_or("-").to_string(),
            info.kx.to_string(),
            info.auth.to_string(),
            info.cipher.to_string(),
            info.mac.to_string(),
            range,
            if backends.is_empty() {
                "-".to_string()
            } else {
                backends.join(",")
            },
        ]);
    }
    out(&format!("{table}\n{} suites\n", selected.len()))?;
    Ok(0)
}

fn groups_table(as_json: bool) -> Result<u8> {
    let rustls_groups = backend::rustls::groups();
    if as_json {
        let rows: Vec<_> = registry::groups()
            .iter()
            .map(|g| {
                json!({
                    "code": g.code.hex(), "name": g.name, "kind": g.kind.label(),
                    "openssl": g.openssl, "gnutls": g.gnutls,
                    "rustls": rustls_groups.contains(&g.code), "source": g.source,
                })
            })
            .collect();
        out_json(&rows)?;
        return Ok(0);
    }
    let mut table = Table::new();
    table.load_preset(presets::NOTHING);
    table.set_header(["code", "name", "kind", "OpenSSL", "GnuTLS", "rustls"]);
    for g in registry::groups() {
        table.add_row([
            g.code.hex(),
            g.name.to_string(),
            g.kind.label().to_string(),
            g.openssl.unwrap_or("-").to_string(),
            g.gnutls.unwrap_or("-").to_string(),
            if rustls_groups.contains(&g.code) {
                "yes"
            } else {
                "-"
            }
            .to_string(),
        ]);
    }
    out(&format!("{table}\n"))?;
    Ok(0)
}

fn simple_table(sigalgs: bool, as_json: bool) -> Result<u8> {
    let rows: Vec<(String, &str)> = if sigalgs {
        registry::signature_schemes()
            .iter()
            .map(|(code, name)| (format!("0x{code:04X}"), *name))
            .collect()
    } else {
        registry::alerts()
            .iter()
            .map(|(code, name)| (code.to_string(), *name))
            .collect()
    };
    if as_json {
        let values: Vec<_> = rows
            .iter()
            .map(|(code, name)| json!({"code": code, "name": name}))
            .collect();
        out_json(&values)?;
        return Ok(0);
    }
    let mut table = Table::new();
    table.load_preset(presets::NOTHING);
    table.set_header(["code", "name"]);
    for (code, name) in rows {
        table.add_row([code, name.to_string()]);
    }
    out(&format!("{table}\n"))?;
    Ok(0)
}

fn pki_init(args: PkiInitArgs) -> Result<u8> {
    let options = PkiOptions {
        dir: args.dir,
        key: KeyAlgorithm::parse(&args.key)?,
        days: args.days,
        extra_sans: args.san,
        force: args.force,
    };
    let result = pki::init(&options)?;
    if args.json {
        out_json(&result)?;
    } else {
        let p = &result.paths;
        let mut text = String::new();
        text.push_str(&format!(
            "Created a test PKI in {} ({} keys, valid {} days):\n",
            options.dir.display(),
            args.key,
            options.days
        ));
        text.push_str(&format!(
            "  {}  {}  CA, {}\n",
            p.ca_cert.display(),
            p.ca_key.display(),
            result.ca.subject
        ));
        text.push_str(&format!(
            "  {}  {}  server, {}, SAN {}\n",
            p.server_cert.display(),
            p.server_key.display(),
            result.server.subject,
            result.server.san.join(", ")
        ));
        text.push_str(&format!(
            "  {}  {}  client, {}\n",
            p.client_cert.display(),
            p.client_key.display(),
            result.client.subject
        ));
        text.push_str("Private keys are mode 0600. Try:\n");
        text.push_str(&format!("  tlslab serve --dir {}\n", options.dir.display()));
        text.push_str(&format!(
            "  curl --cacert {} https://localhost:4443/\n",
            p.ca_cert.display()
        ));
        out(&text)?;
    }
    Ok(0)
}

fn pki_show(args: PkiShowArgs) -> Result<u8> {
    let shown = pki::show(&args.files)?;
    if args.json {
        out_json(&shown)?;
        return Ok(0);
    }
    let mut text = String::new();
    for cert in &shown {
        text.push_str(&format!("{} [{}]\n", cert.file.display(), cert.index));
        text.push_str(&report::certificate_text(&cert.summary));
    }
    out(&text)?;
    Ok(0)
}

fn tls_request(tls: &TlsArgs, tls_max: Option<String>) -> TlsRequest {
    TlsRequest {
        backend: tls.backend.clone(),
        ciphers: tls.ciphers.clone(),
        tls: tls.tls.clone(),
        tls_max,
        groups: tls.groups.clone(),
        alpn: tls.alpn.clone(),
        sigalgs: None,
    }
}

fn describe_settings(settings: &TlsSettings) -> String {
    let suites = settings.pinned_suites();
    let suites = if suites.is_empty() {
        "backend defaults".to_string()
    } else {
        suites
            .iter()
            .map(CipherSuite::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let groups = match &settings.groups {
        None => "backend defaults".to_string(),
        Some(GroupSpec::NoEllipticCurves) => {
            format!("none (only {})", backend::openssl::NO_EC_GROUPS)
        }
        Some(GroupSpec::List(list)) => list
            .iter()
            .map(|g| g.to_string())
            .collect::<Vec<_>>()
            .join(", "),
    };
    format!(
        "{}; {}; suites {suites}; groups {groups}",
        settings.backend, settings.versions
    )
}

async fn serve(args: ServeArgs) -> Result<u8> {
    let mut request = tls_request(&args.tls, None);
    let profile = args.profile.as_deref().map(profiles::find).transpose()?;
    if let Some(profile) = profile {
        profile.apply(&mut request)?;
    }
    let mode = if args.echo {
        ServeMode::Echo
    } else {
        ServeMode::Http
    };
    if request.alpn.is_none() && mode == ServeMode::Http {
        request.alpn = Some("h2,http/1.1".to_string());
    }
    let settings = TlsSettings::resolve(&request, Role::Server)?;
    let bind: IpAddr = args.bind.parse().map_err(|_| {
        UsageError::new(
            format!("invalid --bind address '{}'", args.bind),
            "use an IP address such as 127.0.0.1 or ::1",
        )
    })?;
    let cert = args
        .cert
        .clone()
        .unwrap_or_else(|| args.dir.join("srv.crt"));
    let key = args.key.clone().unwrap_or_else(|| args.dir.join("srv.key"));
    let identity = Identity::load(&cert, &key)?;
    let client_auth = ClientAuth::parse(&args.client_auth)?;
    let trust = match (&args.ca, client_auth) {
        (Some(ca), _) => Some(TrustAnchors::load(ca)?),
        (None, ClientAuth::None) => None,
        (None, _) => Some(TrustAnchors::load(&args.dir.join("ca.crt"))?),
    };
    let config = ServeConfig {
        bind,
        port: args.port,
        settings: settings.clone(),
        identity,
        client_auth,
        trust,
        mode,
        profile,
        handshake_timeout: Duration::from_secs(args.handshake_timeout.max(1)),
        idle_timeout: Duration::from_secs(30),
        max_connections: 1024,
    };
    // Register for SIGINT/SIGTERM before saying "listening": a signal that arrives right
    // after must still shut down cleanly.
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    let server = Server::bind(config).await?;
    let address = server.local_addr();
    eprintln!(
        "tlslab serve: listening on {}://{address} ({})",
        if args.echo { "tls" } else { "https" },
        describe_settings(&settings)
    );
    if let Some(profile) = profile {
        eprintln!(
            "tlslab serve: profile {}: {}",
            profile.name, profile.summary
        );
    }
    for note in &settings.notes {
        eprintln!("tlslab serve: note: {note}");
    }
    if client_auth != ClientAuth::None {
        eprintln!(
            "tlslab serve: client certificates {}",
            if client_auth == ClientAuth::Required {
                "required"
            } else {
                "requested (optional)"
            }
        );
    }
    let (events_tx, mut events_rx) = tokio::sync::mpsc::unbounded_channel();
    let json = args.json;
    let printer = tokio::spawn(async move {
        while let Some(event) = events_rx.recv().await {
            let event: tlslab::server::HandshakeEvent = event;
            if json {
                eprintln!("{}", serde_json::to_string(&event).unwrap_or_default());
            } else {
                eprintln!("tlslab serve: {}", event.log_line());
            }
        }
    });
    server
        .run(events_tx, async move {
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = terminate.recv() => {}
            }
            eprintln!("tlslab serve: shutting down");
        })
        .await;
    let _ = printer.await;
    Ok(0)
}

fn connect_config(args: &ClientArgs) -> Result<ConnectConfig> {
    let target = Target::parse(&args.target)?;
    let mut request = tls_request(&args.tls, args.tls_max.clone());
    request.sigalgs = args.sigalgs.clone();
    if request.alpn.is_none() && !args.no_http {
        request.alpn = Some("h2,http/1.1".to_string());
    }
    let settings = TlsSettings::resolve(&request, Role::Client)?;
    let trust = args.cacert.as_deref().map(TrustAnchors::load).transpose()?;
    let identity = match (&args.cert, &args.key) {
        (Some(cert), Some(key)) => Some(Identity::load(cert, key)?),
        _ => None,
    };
    if args.timeout == 0 {
        return Err(UsageError::new(
            "--timeout 0 would give up at once",
            "use --timeout 1 or more (seconds)",
        )
        .into());
    }
    Ok(ConnectConfig {
        target,
        settings,
        trust,
        identity,
        insecure: args.insecure,
        sni: args.sni.clone(),
        http: !args.no_http,
        timeout: Duration::from_secs(args.timeout),
    })
}

async fn connect(args: ConnectArgs) -> Result<u8> {
    let config = connect_config(&args.client)?;
    let result = if args.no_diagnose {
        client::connect(&config).await
    } else {
        diagnose::connect_and_diagnose(&config).await
    };
    if args.client.json {
        out_json(&result)?;
    } else {
        out(&report::connect_text(&result))?;
    }
    Ok(if result.ok { 0 } else { EXIT_NEGATIVE })
}

async fn diagnose_cmd(args: ClientArgs) -> Result<u8> {
    let config = connect_config(&args)?;
    let result = diagnose::connect_and_diagnose(&config).await;
    if args.json {
        out_json(&result)?;
    } else {
        let mut text = report::connect_text(&result);
        if result.ok && result.diagnosis.is_empty() {
            text.push_str("* Diagnosis: the connection works as configured; nothing to fix.\n");
        }
        out(&text)?;
    }
    let errors = result
        .diagnosis
        .iter()
        .any(|f| f.severity == diagnose::Severity::Error);
    Ok(if result.ok && !errors {
        0
    } else {
        EXIT_NEGATIVE
    })
}

fn profiles_cmd(args: ProfilesArgs) -> Result<u8> {
    if args.json {
        let rows: Vec<_> = profiles::PROFILES
            .iter()
            .map(|p| {
                json!({
                    "name": p.name, "summary": p.summary, "case": p.case, "backend": p.backend,
                    "tls": p.tls, "ciphers": p.ciphers, "groups": p.groups, "dh_bits": p.dh_bits,
                })
            })
            .collect();
        out_json(&rows)?;
        return Ok(0);
    }
    let mut text = String::new();
    for p in profiles::PROFILES {
        text.push_str(&format!("{}: {}\n", p.name, p.summary));
        text.push_str(&format!(
            "  {}\n",
            p.case.split_whitespace().collect::<Vec<_>>().join(" ")
        ));
        text.push_str(&format!(
            "  serves: {} backend, TLS {}, suites {}, groups {}{}\n\n",
            p.backend,
            p.tls,
            p.ciphers,
            p.groups.unwrap_or("default"),
            p.dh_bits
                .map(|b| format!(", {b}-bit DH"))
                .unwrap_or_default()
        ));
    }
    out(&text)?;
    Ok(0)
}

fn scan_targets(args: &ScanArgs) -> Result<Vec<Target>> {
    let mut texts: Vec<String> = args.targets.clone();
    if let Some(file) = &args.targets_file {
        let content = if file == "-" {
            io::read_to_string(io::stdin())?
        } else {
            std::fs::read_to_string(file).map_err(|e| {
                UsageError::new(
                    format!("cannot read targets file {file}: {e}"),
                    "check the path, or pass '-' to read stdin",
                )
            })?
        };
        texts.extend(
            content
                .lines()
                .map(|line| line.split('#').next().unwrap_or("").trim().to_string())
                .filter(|line| !line.is_empty()),
        );
    }
    if texts.is_empty() {
        return Err(UsageError::new(
            "no target to scan",
            "name one (tlslab scan localhost:4443) or pass --targets FILE",
        )
        .into());
    }
    Ok(texts
        .iter()
        .map(|t| Target::parse(t))
        .collect::<Result<_, _>>()?)
}

async fn scan(args: ScanArgs) -> Result<u8> {
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::Arc;

    use futures_util::stream::{self, StreamExt};
    use tlslab::scan::{self, ScanConfig};

    let names = report::NameStyle::parse(&args.names)?;
    let targets = scan_targets(&args)?;
    if args.concurrency == 0 || args.parallel == 0 || args.timeout == 0 {
        return Err(UsageError::new(
            "--concurrency, --parallel and --timeout must be at least 1",
            "raise the value (defaults: 8, 4, 5)",
        )
        .into());
    }
    if args.rate.is_some_and(|r| r.is_nan() || r <= 0.0) {
        return Err(UsageError::new(
            "--rate must be a positive number of handshakes per second",
            "e.g. --rate 50",
        )
        .into());
    }
    let several = targets.len() > 1;
    let progress = indicatif::ProgressBar::with_draw_target(
        Some(targets.len() as u64),
        indicatif::ProgressDrawTarget::stderr(),
    );
    if several {
        progress.set_style(
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} targets, {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
    } else {
        progress.set_style(indicatif::ProgressStyle::default_spinner());
    }
    let counter = Arc::new(AtomicU32::new(0));
    let ticker = {
        let progress = progress.clone();
        let counter = counter.clone();
        tokio::spawn(async move {
            loop {
                progress.set_message(format!("{} handshakes", counter.load(Ordering::Relaxed)));
                progress.tick();
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        })
    };
    let configs: Vec<ScanConfig> = targets
        .into_iter()
        .map(|target| ScanConfig {
            sni: args.sni.clone(),
            concurrency: args.concurrency,
            rate: args.rate,
            connect_timeout: Duration::from_secs(args.timeout),
            read_timeout: Duration::from_secs(args.timeout),
            retries: args.retries,
            ..ScanConfig::new(target)
        })
        .collect();
    let mut results = stream::iter(configs.into_iter().map(|config| {
        let counter = counter.clone();
        async move { scan::scan(&config, Some(counter)).await }
    }))
    .buffer_unordered(args.parallel);
    let mut all_found = true;
    while let Some(report) = results.next().await {
        all_found &= report.found_tls();
        progress.inc(1);
        let text = if args.json && several {
            let mut line = serde_json::to_string(&report)?;
            line.push('\n');
            line
        } else if args.json {
            let mut text = serde_json::to_string_pretty(&report)?;
            text.push('\n');
            text
        } else {
            let mut text = report::scan_text(&report, names);
            if several {
                text.push('\n');
            }
            text
        };
        progress.suspend(|| out(&text))?;
    }
    ticker.abort();
    progress.finish_and_clear();
    Ok(if all_found { 0 } else { EXIT_NEGATIVE })
}

async fn compare_cmd(args: CompareArgs) -> Result<u8> {
    use tlslab::compare::{self, CompareConfig, ServerSpec};

    let mut servers: Vec<ServerSpec> = Vec::new();
    for text in &args.servers {
        servers.push(ServerSpec::parse_command(text)?);
    }
    for text in &args.targets {
        servers.push(ServerSpec::parse_target(text)?);
    }
    for text in &args.builtins {
        servers.push(ServerSpec::parse_builtin(text)?);
    }
    if servers.is_empty() {
        return Err(UsageError::new(
            "nothing to compare",
            "name servers with --server 'NAME=COMMAND', --target NAME=HOST:PORT or --builtin NAME=BACKEND[:PROFILE]",
        )
        .into());
    }
    for (index, spec) in servers.iter().enumerate() {
        if servers[..index].iter().any(|other| other.name == spec.name) {
            return Err(UsageError::new(
                format!("two servers are called '{}'", spec.name),
                "give each server its own name",
            )
            .into());
        }
    }
    for text in &args.version_cmds {
        let Some((name, command)) = text.split_once('=') else {
            return Err(UsageError::new(
                format!("invalid --version-cmd '{text}'"),
                "write --version-cmd 'NAME=COMMAND'",
            )
            .into());
        };
        let spec = servers
            .iter_mut()
            .find(|s| s.name == name.trim())
            .ok_or_else(|| {
                UsageError::new(
                    format!(
                        "--version-cmd names '{}', which is no server here",
                        name.trim()
                    ),
                    "use the NAME of a --server, --target or --builtin",
                )
            })?;
        spec.version_command = Some(command.trim().to_string());
    }
    for path in [&args.markdown, &args.html].into_iter().flatten() {
        if path.exists() && !args.force {
            return Err(UsageError::new(
                format!("refusing to overwrite {}", path.display()),
                "pass --force, or name another file",
            )
            .into());
        }
    }
    let clients = compare::client_matrix(&args.backends, &args.ciphers, &args.tls, &args.groups);
    for client in &clients {
        TlsSettings::resolve(&client.request, Role::Client)?;
    }
    let identity = match (&args.cert, &args.key) {
        (Some(cert), Some(key)) => Some(Identity::load(cert, key)?),
        _ => None,
    };
    if let Some(cacert) = &args.cacert {
        TrustAnchors::load(cacert)?;
    }
    if !args.dir.is_dir() {
        return Err(UsageError::new(
            format!("{} is not a directory", args.dir.display()),
            "pass --dir with a PKI directory (tlslab pki init --dir DIR)",
        )
        .into());
    }
    if args.ready_timeout == 0 || args.timeout == 0 {
        return Err(UsageError::new(
            "--ready-timeout and --timeout must be at least 1",
            "raise the value (seconds)",
        )
        .into());
    }
    let config = CompareConfig {
        servers,
        clients,
        pki_dir: args.dir.clone(),
        cacert: args.cacert.clone(),
        identity,
        ready_timeout: Duration::from_secs(args.ready_timeout),
        timeout: Duration::from_secs(args.timeout),
        scan: !args.no_scan,
    };
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    let result = tokio::select! {
        result = compare::compare(&config) => result,
        _ = interrupt.recv() => {
            return Err(UsageError::new("interrupted", "every server tlslab started has been stopped").into());
        }
        _ = terminate.recv() => {
            return Err(UsageError::new("terminated", "every server tlslab started has been stopped").into());
        }
    };
    if let Some(path) = &args.markdown {
        std::fs::write(path, report::compare_markdown(&result, &config)).map_err(|e| {
            UsageError::new(
                format!("cannot write {}: {e}", path.display()),
                "check the path",
            )
        })?;
    }
    if let Some(path) = &args.html {
        std::fs::write(path, report::compare_html(&result)).map_err(|e| {
            UsageError::new(
                format!("cannot write {}: {e}", path.display()),
                "check the path",
            )
        })?;
    }
    if args.json {
        out_json(&result)?;
    } else {
        out(&report::compare_text(&result))?;
    }
    Ok(if result.ok { 0 } else { EXIT_NEGATIVE })
}
