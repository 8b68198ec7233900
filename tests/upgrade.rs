//! Leaving HTTP/1 (RFC 9110 §7.8, §9.3.6, §15.2.2): 101 Switching Protocols
//! and a 2xx answer to CONNECT hand the connection, and the bytes already
//! received after the head, to the application.

mod common;

use common::*;
use h1conn::{Event, Method, State};

fn switched(evs: &[Event]) -> Vec<(h1conn::RequestId, Vec<u8>)> {
    evs.iter()
        .filter_map(|e| match e {
            Event::Switched { id, rest } => Some((*id, rest.to_vec())),
            _ => None,
        })
        .collect()
}

fn upgrade_request() -> h1conn::Request {
    request(
        Method::GET,
        "/chat",
        &[("Upgrade", "websocket"), ("Connection", "Upgrade")],
    )
}

#[test]
fn upgrade_101_hands_over_leftover_bytes() {
    let mut p = Pair::default();
    let id = send(&mut p.client, upgrade_request(), None);
    p.flush();
    p.inject(Who::Server, b"early client bytes");
    p.run();
    let (sid, head) = requests(p.events(Who::Server))[0].clone();
    assert!(head.wants_upgrade());
    // The bytes behind the offer are not parsed as HTTP meanwhile.
    assert!(errors(p.events(Who::Server)).is_empty());
    assert_eq!(request_ids(p.events(Who::Server)).len(), 1);
    p.server
        .send_response(
            sid,
            response(101, &[("Upgrade", "websocket"), ("Connection", "Upgrade")]),
        )
        .unwrap();
    p.flush();
    p.inject(Who::Client, b"server hello");
    p.run();
    assert_eq!(
        switched(p.events(Who::Server)),
        [(sid, b"early client bytes".to_vec())]
    );
    assert_eq!(p.server.state(), State::Switched);
    let evs = p.events(Who::Client);
    assert_eq!(statuses(evs), [(id, 101)]);
    assert_eq!(switched(evs), [(id, b"server hello".to_vec())]);
    assert_eq!(ended(evs, id), None, "no HTTP/1 end after a switch");
    assert_eq!(p.client.state(), State::Switched);
    let now = p.now;
    for who in BOTH {
        let c = p.conn(who);
        assert_eq!(c.read_capacity(), 0);
        assert_eq!(
            c.handle_input(now, b"more"),
            0,
            "{who:?} took bytes after switching"
        );
        assert_eq!(c.poll_timeout(), None, "{who:?}: no HTTP/1 timer after switching");
        assert!(!c.is_reusable());
    }
    assert!(p.actions[0].is_empty() && p.actions[1].is_empty());
    assert!(p.client.send_request(get("/")).is_err());
}

#[test]
fn switching_needs_an_offer_and_a_declined_offer_stays_http1() {
    // 101 to a request without Upgrade is refused.
    let mut p = Pair::default();
    send(&mut p.client, get("/"), None);
    p.run();
    let sid = request_ids(p.events(Who::Server))[0];
    assert!(p
        .server
        .send_response(sid, response(101, &[("Upgrade", "x")]))
        .is_err());

    // A declined offer: the connection carries on as HTTP/1.1.
    let mut p = Pair::default();
    let a = send(&mut p.client, upgrade_request(), None);
    p.run_with(&mut answer_with(b"no upgrade"));
    assert_eq!(ended(p.events(Who::Client), a), Some(true));
    assert_eq!(p.server.state(), State::Idle);
    let b = send(&mut p.client, get("/next"), None);
    p.run_with(&mut answer_with(b"next"));
    assert_eq!(body(p.events(Who::Client), b), b"next");
    assert!(switched(p.events(Who::Client)).is_empty());
}

#[test]
fn connect_2xx_hands_over_tunnel() {
    let mut p = Pair::default();
    let connect = h1conn::Request::builder(Method::CONNECT, "origin.example:443")
        .header("Host", "origin.example:443")
        .build()
        .unwrap();
    let id = send(&mut p.client, connect, None);
    p.flush();
    p.inject(Who::Server, b"\x16\x03\x01 client hello");
    p.run();
    let sid = request_ids(p.events(Who::Server))[0];
    p.server.send_response(sid, response(200, &[])).unwrap();
    p.flush();
    p.inject(Who::Client, b"\x16\x03\x03 server hello");
    p.run();
    assert_eq!(
        switched(p.events(Who::Server)),
        [(sid, b"\x16\x03\x01 client hello".to_vec())]
    );
    assert!(p.sent[1].starts_with(b"HTTP/1.1 200 OK\r\n"));
    assert!(!contains(&p.sent[1].to_ascii_lowercase(), b"transfer-encoding"));
    let evs = p.events(Who::Client);
    assert_eq!(statuses(evs), [(id, 200)]);
    assert_eq!(switched(evs), [(id, b"\x16\x03\x03 server hello".to_vec())]);
    assert_eq!(p.client.state(), State::Switched);
    assert_eq!(p.server.state(), State::Switched);

    // A refused CONNECT is an ordinary response.
    let mut p = Pair::default();
    let connect = h1conn::Request::builder(Method::CONNECT, "origin.example:443")
        .header("Host", "origin.example:443")
        .build()
        .unwrap();
    let id = send(&mut p.client, connect, None);
    p.run();
    let sid = request_ids(p.events(Who::Server))[0];
    respond(&mut p.server, sid, 407, &[], b"auth");
    p.run();
    let evs = p.events(Who::Client);
    assert_eq!(body(evs, id), b"auth");
    assert_eq!(ended(evs, id), Some(true));
    assert!(switched(evs).is_empty());
    assert_ne!(p.client.state(), State::Switched);
}

#[test]
fn client_refuses_101_without_an_upgrade_offer() {
    let mut c = client();
    let id = c.send_request(get("/")).unwrap();
    drain(&mut c);
    c.handle_input(
        t0(),
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\nrest",
    );
    let d = drain(&mut c);
    assert!(switched(&d.events).is_empty(), "{:?}", d.events);
    assert_ne!(c.state(), State::Switched);
    assert_eq!(
        lost_reasons(&d.events),
        [h1conn::CloseReason::Protocol(h1conn::Error::UnexpectedSwitch)]
    );
    assert_eq!(lost(&d.events)[0].id, id);
}
