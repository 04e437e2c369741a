//! The `odata-codegen` command; everything it does is in [`odata_codegen::cli`].

use std::io::IsTerminal;
use std::process::ExitCode;

/// Emitting a whole service builds and drops millions of small token trees on two or
/// more threads, which mimalloc serves faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
