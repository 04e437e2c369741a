//! The `odata-codegen` command; everything it does is in [`odata_codegen::cli`].

use std::process::ExitCode;

fn main() -> ExitCode {
    let code = odata_codegen::cli::run(
        std::env::args_os(),
        &mut std::io::stdout(),
        &mut std::io::stderr(),
    );
    ExitCode::from(code)
}
