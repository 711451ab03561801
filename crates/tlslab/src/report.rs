//! Human-readable renderings of results: `connect` in the style of `curl -v`, and the demo's
//! side-by-side table. JSON needs no code here: every result type serialises itself.

use std::fmt::Write as _;

use crate::certs::CertSummary;
use crate::client::ConnectReport;

/// Renders a connect report the way `curl -v` would, but with everything it leaves out.
pub fn connect_text(report: &ConnectReport) -> String {
    let mut out = String::new();
    let mut line = |text: String| {
        out.push_str(&text);
        out.push('\n');
    };
    match &report.address {
        Some(address) => line(format!("* Trying {address}...")),
        None => line(format!("* Resolving {}...", report.target)),
    }
    for note in &report.notes {
        line(format!("* Note: {note}"));
    }
    if report.insecure {
        line("* WARNING: --insecure: the certificate is not checked; anyone could be on the other end".to_string());
    }
    let connected = report.offered.is_some();
    if connected {
        line(format!(
            "* Connected to {} ({})",
            report.target,
            report.address.as_deref().unwrap_or("?")
        ));
        line(format!("* Backend: {}", report.backend));
    }
    if let Some(offered) = &report.offered {
        line(format!(
            "* Offered versions: {}",
            offered.versions.join(", ")
        ));
        line(format!(
            "* Offered suites ({}): {}",
            offered.cipher_suites.len(),
            offered.cipher_suites.join(", ")
        ));
        line(format!("* Offered groups: {}", offered.groups.join(", ")));
        if !offered.alpn.is_empty() {
            line(format!("* ALPN, offering {}", offered.alpn.join(", ")));
        }
    }
    if let (Some(protocol), Some(suite)) = (&report.protocol, &report.cipher_suite) {
        line(format!(
            "* SSL connection using {protocol} / {}",
            suite.seed_style()
        ));
        line(format!("*   IANA:    {} ({})", suite.iana, suite.code));
        line(format!(
            "*   OpenSSL: {}",
            suite.openssl.as_deref().unwrap_or("-")
        ));
        line(format!(
            "*   GnuTLS:  {}",
            suite.gnutls.as_deref().unwrap_or("-")
        ));
        line(format!(
            "* Group: {}",
            report.group.as_deref().unwrap_or("-")
        ));
        match &report.alpn {
            Some(alpn) => line(format!("* ALPN, server accepted {alpn}")),
            None => line("* ALPN, server did not agree to a protocol".to_string()),
        }
    }
    if !report.certificates.is_empty() {
        line("* Server certificate chain:".to_string());
        for (depth, cert) in report.certificates.iter().enumerate() {
            certificate_lines(&mut line, depth, cert);
        }
        let v = &report.verification;
        match (v.trusted, &v.error) {
            (Some(true), None) => line(format!(
                "* \t server certificate verification OK (trusted via {})",
                v.trust_source
            )),
            (Some(true), Some(error)) => line(format!(
                "* \t server certificate verification OK, but: {error}"
            )),
            (_, Some(error)) => line(format!(
                "* \t server certificate verification FAILED: {error} (trust: {})",
                v.trust_source
            )),
            (_, None) => line("* \t server certificate verification not done".to_string()),
        }
        match v.hostname_matched {
            Some(true) => line(format!(
                "* \t host name: {} (matched)",
                host_of(&report.target)
            )),
            Some(false) => line(format!(
                "* \t host name: {} does NOT match the certificate",
                host_of(&report.target)
            )),
            None => {}
        }
    }
    if let Some(http) = &report.http {
        line(format!("< {} {}", http.version, status_text(http.status)));
        for (name, value) in &http.headers {
            line(format!("< {name}: {value}"));
        }
        line("<".to_string());
        if let Some(body) = &http.body {
            out.push_str(body);
            if !body.ends_with('\n') {
                out.push('\n');
            }
        }
    }
    if let Some(error) = &report.error {
        let mut text = String::new();
        let _ = write!(
            text,
            "* TLS connection failed ({}): ",
            serde_json::to_value(error.kind)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default()
        );
        match (&error.alert, error.alert_from) {
            (Some(alert), Some(from)) => {
                let _ = write!(text, "{from} sent fatal alert {alert}; {}", error.message);
            }
            _ => text.push_str(&error.message),
        }
        out.push_str(&text);
        out.push('\n');
    }
    out.push_str(&diagnosis_text(
        &report.diagnosis,
        report.diagnosis_probes,
        "* ",
    ));
    out
}

/// Renders findings: "Why" with the evidence, then "Fix" for each side.
pub fn diagnosis_text(findings: &[crate::diagnose::Finding], probes: u32, prefix: &str) -> String {
    let mut out = String::new();
    for finding in findings {
        let kind = match finding.severity {
            crate::diagnose::Severity::Error => "Why",
            crate::diagnose::Severity::Warning => "Warning",
        };
        let confidence = serde_json::to_value(finding.confidence)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{prefix}{kind} [{} — {confidence}]: {}",
            finding.code, finding.summary
        );
        for evidence in &finding.evidence {
            let _ = writeln!(
                out,
                "{prefix}    probe: {} → {}",
                evidence.probe, evidence.result
            );
        }
        let _ = writeln!(out, "{prefix}  Fix on the server: {}", finding.fix.server);
        let _ = writeln!(out, "{prefix}  Fix on the client: {}", finding.fix.client);
    }
    if !findings.is_empty() && probes > 0 {
        let _ = writeln!(out, "{prefix}(diagnosis made {probes} probe connections)");
    }
    out
}

fn status_text(status: u16) -> String {
    let reason = hyper::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    format!("{status} {reason}").trim_end().to_string()
}

fn host_of(target: &str) -> &str {
    target
        .rsplit_once(':')
        .map(|(host, _)| host.trim_start_matches('[').trim_end_matches(']'))
        .unwrap_or(target)
}

fn certificate_lines(line: &mut impl FnMut(String), depth: usize, cert: &CertSummary) {
    line(format!("*  {depth} subject: {}", cert.subject));
    line(format!("*    issuer: {}", cert.issuer));
    line(format!(
        "*    valid: {} .. {}",
        cert.not_before, cert.not_after
    ));
    line(format!(
        "*    key: {}, X.509 v{}, {}",
        cert.key, cert.version, cert.signature_algorithm
    ));
    if !cert.san.is_empty() {
        line(format!("*    SAN: {}", cert.san.join(", ")));
    }
}

/// Renders a certificate for `pki show`.
pub fn certificate_text(cert: &CertSummary) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "  subject:     {}", cert.subject);
    let _ = writeln!(out, "  issuer:      {}", cert.issuer);
    let _ = writeln!(out, "  serial:      {}", cert.serial);
    let _ = writeln!(out, "  not before:  {}", cert.not_before);
    let _ = writeln!(out, "  not after:   {}", cert.not_after);
    let _ = writeln!(out, "  key:         {}", cert.key);
    let _ = writeln!(out, "  version:     X.509 v{}", cert.version);
    let _ = writeln!(out, "  signature:   {}", cert.signature_algorithm);
    let list = |items: &[String]| {
        if items.is_empty() {
            "-".to_string()
        } else {
            items.join(", ")
        }
    };
    let _ = writeln!(
        out,
        "  CA:          {}",
        if cert.is_ca { "yes" } else { "no" }
    );
    let _ = writeln!(out, "  SAN:         {}", list(&cert.san));
    let _ = writeln!(out, "  key usage:   {}", list(&cert.key_usage));
    let _ = writeln!(out, "  ext. usage:  {}", list(&cert.extended_key_usage));
    let _ = writeln!(out, "  SHA-256:     {}", cert.sha256);
    let _ = writeln!(out, "  SHA-1:       {}", cert.sha1);
    out
}

/// Wraps `text` into lines of at most `width` characters, on spaces where possible.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let mut word = word.to_string();
        while word.chars().count() > width {
            if !current.is_empty() {
                lines.push(std::mem::take(&mut current));
            }
            let head: String = word.chars().take(width).collect();
            word = word.chars().skip(width).collect();
            lines.push(head);
        }
        if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(&word);
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(current);
    }
    lines
}

/// One demo column's cells, in the seed's terms.
fn demo_cells(side: &crate::demo::DemoSide) -> Vec<(&'static str, String)> {
    let client = &side.client;
    let mut cells = vec![(
        "server",
        match &side.profile {
            Some(profile) => format!("{} (--profile {profile})", side.address),
            None => format!("{} (correctly configured)", side.address),
        },
    )];
    match (&client.protocol, &client.cipher_suite, &client.error) {
        (Some(protocol), Some(suite), None) => {
            cells.push((
                "result",
                format!("SSL connection using {protocol} / {}", suite.seed_style()),
            ));
            cells.push(("group", client.group.clone().unwrap_or_else(|| "-".into())));
            let v = &client.verification;
            cells.push((
                "certificate",
                format!(
                    "verification {}, localhost {}",
                    if v.trusted == Some(true) {
                        "OK"
                    } else {
                        "FAILED"
                    },
                    if v.hostname_matched == Some(true) {
                        "matched"
                    } else {
                        "NOT matched"
                    }
                ),
            ));
            if let Some(http) = &client.http {
                cells.push((
                    "HTTP",
                    format!("{} {}", http.version, status_text(http.status)),
                ));
            }
        }
        (_, _, Some(error)) => {
            let alert = match (&error.alert, error.alert_from) {
                (Some(alert), Some(from)) => format!("{from} sent alert {alert}"),
                _ => error.message.clone(),
            };
            cells.push(("result", format!("handshake failure: {alert}")));
            cells.push(("group", "-".into()));
            cells.push(("certificate", "(never reached)".into()));
            cells.push(("HTTP", "-".into()));
        }
        _ => cells.push(("result", "no result".into())),
    }
    let server_says = side
        .server_log
        .first()
        .map(|line| match line.split_once(" — ") {
            Some((_, reason)) => reason.split(';').next().unwrap_or(reason).to_string(),
            None => "handshake ok".to_string(),
        })
        .unwrap_or_else(|| "(nothing logged)".into());
    cells.push(("server log", server_says));
    cells
}

/// Renders the demo: both outcomes side by side in the seed's terms, then the evidence.
pub fn demo_text(report: &crate::demo::DemoReport) -> String {
    const LABEL: usize = 12;
    const COLUMN: usize = 40;
    let mut out = String::new();
    let suite = &report.suite;
    let _ = writeln!(
        out,
        "tlslab demo — twisted#8826: {} on two servers\n",
        suite.seed_style()
    );
    let _ = writeln!(
        out,
        "Both servers (OpenSSL {}) and the client (rustls) pin {} ({}), TLS 1.2.",
        crate::backend::openssl::version()
            .split_whitespace()
            .nth(1)
            .unwrap_or("?"),
        suite.iana,
        suite.code
    );
    let _ = writeln!(
        out,
        "Test PKI made in {} (removed afterwards).\n",
        report.pki_dir
    );
    let _ = writeln!(out, "{:LABEL$}  {:COLUMN$}  Server B", "", "Server A");
    let (left, right) = (demo_cells(&report.a), demo_cells(&report.b));
    for ((label, a), (_, b)) in left.iter().zip(right.iter()) {
        let (a, b) = (wrap(a, COLUMN), wrap(b, COLUMN));
        for row in 0..a.len().max(b.len()) {
            let name = if row == 0 { *label } else { "" };
            let cell_a = a.get(row).map(String::as_str).unwrap_or("");
            let cell_b = b.get(row).map(String::as_str).unwrap_or("");
            let _ = writeln!(out, "{name:LABEL$}  {cell_a:COLUMN$}  {cell_b}");
        }
    }
    out.push('\n');
    for side in [&report.a, &report.b] {
        let _ = writeln!(out, "Server {}: {}", side.name, side.description);
        if let Some(first) = side.server_log.first() {
            let _ = writeln!(out, "  its log: {first}");
        }
        if side.server_log.len() > 1 {
            let _ = writeln!(
                out,
                "  (and {} more lines for the diagnosis probes)",
                side.server_log.len() - 1
            );
        }
    }
    out.push('\n');
    if report.reproduced {
        let _ = writeln!(out, "Reproduced: A negotiates the suite; B, pinned to the same suite, fails with handshake_failure (40).");
    } else {
        let _ = writeln!(
            out,
            "NOT reproduced: the outcome differs from the seed's (see above)."
        );
    }
    if !report.b.client.diagnosis.is_empty() {
        let _ = writeln!(
            out,
            "\nDiagnosis of server B, from probes (as `tlslab diagnose` prints it):"
        );
        out.push_str(&diagnosis_text(
            &report.b.client.diagnosis,
            report.b.client.diagnosis_probes,
            "  ",
        ));
    }
    out
}

/// Which library's suite names a table uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameStyle {
    /// IANA names (the default).
    Iana,
    /// OpenSSL names, IANA where OpenSSL has none.
    Openssl,
    /// GnuTLS names, IANA where GnuTLS has none.
    Gnutls,
}

impl NameStyle {
    /// Parses `iana`, `openssl`, `gnutls`.
    pub fn parse(text: &str) -> Result<Self, crate::UsageError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "iana" => Ok(Self::Iana),
            "openssl" => Ok(Self::Openssl),
            "gnutls" => Ok(Self::Gnutls),
            other => Err(crate::UsageError::new(
                format!("unknown name style '{other}'"),
                "use --names iana, openssl or gnutls",
            )),
        }
    }
}

/// Renders a scan as a table grouped by version.
pub fn scan_text(report: &crate::scan::ScanReport, names: NameStyle) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Scan of {} ({}): {} handshakes in {} ms",
        report.target,
        report.address.as_deref().unwrap_or("unresolved"),
        report.handshakes,
        report.elapsed_ms
    );
    if let Some(why) = &report.not_tls {
        let _ = writeln!(
            out,
            "  the target does not speak TLS: it answered with {why}"
        );
    }
    for protocol in &report.protocols {
        let version = &protocol.version;
        if !protocol.supported {
            let _ = writeln!(
                out,
                "\n{version:<9} not supported ({})",
                protocol.refusal.as_deref().unwrap_or("refused")
            );
            continue;
        }
        let order = match report.server_preference.get(version) {
            Some(true) => "server order",
            Some(false) => "client order",
            None => "one suite",
        };
        let suites: Vec<&crate::scan::AcceptedSuite> = report
            .cipher_suites
            .iter()
            .filter(|s| &s.protocol == version)
            .collect();
        let _ = writeln!(
            out,
            "\n{version:<9} supported, {} suites, {order}",
            suites.len()
        );
        let width = suites
            .iter()
            .map(|s| display_name(s, names).len())
            .max()
            .unwrap_or(0);
        let ranked = report.preference_order.contains_key(version);
        for (rank, suite) in suites.into_iter().enumerate() {
            let info = tlslab_wire::registry::resolve_suite(&suite.code)
                .ok()
                .and_then(tlslab_wire::registry::suite);
            // With a server order, each suite carries its rank in it.
            let mark = if ranked {
                format!("{:>3}.", rank + 1)
            } else {
                "   -".to_string()
            };
            let _ = writeln!(
                out,
                "{mark} {}  {:width$}  {:<6} {}",
                suite.code,
                display_name(suite, names),
                info.map(|i| i.kx).unwrap_or("?"),
                suite.kx_detail.as_deref().unwrap_or("")
            );
        }
    }
    if !report.groups.is_empty() {
        out.push_str("\nGroups (in the order the server chose them)\n");
        let mut versions: Vec<&str> = report.groups.iter().map(|g| g.protocol.as_str()).collect();
        versions.dedup();
        for version in versions {
            let list: Vec<&str> = report
                .groups
                .iter()
                .filter(|g| g.protocol == version)
                .map(|g| g.name.as_str())
                .collect();
            let _ = writeln!(out, "  {version}: {}", list.join(", "));
        }
    }
    if !report.signature_schemes.is_empty() {
        let list: Vec<&str> = report
            .signature_schemes
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        let _ = writeln!(
            out,
            "\nSignature schemes (TLSv1.2, in the order the server chose them)\n  {}",
            list.join(", ")
        );
    }
    if !report.certificates.is_empty() {
        out.push_str("\nCertificates\n");
        for served in &report.certificates {
            let _ = writeln!(out, "  {} (seen with {}):", served.key, served.found_with);
            for (depth, cert) in served.chain.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "    {depth} {} — issuer {}, {} .. {}{}",
                    cert.subject,
                    cert.issuer,
                    cert.not_before,
                    cert.not_after,
                    if cert.san.is_empty() {
                        String::new()
                    } else {
                        format!(", SAN {}", cert.san.join(" "))
                    }
                );
            }
        }
    }
    if !report.errors.is_empty() {
        out.push_str("\nFailed probes\n");
        for error in &report.errors {
            let _ = writeln!(
                out,
                "  {}: {} ({} attempts)",
                error.probe, error.message, error.attempts
            );
        }
    }
    out
}

fn display_name(suite: &crate::scan::AcceptedSuite, names: NameStyle) -> &str {
    match names {
        NameStyle::Iana => &suite.iana,
        NameStyle::Openssl => suite.openssl.as_deref().unwrap_or(&suite.iana),
        NameStyle::Gnutls => suite.gnutls.as_deref().unwrap_or(&suite.iana),
    }
}

/// Renders a comparison as a matrix: one row per server, one column per client.
pub fn compare_text(report: &crate::compare::CompareReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "tlslab compare: {} servers × {} client configurations\n",
        report.servers.len(),
        report.clients.len()
    );
    for (index, client) in report.clients.iter().enumerate() {
        let _ = writeln!(out, "  client {}: {client}", index + 1);
    }
    out.push('\n');
    for server in &report.servers {
        let _ = writeln!(
            out,
            "{} — {} [{}]",
            server.name, server.command, server.status
        );
        if let Some(problem) = &server.problem {
            let _ = writeln!(out, "  problem: {problem}");
        }
        if let Some(summary) = &server.summary {
            let _ = writeln!(out, "  accepts: {summary}");
        }
        for (index, cell) in report
            .cells
            .iter()
            .filter(|c| c.server == server.name)
            .enumerate()
        {
            let _ = writeln!(out, "  client {}: {}", index + 1, cell_text(cell));
        }
        out.push('\n');
    }
    let failed = report.cells.iter().filter(|c| !c.ok).count();
    let _ = writeln!(
        out,
        "{} of {} cells worked.",
        report.cells.len() - failed,
        report.cells.len()
    );
    out
}

/// A cell in one line: what was negotiated, or the failure and its diagnosis.
pub fn cell_text(cell: &crate::compare::Cell) -> String {
    match (&cell.protocol, &cell.cipher_suite, cell.ok) {
        (Some(protocol), Some(suite), true) => format!("OK {protocol} / {}", suite.seed_style()),
        _ => {
            let mut text = String::from("FAILED");
            if let Some(error) = &cell.error {
                match (&error.alert, error.alert_from) {
                    (Some(alert), Some(from)) => {
                        text.push_str(&format!(": {from} sent alert {alert}"))
                    }
                    _ => text.push_str(&format!(": {}", error.message)),
                }
            }
            if let Some(finding) = cell.diagnosis.first() {
                text.push_str(&format!(" [{}]", finding.code));
            }
            text
        }
    }
}

fn curl_and_openssl(request: &crate::settings::TlsRequest, address: &str) -> Vec<String> {
    let port = address.rsplit(':').next().unwrap_or("4443");
    let mut curl = String::from("curl -v --cacert ca.crt");
    let mut s_client = format!(
        "openssl s_client -connect 127.0.0.1:{port} -servername localhost -CAfile ca.crt -brief"
    );
    if let Ok(settings) =
        crate::settings::TlsSettings::resolve(request, crate::settings::Role::Client)
    {
        let max = settings.versions.max;
        let min = settings.versions.min;
        let flag = |v: tlslab_wire::ProtocolVersion| match v.0 {
            0x0301 => "1.0",
            0x0302 => "1.1",
            0x0303 => "1.2",
            _ => "1.3",
        };
        curl.push_str(&format!(" --tlsv{} --tls-max {}", flag(min), flag(max)));
        if min == max {
            s_client.push_str(&format!(" -tls{}", flag(max).replace('.', "_")));
        }
        let openssl_names = |suites: &Option<Vec<tlslab_wire::CipherSuite>>| -> Vec<&'static str> {
            suites
                .iter()
                .flatten()
                .filter_map(|s| tlslab_wire::registry::suite(*s).and_then(|i| i.openssl))
                .collect()
        };
        let names = openssl_names(&settings.tls12_suites);
        if !names.is_empty() {
            curl.push_str(&format!(" --ciphers {}", names.join(":")));
            s_client.push_str(&format!(" -cipher {}", names.join(":")));
        }
        if let Some(text) = &settings.openssl_cipher_string {
            curl.push_str(&format!(" --ciphers '{text}'"));
            s_client.push_str(&format!(" -cipher '{text}'"));
        }
        let tls13 = openssl_names(&settings.tls13_suites);
        if !tls13.is_empty() {
            curl.push_str(&format!(" --tls13-ciphers {}", tls13.join(":")));
            s_client.push_str(&format!(" -ciphersuites {}", tls13.join(":")));
        }
        if let Some(crate::settings::GroupSpec::List(groups)) = &settings.groups {
            let names: Vec<&str> = groups
                .iter()
                .filter_map(|g| tlslab_wire::registry::group(*g).and_then(|i| i.openssl))
                .collect();
            curl.push_str(&format!(" --curves {}", names.join(":")));
            s_client.push_str(&format!(" -groups {}", names.join(":")));
        }
    }
    curl.push_str(&format!(" https://localhost:{port}/"));
    vec![curl, s_client]
}

/// The bug report, in the shape of the seed's README.
pub fn compare_markdown(
    report: &crate::compare::CompareReport,
    config: &crate::compare::CompareConfig,
) -> String {
    let mut out = String::new();
    let suites: Vec<String> = config
        .clients
        .iter()
        .filter_map(|c| c.request.ciphers.clone())
        .collect();
    let names: Vec<&str> = report.servers.iter().map(|s| s.name.as_str()).collect();
    let title_suite = if suites.is_empty() {
        "default settings".to_string()
    } else {
        suites.join(", ")
    };
    let _ = writeln!(
        out,
        "{title_suite}: {}\n{}\n",
        names.join(" vs "),
        "=".repeat(title_suite.len() + 2 + names.join(" vs ").len())
    );

    // Summary.
    let working: Vec<&str> = report
        .servers
        .iter()
        .filter(|s| {
            report
                .cells
                .iter()
                .filter(|c| c.server == s.name)
                .all(|c| c.ok)
        })
        .map(|s| s.name.as_str())
        .collect();
    let failing: Vec<&crate::compare::ServerResult> = report
        .servers
        .iter()
        .filter(|s| report.cells.iter().any(|c| c.server == s.name && !c.ok))
        .collect();
    let mut summary = format!(
        "The same client configuration{} ({}) was run against {} server{}. ",
        if report.clients.len() == 1 { "" } else { "s" },
        report.clients.join("; "),
        report.servers.len(),
        if report.servers.len() == 1 { "" } else { "s" }
    );
    if failing.is_empty() {
        summary.push_str("Every server negotiated with every client configuration");
        let results: Vec<String> = report
            .cells
            .iter()
            .filter_map(|c| {
                c.cipher_suite.as_ref().map(|s| {
                    format!(
                        "{} → {} / {}",
                        c.server,
                        c.protocol.as_deref().unwrap_or("?"),
                        s.seed_style()
                    )
                })
            })
            .collect();
        summary.push_str(&format!(": {}.", results.join("; ")));
    } else {
        if !working.is_empty() {
            summary.push_str(&format!("{} worked. ", working.join(", ")));
        }
        for server in &failing {
            let cell = report
                .cells
                .iter()
                .find(|c| c.server == server.name && !c.ok);
            let why = cell
                .and_then(|c| c.diagnosis.first())
                .map(|f| {
                    format!(
                        "{} ({}, {})",
                        f.summary,
                        f.code,
                        serde_json::to_value(f.confidence)
                            .ok()
                            .and_then(|v| v.as_str().map(String::from))
                            .unwrap_or_default()
                    )
                })
                .or_else(|| server.problem.clone())
                .or_else(|| cell.and_then(|c| c.error.as_ref().map(|e| e.to_string())))
                .unwrap_or_else(|| "it failed".into());
            summary.push_str(&format!("{} failed: {why}. ", server.name));
        }
    }
    let _ = writeln!(out, "{}\n", summary.trim_end());

    // Prepare.
    let _ = writeln!(out, "Prepare\n=======\n");
    let _ = writeln!(
        out,
        "Certificates (a test CA, `srv.crt` for CN=localhost, `dev.crt` for clients):\n"
    );
    let dir = config
        .pki_dir
        .canonicalize()
        .unwrap_or_else(|_| config.pki_dir.clone());
    let _ = writeln!(out, "    tlslab pki init --dir {}\n", dir.display());
    let _ = writeln!(out, "Servers (each on its own port):\n");
    for server in &report.servers {
        let _ = writeln!(out, "    # {}\n    {}\n", server.name, server.command);
    }
    let _ = writeln!(out, "The comparison itself:\n");
    let mut line = String::from("    tlslab compare");
    for spec in &config.servers {
        match &spec.source {
            crate::compare::ServerSource::Command {
                command,
                fixed_port,
            } => match fixed_port {
                Some(port) => line.push_str(&format!(" --server '{}:{port}={command}'", spec.name)),
                None => line.push_str(&format!(" --server '{}={command}'", spec.name)),
            },
            crate::compare::ServerSource::Target(target) => {
                line.push_str(&format!(" --target {}={}", spec.name, target.authority()))
            }
            crate::compare::ServerSource::Builtin { backend, profile } => match profile {
                Some(profile) => {
                    line.push_str(&format!(" --builtin {}={backend}:{profile}", spec.name))
                }
                None => line.push_str(&format!(" --builtin {}={backend}", spec.name)),
            },
        }
    }
    for suite in &suites {
        line.push_str(&format!(" --ciphers '{suite}'"));
    }
    let _ = writeln!(out, "{line} --markdown report.md\n");
    let _ = writeln!(
        out,
        "Each connection by hand, with tlslab and with plain curl / openssl:\n"
    );
    for cell in &report.cells {
        if cell.reproduce.is_empty() {
            continue;
        }
        let _ = writeln!(out, "    # {} — {}", cell.server, cell.client);
        let _ = writeln!(out, "    {}", cell.reproduce);
        if let (Some(client), Some(address)) = (
            config.clients.iter().find(|c| c.label == cell.client),
            report
                .servers
                .iter()
                .find(|s| s.name == cell.server)
                .and_then(|s| s.address.clone()),
        ) {
            for equivalent in curl_and_openssl(&client.request, &address) {
                let _ = writeln!(out, "    {equivalent}");
            }
        }
        out.push('\n');
    }

    // Results.
    let _ = writeln!(out, "Results\n=======\n");
    let _ = writeln!(out, "| server | {} |", report.clients.join(" | "));
    let _ = writeln!(out, "|---|{}", "---|".repeat(report.clients.len()));
    for server in &report.servers {
        let row: Vec<String> = report
            .cells
            .iter()
            .filter(|c| c.server == server.name)
            .map(|c| cell_text(c).replace('|', "\\|"))
            .collect();
        let _ = writeln!(out, "| {} | {} |", server.name, row.join(" | "));
    }
    out.push('\n');
    for server in &report.servers {
        let _ = writeln!(
            out,
            "{}\n{}\n",
            server.name,
            "-".repeat(server.name.len().max(3))
        );
        let _ = writeln!(out, "Command: `{}` ({}).\n", server.command, server.status);
        if let Some(problem) = &server.problem {
            let _ = writeln!(out, "Problem: {problem}\n");
        }
        if let Some(summary) = &server.summary {
            let _ = writeln!(out, "What it accepts (tlslab scan): {summary}.\n");
        }
        if !server.output_tail.is_empty() {
            let _ = writeln!(out, "Its output (last lines):\n");
            for line in server.output_tail.lines() {
                let _ = writeln!(out, "    {line}");
            }
            out.push('\n');
        }
        for cell in report.cells.iter().filter(|c| c.server == server.name) {
            let _ = writeln!(out, "### {} — {}\n", server.name, cell.client);
            if !cell.transcript.is_empty() {
                for line in cell.transcript.lines() {
                    let _ = writeln!(out, "    {line}");
                }
                out.push('\n');
            } else if let Some(error) = &cell.error {
                let _ = writeln!(out, "{error}\n");
            }
            for finding in &cell.diagnosis {
                let confidence = serde_json::to_value(finding.confidence)
                    .ok()
                    .and_then(|v| v.as_str().map(String::from))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "**Diagnosis: `{}` ({confidence})** — {}\n",
                    finding.code, finding.summary
                );
                let _ = writeln!(out, "Evidence:\n");
                for evidence in &finding.evidence {
                    let _ = writeln!(out, "- {} → {}", evidence.probe, evidence.result);
                }
                let _ = writeln!(out, "\nFix on the server: {}\n", finding.fix.server);
                let _ = writeln!(out, "Fix on the client: {}\n", finding.fix.client);
            }
        }
    }

    // Versions.
    let v = &report.versions;
    let _ = writeln!(out, "Versions\n========\n");
    let _ = writeln!(out, "- OS: {}", v.os);
    let _ = writeln!(out, "- Kernel: {}", v.kernel);
    let _ = writeln!(out, "- tlslab: {}", v.tlslab);
    let _ = writeln!(out, "- rustls: {}", v.rustls);
    let _ = writeln!(out, "- OpenSSL: {}", v.openssl);
    for server in &report.servers {
        if let Some(version) = &server.version {
            let _ = writeln!(out, "- {}: {}", server.name, version.replace('\n', "; "));
        }
    }
    out
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// One self-contained page: the matrix coloured by outcome, each cell expandable.
pub fn compare_html(report: &crate::compare::CompareReport) -> String {
    let mut rows = String::new();
    for server in &report.servers {
        let mut row =
            format!(
            "<tr><th scope=\"row\">{}<div class=\"cmd\">{}</div><div class=\"sum\">{}</div></th>",
            escape_html(&server.name),
            escape_html(&server.command),
            escape_html(server.summary.as_deref().or(server.problem.as_deref()).unwrap_or(""))
        );
        for cell in report.cells.iter().filter(|c| c.server == server.name) {
            let class = if cell.ok { "ok" } else { "fail" };
            let mut details = String::new();
            for finding in &cell.diagnosis {
                details.push_str(&format!(
                    "<p class=\"why\"><b>{}</b> ({}): {}</p><ul>",
                    escape_html(finding.code),
                    escape_html(
                        &serde_json::to_value(finding.confidence)
                            .ok()
                            .and_then(|v| v.as_str().map(String::from))
                            .unwrap_or_default()
                    ),
                    escape_html(&finding.summary)
                ));
                for evidence in &finding.evidence {
                    details.push_str(&format!(
                        "<li>{} → {}</li>",
                        escape_html(&evidence.probe),
                        escape_html(&evidence.result)
                    ));
                }
                details.push_str(&format!(
                    "</ul><p><b>Fix on the server:</b> {}</p><p><b>Fix on the client:</b> {}</p>",
                    escape_html(&finding.fix.server),
                    escape_html(&finding.fix.client)
                ));
            }
            row.push_str(&format!(
                "<td class=\"{class}\"><details><summary>{}</summary>{details}<pre>{}</pre></details></td>",
                escape_html(&cell_text(cell)),
                escape_html(&cell.transcript)
            ));
        }
        row.push_str("</tr>\n");
        rows.push_str(&row);
    }
    let headers: String = report
        .clients
        .iter()
        .map(|c| format!("<th scope=\"col\">{}</th>", escape_html(c)))
        .collect();
    let v = &report.versions;
    let failed = report.cells.iter().filter(|c| !c.ok).count();
    format!(
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>tlslab compare</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }}
table {{ border-collapse: collapse; }}
th, td {{ border: 1px solid #999; padding: .5em .7em; vertical-align: top; text-align: left; }}
thead th {{ background: #eee; }}
td.ok {{ background: #d8f5d0; }}
td.fail {{ background: #f9d0d0; }}
summary {{ cursor: pointer; font-weight: 600; }}
.cmd {{ font-family: monospace; font-size: .8em; color: #555; max-width: 28em; }}
.sum {{ font-size: .8em; color: #333; max-width: 28em; font-weight: normal; }}
pre {{ font-size: .75em; max-width: 60em; overflow-x: auto; }}
</style></head>
<body>
<h1>tlslab compare</h1>
<p id="verdict">{} of {} connections worked.</p>
<table id="matrix"><thead><tr><th>server \ client</th>{headers}</tr></thead>
<tbody>
{rows}</tbody></table>
<h2>Versions</h2>
<ul><li>OS: {}</li><li>Kernel: {}</li><li>tlslab {}</li><li>rustls {}</li><li>{}</li></ul>
</body></html>
"#,
        report.cells.len() - failed,
        report.cells.len(),
        escape_html(&v.os),
        escape_html(&v.kernel),
        escape_html(&v.tlslab),
        escape_html(&v.rustls),
        escape_html(&v.openssl)
    )
}
