//! `tlslab connect` against `openssl s_server` and a Python `ssl` server.

use std::process::Command;

use crate::util::{free_port, plain_http, require, run_json, s_server, wait_for_port, Peer, Pki};

fn connect(port: u16, pki: &Pki, extra: &[&str]) -> (i32, serde_json::Value) {
    let target = format!("https://localhost:{port}/");
    let mut args = vec!["connect", "--json", target.as_str(), "--cacert"];
    let ca = pki.arg("ca.crt");
    args.push(&ca);
    args.extend_from_slice(extra);
    let (code, report, _) = run_json(&args);
    (code, report)
}

const PINNED: &str = "ECDHE-RSA-AES128-GCM-SHA256";

#[test]
fn a_pinned_suite_is_negotiated_and_reported_on_both_backends() {
    if !require("openssl") {
        return;
    }
    let pki = Pki::with_key("rsa2048");
    let (_server, port) = s_server(pki.dir.path(), &[]);
    for backend in ["rustls", "openssl"] {
        let (code, report) = connect(
            port,
            &pki,
            &[
                "--backend",
                backend,
                "--ciphers",
                "ecdhe_rsa_aes_128_gcm_sha_256",
            ],
        );
        assert_eq!(code, 0, "{report}");
        assert_eq!(report["ok"], true);
        assert_eq!(report["backend"], backend);
        assert_eq!(report["target"], format!("localhost:{port}"));
        assert_eq!(
            report["protocol"], "TLSv1.2",
            "a TLS 1.2 suite pins TLS 1.2: {report}"
        );
        assert_eq!(report["cipher_suite"]["code"], "0xC02F");
        assert_eq!(
            report["cipher_suite"]["iana"],
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
        );
        assert_eq!(report["cipher_suite"]["openssl"], PINNED);
        assert_eq!(
            report["cipher_suite"]["gnutls"],
            "TLS_ECDHE_RSA_AES_128_GCM_SHA256"
        );
        assert!(report["group"].is_string(), "{report}");
        assert_eq!(report["certificates"][0]["subject"], "CN=localhost");
        assert_eq!(report["certificates"][0]["key"], "RSA 2048");
        assert_eq!(report["certificates"][0]["version"], 3);
        assert_eq!(report["verification"]["trusted"], true);
        assert_eq!(report["verification"]["hostname_matched"], true);
        assert!(report["verification"]["error"].is_null());
        assert_eq!(report["http"]["status"], 200);
        assert!(report["error"].is_null());
        let notes = report["notes"].to_string();
        assert!(
            notes.contains("TLS 1.3 would ignore"),
            "the TLS 1.3 trap is said out loud: {notes}"
        );
        assert_eq!(
            report["offered"]["versions"],
            serde_json::json!(["TLSv1.2"])
        );
    }
    // Asking for TLS 1.3 too gets TLS 1.3, as curl --ciphers does silently.
    let (code, report) = connect(port, &pki, &["--ciphers", PINNED, "--tls", "1.2-1.3"]);
    assert_eq!(code, 0);
    assert_eq!(report["protocol"], "TLSv1.3");
}

#[test]
fn a_server_without_ec_groups_fails_with_alert_40() {
    if !require("openssl") {
        return;
    }
    let pki = Pki::with_key("rsa2048");
    let (_server, port) = s_server(pki.dir.path(), &["-groups", "ffdhe2048"]);
    for backend in ["rustls", "openssl"] {
        let (code, report) = connect(port, &pki, &["--backend", backend, "--ciphers", PINNED]);
        assert_eq!(code, 1, "{report}");
        assert_eq!(report["ok"], false);
        assert_eq!(report["error"]["kind"], "peer-incompatible");
        assert_eq!(report["error"]["alert"]["code"], 40);
        assert_eq!(report["error"]["alert"]["name"], "handshake_failure");
        assert!(report["protocol"].is_null());
    }
}

#[test]
fn a_server_that_requires_a_client_certificate() {
    if !require("openssl") {
        return;
    }
    let pki = Pki::new();
    let (_server, port) = s_server(
        pki.dir.path(),
        &["-Verify", "1", "-CAfile", &pki.arg("ca.crt")],
    );
    for backend in ["rustls", "openssl"] {
        for http in [true, false] {
            let mut extra = vec!["--backend", backend];
            if !http {
                extra.push("--no-http");
            }
            let (code, report) = connect(port, &pki, &extra);
            assert_eq!(code, 1, "{backend} http={http}: {report}");
            assert_eq!(report["error"]["kind"], "certificate", "{report}");
            assert_eq!(
                report["error"]["alert"]["name"], "certificate_required",
                "{report}"
            );
            let (cert, key) = (pki.arg("dev.crt"), pki.arg("dev.key"));
            extra.extend_from_slice(&["--cert", &cert, "--key", &key]);
            let (code, report) = connect(port, &pki, &extra);
            assert_eq!(
                code, 0,
                "{backend} http={http} with a certificate: {report}"
            );
        }
    }
}

#[test]
fn an_untrusted_certificate_fails_unless_insecure() {
    if !require("openssl") {
        return;
    }
    let pki = Pki::new();
    let other = Pki::new();
    let (_server, port) = s_server(pki.dir.path(), &[]);
    for backend in ["rustls", "openssl"] {
        let (code, report) = connect(port, &other, &["--backend", backend]);
        assert_eq!(code, 1, "{report}");
        assert_eq!(report["error"]["kind"], "certificate");
        assert_eq!(report["verification"]["trusted"], false);
        // Both CAs are called CN=ca: rustls finds the issuer by name and then the signature
        // fails; OpenSSL matches key identifiers and finds no issuer. Either way it says why.
        let why = report["verification"]["error"].as_str().unwrap();
        assert!(
            why.contains("signature") || why.contains("issuer"),
            "{report}"
        );
        assert_eq!(
            report["certificates"][0]["subject"], "CN=localhost",
            "the chain is shown even on failure"
        );
        let (code, report) = connect(port, &other, &["--backend", backend, "-k"]);
        assert_eq!(code, 0, "{report}");
        assert_eq!(report["verification"]["trusted"], false);
        assert_eq!(report["insecure"], true);
    }
}

#[test]
fn a_hostname_mismatch_is_reported() {
    if !require("openssl") {
        return;
    }
    let pki = Pki::new();
    let (_server, port) = s_server(pki.dir.path(), &[]);
    for backend in ["rustls", "openssl"] {
        // 127.0.0.2 reaches the same loopback server but is not in the certificate.
        let target = format!("https://127.0.0.2:{port}/");
        let (code, report, _) = run_json(&[
            "connect",
            "--json",
            &target,
            "--backend",
            backend,
            "--cacert",
            &pki.arg("ca.crt"),
        ]);
        assert_eq!(code, 1, "{report}");
        assert_eq!(
            report["verification"]["hostname_matched"], false,
            "{report}"
        );
        assert_eq!(report["verification"]["trusted"], true, "{report}");
        assert_eq!(report["error"]["kind"], "certificate");
    }
}

#[test]
fn a_python_ssl_server_pinned_to_the_suite() {
    if !require("python3") {
        return;
    }
    let pki = Pki::with_key("rsa2048");
    let port = free_port();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/peers/https_server.py");
    let mut command = Command::new("python3");
    command.args([
        script,
        &port.to_string(),
        &pki.arg("srv.crt"),
        &pki.arg("srv.key"),
        PINNED,
    ]);
    let server = Peer::spawn(&mut command);
    wait_for_port(port);
    let (code, report) = connect(port, &pki, &["--ciphers", PINNED]);
    assert_eq!(code, 0, "{report}\n{}", server.log());
    assert_eq!(report["cipher_suite"]["code"], "0xC02F");
    assert_eq!(report["http"]["status"], 200);
    assert!(
        report["http"]["body"].as_str().unwrap().contains(PINNED),
        "{report}"
    );
    // A suite the Python server was not pinned to is refused.
    let (code, report) = connect(port, &pki, &["--ciphers", "ECDHE-RSA-AES256-GCM-SHA384"]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(report["error"]["alert"]["code"], 40);
}

#[test]
fn text_output_reads_like_curl_verbose() {
    if !require("openssl") {
        return;
    }
    let pki = Pki::with_key("rsa2048");
    let (_server, port) = s_server(pki.dir.path(), &[]);
    let output = crate::util::tlslab()
        .args([
            "connect",
            &format!("localhost:{port}"),
            "--ciphers",
            PINNED,
            "--cacert",
            &pki.arg("ca.crt"),
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{text}");
    assert!(
        text.contains("* SSL connection using TLSv1.2 / ECDHE_RSA_AES_128_GCM_SHA256"),
        "{text}"
    );
    assert!(
        text.contains("OpenSSL: ECDHE-RSA-AES128-GCM-SHA256"),
        "{text}"
    );
    assert!(
        text.contains("server certificate verification OK"),
        "{text}"
    );
    assert!(text.contains("host name: localhost (matched)"), "{text}");
    assert!(
        text.contains("< HTTP/1.0 200 ok") || text.contains("< HTTP/1.0 200 OK"),
        "{text}"
    );
}

#[test]
fn nothing_listening_is_a_negative_finding_not_a_usage_error() {
    let port = free_port();
    let (code, report, _) = run_json(&["connect", "--json", &format!("127.0.0.1:{port}")]);
    assert_eq!(code, 1);
    assert_eq!(report["error"]["kind"], "connection-refused");
}

#[test]
fn a_plain_http_port_is_not_tls() {
    if !require("python3") {
        return;
    }
    let (_server, port) = plain_http();
    let (code, report, _) = run_json(&["connect", "--json", &format!("127.0.0.1:{port}")]);
    assert_eq!(code, 1);
    assert_eq!(report["error"]["kind"], "not-tls", "{report}");
    assert!(
        report["error"]["message"]
            .as_str()
            .unwrap()
            .contains("plain HTTP"),
        "{report}"
    );
}
