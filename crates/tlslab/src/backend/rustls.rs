//! The rustls backend (0.23, aws-lc-rs provider): servers and clients from checked settings.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{aws_lc_rs, CryptoProvider};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::server::WebPkiClientVerifier;
use rustls::{CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme};
use rustls_pki_types::pem::PemObject;
use tlslab_wire::{CipherSuite, NamedGroup, ProtocolVersion};

use super::{lock, SharedVerifyRecord};
use crate::certs;
use crate::error::UsageError;
use crate::settings::{ClientAuth, GroupSpec, Identity, TlsSettings, TrustAnchors};

/// rustls' version, for reports.
pub const VERSION: &str = "0.23";

/// Every suite this backend implements.
pub fn suites() -> Vec<CipherSuite> {
    aws_lc_rs::ALL_CIPHER_SUITES
        .iter()
        .map(|s| CipherSuite(u16::from(s.suite())))
        .collect()
}

/// Every group this backend implements.
pub fn groups() -> Vec<NamedGroup> {
    aws_lc_rs::ALL_KX_GROUPS
        .iter()
        .map(|g| NamedGroup(u16::from(g.name())))
        .collect()
}

fn provider(settings: &TlsSettings) -> CryptoProvider {
    let mut provider = aws_lc_rs::default_provider();
    let wanted: Option<Vec<CipherSuite>> = match (&settings.tls12_suites, &settings.tls13_suites) {
        (None, None) => None,
        (tls12, tls13) => {
            let mut all: Vec<CipherSuite> = tls12.clone().unwrap_or_default();
            match tls13 {
                Some(list) => all.extend(list),
                // TLS 1.3 enabled with only TLS 1.2 suites pinned: its defaults apply.
                None if settings.versions.contains(ProtocolVersion::TLSV1_3) => all.extend(
                    aws_lc_rs::DEFAULT_CIPHER_SUITES
                        .iter()
                        .map(|s| CipherSuite(u16::from(s.suite())))
                        .filter(|c| c.0 >> 8 == 0x13),
                ),
                None => {}
            }
            Some(all)
        }
    };
    if let Some(wanted) = wanted {
        provider.cipher_suites = wanted
            .iter()
            .filter_map(|code| {
                aws_lc_rs::ALL_CIPHER_SUITES
                    .iter()
                    .find(|s| u16::from(s.suite()) == code.0)
                    .copied()
            })
            .collect();
    }
    if let Some(GroupSpec::List(groups)) = &settings.groups {
        provider.kx_groups = groups
            .iter()
            .filter_map(|code| {
                aws_lc_rs::ALL_KX_GROUPS
                    .iter()
                    .find(|g| u16::from(g.name()) == code.0)
                    .copied()
            })
            .collect();
    }
    provider
}

fn versions(settings: &TlsSettings) -> Vec<&'static rustls::SupportedProtocolVersion> {
    let mut out = Vec::new();
    if settings.versions.contains(ProtocolVersion::TLSV1_3) {
        out.push(&rustls::version::TLS13);
    }
    if settings.versions.contains(ProtocolVersion::TLSV1_2) {
        out.push(&rustls::version::TLS12);
    }
    out
}

fn config_error(err: rustls::Error) -> UsageError {
    UsageError::new(
        format!("rustls refused the configuration: {err}"),
        "check that the pinned suites, groups and versions fit together (ECDHE suites need an EC group)",
    )
}

fn identity_parts(
    identity: &Identity,
) -> Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>), UsageError> {
    let chain = identity
        .chain_der
        .iter()
        .map(|der| CertificateDer::from(der.clone()))
        .collect();
    let key = PrivateKeyDer::from_pem_slice(&identity.key_pem).map_err(|e| {
        UsageError::new(
            format!(
                "rustls cannot read the key in {}: {e}",
                identity.key_path.display()
            ),
            "use a PKCS#8, PKCS#1 or SEC1 PEM key",
        )
    })?;
    Ok((chain, key))
}

fn root_store(trust: &TrustAnchors) -> Result<RootCertStore, UsageError> {
    let mut roots = RootCertStore::empty();
    for der in &trust.certs_der {
        roots.add(CertificateDer::from(der.clone())).map_err(|e| {
            UsageError::new(
                format!(
                    "{} holds a certificate rustls cannot use as a trust anchor: {e}",
                    trust.path.display()
                ),
                "pass the CA certificate (ca.crt)",
            )
        })?;
    }
    Ok(roots)
}

/// Builds a server configuration.
pub fn server_config(
    settings: &TlsSettings,
    identity: &Identity,
    client_auth: ClientAuth,
    trust: Option<&TrustAnchors>,
) -> Result<rustls::ServerConfig, UsageError> {
    let provider = Arc::new(provider(settings));
    let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&versions(settings))
        .map_err(config_error)?;
    let builder = match (client_auth, trust) {
        (ClientAuth::None, _) => builder.with_no_client_auth(),
        (mode, Some(trust)) => {
            let verifier =
                WebPkiClientVerifier::builder_with_provider(Arc::new(root_store(trust)?), provider);
            let verifier = if mode == ClientAuth::Optional {
                verifier.allow_unauthenticated()
            } else {
                verifier
            };
            builder.with_client_cert_verifier(verifier.build().map_err(|e| {
                UsageError::new(
                    format!("cannot verify client certificates: {e}"),
                    "pass --ca with the CA that signs client certificates",
                )
            })?)
        }
        (_, None) => {
            return Err(UsageError::new(
                "--client-auth needs the CA that signs client certificates",
                "pass --ca ca.crt (or run in a `tlslab pki init` directory)",
            ))
        }
    };
    let (chain, key) = identity_parts(identity)?;
    let mut config = builder.with_single_cert(chain, key).map_err(|e| match e {
        rustls::Error::InconsistentKeys(_) => UsageError::new(
            format!(
                "{} does not belong to {}",
                identity.key_path.display(),
                identity.cert_path.display()
            ),
            "pass the key that was generated with the certificate",
        ),
        other => UsageError::new(
            format!(
                "rustls refused {} with {}: {other}",
                identity.cert_path.display(),
                identity.key_path.display()
            ),
            "pass a certificate and the private key that belongs to it",
        ),
    })?;
    config.ignore_client_order = true;
    config.alpn_protocols = settings
        .alpn
        .iter()
        .map(|p| p.as_bytes().to_vec())
        .collect();
    Ok(config)
}

/// A verifier that records what it found and, with `--insecure`, lets the handshake go on.
#[derive(Debug)]
struct RecordingVerifier {
    inner: Option<Arc<WebPkiServerVerifier>>,
    provider: Arc<CryptoProvider>,
    record: SharedVerifyRecord,
    insecure: bool,
    /// Schemes to offer, when the user pinned them.
    schemes: Option<Vec<tlslab_wire::SignatureScheme>>,
}

impl ServerCertVerifier for RecordingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let host = server_name.to_str().into_owned();
        let name_matches = certs::summarize(end_entity)
            .map(|summary| certs::hostname_matches(&summary, &host))
            .ok();
        let result = match &self.inner {
            Some(inner) => {
                inner.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
            }
            None => Err(rustls::Error::InvalidCertificate(
                CertificateError::UnknownIssuer,
            )),
        };
        {
            let mut record = lock(&self.record);
            record.chain = std::iter::once(end_entity)
                .chain(intermediates)
                .map(|c| c.to_vec())
                .collect();
            match &result {
                Ok(_) => {
                    record.trusted = Some(true);
                    record.hostname_matched = Some(true);
                }
                Err(rustls::Error::InvalidCertificate(
                    CertificateError::NotValidForName
                    | CertificateError::NotValidForNameContext { .. },
                )) => {
                    record.trusted = Some(true);
                    record.hostname_matched = Some(false);
                    record.error = Some(format!("certificate is not valid for {host}"));
                }
                Err(err) => {
                    record.trusted = Some(false);
                    record.hostname_matched = name_matches;
                    record.error = Some(describe_certificate_error(err, self.inner.is_none()));
                }
            }
        }
        if self.insecure {
            Ok(ServerCertVerified::assertion())
        } else {
            result
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        let all = self
            .provider
            .signature_verification_algorithms
            .supported_schemes();
        match &self.schemes {
            Some(wanted) => all
                .into_iter()
                .filter(|s| wanted.iter().any(|w| w.0 == u16::from(*s)))
                .collect(),
            None => all,
        }
    }
}

/// Certificate errors in words a user can act on.
pub fn describe_certificate_error(err: &rustls::Error, no_roots: bool) -> String {
    if no_roots {
        return "no trust anchors: the system store is empty and no --cacert was given".to_string();
    }
    match err {
        rustls::Error::InvalidCertificate(cert_err) => match cert_err {
            CertificateError::UnknownIssuer => {
                "unable to get local issuer certificate: the chain does not lead to a trusted CA"
                    .to_string()
            }
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                "certificate has expired".to_string()
            }
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                "certificate is not yet valid".to_string()
            }
            CertificateError::BadSignature => {
                "certificate signature failure: a trusted CA has the issuer's name, but its key did not sign this certificate (a different CA with the same name?)".to_string()
            }
            CertificateError::Revoked => "certificate is revoked".to_string(),
            CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => {
                "certificate is not for TLS server authentication (extended key usage)".to_string()
            }
            other => format!("certificate rejected: {other:?}"),
        },
        other => other.to_string(),
    }
}

/// What a rustls client needs besides the settings.
pub struct ClientParts<'a> {
    /// CA certificates to trust (`None`: the system store).
    pub trust: Option<&'a TrustAnchors>,
    /// Client certificate and key.
    pub identity: Option<&'a Identity>,
    /// Go on after a failed verification.
    pub insecure: bool,
    /// Where the verifier writes what it found.
    pub record: SharedVerifyRecord,
}

/// Builds a client configuration.
pub fn client_config(
    settings: &TlsSettings,
    parts: ClientParts<'_>,
) -> Result<rustls::ClientConfig, UsageError> {
    let provider = Arc::new(provider(settings));
    let roots = match parts.trust {
        Some(trust) => root_store(trust)?,
        None => {
            let mut roots = RootCertStore::empty();
            let loaded = rustls_native_certs::load_native_certs();
            roots.add_parsable_certificates(loaded.certs);
            roots
        }
    };
    let inner = if roots.is_empty() {
        None
    } else {
        Some(
            WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                .build()
                .map_err(|e| {
                    UsageError::new(
                        format!("cannot build a verifier: {e}"),
                        "pass --cacert with a CA certificate",
                    )
                })?,
        )
    };
    let verifier = Arc::new(RecordingVerifier {
        inner,
        provider: provider.clone(),
        record: parts.record,
        insecure: parts.insecure,
        schemes: settings.signature_schemes.clone(),
    });
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&versions(settings))
        .map_err(config_error)?
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    let mut config = match parts.identity {
        Some(identity) => {
            let (chain, key) = identity_parts(identity)?;
            builder.with_client_auth_cert(chain, key).map_err(|e| {
                UsageError::new(
                    format!("rustls refused the client certificate: {e}"),
                    "pass --cert and the --key that belongs to it",
                )
            })?
        }
        None => builder.with_no_client_auth(),
    };
    config.alpn_protocols = settings
        .alpn
        .iter()
        .map(|p| p.as_bytes().to_vec())
        .collect();
    config.enable_sni = true;
    Ok(config)
}

/// Describes an I/O error from a TLS stream, looking inside for a rustls error.
pub fn describe_io_error(err: &std::io::Error) -> String {
    if let Some(tls) = err
        .get_ref()
        .and_then(|e| e.downcast_ref::<rustls::Error>())
    {
        return format!("rustls: {tls}");
    }
    match err.kind() {
        std::io::ErrorKind::UnexpectedEof => {
            "peer closed the connection during the handshake".to_string()
        }
        _ => err.to_string(),
    }
}

/// What a finished rustls handshake agreed on.
pub fn negotiated(conn: &rustls::CommonState) -> super::Negotiated {
    super::Negotiated {
        protocol: conn
            .protocol_version()
            .map(|v| ProtocolVersion(u16::from(v)).to_string())
            .unwrap_or_default(),
        suite: conn
            .negotiated_cipher_suite()
            .map(|s| CipherSuite(u16::from(s.suite())))
            .unwrap_or(CipherSuite(0)),
        alpn: conn
            .alpn_protocol()
            .map(|p| String::from_utf8_lossy(p).into_owned()),
        peer_chain: conn
            .peer_certificates()
            .map(|chain| chain.iter().map(|c| c.to_vec()).collect())
            .unwrap_or_default(),
    }
}
