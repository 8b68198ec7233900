//! The `lifecycle` harness: a connected client/server pair driven by an
//! arbitrary sequence of operations (send, deliver bytes in pieces, EOF
//! either side, timeouts, close, abort, reset), checking the lifecycle's
//! invariants after every step:
//!
//! * no panic; every output drains;
//! * the client's responses come back in request order;
//! * nothing comes out of a side after it closed and its outputs drained;
//! * every `Unanswered` has a correct `retry_safe` flag (never written, or
//!   idempotent with no response bytes), and every request the client sent
//!   ends exactly once: with a complete response or in a loss report;
//! * receive buffers stay within the limits.

use std::collections::{BTreeSet, VecDeque};

use arbitrary::Arbitrary;
use bytes::BytesMut;
use h1conn::{Action, Config, Connection, Event, Instant, Method, Request, RequestId, Response, Role};

/// One operation on the pair.
#[derive(Arbitrary, Debug, Clone)]
pub enum Op {
    /// The client sends a request (method by index, optional body).
    Send {
        method: u8,
        body: u8,
        chunked: bool,
        close: bool,
        expect: bool,
        http10: bool,
    },
    /// The server answers its oldest unanswered request.
    Answer {
        status: u8,
        body: u8,
        chunked: bool,
        close: bool,
    },
    /// Up to `max` bytes travel client → server.
    ToServer { max: u16 },
    /// Up to `max` bytes travel server → client.
    ToClient { max: u16 },
    /// Time passes.
    Advance { ms: u16 },
    /// The client or the server closes gracefully.
    Close { server: bool },
    /// The client or the server aborts.
    Abort { server: bool },
    /// The client or the server sees a reset.
    Reset { server: bool },
}

/// The whole input: settings and the operations.
#[derive(Arbitrary, Debug)]
pub struct LifecycleInput {
    pub pipeline_depth: u8,
    pub max_requests: u8,
    pub ops: Vec<Op>,
}

struct Side {
    conn: Connection,
    /// Bytes written by this side, not yet delivered to the other.
    outbox: VecDeque<u8>,
    write_shut: bool,
    closed: bool,
    /// The peer must see EOF once the outbox drains.
    fin_pending: bool,
}

impl Side {
    fn new(role: Role, config: Config) -> Side {
        Side {
            conn: Connection::new(role, config, Instant::ZERO),
            outbox: VecDeque::new(),
            write_shut: false,
            closed: false,
            fin_pending: false,
        }
    }
}

const METHODS: [Method; 5] = [
    Method::GET,
    Method::HEAD,
    Method::POST,
    Method::PUT,
    Method::DELETE,
];
const STATUSES: [u16; 6] = [200, 204, 304, 404, 500, 100];

/// Run one input; panics on a broken invariant.
pub fn run(input: &LifecycleInput) {
    let config = |depth: u8, max: u8| Config {
        pipeline_depth: usize::from(depth % 4) + 1,
        max_requests: if max == 0 {
            None
        } else {
            Some(u64::from(max % 8) + 1)
        },
        ..Config::default()
    };
    let cfg = config(input.pipeline_depth, input.max_requests);
    let limits = cfg.limits;
    let bound = limits
        .max_head_bytes
        .max(limits.max_trailer_bytes)
        .max(limits.max_chunk_line)
        .max(limits.max_start_line)
        .max(cfg.max_read_ahead);
    let mut client = Side::new(Role::Client, cfg.clone());
    let mut server = Side::new(Role::Server, cfg);
    let mut now = Instant::ZERO;
    let mut sent: Vec<(RequestId, Method)> = Vec::new();
    let mut ended: BTreeSet<RequestId> = BTreeSet::new();
    let mut last_response: Option<RequestId> = None;
    let mut to_answer: VecDeque<RequestId> = VecDeque::new();

    for op in input.ops.iter().take(200) {
        match op.clone() {
            Op::Send {
                method,
                body,
                chunked,
                close,
                expect,
                http10,
            } => {
                if client.closed {
                    continue;
                }
                let m = METHODS[usize::from(method) % METHODS.len()].clone();
                let mut b = Request::builder(m.clone(), "/r").header("Host", "h");
                if http10 {
                    b = b.version(h1conn::Version::Http10);
                }
                let body = usize::from(body % 40);
                if body > 0 {
                    b = if chunked && !http10 {
                        b.header("Transfer-Encoding", "chunked")
                    } else {
                        b.header("Content-Length", body.to_string())
                    };
                    if expect {
                        b = b.header("Expect", "100-continue");
                    }
                }
                if close {
                    b = b.header("Connection", "close");
                }
                let Ok(req) = b.build() else { continue };
                if let Ok(id) = client.conn.send_request(req) {
                    sent.push((id, m));
                    if body > 0 {
                        let _ = client.conn.send_data(id, &vec![b'x'; body]);
                        let _ = client.conn.send_end(id, None);
                    }
                }
            }
            Op::Answer {
                status,
                body,
                chunked,
                close,
            } => {
                let Some(id) = to_answer.front().copied() else {
                    continue;
                };
                let status = STATUSES[usize::from(status) % STATUSES.len()];
                let body = usize::from(body % 40);
                let mut b = Response::builder(status);
                if status != 100 {
                    if chunked {
                        b = b.header("Transfer-Encoding", "chunked");
                    } else {
                        b = b.header("Content-Length", body.to_string());
                    }
                    if close {
                        b = b.header("Connection", "close");
                    }
                }
                let Ok(resp) = b.build() else { continue };
                if server.conn.send_response(id, resp).is_ok() && status != 100 {
                    to_answer.pop_front();
                    let _ = server.conn.send_data(id, &vec![b'y'; body]);
                    let _ = server.conn.send_end(id, None);
                }
            }
            Op::ToServer { max } => deliver(&mut client, &mut server, usize::from(max), now),
            Op::ToClient { max } => deliver(&mut server, &mut client, usize::from(max), now),
            Op::Advance { ms } => {
                now = now + core::time::Duration::from_millis(u64::from(ms) * 10);
                for side in [&mut client, &mut server] {
                    if !side.closed {
                        side.conn.handle_timeout(now);
                    }
                }
            }
            Op::Close { server: s } => {
                let side = if s { &mut server } else { &mut client };
                if !side.closed {
                    side.conn.close();
                }
            }
            Op::Abort { server: s } => {
                let side = if s { &mut server } else { &mut client };
                if !side.closed {
                    side.conn.abort();
                }
            }
            Op::Reset { server: s } => {
                let side = if s { &mut server } else { &mut client };
                if !side.closed {
                    side.conn.handle_reset(now);
                }
            }
        }
        // Drain both sides and check.
        for is_server in [false, true] {
            let (side, other) = if is_server {
                (&mut server, &mut client)
            } else {
                (&mut client, &mut server)
            };
            while let Some(ev) = side.conn.poll_event() {
                assert!(
                    !side.closed || matches!(ev, Event::PeerClosed),
                    "event after close: {ev:?}"
                );
                match ev {
                    Event::Request { id, .. } => to_answer.push_back(id),
                    Event::Response { id, .. } => {
                        assert!(last_response.is_none_or(|l| l < id), "responses out of order");
                        last_response = Some(id);
                    }
                    Event::End { id, .. } if !is_server => {
                        assert!(ended.insert(id), "request {id:?} ended twice");
                    }
                    Event::ConnectionLost { unanswered, .. } => {
                        for u in unanswered {
                            let (_, m) = sent
                                .iter()
                                .find(|(i, _)| *i == u.id)
                                .expect("loss report names a request that was sent");
                            let expected = !u.written || (m.is_idempotent() && !u.response_started);
                            assert_eq!(u.retry_safe, expected, "retry_safe wrong for {u:?}");
                            assert!(ended.insert(u.id), "request {:?} ended twice", u.id);
                        }
                    }
                    _ => {}
                }
            }
            let mut out = BytesMut::new();
            while side.conn.poll_transmit(&mut out) > 0 {}
            assert!(!side.write_shut || out.is_empty(), "bytes written after shutdown");
            if !side.closed {
                side.outbox.extend(out.iter());
            }
            while let Some(a) = side.conn.poll_action() {
                match a {
                    Action::ShutdownWrite => {
                        side.write_shut = true;
                        side.fin_pending = true;
                    }
                    Action::Close => {
                        side.closed = true;
                        side.fin_pending = true;
                    }
                    Action::Abort => {
                        side.closed = true;
                        side.outbox.clear();
                        if !other.closed {
                            other.conn.handle_reset(now);
                        }
                    }
                }
            }
            assert!(side.conn.buffered() <= bound, "receive buffer above the limits");
        }
    }
}

/// Move up to `max` bytes from `from`'s outbox to `to`, then EOF once the
/// outbox is empty and `from` shut down or closed.
fn deliver(from: &mut Side, to: &mut Side, max: usize, now: Instant) {
    if to.closed {
        from.outbox.clear();
        return;
    }
    let n = max.min(from.outbox.len());
    let bytes: Vec<u8> = from.outbox.drain(..n).collect();
    if max % 2 == 1 {
        // Odd sizes go through the zero-copy input, from a read buffer.
        let mut buf = BytesMut::from(&bytes[..]);
        while !buf.is_empty() {
            let before = buf.len();
            let took = to.conn.handle_input_buf(now, &mut buf);
            assert_eq!(buf.len(), before - took, "handle_input_buf left the rest");
            if took == 0 {
                for &b in buf.iter().rev() {
                    from.outbox.push_front(b);
                }
                break;
            }
        }
    } else {
        let mut rest: &[u8] = &bytes;
        while !rest.is_empty() {
            let took = to.conn.handle_input(now, rest);
            if took == 0 {
                // The receiver wants no more now: the bytes wait in the pipe.
                for &b in rest.iter().rev() {
                    from.outbox.push_front(b);
                }
                break;
            }
            rest = &rest[took..];
        }
    }
    if from.outbox.is_empty() && from.fin_pending {
        from.fin_pending = false;
        to.conn.handle_eof(now);
    }
}
