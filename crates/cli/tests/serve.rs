//! `tlslab serve` against curl and `openssl s_client`, on both backends.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::util::{require, serve, Pki};

fn curl(pki: &Pki, port: u16, extra: &[&str]) -> (bool, String, String) {
    let output = Command::new("curl")
        .args(["-sS", "--max-time", "10", "--cacert", &pki.arg("ca.crt")])
        .args(extra)
        .arg(format!("https://localhost:{port}/"))
        .output()
        .expect("curl runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

const PINNED: &str = "ECDHE-ECDSA-AES128-GCM-SHA256";

#[test]
fn curl_negotiates_the_pinned_suite_on_both_backends() {
    if !require("curl") {
        return;
    }
    let pki = Pki::new();
    for backend in ["rustls", "openssl"] {
        let (server, port, rx) = serve(
            pki.dir.path(),
            &[
                "--backend",
                backend,
                "--ciphers",
                PINNED,
                "--client-auth",
                "optional",
            ],
        );
        let (ok, body, err) = curl(
            &pki,
            port,
            &[
                "--tls-max",
                "1.2",
                "--ciphers",
                PINNED,
                "--cert",
                &pki.arg("dev.crt"),
                "--key",
                &pki.arg("dev.key"),
                "-H",
                "Accept: application/json",
            ],
        );
        assert!(ok, "{backend}: curl failed: {err}\n{}", server.log());
        let info: serde_json::Value =
            serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}"));
        assert_eq!(info["backend"], backend);
        assert_eq!(info["protocol"], "TLSv1.2");
        assert_eq!(info["cipher_suite"]["code"], "0xC02B");
        assert_eq!(info["cipher_suite"]["openssl"], PINNED);
        assert_eq!(info["client_certificate"], "CN=dev");
        assert_eq!(info["sni"], "localhost");
        assert_eq!(info["alpn"], "h2", "curl speaks HTTP/2 when offered");
        assert!(info["group"].is_string(), "{info}");
        // What curl offered, read from its raw ClientHello.
        assert_eq!(
            info["offered"]["cipher_suites"][0],
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"
        );
        assert!(
            info["offered"]["groups"].as_array().unwrap().len() > 1,
            "{info}"
        );
        assert!(!info["offered"]["signature_schemes"]
            .as_array()
            .unwrap()
            .is_empty());
        assert!(info["offered"]["alpn"].to_string().contains("http/1.1"));
        let line = server.wait_line(&rx, "handshake ok");
        assert!(
            line.contains("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256") && line.contains("CN=dev"),
            "{line}"
        );

        // The text body says the same, and HTTP/1.1 gets a Content-Length.
        let (ok, text, err) = curl(&pki, port, &["--http1.1", "-i"]);
        assert!(ok, "{err}");
        assert!(
            text.to_ascii_lowercase().contains("content-length:"),
            "{text}"
        );
        assert!(text.contains("cipher suite: TLS_"), "{text}");
    }
}

#[test]
fn openssl_s_client_negotiates_the_pinned_suite() {
    if !require("openssl") {
        return;
    }
    let pki = Pki::new();
    for backend in ["rustls", "openssl"] {
        let (server, port, _rx) =
            serve(pki.dir.path(), &["--backend", backend, "--ciphers", PINNED]);
        let output = Command::new("openssl")
            .args([
                "s_client",
                "-connect",
                &format!("127.0.0.1:{port}"),
                "-servername",
                "localhost",
            ])
            .args([
                "-cipher",
                PINNED,
                "-CAfile",
                &pki.arg("ca.crt"),
                "-verify_return_error",
                "-brief",
            ])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            text.contains("Protocol version: TLSv1.2"),
            "{backend}: {text}\n{}",
            server.log()
        );
        assert!(
            text.contains(&format!("Ciphersuite: {PINNED}")),
            "{backend}: {text}"
        );
        assert!(text.contains("Verification: OK"), "{backend}: {text}");
    }
}

#[test]
fn client_auth_required_rejects_a_client_without_a_certificate() {
    if !require("curl") {
        return;
    }
    let pki = Pki::new();
    for backend in ["rustls", "openssl"] {
        let (server, port, rx) = serve(
            pki.dir.path(),
            &["--backend", backend, "--client-auth", "required"],
        );
        let (ok, _, err) = curl(&pki, port, &[]);
        assert!(!ok, "{backend}: a client without a certificate got through");
        let line = server.wait_line(&rx, "handshake FAILED");
        assert!(
            line.contains("client offered"),
            "{backend}: {line} / curl: {err}"
        );
        let (ok, _, err) = curl(
            &pki,
            port,
            &["--cert", &pki.arg("dev.crt"), "--key", &pki.arg("dev.key")],
        );
        assert!(ok, "{backend}: with a certificate: {err}\n{}", server.log());
    }
}

#[test]
fn echo_mode_returns_what_it_reads() {
    if !require("openssl") {
        return;
    }
    let pki = Pki::new();
    let (server, port, _rx) = serve(pki.dir.path(), &["--echo"]);
    let mut client = Command::new("openssl")
        .args([
            "s_client",
            "-connect",
            &format!("127.0.0.1:{port}"),
            "-quiet",
            "-no_ign_eof",
            "-CAfile",
            &pki.arg("ca.crt"),
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = client.stdin.take().unwrap();
    stdin.write_all(b"hello through tls\n").unwrap();
    std::thread::sleep(Duration::from_millis(500));
    drop(stdin);
    let output = client.wait_with_output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "hello through tls\n",
        "{}",
        server.log()
    );
}

#[test]
fn the_legacy_no_ecdh_profile_fails_like_twisted_did() {
    if !require("curl") {
        return;
    }
    let pki = Pki::with_key("rsa2048");
    let (server, port, rx) = serve(
        pki.dir.path(),
        &[
            "--profile",
            "legacy-no-ecdh",
            "--ciphers",
            "ECDHE-RSA-AES128-GCM-SHA256",
        ],
    );
    let (ok, _, err) = curl(
        &pki,
        port,
        &[
            "--tls-max",
            "1.2",
            "--ciphers",
            "ECDHE-RSA-AES128-GCM-SHA256",
        ],
    );
    assert!(!ok);
    assert!(err.contains("handshake failure"), "curl said: {err}");
    let line = server.wait_line(&rx, "handshake FAILED");
    assert!(
        line.contains("handshake_failure (40)") && line.contains("no shared cipher"),
        "{line}"
    );
}

#[test]
fn ctrl_c_shuts_down_cleanly() {
    let pki = Pki::new();
    let (mut server, port, rx) = serve(pki.dir.path(), &[]);
    crate::util::wait_for_port(port);
    server.signal("INT");
    assert_eq!(
        server.wait_exit(Duration::from_secs(10)),
        Some(0),
        "{}",
        server.log()
    );
    server.wait_line(&rx, "shutting down");
}
