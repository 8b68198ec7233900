//! A server answers a request it cannot accept with the status its error
//! names, `Connection: close`, then shuts down (RFC 9112 §2.2, §3, §5, §6;
//! RFC 9110 §15.5, §15.6).

mod common;

use common::*;
use h1conn::{Action, Config, Connection, Error, Role, State};

fn long(prefix: &str, n: usize, suffix: &str) -> Vec<u8> {
    let mut v = prefix.as_bytes().to_vec();
    v.extend(std::iter::repeat(b'a').take(n));
    v.extend_from_slice(suffix.as_bytes());
    v
}

#[test]
fn protocol_error_gets_status_response() {
    let cases: Vec<(&str, Vec<u8>, u16)> = vec![
        ("bad request line", b"GARBAGE\r\n\r\n".to_vec(), 400),
        ("missing host", b"GET / HTTP/1.1\r\n\r\n".to_vec(), 400),
        ("bare LF", b"GET / HTTP/1.1\nHost: a\n\n".to_vec(), 400),
        (
            "obs-fold",
            b"GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n 2\r\n\r\n".to_vec(),
            400,
        ),
        (
            "CL with TE",
            b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec(),
            400,
        ),
        (
            "long URI",
            long("GET /", 9000, " HTTP/1.1\r\nHost: a\r\n\r\n"),
            414,
        ),
        (
            "long field",
            long("GET / HTTP/1.1\r\nHost: a\r\nX: ", 9000, "\r\n\r\n"),
            431,
        ),
        (
            "unknown coding",
            b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n".to_vec(),
            501,
        ),
        ("version", b"GET / HTTP/2.0\r\nHost: a\r\n\r\n".to_vec(), 505),
    ];
    for (name, input, status) in cases {
        let mut s = server();
        s.handle_input(t0(), &input);
        let d = drain(&mut s);
        assert!(requests(&d.events).is_empty(), "{name}: {:?}", d.events);
        let errs = errors(&d.events);
        assert_eq!(errs.len(), 1, "{name}: {:?}", d.events);
        assert_eq!(errs[0].status(), Some(status), "{name}: {:?}", errs[0]);
        let expect = format!(
            "HTTP/1.1 {status} {}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
            h1conn::canonical_reason(status)
        );
        assert_eq!(String::from_utf8_lossy(&d.bytes), expect, "{name}");
        assert_eq!(d.actions, [Action::ShutdownWrite], "{name}");
        assert_eq!(s.state(), State::HalfClosed, "{name}");
        // What follows is drained, never parsed.
        s.handle_input(t0(), b"GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        s.handle_eof(t0());
        let d = drain(&mut s);
        assert!(
            requests(&d.events).is_empty() && d.bytes.is_empty(),
            "{name}: {:?}",
            d
        );
        assert_eq!(d.actions, [Action::Close], "{name}");
    }

    // Through the pair: the client sees the status, and the close.
    let mut p = Pair::default();
    p.inject(Who::Server, b"GET / HTTP/1.1\r\n\r\n");
    p.run();
    assert!(p.sent[1].starts_with(b"HTTP/1.1 400 Bad Request\r\n"));
    assert_eq!(p.actions[1][0], Action::ShutdownWrite);
}

#[test]
fn error_responses_can_be_turned_off() {
    let mut s = Connection::new(
        Role::Server,
        Config {
            error_responses: false,
            ..Config::default()
        },
        t0(),
    );
    s.handle_input(t0(), b"GARBAGE\r\n\r\n");
    let d = drain(&mut s);
    assert_eq!(errors(&d.events), [Error::InvalidRequestLine]);
    assert!(d.bytes.is_empty());
    assert_eq!(d.actions, [Action::ShutdownWrite]);
}

#[test]
fn error_after_response_started_sends_no_second_status() {
    let mut s = server();
    s.handle_input(
        t0(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n",
    );
    let id = requests(&drain(&mut s).events)[0].0;
    s.send_response(id, response(200, &[("Content-Length", "10")]))
        .unwrap();
    s.send_data(id, b"01234").unwrap();
    s.handle_input(t0(), b"zz\r\n");
    let d = drain(&mut s);
    assert_eq!(errors(&d.events), [Error::InvalidChunkSize]);
    assert_eq!(
        count(&d.bytes, b"HTTP/1.1"),
        1,
        "{:?}",
        String::from_utf8_lossy(&d.bytes)
    );
    assert!(d.actions.contains(&Action::ShutdownWrite));
    assert!(!d.actions.contains(&Action::Abort));
}
