//! Integration tests for the `tlslab` binary against real peers on loopback.

mod util;

mod compare;
mod connect;
mod demo;
mod diagnose;
mod errors;
mod pki;
mod scan;
mod serve;
mod suites;
