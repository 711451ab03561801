//! Reading X.509 certificates into the summary every command prints.

use std::net::IpAddr;

use serde::Serialize;
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::prelude::{FromDer, X509Certificate};
use x509_parser::public_key::PublicKey;

/// What tlslab tells about one certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertSummary {
    /// Subject DN, e.g. `CN=localhost`.
    pub subject: String,
    /// Issuer DN.
    pub issuer: String,
    /// Serial number, hex.
    pub serial: String,
    /// Start of validity, RFC 3339.
    pub not_before: String,
    /// End of validity, RFC 3339.
    pub not_after: String,
    /// Key type and size, e.g. `RSA 2048`, `EC P-256`, `Ed25519`.
    pub key: String,
    /// X.509 version number (3 for v3).
    pub version: u32,
    /// Signature algorithm.
    pub signature_algorithm: String,
    /// Subject alternative names: `DNS:localhost`, `IP:127.0.0.1`.
    pub san: Vec<String>,
    /// Key usage bits, e.g. `digitalSignature`.
    pub key_usage: Vec<String>,
    /// Extended key usages, e.g. `serverAuth`.
    pub extended_key_usage: Vec<String>,
    /// True for a CA certificate.
    pub is_ca: bool,
    /// SHA-256 fingerprint, colon-separated hex.
    pub sha256: String,
    /// SHA-1 fingerprint, colon-separated hex.
    pub sha1: String,
}

/// Why a certificate could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertParseError(pub String);

impl std::fmt::Display for CertParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "not a readable X.509 certificate: {}", self.0)
    }
}

impl std::error::Error for CertParseError {}

fn fingerprint(digest: openssl::hash::MessageDigest, der: &[u8]) -> String {
    match openssl::hash::hash(digest, der) {
        Ok(bytes) => bytes
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect::<Vec<_>>()
            .join(":"),
        Err(_) => String::new(),
    }
}

fn rfc3339(time: x509_parser::time::ASN1Time) -> String {
    time.to_datetime()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| time.to_string())
}

/// Summarises a DER certificate.
pub fn summarize(der: &[u8]) -> Result<CertSummary, CertParseError> {
    let (_, cert) = X509Certificate::from_der(der).map_err(|e| CertParseError(e.to_string()))?;
    let key = match cert.public_key().parsed() {
        Ok(PublicKey::RSA(rsa)) => format!("RSA {}", rsa.key_size()),
        Ok(PublicKey::EC(point)) => {
            let curve = cert
                .public_key()
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok())
                .map(|oid| match oid.to_id_string().as_str() {
                    "1.2.840.10045.3.1.7" => "P-256".to_string(),
                    "1.3.132.0.34" => "P-384".to_string(),
                    "1.3.132.0.35" => "P-521".to_string(),
                    other => other.to_string(),
                })
                .unwrap_or_else(|| format!("{} bits", point.key_size()));
            format!("EC {curve}")
        }
        Ok(PublicKey::DSA(_)) => "DSA".to_string(),
        Ok(PublicKey::GostR3410(_)) | Ok(PublicKey::GostR3410_2012(_)) => "GOST".to_string(),
        _ => match cert
            .public_key()
            .algorithm
            .algorithm
            .to_id_string()
            .as_str()
        {
            "1.3.101.112" => "Ed25519".to_string(),
            "1.3.101.113" => "Ed448".to_string(),
            other => format!("unknown ({other})"),
        },
    };
    let mut san = Vec::new();
    let mut key_usage = Vec::new();
    let mut extended_key_usage = Vec::new();
    let mut is_ca = false;
    for ext in cert.extensions() {
        match ext.parsed_extension() {
            ParsedExtension::SubjectAlternativeName(names) => {
                for name in &names.general_names {
                    san.push(match name {
                        GeneralName::DNSName(dns) => format!("DNS:{dns}"),
                        GeneralName::IPAddress(bytes) => format!("IP:{}", ip_from_bytes(bytes)),
                        GeneralName::RFC822Name(mail) => format!("email:{mail}"),
                        GeneralName::URI(uri) => format!("URI:{uri}"),
                        other => format!("{other:?}"),
                    });
                }
            }
            ParsedExtension::KeyUsage(usage) => {
                key_usage = usage.to_string().split(", ").map(String::from).collect();
            }
            ParsedExtension::ExtendedKeyUsage(eku) => {
                let flags = [
                    (eku.server_auth, "serverAuth"),
                    (eku.client_auth, "clientAuth"),
                    (eku.code_signing, "codeSigning"),
                    (eku.email_protection, "emailProtection"),
                    (eku.time_stamping, "timeStamping"),
                    (eku.ocsp_signing, "OCSPSigning"),
                    (eku.any, "any"),
                ];
                extended_key_usage = flags
                    .iter()
                    .filter(|(on, _)| *on)
                    .map(|(_, name)| name.to_string())
                    .collect();
            }
            ParsedExtension::BasicConstraints(bc) => is_ca = bc.ca,
            _ => {}
        }
    }
    Ok(CertSummary {
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        serial: cert.raw_serial_as_string().replace(':', ""),
        not_before: rfc3339(cert.validity().not_before),
        not_after: rfc3339(cert.validity().not_after),
        key,
        version: cert.version().0 + 1,
        signature_algorithm: signature_name(&cert.signature_algorithm.algorithm.to_id_string()),
        san,
        key_usage,
        extended_key_usage,
        is_ca,
        sha256: fingerprint(openssl::hash::MessageDigest::sha256(), der),
        sha1: fingerprint(openssl::hash::MessageDigest::sha1(), der),
    })
}

fn signature_name(oid: &str) -> String {
    match oid {
        "1.2.840.113549.1.1.11" => "sha256WithRSAEncryption",
        "1.2.840.113549.1.1.12" => "sha384WithRSAEncryption",
        "1.2.840.113549.1.1.13" => "sha512WithRSAEncryption",
        "1.2.840.113549.1.1.5" => "sha1WithRSAEncryption",
        "1.2.840.113549.1.1.10" => "rsassaPss",
        "1.2.840.10045.4.3.2" => "ecdsa-with-SHA256",
        "1.2.840.10045.4.3.3" => "ecdsa-with-SHA384",
        "1.2.840.10045.4.3.4" => "ecdsa-with-SHA512",
        "1.3.101.112" => "Ed25519",
        other => return other.to_string(),
    }
    .to_string()
}

fn ip_from_bytes(bytes: &[u8]) -> String {
    match bytes.len() {
        4 => IpAddr::from(<[u8; 4]>::try_from(bytes).unwrap_or([0; 4])).to_string(),
        16 => IpAddr::from(<[u8; 16]>::try_from(bytes).unwrap_or([0; 16])).to_string(),
        _ => format!("{bytes:02x?}"),
    }
}

/// True when the certificate's SANs (or, lacking any, its CN) name `host`, which may be an
/// IP address. Wildcards match one leftmost label, as RFC 6125 says.
pub fn hostname_matches(summary: &CertSummary, host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = host.parse::<IpAddr>() {
        return summary
            .san
            .iter()
            .filter_map(|s| s.strip_prefix("IP:"))
            .any(|s| s.parse::<IpAddr>().ok() == Some(ip));
    }
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let dns: Vec<&str> = summary
        .san
        .iter()
        .filter_map(|s| s.strip_prefix("DNS:"))
        .collect();
    let names: Vec<String> = if dns.is_empty() {
        summary
            .subject
            .split(", ")
            .filter_map(|part| part.strip_prefix("CN="))
            .map(str::to_ascii_lowercase)
            .collect()
    } else {
        dns.iter().map(|d| d.to_ascii_lowercase()).collect()
    };
    names
        .iter()
        .any(|pattern| match pattern.strip_prefix("*.") {
            Some(suffix) => host
                .split_once('.')
                .is_some_and(|(label, rest)| !label.is_empty() && rest == suffix),
            None => *pattern == host,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_san(san: &[&str]) -> CertSummary {
        CertSummary {
            subject: "CN=example".into(),
            issuer: String::new(),
            serial: String::new(),
            not_before: String::new(),
            not_after: String::new(),
            key: String::new(),
            version: 3,
            signature_algorithm: String::new(),
            san: san.iter().map(|s| s.to_string()).collect(),
            key_usage: vec![],
            extended_key_usage: vec![],
            is_ca: false,
            sha256: String::new(),
            sha1: String::new(),
        }
    }

    #[test]
    fn hostnames_match_sans_wildcards_and_ips() {
        let cert = with_san(&[
            "DNS:localhost",
            "DNS:*.example.test",
            "IP:127.0.0.1",
            "IP:::1",
        ]);
        assert!(hostname_matches(&cert, "localhost"));
        assert!(hostname_matches(&cert, "LOCALHOST."));
        assert!(hostname_matches(&cert, "a.example.test"));
        assert!(!hostname_matches(&cert, "a.b.example.test"));
        assert!(!hostname_matches(&cert, "example.test"));
        assert!(hostname_matches(&cert, "127.0.0.1"));
        assert!(hostname_matches(&cert, "[::1]"));
        assert!(!hostname_matches(&cert, "127.0.0.2"));
        assert!(!hostname_matches(&cert, "otherhost"));
    }
}
