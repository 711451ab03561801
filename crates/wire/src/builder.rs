//! Building ClientHellos that can say anything: any legacy version, any list of suite code
//! points (assigned, unassigned, SCSVs, GREASE), and the extensions a scanner needs, with
//! real or empty key shares.
//!
//! The builder only encodes bytes; it never checks that what it is told makes sense, because
//! a scanner must be able to send what a careful client never would.

use crate::codec::extension_type;
use crate::codepoints::{CipherSuite, NamedGroup, ProtocolVersion, SignatureScheme};

/// Appends a big-endian `u16`.
fn put_u16(out: &mut Vec<u8>, value: u16) {
    out.extend_from_slice(&value.to_be_bytes());
}

/// Appends `body` with a length prefix of `width` bytes (1, 2 or 3). Bodies longer than the
/// prefix can say are truncated to fit: the builder never panics.
fn put_vec(out: &mut Vec<u8>, width: usize, body: &[u8]) {
    let max = (1usize << (8 * width)) - 1;
    let body = &body[..body.len().min(max)];
    let len = body.len().to_be_bytes();
    out.extend_from_slice(&len[len.len() - width..]);
    out.extend_from_slice(body);
}

fn u16_list(values: impl IntoIterator<Item = u16>) -> Vec<u8> {
    let mut out = Vec::new();
    for value in values {
        put_u16(&mut out, value);
    }
    out
}

/// A ClientHello under construction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientHelloBuilder {
    /// Version in the record header (0x0301 is what most clients send).
    pub record_version: ProtocolVersion,
    /// legacy_version in the hello.
    pub legacy_version: ProtocolVersion,
    /// client random.
    pub random: [u8; 32],
    /// legacy_session_id (32 bytes makes middleboxes treat TLS 1.3 like a resumption).
    pub session_id: Vec<u8>,
    /// Cipher suites, in order, exactly as given.
    pub cipher_suites: Vec<CipherSuite>,
    /// Compression methods.
    pub compression_methods: Vec<u8>,
    /// Extensions, in order, as (type, body).
    pub extensions: Vec<(u16, Vec<u8>)>,
}

impl ClientHelloBuilder {
    /// A hello with `legacy_version`, no suites and no extensions.
    pub fn new(legacy_version: ProtocolVersion) -> Self {
        let mut random = [0u8; 32];
        // Not secret: the hello is never completed. Vary it so two probes never look alike.
        for (i, byte) in random.iter_mut().enumerate() {
            *byte = (i as u8).wrapping_mul(37) ^ 0x5a;
        }
        Self {
            record_version: ProtocolVersion::TLSV1_0,
            legacy_version,
            random,
            session_id: vec![0x42; 32],
            cipher_suites: Vec::new(),
            compression_methods: vec![0],
            extensions: Vec::new(),
        }
    }

    /// Sets the cipher suites.
    pub fn cipher_suites(mut self, suites: impl IntoIterator<Item = CipherSuite>) -> Self {
        self.cipher_suites = suites.into_iter().collect();
        self
    }

    /// Sets the client random.
    pub fn random(mut self, random: [u8; 32]) -> Self {
        self.random = random;
        self
    }

    /// Adds any extension.
    pub fn extension(mut self, kind: u16, body: Vec<u8>) -> Self {
        self.extensions.push((kind, body));
        self
    }

    /// server_name with one host name.
    pub fn server_name(self, host: &str) -> Self {
        let mut entry = vec![0u8];
        put_vec(&mut entry, 2, host.as_bytes());
        let mut list = Vec::new();
        put_vec(&mut list, 2, &entry);
        self.extension(extension_type::SERVER_NAME, list)
    }

    /// supported_groups.
    pub fn supported_groups(self, groups: &[NamedGroup]) -> Self {
        let mut body = Vec::new();
        put_vec(&mut body, 2, &u16_list(groups.iter().map(|g| g.0)));
        self.extension(extension_type::SUPPORTED_GROUPS, body)
    }

    /// ec_point_formats: uncompressed only.
    pub fn ec_point_formats(self) -> Self {
        self.extension(extension_type::EC_POINT_FORMATS, vec![1, 0])
    }

    /// signature_algorithms.
    pub fn signature_algorithms(self, schemes: &[SignatureScheme]) -> Self {
        let mut body = Vec::new();
        put_vec(&mut body, 2, &u16_list(schemes.iter().map(|s| s.0)));
        self.extension(extension_type::SIGNATURE_ALGORITHMS, body)
    }

    /// supported_versions (TLS 1.3 style).
    pub fn supported_versions(self, versions: &[ProtocolVersion]) -> Self {
        let mut body = Vec::new();
        put_vec(&mut body, 1, &u16_list(versions.iter().map(|v| v.0)));
        self.extension(extension_type::SUPPORTED_VERSIONS, body)
    }

    /// key_share with the given shares; an empty slice sends an empty list, which makes a
    /// TLS 1.3 server answer with a HelloRetryRequest naming its group.
    pub fn key_share(self, shares: &[(NamedGroup, Vec<u8>)]) -> Self {
        let mut list = Vec::new();
        for (group, key) in shares {
            put_u16(&mut list, group.0);
            put_vec(&mut list, 2, key);
        }
        let mut body = Vec::new();
        put_vec(&mut body, 2, &list);
        self.extension(extension_type::KEY_SHARE, body)
    }

    /// psk_key_exchange_modes: psk_dhe_ke (some servers want it with TLS 1.3).
    pub fn psk_key_exchange_modes(self) -> Self {
        self.extension(0x002d, vec![1, 1])
    }

    /// application_layer_protocol_negotiation.
    pub fn alpn(self, protocols: &[&str]) -> Self {
        let mut list = Vec::new();
        for proto in protocols {
            put_vec(&mut list, 1, proto.as_bytes());
        }
        let mut body = Vec::new();
        put_vec(&mut body, 2, &list);
        self.extension(extension_type::ALPN, body)
    }

    /// renegotiation_info, empty (initial handshake).
    pub fn renegotiation_info(self) -> Self {
        self.extension(extension_type::RENEGOTIATION_INFO, vec![0])
    }

    /// extended_master_secret.
    pub fn extended_master_secret(self) -> Self {
        self.extension(extension_type::EXTENDED_MASTER_SECRET, Vec::new())
    }

    /// session_ticket, empty (asks for a ticket).
    pub fn session_ticket(self) -> Self {
        self.extension(extension_type::SESSION_TICKET, Vec::new())
    }

    /// The ClientHello body (after the handshake header).
    pub fn body(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(256 + 2 * self.cipher_suites.len());
        put_u16(&mut out, self.legacy_version.0);
        out.extend_from_slice(&self.random);
        put_vec(&mut out, 1, &self.session_id);
        // A 16-bit length holds at most 32767 suites; more are cut, never half a suite.
        put_vec(
            &mut out,
            2,
            &u16_list(self.cipher_suites.iter().take(32767).map(|s| s.0)),
        );
        put_vec(&mut out, 1, &self.compression_methods);
        if !self.extensions.is_empty() {
            let mut extensions = Vec::new();
            for (kind, body) in &self.extensions {
                put_u16(&mut extensions, *kind);
                put_vec(&mut extensions, 2, body);
            }
            put_vec(&mut out, 2, &extensions);
        }
        out
    }

    /// The handshake message: type, 24-bit length, body.
    pub fn handshake(&self) -> Vec<u8> {
        let mut out = vec![crate::codec::handshake_type::CLIENT_HELLO];
        put_vec(&mut out, 3, &self.body());
        out
    }

    /// The handshake message in TLS records, fragmented at 16 KiB.
    pub fn records(&self) -> Vec<u8> {
        let message = self.handshake();
        let mut out = Vec::with_capacity(message.len() + 5);
        for fragment in message.chunks(16384) {
            out.push(crate::codec::content_type::HANDSHAKE);
            put_u16(&mut out, self.record_version.0);
            put_vec(&mut out, 2, fragment);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::{split_handshakes, split_records, ClientHello};

    #[test]
    fn what_is_built_reads_back() {
        let hello = ClientHelloBuilder::new(ProtocolVersion::TLSV1_2)
            .cipher_suites([
                CipherSuite(0xC02F),
                CipherSuite(0x2A2A),
                CipherSuite(0xFEFE),
                CipherSuite(0x00FF),
            ])
            .server_name("localhost")
            .supported_groups(&[NamedGroup(0x001D), NamedGroup(0x0017)])
            .ec_point_formats()
            .signature_algorithms(&[SignatureScheme(0x0804), SignatureScheme(0x0403)])
            .supported_versions(&[ProtocolVersion::TLSV1_3, ProtocolVersion::TLSV1_2])
            .key_share(&[])
            .alpn(&["h2", "http/1.1"])
            .extended_master_secret()
            .session_ticket()
            .renegotiation_info();
        let bytes = hello.records();
        let (records, used) = split_records(&bytes).unwrap();
        assert_eq!(used, bytes.len());
        let messages = split_handshakes(records[0].fragment);
        let parsed = ClientHello::read(messages[0].1).unwrap();
        assert_eq!(parsed.cipher_suites, hello.cipher_suites);
        assert_eq!(parsed.server_name.as_deref(), Some("localhost"));
        assert_eq!(parsed.groups, vec![NamedGroup(0x001D), NamedGroup(0x0017)]);
        assert_eq!(parsed.signature_schemes.len(), 2);
        assert_eq!(
            parsed.supported_versions,
            vec![ProtocolVersion::TLSV1_3, ProtocolVersion::TLSV1_2]
        );
        assert!(parsed.key_share_groups.is_empty());
        assert_eq!(parsed.alpn, vec!["h2", "http/1.1"]);
        assert_eq!(parsed.extensions.len(), 10);
    }

    #[test]
    fn huge_hellos_are_fragmented_into_records() {
        let suites = (0..40000u16).map(CipherSuite);
        let hello = ClientHelloBuilder::new(ProtocolVersion::TLSV1_2).cipher_suites(suites);
        let bytes = hello.records();
        let (records, used) = split_records(&bytes).unwrap();
        assert_eq!(used, bytes.len());
        assert!(records.len() >= 2);
        let joined: Vec<u8> = records.iter().flat_map(|r| r.fragment.to_vec()).collect();
        let parsed = ClientHello::read(split_handshakes(&joined)[0].1).unwrap();
        // 40000 suites do not fit a 16-bit length: the list is cut, not a panic.
        assert_eq!(parsed.cipher_suites.len(), 32767);
    }
}
