//! Conversions between h1conn's heads and the `http` crate's types (the
//! `http` feature).
//!
//! Only heads convert: [`Request`] ⇄ `http::Request<()>` and [`Response`] ⇄
//! `http::Response<()>` (from `http` types with any body, which is left
//! behind). Body bytes keep flowing through
//! [`Connection::send_data`](crate::Connection::send_data) and
//! [`Event::Data`](crate::Event::Data). Field values convert without
//! copying where `http` allows it, and the field order is kept.
//!
//! ```
//! use h1conn::{Method, Request, Response};
//!
//! let ours = Request::builder(Method::GET, "/a?b=1").header("Host", "example.com").build()?;
//! let theirs = http::Request::<()>::try_from(&ours)?;
//! assert_eq!(theirs.uri(), "/a?b=1");
//! assert_eq!(theirs.headers()["host"], "example.com");
//!
//! let answer = http::Response::builder().status(404).header("Content-Length", "0").body(())?;
//! let back = Response::try_from(&answer)?;
//! assert_eq!(back.status(), 404);
//! assert_eq!(back.content_length(), Some(0));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! What does not carry over: a reason phrase other than the canonical one
//! (`http` has none), and versions other than HTTP/1.0 and HTTP/1.1
//! ([`ConvertError::Version`]).

use core::fmt;

use bytes::Bytes;

use crate::message::{Method, Request, Response, Version};

/// Why a head did not convert.
#[derive(Debug)]
#[non_exhaustive]
pub enum ConvertError {
    /// The version has no HTTP/1.x wire form (HTTP/0.9, HTTP/2, HTTP/3).
    Version(http::Version),
    /// h1conn refused a part (see [`Error`](crate::Error): a method,
    /// target, field, status or framing it will not send).
    Head(crate::Error),
    /// `http` refused a part (a method, URI, field name or value).
    Http(http::Error),
}

impl fmt::Display for ConvertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConvertError::Version(v) => write!(f, "{v:?} has no HTTP/1.x form"),
            ConvertError::Head(e) => write!(f, "h1conn refused the head: {e}"),
            ConvertError::Http(e) => write!(f, "http refused the head: {e}"),
        }
    }
}

impl std::error::Error for ConvertError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ConvertError::Version(_) => None,
            ConvertError::Head(e) => Some(e),
            ConvertError::Http(e) => Some(e),
        }
    }
}

impl From<crate::Error> for ConvertError {
    fn from(e: crate::Error) -> Self {
        ConvertError::Head(e)
    }
}

macro_rules! from_http_errors {
    ($($t:ty),*) => {$(
        impl From<$t> for ConvertError {
            fn from(e: $t) -> Self {
                ConvertError::Http(e.into())
            }
        }
    )*};
}

from_http_errors!(
    http::Error,
    http::method::InvalidMethod,
    http::uri::InvalidUri,
    http::header::InvalidHeaderName,
    http::header::InvalidHeaderValue,
    http::status::InvalidStatusCode
);

fn to_http_version(v: Version) -> http::Version {
    match v {
        Version::Http10 => http::Version::HTTP_10,
        Version::Http11 => http::Version::HTTP_11,
    }
}

fn from_http_version(v: http::Version) -> Result<Version, ConvertError> {
    match v {
        http::Version::HTTP_10 => Ok(Version::Http10),
        http::Version::HTTP_11 => Ok(Version::Http11),
        other => Err(ConvertError::Version(other)),
    }
}

fn copy_fields(from: &crate::Fields, to: &mut http::HeaderMap) -> Result<(), ConvertError> {
    to.reserve(from.len());
    for (name, value) in from.iter_bytes() {
        let name = http::HeaderName::from_bytes(&name)?;
        // A `Bytes` slice of the head: no copy.
        let value = http::HeaderValue::from_maybe_shared(value)?;
        to.append(name, value);
    }
    Ok(())
}

impl TryFrom<&Request> for http::Request<()> {
    type Error = ConvertError;

    /// The head as an `http::Request<()>`: method, target (as the URI),
    /// version and every field in order.
    fn try_from(req: &Request) -> Result<Self, ConvertError> {
        let mut out = http::Request::new(());
        *out.method_mut() = http::Method::from_bytes(req.method().as_bytes())?;
        *out.uri_mut() = http::Uri::from_maybe_shared(req.target_bytes().clone())?;
        *out.version_mut() = to_http_version(req.version());
        copy_fields(req.fields(), out.headers_mut())?;
        Ok(out)
    }
}

impl<T> TryFrom<&http::Request<T>> for Request {
    type Error = ConvertError;

    /// A request head from an `http::Request` (its body is not touched).
    /// The target is the URI as given: origin-form for `/path?query`,
    /// absolute-form when it has a scheme, authority-form for CONNECT,
    /// `*` for a server-wide OPTIONS.
    fn try_from(req: &http::Request<T>) -> Result<Self, ConvertError> {
        let uri = req.uri();
        let method = Method::from_bytes(req.method().as_str().as_bytes())?;
        let target: Bytes = match (uri.scheme(), uri.path_and_query(), uri.authority()) {
            (Some(_), _, _) => Bytes::from(uri.to_string()),
            (None, Some(pq), _) => Bytes::copy_from_slice(pq.as_str().as_bytes()),
            (None, None, Some(a)) => Bytes::copy_from_slice(a.as_str().as_bytes()),
            (None, None, None) => Bytes::from_static(b"/"),
        };
        let mut b = Request::builder(method, target).version(from_http_version(req.version())?);
        for (name, value) in req.headers() {
            b = b.header(name.as_str(), value.as_bytes());
        }
        Ok(b.build()?)
    }
}

impl TryFrom<&Response> for http::Response<()> {
    type Error = ConvertError;

    /// The head as an `http::Response<()>`: status, version and every field
    /// in order (the reason phrase is not carried).
    fn try_from(resp: &Response) -> Result<Self, ConvertError> {
        let mut out = http::Response::new(());
        *out.status_mut() = http::StatusCode::from_u16(resp.status())?;
        *out.version_mut() = to_http_version(resp.version());
        copy_fields(resp.fields(), out.headers_mut())?;
        Ok(out)
    }
}

impl<T> TryFrom<&http::Response<T>> for Response {
    type Error = ConvertError;

    /// A response head from an `http::Response` (its body is not touched),
    /// with the status code's canonical reason phrase.
    fn try_from(resp: &http::Response<T>) -> Result<Self, ConvertError> {
        let mut b = Response::builder(resp.status().as_u16()).version(from_http_version(resp.version())?);
        for (name, value) in resp.headers() {
            b = b.header(name.as_str(), value.as_bytes());
        }
        Ok(b.build()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Decoded, Decoder, Limits, Role};
    use bytes::BytesMut;

    fn parse_request(wire: &[u8]) -> Request {
        let mut dec = Decoder::new(Role::Server, Limits::default());
        match dec.decode(&mut BytesMut::from(wire)) {
            Ok(Some(Decoded::Request(r))) => r,
            other => panic!("not a request: {other:?}"),
        }
    }

    #[test]
    fn parsed_request_round_trips_through_http() {
        let ours = parse_request(
            b"POST /up?x=1 HTTP/1.0\r\nHost: a\r\nX-Tag: one\r\nx-tag: two\r\nContent-Length: 0\r\n\r\n",
        );
        let theirs = http::Request::<()>::try_from(&ours).unwrap();
        assert_eq!(theirs.method(), http::Method::POST);
        assert_eq!(theirs.uri(), "/up?x=1");
        assert_eq!(theirs.version(), http::Version::HTTP_10);
        let tags: Vec<_> = theirs.headers().get_all("x-tag").iter().collect();
        assert_eq!(tags, ["one", "two"]);
        let back = Request::try_from(&theirs).unwrap();
        assert_eq!(back.method(), &Method::POST);
        assert_eq!(back.target(), b"/up?x=1");
        assert_eq!(back.version(), Version::Http10);
        assert_eq!(back.fields().get_all(b"x-tag").count(), 2);
        assert_eq!(back.content_length(), Some(0));
    }

    #[test]
    fn target_forms_convert() {
        for (method, target) in [
            (http::Method::GET, "http://example.com/p?q"),
            (http::Method::CONNECT, "example.com:443"),
            (http::Method::OPTIONS, "*"),
            (http::Method::GET, "/"),
        ] {
            let theirs = http::Request::builder()
                .method(method)
                .uri(target)
                .body(())
                .unwrap();
            let ours = Request::try_from(&theirs).unwrap();
            assert_eq!(ours.target(), target.as_bytes());
            let again = http::Request::<()>::try_from(&ours).unwrap();
            assert_eq!(again.uri(), theirs.uri());
        }
    }

    #[test]
    fn response_round_trips_and_framing_is_checked() {
        let theirs = http::Response::builder()
            .status(206)
            .header("Content-Length", "3")
            .header("ETag", "\"x\"")
            .body(())
            .unwrap();
        let ours = Response::try_from(&theirs).unwrap();
        assert_eq!((ours.status(), ours.reason()), (206, &b"Partial Content"[..]));
        assert_eq!(ours.content_length(), Some(3));
        let again = http::Response::<()>::try_from(&ours).unwrap();
        assert_eq!(again.status(), 206);
        assert_eq!(again.headers()["etag"], "\"x\"");

        let conflicting = http::Response::builder()
            .header("Content-Length", "3")
            .header("Content-Length", "4")
            .body(())
            .unwrap();
        assert!(matches!(
            Response::try_from(&conflicting),
            Err(ConvertError::Head(crate::Error::IllegalFraming))
        ));
    }

    #[test]
    fn versions_without_http1_form_are_refused() {
        let h2 = http::Response::builder()
            .version(http::Version::HTTP_2)
            .body(())
            .unwrap();
        assert!(matches!(Response::try_from(&h2), Err(ConvertError::Version(_))));
        let h09 = http::Request::builder()
            .version(http::Version::HTTP_09)
            .body(())
            .unwrap();
        assert!(matches!(Request::try_from(&h09), Err(ConvertError::Version(_))));
    }
}
