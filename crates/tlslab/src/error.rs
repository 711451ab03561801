//! Errors, sorted by who is at fault.
//!
//! A [`UsageError`] is the local user's to fix (bad flag, missing file, port in use): the CLI
//! prints it on one line and exits 2. A [`Failure`] is what happened with a peer — refused,
//! timed out, incompatible, misbehaving, untrusted — and is carried as data inside results.

use std::fmt;

use serde::Serialize;
use tlslab_wire::AlertDescription;

/// Something the user asked for that cannot be done as asked: one line, what and how to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError {
    /// What is wrong.
    pub what: String,
    /// How to fix it.
    pub fix: String,
}

impl UsageError {
    /// A usage error with its fix.
    pub fn new(what: impl Into<String>, fix: impl Into<String>) -> Self {
        Self {
            what: what.into(),
            fix: fix.into(),
        }
    }
}

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.fix.is_empty() {
            f.write_str(&self.what)
        } else {
            write!(f, "{} — {}", self.what, self.fix)
        }
    }
}

impl std::error::Error for UsageError {}

impl From<tlslab_wire::registry::UnknownName> for UsageError {
    fn from(err: tlslab_wire::registry::UnknownName) -> Self {
        let fix = match err.what {
            "cipher suite" => "`tlslab suites` lists every name tlslab knows",
            "signature scheme" => "`tlslab suites --sigalgs` lists every scheme tlslab knows",
            _ => "`tlslab suites --groups` lists every group tlslab knows",
        };
        Self::new(err.to_string(), fix)
    }
}

/// Who is at fault when a connection does not work out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum FailureKind {
    /// Nothing listens on the port.
    ConnectionRefused,
    /// The peer did not answer in time.
    Timeout,
    /// Name resolution or another network error.
    Network,
    /// The peer speaks TLS but shares no parameters with us (suite, group, version…).
    PeerIncompatible,
    /// The peer broke the protocol (unexpected message, bad record…).
    PeerMisbehaved,
    /// The peer closed the connection without an alert.
    PeerClosed,
    /// The peer does not speak TLS at all.
    NotTls,
    /// The peer's certificate was refused (untrusted, expired, wrong name…), or ours was.
    Certificate,
    /// Our own configuration could not be applied.
    Local,
    /// TLS worked; the HTTP exchange on top of it did not.
    Http,
}

/// An alert with its code and name, as reported in JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AlertInfo {
    /// The alert description byte, e.g. 40.
    pub code: u8,
    /// Its IANA name, e.g. `handshake_failure`.
    pub name: String,
    /// True for a fatal alert (level 2). Not in JSON: the contract is `{code, name}`.
    #[serde(skip)]
    pub fatal: bool,
}

impl AlertInfo {
    /// From an alert description.
    pub fn new(description: AlertDescription, fatal: bool) -> Self {
        Self {
            code: description.0,
            name: description.to_string(),
            fatal,
        }
    }
}

impl fmt::Display for AlertInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name, self.code)
    }
}

/// A failed connection, as data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    /// Who is at fault.
    pub kind: FailureKind,
    /// The alert that ended the handshake, if one was seen.
    pub alert: Option<AlertInfo>,
    /// Which side sent that alert: `server` or `client`.
    pub alert_from: Option<&'static str>,
    /// What the TLS library said, in its own words.
    pub message: String,
}

impl Failure {
    /// A failure without an alert.
    pub fn new(kind: FailureKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            alert: None,
            alert_from: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.alert, self.alert_from) {
            (Some(alert), Some(from)) => {
                write!(f, "{from} sent fatal alert {alert}: {}", self.message)
            }
            (Some(alert), None) => write!(f, "alert {alert}: {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}
