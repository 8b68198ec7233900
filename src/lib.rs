//! # h1conn: HTTP/1.x connections as pure state machines
//!
//! **After any input or mutation, drain the outputs until they return
//! `None`.** h1conn does no I/O and reads no clock: bytes, time and the
//! application's intent go in; message events, bytes to write and actions
//! come out. Sockets, threads, runtimes and clocks stay with the driver, so
//! the same core runs under a blocking server, tokio, mio, an embedded
//! stack, a proxy, a simulator or a fuzzer.
//!
//! ## The drive loop
//!
//! A [`Connection`] plays one role. Its methods come in four groups:
//! getters ([`Connection::state`], [`Connection::is_reusable`], …), inputs
//! (`handle_input` or its zero-copy twin `handle_input_buf`, `handle_eof`,
//! `handle_reset`, `handle_timeout`), mutators
//! (`send_request`, `send_response`, `send_data`, `send_end`, `close`,
//! `abort`) and outputs, drained in this order after every input or
//! mutation:
//!
//! ```
//! use bytes::BytesMut;
//! use h1conn::{Action, Config, Connection, Event, Instant, Response, Role};
//!
//! let mut conn = Connection::new(Role::Server, Config::default(), Instant::ZERO);
//! let mut wire = BytesMut::new();
//! // 1. input: bytes from the socket, with the time they arrived
//! conn.handle_input(Instant::from_millis(1), b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
//! // 2. events
//! while let Some(ev) = conn.poll_event() {
//!     if let Event::Request { id, .. } = ev {
//!         conn.send_response(id, Response::builder(204).build()?)?;
//!     }
//! }
//! // 3. bytes to write
//! while conn.poll_transmit(&mut wire) > 0 {}
//! assert!(wire.starts_with(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n"));
//! // 4. actions: the request said close, so the write side is shut first
//! assert_eq!(conn.poll_action(), Some(Action::ShutdownWrite));
//! // 5. the next deadline (here: the linger timeout)
//! assert!(conn.poll_timeout().is_some());
//! # Ok::<(), h1conn::Error>(())
//! ```
//!
//! ## The codec
//!
//! [`Decoder`] turns received bytes into [`Decoded`] items: request or
//! response heads ([`Request`], [`Response`]), body data and the end of each
//! message, strictly per RFC 9112. Heads are one [`bytes::Bytes`] plus
//! offsets: no allocation per field. [`encode`] writes heads and bodies.
//! [`Framing`] and [`request_framing`] / [`response_framing`] are RFC 9112
//! §6.3 as one pure function; the strict choices it makes are listed in
//! the [`framing`] module.
//!
//! ```
//! use bytes::BytesMut;
//! use h1conn::{Decoded, Decoder, Limits, Method, Role};
//!
//! // A client reads two pipelined responses; the first answers a HEAD.
//! let mut dec = Decoder::new(Role::Client, Limits::default());
//! dec.push_method(Method::HEAD);
//! dec.push_method(Method::GET);
//! let mut buf = BytesMut::from(&b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n\
//!     HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n"[..]);
//! let mut items = Vec::new();
//! while let Some(item) = dec.decode(&mut buf)? {
//!     items.push(item);
//! }
//! assert!(matches!(&items[0], Decoded::Response(r) if r.status() == 200));
//! assert!(matches!(&items[1], Decoded::End { keep_alive: true, .. })); // HEAD: no body
//! assert!(matches!(&items[3], Decoded::Data(d) if &d[..] == b"hi"));
//! # Ok::<(), h1conn::Error>(())
//! ```
//!
//! ## Errors
//!
//! Every failure is an [`Error`] variant with a stable [`Error::kind`], the
//! [`Side`] it came from, and, for a bad request, the status a server should
//! answer with ([`Error::status`]: 400, 413, 414, 431, 501 or 505).
//!
//! ## Without std
//!
//! With `default-features = false` the crate is `#![no_std]` and needs only
//! `alloc`: parsing, framing, encoding, the lifecycle and its timers all work
//! there. Time is the crate's own [`Instant`], a `Duration` since an epoch
//! the driver picks; an embassy driver maps its tick counter with
//! `h1conn::Instant::from_micros(embassy_time::Instant::now().as_micros())`,
//! a std driver with [`Instant::from_std`] (behind the `std` feature, which
//! is the only std-only API).
#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

extern crate alloc;

mod connection;
mod decode;
pub mod encode;
mod error;
mod fields;
pub mod framing;
mod hop_by_hop;
#[cfg(feature = "http")]
pub mod http_interop;
mod limits;
mod message;
mod parse;
mod persistence;
pub mod pool;
pub mod state;
mod time;
mod timer;

pub use connection::{Action, CloseReason, Config, Connection, Event, RequestId, Unanswered};
pub use decode::{Decoded, Decoder};
pub use error::{Error, Side};
pub use fields::{Field, Fields, FieldsBuilder, FieldsIter};
pub use framing::{request_framing, response_framing, Framing};
pub use hop_by_hop::{end_to_end_fields, HOP_BY_HOP};
pub use limits::Limits;
pub use message::{canonical_reason, Method, Request, RequestBuilder, Response, ResponseBuilder, Version};
pub use parse::target::TargetForm;
pub use persistence::KeepAliveHints;
pub use state::State;
pub use time::Instant;
pub use timer::Timer;

/// Which end of the connection a machine plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Sends requests, receives responses.
    Client,
    /// Receives requests, sends responses.
    Server,
}

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
