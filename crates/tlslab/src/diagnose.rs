//! `tlslab diagnose`: why a client and a server that should talk do not — proved with
//! targeted probes that change one thing at a time, with the fix for each side.
//!
//! Each [`Finding`] has a stable `code` (a contract), a confidence (`certain` when a probe
//! proved it, `likely` when it is the best explanation of what was seen), the evidence (every
//! probe: what was offered, what came back) and a fix for the server and for the client.
//! A diagnosis is bounded: at most [`PROBE_BUDGET`] connections, each with short timeouts.

use std::net::SocketAddr;
use std::time::Duration;

use serde::Serialize;
use tlslab_wire::codec::{handshake_type, ClientHello};
use tlslab_wire::registry::{self, GroupKind};
use tlslab_wire::{AlertDescription, CipherSuite, NamedGroup, ProtocolVersion, SignatureScheme};

use crate::client::{self, ConnectConfig, ConnectReport};
use crate::error::FailureKind;
use crate::scan::{self, Prober, Reply, ScanConfig};
use crate::settings::{GroupSpec, TlsSettings};

/// The most connections one diagnosis makes.
pub const PROBE_BUDGET: u32 = 40;

/// How sure a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// A probe proved it.
    Certain,
    /// The best explanation of what was seen.
    Likely,
}

/// Whether a finding explains a failure or warns about a fragile success.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// It explains why the connection failed.
    Error,
    /// The connection worked, but not the way the configuration suggests.
    Warning,
}

/// One probe and its answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// What was offered.
    pub probe: String,
    /// What came back.
    pub result: String,
}

/// What to change, on each side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    /// For the server's operator.
    pub server: String,
    /// For the client's user.
    pub client: String,
}

/// One cause.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable code, e.g. `no-ecdhe-groups`.
    pub code: &'static str,
    /// How sure.
    pub confidence: Confidence,
    /// Error or warning.
    pub severity: Severity,
    /// One sentence.
    pub summary: String,
    /// The probes that show it.
    pub evidence: Vec<Evidence>,
    /// The fix for each side.
    pub fix: Fix,
}

impl Finding {
    fn new(
        code: &'static str,
        confidence: Confidence,
        summary: String,
        server: &str,
        client: &str,
    ) -> Self {
        Self {
            code,
            confidence,
            severity: Severity::Error,
            summary,
            evidence: Vec::new(),
            fix: Fix {
                server: server.to_string(),
                client: client.to_string(),
            },
        }
    }

    fn with(mut self, evidence: Vec<Evidence>) -> Self {
        self.evidence.extend(evidence);
        self
    }
}

fn seen(probe: impl Into<String>, result: impl Into<String>) -> Evidence {
    Evidence {
        probe: probe.into(),
        result: result.into(),
    }
}

/// Connects and diagnoses the result: a failure is probed, a working pair is only checked
/// for warnings (no probes).
pub async fn connect_and_diagnose(config: &ConnectConfig) -> ConnectReport {
    let mut report = client::connect(config).await;
    {
        let (findings, probes) = diagnose(config, &report).await;
        report.diagnosis = findings;
        report.diagnosis_probes = probes;
    }
    report
}

/// Explains a connection result. Returns the findings and the number of probes made.
pub async fn diagnose(config: &ConnectConfig, report: &ConnectReport) -> (Vec<Finding>, u32) {
    if report.ok {
        return (warnings(config, report), 0);
    }
    let Some(error) = &report.error else {
        return (Vec::new(), 0);
    };
    let target = config.target.authority();
    let alert = error.alert.as_ref().map(|a| AlertDescription(a.code));
    let from_server = error.alert_from == Some("server");
    match error.kind {
        FailureKind::ConnectionRefused => {
            let finding = Finding::new(
                "connection-refused",
                Confidence::Certain,
                format!("nothing accepts connections on {target}"),
                "start the server, or check that it listens on this address and port (ss -ltnp)",
                "check the host and port; a firewall that rejects looks the same",
            )
            .with(vec![seen(
                format!("TCP connect to {target}"),
                error.message.clone(),
            )]);
            return (vec![finding], 0);
        }
        FailureKind::Timeout => {
            let received = report
                .handshake
                .as_ref()
                .map(|v| v.server.bytes)
                .unwrap_or(0);
            let finding = Finding::new(
                "timeout",
                Confidence::Certain,
                format!("{target} did not answer in time ({received} bytes of TLS received)"),
                "check that the process is alive and not blocked, and that nothing between drops packets",
                "raise --timeout if the server is slow; check the address",
            )
            .with(vec![seen("connect and handshake", error.message.clone())]);
            return (vec![finding], 0);
        }
        FailureKind::NotTls => {
            let finding = Finding::new(
                "not-tls",
                Confidence::Certain,
                error.message.clone(),
                "enable TLS on this port (nginx: `listen PORT ssl;`), or serve TLS on another port",
                "use the protocol the port speaks (plain http:// for an HTTP port) or the TLS port",
            )
            .with(vec![seen("ClientHello", error.message.clone())]);
            return (vec![finding], 0);
        }
        FailureKind::Local | FailureKind::Network => return (Vec::new(), 0),
        _ => {}
    }
    if let Some(finding) = server_certificate_finding(config, report) {
        return (vec![finding], 0);
    }
    if let Some(finding) = client_certificate_finding(config, report, alert, from_server) {
        return (vec![finding], 0);
    }
    let mut lab = match Lab::new(config, report) {
        Some(lab) => lab,
        None => return (Vec::new(), 0),
    };
    let findings = lab.investigate(config, report, alert, from_server).await;
    (findings, lab.prober.handshakes())
}

/// Warnings for a pair that works, but by accident.
fn warnings(config: &ConnectConfig, report: &ConnectReport) -> Vec<Finding> {
    let mut out = Vec::new();
    // Working only because --insecure skipped a failed check.
    if let Some(mut finding) = server_certificate_finding(config, report) {
        finding.severity = Severity::Warning;
        finding.summary = format!("works only because of --insecure: {}", finding.summary);
        out.push(finding);
    }
    let pinned_legacy =
        config.settings.tls12_suites.is_some() || config.settings.openssl_cipher_string.is_some();
    if pinned_legacy
        && config.settings.tls13_suites.is_none()
        && report.protocol.as_deref() == Some("TLSv1.3")
    {
        let suite = report
            .cipher_suite
            .as_ref()
            .map(|s| s.iana.clone())
            .unwrap_or_default();
        let mut finding = Finding::new(
            "tls13-ignores-cipher-list",
            Confidence::Certain,
            format!("TLS 1.2 suites were pinned, but TLS 1.3 was negotiated with {suite}: the pinned list played no part"),
            "nothing to fix on the server, unless it should not speak TLS 1.3 (nginx: ssl_protocols TLSv1.2;)",
            "offer TLS 1.2 only to test the pinned suites (tlslab: drop --tls 1.3; curl: --tls-max 1.2; openssl s_client: -tls1_2)",
        );
        finding.severity = Severity::Warning;
        finding.evidence.push(seen(
            format!(
                "handshake offering {} with pinned suites",
                config.settings.versions
            ),
            format!("{} {suite}", report.protocol.as_deref().unwrap_or("?")),
        ));
        out.push(finding);
    }
    out
}

fn parse_time(text: &str) -> Option<time::OffsetDateTime> {
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()
}

/// The client refused the server's certificate.
fn server_certificate_finding(config: &ConnectConfig, report: &ConnectReport) -> Option<Finding> {
    let verification = &report.verification;
    verification.error.as_ref()?;
    let leaf = report.certificates.first()?;
    let now = time::OffsetDateTime::now_utc();
    let window = seen(
        format!("server certificate {}", leaf.subject),
        format!(
            "valid {} .. {}; checked at {}",
            leaf.not_before,
            leaf.not_after,
            now.format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default()
        ),
    );
    if parse_time(&leaf.not_after).is_some_and(|end| end < now) {
        return Some(
            Finding::new(
                "certificate-expired",
                Confidence::Certain,
                format!("the server's certificate expired on {}", leaf.not_after),
                "renew the certificate (tlslab pki init --force for a test PKI) and reload the server",
                "nothing safe to do but wait for the renewal; -k skips the check for testing only",
            )
            .with(vec![window]),
        );
    }
    if parse_time(&leaf.not_before).is_some_and(|start| start > now) {
        return Some(
            Finding::new(
                "certificate-not-yet-valid",
                Confidence::Certain,
                format!(
                    "the server's certificate is valid only from {}",
                    leaf.not_before
                ),
                "issue the certificate with a start date in the past, or fix the server's clock",
                "check the client's clock (date -u); -k skips the check for testing only",
            )
            .with(vec![window]),
        );
    }
    if verification.hostname_matched == Some(false) {
        let host = &config.target.host;
        return Some(
            Finding::new(
                "hostname-mismatch",
                Confidence::Certain,
                format!("the certificate does not name {host}: it is for {}", if leaf.san.is_empty() { leaf.subject.clone() } else { leaf.san.join(", ") }),
                "issue a certificate whose subjectAltName includes this name (tlslab pki init --san NAME)",
                "connect with a name the certificate carries (curl --resolve NAME:PORT:ADDR, or --connect-to)",
            )
            .with(vec![seen(format!("verify {host} against the leaf"), format!("SAN {}", leaf.san.join(", ")))]),
        );
    }
    if verification.trusted == Some(false) {
        return Some(
            Finding::new(
                "server-certificate-untrusted",
                Confidence::Certain,
                format!(
                    "the server's chain ({} issued by {}) does not lead to a CA the client trusts ({})",
                    leaf.subject, leaf.issuer, verification.trust_source
                ),
                "serve the full chain (leaf + intermediates), from a CA the clients trust",
                "trust the CA that issued it: tlslab/curl --cacert ca.crt, openssl s_client -CAfile ca.crt, Python ssl.create_default_context(cafile=...)",
            )
            .with(vec![seen(
                format!("verify the chain against {}", verification.trust_source),
                verification.error.clone().unwrap_or_default(),
            )]),
        );
    }
    None
}

/// The server refused (or wanted) the client's certificate.
fn client_certificate_finding(
    config: &ConnectConfig,
    report: &ConnectReport,
    alert: Option<AlertDescription>,
    from_server: bool,
) -> Option<Finding> {
    let requested = report.handshake.as_ref().is_some_and(|view| {
        view.server
            .messages
            .iter()
            .any(|(kind, _)| *kind == handshake_type::CERTIFICATE_REQUEST)
    });
    let alert_text = alert
        .map(|a| format!("alert {a} ({})", a.0))
        .unwrap_or_else(|| "no alert".into());
    match (&config.identity, alert) {
        (None, Some(AlertDescription(116))) | (None, Some(_)) if from_server && (requested || alert == Some(AlertDescription(116))) => Some(
            Finding::new(
                "client-certificate-required",
                Confidence::Certain,
                "the server requires a client certificate and the client sent none".to_string(),
                "if clients should not need certificates, make them optional (nginx: ssl_verify_client optional; OpenSSL: SSL_VERIFY_PEER without FAIL_IF_NO_PEER_CERT)",
                "send a certificate the server's CA signed: tlslab/curl --cert dev.crt --key dev.key; openssl s_client -cert -key",
            )
            .with(vec![seen(
                if requested { "handshake without a client certificate (the server sent CertificateRequest)" } else { "handshake without a client certificate" },
                format!("server sent {alert_text}"),
            )]),
        ),
        (Some(identity), Some(a)) if from_server && matches!(a.0, 42..=46 | 48 | 49 | 51) => {
            let subject = identity
                .chain_der
                .first()
                .and_then(|der| crate::certs::summarize(der).ok())
                .map(|s| format!("{} issued by {}", s.subject, s.issuer))
                .unwrap_or_default();
            Some(
                Finding::new(
                    "client-certificate-rejected",
                    Confidence::Certain,
                    format!("the server rejected the client certificate ({subject}) with {alert_text}"),
                    "trust the CA that issued the client certificates (nginx: ssl_client_certificate; OpenSSL: -CAfile / SSL_CTX_load_verify_locations)",
                    "present a certificate issued by a CA the server trusts, valid now, with clientAuth usage",
                )
                .with(vec![seen(format!("handshake with client certificate {subject}"), format!("server sent {alert_text}"))]),
            )
        }
        _ => None,
    }
}

/// What one probe got.
#[derive(Debug, Clone)]
enum Answer {
    /// The server took it.
    Accepted(Box<scan::Pick>),
    /// The server speaks the version but refused: the alert or closure, described.
    Refused(String),
    /// The server does not speak the version offered.
    VersionRefused(String),
    /// No usable answer.
    Silent,
}

impl Answer {
    fn accepted(&self) -> Option<&scan::Pick> {
        match self {
            Self::Accepted(pick) => Some(pick),
            _ => None,
        }
    }

    fn describe(&self) -> String {
        match self {
            Self::Accepted(pick) => {
                let mut text = format!("accepted {}", pick.suite);
                if let Some(detail) = &pick.kx_detail {
                    text.push_str(&format!(" with {detail}"));
                }
                text
            }
            Self::Refused(why) | Self::VersionRefused(why) => format!("refused: {why}"),
            Self::Silent => "no answer".to_string(),
        }
    }
}

fn short_list<T: ToString>(items: &[T], max: usize) -> String {
    let mut names: Vec<String> = items.iter().take(max).map(ToString::to_string).collect();
    if items.len() > max {
        names.push(format!("… ({} in all)", items.len()));
    }
    names.join(", ")
}

fn suite_names(suites: &[CipherSuite]) -> Vec<String> {
    suites
        .iter()
        .map(|s| {
            registry::suite(*s)
                .and_then(|i| i.openssl)
                .map(String::from)
                .unwrap_or_else(|| s.to_string())
        })
        .collect()
}

/// Probes against the target, with a log of what each one showed.
struct Lab {
    prober: Prober,
    hello: ClientHello,
    versions: Vec<ProtocolVersion>,
}

impl Lab {
    fn new(config: &ConnectConfig, report: &ConnectReport) -> Option<Self> {
        let address: SocketAddr = report.address.as_deref()?.parse().ok()?;
        let hello = report.handshake.as_ref()?.first_client_hello()?;
        let scan_config = ScanConfig {
            concurrency: 4,
            connect_timeout: config.timeout.min(Duration::from_secs(3)),
            read_timeout: config.timeout.min(Duration::from_secs(3)),
            retries: 0,
            ..ScanConfig::new(config.target.clone())
        };
        let sni = hello.server_name.clone();
        Some(Self {
            prober: Prober::new(address, sni, &scan_config, None),
            versions: config.settings.versions.versions(),
            hello,
        })
    }

    fn budget_left(&self) -> bool {
        self.prober.handshakes() < PROBE_BUDGET
    }

    async fn legacy(
        &self,
        version: ProtocolVersion,
        suites: &[CipherSuite],
        groups: &[NamedGroup],
        schemes: &[SignatureScheme],
        alpn: &[String],
    ) -> Answer {
        if !self.budget_left() {
            return Answer::Silent;
        }
        let mut hello = scan::legacy_hello(version, suites, groups, schemes, self.prober.sni());
        if !alpn.is_empty() {
            let protocols: Vec<&str> = alpn.iter().map(String::as_str).collect();
            hello = hello.alpn(&protocols);
        }
        let reply = self.prober.send(&hello, "diagnosis").await;
        Self::answer(reply, version)
    }

    async fn tls13(&self, suites: &[CipherSuite], groups: &[NamedGroup]) -> Answer {
        if !self.budget_left() {
            return Answer::Silent;
        }
        let hello = scan::tls13_hello(suites, groups, self.prober.sni());
        let reply = self.prober.send(&hello, "diagnosis").await;
        Self::answer(reply, ProtocolVersion::TLSV1_3)
    }

    fn answer(reply: Option<Reply>, version: ProtocolVersion) -> Answer {
        match reply {
            Some(Reply::Hello(flight)) => {
                let Some(hello) = flight.server_hello.as_ref() else {
                    return Answer::Silent;
                };
                if hello.version() != version {
                    return Answer::VersionRefused(format!(
                        "the server answered with {}",
                        hello.version()
                    ));
                }
                match scan::pick_from(&flight, version) {
                    Some(pick) => Answer::Accepted(Box::new(pick)),
                    None => Answer::Silent,
                }
            }
            Some(Reply::Alert(alert)) if alert.description.0 == 70 => {
                Answer::VersionRefused(format!("alert {} (70)", alert.description))
            }
            Some(Reply::Alert(alert)) => Answer::Refused(format!(
                "alert {} ({})",
                alert.description, alert.description.0
            )),
            Some(Reply::Closed) => Answer::Refused("closed the connection".to_string()),
            _ => Answer::Silent,
        }
    }

    fn client_suites(&self, version: ProtocolVersion) -> Vec<CipherSuite> {
        self.hello
            .cipher_suites
            .iter()
            .copied()
            .filter(|s| {
                registry::suite(*s).is_some_and(|info| !info.is_scsv() && info.valid_for(version))
            })
            .collect()
    }

    fn client_groups(&self) -> Vec<NamedGroup> {
        self.hello
            .groups
            .iter()
            .copied()
            .filter(|g| !g.is_grease())
            .collect()
    }

    fn client_schemes(&self) -> Vec<SignatureScheme> {
        self.hello
            .signature_schemes
            .iter()
            .copied()
            .filter(|s| !s.is_grease())
            .collect()
    }

    async fn investigate(
        &mut self,
        config: &ConnectConfig,
        report: &ConnectReport,
        alert: Option<AlertDescription>,
        from_server: bool,
    ) -> Vec<Finding> {
        let error = report
            .error
            .as_ref()
            .map(|e| e.message.to_ascii_lowercase())
            .unwrap_or_default();
        let all_groups = scan::groups_of(&[GroupKind::Ec, GroupKind::Ecx, GroupKind::Ffdhe]);
        let all_schemes = scan::all_signature_schemes();
        if from_server && alert == Some(AlertDescription(120)) {
            return self.alpn(config).await;
        }
        if from_server && alert == Some(AlertDescription(112)) {
            let sent = self.hello.server_name.clone();
            return vec![Finding::new(
                "sni-required",
                Confidence::Certain,
                match &sent {
                    Some(name) => format!("the server does not serve the name {name} sent in SNI"),
                    None => "the server requires SNI, and the client sent none (it connected by address)".to_string(),
                },
                "serve a default certificate for unknown or missing names (nginx: default_server), or accept the name",
                "send the name the server expects: tlslab --sni NAME, curl --resolve NAME:PORT:ADDR https://NAME:PORT/, openssl s_client -servername NAME",
            )
            .with(vec![seen(
                format!("ClientHello with SNI {}", sent.as_deref().unwrap_or("(none)")),
                "server sent alert unrecognized_name (112)",
            )])];
        }
        if error.contains("key too small") {
            return self.key_too_small(&error).await;
        }

        // 1. Which of the client's versions does the server speak at all?
        let mut evidence = Vec::new();
        let mut spoken: Vec<(ProtocolVersion, Answer)> = Vec::new();
        for version in [
            ProtocolVersion::TLSV1_3,
            ProtocolVersion::TLSV1_2,
            ProtocolVersion::TLSV1_1,
            ProtocolVersion::TLSV1_0,
        ] {
            let answer = if version == ProtocolVersion::TLSV1_3 {
                // TLS 1.2 suites ride along: a server without TLS 1.3 then answers with a
                // TLS 1.2 ServerHello (it does not speak 1.3) instead of handshake_failure
                // (which would look like "speaks 1.3, shares nothing").
                let mut suites = scan::tls13_suites();
                suites.extend(
                    registry::suites()
                        .iter()
                        .filter(|s| {
                            s.valid_for(ProtocolVersion::TLSV1_2) && !s.is_scsv() && !s.is_tls13()
                        })
                        .map(|s| s.code),
                );
                self.tls13(&suites, &scan::tls13_groups()).await
            } else {
                let suites: Vec<CipherSuite> = registry::suites()
                    .iter()
                    .filter(|s| s.valid_for(version) && !s.is_scsv() && !s.is_tls13())
                    .map(|s| s.code)
                    .collect();
                self.legacy(version, &suites, &all_groups, &all_schemes, &[])
                    .await
            };
            evidence.push(seen(
                format!("{version} with every suite, group and signature scheme"),
                answer.describe(),
            ));
            if !matches!(answer, Answer::VersionRefused(_) | Answer::Silent) {
                spoken.push((version, answer));
            }
        }
        let common: Vec<&(ProtocolVersion, Answer)> = spoken
            .iter()
            .filter(|(v, _)| self.versions.contains(v))
            .collect();
        let Some((version, _)) = common.first().map(|(v, a)| (*v, a)) else {
            let server_versions: Vec<String> = spoken.iter().map(|(v, _)| v.to_string()).collect();
            return vec![Finding::new(
                "protocol-version-mismatch",
                Confidence::Certain,
                format!(
                    "the client offers {} but the server speaks {}",
                    config.settings.versions,
                    if server_versions.is_empty() { "none of TLS 1.0-1.3".to_string() } else { server_versions.join(", ") }
                ),
                "enable a version the clients have (nginx: ssl_protocols TLSv1.2 TLSv1.3; OpenSSL: SSL_CTX_set_min_proto_version)",
                "offer a version the server speaks (tlslab/curl --tls-max or --tlsv1.x; openssl s_client -tls1_x; Python: ctx.minimum_version)",
            )
            .with(evidence)];
        };
        if version == ProtocolVersion::TLSV1_3 {
            let mut findings = self.tls13_cause(evidence).await;
            if findings.is_empty() {
                findings.extend(self.alpn_only(version).await);
            }
            return findings;
        }
        let every_suite = common
            .first()
            .map(|(_, answer)| answer.clone())
            .unwrap_or(Answer::Silent);
        // What TLS 1.3 showed about the server's groups, when it speaks it.
        let tls13_group = spoken
            .iter()
            .find(|(v, _)| *v == ProtocolVersion::TLSV1_3)
            .and_then(|(_, answer)| answer.accepted())
            .and_then(|pick| pick.group);
        let mut findings = self
            .legacy_cause(
                version,
                evidence,
                every_suite,
                tls13_group,
                &all_groups,
                &all_schemes,
            )
            .await;
        if findings.is_empty() {
            findings.extend(self.alpn_only(version).await);
        }
        findings
    }

    async fn tls13_cause(&self, mut evidence: Vec<Evidence>) -> Vec<Finding> {
        let suites = self.client_suites(ProtocolVersion::TLSV1_3);
        let groups = self.client_groups();
        let with_all_groups = self.tls13(&suites, &scan::tls13_groups()).await;
        evidence.push(seen(
            format!(
                "TLSv1.3 with the client's suites ({}) and every group",
                short_list(&suite_names(&suites), 3)
            ),
            with_all_groups.describe(),
        ));
        if let Some(pick) = with_all_groups.accepted() {
            let with_client_groups = self.tls13(&suites, &groups).await;
            evidence.push(seen(
                format!(
                    "TLSv1.3 with the client's suites and groups ({})",
                    short_list(&groups, 4)
                ),
                with_client_groups.describe(),
            ));
            if with_client_groups.accepted().is_none() {
                let server_groups = self.tls13_groups_taken(&suites, pick.group).await;
                let has_ec = server_groups
                    .iter()
                    .any(|g| registry::group(*g).is_some_and(|i| i.kind.is_elliptic()));
                let code = if has_ec {
                    "no-shared-group"
                } else {
                    "no-ecdhe-groups"
                };
                return vec![Finding::new(
                    code,
                    Confidence::Certain,
                    format!("the server takes only the groups {}, none of which the client offers ({})", short_list(&server_groups, 6), short_list(&groups, 6)),
                    "configure the groups clients use (OpenSSL: -groups X25519:P-256; nginx: ssl_ecdh_curve X25519:prime256v1)",
                    "offer one of the server's groups (tlslab/openssl --groups NAME; curl --curves NAME)",
                )
                .with(evidence)];
            }
            return Vec::new();
        }
        let any = self
            .tls13(&scan::tls13_suites(), &scan::tls13_groups())
            .await;
        evidence.push(seen("TLSv1.3 with every suite and group", any.describe()));
        if any.accepted().is_some() {
            let taken = self.tls13_suites_taken().await;
            return vec![Finding::new(
                "no-shared-cipher-suite",
                Confidence::Certain,
                format!("at TLSv1.3 the server takes {} but the client offers only {}", short_list(&suite_names(&taken), 6), short_list(&suite_names(&suites), 6)),
                "enable a TLS 1.3 suite the clients offer (OpenSSL: -ciphersuites / SSL_CTX_set_ciphersuites)",
                "offer one of the server's suites (tlslab --ciphers NAME; openssl s_client -ciphersuites NAME; curl --tls13-ciphers NAME)",
            )
            .with(evidence)];
        }
        Vec::new()
    }

    /// At most `limit` more answers from `pick`, as `scan::peel` gathers them.
    async fn peel_some<T: PartialEq + Copy>(
        first: Option<T>,
        candidates: Vec<T>,
        limit: usize,
        mut pick: impl AsyncFnMut(&[T]) -> Option<T>,
    ) -> Vec<T> {
        let mut left = limit;
        scan::peel(first, candidates, async |remaining: &[T]| {
            if left == 0 {
                return None;
            }
            left -= 1;
            pick(remaining).await
        })
        .await
    }

    async fn tls13_groups_taken(
        &self,
        suites: &[CipherSuite],
        first: Option<NamedGroup>,
    ) -> Vec<NamedGroup> {
        Self::peel_some(
            first,
            scan::tls13_groups(),
            6,
            async |remaining: &[NamedGroup]| {
                self.tls13(suites, remaining)
                    .await
                    .accepted()
                    .and_then(|p| p.group)
            },
        )
        .await
    }

    async fn tls13_suites_taken(&self) -> Vec<CipherSuite> {
        let groups = scan::tls13_groups();
        Self::peel_some(
            None,
            scan::tls13_suites(),
            5,
            async |remaining: &[CipherSuite]| {
                self.tls13(remaining, &groups)
                    .await
                    .accepted()
                    .map(|p| p.suite)
            },
        )
        .await
    }

    async fn legacy_cause(
        &self,
        version: ProtocolVersion,
        mut evidence: Vec<Evidence>,
        any: Answer,
        tls13_group: Option<NamedGroup>,
        all_groups: &[NamedGroup],
        all_schemes: &[SignatureScheme],
    ) -> Vec<Finding> {
        let suites = self.client_suites(version);
        let groups = self.client_groups();
        let schemes = self.client_schemes();
        let names = short_list(&suite_names(&suites), 3);
        let widened = self
            .legacy(version, &suites, all_groups, all_schemes, &[])
            .await;
        evidence.push(seen(
            format!(
                "{version} with the client's suites ({names}), every group and signature scheme"
            ),
            widened.describe(),
        ));
        if let Some(pick) = widened.accepted() {
            let with_groups = self
                .legacy(version, &suites, &groups, all_schemes, &[])
                .await;
            evidence.push(seen(
                format!(
                    "{version} with the client's suites and groups ({})",
                    short_list(&groups, 4)
                ),
                with_groups.describe(),
            ));
            if with_groups.accepted().is_none() {
                let server_group = pick
                    .group
                    .map(|g| g.to_string())
                    .or_else(|| pick.kx_detail.clone())
                    .unwrap_or_default();
                return vec![Finding::new(
                    "no-shared-group",
                    Confidence::Certain,
                    format!("the server does ECDHE only with {server_group}, which the client does not offer ({})", short_list(&groups, 6)),
                    "configure the curves clients use (OpenSSL: -groups X25519:P-256; nginx: ssl_ecdh_curve X25519:prime256v1)",
                    "offer the server's curve (tlslab/openssl --groups NAME; curl --curves NAME)",
                )
                .with(evidence)];
            }
            let exact = self.legacy(version, &suites, &groups, &schemes, &[]).await;
            evidence.push(seen(
                format!("{version} with the client's suites, groups and signature schemes"),
                exact.describe(),
            ));
            if exact.accepted().is_none() && !schemes.is_empty() {
                let used = with_groups
                    .accepted()
                    .and_then(|p| p.scheme)
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| "another scheme".into());
                return vec![Finding::new(
                    "signature-scheme-mismatch",
                    Confidence::Certain,
                    format!("the server can sign only with {used}, which the client's signature_algorithms ({}) do not include", short_list(&schemes, 4)),
                    "use a certificate whose key can sign with what clients offer (e.g. RSA for rsa_pss_rsae_*, P-256 for ecdsa_secp256r1_sha256)",
                    "offer the server's scheme (OpenSSL: -sigalgs; Python: ctx.set_ciphers does not cover this — use OpenSSL config SignatureAlgorithms)",
                )
                .with(evidence)];
            }
            return Vec::new();
        }
        // The client's suites are refused even with every group: what does the server take?
        let every: Vec<CipherSuite> = registry::suites()
            .iter()
            .filter(|s| s.valid_for(version) && !s.is_scsv() && !s.is_tls13())
            .map(|s| s.code)
            .collect();
        // `any` is the version probe: every suite, group and scheme at this version.
        let client_all_ecdhe = !suites.is_empty()
            && suites
                .iter()
                .all(|s| registry::suite(*s).is_some_and(|i| i.uses_ecdhe()));
        let ecdhe: Vec<CipherSuite> = every
            .iter()
            .copied()
            .filter(|s| registry::suite(*s).is_some_and(|i| i.uses_ecdhe()))
            .collect();
        match any.accepted() {
            None => {
                if client_all_ecdhe {
                    return vec![self.no_ecdhe(
                        version,
                        evidence,
                        "it accepts no suite at all at a version it speaks",
                    )];
                }
                vec![Finding::new(
                    "no-shared-cipher-suite",
                    Confidence::Likely,
                    format!("the server speaks {version} but accepted no suite tlslab offered"),
                    "check the server's cipher list against its certificate (ECDSA suites need an ECDSA certificate)",
                    "nothing the client can offer works at this version",
                )
                .with(evidence)]
            }
            Some(pick) => {
                if client_all_ecdhe && !registry::suite(pick.suite).is_some_and(|i| i.uses_ecdhe())
                {
                    let only_ecdhe = self
                        .legacy(version, &ecdhe, all_groups, all_schemes, &[])
                        .await;
                    evidence.push(seen(
                        format!("{version} with every ECDHE suite and every curve"),
                        only_ecdhe.describe(),
                    ));
                    let tls13_elliptic = tls13_group
                        .and_then(registry::group)
                        .map(|g| g.kind.is_elliptic());
                    match (only_ecdhe.accepted(), tls13_elliptic) {
                        // TLS 1.3 chose a finite-field group from all of them: no curve at all.
                        (None, Some(false)) => {
                            let detail = format!(
                                "it takes {} but no ECDHE suite with any curve, and in TLS 1.3 it picks {} from every group offered",
                                pick.suite,
                                tls13_group.map(|g| g.to_string()).unwrap_or_default()
                            );
                            return vec![self.no_ecdhe(version, evidence, &detail)];
                        }
                        // No TLS 1.3 to tell: no curve, or no ECDHE suite configured.
                        (None, None) => {
                            let mut finding = self.no_ecdhe(
                                version,
                                evidence,
                                &format!(
                                    "it takes {} but no ECDHE suite with any curve",
                                    pick.suite
                                ),
                            );
                            finding.confidence = Confidence::Likely;
                            finding
                                .summary
                                .push_str(" — or its cipher list has no ECDHE suite");
                            return vec![finding];
                        }
                        // It has curves (TLS 1.3 used one): its list simply lacks these suites.
                        _ => {}
                    }
                }
                if let Some(finding) = self.key_type(version, &suites, pick, &mut evidence).await {
                    return vec![finding];
                }
                let taken = self.legacy_suites_taken(version, &every, pick.suite).await;
                vec![Finding::new(
                    "no-shared-cipher-suite",
                    Confidence::Certain,
                    format!("at {version} the server takes {}, and the client offers none of them ({names})", short_list(&suite_names(&taken), 8)),
                    "add a suite the clients offer to the server's list (OpenSSL: -cipher / SSL_CTX_set_cipher_list; nginx: ssl_ciphers)",
                    "offer one of the server's suites (tlslab/curl --ciphers NAME; openssl s_client -cipher NAME; Python: ctx.set_ciphers)",
                )
                .with(evidence)]
            }
        }
    }

    /// Everything else agrees; does the ALPN list alone make the server refuse?
    async fn alpn_only(&self, version: ProtocolVersion) -> Vec<Finding> {
        if self.hello.alpn.is_empty() {
            return Vec::new();
        }
        let suites = self.client_suites(version);
        let groups = self.client_groups();
        let (without, with) = if version == ProtocolVersion::TLSV1_3 {
            // A HelloRetryRequest comes before the server looks at ALPN, so these hellos
            // carry a real X25519 share (the base point, u = 9: a valid public key).
            let x25519 = NamedGroup(0x001D);
            let mut share = vec![0u8; 32];
            share[0] = 9;
            let base = scan::tls13_hello(&suites, &[x25519], self.prober.sni());
            let base = ClientHelloBuilderExt::with_share(base, x25519, share);
            let alpn: Vec<&str> = self.hello.alpn.iter().map(String::as_str).collect();
            let without = Self::answer(
                self.prober.send_past_hello(&base, "diagnosis").await,
                version,
            );
            let with = Self::answer(
                self.prober
                    .send_past_hello(&base.clone().alpn(&alpn), "diagnosis")
                    .await,
                version,
            );
            let _ = groups;
            (without, with)
        } else {
            let schemes = self.client_schemes();
            (
                self.legacy(version, &suites, &groups, &schemes, &[]).await,
                self.legacy(version, &suites, &groups, &schemes, &self.hello.alpn)
                    .await,
            )
        };
        if without.accepted().is_none() || with.accepted().is_some() {
            return Vec::new();
        }
        vec![Finding::new(
            "alpn-mismatch",
            Confidence::Certain,
            format!("the server refuses the connection because it speaks none of the application protocols offered ({})", self.hello.alpn.join(", ")),
            "add the protocol clients ask for to the server's ALPN list, or carry on without ALPN when nothing matches",
            "offer a protocol the server speaks, or none (tlslab --alpn NAME or --no-http; curl --http1.1; openssl s_client -alpn NAME)",
        )
        .with(vec![
            seen(format!("{version} with the client's parameters, no ALPN"), without.describe()),
            seen(format!("{version} with the client's parameters and ALPN {}", self.hello.alpn.join(", ")), with.describe()),
        ])]
    }

    fn no_ecdhe(&self, version: ProtocolVersion, evidence: Vec<Evidence>, detail: &str) -> Finding {
        Finding::new(
            "no-ecdhe-groups",
            Confidence::Certain,
            format!("the server cannot do ECDHE at {version} — {detail}: it has no elliptic-curve group configured, so every ECDHE suite is unusable (OpenSSL calls this 'no shared cipher')"),
            "configure a curve: OpenSSL >= 1.1 does it by default; OpenSSL 1.0.2 needs SSL_CTX_set_ecdh_auto(ctx, 1) or SSL_CTX_set_tmp_ecdh; Twisted: use CertificateOptions instead of DefaultOpenSSLContextFactory; OpenSSL 3: do not restrict -groups to ffdhe*",
            "offer a non-ECDHE suite the server has (e.g. DHE or RSA key exchange), or TLS 1.3 with an FFDHE group — or get the server fixed",
        )
        .with(evidence)
    }

    /// The client's suites authenticate with one key type; does the server have the other?
    async fn key_type(
        &self,
        version: ProtocolVersion,
        suites: &[CipherSuite],
        any: &scan::Pick,
        evidence: &mut Vec<Evidence>,
    ) -> Option<Finding> {
        let auths: Vec<&str> = suites
            .iter()
            .filter_map(|s| registry::suite(*s))
            .map(|i| i.auth)
            .collect();
        let wanted = *auths.first()?;
        if !matches!(wanted, "RSA" | "ECDSA") || auths.iter().any(|a| *a != wanted) {
            return None;
        }
        let server_key = any
            .chain
            .first()
            .and_then(|der| crate::certs::summarize(der).ok())
            .map(|s| s.key)?;
        let mismatch = (wanted == "RSA" && server_key.starts_with("EC"))
            || (wanted == "ECDSA" && server_key.starts_with("RSA"));
        if !mismatch {
            return None;
        }
        evidence.push(seen(
            format!("certificate the server sent at {version}"),
            server_key.clone(),
        ));
        let schemes = self.client_schemes();
        let prefix = if server_key.starts_with("RSA") {
            "rsa_"
        } else {
            "ecdsa_"
        };
        let can_verify =
            schemes.is_empty() || schemes.iter().any(|s| s.to_string().starts_with(prefix));
        if !can_verify {
            // The client dropped those suites itself: its signature schemes cannot verify
            // the server's key type (OpenSSL removes suites it could not authenticate).
            return Some(
                Finding::new(
                    "signature-scheme-mismatch",
                    Confidence::Certain,
                    format!(
                        "the server's certificate is {server_key}, and none of the client's signature schemes ({}) can verify such a key",
                        short_list(&schemes, 4)
                    ),
                    "add a certificate whose key the clients can verify, or keep both RSA and ECDSA certificates",
                    &format!("offer a {prefix}* signature scheme (tlslab --sigalgs; OpenSSL -sigalgs / SSL_CTX_set1_sigalgs_list)"),
                )
                .with(evidence.clone()),
            );
        }
        Some(
            Finding::new(
                "certificate-key-type-mismatch",
                Confidence::Certain,
                format!("the client offers only {wanted}-authenticated suites, but the server's certificate is {server_key}"),
                "add a certificate of the other key type (OpenSSL: a second -cert/-key, -dcert; nginx: a second ssl_certificate)",
                &format!("offer suites for a {server_key} key (e.g. ECDHE-ECDSA-* for EC, ECDHE-RSA-* for RSA)"),
            )
            .with(evidence.clone()),
        )
    }

    async fn legacy_suites_taken(
        &self,
        version: ProtocolVersion,
        every: &[CipherSuite],
        first: CipherSuite,
    ) -> Vec<CipherSuite> {
        let groups = scan::groups_of(&[GroupKind::Ec, GroupKind::Ecx, GroupKind::Ffdhe]);
        let schemes = scan::all_signature_schemes();
        Self::peel_some(
            Some(first),
            every.to_vec(),
            7,
            async |remaining: &[CipherSuite]| {
                self.legacy(version, remaining, &groups, &schemes, &[])
                    .await
                    .accepted()
                    .map(|p| p.suite)
            },
        )
        .await
    }

    async fn alpn(&self, config: &ConnectConfig) -> Vec<Finding> {
        let offered = self.hello.alpn.clone();
        let version = config.settings.versions.max.min(ProtocolVersion::TLSV1_2);
        let suites = self.client_suites(version);
        let groups = self.client_groups();
        let schemes = self.client_schemes();
        let without = self.legacy(version, &suites, &groups, &schemes, &[]).await;
        let mut evidence = vec![seen(
            format!("ALPN {}", offered.join(", ")),
            "server sent alert no_application_protocol (120)",
        )];
        evidence.push(seen(
            format!("{version} with the same suites and no ALPN"),
            without.describe(),
        ));
        let mut supported = Vec::new();
        for candidate in ["h2", "http/1.1", "http/1.0", "acme-tls/1", "imap", "smtp"] {
            if offered.iter().any(|o| o == candidate) {
                continue;
            }
            let answer = self
                .legacy(
                    version,
                    &suites,
                    &groups,
                    &schemes,
                    &[candidate.to_string()],
                )
                .await;
            if answer.accepted().is_some() {
                supported.push(candidate);
            }
        }
        if !supported.is_empty() {
            evidence.push(seen(
                "other ALPN names, one at a time",
                format!("accepted {}", supported.join(", ")),
            ));
        }
        vec![Finding::new(
            "alpn-mismatch",
            if without.accepted().is_some() { Confidence::Certain } else { Confidence::Likely },
            format!(
                "the server speaks none of the application protocols offered ({}){}",
                offered.join(", "),
                if supported.is_empty() { String::new() } else { format!("; it takes {}", supported.join(", ")) }
            ),
            "add the protocol clients ask for to the server's ALPN list, or do not fail when nothing matches (OpenSSL: return SSL_TLSEXT_ERR_NOACK)",
            "offer a protocol the server speaks (tlslab --alpn NAME; curl --http1.1 / --http2; openssl s_client -alpn NAME)",
        )
        .with(evidence)]
    }

    async fn key_too_small(&self, error: &str) -> Vec<Finding> {
        let version = ProtocolVersion::TLSV1_2;
        let suites = self.client_suites(version);
        let groups = scan::groups_of(&[GroupKind::Ec, GroupKind::Ecx, GroupKind::Ffdhe]);
        let answer = self
            .legacy(
                version,
                &suites,
                &groups,
                &scan::all_signature_schemes(),
                &[],
            )
            .await;
        let detail = answer
            .accepted()
            .and_then(|p| p.kx_detail.clone())
            .unwrap_or_else(|| "a small key".into());
        vec![Finding::new(
            "server-key-too-small",
            if answer.accepted().is_some() { Confidence::Certain } else { Confidence::Likely },
            format!("the server's key exchange uses {detail}, below the client's security level (OpenSSL: '{error}')"),
            "use at least 2048-bit DH (nginx: ssl_dhparam with a 2048-bit file, or ffdhe2048; OpenSSL: SSL_CTX_set_dh_auto) or prefer ECDHE; RSA keys of at least 2048 bits",
            "only for testing old servers: lower the client's level (OpenSSL cipher string '@SECLEVEL=1' or 0; tlslab does this when suites are pinned)",
        )
        .with(vec![seen(format!("{version} with the client's suites"), answer.describe())])]
    }
}

/// Replacing the empty key_share of a probe hello with a real one.
trait ClientHelloBuilderExt {
    fn with_share(self, group: NamedGroup, key: Vec<u8>) -> Self;
}

impl ClientHelloBuilderExt for tlslab_wire::builder::ClientHelloBuilder {
    fn with_share(mut self, group: NamedGroup, key: Vec<u8>) -> Self {
        self.extensions
            .retain(|(kind, _)| *kind != tlslab_wire::codec::extension_type::KEY_SHARE);
        self.key_share(&[(group, key)])
    }
}

/// What a server could have used, seen from its side of a failed handshake, and the code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServerView {
    /// The diagnosis code, as above.
    pub code: &'static str,
    /// What this server could have used, or what was missing.
    pub detail: String,
}

/// Explains a failed handshake from the server's side: what the client offered against what
/// this server is configured with. No probes: the server has all it needs.
pub fn server_side(
    settings: &TlsSettings,
    server_suites: &[CipherSuite],
    server_groups: &[NamedGroup],
    hello: Option<&ClientHello>,
    error: &str,
    alert_sent: Option<u8>,
    client_not_tls: bool,
) -> Option<ServerView> {
    if client_not_tls {
        return Some(ServerView {
            code: "not-tls",
            detail: "the client did not speak TLS".into(),
        });
    }
    let hello = hello?;
    let lowered = error.to_ascii_lowercase();
    if alert_sent == Some(116)
        || lowered.contains("peer did not return a certificate")
        || lowered.contains("nocertificatespresented")
    {
        return Some(ServerView {
            code: "client-certificate-required",
            detail: "the client sent no certificate".into(),
        });
    }
    if lowered.contains("certificate verify failed")
        || lowered.contains("unknown ca")
        || lowered.contains("invalid peer certificate")
    {
        return Some(ServerView {
            code: "client-certificate-rejected",
            detail: "the client's certificate did not verify".into(),
        });
    }
    if alert_sent == Some(120)
        || lowered.contains("no application protocol")
        || lowered.contains("noapplicationprotocol")
        || lowered.contains("support any known protocol")
    {
        return Some(ServerView {
            code: "alpn-mismatch",
            detail: format!(
                "client offered ALPN {}, this server speaks {}",
                hello.alpn.join(", "),
                settings.alpn.join(", ")
            ),
        });
    }
    let offered_versions = hello.offered_versions();
    let common: Vec<ProtocolVersion> = offered_versions
        .iter()
        .copied()
        .filter(|v| {
            settings.versions.contains(*v)
                || (hello.supported_versions.is_empty()
                    && *v >= settings.versions.min
                    && settings.versions.min <= hello.legacy_version)
        })
        .collect();
    if common.is_empty() {
        return Some(ServerView {
            code: "protocol-version-mismatch",
            detail: format!(
                "client offered {}, this server speaks {}",
                offered_versions
                    .iter()
                    .map(|v| v.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                settings.versions
            ),
        });
    }
    let version = *common.iter().max()?;
    let shared: Vec<CipherSuite> = hello
        .cipher_suites
        .iter()
        .copied()
        .filter(|s| {
            server_suites.contains(s) && registry::suite(*s).is_some_and(|i| i.valid_for(version))
        })
        .collect();
    if shared.is_empty() {
        let ours: Vec<CipherSuite> = server_suites
            .iter()
            .copied()
            .filter(|s| registry::suite(*s).is_some_and(|i| i.valid_for(version)))
            .collect();
        return Some(ServerView {
            code: "no-shared-cipher-suite",
            detail: format!(
                "at {version} this server has {}",
                short_list(&suite_names(&ours), 6)
            ),
        });
    }
    let needs_curve = shared
        .iter()
        .all(|s| registry::suite(*s).is_some_and(|i| i.uses_ecdhe()));
    if version < ProtocolVersion::TLSV1_3 && needs_curve {
        if settings.has_no_elliptic_curves()
            || matches!(settings.groups, Some(GroupSpec::NoEllipticCurves))
        {
            return Some(ServerView {
                code: "no-ecdhe-groups",
                detail: format!(
                    "the shared suites ({}) are all ECDHE and this server has no elliptic-curve group",
                    short_list(&suite_names(&shared), 4)
                ),
            });
        }
        let client_groups: Vec<NamedGroup> = hello.groups.clone();
        if !client_groups.is_empty() && !client_groups.iter().any(|g| server_groups.contains(g)) {
            return Some(ServerView {
                code: "no-shared-group",
                detail: format!(
                    "client offered {}, this server has {}",
                    short_list(&client_groups, 5),
                    short_list(server_groups, 5)
                ),
            });
        }
    }
    if version == ProtocolVersion::TLSV1_3
        && !hello.groups.iter().any(|g| server_groups.contains(g))
    {
        return Some(ServerView {
            code: "no-shared-group",
            detail: format!(
                "client offered {}, this server has {}",
                short_list(&hello.groups, 5),
                short_list(server_groups, 5)
            ),
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::{Role, TlsRequest};
    use tlslab_wire::builder::ClientHelloBuilder;

    fn hello(suites: &[u16], groups: &[u16]) -> ClientHello {
        let built = ClientHelloBuilder::new(ProtocolVersion::TLSV1_2)
            .cipher_suites(suites.iter().copied().map(CipherSuite))
            .supported_groups(&groups.iter().copied().map(NamedGroup).collect::<Vec<_>>());
        ClientHello::read(&built.body()).unwrap()
    }

    fn settings(request: TlsRequest) -> TlsSettings {
        TlsSettings::resolve(&request, Role::Server).unwrap()
    }

    #[test]
    fn the_server_side_names_the_seed_case() {
        let mut request = TlsRequest {
            ciphers: Some("ECDHE-RSA-AES128-GCM-SHA256".into()),
            ..TlsRequest::default()
        };
        crate::profiles::find("legacy-no-ecdh")
            .unwrap()
            .apply(&mut request)
            .unwrap();
        let settings = settings(request);
        let view = server_side(
            &settings,
            &[CipherSuite(0xC02F)],
            &[NamedGroup(0x0100)],
            Some(&hello(&[0xC02F], &[0x001D, 0x0017])),
            "OpenSSL: no shared cipher",
            Some(40),
            false,
        )
        .unwrap();
        assert_eq!(view.code, "no-ecdhe-groups");
    }

    #[test]
    fn the_server_side_names_missing_suites_and_versions() {
        let settings = settings(TlsRequest {
            ciphers: Some("ECDHE-RSA-AES256-GCM-SHA384".into()),
            ..TlsRequest::default()
        });
        let view = server_side(
            &settings,
            &[CipherSuite(0xC030)],
            &[NamedGroup(0x001D)],
            Some(&hello(&[0xC02F], &[0x001D])),
            "",
            Some(40),
            false,
        )
        .unwrap();
        assert_eq!(view.code, "no-shared-cipher-suite");
        assert!(
            view.detail.contains("ECDHE-RSA-AES256-GCM-SHA384"),
            "{}",
            view.detail
        );
        let tls13_only = self::settings(TlsRequest {
            tls: Some("1.3".into()),
            ..TlsRequest::default()
        });
        let view = server_side(
            &tls13_only,
            &[CipherSuite(0x1301)],
            &[NamedGroup(0x001D)],
            Some(&hello(&[0xC02F], &[0x001D])),
            "",
            Some(70),
            false,
        )
        .unwrap();
        assert_eq!(view.code, "protocol-version-mismatch");
    }
}
