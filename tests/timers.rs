//! Timers (mission §6 and the Keep-Alive hints of §4): header read against
//! slowloris, idle, linger; deadlines come out of `poll_timeout` and only a
//! due `handle_timeout` fires them.

mod common;

use std::time::Duration;

use common::*;
use h1conn::{Action, CloseReason, Config, Connection, Error, Role, State, Timer};

#[test]
fn header_read_timeout_against_slowloris() {
    let cfg = Config {
        header_read_timeout: Some(secs(10)),
        ..Config::default()
    };
    let mut s = Connection::new(Role::Server, cfg, t0());
    assert_eq!(s.timer(Timer::HeaderRead), None, "no head started yet");
    s.handle_input(t0(), b"GET / HTTP/1.1\r\n");
    let deadline = t0() + secs(10);
    assert_eq!(s.timer(Timer::HeaderRead), Some(deadline));
    // One header line per second does not move the deadline.
    let mut now = t0();
    for i in 0..9 {
        now = now + secs(1);
        s.handle_input(now, format!("X-Slow-{i}: 1\r\n").as_bytes());
        s.handle_timeout(now);
        assert_eq!(s.timer(Timer::HeaderRead), Some(deadline));
        assert!(drain(&mut s).events.is_empty());
    }
    assert!(s.poll_timeout() <= Some(deadline));
    s.handle_timeout(deadline);
    let d = drain(&mut s);
    assert!(requests(&d.events).is_empty());
    assert_eq!(errors(&d.events), [Error::TimedOut]);
    assert!(
        d.bytes.starts_with(b"HTTP/1.1 408 Request Timeout\r\n"),
        "{:?}",
        d.bytes
    );
    assert!(first_head_lower(&d.bytes).contains("connection: close\r\n"));
    assert_eq!(d.actions, [Action::ShutdownWrite]);
    assert_eq!(s.close_reason(), Some(CloseReason::TimedOut(Timer::HeaderRead)));

    // A complete head disarms it; the next head arms it afresh.
    let mut s = Connection::new(Role::Server, Config::default(), t0());
    s.handle_input(t0(), b"GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    assert_eq!(s.timer(Timer::HeaderRead), None);
    let id = requests(&drain(&mut s).events)[0].0;
    respond(&mut s, id, 200, &[], b"");
    let later = t0() + secs(7);
    s.handle_input(later, b"GET / HTTP/1.1\r\n");
    assert_eq!(s.timer(Timer::HeaderRead), Some(later + secs(30)));
}

#[test]
fn header_read_timer_starts_at_first_byte() {
    // A slowloris may trickle the request line itself (up to max_start_line
    // bytes); with no idle timeout nothing else would ever end it.
    let cfg = Config {
        header_read_timeout: Some(secs(10)),
        idle_timeout: None,
        ..Config::default()
    };
    let mut s = Connection::new(Role::Server, cfg, t0());
    s.handle_input(t0(), b"G");
    assert_eq!(s.timer(Timer::HeaderRead), Some(t0() + secs(10)));
    let mut now = t0();
    for b in b"ET /aaaaaaaaaaaaaaaaaaaa" {
        now = now + secs(1);
        s.handle_input(now, &[*b]);
        s.handle_timeout(now);
    }
    assert_eq!(s.close_reason(), Some(CloseReason::TimedOut(Timer::HeaderRead)));
    let d = drain(&mut s);
    assert_eq!(errors(&d.events), [Error::TimedOut]);
    assert!(d.bytes.starts_with(b"HTTP/1.1 408 "));
}

#[test]
fn idle_timer_stops_when_a_request_starts() {
    // Idle means no request in progress: once bytes of a head arrived, the
    // header-read timer governs, and a timeout is answered with 408.
    let cfg = Config {
        idle_timeout: Some(secs(5)),
        header_read_timeout: Some(secs(30)),
        ..Config::default()
    };
    let mut s = Connection::new(Role::Server, cfg, t0());
    s.handle_input(t0() + secs(4), b"GET / HTTP/1.1\r\n");
    s.handle_timeout(t0() + secs(5));
    assert_eq!(s.close_reason(), None);
    s.handle_input(t0() + secs(6), b"Host: a\r\n\r\n");
    let d = drain(&mut s);
    assert_eq!(requests(&d.events).len(), 1);
}

#[test]
fn idle_timeout_closes_idle_connection() {
    let mut p = Pair::with_server(Config {
        idle_timeout: Some(secs(5)),
        ..Config::default()
    });
    send(&mut p.client, get("/"), None);
    p.run();
    assert_eq!(
        p.server.timer(Timer::Idle),
        None,
        "not idle while a request is open"
    );
    let sid = request_ids(p.events(Who::Server))[0];
    respond(&mut p.server, sid, 200, &[], b"ok");
    p.run();
    let done = p.now;
    assert_eq!(p.server.timer(Timer::Idle), Some(done + secs(5)));
    assert_eq!(p.client.timer(Timer::Idle), Some(done + secs(60)));
    assert_eq!(p.advance(), Some(done + secs(5)));
    assert_eq!(p.server.close_reason(), Some(CloseReason::TimedOut(Timer::Idle)));
    assert_eq!(p.actions[1], [Action::ShutdownWrite, Action::Close]);
    assert!(peer_closed(p.events(Who::Client)));
    assert!(lost(p.events(Who::Client)).is_empty(), "nothing was outstanding");
    assert!(!p.client.is_reusable());
    assert_eq!(p.client.state(), State::Closed);
    assert_eq!(p.server.state(), State::Closed);
}

#[test]
fn keep_alive_timeout_hint_shortens_idle_deadline() {
    for (hint, expect) in [(5, 5), (120, 60)] {
        let mut p = Pair::default();
        let ka = format!("timeout={hint}, max=50");
        let id = send(&mut p.client, get("/"), None);
        p.run_with(&mut |who, conn: &mut Connection, ev: &h1conn::Event| {
            if let (Who::Server, h1conn::Event::Request { id, .. }) = (who, ev) {
                respond(conn, *id, 200, &[("Keep-Alive", &ka)], b"ok");
            }
        });
        assert_eq!(ended(p.events(Who::Client), id), Some(true));
        assert_eq!(p.client.keep_alive_hints().timeout, Some(secs(hint)));
        assert_eq!(
            p.client.timer(Timer::Idle),
            Some(p.now + secs(expect)),
            "hint {hint}"
        );
        if hint < 60 {
            let done = p.now;
            p.advance();
            assert_eq!(p.now, done + secs(hint));
            assert_eq!(p.client.close_reason(), Some(CloseReason::TimedOut(Timer::Idle)));
            assert_eq!(p.actions[0].first(), Some(&Action::ShutdownWrite));
            assert!(!p.client.is_reusable());
        }
    }
}

#[test]
fn keep_alive_max_hint_limits_requests() {
    // max=1: one more request, then the connection is done.
    let mut c = client();
    c.send_request(get("/0")).unwrap();
    drain(&mut c);
    c.handle_input(
        t0(),
        b"HTTP/1.1 200 OK\r\nKeep-Alive: timeout=30, max=1\r\nContent-Length: 0\r\n\r\n",
    );
    drain(&mut c);
    assert_eq!(c.keep_alive_hints().max, Some(1));
    assert!(c.is_reusable());
    let last = c.send_request(get("/1")).unwrap();
    let d = drain(&mut c);
    assert_eq!(count(&d.bytes, b"GET /1 "), 1);
    c.handle_input(t0(), b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    let d = drain(&mut c);
    assert_eq!(ended(&d.events, last), Some(true));
    assert!(!c.is_reusable());
    assert_eq!(c.close_reason(), Some(CloseReason::RequestLimit));
    assert_eq!(d.actions, [Action::ShutdownWrite]);
    assert!(c.send_request(get("/2")).is_err());

    // max=0: no further request at all.
    let mut c = client();
    c.send_request(get("/0")).unwrap();
    drain(&mut c);
    c.handle_input(
        t0(),
        b"HTTP/1.1 200 OK\r\nKeep-Alive: max=0\r\nContent-Length: 0\r\n\r\n",
    );
    let d = drain(&mut c);
    assert!(!c.is_reusable());
    assert_eq!(c.close_reason(), Some(CloseReason::RequestLimit));
    assert_eq!(d.actions, [Action::ShutdownWrite]);
    let before = d.bytes.len();
    let r = c.send_request(get("/1"));
    let d = drain(&mut c);
    assert!(r.is_err() || !lost(&d.events).is_empty());
    assert_eq!(count(&d.bytes, b"GET"), 0, "{before}");
}

#[test]
fn handle_timeout_early_is_harmless() {
    let mut p = Pair::with_server(Config {
        idle_timeout: Some(secs(5)),
        ..Config::default()
    });
    send(&mut p.client, get("/"), None);
    p.run_with(&mut answer_with(b"ok"));
    p.inject(Who::Server, b"GET /slow HTTP/1.1\r\n");
    p.run();
    let snapshot = |p: &Pair| {
        (
            Timer::ALL.map(|t| p.server.timer(t)),
            Timer::ALL.map(|t| p.client.timer(t)),
            p.server.state(),
            p.client.state(),
            p.events(Who::Server).len(),
            p.events(Who::Client).len(),
            p.actions.clone(),
        )
    };
    let before = snapshot(&p);
    assert!(p.server.timer(Timer::HeaderRead).is_some());
    let first = p.next_deadline().unwrap();
    for early in [
        p.now,
        p.now + Duration::from_millis(1),
        h1conn::Instant::from_duration(first.since_epoch() - Duration::from_millis(1)),
    ] {
        p.now = early;
        p.server.handle_timeout(early);
        p.client.handle_timeout(early);
        p.run();
        assert_eq!(snapshot(&p), before, "at {early:?}");
    }
    // Repeated firing at the deadline fires once.
    p.advance();
    let after = snapshot(&p);
    p.server.handle_timeout(p.now);
    p.client.handle_timeout(p.now);
    p.run();
    assert_eq!(snapshot(&p), after);
}
