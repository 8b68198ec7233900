//! Shared harness code for the h1conn fuzz targets.
//!
//! * [`decode`]: drives a [`Decoder`] over arbitrary bytes split at
//!   fuzzer-chosen points and checks the decoder's invariants
//!   (`decode_server`, `decode_client`).
//! * [`lifecycle`]: a client/server pair driven by arbitrary operation
//!   sequences (`lifecycle`).
//! * [`pool`]: the sans-IO pool under arbitrary operations (`pool`).
//! * [`roundtrip`]: builds structured messages with the builders, encodes
//!   them and decodes them again (`roundtrip`).

pub mod decode;
pub mod lifecycle;
pub mod pool;
pub mod roundtrip;

use h1conn::Method;

/// The request methods a fuzzer-chosen byte selects from.
pub const METHODS: [Method; 9] = [
    Method::GET,
    Method::HEAD,
    Method::CONNECT,
    Method::POST,
    Method::OPTIONS,
    Method::PUT,
    Method::DELETE,
    Method::TRACE,
    Method::PATCH,
];

/// The method a byte selects. The client target uses the first five only
/// (GET, HEAD, CONNECT, POST, OPTIONS); see [`decode::client_method`].
pub fn method_of(b: u8) -> Method {
    METHODS[b as usize % METHODS.len()].clone()
}
