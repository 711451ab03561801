//! `tlslab`: a TLS interop lab.
//!
//! Data flows one way: command-line text is resolved into checked settings ([`settings`]),
//! engines ([`server`], [`client`], [`demo`]) run them against real TLS stacks
//! ([`backend`]: rustls and OpenSSL), and return typed, serialisable results that [`report`]
//! renders as text. Failures of a peer are data ([`error::Failure`]); only misuse of tlslab
//! itself is an [`error::UsageError`].
#![deny(unsafe_code)]
#![warn(missing_docs)]

pub mod backend;
pub mod certs;
pub mod client;
pub mod compare;
pub mod demo;
pub mod diagnose;
pub mod error;
pub mod facts;
pub mod observe;
pub mod pki;
pub mod profiles;
pub mod report;
pub mod scan;
pub mod server;
pub mod settings;

pub use error::{Failure, FailureKind, UsageError};
