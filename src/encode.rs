//! Encoding heads and bodies.
//!
//! Heads are validated when they are built ([`Request::builder`],
//! [`Response::builder`], [`Fields::builder`](crate::Fields::builder)), so
//! encoding is a few copies into the caller's `BytesMut`; a head and a
//! small body land in the same buffer, for one write (mission §1: Nagle
//! and delayed ACKs punish split writes).
//!
//! ```
//! use bytes::BytesMut;
//! use h1conn::{encode, Framing, Method, Request};
//!
//! let req = Request::builder(Method::POST, "/upload")
//!     .header("Host", "example.com")
//!     .header("Transfer-Encoding", "chunked")
//!     .build()?;
//! let mut out = BytesMut::new();
//! encode::request_head(&req, &mut out);
//! let mut body = encode::BodyEncoder::new(Framing::Chunked);
//! body.data(b"hello", &mut out)?;
//! body.end(None, &mut out)?;
//! assert!(out.ends_with(b"\r\n\r\n5\r\nhello\r\n0\r\n\r\n"));
//! # Ok::<(), h1conn::Error>(())
//! ```

use bytes::{BufMut, BytesMut};

use crate::error::Error;
use crate::fields::Fields;
use crate::framing::Framing;
use crate::message::{Request, Response};

/// Append a request head: request line, fields, empty line.
pub fn request_head(req: &Request, out: &mut BytesMut) {
    request_head_with(req, &[], out);
}

/// Append a request head with extra raw field lines (each `name: value\r\n`,
/// already validated) after the application's fields.
pub(crate) fn request_head_with(req: &Request, extra: &[&[u8]], out: &mut BytesMut) {
    let m = req.method.as_bytes();
    out.reserve(
        m.len()
            + req.target.len()
            + 12
            + req.fields.as_wire().len()
            + extra.iter().map(|e| e.len()).sum::<usize>()
            + 2,
    );
    out.put_slice(m);
    out.put_u8(b' ');
    out.put_slice(&req.target);
    out.put_u8(b' ');
    out.put_slice(req.version.as_str().as_bytes());
    out.put_slice(b"\r\n");
    out.put_slice(req.fields.as_wire());
    for e in extra {
        out.put_slice(e);
    }
    out.put_slice(b"\r\n");
}

/// Append a response head: status line, fields, empty line.
pub fn response_head(resp: &Response, out: &mut BytesMut) {
    response_head_with(resp, &[], out);
}

/// Append a response head with extra raw field lines.
pub(crate) fn response_head_with(resp: &Response, extra: &[&[u8]], out: &mut BytesMut) {
    out.reserve(
        15 + resp.reason.len()
            + resp.fields.as_wire().len()
            + extra.iter().map(|e| e.len()).sum::<usize>()
            + 2,
    );
    out.put_slice(resp.version.as_str().as_bytes());
    out.put_u8(b' ');
    let s = resp.status;
    out.put_slice(&[
        b'0' + (s / 100) as u8,
        b'0' + (s / 10 % 10) as u8,
        b'0' + (s % 10) as u8,
    ]);
    out.put_u8(b' ');
    out.put_slice(&resp.reason);
    out.put_slice(b"\r\n");
    out.put_slice(resp.fields.as_wire());
    for e in extra {
        out.put_slice(e);
    }
    out.put_slice(b"\r\n");
}

/// Frames the body of one outgoing message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyEncoder {
    framing: Framing,
    /// Content-Length bytes still owed.
    left: u64,
    done: bool,
}

impl BodyEncoder {
    /// An encoder for a body framed as `framing` ([`Framing::Switch`] and
    /// [`Framing::None`] take no body).
    pub fn new(framing: Framing) -> BodyEncoder {
        BodyEncoder {
            framing,
            left: match framing {
                Framing::Length(n) => n,
                _ => 0,
            },
            done: false,
        }
    }

    /// The framing this encoder applies.
    pub fn framing(&self) -> Framing {
        self.framing
    }

    /// Content-Length bytes still owed (0 for other framings).
    pub fn remaining(&self) -> u64 {
        self.left
    }

    /// `true` once [`end`](BodyEncoder::end) succeeded.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Append body bytes. More bytes than the Content-Length, or any bytes
    /// for a message without a body, are refused and nothing is written.
    pub fn data(&mut self, data: &[u8], out: &mut BytesMut) -> Result<(), Error> {
        if self.done {
            return Err(Error::InvalidState);
        }
        if data.is_empty() {
            return Ok(());
        }
        match self.framing {
            Framing::None | Framing::Switch => return Err(Error::BodyNotAllowed),
            Framing::Length(_) => {
                if data.len() as u64 > self.left {
                    return Err(Error::BodyTooLong);
                }
                self.left -= data.len() as u64;
                out.extend_from_slice(data);
            }
            Framing::Chunked => {
                let mut hex = [0u8; 16];
                let digits = hex_digits(data.len() as u64, &mut hex);
                out.reserve(digits.len() + data.len() + 4);
                out.put_slice(digits);
                out.put_slice(b"\r\n");
                out.put_slice(data);
                out.put_slice(b"\r\n");
            }
            Framing::UntilClose => out.extend_from_slice(data),
        }
        Ok(())
    }

    /// End the body, with trailer fields when it is chunked. Ending a
    /// Content-Length body early is refused.
    pub fn end(&mut self, trailers: Option<&Fields>, out: &mut BytesMut) -> Result<(), Error> {
        if self.done {
            return Err(Error::InvalidState);
        }
        let trailers = trailers.filter(|t| !t.is_empty());
        match self.framing {
            Framing::Chunked => {
                out.put_slice(b"0\r\n");
                if let Some(t) = trailers {
                    out.put_slice(t.as_wire());
                }
                out.put_slice(b"\r\n");
            }
            _ if trailers.is_some() => return Err(Error::TrailersNotAllowed),
            Framing::Length(_) if self.left > 0 => return Err(Error::BodyTooShort),
            _ => {}
        }
        self.done = true;
        Ok(())
    }
}

/// Lowercase hex digits of `n` without leading zeros.
fn hex_digits(mut n: u64, buf: &mut [u8; 16]) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b"0123456789abcdef"[(n & 15) as usize];
        n >>= 4;
        if n == 0 {
            return &buf[i..];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex() {
        let mut b = [0; 16];
        assert_eq!(hex_digits(0, &mut b), b"0");
        assert_eq!(hex_digits(255, &mut b), b"ff");
        assert_eq!(hex_digits(u64::MAX, &mut b), b"ffffffffffffffff");
    }

    #[test]
    fn content_length_is_enforced() {
        let mut out = BytesMut::new();
        let mut e = BodyEncoder::new(Framing::Length(3));
        assert_eq!(e.data(b"abcd", &mut out), Err(Error::BodyTooLong));
        assert!(out.is_empty());
        e.data(b"ab", &mut out).unwrap();
        assert_eq!(e.end(None, &mut out), Err(Error::BodyTooShort));
        e.data(b"c", &mut out).unwrap();
        e.end(None, &mut out).unwrap();
        assert_eq!(&out[..], b"abc");
        assert_eq!(e.data(b"x", &mut out), Err(Error::InvalidState));
    }

    #[test]
    fn no_body_messages_refuse_data() {
        let mut out = BytesMut::new();
        let mut e = BodyEncoder::new(Framing::None);
        assert_eq!(e.data(b"x", &mut out), Err(Error::BodyNotAllowed));
        e.data(b"", &mut out).unwrap();
        e.end(None, &mut out).unwrap();
    }

    #[test]
    fn trailers_need_chunked() {
        let t = Fields::from_pairs([("X", "1")]).unwrap();
        let mut out = BytesMut::new();
        let mut e = BodyEncoder::new(Framing::Length(0));
        assert_eq!(e.end(Some(&t), &mut out), Err(Error::TrailersNotAllowed));
        let mut c = BodyEncoder::new(Framing::Chunked);
        c.end(Some(&t), &mut out).unwrap();
        assert_eq!(&out[..], b"0\r\nX: 1\r\n\r\n");
    }

    #[test]
    fn heads() {
        let req = Request::builder(crate::Method::GET, "/a?b")
            .header("Host", "h")
            .build()
            .unwrap();
        let mut out = BytesMut::new();
        request_head(&req, &mut out);
        assert_eq!(&out[..], b"GET /a?b HTTP/1.1\r\nHost: h\r\n\r\n");
        let resp = Response::builder(404).build().unwrap();
        out.clear();
        response_head(&resp, &mut out);
        assert_eq!(&out[..], b"HTTP/1.1 404 Not Found\r\n\r\n");
    }
}
