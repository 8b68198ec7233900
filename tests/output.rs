//! What the machine hands the driver to write (mission §1): a head and a
//! small body as one write; the application's calls behave the same
//! whatever the framing.

mod common;

use common::*;
use h1conn::{Connection, Event, Method};

#[test]
fn head_and_small_body_are_one_transmit() {
    let mut p = Pair::default();
    let id = send(
        &mut p.client,
        request(Method::POST, "/form", &[("Content-Length", "7")]),
        Some(b"a=1&b=2"),
    );
    p.run_with(&mut |who, conn: &mut Connection, ev: &Event| {
        if let (Who::Server, Event::End { id, .. }) = (who, ev) {
            respond(conn, *id, 200, &[("Content-Type", "text/plain")], b"small body");
        }
    });
    assert_eq!(p.transmits[0].len(), 1, "{:?}", p.transmits[0]);
    assert!(p.transmits[0][0].ends_with(b"\r\n\r\na=1&b=2"));
    assert_eq!(p.transmits[1].len(), 1, "{:?}", p.transmits[1]);
    assert!(p.transmits[1][0].starts_with(b"HTTP/1.1 200 OK\r\n"));
    assert!(p.transmits[1][0].ends_with(b"\r\n\r\nsmall body"));
    assert_eq!(body(p.events(Who::Client), id), b"small body");

    // Chunked: head, chunks and the last chunk in one buffer.
    let mut s = server();
    s.handle_input(t0(), b"GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    let id = requests(&drain(&mut s).events)[0].0;
    s.send_response(id, response(200, &[])).unwrap();
    s.send_data(id, b"hello").unwrap();
    s.send_data(id, b" world").unwrap();
    s.send_end(id, None).unwrap();
    let d = drain(&mut s);
    assert_eq!(d.transmits, 1);
    assert!(first_head_lower(&d.bytes).contains("transfer-encoding: chunked\r\n"));
    assert!(d
        .bytes
        .ends_with(b"\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"));
}

#[test]
fn send_end_after_bodiless_response_is_harmless() {
    for (req, status) in [
        (&b"HEAD / HTTP/1.1\r\nHost: a\r\n\r\n"[..], 200),
        (b"GET / HTTP/1.1\r\nHost: a\r\n\r\n", 204),
        (b"GET / HTTP/1.1\r\nHost: a\r\n\r\n", 304),
    ] {
        let mut s = server();
        s.handle_input(t0(), req);
        let id = requests(&drain(&mut s).events)[0].0;
        s.send_response(id, response(status, &[])).unwrap();
        assert_eq!(s.send_end(id, None), Ok(()), "{status}");
        assert!(s.send_data(id, b"x").is_err(), "{status}");
        let d = drain(&mut s);
        assert!(d.bytes.ends_with(b"\r\n\r\n"), "{status}");
        assert!(d.actions.is_empty(), "{status}");
    }
}

#[test]
fn send_end_after_bodiless_request_is_harmless() {
    // A request without a body, ended explicitly: Ok before the response...
    let mut c = client();
    let id = c.send_request(get("/")).unwrap();
    assert_eq!(c.send_end(id, None), Ok(()));
    // ...and after it.
    let mut c = client();
    let id = c.send_request(get("/")).unwrap();
    drain(&mut c);
    c.handle_input(t0(), b"HTTP/1.1 204 No Content\r\n\r\n");
    drain(&mut c);
    assert_eq!(c.send_end(id, None), Ok(()));
}
