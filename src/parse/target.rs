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
        _ if has_scheme(target) => Ok(()),
        _ => Err(Error::InvalidTarget),
    }
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
}
