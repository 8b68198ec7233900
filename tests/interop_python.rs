//! Python's `http.client`, a second and independent client, against each
//! example server: a connection reused across requests, a chunked upload,
//! an HTTP/1.0 request. Skips when python3 is not installed (CI installs it
//! with scripts/install-peers.sh).

mod interop;

use interop::{peer_or_skip, run, Server, RUN_TIMEOUT, SERVERS};
use std::process::Command;

/// Run a Python script with the server's port as `PORT`; it prints `ok`.
fn python(bin: &std::path::Path, server: &Server, script: &str) {
    let prelude = format!(
        "import http.client\nPORT = {}\ndef connect():\n    return http.client.HTTPConnection('127.0.0.1', PORT, timeout=10)\n",
        server.addr.port()
    );
    let out = run(
        Command::new(bin).arg("-c").arg(prelude + script),
        b"",
        RUN_TIMEOUT,
    );
    assert!(
        out.status.success() && out.stdout.trim_end().ends_with("ok"),
        "{}: {out:?}",
        server.name
    );
}

#[test]
fn python_reuses_one_connection_across_requests_on_each_server() {
    let Some(bin) = peer_or_skip(
        "python3",
        "python_reuses_one_connection_across_requests_on_each_server",
    ) else {
        return;
    };
    let script = r#"
c = connect()
ports = set()
for path in ['/a', '/b', '/c?d=e', '/a']:
    c.request('GET', path)
    r = c.getresponse()
    body = r.read()
    assert r.status == 200 and body == ('GET %s\n' % path).encode(), (r.status, body)
    assert not r.will_close
    ports.add(c.sock.getsockname()[1])
assert len(ports) == 1, ports
c.close()
print('ok')
"#;
    for name in SERVERS {
        let server = Server::start(name);
        python(&bin, &server, script);
        server.wait_log("closed after 4 requests", 1);
    }
}

#[test]
fn python_chunked_upload_is_echoed_by_each_server() {
    let Some(bin) = peer_or_skip("python3", "python_chunked_upload_is_echoed_by_each_server") else {
        return;
    };
    // An iterable body without Content-Length goes out chunked.
    let script = r#"
c = connect()
parts = [b'hello ', b'chunked ' * 5000, b'world']
c.request('POST', '/up', body=iter(parts), headers={'Content-Type': 'text/plain'})
r = c.getresponse()
body = r.read()
assert r.status == 200 and body == b'POST /up\n' + b''.join(parts), (r.status, body[:60])
port = c.sock.getsockname()[1]
c.request('GET', '/after')
r = c.getresponse()
assert r.read() == b'GET /after\n'
assert c.sock.getsockname()[1] == port, 'the connection was not reused after the upload'
c.close()
print('ok')
"#;
    for name in SERVERS {
        let server = Server::start(name);
        python(&bin, &server, script);
        server.wait_log("closed after 2 requests", 1);
    }
}

#[test]
fn python_http10_request_is_answered_then_closed_by_each_server() {
    let Some(bin) = peer_or_skip(
        "python3",
        "python_http10_request_is_answered_then_closed_by_each_server",
    ) else {
        return;
    };
    let script = r#"
class HTTP10(http.client.HTTPConnection):
    _http_vsn = 10
    _http_vsn_str = 'HTTP/1.0'
c = HTTP10('127.0.0.1', PORT, timeout=10)
c.request('GET', '/old')
r = c.getresponse()
body = r.read()
assert r.status == 200 and body == b'GET /old\n', (r.status, body)
assert r.will_close, 'HTTP/1.0 without keep-alive must not persist'
assert r.getheader('Transfer-Encoding') is None
c.close()
print('ok')
"#;
    for name in SERVERS {
        let server = Server::start(name);
        python(&bin, &server, script);
        server.wait_log("closed after 1 requests (Some(NotPersistent))", 1);
    }
}
