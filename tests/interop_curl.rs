//! curl against each example server (blocking, tokio, mio): several URLs in
//! one invocation share one connection (`%{num_connects}`), also for
//! HTTP/1.0 with `Connection: keep-alive`; `Connection: close` makes the
//! server close after the response; a chunked upload is echoed back.
//! Skips when curl is not installed (CI installs it with
//! scripts/install-peers.sh).

mod interop;

use interop::{peer_or_skip, run, Server, RUN_TIMEOUT, SERVERS};
use std::process::Command;

/// Run curl on `urls` with `args`; returns the bodies and, per transfer,
/// `(num_connects, http_code)`.
fn curl(curl: &std::path::Path, args: &[&str], urls: &[String], stdin: &[u8]) -> (String, Vec<(u32, u16)>) {
    let out = run(
        Command::new(curl)
            .args([
                "-sS",
                "--max-time",
                "10",
                "--write-out",
                "\n@@ %{num_connects} %{http_code}\n",
            ])
            .args(args)
            .args(urls),
        stdin,
        RUN_TIMEOUT,
    );
    assert!(out.status.success(), "curl failed: {out:?}");
    let (mut bodies, mut transfers) = (String::new(), Vec::new());
    for line in out.stdout.split_inclusive('\n') {
        match line.strip_prefix("@@ ") {
            Some(marker) => {
                let mut it = marker.split_whitespace().map(|n| n.parse().expect("number"));
                transfers.push((it.next().expect("connects"), it.next().expect("code") as u16));
            }
            None => bodies.push_str(line),
        }
    }
    (bodies, transfers)
}

fn paths(server: &Server, ps: &[&str]) -> Vec<String> {
    ps.iter().map(|p| server.url(p)).collect()
}

#[test]
fn curl_fetches_several_urls_over_one_connection_from_each_server() {
    let Some(bin) = peer_or_skip(
        "curl",
        "curl_fetches_several_urls_over_one_connection_from_each_server",
    ) else {
        return;
    };
    for name in SERVERS {
        let server = Server::start(name);
        let (bodies, transfers) = curl(&bin, &[], &paths(&server, &["/a", "/b?x=1", "/c"]), b"");
        assert_eq!(transfers, [(1, 200), (0, 200), (0, 200)], "{name}");
        assert_eq!(bodies, "GET /a\n\nGET /b?x=1\n\nGET /c\n\n", "{name}");
        server.wait_log("closed after 3 requests", 1);
    }
}

#[test]
fn curl_http10_keep_alive_reuses_one_connection_on_each_server() {
    let Some(bin) = peer_or_skip(
        "curl",
        "curl_http10_keep_alive_reuses_one_connection_on_each_server",
    ) else {
        return;
    };
    for name in SERVERS {
        let server = Server::start(name);
        let args = ["--http1.0", "-H", "Connection: keep-alive"];
        let (bodies, transfers) = curl(&bin, &args, &paths(&server, &["/one", "/two", "/three"]), b"");
        assert_eq!(transfers, [(1, 200), (0, 200), (0, 200)], "{name}");
        assert_eq!(bodies, "GET /one\n\nGET /two\n\nGET /three\n\n", "{name}");
        server.wait_log("closed after 3 requests", 1);
    }
}

#[test]
fn curl_connection_close_makes_each_server_close_after_the_response() {
    let Some(bin) = peer_or_skip(
        "curl",
        "curl_connection_close_makes_each_server_close_after_the_response",
    ) else {
        return;
    };
    for name in SERVERS {
        let server = Server::start(name);
        let args = ["-H", "Connection: close"];
        let (bodies, transfers) = curl(&bin, &args, &paths(&server, &["/x", "/y"]), b"");
        assert_eq!(
            transfers,
            [(1, 200), (1, 200)],
            "{name}: a new connection per URL"
        );
        assert_eq!(bodies, "GET /x\n\nGET /y\n\n", "{name}");
        // The server, not curl, ended each connection after one response.
        server.wait_log("closed after 1 requests (Some(NotPersistent))", 2);
    }
}

#[test]
fn curl_chunked_upload_is_echoed_by_each_server() {
    let Some(bin) = peer_or_skip("curl", "curl_chunked_upload_is_echoed_by_each_server") else {
        return;
    };
    let data: Vec<u8> = (0..200_000u32)
        .map(|i| {
            if i % 64 == 63 {
                b'\n'
            } else {
                b'a' + (i % 26) as u8
            }
        })
        .collect();
    let text = String::from_utf8(data.clone()).unwrap();
    for name in SERVERS {
        let server = Server::start(name);
        // POST with Transfer-Encoding: chunked, read from stdin.
        let args = ["-H", "Transfer-Encoding: chunked", "--data-binary", "@-"];
        let (bodies, transfers) = curl(&bin, &args, &[server.url("/up")], &data);
        assert_eq!(transfers, [(1, 200)], "{name}");
        assert!(
            bodies == format!("POST /up\n{text}\n"),
            "{name}: POST echo differs"
        );
        // PUT from stdin: chunked, with Expect: 100-continue.
        let (bodies, transfers) = curl(&bin, &["-T", "-"], &[server.url("/put")], &data);
        assert_eq!(transfers, [(1, 200)], "{name}");
        assert!(
            bodies == format!("PUT /put\n{text}\n"),
            "{name}: PUT echo differs"
        );
    }
}
