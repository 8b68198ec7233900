//! The message-stream decoder: bytes in, message parts out.
//!
//! A [`Decoder`] reads the messages one side of a connection receives:
//! requests for a server, responses for a client. It owns no buffer: the
//! caller appends received bytes to a `BytesMut` and calls
//! [`Decoder::decode`] until it returns `Ok(None)`; heads and body data
//! come out as zero-copy slices of that buffer. Needing more bytes is
//! `Ok(None)`, never an error, and any split of the input gives the same
//! sequence of [`Decoded`] items.
//!
//! The [`Connection`](crate::Connection) drives a decoder for you; use one
//! directly for a codec-level job (a proxy's parser, a capture reader).
//!
//! ```
//! use bytes::BytesMut;
//! use h1conn::{Decoded, Decoder, Limits, Role};
//!
//! let mut dec = Decoder::new(Role::Server, Limits::default());
//! let mut buf = BytesMut::from(&b"POST /f HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi"[..]);
//! let Some(Decoded::Request(req)) = dec.decode(&mut buf)? else { panic!() };
//! assert_eq!(req.target(), b"/f");
//! let Some(Decoded::Data(d)) = dec.decode(&mut buf)? else { panic!() };
//! assert_eq!(&d[..], b"hi");
//! let Some(Decoded::End { keep_alive, .. }) = dec.decode(&mut buf)? else { panic!() };
//! assert!(keep_alive);
//! assert!(dec.decode(&mut buf)?.is_none()); // waiting for the next request
//! # Ok::<(), h1conn::Error>(())
//! ```

use alloc::collections::VecDeque;

use bytes::{Bytes, BytesMut};

use crate::error::Error;
use crate::fields::Fields;
use crate::framing::{framing_of, Framing, HeadInfo, MessageKind};
use crate::limits::Limits;
use crate::message::{Method, Request, Response};
use crate::parse::chunked::{Chunk, ChunkedDecoder};
use crate::parse::head::{HeadKind, HeadScanner};
use crate::persistence::keep_alive_after;
use crate::Role;

/// One item of a decoded message stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decoded {
    /// A request head (server role).
    Request(Request),
    /// A response head (client role): final, or interim (1xx) with no body
    /// and no `End` after it.
    Response(Response),
    /// Body bytes; a body may arrive in any number of pieces.
    Data(Bytes),
    /// The message is complete.
    End {
        /// Trailer fields of a chunked body (empty otherwise).
        trailers: Fields,
        /// Whether this message lets the connection carry another after it
        /// (version, Connection tokens, framing; RFC 9112 §9.3).
        keep_alive: bool,
    },
    /// The connection left HTTP/1 after the last head (101, or a 2xx answer
    /// to CONNECT). The bytes still in the buffer belong to the new protocol.
    Switched,
    /// The peer closed at a point where that is clean (between messages, or
    /// ending a close-delimited body). Nothing follows.
    Closed,
}

#[derive(Debug)]
enum Body {
    Length(u64),
    Chunked(ChunkedDecoder),
    UntilClose,
}

#[derive(Debug)]
enum State {
    /// Waiting for, or reading, a head.
    Head,
    /// Reading a body; `keep_alive` is decided from the head.
    Body {
        body: Body,
        keep_alive: bool,
        pause: bool,
    },
    /// A request that may switch protocols (CONNECT, Upgrade) ended: the
    /// decoder reads nothing more until told [`Decoder::resume`] or
    /// [`Decoder::switch`] (server role).
    Paused { keep_alive: bool },
    /// The next item is `Switched`.
    SwitchPending,
    /// The connection left HTTP/1.
    Switched,
    /// The last message on this connection has ended; input is discarded.
    Done,
    /// `Closed` was reported.
    Closed,
    /// A protocol error was reported; it is reported again on every call.
    Failed(Error),
}

/// Decodes the stream of messages one side of a connection receives.
#[derive(Debug)]
pub struct Decoder {
    role: Role,
    limits: Limits,
    state: State,
    scanner: HeadScanner,
    /// Client role: the requests not yet answered, oldest first: method,
    /// and whether the request offered a protocol upgrade.
    methods: VecDeque<(Method, bool)>,
    eof: bool,
}

impl Decoder {
    /// A decoder for the messages `role` receives: requests for
    /// [`Role::Server`], responses for [`Role::Client`].
    pub fn new(role: Role, limits: Limits) -> Decoder {
        Decoder {
            role,
            limits,
            state: State::Head,
            scanner: HeadScanner::default(),
            methods: VecDeque::new(),
            eof: false,
        }
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Client role: a request with `method` was sent; its response will be
    /// framed accordingly (HEAD, CONNECT).
    pub fn push_method(&mut self, method: Method) {
        self.methods.push_back((method, false));
    }

    /// Client role: as [`push_method`](Decoder::push_method), saying whether
    /// the request offered a protocol upgrade (`Upgrade` with
    /// `Connection: upgrade`). A 101 answers only such a request.
    pub fn push_request(&mut self, method: Method, offers_upgrade: bool) {
        self.methods.push_back((method, offers_upgrade));
    }

    /// Client role: how many requests await their response.
    pub fn outstanding(&self) -> usize {
        self.methods.len()
    }

    /// The peer closed its sending side: no bytes will follow those already
    /// in the buffer.
    pub fn set_eof(&mut self) {
        self.eof = true;
    }

    /// `true` once EOF was signalled.
    pub fn is_eof(&self) -> bool {
        self.eof
    }

    /// `true` while a head has started arriving but is not complete.
    pub fn is_mid_head(&self) -> bool {
        matches!(self.state, State::Head) && self.scanner.in_progress()
    }

    /// `true` while waiting for (or reading) a head.
    pub fn awaits_head(&self) -> bool {
        matches!(self.state, State::Head)
    }

    /// `true` between the start of a head and the end of its body.
    pub fn is_mid_message(&self) -> bool {
        self.is_mid_head() || matches!(self.state, State::Body { .. })
    }

    /// `true` while paused after a request that may switch protocols.
    pub fn is_paused(&self) -> bool {
        matches!(self.state, State::Paused { .. })
    }

    /// `true` once the connection left HTTP/1.
    pub fn is_switched(&self) -> bool {
        matches!(self.state, State::Switched | State::SwitchPending)
    }

    /// `true` once no further message will be read (close decided, EOF
    /// reported, switched or failed).
    pub fn is_finished(&self) -> bool {
        matches!(
            self.state,
            State::Done | State::Closed | State::Failed(_) | State::Switched | State::SwitchPending
        )
    }

    /// The sticky error, if decoding failed.
    pub fn error(&self) -> Option<Error> {
        match self.state {
            State::Failed(e) => Some(e),
            _ => None,
        }
    }

    /// Server role: the request the decoder paused after was answered
    /// without switching protocols; read on.
    pub fn resume(&mut self) {
        if let State::Paused { keep_alive } = self.state {
            self.state = if keep_alive { State::Head } else { State::Done };
        }
    }

    /// Server role: the paused request was answered with 101 or a 2xx to
    /// CONNECT; the bytes in the buffer now belong to the new protocol.
    pub fn switch(&mut self) {
        if matches!(self.state, State::Paused { .. }) {
            self.state = State::Switched;
        }
    }

    /// Stop reading messages: whatever arrives from now on is discarded
    /// (the connection decided to close, RFC 9112 §9.6).
    pub fn stop(&mut self) {
        if !matches!(self.state, State::Failed(_) | State::Closed | State::Switched) {
            self.state = State::Done;
        }
    }

    /// Decode the next item from the front of `buf`. `Ok(None)`: more bytes
    /// are needed (or nothing more will come). Errors are sticky.
    pub fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<Decoded>, Error> {
        match self.step(buf) {
            Ok(v) => Ok(v),
            Err(e) => {
                self.state = State::Failed(e);
                Err(e)
            }
        }
    }

    #[inline(always)]
    fn step(&mut self, buf: &mut BytesMut) -> Result<Option<Decoded>, Error> {
        let (body, keep_alive, pause) = match &mut self.state {
            State::Failed(e) => return Err(*e),
            State::Closed | State::Switched | State::Paused { .. } => return Ok(None),
            State::SwitchPending => {
                self.state = State::Switched;
                return Ok(Some(Decoded::Switched));
            }
            State::Done => {
                // Data after a close was decided is not a new message.
                buf.clear();
                return Ok(self.eof.then(|| {
                    self.state = State::Closed;
                    Decoded::Closed
                }));
            }
            State::Head => return self.head(buf),
            State::Body {
                body,
                keep_alive,
                pause,
            } => (body, *keep_alive, *pause),
        };
        let trailers = match body {
            Body::Length(0) => Fields::new(),
            Body::Length(left) => {
                if buf.is_empty() {
                    return if self.eof {
                        Err(Error::TruncatedBody)
                    } else {
                        Ok(None)
                    };
                }
                let take = usize::try_from(*left).map_or(buf.len(), |l| l.min(buf.len()));
                *left -= take as u64;
                return Ok(Some(Decoded::Data(buf.split_to(take).freeze())));
            }
            Body::Chunked(dec) => match dec.decode(buf, &self.limits)? {
                Some(Chunk::Data(d)) => return Ok(Some(Decoded::Data(d))),
                Some(Chunk::End(trailers)) => trailers,
                None if self.eof => return Err(Error::TruncatedChunkedBody),
                None => return Ok(None),
            },
            Body::UntilClose => {
                if !buf.is_empty() {
                    return Ok(Some(Decoded::Data(buf.split().freeze())));
                }
                if !self.eof {
                    return Ok(None);
                }
                Fields::new()
            }
        };
        Ok(Some(self.end(trailers, keep_alive, pause)))
    }

    /// The message ended: decide what the decoder reads next.
    fn end(&mut self, trailers: Fields, keep_alive: bool, pause: bool) -> Decoded {
        if self.role == Role::Client {
            self.methods.pop_front();
        }
        self.state = if pause {
            State::Paused { keep_alive }
        } else if keep_alive {
            State::Head
        } else {
            State::Done
        };
        Decoded::End { trailers, keep_alive }
    }

    #[inline(always)]
    fn head(&mut self, buf: &mut BytesMut) -> Result<Option<Decoded>, Error> {
        let kind = match self.role {
            Role::Server => HeadKind::Request,
            Role::Client => HeadKind::Response,
        };
        if kind == HeadKind::Request && !self.scanner.in_progress() {
            // A server ignores empty lines before a request line (§2.2).
            let mut skip = 0;
            while buf[skip..].starts_with(b"\r\n") {
                skip += 2;
            }
            if skip > 0 {
                let _ = buf.split_to(skip);
            }
            if buf[..] == b"\r"[..] {
                // Maybe the start of another empty line: wait for its LF
                // rather than judge a one-byte request line.
                return if self.eof {
                    Err(Error::TruncatedHead)
                } else {
                    Ok(None)
                };
            }
        }
        let Some(len) = self.scanner.scan(buf, kind, &self.limits)? else {
            if !self.eof {
                return Ok(None);
            }
            if buf.is_empty() {
                self.state = State::Closed;
                return Ok(Some(Decoded::Closed));
            }
            return Err(Error::TruncatedHead);
        };
        let sc = &mut self.scanner;
        let (start, fields_start, fields_end, count) = (sc.start, sc.fields_start, sc.fields_end, sc.count);
        let folded = !sc.folds.is_empty();
        let mut head = buf.split_to(len);
        for &at in &sc.folds {
            // obs-fold unfolded as RFC 9112 §5.2 asks of a user agent.
            head[at] = b' ';
            head[at + 1] = b' ';
        }
        let mut info = sc.info;
        sc.reset();
        let head = head.freeze();
        let version = start.version.unwrap_or(crate::Version::Http11);
        let (a0, a1) = start.a;
        // The parts of the start line are slices of the head; the head
        // itself then becomes the field block (one reference count fewer).
        let (method, part) = match self.role {
            Role::Server => (
                Some(Method::from_head(&head, &head[a0..a1])),
                head.slice(start.b.0..start.b.1),
            ),
            Role::Client if a0 == a1 => (None, Bytes::new()),
            Role::Client => (None, head.slice(a0..a1)),
        };
        let mut block = head;
        block.truncate(fields_end);
        bytes::Buf::advance(&mut block, fields_start);
        let fields = Fields::from_block(block, count);
        if folded {
            info = HeadInfo::gather(&fields, kind == HeadKind::Request)?;
        }
        match (self.role, method) {
            (Role::Server, Some(method)) => {
                let req = Request {
                    method,
                    target: part,
                    version,
                    fields,
                    info,
                };
                let framing = framing_of(MessageKind::Request, version, &info)?;
                let pause = req.method.is_connect() || info.has_upgrade;
                self.start_body(framing, keep_alive_after(version, &info, framing), pause)?;
                Ok(Some(Decoded::Request(req)))
            }
            _ => {
                let status = start.status;
                let Some((method, offered)) = self.methods.front() else {
                    return Err(Error::UnexpectedResponse);
                };
                // 101 only answers a request that offered an upgrade, and
                // names the new protocol (RFC 9110 §7.8, §15.2.2).
                if status == 101 && (!offered || !info.has_upgrade) {
                    return Err(Error::UnexpectedSwitch);
                }
                let framing = framing_of(MessageKind::Response { status, method }, version, &info)?;
                let resp = Response {
                    status,
                    reason: part,
                    version,
                    fields,
                    info,
                };
                if framing == Framing::Switch {
                    self.methods.pop_front();
                    self.state = State::SwitchPending;
                } else if resp.is_interim() {
                    // Interim: the final response to the same request follows.
                    self.state = State::Head;
                } else {
                    self.start_body(framing, keep_alive_after(version, &info, framing), false)?;
                }
                Ok(Some(Decoded::Response(resp)))
            }
        }
    }

    fn start_body(&mut self, framing: Framing, keep_alive: bool, pause: bool) -> Result<(), Error> {
        let body = match framing {
            Framing::None | Framing::Switch => Body::Length(0),
            Framing::Length(n) => {
                if self.limits.max_body.is_some_and(|max| n > max) {
                    return Err(Error::ContentTooLarge);
                }
                Body::Length(n)
            }
            Framing::Chunked => Body::Chunked(ChunkedDecoder::new()),
            Framing::UntilClose => Body::UntilClose,
        };
        self.state = State::Body {
            body,
            keep_alive,
            pause,
        };
        Ok(())
    }
}
