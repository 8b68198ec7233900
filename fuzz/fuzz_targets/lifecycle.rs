#![no_main]
//! A connected client/server pair driven by an arbitrary sequence of
//! operations. See fuzz/README.md and fuzz/src/lifecycle.rs.
use h1conn_fuzz::lifecycle::{run, LifecycleInput};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: LifecycleInput| {
    run(&input);
});
