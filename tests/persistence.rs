//! Persistent connections (mission §4, RFC 9112 §9.3): one test per rule.

mod common;

use common::*;
use h1conn::{Action, CloseReason, Config, Error, Method, State, Version};

fn http10(target: &str, headers: &[(&str, &str)]) -> h1conn::Request {
    let mut b = h1conn::Request::builder(Method::GET, target)
        .version(Version::Http10)
        .header(HOST.0, HOST.1);
    for (n, v) in headers {
        b = b.header(n, v);
    }
    b.build().unwrap()
}

#[test]
fn http10_keep_alive_needs_both_sides() {
    // 1.0 request without keep-alive: the server closes after answering.
    let mut p = Pair::default();
    let id = send(&mut p.client, http10("/a", &[]), None);
    p.run_with(&mut answer_with(b"hi"));
    let head = first_head_lower(&p.sent[1]);
    assert!(head.contains("connection: close\r\n"), "{head}");
    assert_eq!(body(p.events(Who::Client), id), b"hi");
    assert!(!p.client.is_reusable());
    assert!(p.actions[1].contains(&Action::ShutdownWrite));
    assert_eq!(
        p.client.send_request(get("/b")).err(),
        Some(Error::ConnectionClosing)
    );

    // 1.0 request with keep-alive, answered with keep-alive: persists.
    let mut p = Pair::default();
    let id = send(&mut p.client, http10("/a", &[("Connection", "keep-alive")]), None);
    p.run_with(&mut answer_with(b"hi"));
    let head = first_head_lower(&p.sent[1]);
    assert!(head.contains("connection: keep-alive\r\n"), "{head}");
    assert_eq!(ended(p.events(Who::Client), id), Some(true));
    assert!(p.client.is_reusable());
    assert_eq!(p.server.state(), State::Idle);
    assert!(p.actions[1].is_empty());
    let id2 = send(&mut p.client, http10("/b", &[("Connection", "keep-alive")]), None);
    p.run_with(&mut answer_with(b"again"));
    assert_eq!(body(p.events(Who::Client), id2), b"again");

    // 1.0 keep-alive request, but the server's answer does not keep alive.
    let mut p = Pair::default();
    let id = send(&mut p.client, http10("/a", &[("Connection", "keep-alive")]), None);
    p.run_with(&mut |who, conn: &mut h1conn::Connection, ev: &h1conn::Event| {
        if let (Who::Server, h1conn::Event::Request { id, .. }) = (who, ev) {
            respond(conn, *id, 200, &[("Connection", "close")], b"x");
        }
    });
    assert_eq!(ended(p.events(Who::Client), id), Some(false));
    assert!(!p.client.is_reusable());

    // Client side: an HTTP/1.0 response without keep-alive ends persistence
    // even for an HTTP/1.1 request; with keep-alive it persists.
    for (resp, persists) in [
        (&b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok"[..], false),
        (
            b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok",
            true,
        ),
    ] {
        let mut c = client();
        let id = c.send_request(get("/")).unwrap();
        drain(&mut c);
        c.handle_input(t0(), resp);
        let d = drain(&mut c);
        assert_eq!(ended(&d.events, id), Some(persists));
        assert_eq!(c.is_reusable(), persists);
        assert_eq!(c.is_proven_persistent(), persists);
        assert_eq!(c.send_request(get("/2")).is_ok(), persists);
    }
}

#[test]
fn http11_persists_unless_close() {
    // Default: persists, no Connection field added.
    let mut p = Pair::default();
    for i in 0..3 {
        let id = send(&mut p.client, get(&format!("/{i}")), None);
        p.run_with(&mut answer_with(b"ok"));
        assert_eq!(ended(p.events(Who::Client), id), Some(true));
        assert!(p.client.is_reusable());
        assert!(p.client.is_proven_persistent());
        assert_eq!(p.client.state(), State::Idle);
        assert_eq!(p.server.state(), State::Idle);
    }
    assert!(!contains(&p.sent[1].to_ascii_lowercase(), b"connection:"));
    assert!(p.actions[0].is_empty() && p.actions[1].is_empty());

    // The server's `close` ends it.
    let mut c = client();
    let id = c.send_request(get("/")).unwrap();
    drain(&mut c);
    c.handle_input(
        t0(),
        b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
    );
    let d = drain(&mut c);
    assert_eq!(ended(&d.events, id), Some(false));
    assert!(!c.is_reusable());
    assert_eq!(c.close_reason(), Some(CloseReason::NotPersistent));
    assert_eq!(d.actions, [Action::ShutdownWrite]);

    // The client's `close` ends it too, and the server says so back.
    let mut p = Pair::default();
    let id = send(
        &mut p.client,
        request(Method::GET, "/", &[("Connection", "close")]),
        None,
    );
    p.run_with(&mut answer_with(b"ok"));
    assert_eq!(ended(p.events(Who::Client), id), Some(false));
    assert!(first_head_lower(&p.sent[1]).contains("connection: close\r\n"));
    assert!(!p.client.is_reusable());
    assert_eq!(p.client.state(), State::Closed);
    assert_eq!(p.server.state(), State::Closed);
}

#[test]
fn client_close_token_forbids_further_requests() {
    let mut c = client();
    c.send_request(request(Method::GET, "/", &[("Connection", "close")]))
        .unwrap();
    assert_eq!(c.send_request(get("/next")).err(), Some(Error::ConnectionClosing));
    assert_eq!(
        c.send_request_with(get("/next"), true).err(),
        Some(Error::ConnectionClosing)
    );
    assert!(!c.is_reusable());
    // Still refused once the response came back.
    drain(&mut c);
    c.handle_input(t0(), b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    drain(&mut c);
    assert_eq!(c.send_request(get("/next")).err(), Some(Error::ConnectionClosing));
    // The token is case-insensitive and may sit among others.
    let mut c = client();
    c.send_request(request(Method::GET, "/", &[("Connection", "Keep-Alive, CLOSE")]))
        .unwrap();
    assert_eq!(c.send_request(get("/next")).err(), Some(Error::ConnectionClosing));
}

#[test]
fn server_max_requests_sends_close_on_last_response() {
    let mut p = Pair::with_server(Config {
        max_requests: Some(2),
        ..Config::default()
    });
    let a = send(&mut p.client, get("/a"), None);
    p.run_with(&mut answer_with(b"a"));
    assert!(!first_head_lower(&p.sent[1]).contains("connection:"));
    assert_eq!(ended(p.events(Who::Client), a), Some(true));
    assert!(p.client.is_reusable());
    let before = p.sent[1].len();
    let b = send(&mut p.client, get("/b"), None);
    p.run_with(&mut answer_with(b"b"));
    let head = first_head_lower(&p.sent[1][before..]);
    assert!(head.contains("connection: close\r\n"), "{head}");
    assert_eq!(ended(p.events(Who::Client), b), Some(false));
    assert_eq!(p.server.close_reason(), Some(CloseReason::RequestLimit));
    assert_eq!(p.actions[1].first(), Some(&Action::ShutdownWrite));
    assert_eq!(p.server.state(), State::Closed);
    assert_eq!(p.client.state(), State::Closed);
    assert_eq!(p.server.requests_completed(), 2);
}

#[test]
fn server_answers_http10_keep_alive_with_keep_alive_header() {
    let mut p = Pair::with_server(Config {
        idle_timeout: Some(secs(15)),
        max_requests: Some(100),
        ..Config::default()
    });
    let id = send(&mut p.client, http10("/", &[("Connection", "keep-alive")]), None);
    p.run_with(&mut answer_with(b"ok"));
    let head = first_head_lower(&p.sent[1]);
    assert!(head.contains("connection: keep-alive\r\n"), "{head}");
    assert!(head.contains("keep-alive: timeout=15, max=99\r\n"), "{head}");
    assert_eq!(ended(p.events(Who::Client), id), Some(true));
    assert_eq!(p.client.keep_alive_hints().timeout, Some(secs(15)));
    assert_eq!(p.client.keep_alive_hints().max, Some(99));
    // The second answer counts down.
    let before = p.sent[1].len();
    send(&mut p.client, http10("/", &[("Connection", "keep-alive")]), None);
    p.run_with(&mut answer_with(b"ok"));
    let head = first_head_lower(&p.sent[1][before..]);
    assert!(head.contains("keep-alive: timeout=15, max=98\r\n"), "{head}");
    // An HTTP/1.1 request gets neither field.
    let before = p.sent[1].len();
    send(&mut p.client, get("/"), None);
    p.run_with(&mut answer_with(b"ok"));
    let head = first_head_lower(&p.sent[1][before..]);
    assert!(!head.contains("keep-alive"), "{head}");
}

#[test]
fn server_never_sends_chunked_to_http10() {
    for te in [true, false] {
        let mut s = server();
        s.handle_input(t0(), b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        let d = drain(&mut s);
        let (id, _) = requests(&d.events)[0].clone();
        let headers: &[(&str, &str)] = if te {
            &[("Transfer-Encoding", "chunked")]
        } else {
            &[]
        };
        s.send_response(id, response(200, headers)).unwrap();
        s.send_data(id, b"hello").unwrap();
        s.send_data(id, b" world").unwrap();
        s.send_end(id, None).unwrap();
        let d = drain(&mut s);
        let head = first_head_lower(&d.bytes);
        assert!(!head.contains("transfer-encoding"), "{head}");
        assert!(!head.contains("keep-alive"), "{head}");
        assert!(head.contains("connection: close\r\n"), "{head}");
        assert!(
            d.bytes.ends_with(b"\r\n\r\nhello world"),
            "{:?}",
            String::from_utf8_lossy(&d.bytes)
        );
        // Delimited by closing: the write side is shut after the body.
        assert_eq!(d.actions, [Action::ShutdownWrite]);
    }
}

#[test]
fn close_delimited_response_is_not_persistent() {
    let mut c = client();
    let id = c.send_request(get("/")).unwrap();
    drain(&mut c);
    c.handle_input(t0(), b"HTTP/1.1 200 OK\r\n\r\npart one ");
    c.handle_input(t0(), b"part two");
    let d = drain(&mut c);
    assert_eq!(statuses(&d.events), [(id, 200)]);
    assert_eq!(
        ended(&d.events, id),
        None,
        "a close-delimited body ends only at EOF"
    );
    assert!(!c.is_reusable());
    c.handle_eof(t0());
    let d2 = drain(&mut c);
    let all: Vec<_> = d.events.iter().chain(&d2.events).cloned().collect();
    assert_eq!(body(&all, id), b"part one part two");
    assert_eq!(ended(&all, id), Some(false));
    assert!(lost(&all).is_empty());
    assert!(!c.is_reusable());
    assert!(!c.is_proven_persistent());
    assert_eq!(c.state(), State::Closed);
    assert_eq!(c.send_request(get("/")).err(), Some(Error::ConnectionClosing));
}

#[test]
fn http11_keep_alive_token_does_not_change_framing() {
    // A `keep-alive` token blindly forwarded by an old proxy must not make
    // a close-delimited response look self-delimited (mission §4).
    let mut c = client();
    let id = c.send_request(get("/")).unwrap();
    drain(&mut c);
    c.handle_input(t0(), b"HTTP/1.1 200 OK\r\nConnection: keep-alive\r\n\r\nbody");
    let d = drain(&mut c);
    assert_eq!(ended(&d.events, id), None);
    assert!(!c.is_reusable());
    c.handle_eof(t0());
    let d = drain(&mut c);
    assert_eq!(ended(&d.events, id), Some(false));
    assert_eq!(c.state(), State::Closed);
}

#[test]
fn bodiless_response_to_http10_stays_bodiless() {
    for (req, status) in [
        (&b"HEAD / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"[..], 200),
        (b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", 204),
        (b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", 304),
    ] {
        let mut s = server();
        s.handle_input(t0(), req);
        let id = requests(&drain(&mut s).events)[0].0;
        // The application describes the GET representation's coding.
        s.send_response(id, response(status, &[("Transfer-Encoding", "chunked")]))
            .unwrap();
        let r = s.send_data(id, b"must not be sent");
        let d = drain(&mut s);
        assert!(r.is_err(), "{status}: body accepted after a bodiless head");
        assert!(!contains(&d.bytes, b"must not"), "{status}");
        assert!(d.bytes.ends_with(b"\r\n\r\n"), "{status}");
        // The message ended at its head, so keep-alive still holds.
        assert!(d.actions.is_empty(), "{status}: {:?}", d.actions);
        assert_eq!(s.state(), State::Idle, "{status}");
    }
}
