//! The `tlslab` binary: flags in, checked settings to the library, results out, exit codes.
//! Nothing else lives here (see `crates/tlslab` for the engines).
#![forbid(unsafe_code)]

mod args;
mod commands;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

/// Exit status for a negative finding (handshake failed, nothing matched).
pub const EXIT_NEGATIVE: u8 = 1;
/// Exit status for usage and tool errors.
pub const EXIT_USAGE: u8 = 2;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("tlslab: cannot start the async runtime: {e}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            if let Some(io) = err.downcast_ref::<std::io::Error>() {
                if io.kind() == std::io::ErrorKind::BrokenPipe {
                    // The reader went away (`| head`): that is not an error.
                    return ExitCode::SUCCESS;
                }
            }
            let _ = std::io::stdout().flush();
            eprintln!("tlslab: {err}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}
