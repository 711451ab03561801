//! `tlslab suites`: the registry as a table and as JSON.

use crate::util::{run, run_json};

#[test]
fn json_rows_have_the_contract_fields() {
    let (code, rows, _) = run_json(&["suites", "--json"]);
    assert_eq!(code, 0);
    let rows = rows.as_array().unwrap();
    assert!(rows.len() > 330, "only {} suites", rows.len());
    let row = rows
        .iter()
        .find(|r| r["code"] == "0xC02F")
        .expect("0xC02F is listed");
    assert_eq!(row["iana"], "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
    assert_eq!(row["openssl"], "ECDHE-RSA-AES128-GCM-SHA256");
    assert_eq!(row["gnutls"], "TLS_ECDHE_RSA_AES_128_GCM_SHA256");
    assert_eq!(row["nss"], "ecdhe_rsa_aes_128_gcm_sha_256");
    assert_eq!(row["kx"], "ECDHE");
    assert_eq!(row["auth"], "RSA");
    assert_eq!(row["cipher"], "AES_128_GCM");
    assert_eq!(row["mac"], "SHA256");
    assert_eq!(row["versions"], serde_json::json!(["TLSv1.2"]));
    let null_row = rows.iter().find(|r| r["code"] == "0x1304").expect("0x1304");
    assert!(null_row["nss"].is_null());
}

#[test]
fn filters_by_fragment_kx_and_version() {
    let (code, rows, _) = run_json(&[
        "suites",
        "--json",
        "--kx",
        "ECDHE",
        "--version",
        "1.2",
        "AES128-GCM",
    ]);
    assert_eq!(code, 0);
    let codes: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"0xC02F") && codes.contains(&"0xC02B"),
        "{codes:?}"
    );
    assert!(rows.as_array().unwrap().iter().all(|r| r["kx"] == "ECDHE"));
    let (code, rows, _) = run_json(&["suites", "--json", "--version", "1.3"]);
    assert_eq!(code, 0);
    assert!(rows.as_array().unwrap().iter().all(|r| r["code"]
        .as_str()
        .unwrap()
        .starts_with("0x13")
        || r["kx"] == "ANY"
        || r["kx"] == "SCSV"));
}

#[test]
fn an_exact_name_in_any_style_selects_one_suite() {
    for name in [
        "ecdhe_rsa_aes_128_gcm_sha_256",
        "C0,2F",
        "0xC02F",
        "ECDHE_RSA_AES_128_GCM_SHA256",
    ] {
        let (code, rows, _) = run_json(&["suites", "--json", name]);
        assert_eq!(code, 0, "{name}");
        assert_eq!(rows.as_array().unwrap().len(), 1, "{name}: {rows}");
        assert_eq!(rows[0]["code"], "0xC02F");
    }
}

#[test]
fn no_match_is_a_negative_finding_with_suggestions() {
    let (code, _, stderr) = run(&["suites", "ECDHE-RSA-AES128-GCM-SHA265"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("did you mean ECDHE-RSA-AES128-GCM-SHA256"),
        "{stderr}"
    );
}

#[test]
fn groups_signature_schemes_and_alerts_are_listed() {
    let (_, groups, _) = run_json(&["suites", "--groups", "--json"]);
    let names: Vec<&str> = groups
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    for name in ["x25519", "secp256r1", "ffdhe2048", "X25519MLKEM768"] {
        assert!(names.contains(&name), "{name}");
    }
    let (_, text, _) = run(&["suites", "--sigalgs"]);
    assert!(text.contains("rsa_pss_rsae_sha256"));
    let (_, text, _) = run(&["suites", "--alerts"]);
    assert!(text.contains("handshake_failure"));
}
