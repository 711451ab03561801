//! Named server configurations that reproduce broken servers found in the wild.
//!
//! Each profile documents the real case it stands for. A profile fixes the settings that
//! define the breakage; `--ciphers` may still choose which suites it pins.

use crate::error::UsageError;
use crate::settings::TlsRequest;

/// One broken-server recipe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Profile {
    /// The name `--profile` takes.
    pub name: &'static str,
    /// One line: what is wrong with this server.
    pub summary: &'static str,
    /// The real case it reproduces, and why it fails.
    pub case: &'static str,
    /// Backend that can express the breakage.
    pub backend: &'static str,
    /// Versions served.
    pub tls: &'static str,
    /// Suites pinned unless `--ciphers` says otherwise.
    pub ciphers: &'static str,
    /// Groups configured (`none` = no elliptic curve).
    pub groups: Option<&'static str>,
    /// Fixed DH parameter size, if the profile forces one.
    pub dh_bits: Option<u32>,
}

/// Every profile.
pub static PROFILES: &[Profile] = &[
    Profile {
        name: "legacy-no-ecdh",
        summary: "ECDHE suites pinned, but no elliptic-curve group configured",
        case: "twisted#8826 (2016): Twisted's DefaultOpenSSLContextFactory under OpenSSL < 1.1 never \
               called SSL_CTX_set_ecdh_auto or set_tmp_ecdh, so a server pinned to \
               ECDHE_RSA_AES_128_GCM_SHA256 had no curve for ECDHE: every handshake ended in \
               'no shared cipher' and alert 40, although both sides named the same suite. \
               OpenSSL >= 1.1 enables curves by itself; here the groups are set to ffdhe2048 \
               only, which leaves TLS 1.2 ECDHE in exactly that state.",
        backend: "openssl",
        tls: "1.2",
        ciphers: "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384",
        groups: Some("none"),
        dh_bits: None,
    },
    Profile {
        name: "weak-dh-1024",
        summary: "DHE suites only, with a 1024-bit DH group",
        case: "Logjam era (2015): Apache 2.2/2.4.7-, Postfix and many appliances shipped 1024-bit DH \
               parameters. Clients since then refuse them: OpenSSL says 'dh key too small', \
               browsers dropped DHE altogether. Served at OpenSSL security level 0 with \
               RFC 5114's 1024-bit group.",
        backend: "openssl",
        tls: "1.2",
        ciphers: "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-AES128-SHA",
        groups: None,
        dh_bits: Some(1024),
    },
    Profile {
        name: "tls10-only",
        summary: "TLS 1.0 only, with CBC-SHA suites",
        case: "Embedded devices, old Java 6 and IIS 7 servers: TLS 1.0 with AES-CBC-SHA. Current \
               clients refuse TLS 1.0 by default (OpenSSL 3.0 needs security level 0, curl needs \
               --tlsv1.0), so the handshake fails with protocol_version (70).",
        backend: "openssl",
        tls: "1.0",
        ciphers: "ECDHE-RSA-AES128-SHA:AES128-SHA:AES256-SHA",
        groups: None,
        dh_bits: None,
    },
];

/// Finds a profile by name.
pub fn find(name: &str) -> Result<&'static Profile, UsageError> {
    PROFILES
        .iter()
        .find(|p| p.name.eq_ignore_ascii_case(name.trim()))
        .ok_or_else(|| {
            let names: Vec<&str> = PROFILES.iter().map(|p| p.name).collect();
            UsageError::new(
                format!("unknown profile '{name}'"),
                format!("use one of {}", names.join(", ")),
            )
        })
}

impl Profile {
    /// Fills the request with the profile's settings. Settings that define the breakage
    /// cannot be overridden; `--ciphers` can.
    pub fn apply(&self, request: &mut TlsRequest) -> Result<(), UsageError> {
        let fixed = |flag: &str, given: &Option<String>, value: &str| -> Result<(), UsageError> {
            match given {
                Some(text) if !text.eq_ignore_ascii_case(value) => Err(UsageError::new(
                    format!(
                        "the {} profile fixes {flag} {value}, but {flag} {text} was given",
                        self.name
                    ),
                    format!("drop {flag}, or serve without --profile"),
                )),
                _ => Ok(()),
            }
        };
        fixed("--backend", &request.backend, self.backend)?;
        fixed("--tls", &request.tls, self.tls)?;
        if let Some(groups) = self.groups {
            fixed("--groups", &request.groups, groups)?;
            request.groups = Some(groups.to_string());
        }
        request.backend = Some(self.backend.to_string());
        request.tls = Some(self.tls.to_string());
        if request.ciphers.is_none() {
            request.ciphers = Some(self.ciphers.to_string());
        }
        Ok(())
    }
}
