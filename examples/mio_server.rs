//! The echo server on one mio event loop: many non-blocking connections, one
//! thread, a poll timeout at the earliest deadline any machine asks for.
//! Bytes the socket would not take yet wait in the driver's buffer, and the
//! machine's shutdown and close are carried out once that buffer is empty.
//!
//! ```text
//! cargo run --release --example mio_server -- [--listen 127.0.0.1:8080]
//! ```

mod common;

use std::collections::HashMap;
use std::io::{ErrorKind, Read, Write};
use std::net::Shutdown;

use bytes::{Buf, BytesMut};
use h1conn::{Action, Config, Connection, Instant, Role, State};
use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token};

const LISTENER: Token = Token(0);

struct Peer {
    sock: TcpStream,
    conn: Connection,
    app: common::Echo,
    no: usize,
    /// Bytes the machine handed out that the socket has not taken yet.
    out: BytesMut,
    shutdown_pending: bool,
    close_pending: bool,
    eof: bool,
    closed: bool,
}

fn main() {
    let std_listener = common::server_listener(true);
    let mut listener = TcpListener::from_std(std_listener);
    let mut poll = Poll::new().expect("poll");
    poll.registry()
        .register(&mut listener, LISTENER, Interest::READABLE)
        .expect("register");
    let base = std::time::Instant::now();
    let now = || Instant::from_std(base, std::time::Instant::now());
    let (mut events, mut peers, mut next_token) = (Events::with_capacity(1024), HashMap::new(), 1);
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        // Sleep until a socket is ready or the earliest deadline.
        let deadline = peers.values().filter_map(|p: &Peer| p.conn.poll_timeout()).min();
        let timeout = deadline.map(|d| d.saturating_duration_since(now()));
        if let Err(e) = poll.poll(&mut events, timeout) {
            if e.kind() == ErrorKind::Interrupted {
                continue;
            }
            common::die(&format!("poll: {e}"));
        }
        for ev in &events {
            if ev.token() == LISTENER {
                while let Ok((mut sock, addr)) = listener.accept() {
                    let _ = sock.set_nodelay(true);
                    let token = Token(next_token);
                    next_token += 1;
                    let interest = Interest::READABLE | Interest::WRITABLE;
                    if poll.registry().register(&mut sock, token, interest).is_err() {
                        continue;
                    }
                    let no = common::next_conn_no();
                    eprintln!("conn {no} opened from {addr}");
                    let conn = Connection::new(Role::Server, Config::default(), now());
                    let (app, out) = (common::Echo::default(), BytesMut::new());
                    let peer = Peer {
                        sock,
                        conn,
                        app,
                        no,
                        out,
                        shutdown_pending: false,
                        close_pending: false,
                        eof: false,
                        closed: false,
                    };
                    peers.insert(token, peer);
                }
            }
            if let Some(peer) = peers.get_mut(&ev.token()) {
                service(peer, &mut buf, now());
            }
        }
        // Fire the timers that are due.
        let t = now();
        for peer in peers.values_mut() {
            if peer.conn.poll_timeout().is_some_and(|d| d <= t) {
                peer.conn.handle_timeout(t);
                service(peer, &mut buf, t);
            }
        }
        peers.retain(|_, p| {
            if p.closed {
                let _ = poll.registry().deregister(&mut p.sock);
                let (n, why) = (p.conn.requests_completed(), p.conn.close_reason());
                eprintln!("conn {} closed after {n} requests ({why:?})", p.no);
            }
            !p.closed
        });
    }
}

/// Read what the machine will take, drain its outputs, write what the
/// socket takes: until the socket would block or the machine waits.
fn service(p: &mut Peer, buf: &mut [u8], now: Instant) {
    loop {
        while let Some(ev) = p.conn.poll_event() {
            p.app.on_event(&mut p.conn, ev);
        }
        while p.conn.poll_transmit(&mut p.out) > 0 {}
        while let Some(action) = p.conn.poll_action() {
            match action {
                Action::ShutdownWrite => p.shutdown_pending = true,
                Action::Close => p.close_pending = true,
                Action::Abort => {
                    common::set_abortive(&p.sock);
                    p.closed = true;
                    return;
                }
            }
        }
        while !p.out.is_empty() {
            match p.sock.write(&p.out) {
                Ok(n) => p.out.advance(n),
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(_) => {
                    p.out.clear();
                    p.conn.handle_reset(now);
                }
            }
        }
        if p.out.is_empty() {
            if std::mem::take(&mut p.shutdown_pending) {
                let _ = p.sock.shutdown(Shutdown::Write);
            }
            if p.close_pending {
                p.closed = true;
                return;
            }
        }
        if p.conn.state() == State::Switched {
            p.closed = true; // CONNECT answered: the echo does not tunnel
            return;
        }
        // Read on only while the socket takes our answers (back-pressure).
        let cap = p.conn.read_capacity().min(buf.len());
        if cap == 0 || p.eof || p.out.len() > 64 * 1024 {
            return;
        }
        match p.sock.read(&mut buf[..cap]) {
            Ok(0) => {
                p.eof = true;
                p.conn.handle_eof(now);
            }
            Ok(n) => drop(p.conn.handle_input(now, &buf[..n])),
            Err(e) if e.kind() == ErrorKind::WouldBlock => return,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => p.conn.handle_reset(now),
        }
    }
}
