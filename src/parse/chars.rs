//! Byte classes from the RFC 9110 / RFC 9112 ABNF, as 256-entry tables so
//! each byte is classified with one load.

// Each class is a const fn turned into a table at compile time.
macro_rules! class {
    ($name:ident, $b:ident => $e:expr) => {
        pub(crate) static $name: [bool; 256] = {
            const fn f($b: u8) -> bool {
                $e
            }
            let mut t = [false; 256];
            let mut i = 0;
            while i < 256 {
                t[i] = f(i as u8);
                i += 1;
            }
            t
        };
    };
}

// tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
//         "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA      (RFC 9110 §5.6.2)
class!(TCHAR, b => matches!(b,
    b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'-' | b'.' |
    b'^' | b'_' | b'`' | b'|' | b'~' | b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z'));

// field-content bytes: SP / HTAB / VCHAR / obs-text           (RFC 9110 §5.5)
class!(FIELD_VALUE, b => b == b'\t' || b == b' ' || (b >= 0x21 && b != 0x7f));

// request-target bytes (RFC 9112 §3.2, RFC 3986 §3.3-§3.4): pchar, "/", "?",
// "[" and "]" (IP literals), plus the visible ASCII that deployed clients
// send unescaped: `"`, `{`, `}`, `|`, `^`. Not "#" (no fragment), nor `<`,
// `>`, `\`, `` ` ``, controls, SP, DEL or bytes above 0x7E.
class!(TARGET, b => b >= 0x21 && b <= 0x7e && !matches!(b, b'#' | b'<' | b'>' | b'\\' | b'`'));

// TARGET without "%", which must start a pct-encoded octet.
class!(TARGET_PLAIN, b => TARGET[b as usize] && b != b'%');

// reg-name / IPv4address bytes without "%" (the fast path of is_authority).
class!(HOST_PLAIN, b => HOST[b as usize] && b != b'%');

// reason-phrase = 1*( HTAB / SP / VCHAR / obs-text )          (RFC 9112 §4)
class!(REASON, b => b == b'\t' || b == b' ' || (b >= 0x21 && b != 0x7f));

// qdtext = HTAB / SP / "!" / %x23-5B / %x5D-7E / obs-text      (RFC 9110 §5.6.4)
class!(QDTEXT, b => b == b'\t' || b == b' ' || b == 0x21 || (b >= 0x23 && b <= 0x5b) || (b >= 0x5d && b != 0x7f));

// reg-name / IPv4address / port bytes: unreserved / pct-encoded / sub-delims
// (RFC 3986 §3.2.2), plus ":" for the port separator.
class!(HOST, b => matches!(b,
    b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'%' |
    b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'='));

/// `true` if `b` is a tchar.
#[inline]
pub(crate) fn is_tchar(b: u8) -> bool {
    TCHAR[b as usize]
}

/// `true` if every byte is a tchar and there is at least one.
#[inline]
pub(crate) fn is_token(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(|&b| is_tchar(b))
}

/// `true` for optional whitespace bytes (SP / HTAB).
#[inline]
pub(crate) fn is_ows(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Strip OWS from both ends (RFC 9110 §5.6.3).
#[inline]
pub(crate) fn trim_ows(s: &[u8]) -> &[u8] {
    let start = s.iter().position(|&b| !is_ows(b)).unwrap_or(s.len());
    let end = s.iter().rposition(|&b| !is_ows(b)).map_or(start, |i| i + 1);
    &s[start..end]
}

/// Validate `uri-host [ ":" port ]` (RFC 9112 §3.2, RFC 3986 §3.2.2).
/// `require_port`: authority-form for CONNECT needs a non-empty host and port.
pub(crate) fn is_authority(s: &[u8], require_port: bool) -> bool {
    // Fast path: a reg-name or IPv4 address of plain bytes, and an optional
    // all-digit port, in one pass.
    if !require_port && !s.is_empty() {
        let host_len = s.iter().take_while(|&&b| HOST_PLAIN[b as usize]).count();
        match s.get(host_len) {
            None => return true,
            Some(b':') if s[host_len + 1..].iter().all(u8::is_ascii_digit) => return true,
            _ => {}
        }
    }
    let (host, port) = if let Some(rest) = s.strip_prefix(b"[") {
        // IP-literal = "[" ( IPv6address / IPvFuture ) "]"
        let Some(close) = rest.iter().position(|&b| b == b']') else {
            return false;
        };
        let inner = &rest[..close];
        if inner.is_empty()
            || !inner
                .iter()
                .all(|&b| b.is_ascii_hexdigit() || b == b':' || b == b'.' || (HOST[b as usize] && b != b'%'))
        {
            return false;
        }
        let after = &rest[close + 1..];
        match after {
            [] => (&s[..close + 2], None),
            [b':', port @ ..] => (&s[..close + 2], Some(port)),
            _ => return false,
        }
    } else {
        match memchr::memrchr(b':', s) {
            Some(i) => (&s[..i], Some(&s[i + 1..])),
            None => (s, None),
        }
    };
    if !host.starts_with(b"[") && !valid_reg_name(host) {
        return false;
    }
    match port {
        Some(p) => {
            if !p.iter().all(u8::is_ascii_digit) {
                return false;
            }
            if require_port {
                !host.is_empty() && !p.is_empty() && p.len() <= 5 && parse_port(p) <= 65535
            } else {
                true
            }
        }
        None => !require_port,
    }
}

fn parse_port(p: &[u8]) -> u32 {
    p.iter().fold(0u32, |acc, &d| acc * 10 + u32::from(d - b'0'))
}

fn valid_reg_name(host: &[u8]) -> bool {
    let mut i = 0;
    while i < host.len() {
        let b = host[i];
        if b == b'%' {
            // pct-encoded = "%" HEXDIG HEXDIG
            match host.get(i + 1..i + 3) {
                Some([a, c]) if a.is_ascii_hexdigit() && c.is_ascii_hexdigit() => i += 3,
                _ => return false,
            }
            continue;
        }
        if !HOST[b as usize] {
            return false;
        }
        i += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_class() {
        assert!(is_token(b"GET"));
        assert!(is_token(b"X-Custom_1~"));
        assert!(!is_token(b""));
        assert!(!is_token(b"a b"));
        assert!(!is_token(b"a:b"));
        assert!(!is_token(b"a\x7f"));
    }

    #[test]
    fn field_value_class() {
        assert!(FIELD_VALUE[b'\t' as usize]);
        assert!(FIELD_VALUE[0x80]);
        assert!(!FIELD_VALUE[0]);
        assert!(!FIELD_VALUE[b'\r' as usize]);
        assert!(!FIELD_VALUE[0x7f]);
    }

    #[test]
    fn authority() {
        assert!(is_authority(b"example.com", false));
        assert!(is_authority(b"example.com:8080", false));
        assert!(is_authority(b"", false));
        assert!(is_authority(b"[::1]:80", false));
        assert!(is_authority(b"a%20b", false));
        assert!(!is_authority(b"a%2", false));
        assert!(!is_authority(b"user@host", false));
        assert!(!is_authority(b"a b", false));
        assert!(!is_authority(b"a:b", false));
        assert!(is_authority(b"example.com:443", true));
        assert!(!is_authority(b"example.com", true));
        assert!(!is_authority(b":443", true));
        assert!(!is_authority(b"example.com:", true));
        assert!(!is_authority(b"example.com:99999", true));
        assert!(!is_authority(b"[::1", false));
    }

    #[test]
    fn trims_ows() {
        assert_eq!(trim_ows(b" \t a b \t"), b"a b");
        assert_eq!(trim_ows(b"   "), b"");
    }
}
