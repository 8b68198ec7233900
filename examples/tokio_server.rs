//! The echo server on tokio, one task per connection; the application sees
//! `http::Request<()>` and answers with an `http::Response`, converted by
//! h1conn's `http` feature. Each task waits for bytes or the machine's next
//! deadline, whichever comes first.
//!
//! ```text
//! cargo run --release --features http --example tokio_server -- [--listen 127.0.0.1:8080]
//! ```

mod common;

use std::net::SocketAddr;

use bytes::BytesMut;
use h1conn::{Action, Config, Connection, Event, Instant, RequestId, Response, Role, State};
use http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

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

/// The application: 200 with `<METHOD> <target>\n` and the request body.
fn echo(req: &http::Request<()>, body: &[u8]) -> http::Response<Vec<u8>> {
    let mut answer = format!("{} {}\n", req.method(), req.uri()).into_bytes();
    answer.extend_from_slice(body);
    http::Response::builder()
        .header(CONTENT_TYPE, "text/plain")
        .header(CONTENT_LENGTH, answer.len())
        .body(answer)
        .expect("valid response")
}

async fn serve(mut sock: TcpStream, peer: SocketAddr, base: std::time::Instant) {
    let now = || Instant::from_std(base, std::time::Instant::now());
    let no = common::next_conn_no();
    eprintln!("conn {no} opened from {peer}");
    let _ = sock.set_nodelay(true);
    let mut conn = Connection::new(Role::Server, Config::default(), now());
    let (mut buf, mut out, mut eof) = (vec![0u8; 64 * 1024], BytesMut::new(), false);
    let mut request: Option<(http::Request<()>, Vec<u8>)> = None;
    'io: loop {
        while let Some(ev) = conn.poll_event() {
            match ev {
                Event::Request { head, .. } => match http::Request::<()>::try_from(&head) {
                    Ok(req) => request = Some((req, Vec::new())),
                    Err(e) => eprintln!("conn {no}: {e}"),
                },
                Event::Data { data, .. } => request.iter_mut().for_each(|(_, b)| b.extend_from_slice(&data)),
                Event::End { id, .. } => respond(&mut conn, id, request.take()),
                Event::Error(e) => eprintln!("conn {no}: bad request: {e}"),
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
            break; // CONNECT answered: the echo does not tunnel
        }
        // Wait for bytes (if the machine takes any) or the next deadline.
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
    let (n, why) = (conn.requests_completed(), conn.close_reason());
    eprintln!("conn {no} closed after {n} requests ({why:?})");
}

fn respond(conn: &mut Connection, id: RequestId, request: Option<(http::Request<()>, Vec<u8>)>) {
    let head_request = request
        .as_ref()
        .is_some_and(|(r, _)| r.method() == http::Method::HEAD);
    let answer = match request {
        Some((req, body)) => echo(&req, &body),
        None => http::Response::builder()
            .status(400)
            .header(CONTENT_LENGTH, 0)
            .body(Vec::new())
            .expect("valid"),
    };
    match Response::try_from(&answer) {
        Ok(head) => common::answer(conn, id, head, (!head_request).then_some(&answer.body()[..])),
        Err(e) => eprintln!("cannot answer: {e}"),
    }
}
