//! The full-cycle walkers of `benches/parse.rs` (`h1conn/full_cycle`, `http-net/full_cycle`) and
//! of the callgrind harness `examples/corpus_walk.rs` (`h1conn_full`, `httpnet_full`): the whole
//! job of a sans-IO connection on the same corpora as the parse-and-frame walkers.
//!
//! * Server corpora (`requests_1k`, `plaintext_10k`): one server connection is fed the pipelined
//!   stream in reads of [`READ`] bytes (a read the connection does not take whole is offered
//!   again after the outputs are drained). Each request's head and body events are consumed,
//!   and at its end it is answered with [`ANSWER_BODY`] (`200`, `Content-Type: text/plain`,
//!   `Content-Length: 13`; to `HEAD` the same head without the body) into one output buffer that
//!   is counted and cleared after every drain.
//! * Client corpus (`responses_1k`): one client connection sends one `GET / HTTP/1.1` with
//!   `Host: example.com` per response of the corpus (encoding it is the client's small
//!   message), [`WINDOW`] of them at once and then one more at the end of each response, so
//!   that 32 are pipelined until the last ones. The response stream is read in reads of at
//!   most [`READ`] bytes that never run past the responses to the requests sent so far (a
//!   server answers only what it was asked; where each response ends is found once, outside
//!   the timing, by [`Stream::new`]); every head and body event is consumed, and the request
//!   bytes are drained into the counted output buffer the same way.
//!
//! h1conn ([`h1conn_full`]): reads are split off a read buffer holding the stream and handed over
//! with `handle_input_buf` (no copy); [`h1conn_full_copy_setup`] makes the same walk hand `&[u8]`
//! slices to the copying `handle_input` instead. A [`Connection`] with `Config::default()` except `max_requests: None`
//! (a server would otherwise close after 1,000 requests, and the plaintext corpus holds 10,000)
//! and, on the client, `pipeline_depth: 32`. After every input the outputs are drained in the
//! documented order: `poll_event` (answering, or sending the next request, as it goes),
//! `poll_transmit`, `poll_action` (none is expected: the connection stays open), then
//! `poll_timeout` is read as a driver arming its timer would. Responses are clones of one head
//! built outside the timing, and so are requests; a `HEAD` request is answered without
//! `send_data` (h1conn refuses body bytes on a bodiless response with `BodyNotAllowed`, where
//! http-net drops them).
//!
//! http-net ([`httpnet_full`]): `ServerConn::new()` / `ClientConn` with default `Limits` except
//! `with_pipeline_depth(32)` (the most it allows) on the client, fed with `feed` and drained
//! with `poll` until `NeedInput` (or `Idle`); the server answers at `RequestEnd` with `respond`
//! and one pre-built `Response` (`content-type: text/plain`, body `Hello, World!`; http-net
//! writes `content-length` itself and leaves the body out for `HEAD`). http-net accepts all
//! three corpora (its default 1 MiB `max_body` is above every body in them).
//!
//! Both return the connection and the output buffer with the tally so that dropping them is
//! not timed, as the parse walkers return their buffer. [`check`] runs a walker once and
//! compares it with the corpus' `expected` tally and the exact bytes it must have written.

use std::hint::black_box;

use bytes::{Bytes, BytesMut};
use h1conn::{Config, Connection, Decoded, Event, Instant, Method, Request, Response, Role};

use super::{new_decoder, Corpus, Tally};

/// Bytes per read, as the 64 KiB read buffer of `examples/tokio_server.rs`.
pub(crate) const READ: usize = 64 * 1024;

/// The body of every answer.
pub(crate) const ANSWER_BODY: &[u8] = b"Hello, World!";

/// h1conn's answer on the wire, and to `HEAD` (the same head without the body).
const H1CONN_ANSWER: &[u8] =
    b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, World!";
/// h1conn's request on the wire.
const H1CONN_REQUEST: &[u8] = b"GET / HTTP/1.1\r\nHost: example.com\r\n\r\n";
/// http-net's answer on the wire (it names the framing field itself, in lower case, before the
/// caller's fields), and to `HEAD` (the same head without the body).
const HTTPNET_ANSWER: &[u8] =
    b"HTTP/1.1 200 OK\r\ncontent-length: 13\r\ncontent-type: text/plain\r\n\r\nHello, World!";
/// http-net's request on the wire.
const HTTPNET_REQUEST: &[u8] = b"GET / HTTP/1.1\r\nhost: example.com\r\n\r\n";

/// The time every input carries: nothing here waits, so no timer fires.
const NOW: Instant = Instant::ZERO;

/// Client: requests outstanding at once, the most http-net pipelines
/// (`Limits::with_pipeline_depth` clamps to 1..=32).
pub(crate) const WINDOW: usize = 32;

/// A corpus' bytes as the full-cycle walkers read them.
pub(crate) struct Stream {
    bytes: Bytes,
    /// Client corpus: where each response ends (empty for a server corpus).
    ends: Vec<usize>,
}

impl Stream {
    /// The stream of `corpus`, with its response ends found by a [`Decoder`](h1conn::Decoder).
    pub(crate) fn new(corpus: &Corpus) -> Stream {
        let mut ends = Vec::new();
        if corpus.role == Role::Client {
            let mut dec = new_decoder(corpus);
            let mut buf = BytesMut::from(&corpus.bytes[..]);
            while let Some(item) = dec.decode(&mut buf).expect("corpus decodes") {
                if let Decoded::End { .. } = item {
                    ends.push(corpus.bytes.len() - buf.len());
                }
            }
            assert_eq!(ends.len(), corpus.expected.messages);
        }
        Stream {
            bytes: corpus.bytes.clone(),
            ends,
        }
    }

    /// Client: where the next read from `pos` ends, `sent` requests having gone out: at most
    /// [`READ`] bytes, and none past the response to the last request sent.
    fn read_end(&self, pos: usize, sent: usize) -> usize {
        let end = self.ends[sent - 1].min(pos + READ);
        assert!(end > pos, "a response is owed");
        end
    }
}

/// What a full-cycle walk did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cycle {
    /// Messages received (request or response heads) and their body bytes.
    pub(crate) tally: Tally,
    /// Messages seen to their end.
    pub(crate) ends: usize,
    /// Bytes written: responses (server) or requests (client).
    pub(crate) written: u64,
}

// ---------------------------------------------------------------------------------------------
// h1conn
// ---------------------------------------------------------------------------------------------

/// One h1conn connection, its output buffer and the message it sends, made outside the timing.
pub(crate) struct H1connFull {
    conn: Connection,
    out: BytesMut,
    answer: Response,
    request: Request,
    requests: usize,
    /// The driver's read buffer, holding the whole stream as if it had all arrived (the parse
    /// walkers get the same): reads are split off it and handed over with
    /// `handle_input_buf`, without a copy. Empty when `copy` is set.
    input: BytesMut,
    /// Reads are `&[u8]` slices of the stream handed over with `handle_input`, which copies
    /// them into the connection's buffer (`h1conn_full_copy`).
    copy: bool,
}

/// One read handed to a connection: a slice of the stream (copied by `handle_input`) or a
/// piece of the read buffer (kept by `handle_input_buf`).
enum Read<'a> {
    Slice(&'a [u8]),
    Buf(BytesMut),
}

impl Read<'_> {
    fn is_empty(&self) -> bool {
        match self {
            Read::Slice(s) => s.is_empty(),
            Read::Buf(b) => b.is_empty(),
        }
    }

    /// Offers what is left of the read; returns how much the connection took.
    fn offer(&mut self, conn: &mut Connection) -> usize {
        match self {
            Read::Slice(s) => {
                let n = conn.handle_input(NOW, s);
                *s = &s[n..];
                n
            }
            Read::Buf(b) => conn.handle_input_buf(NOW, b),
        }
    }
}

impl H1connFull {
    /// The read of the stream's bytes `start..end`: the next `end - start` bytes of the read
    /// buffer (reads come in order), or the slice.
    fn read<'a>(&mut self, stream: &'a Bytes, start: usize, end: usize) -> Read<'a> {
        if self.copy {
            Read::Slice(&stream[start..end])
        } else {
            Read::Buf(self.input.split_to(end - start))
        }
    }
}

/// A fresh connection for `corpus`, ready to walk, with the stream in its read buffer.
pub(crate) fn h1conn_full_setup(corpus: &Corpus) -> H1connFull {
    H1connFull {
        input: BytesMut::from(&corpus.bytes[..]),
        copy: false,
        ..h1conn_full_copy_setup(corpus)
    }
}

/// A fresh connection for `corpus`, ready to walk, handed slices of the stream that it copies.
pub(crate) fn h1conn_full_copy_setup(corpus: &Corpus) -> H1connFull {
    let config = Config {
        max_requests: None,
        pipeline_depth: WINDOW,
        ..Config::default()
    };
    H1connFull {
        conn: Connection::new(corpus.role, config, NOW),
        out: BytesMut::new(),
        answer: Response::builder(200)
            .header("Content-Type", "text/plain")
            .header("Content-Length", "13")
            .build()
            .expect("valid answer"),
        request: Request::builder(Method::GET, "/")
            .header("Host", "example.com")
            .build()
            .expect("valid request"),
        requests: corpus.expected.messages,
        input: BytesMut::new(),
        copy: true,
    }
}

/// Moves the bytes to write into `out`, counts them and clears `out`; then the actions (none
/// expected) and the next deadline, as a driver would after every input or mutation.
fn h1conn_drain_output(conn: &mut Connection, out: &mut BytesMut, written: &mut u64) {
    while conn.poll_transmit(out) > 0 {
        *written += out.len() as u64;
        black_box(&out[..]);
        out.clear();
    }
    if let Some(action) = conn.poll_action() {
        panic!("unexpected action {action:?}");
    }
    black_box(conn.poll_timeout());
}

/// h1conn's full cycle over `stream`.
pub(crate) fn h1conn_full(stream: &Stream, mut st: H1connFull) -> (Cycle, H1connFull) {
    let cycle = match st.conn.role() {
        Role::Server => h1conn_serve(&stream.bytes, &mut st),
        Role::Client => h1conn_fetch(stream, &mut st),
    };
    (cycle, st)
}

fn h1conn_serve(input: &Bytes, st: &mut H1connFull) -> Cycle {
    let mut c = Cycle::default();
    // The latest HEAD request: answered without body bytes.
    let mut head_request = None;
    let mut pos = 0;
    while pos < input.len() {
        let end = input.len().min(pos + READ);
        let mut rest = st.read(input, pos, end);
        pos = end;
        let H1connFull {
            conn, out, answer, ..
        } = &mut *st;
        while !rest.is_empty() {
            let n = rest.offer(conn);
            while let Some(ev) = conn.poll_event() {
                match ev {
                    Event::Request { id, head } => {
                        c.tally.messages += 1;
                        if head.method().is_head() {
                            head_request = Some(id);
                        }
                        black_box(&head);
                    }
                    Event::Data { data, .. } => {
                        c.tally.body_bytes += data.len() as u64;
                        black_box(&data);
                    }
                    Event::End { id, keep_alive, .. } => {
                        assert!(keep_alive, "the corpus keeps the connection");
                        c.ends += 1;
                        conn.send_response(id, answer.clone()).expect("send_response");
                        if head_request != Some(id) {
                            conn.send_data(id, ANSWER_BODY).expect("send_data");
                        }
                        conn.send_end(id, None).expect("send_end");
                    }
                    other => panic!("unexpected event {other:?}"),
                }
            }
            h1conn_drain_output(conn, out, &mut c.written);
            assert!(n > 0 || conn.read_capacity() > 0, "the connection takes the read");
        }
    }
    c
}

fn h1conn_fetch(stream: &Stream, st: &mut H1connFull) -> Cycle {
    let requests = st.requests;
    let mut c = Cycle::default();
    // The first request goes out now, the rest of the window once the first response proves
    // the connection persistent.
    let mut sent = WINDOW.min(requests);
    for _ in 0..sent {
        st.conn.send_request(st.request.clone()).expect("send_request");
    }
    h1conn_drain_output(&mut st.conn, &mut st.out, &mut c.written);
    let mut pos = 0;
    while pos < stream.bytes.len() {
        let end = stream.read_end(pos, sent);
        let mut read = st.read(&stream.bytes, pos, end);
        let H1connFull {
            conn, out, request, ..
        } = &mut *st;
        let n = read.offer(conn);
        assert!(n == end - pos && read.is_empty(), "a client takes every read");
        pos = end;
        while let Some(ev) = conn.poll_event() {
            match ev {
                Event::Response { head, .. } => {
                    c.tally.messages += 1;
                    black_box(&head);
                }
                Event::Data { data, .. } => {
                    c.tally.body_bytes += data.len() as u64;
                    black_box(&data);
                }
                Event::End { keep_alive, .. } => {
                    assert!(keep_alive, "the corpus keeps the connection");
                    c.ends += 1;
                    if sent < requests {
                        conn.send_request(request.clone()).expect("send_request");
                        sent += 1;
                    }
                }
                other => panic!("unexpected event {other:?}"),
            }
        }
        h1conn_drain_output(conn, out, &mut c.written);
    }
    c
}

// ---------------------------------------------------------------------------------------------
// http-net
// ---------------------------------------------------------------------------------------------

enum HttpNetConn {
    Server(http_net::ServerConn),
    Client(http_net::ClientConn),
}

/// One http-net connection, its output buffer and the messages it sends, made outside the
/// timing.
pub(crate) struct HttpNetFull {
    conn: HttpNetConn,
    out: Vec<u8>,
    answer: http_net::Response,
    request: http_net::Request,
    requests: usize,
}

/// A fresh connection for `corpus`, ready to walk.
pub(crate) fn httpnet_full_setup(corpus: &Corpus) -> HttpNetFull {
    let conn = match corpus.role {
        Role::Server => HttpNetConn::Server(http_net::ServerConn::new()),
        Role::Client => HttpNetConn::Client(http_net::ClientConn::with_limits(
            http_net::Limits::new().with_pipeline_depth(WINDOW as u8),
        )),
    };
    HttpNetFull {
        conn,
        out: Vec::new(),
        answer: http_net::Response::new(200)
            .header("content-type", "text/plain")
            .body(ANSWER_BODY),
        request: http_net::Request::get("/").header("host", "example.com"),
        requests: corpus.expected.messages,
    }
}

/// http-net's full cycle over `stream`.
pub(crate) fn httpnet_full(stream: &Stream, mut st: HttpNetFull) -> (Cycle, HttpNetFull) {
    let HttpNetFull {
        conn,
        out,
        answer,
        request,
        requests,
    } = &mut st;
    let cycle = match conn {
        HttpNetConn::Server(conn) => httpnet_serve(&stream.bytes, conn, answer, out),
        HttpNetConn::Client(conn) => httpnet_fetch(stream, conn, request, *requests, out),
    };
    (cycle, st)
}

fn httpnet_serve(
    input: &[u8],
    conn: &mut http_net::ServerConn,
    answer: &http_net::Response,
    out: &mut Vec<u8>,
) -> Cycle {
    use http_net::ServerEvent;
    let mut c = Cycle::default();
    for read in input.chunks(READ) {
        let mut rest = read;
        while !rest.is_empty() {
            let n = conn.feed(rest);
            assert!(n > 0, "the connection takes the read");
            rest = &rest[n..];
            loop {
                match conn.poll().expect("http-net parses the corpus") {
                    ServerEvent::Request(head) => {
                        c.tally.messages += 1;
                        black_box(&head);
                    }
                    ServerEvent::Body(data) => {
                        c.tally.body_bytes += data.len() as u64;
                        black_box(data);
                    }
                    ServerEvent::RequestEnd => {
                        c.ends += 1;
                        conn.respond(answer, out).expect("respond");
                    }
                    ServerEvent::NeedInput => break,
                    other => panic!("unexpected event {other:?}"),
                }
            }
            c.written += out.len() as u64;
            black_box(&out[..]);
            out.clear();
        }
    }
    c
}

fn httpnet_fetch(
    stream: &Stream,
    conn: &mut http_net::ClientConn,
    request: &http_net::Request,
    requests: usize,
    out: &mut Vec<u8>,
) -> Cycle {
    use http_net::ClientEvent;
    let mut c = Cycle::default();
    let mut sent = WINDOW.min(requests);
    for _ in 0..sent {
        conn.send_request(request, out).expect("send_request");
    }
    c.written += out.len() as u64;
    black_box(&out[..]);
    out.clear();
    let mut pos = 0;
    while pos < stream.bytes.len() {
        let end = stream.read_end(pos, sent);
        let mut rest = &stream.bytes[pos..end];
        pos = end;
        while !rest.is_empty() {
            let n = conn.feed(rest);
            assert!(n > 0, "the connection takes the read");
            rest = &rest[n..];
            loop {
                match conn.poll().expect("http-net parses the corpus") {
                    ClientEvent::Response(head) => {
                        c.tally.messages += 1;
                        black_box(&head);
                    }
                    ClientEvent::Body(data) => {
                        c.tally.body_bytes += data.len() as u64;
                        black_box(data);
                    }
                    ClientEvent::ResponseEnd => {
                        c.ends += 1;
                        if sent < requests {
                            conn.send_request(request, out).expect("send_request");
                            sent += 1;
                        }
                    }
                    ClientEvent::NeedInput | ClientEvent::Idle => break,
                    other => panic!("unexpected event {other:?}"),
                }
            }
            c.written += out.len() as u64;
            black_box(&out[..]);
            out.clear();
        }
    }
    c
}

// ---------------------------------------------------------------------------------------------
// Checking
// ---------------------------------------------------------------------------------------------

/// `HEAD` requests in a server corpus (answered without a body).
fn head_requests(corpus: &Corpus) -> usize {
    if corpus.role == Role::Client {
        return 0;
    }
    let mut dec = new_decoder(corpus);
    let mut buf = BytesMut::from(&corpus.bytes[..]);
    let mut heads = 0;
    while let Some(item) = dec.decode(&mut buf).expect("corpus decodes") {
        if let Decoded::Request(req) = item {
            heads += usize::from(req.method().is_head());
        }
    }
    heads
}

/// The bytes a walker must write for `corpus`, given its answer and request on the wire.
fn expected_written(corpus: &Corpus, answer: &[u8], request: &[u8]) -> u64 {
    let n = corpus.expected.messages as u64;
    match corpus.role {
        Role::Server => {
            let heads = head_requests(corpus) as u64;
            n * answer.len() as u64 - heads * ANSWER_BODY.len() as u64
        }
        Role::Client => n * request.len() as u64,
    }
}

/// Which full-cycle walker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Walker {
    /// [`h1conn_full`].
    H1conn,
    /// [`httpnet_full`].
    HttpNet,
}

/// Runs `walker` once over `corpus`, unmeasured, and panics unless it received exactly the
/// corpus' messages and body bytes, saw every message end, and wrote exactly one answer per
/// request (server) or one request per response (client), byte for byte.
pub(crate) fn check(corpus: &Corpus, stream: &Stream, walker: Walker) {
    let name = corpus.name;
    let (cycle, first, expected) = match walker {
        Walker::H1conn => {
            // The first message on the wire, from a separate walk that keeps its output.
            let mut st = h1conn_full_setup(corpus);
            let first = match corpus.role {
                Role::Server => {
                    let n = st.conn.handle_input(NOW, &corpus.bytes);
                    assert!(n > 0);
                    while let Some(ev) = st.conn.poll_event() {
                        if let Event::End { id, .. } = ev {
                            st.conn
                                .send_response(id, st.answer.clone())
                                .expect("send_response");
                            st.conn.send_data(id, ANSWER_BODY).expect("send_data");
                            st.conn.send_end(id, None).expect("send_end");
                            break;
                        }
                    }
                    st.conn.poll_transmit(&mut st.out);
                    (H1CONN_ANSWER, st.out.split().freeze())
                }
                Role::Client => {
                    st.conn.send_request(st.request.clone()).expect("send_request");
                    st.conn.poll_transmit(&mut st.out);
                    (H1CONN_REQUEST, st.out.split().freeze())
                }
            };
            let (cycle, _) = h1conn_full(stream, h1conn_full_setup(corpus));
            let (copied, _) = h1conn_full(stream, h1conn_full_copy_setup(corpus));
            assert_eq!(copied, cycle, "{name}: handle_input and handle_input_buf agree");
            (
                cycle,
                first,
                expected_written(corpus, H1CONN_ANSWER, H1CONN_REQUEST),
            )
        }
        Walker::HttpNet => {
            let mut st = httpnet_full_setup(corpus);
            let first = match &mut st.conn {
                HttpNetConn::Server(conn) => {
                    let _ = conn.feed(&corpus.bytes);
                    while !matches!(conn.poll().expect("parses"), http_net::ServerEvent::RequestEnd) {}
                    conn.respond(&st.answer, &mut st.out).expect("respond");
                    (HTTPNET_ANSWER, Bytes::from(st.out.clone()))
                }
                HttpNetConn::Client(conn) => {
                    conn.send_request(&st.request, &mut st.out).expect("send_request");
                    (HTTPNET_REQUEST, Bytes::from(st.out.clone()))
                }
            };
            let (cycle, _) = httpnet_full(stream, httpnet_full_setup(corpus));
            (
                cycle,
                first,
                expected_written(corpus, HTTPNET_ANSWER, HTTPNET_REQUEST),
            )
        }
    };
    let (want, got) = first;
    // The first request of the server corpora is not a HEAD, so its answer carries the body.
    assert_eq!(got, want, "{name}: {walker:?} first message written");
    assert_eq!(cycle.tally, corpus.expected, "{name}: {walker:?} full cycle");
    assert_eq!(
        cycle.ends, corpus.expected.messages,
        "{name}: {walker:?} message ends"
    );
    assert_eq!(cycle.written, expected, "{name}: {walker:?} bytes written");
}
