//! `cashier-cli`: the cashier as a console program, for commands typed in a Windows terminal
//! (`cashier-cli pay …` prints its lines and sets its exit status there). Elsewhere it is the same
//! as `cashier`.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cashier::cli::Args::parse();
    cashier::cli::run(args)
}
