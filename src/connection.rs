//! [`Connection`]: one HTTP/1.x connection, either role, as a state machine.
//!
//! The methods come in four groups, in the manner of quinn-proto:
//!
//! - **getters**: [`role`](Connection::role), [`state`](Connection::state),
//!   [`is_reusable`](Connection::is_reusable), [`read_capacity`](Connection::read_capacity), …
//! - **inputs** (`handle_*`): bytes received, EOF, a reset, the time;
//! - **mutators** (`send_*`, [`close`](Connection::close), [`abort`](Connection::abort)):
//!   what the application wants;
//! - **outputs** (`poll_*`): after any input or mutation, drain them until
//!   they return `None` (or 0), in this order: [`poll_event`](Connection::poll_event),
//!   [`poll_transmit`](Connection::poll_transmit), [`poll_action`](Connection::poll_action),
//!   then arm a timer at [`poll_timeout`](Connection::poll_timeout).

use alloc::collections::VecDeque;
use alloc::vec::Vec;
use core::time::Duration;

use bytes::{Buf, Bytes, BytesMut};

use crate::decode::{Decoded, Decoder};
use crate::encode::{request_head_with, response_head_with, BodyEncoder};
use crate::error::Error;
use crate::fields::Fields;
use crate::framing::{framing_of, Framing, MessageKind};
use crate::limits::Limits;
use crate::message::{canonical_reason, Method, Request, Response, Version};
use crate::persistence::KeepAliveHints;
use crate::state::{self, Facts, State};
use crate::time::Instant;
use crate::timer::{Timer, TimerTable};
use crate::Role;

/// Settings of a [`Connection`]. The defaults suit a public server and a
/// conservative client.
#[derive(Debug, Clone)]
pub struct Config {
    /// Parser limits.
    pub limits: Limits,
    /// From the first byte of a head to its end (slowloris). Default 30 s.
    pub header_read_timeout: Option<Duration>,
    /// Idle time between exchanges before closing. Default 60 s.
    pub idle_timeout: Option<Duration>,
    /// After shutting down the write side, how long to drain the peer
    /// before closing. Default 2 s.
    pub linger_timeout: Duration,
    /// Most bytes discarded while lingering before closing anyway. Default 1 MiB.
    pub max_linger_bytes: usize,
    /// Client: wait this long for `100 Continue` before sending the body.
    /// Default 1 s.
    pub expect_continue_timeout: Duration,
    /// Server: most requests on one connection; the last response carries
    /// `Connection: close`. Default 1000.
    pub max_requests: Option<u64>,
    /// Server: when answering an HTTP/1.0 keep-alive request, also send
    /// `Keep-Alive: timeout=N, max=M` from `idle_timeout` and `max_requests`.
    /// Default true.
    pub advertise_keep_alive: bool,
    /// Client: most requests outstanding at once; 1 disables pipelining.
    /// Default 1.
    pub pipeline_depth: usize,
    /// Server: most bytes of later (pipelined) requests held while the
    /// application answers the current one. Default 64 KiB.
    pub max_read_ahead: usize,
    /// Server: answer a bad request with the status its error names
    /// (400, 413, 414, 431, 501, 505) before closing. Default true.
    pub error_responses: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            limits: Limits::default(),
            header_read_timeout: Some(Duration::from_secs(30)),
            idle_timeout: Some(Duration::from_secs(60)),
            linger_timeout: Duration::from_secs(2),
            max_linger_bytes: 1 << 20,
            expect_continue_timeout: Duration::from_secs(1),
            max_requests: Some(1000),
            advertise_keep_alive: true,
            pipeline_depth: 1,
            max_read_ahead: 64 * 1024,
            error_responses: true,
        }
    }
}

/// Identifies one exchange (a request and its response) on a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RequestId(pub u64);

/// Why a connection ended or cannot carry more exchanges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CloseReason {
    /// The peer closed its side cleanly.
    PeerClosed,
    /// The peer broke the protocol (or went away mid-message).
    Protocol(Error),
    /// The driver reported a reset or I/O failure.
    Reset,
    /// A timer expired: header read, idle or linger.
    TimedOut(Timer),
    /// The application asked to close.
    LocalClose,
    /// The application aborted the connection.
    Aborted,
    /// A message did not allow persistence (close token, HTTP/1.0 without
    /// keep-alive, a close-delimited body, an unsent expected body).
    NotPersistent,
    /// The request limit was reached (`max_requests`, `Keep-Alive: max=`).
    RequestLimit,
}

/// A request that did not get a complete response before the connection
/// ended (client role).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unanswered {
    /// The exchange.
    pub id: RequestId,
    /// Its method.
    pub method: Method,
    /// Whether any of its bytes were handed to the driver.
    pub written: bool,
    /// Whether any response bytes arrived for it.
    pub response_started: bool,
    /// Safe to send again on a new connection: never written, or
    /// idempotent (or marked retryable) with no response bytes received
    /// (RFC 9110 §9.2.2, RFC 9112 §9.3.1).
    pub retry_safe: bool,
}

/// What the connection tells the application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Server: a request head.
    Request {
        /// The exchange.
        id: RequestId,
        /// The head.
        head: Request,
    },
    /// Client: an interim (1xx) response other than 101.
    Interim {
        /// The exchange.
        id: RequestId,
        /// The head.
        head: Response,
    },
    /// Client: the final response head.
    Response {
        /// The exchange.
        id: RequestId,
        /// The head.
        head: Response,
    },
    /// Body bytes of the message being received.
    Data {
        /// The exchange.
        id: RequestId,
        /// The bytes (a zero-copy slice of the receive buffer).
        data: Bytes,
    },
    /// The message being received is complete.
    End {
        /// The exchange.
        id: RequestId,
        /// Trailer fields of a chunked body.
        trailers: Fields,
        /// Whether this message allows the connection to carry another.
        keep_alive: bool,
    },
    /// The connection left HTTP/1 (101, CONNECT 2xx); `rest` holds the
    /// bytes already received that belong to the new protocol.
    Switched {
        /// The exchange that switched.
        id: RequestId,
        /// Bytes after the head.
        rest: Bytes,
    },
    /// The peer closed its sending side at a clean point.
    PeerClosed,
    /// Server: the peer's bytes broke the protocol; the error names the
    /// status that was (or would be) answered.
    Error(Error),
    /// Client: the connection ended with requests unanswered.
    ConnectionLost {
        /// Why.
        reason: CloseReason,
        /// Every request without a complete response, oldest first.
        unanswered: Vec<Unanswered>,
    },
}

/// What the driver must do to the socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Shut down the write side (send FIN); keep reading.
    ShutdownWrite,
    /// Close the socket.
    Close,
    /// Close abortively (RST: SO_LINGER with a zero timeout). Only on
    /// [`Connection::abort`].
    Abort,
}

#[derive(Debug)]
struct Exchange {
    id: RequestId,
    method: Method,
    /// Idempotent, or marked retryable by the application.
    retryable: bool,
    /// The request allows persistence (its version and Connection tokens).
    req_keep_alive: bool,
    expect_continue: bool,
    /// Client: put on the wire (or queued into the output buffer).
    released: bool,
    /// Offset in the output stream of this exchange's first byte.
    first_byte: Option<u64>,
    /// Server: the request was HTTP/1.0 (no 1xx, no chunked answers).
    http10: bool,
    /// The request is complete (written by a client, received by a server).
    req_done: bool,
    /// Client: the request's bytes not yet allowed out (head, then body).
    /// Client: the request head, encoded only when it may go out.
    held_body: BytesMut,
    /// Client: body waits for 100 Continue.
    hold_body: bool,
    /// Client: the expected body was dropped after a final response.
    body_abandoned: bool,
    encoder: Option<BodyEncoder>,
    /// Server: the request was handed to the application.
    delivered: bool,
    continue_sent: bool,
    /// Response bytes seen (client) or final head sent (server).
    resp_started: bool,
    resp_done: bool,
    resp_keep_alive: bool,
    /// Server: `Connection: close` went out on the response.
    close_sent: bool,
    /// Client: the request offered a protocol upgrade.
    offers_upgrade: bool,
}

impl Exchange {
    fn new(id: RequestId, method: Method) -> Exchange {
        Exchange {
            id,
            retryable: method.is_idempotent(),
            method,
            req_keep_alive: true,
            expect_continue: false,
            released: false,
            first_byte: None,
            http10: false,
            req_done: false,
            held_body: BytesMut::new(),
            hold_body: false,
            body_abandoned: false,
            encoder: None,
            delivered: false,
            continue_sent: false,
            resp_started: false,
            resp_done: false,
            resp_keep_alive: false,
            close_sent: false,
            offers_upgrade: false,
        }
    }
}

/// One HTTP/1.x connection, client or server, without I/O.
///
/// ```
/// use bytes::BytesMut;
/// use h1conn::{Config, Connection, Event, Instant, Response, Role};
///
/// let now = Instant::ZERO;
/// let mut conn = Connection::new(Role::Server, Config::default(), now);
/// conn.handle_input(now, b"GET /hi HTTP/1.1\r\nHost: a\r\n\r\n");
/// let mut answered = false;
/// while let Some(ev) = conn.poll_event() {
///     if let Event::Request { id, .. } = ev {
///         let resp = Response::builder(200).header("Content-Length", "2").build()?;
///         conn.send_response(id, resp)?;
///         conn.send_data(id, b"hi")?;
///         conn.send_end(id, None)?;
///         answered = true;
///     }
/// }
/// let mut out = BytesMut::new();
/// conn.poll_transmit(&mut out);
/// assert!(answered);
/// assert_eq!(&out[..], b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi");
/// # Ok::<(), h1conn::Error>(())
/// ```
#[derive(Debug)]
pub struct Connection {
    role: Role,
    config: Config,
    dec: Decoder,
    rbuf: BytesMut,
    /// Whether `rbuf` is part of a driver's buffer
    /// ([`Connection::handle_input_buf`]); the connection's own buffer then
    /// waits in `rbuf_own`.
    rbuf_foreign: bool,
    rbuf_own: BytesMut,
    out: BytesMut,
    /// Bytes ever queued into `out`, and handed to the driver.
    queued: u64,
    transmitted: u64,
    events: VecDeque<Event>,
    actions: VecDeque<Action>,
    timers: TimerTable,
    now: Instant,
    /// Client: the heads of the requests not yet released, in queue order
    /// (the unreleased exchanges are the queue's tail). Kept apart so that
    /// an exchange stays small to move.
    pending_heads: VecDeque<Request>,
    /// Inside [`Connection::pump`]: a nested call (an answer completing,
    /// which lets the next queued request out) leaves the decoding to the
    /// outer loop, so the stack does not grow with the responses in one
    /// read.
    pumping: bool,
    exchanges: VecDeque<Exchange>,
    next_id: u64,
    completed: u64,
    /// Client: an earlier response on this connection allowed persistence.
    proven_persistent: bool,
    /// Client: the server's `Keep-Alive: max=` countdown.
    requests_left: Option<u64>,
    hints: KeepAliveHints,
    /// Client: a request carrying `Connection: close` was sent.
    close_requested: bool,
    close_reason: Option<CloseReason>,
    write_shut: bool,
    peer_eof: bool,
    closed: bool,
    switched: bool,
    lingered: usize,
    /// Server: 100 Continue goes out if the application polls again
    /// without answering this request.
    continue_armed: Option<RequestId>,
    /// Server: the latest response that could carry no body (HEAD, 204,
    /// 304) and so completed at `send_response`.
    last_bodiless: Option<RequestId>,
}

impl Connection {
    // ---------------------------------------------------------------- getters

    /// A new connection playing `role`, opened at `now`.
    pub fn new(role: Role, config: Config, now: Instant) -> Connection {
        let mut c = Connection {
            role,
            dec: Decoder::new(role, config.limits),
            config,
            rbuf: BytesMut::new(),
            rbuf_foreign: false,
            rbuf_own: BytesMut::new(),
            out: BytesMut::new(),
            queued: 0,
            transmitted: 0,
            events: VecDeque::new(),
            actions: VecDeque::new(),
            timers: TimerTable::default(),
            now,
            exchanges: VecDeque::new(),
            next_id: 0,
            completed: 0,
            proven_persistent: false,
            requests_left: None,
            hints: KeepAliveHints::default(),
            close_requested: false,
            close_reason: None,
            write_shut: false,
            peer_eof: false,
            closed: false,
            switched: false,
            lingered: 0,
            continue_armed: None,
            last_bodiless: None,
            pending_heads: VecDeque::new(),
            pumping: false,
        };
        c.arm_idle();
        c
    }

    /// The role this connection plays.
    pub fn role(&self) -> Role {
        self.role
    }

    /// The settings.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The lifecycle state (see the [`state`](crate::state) module).
    pub fn state(&self) -> State {
        let outstanding = match self.role {
            Role::Client => self.exchanges.iter().filter(|e| e.released).count(),
            Role::Server => {
                self.exchanges.len() + usize::from(!self.rbuf.is_empty() && !self.exchanges.is_empty())
            }
        };
        state::derive(Facts {
            closed: self.closed,
            switched: self.switched,
            write_shut: self.write_shut,
            close_decided: self.close_reason.is_some(),
            peer_eof: self.peer_eof,
            outstanding,
        })
    }

    /// Why the connection is closing or closed, once decided.
    pub fn close_reason(&self) -> Option<CloseReason> {
        self.close_reason
    }

    /// Client: `true` when a new request would go out at once on a
    /// connection known to carry it (idle, open, within `Keep-Alive: max=`).
    pub fn is_reusable(&self) -> bool {
        self.close_reason.is_none()
            && !self.closed
            && !self.switched
            && !self.peer_eof
            && self.exchanges.is_empty()
            && self.requests_left != Some(0)
    }

    /// Client: `true` if a response on this connection allowed persistence.
    pub fn is_proven_persistent(&self) -> bool {
        self.proven_persistent
    }

    /// Exchanges completed on this connection.
    pub fn requests_completed(&self) -> u64 {
        self.completed
    }

    /// Client: the server's latest `Keep-Alive` hints.
    pub fn keep_alive_hints(&self) -> KeepAliveHints {
        self.hints
    }

    /// How many bytes the connection takes now; 0 means "read no more until
    /// the application catches up" (a server holding pipelined requests).
    pub fn read_capacity(&self) -> usize {
        if self.closed || self.switched {
            return 0;
        }
        if self.role == Role::Server && self.server_gate_closed() {
            return self.config.max_read_ahead.saturating_sub(self.rbuf.len());
        }
        usize::MAX
    }

    // ----------------------------------------------------------------- inputs

    /// Bytes arrived from the peer. Returns how many were taken: fewer than
    /// given only when a server holds as many bytes of later (pipelined)
    /// requests as [`Config::max_read_ahead`] allows while the application
    /// answers an earlier one ([`read_capacity`](Connection::read_capacity)
    /// says how many more it takes now; keep the rest and offer it again
    /// later), or after the connection switched protocols or closed.
    ///
    /// The bytes taken are copied into the connection's receive buffer; a
    /// driver that reads into a [`BytesMut`] can hand it over without the
    /// copy through [`handle_input_buf`](Connection::handle_input_buf).
    pub fn handle_input(&mut self, now: Instant, bytes: &[u8]) -> usize {
        if !self.accepts_input(now) {
            return 0;
        }
        if self.discards_input() {
            return self.discard_input(bytes.len());
        }
        self.own_rbuf();
        let take = bytes.len().min(self.read_capacity());
        // Reserve once for the whole read: events from earlier slices still
        // hold parts of the buffer, and growing it then would copy it.
        self.rbuf
            .reserve(take.min(self.buffer_room().max(self.config.max_read_ahead)));
        let taken = self.take_input(bytes.len(), take, |conn, from, n| {
            conn.rbuf.extend_from_slice(&bytes[from..from + n]);
        });
        // Never parsed: still in `bytes`, offered again later.
        let excess = self.read_ahead_excess();
        self.rbuf.truncate(self.rbuf.len() - excess);
        taken - excess
    }

    /// Bytes arrived from the peer, in the driver's own read buffer: the
    /// bytes taken (as many as [`handle_input`](Connection::handle_input)
    /// would take) are split off the front of `buf`, and `buf` is left
    /// holding the rest.
    ///
    /// The bytes are kept without a copy, and events hand out parts of the
    /// same allocation ([`Bytes`] are reference-counted), when the
    /// connection holds no unparsed bytes from an earlier read, or when the
    /// new bytes follow those in memory (a driver reading into the same
    /// buffer while it has room). Otherwise the held bytes and the new ones
    /// are copied into the connection's own buffer, as `handle_input` does.
    ///
    /// Allocations: the connection lets go of the driver's allocation as
    /// soon as it holds no unparsed bytes from it, so `buf` grows in place
    /// again once the application has dropped the events. A read that ends
    /// inside a message keeps a share until the next call, and a `reserve`
    /// on `buf` in between allocates anew; `handle_input` never makes the
    /// driver allocate (it is what `tests/allocations.rs` measures at zero
    /// allocations per message).
    ///
    /// ```
    /// use bytes::BytesMut;
    /// use h1conn::{Config, Connection, Event, Instant, Role};
    ///
    /// let mut conn = Connection::new(Role::Server, Config::default(), Instant::ZERO);
    /// let mut buf = BytesMut::with_capacity(4096);
    /// buf.extend_from_slice(b"GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HT");
    /// assert_eq!(conn.handle_input_buf(Instant::ZERO, &mut buf), 36);
    /// assert!(buf.is_empty());
    /// assert!(matches!(conn.poll_event(), Some(Event::Request { .. })));
    /// ```
    pub fn handle_input_buf(&mut self, now: Instant, buf: &mut BytesMut) -> usize {
        if !self.accepts_input(now) {
            return 0;
        }
        if self.discards_input() {
            let n = self.discard_input(buf.len());
            buf.advance(n);
            return n;
        }
        let follows = self.rbuf.as_ptr() as usize + self.rbuf.len() == buf.as_ptr() as usize;
        let joins = self.rbuf.is_empty() || (self.rbuf_foreign && follows);
        if !joins {
            // The new bytes must follow the held ones in one buffer: copy.
            let n = self.handle_input(now, buf);
            buf.advance(n);
            return n;
        }
        let len = buf.len();
        let take = len.min(self.read_capacity());
        let mut split = 0;
        let taken = self.take_input(len, take, |conn, _, n| {
            let piece = buf.split_to(n);
            split += n;
            if !conn.rbuf_foreign {
                // Our own (empty) buffer waits, with its capacity, until
                // the driver's bytes are all parsed.
                conn.rbuf_own = core::mem::take(&mut conn.rbuf);
                conn.rbuf_foreign = true;
            }
            if conn.rbuf.is_empty() {
                conn.rbuf = piece;
            } else {
                // Contiguous with what is held: no copy.
                conn.rbuf.unsplit(piece);
            }
        });
        // Bytes past `split` were taken to be discarded (closing).
        buf.advance(taken - split);
        // Never parsed: back in front of the rest, offered again later.
        let excess = self.read_ahead_excess();
        if excess > 0 {
            let mut back = self.rbuf.split_off(self.rbuf.len() - excess);
            back.unsplit(core::mem::take(buf));
            *buf = back;
        }
        self.release_foreign_rbuf();
        taken - excess
    }

    /// Once every byte from the driver's buffer is parsed, let go of its
    /// allocation (so the driver can grow it in place) and take our own
    /// buffer back.
    fn release_foreign_rbuf(&mut self) {
        if self.rbuf_foreign && self.rbuf.is_empty() {
            self.rbuf = core::mem::take(&mut self.rbuf_own);
            self.rbuf_foreign = false;
        }
    }

    /// Moves bytes still held in the driver's allocation (after
    /// [`handle_input_buf`](Connection::handle_input_buf)) into the
    /// connection's own buffer, so that more can be appended by copying.
    fn own_rbuf(&mut self) {
        if self.rbuf_foreign {
            let held = core::mem::replace(&mut self.rbuf, core::mem::take(&mut self.rbuf_own));
            self.rbuf.extend_from_slice(&held);
            self.rbuf_foreign = false;
        }
    }

    /// Server: bytes of later requests held beyond
    /// [`Config::max_read_ahead`] at the end of a read, which can only be
    /// bytes taken in the same slice as the end of the request the
    /// application now answers. The decoder stopped at that end and never
    /// looked at them, so they can be given back.
    fn read_ahead_excess(&self) -> usize {
        if self.role != Role::Server
            || self.closed
            || self.switched
            || self.dec.is_paused()
            || self.discards_input()
            || !self.server_gate_closed()
        {
            return 0;
        }
        self.rbuf.len().saturating_sub(self.config.max_read_ahead)
    }

    /// Sets the clock; false when no input is taken any more.
    fn accepts_input(&mut self, now: Instant) -> bool {
        self.now = now;
        !(self.closed || self.switched)
    }

    /// Whether input is only drained (the close was decided).
    fn discards_input(&self) -> bool {
        self.write_shut || (self.close_reason.is_some() && self.dec.is_finished())
    }

    /// Draining after the close was decided: discard, bounded.
    fn discard_input(&mut self, len: usize) -> usize {
        self.lingered = self.lingered.saturating_add(len);
        if self.write_shut && self.lingered > self.config.max_linger_bytes {
            self.finish_close();
        }
        len
    }

    /// Appends up to `take` of `len` offered bytes with `append(self, from,
    /// n)` (to `self.rbuf`), no more than the limits allow at a time, decoding between
    /// slices, so the buffer never holds more than the largest limit: a
    /// limit is judged before the bytes it governs are kept. Returns how
    /// many were taken (appended or discarded).
    fn take_input(
        &mut self,
        len: usize,
        take: usize,
        mut append: impl FnMut(&mut Connection, usize, usize),
    ) -> usize {
        let mut taken = 0;
        while taken < take {
            let room = self.buffer_room();
            if room == 0 {
                break;
            }
            let n = room.min(take - taken);
            append(self, taken, n);
            taken += n;
            self.pump();
            if self.switched || self.closed {
                return taken;
            }
            if self.close_reason.is_some() && self.dec.is_finished() {
                // Closing: the rest is discarded (counted as lingered bytes).
                self.lingered = self.lingered.saturating_add(len - taken);
                return len;
            }
        }
        taken
    }

    /// How many more bytes the receive buffer may take now.
    fn buffer_room(&self) -> usize {
        let l = &self.config.limits;
        let cap = l
            .max_head_bytes
            .max(l.max_trailer_bytes)
            .max(l.max_chunk_line)
            .max(l.max_start_line);
        if self.role == Role::Server && self.server_gate_closed() {
            return self.config.max_read_ahead.saturating_sub(self.rbuf.len());
        }
        cap.saturating_sub(self.rbuf.len())
    }

    /// The peer closed its sending side (read returned 0).
    pub fn handle_eof(&mut self, now: Instant) {
        self.now = now;
        if self.peer_eof {
            return;
        }
        self.peer_eof = true;
        if self.closed {
            // We closed first (linger overflow, timeout); the peer's EOF is
            // still news, and clean.
            if matches!(self.close_reason, Some(r) if !matches!(r, CloseReason::Protocol(_))) {
                self.events.push_back(Event::PeerClosed);
            }
            return;
        }
        if self.switched {
            return;
        }
        if self.write_shut {
            self.events.push_back(Event::PeerClosed);
            self.finish_close();
            return;
        }
        self.dec.set_eof();
        self.pump();
        self.progress();
    }

    /// The driver saw the connection reset or fail.
    pub fn handle_reset(&mut self, now: Instant) {
        self.now = now;
        if self.closed {
            return;
        }
        self.lose(CloseReason::Reset);
        self.out.clear();
        self.actions.push_back(Action::Close);
        self.closed = true;
        self.timers = TimerTable::default();
    }

    /// Time passed. Fires the timers due at `now`; harmless when early.
    pub fn handle_timeout(&mut self, now: Instant) {
        self.now = now;
        let due: Vec<Timer> = self.timers.expire(now).collect();
        for t in due {
            if self.closed {
                return;
            }
            match t {
                Timer::HeaderRead => self.remote_error(Error::TimedOut, CloseReason::TimedOut(t)),
                Timer::Idle => {
                    if self.exchanges.is_empty() {
                        self.decide_close(CloseReason::TimedOut(t));
                    }
                }
                Timer::Linger => self.finish_close(),
                Timer::ExpectContinue => self.release_held_body(),
            }
        }
        self.progress();
    }

    // --------------------------------------------------------------- mutators

    /// Client: send a request. Its body follows with
    /// [`send_data`](Connection::send_data) and [`send_end`](Connection::send_end)
    /// (a request without Content-Length or Transfer-Encoding has none).
    /// The request waits in order until the connection may carry it.
    pub fn send_request(&mut self, head: Request) -> Result<RequestId, Error> {
        self.send_request_with(head, false)
    }

    /// Client: as [`send_request`](Connection::send_request); `retryable`
    /// marks a non-idempotent request as safe to pipeline and resend.
    pub fn send_request_with(&mut self, head: Request, retryable: bool) -> Result<RequestId, Error> {
        if self.role != Role::Client {
            return Err(Error::InvalidState);
        }
        if self.close_requested
            || self.close_reason.is_some()
            || self.closed
            || self.switched
            || self.peer_eof
        {
            return Err(Error::ConnectionClosing);
        }
        let framing =
            framing_of(MessageKind::Request, head.version, &head.info).map_err(|_| Error::IllegalFraming)?;
        let id = RequestId(self.next_id);
        self.next_id += 1;
        let mut ex = Exchange::new(id, head.method.clone());
        ex.retryable |= retryable;
        ex.req_keep_alive = head.keep_alive();
        ex.offers_upgrade = head.wants_upgrade();
        ex.expect_continue = head.info.expect_continue && framing != Framing::None;
        if !ex.req_keep_alive {
            self.close_requested = true;
        }
        self.pending_heads.push_back(head);
        let enc = BodyEncoder::new(framing);
        ex.req_done = framing == Framing::None;
        ex.encoder = Some(enc);
        self.exchanges.push_back(ex);
        self.pump_writes();
        Ok(id)
    }

    /// Server: answer request `id` with a final or interim (1xx) head.
    /// Responses go out strictly in request order. The machine adds
    /// `Connection: close` / `keep-alive`, `Keep-Alive` and
    /// `Transfer-Encoding: chunked` as persistence and framing require.
    pub fn send_response(&mut self, id: RequestId, head: Response) -> Result<(), Error> {
        if self.role != Role::Server || self.closed || self.switched {
            return Err(Error::InvalidState);
        }
        let max_requests = self.config.max_requests;
        let completed = self.completed;
        let closing = self.close_reason.is_some();
        let advertise = self.config.advertise_keep_alive;
        let idle = self.config.idle_timeout;
        let Some(ex) = self.exchanges.front_mut() else {
            return Err(Error::InvalidState);
        };
        if ex.id != id || !ex.delivered || ex.resp_started {
            return Err(Error::InvalidState);
        }
        let status = head.status;
        let out_before = self.out.len();
        if head.is_interim() && status != 101 {
            if ex.http10 {
                return Err(Error::InvalidState); // no 1xx to HTTP/1.0 (RFC 9110 §15.2)
            }
            if status == 100 {
                if ex.continue_sent || ex.req_done {
                    return Err(Error::InvalidState);
                }
                ex.continue_sent = true;
            }
            response_head_with(&head, &[], &mut self.out);
            self.queued += (self.out.len() - out_before) as u64;
            return Ok(());
        }
        let switching = status == 101 || (ex.method.is_connect() && (200..300).contains(&status));
        if switching {
            if status == 101 && !self.dec.is_paused() {
                return Err(Error::InvalidState); // 101 needs an Upgrade offer
            }
            response_head_with(&head, &[], &mut self.out);
            ex.resp_started = true;
            self.queued += (self.out.len() - out_before) as u64;
            self.dec.switch();
            self.switched = true;
            self.timers = TimerTable::default();
            let rest = self.rbuf.split().freeze();
            self.events.push_back(Event::Switched { id, rest });
            return Ok(());
        }
        let mut framing = framing_of(
            MessageKind::Response {
                status,
                method: &ex.method,
            },
            head.version,
            &head.info,
        )
        .map_err(|_| Error::IllegalFraming)?;
        let http10 = ex.http10;
        // Fields the machine adds (at most three), without allocating.
        let mut extra: [&[u8]; 3] = [&[]; 3];
        let mut n_extra = 0;
        let mut head = head;
        if http10 && head.info.te_present {
            // Never a chunked body to an HTTP/1.0 client: delimit by close.
            head.fields = head
                .fields
                .filtered(|f| !f.name.eq_ignore_ascii_case(b"transfer-encoding"));
            head.info.te_present = false;
            head.info.te_chunked_final = false;
            if framing != Framing::None {
                framing = Framing::UntilClose;
            }
        }
        if framing == Framing::UntilClose && !head.info.te_present && !http10 {
            // No length given: chunk it, so the connection can persist.
            framing = Framing::Chunked;
            extra[n_extra] = b"Transfer-Encoding: chunked\r\n";
            n_extra += 1;
        }
        let limit = max_requests.is_some_and(|m| completed + 1 >= m);
        let expected_body_unread = ex.expect_continue && !ex.continue_sent && !ex.req_done;
        let keep_alive = ex.req_keep_alive
            && !head.info.conn_close
            && framing != Framing::UntilClose
            && !limit
            && !closing
            && !expected_body_unread;
        let mut ka_line = BytesMut::new();
        if !keep_alive && !head.info.conn_close {
            extra[n_extra] = b"Connection: close\r\n";
            n_extra += 1;
        }
        if keep_alive && http10 && !head.info.conn_keep_alive {
            extra[n_extra] = b"Connection: keep-alive\r\n";
            n_extra += 1;
            if advertise {
                ka_line.extend_from_slice(b"Keep-Alive: ");
                if let Some(t) = idle {
                    push_param(&mut ka_line, b"timeout=", t.as_secs());
                }
                if let Some(m) = max_requests {
                    if idle.is_some() {
                        ka_line.extend_from_slice(b", ");
                    }
                    push_param(&mut ka_line, b"max=", m.saturating_sub(completed + 1));
                }
                ka_line.extend_from_slice(b"\r\n");
                if ka_line.len() > 14 {
                    extra[n_extra] = &ka_line;
                    n_extra += 1;
                }
            }
        }
        response_head_with(&head, &extra[..n_extra], &mut self.out);
        ex.resp_started = true;
        ex.resp_keep_alive = keep_alive;
        ex.close_sent = !keep_alive;
        ex.encoder = Some(BodyEncoder::new(framing));
        if matches!(framing, Framing::None) {
            ex.resp_done = true;
            self.last_bodiless = Some(id);
        }
        if self.dec.is_paused() {
            self.dec.resume();
        }
        self.queued += (self.out.len() - out_before) as u64;
        if !keep_alive {
            self.close_reason.get_or_insert(if limit {
                CloseReason::RequestLimit
            } else {
                CloseReason::NotPersistent
            });
        }
        self.after_write();
        Ok(())
    }

    /// Server: send `100 Continue` for request `id` now (RFC 9110 §10.1.1).
    pub fn send_continue(&mut self, id: RequestId) -> Result<(), Error> {
        let head = Response::builder(100).build()?;
        self.send_response(id, head)
    }

    /// Send body bytes of the message being sent for `id`.
    pub fn send_data(&mut self, id: RequestId, data: &[u8]) -> Result<(), Error> {
        if self.last_bodiless == Some(id) && self.sending(id).is_err() {
            // The response (to HEAD, or 204 / 304) had no body to send.
            return if data.is_empty() {
                Ok(())
            } else {
                Err(Error::BodyNotAllowed)
            };
        }
        let i = self.sending(id)?;
        let ex = &mut self.exchanges[i];
        let direct = match self.role {
            Role::Client if ex.req_done => return Err(Error::InvalidState),
            Role::Client => ex.released && !ex.hold_body && !ex.body_abandoned,
            Role::Server if !ex.resp_started || ex.resp_done => return Err(Error::InvalidState),
            Role::Server => true,
        };
        let Some(enc) = ex.encoder.as_mut() else {
            return Err(Error::InvalidState);
        };
        if !direct {
            // Held until the request may go out (or dropped, if abandoned).
            let r = enc.data(data, &mut ex.held_body);
            if ex.body_abandoned {
                ex.held_body.clear();
            }
            return r;
        }
        let before = self.out.len();
        let r = enc.data(data, &mut self.out);
        self.queued += (self.out.len() - before) as u64;
        r
    }

    /// End the message being sent for `id`, with trailer fields if its body
    /// is chunked.
    pub fn send_end(&mut self, id: RequestId, trailers: Option<&Fields>) -> Result<(), Error> {
        let finished = !self.closed && id.0 < self.next_id && self.sending(id).is_err();
        if finished && self.role == Role::Client && trailers.map_or(true, |t| t.is_empty()) {
            // A request without a body was complete when sent; its
            // exchange may be over already.
            return Ok(());
        }
        if finished && self.last_bodiless == Some(id) {
            let no_trailers = trailers.map_or(true, |t| t.is_empty());
            return if no_trailers {
                Ok(())
            } else {
                Err(Error::TrailersNotAllowed)
            };
        }
        let i = self.sending(id)?;
        let ex = &mut self.exchanges[i];
        let no_trailers = trailers.map_or(true, |t| t.is_empty());
        let direct = match self.role {
            Role::Client if ex.req_done => {
                return if no_trailers {
                    Ok(())
                } else {
                    Err(Error::InvalidState)
                }
            }
            Role::Client => ex.released && !ex.hold_body && !ex.body_abandoned,
            Role::Server if !ex.resp_started => return Err(Error::InvalidState),
            Role::Server if ex.resp_done => {
                return if no_trailers {
                    Ok(())
                } else {
                    Err(Error::InvalidState)
                }
            }
            Role::Server => true,
        };
        let Some(enc) = ex.encoder.as_mut() else {
            return Err(Error::InvalidState);
        };
        if direct {
            let before = self.out.len();
            let r = enc.end(trailers, &mut self.out);
            self.queued += (self.out.len() - before) as u64;
            r?;
        } else {
            enc.end(trailers, &mut ex.held_body)?;
            if ex.body_abandoned {
                ex.held_body.clear();
            }
        }
        match self.role {
            Role::Client => ex.req_done = true,
            Role::Server => ex.resp_done = true,
        }
        self.after_write();
        Ok(())
    }

    /// Close gracefully: finish the exchanges in progress, flush, shut down
    /// the write side, drain the peer until EOF or the linger timeout, close.
    /// Client requests not yet sent are reported lost (safe to retry).
    pub fn close(&mut self) {
        if self.closed {
            return;
        }
        self.decide_close(CloseReason::LocalClose);
        self.progress();
    }

    /// Close abortively now (RST). Pending output is dropped.
    pub fn abort(&mut self) {
        if self.closed {
            return;
        }
        self.lose(CloseReason::Aborted);
        self.out.clear();
        self.actions.clear();
        self.actions.push_back(Action::Abort);
        self.closed = true;
        self.timers = TimerTable::default();
    }

    // ---------------------------------------------------------------- outputs

    /// The next event, oldest first.
    pub fn poll_event(&mut self) -> Option<Event> {
        if let Some(id) = self.continue_armed.take() {
            // The application polled on without answering: it is reading
            // the body, so 100 Continue goes out first (RFC 9110 §10.1.1).
            let send = self
                .exchanges
                .front()
                .is_some_and(|e| e.id == id && !e.resp_started && !e.continue_sent && !e.req_done);
            if send {
                let _ = self.send_continue(id);
            }
        }
        let ev = self.events.pop_front()?;
        if let Event::Request { id, head } = &ev {
            if head.expects_continue() && head.version() == Version::Http11 && self.role == Role::Server {
                self.continue_armed = Some(*id);
            }
        }
        Some(ev)
    }

    /// Move the bytes to write into `out` (swapped in without copying when
    /// `out` is empty). Returns how many. A head and a small body come out
    /// as one buffer.
    pub fn poll_transmit(&mut self, out: &mut BytesMut) -> usize {
        let n = self.out.len();
        if n == 0 {
            return 0;
        }
        if out.is_empty() {
            core::mem::swap(out, &mut self.out);
        } else {
            out.extend_from_slice(&self.out);
            self.out.clear();
        }
        self.transmitted += n as u64;
        self.progress();
        n
    }

    /// The next action for the driver.
    pub fn poll_action(&mut self) -> Option<Action> {
        self.progress();
        self.actions.pop_front()
    }

    /// When [`handle_timeout`](Connection::handle_timeout) should next be called.
    pub fn poll_timeout(&self) -> Option<Instant> {
        if self.closed {
            return None;
        }
        self.timers.next()
    }

    /// The deadline of one timer, for tests and diagnostics.
    pub fn timer(&self, t: Timer) -> Option<Instant> {
        self.timers.get(t)
    }

    /// Bytes held in the receive buffer (bounded by the limits).
    pub fn buffered(&self) -> usize {
        self.rbuf.len()
    }

    // -------------------------------------------------------------- internals

    fn sending(&self, id: RequestId) -> Result<usize, Error> {
        if self.closed || self.switched {
            return Err(Error::InvalidState);
        }
        self.exchanges
            .iter()
            .position(|e| e.id == id)
            .ok_or(Error::InvalidState)
    }

    fn queue_out(&mut self, bytes: &[u8]) {
        self.queued += bytes.len() as u64;
        self.out.extend_from_slice(bytes);
    }

    /// Server: the current request is complete but its response is not, so
    /// later requests wait in the buffer.
    fn server_gate_closed(&self) -> bool {
        self.exchanges.front().is_some_and(|e| e.req_done && !e.resp_done) || self.dec.is_paused()
    }

    /// Decode what the buffer holds, as far as the lifecycle allows.
    fn pump(&mut self) {
        if self.pumping {
            return;
        }
        self.pumping = true;
        self.pump_inner();
        self.pumping = false;
        self.release_foreign_rbuf();
    }

    fn pump_inner(&mut self) {
        loop {
            if self.closed || self.switched {
                return;
            }
            match self.role {
                Role::Server if self.server_gate_closed() => break,
                Role::Client if self.dec.outstanding() == 0 && !self.dec.is_finished() => {
                    if !self.rbuf.is_empty() {
                        // Bytes nobody asked for: never a response to a
                        // later request (RFC 9112 §6.3, last paragraph).
                        let e = Error::UnexpectedResponse;
                        self.remote_error(e, CloseReason::Protocol(e));
                        return;
                    }
                    if !self.dec.is_eof() {
                        break;
                    }
                }
                _ => {}
            }
            let item = match self.dec.decode(&mut self.rbuf) {
                Ok(Some(item)) => item,
                Ok(None) => break,
                Err(e) => {
                    self.remote_error(e, CloseReason::Protocol(e));
                    return;
                }
            };
            self.on_decoded(item);
        }
        if self.role == Role::Client && (!self.rbuf.is_empty() || self.dec.is_mid_message()) {
            // Bytes of the oldest unanswered request's response have arrived.
            if let Some(ex) = self.exchanges.iter_mut().find(|e| e.released && !e.resp_done) {
                ex.resp_started = true;
            }
        }
        self.arm_header_timer();
    }

    fn on_decoded(&mut self, item: Decoded) {
        match (self.role, item) {
            (Role::Server, Decoded::Request(head)) => {
                let id = RequestId(self.next_id);
                self.next_id += 1;
                let mut ex = Exchange::new(id, head.method.clone());
                ex.req_keep_alive = head.keep_alive();
                // A 100-continue expectation in HTTP/1.0 is ignored (RFC 9110 §10.1.1).
                ex.expect_continue = head.expects_continue() && head.version == Version::Http11;
                ex.delivered = true;
                if head.version == Version::Http10 {
                    ex.http10 = true;
                }
                self.exchanges.push_back(ex);
                self.timers.clear(Timer::Idle);
                self.events.push_back(Event::Request { id, head });
            }
            (Role::Server, Decoded::Data(data)) => {
                if let Some(ex) = self.exchanges.back() {
                    self.events.push_back(Event::Data { id: ex.id, data });
                }
            }
            (Role::Server, Decoded::End { trailers, keep_alive }) => {
                if let Some(ex) = self.exchanges.back_mut() {
                    ex.req_done = true;
                    let id = ex.id;
                    self.events.push_back(Event::End {
                        id,
                        trailers,
                        keep_alive,
                    });
                }
                self.complete_exchanges();
            }
            (Role::Client, Decoded::Response(head)) => {
                let Some(ex) = self.exchanges.iter_mut().find(|e| e.released && !e.resp_done) else {
                    return;
                };
                ex.resp_started = true;
                let id = ex.id;
                if head.is_interim() && head.status != 101 {
                    if head.status == 100 && ex.hold_body {
                        self.release_held_body();
                    }
                    self.events.push_back(Event::Interim { id, head });
                    return;
                }
                if ex.hold_body {
                    // A final status before 100: the body is not sent, and
                    // the request is incomplete on the wire.
                    ex.hold_body = false;
                    ex.body_abandoned = true;
                    ex.held_body.clear();
                    // Nothing more of it goes out: the request is over, and
                    // the connection cannot be reused (its framing is broken).
                    ex.req_done = true;
                    self.timers.clear(Timer::ExpectContinue);
                }
                let hints = head.keep_alive_hints();
                if hints.timeout.is_some() || hints.max.is_some() {
                    self.hints = hints;
                    if let Some(m) = hints.max {
                        self.requests_left = Some(m);
                    }
                }
                self.events.push_back(Event::Response { id, head });
            }
            (Role::Client, Decoded::Data(data)) => {
                if let Some(ex) = self.exchanges.iter().find(|e| e.released && !e.resp_done) {
                    self.events.push_back(Event::Data { id: ex.id, data });
                }
            }
            (Role::Client, Decoded::End { trailers, keep_alive }) => {
                if let Some(ex) = self.exchanges.iter_mut().find(|e| e.released && !e.resp_done) {
                    ex.resp_done = true;
                    ex.resp_keep_alive = keep_alive;
                    let id = ex.id;
                    self.events.push_back(Event::End {
                        id,
                        trailers,
                        keep_alive,
                    });
                }
                self.complete_exchanges();
            }
            (_, Decoded::Switched) => {
                let Some(ex) = self.exchanges.iter().find(|e| e.released && !e.resp_done) else {
                    return;
                };
                let id = ex.id;
                self.switched = true;
                self.timers = TimerTable::default();
                let rest = self.rbuf.split().freeze();
                self.events.push_back(Event::Switched { id, rest });
            }
            (_, Decoded::Closed) => {
                self.events.push_back(Event::PeerClosed);
                self.on_peer_closed();
            }
            _ => {}
        }
    }

    /// The peer closed cleanly between messages.
    fn on_peer_closed(&mut self) {
        match self.role {
            Role::Client => {
                if self.exchanges.iter().any(|e| e.released) {
                    self.lose(CloseReason::PeerClosed);
                }
                self.decide_close(CloseReason::PeerClosed);
            }
            Role::Server => {
                // A response still owed is sent, then the connection closes.
                self.close_reason.get_or_insert(CloseReason::PeerClosed);
                self.dec.stop();
            }
        }
    }

    /// Remove exchanges that are complete in both directions, and decide
    /// persistence for each (RFC 9112 §9.3).
    fn complete_exchanges(&mut self) {
        while let Some(ex) = self.exchanges.front() {
            // A server that answered and said close is done with the
            // exchange even if the request body never came (it was refused
            // before 100 Continue, or is simply not wanted): the rest of
            // the input is discarded (RFC 9110 §10.1.1, RFC 9112 §9.6).
            let answered_and_closing = self.role == Role::Server && ex.resp_done && ex.close_sent;
            if !(answered_and_closing || ex.req_done && ex.resp_done) {
                break;
            }
            let Some(ex) = self.exchanges.pop_front() else {
                break;
            };
            self.completed += 1;
            let limit = match self.role {
                Role::Server => self.config.max_requests.is_some_and(|m| self.completed >= m),
                Role::Client => self.requests_left == Some(0) && self.exchanges.iter().all(|e| !e.released),
            };
            let persists = state::exchange_persists(ex.req_keep_alive, ex.resp_keep_alive, limit)
                && !ex.body_abandoned
                && !ex.close_sent;
            if persists {
                if self.role == Role::Client {
                    self.proven_persistent = true;
                }
            } else {
                self.decide_close(if limit {
                    CloseReason::RequestLimit
                } else {
                    CloseReason::NotPersistent
                });
            }
        }
        if self.exchanges.is_empty() && self.close_reason.is_none() {
            self.arm_idle();
        }
        self.pump_writes();
    }

    /// Client: let queued requests onto the wire when the rules allow
    /// (mission §5): in order, after the previous one is fully written;
    /// before earlier responses complete only on a proven-persistent
    /// connection, for idempotent (or marked) requests, within the depth.
    #[inline]
    fn pump_writes(&mut self) {
        if self.role == Role::Client {
            self.pump_client_writes();
        }
    }

    fn pump_client_writes(&mut self) {
        if self.closed || self.switched {
            return;
        }
        loop {
            if self.close_reason.is_some() {
                return;
            }
            // Requests are released in order, so the released ones are a
            // prefix of the queue, and every unreleased one has its head
            // waiting in `pending_heads`: their count gives the first
            // unreleased one's position without a walk.
            debug_assert!(
                self.exchanges.len() > 64
                    || self.exchanges.iter().filter(|e| !e.released).count() == self.pending_heads.len(),
                "one pending head per unreleased request"
            );
            if self.pending_heads.is_empty() {
                return;
            }
            let pos = self.exchanges.len() - self.pending_heads.len();
            let outstanding = pos;
            // The conditions below hold for every released exchange exactly
            // when they hold for the last one: each was checked for all
            // earlier ones when it was released (a request released first
            // in line stays first), and none can turn false afterwards
            // (`req_done` and `resp_done` only become true, `hold_body` is
            // only set when its own exchange is released, the rest is fixed
            // when the request is sent). So one exchange is read, not the
            // whole pipeline.
            let last = pos.checked_sub(1).map(|p| &self.exchanges[p]);
            let written = |e: &Exchange| e.req_done && !e.hold_body;
            let keeps_alive =
                |e: &Exchange| e.req_keep_alive && !e.offers_upgrade && (e.retryable || e.resp_done);
            let earlier_written = last.map_or(true, written);
            debug_assert!(
                pos > 64 || earlier_written == self.exchanges.iter().take(pos).all(written),
                "the last released request speaks for the earlier ones"
            );
            if !earlier_written || self.requests_left == Some(0) {
                return;
            }
            if let Some(last) = last {
                let ex = &self.exchanges[pos];
                // Nothing follows a request that may switch protocols until
                // its answer is known, nor a non-idempotent request until its
                // final status (RFC 9112 §9.3.2).
                let earlier_keeps_alive = keeps_alive(last);
                debug_assert!(
                    pos > 64 || earlier_keeps_alive == self.exchanges.iter().take(pos).all(keeps_alive),
                    "the last released request speaks for the earlier ones"
                );
                if !(self.proven_persistent
                    && ex.retryable
                    && !ex.expect_continue
                    && earlier_keeps_alive
                    && outstanding < self.config.pipeline_depth)
                {
                    return;
                }
            }
            let expect_timeout = self.config.expect_continue_timeout;
            let now = self.now;
            let first_byte = self.queued;
            let ex = &mut self.exchanges[pos];
            ex.released = true;
            ex.first_byte = Some(first_byte);
            if let Some(left) = self.requests_left.as_mut() {
                *left = left.saturating_sub(1);
            }
            let head = self.pending_heads.pop_front();
            let method = ex.method.clone();
            let offers_upgrade = ex.offers_upgrade;
            let mut body = BytesMut::new();
            if ex.expect_continue && !ex.req_done_body_empty() {
                ex.hold_body = true;
                self.timers.set(Timer::ExpectContinue, Some(now + expect_timeout));
            } else {
                body = core::mem::take(&mut ex.held_body);
            }
            // The head is encoded straight into the output: no buffer per
            // request.
            let before = self.out.len();
            if let Some(head) = &head {
                request_head_with(head, &[], &mut self.out);
            }
            self.out.extend_from_slice(&body);
            self.queued += (self.out.len() - before) as u64;
            self.dec.push_request(method, offers_upgrade);
            self.timers.clear(Timer::Idle);
            self.pump();
        }
    }

    /// Client: 100 Continue arrived, or the wait is over: send the body.
    fn release_held_body(&mut self) {
        let Some(ex) = self.exchanges.iter_mut().find(|e| e.hold_body) else {
            return;
        };
        ex.hold_body = false;
        let body = core::mem::take(&mut ex.held_body);
        self.timers.clear(Timer::ExpectContinue);
        self.queue_out(&body);
        self.pump_writes();
    }

    fn after_write(&mut self) {
        // (complete_exchanges ends with pump_writes.)
        self.complete_exchanges();
        self.pump();
        self.progress();
    }

    /// The peer broke the protocol, or a read timer fired.
    fn remote_error(&mut self, e: Error, reason: CloseReason) {
        self.dec.stop();
        self.rbuf.clear();
        match self.role {
            Role::Server => {
                self.events.push_back(Event::Error(e));
                let answer = self.config.error_responses
                    && !self.exchanges.front().is_some_and(|x| x.resp_started)
                    && !self.peer_eof_mid_message(e);
                let status = match e {
                    Error::TimedOut => Some(408),
                    _ => e.status(),
                };
                // Requests not answered are dropped: the connection ends.
                self.exchanges.clear();
                self.pending_heads.clear();
                if let (true, Some(status)) = (answer, status) {
                    let mut line = BytesMut::new();
                    line.extend_from_slice(b"HTTP/1.1 ");
                    push_num(&mut line, u64::from(status));
                    line.extend_from_slice(b" ");
                    line.extend_from_slice(canonical_reason(status).as_bytes());
                    line.extend_from_slice(b"\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
                    self.queue_out(&line);
                }
            }
            Role::Client => self.lose(reason),
        }
        self.decide_close(reason);
        self.progress();
    }

    fn peer_eof_mid_message(&self, e: Error) -> bool {
        matches!(
            e,
            Error::TruncatedHead | Error::TruncatedBody | Error::TruncatedChunkedBody
        )
    }

    /// Client: report every exchange without a complete response.
    fn lose(&mut self, reason: CloseReason) {
        if self.role != Role::Client {
            self.exchanges.clear();
            return;
        }
        self.pending_heads.clear();
        let transmitted = self.transmitted;
        let unanswered: Vec<Unanswered> = self
            .exchanges
            .drain(..)
            .filter(|e| !e.resp_done)
            .map(|e| {
                let written = e.first_byte.is_some_and(|f| transmitted > f);
                Unanswered {
                    id: e.id,
                    method: e.method,
                    written,
                    response_started: e.resp_started,
                    retry_safe: !written || (e.retryable && !e.resp_started),
                }
            })
            .collect();
        if !unanswered.is_empty() {
            self.events
                .push_back(Event::ConnectionLost { reason, unanswered });
        }
    }

    /// The connection will carry no new exchange.
    fn decide_close(&mut self, reason: CloseReason) {
        if self.close_reason.is_none() {
            self.close_reason = Some(reason);
        }
        self.timers.clear(Timer::Idle);
        if self.role == Role::Client {
            // Requests that never went out cannot go out now.
            if self.exchanges.iter().any(|e| !e.released) {
                let transmitted = self.transmitted;
                let mut kept = VecDeque::new();
                let mut lost = Vec::new();
                for e in self.exchanges.drain(..) {
                    if e.released {
                        kept.push_back(e);
                    } else {
                        lost.push(Unanswered {
                            id: e.id,
                            method: e.method,
                            written: e.first_byte.is_some_and(|f| transmitted > f),
                            response_started: false,
                            retry_safe: true,
                        });
                    }
                }
                self.exchanges = kept;
                self.pending_heads.clear();
                self.events.push_back(Event::ConnectionLost {
                    reason,
                    unanswered: lost,
                });
            }
        }
        if self.exchanges.is_empty() {
            self.dec.stop();
        }
    }

    /// Once close is decided and nothing more is owed, flush, shut down the
    /// write side and linger (RFC 9112 §9.6).
    fn progress(&mut self) {
        if self.closed || self.switched || self.close_reason.is_none() || self.write_shut {
            return;
        }
        if !self.exchanges.is_empty() || !self.out.is_empty() {
            return;
        }
        self.dec.stop();
        self.timers.clear(Timer::HeaderRead);
        self.timers.clear(Timer::ExpectContinue);
        if self.peer_eof {
            self.finish_close();
            return;
        }
        self.write_shut = true;
        self.actions.push_back(Action::ShutdownWrite);
        self.timers
            .set(Timer::Linger, Some(self.now + self.config.linger_timeout));
    }

    fn finish_close(&mut self) {
        if self.closed {
            return;
        }
        self.closed = true;
        self.timers = TimerTable::default();
        self.actions.push_back(Action::Close);
    }

    fn arm_idle(&mut self) {
        let own = self.config.idle_timeout;
        let hint = self.hints.timeout;
        let d = match (own, hint) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.timers.set(Timer::Idle, d.map(|d| self.now + d));
    }

    fn arm_header_timer(&mut self) {
        let head_started = self.dec.is_mid_head() || (self.dec.awaits_head() && !self.rbuf.is_empty());
        if head_started {
            self.timers.clear(Timer::Idle);
            if let Some(d) = self.config.header_read_timeout {
                self.timers.arm_if_unset(Timer::HeaderRead, self.now + d);
            }
        } else {
            self.timers.clear(Timer::HeaderRead);
        }
    }
}

impl Exchange {
    fn req_done_body_empty(&self) -> bool {
        self.encoder
            .as_ref()
            .is_some_and(|e| matches!(e.framing(), Framing::None | Framing::Length(0)))
    }
}

fn push_num(out: &mut BytesMut, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

fn push_param(out: &mut BytesMut, name: &[u8], n: u64) {
    out.extend_from_slice(name);
    push_num(out, n);
}
