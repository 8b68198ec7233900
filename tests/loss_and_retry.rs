//! Connections close at any time (mission §4, §6): a truncated message is an
//! error, never a complete one, and a lost request is reported with whether
//! it is safe to send again (RFC 9110 §9.2.2, RFC 9112 §9.3.1).

mod common;

use common::*;
use h1conn::{Action, CloseReason, Config, Error, Event, Method, RequestId, State, Unanswered};

fn lost_one(evs: &[Event]) -> Unanswered {
    let l = lost(evs);
    assert_eq!(l.len(), 1, "{evs:?}");
    l[0].clone()
}

#[test]
fn eof_mid_body_is_truncation_not_end() {
    // Client: Content-Length and chunked bodies cut short.
    for (resp, err) in [
        (
            &b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello"[..],
            Error::TruncatedBody,
        ),
        (
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
            Error::TruncatedChunkedBody,
        ),
    ] {
        let mut c = client();
        let id = c.send_request(get("/")).unwrap();
        drain(&mut c);
        c.handle_input(t0(), resp);
        c.handle_eof(t0());
        let d = drain(&mut c);
        assert_eq!(body(&d.events, id), b"hello");
        assert_eq!(
            ended(&d.events, id),
            None,
            "a truncated body must not end: {:?}",
            d.events
        );
        assert_eq!(lost_reasons(&d.events), [CloseReason::Protocol(err)]);
        let u = lost_one(&d.events);
        assert_eq!(u.id, id);
        assert!(u.written && u.response_started && !u.retry_safe);
        assert_eq!(c.state(), State::Closed);
        assert_eq!(d.actions, [Action::Close]);
    }
    // Server: a request body cut short is an error, not a request to answer.
    for (req, err) in [
        (
            &b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nhello"[..],
            Error::TruncatedBody,
        ),
        (
            b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
            Error::TruncatedChunkedBody,
        ),
    ] {
        let mut s = server();
        s.handle_input(t0(), req);
        s.handle_eof(t0());
        let d = drain(&mut s);
        let (id, _) = requests(&d.events)[0].clone();
        assert_eq!(ended(&d.events, id), None);
        assert_eq!(errors(&d.events), [err]);
        assert!(d.bytes.is_empty(), "nobody is left to read an error response");
        assert_eq!(s.state(), State::Closed);
        assert!(s.send_response(id, response(200, &[])).is_err());
    }
}

#[test]
fn eof_mid_head_is_an_error() {
    let mut c = client();
    let id = c.send_request(get("/")).unwrap();
    drain(&mut c);
    c.handle_input(t0(), b"HTTP/1.1 200 OK\r\nContent-Le");
    c.handle_eof(t0());
    let d = drain(&mut c);
    assert!(statuses(&d.events).is_empty());
    assert_eq!(
        lost_reasons(&d.events),
        [CloseReason::Protocol(Error::TruncatedHead)]
    );
    let u = lost_one(&d.events);
    assert_eq!(u.id, id);
    assert!(u.response_started && !u.retry_safe);
    assert_eq!(c.state(), State::Closed);

    let mut s = server();
    s.handle_input(t0(), b"GET / HTTP/1.1\r\nHo");
    s.handle_eof(t0());
    let d = drain(&mut s);
    assert!(requests(&d.events).is_empty());
    assert_eq!(errors(&d.events), [Error::TruncatedHead]);
    assert!(!peer_closed(&d.events), "EOF mid-head is not a clean close");
    assert!(d.bytes.is_empty());
    assert_eq!(s.state(), State::Closed);
}

#[test]
fn unanswered_post_is_not_retry_safe() {
    let mut p = Pair::default();
    let id = send(
        &mut p.client,
        request(Method::POST, "/pay", &[("Content-Length", "3")]),
        Some(b"abc"),
    );
    p.run();
    assert_eq!(request_ids(p.events(Who::Server)).len(), 1);
    // The server goes away without answering.
    p.server.abort();
    p.run();
    let u = lost_one(p.events(Who::Client));
    assert_eq!(u.id, id);
    assert_eq!(u.method, Method::POST);
    assert!(u.written);
    assert!(!u.response_started);
    assert!(!u.retry_safe, "a POST that reached the wire must not be resent");
    assert_eq!(lost_reasons(p.events(Who::Client)), [CloseReason::Reset]);

    // Same with a clean close (EOF) instead of a reset, and for PATCH.
    let mut c = client();
    let id = c
        .send_request(request(Method::PATCH, "/", &[("Content-Length", "0")]))
        .unwrap();
    drain(&mut c);
    c.handle_eof(t0());
    let d = drain(&mut c);
    let u = lost_one(&d.events);
    assert_eq!(u.id, id);
    assert!(u.written && !u.response_started && !u.retry_safe);
    assert_eq!(c.state(), State::Closed);

    // Unless the application marked it retryable.
    let mut c = client();
    let id = c
        .send_request_with(request(Method::POST, "/", &[("Content-Length", "0")]), true)
        .unwrap();
    drain(&mut c);
    c.handle_eof(t0());
    let u = lost_one(&drain(&mut c).events);
    assert_eq!(u.id, id);
    assert!(u.written && u.retry_safe);
}

#[test]
fn unwritten_request_is_retry_safe() {
    // Queued but not yet handed to the driver when the reset came.
    let mut c = client();
    let id = c
        .send_request(request(Method::POST, "/", &[("Content-Length", "0")]))
        .unwrap();
    c.handle_reset(t0());
    let d = drain(&mut c);
    let u = lost_one(&d.events);
    assert_eq!(u.id, id);
    assert!(!u.written && !u.response_started && u.retry_safe);
    assert_eq!(c.state(), State::Closed);

    // Waiting behind an outstanding request when the answer to it said close.
    let mut p = Pair::default();
    let a = send(&mut p.client, get("/a"), None);
    let b = send(
        &mut p.client,
        request(Method::POST, "/b", &[("Content-Length", "1")]),
        Some(b"b"),
    );
    p.run();
    assert_eq!(count(&p.sent[0], b"POST"), 0);
    let sid = request_ids(p.events(Who::Server))[0];
    respond(&mut p.server, sid, 200, &[("Connection", "close")], b"a");
    p.run();
    let evs = p.events(Who::Client);
    assert_eq!(ended(evs, a), Some(false));
    let u = lost_one(evs);
    assert_eq!(u.id, b);
    assert!(!u.written && !u.response_started && u.retry_safe, "{u:?}");
    assert_eq!(count(&p.sent[0], b"POST"), 0);
    assert_eq!(p.client.state(), State::Closed);
}

#[test]
fn idempotent_without_response_bytes_is_retry_safe() {
    for m in [
        Method::GET,
        Method::HEAD,
        Method::PUT,
        Method::DELETE,
        Method::OPTIONS,
        Method::TRACE,
    ] {
        let mut c = client();
        let id = c.send_request(request(m.clone(), "/", &[])).unwrap();
        drain(&mut c);
        c.handle_eof(t0());
        let u = lost_one(&drain(&mut c).events);
        assert_eq!(u.id, id);
        assert_eq!(u.method, m);
        assert!(u.written && !u.response_started && u.retry_safe, "{m:?}: {u:?}");
    }
}

#[test]
fn get_with_partial_response_is_not_retry_safe() {
    let mut c = client();
    let id = c.send_request(get("/")).unwrap();
    drain(&mut c);
    c.handle_input(t0(), b"HTTP/1.1 2");
    c.handle_reset(t0());
    let u = lost_one(&drain(&mut c).events);
    assert_eq!(u.id, id);
    assert!(u.response_started && !u.retry_safe, "{u:?}");
}

#[test]
fn nothing_is_transmitted_after_reset() {
    // The socket is gone: the request reported unwritten must stay unwritten.
    let mut c = client();
    let id = c.send_request(get("/")).unwrap();
    c.handle_reset(t0());
    let d = drain(&mut c);
    assert_eq!(lost_one(&d.events).id, id);
    assert!(!lost_one(&d.events).written);
    assert!(d.bytes.is_empty(), "{:?}", String::from_utf8_lossy(&d.bytes));
    assert_eq!(d.actions, [Action::Close]);
}

#[test]
fn pipelined_response_bytes_mark_the_request_they_belong_to() {
    // The end of one response and the start of the next arrive in one read:
    // the second request has response bytes too.
    let mut c = h1conn::Connection::new(
        h1conn::Role::Client,
        Config {
            pipeline_depth: 4,
            ..Config::default()
        },
        t0(),
    );
    c.send_request(get("/0")).unwrap();
    drain(&mut c);
    c.handle_input(t0(), b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    let a = c.send_request(get("/a")).unwrap();
    let b = c.send_request(get("/b")).unwrap();
    let d = drain(&mut c);
    assert_eq!(count(&d.bytes, b"GET"), 2);
    c.handle_input(
        t0(),
        b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\naHTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nbb",
    );
    c.handle_eof(t0());
    let d = drain(&mut c);
    assert_eq!(ended(&d.events, a), Some(true));
    assert_eq!(statuses(&d.events), [(a, 200), (b, 200)]);
    let u = lost_one(&d.events);
    assert_eq!(u.id, b);
    assert!(u.response_started, "{u:?}");
    assert!(!u.retry_safe, "{u:?}");
}

#[test]
fn pipelined_requests_after_the_last_answer_are_reported_in_order() {
    let mut p = Pair::with_client(Config {
        pipeline_depth: 4,
        ..Config::default()
    });
    let w = send(&mut p.client, get("/w"), None);
    p.run_with(&mut answer_with(b"w"));
    let ids: Vec<RequestId> = (0..3)
        .map(|i| send(&mut p.client, get(&format!("/{i}")), None))
        .collect();
    p.run();
    assert_eq!(count(&p.sent[0], b"GET /"), 4);
    // The server answers the first, then closes (e.g. it hit a limit).
    let first = request_ids(p.events(Who::Server))[1];
    respond(&mut p.server, first, 200, &[("Connection", "close")], b"0");
    p.run();
    let evs = p.events(Who::Client);
    assert_eq!(ended(evs, w), Some(true));
    assert_eq!(ended(evs, ids[0]), Some(false));
    let l = lost(evs);
    assert_eq!(l.iter().map(|u| u.id).collect::<Vec<_>>(), ids[1..]);
    assert!(l.iter().all(|u| u.written && !u.response_started && u.retry_safe));
    assert_eq!(p.client.state(), State::Closed);
}

#[test]
fn request_racing_idle_close_is_retry_safe() {
    // The server's idle timer fires just as the client sends a request.
    let mut p = Pair::with_server(Config {
        idle_timeout: Some(secs(5)),
        ..Config::default()
    });
    send(&mut p.client, get("/0"), None);
    p.run_with(&mut answer_with(b"0"));
    assert!(p.client.is_reusable());
    p.now = p.now + secs(5);
    p.server.handle_timeout(p.now);
    let id = send(&mut p.client, get("/1"), None);
    p.run();
    assert!(
        request_ids(p.events(Who::Server)).len() == 1,
        "the late request is not read"
    );
    let u = lost_one(p.events(Who::Client));
    assert_eq!(u.id, id);
    assert!(u.written && !u.response_started && u.retry_safe);
    assert_eq!(p.client.state(), State::Closed);
    assert_eq!(p.server.state(), State::Closed);
}
