//! Facts about a connection that servers and clients both report, in their JSON shapes.

use serde::Serialize;
use tlslab_wire::codec::ClientHello;
use tlslab_wire::{registry, CipherSuite};

/// A cipher suite with every name it goes by (`cipher_suite` in JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SuiteNames {
    /// `0xC02F`.
    pub code: String,
    /// IANA name (or the hex code for an unassigned value).
    pub iana: String,
    /// OpenSSL name, if any.
    pub openssl: Option<String>,
    /// GnuTLS name, if any.
    pub gnutls: Option<String>,
    /// NSS name, if any.
    pub nss: Option<String>,
}

impl SuiteNames {
    /// Looks up every name of a suite.
    pub fn of(suite: CipherSuite) -> Self {
        let info = registry::suite(suite);
        Self {
            code: suite.hex(),
            iana: suite.to_string(),
            openssl: info.and_then(|i| i.openssl).map(String::from),
            gnutls: info.and_then(|i| i.gnutls).map(String::from),
            nss: info.and_then(|i| i.nss).map(String::from),
        }
    }

    /// The seed's spelling: the GnuTLS name without its `TLS_` prefix
    /// (`ECDHE_RSA_AES_128_GCM_SHA256`), or the IANA name.
    pub fn seed_style(&self) -> String {
        self.gnutls
            .as_deref()
            .and_then(|n| n.strip_prefix("TLS_"))
            .unwrap_or(&self.iana)
            .to_string()
    }
}

/// What a ClientHello offered, in names (`offered` in JSON).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Offered {
    /// Protocol versions, newest first as sent.
    pub versions: Vec<String>,
    /// Cipher suites in the client's order (IANA names, hex for unknown, GREASE marked).
    pub cipher_suites: Vec<String>,
    /// Named groups.
    pub groups: Vec<String>,
    /// Groups with a key share (TLS 1.3).
    pub key_shares: Vec<String>,
    /// Signature schemes.
    pub signature_schemes: Vec<String>,
    /// ALPN protocols.
    pub alpn: Vec<String>,
    /// SNI host name.
    pub sni: Option<String>,
}

impl Offered {
    /// Names everything in a ClientHello.
    pub fn from_hello(hello: &ClientHello) -> Self {
        fn names<T: ToString>(items: &[T]) -> Vec<String> {
            items.iter().map(ToString::to_string).collect()
        }
        let versions = names(&hello.offered_versions());
        Self {
            versions,
            cipher_suites: names(&hello.cipher_suites),
            groups: names(&hello.groups),
            key_shares: names(&hello.key_share_groups),
            signature_schemes: names(&hello.signature_schemes),
            alpn: hello.alpn.clone(),
            sni: hello.server_name.clone(),
        }
    }

    /// A short one-line summary for logs: versions, suites (at most `limit`), groups.
    pub fn one_line(&self, limit: usize) -> String {
        let list = |items: &[String]| -> String {
            if items.len() <= limit {
                items.join(" ")
            } else {
                format!(
                    "{} …(+{} more)",
                    items[..limit].join(" "),
                    items.len() - limit
                )
            }
        };
        let mut line = format!(
            "versions [{}] suites [{}] groups [{}]",
            self.versions.join(" "),
            list(&self.cipher_suites),
            list(&self.groups)
        );
        if !self.alpn.is_empty() {
            line.push_str(&format!(" alpn [{}]", self.alpn.join(" ")));
        }
        if let Some(sni) = &self.sni {
            line.push_str(&format!(" sni {sni}"));
        }
        line
    }
}
