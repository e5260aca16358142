//! The `cashier` binary.

fn main() {}
