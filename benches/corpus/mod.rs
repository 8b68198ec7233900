//! The three corpora of `benches/parse.rs` and the walkers that read them, shared by the
//! bench, the callgrind harness (`examples/corpus_walk.rs`) and `tests/allocations.rs`
//! (each includes this file with `#[path = ...] mod corpus;`).
//!
//! Everything is generated in code from a seeded xorshift PRNG (no checked-in blobs):
//!
//! * `requests_1k` ([`gen_requests`]): 1,000 browser and API requests, 8 to 15 header fields
//!   each, GET / POST / PUT / DELETE / HEAD, some with `Content-Length` bodies and some chunked
//!   (several chunks, a few chunk extensions), as one pipelined stream;
//! * `responses_1k` ([`gen_responses`]): 1,000 responses (`Content-Length` bodies, chunked
//!   bodies, bodiless 204 and 304), 5 to 12 header fields each, answering 1,000 GETs;
//! * `plaintext_10k` ([`gen_plaintext`]): the TechEmpower plaintext request, 10,000 times
//!   pipelined.
//!
//! The walkers: [`h1conn_walk`] decodes a whole stream with a [`Decoder`], touching every body
//! `Data`; [`httparse_walk`] runs `httparse::{Request, Response}::parse` with one fixed
//! `[EMPTY_HEADER; 32]`, a case-insensitive search for `Content-Length` / `Transfer-Encoding`,
//! then skips the body (CL bytes, or a minimal chunked skipper; 1xx, 204 and 304 bodiless).
//! The full-cycle walkers (a whole `Connection` of h1conn, and of http-net, receiving,
//! answering or sending) are in [`full_cycle`].

pub(crate) mod full_cycle;

use std::hint::black_box;

use bytes::{Bytes, BytesMut};
use h1conn::{Decoded, Decoder, Limits, Method, Role};

// ---------------------------------------------------------------------------------------------
// Deterministic generation
// ---------------------------------------------------------------------------------------------

/// xorshift64*: small, seeded, good enough to vary a corpus.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }

    /// Picks from `(weight, value)` pairs.
    fn weighted<T: Copy>(&mut self, xs: &[(usize, T)]) -> T {
        let total: usize = xs.iter().map(|x| x.0).sum();
        let mut r = self.below(total);
        for &(w, v) in xs {
            if r < w {
                return v;
            }
            r -= w;
        }
        xs[xs.len() - 1].1
    }

    fn shuffle<T>(&mut self, xs: &mut [T]) {
        for i in (1..xs.len()).rev() {
            xs.swap(i, self.below(i + 1));
        }
    }

    fn string_of(&mut self, alphabet: &[u8], n: usize) -> String {
        (0..n).map(|_| char::from(*self.pick(alphabet))).collect()
    }

    fn hex(&mut self, n: usize) -> String {
        self.string_of(b"0123456789abcdef", n)
    }

    fn alnum(&mut self, n: usize) -> String {
        self.string_of(
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
            n,
        )
    }

    fn base64(&mut self, n: usize) -> String {
        self.string_of(
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
            n,
        )
    }

    fn uuid(&mut self) -> String {
        format!(
            "{}-{}-4{}-a{}-{}",
            self.hex(8),
            self.hex(4),
            self.hex(3),
            self.hex(3),
            self.hex(12)
        )
    }

    fn http_date(&mut self) -> String {
        let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
        let months = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        format!(
            "{}, {:02} {} 2024 {:02}:{:02}:{:02} GMT",
            self.pick(&days),
            self.range(1, 28),
            self.pick(&months),
            self.below(24),
            self.below(60),
            self.below(60)
        )
    }

    /// Printable body bytes (JSON-ish text), `n` of them.
    fn body(&mut self, n: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(n + 64);
        while out.len() < n {
            let name_len = self.range(4, 16);
            let rec = format!(
                "{{\"id\":{},\"name\":\"{}\",\"tags\":[\"{}\",\"{}\"],\"score\":{}.{}}},",
                self.below(1_000_000),
                self.alnum(name_len),
                self.alnum(5),
                self.alnum(7),
                self.below(100),
                self.below(100)
            );
            out.extend_from_slice(rec.as_bytes());
        }
        out.truncate(n);
        out
    }
}

/// How a generated body is framed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum BodyKind {
    None,
    Length,
    Chunked,
}

/// Messages and body bytes: what every walker must agree on.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tally {
    pub(crate) messages: usize,
    pub(crate) body_bytes: u64,
}

/// One pipelined stream and what it holds.
pub(crate) struct Corpus {
    pub(crate) name: &'static str,
    pub(crate) role: Role,
    pub(crate) bytes: Bytes,
    /// Client role: the method of each request the responses answer.
    pub(crate) methods: Vec<Method>,
    pub(crate) expected: Tally,
}

/// Appends a body in chunked coding: `total` bytes in several chunks, some with extensions.
fn push_chunked(rng: &mut Rng, out: &mut Vec<u8>, total: usize, max_chunk: usize) {
    let data = rng.body(total);
    let mut rest = &data[..];
    while !rest.is_empty() {
        let n = rng.range(1, max_chunk).min(rest.len());
        let size = if rng.chance(20) {
            format!("{n:X}")
        } else {
            format!("{n:x}")
        };
        out.extend_from_slice(size.as_bytes());
        if rng.chance(10) {
            out.extend_from_slice(format!(";ext{}={}", rng.below(10), rng.alnum(6)).as_bytes());
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(&rest[..n]);
        out.extend_from_slice(b"\r\n");
        rest = &rest[n..];
    }
    out.extend_from_slice(b"0\r\n\r\n");
}

fn push_head(out: &mut Vec<u8>, start_line: &str, fields: &[(&str, String)]) {
    out.extend_from_slice(start_line.as_bytes());
    out.extend_from_slice(b"\r\n");
    for (name, value) in fields {
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
}

const BROWSER_UAS: [&str; 4] = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) \
     Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) \
     Version/17.4.1 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) \
     Version/17.4 Mobile/15E148 Safari/604.1",
];

const API_UAS: [&str; 5] = [
    "curl/8.5.0",
    "okhttp/4.12.0",
    "python-requests/2.31.0",
    "Go-http-client/1.1",
    "axios/1.6.8",
];

const HOSTS: [&str; 5] = [
    "www.example.com",
    "api.example.com",
    "shop.example.org:8443",
    "localhost:8080",
    "cdn.example.net",
];

fn browser_target(rng: &mut Rng) -> String {
    match rng.below(8) {
        0 => "/".to_string(),
        1 => "/index.html".to_string(),
        2 => format!("/products/{}", rng.below(100_000)),
        3 => format!("/static/js/main.{}.js", rng.hex(8)),
        4 => format!("/static/css/site.{}.css", rng.hex(8)),
        5 => format!(
            "/images/{}.webp?w={}&q=75",
            rng.below(1_000_000),
            rng.pick(&[320, 640, 1280])
        ),
        6 => format!("/search?q=http+parser+{}&page={}", rng.alnum(5), rng.range(1, 20)),
        _ => format!(
            "/blog/2024/{:02}/{}-{}",
            rng.range(1, 12),
            rng.alnum(8),
            rng.alnum(6)
        ),
    }
}

fn api_target(rng: &mut Rng) -> String {
    match rng.below(6) {
        0 => format!("/api/v1/users/{}", rng.below(10_000_000)),
        1 => format!(
            "/api/v2/orders?status=open&limit=50&offset={}",
            rng.below(100) * 50
        ),
        2 => "/v1/events".to_string(),
        3 => "/graphql".to_string(),
        4 => format!("/api/v1/items/{}/comments", rng.uuid()),
        _ => format!("/api/v1/sessions/{}", rng.hex(24)),
    }
}

fn browser_fields(rng: &mut Rng, host: &str) -> Vec<(&'static str, String)> {
    let cookies: Vec<String> = (0..rng.range(1, 5))
        .map(|i| match i {
            0 => format!("session_id={}", rng.hex(32)),
            1 => format!(
                "_ga=GA1.2.{}.{}",
                rng.below(1 << 30),
                1_700_000_000 + rng.below(10_000_000)
            ),
            2 => format!("csrftoken={}", rng.alnum(32)),
            3 => "theme=dark".to_string(),
            _ => format!("_gid=GA1.2.{}", rng.below(1 << 30)),
        })
        .collect();
    vec![
        ("User-Agent", rng.pick(&BROWSER_UAS).to_string()),
        (
            "Accept",
            rng.pick(&[
                "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
                "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8",
                "text/css,*/*;q=0.1",
                "*/*",
            ])
            .to_string(),
        ),
        (
            "Accept-Language",
            rng.pick(&[
                "en-US,en;q=0.9",
                "de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7",
                "fr-FR,fr;q=0.9",
            ])
            .to_string(),
        ),
        (
            "Accept-Encoding",
            rng.pick(&["gzip, deflate, br, zstd", "gzip, deflate, br"])
                .to_string(),
        ),
        ("Cookie", cookies.join("; ")),
        ("Referer", format!("https://{host}{}", browser_target(rng))),
        (
            "sec-ch-ua",
            "\"Chromium\";v=\"124\", \"Google Chrome\";v=\"124\", \"Not-A.Brand\";v=\"99\"".to_string(),
        ),
        ("sec-ch-ua-mobile", rng.pick(&["?0", "?1"]).to_string()),
        (
            "sec-ch-ua-platform",
            rng.pick(&["\"Windows\"", "\"macOS\"", "\"Linux\""]).to_string(),
        ),
        (
            "Sec-Fetch-Site",
            rng.pick(&["same-origin", "none", "cross-site"]).to_string(),
        ),
        (
            "Sec-Fetch-Mode",
            rng.pick(&["navigate", "no-cors", "cors"]).to_string(),
        ),
        (
            "Sec-Fetch-Dest",
            rng.pick(&["document", "image", "script", "style"]).to_string(),
        ),
        ("Upgrade-Insecure-Requests", "1".to_string()),
        ("Cache-Control", rng.pick(&["max-age=0", "no-cache"]).to_string()),
        ("Connection", "keep-alive".to_string()),
        ("If-None-Match", format!("W/\"{}\"", rng.hex(16))),
        ("If-Modified-Since", rng.http_date()),
        ("Priority", "u=0, i".to_string()),
    ]
}

fn api_fields(rng: &mut Rng) -> Vec<(&'static str, String)> {
    vec![
        ("User-Agent", rng.pick(&API_UAS).to_string()),
        (
            "Accept",
            rng.pick(&["application/json", "*/*", "application/vnd.api+json"])
                .to_string(),
        ),
        (
            "Authorization",
            if rng.chance(80) {
                format!(
                    "Bearer eyJhbGciOiJSUzI1NiJ9.{}.{}",
                    rng.base64(120),
                    rng.base64(43)
                )
            } else {
                format!("Basic {}", rng.base64(32))
            },
        ),
        ("X-Request-Id", rng.uuid()),
        ("Accept-Encoding", "gzip".to_string()),
        (
            "X-Forwarded-For",
            format!(
                "203.0.113.{}, 10.0.{}.{}",
                rng.below(256),
                rng.below(256),
                rng.below(256)
            ),
        ),
        ("X-Forwarded-Proto", "https".to_string()),
        ("X-Api-Version", "2024-04-01".to_string()),
        ("traceparent", format!("00-{}-{}-01", rng.hex(32), rng.hex(16))),
        ("cache-control", "no-cache".to_string()),
        ("Connection", "keep-alive".to_string()),
        ("X-Correlation-Id", rng.uuid()),
        ("Origin", "https://app.example.com".to_string()),
        ("Accept-Language", "en".to_string()),
        ("Referer", "https://app.example.com/dashboard".to_string()),
    ]
}

pub(crate) fn gen_requests(seed: u64, count: usize) -> Corpus {
    let mut rng = Rng::new(seed);
    let mut out = Vec::new();
    let mut body_bytes = 0u64;
    for _ in 0..count {
        let method = rng.weighted(&[(55, "GET"), (20, "POST"), (8, "PUT"), (7, "DELETE"), (10, "HEAD")]);
        let api = rng.chance(45);
        let host = rng.pick(&HOSTS).to_string();
        let target = if api {
            api_target(&mut rng)
        } else {
            browser_target(&mut rng)
        };
        let body = match method {
            "POST" | "PUT" if rng.chance(70) => BodyKind::Length,
            "POST" | "PUT" => BodyKind::Chunked,
            _ => BodyKind::None,
        };
        let mut framing: Vec<(&str, String)> = Vec::new();
        let mut body_len = 0;
        if body != BodyKind::None {
            let (lo, hi) = rng.weighted(&[(60, (16, 512)), (35, (512, 4096)), (5, (4096, 32768))]);
            body_len = rng.range(lo, hi);
            let content_type = rng.pick(&[
                "application/json",
                "application/x-www-form-urlencoded",
                "text/plain;charset=UTF-8",
            ]);
            framing.push(("Content-Type", content_type.to_string()));
            framing.push(match body {
                BodyKind::Length => ("Content-Length", body_len.to_string()),
                _ => ("Transfer-Encoding", "chunked".to_string()),
            });
        }
        let mut pool = if api {
            api_fields(&mut rng)
        } else {
            browser_fields(&mut rng, &host)
        };
        rng.shuffle(&mut pool);
        let total = rng.range(8, 15);
        pool.truncate(total - 1 - framing.len());
        pool.extend(framing);
        rng.shuffle(&mut pool);
        pool.insert(0, ("Host", host));
        push_head(&mut out, &format!("{method} {target} HTTP/1.1"), &pool);
        match body {
            BodyKind::None => {}
            BodyKind::Length => out.extend_from_slice(&rng.body(body_len)),
            BodyKind::Chunked => push_chunked(&mut rng, &mut out, body_len, 1024),
        }
        body_bytes += body_len as u64;
    }
    Corpus {
        name: "requests_1k",
        role: Role::Server,
        bytes: Bytes::from(out),
        methods: Vec::new(),
        expected: Tally {
            messages: count,
            body_bytes,
        },
    }
}

pub(crate) fn gen_responses(seed: u64, count: usize) -> Corpus {
    let mut rng = Rng::new(seed);
    let mut out = Vec::new();
    let mut body_bytes = 0u64;
    for _ in 0..count {
        let status = rng.weighted(&[
            (62, (200, "OK")),
            (12, (304, "Not Modified")),
            (4, (201, "Created")),
            (3, (204, "No Content")),
            (2, (301, "Moved Permanently")),
            (3, (302, "Found")),
            (10, (404, "Not Found")),
            (4, (500, "Internal Server Error")),
        ]);
        let body = match status.0 {
            204 | 304 => BodyKind::None,
            _ if rng.chance(65) => BodyKind::Length,
            _ => BodyKind::Chunked,
        };
        let body_len = match body {
            BodyKind::None => 0,
            _ => {
                let (lo, hi) = rng.weighted(&[(40, (0, 512)), (45, (512, 8192)), (15, (8192, 65536))]);
                rng.range(lo, hi)
            }
        };
        let mut fixed: Vec<(&str, String)> = Vec::new();
        match body {
            BodyKind::Length => fixed.push(("Content-Length", body_len.to_string())),
            BodyKind::Chunked => fixed.push(("Transfer-Encoding", "chunked".to_string())),
            // Some 304s carry the length of the representation they stand for.
            BodyKind::None if status.0 == 304 && rng.chance(30) => {
                fixed.push(("Content-Length", rng.range(100, 50_000).to_string()))
            }
            BodyKind::None => {}
        }
        if status.0 == 301 || status.0 == 302 {
            fixed.push((
                "Location",
                format!("https://www.example.com{}", browser_target(&mut rng)),
            ));
        }
        let mut pool: Vec<(&str, String)> = vec![
            ("Date", rng.http_date()),
            (
                "Server",
                rng.pick(&[
                    "nginx/1.25.4",
                    "cloudflare",
                    "Apache/2.4.58 (Ubuntu)",
                    "envoy",
                    "gunicorn",
                ])
                .to_string(),
            ),
            (
                "Content-Type",
                rng.pick(&[
                    "text/html; charset=utf-8",
                    "application/json",
                    "image/webp",
                    "text/css",
                    "application/javascript; charset=utf-8",
                ])
                .to_string(),
            ),
            (
                "Cache-Control",
                rng.pick(&[
                    "public, max-age=31536000, immutable",
                    "no-store",
                    "private, max-age=0",
                ])
                .to_string(),
            ),
            ("ETag", format!("W/\"{}-{}\"", rng.hex(4), rng.hex(16))),
            ("Last-Modified", rng.http_date()),
            (
                "Vary",
                rng.pick(&["Accept-Encoding", "Origin, Accept-Encoding"])
                    .to_string(),
            ),
            (
                "Strict-Transport-Security",
                "max-age=63072000; includeSubDomains; preload".to_string(),
            ),
            ("X-Content-Type-Options", "nosniff".to_string()),
            (
                "Set-Cookie",
                format!(
                    "session={}; Path=/; HttpOnly; Secure; SameSite=Lax",
                    rng.alnum(32)
                ),
            ),
            ("Access-Control-Allow-Origin", "*".to_string()),
            ("X-Request-Id", rng.uuid()),
            ("Age", rng.below(86_400).to_string()),
            ("Connection", "keep-alive".to_string()),
            ("x-cache", rng.pick(&["HIT", "MISS"]).to_string()),
        ];
        rng.shuffle(&mut pool);
        let total = rng.range(5, 12).max(fixed.len() + 1);
        pool.truncate(total - fixed.len());
        pool.extend(fixed);
        rng.shuffle(&mut pool);
        push_head(&mut out, &format!("HTTP/1.1 {} {}", status.0, status.1), &pool);
        match body {
            BodyKind::None => {}
            BodyKind::Length => out.extend_from_slice(&rng.body(body_len)),
            BodyKind::Chunked => push_chunked(&mut rng, &mut out, body_len, 8192),
        }
        body_bytes += body_len as u64;
    }
    Corpus {
        name: "responses_1k",
        role: Role::Client,
        bytes: Bytes::from(out),
        methods: vec![Method::GET; count],
        expected: Tally {
            messages: count,
            body_bytes,
        },
    }
}

pub(crate) const PLAINTEXT: &[u8] = b"GET /plaintext HTTP/1.1\r\nHost: localhost:8080\r\n\
Accept: text/plain,text/html;q=0.9,application/xhtml+xml;q=0.9,application/xml;q=0.8,*/*;q=0.7\r\n\
Connection: keep-alive\r\n\r\n";

pub(crate) fn gen_plaintext(count: usize) -> Corpus {
    Corpus {
        name: "plaintext_10k",
        role: Role::Server,
        bytes: Bytes::from(PLAINTEXT.repeat(count)),
        methods: Vec::new(),
        expected: Tally {
            messages: count,
            body_bytes: 0,
        },
    }
}

// ---------------------------------------------------------------------------------------------
// The two walkers
// ---------------------------------------------------------------------------------------------

pub(crate) fn new_decoder(corpus: &Corpus) -> Decoder {
    let mut dec = Decoder::new(corpus.role, Limits::default());
    for m in &corpus.methods {
        dec.push_method(m.clone());
    }
    dec
}

/// h1conn: decode the whole stream, touching every body piece. Returns the tally, the number
/// of `End` items and the (now empty) buffer.
pub(crate) fn h1conn_walk(mut dec: Decoder, mut buf: BytesMut) -> (Tally, usize, BytesMut) {
    let mut tally = Tally::default();
    let mut ends = 0;
    while let Some(item) = dec.decode(&mut buf).expect("corpus decodes") {
        match item {
            Decoded::Request(req) => {
                black_box(&req);
                tally.messages += 1;
            }
            Decoded::Response(resp) => {
                black_box(&resp);
                tally.messages += 1;
            }
            Decoded::Data(d) => {
                tally.body_bytes += d.len() as u64;
                black_box(&d);
            }
            Decoded::End { .. } => ends += 1,
            other => panic!("unexpected item {other:?}"),
        }
    }
    (tally, ends, buf)
}

enum Body {
    None,
    Length(u64),
    Chunked,
}

/// The framing headers, found case-insensitively: the least a head parser's caller must do.
fn httparse_framing(headers: &[httparse::Header<'_>]) -> Body {
    let mut body = Body::None;
    for h in headers {
        if h.name.eq_ignore_ascii_case("content-length") {
            let mut n = 0u64;
            for &c in h.value {
                assert!(c.is_ascii_digit(), "bad Content-Length");
                n = n * 10 + u64::from(c - b'0');
            }
            body = Body::Length(n);
        } else if h.name.eq_ignore_ascii_case("transfer-encoding") && h.value.eq_ignore_ascii_case(b"chunked")
        {
            body = Body::Chunked;
        }
    }
    body
}

fn expect_crlf(b: &[u8], at: usize) {
    assert!(&b[at..at + 2] == b"\r\n", "expected CRLF");
}

/// A minimal chunked-body skipper: hex size, extensions skipped, data and CRLF skipped, then
/// trailer lines up to the empty line. Returns the bytes consumed.
fn skip_chunked(b: &[u8], tally: &mut Tally) -> usize {
    let mut pos = 0;
    loop {
        let mut size = 0u64;
        loop {
            let v = match b[pos] {
                c @ b'0'..=b'9' => c - b'0',
                c @ b'a'..=b'f' => c - b'a' + 10,
                c @ b'A'..=b'F' => c - b'A' + 10,
                _ => break,
            };
            size = size * 16 + u64::from(v);
            pos += 1;
        }
        if b[pos] == b';' {
            pos += memchr::memchr(b'\r', &b[pos..]).expect("chunk line ends");
        }
        expect_crlf(b, pos);
        pos += 2;
        if size == 0 {
            loop {
                let line = memchr::memchr(b'\n', &b[pos..]).expect("trailer line ends") + 1;
                pos += line;
                if line == 2 {
                    return pos;
                }
            }
        }
        pos += size as usize;
        tally.body_bytes += size;
        expect_crlf(b, pos);
        pos += 2;
    }
}

fn skip_body(body: Body, rest: &[u8], tally: &mut Tally) -> usize {
    match body {
        Body::None => 0,
        Body::Length(n) => {
            tally.body_bytes += n;
            black_box(&rest[..n as usize]);
            n as usize
        }
        Body::Chunked => skip_chunked(rest, tally),
    }
}

fn httparse_requests(buf: &[u8]) -> Tally {
    let mut tally = Tally::default();
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut pos = 0;
    while pos < buf.len() {
        let mut req = httparse::Request::new(&mut headers);
        let n = match req.parse(&buf[pos..]) {
            Ok(httparse::Status::Complete(n)) => n,
            other => panic!("httparse: {other:?}"),
        };
        black_box(&req);
        pos += n;
        tally.messages += 1;
        let body = httparse_framing(req.headers);
        pos += skip_body(body, &buf[pos..], &mut tally);
    }
    tally
}

fn httparse_responses(buf: &[u8]) -> Tally {
    let mut tally = Tally::default();
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut pos = 0;
    while pos < buf.len() {
        let mut resp = httparse::Response::new(&mut headers);
        let n = match resp.parse(&buf[pos..]) {
            Ok(httparse::Status::Complete(n)) => n,
            other => panic!("httparse: {other:?}"),
        };
        black_box(&resp);
        pos += n;
        tally.messages += 1;
        let code = resp.code.expect("parsed status");
        let body = if code < 200 || code == 204 || code == 304 {
            Body::None
        } else {
            httparse_framing(resp.headers)
        };
        pos += skip_body(body, &buf[pos..], &mut tally);
    }
    tally
}

pub(crate) fn httparse_walk(role: Role, buf: &[u8]) -> Tally {
    match role {
        Role::Server => httparse_requests(buf),
        Role::Client => httparse_responses(buf),
    }
}

/// The three corpora, as the bench measures them.
pub(crate) fn corpora() -> Vec<Corpus> {
    vec![
        gen_requests(0x5eed_0001, 1_000),
        gen_responses(0x5eed_0002, 1_000),
        gen_plaintext(10_000),
    ]
}
