//! The `cashier` binary: a few lines that parse the command line and map errors to exit codes.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cashier::cli::Args::parse();
    cashier::cli::run(args)
}
