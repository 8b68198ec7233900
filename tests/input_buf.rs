//! `Connection::handle_input_buf`: bytes handed over in the driver's own
//! read buffer are kept without a copy, and the connection takes exactly
//! what `handle_input` would take from the same bytes.

mod common;

use bytes::BytesMut;
use common::*;
use h1conn::{Config, Connection, Event, Method, Role};

/// The address range of `buf`'s bytes.
fn span(buf: &[u8]) -> std::ops::Range<usize> {
    let start = buf.as_ptr() as usize;
    start..start + buf.len()
}

fn inside(part: &[u8], whole: &std::ops::Range<usize>) -> bool {
    let p = span(part);
    p.start >= whole.start && p.end <= whole.end
}

#[test]
fn heads_and_bodies_are_parts_of_the_read_buffer() {
    let mut s = server();
    let mut buf = BytesMut::with_capacity(4096);
    buf.extend_from_slice(b"POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello");
    let whole = span(&buf);
    assert_eq!(s.handle_input_buf(t0(), &mut buf), whole.len());
    assert!(buf.is_empty());
    let events = drain(&mut s).events;
    let mut seen = 0;
    for ev in &events {
        match ev {
            Event::Request { head, .. } => {
                assert!(inside(head.fields().as_wire(), &whole), "fields copied");
                assert!(inside(head.target_bytes(), &whole), "target copied");
                seen += 1;
            }
            Event::Data { data, .. } => {
                assert_eq!(&data[..], b"hello");
                assert!(inside(data, &whole), "body copied");
                seen += 1;
            }
            _ => {}
        }
    }
    assert_eq!(seen, 2, "{events:?}");
}

#[test]
fn pieces_of_one_buffer_join_without_a_copy() {
    // A head split over two reads of the same buffer: the second piece
    // follows the first in memory, so the head is still one part of it.
    let wire = b"GET /a HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n";
    let mut all = BytesMut::from(&wire[..]);
    let whole = span(&all);
    let mut s = server();
    for cut in [10, 30] {
        let mut read = all.split_to(cut);
        assert_eq!(s.handle_input_buf(t0(), &mut read), cut);
        assert!(drain(&mut s).events.is_empty());
    }
    assert_eq!(s.handle_input_buf(t0(), &mut all), wire.len() - 40);
    let reqs = requests(&drain(&mut s).events);
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].1.target(), b"/a");
    assert!(inside(reqs[0].1.fields().as_wire(), &whole), "head copied");
}

#[test]
fn takes_what_handle_input_takes_and_leaves_the_rest() {
    // A server holding unanswered pipelined requests stops reading at
    // `max_read_ahead`; the rest stays in the driver's buffer.
    let config = Config {
        max_read_ahead: 100,
        ..Config::default()
    };
    let req = b"GET / HTTP/1.1\r\nHost: a\r\n\r\n";
    let wire: Vec<u8> = req.repeat(20);
    let mut copying = Connection::new(Role::Server, config.clone(), t0());
    let mut zero_copy = Connection::new(Role::Server, config, t0());
    let n = copying.handle_input(t0(), &wire);
    let mut buf = BytesMut::from(&wire[..]);
    assert_eq!(zero_copy.handle_input_buf(t0(), &mut buf), n);
    assert_eq!(n, req.len() + 100, "the first request and max_read_ahead bytes");
    assert_eq!(&buf[..], &wire[n..], "the rest is left in the buffer");
    let a = drain(&mut copying).events;
    let b = drain(&mut zero_copy).events;
    assert_eq!(format!("{a:?}"), format!("{b:?}"));
    // Nothing more is taken until the application answers.
    assert_eq!(zero_copy.handle_input_buf(t0(), &mut buf), 0);
    assert_eq!(buf.len(), wire.len() - n);
}

#[test]
fn bytes_after_a_closing_request_are_taken_and_dropped() {
    // `Connection: close`: what follows the request is never a request
    // (RFC 9112 §9.6); it is taken (discarded), as by `handle_input`.
    let wire = b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n";
    let mut copying = server();
    let n = copying.handle_input(t0(), wire);
    let mut s = server();
    let mut buf = BytesMut::from(&wire[..]);
    assert_eq!(s.handle_input_buf(t0(), &mut buf), n);
    assert_eq!(buf.len(), wire.len() - n);
    assert_eq!(requests(&drain(&mut s).events).len(), 1);
    // And once the close is decided, later reads are drained the same way.
    let mut more = BytesMut::from(&b"junk"[..]);
    assert_eq!(
        s.handle_input_buf(t0(), &mut more),
        copying.handle_input(t0(), b"junk")
    );
    assert_eq!(more.len(), 0);
}

#[test]
fn the_connection_lets_go_of_a_buffer_it_has_parsed() {
    // Once every byte is parsed and the application dropped its events,
    // the driver's buffer is its own again and grows in place.
    let mut c = client();
    send(&mut c, request(Method::GET, "/", &[]), None);
    drain(&mut c);
    let mut buf = BytesMut::with_capacity(1024);
    let base = buf.as_ptr() as usize;
    buf.extend_from_slice(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    c.handle_input_buf(t0(), &mut buf);
    let events = drain(&mut c).events;
    assert_eq!(events.len(), 3, "{events:?}");
    drop(events);
    buf.reserve(1000);
    assert_eq!(buf.as_ptr() as usize, base, "the buffer was reallocated");
}

#[test]
fn a_read_in_another_buffer_joins_the_held_bytes_by_copy() {
    // The second read lands in a different allocation: the held start of
    // the head and the new bytes are copied into the connection's own
    // buffer, and the first buffer is let go.
    let mut s = server();
    let mut first = BytesMut::with_capacity(64);
    let base = first.as_ptr() as usize;
    first.extend_from_slice(b"GET /split HTTP/1.1\r\nHo");
    assert_eq!(s.handle_input_buf(t0(), &mut first), 23);
    assert!(drain(&mut s).events.is_empty());
    let mut second = BytesMut::from(&b"st: a\r\n\r\n"[..]);
    assert_eq!(s.handle_input_buf(t0(), &mut second), 9);
    let reqs = requests(&drain(&mut s).events);
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].1.target(), b"/split");
    assert_eq!(reqs[0].1.fields().get("host"), Some(&b"a"[..]));
    drop(reqs);
    first.clear();
    first.reserve(64);
    assert_eq!(first.as_ptr() as usize, base, "the first buffer is still shared");
}
