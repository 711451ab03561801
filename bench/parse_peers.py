#!/usr/bin/env python3
"""Reads what `bench/scan-vs-peers.sh` collected and prints the comparison.

Each scanner reports accepted cipher suites in its own dialect: sslscan in XML with
OpenSSL names and hex ids, nmap in XML with IANA names (and its own `TLS_AKE_WITH_` spelling
for TLS 1.3), sslyze in JSON with IANA names, testssl in flat JSON with hex codes in the
finding ids, tlslab in JSON with code points. Everything is reduced here to a set of
(protocol, code point) pairs — e.g. ("TLSv1.2", "0xC02F") — using the registry table
`crates/wire/data/cipher_suites.csv` for names, so the sets can be compared directly.

Subcommands:
  freeport                      print a free TCP port on 127.0.0.1
  parse TOOL FILE               print one tool's normalised result as JSON (for debugging)
  report --dir DIR --suites CSV print the tables from DIR/runs.tsv and the saved outputs

Standard library only.
"""

import argparse
import csv
import json
import re
import socket
import statistics
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Set, Tuple

# Protocol versions in wire order; the label is how every table here spells them.
PROTOCOLS = ["SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"]
# The versions a scan is expected to probe (SSLv2 has its own record format and is left out
# of the minimum-handshake arithmetic, as it is by most modern scanners).
PROBED_PROTOCOLS = PROTOCOLS[1:]

Pair = Tuple[str, str]  # (protocol label, code point "0xC02F")

ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


# --------------------------------------------------------------------------------------------
# Names and code points
# --------------------------------------------------------------------------------------------


class SuiteRegistry:
    """IANA and OpenSSL names <-> code points, from the committed registry table."""

    def __init__(self, csv_path: Optional[Path]) -> None:
        self.by_name: Dict[str, str] = {}
        self.iana_by_code: Dict[str, str] = {}
        if csv_path is None or not csv_path.exists():
            return
        with csv_path.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                code = normalise_code(row["code"])
                if code is None:
                    continue
                self.iana_by_code[code] = row["iana"]
                for column in ("iana", "openssl", "gnutls", "nss"):
                    name = (row.get(column) or "").strip()
                    if name:
                        self.by_name.setdefault(name.upper(), code)

    def code_for(self, name: str) -> str:
        """The code point for a suite name; an unknown name is kept as '?NAME' so it still
        shows up (rather than vanishing) when sets are compared."""
        key = name.strip().upper()
        # nmap spells the TLS 1.3 suites TLS_AKE_WITH_AES_128_GCM_SHA256.
        if key.startswith("TLS_AKE_WITH_"):
            key = "TLS_" + key[len("TLS_AKE_WITH_"):]
        return self.by_name.get(key, "?" + name.strip())

    def describe(self, code: str) -> str:
        name = self.iana_by_code.get(code)
        return f"{name} ({code})" if name else code


def normalise_code(value) -> Optional[str]:
    """0xc02f, 'C02F', 'xc02f', 49199 -> '0xC02F' (three-byte SSLv2 codes keep six digits)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip().lower()
        text = text.removeprefix("0x").removeprefix("x").replace(",", "").replace(" ", "")
        if not text or not re.fullmatch(r"[0-9a-f]+", text):
            return None
        number = int(text, 16)
    width = 6 if number > 0xFFFF else 4
    return f"0x{number:0{width}X}"


def normalise_protocol(value) -> Optional[str]:
    """'TLSv1.2', 'TLS 1.2', 'tls1_2', 'TLS_1_2', '1.2', 0x0303, 'SSL_3_0' -> canonical label."""
    if isinstance(value, int):
        return {0x0002: "SSLv2", 0x0300: "SSLv3", 0x0301: "TLSv1.0", 0x0302: "TLSv1.1",
                0x0303: "TLSv1.2", 0x0304: "TLSv1.3"}.get(value)
    if value is None:
        return None
    text = str(value).strip().lower()
    if text.startswith("0x"):
        try:
            return normalise_protocol(int(text, 16))
        except ValueError:
            return None
    text = re.sub(r"[\s_]+", ".", text)
    match = re.fullmatch(r"(ssl|tls)?\.?v?\.?(\d)(?:\.(\d))?", text)
    if not match:
        return None
    family, major, minor = match.group(1) or "tls", int(match.group(2)), int(match.group(3) or 0)
    if family == "ssl" and major in (2, 3):
        return f"SSLv{major}"
    if family == "tls" and major == 1 and minor <= 3:
        return f"TLSv1.{minor}"
    return None


# --------------------------------------------------------------------------------------------
# One parser per tool
# --------------------------------------------------------------------------------------------


@dataclass
class ScanResult:
    """What one run of one tool found, normalised."""

    accepted: Set[Pair] = field(default_factory=set)
    # Pairs the tool demonstrably tried (accepted or rejected), when its output says so;
    # None when the tool only lists what was accepted.
    tried: Optional[Set[Pair]] = None
    handshakes: Optional[int] = None  # as reported by the tool itself
    elapsed_ms: Optional[float] = None  # as reported by the tool itself
    also_enumerated: str = ""  # other probes that cost handshakes (groups, signature schemes)
    group_counts: Dict[str, int] = field(default_factory=dict)  # accepted groups per protocol
    notes: List[str] = field(default_factory=list)


class ParseError(Exception):
    """The output is missing or is not what this tool writes."""


def parse_tlslab(path: Path, registry: SuiteRegistry) -> ScanResult:
    """`tlslab scan --json`: {cipher_suites: [{protocol, code, ...}], handshakes, protocols}.

    The scan command is new, so this accepts a few plausible shapes: codes as numbers or hex
    strings, names instead of codes, suites nested under protocols, an `accepted` flag."""
    data = load_json(path)
    if not isinstance(data, dict):
        raise ParseError("tlslab JSON is not an object")
    result = ScanResult()

    def take(item, protocol_hint=None) -> None:
        if not isinstance(item, dict) or item.get("accepted") is False:
            return
        protocol = normalise_protocol(
            item.get("protocol") or item.get("version") or protocol_hint
        )
        code = normalise_code(item.get("code"))
        if code is None:
            name = item.get("iana") or item.get("name") or item.get("suite")
            code = registry.code_for(name) if isinstance(name, str) else None
        if protocol and code:
            result.accepted.add((protocol, code))

    suites = data.get("cipher_suites")
    if isinstance(suites, list):
        for item in suites:
            take(item)
    for entry in data.get("protocols") or []:
        if isinstance(entry, dict):
            for key in ("cipher_suites", "accepted", "suites"):
                if isinstance(entry.get(key), list):
                    for item in entry[key]:
                        take(item, entry.get("version") or entry.get("protocol"))
    if not isinstance(suites, list) and not result.accepted:
        raise ParseError("tlslab JSON has no cipher_suites array")
    handshakes = data.get("handshakes")
    if isinstance(handshakes, int) and not isinstance(handshakes, bool):
        result.handshakes = handshakes
    elapsed = data.get("elapsed_ms")
    if isinstance(elapsed, (int, float)) and not isinstance(elapsed, bool):
        result.elapsed_ms = float(elapsed)
    for group in data.get("groups") or []:
        if isinstance(group, dict) and isinstance(group.get("protocol"), str):
            result.group_counts[group["protocol"]] = result.group_counts.get(group["protocol"], 0) + 1
    # Probes beyond cipher suites also cost handshakes; note what else the scan enumerated.
    result.also_enumerated = " and ".join(
        f"{len(data[key])} {key.replace('_', ' ')}" for key in ("groups", "signature_schemes")
        if isinstance(data.get(key), list) and data[key]
    )
    return result


def parse_sslscan(path: Path, registry: SuiteRegistry) -> ScanResult:
    """sslscan --xml: <cipher status="accepted|preferred" sslversion="TLSv1.2" id="0xC02F"
    cipher="ECDHE-RSA-AES128-GCM-SHA256" .../>."""
    root = load_xml(path)
    result = ScanResult()
    for cipher in root.iter("cipher"):
        if cipher.get("status") not in ("accepted", "preferred"):
            continue
        protocol = normalise_protocol(cipher.get("sslversion"))
        code = normalise_code(cipher.get("id")) or registry.code_for(cipher.get("cipher", ""))
        if protocol:
            result.accepted.add((protocol, code))
    if root.find(".//ssltest") is None:
        raise ParseError("sslscan XML has no <ssltest> (did it reach the server?)")
    return result


def parse_nmap(path: Path, registry: SuiteRegistry) -> ScanResult:
    """nmap -oX with ssl-enum-ciphers: <script id="ssl-enum-ciphers"><table key="TLSv1.2">
    <table key="ciphers"><table><elem key="name">TLS_...</elem>..."""
    root = load_xml(path)
    scripts = [s for s in root.iter("script") if s.get("id") == "ssl-enum-ciphers"]
    if not scripts:
        raise ParseError("nmap XML has no ssl-enum-ciphers result (port closed or not TLS?)")
    result = ScanResult()
    for script in scripts:
        for protocol_table in script.findall("table"):
            protocol = normalise_protocol(protocol_table.get("key"))
            ciphers = protocol_table.find("table[@key='ciphers']")
            if protocol is None or ciphers is None:
                continue
            for cipher in ciphers.findall("table"):
                name = cipher.find("elem[@key='name']")
                if name is not None and name.text:
                    result.accepted.add((protocol, registry.code_for(name.text)))
    return result


# sslyze 6 scan-command names for the per-version cipher suite scans.
SSLYZE_COMMANDS = {
    "ssl_2_0_cipher_suites": "SSLv2",
    "ssl_3_0_cipher_suites": "SSLv3",
    "tls_1_0_cipher_suites": "TLSv1.0",
    "tls_1_1_cipher_suites": "TLSv1.1",
    "tls_1_2_cipher_suites": "TLSv1.2",
    "tls_1_3_cipher_suites": "TLSv1.3",
}


def parse_sslyze(path: Path, registry: SuiteRegistry) -> ScanResult:
    """sslyze 6 --json_out: server_scan_results[].scan_result.<tls_1_2_cipher_suites>
    = {status, result: {accepted_cipher_suites: [{cipher_suite: {name}}], rejected_...}}."""
    data = load_json(path)
    servers = data.get("server_scan_results") if isinstance(data, dict) else None
    if not servers:
        raise ParseError("sslyze JSON has no server_scan_results")
    result = ScanResult(tried=set())
    for server in servers:
        if server.get("scan_status") != "COMPLETED":
            raise ParseError(
                f"sslyze could not scan: {server.get('connectivity_error_trace') or server.get('scan_status')}"
            )
        scan = server.get("scan_result") or {}
        for command, protocol in SSLYZE_COMMANDS.items():
            attempt = scan.get(command)
            if not attempt or attempt.get("status") == "NOT_SCHEDULED":
                continue
            if attempt.get("status") != "COMPLETED" or not attempt.get("result"):
                result.notes.append(f"{command}: {attempt.get('status')} {attempt.get('error_reason') or ''}")
                continue
            outcome = attempt["result"]
            for key in ("accepted_cipher_suites", "rejected_cipher_suites"):
                for entry in outcome.get(key) or []:
                    pair = (protocol, registry.code_for(entry["cipher_suite"]["name"]))
                    result.tried.add(pair)
                    if key == "accepted_cipher_suites":
                        result.accepted.add(pair)
    return result


TESTSSL_ID = re.compile(r"^cipher-(ssl2|ssl3|tls1|tls1_1|tls1_2|tls1_3)_x([0-9a-fA-F]+)$")
TESTSSL_PROTOCOLS = {"ssl2": "SSLv2", "ssl3": "SSLv3", "tls1": "TLSv1.0",
                     "tls1_1": "TLSv1.1", "tls1_2": "TLSv1.2", "tls1_3": "TLSv1.3"}


def parse_testssl(path: Path, registry: SuiteRegistry) -> ScanResult:
    """testssl --jsonfile (flat): [{id: "cipher-tls1_2_xc02f", finding: "..."}, ...]; -E lists
    only offered suites, one finding each."""
    data = load_json(path)
    findings = list(walk_findings(data))
    if not findings:
        raise ParseError("testssl JSON has no findings")
    result = ScanResult()
    for finding in findings:
        match = TESTSSL_ID.match(str(finding.get("id", "")))
        if not match or "not offered" in str(finding.get("finding", "")).lower():
            continue
        code = normalise_code(match.group(2))
        result.accepted.add((TESTSSL_PROTOCOLS[match.group(1)], code))
    for finding in findings:
        if str(finding.get("severity", "")).upper() in ("WARN", "FATAL"):
            result.notes.append(f"testssl {finding.get('severity')}: {finding.get('finding')}")
    return result


def walk_findings(node):
    """Every dict with an 'id' key, whether the file is the flat or the pretty JSON format."""
    if isinstance(node, dict):
        if "id" in node:
            yield node
        for value in node.values():
            yield from walk_findings(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk_findings(value)


PARSERS = {
    "tlslab": parse_tlslab,
    "sslscan": parse_sslscan,
    "nmap": parse_nmap,
    "sslyze": parse_sslyze,
    "testssl": parse_testssl,
}


def load_json(path: Path):
    text = read_output(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ParseError(f"not JSON ({error.msg} at line {error.lineno})") from None


def load_xml(path: Path) -> ET.Element:
    text = read_output(path)
    try:
        return ET.fromstring(text)
    except ET.ParseError as error:
        raise ParseError(f"not XML ({error})") from None


def read_output(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        raise ParseError(f"no output ({error.strerror})") from None
    if not text.strip():
        raise ParseError("empty output")
    return text


def parse_output(tool: str, path: Path, registry: SuiteRegistry) -> ScanResult:
    try:
        parser = PARSERS[tool]
    except KeyError:
        raise ParseError(f"no parser for tool {tool!r}") from None
    try:
        return parser(path, registry)
    except ParseError:
        raise
    except (KeyError, TypeError, AttributeError, ValueError) as error:
        raise ParseError(f"unexpected {tool} output shape ({type(error).__name__}: {error})") from None


# --------------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------------


@dataclass
class Run:
    kind: str  # "timed" or "count"
    seconds: float
    status: int
    output: Path
    connections: Optional[int]
    result: Optional[ScanResult] = None
    error: Optional[str] = None


@dataclass
class ToolRuns:
    name: str
    runs: List[Run] = field(default_factory=list)

    @property
    def good_timed(self) -> List[Run]:
        return [run for run in self.runs if run.kind == "timed" and run.result is not None]

    @property
    def last_result(self) -> Optional[ScanResult]:
        good = self.good_timed or [run for run in self.runs if run.result is not None]
        return good[-1].result if good else None

    @property
    def connections(self) -> Optional[int]:
        counted = [run.connections for run in self.runs if run.kind == "count" and run.connections is not None]
        return counted[-1] if counted else None


def load_runs(directory: Path, registry: SuiteRegistry) -> List[ToolRuns]:
    """runs.tsv: tool, kind, seconds, exit status, output file, TCP connections (or -)."""
    tools: Dict[str, ToolRuns] = {}
    runs_file = directory / "runs.tsv"
    if not runs_file.exists():
        return []
    for line in runs_file.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if len(fields) < 6 or line.startswith("#"):
            continue
        tool, kind, seconds, status, output, connections = fields[:6]
        run = Run(
            kind=kind,
            seconds=float(seconds),
            status=int(status),
            output=Path(output),
            connections=int(connections) if connections.isdigit() else None,
        )
        # tlslab: exit 2 is a usage or tool error; 0 and 1 (nothing accepted) are results.
        if tool == "tlslab" and run.status not in (0, 1):
            run.error = f"exit status {run.status}"
        elif run.status in (124, 137):
            run.error = "timed out"
        else:
            try:
                run.result = parse_output(tool, run.output, registry)
            except ParseError as error:
                run.error = f"{error} (exit status {run.status})"
        tools.setdefault(tool, ToolRuns(tool)).runs.append(run)
    return list(tools.values())


def consensus(results: Dict[str, ScanResult]) -> Set[Pair]:
    """Pairs reported by at least half of the tools that produced a result."""
    votes = Counter(pair for result in results.values() for pair in result.accepted)
    quorum = len(results) / 2
    return {pair for pair, count in votes.items() if count >= quorum}


def per_protocol(pairs: Set[Pair]) -> Dict[str, int]:
    counts = Counter(protocol for protocol, _ in pairs)
    return {protocol: counts.get(protocol, 0) for protocol in PROTOCOLS}


def print_table(headers: List[str], rows: List[List[str]], right: Set[int]) -> None:
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows)]

    def line(cells) -> str:
        parts = []
        for index, cell in enumerate(cells):
            text = str(cell)
            parts.append(text.rjust(widths[index]) if index in right else text.ljust(widths[index]))
        return "  ".join(parts).rstrip()

    print(line(headers))
    print(line(["-" * width for width in widths]))
    for row in rows:
        print(line(row))


def ratio_text(seconds: float, reference: Optional[float]) -> str:
    if reference is None or reference <= 0:
        return "-"
    ratio = seconds / reference
    if abs(ratio - 1) < 0.05:
        return f"{ratio:.2f}× (same)"
    return f"{ratio:.1f}× slower" if ratio > 1 else f"{1 / ratio:.1f}× faster"


def report(directory: Path, registry: SuiteRegistry, meta: Dict[str, str]) -> int:
    tools = load_runs(directory, registry)
    if not tools:
        print("No runs recorded.")
        return 0

    # ---- failures and run-to-run variation first, so the tables can be read with them in mind
    print()
    for tool in tools:
        for index, run in enumerate(tool.runs, 1):
            if run.error:
                print(f"  {tool.name}: {run.kind} run {index} failed — {run.error}")
        sets = {frozenset(run.result.accepted) for run in tool.runs if run.result is not None}
        if len(sets) > 1:
            counts = [len(run.result.accepted) for run in tool.runs if run.result is not None]
            print(f"  {tool.name}: accepted set varied between runs (counts {counts})")
        result = tool.last_result
        if result:
            for note in result.notes:
                print(f"  {tool.name}: note: {note}")
            unknown = sorted(code for _, code in result.accepted if code.startswith("?"))
            if unknown:
                print(f"  {tool.name}: suite names not in the registry table: {', '.join(unknown)}")

    results = {tool.name: tool.last_result for tool in tools if tool.last_result is not None}
    agreed = consensus(results) if results else set()
    tlslab = next((tool for tool in tools if tool.name == "tlslab"), None)
    tlslab_median = (
        statistics.median(run.seconds for run in tlslab.good_timed)
        if tlslab and tlslab.good_timed else None
    )

    # ---- minimum number of handshakes a complete scan needs, from the agreed accepted set
    supported = [p for p in PROBED_PROTOCOLS if any(proto == p for proto, _ in agreed)]
    unsupported = [p for p in PROBED_PROTOCOLS if p not in supported]
    accepted_probed = sum(1 for proto, _ in agreed if proto in PROBED_PROTOCOLS)
    minimum = accepted_probed + len(supported) + len(unsupported)

    # ---- main table
    print()
    print(f"Wall time over {meta.get('runs', '?')} run(s) against {meta.get('server', 'the server')}"
          f" (peer mode: {meta.get('mode', '?')})")
    headers = ["tool", "runs ok", "median s", "min s", "max s", "accepted",
               "handshakes", "TCP conns", "conns/min", "vs tlslab"]
    rows = []
    for tool in tools:
        good = tool.good_timed
        timed = [run for run in tool.runs if run.kind == "timed"]
        result = tool.last_result
        conns = tool.connections
        if good:
            times = [run.seconds for run in good]
            median = statistics.median(times)
            timing = [f"{median:.3f}", f"{min(times):.3f}", f"{max(times):.3f}"]
            versus = "reference" if tool.name == "tlslab" else ratio_text(median, tlslab_median)
        else:
            timing, versus = ["failed", "-", "-"], "-"
        rows.append([
            tool.name,
            f"{len(good)}/{len(timed)}",
            *timing,
            str(len(result.accepted)) if result else "-",
            str(result.handshakes) if result and result.handshakes is not None else "-",
            str(conns) if conns is not None else "-",
            f"{conns / minimum:.2f}" if conns is not None and minimum else "-",
            versus,
        ])
    print_table(headers, rows, right={1, 2, 3, 4, 5, 6, 7, 8})
    print("  accepted   = (protocol, cipher suite) pairs the tool found the server to accept")
    print("  handshakes = as reported by the tool itself (only tlslab reports it)")
    print("  TCP conns  = connections counted by a relay in one extra, untimed run")

    # ---- per-protocol counts
    if results:
        print()
        print("Accepted suites per protocol")
        shown = [p for p in PROTOCOLS if any(per_protocol(r.accepted)[p] for r in results.values())
                 or p in PROBED_PROTOCOLS]
        rows = []
        for name, result in list(results.items()) + [("(agreed)", None)]:
            counts = per_protocol(result.accepted if result else agreed)
            total = len(result.accepted if result else agreed)
            rows.append([name] + [str(counts[p]) for p in shown] + [str(total)])
        print_table(["tool"] + shown + ["total"], rows, right=set(range(1, len(shown) + 2)))

    # ---- agreement
    print()
    if len(results) < 2:
        print("Agreement: fewer than two tools produced a result; nothing to compare.")
    else:
        disagreeing = {name: r for name, r in results.items() if r.accepted != agreed}
        if not disagreeing:
            print(f"Agreement: all {len(results)} tools report the same {len(agreed)} accepted"
                  f" (protocol, suite) pairs.")
        else:
            print(f"Agreement: {len(results) - len(disagreeing)} of {len(results)} tools match the"
                  f" majority set of {len(agreed)} pairs; differences:")
            for name, result in disagreeing.items():
                for label, pairs in (("extra", result.accepted - agreed),
                                     ("missing", agreed - result.accepted)):
                    for protocol in PROTOCOLS:
                        chosen = sorted(code for proto, code in pairs if proto == protocol)
                        if not chosen:
                            continue
                        described = []
                        for code in chosen:
                            text = registry.describe(code)
                            if label == "missing" and result.tried is not None \
                                    and (protocol, code) not in result.tried:
                                text += f" [never tried by {name}]"
                            described.append(text)
                        print(f"  {name}: {label} {len(chosen)} in {protocol}:")
                        for text in described:
                            print(f"      {text}")

    # ---- handshake economy
    print()
    print(f"Minimum handshakes for a complete scan = {accepted_probed} accepted suites"
          f" + {len(supported)} refusal(s), one per supported version ({', '.join(supported) or 'none'})"
          f" + {len(unsupported)} probe(s) of unsupported versions ({', '.join(unsupported) or 'none'})"
          f" = {minimum}")
    tlslab_result = tlslab.last_result if tlslab else None
    if tlslab_result and tlslab_result.handshakes is not None and minimum:
        also = (f" (its scan also enumerated {tlslab_result.also_enumerated})"
                if tlslab_result.also_enumerated else "")
        print(f"tlslab made {tlslab_result.handshakes} handshakes = "
              f"{tlslab_result.handshakes / minimum:.2f} × the minimum{also}")
        # The target as the issue states it also counts the group probes: one per accepted
        # group plus one refusal, for each version whose groups are enumerated.
        group_probes = sum(count + 1 for count in tlslab_result.group_counts.values())
        if group_probes:
            with_groups = minimum + group_probes
            print(f"Minimum including the group probes ({', '.join(f'{n} {p}' for p, n in sorted(tlslab_result.group_counts.items()))}"
                  f" groups, plus one refusal each) = {with_groups}; tlslab made "
                  f"{tlslab_result.handshakes / with_groups:.2f} × that (target: at most 1.2×)")
        elapsed = [run.result.elapsed_ms for run in tlslab.good_timed
                   if run.result.elapsed_ms is not None]
        if elapsed and tlslab_median:
            print(f"tlslab's own elapsed_ms, median {statistics.median(elapsed):.0f} ms"
                  f" (wall time median {tlslab_median * 1000:.0f} ms includes process start and exit)")
    elif tlslab is None:
        print("tlslab was not run.")
    else:
        print("tlslab: no handshake count (scan failed or did not report one).")
    return 0


# --------------------------------------------------------------------------------------------


def free_port() -> int:
    """A port that is free on 127.0.0.1 right now (the kernel picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("freeport")
    one = commands.add_parser("parse")
    one.add_argument("tool", choices=sorted(PARSERS))
    one.add_argument("file", type=Path)
    one.add_argument("--suites", type=Path)
    full = commands.add_parser("report")
    full.add_argument("--dir", type=Path, required=True)
    full.add_argument("--suites", type=Path)
    full.add_argument("--meta", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args()

    if args.command == "freeport":
        print(free_port())
        return 0
    registry = SuiteRegistry(args.suites)
    if args.command == "parse":
        try:
            result = parse_output(args.tool, args.file, registry)
        except ParseError as error:
            print(f"parse_peers: {args.tool}: {error}", file=sys.stderr)
            return 2
        print(json.dumps({
            "accepted": sorted(result.accepted, key=lambda p: (PROTOCOLS.index(p[0]), p[1])),
            "per_protocol": per_protocol(result.accepted),
            "total": len(result.accepted),
            "handshakes": result.handshakes,
            "notes": result.notes,
        }, indent=1))
        return 0
    meta = dict(item.split("=", 1) for item in args.meta if "=" in item)
    return report(args.dir, registry, meta)


if __name__ == "__main__":
    sys.exit(main())
