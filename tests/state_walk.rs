//! The public lifecycle state (src/state.rs) as both roles walk through it.

mod common;

use common::*;
use h1conn::{Config, State};

#[test]
fn state_walks_idle_active_pipelined_closing_halfclosed_closed() {
    let mut p = Pair::with_client(Config {
        pipeline_depth: 3,
        ..Config::default()
    });
    p.hold_fin = [true, false]; // the server's EOF waits, so HalfClosed is visible
    let mut walk = vec![p.client.state()];
    let mut server_walk = vec![p.server.state()];
    send(&mut p.client, get("/0"), None);
    p.run();
    walk.push(p.client.state());
    server_walk.push(p.server.state());
    let answer = |p: &mut Pair| {
        for id in request_ids(p.events(Who::Server)) {
            if p.server.send_response(id, response(204, &[])).is_ok() {
                p.run();
                return;
            }
        }
        panic!("nothing to answer");
    };
    answer(&mut p);
    walk.push(p.client.state());
    server_walk.push(p.server.state());
    send(&mut p.client, get("/1"), None);
    send(&mut p.client, get("/2"), None);
    p.run();
    walk.push(p.client.state());
    server_walk.push(p.server.state());
    answer(&mut p);
    walk.push(p.client.state());
    server_walk.push(p.server.state());
    p.client.close();
    p.run();
    walk.push(p.client.state());
    answer(&mut p);
    walk.push(p.client.state());
    server_walk.push(p.server.state());
    p.hold_fin = [false, false];
    p.run();
    walk.push(p.client.state());
    server_walk.push(p.server.state());
    use State::*;
    assert_eq!(
        walk,
        [Idle, Active, Idle, Pipelined, Active, Closing, HalfClosed, Closed]
    );
    // The client's EOF reaches the server at a clean point: it closes at once.
    assert_eq!(
        server_walk,
        [Idle, Active, Idle, Pipelined, Active, Closed, Closed]
    );
}

#[test]
fn server_owing_a_response_after_peer_eof_is_half_closed() {
    let mut s = server();
    s.handle_input(t0(), b"GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    let id = requests(&drain(&mut s).events)[0].0;
    assert_eq!(s.state(), State::Active);
    s.handle_eof(t0());
    assert_eq!(s.state(), State::HalfClosed);
    s.send_response(id, response(204, &[])).unwrap();
    let d = drain(&mut s);
    assert!(d.bytes.starts_with(b"HTTP/1.1 204"));
    assert_eq!(s.state(), State::Closed);
}
