//! Zero allocations per message in steady state, counted by a counting global allocator.
//!
//! The allocator is `allocation-counter`'s: it wraps `System` and counts, per thread, every
//! allocation (a reallocation counts as one) made inside `allocation_counter::measure`, so
//! tests running in parallel do not disturb each other. (A counting allocator of our own would
//! need `unsafe impl GlobalAlloc`, which the crate's `unsafe_code = "forbid"` lint refuses in
//! every target.)
//!
//! * Server: one keep-alive `Connection` is fed the TechEmpower plaintext request (corpus (c) of
//!   `benches/parse.rs`) in 16 KiB reads and answers each request with a clone of one pre-built
//!   `200` head, `Hello, World!` and `send_end`, draining events and `poll_transmit` into one
//!   reused `BytesMut` (cleared after each drain). After 1,000 warm-up requests, the next
//!   5,000 must allocate nothing.
//! * Client: one keep-alive `Connection` sends a clone of one pre-built GET per exchange and
//!   reads the 1,000 responses of corpus (b) (`Content-Length`, chunked, 204 and 304) in
//!   reads of at most 16 KiB; after one pass over the corpus as warm-up, a second pass must
//!   allocate nothing.
//!
//! Both pass with zero: the receive buffer is reserved once per read, so
//! events still holding earlier parts of it never force a copy.
//!
//! * The same server fed through the zero-copy `handle_input_buf` from a driver's read buffer
//!   allocates only when that buffer's room runs out while a request is split across reads
//!   (a few times over 20,000 requests; see the test).

#[allow(dead_code)]
#[path = "../benches/corpus/mod.rs"]
mod corpus;

use allocation_counter::AllocationInfo;
use bytes::BytesMut;
use h1conn::{Config, Connection, Decoded, Decoder, Event, Instant, Limits, Method, Request, Response, Role};

/// Bytes handed to the connection per `handle_input`, as a driver's read buffer would: 16 KiB,
/// and the 64 KiB of `examples/tokio_server.rs`.
const READS: [usize; 2] = [16 * 1024, 64 * 1024];
const BODY: &[u8] = b"Hello, World!";
const RESPONSE: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\nHello, World!";

/// A server that answers every request in the buffer; returns how many it answered.
fn serve_pending(conn: &mut Connection, head: &Response, out: &mut BytesMut, written: &mut usize) -> usize {
    let mut answered = 0;
    while let Some(ev) = conn.poll_event() {
        match ev {
            Event::Request { .. } | Event::Data { .. } => {}
            Event::End { id, keep_alive, .. } => {
                assert!(keep_alive, "the plaintext request keeps the connection");
                conn.send_response(id, head.clone()).expect("send_response");
                conn.send_data(id, BODY).expect("send_data");
                conn.send_end(id, None).expect("send_end");
                answered += 1;
            }
            other => panic!("unexpected event {other:?}"),
        }
    }
    while conn.poll_transmit(out) > 0 {
        // The "write": check the bytes are whole responses, then reuse the buffer.
        assert!(out.starts_with(RESPONSE), "response bytes");
        *written += out.len();
        out.clear();
    }
    assert_eq!(conn.poll_action(), None, "the connection stays open");
    answered
}

/// Feeds `stream` in reads of `read` bytes, answering as it goes; returns requests answered.
/// Without `rb`, each read is a slice handed to `handle_input`; with it, a driver's read
/// buffer: each read lands in `rb` (reserved for it, then filled, as `read_buf` from a socket
/// would) and is handed over with `handle_input_buf`.
fn serve_stream(
    conn: &mut Connection,
    stream: &[u8],
    read: usize,
    head: &Response,
    (mut rb, out): (Option<&mut BytesMut>, &mut BytesMut),
) -> usize {
    let (mut answered, mut written) = (0, 0);
    for read in stream.chunks(read) {
        if let Some(rb) = rb.as_deref_mut() {
            rb.reserve(read.len());
            rb.extend_from_slice(read);
            while !rb.is_empty() {
                let n = conn.handle_input_buf(Instant::ZERO, rb);
                answered += serve_pending(conn, head, out, &mut written);
                assert!(n > 0 || conn.read_capacity() > 0, "the connection takes the read");
            }
        } else {
            let mut rest = read;
            while !rest.is_empty() {
                let n = conn.handle_input(Instant::ZERO, rest);
                answered += serve_pending(conn, head, out, &mut written);
                assert!(n > 0 || conn.read_capacity() > 0, "the connection takes the read");
                rest = &rest[n..];
            }
        }
    }
    assert_eq!(written, answered * RESPONSE.len(), "one response per request");
    answered
}

/// For each read size: a keep-alive server answers 1,000 plaintext requests as warm-up, then
/// `measured` more while allocations are counted. Returns the read size and what was counted.
fn plaintext_server_allocations(measured: usize, read_buffer: bool) -> Vec<(usize, AllocationInfo)> {
    const WARM_UP: usize = 1_000;
    let head = Response::builder(200)
        .header("Content-Length", "13")
        .build()
        .expect("valid head");
    let warm_up = corpus::PLAINTEXT.repeat(WARM_UP);
    let stream = corpus::PLAINTEXT.repeat(measured);
    let mut counted = Vec::new();
    for read in READS {
        // Config::default() but without the request limit (1,000 by default), so that one
        // connection carries all the requests.
        let config = Config {
            max_requests: None,
            ..Config::default()
        };
        let mut conn = Connection::new(Role::Server, config, Instant::ZERO);
        let (mut rb, mut out) = (BytesMut::new(), BytesMut::new());
        let bufs = (read_buffer.then_some(&mut rb), &mut out);
        assert_eq!(serve_stream(&mut conn, &warm_up, read, &head, bufs), WARM_UP);
        let mut answered = 0;
        let info = allocation_counter::measure(|| {
            let bufs = (read_buffer.then_some(&mut rb), &mut out);
            answered = serve_stream(&mut conn, &stream, read, &head, bufs);
        });
        assert_eq!(answered, measured);
        assert_eq!(conn.requests_completed(), (WARM_UP + measured) as u64);
        counted.push((read, info));
    }
    counted
}

#[test]
fn server_plaintext_keep_alive_allocates_nothing_per_request() {
    const MEASURED: usize = 5_000;
    let failures: Vec<String> = plaintext_server_allocations(MEASURED, false)
        .into_iter()
        .filter(|(_, info)| info.count_total != 0)
        .map(|(read, info)| {
            format!(
                "{read}-byte reads: {} allocations ({} bytes) over {MEASURED} requests, {:.4} per request",
                info.count_total,
                info.bytes_total,
                info.count_total as f64 / MEASURED as f64
            )
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("; "));
}

/// The zero-copy input: the same server fed from a driver's read buffer with
/// `handle_input_buf`. A read that ends inside a request leaves the connection holding a share
/// of the buffer, so when the buffer's room runs out the driver's next `reserve` allocates a new
/// one (`BytesMut` cannot reclaim a shared buffer); that is once per many reads, never per
/// request. Measured: 5 allocations over 20,000 requests (207 reads) in 16 KiB reads, 3 (52
/// reads) in 64 KiB reads.
#[test]
fn server_plaintext_from_a_read_buffer_allocates_only_when_the_buffer_runs_out() {
    const MEASURED: usize = 20_000;
    let bytes = MEASURED * corpus::PLAINTEXT.len();
    let failures: Vec<String> = plaintext_server_allocations(MEASURED, true)
        .into_iter()
        .map(|(read, info)| (read, bytes.div_ceil(read) as u64, info))
        .filter(|(_, reads, info)| info.count_total * 4 > *reads)
        .map(|(read, reads, info)| {
            format!(
                "{read}-byte reads: {} allocations ({} bytes) over {reads} reads",
                info.count_total, info.bytes_total,
            )
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("; "));
}

/// Where each response of a stream of responses to GETs ends.
fn response_ends(stream: &bytes::Bytes, count: usize) -> Vec<usize> {
    let mut dec = Decoder::new(Role::Client, Limits::default());
    for _ in 0..count {
        dec.push_method(Method::GET);
    }
    let mut buf = BytesMut::from(&stream[..]);
    let mut ends = Vec::with_capacity(count);
    while let Some(item) = dec.decode(&mut buf).expect("corpus decodes") {
        if let Decoded::End { .. } = item {
            ends.push(stream.len() - buf.len());
        }
    }
    assert_eq!(ends.len(), count);
    ends
}

/// One exchange per response: send a clone of `req`, read the response in reads of at most
/// `read` bytes until its `End`. Returns the body bytes received.
fn fetch_all(
    conn: &mut Connection,
    req: &Request,
    (stream, ends): (&[u8], &[usize]),
    read: usize,
    out: &mut BytesMut,
) -> u64 {
    let (mut start, mut body) = (0, 0u64);
    for &end in ends {
        let id = conn.send_request(req.clone()).expect("send_request");
        while conn.poll_transmit(out) > 0 {
            assert!(out.starts_with(b"GET / HTTP/1.1\r\n"), "request bytes");
            out.clear();
        }
        let mut done = false;
        for read in stream[start..end].chunks(read) {
            let mut rest = read;
            while !rest.is_empty() {
                let n = conn.handle_input(Instant::ZERO, rest);
                assert!(n > 0, "the connection takes the read");
                rest = &rest[n..];
                while let Some(ev) = conn.poll_event() {
                    match ev {
                        Event::Response { id: rid, .. } => assert_eq!(rid, id),
                        Event::Data { data, .. } => body += data.len() as u64,
                        Event::End {
                            id: rid, keep_alive, ..
                        } => {
                            assert!(rid == id && keep_alive, "the response keeps the connection");
                            done = true;
                        }
                        other => panic!("unexpected event {other:?}"),
                    }
                }
            }
        }
        assert!(done, "response complete");
        assert_eq!(conn.poll_transmit(out), 0);
        assert_eq!(conn.poll_action(), None, "the connection stays open");
        assert!(conn.is_reusable());
        start = end;
    }
    body
}

#[test]
fn client_responses_keep_alive_allocate_nothing_per_response() {
    let corpus = corpus::gen_responses(0x5eed_0002, 1_000);
    let count = corpus.expected.messages;
    let ends = response_ends(&corpus.bytes, count);
    let req = Request::builder(Method::GET, "/")
        .header("Host", "example.com")
        .build()
        .expect("valid head");
    let mut failures = Vec::new();
    for read in READS {
        let mut conn = Connection::new(Role::Client, Config::default(), Instant::ZERO);
        let mut out = BytesMut::new();
        // Warm-up: one pass over the corpus sizes every buffer for its largest message.
        let body = fetch_all(&mut conn, &req, (&corpus.bytes, &ends), read, &mut out);
        assert_eq!(body, corpus.expected.body_bytes);
        let mut body = 0;
        let info = allocation_counter::measure(|| {
            body = fetch_all(&mut conn, &req, (&corpus.bytes, &ends), read, &mut out);
        });
        assert_eq!(body, corpus.expected.body_bytes);
        assert_eq!(conn.requests_completed(), 2 * count as u64);
        if info.count_total != 0 {
            failures.push(format!(
                "{read}-byte reads: {} allocations ({} bytes) over {count} responses, {:.4} per response",
                info.count_total,
                info.bytes_total,
                info.count_total as f64 / count as f64
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("; "));
}
