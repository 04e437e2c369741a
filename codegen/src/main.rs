//! The `odata-codegen` command; everything it does is in [`odata_codegen::cli`].

use std::process::ExitCode;

fn main() -> ExitCode {
    let interrupted = odata_codegen::cli::interrupt_flag();
    let code = odata_codegen::cli::run_interruptible(
        std::env::args_os(),
        &mut std::io::stdout(),
        &mut std::io::stderr(),
        &interrupted,
    );
    ExitCode::from(code)
}
