//! `tlslab scan`: everything a server accepts — protocol versions, every IANA cipher suite,
//! preference order, groups, signature schemes, certificates — from hand-built ClientHellos.
//!
//! The method, per version: offer every remaining suite, note the one the server picks,
//! remove it, repeat until the server refuses. That costs one handshake per accepted suite
//! plus one refusal, and when the server has an order of its own the picks come out in that
//! order. TLS 1.3 suites and groups are enumerated without any key exchange: an empty
//! key_share makes the server answer with a HelloRetryRequest that names its choice.
//! Versions run concurrently; every probe is bounded in time, retried a bounded number of
//! times, and a failed probe is recorded as data, never an abort.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::future::join_all;
use serde::Serialize;
use tlslab_wire::builder::ClientHelloBuilder;
use tlslab_wire::codec::{Alert, ServerFlight, ServerKeyExchange};
use tlslab_wire::registry::{self, GroupKind, SuiteInfo};
use tlslab_wire::{CipherSuite, NamedGroup, ProtocolVersion, SignatureScheme};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Semaphore;

use crate::certs::{self, CertSummary};
use crate::client::Target;
use crate::facts::SuiteNames;
use crate::observe;

/// How to scan one target.
#[derive(Debug, Clone)]
pub struct ScanConfig {
    /// Where.
    pub target: Target,
    /// SNI to send (`None`: the host name, unless it is an address).
    pub sni: Option<String>,
    /// Connections in flight at once.
    pub concurrency: usize,
    /// Handshakes per second at most (`None`: as fast as the server answers).
    pub rate: Option<f64>,
    /// Connect timeout.
    pub connect_timeout: Duration,
    /// Timeout for each read while waiting for the server's answer.
    pub read_timeout: Duration,
    /// Retries after a probe times out or is cut off.
    pub retries: u32,
    /// Versions to try.
    pub versions: Vec<ProtocolVersion>,
}

impl ScanConfig {
    /// Defaults for a target: 8 connections, 5 s timeouts, 2 retries, SSLv3 … TLS 1.3.
    pub fn new(target: Target) -> Self {
        Self {
            target,
            sni: None,
            concurrency: 8,
            rate: None,
            connect_timeout: Duration::from_secs(5),
            read_timeout: Duration::from_secs(5),
            retries: 2,
            versions: ProtocolVersion::KNOWN.to_vec(),
        }
    }
}

/// Whether a version is spoken (`protocols` in JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProtocolSupport {
    /// `TLSv1.2` style.
    pub version: String,
    /// True when the server negotiated it.
    pub supported: bool,
    /// How the server said no: the alert, a lower version, or a closed connection.
    pub refusal: Option<String>,
}

/// One accepted suite (`cipher_suites` in JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AcceptedSuite {
    /// `TLSv1.2` style.
    pub protocol: String,
    /// `0xC02F`.
    pub code: String,
    /// IANA name.
    pub iana: String,
    /// OpenSSL name, if any.
    pub openssl: Option<String>,
    /// GnuTLS name, if any.
    pub gnutls: Option<String>,
    /// Key-exchange detail: the curve, DH size or RSA key size the server used.
    pub kx_detail: Option<String>,
}

/// One accepted group (`groups` in JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AcceptedGroup {
    /// `TLSv1.3` or `TLSv1.2`.
    pub protocol: String,
    /// IANA name.
    pub name: String,
    /// `0x001D`.
    pub code: String,
}

/// One signature scheme the server used (`signature_schemes` in JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AcceptedScheme {
    /// The version it was seen in.
    pub protocol: String,
    /// IANA name.
    pub name: String,
    /// `0x0804`.
    pub code: String,
}

/// A certificate chain the server presented (`certificates` in JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServedChain {
    /// Leaf key, e.g. `RSA 2048`, `EC P-256`.
    pub key: String,
    /// The suite that drew it out.
    pub found_with: String,
    /// The chain, leaf first.
    pub chain: Vec<CertSummary>,
}

/// A probe that did not give an answer (`errors` in JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProbeError {
    /// What the probe was for.
    pub probe: String,
    /// What went wrong.
    pub message: String,
    /// How many times it was tried.
    pub attempts: u32,
}

/// Everything a scan found (the `--json` object).
#[derive(Debug, Clone, Serialize)]
pub struct ScanReport {
    /// `host:port`.
    pub target: String,
    /// The address scanned.
    pub address: Option<String>,
    /// Each version tried, and whether it is spoken.
    pub protocols: Vec<ProtocolSupport>,
    /// Accepted suites, grouped by version (newest first), in the server's order when it has
    /// one.
    pub cipher_suites: Vec<AcceptedSuite>,
    /// Per version: does the server choose by its own order?
    pub server_preference: BTreeMap<String, bool>,
    /// Per version with server preference: the server's order, as codes.
    pub preference_order: BTreeMap<String, Vec<String>>,
    /// Groups, per version, in the server's order.
    pub groups: Vec<AcceptedGroup>,
    /// Signature schemes the server used (TLS 1.2 ServerKeyExchange).
    pub signature_schemes: Vec<AcceptedScheme>,
    /// Certificate chains, one per key type.
    pub certificates: Vec<ServedChain>,
    /// Connections made.
    pub handshakes: u32,
    /// Wall time.
    pub elapsed_ms: u64,
    /// Probes that failed.
    pub errors: Vec<ProbeError>,
    /// Set when the target does not speak TLS at all: why.
    pub not_tls: Option<String>,
}

impl ScanReport {
    /// True when the server spoke TLS in at least one version.
    pub fn found_tls(&self) -> bool {
        self.protocols.iter().any(|p| p.supported)
    }
}

/// What came back from one hello.
#[derive(Debug, Clone)]
pub(crate) enum Reply {
    /// A ServerHello (or HelloRetryRequest), with whatever followed it.
    Hello(Box<ServerFlight>),
    /// An alert instead.
    Alert(Alert),
    /// The connection closed (or was reset) without an answer: a refusal.
    Closed,
    /// The bytes were not TLS.
    NotTls(Vec<u8>),
}

/// Sends hellos: bounded concurrency, optional rate, timeouts, retries, an error log.
pub(crate) struct Prober {
    address: SocketAddr,
    sni: Option<String>,
    permits: Semaphore,
    pace: Option<(Duration, Mutex<Instant>)>,
    handshakes: AtomicU32,
    progress: Option<Arc<AtomicU32>>,
    connect_timeout: Duration,
    read_timeout: Duration,
    retries: u32,
    errors: Mutex<Vec<ProbeError>>,
    not_tls: Mutex<Option<String>>,
}

/// Largest server answer read (a flight with a long chain is well under this).
const REPLY_LIMIT: usize = 256 * 1024;

impl Prober {
    /// A prober for one address, with a scan's limits.
    pub(crate) fn new(
        address: SocketAddr,
        sni: Option<String>,
        config: &ScanConfig,
        progress: Option<Arc<AtomicU32>>,
    ) -> Self {
        Self {
            address,
            sni,
            permits: Semaphore::new(config.concurrency.max(1)),
            pace: config.rate.filter(|r| *r > 0.0).map(|rate| {
                (
                    Duration::from_secs_f64(1.0 / rate),
                    Mutex::new(Instant::now()),
                )
            }),
            handshakes: AtomicU32::new(0),
            progress,
            connect_timeout: config.connect_timeout,
            read_timeout: config.read_timeout,
            retries: config.retries,
            errors: Mutex::new(Vec::new()),
            not_tls: Mutex::new(None),
        }
    }

    /// The SNI name hellos carry.
    pub(crate) fn sni(&self) -> Option<&str> {
        self.sni.as_deref()
    }

    /// Connections made so far.
    pub(crate) fn handshakes(&self) -> u32 {
        self.handshakes.load(Ordering::Relaxed)
    }

    pub(crate) async fn send(&self, hello: &ClientHelloBuilder, probe: &str) -> Option<Reply> {
        self.send_with(hello, probe, false).await
    }

    /// Like [`Prober::send`], but a TLS 1.3 ServerHello only counts when encrypted records
    /// follow it: some servers send their ServerHello and then give up (ALPN, certificates).
    pub(crate) async fn send_past_hello(
        &self,
        hello: &ClientHelloBuilder,
        probe: &str,
    ) -> Option<Reply> {
        self.send_with(hello, probe, true).await
    }

    async fn send_with(
        &self,
        hello: &ClientHelloBuilder,
        probe: &str,
        past_hello: bool,
    ) -> Option<Reply> {
        let bytes = hello.records();
        let mut last_error = String::new();
        for attempt in 0..=self.retries {
            if attempt > 0 {
                tokio::time::sleep(Duration::from_millis(50 << attempt.min(4))).await;
            }
            self.wait_for_turn().await;
            // The semaphore is never closed, so acquiring only waits.
            let Ok(_permit) = self.permits.acquire().await else {
                break;
            };
            self.count();
            match self.once(&bytes, past_hello).await {
                Ok(Reply::NotTls(head)) => {
                    let mut not_tls = self.not_tls.lock().unwrap_or_else(|p| p.into_inner());
                    not_tls.get_or_insert_with(|| observe::describe_non_tls(&head));
                    return Some(Reply::NotTls(head));
                }
                Ok(reply) => return Some(reply),
                Err(error) => last_error = error,
            }
        }
        let mut errors = self.errors.lock().unwrap_or_else(|p| p.into_inner());
        errors.push(ProbeError {
            probe: probe.to_string(),
            message: last_error,
            attempts: self.retries + 1,
        });
        None
    }

    fn count(&self) {
        self.handshakes.fetch_add(1, Ordering::Relaxed);
        if let Some(progress) = &self.progress {
            progress.fetch_add(1, Ordering::Relaxed);
        }
    }

    async fn wait_for_turn(&self) {
        let Some((interval, next)) = &self.pace else {
            return;
        };
        let wait = {
            let mut next = next.lock().unwrap_or_else(|p| p.into_inner());
            let now = Instant::now();
            let slot = (*next).max(now);
            *next = slot + *interval;
            slot - now
        };
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }

    async fn once(&self, hello: &[u8], past_hello: bool) -> Result<Reply, String> {
        let connect = TcpStream::connect(self.address);
        let mut stream = match tokio::time::timeout(self.connect_timeout, connect).await {
            Ok(Ok(stream)) => stream,
            Ok(Err(e)) => return Err(format!("cannot connect to {}: {e}", self.address)),
            Err(_) => {
                return Err(format!(
                    "no TCP answer from {} in {:?}",
                    self.address, self.connect_timeout
                ))
            }
        };
        let _ = stream.set_nodelay(true);
        if let Err(e) = stream.write_all(hello).await {
            return match e.kind() {
                std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::BrokenPipe => {
                    Ok(Reply::Closed)
                }
                _ => Err(format!("sending the ClientHello failed: {e}")),
            };
        }
        let mut buffer = Vec::with_capacity(8192);
        let mut chunk = vec![0u8; 16384];
        loop {
            let read = tokio::time::timeout(self.read_timeout, stream.read(&mut chunk)).await;
            let n = match read {
                Ok(Ok(n)) => n,
                Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionReset => 0,
                Ok(Err(e)) => return Err(format!("reading the answer failed: {e}")),
                Err(_) => {
                    return match Self::interpret(&buffer, past_hello) {
                        Some(reply) => Ok(reply),
                        None => Err(format!(
                            "no complete answer in {:?} ({} bytes)",
                            self.read_timeout,
                            buffer.len()
                        )),
                    };
                }
            };
            if n == 0 {
                return Ok(Self::interpret(&buffer, past_hello).unwrap_or(Reply::Closed));
            }
            buffer.extend_from_slice(&chunk[..n]);
            if !(0x14..=0x18).contains(&buffer[0]) {
                return Ok(Reply::NotTls(buffer[..buffer.len().min(64)].to_vec()));
            }
            if let Ok(flight) = ServerFlight::read(&buffer) {
                let tls13 = flight.server_hello.as_ref().is_some_and(|h| {
                    !h.is_retry_request && h.version() == ProtocolVersion::TLSV1_3
                });
                let done = if past_hello && tls13 {
                    flight.application_data || flight.alert.is_some()
                } else {
                    flight.is_complete()
                };
                if done {
                    return Ok(Self::reply_from(flight));
                }
            }
            if buffer.len() > REPLY_LIMIT {
                return Err(format!(
                    "the answer exceeded {REPLY_LIMIT} bytes without completing"
                ));
            }
        }
    }

    /// What a partial answer amounts to when the peer stops sending.
    fn interpret(buffer: &[u8], past_hello: bool) -> Option<Reply> {
        if buffer.is_empty() {
            return None;
        }
        if !(0x14..=0x18).contains(&buffer[0]) {
            return Some(Reply::NotTls(buffer[..buffer.len().min(64)].to_vec()));
        }
        let flight = ServerFlight::read(buffer).ok()?;
        if past_hello && !flight.application_data && flight.alert.is_none() {
            // A ServerHello and then nothing: the server gave up after it.
            return Some(Reply::Closed);
        }
        (flight.server_hello.is_some() || flight.alert.is_some()).then(|| Self::reply_from(flight))
    }

    fn reply_from(flight: ServerFlight) -> Reply {
        match (&flight.server_hello, flight.alert) {
            (Some(_), _) => Reply::Hello(Box::new(flight)),
            (None, Some(alert)) => Reply::Alert(alert),
            (None, None) => Reply::Closed,
        }
    }
}

pub(crate) fn all_signature_schemes() -> Vec<SignatureScheme> {
    registry::signature_schemes()
        .iter()
        .map(|(code, _)| SignatureScheme(*code))
        .collect()
}

pub(crate) fn groups_of(kinds: &[GroupKind]) -> Vec<NamedGroup> {
    registry::groups()
        .iter()
        .filter(|g| kinds.contains(&g.kind))
        .map(|g| g.code)
        .collect()
}

/// The hello for TLS ≤ 1.2 probes: everything a generous client would send.
pub(crate) fn legacy_hello(
    version: ProtocolVersion,
    suites: &[CipherSuite],
    groups: &[NamedGroup],
    schemes: &[SignatureScheme],
    sni: Option<&str>,
) -> ClientHelloBuilder {
    let mut offered = suites.to_vec();
    offered.push(CipherSuite(0x00FF)); // TLS_EMPTY_RENEGOTIATION_INFO_SCSV
    let mut hello = ClientHelloBuilder::new(version).cipher_suites(offered);
    if version == ProtocolVersion::SSLV3 {
        // SSLv3 has no extensions; some SSLv3 stacks choke on them.
        hello.session_id.clear();
        return hello;
    }
    if let Some(name) = sni {
        hello = hello.server_name(name);
    }
    hello = hello
        .supported_groups(groups)
        .ec_point_formats()
        .extended_master_secret()
        .session_ticket();
    if version >= ProtocolVersion::TLSV1_2 {
        hello = hello.signature_algorithms(schemes);
    }
    hello
}

/// The hello for TLS 1.3 probes: no key shares, so the answer is a HelloRetryRequest.
pub(crate) fn tls13_hello(
    suites: &[CipherSuite],
    groups: &[NamedGroup],
    sni: Option<&str>,
) -> ClientHelloBuilder {
    let mut hello =
        ClientHelloBuilder::new(ProtocolVersion::TLSV1_2).cipher_suites(suites.to_vec());
    if let Some(name) = sni {
        hello = hello.server_name(name);
    }
    hello
        .supported_groups(groups)
        .signature_algorithms(&all_signature_schemes())
        .supported_versions(&[ProtocolVersion::TLSV1_3])
        .psk_key_exchange_modes()
        .key_share(&[])
}

/// One accepted suite as the enumeration saw it.
#[derive(Debug, Clone)]
pub(crate) struct Pick {
    pub(crate) suite: CipherSuite,
    pub(crate) kx_detail: Option<String>,
    pub(crate) group: Option<NamedGroup>,
    pub(crate) scheme: Option<SignatureScheme>,
    pub(crate) chain: Vec<Vec<u8>>,
}

/// What one version's enumeration found.
#[derive(Debug, Clone, Default)]
struct VersionResult {
    supported: bool,
    picks: Vec<Pick>,
    /// How the first refusal looked, when nothing was accepted.
    refusal: Option<String>,
    /// True when that refusal was silence or a closed connection rather than an alert.
    cut_off: bool,
    /// True when the suites had to be offered in chunks (the order is then per chunk).
    chunked: bool,
}

/// Describes a refusal for the report.
fn refusal(reply: &Option<Reply>, offered: ProtocolVersion) -> String {
    match reply {
        Some(Reply::Alert(alert)) => {
            format!("alert {} ({})", alert.description, alert.description.0)
        }
        Some(Reply::Hello(flight)) => match &flight.server_hello {
            Some(hello) if hello.version() != offered => {
                format!("answered with {}", hello.version())
            }
            _ => "answered with a suite that was not offered".to_string(),
        },
        Some(Reply::Closed) => "closed the connection".to_string(),
        Some(Reply::NotTls(_)) => "not TLS".to_string(),
        None => "no answer".to_string(),
    }
}

pub(crate) fn pick_from(flight: &ServerFlight, version: ProtocolVersion) -> Option<Pick> {
    let hello = flight.server_hello.as_ref()?;
    let suite = hello.cipher_suite;
    let info = registry::suite(suite);
    let mut pick = Pick {
        suite,
        kx_detail: None,
        group: hello.key_share_group,
        scheme: None,
        chain: flight.certificates.clone(),
    };
    if let (Some(body), Some(info)) = (&flight.key_exchange, info) {
        if let Ok(ske) = ServerKeyExchange::read(body, info.kx, info.signs_key_exchange(), version)
        {
            pick.kx_detail = Some(ske.params.to_string());
            pick.scheme = ske.signature_scheme;
            if let tlslab_wire::codec::KeyExchangeParams::NamedCurve(group) = ske.params {
                pick.group = Some(group);
            }
        }
    } else if let Some(group) = hello.key_share_group {
        pick.kx_detail = Some(group.to_string());
    } else if info.is_some_and(|i| i.kx.starts_with("RSA")) {
        pick.kx_detail = flight
            .certificates
            .first()
            .and_then(|der| certs::summarize(der).ok())
            .map(|s| s.key);
    }
    Some(pick)
}

/// Suites per hello when a server refuses the hello with every suite in it.
const CHUNK: usize = 64;

async fn enumerate_legacy(prober: &Prober, version: ProtocolVersion) -> VersionResult {
    let candidates: Vec<CipherSuite> = registry::suites()
        .iter()
        .filter(|s| s.valid_for(version) && !s.is_scsv() && !s.is_tls13())
        .map(|s| s.code)
        .collect();
    let result = enumerate_list(prober, version, candidates.clone()).await;
    if result.supported || !result.cut_off || candidates.len() <= CHUNK {
        return result;
    }
    // Silence instead of an alert: some servers choke on big hellos. Try smaller ones.
    let mut chunked = VersionResult {
        chunked: true,
        ..VersionResult::default()
    };
    for (index, chunk) in candidates.chunks(CHUNK).enumerate() {
        let part = enumerate_list(prober, version, chunk.to_vec()).await;
        if index == 0 && !part.supported && part.cut_off {
            // Small hellos get no answer either: the server is silent, not choking.
            return result;
        }
        chunked.supported |= part.supported;
        chunked.picks.extend(part.picks);
        if chunked.refusal.is_none() {
            chunked.refusal = part.refusal;
        }
    }
    if !chunked.supported {
        return result;
    }
    record(
        prober,
        &format!("{version} suites"),
        format!(
            "the server dropped a hello with all {} suites; enumerated in chunks of {CHUNK}, so its full order is unknown",
            candidates.len()
        ),
    );
    chunked
}

async fn enumerate_list(
    prober: &Prober,
    version: ProtocolVersion,
    mut remaining: Vec<CipherSuite>,
) -> VersionResult {
    let groups = groups_of(&[GroupKind::Ec, GroupKind::Ecx, GroupKind::Ffdhe]);
    let schemes = all_signature_schemes();
    let mut result = VersionResult::default();
    let probe = format!("{version} suites");
    while !remaining.is_empty() {
        let hello = legacy_hello(
            version,
            &remaining,
            &groups,
            &schemes,
            prober.sni.as_deref(),
        );
        let reply = prober.send(&hello, &probe).await;
        let flight = match &reply {
            Some(Reply::Hello(flight))
                if flight
                    .server_hello
                    .as_ref()
                    .is_some_and(|h| h.version() == version) =>
            {
                flight
            }
            _ => {
                if !result.supported {
                    result.refusal = Some(refusal(&reply, version));
                    result.cut_off = matches!(reply, Some(Reply::Closed) | None);
                }
                break;
            }
        };
        let Some(server_hello) = flight.server_hello.as_ref() else {
            break;
        };
        if !remaining.contains(&server_hello.cipher_suite) {
            record(
                prober,
                &probe,
                format!(
                    "the server chose {}, which was not offered",
                    server_hello.cipher_suite
                ),
            );
            break;
        }
        let Some(pick) = pick_from(flight, version) else {
            break;
        };
        result.supported = true;
        remaining.retain(|s| *s != pick.suite);
        result.picks.push(pick);
    }
    result
}

pub(crate) fn tls13_suites() -> Vec<CipherSuite> {
    registry::suites()
        .iter()
        .filter(|s| s.is_tls13())
        .map(|s| s.code)
        .collect()
}

pub(crate) fn tls13_groups() -> Vec<NamedGroup> {
    groups_of(&[
        GroupKind::Ec,
        GroupKind::Ecx,
        GroupKind::Ffdhe,
        GroupKind::PqHybrid,
        GroupKind::Pq,
    ])
}

async fn enumerate_tls13(prober: &Prober) -> VersionResult {
    let mut remaining = tls13_suites();
    let groups = tls13_groups();
    let mut result = VersionResult::default();
    while !remaining.is_empty() {
        let hello = tls13_hello(&remaining, &groups, prober.sni.as_deref());
        let reply = prober.send(&hello, "TLSv1.3 suites").await;
        let flight = match &reply {
            Some(Reply::Hello(flight))
                if flight
                    .server_hello
                    .as_ref()
                    .is_some_and(|h| h.version() == ProtocolVersion::TLSV1_3) =>
            {
                flight
            }
            _ => {
                if !result.supported {
                    result.refusal = Some(refusal(&reply, ProtocolVersion::TLSV1_3));
                }
                break;
            }
        };
        let Some(server_hello) = flight.server_hello.as_ref() else {
            break;
        };
        if server_hello.version() != ProtocolVersion::TLSV1_3
            || !remaining.contains(&server_hello.cipher_suite)
        {
            break;
        }
        result.supported = true;
        let suite = server_hello.cipher_suite;
        remaining.retain(|s| *s != suite);
        result.picks.push(Pick {
            suite,
            kx_detail: server_hello.key_share_group.map(|g| g.to_string()),
            group: server_hello.key_share_group,
            scheme: None,
            chain: Vec::new(),
        });
    }
    result
}

/// The enumeration used throughout: offer everything remaining, note what the server picks,
/// remove it, and repeat until it refuses (or picks something that was not offered).
pub(crate) async fn peel<T: PartialEq + Copy>(
    first: Option<T>,
    candidates: Vec<T>,
    mut pick: impl AsyncFnMut(&[T]) -> Option<T>,
) -> Vec<T> {
    let mut accepted: Vec<T> = first.into_iter().collect();
    let mut remaining: Vec<T> = candidates
        .into_iter()
        .filter(|c| !accepted.contains(c))
        .collect();
    while !remaining.is_empty() {
        match pick(&remaining).await {
            Some(choice) if remaining.contains(&choice) => {
                remaining.retain(|c| *c != choice);
                accepted.push(choice);
            }
            _ => break,
        }
    }
    accepted
}

/// Groups in TLS 1.3: offer the remaining groups, the HelloRetryRequest names the next one.
async fn enumerate_tls13_groups(
    prober: &Prober,
    suites: &[CipherSuite],
    first: Option<NamedGroup>,
) -> Vec<NamedGroup> {
    peel(first, tls13_groups(), async |remaining: &[NamedGroup]| {
        let hello = tls13_hello(suites, remaining, prober.sni.as_deref());
        match prober.send(&hello, "TLSv1.3 groups").await {
            Some(Reply::Hello(flight)) => flight.server_hello.and_then(|h| h.key_share_group),
            _ => None,
        }
    })
    .await
}

/// Curves for TLS ≤ 1.2 ECDHE: the ServerKeyExchange names the next one.
async fn enumerate_legacy_groups(
    prober: &Prober,
    version: ProtocolVersion,
    suites: &[CipherSuite],
    first: Option<NamedGroup>,
) -> Vec<NamedGroup> {
    let schemes = all_signature_schemes();
    let probe = format!("{version} groups");
    peel(
        first,
        groups_of(&[GroupKind::Ec, GroupKind::Ecx]),
        async |remaining: &[NamedGroup]| {
            let hello = legacy_hello(version, suites, remaining, &schemes, prober.sni.as_deref());
            match prober.send(&hello, &probe).await {
                Some(Reply::Hello(flight)) => pick_from(&flight, version).and_then(|p| p.group),
                _ => None,
            }
        },
    )
    .await
}

/// Signature schemes in TLS 1.2: the ServerKeyExchange names the next one.
async fn enumerate_schemes(
    prober: &Prober,
    suites: &[CipherSuite],
    first: Option<SignatureScheme>,
) -> Vec<SignatureScheme> {
    let groups = groups_of(&[GroupKind::Ec, GroupKind::Ecx, GroupKind::Ffdhe]);
    peel(
        first,
        all_signature_schemes(),
        async |remaining: &[SignatureScheme]| {
            let hello = legacy_hello(
                ProtocolVersion::TLSV1_2,
                suites,
                &groups,
                remaining,
                prober.sni.as_deref(),
            );
            match prober.send(&hello, "TLSv1.2 signature schemes").await {
                Some(Reply::Hello(flight)) => {
                    pick_from(&flight, ProtocolVersion::TLSV1_2).and_then(|p| p.scheme)
                }
                _ => None,
            }
        },
    )
    .await
}

/// How much work a suite's handshake costs the server: plain RSA key exchange signs
/// nothing, ECDHE signs once, DHE also makes a large DH key.
fn server_cost(suite: CipherSuite) -> u8 {
    match registry::suite(suite).map(|info| info.kx) {
        Some("RSA") | Some("ANY") => 0,
        Some(kx) if kx.starts_with("ECDH") => 1,
        _ => 2,
    }
}

/// Offers two accepted suites in the reverse of the order they were picked in: a server
/// with an order of its own takes the one it picked first again, a server that follows the
/// client takes the first offered. Any such pair works, so the cheapest pair is used.
async fn server_prefers(prober: &Prober, version: ProtocolVersion, picks: &[Pick]) -> Option<bool> {
    if picks.len() < 2 {
        return None;
    }
    let mut by_cost: Vec<(usize, &Pick)> = picks.iter().enumerate().collect();
    by_cost.sort_by_key(|(index, pick)| (server_cost(pick.suite), *index));
    let (mut first, mut second) = (by_cost[0], by_cost[1]);
    if second.0 < first.0 {
        std::mem::swap(&mut first, &mut second);
    }
    let (earlier, later) = (first.1.suite, second.1.suite);
    let reversed = [later, earlier];
    let hello = if version == ProtocolVersion::TLSV1_3 {
        tls13_hello(&reversed, &tls13_groups(), prober.sni.as_deref())
    } else {
        let groups = groups_of(&[GroupKind::Ec, GroupKind::Ecx, GroupKind::Ffdhe]);
        legacy_hello(
            version,
            &reversed,
            &groups,
            &all_signature_schemes(),
            prober.sni.as_deref(),
        )
    };
    match prober
        .send(&hello, &format!("{version} preference"))
        .await?
    {
        Reply::Hello(flight) => flight.server_hello.map(|h| h.cipher_suite == earlier),
        _ => None,
    }
}

fn record(prober: &Prober, probe: &str, message: String) {
    prober
        .errors
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(ProbeError {
            probe: probe.to_string(),
            message,
            attempts: 1,
        });
}

/// Scans one target. `progress`, if given, counts connections as they are made.
pub async fn scan(config: &ScanConfig, progress: Option<Arc<AtomicU32>>) -> ScanReport {
    let started = Instant::now();
    let target = &config.target;
    let mut report = ScanReport {
        target: target.authority(),
        address: None,
        protocols: Vec::new(),
        cipher_suites: Vec::new(),
        server_preference: BTreeMap::new(),
        preference_order: BTreeMap::new(),
        groups: Vec::new(),
        signature_schemes: Vec::new(),
        certificates: Vec::new(),
        handshakes: 0,
        elapsed_ms: 0,
        errors: Vec::new(),
        not_tls: None,
    };
    let lookup = tokio::net::lookup_host((target.host.as_str(), target.port));
    let address = match tokio::time::timeout(config.connect_timeout, lookup).await {
        Ok(Ok(mut found)) => found.next(),
        _ => None,
    };
    let Some(address) = address else {
        report.errors.push(ProbeError {
            probe: "resolve".into(),
            message: format!("cannot resolve {}", target.host),
            attempts: 1,
        });
        return report;
    };
    report.address = Some(address.to_string());
    let sni = match &config.sni {
        Some(name) if name.is_empty() => None,
        Some(name) => Some(name.clone()),
        None if target.host.parse::<std::net::IpAddr>().is_ok() => None,
        None => Some(target.host.clone()),
    };
    let prober = Prober::new(address, sni, config, progress);

    // Every version at once; each is a chain of dependent probes.
    let legacy_versions: Vec<ProtocolVersion> = config
        .versions
        .iter()
        .copied()
        .filter(|v| *v < ProtocolVersion::TLSV1_3)
        .collect();
    let want_tls13 = config.versions.contains(&ProtocolVersion::TLSV1_3);
    let legacy = join_all(
        legacy_versions
            .iter()
            .map(|v| enumerate_legacy(&prober, *v)),
    );
    let tls13 = async {
        if want_tls13 {
            Some(enumerate_tls13(&prober).await)
        } else {
            None
        }
    };
    let (legacy_results, tls13_result) = tokio::join!(legacy, tls13);
    let mut results: Vec<(ProtocolVersion, VersionResult)> =
        legacy_versions.into_iter().zip(legacy_results).collect();
    if let Some(result) = tls13_result {
        results.push((ProtocolVersion::TLSV1_3, result));
    }
    results.sort_by_key(|(version, _)| std::cmp::Reverse(*version));

    // Second round, also concurrent: preference, groups, signature schemes.
    let best_legacy = results
        .iter()
        .filter(|(v, r)| *v < ProtocolVersion::TLSV1_3 && r.supported)
        .find(|(_, r)| r.picks.iter().any(|p| is_ecdhe(p.suite)));
    let tls12 = results
        .iter()
        .find(|(v, r)| *v == ProtocolVersion::TLSV1_2 && r.supported);
    let tls13 = results
        .iter()
        .find(|(v, r)| *v == ProtocolVersion::TLSV1_3 && r.supported);
    let preferences = join_all(
        results
            .iter()
            .map(|(v, r)| server_prefers(&prober, *v, &r.picks)),
    );
    let groups13 = async {
        match tls13 {
            Some((_, r)) => {
                let suites: Vec<CipherSuite> = r.picks.iter().map(|p| p.suite).collect();
                enumerate_tls13_groups(&prober, &suites, r.picks.first().and_then(|p| p.group))
                    .await
            }
            None => Vec::new(),
        }
    };
    let groups_legacy = async {
        match best_legacy {
            Some((version, r)) => {
                let ecdhe: Vec<&Pick> = r.picks.iter().filter(|p| is_ecdhe(p.suite)).collect();
                let suites: Vec<CipherSuite> = ecdhe.iter().map(|p| p.suite).collect();
                let first = ecdhe.first().and_then(|p| p.group);
                (
                    *version,
                    enumerate_legacy_groups(&prober, *version, &suites, first).await,
                )
            }
            None => (ProtocolVersion::TLSV1_2, Vec::new()),
        }
    };
    let schemes = async {
        match tls12 {
            Some((_, r)) => {
                let mut signed: Vec<&Pick> =
                    r.picks.iter().filter(|p| p.scheme.is_some()).collect();
                if signed.is_empty() {
                    return Vec::new();
                }
                // ECDHE suites cost the server less than DHE ones; offer only those if any.
                let cheapest = signed
                    .iter()
                    .map(|p| server_cost(p.suite))
                    .min()
                    .unwrap_or(0);
                signed.retain(|p| server_cost(p.suite) == cheapest);
                let suites: Vec<CipherSuite> = signed.iter().map(|p| p.suite).collect();
                enumerate_schemes(&prober, &suites, signed.first().and_then(|p| p.scheme)).await
            }
            None => Vec::new(),
        }
    };
    let (preferences, groups13, (legacy_group_version, groups_legacy), schemes) =
        tokio::join!(preferences, groups13, groups_legacy, schemes);

    for ((version, result), prefers) in results.iter().zip(preferences) {
        let name = version.to_string();
        report.protocols.push(ProtocolSupport {
            version: name.clone(),
            supported: result.supported,
            refusal: result.refusal.clone(),
        });
        for pick in &result.picks {
            let names = SuiteNames::of(pick.suite);
            report.cipher_suites.push(AcceptedSuite {
                protocol: name.clone(),
                code: names.code,
                iana: names.iana,
                openssl: names.openssl,
                gnutls: names.gnutls,
                kx_detail: pick.kx_detail.clone(),
            });
        }
        if let Some(prefers) = prefers {
            report.server_preference.insert(name.clone(), prefers);
            if prefers && !result.chunked {
                report.preference_order.insert(
                    name.clone(),
                    result.picks.iter().map(|p| p.suite.hex()).collect(),
                );
            }
        }
    }
    for group in groups13 {
        report
            .groups
            .push(group_entry(ProtocolVersion::TLSV1_3, group));
    }
    for group in groups_legacy {
        report.groups.push(group_entry(legacy_group_version, group));
    }
    for scheme in schemes {
        report.signature_schemes.push(AcceptedScheme {
            protocol: ProtocolVersion::TLSV1_2.to_string(),
            name: scheme.to_string(),
            code: scheme.hex(),
        });
    }
    report.certificates = chains(&results);
    if report.certificates.is_empty() && tls13.is_some() {
        // TLS 1.3 encrypts the certificate: finish one real handshake to see it.
        prober.count();
        report.certificates = tls13_chain(config).await;
    }
    report.errors.extend(
        prober
            .errors
            .into_inner()
            .unwrap_or_else(|p| p.into_inner()),
    );
    report.not_tls = prober
        .not_tls
        .into_inner()
        .unwrap_or_else(|p| p.into_inner());
    report.handshakes = prober.handshakes.load(Ordering::Relaxed);
    report.elapsed_ms = started.elapsed().as_millis() as u64;
    report
}

fn is_ecdhe(suite: CipherSuite) -> bool {
    registry::suite(suite).is_some_and(SuiteInfo::uses_ecdhe)
}

fn group_entry(version: ProtocolVersion, group: NamedGroup) -> AcceptedGroup {
    AcceptedGroup {
        protocol: version.to_string(),
        name: group.to_string(),
        code: group.hex(),
    }
}

fn chains(results: &[(ProtocolVersion, VersionResult)]) -> Vec<ServedChain> {
    let mut out: Vec<ServedChain> = Vec::new();
    // Almost every pick carries the same chain: read each distinct leaf once.
    let mut seen: Vec<&[u8]> = Vec::new();
    for (_, result) in results {
        for pick in &result.picks {
            let Some(leaf_der) = pick.chain.first() else {
                continue;
            };
            if seen.contains(&leaf_der.as_slice()) {
                continue;
            }
            seen.push(leaf_der);
            let chain: Vec<CertSummary> = pick
                .chain
                .iter()
                .filter_map(|der| certs::summarize(der).ok())
                .collect();
            let Some(key) = chain.first().map(|leaf| leaf.key.clone()) else {
                continue;
            };
            if out.iter().any(|c| c.key == key) {
                continue;
            }
            out.push(ServedChain {
                key,
                found_with: pick.suite.to_string(),
                chain,
            });
        }
    }
    out
}

async fn tls13_chain(config: &ScanConfig) -> Vec<ServedChain> {
    use crate::settings::{Role, TlsRequest, TlsSettings};
    let request = TlsRequest {
        tls: Some("1.3".into()),
        ..TlsRequest::default()
    };
    let Ok(settings) = TlsSettings::resolve(&request, Role::Client) else {
        return Vec::new();
    };
    let connect = crate::client::ConnectConfig {
        target: config.target.clone(),
        settings,
        trust: None,
        identity: None,
        insecure: true,
        sni: config.sni.clone(),
        http: false,
        timeout: config.read_timeout,
    };
    let result = crate::client::connect(&connect).await;
    match (result.certificates.first(), &result.cipher_suite) {
        (Some(leaf), Some(suite)) => vec![ServedChain {
            key: leaf.key.clone(),
            found_with: suite.iana.clone(),
            chain: result.certificates.clone(),
        }],
        _ => Vec::new(),
    }
}
