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
    let _ = writeln!(
        out,
        "  CA:          {}",
        if cert.is_ca { "yes" } else { "no" }
    );
    let _ = writeln!(
        out,
        "  SAN:         {}",
        if cert.san.is_empty() {
            "-".to_string()
        } else {
            cert.san.join(", ")
        }
    );
    let _ = writeln!(
        out,
        "  key usage:   {}",
        if cert.key_usage.is_empty() {
            "-".to_string()
        } else {
            cert.key_usage.join(", ")
        }
    );
    let _ = writeln!(
        out,
        "  ext. usage:  {}",
        if cert.extended_key_usage.is_empty() {
            "-".to_string()
        } else {
            cert.extended_key_usage.join(", ")
        }
    );
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
        for suite in suites {
            let info = tlslab_wire::registry::resolve_suite(&suite.code)
                .ok()
                .and_then(tlslab_wire::registry::suite);
            let _ = writeln!(
                out,
                "  {}  {:width$}  {:<6} {}",
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
