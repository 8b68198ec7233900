//! Parsing: byte classes, the head scanner, request-target forms and the
//! chunked decoder. Everything here validates each byte once.

pub(crate) mod chars;
pub(crate) mod chunked;
pub(crate) mod head;
pub(crate) mod target;
