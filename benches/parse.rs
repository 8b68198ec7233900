//! Parse-and-frame throughput: h1conn's [`Decoder`](h1conn::Decoder) against httparse plus the least
//! framing work that walks the same pipelined stream.
//!
//! Three corpora, generated in code from a seeded xorshift PRNG (no checked-in blobs; the
//! generators and the walkers live in `benches/corpus/mod.rs`, shared with the callgrind harness
//! `examples/corpus_walk.rs` and `tests/allocations.rs`):
//!
//! * `requests_1k`: 1,000 browser and API requests, 8 to 15 header fields each, GET / POST / PUT /
//!   DELETE / HEAD, some with `Content-Length` bodies and some chunked (several chunks, a few
//!   chunk extensions), as one pipelined stream;
//! * `responses_1k`: 1,000 responses (`Content-Length` bodies, chunked bodies, bodiless 204 and
//!   304), 5 to 12 header fields each, answering 1,000 GETs;
//! * `plaintext_10k`: the TechEmpower plaintext request, 10,000 times pipelined.
//!
//! Each corpus is one criterion group with two functions on the identical byte stream:
//!
//! * `h1conn/parse_and_frame`: a [`Decoder`](h1conn::Decoder) decodes the whole stream from one
//!   `BytesMut`, touching every body `Data` and counting messages;
//! * `httparse/heads_plus_framing`: `httparse::{Request, Response}::parse` with one fixed
//!   `[EMPTY_HEADER; 32]`, a case-insensitive search for `Content-Length` / `Transfer-Encoding`,
//!   then the body skipped (CL bytes, or a minimal chunked skipper; 1xx, 204 and 304 bodiless).
//!
//! Both get a fresh copy of the stream from `iter_batched` setup (outside the timing), and both
//! return the buffer so that freeing it is not timed either. Before timing, both walkers are run
//! once and must agree with the generator on the number of messages and body bytes.
//!
//! Run `scripts/bench-ratios.sh` for a table of medians and ratios.

mod corpus;

use bytes::BytesMut;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, SamplingMode, Throughput};

use corpus::{corpora, h1conn_walk, httparse_walk, new_decoder};

fn bench_parse(c: &mut Criterion) {
    for corpus in corpora() {
        // Both walkers agree with the generator, once, outside any timing.
        let (tally, ends, _) = h1conn_walk(new_decoder(&corpus), BytesMut::from(&corpus.bytes[..]));
        assert_eq!(tally, corpus.expected, "{}: h1conn", corpus.name);
        assert_eq!(
            ends, corpus.expected.messages,
            "{}: h1conn End items",
            corpus.name
        );
        let tally = httparse_walk(corpus.role, &corpus.bytes);
        assert_eq!(tally, corpus.expected, "{}: httparse", corpus.name);

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
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench_parse
}
criterion_main!(benches);
