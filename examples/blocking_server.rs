//! An echo server over blocking `std::net` sockets, one thread per
//! connection. It answers every request with 200 and `<METHOD> <target>\n`
//! followed by the request body; h1conn decides everything else
//! (persistence, 100-continue, error answers, graceful close, timeouts).
//!
//! ```text
//! cargo run --release --example blocking_server -- [--listen 127.0.0.1:8080]
//! ```

mod common;

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::Duration;

use bytes::BytesMut;
use h1conn::{Action, Config, Connection, Instant, Role};

fn main() {
    let listener = common::server_listener(false);
    let base = std::time::Instant::now();
    for sock in listener.incoming() {
        match sock {
            Ok(sock) => drop(std::thread::spawn(move || serve(sock, base))),
            Err(e) => eprintln!("accept: {e}"),
        }
    }
}

fn serve(mut sock: TcpStream, base: std::time::Instant) {
    let now = || Instant::from_std(base, std::time::Instant::now());
    let no = common::next_conn_no();
    let peer = sock.peer_addr().map(|a| a.to_string()).unwrap_or_default();
    eprintln!("conn {no} opened from {peer}");
    let _ = sock.set_nodelay(true);
    let mut conn = Connection::new(Role::Server, Config::default(), now());
    let mut app = common::Echo::default();
    let (mut buf, mut out, mut eof) = (vec![0u8; 64 * 1024], BytesMut::new(), false);
    'io: loop {
        // Drain the outputs: events, bytes, actions.
        while let Some(ev) = conn.poll_event() {
            app.on_event(&mut conn, ev);
        }
        while conn.poll_transmit(&mut out) > 0 {
            if sock.write_all(&out).is_err() {
                conn.handle_reset(now());
            }
            out.clear();
        }
        while let Some(action) = conn.poll_action() {
            match action {
                Action::ShutdownWrite => drop(sock.shutdown(Shutdown::Write)),
                Action::Close => break 'io,
                Action::Abort => {
                    common::set_abortive(&sock);
                    break 'io;
                }
            }
        }
        // Wait for bytes, or until the machine's next deadline.
        let wait = conn.poll_timeout().map(|t| t.saturating_duration_since(now()));
        let cap = conn.read_capacity().min(buf.len());
        if wait == Some(Duration::ZERO) || cap == 0 || eof {
            match wait {
                Some(d) => std::thread::sleep(d),
                None => break, // switched protocols (CONNECT): the echo does not tunnel
            }
            conn.handle_timeout(now());
            continue;
        }
        let _ = sock.set_read_timeout(wait);
        match sock.read(&mut buf[..cap]) {
            Ok(0) => {
                eof = true;
                conn.handle_eof(now());
            }
            Ok(n) => drop(conn.handle_input(now(), &buf[..n])),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                conn.handle_timeout(now())
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => conn.handle_reset(now()),
        }
    }
    let (n, why) = (conn.requests_completed(), conn.close_reason());
    eprintln!("conn {no} closed after {n} requests ({why:?})");
}
