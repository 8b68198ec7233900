//! The `decode_server` / `decode_client` harness.
//!
//! One input is a fixed 27-byte header (limit knobs, split sizes, flags, the
//! client's request methods) followed by the bytes to decode. The bytes are
//! decoded twice, once in one piece and once in the fuzzer-chosen pieces, and
//! the two item sequences (with consecutive `Data` coalesced) must be equal.
//! While decoding, [`Checker`] asserts the structural invariants listed in
//! `fuzz/README.md`.

use std::collections::VecDeque;

use arbitrary::Arbitrary;
use bytes::BytesMut;
use h1conn::{
    request_framing, response_framing, Decoded, Decoder, Error, Fields, Framing, Limits, Method, Request,
    Response, Role,
};

/// Size of the fixed header before the data, in bytes (see [`DecodeInput`]).
pub const HEADER_LEN: usize = 27;

/// One byte per limit: `0` keeps the default, `1..=127` gives a small limit
/// (`k - 1`, so 0 is reachable), `128..=254` a large one (`(k - 127) * 512`),
/// `255` gives `usize::MAX` ("no limit").
#[derive(Arbitrary, Debug, Clone, Copy, Default)]
pub struct Knobs {
    pub start_line: u8,
    pub field_line: u8,
    pub head: u8,
    pub fields: u8,
    pub chunk_line: u8,
    pub chunk_ext: u8,
    pub trailers: u8,
    /// `0`: no body limit; otherwise as above (`255`: `u64::MAX`).
    pub body: u8,
    pub unfold: bool,
}

fn knob(k: u8, default: usize) -> usize {
    match k {
        0 => default,
        1..=127 => usize::from(k) - 1,
        128..=254 => (usize::from(k) - 127) * 512,
        255 => usize::MAX,
    }
}

impl Knobs {
    pub fn limits(&self) -> Limits {
        let d = Limits::DEFAULT;
        Limits {
            max_start_line: knob(self.start_line, d.max_start_line),
            max_field_line: knob(self.field_line, d.max_field_line),
            max_head_bytes: knob(self.head, d.max_head_bytes),
            max_fields: knob(self.fields, d.max_fields),
            max_chunk_line: knob(self.chunk_line, d.max_chunk_line),
            max_chunk_extensions: knob(self.chunk_ext, d.max_chunk_extensions),
            max_trailer_bytes: knob(self.trailers, d.max_trailer_bytes),
            max_body: match self.body {
                0 => None,
                255 => Some(u64::MAX),
                k => Some(knob(k, 0) as u64),
            },
            unfold_obs_fold_in_responses: self.unfold,
        }
    }
}

/// Flag bits of [`DecodeInput::flags`].
pub const FLAG_SWITCH_UPGRADE: u8 = 1;
/// Client: push every listed method before decoding (pipelining) instead of
/// keeping one outstanding.
pub const FLAG_PIPELINE: u8 = 2;

/// A fuzz input for `decode_server` and `decode_client`.
///
/// Layout (what `fuzz/seed.py` writes): 9 knob bytes, 8 split bytes, 1 flag
/// byte, 8 method bytes, 1 method-count byte, then the data. All zeros is:
/// default limits, the whole input in one piece, GET for every response.
#[derive(Arbitrary, Debug, Clone)]
pub struct DecodeInput {
    pub knobs: Knobs,
    /// Piece sizes, used in turn; `0` = the rest of the input.
    pub splits: [u8; 8],
    pub flags: u8,
    /// Client: the requests sent: `(b & 0x7f) % 5` indexes GET, HEAD,
    /// CONNECT, POST, OPTIONS; bit 7 set means the request offered a protocol
    /// upgrade (`Decoder::push_request(method, true)`).
    pub methods: [u8; 8],
    /// Client: `0` = push `methods` cyclically forever; `n` = only the first
    /// `min(n, 8)` requests were sent (a further response is unexpected).
    pub n_methods: u8,
    /// The bytes to decode: the rest of the input, as is.
    pub data: Rest,
}

/// The rest of the fuzz input, byte for byte. (`Vec<u8>`'s own
/// `arbitrary_take_rest` interleaves continuation bytes, which would make
/// the seeds unreadable.)
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Rest(pub Vec<u8>);

impl std::fmt::Debug for Rest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "b\"{}\"", self.0.escape_ascii())
    }
}

impl<'a> Arbitrary<'a> for Rest {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        // Not the last field: length-prefixed like any byte vector.
        Ok(Rest(Vec::<u8>::arbitrary(u)?))
    }

    fn arbitrary_take_rest(u: arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(Rest(u.take_rest().to_vec()))
    }
}

impl std::ops::Deref for Rest {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0
    }
}

/// The request a client input byte selects: GET, HEAD, CONNECT, POST or
/// OPTIONS, and whether it offered an upgrade (bit 7).
pub fn client_method(b: u8) -> (Method, bool) {
    let m = [
        Method::GET,
        Method::HEAD,
        Method::CONNECT,
        Method::POST,
        Method::OPTIONS,
    ];
    (m[usize::from(b & 0x7f) % 5].clone(), b & 0x80 != 0)
}

/// A decoded item, with data owned and errors as items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Request(Request),
    Response(Response),
    Data(Vec<u8>),
    End { trailers: Fields, keep_alive: bool },
    Switched,
    Closed,
    Error(Error),
}

/// Run both ways (whole, split) and compare. Panics on any violated invariant.
pub fn run(role: Role, input: &DecodeInput) {
    let data = &input.data[..];
    let whole = drive(role, input, &[data]);
    let pieces = split(data, &input.splits);
    let split_items = drive(role, input, &pieces);
    assert_eq!(
        whole,
        split_items,
        "split changed the decoded items (pieces: {:?})",
        pieces.iter().map(|p| p.len()).collect::<Vec<_>>()
    );
}

/// Cut `data` into pieces of the sizes in `splits` (cyclically).
pub fn split<'a>(data: &'a [u8], splits: &[u8; 8]) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    let mut rest = data;
    let mut i = 0;
    while !rest.is_empty() {
        let n = match splits[i % splits.len()] {
            0 => rest.len(),
            n => usize::from(n).min(rest.len()),
        };
        let (a, b) = rest.split_at(n);
        out.push(a);
        rest = b;
        i += 1;
    }
    out
}

/// Feeds the client's methods.
struct MethodFeed {
    methods: [u8; 8],
    limit: Option<usize>,
    pushed: usize,
}

impl MethodFeed {
    fn next(&mut self) -> Option<(Method, bool)> {
        if self.limit.is_some_and(|l| self.pushed >= l) {
            return None;
        }
        let m = client_method(self.methods[self.pushed % 8]);
        self.pushed += 1;
        Some(m)
    }
}

/// Decode `pieces` in order, then EOF; return the coalesced items.
pub fn drive(role: Role, input: &DecodeInput, pieces: &[&[u8]]) -> Vec<Item> {
    let limits = input.knobs.limits();
    let mut dec = Decoder::new(role, limits);
    let mut buf = BytesMut::new();
    let mut chk = Checker::new(role, input.flags & FLAG_SWITCH_UPGRADE != 0);
    let mut feed = MethodFeed {
        methods: input.methods,
        limit: (input.n_methods != 0).then(|| usize::from(input.n_methods).min(8)),
        pushed: 0,
    };
    if role == Role::Client && input.flags & FLAG_PIPELINE != 0 {
        for _ in 0..8 {
            match feed.next() {
                Some(m) => chk.push(&mut dec, m),
                None => break,
            }
        }
    }
    // Bytes a reading decoder may hold between calls: a partial head, a
    // partial chunk-size line or a partial trailer section; and, whatever
    // the limits, one lone CR before a request line, which may be half of an
    // empty line the server skips (it waits for the LF rather than count it
    // against a limit of 0).
    let hold = limits
        .max_head_bytes
        .max(limits.max_chunk_line)
        .max(limits.max_trailer_bytes)
        .max(1);
    for piece in pieces {
        if dec.is_mid_head() {
            assert!(
                buf.len() <= limits.max_head_bytes,
                "buffer holds {} bytes of a head, limit {}",
                buf.len(),
                limits.max_head_bytes
            );
        }
        if !dec.is_finished() && !dec.is_paused() {
            assert!(
                buf.len() <= hold,
                "buffer holds {} bytes, bound {}",
                buf.len(),
                hold
            );
        }
        buf.extend_from_slice(piece);
        chk.drain(&mut dec, &mut buf, &mut feed);
    }
    dec.set_eof();
    chk.drain(&mut dec, &mut buf, &mut feed);
    // Once EOF is drained the stream is over: Closed, Switched or an error.
    let ended = match chk.items.last() {
        Some(Item::Closed | Item::Switched | Item::Error(_)) => true,
        _ => dec.is_switched(),
    };
    assert!(
        ended,
        "EOF drained without Closed/Switched/error: {:?}",
        chk.items.last()
    );
    chk.drain(&mut dec, &mut buf, &mut feed);
    chk.items
}

/// What the checker expects next.
#[derive(Debug, Clone)]
enum Expect {
    /// Between messages: a head, Closed, or an error.
    Head,
    /// In a body framed as `framing`, `got` bytes so far.
    Body {
        framing: Framing,
        got: u64,
        keep_alive: bool,
        connect: bool,
        upgrade: bool,
    },
    /// After a response that switches protocols: `Switched`.
    Switch,
    /// After `End { keep_alive: false }`: only Closed.
    Done,
    /// After Closed, Switched or an error (or a server switch): nothing.
    Over,
}

struct Checker {
    role: Role,
    switch_upgrade: bool,
    expect: Expect,
    /// Client: mirror of the decoder's outstanding methods.
    outstanding: VecDeque<(Method, bool)>,
    items: Vec<Item>,
    error: Option<Error>,
}

impl Checker {
    fn new(role: Role, switch_upgrade: bool) -> Self {
        Checker {
            role,
            switch_upgrade,
            expect: Expect::Head,
            outstanding: VecDeque::new(),
            items: Vec::new(),
            error: None,
        }
    }

    fn push(&mut self, dec: &mut Decoder, (m, offers_upgrade): (Method, bool)) {
        if offers_upgrade {
            dec.push_request(m.clone(), true);
        } else {
            dec.push_method(m.clone());
        }
        self.outstanding.push_back((m, offers_upgrade));
    }

    fn record(&mut self, item: Item) {
        if let (Item::Data(d), Some(Item::Data(prev))) = (&item, self.items.last_mut()) {
            prev.extend_from_slice(d);
            return;
        }
        self.items.push(item);
    }

    fn drain(&mut self, dec: &mut Decoder, buf: &mut BytesMut, feed: &mut MethodFeed) {
        if let Some(e) = self.error {
            // Errors are sticky.
            assert_eq!(dec.decode(buf), Err(e), "error not sticky");
            assert_eq!(dec.error(), Some(e));
            return;
        }
        loop {
            if self.role == Role::Client && self.outstanding.is_empty() {
                if let Some(m) = feed.next() {
                    self.push(dec, m);
                }
            }
            match dec.decode(buf) {
                Ok(None) => break,
                Ok(Some(item)) => self.item(dec, item),
                Err(e) => {
                    assert!(
                        !matches!(self.expect, Expect::Over),
                        "error {e:?} after the stream ended"
                    );
                    assert_eq!(
                        e.side(),
                        h1conn::Side::Remote,
                        "decoder error from the local side: {e:?}"
                    );
                    assert!(dec.is_finished());
                    self.error = Some(e);
                    self.expect = Expect::Over;
                    self.items.push(Item::Error(e));
                    break;
                }
            }
            if self.role == Role::Client {
                assert_eq!(dec.outstanding(), self.outstanding.len(), "outstanding methods");
            }
        }
    }

    fn item(&mut self, dec: &mut Decoder, item: Decoded) {
        let expect = std::mem::replace(&mut self.expect, Expect::Over);
        self.expect = match (expect, item) {
            (Expect::Over, item) => panic!("item after the stream ended: {item:?}"),
            (Expect::Done, Decoded::Closed) => {
                self.items.push(Item::Closed);
                Expect::Over
            }
            (Expect::Done, item) => panic!("item after End {{ keep_alive: false }}: {item:?}"),
            (Expect::Switch, Decoded::Switched) => {
                self.items.push(Item::Switched);
                assert!(dec.is_switched());
                Expect::Over
            }
            (Expect::Switch, item) => panic!("expected Switched, got {item:?}"),
            (Expect::Head, Decoded::Closed) => {
                assert!(dec.is_eof(), "Closed before EOF");
                self.items.push(Item::Closed);
                Expect::Over
            }
            (Expect::Head, Decoded::Request(req)) => {
                assert_eq!(self.role, Role::Server, "request in client role");
                let framing = request_framing(&req).expect("decoder accepted a request it cannot frame");
                assert!(
                    !matches!(framing, Framing::UntilClose | Framing::Switch),
                    "request framed as {framing:?}"
                );
                if let Framing::Length(n) = framing {
                    assert_eq!(req.content_length(), Some(n));
                    if let Some(max) = dec.limits().max_body {
                        assert!(n <= max, "Content-Length {n} over max_body {max}");
                    }
                }
                let next = Expect::Body {
                    framing,
                    got: 0,
                    keep_alive: req.keep_alive(),
                    connect: req.method().is_connect(),
                    upgrade: req.fields().contains("upgrade"),
                };
                self.items.push(Item::Request(req));
                next
            }
            (Expect::Head, Decoded::Response(resp)) => {
                assert_eq!(self.role, Role::Client, "response in server role");
                let (method, offered) = self
                    .outstanding
                    .front()
                    .cloned()
                    .expect("response with nothing outstanding");
                if resp.status() == 101 {
                    assert!(
                        offered && resp.fields().contains("upgrade"),
                        "101 accepted (offered {offered}) without an offer or an Upgrade field"
                    );
                }
                let framing =
                    response_framing(&resp, &method).expect("decoder accepted a response it cannot frame");
                let next = if framing == Framing::Switch {
                    self.outstanding.pop_front();
                    Expect::Switch
                } else if resp.is_interim() {
                    assert_eq!(framing, Framing::None);
                    Expect::Head
                } else {
                    Expect::Body {
                        framing,
                        got: 0,
                        keep_alive: resp.keep_alive(),
                        connect: false,
                        upgrade: false,
                    }
                };
                self.items.push(Item::Response(resp));
                next
            }
            (Expect::Head, item) => panic!("expected a head, got {item:?}"),
            (
                Expect::Body {
                    framing,
                    got,
                    keep_alive,
                    connect,
                    upgrade,
                },
                Decoded::Data(d),
            ) => {
                assert!(!d.is_empty(), "empty Data item");
                let got = got + d.len() as u64;
                match framing {
                    Framing::None | Framing::Switch => panic!("body data in a message framed as {framing:?}"),
                    Framing::Length(n) => assert!(got <= n, "{got} body bytes for Content-Length {n}"),
                    Framing::Chunked | Framing::UntilClose => {}
                }
                if let Some(max) = dec.limits().max_body {
                    if self.role == Role::Server {
                        assert!(got <= max, "{got} body bytes over max_body {max}");
                    }
                }
                self.record(Item::Data(d.to_vec()));
                Expect::Body {
                    framing,
                    got,
                    keep_alive,
                    connect,
                    upgrade,
                }
            }
            (
                Expect::Body {
                    framing,
                    got,
                    keep_alive,
                    connect,
                    upgrade,
                },
                Decoded::End {
                    trailers,
                    keep_alive: ka,
                },
            ) => {
                if let Framing::Length(n) = framing {
                    assert_eq!(got, n, "End after {got} bytes of a Content-Length {n} body");
                }
                if framing == Framing::None {
                    assert_eq!(got, 0);
                }
                if framing != Framing::Chunked {
                    assert!(trailers.is_empty(), "trailers in a {framing:?} body");
                }
                if framing == Framing::UntilClose {
                    assert!(dec.is_eof(), "close-delimited body ended before EOF");
                }
                let expected_ka = keep_alive && framing != Framing::UntilClose;
                assert_eq!(ka, expected_ka, "End.keep_alive for framing {framing:?}");
                self.items.push(Item::End {
                    trailers,
                    keep_alive: ka,
                });
                if self.role == Role::Client {
                    self.outstanding.pop_front();
                }
                let paused = dec.is_paused();
                if self.role == Role::Server {
                    assert_eq!(
                        paused,
                        connect || upgrade,
                        "paused after End (connect {connect}, upgrade {upgrade})"
                    );
                } else {
                    assert!(!paused, "client decoder paused");
                }
                if paused {
                    if connect || (upgrade && self.switch_upgrade) {
                        dec.switch();
                        assert!(dec.is_switched());
                        Expect::Over
                    } else {
                        dec.resume();
                        assert!(!dec.is_paused());
                        if ka {
                            Expect::Head
                        } else {
                            Expect::Done
                        }
                    }
                } else if ka {
                    Expect::Head
                } else {
                    Expect::Done
                }
            }
            (Expect::Body { .. }, item) => panic!("expected Data or End, got {item:?}"),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arbitrary::Unstructured;

    /// The byte layout fuzz/seed.py writes is the one `arbitrary` reads.
    #[test]
    fn header_layout() {
        let mut bytes: Vec<u8> = (1..=HEADER_LEN as u8).collect();
        bytes.extend_from_slice(b"GET / HTTP/1.1\r\n");
        let input = DecodeInput::arbitrary_take_rest(Unstructured::new(&bytes)).unwrap();
        assert_eq!(input.knobs.start_line, 1);
        assert_eq!(input.knobs.body, 8);
        assert!(input.knobs.unfold); // 9 & 1
        assert_eq!(input.splits, [10, 11, 12, 13, 14, 15, 16, 17]);
        assert_eq!(input.flags, 18);
        assert_eq!(input.methods, [19, 20, 21, 22, 23, 24, 25, 26]);
        assert_eq!(input.n_methods, 27);
        assert_eq!(&input.data[..], b"GET / HTTP/1.1\r\n");
    }
}
