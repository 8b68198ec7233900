//! Incremental, resumable head scanner (RFC 9112 §2–§5) for request heads,
//! response heads and trailer sections.
//!
//! The scanner walks the receive buffer a line at a time with `memchr`,
//! validates each complete line once, and remembers where it stopped, so
//! bytes arriving in pieces are never scanned twice. It records offsets only;
//! the decoder turns them into views of one `Bytes`.
//!
//! **Split invariance.** Whatever way the input is split, the same error is
//! reported: a line's content is judged when its LF arrives, and a limit is
//! judged at the byte where it is first exceeded (a partial line that can no
//! longer fit is refused before more of it is buffered). When a complete line
//! breaks several rules, the one that would have fired at the earliest byte
//! wins, exactly as if the bytes had come one at a time.

use alloc::vec::Vec;

use crate::error::Error;
use crate::framing::HeadInfo;
use crate::limits::Limits;
use crate::message::Version;
use crate::parse::chars::{is_ows, trim_ows, REASON, TARGET_PLAIN, TCHAR};

/// What the scanner is reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HeadKind {
    Request,
    Response,
    Trailers,
}

/// Offsets of the start line's parts, relative to the head's first byte.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct StartLine {
    /// Method (request) or reason phrase (response).
    pub(crate) a: (usize, usize),
    /// Target (request).
    pub(crate) b: (usize, usize),
    pub(crate) status: u16,
    pub(crate) version: Option<Version>,
}

/// Resumable scanning state for one head.
#[derive(Debug, Default)]
pub(crate) struct HeadScanner {
    /// Offset of the first byte not yet scanned (always a line start).
    pos: usize,
    started: bool,
    pub(crate) start: StartLine,
    /// Offset of the first field line.
    pub(crate) fields_start: usize,
    /// Offset just past the last field line (before the empty line).
    pub(crate) fields_end: usize,
    pub(crate) count: usize,
    pub(crate) info: HeadInfo,
    /// Offsets of CRLFs that fold a line (only when unfolding is allowed).
    pub(crate) folds: Vec<usize>,
}

impl HeadScanner {
    /// A scanner for a trailer section (no start line).
    pub(crate) fn trailers() -> HeadScanner {
        HeadScanner {
            started: true,
            ..HeadScanner::default()
        }
    }

    /// Ready for the next head, keeping the fold list's allocation.
    #[inline]
    pub(crate) fn reset(&mut self) {
        let mut folds = core::mem::take(&mut self.folds);
        folds.clear();
        *self = HeadScanner {
            folds,
            ..HeadScanner::default()
        };
    }

    /// `true` once any byte of this head has been scanned or is pending.
    pub(crate) fn in_progress(&self) -> bool {
        self.pos > 0 || self.started
    }

    /// Scan what `buf` holds of the head. `Ok(Some(len))` when the head is
    /// complete and `len` bytes long (empty line included); `Ok(None)` when
    /// more bytes are needed.
    pub(crate) fn scan(
        &mut self,
        buf: &[u8],
        kind: HeadKind,
        limits: &Limits,
    ) -> Result<Option<usize>, Error> {
        let (total_limit, total_error) = match kind {
            HeadKind::Trailers => (limits.max_trailer_bytes, Error::TrailersTooLarge),
            _ => (limits.max_head_bytes, Error::HeadTooLarge),
        };
        loop {
            let s = self.pos;
            let (line_limit, line_error) = if self.started {
                (limits.max_field_line, Error::FieldLineTooLong)
            } else if kind == HeadKind::Request {
                (limits.max_start_line, Error::RequestLineTooLong)
            } else {
                (limits.max_start_line, Error::StatusLineTooLong)
            };
            let rest = &buf[s..];
            // Fast path: in a clean line the first control byte is the CR of
            // its CRLF, so one word-at-a-time pass finds the end and proves
            // the line free of NUL, bare CR, DEL and other controls.
            let (lf, clean) = match first_control(rest) {
                Some(p) if rest[p] == b'\r' && rest.get(p + 1) == Some(&b'\n') => (Some(p + 1), true),
                None => (None, false),
                Some(_) => (memchr::memchr(b'\n', rest), false),
            };
            let Some(lf) = lf else {
                if buf.is_empty() {
                    // Nothing of this head has arrived: no byte has exceeded
                    // a limit yet, even a limit of 0 (split invariance).
                    return Ok(None);
                }
                // A partial line: refuse it now if no completion can fit.
                let line_t = (rest.len() >= line_limit).then_some(s.saturating_add(line_limit));
                let total_t = (buf.len() >= total_limit).then_some(total_limit);
                return match first_limit(line_t, line_error, total_t, total_error) {
                    Some(e) => Err(e),
                    None => Ok(None),
                };
            };
            let e = s + lf + 1;
            let line_t = (e - s > line_limit).then_some(s.saturating_add(line_limit));
            let total_t = (e > total_limit).then_some(total_limit);
            if let Some(err) = first_limit(line_t, line_error, total_t, total_error) {
                return Err(err);
            }
            let line = &buf[s..e];
            // Every line ends in CRLF (RFC 9112 §2.2); a bare LF is refused.
            let Some(content) = line.strip_suffix(b"\r\n") else {
                return Err(Error::BareLf);
            };
            self.pos = e;
            if !self.started {
                self.started = true;
                self.fields_start = e;
                match kind {
                    HeadKind::Request => self.request_line(content)?,
                    _ => self.status_line(content)?,
                }
                continue;
            }
            if content.is_empty() {
                // The empty line ends the head.
                self.fields_end = s;
                if kind == HeadKind::Request
                    && self.start.version == Some(Version::Http11)
                    && self.info.host_count == 0
                {
                    return Err(Error::MissingHost);
                }
                return Ok(Some(e));
            }
            if is_ows(content[0]) {
                self.continuation(content, s, kind, limits)?;
                continue;
            }
            self.count += 1;
            if self.count > limits.max_fields {
                return Err(Error::TooManyFields);
            }
            let (name, value) = field_line(content, clean)?;
            if kind != HeadKind::Trailers && self.folds.is_empty() {
                self.info.add(name, value, kind == HeadKind::Request)?;
            }
        }
    }

    /// A line that starts with whitespace (RFC 9112 §2.2, §5.2).
    fn continuation(
        &mut self,
        content: &[u8],
        s: usize,
        kind: HeadKind,
        limits: &Limits,
    ) -> Result<(), Error> {
        if self.count == 0 {
            // Whitespace between the start line and the first field.
            return Err(if kind == HeadKind::Trailers {
                Error::ObsFold
            } else {
                Error::WhitespaceAfterStartLine
            });
        }
        if kind != HeadKind::Response || !limits.unfold_obs_fold_in_responses {
            return Err(Error::ObsFold);
        }
        // A user agent replaces obs-fold with SP (§5.2); the decoder
        // overwrites the CRLF at `s - 2` and re-reads the fields.
        check_value(content)?;
        self.folds.push(s - 2);
        Ok(())
    }

    /// request-line = method SP request-target SP HTTP-version (RFC 9112 §3)
    fn request_line(&mut self, line: &[u8]) -> Result<(), Error> {
        let base = self.pos - line.len() - 2;
        let method_len = line.iter().take_while(|&&b| TCHAR[b as usize]).count();
        match line.get(method_len) {
            Some(b' ') if method_len > 0 => {}
            Some(b'\r') => return Err(Error::BareCr),
            Some(b' ') | None => return Err(Error::InvalidRequestLine),
            Some(_) => return Err(Error::InvalidMethod),
        }
        // The version is eight bytes, so in a well-formed line the last SP
        // is nine from the end; otherwise search for it.
        let (last_sp, version) = match line.len().checked_sub(9) {
            Some(i) if i > method_len && line[i] == b' ' => match parse_version(&line[i + 1..]) {
                Ok(v) => (i, Some(v)),
                Err(_) => (memchr::memrchr(b' ', line).unwrap_or(i), None),
            },
            _ => match memchr::memrchr(b' ', line) {
                Some(i) => (i, None),
                None => return Err(Error::InvalidRequestLine),
            },
        };
        if last_sp == method_len {
            // Only two parts: no target or no version (HTTP/0.9 style).
            return Err(if line.contains(&b'\r') {
                Error::BareCr
            } else {
                Error::InvalidRequestLine
            });
        }
        let target = &line[method_len + 1..last_sp];
        if target.is_empty() {
            return Err(Error::InvalidRequestLine);
        }
        // Bytes first, then the version, then the escapes and the form.
        let escapes_ok = check_target_bytes(target)?;
        let version = match version {
            Some(v) => v,
            None => parse_version(&line[last_sp + 1..])?,
        };
        if !escapes_ok {
            return Err(Error::InvalidTarget);
        }
        let method = &line[..method_len];
        crate::parse::target::check_shape(method, target)?;
        self.start = StartLine {
            a: (base, base + method_len),
            b: (base + method_len + 1, base + last_sp),
            status: 0,
            version: Some(version),
        };
        Ok(())
    }

    /// status-line = HTTP-version SP status-code SP [ reason-phrase ] (§4)
    fn status_line(&mut self, line: &[u8]) -> Result<(), Error> {
        let base = self.pos - line.len() - 2;
        if line.len() < 12 || line[8] != b' ' {
            return Err(if line.contains(&b'\r') {
                Error::BareCr
            } else {
                Error::InvalidStatusLine
            });
        }
        let version = match parse_version(&line[..8]) {
            Ok(v) => v,
            Err(Error::UnsupportedVersion) => return Err(Error::UnsupportedVersion),
            Err(_) => return Err(Error::InvalidStatusLine),
        };
        let digits = &line[9..12];
        if !digits.iter().all(u8::is_ascii_digit) {
            return Err(Error::InvalidStatus);
        }
        let status = digits.iter().fold(0u16, |a, &d| a * 10 + u16::from(d - b'0'));
        if !(100..=599).contains(&status) {
            return Err(Error::InvalidStatus);
        }
        let reason = match line.get(12) {
            // "A server MUST send the space ... even when the reason-phrase
            // is absent" (§4): `HTTP/1.1 200` is refused.
            None => return Err(Error::InvalidStatusLine),
            Some(b' ') => {
                let r = &line[13..];
                if let Some(&bad) = r.iter().find(|&&b| !REASON[b as usize]) {
                    return Err(if bad == b'\r' {
                        Error::BareCr
                    } else {
                        Error::InvalidStatusLine
                    });
                }
                (base + 13, base + line.len())
            }
            Some(d) if d.is_ascii_digit() => return Err(Error::InvalidStatus),
            Some(b'\r') => return Err(Error::BareCr),
            Some(_) => return Err(Error::InvalidStatusLine),
        };
        self.start = StartLine {
            a: reason,
            b: (0, 0),
            status,
            version: Some(version),
        };
        Ok(())
    }
}

/// Every byte of a request-target is allowed ([`TARGET_PLAIN`]) or a `%`,
/// in one pass; `Ok(false)` if some `%` does not start a pct-encoded octet,
/// `%` HEXDIG HEXDIG (RFC 3986 §2.1), which the caller reports after the
/// version.
#[inline]
fn check_target_bytes(target: &[u8]) -> Result<bool, Error> {
    let mut escapes_ok = true;
    for (i, &b) in target.iter().enumerate() {
        if TARGET_PLAIN[b as usize] {
            continue;
        }
        match b {
            b'%' => {
                escapes_ok &= matches!(target.get(i + 1..i + 3),
                    Some([h, l]) if h.is_ascii_hexdigit() && l.is_ascii_hexdigit());
            }
            b'\r' => return Err(Error::BareCr),
            _ => return Err(Error::InvalidTarget),
        }
    }
    Ok(escapes_ok)
}

/// The earlier of two limit violations (`t` = the byte offset at which it
/// would first be seen); on a tie the line limit is reported.
#[inline]
fn first_limit(
    line_t: Option<usize>,
    line_e: Error,
    total_t: Option<usize>,
    total_e: Error,
) -> Option<Error> {
    match (line_t, total_t) {
        (None, None) => None,
        (Some(_), None) => Some(line_e),
        (None, Some(_)) => Some(total_e),
        (Some(a), Some(b)) => Some(if a <= b { line_e } else { total_e }),
    }
}

/// HTTP-version = "HTTP/" DIGIT "." DIGIT (RFC 9112 §2.3). HTTP/1.x other
/// than 1.0 is handled as HTTP/1.1; another major version is 505.
pub(crate) fn parse_version(v: &[u8]) -> Result<Version, Error> {
    match v {
        [b'H', b'T', b'T', b'P', b'/', major, b'.', minor]
            if major.is_ascii_digit() && minor.is_ascii_digit() =>
        {
            match (major, minor) {
                (b'1', b'0') => Ok(Version::Http10),
                (b'1', _) => Ok(Version::Http11),
                _ => Err(Error::UnsupportedVersion),
            }
        }
        _ if v.contains(&b'\r') => Err(Error::BareCr),
        _ => Err(Error::InvalidVersion),
    }
}

/// field-line = field-name ":" OWS field-value OWS (RFC 9112 §5). Returns
/// the name and the trimmed value.
#[inline]
pub(crate) fn field_line(content: &[u8], clean: bool) -> Result<(&[u8], &[u8]), Error> {
    let name_len = content.iter().take_while(|&&b| TCHAR[b as usize]).count();
    match content.get(name_len) {
        Some(b':') if name_len > 0 => {}
        Some(b':') => return Err(Error::InvalidFieldName),
        Some(b' ' | b'\t') => {
            // Whitespace between name and colon is refused (§5.1).
            let ws = content[name_len..].iter().take_while(|&&b| is_ows(b)).count();
            return Err(if name_len > 0 && content.get(name_len + ws) == Some(&b':') {
                Error::WhitespaceBeforeColon
            } else {
                Error::InvalidFieldName
            });
        }
        Some(b'\r') => return Err(Error::BareCr),
        Some(_) => return Err(Error::InvalidFieldName),
        None => return Err(Error::MissingColon),
    }
    let value = &content[name_len + 1..];
    if !clean {
        check_value(value)?;
    }
    Ok((&content[..name_len], trim_ows(value)))
}

/// field-value bytes: VCHAR, obs-text, SP, HTAB (RFC 9110 §5.5).
#[inline]
fn check_value(value: &[u8]) -> Result<(), Error> {
    match first_invalid_value_byte(value) {
        None => Ok(()),
        Some(b'\r') => Err(Error::BareCr),
        Some(_) => Err(Error::InvalidFieldValue),
    }
}

/// The position of the first control byte (below 0x20, HTAB included) or
/// DEL in `v`, sixteen then eight bytes at a time. In a little-endian word
/// the lowest flagged byte of the "has less than" trick is exact, so the
/// position comes from `trailing_zeros` with no byte loop.
#[inline]
pub(crate) fn first_control(v: &[u8]) -> Option<usize> {
    #[inline(always)]
    fn word(chunk: &[u8]) -> u64 {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        u64::from_le_bytes(word)
    }
    #[inline(always)]
    fn controls(w: u64) -> u64 {
        const ONES: u64 = 0x0101_0101_0101_0101;
        const HIGH: u64 = 0x8080_8080_8080_8080;
        let below_space = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
        let x = w ^ (ONES * 0x7f);
        below_space | (x.wrapping_sub(ONES) & !x & HIGH)
    }
    let mut at = 0;
    // Two words per step: one branch per sixteen clean bytes.
    while let Some(pair) = v.get(at..at + 16) {
        let (a, b) = (controls(word(&pair[..8])), controls(word(&pair[8..])));
        if a | b != 0 {
            return Some(if a != 0 {
                at + (a.trailing_zeros() / 8) as usize
            } else {
                at + 8 + (b.trailing_zeros() / 8) as usize
            });
        }
        at += 16;
    }
    if let Some(chunk) = v.get(at..at + 8) {
        let m = controls(word(chunk));
        if m != 0 {
            return Some(at + (m.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    v[at..]
        .iter()
        .position(|&b| b < 0x20 || b == 0x7f)
        .map(|p| at + p)
}

/// The first byte of `v` that may not appear in a field value: a control
/// byte other than HTAB, or DEL ([`first_control`], stepping over tabs).
#[inline]
fn first_invalid_value_byte(mut v: &[u8]) -> Option<u8> {
    while let Some(p) = first_control(v) {
        if v[p] != b'\t' {
            return Some(v[p]);
        }
        v = &v[p + 1..];
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::chars::FIELD_VALUE;

    fn scan(kind: HeadKind, input: &[u8]) -> Result<Option<usize>, Error> {
        HeadScanner::default().scan(input, kind, &Limits::default())
    }

    #[test]
    fn complete_request() {
        let h = b"GET / HTTP/1.1\r\nHost: a\r\n\r\n";
        assert_eq!(scan(HeadKind::Request, h), Ok(Some(h.len())));
        assert_eq!(scan(HeadKind::Request, &h[..h.len() - 1]), Ok(None));
    }

    #[test]
    fn resumes_where_it_stopped() {
        let h = b"GET / HTTP/1.1\r\nHost: a\r\nX: y\r\n\r\n";
        let mut s = HeadScanner::default();
        for end in 1..h.len() {
            assert_eq!(s.scan(&h[..end], HeadKind::Request, &Limits::default()), Ok(None));
        }
        assert_eq!(
            s.scan(h, HeadKind::Request, &Limits::default()),
            Ok(Some(h.len()))
        );
        assert_eq!(s.count, 2);
    }

    #[test]
    fn value_check_word_at_a_time_agrees_with_the_table() {
        for len in 0..40usize {
            for pos in 0..len {
                for bad in [0u8, 1, 8, 9, 10, 13, 0x1f, 0x20, 0x7e, 0x7f, 0x80, 0xff] {
                    let mut v = alloc::vec![b'a'; len];
                    v[pos] = bad;
                    let expect = v.iter().find(|&&b| !FIELD_VALUE[b as usize]).copied();
                    assert_eq!(
                        first_invalid_value_byte(&v),
                        expect,
                        "len {len} pos {pos} byte {bad:#x}"
                    );
                }
            }
        }
    }

    #[test]
    fn first_control_agrees_with_a_byte_loop() {
        for len in 0..40usize {
            for pos in 0..len {
                for bad in [0u8, 1, 9, 10, 13, 0x1f, 0x20, 0x7e, 0x7f, 0x80, 0xff] {
                    let mut v = alloc::vec![b'a'; len];
                    v[pos] = bad;
                    if pos + 1 < len {
                        v[len - 1] = b'\r'; // a later control byte must not win
                    }
                    let expect = v.iter().position(|&b| b < 0x20 || b == 0x7f);
                    assert_eq!(first_control(&v), expect, "len {len} pos {pos} byte {bad:#x}");
                }
            }
        }
    }

    #[test]
    fn versions() {
        assert_eq!(parse_version(b"HTTP/1.0"), Ok(Version::Http10));
        assert_eq!(parse_version(b"HTTP/1.1"), Ok(Version::Http11));
        assert_eq!(parse_version(b"HTTP/1.7"), Ok(Version::Http11));
        assert_eq!(parse_version(b"HTTP/2.0"), Err(Error::UnsupportedVersion));
        assert_eq!(parse_version(b"HTTP/0.9"), Err(Error::UnsupportedVersion));
        assert_eq!(parse_version(b"http/1.1"), Err(Error::InvalidVersion));
        assert_eq!(parse_version(b"HTTP/1.10"), Err(Error::InvalidVersion));
        assert_eq!(parse_version(b"HTTP/11"), Err(Error::InvalidVersion));
    }

    #[test]
    fn field_lines() {
        assert_eq!(field_line(b"A: b", false), Ok((&b"A"[..], &b"b"[..])));
        assert_eq!(field_line(b"A:\t b \t", false), Ok((&b"A"[..], &b"b"[..])));
        assert_eq!(field_line(b"A:", false), Ok((&b"A"[..], &b""[..])));
        assert_eq!(field_line(b"A : b", false), Err(Error::WhitespaceBeforeColon));
        assert_eq!(field_line(b": b", false), Err(Error::InvalidFieldName));
        assert_eq!(field_line(b"A", false), Err(Error::MissingColon));
        assert_eq!(field_line(b"A\rB: c", false), Err(Error::BareCr));
        assert_eq!(field_line(b"A: b\rc", false), Err(Error::BareCr));
        assert_eq!(field_line(b"A: b\0c", false), Err(Error::InvalidFieldValue));
        assert_eq!(field_line(b"A: b\x7f", false), Err(Error::InvalidFieldValue));
        assert_eq!(field_line(b"A: \xff", false), Ok((&b"A"[..], &b"\xff"[..])));
        assert_eq!(field_line(b"A B: c", false), Err(Error::InvalidFieldName));
    }

    #[test]
    fn limit_fires_at_the_same_byte_whatever_the_split() {
        let limits = Limits {
            max_head_bytes: 40,
            max_field_line: 20,
            ..Limits::default()
        };
        let inputs: [&[u8]; 3] = [
            b"GET / HTTP/1.1\r\nHost: a\r\nX-Long: aaaaaaaaaaaaaaaaaaaaa\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\nY: 2\r\nZ: 3\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost: a\r\nX: \x01aaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n",
        ];
        for input in inputs {
            let whole = HeadScanner::default().scan(input, HeadKind::Request, &limits);
            let mut s = HeadScanner::default();
            let mut bytewise = Ok(None);
            for end in 1..=input.len() {
                bytewise = s.scan(&input[..end], HeadKind::Request, &limits);
                if !matches!(bytewise, Ok(None)) {
                    break;
                }
            }
            assert_eq!(whole, bytewise, "{:?}", core::str::from_utf8(input));
            assert!(whole.is_err());
        }
    }
}
