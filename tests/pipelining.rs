//! Pipelining (mission §5): the client pipelines only idempotent requests on
//! a connection proven persistent; responses come back, and are matched,
//! in request order; the server answers in order with bounded read-ahead.

mod common;

use common::*;
use h1conn::{Config, Connection, Event, Method, RequestId, State};

fn depth(n: usize) -> Config {
    Config {
        pipeline_depth: n,
        ..Config::default()
    }
}

/// Server: answer the oldest request not yet answered; its id.
fn answer_next(p: &mut Pair, body: &[u8]) -> Option<RequestId> {
    for id in request_ids(p.events(Who::Server)) {
        let len = body.len().to_string();
        if p.server
            .send_response(id, response(200, &[("Content-Length", &len)]))
            .is_ok()
        {
            p.server.send_data(id, body).unwrap();
            p.server.send_end(id, None).unwrap();
            p.run();
            return Some(id);
        }
    }
    None
}

fn on_wire(p: &Pair, what: &str) -> usize {
    count(&p.sent[0], what.as_bytes())
}

#[test]
fn pipelines_only_idempotent_after_persistence_proven() {
    let mut p = Pair::with_client(depth(4));
    // Not yet proven: the second GET waits for the first response.
    send(&mut p.client, get("/a"), None);
    send(&mut p.client, get("/b"), None);
    p.run();
    assert_eq!(on_wire(&p, "GET /a "), 1);
    assert_eq!(on_wire(&p, "GET /b "), 0);
    assert_eq!(p.client.state(), State::Active);
    assert!(!p.client.is_proven_persistent());

    answer_next(&mut p, b"a");
    assert!(p.client.is_proven_persistent());
    assert_eq!(on_wire(&p, "GET /b "), 1);
    // Proven, and /b is outstanding: more GETs go out back to back.
    send(&mut p.client, get("/c"), None);
    send(&mut p.client, get("/d"), None);
    p.run();
    assert_eq!(on_wire(&p, "GET /c "), 1);
    assert_eq!(on_wire(&p, "GET /d "), 1);
    assert_eq!(p.client.state(), State::Pipelined);
    // A POST (not idempotent) waits until the connection is idle.
    send(
        &mut p.client,
        request(Method::POST, "/e", &[("Content-Length", "1")]),
        Some(b"e"),
    );
    p.run();
    assert_eq!(on_wire(&p, "POST /e "), 0);
    answer_next(&mut p, b"b");
    answer_next(&mut p, b"c");
    assert_eq!(on_wire(&p, "POST /e "), 0, "POST went out with /d outstanding");
    answer_next(&mut p, b"d");
    assert_eq!(on_wire(&p, "POST /e "), 1);
    assert_eq!(p.client.state(), State::Active);
    answer_next(&mut p, b"e");
    let evs = p.events(Who::Client);
    let ids: Vec<u64> = statuses(evs).iter().map(|(id, _)| id.0).collect();
    assert_eq!(ids, [0, 1, 2, 3, 4]);
    for (i, b) in [b"a", b"b", b"c", b"d", b"e"].iter().enumerate() {
        assert_eq!(body(evs, RequestId(i as u64)), *b);
    }
    assert_eq!(p.client.state(), State::Idle);
}

#[test]
fn no_pipelining_behind_a_non_idempotent_request() {
    // RFC 9112 §9.3.2: a client SHOULD NOT pipeline requests after a
    // non-idempotent method until that method's final status arrived.
    let mut p = Pair::with_client(depth(4));
    send(&mut p.client, get("/a"), None);
    p.run();
    answer_next(&mut p, b"a");
    send(
        &mut p.client,
        request(Method::POST, "/p", &[("Content-Length", "1")]),
        Some(b"p"),
    );
    send(&mut p.client, get("/g"), None);
    p.run();
    assert_eq!(on_wire(&p, "POST /p "), 1);
    assert_eq!(on_wire(&p, "GET /g "), 0, "GET pipelined behind a POST");
    answer_next(&mut p, b"p");
    assert_eq!(on_wire(&p, "GET /g "), 1);
}

#[test]
fn retryable_mark_allows_pipelining_a_post() {
    let mut p = Pair::with_client(depth(4));
    send(&mut p.client, get("/a"), None);
    p.run();
    answer_next(&mut p, b"a");
    send(&mut p.client, get("/b"), None);
    let id = p
        .client
        .send_request_with(request(Method::POST, "/c", &[("Content-Length", "1")]), true)
        .unwrap();
    p.client.send_data(id, b"c").unwrap();
    p.client.send_end(id, None).unwrap();
    p.run();
    assert_eq!(on_wire(&p, "POST /c "), 1);
    assert_eq!(p.client.state(), State::Pipelined);
}

#[test]
fn pipeline_depth_bounds_outstanding_requests() {
    let mut p = Pair::with_client(depth(3));
    send(&mut p.client, get("/0"), None);
    p.run();
    answer_next(&mut p, b"0");
    for i in 1..=6 {
        send(&mut p.client, get(&format!("/{i}")), None);
    }
    p.run();
    assert_eq!(on_wire(&p, "GET /"), 4); // /0 answered, then 3 at once
    answer_next(&mut p, b"1");
    assert_eq!(on_wire(&p, "GET /"), 5);

    // Depth 1 never pipelines, even when proven.
    let mut p = Pair::with_client(depth(1));
    send(&mut p.client, get("/0"), None);
    p.run();
    answer_next(&mut p, b"0");
    send(&mut p.client, get("/1"), None);
    send(&mut p.client, get("/2"), None);
    p.run();
    assert_eq!(on_wire(&p, "GET /"), 2);
}

#[test]
fn responses_matched_in_order_with_head_framing() {
    // Through the pair: HEAD then GET pipelined on a proven connection.
    let mut p = Pair::with_client(depth(4));
    send(&mut p.client, get("/warm"), None);
    p.run();
    answer_next(&mut p, b"w");
    let h = send(&mut p.client, request(Method::HEAD, "/h", &[]), None);
    let g = send(&mut p.client, get("/g"), None);
    p.run_with(&mut |who, conn: &mut Connection, ev: &Event| {
        if let (Who::Server, Event::Request { id, head }) = (who, ev) {
            if head.method() == &Method::HEAD {
                // No body follows a HEAD response: the head completes it.
                conn.send_response(*id, response(200, &[("Content-Length", "5")]))
                    .unwrap();
            } else {
                respond(conn, *id, 200, &[], b"hello");
            }
        }
    });
    let evs = p.events(Who::Client);
    assert_eq!(statuses(evs)[1..], [(h, 200), (g, 200)]);
    assert_eq!(body(evs, h), b"");
    assert_eq!(body(evs, g), b"hello");
    assert_eq!(ended(evs, h), Some(true));
    assert_eq!(ended(evs, g), Some(true));

    // Scripted: both responses in one read; the HEAD response's
    // Content-Length must not swallow the next response.
    let mut c = Connection::new(h1conn::Role::Client, depth(4), t0());
    let w = c.send_request(get("/warm")).unwrap();
    drain(&mut c);
    c.handle_input(t0(), b"HTTP/1.1 204 No Content\r\n\r\n");
    let h = c.send_request(request(Method::HEAD, "/h", &[])).unwrap();
    let g = c.send_request(get("/g")).unwrap();
    let d0 = drain(&mut c);
    assert_eq!(count(&d0.bytes, b"HTTP/1.1\r\n"), 2, "both pipelined");
    c.handle_input(
        t0(),
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
    );
    let mut d = drain(&mut c);
    d.events.splice(0..0, d0.events);
    assert_eq!(statuses(&d.events), [(w, 204), (h, 200), (g, 200)]);
    assert_eq!(body(&d.events, h), b"");
    assert_eq!(body(&d.events, g), b"hello");
    assert_eq!(ends(&d.events), [w, h, g]);
    assert!(c.is_reusable());
}

#[test]
fn server_answers_pipelined_requests_in_order() {
    let mut s = server();
    s.handle_input(
        t0(),
        b"GET /0 HTTP/1.1\r\nHost: a\r\n\r\nPOST /1 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc\
          GET /2 HTTP/1.1\r\nHost: a\r\n\r\n",
    );
    let d = drain(&mut s);
    let reqs = requests(&d.events);
    assert_eq!(reqs.len(), 1, "{:?}", d.events);
    assert_eq!(reqs[0].1.target(), b"/0");
    assert_eq!(s.state(), State::Pipelined);
    let r0 = reqs[0].0;
    // The second request is not handed out while the first response is
    // unfinished, and the second cannot be answered first.
    assert!(s.send_response(RequestId(r0.0 + 1), response(204, &[])).is_err());
    s.send_response(r0, response(200, &[("Content-Length", "2")]))
        .unwrap();
    s.send_data(r0, b"r0").unwrap();
    let d0 = drain(&mut s);
    assert!(requests(&d0.events).is_empty());
    s.send_end(r0, None).unwrap();
    let d = drain(&mut s);
    let reqs = requests(&d.events);
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].1.target(), b"/1");
    let r1 = reqs[0].0;
    assert_eq!(body(&d.events, r1), b"abc");
    respond(&mut s, r1, 201, &[], b"r1");
    let d2 = drain(&mut s);
    let reqs = requests(&d2.events);
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].1.target(), b"/2");
    respond(&mut s, reqs[0].0, 202, &[], b"r2");
    let d3 = drain(&mut s);
    let wire = [d0.bytes, d.bytes, d2.bytes, d3.bytes].concat();
    let wire = String::from_utf8_lossy(&wire);
    let p0 = wire.find("r0").unwrap();
    let p1 = wire.find("201 Created").unwrap();
    let p2 = wire.find("202 Accepted").unwrap();
    assert!(p0 < p1 && p1 < p2, "{wire}");
    assert_eq!(s.state(), State::Idle);
    assert_eq!(s.requests_completed(), 3);
}

#[test]
fn server_read_ahead_is_bounded() {
    let mut p = Pair::with_server(Config {
        max_read_ahead: 256,
        ..Config::default()
    });
    p.piece = 64;
    let one = b"GET /x HTTP/1.1\r\nHost: example.com\r\n\r\n";
    let total = 20;
    for _ in 0..total {
        p.inject(Who::Server, one);
    }
    p.run();
    assert_eq!(request_ids(p.events(Who::Server)).len(), 1);
    assert_eq!(p.server.read_capacity(), 0);
    assert!(p.server.buffered() <= 256, "{}", p.server.buffered());
    assert!(p.in_flight(Who::Server) > 0);
    let offered = p.in_flight(Who::Server);
    assert_eq!(
        p.server.handle_input(p.now, b"GET"),
        0,
        "took bytes past the bound"
    );
    assert_eq!(p.in_flight(Who::Server), offered);
    // Answering lets the rest in, in order.
    let mut answered = 0;
    while answer_next(&mut p, b"ok").is_some() {
        answered += 1;
        assert!(p.server.buffered() <= 256);
    }
    assert_eq!(answered, total);
    assert_eq!(p.in_flight(Who::Server), 0);
}

#[test]
fn unsolicited_response_is_never_matched_to_a_later_request() {
    // A stray response behind a complete one, with nothing outstanding
    // (a server bug, or a 204 followed by a body).
    let mut c = client();
    let a = c.send_request(get("/a")).unwrap();
    drain(&mut c);
    c.handle_input(
        t0(),
        b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na\
          HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nevil",
    );
    let d = drain(&mut c);
    assert_eq!(body(&d.events, a), b"a");
    // The connection is out of step: a pool must not reuse it ...
    assert!(
        !c.is_reusable(),
        "connection with unsolicited bytes offered for reuse"
    );
    // ... and the stray bytes must never answer a later request.
    if let Ok(b) = c.send_request(get("/b")) {
        let d = drain(&mut c);
        assert_ne!(body(&d.events, b), b"evil", "{:?}", d.events);
        assert!(
            statuses(&d.events).iter().all(|(id, _)| *id != b),
            "{:?}",
            d.events
        );
    }
}

/// Thousands of queued requests whose answers all arrive in one read (a
/// server that answers ahead, or a slow reader): each answer lets the next
/// request out as the read is decoded, and neither the stack (no nesting
/// per response) nor the work per response (no walk over the whole queue)
/// grows with the queue.
#[test]
fn a_long_queue_answered_in_one_read() {
    const N: usize = 20_000;
    let mut c = Connection::new(h1conn::Role::Client, depth(16), t0());
    let first = c.send_request(get("/0")).unwrap();
    let _ = drain(&mut c);
    let answer = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    assert_eq!(c.handle_input(t0(), answer), answer.len());
    assert_eq!(ends(&drain(&mut c).events), vec![first]);

    let ids: Vec<RequestId> = (0..N)
        .map(|i| c.send_request(get(&format!("/{i}"))).unwrap())
        .collect();
    let before = drain(&mut c);
    assert_eq!(count(&before.bytes, b"GET /"), 16, "the pipeline depth");
    let wire = answer.repeat(N);
    assert_eq!(c.handle_input(t0(), &wire), wire.len());
    let d = drain(&mut c);
    assert_eq!(ends(&d.events), ids);
    assert_eq!(count(&d.bytes, b"GET /"), N - 16);
    assert!(c.is_reusable());
}
