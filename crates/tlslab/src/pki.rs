//! A test PKI: a CA, a server certificate and a client certificate — the seed's
//! `bootstrap.sh`, done right (X.509 v3, SANs for every loopback name, proper usages,
//! private keys readable only by their owner, nothing overwritten without `--force`).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, SanType, SerialNumber,
};
use serde::Serialize;
use time::{Duration, OffsetDateTime};

use crate::certs::{self, CertSummary};
use crate::error::UsageError;

/// Key algorithms `pki init --key` offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum KeyAlgorithm {
    /// RSA 2048 with SHA-256 signatures (the default, as in the seed).
    Rsa2048,
    /// RSA 3072.
    Rsa3072,
    /// RSA 4096.
    Rsa4096,
    /// ECDSA P-256 with SHA-256.
    P256,
    /// ECDSA P-384 with SHA-384.
    P384,
    /// Ed25519.
    Ed25519,
}

impl KeyAlgorithm {
    /// Every accepted name, for help and errors.
    pub const NAMES: &'static str = "rsa2048, rsa3072, rsa4096, p256, p384, ed25519";

    /// Parses `rsa2048`, `p256`, `ed25519`, …
    pub fn parse(text: &str) -> Result<Self, UsageError> {
        Ok(
            match text.trim().to_ascii_lowercase().replace('-', "").as_str() {
                "rsa2048" | "rsa" => Self::Rsa2048,
                "rsa3072" => Self::Rsa3072,
                "rsa4096" => Self::Rsa4096,
                "p256" | "ecdsa" | "ec" | "prime256v1" | "secp256r1" => Self::P256,
                "p384" | "secp384r1" => Self::P384,
                "ed25519" => Self::Ed25519,
                _ => {
                    return Err(UsageError::new(
                        format!("unknown key type '{text}'"),
                        format!("use --key with one of {}", Self::NAMES),
                    ))
                }
            },
        )
    }

    fn generate(self) -> Result<KeyPair, rcgen::Error> {
        match self {
            Self::Rsa2048 => {
                KeyPair::generate_rsa_for(&rcgen::PKCS_RSA_SHA256, rcgen::RsaKeySize::_2048)
            }
            Self::Rsa3072 => {
                KeyPair::generate_rsa_for(&rcgen::PKCS_RSA_SHA256, rcgen::RsaKeySize::_3072)
            }
            Self::Rsa4096 => {
                KeyPair::generate_rsa_for(&rcgen::PKCS_RSA_SHA256, rcgen::RsaKeySize::_4096)
            }
            Self::P256 => KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256),
            Self::P384 => KeyPair::generate_for(&rcgen::PKCS_ECDSA_P384_SHA384),
            Self::Ed25519 => KeyPair::generate_for(&rcgen::PKCS_ED25519),
        }
    }

    fn is_rsa(self) -> bool {
        matches!(self, Self::Rsa2048 | Self::Rsa3072 | Self::Rsa4096)
    }
}

/// What `pki init` should make.
#[derive(Debug, Clone)]
pub struct PkiOptions {
    /// Where to write the files.
    pub dir: PathBuf,
    /// Key algorithm for all three keys.
    pub key: KeyAlgorithm,
    /// Validity in days, from one hour ago (to tolerate clock skew).
    pub days: u32,
    /// Extra SANs for the server certificate (`DNS:name`, `IP:addr`, or a bare name/address).
    pub extra_sans: Vec<String>,
    /// Replace existing files.
    pub force: bool,
}

impl Default for PkiOptions {
    fn default() -> Self {
        Self {
            dir: PathBuf::from("."),
            key: KeyAlgorithm::Rsa2048,
            days: 365,
            extra_sans: Vec::new(),
            force: false,
        }
    }
}

/// The file names `pki init` writes, as in the seed.
pub const FILE_NAMES: [&str; 6] = [
    "ca.crt", "ca.key", "srv.crt", "srv.key", "dev.crt", "dev.key",
];

/// Paths of a PKI directory's files.
#[derive(Debug, Clone, Serialize)]
pub struct PkiPaths {
    /// CA certificate.
    pub ca_cert: PathBuf,
    /// CA private key.
    pub ca_key: PathBuf,
    /// Server certificate (CN=localhost).
    pub server_cert: PathBuf,
    /// Server private key.
    pub server_key: PathBuf,
    /// Client certificate (CN=dev).
    pub client_cert: PathBuf,
    /// Client private key.
    pub client_key: PathBuf,
}

impl PkiPaths {
    /// The seed's file names inside `dir`.
    pub fn in_dir(dir: &Path) -> Self {
        Self {
            ca_cert: dir.join("ca.crt"),
            ca_key: dir.join("ca.key"),
            server_cert: dir.join("srv.crt"),
            server_key: dir.join("srv.key"),
            client_cert: dir.join("dev.crt"),
            client_key: dir.join("dev.key"),
        }
    }

    fn all(&self) -> [&PathBuf; 6] {
        [
            &self.ca_cert,
            &self.ca_key,
            &self.server_cert,
            &self.server_key,
            &self.client_cert,
            &self.client_key,
        ]
    }
}

/// What `pki init` made.
#[derive(Debug, Clone, Serialize)]
pub struct PkiReport {
    /// Where the files are.
    pub paths: PkiPaths,
    /// CA certificate summary.
    pub ca: CertSummary,
    /// Server certificate summary.
    pub server: CertSummary,
    /// Client certificate summary.
    pub client: CertSummary,
}

fn parse_san(text: &str) -> Result<SanType, UsageError> {
    let bad = || {
        UsageError::new(
            format!("invalid SAN '{text}'"),
            "use DNS:name, IP:address, or a bare host name or address",
        )
    };
    let value = text.trim();
    let (kind, rest) = match value.split_once(':') {
        Some((kind, rest)) if kind.eq_ignore_ascii_case("dns") => ("dns", rest),
        Some((kind, rest)) if kind.eq_ignore_ascii_case("ip") => ("ip", rest),
        _ if value.parse::<std::net::IpAddr>().is_ok() => ("ip", value),
        _ => ("dns", value),
    };
    match kind {
        "ip" => rest.parse().map(SanType::IpAddress).map_err(|_| bad()),
        _ if rest.is_empty() || rest.contains(char::is_whitespace) => Err(bad()),
        _ => rest
            .to_string()
            .try_into()
            .map(SanType::DnsName)
            .map_err(|_| bad()),
    }
}

fn base_params(common_name: &str, days: u32) -> CertificateParams {
    let mut params = CertificateParams::default();
    let mut name = DistinguishedName::new();
    name.push(DnType::CommonName, common_name);
    params.distinguished_name = name;
    let now = OffsetDateTime::now_utc();
    params.not_before = now - Duration::hours(1);
    params.not_after = now + Duration::days(i64::from(days));
    let mut serial = [0u8; 16];
    // A random serial, so that certificates from two runs never collide in a browser cache.
    if openssl::rand::rand_bytes(&mut serial).is_ok() {
        serial[0] &= 0x7f;
        params.serial_number = Some(SerialNumber::from_slice(&serial));
    }
    params.use_authority_key_identifier_extension = true;
    params
}

/// Creates the CA, server and client certificates and keys.
pub fn init(options: &PkiOptions) -> Result<PkiReport, UsageError> {
    if options.days == 0 {
        return Err(UsageError::new(
            "--days 0 makes certificates that are never valid",
            "use --days 1 or more",
        ));
    }
    let extra: Vec<SanType> = options
        .extra_sans
        .iter()
        .map(|s| parse_san(s))
        .collect::<Result<_, _>>()?;
    let paths = PkiPaths::in_dir(&options.dir);
    if !options.force {
        let existing: Vec<String> = paths
            .all()
            .iter()
            .filter(|p| p.exists())
            .map(|p| p.display().to_string())
            .collect();
        if !existing.is_empty() {
            return Err(UsageError::new(
                format!("refusing to overwrite {}", existing.join(", ")),
                "pass --force to replace them, or --dir to write elsewhere",
            ));
        }
    }
    fs::create_dir_all(&options.dir).map_err(|e| {
        UsageError::new(
            format!("cannot create {}: {e}", options.dir.display()),
            "choose a writable --dir",
        )
    })?;

    let failed =
        |e: rcgen::Error| UsageError::new(format!("certificate generation failed: {e}"), "");
    let ca_key = options.key.generate().map_err(failed)?;
    let mut ca_params = base_params("ca", options.days);
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_cert = ca_params.self_signed(&ca_key).map_err(failed)?;
    let issuer = Issuer::new(ca_params, &ca_key);

    let leaf_usages = |rsa: bool| {
        let mut usages = vec![KeyUsagePurpose::DigitalSignature];
        if rsa {
            // TLS_RSA_* key exchange encrypts the premaster secret to the server key.
            usages.push(KeyUsagePurpose::KeyEncipherment);
        }
        usages
    };

    let server_key = options.key.generate().map_err(failed)?;
    let mut server_params = base_params("localhost", options.days);
    server_params.subject_alt_names = vec![
        SanType::DnsName("localhost".try_into().map_err(failed)?),
        SanType::IpAddress(std::net::Ipv4Addr::LOCALHOST.into()),
        SanType::IpAddress(std::net::Ipv6Addr::LOCALHOST.into()),
    ];
    for san in extra {
        if !server_params.subject_alt_names.contains(&san) {
            server_params.subject_alt_names.push(san);
        }
    }
    server_params.key_usages = leaf_usages(options.key.is_rsa());
    server_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let server_cert = server_params
        .signed_by(&server_key, &issuer)
        .map_err(failed)?;

    let client_key = options.key.generate().map_err(failed)?;
    let mut client_params = base_params("dev", options.days);
    client_params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    client_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let client_cert = client_params
        .signed_by(&client_key, &issuer)
        .map_err(failed)?;

    let files: [(&PathBuf, String, bool); 6] = [
        (&paths.ca_cert, ca_cert.pem(), false),
        (&paths.ca_key, ca_key.serialize_pem(), true),
        (&paths.server_cert, server_cert.pem(), false),
        (&paths.server_key, server_key.serialize_pem(), true),
        (&paths.client_cert, client_cert.pem(), false),
        (&paths.client_key, client_key.serialize_pem(), true),
    ];
    // Write every file under a temporary name first, then move all into place: a failure
    // half-way leaves the directory as it was.
    let mut staged = Vec::new();
    for (path, contents, private) in &files {
        let staged_file = write_staged(path, contents, *private)?;
        staged.push((staged_file, *path));
    }
    for (staged_file, path) in staged {
        staged_file.persist(path).map_err(|e| {
            UsageError::new(
                format!("cannot write {}: {}", path.display(), e.error),
                "check the directory's permissions",
            )
        })?;
    }

    let summary =
        |der: &[u8]| certs::summarize(der).map_err(|e| UsageError::new(e.to_string(), ""));
    Ok(PkiReport {
        ca: summary(ca_cert.der())?,
        server: summary(server_cert.der())?,
        client: summary(client_cert.der())?,
        paths,
    })
}

fn write_staged(
    path: &Path,
    contents: &str,
    private: bool,
) -> Result<tempfile::NamedTempFile, UsageError> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let cannot = |e: std::io::Error| {
        UsageError::new(
            format!("cannot write {}: {e}", path.display()),
            "check the directory's permissions",
        )
    };
    // NamedTempFile is created 0600; certificates are public and get 0644.
    let mut file = tempfile::Builder::new()
        .prefix(".tlslab-")
        .tempfile_in(dir)
        .map_err(cannot)?;
    if !private {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(file.path(), fs::Permissions::from_mode(0o644)).map_err(cannot)?;
        }
    }
    file.write_all(contents.as_bytes()).map_err(cannot)?;
    file.flush().map_err(cannot)?;
    Ok(file)
}

/// One certificate from a file, summarised.
#[derive(Debug, Clone, Serialize)]
pub struct ShownCertificate {
    /// The file.
    pub file: PathBuf,
    /// Position in the file (0 for the first PEM block).
    pub index: usize,
    /// The summary.
    #[serde(flatten)]
    pub summary: CertSummary,
}

/// Reads every certificate in the given PEM (or DER) files.
pub fn show(files: &[PathBuf]) -> Result<Vec<ShownCertificate>, UsageError> {
    use rustls_pki_types::pem::PemObject;
    let mut out = Vec::new();
    for file in files {
        let bytes = fs::read(file).map_err(|e| {
            UsageError::new(
                format!("cannot read {}: {e}", file.display()),
                "check the path",
            )
        })?;
        let mut ders: Vec<Vec<u8>> = rustls_pki_types::CertificateDer::pem_slice_iter(&bytes)
            .filter_map(Result::ok)
            .map(|c| c.to_vec())
            .collect();
        if ders.is_empty() && bytes.first() == Some(&0x30) {
            ders.push(bytes.clone());
        }
        if ders.is_empty() {
            let hint = if String::from_utf8_lossy(&bytes).contains("PRIVATE KEY") {
                "that is a private key; pass the matching .crt file"
            } else {
                "pass a PEM or DER certificate file"
            };
            return Err(UsageError::new(
                format!("{} holds no certificate", file.display()),
                hint,
            ));
        }
        for (index, der) in ders.iter().enumerate() {
            let summary = certs::summarize(der).map_err(|e| {
                UsageError::new(
                    format!("{} (certificate {index}): {e}", file.display()),
                    "pass a valid X.509 certificate",
                )
            })?;
            out.push(ShownCertificate {
                file: file.clone(),
                index,
                summary,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_writes_six_files_with_private_keys_locked_down() {
        let dir = tempfile::tempdir().unwrap();
        let options = PkiOptions {
            dir: dir.path().to_path_buf(),
            key: KeyAlgorithm::P256,
            extra_sans: vec!["DNS:example.test".into(), "10.0.0.1".into()],
            ..PkiOptions::default()
        };
        let report = init(&options).unwrap();
        assert_eq!(report.server.subject, "CN=localhost");
        assert_eq!(report.ca.subject, "CN=ca");
        assert_eq!(report.server.issuer, "CN=ca");
        assert_eq!(report.server.version, 3);
        for san in [
            "DNS:localhost",
            "IP:127.0.0.1",
            "IP:::1",
            "DNS:example.test",
            "IP:10.0.0.1",
        ] {
            assert!(
                report.server.san.iter().any(|s| s == san),
                "{san} in {:?}",
                report.server.san
            );
        }
        assert_eq!(report.server.extended_key_usage, vec!["serverAuth"]);
        assert_eq!(report.client.extended_key_usage, vec!["clientAuth"]);
        assert!(report.ca.is_ca);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            for key in ["ca.key", "srv.key", "dev.key"] {
                let mode = fs::metadata(dir.path().join(key))
                    .unwrap()
                    .permissions()
                    .mode();
                assert_eq!(mode & 0o777, 0o600, "{key}");
            }
            let mode = fs::metadata(dir.path().join("srv.crt"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o644);
        }
    }

    #[test]
    fn init_refuses_to_overwrite_and_touches_nothing() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("srv.key"), "precious").unwrap();
        let options = PkiOptions {
            dir: dir.path().to_path_buf(),
            key: KeyAlgorithm::P256,
            ..PkiOptions::default()
        };
        let err = init(&options).unwrap_err();
        assert!(
            err.what.contains("srv.key") && err.fix.contains("--force"),
            "{err}"
        );
        assert_eq!(
            fs::read_to_string(dir.path().join("srv.key")).unwrap(),
            "precious"
        );
        assert!(!dir.path().join("ca.crt").exists());
        let forced = PkiOptions {
            force: true,
            ..options
        };
        init(&forced).unwrap();
        assert_ne!(
            fs::read_to_string(dir.path().join("srv.key")).unwrap(),
            "precious"
        );
    }

    #[test]
    fn bad_sans_and_key_names_are_refused() {
        assert!(parse_san("IP:300.1.1.1").is_err());
        assert!(parse_san("DNS:").is_err());
        assert!(KeyAlgorithm::parse("dsa")
            .unwrap_err()
            .fix
            .contains("ed25519"));
    }
}
