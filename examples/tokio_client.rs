//! A client on tokio. Every request goes through h1conn's connection pool,
//! which decides which connection carries it: `--parallel N` connections
//! per origin at most, reused while h1conn says they persist. Each
//! connection is a task that sends what the pool assigns it and reports
//! back over a channel; the main task drives the pool. Requests are built
//! as `http::Request<()>` and converted (h1conn's `http` feature). One line
//! per response: `<status> <body-bytes> conn=<n> reused=<true|false>`;
//! requests lost with their connection are resent when h1conn marks them
//! retry-safe and reported (`lost <METHOD> <url> (<error>)`, exit status 1)
//! when not.
//!
//! ```text
//! cargo run --release --features http --example tokio_client -- http://127.0.0.1:8080/a \
//!     [--parallel N] [--method M] [--data BODY] [--pause MS]
//! ```
//!
//! Unlike the blocking client, this one keeps reading idle connections and
//! during `--pause`, so it sees a server's idle close before it reuses the
//! connection.

mod common;

use std::collections::BTreeMap;

use bytes::BytesMut;
use common::{Assignment, Exchanges, Job, PoolClient, Report};
use h1conn::pool::ConnId;
use h1conn::{Action, Config, Connection, Instant, Request, Role};
use http::header::{CONTENT_LENGTH, HOST};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc::{self, UnboundedReceiver, UnboundedSender};
use tokio::task::JoinHandle;
use tokio::time::{sleep_until, Duration};

type Clock = tokio::time::Instant;

#[tokio::main]
async fn main() {
    let args = common::client_args();
    let base = std::time::Instant::now();
    let (tx, mut reports) = mpsc::unbounded_channel();
    let mut links = Tasks {
        links: BTreeMap::new(),
        tasks: Vec::new(),
        reports: tx,
        pause: args.pause,
        base,
    };
    let mut client = PoolClient::new(&args, base);
    client.start(args.jobs, &mut links);
    while !client.finished() {
        let deadline = client.deadline().map(Clock::from_std);
        tokio::select! {
            Some(report) = reports.recv() => client.on_report(report, &mut links),
            () = sleep_until(deadline.unwrap_or_else(Clock::now)), if deadline.is_some() => {
                client.on_timeout(&mut links)
            }
        }
    }
    // Let every connection close gracefully.
    links.links.clear();
    for t in links.tasks {
        t.await.expect("connection task");
    }
    std::process::exit(client.summary());
}

/// The pool's connections: a task each, fed over a channel.
struct Tasks {
    links: BTreeMap<ConnId, UnboundedSender<Assignment>>,
    tasks: Vec<JoinHandle<()>>,
    reports: UnboundedSender<Report>,
    pause: Duration,
    base: std::time::Instant,
}

impl common::Links for Tasks {
    fn open(&mut self, conn: ConnId, addr: &str) {
        let (tx, rx) = mpsc::unbounded_channel();
        self.links.insert(conn, tx);
        let (addr, reports, pause, base) = (addr.to_string(), self.reports.clone(), self.pause, self.base);
        self.tasks
            .push(tokio::spawn(link(conn, addr, rx, reports, pause, base)));
    }

    fn assign(&mut self, conn: ConnId, a: Assignment) {
        if let Some(tx) = self.links.get(&conn) {
            let _ = tx.send(a);
        }
    }

    fn close(&mut self, conn: ConnId) {
        self.links.remove(&conn);
    }
}

/// The request for `job`, built with `http` and converted.
fn head(job: &Job) -> Request {
    let mut req = http::Request::builder()
        .method(job.method.as_bytes())
        .uri(&job.path)
        .header(HOST, &job.authority);
    if let Some(body) = &job.body {
        req = req.header(CONTENT_LENGTH, body.len());
    }
    let req = req
        .body(())
        .unwrap_or_else(|e| common::die(&format!("{}: {e}", job.url)));
    Request::try_from(&req).unwrap_or_else(|e| common::die(&format!("{}: {e}", job.url)))
}

/// One connection: connect, then send what the pool assigns and read the
/// answers, reading also while idle. A request on a reused connection
/// waits out `--pause` first. When its channel is dropped it closes
/// gracefully.
async fn link(
    id: ConnId,
    addr: String,
    mut assigned: UnboundedReceiver<Assignment>,
    reports: UnboundedSender<Report>,
    pause: Duration,
    base: std::time::Instant,
) {
    let sock = match TcpStream::connect(&addr)
        .await
        .and_then(|s| s.set_nodelay(true).map(|()| s))
    {
        Ok(sock) => sock,
        Err(e) => return drop(reports.send(Report::ConnectFailed(id, e.to_string()))),
    };
    let _ = reports.send(Report::Connected(id));
    let now = || Instant::from_std(base, std::time::Instant::now());
    let mut l = Link {
        sock,
        conn: Connection::new(Role::Client, Config::default(), now()),
        eof: false,
        closed: false,
        base,
    };
    let mut exchanges = Exchanges::new(id);
    // An assignment waiting out its think time.
    let mut held: Option<(Assignment, Clock)> = None;
    loop {
        while let Some(ev) = l.conn.poll_event() {
            if let Some(r) = exchanges.on_event(&l.conn, ev) {
                let _ = reports.send(r);
            }
        }
        if l.closed {
            break;
        }
        l.flush().await;
        if l.closed {
            continue; // the events of a failed write first
        }
        let idle = exchanges.is_empty() && held.is_none() && l.conn.close_reason().is_none();
        let think = held.as_ref().map(|(_, until)| *until);
        let deadline = l.conn.poll_timeout().map(|t| Clock::from_std(t.to_std(base)));
        let mut buf = [0u8; 16 * 1024];
        let mut send = None;
        tokio::select! {
            a = assigned.recv(), if idle => match a {
                Some(a) if a.reused && !pause.is_zero() => held = Some((a, Clock::now() + pause)),
                Some(a) => send = Some(a),
                None => l.conn.close(),
            },
            () = sleep_until(think.unwrap_or_else(Clock::now)), if think.is_some() => {
                send = held.take().map(|(a, _)| a);
            }
            read = l.sock.read(&mut buf), if !l.eof => match read {
                Ok(0) => {
                    l.eof = true;
                    l.conn.handle_eof(now())
                }
                Ok(n) => drop(l.conn.handle_input(now(), &buf[..n])),
                Err(_) => l.conn.handle_reset(now()),
            },
            () = sleep_until(deadline.unwrap_or_else(Clock::now)), if deadline.is_some() => {
                l.conn.handle_timeout(now())
            }
            else => l.closed = true, // nothing left to wait for
        }
        if let Some(a) = send {
            if let Some(r) = exchanges.send(&mut l.conn, head(&a.job), a) {
                let _ = reports.send(r);
            }
        }
    }
    // A held assignment was never sent: the `Closed` report gives it back.
    let _ = reports.send(Report::Closed(id));
}

/// One socket and its machine.
struct Link {
    sock: TcpStream,
    conn: Connection,
    eof: bool,
    closed: bool,
    base: std::time::Instant,
}

impl Link {
    fn now(&self) -> Instant {
        Instant::from_std(self.base, std::time::Instant::now())
    }

    /// Write the machine's bytes, carry out its actions.
    async fn flush(&mut self) {
        let mut out = BytesMut::new();
        while self.conn.poll_transmit(&mut out) > 0 {
            if self.sock.write_all(&out).await.is_err() {
                self.conn.handle_reset(self.now());
            }
            out.clear();
        }
        while let Some(action) = self.conn.poll_action() {
            match action {
                Action::ShutdownWrite => drop(self.sock.shutdown().await),
                Action::Close => self.closed = true,
                Action::Abort => {
                    common::set_abortive(&self.sock);
                    self.closed = true;
                }
            }
        }
    }
}
