//! Parse-and-frame and full-cycle throughput: h1conn's [`Decoder`](h1conn::Decoder) against httparse
//! plus the least framing work that walks the same pipelined stream, and the whole job of a
//! sans-IO connection, h1conn's [`Connection`](h1conn::Connection) against http-net's.
//!
//! Three corpora, generated in code from a seeded xorshift PRNG (no checked-in blobs; the
//! generators and the walkers live in `benches/corpus/mod.rs` and `benches/corpus/full_cycle.rs`,
//! shared with the callgrind harness `examples/corpus_walk.rs` and `tests/allocations.rs`):
//!
//! * `requests_1k`: 1,000 browser and API requests, 8 to 15 header fields each, GET / POST / PUT /
//!   DELETE / HEAD, some with `Content-Length` bodies and some chunked (several chunks, a few
//!   chunk extensions), as one pipelined stream;
//! * `responses_1k`: 1,000 responses (`Content-Length` bodies, chunked bodies, bodiless 204 and
//!   304), 5 to 12 header fields each, answering 1,000 GETs;
//! * `plaintext_10k`: the TechEmpower plaintext request, 10,000 times pipelined.
//!
//! Each corpus is one criterion group with four functions on the identical byte stream:
//!
//! * `h1conn/parse_and_frame`: a [`Decoder`](h1conn::Decoder) decodes the whole stream from one
//!   `BytesMut`, touching every body `Data` and counting messages;
//! * `httparse/heads_plus_framing`: `httparse::{Request, Response}::parse` with one fixed
//!   `[EMPTY_HEADER; 32]`, a case-insensitive search for `Content-Length` / `Transfer-Encoding`,
//!   then the body skipped (CL bytes, or a minimal chunked skipper; 1xx, 204 and 304 bodiless);
//! * `h1conn/full_cycle`: parse, frame, deliver body data and encode a small message, through
//!   one [`Connection`](h1conn::Connection). Server corpora: the stream is handed to a server
//!   connection in 64 KiB reads (`handle_input_buf`, see below) (what it does not take is offered again after draining), every
//!   `Request` / `Data` / `End` event is consumed, and each request is answered at its `End`
//!   with a clone of one pre-built head (`200`, `Content-Type: text/plain`, `Content-Length:
//!   13`), `send_data(b"Hello, World!")` (left out for `HEAD`) and `send_end`; after every read
//!   the outputs are drained in the documented order (`poll_event`, `poll_transmit` into one
//!   `BytesMut` that is counted and cleared, `poll_action`, `poll_timeout`). Client corpus: a
//!   client connection sends the 1,000 `GET / HTTP/1.1` (`Host: example.com`) requests, clones
//!   of one pre-built head encoded by the connection, 32 at once and one more at the end of each
//!   response, and reads the response stream in reads of at most 64 KiB that never run past the
//!   responses to the requests sent so far (a server answers only what it was asked; h1conn
//!   also refuses response bytes for which no request is queued), consuming every event.
//!   `Config::default()` except `max_requests: None` (the default 1,000 would close the
//!   plaintext connection) and, on the client, `pipeline_depth: 32`, so that one connection
//!   carries the whole corpus;
//! * `http-net/full_cycle`: the same job through the `http-net` crate (0.9.1, a sans-IO
//!   HTTP/1.1 engine): `ServerConn::feed` in 64 KiB reads, `poll` until `NeedInput`, `respond`
//!   with one pre-built `Response` (`content-type: text/plain`, body `Hello, World!`; it writes
//!   `content-length` itself and drops the body for `HEAD`) at each `RequestEnd`, the output
//!   `Vec` counted and cleared after every read; its client (`with_pipeline_depth(32)`, the most
//!   it allows) sends the same requests in the same window and reads the same reads. http-net
//!   accepts all three corpora: no pair is skipped.
//!
//! Every function gets its input ready from `iter_batched` setup (outside the timing): a fresh
//! copy of the stream for the parse walkers, a fresh connection, output buffer and pre-built
//! messages for the full-cycle walkers, and each returns what it used so that freeing it is not
//! timed either. h1conn's full cycle gets, like the parse walkers, a fresh `BytesMut` holding
//! the stream, as a driver's read buffer would hold what the socket delivered: its reads are
//! split off that buffer and handed over with `Connection::handle_input_buf`, which keeps them
//! without a copy (reads that follow each other in one buffer join without a copy too).
//! http-net's `feed` takes `&[u8]` slices of the corpus' shared `Bytes` and copies them into its
//! own buffer; so does h1conn's `handle_input`, measured by the callgrind harness's
//! `h1conn_full_copy` walker (`scripts/callgrind.sh --walkers h1conn_full,h1conn_full_copy`).
//! Before timing, every
//! walker is run once and must agree with the generator on the number of messages and body
//! bytes; the full-cycle walkers must also have seen every message end and written exactly one
//! answer per request (or one request per response), byte for byte.
//!
//! One caveat when comparing with figures from before the full-cycle functions existed: with
//! `Connection` in the same binary, `Decoder::decode` has a second caller, and LTO no longer
//! inlines it into the parse walker (each `Decoded` then comes back through memory). That alone
//! made `h1conn/parse_and_frame` cost about 14% more instructions per message on `requests_1k`
//! and `responses_1k` and 32% more on `plaintext_10k` under callgrind, with `src/` unchanged.
//!
//! Run `scripts/bench-ratios.sh` for a table of medians and ratios, and `scripts/callgrind.sh`
//! for instructions per message.

mod corpus;

use bytes::BytesMut;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, SamplingMode, Throughput};

use corpus::full_cycle::{
    self, h1conn_full, h1conn_full_setup, httpnet_full, httpnet_full_setup, Stream, Walker,
};
use corpus::{corpora, h1conn_walk, httparse_walk, new_decoder};

fn bench_parse(c: &mut Criterion) {
    for corpus in corpora() {
        // Every walker agrees with the generator, once, outside any timing.
        let (tally, ends, _) = h1conn_walk(new_decoder(&corpus), BytesMut::from(&corpus.bytes[..]));
        assert_eq!(tally, corpus.expected, "{}: h1conn", corpus.name);
        assert_eq!(
            ends, corpus.expected.messages,
            "{}: h1conn End items",
            corpus.name
        );
        let tally = httparse_walk(corpus.role, &corpus.bytes);
        assert_eq!(tally, corpus.expected, "{}: httparse", corpus.name);
        let stream = Stream::new(&corpus);
        full_cycle::check(&corpus, &stream, Walker::H1conn);
        full_cycle::check(&corpus, &stream, Walker::HttpNet);

        let mut group = c.benchmark_group(corpus.name);
        group.sampling_mode(SamplingMode::Flat);
        group.throughput(Throughput::Bytes(corpus.bytes.len() as u64));
        group.bench_function("h1conn/parse_and_frame", |b| {
            b.iter_batched(
                || (new_decoder(&corpus), BytesMut::from(&corpus.bytes[..])),
                |(dec, buf)| h1conn_walk(dec, buf),
                BatchSize::LargeInput,
            )
        });
        group.bench_function("httparse/heads_plus_framing", |b| {
            b.iter_batched(
                || BytesMut::from(&corpus.bytes[..]),
                |buf| (httparse_walk(corpus.role, &buf), buf),
                BatchSize::LargeInput,
            )
        });
        group.bench_function("h1conn/full_cycle", |b| {
            b.iter_batched(
                || h1conn_full_setup(&corpus),
                |st| h1conn_full(&stream, st),
                BatchSize::LargeInput,
            )
        });
        group.bench_function("http-net/full_cycle", |b| {
            b.iter_batched(
                || httpnet_full_setup(&corpus),
                |st| httpnet_full(&stream, st),
                BatchSize::LargeInput,
            )
        });
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench_parse
}
criterion_main!(benches);
