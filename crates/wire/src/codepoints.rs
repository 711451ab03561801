//! Code-point newtypes: a `u16` (or `u8`) with a name when the registry has one.
//!
//! Parsing a code point from the wire can never fail; naming it is a lookup that may come back
//! empty, in which case `Display` prints the hex value (and says GREASE where RFC 8701 applies).

use std::fmt;

use serde::{Serialize, Serializer};

use crate::registry;

/// True for the RFC 8701 GREASE values `0x?A?A` with both bytes equal.
pub fn is_grease(value: u16) -> bool {
    value & 0x0f0f == 0x0a0a && (value >> 8) == (value & 0xff)
}

macro_rules! u16_codepoint {
    ($(#[$meta:meta])* $name:ident, $lookup:path) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub u16);

        impl $name {
            /// The registered name, if any.
            pub fn name(self) -> Option<&'static str> {
                $lookup(self.0)
            }

            /// `0xC02F` style hex, the form used in JSON output.
            pub fn hex(self) -> String {
                format!("0x{:04X}", self.0)
            }

            /// True for an RFC 8701 GREASE value.
            pub fn is_grease(self) -> bool {
                is_grease(self.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.name() {
                    Some(name) => f.write_str(name),
                    None if self.is_grease() => write!(f, "GREASE({})", self.hex()),
                    None => f.write_str(&self.hex()),
                }
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self)
            }
        }

        impl From<u16> for $name {
            fn from(value: u16) -> Self {
                Self(value)
            }
        }

        impl From<$name> for u16 {
            fn from(value: $name) -> u16 {
                value.0
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }
    };
}

u16_codepoint!(
    /// A cipher suite code point, e.g. `CipherSuite(0xC02F)`.
    CipherSuite,
    registry::suite_iana_name
);
u16_codepoint!(
    /// A named group (formerly "elliptic curve") code point, e.g. `NamedGroup(0x001D)` (x25519).
    NamedGroup,
    registry::group_name
);
u16_codepoint!(
    /// A signature scheme (or TLS 1.2 hash/signature pair), e.g. `0x0804` rsa_pss_rsae_sha256.
    SignatureScheme,
    registry::signature_scheme_name
);
u16_codepoint!(
    /// A protocol version as it appears on the wire, e.g. `0x0303` for TLS 1.2.
    ProtocolVersion,
    registry::version_name
);

impl ProtocolVersion {
    /// SSL 2.0 (only ever seen in SSLv2-compatible hellos).
    pub const SSLV2: Self = Self(0x0002);
    /// SSL 3.0.
    pub const SSLV3: Self = Self(0x0300);
    /// TLS 1.0.
    pub const TLSV1_0: Self = Self(0x0301);
    /// TLS 1.1.
    pub const TLSV1_1: Self = Self(0x0302);
    /// TLS 1.2.
    pub const TLSV1_2: Self = Self(0x0303);
    /// TLS 1.3.
    pub const TLSV1_3: Self = Self(0x0304);

    /// The versions tlslab can speak or scan, oldest first.
    pub const KNOWN: [Self; 5] = [
        Self::SSLV3,
        Self::TLSV1_0,
        Self::TLSV1_1,
        Self::TLSV1_2,
        Self::TLSV1_3,
    ];

    /// Parses `1.2`, `TLSv1.2`, `tls1.2`, `TLS 1.2`, `tls12`, `ssl3`, `0x0303`.
    pub fn from_name(text: &str) -> Option<Self> {
        let lowered = text.trim().to_ascii_lowercase().replace([' ', '_'], "");
        let bare = lowered
            .strip_prefix("tlsv")
            .or_else(|| lowered.strip_prefix("tls"))
            .unwrap_or(&lowered);
        match bare {
            "1.0" | "1" | "10" => Some(Self::TLSV1_0),
            "1.1" | "11" => Some(Self::TLSV1_1),
            "1.2" | "12" => Some(Self::TLSV1_2),
            "1.3" | "13" => Some(Self::TLSV1_3),
            "sslv3" | "ssl3" | "ssl3.0" | "sslv3.0" | "3" | "3.0" => Some(Self::SSLV3),
            "sslv2" | "ssl2" => Some(Self::SSLV2),
            hex if hex.starts_with("0x") => u16::from_str_radix(&hex[2..], 16).ok().map(Self),
            _ => None,
        }
    }
}

/// An alert description byte, e.g. `AlertDescription(40)` (handshake_failure).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AlertDescription(pub u8);

impl AlertDescription {
    /// handshake_failure (40): what most stacks send for "no shared cipher".
    pub const HANDSHAKE_FAILURE: Self = Self(40);

    /// The registered name, if any.
    pub fn name(self) -> Option<&'static str> {
        registry::alert_name(self.0)
    }

    /// Finds an alert by its IANA name (`handshake_failure`) or the spaced form OpenSSL
    /// prints in error strings (`handshake failure`).
    pub fn from_name(text: &str) -> Option<Self> {
        let wanted = text.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        registry::alert_by_name(&wanted).map(Self)
    }
}

impl fmt::Display for AlertDescription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "alert_{}", self.0),
        }
    }
}

impl fmt::Debug for AlertDescription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AlertDescription({} {})", self.0, self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grease_values_are_recognised() {
        assert!(is_grease(0x0a0a));
        assert!(is_grease(0xfafa));
        assert!(!is_grease(0x0a1a));
        assert!(!is_grease(0xc02f));
        assert_eq!(CipherSuite(0x2a2a).to_string(), "GREASE(0x2A2A)");
    }

    #[test]
    fn unknown_code_points_print_in_hex() {
        assert_eq!(CipherSuite(0xfe00).to_string(), "0xFE00");
        assert_eq!(NamedGroup(0x7777).hex(), "0x7777");
    }

    #[test]
    fn versions_parse_in_every_style() {
        for text in ["1.2", "TLSv1.2", "tls1.2", "TLS 1.2", "tls12", "0x0303"] {
            assert_eq!(
                ProtocolVersion::from_name(text),
                Some(ProtocolVersion::TLSV1_2),
                "{text}"
            );
        }
        assert_eq!(
            ProtocolVersion::from_name("ssl3"),
            Some(ProtocolVersion::SSLV3)
        );
        assert_eq!(ProtocolVersion::from_name("1.4"), None);
        assert_eq!(ProtocolVersion::TLSV1_3.to_string(), "TLSv1.3");
    }
}
