//! Persistence: whether a message, and an exchange, lets the connection
//! carry another (RFC 9112 §9.3, RFC 9110 §7.6.1, mission §4).

use core::time::Duration;

use crate::fields::Fields;
use crate::framing::{Framing, HeadInfo};
use crate::message::Version;
use crate::parse::chars::trim_ows;

/// Whether one message lets the connection carry another after it, from
/// its version, its Connection tokens and its framing (RFC 9112 §9.3):
///
/// 1. a body delimited by close never allows it;
/// 2. a `close` token ends persistence, whatever the version;
/// 3. HTTP/1.1 persists by default;
/// 4. HTTP/1.0 persists only with a `keep-alive` token.
pub(crate) fn message_keep_alive(version: Version, info: &HeadInfo, close_delimited: bool) -> bool {
    if close_delimited {
        return false; // step 1
    }
    if info.conn_close {
        return false; // step 2
    }
    match version {
        Version::Http11 => true,                 // step 3
        Version::Http10 => info.conn_keep_alive, // step 4
    }
}

/// [`message_keep_alive`] with the framing decided.
pub(crate) fn keep_alive_after(version: Version, info: &HeadInfo, framing: Framing) -> bool {
    message_keep_alive(version, info, framing == Framing::UntilClose)
}

/// A server's `Keep-Alive: timeout=N, max=M` hints (RFC 2068 §19.7.1).
/// Hints, not promises: a client idles no longer than `timeout` and sends
/// no more than `max` further requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct KeepAliveHints {
    /// How long the server keeps an idle connection.
    pub timeout: Option<Duration>,
    /// How many more requests the server will take on this connection.
    pub max: Option<u64>,
}

impl KeepAliveHints {
    /// Read the hints from every Keep-Alive field; malformed parameters are
    /// ignored (they are hints).
    pub fn from_fields(fields: &Fields) -> KeepAliveHints {
        let mut hints = KeepAliveHints::default();
        for value in fields.get_all(b"keep-alive") {
            for param in value.split(|&b| b == b',' || b == b';') {
                let param = trim_ows(param);
                let Some(eq) = param.iter().position(|&b| b == b'=') else {
                    continue;
                };
                let (name, v) = (trim_ows(&param[..eq]), trim_ows(&param[eq + 1..]));
                let v = v
                    .strip_prefix(b"\"")
                    .and_then(|v| v.strip_suffix(b"\""))
                    .unwrap_or(v);
                let Some(n) = parse_u64(v) else { continue };
                if name.eq_ignore_ascii_case(b"timeout") {
                    hints.timeout = Some(Duration::from_secs(n));
                } else if name.eq_ignore_ascii_case(b"max") {
                    hints.max = Some(n);
                }
            }
        }
        hints
    }
}

fn parse_u64(s: &[u8]) -> Option<u64> {
    if s.is_empty() || s.len() > 19 || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(s.iter().fold(0u64, |a, &d| a * 10 + u64::from(d - b'0')))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(conn: &str) -> HeadInfo {
        let f = Fields::from_pairs([("Connection", conn)]).unwrap();
        HeadInfo::from_fields(&f, false).unwrap()
    }

    #[test]
    fn step1_close_delimited_never_persists() {
        assert!(!message_keep_alive(Version::Http11, &info("keep-alive"), true));
    }

    #[test]
    fn step2_close_token() {
        assert!(!message_keep_alive(Version::Http11, &info("Close"), false));
        assert!(!message_keep_alive(
            Version::Http10,
            &info("keep-alive, close"),
            false
        ));
        assert!(message_keep_alive(Version::Http11, &info("closed"), false));
    }

    #[test]
    fn step3_http11_default() {
        assert!(message_keep_alive(Version::Http11, &info(""), false));
    }

    #[test]
    fn step4_http10_needs_keep_alive() {
        assert!(!message_keep_alive(Version::Http10, &info(""), false));
        assert!(message_keep_alive(Version::Http10, &info("Keep-Alive"), false));
    }

    #[test]
    fn response_hints_need_a_keep_alive_field() {
        use crate::Response;
        let with = Response::builder(200)
            .header("KEEP-ALIVE", "timeout=5")
            .build()
            .unwrap();
        assert_eq!(with.keep_alive_hints().timeout, Some(Duration::from_secs(5)));
        // Same name length as Connection, which must not count.
        let without = Response::builder(200)
            .header("Connection", "keep-alive")
            .build()
            .unwrap();
        assert_eq!(without.keep_alive_hints(), KeepAliveHints::default());
    }

    #[test]
    fn hints() {
        let f = Fields::from_pairs([("Keep-Alive", "timeout=5, max=100")]).unwrap();
        let h = KeepAliveHints::from_fields(&f);
        assert_eq!(h.timeout, Some(Duration::from_secs(5)));
        assert_eq!(h.max, Some(100));
        let f = Fields::from_pairs([("Keep-Alive", "timeout=x, max")]).unwrap();
        assert_eq!(KeepAliveHints::from_fields(&f), KeepAliveHints::default());
    }
}
