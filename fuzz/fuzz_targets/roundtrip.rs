#![no_main]
//! Build, encode, decode: structured messages survive the trip unchanged.
//! See fuzz/README.md.
use h1conn_fuzz::roundtrip::{run, RoundtripInput};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: RoundtripInput| {
    run(&input);
});
