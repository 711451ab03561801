//! The registries behind the code points: committed tables (see `data/`) and name resolution.
//!
//! Every suite flag in tlslab accepts any naming style — IANA, OpenSSL, GnuTLS, NSS (curl's
//! old lower-case names), `0xC02F`, `C0,2F` — and all of them come back here.

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use crate::codepoints::{CipherSuite, NamedGroup, ProtocolVersion};

/// One row of the cipher-suite registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SuiteInfo {
    /// The code point.
    pub code: CipherSuite,
    /// IANA name, e.g. `TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`.
    pub iana: &'static str,
    /// OpenSSL name, e.g. `ECDHE-RSA-AES128-GCM-SHA256`, where OpenSSL 3.0 has one.
    pub openssl: Option<&'static str>,
    /// GnuTLS name, e.g. `TLS_ECDHE_RSA_AES_128_GCM_SHA256`, where GnuTLS has one.
    pub gnutls: Option<&'static str>,
    /// NSS-style name curl accepted with NSS, e.g. `ecdhe_rsa_aes_128_gcm_sha_256`.
    pub nss: Option<&'static str>,
    /// Key exchange: `ECDHE`, `DHE`, `RSA`, `PSK`, … (`ANY` for TLS 1.3 suites).
    pub kx: &'static str,
    /// Authentication: `RSA`, `ECDSA`, `DSS`, `anon`, `PSK`, … (`ANY` for TLS 1.3 suites).
    pub auth: &'static str,
    /// Bulk cipher, e.g. `AES_128_GCM`.
    pub cipher: &'static str,
    /// MAC, or PRF hash for AEAD suites, e.g. `SHA256`.
    pub mac: &'static str,
    /// Oldest protocol version the suite is defined for.
    pub min_version: ProtocolVersion,
    /// Newest protocol version the suite is defined for.
    pub max_version: ProtocolVersion,
    /// Where the row comes from (IANA reference, and which libraries list it).
    pub source: &'static str,
}

impl SuiteInfo {
    /// The protocol versions (SSLv3 … TLS 1.3) this suite may be negotiated in.
    pub fn versions(&self) -> Vec<ProtocolVersion> {
        ProtocolVersion::KNOWN
            .into_iter()
            .filter(|v| self.valid_for(*v))
            .collect()
    }

    /// True when the suite may be negotiated in `version`.
    pub fn valid_for(&self, version: ProtocolVersion) -> bool {
        self.min_version <= version && version <= self.max_version
    }

    /// True for TLS 1.3 suites (which name no key exchange or authentication).
    pub fn is_tls13(&self) -> bool {
        self.min_version == ProtocolVersion::TLSV1_3
    }

    /// True for the signalling values TLS_EMPTY_RENEGOTIATION_INFO_SCSV and TLS_FALLBACK_SCSV.
    pub fn is_scsv(&self) -> bool {
        self.kx == "SCSV"
    }

    /// True when a TLS ≤ 1.2 server signs its key exchange with its certificate (not for
    /// anonymous, PSK or NULL authentication).
    pub fn signs_key_exchange(&self) -> bool {
        !matches!(self.auth, "anon" | "PSK" | "NULL")
    }

    /// True when the key exchange uses an elliptic-curve (or other named) group in TLS ≤ 1.2.
    pub fn uses_ecdhe(&self) -> bool {
        self.kx.starts_with("ECDHE")
    }
}

/// The kind of a named group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum GroupKind {
    /// A short-Weierstrass curve (secp256r1, brainpool…).
    Ec,
    /// A Montgomery curve (x25519, x448).
    Ecx,
    /// A finite-field Diffie-Hellman group (RFC 7919).
    Ffdhe,
    /// A post-quantum hybrid (X25519MLKEM768…).
    PqHybrid,
    /// A pure post-quantum KEM.
    Pq,
    /// GOST curves.
    Gost,
    /// Anything else (explicit curves…).
    Other,
}

impl GroupKind {
    /// True for groups usable by TLS 1.2 ECDHE suites (EC and Montgomery curves).
    pub fn is_elliptic(self) -> bool {
        matches!(self, Self::Ec | Self::Ecx | Self::Gost)
    }

    /// Short lowercase label, as in `groups.csv`.
    pub fn label(self) -> &'static str {
        match self {
            Self::Ec => "ec",
            Self::Ecx => "ecx",
            Self::Ffdhe => "ffdhe",
            Self::PqHybrid => "pq-hybrid",
            Self::Pq => "pq",
            Self::Gost => "gost",
            Self::Other => "other",
        }
    }
}

/// One row of the named-group registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupInfo {
    /// The code point.
    pub code: NamedGroup,
    /// IANA name, e.g. `x25519`, `secp256r1`, `X25519MLKEM768`.
    pub name: &'static str,
    /// What kind of group it is.
    pub kind: GroupKind,
    /// Name OpenSSL 3.0's `-groups` accepts, where it supports the group.
    pub openssl: Option<&'static str>,
    /// GnuTLS priority-string name, e.g. `GROUP-SECP256R1`.
    pub gnutls: Option<&'static str>,
    /// Where the row comes from.
    pub source: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/registry_data.rs"));

/// Every IANA-assigned cipher suite, sorted by code point.
pub fn suites() -> &'static [SuiteInfo] {
    SUITES
}

/// The registry row for a code point.
pub fn suite(code: CipherSuite) -> Option<&'static SuiteInfo> {
    SUITES
        .binary_search_by_key(&code, |s| s.code)
        .ok()
        .map(|i| &SUITES[i])
}

/// Every named group in the registry, sorted by code point.
pub fn groups() -> &'static [GroupInfo] {
    GROUPS
}

/// The registry row for a group.
pub fn group(code: NamedGroup) -> Option<&'static GroupInfo> {
    GROUPS
        .binary_search_by_key(&code, |g| g.code)
        .ok()
        .map(|i| &GROUPS[i])
}

/// Every signature scheme (and legacy hash/signature pair) with its name.
pub fn signature_schemes() -> &'static [(u16, &'static str)] {
    SIGNATURE_SCHEMES
}

/// Every alert description with its name.
pub fn alerts() -> &'static [(u8, &'static str)] {
    ALERTS
}

pub(crate) fn suite_iana_name(code: u16) -> Option<&'static str> {
    suite(CipherSuite(code)).map(|s| s.iana)
}

pub(crate) fn group_name(code: u16) -> Option<&'static str> {
    group(NamedGroup(code)).map(|g| g.name)
}

pub(crate) fn signature_scheme_name(code: u16) -> Option<&'static str> {
    SIGNATURE_SCHEMES
        .binary_search_by_key(&code, |(c, _)| *c)
        .ok()
        .map(|i| SIGNATURE_SCHEMES[i].1)
}

pub(crate) fn alert_name(code: u8) -> Option<&'static str> {
    ALERTS.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

pub(crate) fn alert_by_name(name: &str) -> Option<u8> {
    ALERTS
        .iter()
        .find(|(_, n)| n.eq_ignore_ascii_case(name))
        .map(|(c, _)| *c)
}

pub(crate) fn version_name(code: u16) -> Option<&'static str> {
    Some(match code {
        0x0002 => "SSLv2",
        0x0300 => "SSLv3",
        0x0301 => "TLSv1.0",
        0x0302 => "TLSv1.1",
        0x0303 => "TLSv1.2",
        0x0304 => "TLSv1.3",
        0xfeff => "DTLSv1.0",
        0xfefd => "DTLSv1.2",
        0xfefc => "DTLSv1.3",
        _ => return None,
    })
}

/// A name that matched nothing, with the closest known names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownName {
    /// What was being looked up: "cipher suite", "group", …
    pub what: &'static str,
    /// The text as given.
    pub given: String,
    /// Up to three close matches, best first.
    pub closest: Vec<String>,
}

impl fmt::Display for UnknownName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown {} '{}'", self.what, self.given)?;
        if !self.closest.is_empty() {
            write!(f, " — did you mean {}?", self.closest.join(", "))?;
        }
        Ok(())
    }
}

impl std::error::Error for UnknownName {}

fn suite_index() -> &'static HashMap<String, CipherSuite> {
    static INDEX: OnceLock<HashMap<String, CipherSuite>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index = HashMap::new();
        for suite in SUITES {
            let names = [Some(suite.iana), suite.openssl, suite.gnutls, suite.nss];
            for name in names.into_iter().flatten() {
                index.entry(name.to_ascii_uppercase()).or_insert(suite.code);
            }
        }
        index
    })
}

/// Parses `0xC02F`, `C02F`, `0xC0,0x2F`, `C0,2F`, `{0xC0,0x2F}` into a code point.
pub fn parse_hex_code(text: &str) -> Option<u16> {
    let cleaned: String = text
        .trim()
        .trim_start_matches('{')
        .trim_end_matches('}')
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let byte = |part: &str| -> Option<u8> {
        let digits = part
            .strip_prefix("0x")
            .or_else(|| part.strip_prefix("0X"))
            .unwrap_or(part);
        if digits.is_empty() || digits.len() > 2 {
            return None;
        }
        u8::from_str_radix(digits, 16).ok()
    };
    if let Some((high, low)) = cleaned.split_once(',') {
        return Some(u16::from(byte(high)?) << 8 | u16::from(byte(low)?));
    }
    let digits = cleaned
        .strip_prefix("0x")
        .or_else(|| cleaned.strip_prefix("0X"));
    match digits {
        Some(d) if !d.is_empty() && d.len() <= 4 => u16::from_str_radix(d, 16).ok(),
        // Bare four hex digits (`C02F`): no suite name is that short.
        None if cleaned.len() == 4 => u16::from_str_radix(&cleaned, 16).ok(),
        _ => None,
    }
}

/// Resolves one suite name in any style to its code point.
///
/// Hex forms resolve even when the code point is unassigned: a scanner must be able to offer
/// anything. Names must be known.
pub fn resolve_suite(text: &str) -> Result<CipherSuite, UnknownName> {
    if let Some(code) = parse_hex_code(text) {
        return Ok(CipherSuite(code));
    }
    let upper = text.trim().to_ascii_uppercase();
    let index = suite_index();
    let candidates = [
        Some(upper.clone()),
        // The seed's GnuTLS-style name without prefix: ECDHE_RSA_AES_128_GCM_SHA256.
        Some(format!("TLS_{upper}")),
        // Old Java/NSS constants: SSL_RSA_WITH_RC4_128_SHA.
        upper.strip_prefix("SSL_").map(|rest| format!("TLS_{rest}")),
    ];
    for candidate in candidates.into_iter().flatten() {
        if let Some(code) = index.get(&candidate) {
            return Ok(*code);
        }
    }
    Err(UnknownName {
        what: "cipher suite",
        given: text.trim().to_string(),
        closest: closest(&upper, suite_names()),
    })
}

fn suite_names() -> impl Iterator<Item = &'static str> {
    SUITES
        .iter()
        .flat_map(|s| [Some(s.iana), s.openssl, s.gnutls, s.nss])
        .flatten()
}

/// Splits a suite list on `:`, `,` and whitespace, keeping `C0,2F` pairs together.
pub fn split_suite_list(text: &str) -> Vec<String> {
    let tokens: Vec<&str> = text
        .split(|c: char| c == ':' || c == ',' || c.is_whitespace())
        .filter(|t| !t.is_empty())
        .collect();
    let is_byte = |t: &str| {
        let digits = t
            .strip_prefix("0x")
            .or_else(|| t.strip_prefix("0X"))
            .unwrap_or(t);
        let digits = digits.trim_start_matches('{').trim_end_matches('}');
        !digits.is_empty() && digits.len() <= 2 && digits.chars().all(|c| c.is_ascii_hexdigit())
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if i + 1 < tokens.len() && is_byte(tokens[i]) && is_byte(tokens[i + 1]) {
            out.push(format!("{},{}", tokens[i], tokens[i + 1]));
            i += 2;
        } else {
            out.push(tokens[i].to_string());
            i += 1;
        }
    }
    out
}

/// Resolves a whole list (`A:B`, `A,B`, `0xC02F 0x1301`, `C0,2F:13,01`), keeping order and
/// dropping repeats.
pub fn resolve_suite_list(text: &str) -> Result<Vec<CipherSuite>, UnknownName> {
    let mut out = Vec::new();
    for token in split_suite_list(text) {
        let code = resolve_suite(&token)?;
        if !out.contains(&code) {
            out.push(code);
        }
    }
    Ok(out)
}

/// Resolves a group by IANA, OpenSSL or GnuTLS name (or common alias, or hex).
pub fn resolve_group(text: &str) -> Result<NamedGroup, UnknownName> {
    if let Some(code) = parse_hex_code(text) {
        return Ok(NamedGroup(code));
    }
    let wanted = text.trim().to_ascii_lowercase();
    let bare = wanted.strip_prefix("group-").unwrap_or(&wanted);
    let alias = match bare {
        "prime256v1" | "p-256" | "p256" | "secp256r1" => Some(0x0017),
        "p-384" | "p384" => Some(0x0018),
        "p-521" | "p521" => Some(0x0019),
        _ => None,
    };
    if let Some(code) = alias {
        return Ok(NamedGroup(code));
    }
    for g in GROUPS {
        let names = [Some(g.name), g.openssl, g.gnutls];
        for name in names.into_iter().flatten() {
            let lowered = name.to_ascii_lowercase();
            if lowered == wanted || lowered.strip_prefix("group-") == Some(bare) {
                return Ok(g.code);
            }
        }
    }
    Err(UnknownName {
        what: "group",
        given: text.trim().to_string(),
        closest: closest(
            &wanted.to_ascii_uppercase(),
            GROUPS
                .iter()
                .flat_map(|g| [Some(g.name), g.openssl])
                .flatten(),
        ),
    })
}

/// Resolves a signature scheme by IANA name (`rsa_pss_rsae_sha256`) or hex (`0x0804`).
pub fn resolve_signature_scheme(text: &str) -> Result<crate::SignatureScheme, UnknownName> {
    if let Some(code) = parse_hex_code(text) {
        return Ok(crate::SignatureScheme(code));
    }
    let wanted = text.trim().to_ascii_lowercase();
    SIGNATURE_SCHEMES
        .iter()
        .find(|(_, name)| name.eq_ignore_ascii_case(&wanted))
        .map(|(code, _)| crate::SignatureScheme(*code))
        .ok_or_else(|| UnknownName {
            what: "signature scheme",
            given: text.trim().to_string(),
            closest: closest(
                &wanted.to_ascii_uppercase(),
                SIGNATURE_SCHEMES.iter().map(|(_, n)| *n),
            ),
        })
}

/// Up to three names closest to `wanted` (upper-cased), best first, without repeats.
fn closest(wanted: &str, names: impl Iterator<Item = &'static str>) -> Vec<String> {
    let mut scored: Vec<(f64, &'static str)> = names
        .map(|name| {
            let upper = name.to_ascii_uppercase();
            let mut score = strsim::normalized_damerau_levenshtein(wanted, &upper);
            // Reward a shared fragment: "AES128GCM" should still find AES128-GCM names.
            let squash = |s: &str| s.replace(['-', '_'], "");
            if squash(&upper).contains(&squash(wanted)) && wanted.len() >= 4 {
                score += 0.25;
            }
            (score, name)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut out: Vec<String> = Vec::new();
    for (score, name) in scored {
        if out.len() == 3 || score < 0.4 {
            break;
        }
        if !out.iter().any(|n| n == name) {
            out.push(name.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const C02F: CipherSuite = CipherSuite(0xC02F);

    #[test]
    fn every_naming_style_resolves_to_the_same_code() {
        for name in [
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "tls_ecdhe_rsa_with_aes_128_gcm_sha256",
            "ECDHE-RSA-AES128-GCM-SHA256",
            "TLS_ECDHE_RSA_AES_128_GCM_SHA256",
            "ECDHE_RSA_AES_128_GCM_SHA256",
            "ecdhe_rsa_aes_128_gcm_sha_256",
            "0xC02F",
            "0xc02f",
            "C02F",
            "C0,2F",
            "0xC0,0x2F",
            "{0xC0,0x2F}",
        ] {
            assert_eq!(resolve_suite(name), Ok(C02F), "{name}");
        }
    }

    #[test]
    fn the_table_has_every_assigned_suite_sorted() {
        assert!(SUITES.len() > 320, "only {} suites", SUITES.len());
        assert!(SUITES.windows(2).all(|w| w[0].code < w[1].code));
        let row = suite(C02F).expect("0xC02F is assigned");
        assert_eq!(row.kx, "ECDHE");
        assert_eq!(row.auth, "RSA");
        assert_eq!(row.versions(), vec![ProtocolVersion::TLSV1_2]);
        let tls13 = suite(CipherSuite(0x1301)).expect("0x1301 is assigned");
        assert!(tls13.is_tls13());
        assert_eq!(tls13.openssl, Some("TLS_AES_128_GCM_SHA256"));
    }

    #[test]
    fn no_name_means_two_different_suites() {
        let mut seen: HashMap<String, CipherSuite> = HashMap::new();
        for s in SUITES {
            for name in [Some(s.iana), s.openssl, s.gnutls, s.nss]
                .into_iter()
                .flatten()
            {
                let previous = seen.insert(name.to_ascii_uppercase(), s.code);
                assert!(
                    previous.is_none() || previous == Some(s.code),
                    "{name} names {previous:?} and {:?}",
                    s.code
                );
            }
        }
    }

    #[test]
    fn unknown_names_list_the_closest_matches() {
        let err = resolve_suite("ECDHE-RSA-AES128-GCM-SHA265").unwrap_err();
        assert_eq!(
            err.closest.first().map(String::as_str),
            Some("ECDHE-RSA-AES128-GCM-SHA256")
        );
        assert!(err.to_string().contains("did you mean"), "{err}");
    }

    #[test]
    fn lists_split_on_any_separator() {
        assert_eq!(
            resolve_suite_list("C0,2F:13,01 ECDHE-RSA-AES128-GCM-SHA256,0x1302").unwrap(),
            vec![C02F, CipherSuite(0x1301), CipherSuite(0x1302)]
        );
    }

    #[test]
    fn groups_resolve_by_any_name() {
        for name in ["x25519", "X25519", "0x001D", "GROUP-X25519"] {
            assert_eq!(resolve_group(name), Ok(NamedGroup(0x001D)), "{name}");
        }
        for name in ["prime256v1", "P-256", "secp256r1"] {
            assert_eq!(resolve_group(name), Ok(NamedGroup(0x0017)), "{name}");
        }
        assert_eq!(resolve_group("ffdhe2048"), Ok(NamedGroup(0x0100)));
        assert_eq!(resolve_group("X25519MLKEM768"), Ok(NamedGroup(0x11EC)));
        assert!(resolve_group("x25518")
            .unwrap_err()
            .closest
            .contains(&"x25519".to_string()));
    }
}
