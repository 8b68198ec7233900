//! The four connection strategies, side by side. In one process a server
//! serves a page and the resources it links, and a client fetches them
//! four ways: a new connection for every request, one persistent
//! connection, a few parallel persistent connections, and pipelining. Each
//! way is a setting of h1conn's connection pool (connections per origin,
//! pipeline depth), which decides which connection carries which request. The
//! client's driver delays everything it receives by an emulated round-trip
//! time (and each new connection by one more, for the TCP handshake), so
//! loopback behaves like a real network. It prints a table and writes an
//! SVG timeline: one row per connection, one bar per request.
//!
//! ```text
//! cargo run --release --example demo -- [--rtt MS] [--parallel N] [--svg PATH]
//! ```

mod common;

use std::collections::{BTreeMap, VecDeque};
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use h1conn::pool::{ConnId, Origin, Pool, PoolConfig, PoolEvent, PoolRequest};
use h1conn::{Action, Config, Connection, Event, Instant, KeepAliveHints, Method, Request, Response, Role};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::time::sleep_until;

type Clock = tokio::time::Instant;

/// The resources the page links, with their sizes.
const RESOURCES: [(&str, usize); 8] = [
    ("/style.css", 4_000),
    ("/app.js", 12_000),
    ("/logo.png", 6_000),
    ("/photo-1.jpg", 30_000),
    ("/photo-2.jpg", 28_000),
    ("/photo-3.jpg", 25_000),
    ("/font.woff2", 18_000),
    ("/icons.svg", 3_000),
];

#[derive(Clone, Copy)]
enum Strategy {
    NewConnectionEach,
    Persistent,
    Parallel(usize),
    Pipelined,
}

impl Strategy {
    fn name(self) -> String {
        match self {
            Strategy::NewConnectionEach => "a new connection per request".into(),
            Strategy::Persistent => "one persistent connection".into(),
            Strategy::Parallel(n) => format!("{n} parallel persistent connections"),
            Strategy::Pipelined => "pipelining on one connection".into(),
        }
    }
}

#[tokio::main]
async fn main() {
    let (mut rtt, mut parallel, mut svg) = (20, 4, String::from("demo-timeline.svg"));
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let usage = "usage: demo [--rtt MS] [--parallel N] [--svg PATH]";
        let value = args.next().unwrap_or_else(|| common::die(usage));
        match a.as_str() {
            "--rtt" => rtt = value.parse().unwrap_or_else(|_| common::die(usage)),
            "--parallel" => {
                parallel = value
                    .parse()
                    .ok()
                    .filter(|&n| n > 0)
                    .unwrap_or_else(|| common::die(usage))
            }
            "--svg" => svg = value,
            _ => common::die(usage),
        }
    }
    let rtt = Duration::from_millis(rtt);
    let listener = common::listener(([127, 0, 0, 1], 0).into(), true)
        .and_then(TcpListener::from_std)
        .unwrap_or_else(|e| common::die(&format!("cannot listen: {e}")));
    let addr = listener.local_addr().expect("bound");
    tokio::spawn(server(listener));

    println!(
        "page + {} resources, emulated round trip {} ms\n",
        RESOURCES.len(),
        rtt.as_millis()
    );
    println!(
        "{:<36} {:>11} {:>11} {:>9}",
        "strategy", "connections", "round trips", "elapsed"
    );
    let strategies = [
        Strategy::NewConnectionEach,
        Strategy::Persistent,
        Strategy::Parallel(parallel),
        Strategy::Pipelined,
    ];
    let mut runs = Vec::new();
    for s in strategies {
        let run = fetch_site(s, addr, rtt).await;
        let ms = run.elapsed.as_secs_f64() * 1e3;
        println!(
            "{:<36} {:>11} {:>11} {:>6.0} ms",
            s.name(),
            run.conns,
            run.rounds,
            ms
        );
        runs.push((s, run));
    }
    match std::fs::write(&svg, timeline(&runs, rtt)) {
        Ok(()) => println!("\ntimeline: {svg}"),
        Err(e) => common::die(&format!("cannot write {svg}: {e}")),
    }
}

// ------------------------------------------------------------------ server

/// The page, linking every resource.
fn page() -> Vec<u8> {
    let mut html = String::from("<!doctype html>\n<title>demo</title>\n");
    for (path, _) in RESOURCES {
        let _ = writeln!(html, "<link href=\"{path}\">");
    }
    html.into_bytes()
}

fn site(path: &[u8]) -> Option<Vec<u8>> {
    if path == b"/" {
        return Some(page());
    }
    let (_, size) = RESOURCES.iter().find(|(p, _)| p.as_bytes() == path)?;
    Some(vec![b'x'; *size])
}

async fn server(listener: TcpListener) {
    while let Ok((sock, _)) = listener.accept().await {
        tokio::spawn(serve(sock));
    }
}

/// One server connection: the same drive loop as `tokio_server`.
async fn serve(mut sock: TcpStream) {
    let base = std::time::Instant::now();
    let now = || Instant::from_std(base, std::time::Instant::now());
    let _ = sock.set_nodelay(true);
    let mut conn = Connection::new(Role::Server, Config::default(), now());
    let (mut buf, mut out, mut target) = (vec![0u8; 64 * 1024], BytesMut::new(), Bytes::new());
    'io: loop {
        while let Some(ev) = conn.poll_event() {
            match ev {
                Event::Request { head, .. } => target = head.target_bytes().clone(),
                Event::End { id, .. } => {
                    let (status, body) = site(&target).map_or((404, Vec::new()), |b| (200, b));
                    let head = Response::builder(status)
                        .header("Content-Length", body.len().to_string())
                        .build()
                        .expect("valid head");
                    common::answer(&mut conn, id, head, Some(&body));
                }
                _ => {}
            }
        }
        while conn.poll_transmit(&mut out) > 0 {
            if sock.write_all(&out).await.is_err() {
                conn.handle_reset(now());
            }
            out.clear();
        }
        while let Some(action) = conn.poll_action() {
            match action {
                Action::ShutdownWrite => drop(sock.shutdown().await),
                Action::Close => break 'io,
                Action::Abort => {
                    common::set_abortive(&sock);
                    break 'io;
                }
            }
        }
        let cap = conn.read_capacity().min(buf.len());
        let deadline = conn.poll_timeout().map(|t| Clock::from_std(t.to_std(base)));
        tokio::select! {
            read = sock.read(&mut buf[..cap]), if cap > 0 => match read {
                Ok(0) => conn.handle_eof(now()),
                Ok(n) => drop(conn.handle_input(now(), &buf[..n])),
                Err(_) => conn.handle_reset(now()),
            },
            () = sleep_until(deadline.unwrap_or_else(Clock::now)), if deadline.is_some() => conn.handle_timeout(now()),
            else => break,
        }
    }
}

// ------------------------------------------------------------------ client

/// A request the pool handed to a connection, in the round trip it was
/// decided.
struct Job {
    request: PoolRequest,
    path: String,
    round: u32,
}

/// What a connection reports to the strategy.
enum Report {
    Handshake {
        conn: usize,
        start: Duration,
        end: Duration,
    },
    Done(Fetched),
}

struct Fetched {
    conn: usize,
    request: PoolRequest,
    path: String,
    status: u16,
    body: Vec<u8>,
    /// The connection's verdict on reuse, and its server's hints.
    reusable: bool,
    hints: KeepAliveHints,
    /// The round trip in which the response arrived.
    round: u32,
    start: Duration,
    end: Duration,
}

#[derive(Default)]
struct Run {
    conns: usize,
    rounds: u32,
    elapsed: Duration,
    handshakes: Vec<(usize, Duration, Duration)>,
    fetched: Vec<Fetched>,
}

/// The strategy's side: h1conn's pool decides which connection carries
/// which request; this opens, feeds and lets go of the connections.
struct Client {
    addr: SocketAddr,
    rtt: Duration,
    t0: Clock,
    pool: Pool,
    origin: Origin,
    /// `close` asks for one request per connection, `depth` > 1 pipelines.
    close: bool,
    depth: usize,
    /// The pool's connections, by the channel that feeds each.
    links: BTreeMap<ConnId, mpsc::UnboundedSender<Job>>,
    /// What each pooled request fetches.
    paths: BTreeMap<PoolRequest, String>,
    /// The round trip of the latest response: what the pool assigns now
    /// is decided in it.
    round: u32,
    reports: (mpsc::UnboundedSender<Report>, mpsc::UnboundedReceiver<Report>),
    tasks: Vec<tokio::task::JoinHandle<()>>,
    run: Run,
}

impl Client {
    fn now(&self) -> Instant {
        Instant::from_std(self.t0.into_std(), std::time::Instant::now())
    }

    /// Ask the pool for `path`.
    fn request(&mut self, path: &str) {
        let r = self.pool.request(self.now(), self.origin.clone(), true);
        self.paths.insert(r, path.to_string());
        self.act();
    }

    /// Carry out what the pool decided.
    fn act(&mut self) {
        while let Some(ev) = self.pool.poll_event() {
            match ev {
                PoolEvent::Open { conn, .. } => self.open(conn),
                PoolEvent::Assign { request, conn } => {
                    let path = self.paths[&request].clone();
                    let job = Job {
                        request,
                        path,
                        round: self.round,
                    };
                    let _ = self.links[&conn].send(job);
                }
                PoolEvent::Close { conn } => drop(self.links.remove(&conn)),
                PoolEvent::Failed { request, error } => {
                    common::die(&format!("{}: {error}", self.paths[&request]))
                }
            }
        }
    }

    /// Open connection `conn` (a fresh pool numbers them from 0, as the
    /// timeline's rows); its handshake starts in the current round.
    fn open(&mut self, conn: ConnId) {
        let (tx, rx) = mpsc::unbounded_channel();
        let link = Link {
            no: conn.0 as usize,
            addr: self.addr,
            rtt: self.rtt,
            t0: self.t0,
            close: self.close,
            depth: self.depth,
        };
        self.run.conns += 1;
        self.links.insert(conn, tx);
        self.tasks
            .push(tokio::spawn(link.run(self.round, rx, self.reports.0.clone())));
    }

    /// The next response, reported to the pool; handshakes are recorded
    /// (and reported) on the way.
    async fn next(&mut self) -> Fetched {
        loop {
            match self.reports.1.recv().await.expect("connections report") {
                Report::Handshake { conn, start, end } => {
                    self.run.handshakes.push((conn, start, end));
                    self.pool.connected(self.now(), ConnId(conn as u64));
                }
                Report::Done(f) if f.status == 200 => {
                    self.round = f.round;
                    let conn = ConnId(f.conn as u64);
                    self.pool
                        .exchange_done(self.now(), conn, f.request, f.reusable, f.hints);
                    self.act();
                    return f;
                }
                Report::Done(f) => common::die(&format!("{} answered {}", f.path, f.status)),
            }
            self.act();
        }
    }

    fn record(&mut self, f: Fetched) {
        self.run.rounds = self.run.rounds.max(f.round);
        self.run.elapsed = self.run.elapsed.max(f.end);
        self.run.fetched.push(f);
    }
}

/// Fetch the page, then what it links, the way `strategy` says: each is
/// a pool setting (connections per origin, pipeline depth) and whether
/// requests ask for `Connection: close`.
async fn fetch_site(strategy: Strategy, addr: SocketAddr, rtt: Duration) -> Run {
    let (max_per_origin, depth, close) = match strategy {
        Strategy::NewConnectionEach => (1, 1, true),
        Strategy::Persistent => (1, 1, false),
        Strategy::Parallel(n) => (n, 1, false),
        Strategy::Pipelined => (1, RESOURCES.len(), false),
    };
    let config = PoolConfig {
        max_per_origin,
        max_idle_per_origin: max_per_origin,
        pipeline_depth: depth,
        ..PoolConfig::default()
    };
    let mut c = Client {
        addr,
        rtt,
        t0: Clock::now(),
        pool: Pool::new(config),
        origin: Origin::http(&addr.ip().to_string(), addr.port()),
        close,
        depth,
        links: BTreeMap::new(),
        paths: BTreeMap::new(),
        round: 0,
        reports: mpsc::unbounded_channel(),
        tasks: Vec::new(),
        run: Run::default(),
    };
    c.request("/");
    let page = c.next().await;
    let links = links(&page.body);
    c.record(page);
    for path in &links {
        c.request(path);
    }
    for _ in 0..links.len() {
        let f = c.next().await;
        c.record(f);
    }
    let Client {
        reports,
        tasks,
        links,
        mut run,
        ..
    } = c;
    drop((links, reports.0));
    // Let every connection close before the next strategy starts.
    for t in tasks {
        let _ = t.await;
    }
    let mut rx = reports.1;
    while let Ok(Report::Handshake { conn, start, end }) = rx.try_recv() {
        run.handshakes.push((conn, start, end));
    }
    run
}

/// The `href="..."` values of a page.
fn links(page: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(page)
        .split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next().map(String::from))
        .collect()
}

/// One client connection, its machine and the emulated network delay.
struct Link {
    no: usize,
    addr: SocketAddr,
    rtt: Duration,
    t0: Clock,
    close: bool,
    depth: usize,
}

impl Link {
    async fn run(
        self,
        round: u32,
        mut jobs: mpsc::UnboundedReceiver<Job>,
        reports: mpsc::UnboundedSender<Report>,
    ) {
        let (t0, rtt) = (self.t0, self.rtt);
        let base = t0.into_std();
        let now = || Instant::from_std(base, std::time::Instant::now());
        let start = t0.elapsed();
        let mut sock = TcpStream::connect(self.addr).await.expect("connect");
        let _ = sock.set_nodelay(true);
        tokio::time::sleep(rtt).await; // the emulated handshake: SYN, SYN-ACK
        let ready = round + 1;
        let _ = reports.send(Report::Handshake {
            conn: self.no,
            start,
            end: t0.elapsed(),
        });
        let config = Config {
            pipeline_depth: self.depth,
            ..Config::default()
        };
        let mut conn = Connection::new(Role::Client, config, now());
        // Requests in flight: (pool request, path, round of the answer,
        // start), in order.
        let mut in_flight = VecDeque::new();
        let (mut status, mut body) = (0, Vec::new());
        // Received bytes (None: EOF) wait here one round trip.
        let mut delayed: VecDeque<(Clock, Option<Bytes>)> = VecDeque::new();
        let (mut buf, mut out) = (vec![0u8; 64 * 1024], BytesMut::new());
        let (mut more_jobs, mut eof, mut closing) = (true, false, false);
        'io: loop {
            while let Some(ev) = conn.poll_event() {
                match ev {
                    Event::Response { head, .. } => (status, body) = (head.status(), Vec::new()),
                    Event::Data { data, .. } => body.extend_from_slice(&data),
                    Event::End { .. } => {
                        let (request, path, round, start) =
                            in_flight.pop_front().expect("a request in flight");
                        // The verdict for the pool: reusable once idle; while
                        // pipelining, whether the connection proved persistent.
                        let reusable = if in_flight.is_empty() {
                            conn.is_reusable()
                        } else {
                            conn.is_proven_persistent()
                        };
                        let f = Fetched {
                            conn: self.no,
                            request,
                            path,
                            status,
                            body: std::mem::take(&mut body),
                            reusable,
                            hints: conn.keep_alive_hints(),
                            round,
                            start,
                            end: t0.elapsed(),
                        };
                        let _ = reports.send(Report::Done(f));
                    }
                    Event::ConnectionLost { reason, .. } => {
                        common::die(&format!("connection lost: {reason:?}"))
                    }
                    _ => {}
                }
            }
            while conn.poll_transmit(&mut out) > 0 {
                if sock.write_all(&out).await.is_err() {
                    conn.handle_reset(now());
                }
                out.clear();
            }
            while let Some(action) = conn.poll_action() {
                match action {
                    Action::ShutdownWrite => drop(sock.shutdown().await),
                    Action::Close => break 'io,
                    Action::Abort => {
                        common::set_abortive(&sock);
                        break 'io;
                    }
                }
            }
            if !more_jobs && in_flight.is_empty() && !std::mem::replace(&mut closing, true) {
                conn.close();
                continue;
            }
            let release = delayed.front().map(|(t, _)| *t);
            let deadline = conn.poll_timeout().map(|t| Clock::from_std(t.to_std(base)));
            tokio::select! {
                job = jobs.recv(), if more_jobs => match job {
                    Some(Job { request, path, round }) => {
                        let mut head = Request::builder(Method::GET, &path).header("Host", "demo");
                        if self.close {
                            head = head.header("Connection", "close");
                        }
                        conn.send_request(head.build().expect("valid head")).expect("request accepted");
                        in_flight.push_back((request, path, round.max(ready) + 1, t0.elapsed()));
                    }
                    None => more_jobs = false,
                },
                read = sock.read(&mut buf), if !eof => {
                    let got = match read {
                        Ok(n) if n > 0 => Some(Bytes::copy_from_slice(&buf[..n])),
                        _ => None,
                    };
                    eof = got.is_none();
                    delayed.push_back((Clock::now() + rtt, got));
                }
                () = sleep_until(release.unwrap_or_else(Clock::now)), if release.is_some() => {
                    match delayed.pop_front() {
                        Some((_, Some(bytes))) => drop(conn.handle_input(now(), &bytes)),
                        _ => conn.handle_eof(now()),
                    }
                }
                () = sleep_until(deadline.unwrap_or_else(Clock::now)), if deadline.is_some() => conn.handle_timeout(now()),
            }
        }
    }
}

// ------------------------------------------------------------------ timeline

/// An SVG with one section per strategy, one row per connection and one
/// bar per request (the handshake in grey before it), on one time scale.
fn timeline(runs: &[(Strategy, Run)], rtt: Duration) -> String {
    const LEFT: f64 = 70.0;
    const WIDTH: f64 = 900.0;
    const ROW: f64 = 20.0;
    let longest = runs
        .iter()
        .map(|(_, r)| r.elapsed)
        .max()
        .unwrap_or_default()
        .as_secs_f64();
    let x = |d: Duration| LEFT + d.as_secs_f64() / longest.max(1e-3) * (WIDTH - LEFT - 20.0);
    let mut body = String::new();
    let mut y = 10.0;
    for (strategy, run) in runs {
        let ms = run.elapsed.as_secs_f64() * 1e3;
        let title = format!(
            "{}: {} connection{}, {} round trips, {ms:.0} ms",
            strategy.name(),
            run.conns,
            if run.conns == 1 { "" } else { "s" },
            run.rounds
        );
        let _ = write!(
            body,
            r#"<text x="4" y="{:.0}" font-weight="bold">{title}</text>"#,
            y + 14.0
        );
        y += 22.0;
        for conn in 0..run.conns {
            let _ = write!(
                body,
                r##"<text x="4" y="{:.0}" fill="#555">conn {}</text>"##,
                y + 14.0,
                conn + 1
            );
            for (_, start, end) in run.handshakes.iter().filter(|h| h.0 == conn) {
                let (x0, x1) = (x(*start), x(*end));
                let _ = write!(
                    body,
                    r##"<rect x="{x0:.1}" y="{:.1}" width="{:.1}" height="6" fill="#bbb"><title>handshake</title></rect>"##,
                    y + 7.0,
                    (x1 - x0).max(1.0)
                );
            }
            // Overlapping requests (pipelining) share the row in lanes.
            let mut lanes: Vec<Duration> = Vec::new();
            let mut bars = Vec::new();
            for f in run.fetched.iter().filter(|f| f.conn == conn) {
                let lane = lanes
                    .iter()
                    .position(|&end| end <= f.start)
                    .unwrap_or(lanes.len());
                if lane == lanes.len() {
                    lanes.push(f.end);
                }
                lanes[lane] = f.end;
                bars.push((lane, f));
            }
            let row = ROW.max(lanes.len() as f64 * 5.0 + 4.0);
            let h = (row - 4.0) / lanes.len().max(1) as f64;
            for (lane, f) in bars {
                let (x0, x1) = (x(f.start), x(f.end));
                let color = if f.path == "/" { "#d9822b" } else { "#2b7bd9" };
                let _ = write!(
                    body,
                    r#"<rect x="{x0:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{color}" stroke="white" stroke-width="0.5"><title>{} {:.0}–{:.0} ms</title></rect>"#,
                    y + 2.0 + lane as f64 * h,
                    (x1 - x0).max(1.0),
                    h,
                    f.path,
                    f.start.as_secs_f64() * 1e3,
                    f.end.as_secs_f64() * 1e3
                );
            }
            y += row;
        }
        y += 10.0;
    }
    // A tick every round trip.
    let mut ticks = String::new();
    let mut t = Duration::ZERO;
    while t.as_secs_f64() <= longest && !rtt.is_zero() {
        let _ = write!(
            ticks,
            r##"<line x1="{0:.1}" x2="{0:.1}" y1="0" y2="{y:.0}" stroke="#eee"/><text x="{0:.1}" y="{1:.0}" font-size="10" fill="#777" text-anchor="middle">{2}</text>"##,
            x(t),
            y + 12.0,
            t.as_millis()
        );
        t += rtt;
    }
    let height = y + 40.0;
    let _ = write!(
        ticks,
        r##"<text x="{LEFT}" y="{:.0}" font-size="11" fill="#555">ms since the first request; grey: TCP handshake, orange: the page, blue: the resources it links</text>"##,
        y + 30.0
    );
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height:.0}" font-family="sans-serif" font-size="12"><rect width="100%" height="100%" fill="white"/>{ticks}{body}</svg>
"#
    )
}
