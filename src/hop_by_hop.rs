//! Proxy rules: which fields are end-to-end (RFC 9110 §7.6.1, mission §2).

use crate::fields::Fields;
use crate::parse::chars::trim_ows;

/// The standard hop-by-hop fields a proxy never forwards, beside
/// `Connection` itself and the fields it names.
pub const HOP_BY_HOP: [&str; 9] = [
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

/// The end-to-end fields of a head: drops `Connection`, every field it
/// names (case-insensitively, across all Connection fields), and the
/// standard hop-by-hop fields (Keep-Alive, Proxy-Connection,
/// Proxy-Authenticate, Proxy-Authorization, TE, Trailer,
/// Transfer-Encoding, Upgrade).
///
/// ```
/// use h1conn::{end_to_end_fields, Fields};
/// let f = Fields::from_pairs([
///     ("Host", "a"), ("Connection", "close, X-Secret"), ("x-secret", "1"),
///     ("Keep-Alive", "timeout=5"), ("Accept", "*/*"),
/// ])?;
/// let e2e = end_to_end_fields(&f);
/// let names: Vec<_> = e2e.iter().map(|f| f.name.to_vec()).collect();
/// assert_eq!(names, [b"Host".to_vec(), b"Accept".to_vec()]);
/// # Ok::<(), h1conn::Error>(())
/// ```
pub fn end_to_end_fields(fields: &Fields) -> Fields {
    let named: alloc::vec::Vec<&[u8]> = fields
        .get_all(b"connection")
        .flat_map(|v| v.split(|&b| b == b','))
        .map(trim_ows)
        .filter(|t| !t.is_empty())
        .collect();
    fields.filtered(|f| {
        !HOP_BY_HOP
            .iter()
            .any(|h| f.name.eq_ignore_ascii_case(h.as_bytes()))
            && !named.iter().any(|n| f.name.eq_ignore_ascii_case(n))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_every_hop_by_hop_field() {
        let mut pairs: alloc::vec::Vec<(&str, &str)> = HOP_BY_HOP.iter().map(|h| (*h, "x")).collect();
        pairs.push(("Connection", "Foo"));
        pairs.push(("FOO", "1"));
        pairs.push(("Keep", "stays"));
        let f = Fields::from_pairs(pairs).unwrap();
        let e = end_to_end_fields(&f);
        assert_eq!(e.len(), 1);
        assert_eq!(e.get("keep"), Some(&b"stays"[..]));
    }
}
