//! `tlslab-wire`: what the TLS wire can say, with no I/O.
//!
//! - [`codepoints`]: newtypes for every numbered thing on the wire (cipher suites, versions,
//!   groups, signature schemes, alerts). They never fail to parse: unknown and GREASE values are
//!   kept with their bytes and printed in hex.
//! - [`registry`]: the committed tables behind those names (IANA, OpenSSL, GnuTLS and NSS names
//!   for every assigned suite) and the resolver that turns any naming style back into a code.
//! - [`codec`]: a reader for TLS records and the handshake messages tlslab observes.
//! - [`builder`]: ClientHellos that can say anything, for scanning.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod builder;
pub mod codec;
pub mod codepoints;
pub mod registry;

pub use codepoints::{AlertDescription, CipherSuite, NamedGroup, ProtocolVersion, SignatureScheme};
pub use registry::{GroupInfo, GroupKind, SuiteInfo};
