//! Properties of the codec, checked with proptest:
//!
//! (a) any split of the input gives the same decoded items (data coalesced),
//!     the same error and the same undecoded rest, for valid messages built
//!     from random parts and for byte mutations of them, in both roles;
//! (b) encode-then-decode is the identity on arbitrary valid messages;
//! (c) on garbage with small limits the decoder never panics, always
//!     progresses or stops, and never holds more than its limits allow.

use bytes::{Bytes, BytesMut};
use h1conn::encode::{self, BodyEncoder};
use h1conn::{
    request_framing, response_framing, Decoded, Decoder, Error, Fields, Limits, Method, Request, Response,
    Role, Version,
};
use proptest::prelude::*;
use proptest::sample::{select, Index};

// ---------------------------------------------------------------------------
// Driving a decoder
// ---------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct Case {
    role: Role,
    /// Client role: method of each request, and whether it offered an upgrade.
    methods: Vec<(Method, bool)>,
    limits: Limits,
    input: Vec<u8>,
    eof: bool,
}

#[derive(Debug, PartialEq)]
struct Run {
    items: Vec<Decoded>,
    err: Option<Error>,
    rest: Vec<u8>,
}

/// Decode `pieces` in order, draining after each, then EOF if asked.
/// A paused decoder is resumed; consecutive data items are coalesced.
fn run(case: &Case, pieces: &[&[u8]]) -> Run {
    let mut dec = Decoder::new(case.role, case.limits);
    for (m, offers_upgrade) in &case.methods {
        dec.push_request(m.clone(), *offers_upgrade);
    }
    let mut buf = BytesMut::new();
    let mut items: Vec<Decoded> = Vec::new();
    let push = |items: &mut Vec<Decoded>, item: Decoded| match (items.last_mut(), item) {
        (Some(Decoded::Data(prev)), Decoded::Data(d)) => {
            let mut joined = prev.to_vec();
            joined.extend_from_slice(&d);
            *prev = Bytes::from(joined);
        }
        (_, item) => items.push(item),
    };
    let drain = |dec: &mut Decoder, buf: &mut BytesMut, items: &mut Vec<Decoded>| -> Result<(), Error> {
        loop {
            match dec.decode(buf)? {
                Some(item) => push(items, item),
                None if dec.is_paused() => dec.resume(),
                None => return Ok(()),
            }
        }
    };
    let mut err = None;
    for p in pieces {
        buf.extend_from_slice(p);
        if let Err(e) = drain(&mut dec, &mut buf, &mut items) {
            err = Some(e);
            break;
        }
    }
    if err.is_none() && case.eof {
        dec.set_eof();
        err = drain(&mut dec, &mut buf, &mut items).err();
    }
    Run {
        items,
        err,
        rest: if err.is_some() { Vec::new() } else { buf.to_vec() },
    }
}

fn split_at<'a>(input: &'a [u8], points: &[Index]) -> Vec<&'a [u8]> {
    let mut at: Vec<usize> = points.iter().map(|i| i.index(input.len() + 1)).collect();
    at.sort_unstable();
    at.dedup();
    let mut pieces = Vec::new();
    let mut start = 0;
    for p in at {
        pieces.push(&input[start..p]);
        start = p;
    }
    pieces.push(&input[start..]);
    pieces
}

// ---------------------------------------------------------------------------
// Raw messages from random parts, and mutations of them
// ---------------------------------------------------------------------------

fn field_name() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[A-Za-z][A-Za-z0-9-]{0,10}",
        1 => select(vec!["Host", "Content-Length", "Transfer-Encoding", "Connection", "Upgrade", "Expect"])
            .prop_map(String::from),
    ]
}

fn raw_fields() -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::vec((field_name(), "[ -~]{0,12}"), 0..3)
}

/// `(framing, body, chunk split points, chunk extension, trailer)`:
/// framing 0 = none, 1 = Content-Length, 2 = chunked, 3 = Content-Length one too many.
type RawBody = (u8, Vec<u8>, Vec<Index>, bool, bool);

fn raw_body() -> impl Strategy<Value = RawBody> {
    (
        prop_oneof![3 => Just(0u8), 8 => Just(1), 8 => Just(2), 1 => Just(3)],
        prop::collection::vec(any::<u8>(), 0..24),
        prop::collection::vec(any::<Index>(), 0..3),
        any::<bool>(),
        any::<bool>(),
    )
}

/// Append the framing field, the empty line and the body; `no_body` leaves
/// the body out (requests without framing, HEAD / 1xx / 204 / 304 answers)
/// but keeps the framing field.
fn push_body(out: &mut Vec<u8>, (framing, body, splits, ext, trailer): &RawBody, no_body: bool) {
    match framing {
        1 => out.extend_from_slice(format!("Content-Length: {}\r\n", body.len()).as_bytes()),
        2 => out.extend_from_slice(b"Transfer-Encoding: chunked\r\n"),
        3 => out.extend_from_slice(format!("Content-Length: {}\r\n", body.len() + 1).as_bytes()),
        _ => {}
    }
    out.extend_from_slice(b"\r\n");
    if no_body {
        return;
    }
    if *framing != 2 {
        out.extend_from_slice(body);
        return;
    }
    for (i, chunk) in split_at(body, splits).into_iter().enumerate() {
        if chunk.is_empty() {
            continue;
        }
        out.extend_from_slice(format!("{:x}", chunk.len()).as_bytes());
        if *ext && i == 0 {
            out.extend_from_slice(b";a=\"b c\"");
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(chunk);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"0\r\n");
    if *trailer {
        out.extend_from_slice(b"X-Sum: 1\r\n");
    }
    out.extend_from_slice(b"\r\n");
}

fn raw_request() -> impl Strategy<Value = Vec<u8>> {
    (
        select(vec![
            "GET", "POST", "PUT", "HEAD", "DELETE", "OPTIONS", "PATCH", "PURGE", "CONNECT",
        ]),
        "/[a-z0-9/?=&%._~-]{0,12}",
        prop::bool::weighted(0.8),
        prop::option::weighted(0.9, "[a-z]{1,6}(:[0-9]{1,4})?"),
        raw_fields(),
        prop::option::of(select(vec!["close", "keep-alive", "Close, foo", "upgrade"])),
        raw_body(),
        0usize..3,
    )
        .prop_map(|(method, target, v11, host, fields, conn, body, crlfs)| {
            let mut out = b"\r\n".repeat(crlfs);
            let target = if method == "CONNECT" {
                "a.example:443".to_string()
            } else {
                target
            };
            let version = if v11 { "HTTP/1.1" } else { "HTTP/1.0" };
            out.extend_from_slice(format!("{method} {target} {version}\r\n").as_bytes());
            if let Some(h) = host {
                out.extend_from_slice(format!("Host: {h}\r\n").as_bytes());
            }
            for (n, v) in fields {
                out.extend_from_slice(format!("{n}: {v}\r\n").as_bytes());
            }
            if let Some(c) = conn {
                out.extend_from_slice(format!("Connection: {c}\r\n").as_bytes());
            }
            let no_body = body.0 == 0;
            push_body(&mut out, &body, no_body);
            out
        })
}

fn raw_response() -> impl Strategy<Value = (Method, Vec<u8>)> {
    (
        select(vec!["GET", "GET", "POST", "HEAD", "CONNECT"]),
        prop_oneof![
            3 => select(vec![100u16, 101, 103, 200, 201, 204, 206, 301, 304, 404, 500]),
            1 => 100u16..600,
        ],
        "[A-Za-z ]{0,10}",
        prop::bool::weighted(0.8),
        raw_fields(),
        prop::option::of(select(vec!["close", "keep-alive", "upgrade"])),
        raw_body(),
    )
        .prop_map(|(method, status, reason, v11, fields, conn, body)| {
            let version = if v11 { "HTTP/1.1" } else { "HTTP/1.0" };
            let mut out = format!("{version} {status} {reason}\r\n").into_bytes();
            for (n, v) in fields {
                out.extend_from_slice(format!("{n}: {v}\r\n").as_bytes());
            }
            if let Some(c) = conn {
                out.extend_from_slice(format!("Connection: {c}\r\n").as_bytes());
            }
            let no_body = method == "HEAD" || status < 200 || status == 204 || status == 304;
            push_body(&mut out, &body, no_body);
            (Method::from_bytes(method.as_bytes()).unwrap(), out)
        })
}

const INTERESTING: &[u8] = b"\r\n\t :;,=\"0aF\x00\x0b\x7f\x80\xff";

/// `(kind, position, byte)`: 0 replace, 1 insert, 2 delete, 3 truncate.
fn mutations() -> impl Strategy<Value = Vec<(u8, Index, u8)>> {
    prop::collection::vec(
        (
            0u8..4,
            any::<Index>(),
            prop_oneof![3 => select(INTERESTING.to_vec()), 1 => any::<u8>()],
        ),
        0..3,
    )
}

fn mutate(mut v: Vec<u8>, muts: &[(u8, Index, u8)]) -> Vec<u8> {
    for (kind, at, byte) in muts {
        match kind {
            0 if !v.is_empty() => {
                let i = at.index(v.len());
                v[i] = *byte;
            }
            1 => {
                let i = at.index(v.len() + 1);
                v.insert(i, *byte);
            }
            2 if !v.is_empty() => {
                let i = at.index(v.len());
                v.remove(i);
            }
            3 => {
                let i = at.index(v.len() + 1);
                v.truncate(i);
            }
            _ => {}
        }
    }
    v
}

fn limits() -> impl Strategy<Value = Limits> {
    (any::<bool>(), any::<bool>()).prop_map(|(small, unfold)| {
        let base = if small {
            Limits {
                max_start_line: 40,
                max_field_line: 30,
                max_head_bytes: 120,
                max_fields: 4,
                max_chunk_line: 12,
                max_chunk_extensions: 6,
                max_trailer_bytes: 20,
                max_body: Some(30),
                ..Limits::default()
            }
        } else {
            Limits::default()
        };
        Limits {
            unfold_obs_fold_in_responses: unfold,
            ..base
        }
    })
}

fn server_case() -> impl Strategy<Value = Case> {
    (
        prop::collection::vec(raw_request(), 1..4),
        mutations(),
        any::<bool>(),
        limits(),
    )
        .prop_map(|(msgs, muts, eof, limits)| Case {
            role: Role::Server,
            methods: Vec::new(),
            limits,
            input: mutate(msgs.concat(), &muts),
            eof,
        })
}

fn client_case() -> impl Strategy<Value = Case> {
    (
        prop::collection::vec((raw_response(), any::<bool>()), 1..4),
        mutations(),
        any::<bool>(),
        limits(),
    )
        .prop_map(|(msgs, muts, eof, limits)| {
            let (methods, bytes): (Vec<(Method, bool)>, Vec<Vec<u8>>) =
                msgs.into_iter().map(|((m, bytes), up)| ((m, up), bytes)).unzip();
            Case {
                role: Role::Client,
                methods,
                limits,
                input: mutate(bytes.concat(), &muts),
                eof,
            }
        })
}

fn case() -> impl Strategy<Value = Case> {
    prop_oneof![server_case(), client_case()]
}

// ---------------------------------------------------------------------------
// Valid messages for the round trip
// ---------------------------------------------------------------------------

/// Names the framing and persistence rules read; the round trip sets those
/// itself.
const SPECIAL: &[&str] = &[
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "upgrade",
    "expect",
];

fn token_name() -> impl Strategy<Value = String> {
    "[A-Za-z0-9!#$%&'*+.^_`|~-]{1,16}".prop_filter("framing fields are set by the test", |n| {
        !SPECIAL.contains(&n.to_ascii_lowercase().as_str())
    })
}

fn is_ows(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// A byte of a field value or reason phrase: VCHAR, obs-text, SP, HTAB.
fn reason_byte() -> impl Strategy<Value = u8> {
    prop_oneof![4 => 0x21u8..=0x7e, 1 => 0x80u8..=0xff, 1 => Just(b' '), 1 => Just(b'\t')]
}

/// A field value without surrounding OWS.
fn field_value() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(reason_byte(), 0..16).prop_map(|v| {
        let start = v.iter().position(|&b| !is_ows(b)).unwrap_or(v.len());
        let end = v.iter().rposition(|&b| !is_ows(b)).map_or(start, |i| i + 1);
        v[start..end].to_vec()
    })
}

fn fields() -> impl Strategy<Value = Vec<(String, Vec<u8>)>> {
    prop::collection::vec((token_name(), field_value()), 0..5)
}

fn method() -> impl Strategy<Value = Method> {
    prop_oneof![
        select(vec![
            Method::GET,
            Method::HEAD,
            Method::POST,
            Method::PUT,
            Method::DELETE,
            Method::OPTIONS,
            Method::TRACE,
            Method::PATCH,
        ]),
        "[A-Za-z0-9!#$%&'*+.^_`|~-]{1,10}"
            .prop_filter("CONNECT pauses the decoder", |m| m != "CONNECT")
            .prop_map(|m| Method::from_bytes(m.as_bytes()).unwrap()),
    ]
}

fn target() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "/([!\"$&-;=?-\\[\\]^_a-~]|%[0-9A-Fa-f]{2}){0,30}",
        1 => "http://[a-z]{1,10}(:[0-9]{1,4})?/[a-z0-9/?=]{0,10}",
    ]
}

#[derive(Debug, Clone)]
struct Body {
    bytes: Vec<u8>,
    pieces: Vec<Index>,
    chunked: bool,
    trailers: Vec<(String, Vec<u8>)>,
}

fn body() -> impl Strategy<Value = Body> {
    (
        prop::collection::vec(any::<u8>(), 0..100),
        prop::collection::vec(any::<Index>(), 0..5),
        any::<bool>(),
        fields(),
    )
        .prop_map(|(bytes, pieces, chunked, trailers)| Body {
            bytes,
            pieces,
            chunked,
            trailers: if chunked { trailers } else { Vec::new() },
        })
}

fn version() -> impl Strategy<Value = Version> {
    prop_oneof![Just(Version::Http10), Just(Version::Http11)]
}

fn connection() -> impl Strategy<Value = Option<&'static str>> {
    prop::option::of(select(vec!["close", "keep-alive"]))
}

fn keep_alive(version: Version, conn: Option<&str>) -> bool {
    match version {
        Version::Http11 => conn != Some("close"),
        Version::Http10 => conn == Some("keep-alive"),
    }
}

fn pairs(f: &Fields) -> Vec<(Vec<u8>, Vec<u8>)> {
    f.iter().map(|f| (f.name.to_vec(), f.value.to_vec())).collect()
}

fn expected_pairs(fields: &[(&str, &[u8])]) -> Vec<(Vec<u8>, Vec<u8>)> {
    fields
        .iter()
        .map(|(n, v)| (n.as_bytes().to_vec(), v.to_vec()))
        .collect()
}

/// Encode `body` after `out`'s head with `framing`; return the trailers sent.
fn encode_body(framing: h1conn::Framing, body: &Body, out: &mut BytesMut) -> Fields {
    let mut enc = BodyEncoder::new(framing);
    for piece in split_at(&body.bytes, &body.pieces) {
        enc.data(piece, out).unwrap();
    }
    let trailers = Fields::from_pairs(body.trailers.iter().map(|(n, v)| (n.as_str(), v.as_slice()))).unwrap();
    enc.end(Some(&trailers), out).unwrap();
    trailers
}

/// Decode a whole message; return its items with data coalesced.
fn decode_all(role: Role, method: Option<Method>, wire: &[u8]) -> (Vec<Decoded>, Vec<u8>) {
    let case = Case {
        role,
        methods: method.into_iter().map(|m| (m, false)).collect(),
        limits: Limits {
            max_head_bytes: 1 << 20,
            ..Limits::default()
        },
        input: wire.to_vec(),
        eof: false,
    };
    let r = run(&case, &[wire]);
    assert_eq!(
        r.err,
        None,
        "decoding our own encoding failed: {:?}",
        String::from_utf8_lossy(wire)
    );
    (r.items, r.rest)
}

// ---------------------------------------------------------------------------
// Garbage
// ---------------------------------------------------------------------------

fn garbage() -> impl Strategy<Value = Vec<u8>> {
    let pieces: Vec<&'static [u8]> = vec![
        b"\r\n",
        b"\r\n\r\n",
        b"GET / HTTP/1.1\r\n",
        b"HTTP/1.1 200 OK\r\n",
        b"HTTP/1.0 101 X\r\n",
        b"Host: a\r\n",
        b"Content-Length: 3\r\n",
        b"Transfer-Encoding: chunked\r\n",
        b"Connection: close\r\n",
        b"Upgrade: x\r\n",
        b"5;a=b\r\n",
        b"0\r\n",
        b"ffffffff\r\n",
        b" ",
        b":",
        b"\n",
        b"\r",
    ];
    prop::collection::vec(
        prop_oneof![
            2 => any::<u8>().prop_map(|b| vec![b]),
            1 => prop::collection::vec(any::<u8>(), 1..20),
            2 => select(pieces).prop_map(|p| p.to_vec()),
        ],
        0..40,
    )
    .prop_map(|v| v.concat())
}

fn small_limits() -> impl Strategy<Value = Limits> {
    (
        (1usize..64, 1usize..64, 1usize..128, 0usize..6),
        (1usize..16, 0usize..8, 1usize..32),
        prop::option::of(0u64..64),
        any::<bool>(),
    )
        .prop_map(
            |(
                (max_start_line, max_field_line, max_head_bytes, max_fields),
                (max_chunk_line, max_chunk_extensions, max_trailer_bytes),
                max_body,
                unfold,
            )| Limits {
                max_start_line,
                max_field_line,
                max_head_bytes,
                max_fields,
                max_chunk_line,
                max_chunk_extensions,
                max_trailer_bytes,
                max_body,
                unfold_obs_fold_in_responses: unfold,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    /// (a) Whole input, random split points and one byte at a time give the
    /// same items, the same error and the same undecoded rest.
    #[test]
    fn any_split_gives_the_same_items(case in case(), points in prop::collection::vec(any::<Index>(), 0..8)) {
        let whole = run(&case, &[&case.input]);
        let split = run(&case, &split_at(&case.input, &points));
        prop_assert_eq!(&whole, &split, "random split");
        let bytes: Vec<&[u8]> = case.input.chunks(1).collect();
        let bytewise = run(&case, &bytes);
        prop_assert_eq!(&whole, &bytewise, "one byte at a time");
    }

    /// (b) A request built from random parts decodes to exactly what was
    /// built: head, fields, body bytes, trailers and the keep-alive decision.
    #[test]
    fn request_round_trip(
        method in method(),
        target in target(),
        version in version(),
        host in "[a-z]{1,10}(\\.[a-z]{2,3})?(:[0-9]{1,5})?",
        fields in fields(),
        conn in connection(),
        mut body in body(),
    ) {
        if version == Version::Http10 {
            body.chunked = false; // Transfer-Encoding needs HTTP/1.1
            body.trailers.clear();
        }
        let mut b = Request::builder(method.clone(), &target).version(version).header("Host", &host);
        let mut want: Vec<(&str, &[u8])> = vec![("Host", host.as_bytes())];
        for (n, v) in &fields {
            b = b.header(n, v);
            want.push((n, v));
        }
        if let Some(c) = conn {
            b = b.header("Connection", c);
            want.push(("Connection", c.as_bytes()));
        }
        let len = body.bytes.len().to_string();
        if body.chunked {
            b = b.header("Transfer-Encoding", "chunked");
            want.push(("Transfer-Encoding", b"chunked"));
        } else {
            b = b.header("Content-Length", &len);
            want.push(("Content-Length", len.as_bytes()));
        }
        let req = b.build().unwrap();
        let mut wire = BytesMut::new();
        encode::request_head(&req, &mut wire);
        let trailers = encode_body(request_framing(&req).unwrap(), &body, &mut wire);

        let (items, rest) = decode_all(Role::Server, None, &wire);
        prop_assert!(rest.is_empty(), "bytes left over: {:?}", rest);
        let Some(Decoded::Request(got)) = items.first() else {
            return Err(TestCaseError::fail(format!("no request head: {items:?}")));
        };
        prop_assert_eq!(got.method(), &method);
        prop_assert_eq!(got.target(), target.as_bytes());
        prop_assert_eq!(got.version(), version);
        prop_assert_eq!(pairs(got.fields()), expected_pairs(&want));
        prop_assert_eq!(got, &req);
        let (data, end) = match &items[1..] {
            [Decoded::Data(d), end] => (d.to_vec(), end),
            [end] => (Vec::new(), end),
            other => return Err(TestCaseError::fail(format!("unexpected items {other:?}"))),
        };
        prop_assert_eq!(data, body.bytes.clone());
        let Decoded::End { trailers: got_trailers, keep_alive: ka } = end else {
            return Err(TestCaseError::fail(format!("no end: {end:?}")));
        };
        prop_assert_eq!(pairs(got_trailers), pairs(&trailers));
        let want_trailers: Vec<(&str, &[u8])> =
            body.trailers.iter().map(|(n, v)| (n.as_str(), v.as_slice())).collect();
        prop_assert_eq!(pairs(got_trailers), expected_pairs(&want_trailers));
        prop_assert_eq!(*ka, keep_alive(version, conn));
    }

    /// (b) The same for responses (to GET), including 204 and 304, which
    /// carry no body.
    #[test]
    fn response_round_trip(
        status in 200u16..600,
        reason in prop::collection::vec(reason_byte(), 0..16),
        version in version(),
        fields in fields(),
        conn in connection(),
        mut body in body(),
    ) {
        let no_body = status == 204 || status == 304;
        if version == Version::Http10 {
            body.chunked = false;
            body.trailers.clear();
        }
        if no_body {
            body.bytes.clear();
            body.chunked = false;
            body.trailers.clear();
        }
        let mut b = Response::builder(status).reason(&reason).version(version);
        let mut want: Vec<(&str, &[u8])> = Vec::new();
        for (n, v) in &fields {
            b = b.header(n, v);
            want.push((n, v));
        }
        if let Some(c) = conn {
            b = b.header("Connection", c);
            want.push(("Connection", c.as_bytes()));
        }
        let len = body.bytes.len().to_string();
        if no_body {
        } else if body.chunked {
            b = b.header("Transfer-Encoding", "chunked");
            want.push(("Transfer-Encoding", b"chunked"));
        } else {
            b = b.header("Content-Length", &len);
            want.push(("Content-Length", len.as_bytes()));
        }
        let resp = b.build().unwrap();
        let mut wire = BytesMut::new();
        encode::response_head(&resp, &mut wire);
        let framing = response_framing(&resp, &Method::GET).unwrap();
        let trailers = encode_body(framing, &body, &mut wire);

        let (items, rest) = decode_all(Role::Client, Some(Method::GET), &wire);
        prop_assert!(rest.is_empty(), "bytes left over: {:?}", rest);
        let Some(Decoded::Response(got)) = items.first() else {
            return Err(TestCaseError::fail(format!("no response head: {items:?}")));
        };
        prop_assert_eq!(got.status(), status);
        prop_assert_eq!(got.reason(), &reason[..]);
        prop_assert_eq!(got.version(), version);
        prop_assert_eq!(pairs(got.fields()), expected_pairs(&want));
        prop_assert_eq!(got, &resp);
        let (data, end) = match &items[1..] {
            [Decoded::Data(d), end] => (d.to_vec(), end),
            [end] => (Vec::new(), end),
            other => return Err(TestCaseError::fail(format!("unexpected items {other:?}"))),
        };
        prop_assert_eq!(data, body.bytes.clone());
        let Decoded::End { trailers: got_trailers, keep_alive: ka } = end else {
            return Err(TestCaseError::fail(format!("no end: {end:?}")));
        };
        prop_assert_eq!(pairs(got_trailers), pairs(&trailers));
        prop_assert_eq!(*ka, keep_alive(version, conn));
    }

    /// (c) Garbage with small limits: no panic; every call fails, waits, or
    /// makes progress; errors are sticky; between calls the buffer holds no
    /// more than the largest limit that governs a pending line or head.
    #[test]
    fn garbage_is_bounded(
        input in garbage(),
        limits in small_limits(),
        server in any::<bool>(),
        methods in prop::collection::vec(
            select(vec![Method::GET, Method::HEAD, Method::CONNECT, Method::POST]),
            0..4,
        ),
        reads in prop::collection::vec(1usize..64, 1..16),
        eof in any::<bool>(),
        switch in any::<bool>(),
    ) {
        let role = if server { Role::Server } else { Role::Client };
        let mut dec = Decoder::new(role, limits);
        for m in methods {
            dec.push_method(m);
        }
        let bound = limits.max_head_bytes.max(limits.max_chunk_line).max(limits.max_trailer_bytes).max(2);
        let mut buf = BytesMut::new();
        let mut items = 0usize;
        let mut fed = 0usize;
        let mut rest: &[u8] = &input;
        let mut read = reads.iter().cycle();
        let mut failed = None;
        let mut finishing = false;
        'feed: loop {
            if rest.is_empty() {
                if !eof || finishing {
                    break;
                }
                dec.set_eof();
                finishing = true;
            } else {
                let n = (*read.next().unwrap()).min(rest.len());
                buf.extend_from_slice(&rest[..n]);
                rest = &rest[n..];
                fed += n;
            }
            loop {
                let before = buf.len();
                match dec.decode(&mut buf) {
                    Err(e) => {
                        prop_assert_eq!(dec.decode(&mut buf), Err(e), "errors are sticky");
                        prop_assert_eq!(dec.error(), Some(e));
                        failed = Some(e);
                        break 'feed;
                    }
                    Ok(Some(item)) => {
                        items += 1;
                        prop_assert!(items <= 2 * fed + 4, "items without input: {}", items);
                        match item {
                            Decoded::Data(d) => {
                                prop_assert!(!d.is_empty(), "empty data item");
                                prop_assert!(buf.len() < before, "data item consumed nothing");
                            }
                            Decoded::Request(_) | Decoded::Response(_) => {
                                prop_assert!(buf.len() < before, "head item consumed nothing");
                            }
                            Decoded::End { .. } | Decoded::Switched | Decoded::Closed => {}
                        }
                    }
                    Ok(None) if dec.is_paused() => {
                        if switch { dec.switch() } else { dec.resume() }
                    }
                    Ok(None) => break,
                }
            }
            if !dec.is_paused() && !dec.is_switched() {
                prop_assert!(
                    buf.len() < bound,
                    "decoder holds {} bytes, limits allow {}", buf.len(), bound
                );
            }
        }
        if let Some(e) = failed {
            prop_assert_eq!(e.side(), h1conn::Side::Remote);
        }
    }
}
