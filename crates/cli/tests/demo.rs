//! `tlslab demo`: the seed reproduces.

use crate::util::run_json;

#[test]
fn the_demo_reproduces_the_seed() {
    let (code, report, stderr) = run_json(&["demo", "--json"]);
    assert_eq!(code, 0, "{report}\n{stderr}");
    assert_eq!(report["reproduced"], true);
    let a = &report["a"]["client"];
    assert_eq!(a["ok"], true);
    assert_eq!(a["protocol"], "TLSv1.2");
    assert_eq!(a["cipher_suite"]["code"], "0xC02F");
    assert_eq!(a["verification"]["trusted"], true);
    let b = &report["b"];
    assert_eq!(b["profile"], "legacy-no-ecdh");
    assert_eq!(b["client"]["ok"], false);
    assert_eq!(b["client"]["error"]["alert"]["code"], 40);
    let log = b["server_log"].to_string();
    assert!(log.contains("no shared cipher"), "B's own log line: {log}");
    assert!(
        log.contains("[no-ecdhe-groups:"),
        "B's log names the cause: {log}"
    );
    // The diagnosis of B, proved by probes.
    assert_eq!(b["client"]["diagnosis"][0]["code"], "no-ecdhe-groups");
    assert_eq!(b["client"]["diagnosis"][0]["confidence"], "certain");
    assert_eq!(report["a"]["client"]["diagnosis"], serde_json::json!([]));
}
