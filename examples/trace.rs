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
use h1conn::{Decoded, Decoder, Fields, Limits, Method, Role};

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
    fn line(&mut self, s: &str) {
        if !self.data.is_empty() {
            let d = std::mem::take(&mut self.data);
            let _ = writeln!(self.out, "{{\"event\":\"data\",\"hex\":\"{}\"}}", hex(&d));
        }
        let _ = writeln!(self.out, "{s}");
    }
}

struct Trace {
    args: Args,
    dec: Decoder,
    buf: BytesMut,
    sent: usize,
    p: Printer,
    /// Server role: the request being read is a CONNECT (answered 200, so
    /// the connection becomes a tunnel after it).
    connect: bool,
    switched: bool,
}

impl Trace {
    /// Client role: keep one request outstanding, as if the driver had sent
    /// the next one in `--method` order (the last repeats).
    fn send_requests(&mut self) {
        if self.args.role == Role::Client && self.dec.outstanding() == 0 {
            let m = &self.args.methods[self.sent.min(self.args.methods.len() - 1)];
            self.dec.push_method(m.clone());
            self.sent += 1;
        }
    }

    fn drain(&mut self) {
        while !self.p.finished && !self.switched {
            self.send_requests();
            let item = match self.dec.decode(&mut self.buf) {
                Ok(Some(item)) => item,
                Ok(None) => return,
                Err(e) => {
                    let mut s = String::from("{\"event\":\"error\",\"kind\":");
                    latin1(&mut s, e.kind().as_bytes());
                    s.push_str(",\"detail\":");
                    latin1(&mut s, e.to_string().as_bytes());
                    s.push('}');
                    self.p.line(&s);
                    self.p.finished = true;
                    return;
                }
            };
            self.print(item);
        }
    }

    fn print(&mut self, item: Decoded) {
        let mut s = String::new();
        match item {
            Decoded::Request(req) => {
                self.connect = req.method().is_connect();
                s.push_str("{\"event\":\"request\",\"method\":");
                latin1(&mut s, req.method().as_bytes());
                s.push_str(",\"target\":");
                latin1(&mut s, req.target());
                s.push_str(&format!(",\"version\":\"{}\",\"headers\":", req.version()));
                pairs(&mut s, req.fields());
                s.push('}');
            }
            Decoded::Response(resp) => {
                s.push_str(&format!(
                    "{{\"event\":\"response\",\"status\":{},\"reason\":",
                    resp.status()
                ));
                latin1(&mut s, resp.reason());
                s.push_str(&format!(",\"version\":\"{}\",\"headers\":", resp.version()));
                pairs(&mut s, resp.fields());
                s.push('}');
            }
            Decoded::Data(d) => {
                self.p.data.extend_from_slice(&d);
                return;
            }
            Decoded::End { trailers, keep_alive } => {
                s.push_str(&format!(
                    "{{\"event\":\"end\",\"keep_alive\":{keep_alive},\"trailers\":"
                ));
                pairs(&mut s, &trailers);
                s.push('}');
                self.p.line(&s);
                // Server role: the driver answers the request now with an
                // empty 200; a 200 to CONNECT opens a tunnel.
                if self.dec.is_paused() {
                    if self.connect {
                        self.dec.switch();
                        self.switched = true;
                    } else {
                        self.dec.resume();
                    }
                }
                return;
            }
            Decoded::Switched => {
                self.switched = true;
                return;
            }
            Decoded::Closed => {
                s.push_str("{\"event\":\"closed\"}");
                self.p.finished = true;
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
    let mut t = Trace {
        args,
        dec: Decoder::new(role, Limits::default()),
        buf: BytesMut::new(),
        sent: 0,
        p: Printer {
            out: std::io::BufWriter::new(std::io::stdout()),
            data: Vec::new(),
            finished: false,
        },
        connect: false,
        switched: false,
    };
    for piece in input.chunks(chunk) {
        t.buf.extend_from_slice(piece);
        t.drain();
    }
    if !t.switched {
        t.dec.set_eof();
        t.drain();
    }
    if t.switched && !t.p.finished {
        // Everything after the head belongs to the new protocol.
        let rest = hex(&t.buf);
        t.p.line(&format!("{{\"event\":\"switched\",\"rest_hex\":\"{rest}\"}}"));
    } else if !t.p.data.is_empty() {
        t.p.line("");
    }
    let _ = t.p.out.flush();
    ExitCode::SUCCESS
}
