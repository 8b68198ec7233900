//! The trace driver: feeds raw bytes from standard input through one
//! connection state machine and prints what it saw as JSON Lines, exactly as
//! `shared/trace-protocol.md` specifies.
//!
//! ```text
//! cargo run --release --example trace -- --role server [--chunk N] < bytes
//! cargo run --release --example trace -- --role client [--method M[,M...]] [--chunk N] < bytes
//! ```

use std::io::{Read, Write};
use std::process::ExitCode;

use bytes::BytesMut;
use h1conn::{
    CloseReason, Config, Connection, Event, Fields, Instant, Method, Request, RequestId, Response, Role,
};

struct Args {
    role: Role,
    methods: Vec<Method>,
    chunk: usize,
}

fn usage(msg: &str) -> ExitCode {
    eprintln!("trace: {msg}");
    eprintln!("usage: trace --role server|client [--method M[,M...]] [--chunk N] < bytes");
    ExitCode::from(2)
}

fn parse_args() -> Result<Args, String> {
    let mut role = None;
    let mut methods = vec![Method::GET];
    let mut chunk = 0usize;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match a.as_str() {
            "--role" => {
                role = Some(match value("--role")?.as_str() {
                    "server" => Role::Server,
                    "client" => Role::Client,
                    other => return Err(format!("unknown role {other:?}")),
                })
            }
            "--method" => {
                methods = value("--method")?
                    .split(',')
                    .map(|m| Method::from_bytes(m.as_bytes()).map_err(|e| format!("method {m:?}: {e}")))
                    .collect::<Result<_, _>>()?;
            }
            "--chunk" => {
                chunk = value("--chunk")?
                    .parse()
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or("--chunk needs a positive integer")?;
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Args {
        role: role.ok_or("--role is required")?,
        methods,
        chunk,
    })
}

/// JSON string of protocol bytes, each byte mapped to the code point of the
/// same number (ISO-8859-1).
fn latin1(out: &mut String, bytes: &[u8]) {
    out.push('"');
    for &b in bytes {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\u{b:04x}")),
        }
    }
    out.push('"');
}

/// JSON string of human text (Unicode, escaped as JSON requires).
fn json_text(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn pairs(out: &mut String, fields: &Fields) {
    out.push('[');
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('[');
        latin1(out, f.name);
        out.push(',');
        latin1(out, f.value);
        out.push(']');
    }
    out.push(']');
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Prints events, coalescing consecutive body data so that the output does
/// not depend on how the input was split.
struct Printer {
    out: std::io::BufWriter<std::io::Stdout>,
    data: Vec<u8>,
    finished: bool,
}

impl Printer {
    fn flush_data(&mut self) {
        if !self.data.is_empty() {
            let d = std::mem::take(&mut self.data);
            let _ = writeln!(self.out, "{{\"event\":\"data\",\"hex\":\"{}\"}}", hex(&d));
        }
    }

    fn line(&mut self, s: &str) {
        self.flush_data();
        let _ = writeln!(self.out, "{s}");
    }
}

struct Trace {
    args: Args,
    conn: Connection,
    now: Instant,
    sent: usize,
    /// Client role: responses completed.
    answered: usize,
    p: Printer,
    /// Bytes that belong to the new protocol after a switch.
    rest: Option<Vec<u8>>,
    sink: BytesMut,
}

impl Trace {
    /// Client role: send the next request in `--method` order (the last
    /// repeats), as an application would.
    /// Requests sent and not yet answered.
    fn queued(&self) -> usize {
        self.sent - self.answered
    }

    fn send_request(&mut self) -> bool {
        let m = self.args.methods[self.sent.min(self.args.methods.len() - 1)].clone();
        let target = if m.is_connect() { "trace.invalid:443" } else { "/" };
        // Each request offers an upgrade, so that a 101 is a legitimate
        // answer (RFC 9110 §7.8); persistence is unaffected.
        let Ok(req) = Request::builder(m, target)
            .header("Host", "trace.invalid:443")
            .header("Connection", "upgrade")
            .header("Upgrade", "websocket, h2c")
            .build()
        else {
            return false;
        };
        let ok = self.conn.send_request(req).is_ok();
        if ok {
            self.sent += 1;
        }
        ok
    }

    /// Server role: the driver answers every request with an empty 200
    /// (`Connection: close` when the request did not allow persistence).
    fn answer(&mut self, id: RequestId, keep_alive: bool) {
        let mut b = Response::builder(200).header("Content-Length", "0");
        if !keep_alive {
            b = b.header("Connection", "close");
        }
        if let Ok(resp) = b.build() {
            let _ = self.conn.send_response(id, resp);
            let _ = self.conn.send_end(id, None);
        }
    }

    fn drain(&mut self) {
        while let Some(ev) = self.conn.poll_event() {
            if self.p.finished || self.rest.is_some() {
                continue;
            }
            self.print(ev);
        }
        self.sink.clear();
        self.conn.poll_transmit(&mut self.sink);
        while self.conn.poll_action().is_some() {}
    }

    fn error(&mut self, e: h1conn::Error) {
        let mut s = String::from("{\"event\":\"error\",\"kind\":");
        latin1(&mut s, e.kind().as_bytes());
        s.push_str(",\"detail\":");
        json_text(&mut s, &e.to_string());
        s.push('}');
        self.p.line(&s);
        self.p.finished = true;
    }

    fn print(&mut self, ev: Event) {
        let mut s = String::new();
        match ev {
            Event::Request { head: req, .. } => {
                s.push_str("{\"event\":\"request\",\"method\":");
                latin1(&mut s, req.method().as_bytes());
                s.push_str(",\"target\":");
                latin1(&mut s, req.target());
                s.push_str(&format!(",\"version\":\"{}\",\"headers\":", req.version()));
                pairs(&mut s, req.fields());
                s.push('}');
            }
            Event::Response { head: resp, .. } | Event::Interim { head: resp, .. } => {
                s.push_str(&format!(
                    "{{\"event\":\"response\",\"status\":{},\"reason\":",
                    resp.status()
                ));
                latin1(&mut s, resp.reason());
                s.push_str(&format!(",\"version\":\"{}\",\"headers\":", resp.version()));
                pairs(&mut s, resp.fields());
                s.push('}');
            }
            Event::Data { data, .. } => {
                self.p.data.extend_from_slice(&data);
                return;
            }
            Event::End {
                id,
                trailers,
                keep_alive,
            } => {
                s.push_str(&format!(
                    "{{\"event\":\"end\",\"keep_alive\":{keep_alive},\"trailers\":"
                ));
                pairs(&mut s, &trailers);
                s.push('}');
                self.p.line(&s);
                match self.args.role {
                    Role::Server => self.answer(id, keep_alive),
                    Role::Client => {
                        self.answered += 1;
                        self.send_request();
                    }
                }
                return;
            }
            Event::Switched { rest, .. } => {
                self.rest = Some(rest.to_vec());
                return;
            }
            Event::PeerClosed => {
                s.push_str("{\"event\":\"closed\"}");
                self.p.finished = true;
            }
            Event::Error(e) => return self.error(e),
            Event::ConnectionLost { reason, .. } => {
                if let CloseReason::Protocol(e) = reason {
                    self.error(e);
                }
                return;
            }
        }
        self.p.line(&s);
    }
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => return usage(&e),
    };
    let mut input = Vec::new();
    if let Err(e) = std::io::stdin().read_to_end(&mut input) {
        eprintln!("trace: reading stdin: {e}");
        return ExitCode::from(2);
    }
    let chunk = if args.chunk == 0 {
        input.len().max(1)
    } else {
        args.chunk
    };
    let role = args.role;
    let now = Instant::ZERO;
    let mut t = Trace {
        args,
        conn: Connection::new(role, Config::default(), now),
        now,
        sent: 0,
        answered: 0,
        p: Printer {
            out: std::io::BufWriter::new(std::io::stdout()),
            data: Vec::new(),
            finished: false,
        },
        rest: None,
        sink: BytesMut::new(),
    };

    for piece in input.chunks(chunk) {
        if let Some(rest) = t.rest.as_mut() {
            rest.extend_from_slice(piece);
            continue;
        }
        if role == Role::Client {
            // Requests go out before the bytes that answer them: queue one
            // for every response head this piece could start, plus the one
            // in progress (bytes nobody asked for are an error, RFC 9112
            // §6.3). Unanswered ones are dropped at the end, unprinted.
            let heads = memchr::memmem::find_iter(piece, b"HTTP/").count();
            while t.queued() < heads + 2 {
                if !t.send_request() {
                    break;
                }
            }
        }
        let mut piece = piece;
        while !piece.is_empty() {
            let n = t.conn.handle_input(t.now, piece);
            piece = &piece[n..];
            t.drain();
            if let Some(rest) = t.rest.as_mut() {
                rest.extend_from_slice(piece);
                break;
            }
            if n == 0 {
                break;
            }
        }
    }
    if t.rest.is_none() {
        t.conn.handle_eof(t.now);
        t.drain();
    }
    if let (Some(rest), false) = (&t.rest, t.p.finished) {
        // Everything after the head belongs to the new protocol.
        let line = format!("{{\"event\":\"switched\",\"rest_hex\":\"{}\"}}", hex(rest));
        t.p.line(&line);
    } else {
        t.p.flush_data();
    }
    let _ = t.p.out.flush();
    ExitCode::SUCCESS
}
