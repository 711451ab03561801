//! `tlslab pki`: certificates that OpenSSL verifies, and files never overwritten by accident.

use std::process::Command;

use crate::util::{require, run, run_json, Pki};

#[test]
fn generated_certificates_pass_openssl_verify() {
    if !require("openssl") {
        return;
    }
    for key in ["rsa2048", "p384", "ed25519"] {
        let pki = Pki::with_key(key);
        let output = Command::new("openssl")
            .args([
                "verify",
                "-CAfile",
                &pki.arg("ca.crt"),
                &pki.arg("srv.crt"),
                &pki.arg("dev.crt"),
            ])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "{key}: {stdout} {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            stdout.contains("srv.crt: OK") && stdout.contains("dev.crt: OK"),
            "{stdout}"
        );
        // The server certificate is for TLS servers, the client one for clients.
        let purpose = |file: &str, purpose: &str| {
            Command::new("openssl")
                .args([
                    "verify",
                    "-CAfile",
                    &pki.arg("ca.crt"),
                    "-purpose",
                    purpose,
                    &pki.arg(file),
                ])
                .status()
                .unwrap()
                .success()
        };
        assert!(purpose("srv.crt", "sslserver"), "{key}");
        assert!(purpose("dev.crt", "sslclient"), "{key}");
        assert!(
            !purpose("dev.crt", "sslserver"),
            "{key}: the client cert must not serve"
        );
    }
}

#[test]
fn pki_show_prints_what_init_made() {
    let pki = Pki::new();
    let (code, shown, _) = run_json(&[
        "pki",
        "show",
        "--json",
        &pki.arg("srv.crt"),
        &pki.arg("ca.crt"),
    ]);
    assert_eq!(code, 0);
    let server = &shown[0];
    assert_eq!(server["subject"], "CN=localhost");
    assert_eq!(server["issuer"], "CN=ca");
    assert_eq!(server["version"], 3);
    assert_eq!(server["key"], "EC P-256");
    let san: Vec<&str> = server["san"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(san, ["DNS:localhost", "IP:127.0.0.1", "IP:::1"]);
    assert_eq!(server["extended_key_usage"][0], "serverAuth");
    assert_eq!(server["sha256"].as_str().unwrap().len(), 95);
    assert_eq!(shown[1]["is_ca"], true);
    let (code, text, _) = run(&["pki", "show", &pki.arg("dev.crt")]);
    assert_eq!(code, 0);
    assert!(
        text.contains("subject:     CN=dev") && text.contains("clientAuth"),
        "{text}"
    );
}

#[test]
fn init_refuses_to_overwrite_without_force() {
    let pki = Pki::new();
    let before = std::fs::read(pki.path("srv.key")).unwrap();
    let (code, stdout, stderr) = run(&["pki", "init", "--dir", &pki.arg("")]);
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(
        stderr.starts_with("tlslab: refusing to overwrite"),
        "{stderr}"
    );
    assert!(stderr.contains("--force"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
    assert_eq!(
        std::fs::read(pki.path("srv.key")).unwrap(),
        before,
        "the key was touched"
    );
    let (code, _, stderr) = run(&[
        "pki",
        "init",
        "--force",
        "--key",
        "p256",
        "--dir",
        &pki.arg(""),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert_ne!(std::fs::read(pki.path("srv.key")).unwrap(), before);
}

#[test]
fn init_with_extra_sans_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let (code, made, stderr) = run_json(&[
        "pki",
        "init",
        "--json",
        "--key",
        "p256",
        "--days",
        "3",
        "--san",
        "DNS:example.test",
        "--san",
        "IP:10.1.2.3",
        "--dir",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let san = made["server"]["san"].to_string();
    assert!(
        san.contains("DNS:example.test") && san.contains("IP:10.1.2.3"),
        "{san}"
    );
}
