//! Limits on what a peer may make the machine buffer.
//!
//! Every limit is checked before the bytes it governs are kept: a partial
//! line or head that can no longer fit is refused as soon as it is seen, so
//! the receive buffer never holds more than the limit plus one read.

/// The limits a decoder enforces. The defaults are safe for a public server.
///
/// ```
/// let limits = h1conn::Limits { max_head_bytes: 32 * 1024, ..h1conn::Limits::default() };
/// assert_eq!(limits.max_fields, 100);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Longest request line or status line, CRLF included (414 for a request).
    pub max_start_line: usize,
    /// Longest single field line, CRLF included (431).
    pub max_field_line: usize,
    /// Largest whole head: start line, field lines and the empty line (431).
    pub max_head_bytes: usize,
    /// Most field lines in one head (431).
    pub max_fields: usize,
    /// Longest chunk-size line, extensions and CRLF included.
    pub max_chunk_line: usize,
    /// Most bytes of chunk extensions on one chunk-size line.
    pub max_chunk_extensions: usize,
    /// Largest trailer section, its empty line included (431).
    pub max_trailer_bytes: usize,
    /// Largest body a request may declare or send; `None` for no limit (413).
    /// Bodies are streamed, so this bounds work, not memory.
    pub max_body: Option<u64>,
    /// Unfold obs-fold in responses (RFC 9112 §5.2 asks this of a user
    /// agent). Off by default, because a proxy must not; requests with
    /// obs-fold are always refused.
    pub unfold_obs_fold_in_responses: bool,
}

impl Limits {
    /// The defaults: 8 KiB start line, 8 KiB field line, 16 KiB head,
    /// 100 fields, 1 KiB chunk-size line with at most 512 bytes of
    /// extensions, 8 KiB of trailers, no body limit, obs-fold refused.
    pub const DEFAULT: Limits = Limits {
        max_start_line: 8 * 1024,
        max_field_line: 8 * 1024,
        max_head_bytes: 16 * 1024,
        max_fields: 100,
        max_chunk_line: 1024,
        max_chunk_extensions: 512,
        max_trailer_bytes: 8 * 1024,
        max_body: None,
        unfold_obs_fold_in_responses: false,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}
