#!/usr/bin/env bash
# Benchmarks `tlslab scan` against established TLS scanners — sslscan, nmap ssl-enum-ciphers,
# sslyze and testssl.sh — on loopback, and prints a comparison: wall time (median and min over
# RUNS runs), accepted (protocol, cipher suite) pairs, handshakes, and whether the tools agree.
#
# The target is `openssl s_server -cipher 'ALL:@SECLEVEL=0'` (TLS 1.0–1.3) on a free port of
# 127.0.0.1, with a certificate from `tlslab pki init`. Nothing but loopback is ever scanned.
#
# A benchmark run by hand, not a test; it always exits 0 once it has run (a missing or broken
# tlslab, or a failing peer, is reported in the output and the other tools still run).
#
# Environment:
#   RUNS=5            timed runs per tool (the median and min are reported)
#   TLSLAB=path       tlslab binary (default target/release/tlslab; built with
#                     `cargo build --release` if it is missing, unless NO_BUILD=1)
#   TOOLS="..."       which tools, in order (default: tlslab sslscan nmap sslyze testssl)
#   PEER_MODE=ciphers ask each peer for protocol + cipher suite enumeration only (default), or
#             default   run sslscan and sslyze with their default, broader check sets
#   COUNT_CONNS=1     one extra untimed run per tool through a counting relay, to learn how many
#                     TCP connections it makes (0 to skip)
#   TOOL_TIMEOUT=900  seconds before one tool run is killed
#   KEEP=1            keep the working directory (outputs of every run) instead of deleting it
#   PYTHON=python3    interpreter for the stdlib-only helpers in bench/
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
repo=$PWD

RUNS=${RUNS:-5}
TLSLAB=${TLSLAB:-target/release/tlslab}
TOOLS=${TOOLS:-"tlslab sslscan nmap sslyze testssl"}
PEER_MODE=${PEER_MODE:-ciphers}
COUNT_CONNS=${COUNT_CONNS:-1}
TOOL_TIMEOUT=${TOOL_TIMEOUT:-900}
PYTHON=${PYTHON:-python3}
venv=target/bench-venv
suites_csv=$repo/crates/wire/data/cipher_suites.csv

say() { echo "bench: $*" >&2; }

case $RUNS in '' | *[!0-9]* | 0) say "RUNS must be a positive integer"; exit 2 ;; esac
case $PEER_MODE in ciphers | default) ;; *) say "PEER_MODE must be 'ciphers' or 'default'"; exit 2 ;; esac

# Wall-clock seconds with microsecond resolution; $EPOCHREALTIME (bash 5) costs no fork.
now() {
    if [ -n "${EPOCHREALTIME:-}" ]; then echo "${EPOCHREALTIME/,/.}"; else date +%s.%N; fi
}

# ---------------------------------------------------------------------------------------------
# Working directory and cleanup. Every long-running process is started with setsid, so it leads
# its own process group; the trap kills those groups and then checks nothing is left.
# ---------------------------------------------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/tlslab-bench.XXXXXX")
groups=()      # process-group ids we started
tool_group=""  # the scanner running right now, if any
port="" relay_port=""

# shellcheck disable=SC2317  # reached through the EXIT trap
cleanup() {
    local status=$? group leftovers=""
    trap - EXIT INT TERM
    [ -n "$tool_group" ] && groups+=("$tool_group")
    for group in "${groups[@]}"; do
        kill -TERM -- "-$group" 2>/dev/null
    done
    for group in "${groups[@]}"; do
        # Give each group up to 2 s to go, then force it.
        for _ in $(seq 20); do kill -0 -- "-$group" 2>/dev/null || break; sleep 0.1; done
        kill -KILL -- "-$group" 2>/dev/null
        wait "$group" 2>/dev/null
    done
    sleep 0.1
    for group in "${groups[@]}"; do
        if pgrep -g "$group" >/dev/null 2>&1; then
            leftovers+=" group $group: $(pgrep -g "$group" | tr '\n' ' ')"
        fi
    done
    for p in $port $relay_port; do
        if command -v ss >/dev/null && [ -n "$(ss -Htln "sport = :$p" 2>/dev/null)" ]; then
            leftovers+=" port $p still listening"
        fi
    done
    if [ -n "$leftovers" ]; then
        say "cleanup: left behind:$leftovers"
    elif [ ${#groups[@]} -gt 0 ]; then
        say "cleanup: all started processes stopped, ports closed"
    fi
    if [ "${KEEP:-0}" = 1 ]; then say "outputs kept in $work"; else rm -rf "$work"; fi
    exit "$status"
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT TERM

# Starts "$@" in a new session (hence its own process group) in the background and records the
# group. Sets $started to its pid, which is also the group id: a background child of a
# non-interactive shell is never a group leader, so setsid execs in place instead of forking.
start_group() {
    setsid "$@" </dev/null &
    started=$!
    groups+=("$started")
}

# ---------------------------------------------------------------------------------------------
# 1. Peers: Debian packages (apt-get update only if something is missing) and sslyze in a venv.
# ---------------------------------------------------------------------------------------------
as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)

declare -A package_for=([sslscan]=sslscan [nmap]=nmap [testssl]=testssl.sh [openssl]=openssl
                        [setsid]=util-linux [ss]=iproute2 [pgrep]=procps)
missing=()
for command in "${!package_for[@]}"; do
    command -v "$command" >/dev/null 2>&1 || missing+=("${package_for[$command]}")
done
if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]}"
    if ! { "${as_root[@]}" apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends \
            "${missing[@]}" >/dev/null; }; then
        say "apt-get install failed; tools still missing will be skipped"
    fi
fi

if [[ " $TOOLS " == *" sslyze "* ]] && [ ! -x "$venv/bin/sslyze" ]; then
    say "installing sslyze into $venv"
    if ! { "$PYTHON" -m venv "$venv" && "$venv/bin/pip" install -q sslyze; } >"$work/sslyze-install.log" 2>&1; then
        say "sslyze install failed; sslyze will be skipped:"
        tail -5 "$work/sslyze-install.log" >&2
    fi
fi

# ---------------------------------------------------------------------------------------------
# 2. tlslab (build if missing) and the test PKI.
# ---------------------------------------------------------------------------------------------
tlslab_ok=1
# A bare command name is looked up on PATH.
[[ $TLSLAB == */* ]] || TLSLAB=$(command -v "$TLSLAB" || echo "$TLSLAB")
if [ ! -x "$TLSLAB" ]; then
    if [ "${NO_BUILD:-0}" != 1 ] && [ "$TLSLAB" = target/release/tlslab ]; then
        say "$TLSLAB missing; running cargo build --release"
        cargo build --release --locked -p tlslab-cli >"$work/build.log" 2>&1 ||
            { say "cargo build failed:"; tail -20 "$work/build.log" >&2; }
    fi
    if [ ! -x "$TLSLAB" ]; then
        say "tlslab: $TLSLAB does not exist — tlslab is skipped, the peers still run"
        tlslab_ok=0
    fi
fi
TLSLAB=$(realpath -m "$TLSLAB")

pki=$work/pki
mkdir -p "$pki"
if [ "$tlslab_ok" = 1 ] && "$TLSLAB" pki init --key rsa2048 --dir "$pki" >"$work/pki.log" 2>&1 &&
    [ -s "$pki/srv.crt" ] && [ -s "$pki/srv.key" ]; then
    say "PKI from tlslab pki init (RSA 2048)"
else
    # Keep going without tlslab: a self-signed RSA 2048 certificate serves the peers as well.
    [ "$tlslab_ok" = 1 ] && say "tlslab pki init failed: $(head -c 300 "$work/pki.log")"
    say "PKI from openssl req (self-signed RSA 2048, CN=localhost)"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
        -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
        -keyout "$pki/srv.key" -out "$pki/srv.crt" >/dev/null 2>&1 || { say "openssl req failed"; exit 1; }
fi

# ---------------------------------------------------------------------------------------------
# 3. The server, and the connection-counting relay in front of it.
# ---------------------------------------------------------------------------------------------
# True once something accepts TCP connections on 127.0.0.1:$1 (checked via the listen table,
# so the probe itself does not cost the single-threaded s_server a connection).
listening() {
    if command -v ss >/dev/null; then
        [ -n "$(ss -Htln "sport = :$1" 2>/dev/null)" ]
    else
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
    fi
}

port=$("$PYTHON" bench/parse_peers.py freeport)
start_group openssl s_server -accept "127.0.0.1:$port" -cert "$pki/srv.crt" -key "$pki/srv.key" \
    -cipher 'ALL:@SECLEVEL=0' -www -quiet
server_pid=$started
for _ in $(seq 50); do listening "$port" && break; sleep 0.1; done
if ! listening "$port" || ! kill -0 "$server_pid" 2>/dev/null; then
    say "openssl s_server did not start on 127.0.0.1:$port"
    exit 1
fi
server="openssl s_server $(openssl version | cut -d' ' -f2) on 127.0.0.1:$port"
say "server: $server, -cipher 'ALL:@SECLEVEL=0'"

if [ "$COUNT_CONNS" = 1 ]; then
    relay_port=$("$PYTHON" bench/parse_peers.py freeport)
    start_group "$PYTHON" bench/conncount.py --listen-port "$relay_port" --target-port "$port" \
        --count-file "$work/conns"
    for _ in $(seq 100); do [ -e "$work/conns.ready" ] && break; sleep 0.1; done
    if [ ! -e "$work/conns.ready" ]; then
        say "connection-counting relay did not start; counts skipped"
        COUNT_CONNS=0
    fi
fi

# ---------------------------------------------------------------------------------------------
# 4. The scanners. tool_command TOOL PORT OUTPUT sets the array `cmd`; each tool writes its
#    machine-readable result to OUTPUT (tlslab to stdout, which is redirected there).
# ---------------------------------------------------------------------------------------------
tool_command() {
    local tool=$1 target_port=$2 output=$3
    case $tool in
    tlslab) cmd=("$TLSLAB" scan "127.0.0.1:$target_port" --json) ;;
    sslscan)
        # sslscan 2.x tests SSLv2 through TLS 1.3 by default (SSLv2/3 only if its OpenSSL can).
        cmd=(sslscan --no-colour "--xml=$output")
        [ "$PEER_MODE" = ciphers ] && cmd+=(--no-heartbleed --no-renegotiation --no-compression
                                            --no-fallback --no-groups --no-check-certificate)
        cmd+=("127.0.0.1:$target_port") ;;
    nmap)
        # -n: no reverse DNS; -Pn: the host is up; the script probes every version itself.
        cmd=(nmap -n -Pn -p "$target_port" --script ssl-enum-ciphers -oX "$output" 127.0.0.1) ;;
    sslyze)
        cmd=("$venv/bin/sslyze" --quiet "--json_out=$output")
        [ "$PEER_MODE" = ciphers ] && cmd+=(--sslv2 --sslv3 --tlsv1 --tlsv1_1 --tlsv1_2 --tlsv1_3
                                            --mozilla_config=disable)
        cmd+=("127.0.0.1:$target_port") ;;
    testssl)
        # -E: each cipher per protocol; --nodns none: no lookups at all for a literal address.
        cmd=(testssl --quiet --color 0 --warnings off --nodns none --openssl "$(command -v openssl)"
             -E --jsonfile "$output" "127.0.0.1:$target_port") ;;
    *) return 1 ;;
    esac
}

available() {
    case $1 in
    tlslab) [ "$tlslab_ok" = 1 ] ;;
    sslyze) [ -x "$venv/bin/sslyze" ] ;;
    *) command -v "$1" >/dev/null 2>&1 ;;
    esac
}

# run_tool TOOL KIND INDEX PORT: one run; appends a line to runs.tsv and sets $run_status.
# (Not called in $(...): the tool's group must be visible to the trap while it runs.)
run_tool() {
    local tool=$1 kind=$2 index=$3 target_port=$4 ext output before after start end status conns=-
    case $tool in sslscan | nmap) ext=xml ;; *) ext=json ;; esac
    output=$work/out/$tool.$kind.$index.$ext
    tool_command "$tool" "$target_port" "$output"
    [ "$kind" = count ] && before=$(cat "$work/conns")
    local stdout=$work/out/$tool.$kind.$index.stdout stderr=$work/out/$tool.$kind.$index.stderr
    [ "$tool" = tlslab ] && stdout=$output
    start=$(now)
    setsid timeout "$TOOL_TIMEOUT" "${cmd[@]}" >"$stdout" 2>"$stderr" </dev/null &
    tool_group=$!
    wait "$tool_group"
    status=$?
    end=$(now)
    tool_group=""
    if [ "$kind" = count ]; then
        sleep 0.2  # let the relay finish accepting stragglers
        after=$(cat "$work/conns")
        conns=$((after - before))
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$kind" "$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.6f", b - a}')" \
        "$status" "$output" "$conns" >>"$work/runs.tsv"
    run_status=$status
}

mkdir -p "$work/out"
: >"$work/runs.tsv"
tools_run=()
for tool in $TOOLS; do
    if ! available "$tool"; then
        say "$tool: not available — skipped"
        continue
    fi
    tools_run+=("$tool")
    tool_command "$tool" "$port" "<out>"
    say "$tool: ${cmd[*]}"
    for index in $(seq "$RUNS"); do
        run_tool "$tool" timed "$index" "$port"
        status=$run_status
        seconds=$(tail -1 "$work/runs.tsv" | cut -f3)
        say "  $tool run $index/$RUNS: ${seconds}s, exit $status"
        if [ "$tool" = tlslab ] && [ "$status" != 0 ] && [ "$status" != 1 ]; then
            say "  tlslab scan failed (exit $status): $(head -c 400 "$work/out/tlslab.timed.$index.stderr")"
            say "  — tlslab's remaining runs skipped; the peers still run"
            break
        fi
    done
    if [ "$COUNT_CONNS" = 1 ] && { [ "$tool" != tlslab ] || [ "$status" = 0 ] || [ "$status" = 1 ]; }; then
        run_tool "$tool" count 1 "$relay_port"
        say "  $tool via relay: $(tail -1 "$work/runs.tsv" | cut -f6) TCP connections"
    fi
done

# Versions, for the record.
versions=()
for tool in "${tools_run[@]}"; do
    case $tool in
    tlslab) v=$("$TLSLAB" --version 2>/dev/null | head -1) ;;
    sslscan) v="sslscan $(sslscan --version 2>/dev/null | sed 's/\x1b\[[0-9;]*m//g' | awk 'NF {print $1; exit}')" ;;
    nmap) v=$(nmap --version | head -1 | awk '{print "nmap", $3}') ;;
    sslyze) v="sslyze $("$venv/bin/pip" show sslyze 2>/dev/null | awk '/^Version/ {print $2}')" ;;
    testssl) v=$(testssl --version 2>/dev/null | sed 's/\x1b\[[0-9;]*m//g' | awk '/testssl/ {print "testssl", $2; exit}') ;;
    esac
    versions+=("${v:-$tool}")
done

# ---------------------------------------------------------------------------------------------
# 5–6. Parse, compare, print.
# ---------------------------------------------------------------------------------------------
echo
joined=$(printf ', %s' "${versions[@]}")
echo "tlslab scan vs peers — ${joined:2}"
"$PYTHON" bench/parse_peers.py report --dir "$work" --suites "$suites_csv" \
    --meta "runs=$RUNS" --meta "server=$server" --meta "mode=$PEER_MODE" ||
    say "report failed (rerun with KEEP=1 to keep the raw outputs)"
echo
exit 0
