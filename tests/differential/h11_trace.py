#!/usr/bin/env python3
"""Differential-testing peer: feeds raw bytes to h11 and prints the trace
protocol (/work/shared/trace-protocol.md) as JSON Lines.

    python3 h11_trace.py --role server|client [--method M[,M...]] [--chunk N] < bytes
    python3 h11_trace.py --batch        (used by run.py)

Batch mode: every stdin line is a JSON object
    {"hex": "...", "role": "server"|"client", "methods": ["GET"], "chunk": 0}
and every answer is one stdout line {"events": [...]}.

h11 is driven like our trace driver drives h1conn:
  * server role: after each complete request the adapter sends an empty
    200 / Content-Length: 0 response (h11 adds Connection: close by itself
    when the request did not allow keep-alive) and calls start_next_cycle().
    h11 will not read a pipelined request before that.
  * client role: before each response the adapter sends a request with the
    next method from --method (the last one repeats). Requests carry
    `Connection: Upgrade` / `Upgrade: h1conn-test` because h11 rejects a 101
    that answers no upgrade proposal.
Error kinds are always "error" (h11 has no error taxonomy); adapter-internal
failures are "adapter_error".
"""
import json
import sys

try:
    import h11
    from h11 import _connection as _h11conn
except ImportError:  # pragma: no cover
    sys.stderr.write("h11_trace.py: h11 is not installed (pip install h11)\n")
    sys.exit(3)


def s(b):
    """Protocol bytes -> str, one code point per byte (ISO-8859-1)."""
    if isinstance(b, str):
        return b
    return bytes(b).decode("latin-1")


def hdrs(headers):
    try:
        items = headers.raw_items()
    except AttributeError:
        items = list(headers)
    return [[s(n), s(v)] for n, v in items]


def framing_is_close_delimited(method, resp):
    try:
        kind, _ = _h11conn._body_framing(method, resp)
        return kind == "http/1.0"
    except Exception:
        return False


def run_one(data, role, methods, chunk=0):
    events = []
    methods = [m.upper() for m in (methods or ["GET"])] or ["GET"]
    midx = 0

    def cur_method():
        return methods[min(midx, len(methods) - 1)]

    is_server = role == "server"
    conn = h11.Connection(h11.SERVER if is_server else h11.CLIENT)

    def send_request():
        m = cur_method()
        target = b"example.com:443" if m == "CONNECT" else b"/"
        headers = [("Host", "example.com"), ("Connection", "Upgrade"), ("Upgrade", "h1conn-test")]
        conn.send(h11.Request(method=m.encode("latin-1"), target=target, headers=headers))
        conn.send(h11.EndOfMessage())

    if chunk and chunk > 0:
        pieces = [data[i:i + chunk] for i in range(0, len(data), chunk)]
    else:
        pieces = [data] if data else []
    pieces.append(b"")  # EOF
    pi = 0

    cur_head_method = None   # client role: method answered by current response
    cur_close_delim = False
    # Client role: the next request is sent only once more response bytes
    # exist, so that EOF between responses is a clean close (as in our driver).
    need_request = not is_server
    try:
        while True:
            if need_request:
                if conn.trailing_data[0] or any(pieces[pi:]):
                    send_request()
                    need_request = False
                elif pi < len(pieces):
                    conn.receive_data(pieces[pi])  # only EOF is left
                    pi = len(pieces)
            ev = conn.next_event()
            if ev is h11.NEED_DATA:
                if pi >= len(pieces):
                    events.append({"event": "error", "kind": "adapter_error",
                                   "detail": "h11 wants data after EOF"})
                    break
                conn.receive_data(pieces[pi])
                pi += 1
                continue
            if ev is h11.PAUSED:
                if conn.their_state is h11.SWITCHED_PROTOCOL or conn.our_state is h11.SWITCHED_PROTOCOL:
                    rest = conn.trailing_data[0] + b"".join(pieces[pi:])
                    events.append({"event": "switched", "rest_hex": bytes(rest).hex()})
                    break
                events.append({"event": "error", "kind": "adapter_error",
                               "detail": "h11 paused in states %r/%r" % (conn.our_state, conn.their_state)})
                break
            if isinstance(ev, h11.Request):
                events.append({"event": "request", "method": s(ev.method), "target": s(ev.target),
                               "version": "HTTP/" + s(ev.http_version), "headers": hdrs(ev.headers)})
            elif isinstance(ev, h11.InformationalResponse):
                events.append({"event": "response", "status": ev.status_code, "reason": s(ev.reason),
                               "version": "HTTP/" + s(ev.http_version), "headers": hdrs(ev.headers)})
                if conn.their_state is h11.SWITCHED_PROTOCOL:
                    rest = conn.trailing_data[0] + b"".join(pieces[pi:])
                    events.append({"event": "switched", "rest_hex": bytes(rest).hex()})
                    break
            elif isinstance(ev, h11.Response):
                events.append({"event": "response", "status": ev.status_code, "reason": s(ev.reason),
                               "version": "HTTP/" + s(ev.http_version), "headers": hdrs(ev.headers)})
                cur_head_method = cur_method()
                cur_close_delim = framing_is_close_delimited(cur_head_method.encode("latin-1"), ev)
                if conn.their_state is h11.SWITCHED_PROTOCOL:
                    rest = conn.trailing_data[0] + b"".join(pieces[pi:])
                    events.append({"event": "switched", "rest_hex": bytes(rest).hex()})
                    break
            elif isinstance(ev, h11.Data):
                if ev.data:
                    events.append({"event": "data", "hex": bytes(ev.data).hex()})
            elif isinstance(ev, h11.EndOfMessage):
                keep_alive = conn.their_state is not h11.MUST_CLOSE and not cur_close_delim
                events.append({"event": "end", "keep_alive": bool(keep_alive), "trailers": hdrs(ev.headers)})
                if is_server:
                    # Answer like our trace driver: empty 200.
                    conn.send(h11.Response(status_code=200, headers=[("Content-Length", "0")]))
                    if conn.our_state is h11.SWITCHED_PROTOCOL:  # CONNECT answered 2xx
                        rest = conn.trailing_data[0] + b"".join(pieces[pi:])
                        events.append({"event": "switched", "rest_hex": bytes(rest).hex()})
                        break
                    conn.send(h11.EndOfMessage())
                    if conn.our_state is h11.DONE and conn.their_state is h11.DONE:
                        conn.start_next_cycle()
                else:
                    midx += 1
                    cur_close_delim = False
                    if conn.our_state is h11.DONE and conn.their_state is h11.DONE:
                        conn.start_next_cycle()
                        need_request = True
            elif isinstance(ev, h11.ConnectionClosed):
                events.append({"event": "closed"})
                break
            else:
                events.append({"event": "error", "kind": "adapter_error", "detail": "unexpected %r" % (ev,)})
                break
    except h11.RemoteProtocolError as e:
        events.append({"event": "error", "kind": "error", "detail": "RemoteProtocolError: %s" % (e,)})
    except h11.LocalProtocolError as e:
        events.append({"event": "error", "kind": "adapter_error", "detail": "LocalProtocolError: %s" % (e,)})
    except Exception as e:  # never crash on weird input
        events.append({"event": "error", "kind": "adapter_error", "detail": "%s: %s" % (type(e).__name__, e)})
    return events


def usage(msg):
    sys.stderr.write("h11_trace.py: %s\nusage: h11_trace.py --role server|client [--method M,...] [--chunk N] < bytes\n"
                     "       h11_trace.py --batch\n" % msg)
    sys.exit(2)


def main(argv):
    role, methods, chunk, batch = None, ["GET"], 0, False
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ("--role", "--method", "--chunk"):
            if i + 1 >= len(argv):
                usage("missing value for " + a)
            v = argv[i + 1]
            i += 2
            if a == "--role":
                role = v
            elif a == "--method":
                methods = [m for m in v.split(",") if m]
            else:
                try:
                    chunk = int(v)
                except ValueError:
                    usage("bad --chunk")
            continue
        if a == "--batch":
            batch = True
            i += 1
            continue
        usage("unknown argument " + a)
    out = sys.stdout
    if not batch:
        if role not in ("server", "client"):
            usage("--role server|client required")
        data = sys.stdin.buffer.read()
        for e in run_one(data, role, methods, chunk):
            out.write(json.dumps(e, ensure_ascii=False) + "\n")
        out.flush()
        return 0
    for line in sys.stdin:
        try:
            job = json.loads(line)
            r = "client" if job.get("role") == "client" else "server"
            evs = run_one(bytes.fromhex(job.get("hex", "")), r, job.get("methods") or ["GET"], int(job.get("chunk") or 0))
        except Exception as e:
            evs = [{"event": "error", "kind": "adapter_error", "detail": str(e)}]
        out.write(json.dumps({"events": evs}) + "\n")
        out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
