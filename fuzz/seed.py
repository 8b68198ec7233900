#!/usr/bin/env python3
"""Write the seed corpora: fuzz/corpus/{decode_server,decode_client,roundtrip}/.

    python3 fuzz/seed.py            (run-all.sh calls it)

Corpus directories are gitignored, so this script is how they are made.
Re-running is idempotent: each file is named by the SHA-1 of its content,
like libFuzzer names the inputs it adds.

decode_* inputs are the 27-byte header of `DecodeInput` (fuzz/src/decode.rs)
followed by the HTTP bytes:

    9 limit knobs | 8 split sizes | 1 flags | 8 method bytes | 1 method count | data

`arbitrary` reads each u8/bool field as one byte and the last field
(`data: Vec<u8>`) as the rest of the input. Each message becomes several
seeds: whole input with default limits; split into small pieces; one byte at
a time; and tight limits. The messages are the seed list of
tests/differential/run.py (valid and invalid requests and responses) plus a
few of our own below.

roundtrip inputs are arbitrary-encoded structures that are impractical to
write by hand; we seed them with the raw HTTP messages and a few fixed
pseudo-random blobs, which decode to assorted structured messages. The
fuzzer finds its way from there.
"""
import hashlib
import importlib.util
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
CORPUS = os.path.join(HERE, "corpus")

METHOD_INDEX = {"GET": 0, "HEAD": 1, "CONNECT": 2, "POST": 3, "OPTIONS": 4}
HEADER_LEN = 27

H = "Host: example.com\r\n"
S, C = "server", "client"

# Our own additions (and a fallback if run.py is unavailable).
OWN = [
    (S, ["GET"], "GET / HTTP/1.1\r\n" + H + "\r\n"),
    (S, ["GET"], "POST /u HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n"
        "3;a=b\r\nabc\r\n0\r\nX-T: 1\r\nX-U: 2\r\n\r\nGET /n HTTP/1.1\r\n" + H + "\r\n"),
    (S, ["GET"], "GET /ws HTTP/1.1\r\n" + H + "Connection: Upgrade\r\nUpgrade: websocket\r\n\r\n\x81\x00"),
    (S, ["GET"], "CONNECT a:1 HTTP/1.1\r\nHost: a:1\r\nContent-Length: 2\r\n\r\nhiXYZ"),
    (S, ["GET"], "PUT /x HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\nz"
        "GET /y HTTP/1.0\r\n\r\nGET /z HTTP/1.1\r\n" + H + "\r\n"),
    (S, ["GET"], "\r\n\r\nGET / HTTP/1.1\r\n" + H + "Expect: 100-continue\r\nContent-Length: 0\r\n\r\n"),
    (C, ["GET"], "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\nT: v\r\n\r\n"
        "HTTP/1.1 204 No Content\r\n\r\n"),
    (C, ["HEAD", "GET"], "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx"),
    (C, ["CONNECT"], "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n\r\ntunnel"),
    (C, ["OPTIONS", "POST"], "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
        "HTTP/1.0 200 OK\r\n\r\nuntil close"),
    (C, ["GET"], "HTTP/1.1 200 OK\r\nX: a\r\n  folded\r\nContent-Length: 0\r\n\r\n"),
    (C, ["GET"], "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nraw"),
]


def run_py_seeds():
    path = os.path.join(REPO, "tests", "differential", "run.py")
    try:
        spec = importlib.util.spec_from_file_location("h1conn_differential_run", path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        return [(role, methods, data) for (_name, role, methods, data, _valid) in mod.seeds()]
    except Exception as e:  # missing or broken: our own list still seeds
        print("seed.py: not using %s (%s)" % (path, e), file=sys.stderr)
        return []


def header(knobs=(0,) * 9, splits=(0,) * 8, flags=0, methods=("GET",), n_methods=0, offer=False):
    up = 0x80 if offer else 0  # bit 7: the request offered an upgrade
    ms = [METHOD_INDEX.get(m, 0) | up for m in methods][:8]
    ms += [up] * (8 - len(ms))  # then GET, cyclically (n_methods = 0)
    h = bytes(knobs) + bytes(splits) + bytes([flags]) + bytes(ms) + bytes([n_methods])
    assert len(h) == HEADER_LEN
    return h


# Knob byte k in 1..=127 means a limit of k - 1 (fuzz/src/decode.rs).
TIGHT = (65, 41, 129, 5, 9, 5, 33, 0, 1)  # start 64, field 40, head 512, 4 fields, chunk line 8, ext 4, trailers 32, no body limit, unfold
SMALL_SPLITS = (1, 2, 3, 5, 7, 11, 13, 17)


def decode_variants(methods, data):
    yield header(methods=methods, offer=True) + data
    yield header(splits=SMALL_SPLITS, methods=methods, offer=True) + data
    yield header(splits=(1,) * 8, methods=methods) + data
    yield header(knobs=TIGHT, splits=(3, 0, 0, 0, 0, 0, 0, 0), flags=1, methods=methods, offer=True) + data
    yield header(splits=(4, 9, 0, 0, 0, 0, 0, 0), flags=2, methods=methods, n_methods=len(methods)) + data


def write(target, blob):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    name = hashlib.sha1(blob).hexdigest()
    with open(os.path.join(d, name), "wb") as f:
        f.write(blob)


def main():
    msgs = []
    for role, methods, data in OWN:
        msgs.append((role, methods, data.encode("latin-1")))
    msgs += run_py_seeds()
    counts = {"decode_server": 0, "decode_client": 0, "roundtrip": 0}
    for role, methods, data in msgs:
        target = "decode_server" if role == S else "decode_client"
        for blob in decode_variants(methods, data):
            write(target, blob)
            counts[target] += 1
        write("roundtrip", data)
        counts["roundtrip"] += 1
    rng = random.Random(0x5EED)
    for n in (0, 8, 32, 64, 128, 256, 512, 1024):
        for _ in range(4):
            write("roundtrip", bytes(rng.randrange(256) for _ in range(n)))
            counts["roundtrip"] += 1
    for t, n in counts.items():
        print("seed.py: %s: %d seeds written to %s" % (t, n, os.path.join(CORPUS, t)))


if __name__ == "__main__":
    main()
