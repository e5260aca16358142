//! The `cashier` binary: a few lines that parse the command line and map errors to exit codes.
//! On Windows a windowed program: the till opens with no console window beside it (closing that
//! console would have killed the till); `cashier-cli.exe` is the same program for a terminal.
#![cfg_attr(windows, windows_subsystem = "windows")]

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cashier::cli::Args::parse();
    cashier::cli::run(args)
}
