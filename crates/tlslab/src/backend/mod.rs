//! The two TLS stacks behind every tlslab server and client, configured from
//! [`crate::settings::TlsSettings`]. "What the wire can say" lives in `tlslab-wire`; what each
//! backend can negotiate lives here.

pub mod openssl;
pub mod rustls;

use std::sync::{Arc, Mutex};

/// What certificate verification found, filled in by a backend during the handshake.
#[derive(Debug, Clone, Default)]
pub struct VerifyRecord {
    /// The chain the server sent, leaf first (DER).
    pub chain: Vec<Vec<u8>>,
    /// `Some(true)` when the chain leads to a trusted CA.
    pub trusted: Option<bool>,
    /// `Some(true)` when the leaf names the host.
    pub hostname_matched: Option<bool>,
    /// Why verification failed, in words.
    pub error: Option<String>,
}

/// A shared [`VerifyRecord`], written by a verifier callback and read after the handshake.
pub type SharedVerifyRecord = Arc<Mutex<VerifyRecord>>;

/// Locks a record, recovering from a poisoned lock (a panicking verifier must not hide data).
pub fn lock(record: &SharedVerifyRecord) -> std::sync::MutexGuard<'_, VerifyRecord> {
    record
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// What a finished handshake agreed on, read from the backend's connection object.
#[derive(Debug, Clone)]
pub struct Negotiated {
    /// `TLSv1.2` style.
    pub protocol: String,
    /// The suite.
    pub suite: tlslab_wire::CipherSuite,
    /// ALPN protocol agreed.
    pub alpn: Option<String>,
    /// The peer's certificate chain, leaf first (DER).
    pub peer_chain: Vec<Vec<u8>>,
}

/// ALPN protocols in wire form (length-prefixed), as OpenSSL wants them.
pub fn alpn_wire(protocols: &[String]) -> Vec<u8> {
    let mut out = Vec::new();
    for proto in protocols {
        let bytes = proto.as_bytes();
        if let Ok(len) = u8::try_from(bytes.len()) {
            out.push(len);
            out.extend_from_slice(bytes);
        }
    }
    out
}
