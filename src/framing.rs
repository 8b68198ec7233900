//! How long is the body? RFC 9112 §6.3, as one pure function.
//!
//! [`HeadInfo`] gathers, field by field as the head is parsed, the facts
//! framing and persistence need (Content-Length, Transfer-Encoding,
//! Connection, Host, Expect, Upgrade), rejecting malformed values at once.
//! [`body_framing`] then follows the RFC's steps in order.
//!
//! # Strict choices
//!
//! Where RFC 9112 lets a recipient choose, this crate takes the stricter
//! reading. Every such choice:
//!
//! | Input | RFC allows | h1conn | Section |
//! |---|---|---|---|
//! | Transfer-Encoding and Content-Length together | TE overrides CL, "ought to be handled as an error" | error (both roles) | §6.3 step 3, §11.2 |
//! | `Content-Length: 5, 5` or two equal CL lines | accept the single value | error `duplicate_content_length` | §6.3 step 5 |
//! | Transfer-Encoding in an HTTP/1.0 message | treat framing as faulty, process, then close | error | §6.1 |
//! | Request TE other than exactly `chunked` | 501 for unknown codings | 501 `unsupported_transfer_coding` for `gzip, chunked`; 400 when chunked is not final, twice, or has parameters | §6.1, §6.3, §7 |
//! | Bare LF as line terminator | MAY accept | error `bare_lf` | §2.2 |
//! | Bare CR | reject or replace with SP | error `bare_cr` | §2.2 |
//! | Whitespace before the first field line | reject or skip the line | error | §2.2 |
//! | obs-fold in a request | reject with 400 or unfold | error `obs_fold` | §5.2 |
//! | obs-fold in a response | user agent unfolds | error unless [`Limits::unfold_obs_fold_in_responses`](crate::Limits) | §5.2 |
//! | Whitespace between field name and colon | MUST reject (requests) / remove (responses) | error, both roles | §5.1 |
//! | Empty lines before a request line | SHOULD ignore at least one | any number of CRLF ignored, bare LF refused | §2.2 |
//! | Empty lines before a status line | not allowed | error | §2.2 |
//! | Fragment (`#`) in request-target | not in the grammar | error `invalid_target` | §3.2 |
//! | Status code outside 100..=599 | invalid | error `invalid_status` | RFC 9110 §15 |
//! | Whitespace after chunk-size, before CRLF | not in the grammar | error `invalid_chunk_size` | §7.1 |
//! | Bare LF in chunked framing | MAY accept LF | error | §2.2, §7.1 |
//! | Invalid `Host` value / more than one Host | MUST 400 | error, any version | §3.2 |
//! | Malformed Connection list | unspecified | error `invalid_connection` | RFC 9110 §7.6.1 |
//! | obs-fold in a trailer section | as for headers | error in both roles | §7.1.2 |
//! | `HTTP/1.1 200` (no SP after the status code) | a server MUST send the SP; recipients unspecified | error `invalid_status_line` | §4 |
//! | Request-target bytes outside the URI grammar | SHOULD answer 400 | `"`, `{`, `}`, `\|`, `^` accepted (deployed clients send them unescaped); `<`, `>`, `\\`, backquote, a malformed `%` escape, an http(s) absolute-form without a valid host or with userinfo refused | §3.2, RFC 3986, RFC 9110 §4.2 |
//! | 101 for a request that offered no upgrade, or naming no protocol | server MUST NOT | error `unexpected_switch` | RFC 9110 §7.8, §15.2.2 |
//!
//! Malformed Content-Length or Transfer-Encoding fields in a response that
//! has no body whatever its fields say (to HEAD; 1xx, 204, 304; a 2xx to
//! CONNECT) are ignored, as §6.3 steps 1 and 2 require; everywhere else they
//! are errors.

use crate::error::Error;
use crate::fields::Fields;
use crate::message::{Method, Request, Response, Version};
use crate::parse::chars::{is_authority, is_ows, is_tchar, is_token, trim_ows, QDTEXT};

/// How the body of one message is delimited (RFC 9112 §6.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Framing {
    /// No body at all.
    None,
    /// Exactly this many bytes (Content-Length).
    Length(u64),
    /// The chunked transfer coding (RFC 9112 §7.1).
    Chunked,
    /// Everything until the server closes: responses only.
    UntilClose,
    /// The connection leaves HTTP/1 after the head (101, CONNECT 2xx).
    Switch,
}

/// What the message is, for [`body_framing`].
#[derive(Debug, Clone, Copy)]
pub enum MessageKind<'a> {
    /// A request.
    Request,
    /// A response with `status` to a request with `method`.
    Response {
        /// The status code of the response.
        status: u16,
        /// The method of the request it answers.
        method: &'a Method,
    },
}

/// The framing facts of one head, gathered field by field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct HeadInfo {
    pub(crate) content_length: Option<u64>,
    pub(crate) te_present: bool,
    pub(crate) te_chunked_count: u8,
    pub(crate) te_chunked_final: bool,
    pub(crate) te_chunked_params: bool,
    pub(crate) te_other: bool,
    pub(crate) conn_close: bool,
    pub(crate) conn_keep_alive: bool,
    pub(crate) conn_upgrade: bool,
    pub(crate) has_upgrade: bool,
    pub(crate) expect_continue: bool,
    pub(crate) host_count: u8,
    /// A `Keep-Alive` field is present (its hints are read only then).
    pub(crate) has_keep_alive: bool,
    /// A malformed Content-Length or Transfer-Encoding, reported only when
    /// framing reads those fields (not for a response that has no body
    /// whatever its fields say, RFC 9112 §6.3 steps 1 and 2).
    pub(crate) framing_error: Option<Error>,
}

impl HeadInfo {
    /// Gather the facts of received fields, leaving a malformed framing
    /// field for [`framing_of`] to judge.
    pub(crate) fn gather(fields: &Fields, is_request: bool) -> Result<HeadInfo, Error> {
        let mut info = HeadInfo::default();
        for f in fields {
            info.add(f.name, f.value, is_request)?;
        }
        Ok(info)
    }

    /// Gather the facts of already built fields (the application's heads).
    /// Malformed framing fields are an error here.
    pub(crate) fn from_fields(fields: &Fields, is_request: bool) -> Result<HeadInfo, Error> {
        let mut info = HeadInfo::default();
        for f in fields {
            info.add(f.name, f.value, is_request)?;
        }
        match info.framing_error {
            Some(e) => Err(e),
            None => Ok(info),
        }
    }

    /// Take one field into account. `value` is already OWS-trimmed.
    /// Names are matched by length first, then case-insensitively, so most
    /// fields cost one comparison.
    #[inline]
    pub(crate) fn add(&mut self, name: &[u8], value: &[u8], is_request: bool) -> Result<(), Error> {
        match name.len() {
            4 if is_request && eq_lower(name, b"host") => {
                self.host_count = self.host_count.saturating_add(1);
                if self.host_count > 1 {
                    return Err(Error::DuplicateHost);
                }
                if !is_authority(value, false) {
                    return Err(Error::InvalidHost);
                }
            }
            6 if eq_lower(name, b"expect") && value.eq_ignore_ascii_case(b"100-continue") => {
                self.expect_continue = true;
            }
            7 if eq_lower(name, b"upgrade") => self.has_upgrade = true,
            10 if eq_lower(name, b"connection") => self.add_connection(value)?,
            10 if eq_lower(name, b"keep-alive") => self.has_keep_alive = true,
            14 if eq_lower(name, b"content-length") => {
                let parsed = if self.content_length.is_some() {
                    Err(Error::DuplicateContentLength)
                } else {
                    parse_content_length(value)
                };
                match parsed {
                    Ok(n) => self.content_length = Some(n),
                    Err(e) => {
                        self.content_length.get_or_insert(0);
                        self.framing_error.get_or_insert(e);
                    }
                }
            }
            17 if eq_lower(name, b"transfer-encoding") => {
                if let Err(e) = self.add_transfer_encoding(value) {
                    self.framing_error.get_or_insert(e);
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Connection = #connection-option (RFC 9110 §7.6.1).
    fn add_connection(&mut self, value: &[u8]) -> Result<(), Error> {
        // The two values nearly every message carries, in one comparison.
        if value.len() == 10 && eq_lower(value, b"keep-alive") {
            self.conn_keep_alive = true;
            return Ok(());
        }
        if value.len() == 5 && eq_lower(value, b"close") {
            self.conn_close = true;
            return Ok(());
        }
        for element in value.split(|&b| b == b',') {
            let token = trim_ows(element);
            if token.is_empty() {
                continue; // empty list elements are ignored (RFC 9110 §5.6.1)
            }
            if !is_token(token) {
                return Err(Error::InvalidConnection);
            }
            if token.eq_ignore_ascii_case(b"close") {
                self.conn_close = true;
            } else if token.eq_ignore_ascii_case(b"keep-alive") {
                self.conn_keep_alive = true;
            } else if token.eq_ignore_ascii_case(b"upgrade") {
                self.conn_upgrade = true;
            }
        }
        Ok(())
    }

    /// Transfer-Encoding = #transfer-coding, transfer-coding = token
    /// *( OWS ";" OWS transfer-parameter ) (RFC 9112 §6.1, §7.3).
    fn add_transfer_encoding(&mut self, value: &[u8]) -> Result<(), Error> {
        self.te_present = true;
        for element in value.split(|&b| b == b',') {
            let element = trim_ows(element);
            if element.is_empty() {
                continue; // RFC 9110 §5.6.1
            }
            let name_len = element.iter().take_while(|&&b| is_tchar(b)).count();
            let (name, params) = element.split_at(name_len);
            if name.is_empty() || !valid_parameters(params) {
                return Err(Error::InvalidTransferEncoding);
            }
            if name.eq_ignore_ascii_case(b"chunked") {
                self.te_chunked_count = self.te_chunked_count.saturating_add(1);
                self.te_chunked_final = true;
                if !params.is_empty() {
                    self.te_chunked_params = true;
                }
            } else {
                self.te_other = true;
                self.te_chunked_final = false;
            }
        }
        Ok(())
    }
}

/// `name` (a token) equals `lower` (lowercase letters, digits and `-`)
/// ignoring ASCII case, a word at a time: OR-ing 0x20 into each byte folds
/// case, and no other token byte folds onto a letter, digit or `-`. Words
/// overlap at the end instead of a byte loop for the remainder (a 14-byte
/// name is two 8-byte compares, a 6-byte one two 4-byte compares).
#[inline]
pub(crate) fn eq_lower(name: &[u8], lower: &[u8]) -> bool {
    const F8: u64 = 0x2020_2020_2020_2020;
    const F4: u32 = 0x2020_2020;
    #[inline(always)]
    fn w8(s: &[u8], at: usize) -> u64 {
        let mut w = [0u8; 8];
        w.copy_from_slice(&s[at..at + 8]);
        u64::from_le_bytes(w)
    }
    #[inline(always)]
    fn w4(s: &[u8], at: usize) -> u32 {
        let mut w = [0u8; 4];
        w.copy_from_slice(&s[at..at + 4]);
        u32::from_le_bytes(w)
    }
    let n = name.len();
    if n != lower.len() {
        return false;
    }
    match n {
        0..=3 => name.iter().zip(lower).all(|(&a, &b)| a | 0x20 == b),
        4..=8 => w4(name, 0) | F4 == w4(lower, 0) && w4(name, n - 4) | F4 == w4(lower, n - 4),
        _ => {
            let mut i = 0;
            while i + 8 < n {
                if w8(name, i) | F8 != w8(lower, i) {
                    return false;
                }
                i += 8;
            }
            w8(name, n - 8) | F8 == w8(lower, n - 8)
        }
    }
}

/// `*( OWS ";" OWS token BWS "=" BWS ( token / quoted-string ) )`
/// (RFC 9110 §5.6.6).
fn valid_parameters(mut s: &[u8]) -> bool {
    loop {
        s = skip_ows(s);
        let Some(rest) = s.strip_prefix(b";") else {
            return s.is_empty();
        };
        let rest = skip_ows(rest);
        let n = rest.iter().take_while(|&&b| is_tchar(b)).count();
        if n == 0 {
            return false;
        }
        let rest = skip_ows(&rest[n..]);
        let Some(rest) = rest.strip_prefix(b"=") else {
            return false;
        };
        let rest = skip_ows(rest);
        match value_len(rest) {
            Some(len) => s = &rest[len..],
            None => return false,
        }
    }
}

fn skip_ows(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|&&b| is_ows(b)).count();
    &s[n..]
}

/// Length of a token or quoted-string at the start of `s` (RFC 9110 §5.6.4).
pub(crate) fn value_len(s: &[u8]) -> Option<usize> {
    if let Some(rest) = s.strip_prefix(b"\"") {
        let mut i = 0;
        while i < rest.len() {
            match rest[i] {
                b'"' => return Some(i + 2),
                b'\\' => {
                    // quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
                    let next = *rest.get(i + 1)?;
                    if !QDTEXT[next as usize] && next != b'"' && next != b'\\' {
                        return None;
                    }
                    i += 2;
                }
                b if QDTEXT[b as usize] => i += 1,
                _ => return None,
            }
        }
        None
    } else {
        let n = s.iter().take_while(|&&b| is_tchar(b)).count();
        (n > 0).then_some(n)
    }
}

/// Content-Length = 1*DIGIT, within 64 bits (RFC 9110 §8.6). A list of
/// values, even of equal ones, is refused (our strict choice, §6.3).
fn parse_content_length(value: &[u8]) -> Result<u64, Error> {
    if value.contains(&b',') {
        return Err(Error::DuplicateContentLength);
    }
    if value.is_empty() {
        return Err(Error::InvalidContentLength);
    }
    let mut n: u64 = 0;
    for &b in value {
        if !b.is_ascii_digit() {
            return Err(Error::InvalidContentLength);
        }
        n = n
            .checked_mul(10)
            .and_then(|n| n.checked_add(u64::from(b - b'0')))
            .ok_or(Error::InvalidContentLength)?;
    }
    Ok(n)
}

/// How the body of a received or built request is delimited
/// (RFC 9112 §6.3).
pub fn request_framing(req: &Request) -> Result<Framing, Error> {
    framing_of(MessageKind::Request, req.version, &req.info)
}

/// How the body of a response to a `method` request is delimited
/// (RFC 9112 §6.3).
pub fn response_framing(resp: &Response, method: &Method) -> Result<Framing, Error> {
    framing_of(
        MessageKind::Response {
            status: resp.status,
            method,
        },
        resp.version,
        &resp.info,
    )
}

/// Decide how the body of a message is delimited: RFC 9112 §6.3, step by
/// step, plus the version rule of §6.1.
pub(crate) fn framing_of(kind: MessageKind<'_>, version: Version, info: &HeadInfo) -> Result<Framing, Error> {
    if let MessageKind::Response { status, method } = kind {
        // 101 hands the connection to the protocol named in Upgrade
        // (RFC 9110 §15.2.2); its head is the last HTTP/1 bytes.
        if status == 101 {
            return Ok(Framing::Switch);
        }
        // Step 1: responses to HEAD, and 1xx, 204 and 304 responses end at
        // the empty line after the header fields, whatever fields they carry.
        if method.is_head() || (100..200).contains(&status) || status == 204 || status == 304 {
            return Ok(Framing::None);
        }
        // Step 2: a 2xx response to CONNECT turns the connection into a
        // tunnel right after the head; Content-Length and Transfer-Encoding
        // are ignored.
        if method.is_connect() && (200..300).contains(&status) {
            return Ok(Framing::Switch);
        }
    }
    // A malformed Content-Length or Transfer-Encoding matters from here on
    // (step 7 for Content-Length; §6.1 and §7 for Transfer-Encoding).
    if let Some(e) = info.framing_error {
        return Err(e);
    }
    if info.te_present {
        // §6.1: Transfer-Encoding in an HTTP/1.0 message means its framing
        // is faulty. Strict choice: refuse it.
        if version == Version::Http10 {
            return Err(Error::TransferEncodingInHttp10);
        }
        // Step 3: Transfer-Encoding together with Content-Length "ought to
        // be handled as an error" (a smuggling attempt). Strict choice:
        // always an error, in both roles.
        if info.content_length.is_some() {
            return Err(Error::ContentLengthWithTransferEncoding);
        }
        // §7: chunked must not be applied twice, and it has no parameters.
        if info.te_chunked_count > 1 {
            return Err(Error::ChunkedTwice);
        }
        if info.te_chunked_params {
            return Err(Error::InvalidTransferEncoding);
        }
        let is_request = matches!(kind, MessageKind::Request);
        if info.te_chunked_final {
            // Step 4: chunked is the final coding: read chunks until the
            // last one. This crate decodes only chunked, so a request with
            // any other coding gets 501 (§6.1).
            if is_request && info.te_other {
                return Err(Error::UnsupportedTransferCoding);
            }
            return Ok(Framing::Chunked);
        }
        // Step 5: a response whose final coding is not chunked is read
        // until the server closes.
        if !is_request {
            return Ok(Framing::UntilClose);
        }
        // Step 6: a request whose final coding is not chunked cannot be
        // framed: 400, then close.
        return Err(Error::ChunkedNotFinal);
    }
    // Step 7 (invalid Content-Length) was enforced while the field was
    // parsed. Step 8: a valid Content-Length gives the length.
    if let Some(n) = info.content_length {
        return Ok(Framing::Length(n));
    }
    match kind {
        // Step 9: a request with neither has no body.
        MessageKind::Request => Ok(Framing::None),
        // Step 10: a response with neither is read until close.
        MessageKind::Response { .. } => Ok(Framing::UntilClose),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eq_lower_agrees_with_eq_ignore_ascii_case_at_every_length() {
        let lower = b"abcdefghijklmnopqrstu-0123456789";
        for n in 0..=lower.len() {
            let l = &lower[..n];
            let upper: alloc::vec::Vec<u8> = l.to_ascii_uppercase();
            assert!(eq_lower(l, l), "{n}");
            assert!(eq_lower(&upper, l), "{n}");
            for i in 0..n {
                let mut other = upper.clone();
                other[i] = b'!';
                assert!(!eq_lower(&other, l), "{n} at {i}");
            }
            assert!(!eq_lower(&lower[..n.saturating_sub(1)], l) || n == 0);
        }
    }

    fn info(pairs: &[(&str, &str)], is_request: bool) -> Result<HeadInfo, Error> {
        let mut i = HeadInfo::default();
        for (n, v) in pairs {
            i.add(n.as_bytes(), trim_ows(v.as_bytes()), is_request)?;
        }
        Ok(i)
    }

    fn req(pairs: &[(&str, &str)]) -> Result<Framing, Error> {
        framing_of(MessageKind::Request, Version::Http11, &info(pairs, true)?)
    }

    fn resp(status: u16, method: &Method, pairs: &[(&str, &str)]) -> Result<Framing, Error> {
        framing_of(
            MessageKind::Response { status, method },
            Version::Http11,
            &info(pairs, false)?,
        )
    }

    #[test]
    fn step1_no_body_for_head_1xx_204_304() {
        let te = [("Transfer-Encoding", "chunked")];
        assert_eq!(resp(200, &Method::HEAD, &te), Ok(Framing::None));
        assert_eq!(resp(100, &Method::GET, &te), Ok(Framing::None));
        assert_eq!(
            resp(204, &Method::GET, &[("Content-Length", "5")]),
            Ok(Framing::None)
        );
        assert_eq!(
            resp(304, &Method::GET, &[("Content-Length", "5")]),
            Ok(Framing::None)
        );
        assert_eq!(resp(101, &Method::GET, &[]), Ok(Framing::Switch));
    }

    #[test]
    fn step1_and_2_ignore_malformed_framing_fields() {
        let bad = [("Content-Length", "5, 6"), ("Transfer-Encoding", ";")];
        assert_eq!(resp(200, &Method::CONNECT, &bad), Ok(Framing::Switch));
        assert_eq!(resp(304, &Method::GET, &bad), Ok(Framing::None));
        assert_eq!(resp(200, &Method::HEAD, &bad), Ok(Framing::None));
        assert_eq!(resp(200, &Method::GET, &bad), Err(Error::DuplicateContentLength));
    }

    #[test]
    fn step2_connect_2xx_is_a_tunnel() {
        assert_eq!(
            resp(200, &Method::CONNECT, &[("Content-Length", "5")]),
            Ok(Framing::Switch)
        );
        assert_eq!(
            resp(407, &Method::CONNECT, &[("Content-Length", "5")]),
            Ok(Framing::Length(5))
        );
    }

    #[test]
    fn step3_te_with_cl_is_an_error() {
        let both = [("Content-Length", "5"), ("Transfer-Encoding", "chunked")];
        assert_eq!(req(&both), Err(Error::ContentLengthWithTransferEncoding));
        assert_eq!(
            resp(200, &Method::GET, &both),
            Err(Error::ContentLengthWithTransferEncoding)
        );
    }

    #[test]
    fn step4_chunked_final() {
        assert_eq!(req(&[("Transfer-Encoding", "chunked")]), Ok(Framing::Chunked));
        assert_eq!(req(&[("Transfer-Encoding", "CHUNKED")]), Ok(Framing::Chunked));
        assert_eq!(req(&[("Transfer-Encoding", ", chunked")]), Ok(Framing::Chunked));
        assert_eq!(
            req(&[("Transfer-Encoding", "gzip, chunked")]),
            Err(Error::UnsupportedTransferCoding)
        );
        assert_eq!(
            resp(200, &Method::GET, &[("Transfer-Encoding", "gzip, chunked")]),
            Ok(Framing::Chunked)
        );
        assert_eq!(
            req(&[("Transfer-Encoding", "chunked"), ("Transfer-Encoding", "chunked")]),
            Err(Error::ChunkedTwice)
        );
        assert_eq!(
            req(&[("Transfer-Encoding", "chunked;a=b")]),
            Err(Error::InvalidTransferEncoding)
        );
        assert_eq!(
            req(&[("Transfer-Encoding", "chunked;")]),
            Err(Error::InvalidTransferEncoding)
        );
        assert_eq!(
            req(&[("Transfer-Encoding", "chun ked")]),
            Err(Error::InvalidTransferEncoding)
        );
    }

    #[test]
    fn step5_response_te_not_chunked_reads_until_close() {
        assert_eq!(
            resp(200, &Method::GET, &[("Transfer-Encoding", "gzip")]),
            Ok(Framing::UntilClose)
        );
        assert_eq!(
            resp(200, &Method::GET, &[("Transfer-Encoding", "chunked, identity")]),
            Ok(Framing::UntilClose)
        );
    }

    #[test]
    fn step6_request_te_not_chunked_is_400() {
        assert_eq!(
            req(&[("Transfer-Encoding", "chunked, identity")]),
            Err(Error::ChunkedNotFinal)
        );
        assert_eq!(req(&[("Transfer-Encoding", "gzip")]), Err(Error::ChunkedNotFinal));
        assert_eq!(Error::ChunkedNotFinal.status(), Some(400));
    }

    #[test]
    fn step7_invalid_content_length() {
        for bad in [
            "+5",
            "-1",
            "1 2",
            "5,5",
            "5, 5",
            "0x10",
            "",
            "18446744073709551616",
            "５",
        ] {
            let r = req(&[("Content-Length", bad)]);
            assert!(r.is_err(), "{bad:?} accepted");
        }
        assert_eq!(
            req(&[("Content-Length", "5"), ("Content-Length", "5")]),
            Err(Error::DuplicateContentLength)
        );
    }

    #[test]
    fn step8_content_length() {
        assert_eq!(req(&[("Content-Length", "0042")]), Ok(Framing::Length(42)));
        assert_eq!(
            req(&[("Content-Length", "18446744073709551615")]),
            Ok(Framing::Length(u64::MAX))
        );
    }

    #[test]
    fn step9_and_10_neither() {
        assert_eq!(req(&[]), Ok(Framing::None));
        assert_eq!(resp(200, &Method::GET, &[]), Ok(Framing::UntilClose));
    }

    #[test]
    fn te_in_http10_is_an_error() {
        let i = info(&[("Transfer-Encoding", "chunked")], true).unwrap();
        assert_eq!(
            framing_of(MessageKind::Request, Version::Http10, &i),
            Err(Error::TransferEncodingInHttp10)
        );
    }

    #[test]
    fn eq_lower_folds_case_only() {
        assert!(eq_lower(b"Content-Length", b"content-length"));
        assert!(eq_lower(b"TRANSFER-ENCODING", b"transfer-encoding"));
        assert!(eq_lower(b"HOST", b"host"));
        assert!(!eq_lower(b"Content_Length", b"content-length"));
        assert!(!eq_lower(b"hosts", b"host"));
        assert!(!eq_lower(b"Content-Lengtx", b"content-length"));
        // Every token byte that is not a letter stays itself under the fold.
        for b in 0u8..=255 {
            if crate::parse::chars::is_tchar(b) && !b.is_ascii_alphabetic() {
                assert!(!eq_lower(&[b], b"a") && !eq_lower(&[b], b"z"), "{b:#x}");
            }
        }
    }

    #[test]
    fn parameters_grammar() {
        assert!(valid_parameters(b""));
        assert!(valid_parameters(b" ; q=1"));
        assert!(valid_parameters(b";a=\"x y\";b=c"));
        assert!(!valid_parameters(b";"));
        assert!(!valid_parameters(b";a"));
        assert!(!valid_parameters(b";a=\"x"));
        assert!(!valid_parameters(b"x"));
    }
}
