#!/usr/bin/env python3
"""Build tlslab's committed registry tables from the primary sources in sources/.

Run from anywhere (paths are relative to this file), e.g. from the repo root:

    python3 crates/wire/data/generate.py            # writes the four tables
    python3 crates/wire/data/generate.py --verbose  # also lists version cross-check notes
    python3 crates/wire/data/generate.py --check    # exit 1 if a table would change

Python 3 standard library only. Output is deterministic (rows sorted by code point,
'\\n' line endings), so running it twice gives byte-identical files. It exits non-zero
when a source disagrees with another in a way that is not explained below.

Outputs (next to this file)
---------------------------
cipher_suites.csv       code,iana,openssl,gnutls,nss,kx,auth,cipher,mac,min_version,max_version,source
groups.csv              code,name,kind,openssl,gnutls,source
signature_schemes.csv   code,name,source
alerts.csv              code,name,source          (code in decimal)

No field contains a comma or a double quote (checked); an empty field means "no value".

Sources (sources/, provenance and capture dates in sources/README.md)
----------------------------------------------------------------------
iana-tls-parameters-4.csv        IANA "TLS Cipher Suites" registry, CSV export.
iana-supplement.csv              hand-written rows that add to / override the above
                                 (each override needs an entry in OVERRIDE_REASONS).
iana-tls-parameters-8.csv        IANA "TLS Supported Groups" registry, CSV export.
iana-tls-signaturescheme.csv     IANA "TLS SignatureScheme" registry, CSV export.
iana-tls-parameters-6.csv        IANA "TLS Alerts" registry, CSV export (optional: no copy
                                 could be captured so far, see README.md).
iana-tls-parameters-6-supplement.csv  TLS Alerts compiled from the RFCs; applied on top of
                                 the capture when there is one, used alone otherwise.
openssl-ciphers.txt              `openssl ciphers -V -stdname 'ALL:COMPLEMENTOFALL:@SECLEVEL=0'`
openssl-ciphers-tls13.txt        the TLS 1.3 suites, including the two CCM ones that are not in
                                 OpenSSL's default TLS 1.3 list (command below).
openssl-groups-probe.txt         which names OpenSSL 3.0's -groups accepts (probe below).
gnutls-cli-l.txt                 `gnutls-cli -l` (the "Cipher suites:" section and the
                                 "Groups:" line are used).
curl-nss-names.txt               cipherlist[] of curl's lib/vtls/nss.c: `nss_name CONSTANT`.

Refreshing the captures
-----------------------
IANA CSVs: download from https://www.iana.org/assignments/tls-parameters/ :
    curl -o sources/iana-tls-parameters-4.csv https://www.iana.org/assignments/tls-parameters/tls-parameters-4.csv
    curl -o sources/iana-tls-parameters-6.csv https://www.iana.org/assignments/tls-parameters/tls-parameters-6.csv
    curl -o sources/iana-tls-parameters-8.csv https://www.iana.org/assignments/tls-parameters/tls-parameters-8.csv
    curl -o sources/iana-tls-signaturescheme.csv https://www.iana.org/assignments/tls-parameters/tls-signaturescheme.csv
  then drop supplement rows the registry now carries (the script tells you: an override
  whose text equals the capture is reported as redundant).
OpenSSL (record `openssl version` in README.md):
    openssl ciphers -V -stdname 'ALL:COMPLEMENTOFALL:@SECLEVEL=0' > sources/openssl-ciphers.txt
    openssl ciphers -V -stdname -s -tls1_3 -ciphersuites \\
      'TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256' \\
      'ALL' > sources/openssl-ciphers-tls13.txt
    for g in $(cat <name list from sources/README.md>); do
      if openssl s_client -groups "$g" -connect 127.0.0.1:1 </dev/null 2>&1 | grep -q 'cannot be set'
      then echo "$g rejected"; else echo "$g accepted"; fi
    done > sources/openssl-groups-probe.txt
GnuTLS:
    gnutls-cli -l > sources/gnutls-cli-l.txt
curl NSS names: the backend is gone from curl (8.3+), so the table is frozen; it was
  transcribed from lib/vtls/nss.c at the commit named in the file's header.

Rules used for the derived columns
----------------------------------
Matching: library names are attached BY CODE POINT, never by name. OpenSSL's -stdname
column must equal the IANA name for the same code point (a mismatch aborts: it would mean
a bad capture). NSS constants are matched to IANA names after mapping an SSL_ prefix to
TLS_ (NSS's constants are the IANA names with SSL_ for the SSLv3-era suites).

kx/auth come from the part of the IANA name before _WITH_ (see KX_AUTH below):
  DH_DSS/DH_RSA/DHE_DSS/DHE_RSA -> DH|DHE + DSS|RSA; DH_anon -> DH + anon; likewise ECDH_*,
  ECDHE_*; ECDH_anon -> ECDH + anon. Static-DH suites take the certificate's key type
  as auth. PSK -> PSK/PSK, DHE_PSK (and IANA's TLS_PSK_DHE_ spelling) -> DHE_PSK/PSK,
  ECDHE_PSK -> ECDHE_PSK/PSK, RSA_PSK -> RSA_PSK/RSA (the server proves itself with an RSA
  certificate, RFC 4279 section 4; OpenSSL also reports Au=RSA). SRP_SHA -> SRP/SRP,
  SRP_SHA_RSA -> SRP/RSA, SRP_SHA_DSS -> SRP/DSS. KRB5 -> KRB5/KRB5. ECCPWD -> ECCPWD/ECCPWD.
  GOSTR341112_256 (TLS 1.2, RFC 9189) -> GOST/GOST. NULL -> NULL/NULL.
  _EXPORT suites get kx RSA_EXPORT, DH_EXPORT, DHE_EXPORT or KRB5_EXPORT.
  TLS 1.3 suites (see versions) -> ANY/ANY. The two SCSVs -> SCSV/SCSV, cipher/mac NULL.
cipher/mac come from the part after _WITH_ (or after TLS_ for TLS 1.3 names): the last
  token is the MAC/PRF hash when it is MD5, SHA, SHA256, SHA384, SHA512, SM3 or NULL, the
  rest is the cipher. Exceptions: _CCM and _CCM_8 without a hash -> mac SHA256 (the PRF of
  RFC 6655/7251); GOST _CTR_OMAC -> mac OMAC, _CNT_IMIT -> mac IMIT, _MGM_L/_MGM_S -> mac
  STREEBOG256 (RFC 9367's hash); TLS_SHA256_SHA256/TLS_SHA384_SHA384 (RFC 9150,
  integrity only) -> cipher NULL.
min_version/max_version (SSLv3 TLSv1.0 TLSv1.1 TLSv1.2 TLSv1.3), first match wins:
  1. SCSVs: SSLv3..TLSv1.3 (they are sent in any ClientHello).
  2. TLS 1.3 suites: 0x13xx, every name without _WITH_ (TLS_SM4_*_SM3 RFC 8998,
     TLS_SHA256_SHA256/TLS_SHA384_SHA384 RFC 9150), and the GOST MGM suites
     0xC103-0xC106 (RFC 9367): TLSv1.3..TLSv1.3.
  3. _EXPORT suites: SSLv3..TLSv1.0 (TLS 1.1, RFC 4346, forbids negotiating them);
     KRB5_EXPORT (RFC 2712, a TLS 1.0 document): TLSv1.0..TLSv1.0.
  4. PSK-family (PSK, DHE_PSK, RSA_PSK, ECDHE_PSK) CBC/NULL suites with a SHA256/SHA384
     MAC from RFC 5487, RFC 5489 and RFC 6367: TLSv1.0..TLSv1.2; those documents allow
     them before TLS 1.2 with the older PRF (see PSK_PRE12_REFS; OpenSSL lists them as
     TLSv1, GnuTLS as TLS1.2).
  5. TLS 1.2-only: MAC/PRF hash SHA256/SHA384/SHA512 (so CBC_SHA256 suites too), any AEAD
     (GCM, CCM, CCM_8, CHACHA20_POLY1305), and the TLS 1.2 GOST suites (RFC 9189):
     TLSv1.2..TLSv1.2.
  6. Everything else (MD5/SHA-1/NULL MAC):
     min SSLv3 for the SSLv3-era suites 0x0000-0x001B and the AES_CBC_SHA suites
     0x002F-0x003A (RFC 3268; OpenSSL lists them as SSLv3), else TLSv1.0 (KRB5, PSK,
     ECC, CAMELLIA, SEED, SRP: TLS-era RFCs).
     max TLSv1.1 for single-DES and IDEA suites (RFC 5246 section 1.2 and Appendix A.5
     drop them from TLS 1.2; RFC 5469), else TLSv1.2.
  The result is cross-checked against OpenSSL's version column and GnuTLS's minimum
  version; differences are counted (listed with --verbose) but are not errors, because
  the libraries disagree with each other too (e.g. OpenSSL says SSLv3 for CAMELLIA/PSK/SRP
  suites, GnuTLS says TLS1.0 for the AES_CBC_SHA ones).
source: `iana:<refs>` (IANA Reference column, brackets and spaces dropped, several
  references joined with '+'), `iana-supplement:<refs>` where a supplement row added or
  overrode the row, then `openssl`, `gnutls`, `nss` for each library that has the code
  point.

Groups: kind is ec (sect*/secp*/brainpool*/curveSM2), ecx (x25519/x448), ffdhe, pq (pure
  ML-KEM), pq-hybrid (ECDHE+ML-KEM/Kyber), gost (GC*), other (arbitrary_explicit_*).
  openssl is the first name in OPENSSL_GROUP_ALIASES (default: the IANA name) that the
  probe marked accepted, so P-256/P-384/P-521/X25519/X448/ffdhe2048... ; gnutls is the
  GROUP-* name from `gnutls-cli -l` whose suffix equals the IANA name case-insensitively.
  An IANA note such as " (OBSOLETE)" is dropped from the name and becomes the tag
  `obsolete` in source.
Signature schemes: every assigned single value of the registry, plus the RFC 5246
  SignatureAndHashAlgorithm pairs (hash md5..sha512 x signature rsa/dsa/ecdsa) that the
  registry leaves "Reserved for backward compatibility", named rsa_pkcs1_<hash>,
  dsa_<hash>, ecdsa_<hash>, with source `rfc5246-pair`.
GREASE (RFC 8701) values, ranges, "Unassigned" and "Reserved..." rows are never emitted.
"""

import csv
import io
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "sources")

VERSIONS = ["SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"]

# Library code points with no IANA cipher-suite row, and why. Anything else a library
# lists without an IANA row is an error.
KNOWN_NON_IANA = {
    ("gnutls", 0x0066): "TLS_DHE_DSS_ARCFOUR_128_SHA1: pre-standard 56-bit-export draft "
    "code point; IANA reserves 0x0060-0x0066 'to avoid conflicts with widely deployed "
    "implementations'",
}

# NSS constants in curl's table that have no IANA code point, and why.
NSS_NON_IANA_PREFIXES = {
    "SSL_EN_": "SSLv2 cipher kinds (3-byte SSLv2 codes, not TLS cipher suites)",
    "SSL_FORTEZZA_": "Fortezza suites 0x001C-0x001E of the SSLv3 draft; IANA reserves "
    "0x001C-0x001D and reassigned 0x001E to KRB5",
    "SSL_RSA_FIPS_": "Netscape FIPS suites at private code points 0xFEFE/0xFEFF/0xFFE0/0xFFE1",
    "TLS_RSA_EXPORT1024_": "56-bit export draft suites 0x0062/0x0064 (IANA reserved range)",
}
NSS_NON_IANA_CONSTANTS = {
    "TLS_DHE_DSS_WITH_RC4_128_SHA": "0x0066 from the 56-bit export draft (IANA reserved range)",
}

# Why a supplement row replaces a captured row; an override without a reason is an error.
OVERRIDE_REASONS = {
    0x1306: "renamed TLS_AEGIS_256_SHA384 -> TLS_AEGIS_256_SHA512 after the capture",
    0xC103: "reference now RFC 9367 (was draft-smyshlyaev-tls13-gost-suites)",
    0xC104: "reference now RFC 9367 (was draft-smyshlyaev-tls13-gost-suites)",
    0xC105: "reference now RFC 9367 (was draft-smyshlyaev-tls13-gost-suites)",
    0xC106: "reference now RFC 9367 (was draft-smyshlyaev-tls13-gost-suites)",
}

# Documents whose CBC/NULL + SHA-256/384 PSK suites may also run over TLS 1.0/1.1 (with
# that version's PRF; RFC 5487 section 3.2, RFC 5489 section 3; RFC 6367 reuses RFC 5487's
# rules for its PSK suites). OpenSSL 3.0 agrees (it lists them as TLSv1).
PSK_PRE12_REFS = {"RFC5487", "RFC5489", "RFC6367"}

# TLS 1.3 suites whose names still contain _WITH_ (RFC 9367).
TLS13_WITH_NAMES = {0xC103, 0xC104, 0xC105, 0xC106}

# Part of an IANA name before _WITH_ (EXPORT removed) -> (kx, auth).
KX_AUTH = {
    "NULL": ("NULL", "NULL"),
    "RSA": ("RSA", "RSA"),
    "DH_DSS": ("DH", "DSS"),
    "DH_RSA": ("DH", "RSA"),
    "DHE_DSS": ("DHE", "DSS"),
    "DHE_RSA": ("DHE", "RSA"),
    "DH_anon": ("DH", "anon"),
    "KRB5": ("KRB5", "KRB5"),
    "PSK": ("PSK", "PSK"),
    "DHE_PSK": ("DHE_PSK", "PSK"),
    "PSK_DHE": ("DHE_PSK", "PSK"),  # IANA's spelling for 0xC0AA/0xC0AB (RFC 6655)
    "RSA_PSK": ("RSA_PSK", "RSA"),
    "ECDH_ECDSA": ("ECDH", "ECDSA"),
    "ECDH_RSA": ("ECDH", "RSA"),
    "ECDHE_ECDSA": ("ECDHE", "ECDSA"),
    "ECDHE_RSA": ("ECDHE", "RSA"),
    "ECDH_anon": ("ECDH", "anon"),
    "ECDHE_PSK": ("ECDHE_PSK", "PSK"),
    "SRP_SHA": ("SRP", "SRP"),
    "SRP_SHA_RSA": ("SRP", "RSA"),
    "SRP_SHA_DSS": ("SRP", "DSS"),
    "ECCPWD": ("ECCPWD", "ECCPWD"),
    "GOSTR341112_256": ("GOST", "GOST"),
}
EXPORT_KX = {"RSA": "RSA_EXPORT", "DH": "DH_EXPORT", "DHE": "DHE_EXPORT", "KRB5": "KRB5_EXPORT"}
MAC_TOKENS = {"MD5", "SHA", "SHA256", "SHA384", "SHA512", "SM3", "NULL"}

# Preferred OpenSSL -groups spelling, tried in order; default is the IANA name.
OPENSSL_GROUP_ALIASES = {
    "secp192r1": ["P-192", "secp192r1"],
    "secp224r1": ["P-224", "secp224r1"],
    "secp256r1": ["P-256", "secp256r1", "prime256v1"],
    "secp384r1": ["P-384", "secp384r1"],
    "secp521r1": ["P-521", "secp521r1"],
    "x25519": ["X25519", "x25519"],
    "x448": ["X448", "x448"],
}

RFC5246_HASHES = [(1, "md5"), (2, "sha1"), (3, "sha224"), (4, "sha256"), (5, "sha384"), (6, "sha512")]
RFC5246_SIGS = [(1, "rsa_pkcs1"), (2, "dsa"), (3, "ecdsa")]


class Problems:
    def __init__(self):
        self.errors = []
        self.notes = []

    def error(self, msg):
        self.errors.append(msg)

    def note(self, msg):
        self.notes.append(msg)


P = Problems()


# ---------------------------------------------------------------- reading sources


def src(name):
    return os.path.join(SRC, name)


def read_text(name):
    with open(src(name), encoding="utf-8", newline="") as f:
        return f.read()


def read_iana_csv(name, comments=False):
    """Rows of an IANA-style CSV as dicts; '#' lines are skipped when comments=True."""
    text = read_text(name)
    if comments:
        text = "".join(l for l in text.splitlines(True) if not l.startswith("#"))
    return list(csv.DictReader(io.StringIO(text)))


def refs(reference):
    """'[RFC5246][RFC6347]' -> 'RFC5246+RFC6347' (spaces and brackets dropped)."""
    parts = re.findall(r"\[([^\]]*)\]", reference or "")
    if not parts and reference:
        parts = [reference]
    return "+".join(re.sub(r"[\s,\"]", "", p) for p in parts if p.strip())


def is_unassigned(description):
    d = " ".join(description.split())
    return d == "Unassigned" or d.startswith("Reserved")


def suite_code(value):
    """'0xC0,0x2F' -> 0xC02F; ranges ('0x00,0x1C-1D', '0x01-09,*') -> None."""
    m = re.fullmatch(r"0x([0-9A-Fa-f]{2}),0x([0-9A-Fa-f]{2})", value.strip())
    return int(m.group(1) + m.group(2), 16) if m else None


def load_iana_suites():
    rows = {}
    for r in read_iana_csv("iana-tls-parameters-4.csv"):
        code = suite_code(r["Value"])
        if code is None or is_unassigned(r["Description"]):
            continue
        if code in rows:
            P.error("iana-tls-parameters-4.csv: duplicate code 0x%04X" % code)
        rows[code] = {"iana": r["Description"].strip(), "src": ["iana:" + refs(r["Reference"])]}
    captured = {c: dict(v) for c, v in rows.items()}
    for r in read_iana_csv("iana-supplement.csv", comments=True):
        code = suite_code(r["Value"])
        if code is None:
            P.error("iana-supplement.csv: not a single code point: %r" % r["Value"])
            continue
        tag = "iana-supplement:" + refs(r["Reference"])
        name = r["Description"].strip()
        if code in rows:
            if code not in OVERRIDE_REASONS:
                P.error("iana-supplement.csv overrides 0x%04X without an OVERRIDE_REASONS entry" % code)
            if rows[code]["iana"] == name and rows[code]["src"][0] == "iana:" + refs(r["Reference"]):
                P.note("iana-supplement.csv: 0x%04X is now redundant (capture has it)" % code)
            rows[code] = {"iana": name, "src": rows[code]["src"] + [tag]}
        else:
            rows[code] = {"iana": name, "src": [tag]}
    return rows, captured


def load_openssl():
    """code -> (openssl name, stdname, version) from both OpenSSL captures."""
    pat = re.compile(r"^\s*0x([0-9A-F]{2}),0x([0-9A-F]{2}) - (\S+)\s+- (\S+)\s+(\S+)\s+Kx=")
    out = {}
    for name in ("openssl-ciphers.txt", "openssl-ciphers-tls13.txt"):
        for n, line in enumerate(read_text(name).splitlines(), 1):
            if not line.strip():
                continue
            m = pat.match(line)
            if not m:
                P.error("%s:%d: unparsed line %r" % (name, n, line))
                continue
            code = int(m.group(1) + m.group(2), 16)
            entry = (m.group(4), m.group(3), m.group(5))
            if code in out and out[code] != entry:
                P.error("%s:%d: 0x%04X differs between OpenSSL captures" % (name, n, code))
            out[code] = entry
    return out


def gnutls_sections():
    text = read_text("gnutls-cli-l.txt")
    suites = {}
    groups = []
    in_suites = False
    pat = re.compile(r"^(\S+)\s+0x([0-9a-f]{2}), 0x([0-9a-f]{2})\s+(\S+)\s*$")
    for n, line in enumerate(text.splitlines(), 1):
        if line.startswith("Cipher suites:"):
            in_suites = True
            continue
        if in_suites:
            if not line.strip():
                in_suites = False
                continue
            m = pat.match(line)
            if not m:
                P.error("gnutls-cli-l.txt:%d: unparsed suite line %r" % (n, line))
                continue
            code = int(m.group(2) + m.group(3), 16)
            if code in suites:
                P.error("gnutls-cli-l.txt:%d: duplicate code 0x%04X" % (n, code))
            suites[code] = (m.group(1), m.group(4))
        elif line.startswith("Groups:"):
            groups = [g.strip() for g in line[len("Groups:"):].split(",") if g.strip()]
    if not suites:
        P.error("gnutls-cli-l.txt: no 'Cipher suites:' section")
    if not groups:
        P.error("gnutls-cli-l.txt: no 'Groups:' line")
    return suites, groups


def load_nss(iana_by_name):
    """code -> nss name, via the NSS constant's IANA name."""
    out = {}
    for n, line in enumerate(read_text("curl-nss-names.txt").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) != 2:
            P.error("curl-nss-names.txt:%d: expected 'name CONSTANT': %r" % (n, line))
            continue
        nss_name, const = parts
        iana_name = "TLS_" + const[4:] if const.startswith("SSL_") else const
        code = iana_by_name.get(iana_name)
        if code is None:
            if const in NSS_NON_IANA_CONSTANTS or any(const.startswith(p) for p in NSS_NON_IANA_PREFIXES):
                continue
            P.error("curl-nss-names.txt:%d: %s matches no IANA suite and is not a known non-IANA constant" % (n, const))
            continue
        if code in out:
            P.note("curl-nss-names.txt:%d: 0x%04X already named %s; keeping the first" % (n, code, out[code]))
            continue
        out[code] = nss_name
    return out


# ---------------------------------------------------------------- cipher-suite columns


def is_tls13(code, name):
    return (code >> 8) == 0x13 or code in TLS13_WITH_NAMES or (
        "_WITH_" not in name and not name.endswith("_SCSV")
    )


def split_cipher_mac(body):
    """'AES_128_GCM_SHA256' -> ('AES_128_GCM', 'SHA256')."""
    toks = body.split("_")
    if re.fullmatch(r"SHA(256|384)_SHA(256|384)", body):  # RFC 9150 integrity-only
        return "NULL", toks[-1]
    if body.endswith("_CTR_OMAC"):
        return body[: -len("_OMAC")], "OMAC"
    if body.endswith("_CNT_IMIT"):
        return body[: -len("_IMIT")], "IMIT"
    if body.endswith("_MGM_L") or body.endswith("_MGM_S"):
        return body, "STREEBOG256"
    if body.endswith("_CCM") or body.endswith("_CCM_8"):
        return body, "SHA256"
    if toks[-1] in MAC_TOKENS and len(toks) > 1:
        return "_".join(toks[:-1]), toks[-1]
    raise ValueError("cannot split cipher/mac from %r" % body)


def classify(code, name):
    """(kx, auth, cipher, mac) from an IANA name."""
    if not name.startswith("TLS_"):
        raise ValueError("IANA name without TLS_ prefix: %r" % name)
    if name.endswith("_SCSV"):
        return "SCSV", "SCSV", "NULL", "NULL"
    rest = name[4:]
    if "_WITH_" in rest:
        prefix, body = rest.split("_WITH_", 1)
    else:
        prefix, body = "", rest
    cipher, mac = split_cipher_mac(body)
    if is_tls13(code, name):
        return "ANY", "ANY", cipher, mac
    toks = prefix.split("_")
    export = "EXPORT" in toks
    key = "_".join(t for t in toks if t != "EXPORT")
    if key not in KX_AUTH:
        raise ValueError("unknown key exchange %r in %r" % (prefix, name))
    kx, auth = KX_AUTH[key]
    if export:
        if kx not in EXPORT_KX:
            raise ValueError("unexpected export key exchange in %r" % name)
        kx = EXPORT_KX[kx]
    return kx, auth, cipher, mac


def versions(code, name, kx, cipher, mac, references=""):
    if kx == "SCSV":
        return "SSLv3", "TLSv1.3"
    if is_tls13(code, name):
        return "TLSv1.3", "TLSv1.3"
    if kx.endswith("_EXPORT"):
        return ("TLSv1.0" if kx == "KRB5_EXPORT" else "SSLv3"), "TLSv1.0"
    aead = any(s in cipher for s in ("GCM", "CCM", "POLY1305"))
    sha2 = mac in ("SHA256", "SHA384", "SHA512")
    if sha2 and not aead and kx.endswith("PSK") and PSK_PRE12_REFS & set(references.split("+")):
        return "TLSv1.0", "TLSv1.2"
    if sha2 or aead or kx == "GOST":
        return "TLSv1.2", "TLSv1.2"
    lo = "SSLv3" if code <= 0x001B or 0x002F <= code <= 0x003A else "TLSv1.0"
    hi = "TLSv1.1" if cipher.startswith("DES_") or cipher.startswith("IDEA_") else "TLSv1.2"
    return lo, hi


OPENSSL_VERSION = {"SSLv3": "SSLv3", "TLSv1": "TLSv1.0", "TLSv1.2": "TLSv1.2", "TLSv1.3": "TLSv1.3"}
GNUTLS_VERSION = {"SSL3.0": "SSLv3", "TLS1.0": "TLSv1.0", "TLS1.1": "TLSv1.1", "TLS1.2": "TLSv1.2", "TLS1.3": "TLSv1.3"}


def build_suites():
    rows, captured = load_iana_suites()
    by_name = {}
    for table in (captured, rows):
        for code, r in table.items():
            by_name.setdefault(r["iana"], code)
    ossl = load_openssl()
    gnu, gnu_groups = gnutls_sections()
    nss = load_nss(by_name)

    for lib, codes in (("openssl", ossl), ("gnutls", gnu)):
        for code in sorted(codes):
            if code not in rows and (lib, code) not in KNOWN_NON_IANA:
                P.error("%s lists 0x%04X (%s) but IANA has no such suite" % (lib, code, codes[code][0]))
    for (lib, code), why in sorted(KNOWN_NON_IANA.items()):
        codes = ossl if lib == "openssl" else gnu
        if code not in codes:
            P.note("KNOWN_NON_IANA entry %s 0x%04X no longer appears in the capture" % (lib, code))

    out = []
    mismatch = {"openssl": 0, "gnutls": 0}
    for code in sorted(rows):
        r = rows[code]
        name = r["iana"]
        try:
            kx, auth, cipher, mac = classify(code, name)
        except ValueError as e:
            P.error("0x%04X: %s" % (code, e))
            continue
        iana_refs = "+".join(t.split(":", 1)[1] for t in r["src"])
        lo, hi = versions(code, name, kx, cipher, mac, iana_refs)
        tags = list(r["src"])
        o_name = g_name = n_name = ""
        if code in ossl:
            o_name, stdname, o_ver = ossl[code]
            if stdname != name and stdname != captured.get(code, {}).get("iana"):
                P.error("0x%04X: OpenSSL -stdname %s differs from IANA %s" % (code, stdname, name))
            tags.append("openssl")
            if OPENSSL_VERSION.get(o_ver) != lo:
                mismatch["openssl"] += 1
                P.note("0x%04X %s: min %s, OpenSSL says %s" % (code, name, lo, o_ver))
        if code in gnu:
            g_name, g_ver = gnu[code]
            tags.append("gnutls")
            if GNUTLS_VERSION.get(g_ver) != lo:
                mismatch["gnutls"] += 1
                P.note("0x%04X %s: min %s, GnuTLS says %s" % (code, name, lo, g_ver))
        if code in nss:
            n_name = nss[code]
            tags.append("nss")
        out.append(["0x%04X" % code, name, o_name, g_name, n_name, kx, auth, cipher, mac, lo, hi, " ".join(tags)])
    return out, mismatch, gnu_groups


# ---------------------------------------------------------------- groups


def group_kind(name):
    n = name.lower()
    if re.fullmatch(r"mlkem\d+", n):
        return "pq"
    if "mlkem" in n or "kyber" in n:  # before the curve prefixes: SecP256r1MLKEM768
        return "pq-hybrid"
    if n.startswith(("sect", "secp", "brainpool")) or n == "curvesm2":
        return "ec"
    if n in ("x25519", "x448"):
        return "ecx"
    if n.startswith("ffdhe"):
        return "ffdhe"
    if re.fullmatch(r"gc(256|512)[a-d]", n):
        return "gost"
    if n.startswith("arbitrary_explicit_"):
        return "other"
    raise ValueError("no kind rule for group %r" % name)


def load_openssl_probe():
    accepted = {}
    for n, line in enumerate(read_text("openssl-groups-probe.txt").splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split()
        if len(parts) != 2 or parts[1] not in ("accepted", "rejected"):
            P.error("openssl-groups-probe.txt:%d: unparsed %r" % (n, line))
            continue
        accepted[parts[0]] = parts[1] == "accepted"
    return accepted


def build_groups(gnu_groups):
    probe = load_openssl_probe()
    gnu_by_lower = {}
    for g in gnu_groups:
        if not g.startswith("GROUP-"):
            P.error("gnutls-cli-l.txt: unexpected group name %r" % g)
            continue
        gnu_by_lower[g[len("GROUP-"):].lower()] = g
    rows = []
    used_gnu = set()
    for r in read_iana_csv("iana-tls-parameters-8.csv"):
        value = r["Value"].strip()
        if not value.isdigit() or is_unassigned(r["Description"]):
            continue
        code = int(value)
        raw = r["Description"].strip()
        name, note = raw, ""
        m = re.fullmatch(r"(\S+) \((\w+)\)", raw)
        if m:
            name, note = m.group(1), m.group(2).lower()
        try:
            kind = group_kind(name)
        except ValueError as e:
            P.error(str(e))
            continue
        candidates = OPENSSL_GROUP_ALIASES.get(name, [name])
        missing = [c for c in candidates if c not in probe]
        if missing:
            P.error("openssl-groups-probe.txt does not cover %s" % ", ".join(missing))
        o_name = next((c for c in candidates if probe.get(c)), "")
        g_name = gnu_by_lower.get(name.lower(), "")
        if g_name:
            used_gnu.add(g_name)
        tags = ["iana:" + refs(r["Reference"])]
        if note:
            tags.append(note)
        if o_name:
            tags.append("openssl")
        if g_name:
            tags.append("gnutls")
        rows.append((code, ["0x%04X" % code, name, kind, o_name, g_name, " ".join(tags)]))
    for g in sorted(set(gnu_by_lower.values()) - used_gnu):
        P.error("GnuTLS group %s matches no IANA group" % g)
    rows.sort()
    return [r for _, r in rows]


# ---------------------------------------------------------------- signature schemes, alerts


def build_signature_schemes():
    rows = {}
    for r in read_iana_csv("iana-tls-signaturescheme.csv"):
        value = r["Value"].strip()
        if not re.fullmatch(r"0x[0-9A-Fa-f]{4}", value) or is_unassigned(r["Description"]):
            continue
        code = int(value, 16)
        if code in rows:
            P.error("iana-tls-signaturescheme.csv: duplicate 0x%04X" % code)
        rows[code] = [r["Description"].strip(), "iana:" + refs(r["Reference"])]
    for h, hname in RFC5246_HASHES:
        for s, sname in RFC5246_SIGS:
            code = (h << 8) | s
            if code not in rows:
                rows[code] = ["%s_%s" % (sname, hname), "rfc5246-pair"]
    return [["0x%04X" % c] + rows[c] for c in sorted(rows)]


def build_alerts():
    rows = {}
    if os.path.exists(src("iana-tls-parameters-6.csv")):
        for r in read_iana_csv("iana-tls-parameters-6.csv"):
            value = r["Value"].strip()
            if value.isdigit() and not is_unassigned(r["Description"]):
                rows[int(value)] = [r["Description"].strip(), "iana:" + refs(r["Reference"])]
    for r in read_iana_csv("iana-tls-parameters-6-supplement.csv", comments=True):
        value = r["Value"].strip()
        if not value.isdigit():
            P.error("iana-tls-parameters-6-supplement.csv: bad value %r" % value)
            continue
        code = int(value)
        name = r["Description"].strip()
        tag = "iana-supplement:" + refs(r["Reference"])
        if code in rows:
            if rows[code][0] == name:
                P.note("alerts supplement row %d is redundant (capture has it)" % code)
                continue
            rows[code] = [name, rows[code][1] + " " + tag]
        else:
            rows[code] = [name, tag]
    for code in rows:
        if not 0 <= code <= 255:
            P.error("alert code %d out of range" % code)
    return [[str(c)] + rows[c] for c in sorted(rows)]


# ---------------------------------------------------------------- output


def render(header, rows, name):
    lines = [header]
    width = header.count(",") + 1
    for row in rows:
        for field in row:
            if "," in field or '"' in field or "\n" in field or "\r" in field:
                P.error("%s: field %r contains a separator or quote" % (name, field))
        if len(row) != width:
            P.error("%s: row %r has %d fields, expected %d" % (name, row, len(row), width))
        lines.append(",".join(row))
    return "\n".join(lines) + "\n"


def check_suite_rows(rows):
    allowed_kx = {"NULL", "RSA", "RSA_EXPORT", "DH", "DHE", "DH_EXPORT", "DHE_EXPORT", "ECDH", "ECDHE",
                  "PSK", "DHE_PSK", "ECDHE_PSK", "RSA_PSK", "SRP", "KRB5", "KRB5_EXPORT", "GOST",
                  "ECCPWD", "ANY", "SCSV"}
    allowed_auth = {"RSA", "DSS", "ECDSA", "anon", "PSK", "SRP", "KRB5", "NULL", "ANY", "ECCPWD", "GOST", "SCSV"}
    for row in rows:
        if row[5] not in allowed_kx:
            P.error("%s: kx %s not in the allowed set" % (row[0], row[5]))
        if row[6] not in allowed_auth:
            P.error("%s: auth %s not in the allowed set" % (row[0], row[6]))
        if VERSIONS.index(row[9]) > VERSIONS.index(row[10]):
            P.error("%s: min_version above max_version" % row[0])


def main(argv):
    verbose = "--verbose" in argv or "-v" in argv
    check = "--check" in argv
    suites, mismatch, gnu_groups = build_suites()
    check_suite_rows(suites)
    outputs = {
        "cipher_suites.csv": render(
            "code,iana,openssl,gnutls,nss,kx,auth,cipher,mac,min_version,max_version,source",
            suites, "cipher_suites.csv"),
        "groups.csv": render("code,name,kind,openssl,gnutls,source", build_groups(gnu_groups), "groups.csv"),
        "signature_schemes.csv": render("code,name,source", build_signature_schemes(), "signature_schemes.csv"),
        "alerts.csv": render("code,name,source", build_alerts(), "alerts.csv"),
    }
    for note in P.notes:
        if verbose or not note.startswith("0x"):
            print("note: " + note, file=sys.stderr)
    print("version cross-check: %d suites differ from OpenSSL's version column, %d from GnuTLS's "
          "(informational; --verbose lists them)" % (mismatch["openssl"], mismatch["gnutls"]), file=sys.stderr)
    if P.errors:
        for e in P.errors:
            print("error: " + e, file=sys.stderr)
        print("%d error(s); tables not written" % len(P.errors), file=sys.stderr)
        return 1
    stale = []
    for name, text in outputs.items():
        path = os.path.join(HERE, name)
        old = None
        if os.path.exists(path):
            with open(path, encoding="utf-8", newline="") as f:
                old = f.read()
        if old != text:
            stale.append(name)
            if not check:
                with open(path, "w", encoding="utf-8", newline="") as f:
                    f.write(text)
        print("%s: %d rows%s" % (name, text.count("\n") - 1,
                                 " (would change)" if check and old != text else ""), file=sys.stderr)
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
