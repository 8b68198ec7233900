//! The callgrind harness behind `scripts/callgrind.sh`: walks one corpus of `benches/parse.rs`
//! (the generators and walkers are shared through `benches/corpus/mod.rs` and
//! `benches/corpus/full_cycle.rs`) a given number of times with one walker, so that instruction
//! counts can be read per message.
//!
//! ```text
//! cargo run --release --example corpus_walk -- CORPUS WALKER ITERATIONS
//! ```
//!
//! `CORPUS` is `requests_1k`, `responses_1k` or `plaintext_10k`; `WALKER` is one of the bench's
//! four functions:
//!
//! * `h1conn`: `h1conn/parse_and_frame` (a `Decoder` over the whole stream);
//! * `httparse`: `httparse/heads_plus_framing`;
//! * `h1conn_full`: `h1conn/full_cycle` (a server `Connection` receiving and answering every
//!   request, or a client `Connection` sending the GETs and receiving every response);
//! * `h1conn_full_copy`: the same as `h1conn_full`, but each read is handed over as a `&[u8]`
//!   with `handle_input`, which copies it into the connection's buffer (`h1conn_full` splits
//!   reads off a read buffer holding the stream and hands them over with `handle_input_buf`);
//! * `httpnet_full`: `http-net/full_cycle` (the same job through http-net's `ServerConn` /
//!   `ClientConn`).
//!
//! Only the walk itself runs inside the `measured_*` functions (never inlined), so
//! `valgrind --tool=callgrind --toggle-collect='*measured_*'` counts exactly what the
//! criterion bench times: building the corpus, copying it into a fresh `BytesMut`, making the
//! decoder or the connection with its output buffer and pre-built messages stay outside, as in
//! the bench's `iter_batched` setup, and so does dropping them. The walk is checked once
//! against the generator's tally (and, for the full cycle, the bytes written) before the
//! measured iterations. One line on stdout says what ran:
//! `corpus=… walker=… iterations=… messages=… bytes=…`.

#[path = "../benches/corpus/mod.rs"]
mod corpus;

use std::hint::black_box;
use std::process::exit;

use bytes::BytesMut;
use h1conn::{Decoder, Role};

use corpus::full_cycle::{self, h1conn_full, h1conn_full_copy_setup, h1conn_full_setup, Cycle};
use corpus::full_cycle::{httpnet_full, httpnet_full_setup};
use corpus::full_cycle::{H1connFull, HttpNetFull, Stream, Walker};
use corpus::{corpora, h1conn_walk, httparse_walk, new_decoder, Tally};

/// One h1conn walk: the decoder and the buffer come in ready, the (drained) buffer goes back
/// out so that freeing it is not counted either.
#[inline(never)]
fn measured_h1conn(dec: Decoder, buf: BytesMut) -> (Tally, usize, BytesMut) {
    h1conn_walk(dec, buf)
}

/// One httparse walk over the same bytes.
#[inline(never)]
fn measured_httparse(role: Role, buf: &[u8]) -> Tally {
    httparse_walk(role, buf)
}

/// One h1conn full cycle: the connection comes in ready and goes back out.
#[inline(never)]
fn measured_h1conn_full(stream: &Stream, st: H1connFull) -> (Cycle, H1connFull) {
    h1conn_full(stream, st)
}

/// One http-net full cycle over the same bytes.
#[inline(never)]
fn measured_httpnet_full(stream: &Stream, st: HttpNetFull) -> (Cycle, HttpNetFull) {
    httpnet_full(stream, st)
}

fn usage() -> ! {
    eprintln!(
        "usage: corpus_walk <requests_1k|responses_1k|plaintext_10k> \
         <h1conn|httparse|h1conn_full|h1conn_full_copy|httpnet_full> <iterations>"
    );
    exit(2)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [name, walker, iterations] = &args[..] else {
        usage()
    };
    let Ok(iterations) = iterations.parse::<usize>() else {
        usage()
    };
    let Some(corpus) = corpora().into_iter().find(|c| c.name == name) else {
        usage()
    };
    // Once, unmeasured: the walker agrees with the generator.
    match walker.as_str() {
        "h1conn" => {
            let (tally, ends, _) = h1conn_walk(new_decoder(&corpus), BytesMut::from(&corpus.bytes[..]));
            assert_eq!(tally, corpus.expected, "{name}: h1conn");
            assert_eq!(ends, corpus.expected.messages, "{name}: h1conn End items");
            for _ in 0..iterations {
                let (dec, buf) = (new_decoder(&corpus), BytesMut::from(&corpus.bytes[..]));
                let (tally, _, buf) = black_box(measured_h1conn(dec, buf));
                assert_eq!(tally, corpus.expected);
                drop(buf);
            }
        }
        "httparse" => {
            assert_eq!(
                httparse_walk(corpus.role, &corpus.bytes),
                corpus.expected,
                "{name}: httparse"
            );
            for _ in 0..iterations {
                let buf = BytesMut::from(&corpus.bytes[..]);
                let tally = black_box(measured_httparse(corpus.role, &buf));
                assert_eq!(tally, corpus.expected);
                drop(buf);
            }
        }
        "h1conn_full" | "h1conn_full_copy" => {
            let stream = Stream::new(&corpus);
            full_cycle::check(&corpus, &stream, Walker::H1conn);
            let mut last = Cycle::default();
            for _ in 0..iterations {
                let st = if walker == "h1conn_full" {
                    h1conn_full_setup(&corpus)
                } else {
                    h1conn_full_copy_setup(&corpus)
                };
                let (cycle, st) = black_box(measured_h1conn_full(&stream, st));
                assert_eq!(cycle.tally, corpus.expected);
                assert!(
                    last == Cycle::default() || last == cycle,
                    "every walk does the same"
                );
                last = cycle;
                drop(st);
            }
        }
        "httpnet_full" => {
            let stream = Stream::new(&corpus);
            full_cycle::check(&corpus, &stream, Walker::HttpNet);
            let mut last = Cycle::default();
            for _ in 0..iterations {
                let st = httpnet_full_setup(&corpus);
                let (cycle, st) = black_box(measured_httpnet_full(&stream, st));
                assert_eq!(cycle.tally, corpus.expected);
                assert!(
                    last == Cycle::default() || last == cycle,
                    "every walk does the same"
                );
                last = cycle;
                drop(st);
            }
        }
        _ => usage(),
    }
    println!(
        "corpus={name} walker={walker} iterations={iterations} messages={} bytes={}",
        corpus.expected.messages,
        corpus.bytes.len()
    );
}
