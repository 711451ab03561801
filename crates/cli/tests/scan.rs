//! `tlslab scan` against real servers: the accepted set must be what the server's own
//! configuration says, and the order must be the server's when it has one.

use std::collections::BTreeSet;
use std::process::Command;

use serde_json::Value;

use crate::util::{
    free_port, plain_http, python_peer, require, run, run_json, s_server, serve, wait_for_port,
    Peer, Pki,
};

fn scan(port: u16) -> Value {
    let (code, report, stderr) = run_json(&["scan", "--json", &format!("127.0.0.1:{port}")]);
    assert_eq!(code, 0, "{report}\n{stderr}");
    report
}

/// The accepted codes for one version, in the order reported.
fn accepted(report: &Value, version: &str) -> Vec<String> {
    report["cipher_suites"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["protocol"] == version)
        .map(|s| s["code"].as_str().unwrap().to_string())
        .collect()
}

fn set(codes: &[String]) -> BTreeSet<String> {
    codes.iter().cloned().collect()
}

fn supported(report: &Value, version: &str) -> bool {
    report["protocols"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["version"] == version && p["supported"] == true)
}

/// What OpenSSL says a server with an RSA certificate and `cipher_string` can negotiate in
/// `version` (`-tls1_2` style flag): RSA-signed or anonymous suites with RSA, DH or ECDH key
/// exchange (PSK and SRP need secrets the server does not have).
fn openssl_expected(cipher_string: &str, version_flag: &str) -> BTreeSet<String> {
    let output = Command::new("openssl")
        .args([
            "ciphers",
            "-V",
            "-stdname",
            "-s",
            version_flag,
            cipher_string,
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    text.lines()
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let kx = fields.iter().find_map(|f| f.strip_prefix("Kx="))?;
            let au = fields.iter().find_map(|f| f.strip_prefix("Au="))?;
            let (high, low) = fields.first()?.split_once(',')?;
            let code = format!("0x{}{}", &high[2..], &low[2..])
                .to_ascii_uppercase()
                .replace("0X", "0x");
            let usable =
                matches!(au, "RSA" | "None") && matches!(kx, "RSA" | "DH" | "ECDH" | "any");
            (usable && !code.starts_with("0x13")).then_some(code)
        })
        .collect()
}

#[test]
fn openssl_all_at_security_level_0() {
    if !require("openssl") {
        return;
    }
    let pki = Pki::with_key("rsa2048");
    let string = "ALL:@SECLEVEL=0";
    let (_server, port) = s_server(pki.dir.path(), &["-cipher", string]);
    let report = scan(port);
    for (version, flag) in [
        ("TLSv1.2", "-tls1_2"),
        ("TLSv1.1", "-tls1_1"),
        ("TLSv1.0", "-tls1"),
    ] {
        assert!(supported(&report, version), "{version}: {report}");
        assert_eq!(
            set(&accepted(&report, version)),
            openssl_expected(string, flag),
            "{version}"
        );
    }
    assert_eq!(
        set(&accepted(&report, "TLSv1.3")),
        set(&["0x1301".into(), "0x1302".into(), "0x1303".into()])
    );
    assert!(!supported(&report, "SSLv3"));
    // Each accepted suite cost one handshake, plus one refusal per version and the group,
    // preference and signature-scheme probes: far from a probe per suite.
    let total = report["cipher_suites"].as_array().unwrap().len() as u64;
    let handshakes = report["handshakes"].as_u64().unwrap();
    assert!(
        handshakes < total + 40,
        "{handshakes} handshakes for {total} suites"
    );
    // Key-exchange detail and certificates come with the suites.
    let c02f = report["cipher_suites"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == "0xC02F")
        .unwrap();
    assert!(c02f["kx_detail"].is_string(), "{c02f}");
    assert_eq!(report["certificates"][0]["key"], "RSA 2048");
    assert_eq!(
        report["certificates"][0]["chain"][0]["subject"],
        "CN=localhost"
    );
    assert!(
        report["errors"].as_array().unwrap().is_empty(),
        "{}",
        report["errors"]
    );
    assert!(report["elapsed_ms"].is_u64());
}

#[test]
fn openssl_tls12_with_server_preference_gives_the_server_order() {
    if !require("openssl") {
        return;
    }
    let pki = Pki::with_key("rsa2048");
    let order = [
        "ECDHE-RSA-AES256-GCM-SHA384",
        "AES128-SHA",
        "DHE-RSA-AES128-GCM-SHA256",
        "ECDHE-RSA-AES128-GCM-SHA256",
    ];
    let (_server, port) = s_server(
        pki.dir.path(),
        &["-tls1_2", "-serverpref", "-cipher", &order.join(":")],
    );
    let report = scan(port);
    assert_eq!(report["server_preference"]["TLSv1.2"], true, "{report}");
    let expected: Vec<String> = ["0xC030", "0x002F", "0x009E", "0xC02F"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(accepted(&report, "TLSv1.2"), expected);
    assert_eq!(
        report["preference_order"]["TLSv1.2"],
        serde_json::json!(expected)
    );
    assert!(!supported(&report, "TLSv1.3"));
    assert!(!supported(&report, "TLSv1.1"));
    // The signature schemes the server used, seen in its ServerKeyExchange.
    let schemes = report["signature_schemes"].to_string();
    assert!(
        schemes.contains("rsa_pss_rsae_sha256") || schemes.contains("rsa_pkcs1_sha256"),
        "{schemes}"
    );
}

#[test]
fn openssl_client_order_is_recognised() {
    if !require("openssl") {
        return;
    }
    let pki = Pki::with_key("rsa2048");
    let (_server, port) = s_server(
        pki.dir.path(),
        &[
            "-tls1_2",
            "-cipher",
            "ECDHE-RSA-AES256-GCM-SHA384:AES128-SHA",
        ],
    );
    let report = scan(port);
    assert_eq!(report["server_preference"]["TLSv1.2"], false, "{report}");
    assert!(report["preference_order"].get("TLSv1.2").is_none());
}

#[test]
fn openssl_tls13_only_with_chosen_suites_and_groups() {
    if !require("openssl") {
        return;
    }
    let pki = Pki::new();
    let (_server, port) = s_server(
        pki.dir.path(),
        &[
            "-tls1_3",
            "-ciphersuites",
            "TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256",
            "-groups",
            "P-384:X25519",
        ],
    );
    let report = scan(port);
    assert!(supported(&report, "TLSv1.3"));
    assert!(!supported(&report, "TLSv1.2"));
    assert_eq!(
        set(&accepted(&report, "TLSv1.3")),
        set(&["0x1301".into(), "0x1303".into()])
    );
    let groups: Vec<&str> = report["groups"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["protocol"] == "TLSv1.3")
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        groups,
        ["secp384r1", "x25519"],
        "the server's group order: {report}"
    );
    // TLS 1.3 hides the certificate: one real handshake fetches it.
    assert_eq!(report["certificates"][0]["key"], "EC P-256", "{report}");
}

#[test]
fn gnutls_serv_with_a_priority_string() {
    if !require("gnutls-serv") || !require("gnutls-cli") {
        return;
    }
    let pki = Pki::with_key("rsa2048");
    let priority = "NORMAL:-VERS-TLS1.3:-VERS-TLS1.0:-VERS-TLS1.1:-CIPHER-ALL:+AES-128-GCM:+AES-256-GCM:+CHACHA20-POLY1305";
    let port = free_port();
    let mut command = Command::new("gnutls-serv");
    command
        .args(["-p", &port.to_string(), "--priority", priority])
        .args([
            "--x509certfile",
            &pki.arg("srv.crt"),
            "--x509keyfile",
            &pki.arg("srv.key"),
        ]);
    let _server = Peer::spawn(&mut command);
    wait_for_port(port);
    let report = scan(port);
    // GnuTLS's own listing of the priority string, less what an RSA certificate cannot do.
    let listing = Command::new("gnutls-cli")
        .args(["--priority", priority, "-l"])
        .output()
        .unwrap();
    let expected: BTreeSet<String> = String::from_utf8_lossy(&listing.stdout)
        .lines()
        .filter(|l| l.starts_with("TLS_") && !l.contains("_ECDSA_"))
        .filter_map(|l| {
            let rest = l.split_once(char::is_whitespace)?.1.trim();
            let (high, low) = rest.split_once(',')?;
            let low = low.split_whitespace().next()?;
            Some(
                format!("0x{}{}", &high.trim()[2..], &low[2..])
                    .to_ascii_uppercase()
                    .replace("0X", "0x"),
            )
        })
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(set(&accepted(&report, "TLSv1.2")), expected, "{report}");
    assert!(!supported(&report, "TLSv1.3"));
}

#[test]
fn nginx_server_order_matches_ssl_ciphers() {
    if !require("nginx") {
        return;
    }
    let pki = Pki::with_key("rsa2048");
    let port = free_port();
    let prefix = pki.path("nginx");
    std::fs::create_dir_all(prefix.join("logs")).unwrap();
    let ciphers = "ECDHE-RSA-CHACHA20-POLY1305:AES256-GCM-SHA384:ECDHE-RSA-AES128-SHA:DHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256";
    let config = format!(
        "daemon off; master_process off; pid {prefix}/nginx.pid; error_log {prefix}/logs/error.log;
events {{ worker_connections 64; }}
http {{ access_log off; client_body_temp_path {prefix}; proxy_temp_path {prefix}; fastcgi_temp_path {prefix};
  uwsgi_temp_path {prefix}; scgi_temp_path {prefix};
  server {{ listen 127.0.0.1:{port} ssl; ssl_certificate {cert}; ssl_certificate_key {key};
    ssl_protocols TLSv1.2; ssl_ciphers {ciphers}; ssl_prefer_server_ciphers on;
    location / {{ return 200 'nginx'; }} }} }}
",
        prefix = prefix.display(),
        cert = pki.arg("srv.crt"),
        key = pki.arg("srv.key"),
    );
    let config_path = prefix.join("nginx.conf");
    std::fs::write(&config_path, config).unwrap();
    let mut command = Command::new("nginx");
    command.arg("-p").arg(&prefix).arg("-c").arg(&config_path);
    let server = Peer::spawn(&mut command);
    wait_for_port(port);
    let report = scan(port);
    // DHE-RSA-AES256-GCM-SHA384 is in the list, but nginx without ssl_dhparam has no DH
    // group, so it can never be negotiated: the scan must not report it.
    let expected: Vec<String> = ["0xCCA8", "0x009D", "0xC013", "0xC02F"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(
        report["server_preference"]["TLSv1.2"],
        true,
        "{report}\n{}",
        server.log()
    );
    assert_eq!(accepted(&report, "TLSv1.2"), expected);
    assert_eq!(
        report["preference_order"]["TLSv1.2"],
        serde_json::json!(expected)
    );
}

#[test]
fn a_python_ssl_server() {
    if !require("python3") {
        return;
    }
    let pki = Pki::with_key("rsa2048");
    let port = free_port();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/peers/https_server.py");
    let ciphers = "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:AES128-SHA";
    let mut command = Command::new("python3");
    command.args([
        script,
        &port.to_string(),
        &pki.arg("srv.crt"),
        &pki.arg("srv.key"),
        ciphers,
    ]);
    let _server = Peer::spawn(&mut command);
    wait_for_port(port);
    let report = scan(port);
    assert_eq!(
        set(&accepted(&report, "TLSv1.2")),
        set(&["0xC030".into(), "0xC02F".into(), "0x002F".into()])
    );
    assert!(
        !supported(&report, "TLSv1.3"),
        "the script caps Python at TLS 1.2"
    );
}

#[test]
fn tlslab_serve_on_both_backends() {
    let pki = Pki::new();
    let pinned =
        "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:TLS_AES_128_GCM_SHA256";
    for backend in ["rustls", "openssl"] {
        let (_server, port, _rx) = serve(
            pki.dir.path(),
            &[
                "--backend",
                backend,
                "--ciphers",
                pinned,
                "--tls",
                "1.2-1.3",
            ],
        );
        let report = scan(port);
        assert_eq!(
            accepted(&report, "TLSv1.2"),
            ["0xC02C", "0xCCA9"],
            "{backend}: {report}"
        );
        assert_eq!(accepted(&report, "TLSv1.3"), ["0x1301"], "{backend}");
        assert_eq!(report["server_preference"]["TLSv1.2"], true, "{backend}");
        assert_eq!(report["certificates"][0]["key"], "EC P-256", "{backend}");
    }
}

#[test]
fn a_target_without_tls_is_a_negative_finding() {
    if !require("python3") {
        return;
    }
    let (_server, port) = plain_http();
    let (code, report, _) = run_json(&["scan", "--json", &format!("127.0.0.1:{port}")]);
    assert_eq!(code, 1, "{report}");
    assert!(
        report["not_tls"].as_str().unwrap().contains("HTTP"),
        "{report}"
    );
    let closed = free_port();
    let (code, report, _) = run_json(&["scan", "--json", &format!("127.0.0.1:{closed}")]);
    assert_eq!(code, 1);
    assert!(
        !report["errors"].as_array().unwrap().is_empty(),
        "a refused connection is recorded: {report}"
    );
}

#[test]
fn several_targets_stream_one_json_object_per_line() {
    let pki = Pki::new();
    let (_a, port_a, _) = serve(pki.dir.path(), &[]);
    let (_b, port_b, _) = serve(pki.dir.path(), &["--backend", "openssl"]);
    let list = pki.path("targets.txt");
    std::fs::write(&list, format!("# two servers\n127.0.0.1:{port_b}\n")).unwrap();
    let (code, stdout, stderr) = run(&[
        "scan",
        "--json",
        &format!("127.0.0.1:{port_a}"),
        "--targets",
        list.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let lines: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    let targets: BTreeSet<String> = lines
        .iter()
        .map(|r| r["target"].as_str().unwrap().to_string())
        .collect();
    assert!(
        targets.contains(&format!("127.0.0.1:{port_a}"))
            && targets.contains(&format!("127.0.0.1:{port_b}"))
    );
    assert!(
        stderr.is_empty(),
        "no progress bar when stderr is not a terminal: {stderr}"
    );
}

#[test]
fn scan_usage_errors() {
    for (args, expected) in [
        (vec!["scan"], "no target"),
        (vec!["scan", "localhost:1", "--names", "nss"], "--names"),
        (
            vec!["scan", "--targets", "/nonexistent/list"],
            "targets file",
        ),
        (vec!["scan", "localhost:1", "--rate", "0"], "--rate"),
        (vec!["scan", "http://localhost:1"], "https://"),
    ] {
        let (code, _, stderr) = run(&args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(
            stderr.contains(expected) && stderr.trim().lines().count() == 1,
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn text_output_groups_by_version_in_the_chosen_names() {
    if !require("openssl") {
        return;
    }
    let pki = Pki::with_key("rsa2048");
    let (_server, port) = s_server(
        pki.dir.path(),
        &["-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256"],
    );
    let (code, text, _) = run(&["scan", &format!("127.0.0.1:{port}"), "--names", "openssl"]);
    assert_eq!(code, 0);
    assert!(text.contains("TLSv1.2   supported, 1 suites"), "{text}");
    assert!(
        text.contains("0xC02F  ECDHE-RSA-AES128-GCM-SHA256"),
        "{text}"
    );
    assert!(text.contains("TLSv1.3   not supported"), "{text}");
}

#[test]
fn a_server_that_drops_big_hellos_is_scanned_in_chunks() {
    if !require("openssl") || !require("python3") {
        return;
    }
    let pki = Pki::with_key("rsa2048");
    let ciphers =
        "ECDHE-RSA-AES128-GCM-SHA256:AES256-SHA:DHE-RSA-AES128-SHA:ECDHE-RSA-CHACHA20-POLY1305";
    let (_server, upstream) = s_server(pki.dir.path(), &["-tls1_2", "-cipher", ciphers]);
    let port = free_port();
    let _proxy = python_peer(
        "small_hello_proxy.py",
        &[port.to_string(), upstream.to_string(), "700".into()],
    );
    wait_for_port(port);
    let report = scan(port);
    let expected = openssl_expected(ciphers, "-tls1_2");
    assert_eq!(set(&accepted(&report, "TLSv1.2")), expected, "{report}");
    assert!(
        report["errors"].to_string().contains("chunks"),
        "the fallback is reported: {report}"
    );
    assert!(report["preference_order"].get("TLSv1.2").is_none());
}

#[test]
fn a_server_that_never_answers_is_recorded_not_fatal() {
    if !require("python3") {
        return;
    }
    let port = free_port();
    let _hole = python_peer("black_hole.py", &[port.to_string()]);
    wait_for_port(port);
    let (code, report, _) = run_json(&[
        "scan",
        "--json",
        &format!("127.0.0.1:{port}"),
        "--timeout",
        "1",
        "--retries",
        "1",
    ]);
    assert_eq!(code, 1, "{report}");
    let errors = report["errors"].as_array().unwrap();
    assert!(!errors.is_empty());
    assert!(errors.iter().all(|e| e["attempts"] == 2), "{report}");
    assert!(
        errors[0]["message"]
            .as_str()
            .unwrap()
            .contains("no complete answer"),
        "{report}"
    );
    assert!(report["protocols"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["supported"] == false));
}

#[test]
fn the_rate_limit_spaces_handshakes() {
    let pki = Pki::new();
    let (_server, port, _) = serve(pki.dir.path(), &[]);
    let (code, report, _) = run_json(&[
        "scan",
        "--json",
        &format!("127.0.0.1:{port}"),
        "--rate",
        "100",
    ]);
    assert_eq!(code, 0);
    let handshakes = report["handshakes"].as_u64().unwrap();
    // A lower bound only: at 100 per second, n handshakes cannot start in under (n-1)*10 ms.
    assert!(
        report["elapsed_ms"].as_u64().unwrap() >= (handshakes - 2) * 10,
        "{report}"
    );
}

#[test]
fn a_server_with_rsa_and_ecdsa_certificates_shows_both_chains() {
    if !require("openssl") {
        return;
    }
    let rsa = Pki::with_key("rsa2048");
    let ec = Pki::new();
    let (_server, port) = s_server(
        rsa.dir.path(),
        &[
            "-tls1_2",
            "-dcert",
            &ec.arg("srv.crt"),
            "-dkey",
            &ec.arg("srv.key"),
            "-cipher",
            "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256",
        ],
    );
    let report = scan(port);
    assert_eq!(
        set(&accepted(&report, "TLSv1.2")),
        set(&["0xC02F".into(), "0xC02B".into()])
    );
    let mut keys: Vec<&str> = report["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["key"].as_str().unwrap())
        .collect();
    keys.sort();
    assert_eq!(keys, ["EC P-256", "RSA 2048"], "{report}");
}
