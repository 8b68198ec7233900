//! A client/server pair on a simulated clock, in the manner of
//! quinn-proto's test pairs: no sockets, no threads, no real time.
//!
//! The [`Pair`] owns a client and a server [`Connection`]. Bytes one side
//! transmits are held "in flight" and handed to the other side's
//! `handle_input` (whole, or in pieces of at most [`Pair::piece`] bytes;
//! whatever the receiver does not take stays in flight and is offered
//! again). Actions are carried out: `ShutdownWrite` queues an EOF for the
//! peer after the bytes in flight, `Close` closes the socket (the peer gets
//! EOF if it did not yet), `Abort` resets the peer. The clock only moves
//! when a test says so ([`Pair::advance`] jumps to the next deadline).
//!
//! The pair also enforces the driver-visible contract of every connection:
//! no bytes after `ShutdownWrite`/`Close`/`Abort`, no action after `Close`
//! or `Abort`, `ShutdownWrite` at most once. A breach panics.
#![allow(dead_code, unreachable_pub)]

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use h1conn::{
    Action, Config, Connection, Error, Event, Instant, Method, Request, RequestId, Response, Role, Unanswered,
};

/// One end of the pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    Client,
    Server,
}

impl Who {
    pub fn other(self) -> Who {
        match self {
            Who::Client => Who::Server,
            Who::Server => Who::Client,
        }
    }

    fn i(self) -> usize {
        match self {
            Who::Client => 0,
            Who::Server => 1,
        }
    }
}

pub const BOTH: [Who; 2] = [Who::Client, Who::Server];

/// An application that does nothing.
pub fn idle_app(_: Who, _: &mut Connection, _: &Event) {}

/// The application callback (`app` parameters): called for every event as
/// soon as it is polled, with the connection that produced it, so a server
/// can answer before the next poll (which matters for 100-continue).
pub struct Pair {
    pub now: Instant,
    pub client: Connection,
    pub server: Connection,
    /// Largest piece handed to `handle_input` at once.
    pub piece: usize,
    /// Hand pieces over with `handle_input_buf`, split off the bytes in
    /// flight (what is not taken goes back in front of them), rather than
    /// as slices to `handle_input`.
    pub read_buffers: bool,
    /// Never deliver EOF to this side (a peer that keeps its socket open).
    pub hold_fin: [bool; 2],
    /// Every event, per side (index with [`Who`]); see [`Pair::take`].
    events: [Vec<Event>; 2],
    taken: [usize; 2],
    /// Every action, per side.
    pub actions: [Vec<Action>; 2],
    /// Every byte each side transmitted, and each transmit separately.
    pub sent: [Vec<u8>; 2],
    pub transmits: [Vec<Bytes>; 2],
    /// Bytes toward each side that were never delivered (socket closed).
    pub dropped: [usize; 2],
    /// Bytes each side's `handle_input` took, and that count when each of
    /// its events was polled (parallel to `events`).
    pub received: [usize; 2],
    rx_at_event: [Vec<usize>; 2],
    inflight: [BytesMut; 2],
    fin_pending: [bool; 2],
    fin_delivered: [bool; 2],
    reset_delivered: [bool; 2],
    cut: [bool; 2],
    write_shut: [bool; 2],
    socket_closed: [bool; 2],
}

impl Default for Pair {
    fn default() -> Self {
        Pair::new(Config::default(), Config::default())
    }
}

impl Pair {
    pub fn new(client: Config, server: Config) -> Pair {
        let now = Instant::from_millis(1_000);
        Pair {
            now,
            client: Connection::new(Role::Client, client, now),
            server: Connection::new(Role::Server, server, now),
            piece: usize::MAX,
            read_buffers: false,
            hold_fin: [false; 2],
            events: [Vec::new(), Vec::new()],
            taken: [0; 2],
            actions: [Vec::new(), Vec::new()],
            sent: [Vec::new(), Vec::new()],
            transmits: [Vec::new(), Vec::new()],
            dropped: [0; 2],
            received: [0; 2],
            rx_at_event: [Vec::new(), Vec::new()],
            inflight: [BytesMut::new(), BytesMut::new()],
            fin_pending: [false; 2],
            fin_delivered: [false; 2],
            reset_delivered: [false; 2],
            cut: [false; 2],
            write_shut: [false; 2],
            socket_closed: [false; 2],
        }
    }

    pub fn with_client(client: Config) -> Pair {
        Pair::new(client, Config::default())
    }

    pub fn with_server(server: Config) -> Pair {
        Pair::new(Config::default(), server)
    }

    pub fn conn(&mut self, who: Who) -> &mut Connection {
        match who {
            Who::Client => &mut self.client,
            Who::Server => &mut self.server,
        }
    }

    /// Every event `who` produced so far.
    pub fn events(&self, who: Who) -> &[Event] {
        &self.events[who.i()]
    }

    /// The events `who` produced since the last `take`.
    pub fn take(&mut self, who: Who) -> Vec<Event> {
        let evs = self.events[who.i()][self.taken[who.i()]..].to_vec();
        self.taken[who.i()] = self.events[who.i()].len();
        evs
    }

    /// Bytes in flight toward `to`, not yet taken.
    pub fn in_flight(&self, to: Who) -> usize {
        self.inflight[to.i()].len()
    }

    /// `true` once `who` closed (or aborted) its socket.
    pub fn socket_closed(&self, who: Who) -> bool {
        self.socket_closed[who.i()]
    }

    /// `true` once `who` received EOF.
    pub fn got_eof(&self, who: Who) -> bool {
        self.fin_delivered[who.i()]
    }

    /// Bytes from a scripted peer toward `to`, after those in flight.
    pub fn inject(&mut self, to: Who, bytes: &[u8]) {
        self.inflight[to.i()].extend_from_slice(bytes);
    }

    /// A scripted EOF toward `to`, after the bytes in flight.
    pub fn inject_eof(&mut self, to: Who) {
        self.fin_pending[to.i()] = true;
    }

    /// How many bytes `who` had taken when its `n`th event was polled.
    pub fn received_at_event(&self, who: Who, n: usize) -> usize {
        self.rx_at_event[who.i()][n]
    }

    /// The stream toward `to` breaks off: the bytes in flight are lost and
    /// `to` reads EOF next (a peer that crashed mid-write, behind a proxy).
    pub fn inject_cut(&mut self, to: Who) {
        self.cut[to.i()] = true;
        self.dropped[to.i()] += self.inflight[to.i()].len();
        self.inflight[to.i()].clear();
        self.fin_pending[to.i()] = true;
    }

    /// A reset seen by `to` (as if its socket failed).
    pub fn inject_reset(&mut self, to: Who) {
        let now = self.now;
        if !self.socket_closed[to.i()] && !self.reset_delivered[to.i()] {
            self.reset_delivered[to.i()] = true;
            self.conn(to).handle_reset(now);
        }
        self.flush();
    }

    /// Drain both sides, hand `to` one piece of at most `max` bytes (or its
    /// EOF), drain again. Returns whether anything was delivered.
    pub fn deliver_piece_with(
        &mut self,
        to: Who,
        max: usize,
        app: &mut impl FnMut(Who, &mut Connection, &Event),
    ) -> bool {
        self.drain_both(app);
        let piece = std::mem::replace(&mut self.piece, max.max(1));
        let r = self.deliver(to);
        self.piece = piece;
        self.drain_both(app);
        r
    }

    /// Move bytes, EOFs and resets until nothing changes.
    pub fn run(&mut self) {
        self.run_with(&mut idle_app);
    }

    pub fn run_with(&mut self, app: &mut impl FnMut(Who, &mut Connection, &Event)) {
        for _ in 0..100_000 {
            let mut progress = false;
            for who in BOTH {
                progress |= self.service(who, app);
            }
            for to in BOTH {
                progress |= self.deliver(to);
            }
            if !progress {
                return;
            }
        }
        panic!("the pair did not settle");
    }

    /// Drain both sides' outputs into flight without delivering anything
    /// (so a test can inject bytes right behind what a side wrote).
    pub fn flush(&mut self) {
        self.drain_both(&mut idle_app);
    }

    /// Service both sides until neither has anything more to hand out.
    fn drain_both(&mut self, app: &mut impl FnMut(Who, &mut Connection, &Event)) {
        loop {
            let a = self.service(Who::Client, app);
            let b = self.service(Who::Server, app);
            if !a && !b {
                return;
            }
        }
    }

    /// The earliest deadline of either side.
    pub fn next_deadline(&self) -> Option<Instant> {
        match (self.client.poll_timeout(), self.server.poll_timeout()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Jump the clock to the next deadline, fire it, and run. Returns the
    /// new time, or `None` (clock unchanged) if no timer is armed.
    pub fn advance(&mut self) -> Option<Instant> {
        self.advance_with(&mut idle_app)
    }

    pub fn advance_with(&mut self, app: &mut impl FnMut(Who, &mut Connection, &Event)) -> Option<Instant> {
        let at = self.next_deadline()?;
        self.set_time(at.max(self.now), app);
        Some(self.now)
    }

    /// Move the clock forward by `d`, fire what is due, and run.
    pub fn advance_by(&mut self, d: Duration) {
        self.advance_by_with(d, &mut idle_app);
    }

    pub fn advance_by_with(&mut self, d: Duration, app: &mut impl FnMut(Who, &mut Connection, &Event)) {
        let at = self.now + d;
        self.set_time(at, app);
    }

    fn set_time(&mut self, at: Instant, app: &mut impl FnMut(Who, &mut Connection, &Event)) {
        self.now = at;
        let now = self.now;
        for who in BOTH {
            if !self.socket_closed[who.i()] {
                self.conn(who).handle_timeout(now);
            }
        }
        self.run_with(app);
    }

    /// Run and fire timers until no timer is armed (at most `steps` jumps).
    pub fn settle_with(&mut self, app: &mut impl FnMut(Who, &mut Connection, &Event), steps: usize) {
        self.run_with(app);
        for _ in 0..steps {
            if self.advance_with(app).is_none() {
                return;
            }
        }
    }

    /// Drain `who`'s outputs: events (to `app`), bytes, actions.
    fn service(&mut self, who: Who, app: &mut impl FnMut(Who, &mut Connection, &Event)) -> bool {
        let now = self.now;
        let i = who.i();
        let o = who.other().i();
        let mut progress = false;
        loop {
            let conn = self.conn(who);
            let Some(ev) = conn.poll_event() else { break };
            app(who, conn, &ev);
            self.events[i].push(ev);
            self.rx_at_event[i].push(self.received[i]);
            progress = true;
        }
        let mut buf = BytesMut::new();
        let n = self.conn(who).poll_transmit(&mut buf);
        if n > 0 {
            assert_eq!(n, buf.len(), "{who:?}: poll_transmit count");
            assert!(
                !self.write_shut[i] && !self.socket_closed[i],
                "{who:?} transmitted {n} bytes after shutting down / closing: {:?}",
                String::from_utf8_lossy(&buf)
            );
            self.sent[i].extend_from_slice(&buf);
            self.transmits[i].push(buf.clone().freeze());
            if self.fin_delivered[o] || self.socket_closed[o] || self.cut[o] {
                self.dropped[o] += n;
            } else {
                self.inflight[o].extend_from_slice(&buf);
            }
            progress = true;
        }
        while let Some(a) = self.conn(who).poll_action() {
            progress = true;
            assert!(
                !self.socket_closed[i],
                "{who:?}: action {a:?} after the socket was closed (actions so far: {:?})",
                self.actions[i]
            );
            self.actions[i].push(a);
            match a {
                Action::ShutdownWrite => {
                    assert!(!self.write_shut[i], "{who:?}: ShutdownWrite twice");
                    self.write_shut[i] = true;
                    self.fin_pending[o] = true;
                }
                Action::Close => {
                    self.socket_closed[i] = true;
                    self.fin_pending[o] = true;
                    self.dropped[i] += self.inflight[i].len();
                    self.inflight[i].clear();
                }
                Action::Abort => {
                    self.socket_closed[i] = true;
                    self.dropped[i] += self.inflight[i].len();
                    self.inflight[i].clear();
                    self.dropped[o] += self.inflight[o].len();
                    self.inflight[o].clear();
                    if !self.socket_closed[o] && !self.reset_delivered[o] {
                        self.reset_delivered[o] = true;
                        self.conn(who.other()).handle_reset(now);
                    }
                }
            }
        }
        progress
    }

    /// Hand `to` its next piece of bytes, or its EOF.
    fn deliver(&mut self, to: Who) -> bool {
        let now = self.now;
        let i = to.i();
        if self.socket_closed[i] || self.reset_delivered[i] {
            self.dropped[i] += self.inflight[i].len();
            self.inflight[i].clear();
            return false;
        }
        if !self.inflight[i].is_empty() {
            let n = self.inflight[i].len().min(self.piece);
            let taken = if self.read_buffers {
                let mut piece = self.inflight[i].split_to(n);
                let taken = self.conn(to).handle_input_buf(now, &mut piece);
                assert_eq!(
                    piece.len(),
                    n.saturating_sub(taken),
                    "{to:?}: handle_input_buf left"
                );
                // What was not taken goes back in front of the rest.
                piece.unsplit(std::mem::take(&mut self.inflight[i]));
                self.inflight[i] = piece;
                taken
            } else {
                let piece = self.inflight[i][..n].to_vec();
                let taken = self.conn(to).handle_input(now, &piece);
                assert!(taken <= n, "{to:?}: handle_input took {taken} of {n}");
                let _ = self.inflight[i].split_to(taken);
                taken
            };
            self.received[i] += taken;
            return taken > 0;
        }
        if self.fin_pending[i] && !self.fin_delivered[i] && !self.hold_fin[i] {
            self.fin_delivered[i] = true;
            self.conn(to).handle_eof(now);
            return true;
        }
        false
    }
}

// ------------------------------------------------------------------ messages

pub const HOST: (&str, &str) = ("Host", "example.com");

/// A request with a Host field and `headers`.
pub fn request(method: Method, target: &str, headers: &[(&str, &str)]) -> Request {
    let mut b = Request::builder(method, target).header(HOST.0, HOST.1);
    for (n, v) in headers {
        b = b.header(n, v);
    }
    b.build().expect("valid request")
}

pub fn get(target: &str) -> Request {
    request(Method::GET, target, &[])
}

/// A response with `headers`.
pub fn response(status: u16, headers: &[(&str, &str)]) -> Response {
    let mut b = Response::builder(status);
    for (n, v) in headers {
        b = b.header(n, v);
    }
    b.build().expect("valid response")
}

/// Server: answer `id` with `status`, a Content-Length body and `headers`
/// (no length and no end for the bodiless 1xx, 204 and 304).
pub fn respond(conn: &mut Connection, id: RequestId, status: u16, headers: &[(&str, &str)], body: &[u8]) {
    if status < 200 || status == 204 || status == 304 {
        assert!(body.is_empty());
        conn.send_response(id, response(status, headers))
            .expect("send_response");
        return;
    }
    let len = body.len().to_string();
    let mut h: Vec<(&str, &str)> = headers.to_vec();
    h.push(("Content-Length", &len));
    conn.send_response(id, response(status, &h))
        .expect("send_response");
    if !body.is_empty() {
        conn.send_data(id, body).expect("send_data");
    }
    conn.send_end(id, None).expect("send_end");
}

/// Client: send `req` and, if `body` is given, its whole body.
pub fn send(conn: &mut Connection, req: Request, body: Option<&[u8]>) -> RequestId {
    let id = conn.send_request(req).expect("send_request");
    if let Some(body) = body {
        if !body.is_empty() {
            conn.send_data(id, body).expect("send_data");
        }
        conn.send_end(id, None).expect("send_end");
    }
    id
}

/// A server application answering every request head at once with 200
/// and `body` (so it never asks for a 100-continue body).
pub fn answer_with(body: &'static [u8]) -> impl FnMut(Who, &mut Connection, &Event) {
    move |who, conn, ev| {
        if let (Who::Server, Event::Request { id, .. }) = (who, ev) {
            respond(conn, *id, 200, &[], body);
        }
    }
}

// -------------------------------------------------------------------- events

pub fn requests(evs: &[Event]) -> Vec<(RequestId, Request)> {
    evs.iter()
        .filter_map(|e| match e {
            Event::Request { id, head } => Some((*id, head.clone())),
            _ => None,
        })
        .collect()
}

pub fn request_ids(evs: &[Event]) -> Vec<RequestId> {
    requests(evs).into_iter().map(|(id, _)| id).collect()
}

pub fn responses(evs: &[Event]) -> Vec<(RequestId, Response)> {
    evs.iter()
        .filter_map(|e| match e {
            Event::Response { id, head } => Some((*id, head.clone())),
            _ => None,
        })
        .collect()
}

pub fn statuses(evs: &[Event]) -> Vec<(RequestId, u16)> {
    responses(evs)
        .into_iter()
        .map(|(id, r)| (id, r.status()))
        .collect()
}

pub fn interims(evs: &[Event]) -> Vec<(RequestId, u16)> {
    evs.iter()
        .filter_map(|e| match e {
            Event::Interim { id, head } => Some((*id, head.status())),
            _ => None,
        })
        .collect()
}

/// The body bytes received for `id`.
pub fn body(evs: &[Event], id: RequestId) -> Vec<u8> {
    let mut out = Vec::new();
    for e in evs {
        if let Event::Data { id: i, data } = e {
            if *i == id {
                out.extend_from_slice(data);
            }
        }
    }
    out
}

/// `Some(keep_alive)` if the message for `id` ended.
pub fn ended(evs: &[Event], id: RequestId) -> Option<bool> {
    evs.iter().find_map(|e| match e {
        Event::End {
            id: i, keep_alive, ..
        } if *i == id => Some(*keep_alive),
        _ => None,
    })
}

pub fn ends(evs: &[Event]) -> Vec<RequestId> {
    evs.iter()
        .filter_map(|e| match e {
            Event::End { id, .. } => Some(*id),
            _ => None,
        })
        .collect()
}

/// Every request reported unanswered, in report order.
pub fn lost(evs: &[Event]) -> Vec<Unanswered> {
    evs.iter()
        .flat_map(|e| match e {
            Event::ConnectionLost { unanswered, .. } => unanswered.clone(),
            _ => Vec::new(),
        })
        .collect()
}

pub fn lost_reasons(evs: &[Event]) -> Vec<h1conn::CloseReason> {
    evs.iter()
        .filter_map(|e| match e {
            Event::ConnectionLost { reason, .. } => Some(*reason),
            _ => None,
        })
        .collect()
}

pub fn errors(evs: &[Event]) -> Vec<Error> {
    evs.iter()
        .filter_map(|e| match e {
            Event::Error(e) => Some(*e),
            _ => None,
        })
        .collect()
}

pub fn peer_closed(evs: &[Event]) -> bool {
    evs.iter().any(|e| matches!(e, Event::PeerClosed))
}

// ---------------------------------------------------------------------- wire

/// Occurrences of `needle` in `hay`.
pub fn count(hay: &[u8], needle: &[u8]) -> usize {
    if needle.is_empty() || hay.len() < needle.len() {
        return 0;
    }
    hay.windows(needle.len()).filter(|w| *w == needle).count()
}

pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    count(hay, needle) > 0
}

/// The head of the first message in `wire` (up to and including the
/// empty line), lower-cased for field checks.
pub fn first_head_lower(wire: &[u8]) -> String {
    let end = wire
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(wire.len(), |p| p + 4);
    String::from_utf8_lossy(&wire[..end]).to_ascii_lowercase()
}

pub fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

// --------------------------------------------------------------- one machine

/// What one drain of a lone connection produced.
#[derive(Debug, Default)]
pub struct Drained {
    pub events: Vec<Event>,
    pub bytes: Vec<u8>,
    pub transmits: usize,
    pub actions: Vec<Action>,
}

/// Drain a connection driven by hand: events, then bytes, then actions.
pub fn drain(conn: &mut Connection) -> Drained {
    let mut d = Drained::default();
    loop {
        let mut progress = false;
        while let Some(e) = conn.poll_event() {
            d.events.push(e);
            progress = true;
        }
        let mut buf = BytesMut::new();
        if conn.poll_transmit(&mut buf) > 0 {
            d.bytes.extend_from_slice(&buf);
            d.transmits += 1;
            progress = true;
        }
        while let Some(a) = conn.poll_action() {
            d.actions.push(a);
            progress = true;
        }
        if !progress {
            return d;
        }
    }
}

pub fn t0() -> Instant {
    Instant::from_millis(1_000)
}

pub fn client() -> Connection {
    Connection::new(Role::Client, Config::default(), t0())
}

pub fn server() -> Connection {
    Connection::new(Role::Server, Config::default(), t0())
}
