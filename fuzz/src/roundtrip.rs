//! The `roundtrip` harness: build messages with the builders, encode them
//! with `encode::request_head` / `response_head` and `BodyEncoder`, decode
//! the bytes, and check the decoder hands back exactly what was built.
//!
//! Inputs the builders (or `request_framing` / `response_framing`, or the
//! `BodyEncoder`) refuse are skipped: that is validation doing its job.

use arbitrary::Arbitrary;
use bytes::BytesMut;
use h1conn::encode::{self, BodyEncoder};
use h1conn::{
    request_framing, response_framing, Decoded, Decoder, Error, Fields, Framing, Limits, Method, Request,
    Response, Role, Version,
};

use crate::decode::Item;
use crate::method_of;

/// Field names a fuzzer byte picks from (the ones framing and persistence
/// look at, and a few that they do not).
pub const NAMES: [&str; 12] = [
    "Host",
    "Content-Length",
    "Transfer-Encoding",
    "Connection",
    "Upgrade",
    "Expect",
    "Keep-Alive",
    "TE",
    "Trailer",
    "X-Custom",
    "content-length",
    "HOST",
];

/// Field values a fuzzer byte picks from.
pub const VALUES: [&[u8]; 16] = [
    b"example.com",
    b"0",
    b"5",
    b"chunked",
    b"gzip, chunked",
    b"close",
    b"keep-alive",
    b"Upgrade",
    b"websocket",
    b"100-continue",
    b"",
    b"a b\tc",
    b"\xe9\xff",
    b"timeout=5, max=100",
    b"upgrade, close",
    b"[::1]:8080",
];

const AUTHORITIES: [&str; 4] = ["example.com:443", "[::1]:8080", "127.0.0.1:80", "a:1"];

#[derive(Arbitrary, Debug, Clone)]
pub enum MethodSpec {
    Known(u8),
    Token(Vec<u8>),
}

#[derive(Arbitrary, Debug, Clone)]
pub enum TargetSpec {
    /// `/` followed by these bytes.
    Origin(Vec<u8>),
    Asterisk,
    Authority(u8),
    /// `http://example.com/` followed by these bytes.
    Absolute(Vec<u8>),
    Raw(Vec<u8>),
}

#[derive(Arbitrary, Debug, Clone)]
pub enum NameSpec {
    Known(u8),
    Raw(Vec<u8>),
}

#[derive(Arbitrary, Debug, Clone)]
pub enum ValueSpec {
    Known(u8),
    Raw(Vec<u8>),
}

#[derive(Arbitrary, Debug, Clone)]
pub enum BodySpec {
    /// No framing field added, no body bytes.
    Empty,
    /// `Content-Length: <total>` added, pieces written.
    Length(Vec<Vec<u8>>),
    /// `Transfer-Encoding: chunked` added, pieces and trailers written.
    Chunked {
        pieces: Vec<Vec<u8>>,
        trailers: Vec<(NameSpec, ValueSpec)>,
    },
    /// No framing field added; pieces written as the fields' framing says.
    Bare(Vec<Vec<u8>>),
}

#[derive(Arbitrary, Debug, Clone)]
pub struct MessageSpec {
    /// Requests: the method. Responses: the method of the request answered.
    pub method: MethodSpec,
    pub target: TargetSpec,
    /// Responses: `status % 600`.
    pub status: u16,
    /// Responses: a reason phrase instead of the canonical one.
    pub reason: Option<Vec<u8>>,
    pub http10: bool,
    /// Requests: add `Host: example.com` first. Responses: the request
    /// answered offered a protocol upgrade (`Decoder::push_request`).
    pub add_host: bool,
    pub fields: Vec<(NameSpec, ValueSpec)>,
    pub body: BodySpec,
}

#[derive(Arbitrary, Debug, Clone)]
pub struct RoundtripInput {
    /// `false`: requests decoded by a server; `true`: responses by a client.
    pub client: bool,
    /// Feed the encoded bytes in pieces of this size (`0`: at once).
    pub split: u8,
    pub messages: Vec<MessageSpec>,
}

fn name(n: &NameSpec) -> Vec<u8> {
    match n {
        NameSpec::Known(i) => NAMES[*i as usize % NAMES.len()].as_bytes().to_vec(),
        NameSpec::Raw(b) => b.clone(),
    }
}

fn value(v: &ValueSpec) -> Vec<u8> {
    match v {
        ValueSpec::Known(i) => VALUES[*i as usize % VALUES.len()].to_vec(),
        ValueSpec::Raw(b) => b.clone(),
    }
}

fn method(m: &MethodSpec) -> Option<Method> {
    match m {
        MethodSpec::Known(i) => Some(method_of(*i)),
        MethodSpec::Token(b) => Method::from_bytes(b).ok(),
    }
}

fn target(t: &TargetSpec) -> Vec<u8> {
    match t {
        TargetSpec::Origin(b) => [&b"/"[..], b].concat(),
        TargetSpec::Asterisk => b"*".to_vec(),
        TargetSpec::Authority(i) => AUTHORITIES[*i as usize % AUTHORITIES.len()].as_bytes().to_vec(),
        TargetSpec::Absolute(b) => [&b"http://example.com/"[..], b].concat(),
        TargetSpec::Raw(b) => b.clone(),
    }
}

fn pieces(b: &BodySpec) -> &[Vec<u8>] {
    match b {
        BodySpec::Empty => &[],
        BodySpec::Length(p) | BodySpec::Chunked { pieces: p, .. } | BodySpec::Bare(p) => p,
    }
}

fn version(http10: bool) -> Version {
    if http10 {
        Version::Http10
    } else {
        Version::Http11
    }
}

/// Limits loose enough for anything the fuzzer can build.
pub fn loose_limits() -> Limits {
    Limits {
        max_start_line: 1 << 20,
        max_field_line: 1 << 20,
        max_head_bytes: 1 << 22,
        max_fields: 1 << 16,
        max_trailer_bytes: 1 << 22,
        max_body: None,
        ..Limits::DEFAULT
    }
}

/// What one built message should decode to.
struct Built {
    items: Vec<Item>,
    /// Nothing more is read after this message.
    last: bool,
}

/// Encode one message's body; `None` if the encoder refused (skip).
fn body(framing: Framing, spec: &BodySpec, out: &mut BytesMut) -> Option<(Vec<u8>, Fields)> {
    let mut enc = BodyEncoder::new(framing);
    let mut sent = Vec::new();
    if !matches!(framing, Framing::None | Framing::Switch) {
        for p in pieces(spec) {
            enc.data(p, out).ok()?;
            sent.extend_from_slice(p);
        }
    }
    let trailers = match (spec, framing) {
        (BodySpec::Chunked { trailers, .. }, Framing::Chunked) => {
            Fields::from_pairs(trailers.iter().map(|(n, v)| (name(n), value(v)))).ok()?
        }
        _ => Fields::new(),
    };
    enc.end(Some(&trailers), out).ok()?;
    assert!(enc.is_done());
    Some((sent, trailers))
}

fn add_body_framing(spec: &BodySpec) -> Option<(&'static str, String)> {
    match spec {
        BodySpec::Length(p) => Some((
            "Content-Length",
            p.iter().map(Vec::len).sum::<usize>().to_string(),
        )),
        BodySpec::Chunked { .. } => Some(("Transfer-Encoding", "chunked".to_string())),
        BodySpec::Empty | BodySpec::Bare(_) => None,
    }
}

fn tail(framing: Framing, keep_alive: bool, sent: Vec<u8>, trailers: Fields, items: &mut Vec<Item>) -> bool {
    if !sent.is_empty() {
        items.push(Item::Data(sent));
    }
    let ka = keep_alive && framing != Framing::UntilClose;
    items.push(Item::End {
        trailers,
        keep_alive: ka,
    });
    !ka
}

fn build_request(spec: &MessageSpec, out: &mut BytesMut) -> Option<Built> {
    let mut b = Request::builder(method(&spec.method)?, target(&spec.target)).version(version(spec.http10));
    if spec.add_host {
        b = b.header("Host", "example.com");
    }
    for (n, v) in &spec.fields {
        b = b.header(name(n), value(v));
    }
    if let Some((n, v)) = add_body_framing(&spec.body) {
        b = b.header(n, v);
    }
    let req = b.build().ok()?;
    let framing = request_framing(&req).ok()?;
    encode::request_head(&req, out);
    let (sent, trailers) = body(framing, &spec.body, out)?;
    if req.version() == Version::Http11 && !req.fields().contains("host") {
        // Known asymmetry: the builder does not require Host, the decoder
        // does (RFC 9112 §3.2 MUST 400).
        return Some(Built {
            items: vec![Item::Error(Error::MissingHost)],
            last: true,
        });
    }
    let keep_alive = req.keep_alive();
    let mut items = vec![Item::Request(req)];
    let last = tail(framing, keep_alive, sent, trailers, &mut items);
    Some(Built { items, last })
}

fn build_response(
    spec: &MessageSpec,
    answering: &Method,
    offered: bool,
    out: &mut BytesMut,
) -> Option<Built> {
    let mut b = Response::builder(spec.status % 600).version(version(spec.http10));
    if let Some(r) = &spec.reason {
        b = b.reason(r);
    }
    for (n, v) in &spec.fields {
        b = b.header(name(n), value(v));
    }
    if let Some((n, v)) = add_body_framing(&spec.body) {
        b = b.header(n, v);
    }
    let resp = b.build().ok()?;
    let framing = response_framing(&resp, answering).ok()?;
    encode::response_head(&resp, out);
    let (sent, trailers) = body(framing, &spec.body, out)?;
    let keep_alive = resp.keep_alive();
    let interim = resp.is_interim();
    if resp.status() == 101 && !(offered && resp.fields().contains("upgrade")) {
        // The builder builds any 101; the decoder takes one only in answer
        // to a request that offered an upgrade, and naming the protocol.
        return Some(Built {
            items: vec![Item::Error(Error::UnexpectedSwitch)],
            last: true,
        });
    }
    let mut items = vec![Item::Response(resp)];
    if framing == Framing::Switch {
        items.push(Item::Switched);
        return Some(Built { items, last: true });
    }
    if interim {
        return Some(Built { items, last: false });
    }
    let last = tail(framing, keep_alive, sent, trailers, &mut items);
    Some(Built { items, last })
}

/// What [`run`] did with an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The first message was refused by a builder or the body encoder.
    Skipped,
    /// This many messages were built, encoded, decoded and compared.
    Checked(usize),
}

/// Build, encode, decode, compare. Panics on a mismatch.
pub fn run(input: &RoundtripInput) -> Outcome {
    let role = if input.client { Role::Client } else { Role::Server };
    let mut wire = BytesMut::new();
    let mut expected = Vec::new();
    let mut methods = Vec::new();
    let mut interim_for: Option<(Method, bool)> = None;
    let mut n_built = 0;
    for spec in input.messages.iter().take(4) {
        let mut out = BytesMut::new();
        let built = if input.client {
            let (m, offered) = match interim_for.take() {
                Some(m) => m,
                None => {
                    let Some(m) = method(&spec.method) else { break };
                    methods.push((m.clone(), spec.add_host));
                    (m, spec.add_host)
                }
            };
            // A method pushed for a message that is then refused is harmless:
            // nothing answers it, and EOF after a complete message is Closed.
            let Some(b) = build_response(spec, &m, offered, &mut out) else {
                break;
            };
            if matches!(b.items.last(), Some(Item::Response(_))) {
                interim_for = Some((m, offered));
            }
            b
        } else {
            let Some(b) = build_request(spec, &mut out) else {
                break;
            };
            b
        };
        wire.extend_from_slice(&out);
        expected.extend(built.items);
        n_built += 1;
        if built.last {
            break;
        }
    }
    if n_built == 0 {
        return Outcome::Skipped;
    }
    let stream_over = matches!(expected.last(), Some(Item::Switched | Item::Error(_)));
    if !stream_over {
        expected.push(Item::Closed);
    }

    let mut dec = Decoder::new(role, loose_limits());
    for (m, offered) in &methods {
        dec.push_request(m.clone(), *offered);
    }
    let mut got: Vec<Item> = Vec::new();
    let mut buf = BytesMut::new();
    let step = if input.split == 0 {
        wire.len().max(1)
    } else {
        usize::from(input.split)
    };
    let mut failed = false;
    for piece in wire.chunks(step) {
        buf.extend_from_slice(piece);
        failed = drain(&mut dec, &mut buf, &mut got);
        if failed {
            break;
        }
    }
    if !failed {
        dec.set_eof();
        drain(&mut dec, &mut buf, &mut got);
    }
    assert_eq!(
        got,
        expected,
        "decoded items differ from what was built\nwire: {:?}",
        bytes::Bytes::copy_from_slice(&wire)
    );
    Outcome::Checked(n_built)
}

/// Decode until `None`; resume after a paused request. `true` on error.
fn drain(dec: &mut Decoder, buf: &mut BytesMut, got: &mut Vec<Item>) -> bool {
    loop {
        let item = match dec.decode(buf) {
            Ok(None) => return false,
            Ok(Some(item)) => item,
            Err(e) => {
                got.push(Item::Error(e));
                return true;
            }
        };
        let item = match item {
            Decoded::Request(r) => Item::Request(r),
            Decoded::Response(r) => Item::Response(r),
            Decoded::Data(d) => {
                if let Some(Item::Data(prev)) = got.last_mut() {
                    prev.extend_from_slice(&d);
                    continue;
                }
                Item::Data(d.to_vec())
            }
            Decoded::End { trailers, keep_alive } => Item::End { trailers, keep_alive },
            Decoded::Switched => Item::Switched,
            Decoded::Closed => Item::Closed,
        };
        got.push(item);
        if dec.is_paused() {
            dec.resume();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arbitrary::{Arbitrary, Unstructured};

    fn msg(method: u8, status: u16, body: BodySpec) -> MessageSpec {
        MessageSpec {
            method: MethodSpec::Known(method),
            target: TargetSpec::Origin(b"x?y=1".to_vec()),
            status,
            reason: None,
            http10: false,
            add_host: true,
            fields: vec![(NameSpec::Known(9), ValueSpec::Known(11))],
            body,
        }
    }

    #[test]
    fn hand_built_exchanges() {
        let chunked = BodySpec::Chunked {
            pieces: vec![b"ab".to_vec(), vec![], b"cde".to_vec()],
            trailers: vec![(NameSpec::Raw(b"X-Sum".to_vec()), ValueSpec::Raw(b"7".to_vec()))],
        };
        for client in [false, true] {
            for split in [0, 1, 3] {
                let input = RoundtripInput {
                    client,
                    split,
                    messages: vec![
                        msg(3, 200, chunked.clone()),
                        msg(0, 100, BodySpec::Empty),
                        msg(1, 404, BodySpec::Length(vec![b"12".to_vec(), b"3".to_vec()])),
                        msg(2, 200, BodySpec::Bare(vec![b"tunnel".to_vec()])),
                    ],
                };
                assert_eq!(
                    run(&input),
                    Outcome::Checked(if client { 4 } else { 3 }),
                    "client {client}"
                );
            }
        }
    }

    /// How much of a corpus gets past the builders:
    /// `cargo test --lib -- --ignored --nocapture corpus_stats`.
    #[test]
    #[ignore]
    fn corpus_stats() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/roundtrip");
        let (mut skipped, mut checked, mut messages) = (0, 0, 0);
        let mut by_count = [0usize; 5];
        let (mut client, mut server) = (0, 0);
        for e in std::fs::read_dir(dir).unwrap() {
            let data = std::fs::read(e.unwrap().path()).unwrap();
            let Ok(input) = RoundtripInput::arbitrary_take_rest(Unstructured::new(&data)) else {
                continue;
            };
            match run(&input) {
                Outcome::Skipped => skipped += 1,
                Outcome::Checked(n) => {
                    checked += 1;
                    messages += n;
                    by_count[n.min(4)] += 1;
                    if input.client {
                        client += 1
                    } else {
                        server += 1
                    }
                }
            }
        }
        println!(
            "skipped {skipped}, checked {checked} ({client} client, {server} server), \
             {messages} messages, by message count {by_count:?}"
        );
    }
}
