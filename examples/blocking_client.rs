//! A client over blocking `std::net` sockets. Every request goes through
//! h1conn's connection pool, which decides which connection carries it:
//! `--parallel N` connections per origin at most, reused while h1conn says
//! they persist. Each connection is a thread that sends what the pool
//! assigns it and reports back over a channel; the main thread drives the
//! pool. One line per response: `<status> <body-bytes> conn=<n>
//! reused=<true|false>`. When a connection dies, the requests h1conn marks
//! retry-safe are sent again on a new one and the others are reported as
//! `lost <METHOD> <url> (<error>)` (exit status 1).
//!
//! ```text
//! cargo run --release --example blocking_client -- http://127.0.0.1:8080/a http://127.0.0.1:8080/b \
//!     [--parallel N] [--method M] [--data BODY] [--pause MS]
//! ```
//!
//! `--pause` sleeps before reusing a connection, without reading it, so a
//! server's idle close is only noticed when the next request is written:
//! the race every HTTP/1.1 client must survive.

mod common;

use std::collections::BTreeMap;
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

use bytes::BytesMut;
use common::{Assignment, Exchanges, PoolClient, Report};
use h1conn::pool::ConnId;
use h1conn::{Action, Config, Connection, Instant, Role};

fn main() {
    let args = common::client_args();
    let base = std::time::Instant::now();
    let (tx, reports) = mpsc::channel();
    let mut links = Threads {
        links: BTreeMap::new(),
        threads: Vec::new(),
        reports: tx,
        pause: args.pause,
        base,
    };
    let mut client = PoolClient::new(&args, base);
    client.start(args.jobs, &mut links);
    while !client.finished() {
        let wait = client
            .deadline()
            .map(|t| t.saturating_duration_since(std::time::Instant::now()));
        let got = match wait {
            Some(d) => reports.recv_timeout(d),
            None => reports.recv().map_err(|_| RecvTimeoutError::Disconnected),
        };
        match got {
            Ok(report) => client.on_report(report, &mut links),
            Err(RecvTimeoutError::Timeout) => client.on_timeout(&mut links),
            Err(RecvTimeoutError::Disconnected) => unreachable!("`links` holds a sender"),
        }
    }
    // Let every connection close gracefully.
    links.links.clear();
    links
        .threads
        .into_iter()
        .for_each(|t| t.join().expect("connection thread"));
    std::process::exit(client.summary());
}

/// The pool's connections: a thread each, fed over a channel.
struct Threads {
    links: BTreeMap<ConnId, Sender<Assignment>>,
    threads: Vec<JoinHandle<()>>,
    reports: Sender<Report>,
    pause: Duration,
    base: std::time::Instant,
}

impl common::Links for Threads {
    fn open(&mut self, conn: ConnId, addr: &str) {
        let (tx, rx) = mpsc::channel();
        self.links.insert(conn, tx);
        let (addr, reports, pause, base) = (addr.to_string(), self.reports.clone(), self.pause, self.base);
        self.threads.push(std::thread::spawn(move || {
            link(conn, &addr, &rx, &reports, pause, base)
        }));
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

/// One connection: connect, then send what the pool assigns and read the
/// answers. Between exchanges it waits for the next assignment without
/// reading; when its channel is dropped it closes gracefully.
fn link(
    id: ConnId,
    addr: &str,
    assigned: &Receiver<Assignment>,
    reports: &Sender<Report>,
    pause: Duration,
    base: std::time::Instant,
) {
    let sock = match TcpStream::connect(addr).and_then(|s| s.set_nodelay(true).map(|()| s)) {
        Ok(sock) => sock,
        Err(e) => return drop(reports.send(Report::ConnectFailed(id, e.to_string()))),
    };
    let _ = reports.send(Report::Connected(id));
    let now = Instant::from_std(base, std::time::Instant::now());
    let mut l = Link {
        sock,
        conn: Connection::new(Role::Client, Config::default(), now),
        eof: false,
        closed: false,
        base,
    };
    let mut exchanges = Exchanges::new(id);
    loop {
        while let Some(ev) = l.conn.poll_event() {
            if let Some(r) = exchanges.on_event(&l.conn, ev) {
                let _ = reports.send(r);
            }
        }
        if l.closed {
            break;
        }
        l.flush();
        if l.closed {
            continue; // the events of a failed write first
        }
        if !exchanges.is_empty() || l.conn.close_reason().is_some() {
            l.wait();
            continue;
        }
        // Idle: wait for the pool's next request, or the machine's deadline.
        let wait = l
            .conn
            .poll_timeout()
            .map(|t| t.saturating_duration_since(l.now()));
        let next = match wait {
            Some(d) => assigned.recv_timeout(d),
            None => assigned.recv().map_err(|_| RecvTimeoutError::Disconnected),
        };
        match next {
            Ok(a) => {
                if a.reused {
                    std::thread::sleep(pause); // think time, not reading
                }
                if let Some(r) = exchanges.send(&mut l.conn, a.job.head(), a) {
                    let _ = reports.send(r);
                }
            }
            Err(RecvTimeoutError::Timeout) => l.conn.handle_timeout(l.now()),
            Err(RecvTimeoutError::Disconnected) => l.conn.close(),
        }
    }
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
    fn flush(&mut self) {
        let mut out = BytesMut::new();
        while self.conn.poll_transmit(&mut out) > 0 {
            if self.sock.write_all(&out).is_err() {
                self.conn.handle_reset(self.now());
            }
            out.clear();
        }
        while let Some(action) = self.conn.poll_action() {
            match action {
                Action::ShutdownWrite => drop(self.sock.shutdown(Shutdown::Write)),
                Action::Close => self.closed = true,
                Action::Abort => {
                    common::set_abortive(&self.sock);
                    self.closed = true;
                }
            }
        }
    }

    /// Block for bytes, or until the machine's next deadline.
    fn wait(&mut self) {
        let wait = self
            .conn
            .poll_timeout()
            .map(|t| t.saturating_duration_since(self.now()));
        if wait == Some(Duration::ZERO) || self.eof {
            // Nothing more to read after EOF: sleep until the deadline.
            std::thread::sleep(wait.unwrap_or(Duration::from_millis(10)));
            return self.conn.handle_timeout(self.now());
        }
        let _ = self.sock.set_read_timeout(wait);
        let mut buf = [0u8; 16 * 1024];
        let result = self.sock.read(&mut buf);
        let now = self.now();
        match result {
            Ok(0) => {
                self.eof = true;
                self.conn.handle_eof(now)
            }
            Ok(n) => drop(self.conn.handle_input(now, &buf[..n])),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                self.conn.handle_timeout(now)
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => self.conn.handle_reset(now),
        }
    }
}
