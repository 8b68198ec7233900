//! Placeholder: the criterion benches land with the benchmark work.
fn main() {}
