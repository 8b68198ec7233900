//! What the example drivers share and what is not I/O: argument parsing,
//! the listening socket's options, the echo application, and the client's
//! work list with its retry rule. Every protocol decision stays in h1conn.
// Each example uses part of this module.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::net::{SocketAddr, TcpListener, ToSocketAddrs};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use h1conn::{CloseReason, Connection, Event, Method, Request, RequestId, Response, Unanswered};
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
    /// `host:port`, to connect to and to send as Host.
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
    /// The work, grouped by origin (`host:port`), in order.
    pub(crate) origins: Vec<(String, Arc<WorkList>)>,
    /// `--parallel N`: connections per origin.
    pub(crate) parallel: usize,
    /// `--pause MS`: think time between two requests on one connection,
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
    let mut origins: Vec<(String, Arc<WorkList>)> = Vec::new();
    for url in urls {
        let rest = &url["http://".len()..];
        let (authority, path) = rest.find('/').map_or((rest, "/"), |i| rest.split_at(i));
        let job = Job {
            url: url.clone(),
            authority: authority.to_string(),
            path: path.to_string(),
            method: method.clone(),
            body: body.clone(),
        };
        match origins.iter().find(|(o, _)| o == authority) {
            Some((_, work)) => work.push_back(job),
            None => {
                let work = Arc::new(WorkList::default());
                work.push_back(job);
                origins.push((authority.to_string(), work));
            }
        }
    }
    ClientArgs {
        origins,
        parallel,
        pause: Duration::from_millis(pause),
    }
}

/// The requests of one origin not yet answered, shared by its connections.
#[derive(Default)]
pub(crate) struct WorkList {
    jobs: Mutex<VecDeque<Job>>,
    lost: AtomicUsize,
}

impl WorkList {
    fn push_back(&self, job: Job) {
        self.jobs.lock().expect("lock").push_back(job);
    }

    /// The next job to send.
    pub(crate) fn next(&self) -> Option<Job> {
        self.jobs.lock().expect("lock").pop_front()
    }

    /// How many requests were reported lost.
    pub(crate) fn lost(&self) -> usize {
        self.lost.load(Ordering::Relaxed)
    }

    /// A connection ended before these requests were answered: what the
    /// machine marks retry-safe goes back to the front of the list, to be
    /// sent on a new connection; the rest is reported, never resent.
    pub(crate) fn connection_lost(
        &self,
        conn_no: usize,
        reason: CloseReason,
        unanswered: &[Unanswered],
        mut job_of: impl FnMut(RequestId) -> Option<Job>,
    ) {
        let mut jobs = self.jobs.lock().expect("lock");
        for u in unanswered.iter().rev() {
            let Some(job) = job_of(u.id) else { continue };
            if u.retry_safe {
                eprintln!(
                    "conn {conn_no}: {reason:?}; retrying {} {} on a new connection",
                    u.method, job.url
                );
                jobs.push_front(job);
            } else {
                self.give_up(&job, conn_no, &format!("{reason:?} (not safe to retry)"));
            }
        }
    }

    /// Report a request that will not be answered.
    pub(crate) fn give_up(&self, job: &Job, conn_no: usize, why: &str) {
        println!("lost {} {} conn={conn_no} reason={why}", job.method, job.url);
        self.lost.fetch_add(1, Ordering::Relaxed);
    }
}

/// The line printed for each response.
pub(crate) fn report(status: u16, body_bytes: usize, conn_no: usize, reused: bool) {
    println!("{status} {body_bytes} conn={conn_no} reused={reused}");
}
