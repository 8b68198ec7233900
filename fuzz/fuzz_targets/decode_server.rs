#![no_main]
//! Requests: arbitrary bytes, split at fuzzer-chosen points, with
//! fuzzer-chosen limits. See fuzz/README.md for the invariants.
use h1conn::Role;
use h1conn_fuzz::decode::{run, DecodeInput};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: DecodeInput| {
    run(Role::Server, &input);
});
