//! `tlslab compare`: servers side by side, a bug report, and every process stopped.

use std::process::Command;
use std::time::{Duration, Instant};

use crate::util::{require, run, run_json, tlslab, Peer, Pki};

const SUITE: &str = "ECDHE_RSA_AES_128_GCM_SHA256";

fn no_process_matches(pattern: &str) -> bool {
    !Command::new("pgrep")
        .args(["-f", pattern])
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

#[test]
fn builtin_servers_reproduce_the_seed_with_a_bug_report() {
    let pki = Pki::with_key("rsa2048");
    let markdown = pki.path("report.md");
    let html = pki.path("report.html");
    let (code, report, stderr) = run_json(&[
        "compare",
        "--json",
        "--dir",
        &pki.arg(""),
        "--builtin",
        "a=openssl",
        "--builtin",
        "b=openssl:legacy-no-ecdh",
        "--ciphers",
        SUITE,
        "--markdown",
        markdown.to_str().unwrap(),
        "--html",
        html.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "one cell fails: {report}\n{stderr}");
    let servers = report["servers"].as_array().unwrap();
    assert_eq!(servers[0]["name"], "a");
    assert_eq!(
        servers[1]["command"],
        "tlslab serve --backend openssl --profile legacy-no-ecdh"
    );
    assert!(
        servers[0]["scan"]["cipher_suites"]
            .as_array()
            .unwrap()
            .len()
            > 3
    );
    assert!(
        servers[1]["summary"]
            .as_str()
            .unwrap()
            .contains("handshake_failure"),
        "B's scan shows the difference: {}",
        servers[1]
    );
    let cells = report["cells"].as_array().unwrap();
    assert_eq!(cells.len(), 2);
    assert_eq!(cells[0]["ok"], true);
    assert_eq!(cells[0]["protocol"], "TLSv1.2");
    assert_eq!(cells[0]["cipher_suite"]["code"], "0xC02F");
    assert_eq!(cells[1]["ok"], false);
    assert_eq!(cells[1]["error"]["alert"]["code"], 40);
    assert_eq!(cells[1]["diagnosis"][0]["code"], "no-ecdhe-groups");

    let text = std::fs::read_to_string(&markdown).unwrap();
    for section in [
        "ECDHE_RSA_AES_128_GCM_SHA256: a vs b",
        "Prepare\n=======",
        "Results\n=======",
        "Versions\n========",
        "tlslab pki init",
        "curl -v",
        "openssl s_client",
        "* SSL connection using TLSv1.2 / ECDHE_RSA_AES_128_GCM_SHA256",
        "**Diagnosis: `no-ecdhe-groups` (certain)**",
        "Fix on the server:",
        "- OpenSSL: OpenSSL 3",
        "- rustls: 0.23",
        "- Kernel: Linux",
    ] {
        assert!(
            text.contains(section),
            "the report lacks {section:?}:\n{text}"
        );
    }
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(
        page.contains("<table id=\"matrix\">")
            && page.contains("td class=\"fail\"")
            && page.contains("td class=\"ok\"")
    );
    assert!(
        !page.contains("http://") && !page.contains("https://cdn"),
        "self-contained: no external assets"
    );
}

#[test]
fn a_comma_list_or_a_repeated_flag_makes_one_client_each() {
    let pki = Pki::new();
    let (code, report, _) = run_json(&[
        "compare",
        "--json",
        "--no-scan",
        "--dir",
        &pki.arg(""),
        "--builtin",
        "r=rustls",
        "--ciphers",
        "ECDHE-ECDSA-AES128-GCM-SHA256,ECDHE-ECDSA-AES256-GCM-SHA384",
        "--backend",
        "rustls",
        "--backend",
        "openssl",
    ]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["clients"].as_array().unwrap().len(), 4, "{report}");
    let codes: Vec<&str> = report["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["cipher_suite"]["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["0xC02B", "0xC02C", "0xC02B", "0xC02C"]);
}

#[test]
fn external_commands_with_a_version_command() {
    if !require("openssl") {
        return;
    }
    let pki = Pki::new();
    let (code, report, stderr) = run_json(&[
        "compare",
        "--json",
        "--no-scan",
        "--dir",
        &pki.arg(""),
        "--server",
        "ossl=openssl s_server -accept {port} -cert srv.crt -key srv.key -www -quiet",
        "--version-cmd",
        "ossl=openssl version",
    ]);
    assert_eq!(code, 0, "{report}\n{stderr}");
    assert!(report["servers"][0]["version"]
        .as_str()
        .unwrap()
        .starts_with("OpenSSL 3"));
    assert!(
        report["servers"][0]["command"]
            .as_str()
            .unwrap()
            .contains("-accept "),
        "{report}"
    );
    assert_eq!(report["cells"][0]["ok"], true);
}

#[test]
fn servers_that_fail_never_listen_or_crash_give_clear_rows_not_hangs() {
    if !require("openssl") {
        return;
    }
    let pki = Pki::new();
    let started = Instant::now();
    let (code, report, stderr) = run_json(&[
        "compare",
        "--json",
        "--no-scan",
        "--dir",
        &pki.arg(""),
        "--ready-timeout",
        "2",
        "--server",
        "dies=echo 'cannot bind' >&2; exit 3 # {port}",
        "--server",
        "sleepy=sleep 37.5 # {port}",
        "--server",
        "flaky=openssl s_server -accept {port} -cert srv.crt -key srv.key -www -quiet -naccept 2",
        "--ciphers",
        "ECDHE-ECDSA-AES128-GCM-SHA256,ECDHE-ECDSA-AES256-GCM-SHA384",
    ]);
    assert_eq!(code, 1, "{report}\n{stderr}");
    assert!(started.elapsed() < Duration::from_secs(30), "bounded");
    let servers = report["servers"].as_array().unwrap();
    assert_eq!(servers[0]["status"], "failed to start");
    assert!(
        servers[0]["problem"]
            .as_str()
            .unwrap()
            .contains("exit status: 3"),
        "{}",
        servers[0]
    );
    assert!(servers[0]["output_tail"]
        .as_str()
        .unwrap()
        .contains("cannot bind"));
    assert_eq!(servers[1]["status"], "never listened");
    let cells = report["cells"].as_array().unwrap();
    assert!(cells[..4].iter().all(|c| c["ok"] == false
        && c["error"]["message"]
            .as_str()
            .unwrap()
            .contains("server unavailable")));
    // flaky serves the readiness check and one client, then exits.
    assert_eq!(cells[4]["ok"], true, "{}", cells[4]);
    assert_eq!(cells[5]["ok"], false, "{}", cells[5]);
    assert!(
        no_process_matches("sleep 37.5"),
        "the never-listening server was stopped"
    );
}

#[test]
fn ctrl_c_stops_every_server_it_started() {
    let pki = Pki::new();
    let mut command = tlslab();
    command.args([
        "compare",
        "--dir",
        &pki.arg(""),
        "--ready-timeout",
        "60",
        "--server",
        "slow=sleep 38.5 # {port}",
    ]);
    let (mut peer, rx) = Peer::spawn_watching(&mut command);
    let deadline = Instant::now() + Duration::from_secs(10);
    while no_process_matches("sleep 38.5") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!no_process_matches("sleep 38.5"), "the server started");
    peer.signal("INT");
    assert_eq!(peer.wait_exit(Duration::from_secs(10)), Some(2));
    peer.wait_line(&rx, "interrupted");
    assert!(
        no_process_matches("sleep 38.5"),
        "the server was stopped on Ctrl-C"
    );
}

#[test]
fn compare_usage_errors() {
    let pki = Pki::new();
    let existing = pki.path("ca.crt");
    for (args, expected) in [
        (vec!["compare"], "nothing to compare"),
        (vec!["compare", "--server", "x=run-me"], "{port}"),
        (
            vec!["compare", "--builtin", "a=rustls", "--builtin", "a=openssl"],
            "two servers",
        ),
        (vec!["compare", "--builtin", "a=gnutls"], "unknown backend"),
        (
            vec!["compare", "--builtin", "a=openssl:nope"],
            "unknown profile",
        ),
        (
            vec![
                "compare",
                "--builtin",
                "a=rustls",
                "--version-cmd",
                "b=true",
            ],
            "no server",
        ),
        (
            vec![
                "compare",
                "--builtin",
                "a=rustls",
                "--markdown",
                existing.to_str().unwrap(),
            ],
            "refusing to overwrite",
        ),
        (
            vec![
                "compare",
                "--builtin",
                "a=rustls",
                "--ciphers",
                "NOPE-CIPHER",
            ],
            "unknown cipher suite",
        ),
    ] {
        let (code, _, stderr) = run(&args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(
            stderr.contains(expected) && stderr.trim().lines().count() == 1,
            "{args:?}: {stderr}"
        );
    }
}

/// The HTML page, rendered by a real browser.
#[test]
fn the_html_page_renders_in_headless_chromium() {
    if !require("chromium") {
        return;
    }
    let pki = Pki::with_key("rsa2048");
    let html = pki.path("report.html");
    let (_, _, _) = run(&[
        "compare",
        "--no-scan",
        "--dir",
        &pki.arg(""),
        "--builtin",
        "a=openssl",
        "--builtin",
        "b=openssl:legacy-no-ecdh",
        "--ciphers",
        SUITE,
        "--html",
        html.to_str().unwrap(),
    ]);
    let profile = tempfile::tempdir().unwrap();
    let chromium = |extra: &[&str]| {
        Command::new("chromium")
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .args(extra)
            .arg(format!("file://{}", html.display()))
            .output()
            .expect("chromium runs")
    };
    let dom = chromium(&["--dump-dom"]);
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(
        dom.contains("id=\"matrix\"") && dom.contains("no-ecdhe-groups"),
        "{dom}"
    );
    let shot = pki.path("matrix.png");
    let output = chromium(&[
        &format!("--screenshot={}", shot.display()),
        "--window-size=1280,800",
    ]);
    let size = std::fs::metadata(&shot).map(|m| m.len()).unwrap_or(0);
    assert!(
        size > 10_000,
        "screenshot of {size} bytes: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The venv's python with Twisted (scripts/python-venv.sh); under CI it must exist.
fn venv_python() -> Option<String> {
    let python = std::env::var("TLSLAB_PYTHON").unwrap_or_else(|_| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../target/venv/bin/python").to_string()
    });
    let works = Command::new(&python)
        .args(["-c", "import twisted, OpenSSL"])
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if works {
        return Some(python);
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{python} cannot import twisted: scripts/python-venv.sh installs it");
    }
    eprintln!("\n!!!!! SKIPPING: no Python with Twisted (run scripts/python-venv.sh) !!!!!\n");
    None
}

#[test]
fn the_seed_servers_python_twisted_legacy_and_options_and_the_2016_profile() {
    let Some(python) = venv_python() else {
        return;
    };
    let pki = Pki::with_key("rsa2048");
    let examples = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");
    let pin = "ECDHE-RSA-AES128-GCM-SHA256";
    let server = |name: &str, script: &str| {
        format!("{name}={python} {examples}/{script} --port {{port}} --ciphers {pin}")
    };
    let markdown = pki.path("seed.md");
    let (code, report, stderr) = run_json(&[
        "compare",
        "--json",
        "--dir",
        &pki.arg(""),
        "--server",
        &server("http.server", "https_server.py"),
        "--server",
        &server("twisted-legacy", "twisted_legacy_server.py"),
        "--server",
        &server("twisted-options", "twisted_options_server.py"),
        "--builtin",
        "legacy-no-ecdh=openssl:legacy-no-ecdh",
        "--version-cmd",
        &format!(
            "twisted-legacy={python} -c 'import twisted; print(\"Twisted\", twisted.__version__)'"
        ),
        "--ciphers",
        SUITE,
        "--markdown",
        markdown.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{report}\n{stderr}");
    let cells = report["cells"].as_array().unwrap();
    for (index, name) in ["http.server", "twisted-legacy", "twisted-options"]
        .iter()
        .enumerate()
    {
        assert_eq!(cells[index]["server"], *name);
        assert_eq!(
            cells[index]["ok"], true,
            "{name} negotiates on today's OpenSSL: {}",
            cells[index]
        );
        assert_eq!(cells[index]["cipher_suite"]["code"], "0xC02F");
        assert_eq!(cells[index]["protocol"], "TLSv1.2");
    }
    assert_eq!(cells[3]["ok"], false);
    assert_eq!(cells[3]["diagnosis"][0]["code"], "no-ecdhe-groups");
    assert!(
        report["servers"][1]["version"]
            .as_str()
            .unwrap()
            .starts_with("Twisted "),
        "{}",
        report["servers"][1]
    );
    let text = std::fs::read_to_string(&markdown).unwrap();
    assert!(
        text.contains("- twisted-legacy: Twisted "),
        "real versions in the report:\n{text}"
    );
    assert!(
        text.contains("http.server vs twisted-legacy vs twisted-options vs legacy-no-ecdh"),
        "{text}"
    );
}
