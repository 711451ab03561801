//! The registry against the libraries it names: every suite OpenSSL and GnuTLS list on this
//! machine resolves, by its own name, to the code point the library gives.

use std::process::Command;

use tlslab_wire::registry::{self, resolve_suite};
use tlslab_wire::CipherSuite;

/// Output of a peer command, or `None` (skip) when it is not installed outside CI.
fn peer_output(program: &str, args: &[&str]) -> Option<String> {
    match Command::new(program).args(args).output() {
        Ok(output) => Some(String::from_utf8_lossy(&output.stdout).into_owned()),
        Err(e) if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("interop peer `{program}` is missing ({e}): scripts/test.sh installs it")
        }
        Err(_) => {
            eprintln!(
                "\n!!!!! SKIPPING: `{program}` is not installed (run scripts/test.sh) !!!!!\n"
            );
            None
        }
    }
}

fn hex_pair(high: &str, low: &str) -> u16 {
    let byte = |s: &str| {
        u8::from_str_radix(
            s.trim().trim_start_matches("0x").trim_start_matches("0X"),
            16,
        )
        .unwrap()
    };
    u16::from(byte(high)) << 8 | u16::from(byte(low))
}

#[test]
fn every_openssl_suite_resolves_to_its_code_point() {
    let Some(listing) = peer_output(
        "openssl",
        &[
            "ciphers",
            "-V",
            "-stdname",
            "ALL:COMPLEMENTOFALL:@SECLEVEL=0",
        ],
    ) else {
        return;
    };
    let mut checked = 0;
    for line in listing.lines() {
        // "0xC0,0x2F - TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 - ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 Kx=…"
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.len() < 5 || !fields[0].starts_with("0x") {
            continue;
        }
        let (high, low) = fields[0].split_once(',').expect("a code pair");
        let code = CipherSuite(hex_pair(high, low));
        let (stdname, openssl_name) = (fields[2], fields[4]);
        assert_eq!(
            resolve_suite(openssl_name),
            Ok(code),
            "OpenSSL name {openssl_name}"
        );
        assert_eq!(resolve_suite(stdname), Ok(code), "IANA name {stdname}");
        let row = registry::suite(code).unwrap_or_else(|| panic!("{code:?} has no row"));
        assert_eq!(row.openssl, Some(openssl_name), "{code:?}");
        assert_eq!(row.iana, stdname, "{code:?}");
        checked += 1;
    }
    assert!(
        checked > 100,
        "only {checked} OpenSSL suites parsed:\n{listing}"
    );
}

#[test]
fn every_gnutls_suite_resolves_to_its_code_point() {
    let Some(listing) = peer_output("gnutls-cli", &["-l"]) else {
        return;
    };
    let mut checked = 0;
    for line in listing.lines() {
        // "TLS_ECDHE_RSA_AES_128_GCM_SHA256  \t0xc0, 0x2f\tTLS1.2"
        let trimmed = line.trim();
        let Some((name, rest)) = trimmed.split_once(char::is_whitespace) else {
            continue;
        };
        if !name.starts_with("TLS_") {
            continue;
        }
        let Some((high, rest)) = rest.trim().split_once(',') else {
            continue;
        };
        let low = rest.split_whitespace().next().unwrap_or("");
        let code = CipherSuite(hex_pair(high, low));
        if code == CipherSuite(0x0066) {
            // TLS_DHE_DSS_ARCFOUR_128_SHA1: a pre-standard value in IANA's reserved range,
            // deliberately left out of the registry (see data/generate.py).
            continue;
        }
        assert_eq!(resolve_suite(name), Ok(code), "GnuTLS name {name}");
        assert_eq!(
            registry::suite(code).and_then(|r| r.gnutls),
            Some(name),
            "{code:?}"
        );
        checked += 1;
    }
    assert!(
        checked > 100,
        "only {checked} GnuTLS suites parsed:\n{listing}"
    );
}
