//! Header and trailer fields, zero-copy.
//!
//! A [`Fields`] value is one [`Bytes`] holding validated field lines in wire
//! form (`name: value\r\n` each) and their count. A parsed head's fields are
//! a slice of the received bytes, so parsing allocates nothing per field;
//! iteration finds each line with `memchr` and trims OWS (RFC 9110 §5.5).
//! Built fields are validated as they are appended, so encoding a head is a
//! copy of its field block.

use alloc::vec::Vec;
use core::fmt;

use bytes::{BufMut, Bytes, BytesMut};

use crate::error::Error;
use crate::parse::chars::{is_token, trim_ows, FIELD_VALUE};

/// An ordered list of header or trailer fields.
///
/// ```
/// use h1conn::Fields;
/// let mut b = Fields::builder();
/// b.append("Host", "example.com")?.append("Accept", " text/html ")?;
/// let fields = b.finish();
/// assert_eq!(fields.len(), 2);
/// assert_eq!(fields.get("accept"), Some(&b"text/html"[..]));
/// # Ok::<(), h1conn::Error>(())
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Fields {
    block: Bytes,
    count: usize,
}

/// One field line: a name and its value with surrounding OWS removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field<'a> {
    /// The field name, as sent (compare with `eq_ignore_ascii_case`).
    pub name: &'a [u8],
    /// The field value without leading or trailing whitespace.
    pub value: &'a [u8],
}

impl Fields {
    /// No fields.
    pub const fn new() -> Fields {
        Fields {
            block: Bytes::new(),
            count: 0,
        }
    }

    /// A builder that validates each field as it is appended.
    pub fn builder() -> FieldsBuilder {
        FieldsBuilder::default()
    }

    /// Build from `(name, value)` pairs, validating each.
    pub fn from_pairs<N, V, I>(pairs: I) -> Result<Fields, Error>
    where
        N: AsRef<[u8]>,
        V: AsRef<[u8]>,
        I: IntoIterator<Item = (N, V)>,
    {
        let mut b = FieldsBuilder::default();
        for (n, v) in pairs {
            b.append(n, v)?;
        }
        Ok(b.finish())
    }

    /// Wrap an already validated block of field lines (crate-internal).
    pub(crate) fn from_block(block: Bytes, count: usize) -> Fields {
        Fields { block, count }
    }

    /// The field lines in wire form, each ending in CRLF.
    pub fn as_wire(&self) -> &[u8] {
        &self.block
    }

    /// Number of field lines.
    pub fn len(&self) -> usize {
        self.count
    }

    /// `true` when there are no fields.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The fields in order.
    pub fn iter(&self) -> FieldsIter<'_> {
        FieldsIter { rest: &self.block }
    }

    /// The value of the first field named `name` (case-insensitive).
    pub fn get(&self, name: impl AsRef<[u8]>) -> Option<&[u8]> {
        let name = name.as_ref();
        self.iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
            .map(|f| f.value)
    }

    /// The values of every field named `name` (case-insensitive), in order.
    pub fn get_all<'a>(&'a self, name: &'a [u8]) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.iter()
            .filter(move |f| f.name.eq_ignore_ascii_case(name))
            .map(|f| f.value)
    }

    /// `true` if a field named `name` is present (case-insensitive).
    pub fn contains(&self, name: impl AsRef<[u8]>) -> bool {
        self.get(name).is_some()
    }

    /// The fields as owned, zero-copy `(name, value)` slices of the head.
    pub fn iter_bytes(&self) -> impl Iterator<Item = (Bytes, Bytes)> + '_ {
        self.iter().map(move |f| {
            (
                self.block.slice_ref(f.name),
                if f.value.is_empty() {
                    Bytes::new()
                } else {
                    self.block.slice_ref(f.value)
                },
            )
        })
    }

    /// `true` if any element of a comma-separated list field `name` equals
    /// `token`, case-insensitively, as a whole element (RFC 9110 §5.6.1).
    pub fn has_token(&self, name: &[u8], token: &[u8]) -> bool {
        self.get_all(name)
            .flat_map(|v| v.split(|&b| b == b','))
            .any(|e| trim_ows(e).eq_ignore_ascii_case(token))
    }

    /// A copy without the fields for which `keep` returns `false`.
    pub fn filtered(&self, mut keep: impl FnMut(Field<'_>) -> bool) -> Fields {
        let mut out = BytesMut::with_capacity(self.block.len());
        let mut count = 0;
        let mut rest: &[u8] = &self.block;
        while let Some((line, tail)) = split_line(rest) {
            rest = tail;
            if let Some(f) = field_of_line(line) {
                if keep(f) {
                    out.extend_from_slice(line);
                    count += 1;
                }
            }
        }
        Fields {
            block: out.freeze(),
            count,
        }
    }
}

/// Split off the first line (through its LF).
#[inline]
fn split_line(s: &[u8]) -> Option<(&[u8], &[u8])> {
    if s.is_empty() {
        return None;
    }
    let end = memchr::memchr(b'\n', s).map_or(s.len(), |i| i + 1);
    Some(s.split_at(end))
}

/// Name and trimmed value of one validated field line.
#[inline]
fn field_of_line(line: &[u8]) -> Option<Field<'_>> {
    let colon = memchr::memchr(b':', line)?;
    let value = line[colon + 1..]
        .strip_suffix(b"\r\n")
        .unwrap_or(&line[colon + 1..]);
    Some(Field {
        name: &line[..colon],
        value: trim_ows(value),
    })
}

/// Iterator over [`Fields`].
#[derive(Debug, Clone)]
pub struct FieldsIter<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for FieldsIter<'a> {
    type Item = Field<'a>;

    #[inline]
    fn next(&mut self) -> Option<Field<'a>> {
        loop {
            let (line, tail) = split_line(self.rest)?;
            self.rest = tail;
            if let Some(f) = field_of_line(line) {
                return Some(f);
            }
        }
    }
}

impl<'a> IntoIterator for &'a Fields {
    type Item = Field<'a>;
    type IntoIter = FieldsIter<'a>;
    fn into_iter(self) -> FieldsIter<'a> {
        self.iter()
    }
}

impl fmt::Debug for Fields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.iter().map(|fl| {
                (
                    bytes::Bytes::copy_from_slice(fl.name),
                    bytes::Bytes::copy_from_slice(fl.value),
                )
            }))
            .finish()
    }
}

/// Builds [`Fields`], refusing names that are not tokens and values with
/// CR, LF, NUL or other control bytes (RFC 9110 §5.1, §5.5), so nothing the
/// application passes can split a header (RFC 9112 §11.1).
#[derive(Debug, Default, Clone)]
pub struct FieldsBuilder {
    block: BytesMut,
    count: usize,
}

impl FieldsBuilder {
    /// Append one field. The value is trimmed of surrounding whitespace.
    pub fn append(&mut self, name: impl AsRef<[u8]>, value: impl AsRef<[u8]>) -> Result<&mut Self, Error> {
        let name = name.as_ref();
        let value = trim_ows(value.as_ref());
        if !is_token(name) {
            return Err(Error::IllegalFieldName);
        }
        if !value.iter().all(|&b| FIELD_VALUE[b as usize]) {
            return Err(Error::IllegalFieldValue);
        }
        self.block.reserve(name.len() + value.len() + 4);
        self.block.put_slice(name);
        self.block.put_slice(b": ");
        self.block.put_slice(value);
        self.block.put_slice(b"\r\n");
        self.count += 1;
        Ok(self)
    }

    /// Append every field of `fields`.
    pub fn extend(&mut self, fields: &Fields) -> &mut Self {
        self.block.extend_from_slice(fields.as_wire());
        self.count += fields.len();
        self
    }

    /// Number of fields so far.
    pub fn len(&self) -> usize {
        self.count
    }

    /// `true` if nothing was appended.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The finished, immutable fields.
    pub fn finish(self) -> Fields {
        Fields {
            block: self.block.freeze(),
            count: self.count,
        }
    }
}

/// Collect `Fields` for the tests and for callers that like iterators.
impl<'a> FromIterator<Field<'a>> for Result<Fields, Error> {
    fn from_iter<I: IntoIterator<Item = Field<'a>>>(iter: I) -> Self {
        let mut b = FieldsBuilder::default();
        for f in iter {
            b.append(f.name, f.value)?;
        }
        Ok(b.finish())
    }
}

/// Vec of owned pairs, for tests and debugging.
impl From<&Fields> for Vec<(Vec<u8>, Vec<u8>)> {
    fn from(f: &Fields) -> Self {
        f.iter().map(|f| (f.name.to_vec(), f.value.to_vec())).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_refuses_injection() {
        let mut b = Fields::builder();
        assert_eq!(
            b.append("X", "a\r\nEvil: 1").err(),
            Some(Error::IllegalFieldValue)
        );
        assert_eq!(b.append("X", "a\0").err(), Some(Error::IllegalFieldValue));
        assert_eq!(b.append("X\r\n", "a").err(), Some(Error::IllegalFieldName));
        assert_eq!(b.append("", "a").err(), Some(Error::IllegalFieldName));
        assert_eq!(b.append("A B", "a").err(), Some(Error::IllegalFieldName));
        assert!(b.is_empty());
    }

    #[test]
    fn iteration_and_lookup() {
        let f = Fields::from_pairs([("A", "1"), ("b", ""), ("a", "x y")]).unwrap();
        let v: Vec<_> = f.iter().map(|f| (f.name, f.value)).collect();
        assert_eq!(v, [(&b"A"[..], &b"1"[..]), (b"b", b""), (b"a", b"x y")]);
        assert_eq!(f.get("B"), Some(&b""[..]));
        assert_eq!(f.get_all(b"a").count(), 2);
        assert_eq!(f.as_wire(), b"A: 1\r\nb: \r\na: x y\r\n");
    }

    #[test]
    fn tokens_are_whole_and_case_insensitive() {
        let f =
            Fields::from_pairs([("Connection", "keep-alive, Closed"), ("connection", " CLOSE ")]).unwrap();
        assert!(f.has_token(b"connection", b"close"));
        assert!(f.has_token(b"connection", b"keep-alive"));
        let g = Fields::from_pairs([("Connection", "closed")]).unwrap();
        assert!(!g.has_token(b"connection", b"close"));
    }

    #[test]
    fn filtered_keeps_order() {
        let f = Fields::from_pairs([("A", "1"), ("B", "2"), ("C", "3")]).unwrap();
        let g = f.filtered(|f| f.name != b"B");
        assert_eq!(g.len(), 2);
        assert_eq!(g.as_wire(), b"A: 1\r\nC: 3\r\n");
    }
}
