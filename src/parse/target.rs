//! Request-target forms (RFC 9112 §3.2) and their fit with the method.

use crate::error::Error;
use crate::message::Method;
use crate::parse::chars::is_authority;

/// The four forms of request-target (RFC 9112 §3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TargetForm {
    /// `/path?query` (§3.2.1): the usual form for requests to an origin.
    Origin,
    /// `scheme://authority/path` (§3.2.2): requests to a proxy.
    Absolute,
    /// `host:port` (§3.2.3): CONNECT only.
    Authority,
    /// `*` (§3.2.4): server-wide OPTIONS only.
    Asterisk,
}

/// Which form `target` has, judged by its shape alone. A target that is
/// none of the others is treated as authority-form.
pub(crate) fn classify_target(target: &[u8]) -> TargetForm {
    match target {
        b"*" => TargetForm::Asterisk,
        [b'/', ..] => TargetForm::Origin,
        _ if has_scheme(target) && !is_authority(target, true) => TargetForm::Absolute,
        _ => TargetForm::Authority,
    }
}

/// `scheme ":"` with scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
/// (RFC 3986 §3.1), followed by at least one byte.
fn has_scheme(t: &[u8]) -> bool {
    let Some(colon) = memchr::memchr(b':', t) else {
        return false;
    };
    let scheme = &t[..colon];
    colon + 1 < t.len()
        && scheme.first().is_some_and(u8::is_ascii_alphabetic)
        && scheme
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
}

/// Check that `target` (already known to hold only visible ASCII) has a
/// form the method allows: CONNECT takes authority-form only (§3.2.3),
/// `*` goes with OPTIONS only (§3.2.4), every other request takes
/// origin-form or absolute-form (§3.2.1, §3.2.2).
pub(crate) fn check_form(method: &Method, target: &[u8]) -> Result<(), Error> {
    check_form_bytes(method.as_bytes(), target)
}

/// [`check_form`] on the method's bytes (methods are case-sensitive).
pub(crate) fn check_form_bytes(method: &[u8], target: &[u8]) -> Result<(), Error> {
    check_percent(target)?;
    check_shape(method, target)
}

/// [`check_form_bytes`] for a target whose `%`-escapes are already checked
/// (the head scanner checks them in its pass over the target's bytes).
pub(crate) fn check_shape(method: &[u8], target: &[u8]) -> Result<(), Error> {
    if target[..] != b"*"[..] && target.first() == Some(&b'/') && method != b"CONNECT" {
        return Ok(()); // origin-form, the common case
    }
    if method == b"CONNECT" {
        return if is_authority(target, true) {
            Ok(())
        } else if target.starts_with(b"/") || target == b"*" || has_scheme(target) {
            Err(Error::TargetFormMismatch)
        } else {
            Err(Error::InvalidTarget)
        };
    }
    match target {
        b"*" if method == b"OPTIONS" => Ok(()),
        b"*" => Err(Error::TargetFormMismatch),
        [b'/', ..] => Ok(()),
        _ if is_authority(target, true) => Err(Error::TargetFormMismatch),
        _ if has_scheme(target) => check_http_authority(target),
        _ => Err(Error::InvalidTarget),
    }
}

/// Every "%" starts a pct-encoded octet: "%" HEXDIG HEXDIG (RFC 3986 §2.1).
fn check_percent(target: &[u8]) -> Result<(), Error> {
    let mut rest = target;
    while let Some(i) = memchr::memchr(b'%', rest) {
        match rest.get(i + 1..i + 3) {
            Some([a, b]) if a.is_ascii_hexdigit() && b.is_ascii_hexdigit() => rest = &rest[i + 3..],
            _ => return Err(Error::InvalidTarget),
        }
    }
    Ok(())
}

/// An `http` or `https` absolute-form target has `//`, a non-empty host,
/// an optional numeric port, and no userinfo (RFC 9110 §4.2.1, §4.2.4).
/// Other schemes are checked by the generic grammar only.
fn check_http_authority(target: &[u8]) -> Result<(), Error> {
    let Some(colon) = memchr::memchr(b':', target) else {
        return Err(Error::InvalidTarget);
    };
    let scheme = &target[..colon];
    if !scheme.eq_ignore_ascii_case(b"http") && !scheme.eq_ignore_ascii_case(b"https") {
        return Ok(());
    }
    let Some(rest) = target[colon + 1..].strip_prefix(b"//") else {
        return Err(Error::InvalidTarget);
    };
    let end = rest
        .iter()
        .position(|&b| b == b'/' || b == b'?')
        .unwrap_or(rest.len());
    let authority = &rest[..end];
    let host_empty = authority.is_empty() || authority.starts_with(b":");
    if host_empty || authority.contains(&b'@') || !is_authority(authority, false) {
        return Err(Error::InvalidTarget);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert_eq!(classify_target(b"/a?b"), TargetForm::Origin);
        assert_eq!(classify_target(b"http://a/b"), TargetForm::Absolute);
        assert_eq!(classify_target(b"a.example:443"), TargetForm::Authority);
        assert_eq!(classify_target(b"*"), TargetForm::Asterisk);
    }

    #[test]
    fn form_fits_method() {
        assert!(check_form(&Method::GET, b"/").is_ok());
        assert!(check_form(&Method::GET, b"http://a/").is_ok());
        assert_eq!(check_form(&Method::GET, b"*"), Err(Error::TargetFormMismatch));
        assert!(check_form(&Method::OPTIONS, b"*").is_ok());
        assert!(check_form(&Method::CONNECT, b"a.example:443").is_ok());
        assert_eq!(check_form(&Method::CONNECT, b"/"), Err(Error::TargetFormMismatch));
        assert_eq!(
            check_form(&Method::CONNECT, b"a.example"),
            Err(Error::InvalidTarget)
        );
        assert_eq!(
            check_form(&Method::GET, b"a.example:443"),
            Err(Error::TargetFormMismatch)
        );
        assert_eq!(check_form(&Method::GET, b"index.html"), Err(Error::InvalidTarget));
    }

    #[test]
    fn percent_encoding_and_http_authority() {
        assert!(check_form(&Method::GET, b"/a%20b?c=%7E").is_ok());
        assert_eq!(check_form(&Method::GET, b"/a%2"), Err(Error::InvalidTarget));
        assert_eq!(check_form(&Method::GET, b"/a%zz"), Err(Error::InvalidTarget));
        assert!(check_form(&Method::GET, b"http://example.com:8080/x?y").is_ok());
        assert!(check_form(&Method::GET, b"HTTP://[::1]/").is_ok());
        assert!(check_form(&Method::GET, b"http://example.com").is_ok());
        assert_eq!(
            check_form(&Method::GET, b"http://exam\"ple.com/x"),
            Err(Error::InvalidTarget)
        );
        assert_eq!(
            check_form(&Method::GET, b"http://example.com:8a/"),
            Err(Error::InvalidTarget)
        );
        assert_eq!(
            check_form(&Method::GET, b"http://user@example.com/"),
            Err(Error::InvalidTarget)
        );
        assert_eq!(check_form(&Method::GET, b"http:///x"), Err(Error::InvalidTarget));
        assert_eq!(check_form(&Method::GET, b"http:/x"), Err(Error::InvalidTarget));
        assert!(check_form(&Method::GET, b"urn:example:thing").is_ok());
    }
}
