//! `Expect: 100-continue` (RFC 9110 §10.1.1, §15.2.1), both roles.

mod common;

use common::*;
use h1conn::{Action, Connection, Event, Method, Timer};

fn expecting_post(len: usize) -> h1conn::Request {
    let len = len.to_string();
    request(
        Method::POST,
        "/upload",
        &[("Content-Length", len.as_str()), ("Expect", "100-continue")],
    )
}

#[test]
fn server_sends_100_continue_when_app_reads_body() {
    let mut p = Pair::default();
    let id = send(&mut p.client, expecting_post(5), Some(b"hello"));
    let start = p.now;
    // The application reads on (polls again) without answering; it answers
    // once the body has ended.
    p.run_with(&mut |who, conn: &mut Connection, ev: &Event| {
        if let (Who::Server, Event::End { id, .. }) = (who, ev) {
            respond(conn, *id, 200, &[], b"got it");
        }
    });
    assert_eq!(p.now, start, "no timer was needed");
    assert!(p.sent[1].starts_with(b"HTTP/1.1 100 Continue\r\n\r\n"));
    let sid = request_ids(p.events(Who::Server))[0];
    assert_eq!(body(p.events(Who::Server), sid), b"hello");
    let evs = p.events(Who::Client);
    assert_eq!(interims(evs), [(id, 100)]);
    assert_eq!(statuses(evs), [(id, 200)]);
    assert_eq!(body(evs, id), b"got it");
    assert_eq!(ended(evs, id), Some(true));
    assert!(p.client.is_reusable());

    // An HTTP/1.0 expectation is ignored: no 100 goes to a 1.0 client.
    let mut s = server();
    s.handle_input(
        t0(),
        b"POST / HTTP/1.0\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n",
    );
    let d = drain(&mut s);
    assert_eq!(requests(&d.events).len(), 1);
    assert!(d.bytes.is_empty(), "{:?}", String::from_utf8_lossy(&d.bytes));
}

#[test]
fn server_skips_100_continue_when_body_already_arrived() {
    let mut s = server();
    s.handle_input(
        t0(),
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\nhi",
    );
    let d = drain(&mut s);
    let id = requests(&d.events)[0].0;
    assert_eq!(body(&d.events, id), b"hi");
    assert!(d.bytes.is_empty(), "{:?}", String::from_utf8_lossy(&d.bytes));
}

#[test]
fn server_final_status_without_continue_closes_after() {
    let mut p = Pair::default();
    p.hold_fin = [false, true]; // do not rely on the client closing first
    let id = send(&mut p.client, expecting_post(1 << 20), None);
    p.run_with(&mut |who, conn: &mut Connection, ev: &Event| {
        if let (Who::Server, Event::Request { id, .. }) = (who, ev) {
            // Answered before polling again: no 100 Continue.
            respond(conn, *id, 413, &[], b"too big");
        }
    });
    let head = first_head_lower(&p.sent[1]);
    assert!(head.starts_with("http/1.1 413 "), "{head}");
    assert!(head.contains("connection: close\r\n"), "{head}");
    assert!(interims(p.events(Who::Client)).is_empty());
    assert_eq!(statuses(p.events(Who::Client)), [(id, 413)]);
    let sid = request_ids(p.events(Who::Server))[0];
    assert!(body(p.events(Who::Server), sid).is_empty());
    assert!(
        errors(p.events(Who::Server)).is_empty(),
        "{:?}",
        p.events(Who::Server)
    );
    // The server closes on its own: it will not read the body it refused.
    assert_eq!(
        p.actions[1].first(),
        Some(&Action::ShutdownWrite),
        "{:?}",
        p.actions[1]
    );
    p.advance();
    assert_eq!(p.server.state(), h1conn::State::Closed);
}

#[test]
fn client_holds_body_until_100_continue() {
    let mut c = client();
    let id = send(&mut c, expecting_post(5), Some(b"hello"));
    let d = drain(&mut c);
    assert!(
        d.bytes.ends_with(b"Expect: 100-continue\r\n\r\n"),
        "{:?}",
        d.bytes
    );
    assert_eq!(c.timer(Timer::ExpectContinue), Some(t0() + secs(1)));
    c.handle_input(t0(), b"HTTP/1.1 100 Continue\r\n\r\n");
    let d = drain(&mut c);
    assert_eq!(interims(&d.events), [(id, 100)]);
    assert_eq!(d.bytes, b"hello");
    assert_eq!(c.timer(Timer::ExpectContinue), None);
    c.handle_input(t0(), b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
    let d = drain(&mut c);
    assert_eq!(statuses(&d.events), [(id, 201)]);
    assert_eq!(ended(&d.events, id), Some(true));
    assert!(c.is_reusable());

    // Body sent after the head went out is held too.
    let mut c = client();
    let id = c.send_request(expecting_post(3)).unwrap();
    let head = drain(&mut c);
    c.send_data(id, b"abc").unwrap();
    c.send_end(id, None).unwrap();
    assert!(drain(&mut c).bytes.is_empty());
    c.handle_input(t0(), b"HTTP/1.1 100 Continue\r\n\r\n");
    assert_eq!(drain(&mut c).bytes, b"abc");
    assert!(!contains(&head.bytes, b"abc"));
}

#[test]
fn client_sends_body_after_continue_timeout() {
    let mut c = client();
    let id = send(&mut c, expecting_post(5), Some(b"hello"));
    let d = drain(&mut c);
    assert!(!contains(&d.bytes, b"hello"));
    let deadline = t0() + secs(1);
    assert_eq!(c.poll_timeout(), Some(deadline));
    c.handle_timeout(t0() + std::time::Duration::from_millis(999));
    assert!(drain(&mut c).bytes.is_empty());
    c.handle_timeout(deadline);
    assert_eq!(drain(&mut c).bytes, b"hello");
    c.handle_input(deadline, b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    let d = drain(&mut c);
    assert_eq!(ended(&d.events, id), Some(true));
    assert!(c.is_reusable());
}

#[test]
fn client_sends_no_body_after_final_status() {
    let mut c = client();
    let id = send(&mut c, expecting_post(5), Some(b"hello"));
    drain(&mut c);
    c.handle_input(t0(), b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n");
    let mut d = drain(&mut c);
    assert_eq!(statuses(&d.events), [(id, 401)]);
    assert_eq!(ended(&d.events, id), Some(true));
    c.handle_timeout(t0() + secs(5));
    let d2 = drain(&mut c);
    d.bytes.extend_from_slice(&d2.bytes);
    assert!(!contains(&d.bytes, b"hello"), "{:?}", d.bytes);
    // The request is incomplete on the wire: the connection cannot carry
    // another exchange.
    assert!(!c.is_reusable());
    assert_eq!(d.actions, [Action::ShutdownWrite]);

    // Body handed over after the final status is dropped as well.
    let mut c = client();
    let id = c.send_request(expecting_post(5)).unwrap();
    drain(&mut c);
    c.handle_input(
        t0(),
        b"HTTP/1.1 417 Expectation Failed\r\nContent-Length: 0\r\n\r\n",
    );
    drain(&mut c);
    let _ = c.send_data(id, b"hello");
    let _ = c.send_end(id, None);
    c.handle_timeout(t0() + secs(5));
    assert!(!contains(&drain(&mut c).bytes, b"hello"));
}

#[test]
fn client_closes_after_final_status_without_sending_body() {
    let mut c = client();
    let id = c.send_request(expecting_post(100)).unwrap();
    drain(&mut c);
    c.handle_input(
        t0(),
        b"HTTP/1.1 413 Content Too Large\r\nContent-Length: 0\r\n\r\n",
    );
    let d = drain(&mut c);
    assert_eq!(ended(&d.events, id), Some(true));
    // The body will never be sent, so the request can never be completed on
    // this connection: it must close rather than wait forever.
    assert_eq!(d.actions, [Action::ShutdownWrite], "state {:?}", c.state());
    assert!(c.poll_timeout().is_some());
}
