//! The OpenSSL backend (the system's OpenSSL 3.0): the one that serves DHE, CBC, RSA key
//! exchange, TLS 1.0/1.1 and "no EC group", because real servers still do.

use std::net::IpAddr;

use openssl::dh::Dh;
use openssl::pkey::PKey;
use openssl::ssl::{
    AlpnError, SslContext, SslContextBuilder, SslMethod, SslOptions, SslVerifyMode, SslVersion,
};
use openssl::stack::StackRef;
use openssl::x509::store::X509StoreBuilder;
use openssl::x509::X509;
use tlslab_wire::registry;
use tlslab_wire::{AlertDescription, CipherSuite, ProtocolVersion};

use super::{alpn_wire, lock, SharedVerifyRecord};
use crate::error::UsageError;
use crate::settings::{ClientAuth, GroupSpec, Identity, TlsSettings, TrustAnchors};

/// The OpenSSL library version string, e.g. "OpenSSL 3.0.19 27 Jan 2026".
pub fn version() -> &'static str {
    openssl::version::version()
}

/// What `--groups none` configures: a finite-field group only, so no EC curve is available.
pub const NO_EC_GROUPS: &str = "ffdhe2048";

/// Expands an OpenSSL cipher string into the TLS ≤ 1.2 suites it selects, in order.
///
/// Returns `None` when OpenSSL refuses the string or when one of its positive terms matches
/// nothing (OpenSSL itself ignores such typos silently; tlslab does not).
pub fn expand_cipher_string(text: &str) -> Option<Vec<CipherSuite>> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    for term in text.split([':', ',', ' ']).filter(|t| !t.is_empty()) {
        let positive = !term.starts_with(['!', '-', '+', '@']);
        if positive && select(term).is_none_or(|suites| suites.is_empty()) {
            return None;
        }
    }
    select(text)
}

fn select(text: &str) -> Option<Vec<CipherSuite>> {
    let mut builder = SslContextBuilder::new(SslMethod::tls()).ok()?;
    builder.set_security_level(0);
    builder.set_cipher_list(text).ok()?;
    let context = builder.build();
    Some(
        context_ciphers(&context)
            .into_iter()
            .filter(|code| code >> 8 != 0x13)
            .map(CipherSuite)
            .collect(),
    )
}

/// The code points a context has enabled (TLS 1.3 suites included).
#[allow(unsafe_code)]
fn context_ciphers(context: &SslContext) -> Vec<u16> {
    use foreign_types::ForeignTypeRef;
    use openssl::ssl::SslCipher;
    extern "C" {
        // Part of libssl's public API since 1.1.0; the `openssl` crate does not wrap it.
        fn SSL_CTX_get_ciphers(
            ctx: *const openssl_sys::SSL_CTX,
        ) -> *mut openssl_sys::stack_st_SSL_CIPHER;
    }
    // SAFETY: `context` is a live SSL_CTX for the duration of this call. SSL_CTX_get_ciphers
    // returns a pointer into the context (not owned by us, possibly null); we only read it
    // while `context` is borrowed, and copy the code points out before returning.
    unsafe {
        let stack = SSL_CTX_get_ciphers(context.as_ptr());
        if stack.is_null() {
            return Vec::new();
        }
        let stack: &StackRef<SslCipher> = StackRef::from_ptr(stack);
        stack
            .iter()
            .map(|cipher| u16::from_be_bytes(cipher.protocol_id()))
            .collect()
    }
}

fn ossl_version(version: ProtocolVersion) -> SslVersion {
    match version {
        ProtocolVersion::SSLV3 => SslVersion::SSL3,
        ProtocolVersion::TLSV1_0 => SslVersion::TLS1,
        ProtocolVersion::TLSV1_1 => SslVersion::TLS1_1,
        ProtocolVersion::TLSV1_2 => SslVersion::TLS1_2,
        _ => SslVersion::TLS1_3,
    }
}

fn openssl_names(suites: &[CipherSuite]) -> Result<String, UsageError> {
    let mut names = Vec::new();
    for suite in suites {
        match registry::suite(*suite).and_then(|info| info.openssl) {
            Some(name) => names.push(name),
            None => {
                return Err(UsageError::new(
                    format!("OpenSSL has no name for {suite}"),
                    "pin suites that OpenSSL implements (`tlslab suites` shows the OpenSSL column)",
                ))
            }
        }
    }
    Ok(names.join(":"))
}

fn refused(what: &str, detail: impl std::fmt::Display) -> UsageError {
    UsageError::new(
        format!("OpenSSL refused {what}: {detail}"),
        "check the value against `tlslab suites` and `openssl ciphers -v`",
    )
}

/// Applies versions, suites and groups to a context builder.
fn apply_settings(
    builder: &mut SslContextBuilder,
    settings: &TlsSettings,
) -> Result<(), UsageError> {
    if settings.permissive {
        // What was pinned is what is served: OpenSSL 3.0's default security level 1 would
        // silently drop TLS 1.0/1.1, SHA-1 signatures, small DH groups and weak suites.
        builder.set_security_level(0);
    }
    builder
        .set_min_proto_version(Some(ossl_version(settings.versions.min)))
        .map_err(|e| refused("the minimum version", e))?;
    builder
        .set_max_proto_version(Some(ossl_version(settings.versions.max)))
        .map_err(|e| refused("the maximum version", e))?;
    if let Some(text) = &settings.openssl_cipher_string {
        builder
            .set_cipher_list(text)
            .map_err(|e| refused(&format!("cipher string '{text}'"), e))?;
    } else if let Some(suites) = &settings.tls12_suites {
        let names = openssl_names(suites)?;
        builder
            .set_cipher_list(&names)
            .map_err(|e| refused(&format!("cipher list '{names}'"), e))?;
    }
    if let Some(suites) = &settings.tls13_suites {
        let names = openssl_names(suites)?;
        builder
            .set_ciphersuites(&names)
            .map_err(|e| refused(&format!("TLS 1.3 suites '{names}'"), e))?;
    }
    if let Some(schemes) = &settings.signature_schemes {
        let names: Vec<String> = schemes.iter().map(|s| s.to_string()).collect();
        let list = names.join(":");
        builder
            .set_sigalgs_list(&list)
            .map_err(|e| refused(&format!("signature schemes '{list}'"), e))?;
    }
    match &settings.groups {
        Some(GroupSpec::NoEllipticCurves) => builder
            .set_groups_list(NO_EC_GROUPS)
            .map_err(|e| refused("the group list", e))?,
        Some(GroupSpec::List(groups)) => {
            let names: Vec<&str> = groups
                .iter()
                .filter_map(|g| registry::group(*g).and_then(|info| info.openssl))
                .collect();
            let list = names.join(":");
            builder
                .set_groups_list(&list)
                .map_err(|e| refused(&format!("groups '{list}'"), e))?;
        }
        None => {}
    }
    Ok(())
}

fn load_identity(builder: &mut SslContextBuilder, identity: &Identity) -> Result<(), UsageError> {
    let chain = X509::stack_from_pem(&identity.chain_pem).map_err(|e| {
        refused(
            &format!("the certificate in {}", identity.cert_path.display()),
            e,
        )
    })?;
    let mut certs = chain.into_iter();
    let leaf = certs.next().ok_or_else(|| {
        UsageError::new(
            format!("{} holds no certificate", identity.cert_path.display()),
            "pass a PEM certificate",
        )
    })?;
    builder
        .set_certificate(&leaf)
        .map_err(|e| refused("the certificate", e))?;
    for extra in certs {
        builder
            .add_extra_chain_cert(extra)
            .map_err(|e| refused("the certificate chain", e))?;
    }
    let key = PKey::private_key_from_pem(&identity.key_pem)
        .map_err(|e| refused(&format!("the key in {}", identity.key_path.display()), e))?;
    let mismatch = |_| {
        UsageError::new(
            format!(
                "{} does not belong to {}",
                identity.key_path.display(),
                identity.cert_path.display()
            ),
            "pass the key that was generated with the certificate",
        )
    };
    builder.set_private_key(&key).map_err(mismatch)?;
    builder.check_private_key().map_err(mismatch)
}

fn trust_store(trust: &TrustAnchors) -> Result<openssl::x509::store::X509Store, UsageError> {
    let mut store = X509StoreBuilder::new().map_err(|e| refused("a certificate store", e))?;
    for cert in X509::stack_from_pem(&trust.pem)
        .map_err(|e| refused(&format!("{}", trust.path.display()), e))?
    {
        store
            .add_cert(cert)
            .map_err(|e| refused(&format!("a certificate in {}", trust.path.display()), e))?;
    }
    Ok(store.build())
}

/// Extra server-side knobs that only profiles use.
#[derive(Debug, Clone, Default)]
pub struct ServerTweaks {
    /// Fixed DH parameters of this many bits (1024 uses RFC 5114's group), instead of
    /// OpenSSL's automatic choice.
    pub dh_bits: Option<u32>,
}

/// Builds a server context.
pub fn server_context(
    settings: &TlsSettings,
    identity: &Identity,
    client_auth: ClientAuth,
    trust: Option<&TrustAnchors>,
    tweaks: &ServerTweaks,
) -> Result<SslContext, UsageError> {
    let mut builder = SslContextBuilder::new(SslMethod::tls_server())
        .map_err(|e| refused("a server context", e))?;
    apply_settings(&mut builder, settings)?;
    load_identity(&mut builder, identity)?;
    builder.set_options(SslOptions::CIPHER_SERVER_PREFERENCE);
    if let Some(bits) = tweaks.dh_bits {
        let dh = match bits {
            1024 => Dh::get_1024_160(),
            2048 => Dh::get_2048_256(),
            _ => Dh::get_2048_224(),
        }
        .map_err(|e| refused("DH parameters", e))?;
        builder
            .set_tmp_dh(&dh)
            .map_err(|e| refused("DH parameters", e))?;
    }
    match (client_auth, trust) {
        (ClientAuth::None, _) => builder.set_verify(SslVerifyMode::NONE),
        (mode, Some(trust)) => {
            builder
                .set_verify_cert_store(trust_store(trust)?)
                .map_err(|e| refused("the client CA", e))?;
            let mut names =
                openssl::stack::Stack::new().map_err(|e| refused("the client CA list", e))?;
            for cert in X509::stack_from_pem(&trust.pem).map_err(|e| refused("the client CA", e))? {
                if let Ok(name) = cert.subject_name().to_owned() {
                    let _ = names.push(name);
                }
            }
            builder.set_client_ca_list(names);
            let mut verify = SslVerifyMode::PEER;
            if mode == ClientAuth::Required {
                verify |= SslVerifyMode::FAIL_IF_NO_PEER_CERT;
            }
            builder.set_verify(verify);
        }
        (_, None) => {
            return Err(UsageError::new(
                "--client-auth needs the CA that signs client certificates",
                "pass --ca ca.crt (or run in a `tlslab pki init` directory)",
            ))
        }
    }
    if !settings.alpn.is_empty() {
        let ours = alpn_wire(&settings.alpn);
        builder.set_alpn_select_callback(move |_ssl, offered| {
            choose_alpn(&ours, offered).ok_or(AlpnError::NOACK)
        });
    }
    Ok(builder.build())
}

/// The first of our protocols (in our order) that the client offered, as a slice of the
/// client's list — what OpenSSL's callback must return.
fn choose_alpn<'a>(ours: &[u8], offered: &'a [u8]) -> Option<&'a [u8]> {
    let theirs = split_alpn(offered);
    split_alpn(ours)
        .into_iter()
        .find_map(|want| theirs.iter().copied().find(|have| *have == want))
}

fn split_alpn(mut list: &[u8]) -> Vec<&[u8]> {
    let mut items = Vec::new();
    while let Some((&len, rest)) = list.split_first() {
        let len = usize::from(len);
        if rest.len() < len {
            break;
        }
        items.push(&rest[..len]);
        list = &rest[len..];
    }
    items
}

/// What an OpenSSL client needs besides the settings.
pub struct ClientParts<'a> {
    /// CA certificates to trust (`None`: the system's default paths).
    pub trust: Option<&'a TrustAnchors>,
    /// Client certificate and key.
    pub identity: Option<&'a Identity>,
    /// Go on after a failed verification.
    pub insecure: bool,
    /// The host to verify the certificate against.
    pub verify_host: &'a str,
    /// SNI to send, if any.
    pub sni: Option<&'a str>,
    /// Where the verify callback writes what it found.
    pub record: SharedVerifyRecord,
}

/// X509_V_ERR_HOSTNAME_MISMATCH and X509_V_ERR_IP_ADDRESS_MISMATCH.
const NAME_MISMATCH: [i32; 2] = [62, 64];

/// Builds a client connection object.
pub fn client_ssl(
    settings: &TlsSettings,
    parts: ClientParts<'_>,
) -> Result<openssl::ssl::Ssl, UsageError> {
    let mut builder = SslContextBuilder::new(SslMethod::tls_client())
        .map_err(|e| refused("a client context", e))?;
    apply_settings(&mut builder, settings)?;
    match parts.trust {
        Some(trust) => builder
            .set_verify_cert_store(trust_store(trust)?)
            .map_err(|e| refused("the CA file", e))?,
        None => builder
            .set_default_verify_paths()
            .map_err(|e| refused("the system CA store", e))?,
    }
    if let Some(identity) = parts.identity {
        load_identity(&mut builder, identity)?;
    }
    if !settings.alpn.is_empty() {
        builder
            .set_alpn_protos(&alpn_wire(&settings.alpn))
            .map_err(|e| refused("the ALPN list", e))?;
    }
    let record = parts.record.clone();
    let insecure = parts.insecure;
    builder.set_verify_callback(SslVerifyMode::PEER, move |preverified, store| {
        let mut found = lock(&record);
        if store.error_depth() == 0 {
            if let Some(der) = store.current_cert().and_then(|c| c.to_der().ok()) {
                if found.chain.is_empty() {
                    found.chain.push(der);
                }
            }
        }
        let code = store.error().as_raw();
        if !preverified {
            if NAME_MISMATCH.contains(&code) {
                found.hostname_matched = Some(false);
                // Chain errors were reported at greater depths first, so this keeps them.
                found.trusted.get_or_insert(true);
            } else {
                found.trusted = Some(false);
            }
            if found.error.is_none() {
                found.error = Some(store.error().error_string().to_string());
            }
        }
        if preverified && store.error_depth() == 0 {
            found.trusted.get_or_insert(true);
            found.hostname_matched.get_or_insert(true);
        }
        preverified || insecure
    });
    let context = builder.build();
    let mut ssl = openssl::ssl::Ssl::new(&context).map_err(|e| refused("a connection", e))?;
    let host = parts
        .verify_host
        .trim_start_matches('[')
        .trim_end_matches(']');
    match host.parse::<IpAddr>() {
        Ok(ip) => ssl.param_mut().set_ip(ip),
        Err(_) => ssl.param_mut().set_host(host),
    }
    .map_err(|e| refused("the host name to verify", e))?;
    if let Some(sni) = parts.sni {
        ssl.set_hostname(sni)
            .map_err(|e| refused("the SNI name", e))?;
    }
    Ok(ssl)
}

/// OpenSSL says `TLSv1` for TLS 1.0; everything else already reads `TLSv1.2`.
pub fn normalise_version(text: &str) -> String {
    match text {
        "TLSv1" => "TLSv1.0".to_string(),
        other => other.to_string(),
    }
}

/// The reasons in an OpenSSL error, without the numeric prefixes: "no shared cipher".
pub fn describe_error(err: &openssl::ssl::Error) -> String {
    if let Some(stack) = err.ssl_error() {
        let reasons: Vec<String> = stack
            .errors()
            .iter()
            .map(|e| e.reason().unwrap_or("unknown error").to_string())
            .collect();
        if !reasons.is_empty() {
            return format!("OpenSSL: {}", reasons.join("; "));
        }
    }
    if let Some(io) = err.io_error() {
        return super::rustls::describe_io_error(io);
    }
    match err.code() {
        openssl::ssl::ErrorCode::SYSCALL | openssl::ssl::ErrorCode::ZERO_RETURN => {
            "peer closed the connection during the handshake".to_string()
        }
        code => format!("OpenSSL error code {}", code.as_raw()),
    }
}

/// The alert named in an OpenSSL reason string ("sslv3 alert handshake failure").
pub fn alert_in_openssl_reason(reason: &str) -> Option<AlertDescription> {
    let lower = reason.to_ascii_lowercase();
    let (_, name) = lower.split_once(" alert ")?;
    let name = name.split(';').next()?.trim();
    AlertDescription::from_name(name).or(match name {
        "bad certificate" => Some(AlertDescription(42)),
        _ => None,
    })
}

/// What a finished OpenSSL handshake agreed on.
pub fn negotiated(ssl: &openssl::ssl::SslRef) -> super::Negotiated {
    let mut peer_chain: Vec<Vec<u8>> = ssl
        .peer_cert_chain()
        .map(|chain| chain.iter().filter_map(|c| c.to_der().ok()).collect())
        .unwrap_or_default();
    // A server's view of the client chain leaves the client's own certificate out.
    if let Some(leaf) = ssl.peer_certificate().and_then(|c| c.to_der().ok()) {
        if peer_chain.first() != Some(&leaf) {
            peer_chain.insert(0, leaf);
        }
    }
    super::Negotiated {
        protocol: normalise_version(ssl.version_str()),
        suite: ssl
            .current_cipher()
            .map(|c| CipherSuite(u16::from_be_bytes(c.protocol_id())))
            .unwrap_or(CipherSuite(0)),
        alpn: ssl
            .selected_alpn_protocol()
            .map(|p| String::from_utf8_lossy(p).into_owned()),
        peer_chain,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alerts_are_read_from_openssl_reasons() {
        assert_eq!(
            alert_in_openssl_reason("sslv3 alert handshake failure"),
            Some(AlertDescription(40))
        );
        assert_eq!(
            alert_in_openssl_reason("tlsv13 alert certificate required"),
            Some(AlertDescription(116))
        );
        assert_eq!(
            alert_in_openssl_reason("tlsv1 alert protocol version"),
            Some(AlertDescription(70))
        );
        assert_eq!(alert_in_openssl_reason("no shared cipher"), None);
    }
}
