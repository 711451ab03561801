//! Reading TLS records and the handshake messages tlslab observes.
//!
//! Everything here works on byte slices and never panics: truncated or malformed input is a
//! [`DecodeError`], and values the registries do not know are kept as they came.

use std::fmt;

use crate::codepoints::{
    AlertDescription, CipherSuite, NamedGroup, ProtocolVersion, SignatureScheme,
};

/// Why some bytes could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeError {
    /// The input ended inside the named field.
    Truncated(&'static str),
    /// The named field has a value that cannot be right (bad length, wrong type…).
    Invalid(&'static str),
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Truncated(field) => write!(f, "truncated {field}"),
            Self::Invalid(field) => write!(f, "invalid {field}"),
        }
    }
}

impl std::error::Error for DecodeError {}

/// A cursor over a byte slice.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// Starts reading at the beginning of `buf`.
    pub fn new(buf: &'a [u8]) -> Self {
        Self { buf, pos: 0 }
    }

    /// Bytes not read yet.
    pub fn rest(&self) -> &'a [u8] {
        &self.buf[self.pos..]
    }

    /// True when everything has been read.
    pub fn is_empty(&self) -> bool {
        self.pos >= self.buf.len()
    }

    /// Takes `n` bytes.
    pub fn take(&mut self, n: usize, field: &'static str) -> Result<&'a [u8], DecodeError> {
        let end = self
            .pos
            .checked_add(n)
            .ok_or(DecodeError::Truncated(field))?;
        let bytes = self
            .buf
            .get(self.pos..end)
            .ok_or(DecodeError::Truncated(field))?;
        self.pos = end;
        Ok(bytes)
    }

    /// Reads one byte.
    pub fn u8(&mut self, field: &'static str) -> Result<u8, DecodeError> {
        Ok(self.take(1, field)?[0])
    }

    /// Reads a big-endian `u16`.
    pub fn u16(&mut self, field: &'static str) -> Result<u16, DecodeError> {
        let b = self.take(2, field)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    /// Reads a big-endian 24-bit length.
    pub fn u24(&mut self, field: &'static str) -> Result<usize, DecodeError> {
        let b = self.take(3, field)?;
        Ok(usize::from(b[0]) << 16 | usize::from(b[1]) << 8 | usize::from(b[2]))
    }

    /// Reads a vector with a one-byte length prefix.
    pub fn vec8(&mut self, field: &'static str) -> Result<&'a [u8], DecodeError> {
        let len = self.u8(field)?;
        self.take(usize::from(len), field)
    }

    /// Reads a vector with a two-byte length prefix.
    pub fn vec16(&mut self, field: &'static str) -> Result<&'a [u8], DecodeError> {
        let len = self.u16(field)?;
        self.take(usize::from(len), field)
    }

    /// Reads a vector with a three-byte length prefix.
    pub fn vec24(&mut self, field: &'static str) -> Result<&'a [u8], DecodeError> {
        let len = self.u24(field)?;
        self.take(len, field)
    }
}

/// Reads a list of `u16` values (an even-length byte vector).
fn u16_list(bytes: &[u8], field: &'static str) -> Result<Vec<u16>, DecodeError> {
    if bytes.len() % 2 != 0 {
        return Err(DecodeError::Invalid(field));
    }
    Ok(bytes
        .chunks_exact(2)
        .map(|c| u16::from_be_bytes([c[0], c[1]]))
        .collect())
}

/// TLS record content types.
pub mod content_type {
    /// change_cipher_spec
    pub const CHANGE_CIPHER_SPEC: u8 = 0x14;
    /// alert
    pub const ALERT: u8 = 0x15;
    /// handshake
    pub const HANDSHAKE: u8 = 0x16;
    /// application_data (and every encrypted TLS 1.3 record)
    pub const APPLICATION_DATA: u8 = 0x17;
}

/// Handshake message types.
pub mod handshake_type {
    /// client_hello
    pub const CLIENT_HELLO: u8 = 0x01;
    /// server_hello (also HelloRetryRequest)
    pub const SERVER_HELLO: u8 = 0x02;
    /// certificate
    pub const CERTIFICATE: u8 = 0x0b;
    /// server_key_exchange
    pub const SERVER_KEY_EXCHANGE: u8 = 0x0c;
    /// certificate_request
    pub const CERTIFICATE_REQUEST: u8 = 0x0d;
    /// server_hello_done
    pub const SERVER_HELLO_DONE: u8 = 0x0e;
}

/// Extension types tlslab reads.
pub mod extension_type {
    /// server_name (SNI)
    pub const SERVER_NAME: u16 = 0x0000;
    /// supported_groups
    pub const SUPPORTED_GROUPS: u16 = 0x000a;
    /// ec_point_formats
    pub const EC_POINT_FORMATS: u16 = 0x000b;
    /// signature_algorithms
    pub const SIGNATURE_ALGORITHMS: u16 = 0x000d;
    /// application_layer_protocol_negotiation
    pub const ALPN: u16 = 0x0010;
    /// extended_master_secret
    pub const EXTENDED_MASTER_SECRET: u16 = 0x0017;
    /// session_ticket
    pub const SESSION_TICKET: u16 = 0x0023;
    /// supported_versions
    pub const SUPPORTED_VERSIONS: u16 = 0x002b;
    /// key_share
    pub const KEY_SHARE: u16 = 0x0033;
    /// renegotiation_info
    pub const RENEGOTIATION_INFO: u16 = 0xff01;
}

/// One TLS record (plaintext header; the fragment may be encrypted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record<'a> {
    /// Content type byte.
    pub content_type: u8,
    /// Record-layer version.
    pub version: ProtocolVersion,
    /// The fragment.
    pub fragment: &'a [u8],
}

/// Splits a byte stream into complete records. Returns the records and how many bytes they
/// used; a trailing partial record is left for the caller to complete.
pub fn split_records(stream: &[u8]) -> Result<(Vec<Record<'_>>, usize), DecodeError> {
    let mut reader = Reader::new(stream);
    let mut records = Vec::new();
    let mut used = 0;
    while reader.rest().len() >= 5 {
        let content_type = reader.u8("record type")?;
        if !(0x14..=0x18).contains(&content_type) {
            return Err(DecodeError::Invalid("record type"));
        }
        let version = ProtocolVersion(reader.u16("record version")?);
        let len = usize::from(reader.u16("record length")?);
        if len > 16384 + 2048 {
            return Err(DecodeError::Invalid("record length"));
        }
        if reader.rest().len() < len {
            break;
        }
        let fragment = reader.take(len, "record fragment")?;
        used += 5 + len;
        records.push(Record {
            content_type,
            version,
            fragment,
        });
    }
    Ok((records, used))
}

/// Splits concatenated handshake fragments into `(type, body)` messages. A trailing partial
/// message is ignored.
pub fn split_handshakes(stream: &[u8]) -> Vec<(u8, &[u8])> {
    let mut reader = Reader::new(stream);
    let mut out = Vec::new();
    while let (Ok(kind), Ok(body)) = (reader.u8("handshake type"), reader.vec24("handshake body")) {
        out.push((kind, body));
    }
    out
}

/// An alert record's two bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Alert {
    /// 1 = warning, 2 = fatal.
    pub level: u8,
    /// What went wrong.
    pub description: AlertDescription,
}

impl Alert {
    /// Reads an alert fragment.
    pub fn read(fragment: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(fragment);
        Ok(Self {
            level: r.u8("alert level")?,
            description: AlertDescription(r.u8("alert description")?),
        })
    }
}

/// A raw extension: type and body, kept whatever the type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extension {
    /// Extension type.
    pub kind: u16,
    /// Extension body.
    pub body: Vec<u8>,
}

fn read_extensions(r: &mut Reader<'_>) -> Result<Vec<Extension>, DecodeError> {
    if r.is_empty() {
        return Ok(Vec::new());
    }
    let mut list = Reader::new(r.vec16("extensions")?);
    let mut out = Vec::new();
    while !list.is_empty() {
        let kind = list.u16("extension type")?;
        let body = list.vec16("extension body")?.to_vec();
        out.push(Extension { kind, body });
    }
    Ok(out)
}

/// What a client offered in its ClientHello.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientHello {
    /// legacy_version.
    pub legacy_version: ProtocolVersion,
    /// Cipher suites in the client's order (GREASE and SCSVs included).
    pub cipher_suites: Vec<CipherSuite>,
    /// SNI host name, if sent.
    pub server_name: Option<String>,
    /// supported_groups, in order.
    pub groups: Vec<NamedGroup>,
    /// signature_algorithms, in order.
    pub signature_schemes: Vec<SignatureScheme>,
    /// supported_versions (TLS 1.3 clients), in order.
    pub supported_versions: Vec<ProtocolVersion>,
    /// Groups for which a key share was sent.
    pub key_share_groups: Vec<NamedGroup>,
    /// ALPN protocols, in order.
    pub alpn: Vec<String>,
    /// Every extension, in order, with its body.
    pub extensions: Vec<Extension>,
}

impl ClientHello {
    /// Reads a ClientHello handshake body (after the 4-byte handshake header).
    pub fn read(body: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(body);
        let legacy_version = ProtocolVersion(r.u16("client version")?);
        r.take(32, "client random")?;
        r.vec8("session id")?;
        let cipher_suites = u16_list(r.vec16("cipher suites")?, "cipher suites")?
            .into_iter()
            .map(CipherSuite)
            .collect();
        r.vec8("compression methods")?;
        let extensions = read_extensions(&mut r)?;
        let mut hello = Self {
            legacy_version,
            cipher_suites,
            ..Self::default()
        };
        for ext in &extensions {
            let mut body = Reader::new(&ext.body);
            match ext.kind {
                extension_type::SERVER_NAME => {
                    let mut list = Reader::new(body.vec16("server_name list")?);
                    while !list.is_empty() {
                        let name_type = list.u8("server_name type")?;
                        let name = list.vec16("server_name")?;
                        if name_type == 0 {
                            hello.server_name = Some(String::from_utf8_lossy(name).into_owned());
                        }
                    }
                }
                extension_type::SUPPORTED_GROUPS => {
                    hello.groups = u16_list(body.vec16("supported_groups")?, "supported_groups")?
                        .into_iter()
                        .map(NamedGroup)
                        .collect();
                }
                extension_type::SIGNATURE_ALGORITHMS => {
                    hello.signature_schemes =
                        u16_list(body.vec16("signature_algorithms")?, "signature_algorithms")?
                            .into_iter()
                            .map(SignatureScheme)
                            .collect();
                }
                extension_type::SUPPORTED_VERSIONS => {
                    hello.supported_versions =
                        u16_list(body.vec8("supported_versions")?, "supported_versions")?
                            .into_iter()
                            .map(ProtocolVersion)
                            .collect();
                }
                extension_type::KEY_SHARE => {
                    let mut list = Reader::new(body.vec16("key_share list")?);
                    while !list.is_empty() {
                        hello
                            .key_share_groups
                            .push(NamedGroup(list.u16("key_share group")?));
                        list.vec16("key_exchange")?;
                    }
                }
                extension_type::ALPN => {
                    let mut list = Reader::new(body.vec16("alpn list")?);
                    while !list.is_empty() {
                        let proto = list.vec8("alpn protocol")?;
                        hello.alpn.push(String::from_utf8_lossy(proto).into_owned());
                    }
                }
                _ => {}
            }
        }
        hello.extensions = extensions;
        Ok(hello)
    }

    /// The versions this hello offers: supported_versions when present (GREASE left out),
    /// else legacy_version alone — the highest version the client will take.
    pub fn offered_versions(&self) -> Vec<ProtocolVersion> {
        if !self.supported_versions.is_empty() {
            return self
                .supported_versions
                .iter()
                .copied()
                .filter(|v| !v.is_grease())
                .collect();
        }
        vec![self.legacy_version]
    }
}

/// The special ServerHello.random that marks a HelloRetryRequest (RFC 8446, 4.1.3).
pub const HELLO_RETRY_REQUEST_RANDOM: [u8; 32] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

/// What a server chose in its ServerHello (or HelloRetryRequest).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerHello {
    /// legacy_version.
    pub legacy_version: ProtocolVersion,
    /// The chosen suite.
    pub cipher_suite: CipherSuite,
    /// supported_versions' selected version (TLS 1.3), if present.
    pub selected_version: Option<ProtocolVersion>,
    /// The key_share group (TLS 1.3): the share's group, or the group asked for in an HRR.
    pub key_share_group: Option<NamedGroup>,
    /// The ALPN protocol chosen, if any.
    pub alpn: Option<String>,
    /// True when this is a HelloRetryRequest.
    pub is_retry_request: bool,
    /// Every extension, in order.
    pub extensions: Vec<Extension>,
}

impl ServerHello {
    /// Reads a ServerHello handshake body.
    pub fn read(body: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(body);
        let legacy_version = ProtocolVersion(r.u16("server version")?);
        let random = r.take(32, "server random")?;
        r.vec8("session id")?;
        let cipher_suite = CipherSuite(r.u16("cipher suite")?);
        r.u8("compression method")?;
        let extensions = read_extensions(&mut r)?;
        let is_retry_request = random == HELLO_RETRY_REQUEST_RANDOM;
        let mut hello = Self {
            legacy_version,
            cipher_suite,
            selected_version: None,
            key_share_group: None,
            alpn: None,
            is_retry_request,
            extensions: Vec::new(),
        };
        for ext in &extensions {
            let mut body = Reader::new(&ext.body);
            match ext.kind {
                extension_type::SUPPORTED_VERSIONS => {
                    hello.selected_version = Some(ProtocolVersion(body.u16("selected_version")?));
                }
                extension_type::KEY_SHARE => {
                    hello.key_share_group = Some(NamedGroup(body.u16("key_share group")?));
                }
                extension_type::ALPN => {
                    let mut list = Reader::new(body.vec16("alpn list")?);
                    let proto = list.vec8("alpn protocol")?;
                    hello.alpn = Some(String::from_utf8_lossy(proto).into_owned());
                }
                _ => {}
            }
        }
        hello.extensions = extensions;
        Ok(hello)
    }

    /// The negotiated version: supported_versions when present, else legacy_version.
    pub fn version(&self) -> ProtocolVersion {
        self.selected_version.unwrap_or(self.legacy_version)
    }
}

/// The key-exchange parameters a TLS ≤ 1.2 ServerKeyExchange announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyExchangeParams {
    /// ECDHE over a named curve.
    NamedCurve(NamedGroup),
    /// ECDHE with explicit curve parameters (curve_type 1 or 2).
    ExplicitCurve,
    /// Finite-field DHE with a prime of this many bits.
    Dh {
        /// Size of the prime p in bits.
        prime_bits: u32,
    },
    /// A temporary RSA key (export suites).
    Rsa {
        /// Size of the modulus in bits.
        modulus_bits: u32,
    },
}

fn significant_bits(bytes: &[u8]) -> u32 {
    let leading = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    let significant = &bytes[leading..];
    match significant.first() {
        Some(first) => (significant.len() as u32 - 1) * 8 + (8 - first.leading_zeros()),
        None => 0,
    }
}

impl std::fmt::Display for KeyExchangeParams {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NamedCurve(group) => write!(f, "{group}"),
            Self::ExplicitCurve => f.write_str("explicit curve"),
            Self::Dh { prime_bits } => write!(f, "DH {prime_bits}-bit"),
            Self::Rsa { modulus_bits } => write!(f, "RSA {modulus_bits}-bit"),
        }
    }
}

/// A TLS ≤ 1.2 ServerKeyExchange: the parameters and, when signed in TLS 1.2, the scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerKeyExchange {
    /// Curve, DH group size or RSA key size.
    pub params: KeyExchangeParams,
    /// The signature scheme (TLS 1.2 only; earlier versions do not name it).
    pub signature_scheme: Option<SignatureScheme>,
}

impl ServerKeyExchange {
    /// Reads a ServerKeyExchange body. `kx` is the suite's key exchange as in the registry
    /// (`ECDHE`, `DHE`, `DH`, `ECDHE_PSK`, `RSA_EXPORT`, …); `signed` says whether the suite
    /// authenticates with a certificate (not anon, not PSK).
    pub fn read(
        body: &[u8],
        kx: &str,
        signed: bool,
        version: ProtocolVersion,
    ) -> Result<Self, DecodeError> {
        let mut r = Reader::new(body);
        if kx.ends_with("PSK") {
            r.vec16("psk identity hint")?;
        }
        let params = if kx.starts_with("ECDH") {
            match r.u8("curve type")? {
                3 => {
                    let group = NamedGroup(r.u16("named curve")?);
                    r.vec8("ec point")?;
                    KeyExchangeParams::NamedCurve(group)
                }
                1 | 2 => {
                    return Ok(Self {
                        params: KeyExchangeParams::ExplicitCurve,
                        signature_scheme: None,
                    })
                }
                _ => return Err(DecodeError::Invalid("curve type")),
            }
        } else if kx.starts_with("DH") {
            let p = r.vec16("dh_p")?;
            r.vec16("dh_g")?;
            r.vec16("dh_Ys")?;
            KeyExchangeParams::Dh {
                prime_bits: significant_bits(p),
            }
        } else if kx.starts_with("RSA") {
            let modulus = r.vec16("rsa modulus")?;
            r.vec16("rsa exponent")?;
            KeyExchangeParams::Rsa {
                modulus_bits: significant_bits(modulus),
            }
        } else {
            return Err(DecodeError::Invalid(
                "key exchange without ServerKeyExchange",
            ));
        };
        let signature_scheme = if signed && version >= ProtocolVersion::TLSV1_2 && !r.is_empty() {
            Some(SignatureScheme(r.u16("signature algorithm")?))
        } else {
            None
        };
        Ok(Self {
            params,
            signature_scheme,
        })
    }
}

/// The readable part of one direction of a handshake: the handshake messages and alert sent
/// before encryption began (ChangeCipherSpec in TLS 1.2, the first encrypted record in 1.3).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plaintext {
    /// Handshake messages as `(type, body)`, reassembled across records.
    pub messages: Vec<(u8, Vec<u8>)>,
    /// A plaintext alert, if one was sent.
    pub alert: Option<Alert>,
    /// True once encryption began.
    pub encrypted: bool,
    /// True once an encrypted (application_data) record arrived: in TLS 1.3, proof that
    /// the server went on past its ServerHello.
    pub application_data: bool,
}

impl Plaintext {
    /// Reads whatever complete records `stream` holds.
    pub fn read(stream: &[u8]) -> Result<Self, DecodeError> {
        let (records, _) = split_records(stream)?;
        let mut plaintext = Self::default();
        let mut handshake = Vec::new();
        for record in records {
            match record.content_type {
                content_type::HANDSHAKE if !plaintext.encrypted => {
                    handshake.extend_from_slice(record.fragment)
                }
                content_type::ALERT if record.fragment.len() == 2 => {
                    plaintext.alert = Some(Alert::read(record.fragment)?);
                }
                content_type::CHANGE_CIPHER_SPEC => plaintext.encrypted = true,
                content_type::APPLICATION_DATA => {
                    plaintext.encrypted = true;
                    plaintext.application_data = true;
                    break;
                }
                _ => {}
            }
        }
        plaintext.messages = split_handshakes(&handshake)
            .into_iter()
            .map(|(kind, body)| (kind, body.to_vec()))
            .collect();
        Ok(plaintext)
    }
}

/// What a server sent back to a ClientHello, read until it is complete: a full TLS ≤ 1.2
/// flight (to ServerHelloDone), a TLS 1.3 ServerHello or HelloRetryRequest, or an alert.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerFlight {
    /// The ServerHello or HelloRetryRequest.
    pub server_hello: Option<ServerHello>,
    /// Certificate chain (TLS ≤ 1.2, DER, leaf first).
    pub certificates: Vec<Vec<u8>>,
    /// The raw ServerKeyExchange body (reading it needs the suite: see [`ServerKeyExchange`]).
    pub key_exchange: Option<Vec<u8>>,
    /// True once ServerHelloDone arrived.
    pub hello_done: bool,
    /// An alert, if the server sent one.
    pub alert: Option<Alert>,
    /// True once encrypted records began (TLS 1.3 after the ServerHello).
    pub encrypted: bool,
    /// True once an application_data record arrived (the server went on after its hello).
    pub application_data: bool,
}

impl ServerFlight {
    /// Reads whatever complete records `stream` holds.
    pub fn read(stream: &[u8]) -> Result<Self, DecodeError> {
        let plaintext = Plaintext::read(stream)?;
        let mut flight = Self {
            alert: plaintext.alert,
            encrypted: plaintext.encrypted,
            application_data: plaintext.application_data,
            ..Self::default()
        };
        for (kind, body) in &plaintext.messages {
            match *kind {
                handshake_type::SERVER_HELLO => {
                    flight.server_hello = Some(ServerHello::read(body)?)
                }
                handshake_type::CERTIFICATE => flight.certificates = read_certificate_list(body)?,
                handshake_type::SERVER_KEY_EXCHANGE => flight.key_exchange = Some(body.clone()),
                handshake_type::SERVER_HELLO_DONE => flight.hello_done = true,
                _ => {}
            }
        }
        Ok(flight)
    }

    /// True when nothing more is worth waiting for.
    pub fn is_complete(&self) -> bool {
        if self.alert.is_some() || self.hello_done || self.encrypted {
            return true;
        }
        match &self.server_hello {
            Some(hello) => hello.is_retry_request || hello.version() == ProtocolVersion::TLSV1_3,
            None => false,
        }
    }
}

/// Reads a TLS ≤ 1.2 Certificate message body into DER certificates.
pub fn read_certificate_list(body: &[u8]) -> Result<Vec<Vec<u8>>, DecodeError> {
    let mut list = Reader::new(Reader::new(body).vec24("certificate list")?);
    let mut out = Vec::new();
    while !list.is_empty() {
        out.push(list.vec24("certificate")?.to_vec());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncated_input_is_an_error_not_a_panic() {
        let full = include_bytes!("../testdata/client_hello_openssl.bin");
        for len in 0..full.len() {
            let _ = split_records(&full[..len]);
            let _ = ClientHello::read(&full[..len.min(full.len())]);
            let _ = ServerHello::read(&full[..len]);
        }
    }

    #[test]
    fn an_openssl_client_hello_reads_back() {
        let stream = include_bytes!("../testdata/client_hello_openssl.bin");
        let (records, used) = split_records(stream).unwrap();
        assert_eq!(used, stream.len());
        assert_eq!(records[0].content_type, content_type::HANDSHAKE);
        let messages = split_handshakes(records[0].fragment);
        assert_eq!(messages[0].0, handshake_type::CLIENT_HELLO);
        let hello = ClientHello::read(messages[0].1).unwrap();
        assert_eq!(hello.server_name.as_deref(), Some("localhost"));
        assert!(hello.cipher_suites.contains(&CipherSuite(0xC02F)));
        assert!(hello.cipher_suites.contains(&CipherSuite(0x1301)));
        assert!(hello.groups.contains(&NamedGroup(0x001D)));
        assert!(hello.supported_versions.contains(&ProtocolVersion::TLSV1_3));
        assert_eq!(hello.alpn, vec!["h2".to_string(), "http/1.1".to_string()]);
        assert!(!hello.signature_schemes.is_empty());
    }

    #[test]
    fn dh_prime_size_counts_significant_bits() {
        let mut body = vec![0x01, 0x01, 0x00];
        body.extend([0xff; 256]);
        body.extend([0x00, 0x01, 0x02, 0x00, 0x01, 0x05]);
        assert_eq!(
            ServerKeyExchange::read(&body, "DHE", false, ProtocolVersion::TLSV1_2)
                .map(|s| s.params),
            Ok(KeyExchangeParams::Dh { prime_bits: 2048 })
        );
        assert_eq!(
            ServerKeyExchange::read(
                &[3, 0x00, 0x17, 1, 4],
                "ECDHE",
                false,
                ProtocolVersion::TLSV1_2
            )
            .map(|s| s.params),
            Ok(KeyExchangeParams::NamedCurve(NamedGroup(0x0017)))
        );
    }

    #[test]
    fn alerts_read() {
        assert_eq!(
            Alert::read(&[2, 40]).unwrap(),
            Alert {
                level: 2,
                description: AlertDescription::HANDSHAKE_FAILURE
            }
        );
        assert!(Alert::read(&[2]).is_err());
    }

    fn repack(stream: &[u8], fragment_size: usize) -> Vec<u8> {
        let (records, _) = split_records(stream).unwrap();
        let payload: Vec<u8> = records.iter().flat_map(|r| r.fragment.to_vec()).collect();
        let mut out = Vec::new();
        for piece in payload.chunks(fragment_size) {
            out.extend_from_slice(&[content_type::HANDSHAKE, 0x03, 0x03]);
            out.extend_from_slice(&(piece.len() as u16).to_be_bytes());
            out.extend_from_slice(piece);
        }
        out
    }

    #[test]
    fn a_tls12_server_flight_reads_back_however_it_is_cut() {
        let captured = include_bytes!("../testdata/tls12_server_flight.bin");
        // As captured, all in one record (coalesced), then one message cut across many
        // small records (fragmented).
        for stream in [
            captured.to_vec(),
            repack(captured, 4096),
            repack(captured, 7),
        ] {
            let flight = ServerFlight::read(&stream).unwrap();
            assert!(flight.is_complete());
            assert!(flight.hello_done);
            let hello = flight.server_hello.as_ref().unwrap();
            assert_eq!(hello.version(), ProtocolVersion::TLSV1_2);
            assert_eq!(hello.cipher_suite, CipherSuite(0xC02F));
            assert!(!hello.is_retry_request);
            assert_eq!(flight.certificates.len(), 1);
            let ske = ServerKeyExchange::read(
                flight.key_exchange.as_ref().unwrap(),
                "ECDHE",
                true,
                ProtocolVersion::TLSV1_2,
            )
            .unwrap();
            assert!(matches!(ske.params, KeyExchangeParams::NamedCurve(_)));
            assert!(ske.signature_scheme.is_some());
        }
    }

    #[test]
    fn a_hello_retry_request_names_suite_and_group() {
        let captured = include_bytes!("../testdata/tls13_hello_retry_request.bin");
        let flight = ServerFlight::read(captured).unwrap();
        assert!(flight.is_complete());
        let hello = flight.server_hello.unwrap();
        assert!(hello.is_retry_request);
        assert_eq!(hello.version(), ProtocolVersion::TLSV1_3);
        assert_eq!(hello.key_share_group, Some(NamedGroup(0x0017)));
        assert_eq!(hello.cipher_suite.0 >> 8, 0x13);
    }

    #[test]
    fn an_alert_completes_a_flight() {
        let captured = include_bytes!("../testdata/alert_handshake_failure.bin");
        let flight = ServerFlight::read(captured).unwrap();
        assert!(flight.is_complete());
        assert_eq!(
            flight.alert.unwrap().description,
            AlertDescription::HANDSHAKE_FAILURE
        );
        assert!(flight.server_hello.is_none());
    }

    #[test]
    fn every_prefix_of_every_fixture_is_safe() {
        let fixtures: [&[u8]; 4] = [
            include_bytes!("../testdata/tls12_server_flight.bin"),
            include_bytes!("../testdata/tls13_hello_retry_request.bin"),
            include_bytes!("../testdata/alert_handshake_failure.bin"),
            include_bytes!("../testdata/client_hello_openssl.bin"),
        ];
        for fixture in fixtures {
            for len in 0..=fixture.len() {
                let _ = ServerFlight::read(&fixture[..len]);
                // Flip one byte too: parsers must reject, not panic.
                let mut broken = fixture[..len].to_vec();
                if let Some(byte) = broken.get_mut(len / 2) {
                    *byte ^= 0xff;
                }
                let _ = ServerFlight::read(&broken);
                for (_, body) in split_handshakes(&broken) {
                    let _ = ClientHello::read(body);
                    let _ = ServerHello::read(body);
                    let _ = read_certificate_list(body);
                    let _ =
                        ServerKeyExchange::read(body, "DHE_PSK", true, ProtocolVersion::TLSV1_2);
                }
            }
        }
    }
}
