//! hyper's hello world, the yardstick of `scripts/race-hyper.sh`: hyper 1.x's HTTP/1 server on
//! tokio (multi-threaded runtime, one task per connection, `TCP_NODELAY`, as
//! `examples/tokio_server.rs`), answering every request with `200`, `Content-Type: text/plain`,
//! `Content-Length: 13` and `Hello, World!`. Pipelined responses are flushed together
//! (`pipeline_flush`), hyper's setting for pipelined benchmarks; hyper adds its cached `Date`.
//!
//! ```text
//! cargo run --release --example hyper_hello -- [--listen 127.0.0.1:8080]
//! ```

use std::convert::Infallible;
use std::net::SocketAddr;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{HeaderValue, CONTENT_LENGTH, CONTENT_TYPE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

const BODY: &[u8] = b"Hello, World!";

fn die(msg: &str) -> ! {
    eprintln!("hyper_hello: {msg}");
    std::process::exit(2)
}

/// `--listen ADDR` (default 127.0.0.1:8080).
fn listen_addr() -> SocketAddr {
    let mut args = std::env::args().skip(1);
    let mut addr = String::from("127.0.0.1:8080");
    while let Some(a) = args.next() {
        match (a.as_str(), args.next()) {
            ("--listen", Some(v)) => addr = v,
            _ => die(&format!("usage: hyper_hello [--listen ADDR] (got {a:?})")),
        }
    }
    addr.parse()
        .unwrap_or_else(|e| die(&format!("bad address {addr:?}: {e}")))
}

async fn hello(_: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let mut resp = Response::new(Full::new(Bytes::from_static(BODY)));
    let headers = resp.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/plain"));
    headers.insert(CONTENT_LENGTH, HeaderValue::from_static("13"));
    Ok(resp)
}

#[tokio::main]
async fn main() {
    let listener = TcpListener::bind(listen_addr())
        .await
        .unwrap_or_else(|e| die(&format!("cannot listen: {e}")));
    if let Ok(addr) = listener.local_addr() {
        eprintln!("listening on {addr}");
    }
    loop {
        let (sock, _) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(e) => {
                eprintln!("accept: {e}");
                continue;
            }
        };
        let _ = sock.set_nodelay(true);
        drop(tokio::spawn(async move {
            let served = http1::Builder::new()
                .pipeline_flush(true)
                .serve_connection(TokioIo::new(sock), service_fn(hello))
                .await;
            if let Err(e) = served {
                if !e.is_incomplete_message() {
                    eprintln!("connection: {e}");
                }
            }
        }));
    }
}
