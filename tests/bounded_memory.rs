//! Memory stays bounded whatever the peer sends: tens of megabytes of
//! hostile bytes, and the connection's receive buffer never exceeds the
//! configured limits (plus nothing: limits are checked before buffering).

use bytes::BytesMut;
use h1conn::{Action, Config, Connection, Decoded, Decoder, Error, Event, Instant, Limits, Role};

const TOTAL: usize = 24 << 20; // 24 MiB per scenario
const PIECE: usize = 64 << 10;

fn config() -> Config {
    Config {
        limits: Limits {
            max_head_bytes: 16 << 10,
            max_field_line: 8 << 10,
            max_trailer_bytes: 8 << 10,
            max_chunk_line: 1 << 10,
            max_chunk_extensions: 512,
            ..Limits::default()
        },
        max_read_ahead: 64 << 10,
        ..Config::default()
    }
}

/// Feed `prefix` then `TOTAL` bytes from `fill` to a server connection
/// whose application never answers; after every piece, drain and check
/// the buffer bound. Returns the first error event.
fn stream(prefix: &[u8], mut fill: impl FnMut(usize) -> Vec<u8>, bound: usize) -> Option<Error> {
    let mut conn = Connection::new(Role::Server, config(), Instant::ZERO);
    let mut out = BytesMut::new();
    let mut first_error = None;
    let mut offered = 0usize;
    let mut feed = |conn: &mut Connection, bytes: &[u8], first_error: &mut Option<Error>| {
        let mut rest = bytes;
        while !rest.is_empty() {
            let n = conn.handle_input(Instant::ZERO, rest);
            assert!(
                conn.buffered() <= bound,
                "buffered {} > bound {bound}",
                conn.buffered()
            );
            while let Some(ev) = conn.poll_event() {
                if let Event::Error(e) = ev {
                    first_error.get_or_insert(e);
                }
            }
            out.clear();
            conn.poll_transmit(&mut out);
            while let Some(a) = conn.poll_action() {
                assert_ne!(a, Action::Abort);
            }
            if n == 0 {
                // The machine wants no more until the application answers
                // (it never does): the driver stops reading.
                return;
            }
            rest = &rest[n..];
        }
    };
    feed(&mut conn, prefix, &mut first_error);
    while offered < TOTAL {
        let piece = fill(PIECE);
        offered += piece.len();
        feed(&mut conn, &piece, &mut first_error);
    }
    first_error
}

#[test]
fn endless_header_line_is_refused_at_the_line_limit() {
    let e = stream(
        b"GET / HTTP/1.1\r\nHost: a\r\nX-Long: ",
        |n| vec![b'a'; n],
        16 << 10,
    );
    assert_eq!(e, Some(Error::FieldLineTooLong));
}

#[test]
fn endless_request_line_is_refused_with_414() {
    let e = stream(b"GET /", |n| vec![b'a'; n], 16 << 10);
    assert_eq!(e, Some(Error::RequestLineTooLong));
    assert_eq!(e.and_then(|e| e.status()), Some(414));
}

#[test]
fn endless_headers_are_refused_at_the_head_limit() {
    let line = b"X-A: b\r\n";
    let e = stream(
        b"GET / HTTP/1.1\r\nHost: a\r\n",
        |n| line.repeat(n / line.len()),
        16 << 10,
    );
    assert!(
        matches!(e, Some(Error::HeadTooLarge | Error::TooManyFields)),
        "{e:?}"
    );
}

#[test]
fn endless_chunk_extension_is_refused() {
    let e = stream(
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;a=",
        |n| vec![b'b'; n],
        16 << 10,
    );
    assert_eq!(e, Some(Error::ChunkLineTooLong));
}

#[test]
fn endless_trailers_are_refused() {
    let line = b"X-T: v\r\n";
    let e = stream(
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n",
        |n| line.repeat(n / line.len()),
        16 << 10,
    );
    assert!(
        matches!(e, Some(Error::TrailersTooLarge | Error::TooManyFields)),
        "{e:?}"
    );
}

#[test]
fn endless_pipelined_requests_stop_at_the_read_ahead_limit() {
    let req = b"GET / HTTP/1.1\r\nHost: a\r\n\r\n";
    // The application never answers: the machine holds at most
    // max_read_ahead bytes of later requests, then takes no more.
    let e = stream(b"", |n| req.repeat(n / req.len()), 64 << 10);
    assert_eq!(e, None);
}

#[test]
fn endless_chunk_data_streams_without_buffering() {
    // A huge chunk is handed out as it arrives: the buffer holds at most
    // one piece.
    let mut dec = Decoder::new(Role::Server, Limits::default());
    let mut buf = BytesMut::from(
        &b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffff\r\n"[..],
    );
    let mut seen = 0usize;
    while seen < TOTAL {
        buf.extend_from_slice(&[b'x'; PIECE]);
        while let Some(item) = dec.decode(&mut buf).expect("valid so far") {
            if let Decoded::Data(d) = item {
                seen += d.len();
            }
        }
        assert!(buf.len() <= PIECE);
    }
}
