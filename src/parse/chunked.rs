//! The chunked transfer coding, decoded incrementally (RFC 9112 §7.1).
//!
//! ```text
//! chunked-body   = *chunk last-chunk trailer-section CRLF
//! chunk          = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
//! chunk-size     = 1*HEXDIG
//! last-chunk     = 1*("0") [ chunk-ext ] CRLF
//! chunk-ext      = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
//! ```
//!
//! Chunk data is handed out as it arrives, as zero-copy slices of the
//! receive buffer. The chunk-size line and the trailer section are bounded
//! by [`Limits`] before they are buffered, and a bare LF anywhere in the
//! framing is refused.

use bytes::{Bytes, BytesMut};

use crate::error::Error;
use crate::fields::Fields;
use crate::framing::value_len;
use crate::limits::Limits;
use crate::parse::chars::{is_ows, TCHAR};
use crate::parse::head::{HeadKind, HeadScanner};

#[derive(Debug)]
enum State {
    /// Reading a chunk-size line.
    Size,
    /// This many chunk-data bytes still to come.
    Data(u64),
    /// Expecting the CRLF after chunk data.
    DataEnd,
    /// Reading the trailer section after the last chunk.
    Trailers(HeadScanner),
    /// The last chunk and the trailer section have been read.
    Done,
}

/// What the chunked decoder produced.
#[derive(Debug)]
pub(crate) enum Chunk {
    Data(Bytes),
    End(Fields),
}

/// Incremental chunked-body decoder.
#[derive(Debug)]
pub(crate) struct ChunkedDecoder {
    state: State,
    total: u64,
}

impl ChunkedDecoder {
    pub(crate) fn new() -> Self {
        ChunkedDecoder {
            state: State::Size,
            total: 0,
        }
    }

    /// Decode from the front of `buf`. `Ok(None)` means more bytes are needed.
    pub(crate) fn decode(&mut self, buf: &mut BytesMut, limits: &Limits) -> Result<Option<Chunk>, Error> {
        loop {
            match &mut self.state {
                State::Size => {
                    let Some(size) = size_line(buf, limits)? else {
                        return Ok(None);
                    };
                    self.total = self.total.checked_add(size).ok_or(Error::ContentTooLarge)?;
                    if limits.max_body.is_some_and(|max| self.total > max) {
                        return Err(Error::ContentTooLarge);
                    }
                    self.state = if size == 0 {
                        State::Trailers(HeadScanner::trailers())
                    } else {
                        State::Data(size)
                    };
                }
                State::Data(left) => {
                    if buf.is_empty() {
                        return Ok(None);
                    }
                    let take = usize::try_from(*left).map_or(buf.len(), |l| l.min(buf.len()));
                    *left -= take as u64;
                    if *left == 0 {
                        self.state = State::DataEnd;
                    }
                    return Ok(Some(Chunk::Data(buf.split_to(take).freeze())));
                }
                State::DataEnd => {
                    // Exactly CRLF after chunk-data (§7.1).
                    match buf.first() {
                        None => return Ok(None),
                        Some(b'\r') => {}
                        Some(b'\n') => return Err(Error::BareLf),
                        Some(_) => return Err(Error::InvalidChunkDataEnd),
                    }
                    match buf.get(1) {
                        None => return Ok(None),
                        Some(b'\n') => {
                            let _ = buf.split_to(2);
                            self.state = State::Size;
                        }
                        Some(_) => return Err(Error::InvalidChunkDataEnd),
                    }
                }
                State::Trailers(scanner) => {
                    let Some(len) = scanner.scan(buf, HeadKind::Trailers, limits)? else {
                        return Ok(None);
                    };
                    let (end, count) = (scanner.fields_end, scanner.count);
                    let section = buf.split_to(len).freeze();
                    self.state = State::Done;
                    let fields = if count == 0 {
                        Fields::new()
                    } else {
                        Fields::from_block(section.slice(..end), count)
                    };
                    return Ok(Some(Chunk::End(fields)));
                }
                State::Done => return Ok(None),
            }
        }
    }
}

/// Parse one chunk-size line from the front of `buf`, consuming it.
/// Limits are judged at the byte where they are first exceeded, so the
/// result does not depend on how the line was split.
fn size_line(buf: &mut BytesMut, limits: &Limits) -> Result<Option<u64>, Error> {
    // No LF can be among the digits, so the hex run is the same whether
    // counted in the line or in the buffer; a plain `size CRLF` line (the
    // usual one) then needs no search for its LF.
    let digits = buf.iter().take_while(|b| b.is_ascii_hexdigit()).count();
    let lf = match buf.get(digits..digits + 2) {
        Some(b"\r\n") => Some(digits + 1),
        _ => memchr::memchr(b'\n', buf),
    };
    let seen = lf.map_or(buf.len(), |i| i + 1);
    let line = &buf[..seen];
    // Extension bytes: after the digits, not counting the CRLF (or a CR
    // that may be the start of it, on a partial line).
    let ext_len = match lf {
        Some(_) => line
            .len()
            .saturating_sub(digits + if line.ends_with(b"\r\n") { 2 } else { 1 }),
        None => line
            .len()
            .saturating_sub(digits + usize::from(line.last() == Some(&b'\r'))),
    };
    let too_long = match lf {
        Some(_) => line.len() > limits.max_chunk_line,
        None => line.len() >= limits.max_chunk_line,
    };
    if too_long || ext_len > limits.max_chunk_extensions {
        return Err(Error::ChunkLineTooLong);
    }
    let Some(lf) = lf else {
        return Ok(None);
    };
    let Some(content) = buf[..lf + 1].strip_suffix(b"\r\n") else {
        return Err(Error::BareLf);
    };
    if digits == 0 {
        return Err(if content.first() == Some(&b'\r') {
            Error::BareCr
        } else {
            Error::InvalidChunkSize
        });
    }
    let mut size: u64 = 0;
    for &d in &content[..digits] {
        let v = match d {
            b'0'..=b'9' => d - b'0',
            b'a'..=b'f' => d - b'a' + 10,
            _ => d - b'A' + 10,
        };
        size = size
            .checked_mul(16)
            .and_then(|s| s.checked_add(u64::from(v)))
            .ok_or(Error::ChunkSizeOverflow)?;
    }
    check_extensions(&content[digits..])?;
    let _ = buf.split_to(lf + 1);
    Ok(Some(size))
}

/// chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
fn check_extensions(mut s: &[u8]) -> Result<(), Error> {
    if !s.is_empty() && s.iter().all(|&b| is_ows(b)) {
        // Whitespace after the size with no extension (strict choice).
        return Err(Error::InvalidChunkSize);
    }
    let bad = |s: &[u8]| {
        if s.contains(&b'\r') {
            Error::BareCr
        } else if s.first().is_some_and(|&b| !is_ows(b) && b != b';') {
            Error::InvalidChunkSize
        } else {
            Error::InvalidChunkExtension
        }
    };
    let whole = s;
    while !s.is_empty() {
        s = skip_ows(s);
        let Some(rest) = s.strip_prefix(b";") else {
            return Err(bad(whole));
        };
        let rest = skip_ows(rest);
        let n = rest.iter().take_while(|&&b| TCHAR[b as usize]).count();
        if n == 0 {
            return Err(bad(whole));
        }
        let after_name = skip_ows(&rest[n..]);
        if let Some(v) = after_name.strip_prefix(b"=") {
            let v = skip_ows(v);
            let Some(len) = value_len(v) else {
                return Err(bad(whole));
            };
            s = &v[len..];
        } else {
            s = &rest[n..];
            if !after_name.is_empty() && !after_name.starts_with(b";") {
                return Err(bad(whole));
            }
        }
        if s.iter().all(|&b| is_ows(b)) && !s.is_empty() {
            // Trailing whitespace after the last extension.
            return Err(bad(whole));
        }
    }
    Ok(())
}

fn skip_ows(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|&&b| is_ows(b)).count();
    &s[n..]
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    fn run(input: &[u8]) -> Result<(Vec<u8>, Option<Fields>), Error> {
        let mut d = ChunkedDecoder::new();
        let mut buf = BytesMut::from(input);
        let mut data = Vec::new();
        loop {
            match d.decode(&mut buf, &Limits::default())? {
                Some(Chunk::Data(b)) => data.extend_from_slice(&b),
                Some(Chunk::End(t)) => return Ok((data, Some(t))),
                None => return Ok((data, None)),
            }
        }
    }

    #[test]
    fn decodes_chunks_and_trailers() {
        let (data, t) = run(b"5\r\nhello\r\n6;a=b;c=\"d e\"\r\n world\r\n0\r\nX: 1\r\n\r\n").unwrap();
        assert_eq!(data, b"hello world");
        assert_eq!(t.unwrap().get("x"), Some(&b"1"[..]));
    }

    #[test]
    fn rejects_bad_framing() {
        assert_eq!(
            run(b"f0000000000000003\r\n").err(),
            Some(Error::ChunkSizeOverflow)
        );
        assert_eq!(run(b"5\r\nhelloXX").err(), Some(Error::InvalidChunkDataEnd));
        assert_eq!(run(b"5\nhello").err(), Some(Error::BareLf));
        assert_eq!(run(b"5\r\nhello\n").err(), Some(Error::BareLf));
        assert_eq!(run(b"5 \r\nhello\r\n").err(), Some(Error::InvalidChunkSize));
        assert_eq!(run(b"x\r\n").err(), Some(Error::InvalidChunkSize));
        assert_eq!(run(b"5;\r\n").err(), Some(Error::InvalidChunkExtension));
        assert_eq!(run(b"5;a=\"x\r\n").err(), Some(Error::InvalidChunkExtension));
        assert_eq!(run(b"0\r\nX: 1\n\r\n").err(), Some(Error::BareLf));
        assert_eq!(run(b"0\r\n\r\r\n").err(), Some(Error::BareCr));
        assert_eq!(run(b"-5\r\n").err(), Some(Error::InvalidChunkSize));
        assert_eq!(run(b"0x5\r\n").err(), Some(Error::InvalidChunkSize));
    }

    #[test]
    fn extensions_with_bws() {
        assert!(run(b"5 ; a = b\r\nhello\r\n0\r\n\r\n").is_ok());
        assert!(run(b"5;a;b=\"q\\\"x\"\r\nhello\r\n0\r\n\r\n").is_ok());
    }

    #[test]
    fn leading_zeros_are_fine() {
        let (data, t) = run(b"0000000000000000000005\r\nhello\r\n000\r\n\r\n").unwrap();
        assert_eq!(data, b"hello");
        assert!(t.unwrap().is_empty());
    }

    #[test]
    fn extension_limit_is_split_invariant() {
        let limits = Limits {
            max_chunk_extensions: 4,
            ..Limits::default()
        };
        for input in [&b"5;abcd\r\n"[..], b"5;abcde\r\n", b"5;abc\r\r\n"] {
            let whole = ChunkedDecoder::new()
                .decode(&mut BytesMut::from(input), &limits)
                .map(|_| ());
            let mut d = ChunkedDecoder::new();
            let mut buf = BytesMut::new();
            let mut bytewise = Ok(());
            for &b in input {
                buf.extend_from_slice(&[b]);
                if let Err(e) = d.decode(&mut buf, &limits) {
                    bytewise = Err(e);
                    break;
                }
            }
            assert_eq!(whole, bytewise, "{input:?}");
        }
    }
}
