//! Message heads: [`Request`], [`Response`], [`Method`], [`Version`].
//!
//! A parsed head keeps views into the one [`Bytes`] it arrived in; a head
//! built by the application is validated when it is built, so the encoder
//! never emits CR, LF or NUL where they could split a message
//! (RFC 9112 §11.1).

use core::fmt;

use bytes::Bytes;

use crate::error::Error;
use crate::fields::{Fields, FieldsBuilder};
use crate::framing::HeadInfo;
use crate::parse::chars::{is_token, REASON};
use crate::parse::target::{classify_target, TargetForm};

/// The protocol version of a message (RFC 9112 §2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Version {
    /// HTTP/1.0: persistence is opt-in.
    Http10,
    /// HTTP/1.1 (and any other HTTP/1.x minor version, RFC 9112 §2.3).
    Http11,
}

impl Version {
    /// The wire form, `HTTP/1.0` or `HTTP/1.1`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Version::Http10 => "HTTP/1.0",
            Version::Http11 => "HTTP/1.1",
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, PartialEq, Eq, Hash)]
enum MethodRepr {
    Get,
    Head,
    Post,
    Put,
    Delete,
    Connect,
    Options,
    Trace,
    Patch,
    Other(Bytes),
}

/// A request method: a token, case-sensitive (RFC 9110 §9.1).
///
/// ```
/// use h1conn::Method;
/// assert!(Method::GET.is_idempotent());
/// assert!(!Method::POST.is_idempotent());
/// assert_eq!(Method::from_bytes(b"PURGE")?.as_bytes(), b"PURGE");
/// assert!(Method::from_bytes(b"GE T").is_err());
/// # Ok::<(), h1conn::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Method(MethodRepr);

impl Method {
    /// GET
    pub const GET: Method = Method(MethodRepr::Get);
    /// HEAD
    pub const HEAD: Method = Method(MethodRepr::Head);
    /// POST
    pub const POST: Method = Method(MethodRepr::Post);
    /// PUT
    pub const PUT: Method = Method(MethodRepr::Put);
    /// DELETE
    pub const DELETE: Method = Method(MethodRepr::Delete);
    /// CONNECT
    pub const CONNECT: Method = Method(MethodRepr::Connect);
    /// OPTIONS
    pub const OPTIONS: Method = Method(MethodRepr::Options);
    /// TRACE
    pub const TRACE: Method = Method(MethodRepr::Trace);
    /// PATCH
    pub const PATCH: Method = Method(MethodRepr::Patch);

    fn known(b: &[u8]) -> Option<Method> {
        Some(Method(match b {
            b"GET" => MethodRepr::Get,
            b"HEAD" => MethodRepr::Head,
            b"POST" => MethodRepr::Post,
            b"PUT" => MethodRepr::Put,
            b"DELETE" => MethodRepr::Delete,
            b"CONNECT" => MethodRepr::Connect,
            b"OPTIONS" => MethodRepr::Options,
            b"TRACE" => MethodRepr::Trace,
            b"PATCH" => MethodRepr::Patch,
            _ => return None,
        }))
    }

    /// A method from its bytes; an error unless they form a token.
    pub fn from_bytes(b: &[u8]) -> Result<Method, Error> {
        if !is_token(b) {
            return Err(Error::IllegalMethod);
        }
        Ok(Method::known(b).unwrap_or_else(|| Method(MethodRepr::Other(Bytes::copy_from_slice(b)))))
    }

    /// A method from a validated slice of a received head, without copying.
    pub(crate) fn from_head(head: &Bytes, b: &[u8]) -> Method {
        Method::known(b).unwrap_or_else(|| Method(MethodRepr::Other(head.slice_ref(b))))
    }

    /// The method's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        match &self.0 {
            MethodRepr::Get => b"GET",
            MethodRepr::Head => b"HEAD",
            MethodRepr::Post => b"POST",
            MethodRepr::Put => b"PUT",
            MethodRepr::Delete => b"DELETE",
            MethodRepr::Connect => b"CONNECT",
            MethodRepr::Options => b"OPTIONS",
            MethodRepr::Trace => b"TRACE",
            MethodRepr::Patch => b"PATCH",
            MethodRepr::Other(b) => b,
        }
    }

    /// Safe methods: GET, HEAD, OPTIONS, TRACE (RFC 9110 §9.2.1).
    pub fn is_safe(&self) -> bool {
        matches!(
            self.0,
            MethodRepr::Get | MethodRepr::Head | MethodRepr::Options | MethodRepr::Trace
        )
    }

    /// Idempotent methods: the safe ones plus PUT and DELETE
    /// (RFC 9110 §9.2.2). Only these are pipelined or retried automatically.
    pub fn is_idempotent(&self) -> bool {
        self.is_safe() || matches!(self.0, MethodRepr::Put | MethodRepr::Delete)
    }

    /// `true` for HEAD, whose responses carry no body (RFC 9112 §6.3).
    pub fn is_head(&self) -> bool {
        matches!(self.0, MethodRepr::Head)
    }

    /// `true` for CONNECT, whose 2xx responses open a tunnel (RFC 9110 §9.3.6).
    pub fn is_connect(&self) -> bool {
        matches!(self.0, MethodRepr::Connect)
    }
}

impl fmt::Debug for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A method is a token: ASCII only.
        for &b in self.as_bytes() {
            fmt::Write::write_char(f, char::from(b))?;
        }
        Ok(())
    }
}

/// A request head.
///
/// ```
/// use h1conn::{Method, Request};
/// let req = Request::builder(Method::GET, "/index.html")
///     .header("Host", "example.com")
///     .build()?;
/// assert_eq!(req.target(), b"/index.html");
/// assert_eq!(req.fields().get("host"), Some(&b"example.com"[..]));
/// # Ok::<(), h1conn::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Request {
    pub(crate) method: Method,
    pub(crate) target: Bytes,
    pub(crate) version: Version,
    pub(crate) fields: Fields,
    pub(crate) info: HeadInfo,
}

impl Request {
    /// Start building a request for `method` and `target`.
    pub fn builder(method: Method, target: impl AsRef<[u8]>) -> RequestBuilder {
        RequestBuilder {
            method,
            target: Bytes::copy_from_slice(target.as_ref()),
            version: Version::Http11,
            fields: FieldsBuilder::default(),
            error: None,
        }
    }

    /// The method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The request target, as sent.
    pub fn target(&self) -> &[u8] {
        &self.target
    }

    /// The request target as a zero-copy slice of the head.
    pub fn target_bytes(&self) -> &Bytes {
        &self.target
    }

    /// Which of the four forms the target takes (RFC 9112 §3.2).
    pub fn target_form(&self) -> TargetForm {
        classify_target(&self.target)
    }

    /// The protocol version.
    pub fn version(&self) -> Version {
        self.version
    }

    /// The header fields.
    pub fn fields(&self) -> &Fields {
        &self.fields
    }

    /// The declared Content-Length, if any.
    pub fn content_length(&self) -> Option<u64> {
        self.info.content_length
    }

    /// `true` if the body is chunked.
    pub fn is_chunked(&self) -> bool {
        self.info.te_chunked_final
    }

    /// `true` if the request carries `Expect: 100-continue` (RFC 9110 §10.1.1).
    pub fn expects_continue(&self) -> bool {
        self.info.expect_continue
    }

    /// `true` if the request offers a protocol upgrade (RFC 9110 §7.8).
    pub fn wants_upgrade(&self) -> bool {
        self.info.has_upgrade && self.info.conn_upgrade
    }

    /// Whether this request lets the connection carry another exchange:
    /// HTTP/1.1 unless `Connection: close`; HTTP/1.0 only with
    /// `Connection: keep-alive` (RFC 9112 §9.3).
    pub fn keep_alive(&self) -> bool {
        crate::persistence::message_keep_alive(self.version, &self.info, false)
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("target", &self.target)
            .field("version", &self.version)
            .field("fields", &self.fields)
            .finish()
    }
}

/// Builds a [`Request`], validating every part (errors are reported by
/// [`build`](RequestBuilder::build)).
#[derive(Debug)]
pub struct RequestBuilder {
    method: Method,
    target: Bytes,
    version: Version,
    fields: FieldsBuilder,
    error: Option<Error>,
}

impl RequestBuilder {
    /// Append a header field.
    pub fn header(mut self, name: impl AsRef<[u8]>, value: impl AsRef<[u8]>) -> Self {
        if self.error.is_none() {
            if let Err(e) = self.fields.append(name, value) {
                self.error = Some(e);
            }
        }
        self
    }

    /// Append every field of `fields`.
    pub fn fields(mut self, fields: &Fields) -> Self {
        self.fields.extend(fields);
        self
    }

    /// Set the version (HTTP/1.1 by default).
    pub fn version(mut self, v: Version) -> Self {
        self.version = v;
        self
    }

    /// Validate and finish.
    pub fn build(self) -> Result<Request, Error> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let target_ok = !self.target.is_empty()
            && self
                .target
                .iter()
                .all(|&b| crate::parse::chars::TARGET[b as usize])
            && crate::parse::target::check_form(&self.method, &self.target).is_ok();
        if !target_ok {
            return Err(Error::IllegalTarget);
        }
        let fields = self.fields.finish();
        let info = HeadInfo::from_fields(&fields, true).map_err(|_| Error::IllegalFraming)?;
        // A sender never combines Transfer-Encoding and Content-Length, nor
        // sends a coding list this crate could not frame (RFC 9112 §6.1, §6.2).
        crate::framing::framing_of(crate::framing::MessageKind::Request, self.version, &info)
            .map_err(|_| Error::IllegalFraming)?;
        Ok(Request {
            method: self.method,
            target: self.target,
            version: self.version,
            fields,
            info,
        })
    }
}

/// A response head (final or interim).
///
/// ```
/// use h1conn::Response;
/// let resp = Response::builder(200).header("Content-Length", "2").build()?;
/// assert_eq!(resp.status(), 200);
/// assert_eq!(resp.reason(), b"OK");
/// assert_eq!(resp.content_length(), Some(2));
/// # Ok::<(), h1conn::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Response {
    pub(crate) status: u16,
    pub(crate) reason: Bytes,
    pub(crate) version: Version,
    pub(crate) fields: Fields,
    pub(crate) info: HeadInfo,
}

impl Response {
    /// Start building a response with `status` and its canonical reason.
    pub fn builder(status: u16) -> ResponseBuilder {
        ResponseBuilder {
            status,
            reason: Bytes::from_static(canonical_reason(status).as_bytes()),
            version: Version::Http11,
            fields: FieldsBuilder::default(),
            error: None,
        }
    }

    /// The status code.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The reason phrase, as sent (clients ought to ignore it, RFC 9112 §4).
    pub fn reason(&self) -> &[u8] {
        &self.reason
    }

    /// The protocol version.
    pub fn version(&self) -> Version {
        self.version
    }

    /// The header fields.
    pub fn fields(&self) -> &Fields {
        &self.fields
    }

    /// `true` for 1xx responses.
    pub fn is_interim(&self) -> bool {
        (100..200).contains(&self.status)
    }

    /// The declared Content-Length, if any.
    pub fn content_length(&self) -> Option<u64> {
        self.info.content_length
    }

    /// `true` if Transfer-Encoding ends in chunked.
    pub fn is_chunked(&self) -> bool {
        self.info.te_chunked_final
    }

    /// Whether the head lets the connection carry another exchange, from
    /// its version and Connection tokens alone (framing is not known here:
    /// a close-delimited body never allows it, RFC 9112 §9.3).
    pub fn keep_alive(&self) -> bool {
        crate::persistence::message_keep_alive(self.version, &self.info, false)
    }

    /// The server's `Keep-Alive` hints (RFC 2068 §19.7.1, mission §4).
    pub fn keep_alive_hints(&self) -> crate::persistence::KeepAliveHints {
        if !self.info.has_keep_alive {
            // Known from the head scan: no walk over the fields.
            return crate::persistence::KeepAliveHints::default();
        }
        crate::persistence::KeepAliveHints::from_fields(&self.fields)
    }
}

impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("reason", &self.reason)
            .field("version", &self.version)
            .field("fields", &self.fields)
            .finish()
    }
}

/// Builds a [`Response`], validating every part.
#[derive(Debug)]
pub struct ResponseBuilder {
    status: u16,
    reason: Bytes,
    version: Version,
    fields: FieldsBuilder,
    error: Option<Error>,
}

impl ResponseBuilder {
    /// Append a header field.
    pub fn header(mut self, name: impl AsRef<[u8]>, value: impl AsRef<[u8]>) -> Self {
        if self.error.is_none() {
            if let Err(e) = self.fields.append(name, value) {
                self.error = Some(e);
            }
        }
        self
    }

    /// Append every field of `fields`.
    pub fn fields(mut self, fields: &Fields) -> Self {
        self.fields.extend(fields);
        self
    }

    /// Replace the reason phrase.
    pub fn reason(mut self, reason: impl AsRef<[u8]>) -> Self {
        self.reason = Bytes::copy_from_slice(reason.as_ref());
        self
    }

    /// Set the version (HTTP/1.1 by default).
    pub fn version(mut self, v: Version) -> Self {
        self.version = v;
        self
    }

    /// Validate and finish.
    pub fn build(self) -> Result<Response, Error> {
        if let Some(e) = self.error {
            return Err(e);
        }
        if !(100..=599).contains(&self.status) {
            return Err(Error::IllegalStatus);
        }
        if !self.reason.iter().all(|&b| REASON[b as usize]) {
            return Err(Error::IllegalReason);
        }
        let fields = self.fields.finish();
        let info = HeadInfo::from_fields(&fields, false).map_err(|_| Error::IllegalFraming)?;
        if info.te_present && info.content_length.is_some() {
            // RFC 9112 §6.2: never both.
            return Err(Error::IllegalFraming);
        }
        Ok(Response {
            status: self.status,
            reason: self.reason,
            version: self.version,
            fields,
            info,
        })
    }
}

/// The reason phrase RFC 9110 §15 gives a status code ("" if none).
pub fn canonical_reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        101 => "Switching Protocols",
        103 => "Early Hints",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        203 => "Non-Authoritative Information",
        204 => "No Content",
        205 => "Reset Content",
        206 => "Partial Content",
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Content Too Large",
        414 => "URI Too Long",
        415 => "Unsupported Media Type",
        416 => "Range Not Satisfiable",
        417 => "Expectation Failed",
        421 => "Misdirected Request",
        422 => "Unprocessable Content",
        426 => "Upgrade Required",
        428 => "Precondition Required",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}
