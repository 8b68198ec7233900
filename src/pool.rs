//! A sans-IO connection pool (mission §1, §3, §4): per-origin limits,
//! reuse, the server's keep-alive hints, and safe retries.
//!
//! The pool does no I/O and reads no clock. It decides; the driver acts and
//! reports back:
//!
//! - inputs: [`Pool::request`] (a request wants a connection),
//!   [`Pool::connected`] / [`Pool::connect_failed`] (the outcome of an
//!   [`PoolEvent::Open`]), [`Pool::exchange_done`] (a response completed on a
//!   connection), [`Pool::connection_lost`] (a connection died, with the
//!   lifecycle machine's verdict on each unanswered request),
//!   [`Pool::handle_timeout`];
//! - outputs, drained after every input: [`Pool::poll_event`] (open a
//!   connection to origin X, close connection Y, request R assigned to
//!   connection Y, request R failed and why) and [`Pool::poll_timeout`].
//!
//! ```
//! use h1conn::pool::{Origin, Pool, PoolConfig, PoolEvent};
//! use h1conn::Instant;
//!
//! let mut pool = Pool::new(PoolConfig::default());
//! let origin = Origin::http("example.com", 80);
//! let r = pool.request(Instant::ZERO, origin.clone(), true);
//! let Some(PoolEvent::Open { conn, .. }) = pool.poll_event() else { panic!() };
//! pool.connected(Instant::ZERO, conn);
//! assert_eq!(pool.poll_event(), Some(PoolEvent::Assign { request: r, conn }));
//! // ... the driver sends the request on `conn`, reads the response ...
//! pool.exchange_done(Instant::from_millis(30), conn, r, true, Default::default());
//! let r2 = pool.request(Instant::from_millis(40), origin, true);
//! assert_eq!(pool.poll_event(), Some(PoolEvent::Assign { request: r2, conn })); // reused
//! ```

use alloc::collections::{BTreeMap, VecDeque};
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use core::time::Duration;

use crate::persistence::KeepAliveHints;
use crate::time::Instant;

/// Where requests go: scheme, host and port. Host is compared
/// case-insensitively (stored lowercase).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Origin {
    /// `http` or `https` (lowercase).
    pub scheme: String,
    /// The host, lowercase.
    pub host: String,
    /// The port.
    pub port: u16,
}

impl Origin {
    /// An origin from its parts.
    pub fn new(scheme: &str, host: &str, port: u16) -> Origin {
        Origin {
            scheme: scheme.to_ascii_lowercase(),
            host: host.to_ascii_lowercase(),
            port,
        }
    }

    /// `http://host:port`.
    pub fn http(host: &str, port: u16) -> Origin {
        Origin::new("http", host, port)
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}:{}", self.scheme, self.host, self.port)
    }
}

/// A request waiting for, or using, a pooled connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PoolRequest(pub u64);

/// A connection the pool knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ConnId(pub u64);

/// Pool settings.
#[derive(Debug, Clone)]
pub struct PoolConfig {
    /// Connections per origin, open or opening (default 6).
    pub max_per_origin: usize,
    /// Idle connections kept per origin (default 6).
    pub max_idle_per_origin: usize,
    /// Connections in total (default 64).
    pub max_total: usize,
    /// How long an idle connection is kept (default 60 s); the server's
    /// `Keep-Alive: timeout=` shortens it.
    pub idle_timeout: Duration,
    /// Retries per request after a lost connection, when the lifecycle
    /// machine says the request is safe to retry (default 1).
    pub retry_budget: u32,
    /// Requests in flight per connection: 1 disables pipelining (default 1).
    pub pipeline_depth: usize,
}

impl Default for PoolConfig {
    fn default() -> Self {
        PoolConfig {
            max_per_origin: 6,
            max_idle_per_origin: 6,
            max_total: 64,
            idle_timeout: Duration::from_secs(60),
            retry_budget: 1,
            pipeline_depth: 1,
        }
    }
}

/// Why a request failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoolError {
    /// The connection was lost after the request was written, and
    /// repeating it is not safe (not idempotent, or a response had begun).
    NotRetrySafe,
    /// The request was lost more often than the retry budget allows.
    RetriesExhausted,
    /// Opening a connection to its origin failed.
    ConnectFailed,
    /// The caller cancelled it.
    Cancelled,
}

impl fmt::Display for PoolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PoolError::NotRetrySafe => {
                "connection lost after the request was sent, and it is not safe to repeat (RFC 9110 §9.2.2)"
            }
            PoolError::RetriesExhausted => "connection lost more often than the retry budget allows",
            PoolError::ConnectFailed => "could not open a connection to the origin",
            PoolError::Cancelled => "cancelled",
        })
    }
}

impl core::error::Error for PoolError {}

/// What the driver must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PoolEvent {
    /// Open a new connection to `origin`; report with
    /// [`Pool::connected`] or [`Pool::connect_failed`].
    Open {
        /// The new connection.
        conn: ConnId,
        /// Where to.
        origin: Origin,
    },
    /// Close this (idle) connection.
    Close {
        /// The connection.
        conn: ConnId,
    },
    /// Send `request` on `conn`.
    Assign {
        /// The request.
        request: PoolRequest,
        /// The connection.
        conn: ConnId,
    },
    /// The request cannot be served.
    Failed {
        /// The request.
        request: PoolRequest,
        /// Why.
        error: PoolError,
    },
}

#[derive(Debug)]
enum ConnState {
    Connecting,
    /// Idle since, and until.
    Idle {
        since: Instant,
        until: Instant,
    },
    Busy,
}

#[derive(Debug)]
struct Conn {
    origin: Origin,
    state: ConnState,
    in_flight: Vec<PoolRequest>,
    /// A response on it allowed persistence (pipelining may use it).
    proven: bool,
    /// Requests the server still accepts (`Keep-Alive: max=`).
    requests_left: Option<u64>,
    hint_timeout: Option<Duration>,
    /// Exchanges completed on it.
    served: u64,
}

#[derive(Debug)]
struct Ticket {
    origin: Origin,
    retry_safe: bool,
    retries_left: u32,
    /// After a stale-connection loss: only a connection opened after the
    /// loss (id at least this) will do; 0 for any.
    min_conn: u64,
}

/// The pool. See the [module docs](self).
#[derive(Debug)]
pub struct Pool {
    config: PoolConfig,
    conns: BTreeMap<ConnId, Conn>,
    tickets: BTreeMap<PoolRequest, Ticket>,
    queues: BTreeMap<Origin, VecDeque<PoolRequest>>,
    events: VecDeque<PoolEvent>,
    next_conn: u64,
    next_request: u64,
}

impl Pool {
    /// An empty pool.
    pub fn new(config: PoolConfig) -> Pool {
        Pool {
            config,
            conns: BTreeMap::new(),
            tickets: BTreeMap::new(),
            queues: BTreeMap::new(),
            events: VecDeque::new(),
            next_conn: 0,
            next_request: 0,
        }
    }

    /// The settings.
    pub fn config(&self) -> &PoolConfig {
        &self.config
    }

    /// Connections open or opening, in total.
    pub fn connections(&self) -> usize {
        self.conns.len()
    }

    /// Connections open or opening to `origin`.
    pub fn connections_to(&self, origin: &Origin) -> usize {
        self.conns.values().filter(|c| &c.origin == origin).count()
    }

    /// Idle connections to `origin`.
    pub fn idle_to(&self, origin: &Origin) -> usize {
        self.conns
            .values()
            .filter(|c| &c.origin == origin && matches!(c.state, ConnState::Idle { .. }))
            .count()
    }

    /// Requests waiting for a connection to `origin`.
    pub fn queued_for(&self, origin: &Origin) -> usize {
        self.queues.get(origin).map_or(0, VecDeque::len)
    }

    /// Requests in flight on `conn`.
    pub fn in_flight(&self, conn: ConnId) -> &[PoolRequest] {
        self.conns.get(&conn).map_or(&[], |c| &c.in_flight)
    }

    /// Exchanges completed on `conn`.
    pub fn served(&self, conn: ConnId) -> u64 {
        self.conns.get(&conn).map_or(0, |c| c.served)
    }

    // ------------------------------------------------------------- inputs

    /// A request for `origin` wants a connection. `retry_safe`: the request
    /// is idempotent (or the caller marked it) and may be pipelined and
    /// retried. It is assigned in FIFO order per origin.
    pub fn request(&mut self, now: Instant, origin: Origin, retry_safe: bool) -> PoolRequest {
        let id = PoolRequest(self.next_request);
        self.next_request += 1;
        self.tickets.insert(
            id,
            Ticket {
                origin: origin.clone(),
                retry_safe,
                retries_left: self.config.retry_budget,
                min_conn: 0,
            },
        );
        self.queues.entry(origin).or_default().push_back(id);
        self.pump(now);
        id
    }

    /// Withdraw a queued request (one already assigned is the driver's to stop).
    pub fn cancel(&mut self, now: Instant, request: PoolRequest) {
        if let Some(t) = self.tickets.get(&request) {
            if let Some(q) = self.queues.get_mut(&t.origin) {
                if let Some(pos) = q.iter().position(|r| *r == request) {
                    q.remove(pos);
                    self.tickets.remove(&request);
                    self.events.push_back(PoolEvent::Failed {
                        request,
                        error: PoolError::Cancelled,
                    });
                }
            }
        }
        self.pump(now);
    }

    /// The connection asked for by [`PoolEvent::Open`] is established.
    pub fn connected(&mut self, now: Instant, conn: ConnId) {
        let until = now + self.config.idle_timeout;
        if let Some(c) = self.conns.get_mut(&conn) {
            if matches!(c.state, ConnState::Connecting) {
                c.state = ConnState::Idle { since: now, until };
            }
        }
        self.pump(now);
    }

    /// Opening `conn` failed. If its origin has no other connection, the
    /// requests queued for it fail.
    pub fn connect_failed(&mut self, now: Instant, conn: ConnId) {
        let Some(c) = self.conns.remove(&conn) else { return };
        if self.connections_to(&c.origin) == 0 {
            if let Some(q) = self.queues.remove(&c.origin) {
                for request in q {
                    self.tickets.remove(&request);
                    self.events.push_back(PoolEvent::Failed {
                        request,
                        error: PoolError::ConnectFailed,
                    });
                }
            }
        }
        self.pump(now);
    }

    /// The response to `request` completed on `conn`. `reusable` is the
    /// connection's own verdict ([`Connection::is_reusable`](crate::Connection::is_reusable)
    /// once nothing else is in flight, or [`Connection::is_proven_persistent`](crate::Connection::is_proven_persistent)
    /// while pipelining); `hints` its server's Keep-Alive hints.
    pub fn exchange_done(
        &mut self,
        now: Instant,
        conn: ConnId,
        request: PoolRequest,
        reusable: bool,
        hints: KeepAliveHints,
    ) {
        self.tickets.remove(&request);
        let idle_timeout = self.config.idle_timeout;
        let Some(c) = self.conns.get_mut(&conn) else {
            self.pump(now);
            return;
        };
        c.in_flight.retain(|r| *r != request);
        c.served += 1;
        if reusable {
            c.proven = true;
        }
        if hints.timeout.is_some() {
            c.hint_timeout = hints.timeout;
        }
        if let Some(m) = hints.max {
            c.requests_left = Some(m);
        }
        let retire = !reusable || c.requests_left == Some(0);
        if retire && c.in_flight.is_empty() {
            self.conns.remove(&conn);
            self.events.push_back(PoolEvent::Close { conn });
        } else if c.in_flight.is_empty() {
            let d = c.hint_timeout.map_or(idle_timeout, |h| h.min(idle_timeout));
            c.state = ConnState::Idle {
                since: now,
                until: now + d,
            };
            self.trim_idle(now, conn);
        }
        self.pump(now);
    }

    /// `conn` died. `unanswered` lists the requests in flight on it that got
    /// no complete response, each with the lifecycle machine's retry
    /// verdict ([`Unanswered::retry_safe`](crate::Unanswered)). Safe ones go
    /// back to the front of their origin's queue, in their order, while
    /// their retry budget lasts; the others fail. `reused`: the connection
    /// had served earlier exchanges (a stale-connection race is then likely,
    /// and the retry goes to a fresh connection).
    pub fn connection_lost(&mut self, now: Instant, conn: ConnId, unanswered: &[(PoolRequest, bool)]) {
        let reused = self.conns.remove(&conn).is_some_and(|c| c.served > 0);
        for &(request, safe) in unanswered.iter().rev() {
            let Some(t) = self.tickets.get_mut(&request) else {
                continue;
            };
            if safe && t.retries_left > 0 {
                t.retries_left -= 1;
                if reused {
                    t.min_conn = self.next_conn;
                }
                let o = t.origin.clone();
                self.queues.entry(o).or_default().push_front(request);
            } else {
                let error = if safe {
                    PoolError::RetriesExhausted
                } else {
                    PoolError::NotRetrySafe
                };
                self.tickets.remove(&request);
                self.events.push_back(PoolEvent::Failed { request, error });
            }
        }
        self.pump(now);
    }

    /// Time passed: idle connections past their deadline are closed.
    pub fn handle_timeout(&mut self, now: Instant) {
        let expired: Vec<ConnId> = self
            .conns
            .iter()
            .filter(|(_, c)| matches!(c.state, ConnState::Idle { until, .. } if until <= now))
            .map(|(id, _)| *id)
            .collect();
        for conn in expired {
            self.conns.remove(&conn);
            self.events.push_back(PoolEvent::Close { conn });
        }
        self.pump(now);
    }

    // ------------------------------------------------------------ outputs

    /// The next thing for the driver to do.
    pub fn poll_event(&mut self) -> Option<PoolEvent> {
        self.events.pop_front()
    }

    /// The earliest idle deadline.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.conns
            .values()
            .filter_map(|c| match c.state {
                ConnState::Idle { until, .. } => Some(until),
                _ => None,
            })
            .min()
    }

    // ---------------------------------------------------------- internals

    /// Keep at most `max_idle_per_origin` idle connections per origin,
    /// closing the least recently used.
    fn trim_idle(&mut self, _now: Instant, conn: ConnId) {
        let Some(origin) = self.conns.get(&conn).map(|c| c.origin.clone()) else {
            return;
        };
        while self.idle_to(&origin) > self.config.max_idle_per_origin {
            let Some(lru) = self.lru_idle(|c| c.origin == origin) else {
                break;
            };
            self.conns.remove(&lru);
            self.events.push_back(PoolEvent::Close { conn: lru });
        }
    }

    fn lru_idle(&self, pred: impl Fn(&Conn) -> bool) -> Option<ConnId> {
        self.conns
            .iter()
            .filter(|(_, c)| pred(c))
            .filter_map(|(id, c)| match c.state {
                ConnState::Idle { since, .. } => Some((since, *id)),
                _ => None,
            })
            .min()
            .map(|(_, id)| id)
    }

    /// Assign queued requests, FIFO per origin: a reusable idle connection
    /// (most recently used first), else room in a proven connection's
    /// pipeline, else a new connection within the limits.
    fn pump(&mut self, _now: Instant) {
        let origins: Vec<Origin> = self
            .queues
            .iter()
            .filter(|(_, q)| !q.is_empty())
            .map(|(o, _)| o.clone())
            .collect();
        for origin in origins {
            while let Some(&request) = self.queues.get(&origin).and_then(|q| q.front()) {
                let Some(t) = self.tickets.get(&request) else {
                    self.pop_front(&origin);
                    continue;
                };
                let (min_conn, retry_safe) = (t.min_conn, t.retry_safe);
                if let Some(conn) = self.pick(&origin, min_conn, retry_safe) {
                    self.pop_front(&origin);
                    let c = self.conns.get_mut(&conn);
                    if let Some(c) = c {
                        c.state = ConnState::Busy;
                        c.in_flight.push(request);
                        if let Some(left) = c.requests_left.as_mut() {
                            *left = left.saturating_sub(1);
                        }
                    }
                    self.events.push_back(PoolEvent::Assign { request, conn });
                    continue;
                }
                // No connection now: is one on its way for this request?
                let connecting = self
                    .conns
                    .values()
                    .filter(|c| c.origin == origin && matches!(c.state, ConnState::Connecting))
                    .count();
                if connecting >= self.queued_for(&origin) {
                    break;
                }
                if self.connections_to(&origin) >= self.config.max_per_origin {
                    // A retry that needs a fresh connection may replace an
                    // idle one opened before the loss (likely stale too).
                    match self.lru_idle(|c| c.origin == origin) {
                        Some(old) if min_conn > 0 && old.0 < min_conn => {
                            self.conns.remove(&old);
                            self.events.push_back(PoolEvent::Close { conn: old });
                        }
                        _ => break,
                    }
                }
                if self.conns.len() >= self.config.max_total {
                    // Make room by closing the least recently used idle
                    // connection of another origin, if there is one.
                    let Some(lru) = self.lru_idle(|c| c.origin != origin) else {
                        break;
                    };
                    self.conns.remove(&lru);
                    self.events.push_back(PoolEvent::Close { conn: lru });
                }
                let conn = ConnId(self.next_conn);
                self.next_conn += 1;
                self.conns.insert(
                    conn,
                    Conn {
                        origin: origin.clone(),
                        state: ConnState::Connecting,
                        in_flight: Vec::new(),
                        proven: false,
                        requests_left: None,
                        hint_timeout: None,
                        served: 0,
                    },
                );
                self.events.push_back(PoolEvent::Open {
                    conn,
                    origin: origin.clone(),
                });
                break;
            }
        }
    }

    fn pop_front(&mut self, origin: &Origin) {
        if let Some(q) = self.queues.get_mut(origin) {
            q.pop_front();
            if q.is_empty() {
                self.queues.remove(origin);
            }
        }
    }

    fn pick(&self, origin: &Origin, min_conn: u64, retry_safe: bool) -> Option<ConnId> {
        let usable =
            |id: &ConnId, c: &Conn| id.0 >= min_conn && &c.origin == origin && c.requests_left != Some(0);
        // Most recently used idle connection first.
        let idle = self
            .conns
            .iter()
            .filter(|(id, c)| usable(id, c))
            .filter_map(|(id, c)| match c.state {
                ConnState::Idle { since, .. } => Some((since, *id)),
                _ => None,
            })
            .max()
            .map(|(_, id)| id);
        if idle.is_some() {
            return idle;
        }
        if self.config.pipeline_depth > 1 && retry_safe {
            return self
                .conns
                .iter()
                .filter(|(id, c)| {
                    usable(id, c)
                        && c.proven
                        && matches!(c.state, ConnState::Busy)
                        && c.in_flight.len() < self.config.pipeline_depth
                })
                .min_by_key(|(_, c)| c.in_flight.len())
                .map(|(id, _)| *id);
        }
        None
    }
}
