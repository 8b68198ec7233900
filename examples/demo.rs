//! The four connection strategies, side by side. In one process a server
//! serves a page and the resources it links, and a client fetches them
//! four ways: a new connection for every request, one persistent
//! connection, a few parallel persistent connections, and pipelining. The
//! client's driver delays everything it receives by an emulated round-trip
//! time (and each new connection by one more, for the TCP handshake), so
//! loopback behaves like a real network. It prints a table and writes an
//! SVG timeline: one row per connection, one bar per request.
//!
//! ```text
//! cargo run --release --example demo -- [--rtt MS] [--parallel N] [--svg PATH]
//! ```

mod common;

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use h1conn::{Action, Config, Connection, Event, Instant, Method, Request, Response, Role};
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

/// A request handed to a connection, in the round trip it was decided.
struct Job {
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
    path: String,
    status: u16,
    body: Vec<u8>,
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

/// The strategy's side of its connections.
struct Client {
    addr: SocketAddr,
    rtt: Duration,
    t0: Clock,
    reports: (mpsc::UnboundedSender<Report>, mpsc::UnboundedReceiver<Report>),
    tasks: Vec<tokio::task::JoinHandle<()>>,
    run: Run,
}

impl Client {
    /// Open connection number `run.conns` (its handshake starts in round
    /// `round`); `close` asks for one request only, `depth` > 1 pipelines.
    fn open(&mut self, round: u32, close: bool, depth: usize) -> mpsc::UnboundedSender<Job> {
        let (tx, rx) = mpsc::unbounded_channel();
        let link = Link {
            no: self.run.conns,
            addr: self.addr,
            rtt: self.rtt,
            t0: self.t0,
            close,
            depth,
        };
        self.run.conns += 1;
        self.tasks
            .push(tokio::spawn(link.run(round, rx, self.reports.0.clone())));
        tx
    }

    /// The next response; handshakes are recorded on the way.
    async fn next(&mut self) -> Fetched {
        loop {
            match self.reports.1.recv().await.expect("connections report") {
                Report::Handshake { conn, start, end } => self.run.handshakes.push((conn, start, end)),
                Report::Done(f) if f.status == 200 => return f,
                Report::Done(f) => common::die(&format!("{} answered {}", f.path, f.status)),
            }
        }
    }

    fn record(&mut self, f: Fetched) -> u32 {
        let round = f.round;
        self.run.rounds = self.run.rounds.max(round);
        self.run.elapsed = self.run.elapsed.max(f.end);
        self.run.fetched.push(f);
        round
    }
}

/// Fetch the page, then what it links, the way `strategy` says.
async fn fetch_site(strategy: Strategy, addr: SocketAddr, rtt: Duration) -> Run {
    let mut c = Client {
        addr,
        rtt,
        t0: Clock::now(),
        reports: mpsc::unbounded_channel(),
        tasks: Vec::new(),
        run: Run::default(),
    };
    let job = |path: &str, round| Job {
        path: path.to_string(),
        round,
    };
    let (close, depth) = match strategy {
        Strategy::NewConnectionEach => (true, 1),
        Strategy::Pipelined => (false, RESOURCES.len()),
        _ => (false, 1),
    };
    let first = c.open(0, close, depth);
    let _ = first.send(job("/", 0));
    let page = c.next().await;
    let links = links(&page.body);
    let mut round = c.record(page);
    match strategy {
        Strategy::NewConnectionEach => {
            drop(first);
            for path in links {
                let conn = c.open(round, true, 1);
                let _ = conn.send(job(&path, round));
                let f = c.next().await;
                round = c.record(f);
            }
        }
        Strategy::Pipelined => {
            for path in &links {
                let _ = first.send(job(path, round));
            }
            drop(first);
            for _ in 0..links.len() {
                let f = c.next().await;
                c.record(f);
            }
        }
        Strategy::Persistent | Strategy::Parallel(_) => {
            let n = if let Strategy::Parallel(n) = strategy {
                n
            } else {
                1
            };
            let mut conns = vec![first];
            let mut queue: VecDeque<String> = links.into();
            while conns.len() < n.min(queue.len()) {
                conns.push(c.open(round, false, 1));
            }
            let mut waiting = 0;
            for conn in &conns {
                if let Some(path) = queue.pop_front() {
                    let _ = conn.send(job(&path, round));
                    waiting += 1;
                }
            }
            while waiting > 0 {
                let f = c.next().await;
                let (no, round) = (f.conn, f.round);
                c.record(f);
                waiting -= 1;
                if let Some(path) = queue.pop_front() {
                    let _ = conns[no].send(job(&path, round));
                    waiting += 1;
                }
            }
        }
    }
    let Client {
        reports,
        tasks,
        mut run,
        ..
    } = c;
    drop(reports.0);
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
        // Requests in flight: (path, round of the answer, start), in order.
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
                        let (path, round, start) = in_flight.pop_front().expect("a request in flight");
                        let (conn, end) = (self.no, t0.elapsed());
                        let body = std::mem::take(&mut body);
                        let f = Fetched {
                            conn,
                            path,
                            status,
                            body,
                            round,
                            start,
                            end,
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
                    Some(Job { path, round }) => {
                        let mut head = Request::builder(Method::GET, &path).header("Host", "demo");
                        if self.close {
                            head = head.header("Connection", "close");
                        }
                        conn.send_request(head.build().expect("valid head")).expect("request accepted");
                        in_flight.push_back((path, round.max(ready) + 1, t0.elapsed()));
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
