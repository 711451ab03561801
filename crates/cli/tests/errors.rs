//! Bad input: one clear line, exit status 2, nothing touched.

use std::net::TcpListener;

use crate::util::{run, Pki};

fn assert_usage_error(args: &[&str], expected: &[&str]) {
    let (code, stdout, stderr) = run(args);
    assert_eq!(code, 2, "{args:?}: {stdout}{stderr}");
    let line = stderr.trim();
    assert_eq!(
        line.lines().count(),
        1,
        "{args:?}: one line please: {stderr}"
    );
    for part in expected {
        assert!(line.contains(part), "{args:?}: {line:?} lacks {part:?}");
    }
}

#[test]
fn unknown_suite_names_list_the_closest_matches() {
    assert_usage_error(
        &[
            "connect",
            "localhost:1",
            "--ciphers",
            "ECDHE-RSA-AES128-GCM-SHA265",
        ],
        &[
            "unknown cipher suite",
            "did you mean ECDHE-RSA-AES128-GCM-SHA256",
        ],
    );
    assert_usage_error(
        &["connect", "localhost:1", "--groups", "x25518"],
        &["unknown group", "x25519"],
    );
}

#[test]
fn a_suite_the_backend_cannot_do_names_the_backend_that_can() {
    let pki = Pki::new();
    assert_usage_error(
        &[
            "serve",
            "--dir",
            &pki.arg(""),
            "--backend",
            "rustls",
            "--ciphers",
            "DHE-RSA-AES128-GCM-SHA256",
        ],
        &["rustls", "--backend openssl"],
    );
    assert_usage_error(
        &[
            "serve",
            "--dir",
            &pki.arg(""),
            "--backend",
            "rustls",
            "--tls",
            "1.0",
        ],
        &["rustls", "--backend openssl"],
    );
    assert_usage_error(
        &[
            "serve",
            "--dir",
            &pki.arg(""),
            "--backend",
            "rustls",
            "--groups",
            "none",
        ],
        &["rustls", "--backend openssl"],
    );
}

#[test]
fn missing_certificate_files_say_how_to_get_them() {
    let empty = tempfile::tempdir().unwrap();
    assert_usage_error(
        &["serve", "--dir", empty.path().to_str().unwrap()],
        &["srv.crt", "tlslab pki init"],
    );
    assert_usage_error(
        &["connect", "localhost:1", "--cacert", "/nonexistent/ca.crt"],
        &["ca.crt"],
    );
}

#[test]
fn a_port_in_use_is_refused() {
    let pki = Pki::new();
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    assert_usage_error(
        &["serve", "--dir", &pki.arg(""), "--port", &port],
        &["cannot listen", "--port"],
    );
}

#[test]
fn bad_values_are_refused() {
    let pki = Pki::new();
    assert_usage_error(
        &["connect", "localhost:1", "--tls", "1.4"],
        &["invalid TLS version"],
    );
    assert_usage_error(&["connect", "http://localhost:80"], &["https://"]);
    assert_usage_error(&["connect", "localhost:99999"], &["port"]);
    assert_usage_error(
        &["connect", "localhost:1", "--backend", "gnutls"],
        &["unknown backend"],
    );
    assert_usage_error(
        &["serve", "--dir", &pki.arg(""), "--profile", "nope"],
        &["legacy-no-ecdh"],
    );
    assert_usage_error(
        &[
            "serve",
            "--dir",
            &pki.arg(""),
            "--profile",
            "legacy-no-ecdh",
            "--groups",
            "x25519",
        ],
        &["fixes --groups"],
    );
    assert_usage_error(
        &["serve", "--dir", &pki.arg(""), "--client-auth", "maybe"],
        &["client-auth"],
    );
    assert_usage_error(
        &["serve", "--dir", &pki.arg(""), "--bind", "localhost"],
        &["--bind"],
    );
    assert_usage_error(&["pki", "init", "--key", "dsa"], &["unknown key type"]);
    assert_usage_error(&["pki", "show", &pki.arg("srv.key")], &["private key"]);
    assert_usage_error(
        &[
            "serve",
            "--dir",
            &pki.arg(""),
            "--cert",
            &pki.arg("srv.crt"),
            "--key",
            &pki.arg("dev.key"),
            "--backend",
            "openssl",
        ],
        &["does not belong"],
    );
}
