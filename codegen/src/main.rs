//! The `odata-codegen` command; everything it does is in [`odata_codegen::cli`].

use std::io::IsTerminal;
use std::process::ExitCode;

fn main() -> ExitCode {
    let interrupted = odata_codegen::cli::interrupt_flag();
    let progress = std::io::stderr().is_terminal();
    let code = odata_codegen::cli::run_with(
        std::env::args_os(),
        &mut std::io::stdout(),
        &mut std::io::stderr(),
        progress,
        &interrupted,
    );
    ExitCode::from(code)
}
