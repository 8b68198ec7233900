//! RFC 9112 rules as a table of raw inputs, one `#[test]` per row (the
//! httparse manner). Each row names the rule it proves, the receiving side
//! (a server, or a client with the methods of its outstanding requests), the
//! bytes, and the expected outcome: the decoded items in a compact summary,
//! an error variant, or both.
//!
//! Every row is decoded twice, whole and one byte at a time; both runs must
//! give the same outcome (the split-invariance promise, here on every row).
//!
//! Summary syntax, items separated by ` | `:
//! `req METHOD TARGET 1.x`, `resp STATUS`, `data BYTES` (consecutive data
//! coalesced, bytes escaped), `end ka` / `end close` (keep-alive decision)
//! with `[Name: value; ...]` trailers when there are any, `switched`,
//! `closed`, and `rest BYTES` for bytes left undecoded in the buffer.
//! With `.show()` heads also list their fields (and a response its reason
//! and version).
//!
//! A second table covers the encoder: builders refuse bytes that could split
//! a message, and `BodyEncoder` refuses bodies that break their framing.

use bytes::BytesMut;
use h1conn::encode::{self, BodyEncoder};
use h1conn::{
    request_framing, response_framing, Decoded, Decoder, Error as E, Error, Fields, Framing, Limits, Method,
    Request, Response, Role, Side, Version,
};

// ---------------------------------------------------------------------------
// The decoding harness
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum OnPause {
    /// Leave the decoder paused (the bytes after the request stay put).
    Wait,
    /// The server answered 101 / 2xx: `Decoder::switch`.
    Switch,
    /// The server answered otherwise: `Decoder::resume`.
    Resume,
}

#[derive(Clone, Debug)]
struct Setup {
    role: Role,
    methods: Vec<(Method, bool)>,
    limits: Limits,
    eof: bool,
    show: bool,
    on_pause: OnPause,
}

/// A server decoding requests.
fn srv() -> Setup {
    Setup {
        role: Role::Server,
        methods: Vec::new(),
        limits: Limits::default(),
        eof: false,
        show: false,
        on_pause: OnPause::Wait,
    }
}

/// A client decoding responses to requests with these methods
/// (space-separated, oldest first); `GET+up` is a request that offered a
/// protocol upgrade (`Upgrade` with `Connection: upgrade`).
fn cli(methods: &str) -> Setup {
    Setup {
        role: Role::Client,
        methods: methods
            .split_whitespace()
            .map(|m| {
                let (m, up) = m.strip_suffix("+up").map_or((m, false), |m| (m, true));
                (Method::from_bytes(m.as_bytes()).unwrap(), up)
            })
            .collect(),
        ..srv()
    }
}

impl Setup {
    /// The peer closes after the input.
    fn eof(mut self) -> Self {
        self.eof = true;
        self
    }
    /// Show fields (and reason, version) in head summaries.
    fn show(mut self) -> Self {
        self.show = true;
        self
    }
    fn unfold(mut self) -> Self {
        self.limits.unfold_obs_fold_in_responses = true;
        self
    }
    fn lim(mut self, f: impl FnOnce(&mut Limits)) -> Self {
        f(&mut self.limits);
        self
    }
    fn switch(mut self) -> Self {
        self.on_pause = OnPause::Switch;
        self
    }
    fn resume(mut self) -> Self {
        self.on_pause = OnPause::Resume;
        self
    }
}

#[derive(Debug, PartialEq)]
struct Outcome {
    items: String,
    err: Option<Error>,
}

fn esc(b: &[u8]) -> String {
    b.escape_ascii().to_string()
}

fn ver(v: Version) -> &'static str {
    match v {
        Version::Http10 => "1.0",
        Version::Http11 => "1.1",
    }
}

fn show_fields(f: &Fields) -> String {
    let parts: Vec<String> = f
        .iter()
        .map(|f| format!("{}: {}", esc(f.name), esc(f.value)))
        .collect();
    format!("[{}]", parts.join("; "))
}

fn summarize(items: &[Decoded], rest: &[u8], show: bool) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut data: Option<Vec<u8>> = None;
    for item in items {
        if let Decoded::Data(d) = item {
            assert!(!d.is_empty(), "empty Data item");
            data.get_or_insert_with(Vec::new).extend_from_slice(d);
            continue;
        }
        if let Some(d) = data.take() {
            out.push(format!("data {}", esc(&d)));
        }
        out.push(match item {
            Decoded::Request(r) => {
                let mut s = format!("req {} {} {}", r.method(), esc(r.target()), ver(r.version()));
                if show {
                    s = format!("{s} {}", show_fields(r.fields()));
                }
                s
            }
            Decoded::Response(r) => {
                let mut s = format!("resp {}", r.status());
                if show {
                    s = format!(
                        "{s} ({}) {} {}",
                        esc(r.reason()),
                        ver(r.version()),
                        show_fields(r.fields())
                    );
                }
                s
            }
            Decoded::End { trailers, keep_alive } => {
                let mut s = String::from(if *keep_alive { "end ka" } else { "end close" });
                if !trailers.is_empty() {
                    s = format!("{s} {}", show_fields(trailers));
                }
                s
            }
            Decoded::Switched => "switched".into(),
            Decoded::Closed => "closed".into(),
            Decoded::Data(_) => unreachable!(),
        });
    }
    if let Some(d) = data.take() {
        out.push(format!("data {}", esc(&d)));
    }
    if !rest.is_empty() {
        out.push(format!("rest {}", esc(rest)));
    }
    out.join(" | ")
}

/// Feed `input` in pieces of `piece` bytes, decoding after each, then EOF
/// if the setup says so.
fn drive(setup: &Setup, input: &[u8], piece: usize) -> Outcome {
    let mut dec = Decoder::new(setup.role, setup.limits);
    for (m, offers_upgrade) in &setup.methods {
        dec.push_request(m.clone(), *offers_upgrade);
    }
    let mut buf = BytesMut::new();
    let mut items = Vec::new();
    let mut switched = false;
    let mut drain = |dec: &mut Decoder, buf: &mut BytesMut, items: &mut Vec<Decoded>| -> Result<(), Error> {
        for _ in 0..10_000 {
            match dec.decode(buf)? {
                Some(item) => items.push(item),
                None if dec.is_paused() && setup.on_pause == OnPause::Resume => dec.resume(),
                None if dec.is_paused() && setup.on_pause == OnPause::Switch && !switched => {
                    dec.switch();
                    switched = true;
                }
                None => return Ok(()),
            }
        }
        panic!("decoder keeps producing items without input");
    };
    let mut result = Ok(());
    let mut pieces: Vec<&[u8]> = input.chunks(piece.max(1)).collect();
    if pieces.is_empty() {
        pieces.push(b"");
    }
    for p in pieces {
        buf.extend_from_slice(p);
        result = drain(&mut dec, &mut buf, &mut items);
        if result.is_err() {
            break;
        }
    }
    if result.is_ok() && setup.eof {
        dec.set_eof();
        result = drain(&mut dec, &mut buf, &mut items);
    }
    match result {
        Ok(()) => Outcome {
            items: summarize(&items, &buf, setup.show),
            err: None,
        },
        Err(e) => {
            assert_eq!(
                e.side(),
                Side::Remote,
                "decoding error {e:?} must be a remote error"
            );
            assert_eq!(dec.decode(&mut buf), Err(e), "errors are sticky");
            Outcome {
                items: summarize(&items, &[], setup.show),
                err: Some(e),
            }
        }
    }
}

enum ErrCheck {
    /// Decoding must not fail.
    Succeeds,
    /// Decoding fails with exactly this error.
    Is(Error),
    /// Decoding fails with some error (its status is checked).
    Any,
}

struct Expect {
    items: Option<&'static str>,
    err: ErrCheck,
    status: Option<Option<u16>>,
}

impl From<&'static str> for Expect {
    fn from(items: &'static str) -> Self {
        Expect {
            items: Some(items),
            err: ErrCheck::Succeeds,
            status: None,
        }
    }
}

impl From<Result<&'static str, Error>> for Expect {
    fn from(r: Result<&'static str, Error>) -> Self {
        match r {
            Ok(items) => items.into(),
            Err(e) => Expect {
                items: None,
                err: ErrCheck::Is(e),
                status: None,
            },
        }
    }
}

/// These items, then this error.
fn after(items: &'static str, e: Error) -> Expect {
    Expect {
        items: Some(items),
        err: ErrCheck::Is(e),
        status: None,
    }
}

/// This error, and the status a server answers it with.
fn fails_with(e: Error, status: Option<u16>) -> Expect {
    Expect {
        items: None,
        err: ErrCheck::Is(e),
        status: Some(status),
    }
}

/// Some error whose answer is this status.
fn fails_status(status: u16) -> Expect {
    Expect {
        items: None,
        err: ErrCheck::Any,
        status: Some(Some(status)),
    }
}

fn run_row(setup: Setup, input: impl AsRef<[u8]>, expect: impl Into<Expect>) {
    let input = input.as_ref();
    let expect = expect.into();
    let whole = drive(&setup, input, usize::MAX);
    if let Some(items) = expect.items {
        assert_eq!(whole.items, items, "decoded items (error: {:?})", whole.err);
    }
    match expect.err {
        ErrCheck::Succeeds => assert_eq!(whole.err, None, "unexpected error after {:?}", whole.items),
        ErrCheck::Is(e) => assert_eq!(whole.err, Some(e), "after items {:?}", whole.items),
        ErrCheck::Any => assert!(whole.err.is_some(), "accepted: {:?}", whole.items),
    }
    if let Some(status) = expect.status {
        assert_eq!(
            whole.err.and_then(|e| e.status()),
            status,
            "status of {:?}",
            whole.err
        );
    }
    let bytewise = drive(&setup, input, 1);
    assert_eq!(whole, bytewise, "feeding one byte at a time changes the outcome");
}

macro_rules! rules {
    ($( $(#[$attr:meta])* $name:ident: $setup:expr, $input:expr => $expect:expr; )*) => {
        $(
            #[test]
            $(#[$attr])*
            fn $name() {
                run_row($setup, $input, $expect);
            }
        )*
    };
}

// ---------------------------------------------------------------------------
// Request line (RFC 9112 §3)
// ---------------------------------------------------------------------------

rules! {
    request_line_minimal: srv(), b"GET / HTTP/1.1\r\nHost: a\r\n\r\n" => "req GET / 1.1 | end ka";
    method_is_any_token: srv(),
        b"!#$%&'*+-.^_`|~09azAZ /x HTTP/1.1\r\nHost: a\r\n\r\n"
        => "req !#$%&'*+-.^_`|~09azAZ /x 1.1 | end ka";
    method_is_case_sensitive_extension_token: srv(),
        b"get / HTTP/1.1\r\nHost: a\r\n\r\n" => "req get / 1.1 | end ka";
    method_with_parenthesis_is_not_a_token: srv(),
        b"GE(T / HTTP/1.1\r\nHost: a\r\n\r\n" => Err(E::InvalidMethod);
    method_with_slash_is_not_a_token: srv(), b"GET/ / HTTP/1.1\r\nHost: a\r\n\r\n" => Err(E::InvalidMethod);
    method_with_nul_is_not_a_token: srv(), b"G\0ET / HTTP/1.1\r\nHost: a\r\n\r\n" => Err(E::InvalidMethod);
    method_with_obs_text_is_not_a_token: srv(),
        b"G\xc3\x89T / HTTP/1.1\r\nHost: a\r\n\r\n" => Err(E::InvalidMethod);
    method_empty: srv(), b" / HTTP/1.1\r\nHost: a\r\n\r\n" => fails_with(E::InvalidRequestLine, Some(400));
    request_line_htab_separator_rejected: srv(), b"GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n" => fails_status(400);
    request_line_double_space_after_method: srv(),
        b"GET  / HTTP/1.1\r\nHost: a\r\n\r\n" => Err(E::InvalidTarget);
    request_line_double_space_before_version: srv(),
        b"GET /  HTTP/1.1\r\nHost: a\r\n\r\n" => Err(E::InvalidTarget);
    request_line_three_words_in_target: srv(),
        b"GET / x HTTP/1.1\r\nHost: a\r\n\r\n" => Err(E::InvalidTarget);
    request_line_trailing_space_is_400: srv(), b"GET / HTTP/1.1 \r\nHost: a\r\n\r\n" => fails_status(400);
    request_line_without_version_http09: srv(), b"GET /\r\n\r\n" => Err(E::InvalidRequestLine);
    request_line_method_only: srv(), b"GET\r\n\r\n" => Err(E::InvalidRequestLine);
    request_line_empty_target: srv(), b"GET  HTTP/1.1\r\nHost: a\r\n\r\n" => Err(E::InvalidRequestLine);
    request_line_crlf_injection_in_target: srv(),
        b"GET /a\r\nX: b HTTP/1.1\r\nHost: a\r\n\r\n" => Err(E::InvalidRequestLine);
}

// Request-target forms vs method (RFC 9112 §3.2)
rules! {
    origin_form_with_query: srv(),
        b"GET /a/b?c=d&e HTTP/1.1\r\nHost: a\r\n\r\n" => "req GET /a/b?c=d&e 1.1 | end ka";
    absolute_form_accepted: srv(),
        b"GET http://a.example/x?y HTTP/1.1\r\nHost: a.example\r\n\r\n"
        => "req GET http://a.example/x?y 1.1 | end ka";
    absolute_form_host_mismatch_is_allowed: srv(),
        b"GET http://a.example/ HTTP/1.1\r\nHost: b.example\r\n\r\n"
        => "req GET http://a.example/ 1.1 | end ka";
    absolute_form_still_needs_host_in_http11: srv(),
        b"GET http://a.example/ HTTP/1.1\r\n\r\n" => Err(E::MissingHost);
    authority_form_for_connect: srv(),
        b"CONNECT a.example:443 HTTP/1.1\r\nHost: a.example:443\r\n\r\n"
        => "req CONNECT a.example:443 1.1 | end ka";
    authority_form_ipv6_literal: srv(),
        b"CONNECT [::1]:443 HTTP/1.1\r\nHost: [::1]:443\r\n\r\n" => "req CONNECT [::1]:443 1.1 | end ka";
    authority_form_needs_a_port: srv(),
        b"CONNECT a.example HTTP/1.1\r\nHost: a.example\r\n\r\n" => Err(E::InvalidTarget);
    authority_form_only_for_connect: srv(),
        b"GET a.example:443 HTTP/1.1\r\nHost: a\r\n\r\n" => Err(E::TargetFormMismatch);
    connect_rejects_origin_form: srv(),
        b"CONNECT / HTTP/1.1\r\nHost: a\r\n\r\n" => Err(E::TargetFormMismatch);
    connect_rejects_absolute_form: srv(),
        b"CONNECT http://a.example/ HTTP/1.1\r\nHost: a\r\n\r\n" => Err(E::TargetFormMismatch);
    connect_rejects_asterisk_form: srv(),
        b"CONNECT * HTTP/1.1\r\nHost: a\r\n\r\n" => Err(E::TargetFormMismatch);
    lowercase_connect_is_not_connect: srv(),
        b"connect a.example:443 HTTP/1.1\r\nHost: a\r\n\r\n" => Err(E::TargetFormMismatch);
    asterisk_form_for_options: srv(),
        b"OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n" => "req OPTIONS * 1.1 | end ka";
    asterisk_form_only_for_options: srv(), b"GET * HTTP/1.1\r\nHost: a\r\n\r\n" => Err(E::TargetFormMismatch);
    options_accepts_origin_form: srv(),
        b"OPTIONS /x HTTP/1.1\r\nHost: a\r\n\r\n" => "req OPTIONS /x 1.1 | end ka";
    relative_path_target_rejected: srv(),
        b"GET index.html HTTP/1.1\r\nHost: a\r\n\r\n" => Err(E::InvalidTarget);
    target_control_byte_rejected: srv(), b"GET /a\x01b HTTP/1.1\r\nHost: a\r\n\r\n" => Err(E::InvalidTarget);
    target_nul_rejected: srv(), b"GET /a\0b HTTP/1.1\r\nHost: a\r\n\r\n" => Err(E::InvalidTarget);
    target_htab_rejected: srv(), b"GET /a\tb HTTP/1.1\r\nHost: a\r\n\r\n" => Err(E::InvalidTarget);
    target_del_rejected: srv(), b"GET /a\x7fb HTTP/1.1\r\nHost: a\r\n\r\n" => Err(E::InvalidTarget);
    target_above_0x7e_rejected: srv(),
        b"GET /caf\xc3\xa9 HTTP/1.1\r\nHost: a\r\n\r\n" => Err(E::InvalidTarget);
    target_fragment_rejected: srv(), b"GET /a#b HTTP/1.1\r\nHost: a\r\n\r\n" => Err(E::InvalidTarget);
    target_bare_cr_rejected: srv(), b"GET /a\rb HTTP/1.1\r\nHost: a\r\n\r\n" => Err(E::BareCr);
    target_lenient_visible_ascii_accepted: srv(),
        b"GET /a|b{c}\"d^e HTTP/1.1\r\nHost: a\r\n\r\n" => "req GET /a|b{c}\\\"d^e 1.1 | end ka";
    target_less_than_rejected: srv(), b"GET /a<b HTTP/1.1\r\nHost: a\r\n\r\n" => Err(E::InvalidTarget);
    target_greater_than_rejected: srv(), b"GET /a>b HTTP/1.1\r\nHost: a\r\n\r\n" => Err(E::InvalidTarget);
    target_backslash_rejected: srv(), b"GET /a\\b HTTP/1.1\r\nHost: a\r\n\r\n" => Err(E::InvalidTarget);
    target_backquote_rejected: srv(), b"GET /a`b HTTP/1.1\r\nHost: a\r\n\r\n" => Err(E::InvalidTarget);
    target_pct_encoded_accepted: srv(),
        b"GET /a%20b?c=%7e HTTP/1.1\r\nHost: a\r\n\r\n" => "req GET /a%20b?c=%7e 1.1 | end ka";
    target_truncated_pct_encoding_rejected: srv(),
        b"GET /a%2 HTTP/1.1\r\nHost: a\r\n\r\n" => Err(E::InvalidTarget);
    target_non_hex_pct_encoding_rejected: srv(),
        b"GET /a%zz HTTP/1.1\r\nHost: a\r\n\r\n" => Err(E::InvalidTarget);
    absolute_form_without_path: srv(),
        b"GET http://a.example HTTP/1.1\r\nHost: a\r\n\r\n" => "req GET http://a.example 1.1 | end ka";
    absolute_form_with_userinfo_rejected: srv(),
        b"GET http://u@a.example/ HTTP/1.1\r\nHost: a\r\n\r\n" => Err(E::InvalidTarget);
    absolute_form_with_empty_host_rejected: srv(),
        b"GET http:///x HTTP/1.1\r\nHost: a\r\n\r\n" => Err(E::InvalidTarget);
    absolute_form_with_bad_port_rejected: srv(),
        b"GET http://a.example:8a/ HTTP/1.1\r\nHost: a\r\n\r\n" => Err(E::InvalidTarget);
}

// HTTP-version (RFC 9112 §2.3)
rules! {
    http10_request_needs_no_host: srv(), b"GET / HTTP/1.0\r\n\r\n" => "req GET / 1.0 | end close";
    http1x_minor_is_handled_as_http11: srv(),
        b"GET / HTTP/1.7\r\nHost: a\r\n\r\n" => "req GET / 1.1 | end ka";
    http1x_minor_needs_host_like_http11: srv(), b"GET / HTTP/1.9\r\n\r\n" => Err(E::MissingHost);
    http2_request_is_505: srv(),
        b"GET / HTTP/2.0\r\nHost: a\r\n\r\n" => fails_with(E::UnsupportedVersion, Some(505));
    http3_request_is_505: srv(),
        b"GET / HTTP/3.0\r\nHost: a\r\n\r\n" => fails_with(E::UnsupportedVersion, Some(505));
    http09_version_is_505: srv(), b"GET / HTTP/0.9\r\n\r\n" => fails_with(E::UnsupportedVersion, Some(505));
    version_is_case_sensitive: srv(), b"GET / http/1.1\r\nHost: a\r\n\r\n" => Err(E::InvalidVersion);
    version_two_digit_minor_is_malformed: srv(),
        b"GET / HTTP/1.10\r\nHost: a\r\n\r\n" => Err(E::InvalidVersion);
    version_without_minor_is_malformed: srv(), b"GET / HTTP/1\r\nHost: a\r\n\r\n" => Err(E::InvalidVersion);
    version_without_dot_is_malformed: srv(), b"GET / HTTP/11\r\nHost: a\r\n\r\n" => Err(E::InvalidVersion);
    version_garbage_is_malformed: srv(), b"GET / FOO/1.1\r\nHost: a\r\n\r\n" => Err(E::InvalidVersion);
    // Documented choice (issue #2): every version other than HTTP/1.x is
    // answered with 505, malformed or not.
    malformed_version_is_505: srv(), b"GET / HTTP/1.10\r\nHost: a\r\n\r\n" => fails_status(505);
}

// Status line (RFC 9112 §4)
rules! {
    status_line_minimal: cli("GET"), b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n" => "resp 200 | end ka";
    status_line_reason_kept: cli("GET").show(),
        b"HTTP/1.1 404 Not Here\r\nContent-Length: 0\r\n\r\n"
        => "resp 404 (Not Here) 1.1 [Content-Length: 0] | end ka";
    status_line_empty_reason: cli("GET").show(),
        b"HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n" => "resp 200 () 1.1 [Content-Length: 0] | end ka";
    status_line_needs_sp_after_code: cli("GET"),
        b"HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n" => Err(E::InvalidStatusLine);
    status_line_reason_obs_text_and_htab: cli("GET").show(),
        b"HTTP/1.1 200 \xe9t\xe9\tok\r\nContent-Length: 0\r\n\r\n"
        => "resp 200 (\\xe9t\\xe9\\tok) 1.1 [Content-Length: 0] | end ka";
    status_line_reason_control_byte: cli("GET"), b"HTTP/1.1 200 O\x01K\r\n\r\n" => Err(E::InvalidStatusLine);
    status_line_reason_del: cli("GET"), b"HTTP/1.1 200 O\x7fK\r\n\r\n" => Err(E::InvalidStatusLine);
    status_line_reason_nul: cli("GET"), b"HTTP/1.1 200 O\0K\r\n\r\n" => Err(E::InvalidStatusLine);
    status_line_reason_bare_cr: cli("GET"), b"HTTP/1.1 200 O\rK\r\n\r\n" => Err(E::BareCr);
    status_code_two_digits: cli("GET"), b"HTTP/1.1 20 OK\r\n\r\n" => Err(E::InvalidStatus);
    status_code_four_digits: cli("GET"), b"HTTP/1.1 2000 OK\r\n\r\n" => Err(E::InvalidStatus);
    status_code_below_100: cli("GET"), b"HTTP/1.1 099 Low\r\n\r\n" => Err(E::InvalidStatus);
    status_code_000: cli("GET"), b"HTTP/1.1 000 Zero\r\n\r\n" => Err(E::InvalidStatus);
    status_code_above_599: cli("GET"), b"HTTP/1.1 600 High\r\n\r\n" => Err(E::InvalidStatus);
    status_code_not_digits: cli("GET"), b"HTTP/1.1 2x0 OK\r\n\r\n" => Err(E::InvalidStatus);
    status_code_599_accepted: cli("GET"),
        b"HTTP/1.1 599 Edge\r\nContent-Length: 0\r\n\r\n" => "resp 599 | end ka";
    status_code_100_accepted: cli("GET"), b"HTTP/1.1 100 Continue\r\n\r\n" => "resp 100";
    status_line_double_space_before_code: cli("GET"), b"HTTP/1.1  200 OK\r\n\r\n" => Err(E::InvalidStatus);
    status_line_htab_after_code: cli("GET"), b"HTTP/1.1 200\tOK\r\n\r\n" => Err(E::InvalidStatusLine);
    status_line_http2_is_unsupported: cli("GET"), b"HTTP/2.0 200 OK\r\n\r\n" => Err(E::UnsupportedVersion);
    status_line_version_case_sensitive: cli("GET"), b"http/1.1 200 OK\r\n\r\n" => Err(E::InvalidStatusLine);
    status_line_not_http: cli("GET"), b"ICY 200 OK\r\n\r\n" => Err(E::InvalidStatusLine);
    status_line_http1x_minor_is_http11: cli("GET").show(),
        b"HTTP/1.5 200 OK\r\nContent-Length: 0\r\n\r\n" => "resp 200 (OK) 1.1 [Content-Length: 0] | end ka";
    status_line_http10: cli("GET"),
        b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nhi" => "resp 200 | data hi | end close";
    response_without_outstanding_request: cli(""),
        b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n" => Err(E::UnexpectedResponse);
    empty_line_before_status_line_rejected: cli("GET"),
        b"\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n" => Err(E::InvalidStatusLine);
    request_sent_to_a_client_is_not_a_status_line: cli("GET"),
        b"GET / HTTP/1.1\r\nHost: a\r\n\r\n" => Err(E::InvalidStatusLine);
    status_line_sent_to_a_server_is_not_a_request_line: srv(),
        b"HTTP/1.1 200 OK\r\n\r\n" => Err(E::InvalidMethod);
}

// Field lines (RFC 9112 §5, RFC 9110 §5)
rules! {
    field_name_any_token: srv().show(),
        b"GET / HTTP/1.1\r\nHost: a\r\nX-a_b.c~!#$%&'*+^`|: 1\r\n\r\n"
        => "req GET / 1.1 [Host: a; X-a_b.c~!#$%&\\'*+^`|: 1] | end ka";
    field_name_with_space: srv(), b"GET / HTTP/1.1\r\nHost: a\r\nX Y: 1\r\n\r\n" => Err(E::InvalidFieldName);
    field_name_with_at_sign: srv(),
        b"GET / HTTP/1.1\r\nHost: a\r\nX@Y: 1\r\n\r\n" => Err(E::InvalidFieldName);
    field_name_with_obs_text: srv(),
        b"GET / HTTP/1.1\r\nHost: a\r\nX\xe9: 1\r\n\r\n" => Err(E::InvalidFieldName);
    field_name_empty: srv(), b"GET / HTTP/1.1\r\nHost: a\r\n: 1\r\n\r\n" => Err(E::InvalidFieldName);
    field_name_with_nul: srv(), b"GET / HTTP/1.1\r\nHost: a\r\nX\0Y: 1\r\n\r\n" => Err(E::InvalidFieldName);
    field_line_without_colon: srv(), b"GET / HTTP/1.1\r\nHost: a\r\nFoo\r\n\r\n" => Err(E::MissingColon);
    space_before_colon_in_request: srv(),
        b"GET / HTTP/1.1\r\nHost : a\r\n\r\n" => Err(E::WhitespaceBeforeColon);
    htab_before_colon_in_request: srv(),
        b"GET / HTTP/1.1\r\nHost: a\r\nX\t: 1\r\n\r\n" => Err(E::WhitespaceBeforeColon);
    space_before_colon_in_response: cli("GET"),
        b"HTTP/1.1 200 OK\r\nContent-Length : 0\r\n\r\n" => Err(E::WhitespaceBeforeColon);
    ows_trimmed_around_values: srv().show(),
        b"GET / HTTP/1.1\r\nHost:a\r\nX: \t a b \t\r\n\r\n" => "req GET / 1.1 [Host: a; X: a b] | end ka";
    empty_field_value: srv().show(),
        b"GET / HTTP/1.1\r\nHost: a\r\nX:\r\nY: \t \r\n\r\n" => "req GET / 1.1 [Host: a; X: ; Y: ] | end ka";
    field_value_htab_inside: srv().show(),
        b"GET / HTTP/1.1\r\nHost: a\r\nX: a\tb\r\n\r\n" => "req GET / 1.1 [Host: a; X: a\\tb] | end ka";
    field_value_obs_text_accepted: srv().show(),
        b"GET / HTTP/1.1\r\nHost: a\r\nX: \x80\xff\r\n\r\n"
        => "req GET / 1.1 [Host: a; X: \\x80\\xff] | end ka";
    field_value_nul: srv(), b"GET / HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n" => Err(E::InvalidFieldValue);
    field_value_control_byte: srv(),
        b"GET / HTTP/1.1\r\nHost: a\r\nX: a\x01b\r\n\r\n" => Err(E::InvalidFieldValue);
    field_value_unit_separator: srv(),
        b"GET / HTTP/1.1\r\nHost: a\r\nX: a\x1fb\r\n\r\n" => Err(E::InvalidFieldValue);
    field_value_vertical_tab: srv(),
        b"GET / HTTP/1.1\r\nHost: a\r\nX: a\x0bb\r\n\r\n" => Err(E::InvalidFieldValue);
    field_value_form_feed: srv(),
        b"GET / HTTP/1.1\r\nHost: a\r\nX: a\x0cb\r\n\r\n" => Err(E::InvalidFieldValue);
    field_value_del: srv(), b"GET / HTTP/1.1\r\nHost: a\r\nX: a\x7fb\r\n\r\n" => Err(E::InvalidFieldValue);
    field_value_bare_cr_inside: srv(), b"GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n" => Err(E::BareCr);
    field_value_bare_cr_at_end: srv(), b"GET / HTTP/1.1\r\nHost: a\r\nX: a\r\r\n\r\n" => Err(E::BareCr);
    field_value_nul_in_response: cli("GET"), b"HTTP/1.1 200 OK\r\nX: \0\r\n\r\n" => Err(E::InvalidFieldValue);
    obs_fold_in_request_rejected: srv(),
        b"GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n b\r\n\r\n" => fails_with(E::ObsFold, Some(400));
    obs_fold_htab_in_request_rejected: srv(),
        b"GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n\tb\r\n\r\n" => Err(E::ObsFold);
    obs_fold_in_response_rejected_by_default: cli("GET"),
        b"HTTP/1.1 200 OK\r\nX: a\r\n b\r\nContent-Length: 0\r\n\r\n" => Err(E::ObsFold);
    obs_fold_in_response_unfolded_when_enabled: cli("GET").unfold().show(),
        b"HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\tc\r\nContent-Length: 2\r\n\r\nhi"
        => "resp 200 (OK) 1.1 [X: a   b  \\tc; Content-Length: 2] | data hi | end ka";
    obs_fold_unfolded_content_length_still_frames: cli("GET").unfold(),
        b"HTTP/1.1 200 OK\r\nContent-Length:\r\n 2\r\n\r\nhiHTTP"
        => "resp 200 | data hi | end ka | rest HTTP";
    obs_fold_unfolded_value_still_checked: cli("GET").unfold(),
        b"HTTP/1.1 200 OK\r\nX: a\r\n b\0\r\n\r\n" => Err(E::InvalidFieldValue);
    obs_fold_unfold_not_applied_to_requests: srv().unfold(),
        b"GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n b\r\n\r\n" => Err(E::ObsFold);
    whitespace_after_request_line: srv(),
        b"GET / HTTP/1.1\r\n Host: a\r\n\r\n" => fails_with(E::WhitespaceAfterStartLine, Some(400));
    whitespace_after_status_line: cli("GET"),
        b"HTTP/1.1 200 OK\r\n X: 1\r\nContent-Length: 0\r\n\r\n" => Err(E::WhitespaceAfterStartLine);
    whitespace_after_status_line_even_when_unfolding: cli("GET").unfold(),
        b"HTTP/1.1 200 OK\r\n X: 1\r\nContent-Length: 0\r\n\r\n" => Err(E::WhitespaceAfterStartLine);
    bare_lf_ends_request_line: srv(), b"GET / HTTP/1.1\nHost: a\r\n\r\n" => fails_with(E::BareLf, Some(400));
    bare_lf_ends_field_line: srv(), b"GET / HTTP/1.1\r\nHost: a\nX: 1\r\n\r\n" => Err(E::BareLf);
    bare_lf_ends_head: srv(), b"GET / HTTP/1.1\r\nHost: a\r\n\n" => Err(E::BareLf);
    bare_lf_everywhere: srv(), b"GET / HTTP/1.1\nHost: a\n\n" => Err(E::BareLf);
    bare_lf_in_response_head: cli("GET"), b"HTTP/1.1 200 OK\nContent-Length: 0\n\n" => Err(E::BareLf);
    leading_empty_lines_before_request_ignored: srv(),
        b"\r\n\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n" => "req GET / 1.1 | end ka";
    leading_bare_lf_before_request_rejected: srv(), b"\nGET / HTTP/1.1\r\nHost: a\r\n\r\n" => Err(E::BareLf);
    empty_lines_between_pipelined_requests_ignored: srv(),
        b"GET /1 HTTP/1.1\r\nHost: a\r\n\r\n\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n"
        => "req GET /1 1.1 | end ka | req GET /2 1.1 | end ka";
}

// Host (RFC 9112 §3.2)
rules! {
    host_missing_in_http11_is_400: srv(),
        b"GET / HTTP/1.1\r\nX: 1\r\n\r\n" => fails_with(E::MissingHost, Some(400));
    host_duplicate_is_400: srv(),
        b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n" => fails_with(E::DuplicateHost, Some(400));
    host_duplicate_identical_is_400: srv(),
        b"GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n" => Err(E::DuplicateHost);
    host_duplicate_any_case_is_400: srv(),
        b"GET / HTTP/1.1\r\nHost: a\r\nhOST: a\r\n\r\n" => Err(E::DuplicateHost);
    host_duplicate_in_http10_is_400: srv(),
        b"GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n" => Err(E::DuplicateHost);
    host_with_space_is_400: srv(),
        b"GET / HTTP/1.1\r\nHost: a b\r\n\r\n" => fails_with(E::InvalidHost, Some(400));
    host_with_userinfo_is_400: srv(), b"GET / HTTP/1.1\r\nHost: u@a\r\n\r\n" => Err(E::InvalidHost);
    host_with_path_is_400: srv(), b"GET / HTTP/1.1\r\nHost: a/b\r\n\r\n" => Err(E::InvalidHost);
    host_with_bad_port_is_400: srv(), b"GET / HTTP/1.1\r\nHost: a:b\r\n\r\n" => Err(E::InvalidHost);
    host_invalid_in_http10_is_400: srv(), b"GET / HTTP/1.0\r\nHost: a b\r\n\r\n" => Err(E::InvalidHost);
    host_empty_value_allowed: srv(), b"GET / HTTP/1.1\r\nHost:\r\n\r\n" => "req GET / 1.1 | end ka";
    host_with_port: srv().show(),
        b"GET / HTTP/1.1\r\nHost: a.example:8080\r\n\r\n" => "req GET / 1.1 [Host: a.example:8080] | end ka";
    host_ipv6_literal: srv(), b"GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n" => "req GET / 1.1 | end ka";
    host_pct_encoded_reg_name: srv(), b"GET / HTTP/1.1\r\nHost: a%41b\r\n\r\n" => "req GET / 1.1 | end ka";
    host_field_of_a_response_is_not_checked: cli("GET"),
        b"HTTP/1.1 200 OK\r\nHost: a b\r\nHost: c\r\nContent-Length: 0\r\n\r\n" => "resp 200 | end ka";
}

// Limits (RFC 9110 §15.5.14, §15.5.15, RFC 6585 §5)
rules! {
    request_line_at_limit_accepted: srv().lim(|l| l.max_start_line = 16),
        b"GET / HTTP/1.1\r\nHost: a\r\n\r\n" => "req GET / 1.1 | end ka";
    request_line_over_limit_is_414: srv().lim(|l| l.max_start_line = 15),
        b"GET / HTTP/1.1\r\nHost: a\r\n\r\n" => fails_with(E::RequestLineTooLong, Some(414));
    request_line_over_limit_refused_before_its_end: srv().lim(|l| l.max_start_line = 10),
        b"GET /aaaaaaaaaaaa" => fails_with(E::RequestLineTooLong, Some(414));
    status_line_over_limit: cli("GET").lim(|l| l.max_start_line = 16),
        b"HTTP/1.1 200 OK!\r\n\r\n" => fails_with(E::StatusLineTooLong, None);
    field_line_at_limit_accepted: srv().lim(|l| l.max_field_line = 10),
        b"GET / HTTP/1.1\r\nHost: a\r\nX: 12345\r\n\r\n" => "req GET / 1.1 | end ka";
    field_line_over_limit_is_431: srv().lim(|l| l.max_field_line = 9),
        b"GET / HTTP/1.1\r\nHost: a\r\nX: 12345\r\n\r\n" => fails_with(E::FieldLineTooLong, Some(431));
    field_line_over_limit_refused_before_its_end: srv().lim(|l| l.max_field_line = 9),
        b"GET / HTTP/1.1\r\nHost: a\r\nX: 123456789" => fails_with(E::FieldLineTooLong, Some(431));
    head_at_limit_accepted: srv().lim(|l| l.max_head_bytes = 33),
        b"GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n\r\n" => "req GET / 1.1 | end ka";
    head_over_limit_is_431: srv().lim(|l| l.max_head_bytes = 32),
        b"GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n\r\n" => fails_with(E::HeadTooLarge, Some(431));
    head_over_limit_refused_before_its_end: srv().lim(|l| l.max_head_bytes = 20),
        b"GET / HTTP/1.1\r\nHost: aaaaaa" => fails_with(E::HeadTooLarge, Some(431));
    response_head_over_limit: cli("GET").lim(|l| l.max_head_bytes = 20),
        b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n" => Err(E::HeadTooLarge);
    fields_at_count_limit_accepted: srv().lim(|l| l.max_fields = 2),
        b"GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n\r\n" => "req GET / 1.1 | end ka";
    too_many_fields_is_431: srv().lim(|l| l.max_fields = 2),
        b"GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\nY: 2\r\n\r\n" => fails_with(E::TooManyFields, Some(431));
    trailers_at_limit_accepted: srv().lim(|l| l.max_trailer_bytes = 8),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: 1\r\n\r\n"
        => "req POST / 1.1 | end ka [X: 1]";
    trailers_over_limit_is_431: srv().lim(|l| l.max_trailer_bytes = 7),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: 1\r\n\r\n"
        => fails_with(E::TrailersTooLarge, Some(431));
    trailers_over_limit_refused_before_their_end: srv().lim(|l| l.max_trailer_bytes = 7),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-Long-Trailer"
        => Err(E::TrailersTooLarge);
    chunk_line_at_limit_accepted: srv().lim(|l| l.max_chunk_line = 7),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n00005\r\nhello\r\n0\r\n\r\n"
        => "req POST / 1.1 | data hello | end ka";
    chunk_line_over_limit: srv().lim(|l| l.max_chunk_line = 6),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n00005\r\nhello\r\n0\r\n\r\n"
        => fails_with(E::ChunkLineTooLong, Some(400));
    chunk_line_over_limit_refused_before_its_end: srv().lim(|l| l.max_chunk_line = 6),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0000000"
        => Err(E::ChunkLineTooLong);
    chunk_extensions_at_limit_accepted: srv().lim(|l| l.max_chunk_extensions = 4),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;abc\r\nhello\r\n0\r\n\r\n"
        => "req POST / 1.1 | data hello | end ka";
    chunk_extensions_over_limit: srv().lim(|l| l.max_chunk_extensions = 4),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;abcd\r\nhello\r\n0\r\n\r\n"
        => fails_with(E::ChunkLineTooLong, Some(400));
    content_length_over_max_body_is_413_before_the_body: srv().lim(|l| l.max_body = Some(4)),
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n"
        => fails_with(E::ContentTooLarge, Some(413));
    content_length_at_max_body_accepted: srv().lim(|l| l.max_body = Some(4)),
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nabcd"
        => "req POST / 1.1 | data abcd | end ka";
    chunked_body_over_max_body_is_413: srv().lim(|l| l.max_body = Some(4)),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
        => after("req POST / 1.1 | data abc", E::ContentTooLarge);
    chunked_body_at_max_body_accepted: srv().lim(|l| l.max_body = Some(4)),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n1\r\nd\r\n0\r\n\r\n"
        => "req POST / 1.1 | data abcd | end ka";
}

// Message body length, RFC 9112 §6.3 step by step
rules! {
    head_response_has_no_body: cli("HEAD GET"),
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"
        => "resp 200 | end ka | resp 200 | data hi | end ka";
    head_response_with_chunked_has_no_body: cli("HEAD"),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" => "resp 200 | end ka";
    head_response_body_bytes_are_read_as_the_next_response: cli("HEAD GET"),
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello\r\n"
        => after("resp 200 | end ka", E::InvalidStatusLine);
    interim_response_then_final: cli("GET"),
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"
        => "resp 100 | resp 200 | data hi | end ka";
    several_interim_responses_then_final: cli("GET"),
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n\
            HTTP/1.1 204 No Content\r\n\r\n"
        => "resp 100 | resp 103 | resp 204 | end ka";
    interim_response_ignores_content_length: cli("GET"),
        b"HTTP/1.1 103 Early Hints\r\nContent-Length: 5\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
        => "resp 103 | resp 200 | end ka";
    no_content_204_has_no_body: cli("GET GET"),
        b"HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
        => "resp 204 | end ka | resp 200 | end ka";
    not_modified_304_has_no_body: cli("GET GET"),
        b"HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\nHTTP/1.1 200 OK\r\n\
            Content-Length: 0\r\n\r\n"
        => "resp 304 | end ka | resp 200 | end ka";
    connect_2xx_becomes_a_tunnel: cli("CONNECT"),
        b"HTTP/1.1 200 Connection established\r\n\r\ntunnel bytes"
        => "resp 200 | switched | rest tunnel bytes";
    connect_2xx_ignores_content_length: cli("CONNECT"),
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nabcdefgh" => "resp 200 | switched | rest abcdefgh";
    connect_2xx_ignores_transfer_encoding: cli("CONNECT"),
        b"HTTP/1.1 201 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz" => "resp 201 | switched | rest zz";
    connect_2xx_ignores_transfer_encoding_with_content_length: cli("CONNECT"),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nzz"
        => "resp 200 | switched | rest zz";
    connect_2xx_ignores_invalid_content_length: cli("CONNECT"),
        b"HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\nzz" => "resp 200 | switched | rest zz";
    connect_2xx_ignores_invalid_transfer_encoding: cli("CONNECT"),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked;\r\n\r\nzz" => "resp 200 | switched | rest zz";
    head_response_ignores_invalid_content_length: cli("HEAD GET"),
        b"HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n"
        => "resp 200 | end ka | resp 204 | end ka";
    interim_response_ignores_invalid_content_length: cli("GET"),
        b"HTTP/1.1 100 Continue\r\nContent-Length: -1\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n"
        => "resp 100 | resp 204 | end ka";
    no_content_204_ignores_invalid_transfer_encoding: cli("GET"),
        b"HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked;\r\n\r\n" => "resp 204 | end ka";
    not_modified_304_ignores_duplicate_content_length: cli("GET"),
        b"HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n" => "resp 304 | end ka";
    connect_non_2xx_has_a_body: cli("CONNECT"),
        b"HTTP/1.1 407 Proxy Auth\r\nContent-Length: 2\r\n\r\nhi" => "resp 407 | data hi | end ka";
    switching_protocols_101_switches: cli("GET+up"),
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n\x81\x00"
        => "resp 101 | switched | rest \\x81\\x00";
    switching_protocols_101_ignores_content_length: cli("GET+up"),
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nContent-Length: 2\r\n\r\nPRI"
        => "resp 101 | switched | rest PRI";
    switching_protocols_101_without_an_offer: cli("GET"),
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n"
        => Err(E::UnexpectedSwitch);
    switching_protocols_101_without_upgrade_field: cli("GET+up"),
        b"HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\n\r\n" => Err(E::UnexpectedSwitch);
    nothing_is_decoded_after_a_switch: cli("GET+up GET"),
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\nHTTP/1.1 200 OK\r\n\r\n"
        => "resp 101 | switched | rest HTTP/1.1 200 OK\\r\\n\\r\\n";
    server_pauses_after_connect_request: srv(),
        b"CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\nraw" => "req CONNECT a:443 1.1 | end ka | rest raw";
    server_switch_leaves_bytes_to_the_tunnel: srv().switch(),
        b"CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\nGET / HTTP/1.1\r\n\r\n"
        => "req CONNECT a:443 1.1 | end ka | rest GET / HTTP/1.1\\r\\n\\r\\n";
    server_resume_after_refused_connect: srv().resume(),
        b"CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"
        => "req CONNECT a:443 1.1 | end ka | req GET / 1.1 | end ka";
    server_pauses_after_upgrade_request: srv(),
        b"GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n\x81\x00"
        => "req GET /ws 1.1 | end ka | rest \\x81\\x00";
    server_pauses_after_upgrade_request_body: srv(),
        b"POST /ws HTTP/1.1\r\nHost: a\r\nUpgrade: h2c\r\nConnection: upgrade\r\nContent-Length: 2\r\n\r\n\
            hiPRI"
        => "req POST /ws 1.1 | data hi | end ka | rest PRI";
    transfer_encoding_with_content_length_in_request: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n"
        => fails_with(E::ContentLengthWithTransferEncoding, Some(400));
    transfer_encoding_with_content_length_in_response: cli("GET"),
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
        => Err(E::ContentLengthWithTransferEncoding);
    transfer_encoding_in_http10_request: srv(),
        b"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
        => fails_with(E::TransferEncodingInHttp10, Some(400));
    transfer_encoding_in_http10_response: cli("GET"),
        b"HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" => Err(E::TransferEncodingInHttp10);
    transfer_encoding_in_http10_head_response_is_irrelevant: cli("HEAD"),
        b"HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" => "resp 200 | end close";
    request_transfer_coding_not_chunked_is_400: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n"
        => fails_with(E::ChunkedNotFinal, Some(400));
    request_chunked_not_final_is_400: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n"
        => fails_with(E::ChunkedNotFinal, Some(400));
    request_empty_transfer_encoding_is_400: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\n\r\n"
        => fails_with(E::ChunkedNotFinal, Some(400));
    request_gzip_chunked_is_501: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"
        => fails_with(E::UnsupportedTransferCoding, Some(501));
    response_gzip_chunked_is_dechunked_only: cli("GET"),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2\r\n\x1f\x8b\r\n0\r\n\r\n"
        => "resp 200 | data \\x1f\\x8b | end ka";
    chunked_twice_in_one_field: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n"
        => fails_with(E::ChunkedTwice, Some(400));
    chunked_twice_across_fields: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"
        => Err(E::ChunkedTwice);
    chunked_twice_in_response: cli("GET"),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n" => Err(E::ChunkedTwice);
    chunked_with_parameters: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked;q=1\r\n\r\n"
        => Err(E::InvalidTransferEncoding);
    chunked_case_insensitive: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: CHUNKED\r\n\r\n1\r\nx\r\n0\r\n\r\n"
        => "req POST / 1.1 | data x | end ka";
    response_transfer_coding_not_chunked_reads_until_close: cli("GET").eof(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nabc"
        => "resp 200 | data abc | end close | closed";
    response_chunked_not_final_reads_until_close: cli("GET").eof(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n"
        => "resp 200 | data 0\\r\\n\\r\\n | end close | closed";
    content_length_frames_request_body: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhelloGET"
        => "req POST / 1.1 | data hello | end ka | rest GET";
    content_length_leading_zeros: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 007\r\n\r\nabcdefg"
        => "req POST / 1.1 | data abcdefg | end ka";
    content_length_zero: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n" => "req POST / 1.1 | end ka";
    content_length_ows_trimmed: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: \t 2 \t\r\n\r\nhi"
        => "req POST / 1.1 | data hi | end ka";
    content_length_max_u64_accepted: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 18446744073709551615\r\n\r\nab"
        => "req POST / 1.1 | data ab";
    content_length_overflow: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 18446744073709551616\r\n\r\n"
        => fails_with(E::InvalidContentLength, Some(400));
    content_length_empty: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n" => Err(E::InvalidContentLength);
    content_length_decimal_point: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5.0\r\n\r\n" => Err(E::InvalidContentLength);
    content_length_list_of_equal_values: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\n\r\nhello"
        => fails_with(E::DuplicateContentLength, Some(400));
    content_length_list_without_space: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5,5\r\n\r\nhello" => Err(E::DuplicateContentLength);
    content_length_duplicate_identical_lines: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello"
        => Err(E::DuplicateContentLength);
    content_length_duplicate_different_lines: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\ncontent-length: 6\r\n\r\nhello"
        => Err(E::DuplicateContentLength);
    content_length_duplicate_in_response: cli("GET"),
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nhi"
        => Err(E::DuplicateContentLength);
    content_length_invalid_in_response: cli("GET"),
        b"HTTP/1.1 200 OK\r\nContent-Length: 2a\r\n\r\nhi" => Err(E::InvalidContentLength);
    get_request_with_content_length_has_a_body: srv(),
        b"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"
        => "req GET / 1.1 | data hello | end ka";
    request_without_length_has_no_body: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"
        => "req POST / 1.1 | end ka | req GET / 1.1 | end ka";
    response_without_length_reads_until_close: cli("GET").eof(),
        b"HTTP/1.1 200 OK\r\n\r\nabc\r\n\r\nHTTP/1.1"
        => "resp 200 | data abc\\r\\n\\r\\nHTTP/1.1 | end close | closed";
    response_without_length_waits_for_close: cli("GET"),
        b"HTTP/1.1 200 OK\r\n\r\nabc" => "resp 200 | data abc";
    response_content_length_zero: cli("GET"),
        b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n" => "resp 200 | end ka";
}

// Chunked transfer coding (RFC 9112 §7.1)
rules! {
    chunked_body: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\
            \r\n"
        => "req POST / 1.1 | data hello world | end ka";
    chunk_size_is_hex: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\nB\r\n\
            abcdefghijk\r\n0\r\n\r\n"
        => "req POST / 1.1 | data 0123456789abcdefghijk | end ka";
    chunk_size_leading_zeros: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n00000000000000000005\r\nhello\r\n\
            000\r\n\r\n"
        => "req POST / 1.1 | data hello | end ka";
    chunk_size_overflow: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nf0000000000000003\r\nabc\r\n0\r\n\
            \r\n"
        => fails_with(E::ChunkSizeOverflow, Some(400));
    chunk_size_not_hex: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\ng\r\n" => Err(E::InvalidChunkSize);
    chunk_size_empty: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n\r\n" => Err(E::InvalidChunkSize);
    chunk_size_negative: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\n" => Err(E::InvalidChunkSize);
    chunk_size_hex_prefix: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0x5\r\n"
        => Err(E::InvalidChunkSize);
    chunk_size_plus_sign: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n+5\r\n" => Err(E::InvalidChunkSize);
    chunk_size_leading_space: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n 5\r\n" => Err(E::InvalidChunkSize);
    chunk_size_trailing_space: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5 \r\nhello\r\n"
        => Err(E::InvalidChunkSize);
    chunk_size_bare_lf: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\r\n" => Err(E::BareLf);
    chunk_size_bare_cr: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\rhello\r\n" => Err(E::BareCr);
    chunk_ext_name_only: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;foo\r\nhello\r\n0\r\n\r\n"
        => "req POST / 1.1 | data hello | end ka";
    chunk_ext_token_value: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;foo=bar\r\nhello\r\n0\r\n\r\n"
        => "req POST / 1.1 | data hello | end ka";
    chunk_ext_quoted_value: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;foo=\"a b;c=\\\"d\\\"\"\r\n\
            hello\r\n0\r\n\r\n"
        => "req POST / 1.1 | data hello | end ka";
    chunk_ext_several: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;a=1;b;c=\"x\"\r\nhello\r\n0\r\n\
            \r\n"
        => "req POST / 1.1 | data hello | end ka";
    chunk_ext_bws_around_separators: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5 ; a = 1\t;\tb\r\nhello\r\n0\r\n\
            \r\n"
        => "req POST / 1.1 | data hello | end ka";
    chunk_ext_on_last_chunk: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0;last=yes\r\n\r\n"
        => "req POST / 1.1 | end ka";
    chunk_ext_trailing_whitespace: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;a=1 \r\nhello\r\n0\r\n\r\n"
        => Err(E::InvalidChunkExtension);
    chunk_ext_empty_name: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;\r\nhello\r\n"
        => Err(E::InvalidChunkExtension);
    chunk_ext_empty_value: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;a=\r\nhello\r\n"
        => Err(E::InvalidChunkExtension);
    chunk_ext_unterminated_quote: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;a=\"x\r\nhello\r\n"
        => Err(E::InvalidChunkExtension);
    chunk_ext_space_inside_name: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;a b\r\nhello\r\n"
        => Err(E::InvalidChunkExtension);
    chunk_ext_control_byte: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;a=\x01\r\nhello\r\n"
        => Err(E::InvalidChunkExtension);
    chunk_data_not_followed_by_crlf: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloX\r\n0\r\n\r\n"
        => after("req POST / 1.1 | data hello", E::InvalidChunkDataEnd);
    chunk_data_longer_than_its_size: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhello\r\n0\r\n\r\n"
        => after("req POST / 1.1 | data hel", E::InvalidChunkDataEnd);
    chunk_data_followed_by_cr_and_other: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\rX0\r\n\r\n"
        => after("req POST / 1.1 | data hello", E::InvalidChunkDataEnd);
    chunk_data_followed_by_bare_lf: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\n0\r\n\r\n"
        => after("req POST / 1.1 | data hello", E::BareLf);
    last_chunk_bare_lf: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\n\r\n" => Err(E::BareLf);
    chunked_body_end_bare_lf: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\n" => Err(E::BareLf);
    chunked_body_end_bare_cr: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\r\n" => Err(E::BareCr);
    trailer_field_bare_lf: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: 1\n\r\n" => Err(E::BareLf);
    trailers_parsed: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\nX-A: 1\r\n\
            X-B: \t two \r\n\r\n"
        => "req POST / 1.1 | data x | end ka [X-A: 1; X-B: two]";
    trailers_in_response: cli("GET"),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\nDigest: abc\r\n\r\n"
        => "resp 200 | data hi | end ka [Digest: abc]";
    trailer_obs_fold_rejected: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: a\r\n b\r\n\r\n"
        => Err(E::ObsFold);
    trailer_obs_fold_rejected_even_when_unfolding: cli("GET").unfold(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: a\r\n b\r\n\r\n" => Err(E::ObsFold);
    trailer_first_line_whitespace_rejected: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n X: 1\r\n\r\n"
        => Err(E::ObsFold);
    trailer_invalid_name: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX Y: 1\r\n\r\n"
        => Err(E::InvalidFieldName);
    trailer_whitespace_before_colon: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX : 1\r\n\r\n"
        => Err(E::WhitespaceBeforeColon);
    trailer_nul_in_value: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: \0\r\n\r\n"
        => Err(E::InvalidFieldValue);
    trailer_missing_colon: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX\r\n\r\n"
        => Err(E::MissingColon);
    trailer_content_length_does_not_frame_anything: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nContent-Length: 5\r\n\r\n\
            GET / HTTP/1.1\r\nHost: a\r\n\r\n"
        => "req POST / 1.1 | end ka [Content-Length: 5] | req GET / 1.1 | end ka";
}

// Persistence (RFC 9112 §9.3, RFC 9110 §7.6.1)
rules! {
    http11_persists_by_default: srv(), b"GET / HTTP/1.1\r\nHost: a\r\n\r\n" => "req GET / 1.1 | end ka";
    connection_close_ends_persistence: srv(),
        b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n" => "req GET / 1.1 | end close";
    connection_close_is_case_insensitive: srv(),
        b"GET / HTTP/1.1\r\nHost: a\r\nConnection: CLose\r\n\r\n" => "req GET / 1.1 | end close";
    connection_closed_is_not_close: srv(),
        b"GET / HTTP/1.1\r\nHost: a\r\nConnection: closed\r\n\r\n" => "req GET / 1.1 | end ka";
    connection_x_close_is_not_close: srv(),
        b"GET / HTTP/1.1\r\nHost: a\r\nConnection: x-close, close-x\r\n\r\n" => "req GET / 1.1 | end ka";
    connection_close_among_other_tokens: srv(),
        b"GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive,  Close ,te\r\n\r\n"
        => "req GET / 1.1 | end close";
    connection_close_in_a_later_field_line: srv(),
        b"GET / HTTP/1.1\r\nHost: a\r\nConnection: foo\r\nconnection: close\r\n\r\n"
        => "req GET / 1.1 | end close";
    connection_empty_list_elements_ignored: srv(),
        b"GET / HTTP/1.1\r\nHost: a\r\nConnection: , ,close,\r\n\r\n" => "req GET / 1.1 | end close";
    connection_value_not_a_token_list: srv(),
        b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close x\r\n\r\n"
        => fails_with(E::InvalidConnection, Some(400));
    http10_closes_by_default: srv(),
        b"GET / HTTP/1.0\r\n\r\nGET / HTTP/1.0\r\n\r\n" => "req GET / 1.0 | end close";
    http10_keep_alive_persists: srv(),
        b"GET /1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /2 HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"
        => "req GET /1 1.0 | end ka | req GET /2 1.0 | end ka";
    http10_keep_alive_and_close_means_close: srv(),
        b"GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n" => "req GET / 1.0 | end close";
    http10_keep_alive_field_alone_is_not_enough: srv(),
        b"GET / HTTP/1.0\r\nKeep-Alive: timeout=5\r\n\r\n" => "req GET / 1.0 | end close";
    response_http11_persists: cli("GET"),
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi" => "resp 200 | data hi | end ka";
    response_connection_close: cli("GET GET"),
        b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nhiHTTP/1.1 200 OK\r\n\r\n"
        => "resp 200 | data hi | end close";
    response_http10_keep_alive_with_length: cli("GET GET"),
        b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\n\
            hiHTTP/1.0 204 No Content\r\n\r\n"
        => "resp 200 | data hi | end ka | resp 204 | end close";
    close_delimited_response_never_persists: cli("GET").eof(),
        b"HTTP/1.1 200 OK\r\nConnection: keep-alive\r\n\r\nbody"
        => "resp 200 | data body | end close | closed";
    data_after_a_closing_request_is_discarded: srv().eof(),
        b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\n"
        => "req GET / 1.1 | end close | closed";
    garbage_after_a_closing_request_is_not_an_error: srv(),
        b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n\0\x01garbage\r\n\r\n"
        => "req GET / 1.1 | end close";
    data_after_an_http10_request_is_discarded: srv(),
        b"POST / HTTP/1.0\r\nContent-Length: 2\r\n\r\nhiGET / HTTP/1.0\r\n\r\n"
        => "req POST / 1.0 | data hi | end close";
    data_after_a_closing_response_is_discarded: cli("GET GET").eof(),
        b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\n\
            Content-Length: 0\r\n\r\n"
        => "resp 200 | end close | closed";
}

// End of input (RFC 9112 §8)
rules! {
    eof_mid_request_line: srv().eof(), b"GET / HT" => fails_with(E::TruncatedHead, None);
    eof_mid_head: srv().eof(), b"GET / HTTP/1.1\r\nHost: a\r\n" => Err(E::TruncatedHead);
    eof_mid_status_line: cli("GET").eof(), b"HTTP/1.1 20" => Err(E::TruncatedHead);
    eof_mid_response_head: cli("GET").eof(),
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n" => Err(E::TruncatedHead);
    eof_mid_content_length_body: srv().eof(),
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhel"
        => after("req POST / 1.1 | data hel", E::TruncatedBody);
    eof_before_content_length_body: srv().eof(),
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n"
        => after("req POST / 1.1", E::TruncatedBody);
    eof_mid_content_length_response: cli("GET").eof(),
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel" => after("resp 200 | data hel", E::TruncatedBody);
    eof_mid_chunk_data: srv().eof(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel"
        => after("req POST / 1.1 | data hel", E::TruncatedChunkedBody);
    eof_mid_chunk_size_line: srv().eof(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5"
        => after("req POST / 1.1", E::TruncatedChunkedBody);
    eof_before_last_chunk: srv().eof(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"
        => after("req POST / 1.1 | data hello", E::TruncatedChunkedBody);
    eof_mid_trailers: srv().eof(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: 1\r\n"
        => after("req POST / 1.1", E::TruncatedChunkedBody);
    eof_mid_chunked_response: cli("GET").eof(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n"
        => after("resp 200 | data hi", E::TruncatedChunkedBody);
    eof_between_messages_is_clean: srv().eof(),
        b"GET / HTTP/1.1\r\nHost: a\r\n\r\n" => "req GET / 1.1 | end ka | closed";
    eof_on_a_fresh_connection_is_clean: srv().eof(), b"" => "closed";
    eof_after_empty_lines_is_clean: srv().eof(), b"\r\n\r\n" => "closed";
    eof_between_responses_is_clean: cli("GET").eof(),
        b"HTTP/1.1 204 No Content\r\n\r\n" => "resp 204 | end ka | closed";
    eof_ends_close_delimited_body: cli("GET").eof(),
        b"HTTP/1.0 200 OK\r\n\r\nall of it" => "resp 200 | data all of it | end close | closed";
    eof_ends_empty_close_delimited_body: cli("GET").eof(),
        b"HTTP/1.1 200 OK\r\n\r\n" => "resp 200 | end close | closed";
}

// Pipelining (RFC 9112 §9.3.2)
rules! {
    pipelined_requests: srv(),
        b"GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\nGET /3 HTTP/1.1\r\nHost: a\r\n\
            \r\n"
        => "req GET /1 1.1 | end ka | req GET /2 1.1 | end ka | req GET /3 1.1 | end ka";
    pipelined_requests_with_bodies: srv(),
        b"PUT /1 HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\naPUT /2 HTTP/1.1\r\nHost: a\r\n\
            Transfer-Encoding: chunked\r\n\r\n1\r\nb\r\n0\r\n\r\nGET /3 HTTP/1.1\r\nHost: a\r\n\r\n"
        => "req PUT /1 1.1 | data a | end ka | req PUT /2 1.1 | data b | end ka | req GET /3 1.1 | end ka";
    pipelined_request_after_a_bad_one_is_not_read: srv(),
        b"GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\n\r\nGET /3 HTTP/1.1\r\nHost: a\r\n\r\n"
        => after("req GET /1 1.1 | end ka", E::MissingHost);
    pipelined_responses_in_order: cli("GET POST HEAD"),
        b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\naHTTP/1.1 201 Created\r\n\
            Transfer-Encoding: chunked\r\n\r\n1\r\nb\r\n0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 9\r\n\
            \r\n"
        => "resp 200 | data a | end ka | resp 201 | data b | end ka | resp 200 | end ka";
    more_responses_than_requests: cli("GET"),
        b"HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n"
        => after("resp 204 | end ka", E::UnexpectedResponse);
}

// Request smuggling classics (RFC 9112 §11.2)
rules! {
    smuggle_cl_te: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 13\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n\
            SMUGGLED"
        => Err(E::ContentLengthWithTransferEncoding);
    smuggle_te_cl: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n8\r\n\
            SMUGGLED\r\n0\r\n\r\n"
        => Err(E::ContentLengthWithTransferEncoding);
    smuggle_te_te_space_before_colon: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n"
        => Err(E::WhitespaceBeforeColon);
    smuggle_te_te_chunked_identity: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n"
        => Err(E::ChunkedNotFinal);
    smuggle_te_te_tab_before_value_is_plain_chunked: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\tchunked\r\n\r\n1\r\nz\r\n0\r\n\r\n"
        => "req POST / 1.1 | data z | end ka";
    smuggle_te_te_spaces_before_value_with_cl: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding:   chunked\r\n\r\n0\r\n\r\n"
        => Err(E::ContentLengthWithTransferEncoding);
    smuggle_te_te_folded_header: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
        => Err(E::ObsFold);
    smuggle_te_te_folded_value: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n" => Err(E::ObsFold);
    smuggle_te_te_duplicate_lines_chunked_then_identity: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n\
            0\r\n\r\n"
        => Err(E::ChunkedNotFinal);
    smuggle_te_te_duplicate_lines_identity_then_chunked: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity\r\nTransfer-Encoding: chunked\r\n\r\n\
            0\r\n\r\n"
        => fails_with(E::UnsupportedTransferCoding, Some(501));
    smuggle_te_te_xchunked: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n"
        => Err(E::ContentLengthWithTransferEncoding);
    smuggle_te_te_xchunked_alone: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n"
        => fails_with(E::ChunkedNotFinal, Some(400));
    smuggle_te_te_chunked_vertical_tab: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\x0b\r\n\r\n0\r\n\r\n"
        => Err(E::InvalidFieldValue);
    smuggle_te_te_chunked_nul: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\0\r\n\r\n0\r\n\r\n"
        => Err(E::InvalidFieldValue);
    smuggle_te_te_quoted_chunked: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \"chunked\"\r\n\r\n0\r\n\r\n"
        => Err(E::InvalidTransferEncoding);
    smuggle_te_te_lookalike_name_is_just_a_field: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer_Encoding: chunked\r\nContent-Length: 1\r\n\r\n0\r\n\r\n"
        => "req POST / 1.1 | data 0 | end ka";
    smuggle_te_in_http10_with_cl: srv(),
        b"POST / HTTP/1.0\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
        => Err(E::TransferEncodingInHttp10);
    smuggle_cl_plus_sign: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\nhello"
        => fails_with(E::InvalidContentLength, Some(400));
    smuggle_cl_space_inside: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1 2\r\n\r\nhello" => Err(E::InvalidContentLength);
    smuggle_cl_negative: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\nhello" => Err(E::InvalidContentLength);
    smuggle_cl_hex: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x5\r\n\r\nhello" => Err(E::InvalidContentLength);
    smuggle_cl_list_of_equal_values: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\n\r\nhello" => Err(E::DuplicateContentLength);
    smuggle_cl_duplicate_conflicting: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nContent-Length: 5\r\n\r\nhello"
        => Err(E::DuplicateContentLength);
    smuggle_cl_nul_in_name: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length\0: 5\r\n\r\nhello" => Err(E::InvalidFieldName);
    smuggle_cl_cr_in_name: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length\r: 5\r\n\r\nhello" => Err(E::BareCr);
    smuggle_chunk_size_overflow_wraps_to_3: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nf0000000000000003\r\nabc\r\n0\r\n\
            \r\n"
        => Err(E::ChunkSizeOverflow);
    smuggle_chunk_data_not_followed_by_crlf: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabGET / HTTP/1.1\r\n\r\n"
        => after("req POST / 1.1 | data ab", E::InvalidChunkDataEnd);
    smuggle_bare_cr_ends_a_header_line: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nX: a\rContent-Length: 5\r\n\r\nhello" => Err(E::BareCr);
    smuggle_bare_lf_ends_a_header_line: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nX: a\nContent-Length: 5\r\n\r\nhello" => Err(E::BareLf);
    smuggle_header_line_starting_with_whitespace: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nX: a\r\n Content-Length: 5\r\n\r\nhello" => Err(E::ObsFold);
    smuggle_first_header_line_starting_with_whitespace: srv(),
        b"POST / HTTP/1.1\r\n Content-Length: 5\r\nHost: a\r\n\r\nhello" => Err(E::WhitespaceAfterStartLine);
    smuggle_crlf_crlf_inside_a_body_stays_body: srv(),
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 31\r\n\r\nGET /evil HTTP/1.1\r\nHost: a\r\n\r\n"
        => "req POST / 1.1 | data GET /evil HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n | end ka";
    smuggle_crlf_crlf_after_a_bodyless_request_is_a_new_request: srv(),
        b"GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n\r\nGET /evil HTTP/1.1\r\nHost: a\r\n\r\n"
        => "req GET / 1.1 | end ka | req GET /evil 1.1 | end ka";
    smuggle_cr_injection_in_a_value: srv(),
        b"GET / HTTP/1.1\r\nHost: a\r\nX: a\r\rGET /evil HTTP/1.1\r\n\r\n" => Err(E::BareCr);
    smuggle_request_line_extra_spaces: srv(), b"GET /  HTTP/1.1\r\nHost: a\r\n\r\n" => Err(E::InvalidTarget);
    smuggle_absolute_form_vs_host_ignores_host: srv().show(),
        b"GET http://good.example/ HTTP/1.1\r\nHost: evil.example\r\n\r\n"
        => "req GET http://good.example/ 1.1 [Host: evil.example] | end ka";
    smuggle_head_response_with_body_bytes: cli("HEAD GET"),
        b"HTTP/1.1 200 OK\r\nContent-Length: 44\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
        => "resp 200 | end ka | resp 200 | end ka";
    smuggle_get_with_content_length_body_is_not_a_request: srv(),
        b"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 28\r\n\r\nGET /x HTTP/1.1\r\nHost: a\r\n\r\n"
        => "req GET / 1.1 | data GET /x HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n | end ka";
}

// ---------------------------------------------------------------------------
// Encoding: builders and BodyEncoder (RFC 9112 §11.1, §6)
// ---------------------------------------------------------------------------

fn req_with(name: &str, value: &str) -> Result<Vec<u8>, Error> {
    let req = Request::builder(Method::GET, "/")
        .header("Host", "a")
        .header(name, value)
        .build()?;
    let mut out = BytesMut::new();
    encode::request_head(&req, &mut out);
    Ok(out.to_vec())
}

fn resp_with(name: &str, value: &str) -> Result<Vec<u8>, Error> {
    let resp = Response::builder(200).header(name, value).build()?;
    let mut out = BytesMut::new();
    encode::response_head(&resp, &mut out);
    Ok(out.to_vec())
}

fn req_target(method: Method, target: &[u8]) -> Result<Vec<u8>, Error> {
    let req = Request::builder(method, target).header("Host", "a").build()?;
    let mut out = BytesMut::new();
    encode::request_head(&req, &mut out);
    Ok(out.to_vec())
}

fn resp_reason(status: u16, reason: &[u8]) -> Result<Vec<u8>, Error> {
    let resp = Response::builder(status).reason(reason).build()?;
    let mut out = BytesMut::new();
    encode::response_head(&resp, &mut out);
    Ok(out.to_vec())
}

fn method(m: &[u8]) -> Result<Vec<u8>, Error> {
    Method::from_bytes(m).map(|m| m.as_bytes().to_vec())
}

fn trailers(name: &str, value: &str) -> Result<Vec<u8>, Error> {
    let t = Fields::from_pairs([(name, value)])?;
    let mut out = BytesMut::new();
    let mut enc = BodyEncoder::new(Framing::Chunked);
    enc.end(Some(&t), &mut out)?;
    Ok(out.to_vec())
}

/// Encode a body of `pieces` with `framing`, then end it (with a trailer
/// `X: 1` when `with_trailer`). Stops at the first refusal.
fn body(framing: Framing, pieces: &[&[u8]], with_trailer: bool) -> Result<Vec<u8>, Error> {
    let mut out = BytesMut::new();
    let mut enc = BodyEncoder::new(framing);
    for p in pieces {
        let before = out.len();
        if let Err(e) = enc.data(p, &mut out) {
            assert_eq!(out.len(), before, "a refused data call wrote bytes");
            return Err(e);
        }
    }
    let t = Fields::from_pairs([("X", "1")])?;
    enc.end(with_trailer.then_some(&t), &mut out)?;
    Ok(out.to_vec())
}

fn data_after_end() -> Result<Vec<u8>, Error> {
    let mut out = BytesMut::new();
    let mut enc = BodyEncoder::new(Framing::Chunked);
    enc.end(None, &mut out)?;
    enc.data(b"late", &mut out)?;
    Ok(out.to_vec())
}

fn framing_of_request(fields: &[(&str, &str)], version: Version) -> Result<Framing, Error> {
    let mut b = Request::builder(Method::POST, "/").version(version);
    for (n, v) in fields {
        b = b.header(n, v);
    }
    request_framing(&b.build()?)
}

fn framing_of_response(status: u16, fields: &[(&str, &str)], to: Method) -> Result<Framing, Error> {
    let mut b = Response::builder(status);
    for (n, v) in fields {
        b = b.header(n, v);
    }
    response_framing(&b.build()?, &to)
}

macro_rules! encoding {
    ($( $(#[$attr:meta])* $name:ident: $got:expr => $expect:expr; )*) => {
        $(
            #[test]
            $(#[$attr])*
            fn $name() {
                let got: Result<Vec<u8>, Error> = $got;
                let expect: Result<&[u8], Error> = $expect;
                assert_eq!(got.as_deref().map_err(|e| *e), expect);
                if let Err(e) = got {
                    assert_eq!(e.side(), Side::Local, "{e:?} must be a local error");
                }
            }
        )*
    };
}

macro_rules! framing {
    ($( $name:ident: $got:expr => $expect:expr; )*) => {
        $( #[test] fn $name() { assert_eq!($got, $expect); } )*
    };
}

encoding! {
    request_head_wire_form: req_with("Accept", "*/*")
        => Ok(b"GET / HTTP/1.1\r\nHost: a\r\nAccept: */*\r\n\r\n");
    response_head_wire_form: resp_with("Content-Length", "0")
        => Ok(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    builder_trims_ows_from_values: req_with("X", " \t a b \t ")
        => Ok(b"GET / HTTP/1.1\r\nHost: a\r\nX: a b\r\n\r\n");
    builder_keeps_obs_text_in_values: req_with("X", "caf\u{e9}")
        => Ok(b"GET / HTTP/1.1\r\nHost: a\r\nX: caf\xc3\xa9\r\n\r\n");
    http10_request_wire_form: {
        let req = Request::builder(Method::GET, "/").version(Version::Http10).build();
        req.map(|r| { let mut o = BytesMut::new(); encode::request_head(&r, &mut o); o.to_vec() })
    } => Ok(b"GET / HTTP/1.0\r\n\r\n");
    builder_refuses_cr_in_value: req_with("X", "a\rb") => Err(E::IllegalFieldValue);
    builder_refuses_lf_in_value: req_with("X", "a\nb") => Err(E::IllegalFieldValue);
    builder_refuses_crlf_crlf_injection_in_value: req_with("X", "a\r\n\r\nGET /evil HTTP/1.1")
        => Err(E::IllegalFieldValue);
    builder_refuses_nul_in_value: req_with("X", "a\0b") => Err(E::IllegalFieldValue);
    builder_refuses_del_in_value: req_with("X", "a\x7fb") => Err(E::IllegalFieldValue);
    builder_refuses_cr_in_response_value: resp_with("Set-Cookie", "a\r\nX: y") => Err(E::IllegalFieldValue);
    builder_refuses_cr_in_name: req_with("X\r", "a") => Err(E::IllegalFieldName);
    builder_refuses_lf_in_name: req_with("X\nY", "a") => Err(E::IllegalFieldName);
    builder_refuses_nul_in_name: req_with("X\0", "a") => Err(E::IllegalFieldName);
    builder_refuses_colon_in_name: req_with("X:Y", "a") => Err(E::IllegalFieldName);
    builder_refuses_space_in_name: req_with("X Y", "a") => Err(E::IllegalFieldName);
    builder_refuses_empty_name: req_with("", "a") => Err(E::IllegalFieldName);
    builder_refuses_name_in_response: resp_with("Bad\r\nName", "a") => Err(E::IllegalFieldName);
    builder_refuses_cr_in_trailer_value: trailers("X", "a\r\nY: b") => Err(E::IllegalFieldValue);
    builder_refuses_nul_in_trailer_name: trailers("X\0", "a") => Err(E::IllegalFieldName);
    builder_refuses_cr_in_target: req_target(Method::GET, b"/a\rb") => Err(E::IllegalTarget);
    builder_refuses_lf_in_target: req_target(Method::GET, b"/a\nb") => Err(E::IllegalTarget);
    builder_refuses_crlf_in_target: req_target(Method::GET, b"/ HTTP/1.1\r\nHost: evil\r\n\r\nGET /")
        => Err(E::IllegalTarget);
    builder_refuses_nul_in_target: req_target(Method::GET, b"/a\0b") => Err(E::IllegalTarget);
    builder_refuses_space_in_target: req_target(Method::GET, b"/a b") => Err(E::IllegalTarget);
    builder_refuses_fragment_in_target: req_target(Method::GET, b"/a#b") => Err(E::IllegalTarget);
    builder_refuses_empty_target: req_target(Method::GET, b"") => Err(E::IllegalTarget);
    builder_refuses_asterisk_for_get: req_target(Method::GET, b"*") => Err(E::IllegalTarget);
    builder_refuses_origin_form_for_connect: req_target(Method::CONNECT, b"/") => Err(E::IllegalTarget);
    builder_accepts_authority_form_for_connect: req_target(Method::CONNECT, b"a.example:443")
        => Ok(b"CONNECT a.example:443 HTTP/1.1\r\nHost: a\r\n\r\n");
    builder_refuses_cr_in_reason: resp_reason(200, b"O\rK") => Err(E::IllegalReason);
    builder_refuses_lf_in_reason: resp_reason(200, b"OK\nX: y") => Err(E::IllegalReason);
    builder_refuses_crlf_in_reason: resp_reason(200, b"OK\r\n\r\n<html>") => Err(E::IllegalReason);
    builder_refuses_nul_in_reason: resp_reason(200, b"O\0K") => Err(E::IllegalReason);
    builder_accepts_empty_reason: resp_reason(299, b"") => Ok(b"HTTP/1.1 299 \r\n\r\n");
    builder_refuses_status_below_100: resp_reason(99, b"x") => Err(E::IllegalStatus);
    builder_refuses_status_above_599: resp_reason(600, b"x") => Err(E::IllegalStatus);
    method_refuses_crlf: method(b"GET / HTTP/1.1\r\n") => Err(E::IllegalMethod);
    method_refuses_space: method(b"GE T") => Err(E::IllegalMethod);
    method_refuses_nul: method(b"GET\0") => Err(E::IllegalMethod);
    method_refuses_empty: method(b"") => Err(E::IllegalMethod);
    method_accepts_extension_token: method(b"PURGE") => Ok(b"PURGE");
    builder_refuses_invalid_content_length: req_with("Content-Length", "+5") => Err(E::IllegalFraming);
    builder_refuses_duplicate_content_length: {
        Request::builder(Method::POST, "/")
            .header("Content-Length", "1")
            .header("Content-Length", "1")
            .build()
            .map(|_| Vec::new())
    } => Err(E::IllegalFraming);
    builder_refuses_content_length_with_transfer_encoding: {
        Request::builder(Method::POST, "/")
            .header("Host", "a")
            .header("Content-Length", "5")
            .header("Transfer-Encoding", "chunked")
            .build()
            .map(|_| Vec::new())
    } => Err(E::IllegalFraming);
    body_length_exact: body(Framing::Length(5), &[b"he", b"llo"], false) => Ok(b"hello");
    body_length_too_many_bytes: body(Framing::Length(4), &[b"he", b"llo"], false) => Err(E::BodyTooLong);
    body_length_too_few_bytes: body(Framing::Length(6), &[b"he", b"llo"], false) => Err(E::BodyTooShort);
    body_length_zero_takes_nothing: body(Framing::Length(0), &[b"x"], false) => Err(E::BodyTooLong);
    body_length_refuses_trailers: body(Framing::Length(2), &[b"hi"], true) => Err(E::TrailersNotAllowed);
    body_none_refuses_data: body(Framing::None, &[b"x"], false) => Err(E::BodyNotAllowed);
    body_none_accepts_empty_data: body(Framing::None, &[b""], false) => Ok(b"");
    body_switch_refuses_data: body(Framing::Switch, &[b"x"], false) => Err(E::BodyNotAllowed);
    body_chunked_wire_form: body(Framing::Chunked, &[b"hello", b"", b"0123456789abcdef"], true)
        => Ok(b"5\r\nhello\r\n10\r\n0123456789abcdef\r\n0\r\nX: 1\r\n\r\n");
    body_chunked_empty_data_is_not_a_last_chunk: body(Framing::Chunked, &[b"", b"", b"a"], false)
        => Ok(b"1\r\na\r\n0\r\n\r\n");
    body_until_close_is_raw: body(Framing::UntilClose, &[b"a", b"b"], false) => Ok(b"ab");
    body_refuses_data_after_end: data_after_end() => Err(E::InvalidState);
}

framing! {
    sender_framing_content_length: framing_of_request(&[("Content-Length", "3")], Version::Http11)
        => Ok(Framing::Length(3));
    sender_framing_chunked: framing_of_request(&[("Transfer-Encoding", "chunked")], Version::Http11)
        => Ok(Framing::Chunked);
    sender_framing_request_without_length_has_no_body: framing_of_request(&[], Version::Http11)
        => Ok(Framing::None);
    // The builder refuses a head the sender must not send (RFC 9112 §6.1, §6.2).
    sender_framing_never_te_with_cl:
        framing_of_request(&[("Content-Length", "3"), ("Transfer-Encoding", "chunked")], Version::Http11)
        => Err(E::IllegalFraming);
    sender_framing_never_te_in_http10:
        framing_of_request(&[("Transfer-Encoding", "chunked")], Version::Http10)
        => Err(E::IllegalFraming);
    sender_framing_head_response_has_no_body:
        framing_of_response(200, &[("Content-Length", "3")], Method::HEAD)
        => Ok(Framing::None);
    sender_framing_204_has_no_body: framing_of_response(204, &[], Method::GET) => Ok(Framing::None);
    sender_framing_connect_2xx_switches: framing_of_response(200, &[], Method::CONNECT)
        => Ok(Framing::Switch);
    sender_framing_response_without_length_until_close: framing_of_response(200, &[], Method::GET)
        => Ok(Framing::UntilClose);
}
