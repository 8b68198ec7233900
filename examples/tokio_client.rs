//! A client on tokio: `--parallel N` tasks per origin, each fetching from a
//! shared list over one persistent connection at a time. Requests are built
//! as `http::Request<()>` and response heads read as `http::Response<()>`
//! (h1conn's `http` feature). One line per response: `<status>
//! <body-bytes> conn=<n> reused=<true|false>`; requests lost with their
//! connection are resent when h1conn marks them retry-safe and reported
//! (`lost ...`, exit status 1) when not.
//!
//! ```text
//! cargo run --release --features http --example tokio_client -- http://127.0.0.1:8080/a \
//!     [--parallel N] [--method M] [--data BODY] [--pause MS]
//! ```
//!
//! Unlike the blocking client, this one keeps reading during `--pause`, so
//! it sees a server's idle close before it reuses the connection.

mod common;

use std::sync::Arc;

use bytes::BytesMut;
use common::{Job, WorkList};
use h1conn::{Action, Config, Connection, Event, Instant, Request, Role};
use http::header::{CONTENT_LENGTH, HOST};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Duration;

#[tokio::main]
async fn main() {
    let args = common::client_args();
    let base = std::time::Instant::now();
    let mut tasks = Vec::new();
    for (origin, work) in &args.origins {
        for _ in 0..args.parallel {
            let (origin, work, pause) = (origin.clone(), Arc::clone(work), args.pause);
            tasks.push(tokio::spawn(
                async move { worker(&origin, &work, pause, base).await },
            ));
        }
    }
    for t in tasks {
        t.await.expect("worker");
    }
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
    async fn connect(origin: &str, base: std::time::Instant) -> std::io::Result<Link> {
        let sock = TcpStream::connect(origin).await?;
        sock.set_nodelay(true)?;
        let conn = Connection::new(
            Role::Client,
            Config::default(),
            Instant::from_std(base, std::time::Instant::now()),
        );
        Ok(Link {
            sock,
            conn,
            no: common::next_conn_no(),
            sent: 0,
            eof: false,
            closed: false,
            base,
        })
    }

    fn now(&self) -> Instant {
        Instant::from_std(self.base, std::time::Instant::now())
    }

    /// After the events: write the bytes, carry out the actions.
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

    /// Wait for bytes, the machine's next deadline, or `until`.
    async fn wait(&mut self, until: Option<tokio::time::Instant>) {
        let deadline = self.conn.poll_timeout().map(|t| t.to_std(self.base).into());
        let wake = deadline.into_iter().chain(until).min();
        let mut buf = [0u8; 16 * 1024];
        tokio::select! {
            read = self.sock.read(&mut buf), if !self.eof => {
                let now = self.now();
                match read {
                    Ok(0) => {
                        self.eof = true;
                        self.conn.handle_eof(now)
                    }
                    Ok(n) => drop(self.conn.handle_input(now, &buf[..n])),
                    Err(_) => self.conn.handle_reset(now),
                }
            }
            () = tokio::time::sleep_until(wake.unwrap_or_else(tokio::time::Instant::now)), if wake.is_some() => {
                self.conn.handle_timeout(self.now())
            }
            else => {}
        }
    }

    /// Close gracefully, as the machine directs.
    async fn finish(mut self) {
        self.conn.close();
        while !self.closed {
            while self.conn.poll_event().is_some() {}
            self.flush().await;
            if !self.closed {
                self.wait(None).await;
            }
        }
    }
}

async fn worker(origin: &str, work: &WorkList, pause: Duration, base: std::time::Instant) {
    let mut link: Option<Link> = None;
    while let Some(job) = work.next() {
        if link.as_ref().is_some_and(|l| l.conn.is_reusable()) {
            // Think time before reusing the connection: keep reading, so
            // an idle close is seen.
            let until = tokio::time::Instant::now() + pause;
            while let Some(l) = link
                .as_mut()
                .filter(|l| !l.closed && tokio::time::Instant::now() < until)
            {
                l.wait(Some(until)).await;
                while l.conn.poll_event().is_some() {}
                l.flush().await;
            }
        }
        if let Some(old) = link.take_if(|l| l.closed || !l.conn.is_reusable()) {
            old.finish().await;
        }
        let l = match link.as_mut() {
            Some(l) => l,
            None => match Link::connect(origin, base).await {
                Ok(l) => link.insert(l),
                Err(e) => {
                    work.give_up(&job, 0, &format!("connect: {e}"));
                    continue;
                }
            },
        };
        fetch(l, &job, work).await;
    }
    if let Some(l) = link {
        l.finish().await;
    }
}

/// The request for `job`, built with `http` and converted.
fn head(job: &Job) -> Result<Request, Box<dyn std::error::Error + Send + Sync>> {
    let mut req = http::Request::builder()
        .method(job.method.as_bytes())
        .uri(&job.path)
        .header(HOST, &job.authority);
    if let Some(body) = &job.body {
        req = req.header(CONTENT_LENGTH, body.len());
    }
    Ok(Request::try_from(&req.body(())?)?)
}

/// Send `job` and drive the connection until it is answered or lost.
async fn fetch(l: &mut Link, job: &Job, work: &WorkList) {
    let reused = l.sent > 0;
    l.sent += 1;
    let sent = head(job).and_then(|h| Ok(l.conn.send_request(h)?));
    let id = match sent {
        Ok(id) => id,
        Err(e) => return work.give_up(job, l.no, &e.to_string()),
    };
    if let Some(body) = &job.body {
        let _ = l
            .conn
            .send_data(id, body)
            .and_then(|()| l.conn.send_end(id, None));
    }
    let (mut status, mut bytes) = (None, 0);
    loop {
        while let Some(ev) = l.conn.poll_event() {
            match ev {
                Event::Response { head, .. } => status = http::Response::<()>::try_from(&head).ok(),
                Event::Data { data, .. } => bytes += data.len(),
                Event::End { id: end, .. } if end == id => {
                    let status = status.as_ref().map_or(0, |r| r.status().as_u16());
                    common::report(status, bytes, l.no, reused);
                    return l.flush().await;
                }
                Event::ConnectionLost { reason, unanswered } => {
                    work.connection_lost(l.no, reason, &unanswered, |u| (u == id).then(|| job.clone()));
                    return l.flush().await;
                }
                _ => {}
            }
        }
        l.flush().await;
        if l.closed {
            return;
        }
        l.wait(None).await;
    }
}
