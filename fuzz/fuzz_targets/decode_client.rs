#![no_main]
//! Responses: arbitrary bytes, split at fuzzer-chosen points, with
//! fuzzer-chosen limits and request methods (GET, HEAD, CONNECT, POST,
//! OPTIONS). See fuzz/README.md for the invariants.
use h1conn::Role;
use h1conn_fuzz::decode::{run, DecodeInput};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: DecodeInput| {
    run(Role::Client, &input);
});
