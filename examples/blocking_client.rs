//! A client over blocking `std::net` sockets: `--parallel N` threads per
//! origin, each fetching from a shared list over one persistent connection
//! at a time. One line per response: `<status> <body-bytes> conn=<n>
//! reused=<true|false>`. When a connection dies, the requests h1conn marks
//! retry-safe are sent again on a new one and the others are reported as
//! `lost ...` (exit status 1).
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

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use bytes::BytesMut;
use common::{Job, WorkList};
use h1conn::{Action, Config, Connection, Event, Instant, Role};

fn main() {
    let args = common::client_args();
    let base = std::time::Instant::now();
    let mut threads = Vec::new();
    for (origin, work) in &args.origins {
        for _ in 0..args.parallel {
            let (origin, work, pause) = (origin.clone(), Arc::clone(work), args.pause);
            threads.push(std::thread::spawn(move || worker(&origin, &work, pause, base)));
        }
    }
    threads.into_iter().for_each(|t| t.join().expect("worker"));
    let lost: usize = args.origins.iter().map(|(_, w)| w.lost()).sum();
    std::process::exit(i32::from(lost > 0));
}

/// One socket and its machine.
struct Link {
    sock: TcpStream,
    conn: Connection,
    no: usize,
    sent: usize,
    eof: bool,
    closed: bool,
    base: std::time::Instant,
}

impl Link {
    fn now(&self) -> Instant {
        Instant::from_std(self.base, std::time::Instant::now())
    }

    /// Drain the machine's outputs: events go to `on_event`, bytes to the
    /// socket, actions to the socket.
    fn drain(&mut self, on_event: &mut dyn FnMut(Event)) {
        while let Some(ev) = self.conn.poll_event() {
            on_event(ev);
        }
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

    /// Close gracefully, as the machine directs.
    fn finish(mut self) {
        self.conn.close();
        self.drain(&mut |_| {});
        while !self.closed {
            self.wait();
            self.drain(&mut |_| {});
        }
    }
}

fn connect(origin: &str, base: std::time::Instant) -> std::io::Result<Link> {
    let sock = TcpStream::connect(origin)?;
    sock.set_nodelay(true)?;
    let now = Instant::from_std(base, std::time::Instant::now());
    let conn = Connection::new(Role::Client, Config::default(), now);
    let no = common::next_conn_no();
    Ok(Link {
        sock,
        conn,
        no,
        sent: 0,
        eof: false,
        closed: false,
        base,
    })
}

fn worker(origin: &str, work: &WorkList, pause: Duration, base: std::time::Instant) {
    let mut link: Option<Link> = None;
    while let Some(job) = work.next() {
        if link.as_ref().is_some_and(|l| l.conn.is_reusable()) {
            std::thread::sleep(pause); // think time before reusing the connection
        }
        if let Some(old) = link.take_if(|l| !l.conn.is_reusable()) {
            old.finish(); // the machine decided to close this one
        }
        let l = match link.as_mut() {
            Some(l) => l,
            None => match connect(origin, base) {
                Ok(l) => link.insert(l),
                Err(e) => {
                    work.give_up(&job, 0, &format!("connect: {e}"));
                    continue;
                }
            },
        };
        fetch(l, &job, work);
    }
    if let Some(l) = link {
        l.finish();
    }
}

/// Send `job` and drive the connection until it is answered or lost.
fn fetch(l: &mut Link, job: &Job, work: &WorkList) {
    let reused = l.sent > 0;
    l.sent += 1;
    let id = match l.conn.send_request(job.head()) {
        Ok(id) => id,
        Err(e) => return work.give_up(job, l.no, &e.to_string()),
    };
    if let Some(body) = &job.body {
        let _ = l
            .conn
            .send_data(id, body)
            .and_then(|()| l.conn.send_end(id, None));
    }
    let (no, mut status, mut bytes, done) = (l.no, 0, 0, std::cell::Cell::new(false));
    let mut on_event = |ev| match ev {
        Event::Response { head, .. } => status = head.status(),
        Event::Data { data, .. } => bytes += data.len(),
        Event::End { id: end, .. } if end == id => {
            common::report(status, bytes, no, reused);
            done.set(true);
        }
        Event::ConnectionLost { reason, unanswered } => {
            work.connection_lost(no, reason, &unanswered, |u| (u == id).then(|| job.clone()));
            done.set(true);
        }
        _ => {}
    };
    l.drain(&mut on_event);
    while !done.get() && !l.closed {
        l.wait();
        l.drain(&mut on_event);
    }
}
