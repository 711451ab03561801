//! `tlslab diagnose` and `connect`'s automatic diagnosis: every cause reproduced with a real
//! server, the code and confidence asserted from `connect --json`.

use std::process::Command;

use serde_json::Value;

use crate::util::{
    free_port, pki_with_validity, plain_http, python_peer, require, run_json, s_server, serve,
    wait_for_port, Peer, Pki,
};

/// Runs `connect --json` and returns the report.
fn connect(target: &str, ca: &std::path::Path, extra: &[&str]) -> Value {
    let ca = ca.display().to_string();
    let mut args = vec!["connect", "--json", target, "--cacert", &ca];
    args.extend_from_slice(extra);
    let (_, report, _) = run_json(&args);
    report
}

/// Asserts the first finding's code and confidence, and that evidence and fixes are there.
fn assert_finding(report: &Value, code: &str, confidence: &str) -> Value {
    let finding = report["diagnosis"]
        .as_array()
        .and_then(|list| list.first())
        .unwrap_or_else(|| panic!("no diagnosis for {code}: {report}"))
        .clone();
    assert_eq!(finding["code"], code, "{report}");
    assert_eq!(finding["confidence"], confidence, "{report}");
    assert!(!finding["summary"].as_str().unwrap().is_empty());
    assert!(!finding["fix"]["server"].as_str().unwrap().is_empty());
    assert!(!finding["fix"]["client"].as_str().unwrap().is_empty());
    assert!(
        !finding["evidence"].as_array().unwrap().is_empty(),
        "{finding}"
    );
    assert!(
        report["diagnosis_probes"].as_u64().unwrap() <= 40,
        "bounded: {report}"
    );
    finding
}

const ECDHE_RSA: &str = "ECDHE-RSA-AES128-GCM-SHA256";

#[test]
fn no_ecdhe_groups_on_openssl_and_on_the_legacy_profile() {
    if !require("openssl") {
        return;
    }
    let pki = Pki::with_key("rsa2048");
    let (_server, port) = s_server(pki.dir.path(), &["-groups", "ffdhe2048"]);
    let report = connect(
        &format!("localhost:{port}"),
        &pki.path("ca.crt"),
        &["--ciphers", ECDHE_RSA],
    );
    assert_eq!(report["error"]["alert"]["code"], 40);
    let finding = assert_finding(&report, "no-ecdhe-groups", "certain");
    assert!(
        finding["summary"].as_str().unwrap().contains("ffdhe2048"),
        "TLS 1.3's FFDHE choice is the proof: {finding}"
    );

    let (_b, port, rx) = serve(
        pki.dir.path(),
        &["--profile", "legacy-no-ecdh", "--ciphers", ECDHE_RSA],
    );
    let report = connect(
        &format!("localhost:{port}"),
        &pki.path("ca.crt"),
        &["--ciphers", ECDHE_RSA],
    );
    assert_finding(&report, "no-ecdhe-groups", "certain");
    // The server's own log names the same cause.
    let line = _b.wait_line(&rx, "handshake FAILED");
    assert!(line.contains("[no-ecdhe-groups:"), "{line}");
}

#[test]
fn no_shared_group() {
    if !require("openssl") {
        return;
    }
    let pki = Pki::new();
    let (_server, port) = s_server(pki.dir.path(), &["-groups", "P-384"]);
    let report = connect(
        &format!("localhost:{port}"),
        &pki.path("ca.crt"),
        &["--groups", "x25519"],
    );
    let finding = assert_finding(&report, "no-shared-group", "certain");
    assert!(
        finding["summary"].as_str().unwrap().contains("secp384r1"),
        "names the server's group: {finding}"
    );
}

#[test]
fn no_shared_cipher_suite_lists_what_the_server_takes() {
    if !require("openssl") || !require("python3") {
        return;
    }
    let pki = Pki::with_key("rsa2048");
    let (_server, port) = s_server(pki.dir.path(), &["-cipher", "AES256-SHA"]);
    let report = connect(
        &format!("localhost:{port}"),
        &pki.path("ca.crt"),
        &["--ciphers", ECDHE_RSA],
    );
    let finding = assert_finding(&report, "no-shared-cipher-suite", "certain");
    assert!(
        finding["summary"].as_str().unwrap().contains("AES256-SHA"),
        "{finding}"
    );

    // The same against Python's ssl, pinned to another ECDHE suite.
    let port = free_port();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/peers/https_server.py");
    let mut command = Command::new("python3");
    command.args([
        script,
        &port.to_string(),
        &pki.arg("srv.crt"),
        &pki.arg("srv.key"),
        "ECDHE-RSA-AES256-GCM-SHA384",
    ]);
    let _python = Peer::spawn(&mut command);
    wait_for_port(port);
    let report = connect(
        &format!("localhost:{port}"),
        &pki.path("ca.crt"),
        &["--ciphers", ECDHE_RSA],
    );
    let finding = assert_finding(&report, "no-shared-cipher-suite", "certain");
    assert!(
        finding["summary"]
            .as_str()
            .unwrap()
            .contains("ECDHE-RSA-AES256-GCM-SHA384"),
        "{finding}"
    );
}

#[test]
fn protocol_version_mismatch_with_openssl_and_gnutls() {
    if !require("openssl") || !require("gnutls-serv") {
        return;
    }
    let pki = Pki::new();
    let (_server, port) = s_server(pki.dir.path(), &["-tls1_3"]);
    let report = connect(
        &format!("localhost:{port}"),
        &pki.path("ca.crt"),
        &["--tls", "1.2"],
    );
    assert_finding(&report, "protocol-version-mismatch", "certain");

    let port = free_port();
    let mut command = Command::new("gnutls-serv");
    command
        .args([
            "-p",
            &port.to_string(),
            "--priority",
            "NORMAL:-VERS-ALL:+VERS-TLS1.2",
        ])
        .args([
            "--x509certfile",
            &pki.arg("srv.crt"),
            "--x509keyfile",
            &pki.arg("srv.key"),
        ]);
    let _gnutls = Peer::spawn(&mut command);
    wait_for_port(port);
    let report = connect(
        &format!("localhost:{port}"),
        &pki.path("ca.crt"),
        &["--tls", "1.3"],
    );
    assert_finding(&report, "protocol-version-mismatch", "certain");
}

#[test]
fn certificate_key_type_mismatch() {
    if !require("openssl") {
        return;
    }
    let pki = Pki::new(); // ECDSA P-256 certificate
    let (_server, port) = s_server(pki.dir.path(), &["-tls1_2"]);
    let report = connect(
        &format!("localhost:{port}"),
        &pki.path("ca.crt"),
        &["--ciphers", ECDHE_RSA],
    );
    let finding = assert_finding(&report, "certificate-key-type-mismatch", "certain");
    assert!(
        finding["summary"].as_str().unwrap().contains("EC P-256"),
        "{finding}"
    );
}

#[test]
fn signature_scheme_mismatch() {
    if !require("openssl") {
        return;
    }
    let pki = Pki::with_key("rsa2048");
    let (_server, port) = s_server(pki.dir.path(), &["-tls1_2"]);
    for backend in ["rustls", "openssl"] {
        let report = connect(
            &format!("localhost:{port}"),
            &pki.path("ca.crt"),
            &["--backend", backend, "--sigalgs", "ecdsa_secp256r1_sha256"],
        );
        assert_finding(&report, "signature-scheme-mismatch", "certain");
    }
}

#[test]
fn server_key_too_small() {
    let pki = Pki::with_key("rsa2048");
    let (_server, port, _) = serve(pki.dir.path(), &["--profile", "weak-dh-1024"]);
    // An OpenSSL client at the system's default security level refuses 1024-bit DH.
    let report = connect(
        &format!("localhost:{port}"),
        &pki.path("ca.crt"),
        &["--backend", "openssl"],
    );
    let finding = assert_finding(&report, "server-key-too-small", "certain");
    assert!(
        finding["summary"].as_str().unwrap().contains("1024"),
        "{finding}"
    );
}

#[test]
fn client_certificate_required_in_tls12_and_tls13() {
    if !require("openssl") {
        return;
    }
    let pki = Pki::new();
    for version in ["-tls1_2", "-tls1_3"] {
        let (_server, port) = s_server(
            pki.dir.path(),
            &[version, "-Verify", "1", "-CAfile", &pki.arg("ca.crt")],
        );
        let report = connect(&format!("localhost:{port}"), &pki.path("ca.crt"), &[]);
        assert_finding(&report, "client-certificate-required", "certain");
    }
}

#[test]
fn client_certificate_rejected() {
    if !require("openssl") {
        return;
    }
    let pki = Pki::new();
    let other = Pki::new();
    let (_server, port) = s_server(
        pki.dir.path(),
        &[
            "-Verify",
            "1",
            "-verify_return_error",
            "-CAfile",
            &other.arg("ca.crt"),
        ],
    );
    let (cert, key) = (pki.arg("dev.crt"), pki.arg("dev.key"));
    let report = connect(
        &format!("localhost:{port}"),
        &pki.path("ca.crt"),
        &["--cert", &cert, "--key", &key],
    );
    assert_finding(&report, "client-certificate-rejected", "certain");
}

#[test]
fn server_certificate_problems() {
    if !require("openssl") {
        return;
    }
    let pki = Pki::new();
    let other = Pki::new();
    let (_server, port) = s_server(pki.dir.path(), &[]);
    let report = connect(&format!("localhost:{port}"), &other.path("ca.crt"), &[]);
    assert_finding(&report, "server-certificate-untrusted", "certain");
    // With -k it works, but only by accident: a warning.
    let report = connect(&format!("localhost:{port}"), &other.path("ca.crt"), &["-k"]);
    assert_eq!(report["ok"], true);
    let finding = assert_finding(&report, "server-certificate-untrusted", "certain");
    assert_eq!(finding["severity"], "warning");
    let report = connect(&format!("127.0.0.2:{port}"), &pki.path("ca.crt"), &[]);
    assert_finding(&report, "hostname-mismatch", "certain");

    let now = time::OffsetDateTime::now_utc();
    let year = time::Duration::days(365);
    let expired = pki_with_validity(now - 2 * year, now - year);
    let (_old, port) = s_server(expired.path(), &[]);
    let report = connect(
        &format!("localhost:{port}"),
        &expired.path().join("ca.crt"),
        &[],
    );
    assert_finding(&report, "certificate-expired", "certain");
    let future = pki_with_validity(now + year, now + 2 * year);
    let (_new, port) = s_server(future.path(), &[]);
    let report = connect(
        &format!("localhost:{port}"),
        &future.path().join("ca.crt"),
        &["--backend", "openssl"],
    );
    assert_finding(&report, "certificate-not-yet-valid", "certain");
}

#[test]
fn alpn_mismatch_before_and_after_the_server_hello() {
    if !require("openssl") {
        return;
    }
    let pki = Pki::new();
    let (_server, port) = s_server(pki.dir.path(), &["-alpn", "foo"]);
    let report = connect(&format!("localhost:{port}"), &pki.path("ca.crt"), &[]);
    assert_finding(&report, "alpn-mismatch", "certain");
    // rustls sends its ServerHello before giving up on ALPN, and no alert.
    let (_tlslab, port, _) = serve(pki.dir.path(), &["--alpn", "foo"]);
    let report = connect(&format!("localhost:{port}"), &pki.path("ca.crt"), &[]);
    assert_finding(&report, "alpn-mismatch", "certain");
}

#[test]
fn sni_required() {
    if !require("openssl") {
        return;
    }
    let pki = Pki::new();
    let (_server, port) = s_server(
        pki.dir.path(),
        &[
            "-servername",
            "localhost",
            "-servername_fatal",
            "-cert2",
            &pki.arg("srv.crt"),
            "-key2",
            &pki.arg("srv.key"),
        ],
    );
    let report = connect(
        &format!("localhost:{port}"),
        &pki.path("ca.crt"),
        &["--sni", "other.test"],
    );
    assert_finding(&report, "sni-required", "certain");
}

#[test]
fn tls13_ignores_the_cipher_list_is_a_warning_on_a_working_pair() {
    if !require("openssl") {
        return;
    }
    let pki = Pki::new();
    let (_server, port) = s_server(pki.dir.path(), &[]);
    let report = connect(
        &format!("localhost:{port}"),
        &pki.path("ca.crt"),
        &[
            "--ciphers",
            "ECDHE-ECDSA-AES128-GCM-SHA256",
            "--tls",
            "1.2-1.3",
        ],
    );
    assert_eq!(report["ok"], true);
    let finding = assert_finding(&report, "tls13-ignores-cipher-list", "certain");
    assert_eq!(finding["severity"], "warning");
    // The explicit command says the same and exits 0 (a warning is not a failure).
    let (code, report, _) = run_json(&[
        "diagnose",
        "--json",
        &format!("localhost:{port}"),
        "--cacert",
        &pki.arg("ca.crt"),
        "--ciphers",
        "ECDHE-ECDSA-AES128-GCM-SHA256",
        "--tls",
        "1.2-1.3",
    ]);
    assert_eq!(code, 0);
    assert_eq!(report["diagnosis"][0]["code"], "tls13-ignores-cipher-list");
}

#[test]
fn a_correct_pair_has_no_error_finding() {
    if !require("openssl") {
        return;
    }
    let pki = Pki::new();
    let (_server, port) = s_server(pki.dir.path(), &[]);
    let (code, report, _) = run_json(&[
        "diagnose",
        "--json",
        &format!("localhost:{port}"),
        "--cacert",
        &pki.arg("ca.crt"),
    ]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["diagnosis"], serde_json::json!([]));
}

#[test]
fn not_tls_refused_and_timeout() {
    if !require("python3") {
        return;
    }
    let (_http, port) = plain_http();
    let pki = Pki::new();
    let report = connect(&format!("127.0.0.1:{port}"), &pki.path("ca.crt"), &[]);
    let finding = assert_finding(&report, "not-tls", "certain");
    assert!(
        finding["summary"].as_str().unwrap().contains("plain HTTP"),
        "{finding}"
    );

    let report = connect(
        &format!("127.0.0.1:{}", free_port()),
        &pki.path("ca.crt"),
        &[],
    );
    assert_finding(&report, "connection-refused", "certain");

    let port = free_port();
    let _hole = python_peer("black_hole.py", &[port.to_string()]);
    wait_for_port(port);
    let report = connect(
        &format!("127.0.0.1:{port}"),
        &pki.path("ca.crt"),
        &["--timeout", "1"],
    );
    assert_finding(&report, "timeout", "certain");
}
