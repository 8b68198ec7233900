//! The hello-world server of the socket race (`scripts/race-hyper.sh`): the
//! same application as `hyper_hello.rs`, on tokio, one task per connection,
//! every request answered `200 OK` with `Content-Type: text/plain`, a cached
//! `Date` and `Hello, World!`, built with h1conn's own [`Response`] builder
//! (no conversion through the `http` crate) and no per-connection request
//! limit, as hyper has none. Request bodies are read and dropped.
//!
//! ```text
//! cargo run --release --example tokio_hello -- [--listen 127.0.0.1:8080]
//! ```
//!
//! `tokio_server.rs` is the general driver (an echo through the `http`
//! crate); this one exists so that the race compares like with like.

mod common;

use std::net::SocketAddr;
use std::time::{Duration, SystemTime};

use bytes::{Bytes, BytesMut};
use h1conn::{Action, Config, Connection, Event, Instant, Response, Role, State};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const BODY: &[u8] = b"Hello, World!";

#[tokio::main]
async fn main() {
    let listener = TcpListener::from_std(common::server_listener(true))
        .unwrap_or_else(|e| common::die(&format!("cannot listen: {e}")));
    let base = std::time::Instant::now();
    loop {
        match listener.accept().await {
            Ok((sock, peer)) => drop(tokio::spawn(serve(sock, peer, base))),
            Err(e) => eprintln!("accept: {e}"),
        }
    }
}

/// The response head, rebuilt when the second changes (as hyper caches its
/// `Date`, RFC 9110 §6.6.1).
struct Hello {
    second: u64,
    head: Response,
}

impl Hello {
    fn new() -> Hello {
        let mut h = Hello {
            second: u64::MAX,
            head: Response::builder(200)
                .build()
                .unwrap_or_else(|e| common::die(&e.to_string())),
        };
        h.refresh();
        h
    }

    fn refresh(&mut self) {
        let now = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or(Duration::ZERO);
        if now.as_secs() == self.second {
            return;
        }
        self.second = now.as_secs();
        let built = Response::builder(200)
            .header("Content-Type", "text/plain")
            .header("Content-Length", "13")
            .header("Date", imf_fixdate(self.second))
            .build();
        match built {
            Ok(head) => self.head = head,
            Err(e) => eprintln!("cannot build the response: {e}"),
        }
    }
}

/// IMF-fixdate (RFC 9110 §5.6.7) of `secs` since the Unix epoch.
fn imf_fixdate(secs: u64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} GMT",
        DAYS[(days % 7) as usize],
        day,
        MONTHS[(month - 1) as usize],
        year,
        rem / 3_600,
        rem % 3_600 / 60,
        rem % 60
    )
}

async fn serve(mut sock: TcpStream, _peer: SocketAddr, base: std::time::Instant) {
    let now = || Instant::from_std(base, std::time::Instant::now());
    let _ = sock.set_nodelay(true);
    let config = Config {
        max_requests: None,
        ..Config::default()
    };
    let mut conn = Connection::new(Role::Server, config, now());
    let (mut buf, mut out, mut eof) = (vec![0u8; 64 * 1024], BytesMut::new(), false);
    let mut hello = Hello::new();
    let body = Bytes::from_static(BODY);
    // Events of one exchange arrive in order (Request, Data..., End), so the
    // method of the request being answered is the last one seen.
    let mut head_only = false;
    'io: loop {
        while let Some(ev) = conn.poll_event() {
            match ev {
                Event::Request { head, .. } => head_only = *head.method() == h1conn::Method::HEAD,
                Event::End { id, .. } => {
                    hello.refresh();
                    let sent = conn.send_response(id, hello.head.clone()).and_then(|()| {
                        if head_only {
                            Ok(())
                        } else {
                            conn.send_data(id, &body).and_then(|()| conn.send_end(id, None))
                        }
                    });
                    if let Err(e) = sent {
                        eprintln!("cannot answer: {e}");
                    }
                }
                Event::Error(e) => eprintln!("bad request: {e}"),
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
        if conn.state() == State::Switched {
            break; // CONNECT answered with 200: this server does not tunnel
        }
        let cap = conn.read_capacity().min(buf.len());
        let deadline = conn.poll_timeout().map(|t| t.to_std(base).into());
        tokio::select! {
            read = sock.read(&mut buf[..cap]), if cap > 0 && !eof => match read {
                Ok(0) => {
                    eof = true;
                    conn.handle_eof(now())
                }
                Ok(n) => drop(conn.handle_input(now(), &buf[..n])),
                Err(_) => conn.handle_reset(now()),
            },
            () = tokio::time::sleep_until(deadline.unwrap_or_else(tokio::time::Instant::now)), if deadline.is_some() => {
                conn.handle_timeout(now())
            }
            else => break,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::imf_fixdate;

    #[test]
    fn imf_fixdate_examples() {
        assert_eq!(imf_fixdate(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        // RFC 9110 §5.6.7's example.
        assert_eq!(imf_fixdate(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(imf_fixdate(951_782_400), "Tue, 29 Feb 2000 00:00:00 GMT");
    }
}
