//! Resolving what the user asked for into checked TLS settings, before any I/O.
//!
//! Raw flag text ([`TlsRequest`]) becomes [`TlsSettings`]: names resolved in any style, the
//! versions to offer worked out from the pinned suites, and the backend chosen (or refused)
//! with a reason. Everything that would make a backend fail later is caught here.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;
use tlslab_wire::registry::{self, GroupKind};
use tlslab_wire::{CipherSuite, NamedGroup, ProtocolVersion};

use crate::backend;
use crate::error::UsageError;

/// The TLS stacks tlslab drives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BackendKind {
    /// rustls 0.23 with the aws-lc-rs provider.
    Rustls,
    /// The system OpenSSL (3.0) through the `openssl` crate.
    Openssl,
}

impl BackendKind {
    /// Parses `rustls` or `openssl`.
    pub fn parse(text: &str) -> Result<Self, UsageError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "rustls" => Ok(Self::Rustls),
            "openssl" => Ok(Self::Openssl),
            other => Err(UsageError::new(
                format!("unknown backend '{other}'"),
                "use --backend rustls or --backend openssl",
            )),
        }
    }

    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Rustls => "rustls",
            Self::Openssl => "openssl",
        }
    }
}

impl fmt::Display for BackendKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An inclusive range of protocol versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VersionRange {
    /// Oldest version.
    pub min: ProtocolVersion,
    /// Newest version.
    pub max: ProtocolVersion,
}

impl VersionRange {
    /// TLS 1.2 and 1.3: what tlslab offers when nothing is pinned.
    pub const DEFAULT: Self = Self {
        min: ProtocolVersion::TLSV1_2,
        max: ProtocolVersion::TLSV1_3,
    };

    /// A single version.
    pub fn only(version: ProtocolVersion) -> Self {
        Self {
            min: version,
            max: version,
        }
    }

    /// Parses `1.2`, `1.2-1.3`, `TLSv1.0-TLSv1.2`.
    pub fn parse(text: &str) -> Result<Self, UsageError> {
        let bad = || {
            UsageError::new(
                format!("invalid TLS version '{text}'"),
                "use 1.0, 1.1, 1.2, 1.3 or a range such as 1.2-1.3",
            )
        };
        let (low, high) = match text.split_once('-') {
            Some((low, high)) => (low, high),
            None => (text, text),
        };
        let min = ProtocolVersion::from_name(low).ok_or_else(bad)?;
        let max = ProtocolVersion::from_name(high).ok_or_else(bad)?;
        if !ProtocolVersion::KNOWN.contains(&min) || !ProtocolVersion::KNOWN.contains(&max) {
            return Err(bad());
        }
        if min > max {
            return Err(UsageError::new(
                format!("TLS version range '{text}' is empty"),
                "put the older version first, e.g. 1.2-1.3",
            ));
        }
        Ok(Self { min, max })
    }

    /// True when `version` is in the range.
    pub fn contains(&self, version: ProtocolVersion) -> bool {
        self.min <= version && version <= self.max
    }

    /// The known versions in the range, oldest first.
    pub fn versions(&self) -> Vec<ProtocolVersion> {
        ProtocolVersion::KNOWN
            .into_iter()
            .filter(|v| self.contains(*v))
            .collect()
    }
}

impl fmt::Display for VersionRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.min == self.max {
            write!(f, "{}", self.min)
        } else {
            write!(f, "{}-{}", self.min, self.max)
        }
    }
}

/// Which groups to configure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupSpec {
    /// Exactly these groups, in this order.
    List(Vec<NamedGroup>),
    /// No elliptic-curve group at all (finite-field DH only): what a legacy OpenSSL server
    /// without `SSL_CTX_set_ecdh_auto` looked like.
    NoEllipticCurves,
}

impl GroupSpec {
    /// Parses `x25519:P-256`, `x25519,secp256r1` or `none`.
    pub fn parse(text: &str) -> Result<Self, UsageError> {
        if text.trim().eq_ignore_ascii_case("none") {
            return Ok(Self::NoEllipticCurves);
        }
        let mut groups = Vec::new();
        for token in text
            .split(|c: char| c == ':' || c == ',' || c.is_whitespace())
            .filter(|t| !t.is_empty())
        {
            let group = registry::resolve_group(token)?;
            if !groups.contains(&group) {
                groups.push(group);
            }
        }
        if groups.is_empty() {
            return Err(UsageError::new(
                "empty group list",
                "name at least one group (e.g. --groups x25519:secp256r1) or say --groups none",
            ));
        }
        Ok(Self::List(groups))
    }
}

/// What `--ciphers` said: a list of suites, or an OpenSSL cipher string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CipherSpec {
    /// Suites named in any style, in order.
    Suites(Vec<CipherSuite>),
    /// An OpenSSL cipher string such as `ECDHE+AESGCM:!SHA1`, with what OpenSSL expands it to.
    OpensslString {
        /// The string as given.
        text: String,
        /// The TLS ≤ 1.2 suites it selects, in OpenSSL's order.
        expanded: Vec<CipherSuite>,
    },
}

impl CipherSpec {
    /// Resolves `--ciphers` text: suite names first, an OpenSSL cipher string otherwise.
    pub fn parse(text: &str) -> Result<Self, UsageError> {
        match registry::resolve_suite_list(text) {
            Ok(suites) if suites.is_empty() => Err(UsageError::new(
                "empty cipher list",
                "name at least one suite, e.g. --ciphers ECDHE-RSA-AES128-GCM-SHA256",
            )),
            Ok(suites) => Ok(Self::Suites(suites)),
            Err(unknown) => match backend::openssl::expand_cipher_string(text) {
                Some(expanded) if !expanded.is_empty() => Ok(Self::OpensslString {
                    text: text.trim().to_string(),
                    expanded,
                }),
                _ => Err(UsageError::new(
                    unknown.to_string(),
                    "`tlslab suites` lists every name; OpenSSL cipher strings such as ECDHE+AESGCM also work",
                )),
            },
        }
    }

    /// The suites selected.
    pub fn suites(&self) -> &[CipherSuite] {
        match self {
            Self::Suites(suites) => suites,
            Self::OpensslString { expanded, .. } => expanded,
        }
    }
}

/// `--client-auth` on the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ClientAuth {
    /// Do not ask for a certificate.
    None,
    /// Ask; accept clients without one.
    Optional,
    /// Ask; refuse clients without one.
    Required,
}

impl ClientAuth {
    /// Parses `none`, `optional`, `required`.
    pub fn parse(text: &str) -> Result<Self, UsageError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "none" => Ok(Self::None),
            "optional" => Ok(Self::Optional),
            "required" => Ok(Self::Required),
            other => Err(UsageError::new(
                format!("unknown client-auth mode '{other}'"),
                "use --client-auth none, optional or required",
            )),
        }
    }
}

/// A certificate chain and its private key, read from PEM files.
#[derive(Debug, Clone)]
pub struct Identity {
    /// Where the chain came from.
    pub cert_path: PathBuf,
    /// Where the key came from.
    pub key_path: PathBuf,
    /// The chain, leaf first, DER.
    pub chain_der: Vec<Vec<u8>>,
    /// The chain as PEM.
    pub chain_pem: Vec<u8>,
    /// The private key as PEM.
    pub key_pem: Vec<u8>,
}

impl Identity {
    /// Reads and checks a certificate chain and key.
    pub fn load(cert_path: &Path, key_path: &Path) -> Result<Self, UsageError> {
        let chain_pem = read_file(cert_path, "certificate")?;
        let chain_der = certificates_from_pem(&chain_pem, cert_path)?;
        let key_pem = read_file(key_path, "private key")?;
        openssl::pkey::PKey::private_key_from_pem(&key_pem).map_err(|_| {
            UsageError::new(
                format!("{} holds no readable PEM private key", key_path.display()),
                "pass the key that belongs to the certificate (PKCS#8, RSA or EC PEM)",
            )
        })?;
        Ok(Self {
            cert_path: cert_path.to_path_buf(),
            key_path: key_path.to_path_buf(),
            chain_der,
            chain_pem,
            key_pem,
        })
    }
}

/// CA certificates to trust, read from a PEM file.
#[derive(Debug, Clone)]
pub struct TrustAnchors {
    /// Where they came from.
    pub path: PathBuf,
    /// The certificates, DER.
    pub certs_der: Vec<Vec<u8>>,
    /// The file as PEM.
    pub pem: Vec<u8>,
}

impl TrustAnchors {
    /// Reads a PEM bundle of CA certificates.
    pub fn load(path: &Path) -> Result<Self, UsageError> {
        let pem = read_file(path, "CA certificate")?;
        let certs_der = certificates_from_pem(&pem, path)?;
        Ok(Self {
            path: path.to_path_buf(),
            certs_der,
            pem,
        })
    }
}

fn read_file(path: &Path, what: &str) -> Result<Vec<u8>, UsageError> {
    fs::read(path).map_err(|err| {
        let fix = if err.kind() == std::io::ErrorKind::NotFound {
            "check the path, or run `tlslab pki init` to create a test PKI".to_string()
        } else {
            "check the file's permissions".to_string()
        };
        UsageError::new(format!("cannot read {what} {}: {err}", path.display()), fix)
    })
}

fn certificates_from_pem(pem: &[u8], path: &Path) -> Result<Vec<Vec<u8>>, UsageError> {
    use rustls_pki_types::pem::PemObject;
    let certs: Vec<Vec<u8>> = rustls_pki_types::CertificateDer::pem_slice_iter(pem)
        .filter_map(Result::ok)
        .map(|c| c.to_vec())
        .collect();
    if certs.is_empty() {
        return Err(UsageError::new(
            format!("{} holds no PEM certificate", path.display()),
            "pass a file with -----BEGIN CERTIFICATE----- blocks",
        ));
    }
    Ok(certs)
}

/// Raw TLS flags as typed by the user, shared by `serve` and `connect`.
#[derive(Debug, Clone, Default)]
pub struct TlsRequest {
    /// `--backend`; `None` chooses rustls unless the settings need OpenSSL.
    pub backend: Option<String>,
    /// `--ciphers`.
    pub ciphers: Option<String>,
    /// `--tls` (a version or range).
    pub tls: Option<String>,
    /// `--tls-max` (connect).
    pub tls_max: Option<String>,
    /// `--groups`.
    pub groups: Option<String>,
    /// `--alpn`, comma separated.
    pub alpn: Option<String>,
    /// `--sigalgs` (clients): signature schemes to offer.
    pub sigalgs: Option<String>,
}

/// Checked TLS settings, ready for a backend.
#[derive(Debug, Clone)]
pub struct TlsSettings {
    /// The backend that will run them.
    pub backend: BackendKind,
    /// Versions to enable.
    pub versions: VersionRange,
    /// Pinned TLS ≤ 1.2 suites (`None`: the backend's defaults).
    pub tls12_suites: Option<Vec<CipherSuite>>,
    /// An OpenSSL cipher string to apply verbatim (OpenSSL backend).
    pub openssl_cipher_string: Option<String>,
    /// Pinned TLS 1.3 suites (`None`: the backend's defaults).
    pub tls13_suites: Option<Vec<CipherSuite>>,
    /// Groups (`None`: the backend's defaults).
    pub groups: Option<GroupSpec>,
    /// ALPN protocols, in preference order.
    pub alpn: Vec<String>,
    /// Signature schemes to offer (`None`: the backend's defaults).
    pub signature_schemes: Option<Vec<tlslab_wire::SignatureScheme>>,
    /// True when the user pinned something OpenSSL's default security level would refuse to
    /// honour: OpenSSL then runs at security level 0 so that what was asked is what is served.
    pub permissive: bool,
    /// What tlslab decided on the user's behalf, to be said out loud.
    pub notes: Vec<String>,
}

impl TlsSettings {
    /// Resolves and checks a request. `role` is "serve" or "offer", for messages.
    pub fn resolve(request: &TlsRequest, role: Role) -> Result<Self, UsageError> {
        let explicit_backend = request
            .backend
            .as_deref()
            .map(BackendKind::parse)
            .transpose()?;
        let ciphers = request
            .ciphers
            .as_deref()
            .map(CipherSpec::parse)
            .transpose()?;
        let mut requested = request
            .tls
            .as_deref()
            .map(VersionRange::parse)
            .transpose()?;
        if let Some(max_text) = request.tls_max.as_deref() {
            let max = VersionRange::parse(max_text)?.max;
            let base = requested.unwrap_or(VersionRange::DEFAULT);
            let max = base.max.min(max);
            requested = Some(VersionRange {
                min: base.min.min(max),
                max,
            });
        }
        let groups = request
            .groups
            .as_deref()
            .map(GroupSpec::parse)
            .transpose()?;
        let alpn: Vec<String> = request
            .alpn
            .as_deref()
            .map(|text| {
                text.split(',')
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default();

        let signature_schemes = request
            .sigalgs
            .as_deref()
            .map(|text| {
                text.split([':', ',', ' '])
                    .filter(|t| !t.is_empty())
                    .map(registry::resolve_signature_scheme)
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()?;
        let mut notes = Vec::new();
        let suites = ciphers.as_ref().map(CipherSpec::suites);
        let versions = plan_versions(requested, suites, role, &mut notes)?;

        let (tls12_suites, tls13_suites) = match suites {
            Some(suites) => {
                let tls12: Vec<CipherSuite> = suites
                    .iter()
                    .copied()
                    .filter(|s| registry::suite(*s).is_none_or(|info| !info.is_tls13()))
                    .collect();
                let tls13: Vec<CipherSuite> = suites
                    .iter()
                    .copied()
                    .filter(|s| registry::suite(*s).is_some_and(|info| info.is_tls13()))
                    .collect();
                (
                    (!tls12.is_empty()).then_some(tls12),
                    (!tls13.is_empty()).then_some(tls13),
                )
            }
            None => (None, None),
        };
        let openssl_cipher_string = match &ciphers {
            Some(CipherSpec::OpensslString { text, .. }) => Some(text.clone()),
            _ => None,
        };

        let mut settings = Self {
            backend: BackendKind::Rustls,
            versions,
            tls12_suites,
            openssl_cipher_string,
            tls13_suites,
            groups,
            alpn,
            signature_schemes,
            permissive: ciphers.is_some() || versions.min < ProtocolVersion::TLSV1_2,
            notes,
        };
        settings.backend = settings.choose_backend(explicit_backend, role)?;
        Ok(settings)
    }

    /// Every pinned suite, TLS ≤ 1.2 first.
    pub fn pinned_suites(&self) -> Vec<CipherSuite> {
        let mut all = self.tls12_suites.clone().unwrap_or_default();
        all.extend(self.tls13_suites.iter().flatten().copied());
        all
    }

    fn choose_backend(
        &mut self,
        explicit: Option<BackendKind>,
        role: Role,
    ) -> Result<BackendKind, UsageError> {
        let rustls_gap = self.rustls_gap();
        match (explicit, rustls_gap.clone()) {
            (Some(BackendKind::Rustls), Some(reason)) => Err(UsageError::new(
                format!("the rustls backend cannot {} this: {reason}", role.verb()),
                "use --backend openssl (it can)",
            )),
            (Some(BackendKind::Openssl), _) | (None, Some(_)) => {
                if let Some(reason) = self.openssl_gap() {
                    return Err(UsageError::new(
                        format!("no backend can {} this: {reason}", role.verb()),
                        "pick suites and groups that OpenSSL 3.0 or rustls implement (`tlslab suites` shows which)",
                    ));
                }
                if explicit.is_none() {
                    if let Some(reason) = rustls_gap {
                        self.notes
                            .push(format!("using the OpenSSL backend: {reason}"));
                    }
                }
                Ok(BackendKind::Openssl)
            }
            (Some(BackendKind::Rustls), None) | (None, None) => Ok(BackendKind::Rustls),
        }
    }

    /// Why rustls cannot run these settings, if it cannot.
    fn rustls_gap(&self) -> Option<String> {
        if self.openssl_cipher_string.is_some() {
            return Some("OpenSSL cipher strings are applied by OpenSSL".to_string());
        }
        if self.versions.min < ProtocolVersion::TLSV1_2 {
            return Some(format!(
                "rustls implements only TLS 1.2 and 1.3, not {}",
                self.versions.min
            ));
        }
        let supported = backend::rustls::suites();
        let missing: Vec<String> = self
            .pinned_suites()
            .into_iter()
            .filter(|s| !supported.contains(s))
            .map(|s| s.to_string())
            .collect();
        if !missing.is_empty() {
            return Some(format!(
                "rustls does not implement {} (it has only ECDHE+AEAD suites for TLS 1.2)",
                missing.join(", ")
            ));
        }
        match &self.groups {
            Some(GroupSpec::NoEllipticCurves) => {
                Some("rustls cannot run ECDHE without an elliptic-curve group".to_string())
            }
            Some(GroupSpec::List(groups)) => {
                let supported = backend::rustls::groups();
                let missing: Vec<String> = groups
                    .iter()
                    .filter(|g| !supported.contains(g))
                    .map(|g| g.to_string())
                    .collect();
                (!missing.is_empty())
                    .then(|| format!("rustls does not implement group {}", missing.join(", ")))
            }
            None => None,
        }
    }

    /// Why OpenSSL cannot run these settings, if it cannot.
    fn openssl_gap(&self) -> Option<String> {
        let missing: Vec<String> = self
            .pinned_suites()
            .into_iter()
            .filter(|s| registry::suite(*s).and_then(|info| info.openssl).is_none())
            .map(|s| s.to_string())
            .collect();
        if !missing.is_empty() {
            return Some(format!(
                "OpenSSL 3.0 does not implement {}",
                missing.join(", ")
            ));
        }
        if let Some(GroupSpec::List(groups)) = &self.groups {
            let missing: Vec<String> = groups
                .iter()
                .filter(|g| registry::group(**g).and_then(|info| info.openssl).is_none())
                .map(|g| g.to_string())
                .collect();
            if !missing.is_empty() {
                return Some(format!(
                    "OpenSSL 3.0 does not implement group {}",
                    missing.join(", ")
                ));
            }
        }
        None
    }

    /// True when the configured groups leave ECDHE suites without any curve.
    pub fn has_no_elliptic_curves(&self) -> bool {
        match &self.groups {
            Some(GroupSpec::NoEllipticCurves) => true,
            Some(GroupSpec::List(groups)) => !groups.iter().any(|g| {
                registry::group(*g)
                    .is_some_and(|info| info.kind.is_elliptic() || info.kind == GroupKind::PqHybrid)
            }),
            None => false,
        }
    }
}

/// Which side the settings are for, so messages read right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A server: settings are what it will serve.
    Server,
    /// A client: settings are what it will offer.
    Client,
}

impl Role {
    fn verb(self) -> &'static str {
        match self {
            Self::Server => "serve",
            Self::Client => "offer",
        }
    }
}

/// Works out which versions to enable from the requested range and the pinned suites, and
/// says why when the answer is not what was typed.
fn plan_versions(
    requested: Option<VersionRange>,
    suites: Option<&[CipherSuite]>,
    role: Role,
    notes: &mut Vec<String>,
) -> Result<VersionRange, UsageError> {
    let Some(suites) = suites else {
        return Ok(requested.unwrap_or(VersionRange::DEFAULT));
    };
    let infos: Vec<_> = suites
        .iter()
        .filter_map(|s| registry::suite(*s))
        .filter(|info| !info.is_scsv())
        .collect();
    if infos.is_empty() {
        // Only unassigned code points: nothing to reason about, offer what was asked.
        return Ok(requested.unwrap_or(VersionRange::DEFAULT));
    }
    let has_tls13 = infos.iter().any(|i| i.is_tls13());
    let has_tls12 = infos.iter().any(|i| !i.is_tls13());
    let legacy_min = infos
        .iter()
        .filter(|i| !i.is_tls13())
        .map(|i| i.min_version)
        .min();
    let legacy_max = infos
        .iter()
        .filter(|i| !i.is_tls13())
        .map(|i| i.max_version)
        .max();

    match requested {
        Some(range) => {
            let covered = range
                .versions()
                .into_iter()
                .any(|v| infos.iter().any(|i| i.valid_for(v)));
            if !covered {
                return Err(UsageError::new(
                    format!("none of the pinned suites is valid for {range}"),
                    "pin a suite defined for that version (`tlslab suites --version` shows them) or change --tls",
                ));
            }
            if range.contains(ProtocolVersion::TLSV1_3) && !has_tls13 {
                notes.push(format!(
                    "TLS 1.3 uses its own suites, not the pinned TLS ≤ 1.2 list: {} its default TLS 1.3 suites too (pin e.g. TLS_AES_128_GCM_SHA256 to restrict them)",
                    match role {
                        Role::Server => "serving",
                        Role::Client => "offering",
                    }
                ));
            }
            Ok(range)
        }
        None => {
            let mut range = VersionRange::DEFAULT;
            if !has_tls13 {
                range.max =
                    ProtocolVersion::TLSV1_2.min(legacy_max.unwrap_or(ProtocolVersion::TLSV1_2));
                if range.max < range.min {
                    range.min = legacy_min
                        .unwrap_or(ProtocolVersion::TLSV1_0)
                        .max(ProtocolVersion::TLSV1_0);
                }
                notes.push(format!(
                    "the pinned suites are TLS ≤ 1.2 suites, so {} {range} only — TLS 1.3 would ignore the list (as curl's --ciphers does); add --tls {}-1.3 to include TLS 1.3",
                    match role {
                        Role::Server => "serving",
                        Role::Client => "offering",
                    },
                    short_version(range.min)
                ));
            } else if !has_tls12 {
                range.min = ProtocolVersion::TLSV1_3;
                notes.push(format!(
                    "the pinned suites are TLS 1.3 suites, so {} TLSv1.3 only",
                    match role {
                        Role::Server => "serving",
                        Role::Client => "offering",
                    }
                ));
            }
            Ok(range)
        }
    }
}

fn short_version(version: ProtocolVersion) -> &'static str {
    match version {
        ProtocolVersion::TLSV1_0 => "1.0",
        ProtocolVersion::TLSV1_1 => "1.1",
        ProtocolVersion::TLSV1_3 => "1.3",
        _ => "1.2",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(ciphers: Option<&str>, tls: Option<&str>) -> TlsRequest {
        TlsRequest {
            ciphers: ciphers.map(String::from),
            tls: tls.map(String::from),
            ..TlsRequest::default()
        }
    }

    #[test]
    fn pinning_a_tls12_suite_offers_tls12_only_and_says_so() {
        let s = TlsSettings::resolve(
            &request(Some("ECDHE-RSA-AES128-GCM-SHA256"), None),
            Role::Client,
        )
        .unwrap();
        assert_eq!(s.versions, VersionRange::only(ProtocolVersion::TLSV1_2));
        assert_eq!(s.backend, BackendKind::Rustls);
        assert!(
            s.notes.iter().any(|n| n.contains("TLS 1.3 would ignore")),
            "{:?}",
            s.notes
        );
    }

    #[test]
    fn asking_for_tls13_too_keeps_it() {
        let s = TlsSettings::resolve(
            &request(Some("ECDHE-RSA-AES128-GCM-SHA256"), Some("1.2-1.3")),
            Role::Client,
        )
        .unwrap();
        assert_eq!(s.versions, VersionRange::DEFAULT);
        assert!(s.notes.iter().any(|n| n.contains("default TLS 1.3 suites")));
    }

    #[test]
    fn suites_rustls_lacks_pick_openssl_or_are_refused_on_rustls() {
        let auto = TlsSettings::resolve(
            &request(Some("DHE-RSA-AES128-GCM-SHA256"), None),
            Role::Server,
        )
        .unwrap();
        assert_eq!(auto.backend, BackendKind::Openssl);
        let mut explicit = request(Some("DHE-RSA-AES128-GCM-SHA256"), None);
        explicit.backend = Some("rustls".into());
        let err = TlsSettings::resolve(&explicit, Role::Server).unwrap_err();
        assert!(err.to_string().contains("--backend openssl"), "{err}");
    }

    #[test]
    fn tls10_needs_openssl() {
        let s = TlsSettings::resolve(&request(None, Some("1.0")), Role::Client).unwrap();
        assert_eq!(s.backend, BackendKind::Openssl);
        assert!(s.permissive);
    }

    #[test]
    fn version_ranges_parse_and_reject_nonsense() {
        assert_eq!(
            VersionRange::parse("1.2-1.3").unwrap(),
            VersionRange::DEFAULT
        );
        assert!(VersionRange::parse("1.3-1.2").is_err());
        assert!(VersionRange::parse("1.4").is_err());
        assert!(VersionRange::parse("tls").is_err());
    }

    #[test]
    fn a_range_no_pinned_suite_fits_is_refused() {
        for tls in ["1.3", "1.0"] {
            let err = TlsSettings::resolve(
                &request(Some("ECDHE-RSA-AES128-GCM-SHA256"), Some(tls)),
                Role::Client,
            )
            .unwrap_err();
            assert!(err.what.contains("none of the pinned suites"), "{err}");
        }
    }

    #[test]
    fn openssl_cipher_strings_expand_and_choose_openssl() {
        let s = TlsSettings::resolve(&request(Some("ECDHE+AESGCM:!ECDSA"), None), Role::Server)
            .unwrap();
        assert_eq!(s.backend, BackendKind::Openssl);
        assert!(s.pinned_suites().contains(&CipherSuite(0xC02F)));
        assert!(!s.pinned_suites().contains(&CipherSuite(0xC02B)));
    }

    #[test]
    fn unknown_names_are_usage_errors_with_suggestions() {
        let err = TlsSettings::resolve(
            &request(Some("ECDHE-RSA-AES128-GCM-SHA265"), None),
            Role::Client,
        )
        .unwrap_err();
        assert!(
            err.what
                .contains("did you mean ECDHE-RSA-AES128-GCM-SHA256"),
            "{err}"
        );
    }
}
