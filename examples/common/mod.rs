//! What the example drivers share and what is not I/O: argument parsing,
//! the listening socket's options, the echo application, and the clients'
//! side of h1conn's connection pool (which connection carries which
//! request, reuse, retries) with the output lines. Every protocol and
//! pooling decision stays in h1conn.
// Each example uses part of this module.
#![allow(dead_code)]

use std::collections::{BTreeMap, VecDeque};
use std::net::{SocketAddr, TcpListener, ToSocketAddrs};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use h1conn::pool::{ConnId, Origin, Pool, PoolConfig, PoolEvent, PoolRequest};
use h1conn::{Connection, Event, Instant, KeepAliveHints, Method, Request, RequestId, Response};
use socket2::{Domain, SockRef, Socket, Type};

/// The servers' listening socket, from `--listen ADDR` (default
/// 127.0.0.1:8080; port 0 picks a free one, and the log says which).
pub(crate) fn server_listener(nonblocking: bool) -> TcpListener {
    let l = listener(listen_addr(), nonblocking).unwrap_or_else(|e| die(&format!("cannot listen: {e}")));
    if let Ok(addr) = l.local_addr() {
        eprintln!("listening on {addr}");
    }
    l
}

/// `--listen ADDR` (default 127.0.0.1:8080).
fn listen_addr() -> SocketAddr {
    let mut args = std::env::args().skip(1);
    let mut addr = String::from("127.0.0.1:8080");
    while let Some(a) = args.next() {
        match (a.as_str(), args.next()) {
            ("--listen", Some(v)) => addr = v,
            _ => die(&format!("usage: --listen ADDR (got {a:?})")),
        }
    }
    addr.to_socket_addrs()
        .ok()
        .and_then(|mut it| it.next())
        .unwrap_or_else(|| die(&format!("cannot resolve {addr:?}")))
}

/// A listening socket with SO_REUSEADDR, so a restarted server can bind
/// while old connections sit in TIME_WAIT. Non-blocking when asked.
pub(crate) fn listener(addr: SocketAddr, nonblocking: bool) -> std::io::Result<TcpListener> {
    let sock = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    sock.set_reuse_address(true)?;
    sock.bind(&addr.into())?;
    sock.listen(1024)?;
    sock.set_nonblocking(nonblocking)?;
    Ok(sock.into())
}

/// An abortive close: SO_LINGER with a zero timeout makes the close send
/// RST instead of FIN (only on [`h1conn::Action::Abort`]).
pub(crate) fn set_abortive<S: std::os::fd::AsFd>(sock: &S) {
    let _ = SockRef::from(sock).set_linger(Some(Duration::ZERO));
}

/// Print to stderr and exit with status 2.
pub(crate) fn die(msg: &str) -> ! {
    eprintln!("{msg}");
    std::process::exit(2)
}

/// Connection numbers for the logs.
pub(crate) fn next_conn_no() -> usize {
    static N: AtomicUsize = AtomicUsize::new(1);
    N.fetch_add(1, Ordering::Relaxed)
}

/// The servers' application: every request is answered with 200 and
/// `<METHOD> <target>\n`, followed by the request body (an echo).
#[derive(Default)]
pub(crate) struct Echo {
    answer: Vec<u8>,
    head: bool,
}

impl Echo {
    /// Handle one event from a server connection.
    pub(crate) fn on_event(&mut self, conn: &mut Connection, ev: Event) {
        match ev {
            Event::Request { head, .. } => {
                self.head = head.method().is_head();
                self.answer = format!("{} ", head.method()).into_bytes();
                self.answer.extend_from_slice(head.target());
                self.answer.push(b'\n');
            }
            Event::Data { data, .. } => self.answer.extend_from_slice(&data),
            Event::End { id, .. } => {
                let head = Response::builder(200)
                    .header("Content-Type", "text/plain")
                    .header("Content-Length", self.answer.len().to_string())
                    .build()
                    .expect("valid head");
                let body = std::mem::take(&mut self.answer);
                answer(conn, id, head, (!self.head).then_some(&body[..]));
            }
            Event::Error(e) => eprintln!("bad request: {e}"),
            _ => {}
        }
    }
}

/// Send a whole response; `body` is `None` for an answer to HEAD (the
/// machine completes a bodiless response with its head).
pub(crate) fn answer(conn: &mut Connection, id: RequestId, head: Response, body: Option<&[u8]>) {
    let mut sent = conn.send_response(id, head);
    if let Some(body) = body {
        sent = sent
            .and_then(|()| conn.send_data(id, body))
            .and_then(|()| conn.send_end(id, None));
    }
    if let Err(e) = sent {
        eprintln!("cannot answer: {e}");
    }
}

/// One request a client makes.
#[derive(Clone, Debug)]
pub(crate) struct Job {
    /// The URL as given.
    pub(crate) url: String,
    /// Where it goes: the pool keeps connections per origin.
    pub(crate) origin: Origin,
    /// `host[:port]` as given, sent as Host.
    pub(crate) authority: String,
    /// The origin-form target.
    pub(crate) path: String,
    /// The method (`--method`, default GET).
    pub(crate) method: Method,
    /// The request body (`--data`).
    pub(crate) body: Option<Vec<u8>>,
}

impl Job {
    /// The request head for this job.
    pub(crate) fn head(&self) -> Request {
        let mut b = Request::builder(self.method.clone(), &self.path).header("Host", &self.authority);
        if let Some(body) = &self.body {
            b = b.header("Content-Length", body.len().to_string());
        }
        b.build().unwrap_or_else(|e| die(&format!("{}: {e}", self.url)))
    }
}

/// The clients' command line.
pub(crate) struct ClientArgs {
    /// The work, in order.
    pub(crate) jobs: Vec<Job>,
    /// `--parallel N`: connections per origin (the pool's `max_per_origin`).
    pub(crate) parallel: usize,
    /// `--pause MS`: think time before a request on a reused connection,
    /// during which the blocking client does not read.
    pub(crate) pause: Duration,
}

/// `URL... [--parallel N] [--method M] [--data BODY] [--pause MS]`.
pub(crate) fn client_args() -> ClientArgs {
    let usage = "usage: URL... [--parallel N] [--method M] [--data BODY] [--pause MS]";
    let (mut urls, mut parallel, mut method, mut body, mut pause) = (vec![], 1, Method::GET, None, 0);
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| die(usage));
        match a.as_str() {
            "--parallel" => {
                parallel = value()
                    .parse()
                    .ok()
                    .filter(|&n| n > 0)
                    .unwrap_or_else(|| die(usage))
            }
            "--method" => method = Method::from_bytes(value().as_bytes()).unwrap_or_else(|_| die(usage)),
            "--data" => body = Some(value().into_bytes()),
            "--pause" => pause = value().parse().unwrap_or_else(|_| die(usage)),
            url if url.starts_with("http://") => urls.push(url.to_string()),
            _ => die(usage),
        }
    }
    if urls.is_empty() {
        die(usage);
    }
    let jobs = urls
        .into_iter()
        .map(|url| {
            let rest = &url["http://".len()..];
            let (authority, path) = rest.find('/').map_or((rest, "/"), |i| rest.split_at(i));
            let (host, port) = match authority.rsplit_once(':') {
                Some((h, p)) if !p.contains(']') => (h, p.parse().unwrap_or_else(|_| die(usage))),
                _ => (authority, 80),
            };
            Job {
                origin: Origin::http(host, port),
                authority: authority.to_string(),
                path: path.to_string(),
                method: method.clone(),
                body: body.clone(),
                url,
            }
        })
        .collect();
    ClientArgs {
        jobs,
        parallel,
        pause: Duration::from_millis(pause),
    }
}

/// The line printed for each response.
pub(crate) fn report(status: u16, body_bytes: usize, conn_no: u64, reused: bool) {
    println!("{status} {body_bytes} conn={conn_no} reused={reused}");
}

/// A connection's number in the output: its pool id, counted from 1.
pub(crate) fn conn_no(conn: ConnId) -> u64 {
    conn.0 + 1
}

// ------------------------------------------------- the clients' pool side

/// A request the pool gave a connection: send it.
pub(crate) struct Assignment {
    /// The pool's name for it.
    pub(crate) request: PoolRequest,
    /// What to send.
    pub(crate) job: Job,
    /// The connection served an earlier exchange.
    pub(crate) reused: bool,
}

/// What a connection's driver tells the pool side.
pub(crate) enum Report {
    /// The connection asked for by `PoolEvent::Open` is established.
    Connected(ConnId),
    /// It could not be opened.
    ConnectFailed(ConnId, String),
    /// A response completed, with the connection's verdict on reuse.
    Done {
        conn: ConnId,
        request: PoolRequest,
        status: u16,
        body_bytes: usize,
        reused: bool,
        reusable: bool,
        hints: KeepAliveHints,
    },
    /// Requests the connection will not answer, each with h1conn's
    /// verdict on whether resending it is safe.
    Lost {
        conn: ConnId,
        why: String,
        unanswered: Vec<(PoolRequest, bool)>,
    },
    /// The socket is closed: the driver is done with the connection.
    Closed(ConnId),
}

/// How a client opens, feeds and closes its connections.
pub(crate) trait Links {
    /// Open `conn` to `addr` (`host:port`). It reports `Connected` or
    /// `ConnectFailed`, and `Closed` at its end.
    fn open(&mut self, conn: ConnId, addr: &str);
    /// Hand `conn` a request. If `conn` is gone, its `Closed` report gives
    /// the request back to the pool.
    fn assign(&mut self, conn: ConnId, a: Assignment);
    /// Let `conn` go: it closes gracefully once its exchanges are done.
    fn close(&mut self, conn: ConnId);
}

/// Every request of a client goes through one [`Pool`]: this carries out
/// the pool's decisions with the driver's [`Links`], feeds the pool the
/// connections' [`Report`]s, and prints the results.
pub(crate) struct PoolClient {
    pool: Pool,
    /// The requests not yet answered or failed.
    jobs: BTreeMap<PoolRequest, Job>,
    base: std::time::Instant,
    opened: usize,
    answered: usize,
    reused: usize,
    lost: usize,
}

impl PoolClient {
    /// A pool with `--parallel` connections per origin.
    pub(crate) fn new(args: &ClientArgs, base: std::time::Instant) -> PoolClient {
        let config = PoolConfig {
            max_per_origin: args.parallel,
            max_idle_per_origin: args.parallel,
            ..PoolConfig::default()
        };
        PoolClient {
            pool: Pool::new(config),
            jobs: BTreeMap::new(),
            base,
            opened: 0,
            answered: 0,
            reused: 0,
            lost: 0,
        }
    }

    fn now(&self) -> Instant {
        Instant::from_std(self.base, std::time::Instant::now())
    }

    /// Queue every job; the pool opens connections for them.
    pub(crate) fn start(&mut self, jobs: Vec<Job>, links: &mut impl Links) {
        for job in jobs {
            let retry_safe = job.method.is_idempotent();
            let r = self.pool.request(self.now(), job.origin.clone(), retry_safe);
            self.jobs.insert(r, job);
        }
        self.act(links);
    }

    /// Every request was answered or failed.
    pub(crate) fn finished(&self) -> bool {
        self.jobs.is_empty()
    }

    /// When [`on_timeout`](PoolClient::on_timeout) is due (an idle
    /// connection's deadline).
    pub(crate) fn deadline(&self) -> Option<std::time::Instant> {
        self.pool.poll_timeout().map(|t| t.to_std(self.base))
    }

    /// Time passed.
    pub(crate) fn on_timeout(&mut self, links: &mut impl Links) {
        self.pool.handle_timeout(self.now());
        self.act(links);
    }

    /// A connection reported.
    pub(crate) fn on_report(&mut self, r: Report, links: &mut impl Links) {
        let now = self.now();
        match r {
            Report::Connected(conn) => self.pool.connected(now, conn),
            Report::ConnectFailed(conn, e) => {
                eprintln!("conn {}: connect: {e}", conn_no(conn));
                self.pool.connect_failed(now, conn);
            }
            Report::Done {
                conn,
                request,
                status,
                body_bytes,
                reused,
                reusable,
                hints,
            } => {
                report(status, body_bytes, conn_no(conn), reused);
                self.jobs.remove(&request);
                self.answered += 1;
                self.reused += usize::from(reused);
                self.pool.exchange_done(now, conn, request, reusable, hints);
            }
            Report::Lost {
                conn,
                why,
                unanswered,
            } => self.lost(conn, &why, &unanswered, links),
            Report::Closed(conn) => {
                links.close(conn);
                // Requests handed to it that it never took: not sent.
                let unsent: Vec<_> = self.pool.in_flight(conn).iter().map(|&r| (r, true)).collect();
                self.lost(conn, "closed before sending", &unsent, links);
            }
        }
        self.act(links);
    }

    /// The pool requeues what is safe to resend (within its retry budget)
    /// and fails the rest.
    fn lost(&mut self, conn: ConnId, why: &str, unanswered: &[(PoolRequest, bool)], links: &mut impl Links) {
        self.pool.connection_lost(self.now(), conn, unanswered);
        self.act(links);
        for (r, _) in unanswered {
            if let Some(job) = self.jobs.get(r) {
                let no = conn_no(conn);
                eprintln!("conn {no}: {why}; retrying {} {}", job.method, job.url);
            }
        }
    }

    /// Carry out what the pool decided.
    fn act(&mut self, links: &mut impl Links) {
        while let Some(ev) = self.pool.poll_event() {
            match ev {
                PoolEvent::Open { conn, origin } => {
                    self.opened += 1;
                    links.open(conn, &format!("{}:{}", origin.host, origin.port));
                }
                PoolEvent::Close { conn } => links.close(conn),
                PoolEvent::Assign { request, conn } => {
                    if let Some(job) = self.jobs.get(&request).cloned() {
                        let reused = self.pool.served(conn) > 0;
                        links.assign(conn, Assignment { request, job, reused });
                    }
                }
                PoolEvent::Failed { request, error } => {
                    if let Some(job) = self.jobs.remove(&request) {
                        println!("lost {} {} ({error})", job.method, job.url);
                        self.lost += 1;
                    }
                }
            }
        }
    }

    /// Print the totals to stderr; the exit status: 1 if a request was lost.
    pub(crate) fn summary(&self) -> i32 {
        eprintln!(
            "{} responses, {} connections opened, {} on a reused connection, {} lost",
            self.answered, self.opened, self.reused, self.lost
        );
        i32::from(self.lost > 0)
    }
}

/// A connection's side: its requests in flight, and what the machine's
/// events mean for the pool.
pub(crate) struct Exchanges {
    conn: ConnId,
    list: VecDeque<InFlight>,
}

struct InFlight {
    id: RequestId,
    request: PoolRequest,
    reused: bool,
    status: u16,
    body_bytes: usize,
}

impl Exchanges {
    /// Nothing in flight yet on `conn`.
    pub(crate) fn new(conn: ConnId) -> Exchanges {
        Exchanges {
            conn,
            list: VecDeque::new(),
        }
    }

    /// No request in flight.
    pub(crate) fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Send `a` (its head built by the driver) on `c`. A request the machine
    /// refuses (the connection is closing) was never sent: reported lost,
    /// safe to resend.
    pub(crate) fn send(&mut self, c: &mut Connection, head: Request, a: Assignment) -> Option<Report> {
        let id = match c.send_request(head) {
            Ok(id) => id,
            Err(e) => {
                return Some(Report::Lost {
                    conn: self.conn,
                    why: e.to_string(),
                    unanswered: vec![(a.request, true)],
                })
            }
        };
        if let Some(body) = &a.job.body {
            let _ = c.send_data(id, body).and_then(|()| c.send_end(id, None));
        }
        self.list.push_back(InFlight {
            id,
            request: a.request,
            reused: a.reused,
            status: 0,
            body_bytes: 0,
        });
        None
    }

    /// An event of `c`: a completed response or lost requests make a report.
    pub(crate) fn on_event(&mut self, c: &Connection, ev: Event) -> Option<Report> {
        match ev {
            Event::Response { id, head } => self.get(id)?.status = head.status(),
            Event::Data { id, data } => self.get(id)?.body_bytes += data.len(),
            Event::End { id, .. } => {
                let x = self.take(id)?;
                // The machine's verdict: reusable once nothing else is in
                // flight; while pipelining, whether it proved persistent.
                let reusable = if self.list.is_empty() {
                    c.is_reusable()
                } else {
                    c.is_proven_persistent()
                };
                return Some(Report::Done {
                    conn: self.conn,
                    request: x.request,
                    status: x.status,
                    body_bytes: x.body_bytes,
                    reused: x.reused,
                    reusable,
                    hints: c.keep_alive_hints(),
                });
            }
            Event::ConnectionLost { reason, unanswered } => {
                let unanswered = unanswered
                    .iter()
                    .filter_map(|u| Some((self.take(u.id)?.request, u.retry_safe)))
                    .collect();
                return Some(Report::Lost {
                    conn: self.conn,
                    why: format!("{reason:?}"),
                    unanswered,
                });
            }
            _ => {}
        }
        None
    }

    fn get(&mut self, id: RequestId) -> Option<&mut InFlight> {
        self.list.iter_mut().find(|x| x.id == id)
    }

    fn take(&mut self, id: RequestId) -> Option<InFlight> {
        let i = self.list.iter().position(|x| x.id == id)?;
        self.list.remove(i)
    }
}
