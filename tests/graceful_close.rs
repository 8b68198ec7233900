//! Closing (mission §6, RFC 9112 §9.6): finish what is owed, shut down the
//! write side, drain the peer until EOF or the linger timeout, then close;
//! a reset only on request.

mod common;

use common::*;
use h1conn::{Action, CloseReason, Config, Event, Method, State, Timer};

#[test]
fn data_after_close_is_not_a_new_message() {
    // Client: bytes after a `close` response are not a response.
    let mut c = client();
    let id = c.send_request(get("/")).unwrap();
    drain(&mut c);
    let wire = b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\nA\
          HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nB";
    assert_eq!(c.handle_input(t0(), wire), wire.len(), "taken and discarded");
    c.handle_input(t0(), b"HTTP/1.1 500 Oops\r\n\r\n");
    c.handle_eof(t0());
    let d = drain(&mut c);
    assert_eq!(statuses(&d.events), [(id, 200)]);
    assert_eq!(body(&d.events, id), b"A");
    assert!(lost(&d.events).is_empty(), "{:?}", d.events);
    assert_eq!(c.state(), State::Closed);

    // Server: a request after a `close` request is not read.
    let mut s = server();
    s.handle_input(
        t0(),
        b"GET /1 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n",
    );
    let d = drain(&mut s);
    let reqs = requests(&d.events);
    assert_eq!(reqs.len(), 1);
    respond(&mut s, reqs[0].0, 200, &[], b"1");
    s.handle_input(t0(), b"GET /3 HTTP/1.1\r\nHost: a\r\n\r\n");
    let d = drain(&mut s);
    assert!(requests(&d.events).is_empty(), "{:?}", d.events);
    assert!(errors(&d.events).is_empty(), "{:?}", d.events);
    assert_eq!(count(&d.bytes, b"HTTP/1.1 "), 1);
    assert_eq!(d.actions, [Action::ShutdownWrite]);
}

#[test]
fn server_responds_after_client_eof_then_closes() {
    let mut p = Pair::default();
    let id = send(&mut p.client, get("/"), None);
    p.inject_eof(Who::Server); // the client's driver half-closed after the request
    p.run();
    assert!(p.got_eof(Who::Server));
    assert_eq!(p.server.state(), State::HalfClosed);
    assert!(p.actions[1].is_empty());
    let sid = request_ids(p.events(Who::Server))[0];
    respond(&mut p.server, sid, 200, &[], b"still answered");
    p.run();
    assert_eq!(body(p.events(Who::Client), id), b"still answered");
    assert_eq!(ended(p.events(Who::Client), id), Some(true));
    assert_eq!(p.actions[1].last(), Some(&Action::Close));
    assert!(!p.actions[1].contains(&Action::Abort));
    assert_eq!(p.server.state(), State::Closed);
}

#[test]
fn half_close_then_linger_timeout() {
    let mut p = Pair::default();
    p.hold_fin = [false, true]; // the client's EOF never reaches the server
    send(
        &mut p.client,
        request(Method::GET, "/", &[("Connection", "close")]),
        None,
    );
    p.run_with(&mut answer_with(b"bye"));
    let shut_at = p.now;
    assert_eq!(p.actions[1], [Action::ShutdownWrite]);
    assert_eq!(p.server.state(), State::HalfClosed);
    let linger = Config::default().linger_timeout;
    assert_eq!(p.server.timer(Timer::Linger), Some(shut_at + linger));
    assert_eq!(p.server.poll_timeout(), Some(shut_at + linger));
    // Still draining just before the deadline.
    p.advance_by(linger - secs(1));
    assert_eq!(p.server.state(), State::HalfClosed);
    assert_eq!(p.advance(), Some(shut_at + linger));
    assert_eq!(p.actions[1], [Action::ShutdownWrite, Action::Close]);
    assert_eq!(p.server.state(), State::Closed);
    assert_eq!(p.server.poll_timeout(), None);
}

#[test]
fn half_close_then_peer_eof_closes() {
    let mut p = Pair::default();
    let id = send(
        &mut p.client,
        request(Method::GET, "/", &[("Connection", "close")]),
        None,
    );
    let start = p.now;
    p.run_with(&mut answer_with(b"bye"));
    assert_eq!(p.now, start, "no timer needed");
    assert_eq!(p.actions[1], [Action::ShutdownWrite, Action::Close]);
    assert!(peer_closed(p.events(Who::Server)));
    assert_eq!(p.server.state(), State::Closed);
    assert_eq!(ended(p.events(Who::Client), id), Some(false));
    assert_eq!(p.actions[0], [Action::ShutdownWrite, Action::Close]);
    assert_eq!(p.client.state(), State::Closed);
}

#[test]
fn close_finishes_the_exchange_in_progress_first() {
    let mut p = Pair::default();
    let id = send(&mut p.client, get("/"), None);
    p.run();
    p.client.close();
    p.run();
    assert_eq!(p.client.state(), State::Closing);
    assert!(p.actions[0].is_empty(), "no shutdown before the response");
    let sid = request_ids(p.events(Who::Server))[0];
    respond(&mut p.server, sid, 200, &[], b"done");
    p.run();
    assert_eq!(body(p.events(Who::Client), id), b"done");
    assert_eq!(p.client.close_reason(), Some(CloseReason::LocalClose));
    assert_eq!(p.actions[0].first(), Some(&Action::ShutdownWrite));
    assert!(lost(p.events(Who::Client)).is_empty());

    // Requests that never went out are reported, safe to retry.
    let mut c = client();
    c.send_request(get("/1")).unwrap();
    let queued = c.send_request(get("/2")).unwrap();
    c.close();
    let d = drain(&mut c);
    let l = lost(&d.events);
    assert_eq!(l.len(), 1);
    assert_eq!(l[0].id, queued);
    assert!(!l[0].written && l[0].retry_safe);
    assert_eq!(count(&d.bytes, b"GET"), 1);
}

#[test]
fn lingering_discards_input_up_to_a_bound() {
    let mut s = h1conn::Connection::new(
        h1conn::Role::Server,
        Config {
            max_linger_bytes: 100,
            ..Config::default()
        },
        t0(),
    );
    s.handle_input(t0(), b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    let id = requests(&drain(&mut s).events)[0].0;
    respond(&mut s, id, 200, &[], b"x");
    assert_eq!(drain(&mut s).actions, [Action::ShutdownWrite]);
    assert_eq!(s.handle_input(t0(), &[b'z'; 60]), 60);
    assert_eq!(s.state(), State::HalfClosed);
    assert_eq!(s.buffered(), 0, "drained bytes are not kept");
    s.handle_input(t0(), &[b'z'; 60]);
    let d = drain(&mut s);
    assert!(d.events.is_empty(), "{:?}", d.events);
    assert_eq!(d.actions, [Action::Close]);
    assert_eq!(s.state(), State::Closed);
}

#[test]
fn abort_is_only_on_request() {
    // Errors, truncation, timeouts, resets and closes never reset the peer.
    let mut p = Pair::default();
    p.inject(Who::Server, b"BAD REQUEST LINE\r\n\r\n");
    p.run();
    let mut p2 = Pair::default();
    send(&mut p2.client, get("/"), None);
    p2.run_with(&mut answer_with(b"ok"));
    p2.settle_with(&mut idle_app, 10); // idle timeout, then linger
    let mut p3 = Pair::default();
    p3.inject(
        Who::Server,
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 9\r\n\r\nab",
    );
    p3.inject_eof(Who::Server);
    p3.run();
    let mut p4 = Pair::default();
    p4.inject(Who::Server, b"GET / HTTP/1.1\r\nHo");
    p4.settle_with(&mut idle_app, 10); // header read timeout
    let mut p5 = Pair::default();
    send(&mut p5.client, get("/"), None);
    p5.client.handle_reset(p5.now);
    p5.server.close();
    p5.settle_with(&mut idle_app, 10);
    for (i, p) in [&p, &p2, &p3, &p4, &p5].into_iter().enumerate() {
        for who in BOTH {
            let acts = &p.actions[who as usize];
            assert!(!acts.contains(&Action::Abort), "scenario {i}, {who:?}: {acts:?}");
        }
        assert!(p.socket_closed(Who::Server), "scenario {i}: server still open");
    }

    // abort(): an immediate reset, pending output dropped.
    let mut p = Pair::default();
    let id = send(&mut p.client, get("/"), None);
    p.run();
    let sid = request_ids(p.events(Who::Server))[0];
    p.server
        .send_response(sid, response(200, &[("Content-Length", "100")]))
        .unwrap();
    p.server.abort();
    p.run();
    assert_eq!(p.actions[1], [Action::Abort]);
    assert_eq!(p.sent[1], b"", "output queued before abort() is dropped");
    assert_eq!(p.server.state(), State::Closed);
    assert_eq!(p.client.state(), State::Closed);
    assert_eq!(lost_reasons(p.events(Who::Client)), [CloseReason::Reset]);
    assert_eq!(lost(p.events(Who::Client))[0].id, id);
    assert_eq!(p.server.poll_action(), None);
    assert!(p.server.send_data(sid, b"x").is_err());

    // Client abort reports its own requests.
    let mut c = client();
    let id = c.send_request(get("/")).unwrap();
    drain(&mut c);
    c.abort();
    let d = drain(&mut c);
    assert_eq!(d.actions, [Action::Abort]);
    assert!(matches!(
        &d.events[..],
        [Event::ConnectionLost { reason: CloseReason::Aborted, unanswered }] if unanswered[0].id == id
    ));
}
