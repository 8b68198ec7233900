#![no_main]
//! The sans-IO pool under arbitrary operation sequences. See
//! fuzz/README.md and fuzz/src/pool.rs.
use h1conn_fuzz::pool::{run, PoolInput};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: PoolInput| {
    run(&input);
});
