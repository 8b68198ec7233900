//! Errors: one enum, a stable kind per variant, the side it came from and,
//! for errors in a request, the status a server should answer with.
//!
//! Remote errors mean the peer's bytes broke RFC 9112 / RFC 9110; the
//! connection is not usable after one (h11's sticky error state). Local
//! errors mean the application asked for something the protocol forbids;
//! the machine refuses the call and stays as it was.

use core::fmt;

/// Where an error came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// The peer sent bytes that break the protocol.
    Remote,
    /// The application misused the machine or asked for invalid output.
    Local,
}

macro_rules! errors {
    ($(
        $(#[$doc:meta])*
        $variant:ident => ($kind:literal, $side:ident, $status:expr, $msg:literal),
    )*) => {
        /// Every way a message or a connection can fail.
        ///
        /// Each variant has a stable snake_case [`kind`](Error::kind) (the
        /// trace driver prints it), a [`Display`](fmt::Display) message that
        /// names the rule and its RFC section, a [`side`](Error::side), and,
        /// for remote errors found in a request, the [`status`](Error::status)
        /// a server should answer with before it closes.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Error {
            $( $(#[$doc])* $variant, )*
        }

        impl Error {
            /// A stable snake_case name for this error, fit for logs, metrics
            /// and machine comparison.
            pub const fn kind(&self) -> &'static str {
                match self { $( Error::$variant => $kind, )* }
            }

            /// Whether the peer or the application caused this error.
            pub const fn side(&self) -> Side {
                match self { $( Error::$variant => Side::$side, )* }
            }

            /// The status code a server should answer with when this error
            /// was found in a request (400, 413, 414, 431, 501 or 505).
            ///
            /// `None` for local errors and for failures that leave nothing to
            /// answer (a peer that went away mid-message, a response that
            /// broke the rules).
            pub const fn status(&self) -> Option<u16> {
                match self { $( Error::$variant => $status, )* }
            }

            /// A human sentence naming the rule that was broken.
            pub const fn message(&self) -> &'static str {
                match self { $( Error::$variant => $msg, )* }
            }

            /// Every variant, for tables, tests and documentation.
            pub const ALL: &'static [Error] = &[ $( Error::$variant, )* ];
        }
    };
}

const BAD: Option<u16> = Some(400);
const NONE: Option<u16> = None;

errors! {
    // ---- start line (RFC 9112 §3, §4) ----
    /// The request line is not `method SP request-target SP HTTP-version`.
    InvalidRequestLine => ("invalid_request_line", Remote, BAD,
        "request line is not `method SP request-target SP HTTP-version` (RFC 9112 §3)"),
    /// The method is not a token.
    InvalidMethod => ("invalid_method", Remote, BAD,
        "method is not a token (RFC 9112 §3.1, RFC 9110 §9.1)"),
    /// The request target holds a byte outside visible ASCII, or a fragment.
    InvalidTarget => ("invalid_target", Remote, BAD,
        "request-target holds a control byte, space, DEL, a byte above 0x7E or a fragment (RFC 9112 §3.2)"),
    /// The request target's form does not fit the method (`*` outside
    /// OPTIONS, CONNECT without authority-form, authority-form elsewhere).
    TargetFormMismatch => ("target_form_mismatch", Remote, BAD,
        "request-target form does not fit the method: authority-form only for CONNECT, asterisk-form only for OPTIONS (RFC 9112 §3.2)"),
    /// The request line is longer than the configured limit.
    RequestLineTooLong => ("request_line_too_long", Remote, Some(414),
        "request line exceeds the configured limit (RFC 9112 §3, RFC 9110 §15.5.15)"),
    /// The protocol version is malformed.
    InvalidVersion => ("invalid_version", Remote, Some(505),
        "protocol version is not `HTTP/` DIGIT `.` DIGIT (RFC 9112 §2.3)"),
    /// The protocol version is well formed but its major version is not 1.
    UnsupportedVersion => ("unsupported_version", Remote, Some(505),
        "HTTP major version other than 1 (RFC 9112 §2.3, RFC 9110 §15.6.6)"),
    /// The status line is not `HTTP-version SP status-code SP reason`.
    InvalidStatusLine => ("invalid_status_line", Remote, NONE,
        "status line is not `HTTP-version SP status-code SP reason-phrase` (RFC 9112 §4)"),
    /// The status code is not three digits in 100..=599.
    InvalidStatus => ("invalid_status", Remote, NONE,
        "status code is not three digits between 100 and 599 (RFC 9112 §4, RFC 9110 §15)"),
    /// The status line is longer than the configured limit.
    StatusLineTooLong => ("status_line_too_long", Remote, NONE,
        "status line exceeds the configured limit (RFC 9112 §4)"),
    /// A response arrived while no request was outstanding.
    UnexpectedResponse => ("unexpected_response", Remote, NONE,
        "response received with no request outstanding (RFC 9112 §9.3)"),

    // ---- line structure (RFC 9112 §2.2) ----
    /// A line ends in LF without CR.
    BareLf => ("bare_lf", Remote, BAD,
        "line ends in a bare LF instead of CRLF (RFC 9112 §2.2)"),
    /// A CR not followed by LF.
    BareCr => ("bare_cr", Remote, BAD,
        "bare CR not followed by LF (RFC 9112 §2.2)"),
    /// Whitespace at the start of the first field line.
    WhitespaceAfterStartLine => ("whitespace_after_start_line", Remote, BAD,
        "whitespace between the start line and the first field line (RFC 9112 §2.2)"),

    // ---- fields (RFC 9112 §5, RFC 9110 §5) ----
    /// A field line without a colon.
    MissingColon => ("missing_colon", Remote, BAD,
        "field line has no colon (RFC 9112 §5)"),
    /// A field name that is empty or not a token.
    InvalidFieldName => ("invalid_field_name", Remote, BAD,
        "field name is empty or not a token (RFC 9112 §5, RFC 9110 §5.1)"),
    /// Whitespace between a field name and its colon.
    WhitespaceBeforeColon => ("whitespace_before_colon", Remote, BAD,
        "whitespace between field name and colon (RFC 9112 §5.1)"),
    /// A field value with NUL, a control byte other than HTAB, or DEL.
    InvalidFieldValue => ("invalid_field_value", Remote, BAD,
        "field value holds NUL, DEL or a control byte other than HTAB (RFC 9110 §5.5)"),
    /// A field line folded onto the next line (obs-fold).
    ObsFold => ("obs_fold", Remote, BAD,
        "obsolete line folding (obs-fold) is not accepted (RFC 9112 §5.2)"),
    /// One field line longer than the configured limit.
    FieldLineTooLong => ("field_line_too_long", Remote, Some(431),
        "field line exceeds the configured limit (RFC 6585 §5)"),
    /// The whole head is larger than the configured limit.
    HeadTooLarge => ("head_too_large", Remote, Some(431),
        "message head exceeds the configured size limit (RFC 6585 §5)"),
    /// More field lines than the configured limit.
    TooManyFields => ("too_many_fields", Remote, Some(431),
        "message head has more field lines than the configured limit (RFC 6585 §5)"),

    // ---- Host (RFC 9112 §3.2) ----
    /// An HTTP/1.1 request without Host.
    MissingHost => ("missing_host", Remote, BAD,
        "HTTP/1.1 request without a Host field (RFC 9112 §3.2)"),
    /// A request with more than one Host field line.
    DuplicateHost => ("duplicate_host", Remote, BAD,
        "request with more than one Host field line (RFC 9112 §3.2)"),
    /// A Host value that is not `uri-host [ ":" port ]`.
    InvalidHost => ("invalid_host", Remote, BAD,
        "Host value is not `uri-host [ \":\" port ]` (RFC 9112 §3.2, RFC 9110 §7.2)"),

    // ---- framing (RFC 9112 §6) ----
    /// A Content-Length value that is not a plain decimal number.
    InvalidContentLength => ("invalid_content_length", Remote, BAD,
        "Content-Length is not 1*DIGIT within 64 bits (RFC 9112 §6.3, RFC 9110 §8.6)"),
    /// More than one Content-Length value, even when equal.
    DuplicateContentLength => ("duplicate_content_length", Remote, BAD,
        "more than one Content-Length value; equal duplicates are refused too (RFC 9112 §6.3)"),
    /// Both Transfer-Encoding and Content-Length.
    ContentLengthWithTransferEncoding => ("content_length_with_transfer_encoding", Remote, BAD,
        "message has both Transfer-Encoding and Content-Length (RFC 9112 §6.1, §6.3, §11.2)"),
    /// Transfer-Encoding in an HTTP/1.0 message.
    TransferEncodingInHttp10 => ("transfer_encoding_in_http10", Remote, BAD,
        "Transfer-Encoding in an HTTP/1.0 message makes its framing faulty (RFC 9112 §6.1)"),
    /// A Transfer-Encoding value that is not a list of transfer codings.
    InvalidTransferEncoding => ("invalid_transfer_encoding", Remote, BAD,
        "Transfer-Encoding is not a list of transfer-codings, or chunked has parameters (RFC 9112 §6.1, §7)"),
    /// A request whose Transfer-Encoding does not end in chunked.
    ChunkedNotFinal => ("chunked_not_final", Remote, BAD,
        "request Transfer-Encoding does not end in chunked (RFC 9112 §6.3)"),
    /// chunked applied more than once.
    ChunkedTwice => ("chunked_twice", Remote, BAD,
        "chunked transfer coding applied more than once (RFC 9112 §7)"),
    /// A request with a transfer coding other than chunked.
    UnsupportedTransferCoding => ("unsupported_transfer_coding", Remote, Some(501),
        "request uses a transfer coding other than chunked (RFC 9112 §6.1)"),
    /// A Connection value that is not a list of tokens.
    InvalidConnection => ("invalid_connection", Remote, BAD,
        "Connection is not a comma-separated list of tokens (RFC 9110 §7.6.1)"),
    /// A body longer than the configured limit.
    ContentTooLarge => ("content_too_large", Remote, Some(413),
        "message body exceeds the configured limit (RFC 9110 §15.5.14)"),

    // ---- chunked (RFC 9112 §7.1) ----
    /// A chunk-size that is not hexadecimal.
    InvalidChunkSize => ("invalid_chunk_size", Remote, BAD,
        "chunk-size is not 1*HEXDIG followed by extensions and CRLF (RFC 9112 §7.1)"),
    /// A chunk-size that does not fit in 64 bits.
    ChunkSizeOverflow => ("chunk_size_overflow", Remote, BAD,
        "chunk-size does not fit in 64 bits (RFC 9112 §7.1)"),
    /// A malformed chunk extension.
    InvalidChunkExtension => ("invalid_chunk_extension", Remote, BAD,
        "chunk extension is not `;` token [ `=` token / quoted-string ] (RFC 9112 §7.1.1)"),
    /// A chunk-size line or its extensions longer than the configured limit.
    ChunkLineTooLong => ("chunk_line_too_long", Remote, BAD,
        "chunk-size line or its extensions exceed the configured limit (RFC 9112 §7.1.1)"),
    /// Chunk data not followed by CRLF.
    InvalidChunkDataEnd => ("invalid_chunk_data_end", Remote, BAD,
        "chunk data is not followed by CRLF (RFC 9112 §7.1)"),
    /// The trailer section is larger than the configured limit.
    TrailersTooLarge => ("trailers_too_large", Remote, Some(431),
        "trailer section exceeds the configured limit (RFC 9112 §7.1.2)"),

    // ---- the peer went away (RFC 9112 §8) ----
    /// The connection ended in the middle of a head.
    TruncatedHead => ("truncated_head", Remote, NONE,
        "connection closed in the middle of a message head (RFC 9112 §8)"),
    /// The connection ended before Content-Length bytes arrived.
    TruncatedBody => ("truncated_body", Remote, NONE,
        "connection closed before the Content-Length body was complete (RFC 9112 §8)"),
    /// The connection ended before the last chunk and trailer section.
    TruncatedChunkedBody => ("truncated_chunked_body", Remote, NONE,
        "connection closed before the last chunk of a chunked body (RFC 9112 §8)"),
    /// The peer reset the connection, or the driver reported it lost.
    ConnectionReset => ("connection_reset", Remote, NONE,
        "the connection was reset or lost (RFC 9112 §9.6)"),
    /// A timer expired: the peer was too slow.
    TimedOut => ("timed_out", Remote, NONE,
        "the peer did not complete in time (RFC 9112 §9.5)"),
    /// A 101 answered a request that offered no upgrade, or named no protocol.
    UnexpectedSwitch => ("unexpected_switch", Remote, NONE,
        "101 Switching Protocols without an Upgrade field, or for a request that offered none (RFC 9110 §7.8, §15.2.2)"),

    // ---- local: the application asked for invalid output ----
    /// The application gave a field name that is not a token.
    IllegalFieldName => ("illegal_field_name", Local, NONE,
        "refusing to send a field name that is not a token (RFC 9110 §5.1)"),
    /// The application gave a field value with CR, LF, NUL or another control byte.
    IllegalFieldValue => ("illegal_field_value", Local, NONE,
        "refusing to send a field value with CR, LF, NUL or a control byte (RFC 9110 §5.5)"),
    /// The application gave a method that is not a token.
    IllegalMethod => ("illegal_method", Local, NONE,
        "refusing to send a method that is not a token (RFC 9110 §9.1)"),
    /// The application gave a request target with forbidden bytes or the wrong form.
    IllegalTarget => ("illegal_target", Local, NONE,
        "refusing to send a request-target with forbidden bytes or the wrong form (RFC 9112 §3.2)"),
    /// The application gave a reason phrase with CR, LF or NUL.
    IllegalReason => ("illegal_reason", Local, NONE,
        "refusing to send a reason phrase with CR, LF or a control byte (RFC 9112 §4)"),
    /// The application gave a status outside 100..=599.
    IllegalStatus => ("illegal_status", Local, NONE,
        "refusing to send a status code outside 100..=599 (RFC 9110 §15)"),
    /// The application set conflicting or malformed framing fields.
    IllegalFraming => ("illegal_framing", Local, NONE,
        "refusing to send a head with malformed or conflicting Content-Length / Transfer-Encoding (RFC 9112 §6)"),
    /// The application sent more body bytes than its Content-Length.
    BodyTooLong => ("body_too_long", Local, NONE,
        "body longer than its declared Content-Length (RFC 9112 §6.2)"),
    /// The application ended a body before its Content-Length was reached.
    BodyTooShort => ("body_too_short", Local, NONE,
        "body ended before its declared Content-Length (RFC 9112 §6.2)"),
    /// The application sent body bytes for a message that cannot have any.
    BodyNotAllowed => ("body_not_allowed", Local, NONE,
        "message cannot carry a body: HEAD response, 1xx, 204, 304 (RFC 9112 §6.3)"),
    /// The application sent trailers on a body that is not chunked.
    TrailersNotAllowed => ("trailers_not_allowed", Local, NONE,
        "trailer fields need the chunked transfer coding (RFC 9112 §7.1.2)"),
    /// The call does not fit the connection's current state.
    InvalidState => ("invalid_state", Local, NONE,
        "the call does not fit the connection's current state"),
    /// A request after this connection sent or received `close`.
    ConnectionClosing => ("connection_closing", Local, NONE,
        "no further request may be sent on a connection that is closing (RFC 9112 §9.6)"),
}

impl Error {
    /// `true` when the peer caused this error.
    pub const fn is_remote(&self) -> bool {
        matches!(self.side(), Side::Remote)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl core::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::collections::BTreeSet;

    #[test]
    fn kinds_are_unique_snake_case() {
        let mut seen = BTreeSet::new();
        for e in Error::ALL {
            let k = e.kind();
            assert!(seen.insert(k), "duplicate kind {k}");
            assert!(k
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'));
            assert!(!e.message().is_empty());
        }
    }

    #[test]
    fn local_errors_have_no_status() {
        for e in Error::ALL {
            if e.side() == Side::Local {
                assert_eq!(e.status(), None, "{e:?}");
            }
        }
    }

    #[test]
    fn statuses_are_the_documented_set() {
        for e in Error::ALL {
            if let Some(s) = e.status() {
                assert!([400, 413, 414, 431, 501, 505].contains(&s), "{e:?} -> {s}");
            }
        }
    }
}
