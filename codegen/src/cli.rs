//! The `odata-codegen` command line: a thin shell around [`crate::generate`]. It takes
//! its arguments and output streams as parameters, so tests run it in-process.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::time::{Duration, Instant};

use crate::output::{check_dir, write_dir};
use crate::{Diagnostic, Input, Inputs, Layout, Options, RuntimeDependency, Select, Severity};
use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "odata-codegen",
    version,
    about = "Generates a typed Rust client crate from OData CSDL metadata and Microsoft Graph API reference pages"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate a crate (Cargo.toml and src/) into a directory.
    Generate(Generate),
    /// Check the pages against the metadata and print the diagnostics only.
    Validate(InputArgs),
    /// List every diagnostic code with its meaning.
    Codes,
}

#[derive(Args)]
struct InputArgs {
    /// The CSDL metadata (EDMX XML, OData 4.0 or 4.01).
    #[arg(long, value_name = "FILE")]
    metadata: PathBuf,
    /// API reference pages: files, or directories whose `*.md` files are all read.
    #[arg(long, value_name = "FILE|DIR", num_args = 1..)]
    doc: Vec<PathBuf>,
}

#[derive(Args)]
struct Generate {
    #[command(flatten)]
    inputs: InputArgs,
    /// The directory of the generated crate; replaced as a whole on success.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Write nothing; list the files that differ from DIR and exit 1 if any do.
    #[arg(long)]
    check: bool,
    /// Replace DIR even if it holds files odata-codegen did not write.
    #[arg(long)]
    force: bool,
    /// Package name of the generated crate [default: from the schema namespace].
    #[arg(long, value_name = "NAME")]
    package: Option<String>,
    /// Default service root [default: the one the pages' examples use].
    #[arg(long, value_name = "URL")]
    service_root: Option<String>,
    /// Depend on the runtime crate at this path [default: the runtime beside this generator].
    #[arg(long, value_name = "PATH", conflicts_with = "runtime_version")]
    runtime_path: Option<String>,
    /// Depend on this version of odata-codegen-runtime from a registry.
    #[arg(long, value_name = "VERSION")]
    runtime_version: Option<String>,
    /// Generate every type and everything the entity container exposes, not only the
    /// documented endpoints.
    #[arg(long, conflicts_with = "select")]
    all: bool,
    /// Generate what a path glob selects, e.g. `/users/{id}/messages` or
    /// `/deviceAppManagement/**` (`*`: one segment, `**`: any number, `{..}`: a key).
    /// Repeatable.
    #[arg(long, value_name = "PATH_GLOB")]
    select: Vec<String>,
    /// Give each entity set, singleton and operation import a Cargo feature that
    /// compiles only what it reaches (and `full` for everything).
    #[arg(long)]
    root_features: bool,
    /// Print how long each stage took to stderr.
    #[arg(long)]
    timings: bool,
}

/// Exit status: success.
pub const SUCCESS: u8 = 0;
/// Exit status: errors in the inputs, or differences under `--check`.
pub const FAILURE: u8 = 1;
/// Exit status: the command line itself is wrong.
pub const USAGE: u8 = 2;

/// Runs the command line `args` (program name first), writing to `out` and `err`.
pub fn run(
    args: impl IntoIterator<Item = impl Into<OsString> + Clone>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let text = e.render().to_string();
            return if e.use_stderr() {
                let _ = write!(err, "{text}");
                USAGE
            } else {
                let _ = write!(out, "{text}");
                SUCCESS
            };
        }
    };
    let mut run = Run { out, err };
    match cli.command {
        Command::Generate(args) => run.generate(&args),
        Command::Validate(args) => run.validate(&args),
        Command::Codes => {
            for (code, meaning) in crate::diagnostic_codes() {
                let _ = writeln!(run.out, "{code:28} {meaning}");
            }
            SUCCESS
        }
    }
}

struct Run<'w> {
    out: &'w mut dyn Write,
    err: &'w mut dyn Write,
}

/// Reads the inputs; a directory given to `--doc` contributes its `*.md` files, sorted.
fn read_inputs(args: &InputArgs) -> Result<Inputs, Diagnostic> {
    let read = |path: &Path| {
        if path.is_dir() {
            return Err(Diagnostic::error(
                "io",
                None,
                format!(
                    "cannot read `{}`: it is a directory, not a file",
                    path.display()
                ),
            ));
        }
        std::fs::read(path)
            .map(|bytes| Input::new(path.display().to_string(), bytes))
            .map_err(|e| {
                Diagnostic::error("io", None, format!("cannot read `{}`: {e}", path.display()))
            })
    };
    let mut docs = Vec::new();
    for path in &args.doc {
        if path.is_dir() {
            let mut pages: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(|e| {
                    Diagnostic::error(
                        "io",
                        None,
                        format!("cannot read directory `{}`: {e}", path.display()),
                    )
                })?
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|ext| ext == "md") && p.is_file())
                .collect();
            pages.sort();
            for page in pages {
                docs.push(read(&page)?);
            }
        } else {
            docs.push(read(path)?);
        }
    }
    Ok(Inputs {
        metadata: read(&args.metadata)?,
        docs,
    })
}

impl Run<'_> {
    fn print(&mut self, diagnostics: &[Diagnostic]) {
        for d in diagnostics {
            let _ = writeln!(self.err, "{d}\n");
        }
        let errors = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let warnings = diagnostics.len() - errors;
        if !diagnostics.is_empty() {
            let _ = writeln!(self.err, "{errors} error(s), {warnings} warning(s)");
        }
    }

    fn fail(&mut self, diagnostic: Diagnostic) -> u8 {
        self.print(&[diagnostic]);
        FAILURE
    }

    fn validate(&mut self, args: &InputArgs) -> u8 {
        let inputs = match read_inputs(args) {
            Ok(inputs) => inputs,
            Err(d) => return self.fail(d),
        };
        let diagnostics = crate::validate(&inputs);
        self.print(&diagnostics);
        if diagnostics.iter().any(Diagnostic::is_error) {
            FAILURE
        } else {
            SUCCESS
        }
    }

    fn generate(&mut self, args: &Generate) -> u8 {
        let inputs = match read_inputs(&args.inputs) {
            Ok(inputs) => inputs,
            Err(d) => return self.fail(d),
        };
        let runtime = match (&args.runtime_path, &args.runtime_version) {
            (Some(path), _) => RuntimeDependency::Path(path.clone()),
            (None, Some(version)) => RuntimeDependency::Version(version.clone()),
            (None, None) => RuntimeDependency::Path(default_runtime_path(&args.out)),
        };
        let select = if args.all {
            Select::All
        } else if !args.select.is_empty() {
            Select::Paths(args.select.clone())
        } else {
            Select::Documented
        };
        let options = Options {
            package: args.package.clone(),
            service_root: args.service_root.clone(),
            layout: Layout::Crate { runtime },
            select,
            root_features: args.root_features,
        };
        let started = Instant::now();
        let (generated, timings) = crate::generate_timed(&inputs, &options);
        let generated = match generated {
            Ok(generated) => generated,
            Err(failure) => {
                self.print(&failure.diagnostics);
                return FAILURE;
            }
        };
        self.print(&generated.diagnostics);
        let generated_at = Instant::now();
        let code = self.write_or_check(args, &generated);
        if args.timings {
            let write = generated_at.elapsed();
            let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
            let lines: usize = generated.files.values().map(|f| f.lines().count()).sum();
            let _ = writeln!(
                self.err,
                "timings: read {}, resolve {}, plan {}, emit {} and format {} (CPU time; {} wall on {} threads), {} {}, total {} ({} files, {} lines)",
                ms(timings.read),
                ms(timings.resolve),
                ms(timings.plan),
                ms(timings.emit),
                ms(timings.format),
                ms(timings.emit_and_format_wall),
                timings.threads,
                if args.check { "check" } else { "write" },
                ms(write),
                ms(started.elapsed()),
                generated.files.len(),
                lines
            );
        }
        code
    }

    fn write_or_check(&mut self, args: &Generate, generated: &crate::Generated) -> u8 {
        if args.check {
            return match check_dir(&args.out, &generated.files) {
                Ok(differences) if differences.is_empty() => SUCCESS,
                Ok(differences) => {
                    for d in &differences {
                        let _ = writeln!(self.out, "{d}");
                    }
                    let _ = writeln!(
                        self.err,
                        "`{}` is not what the inputs generate: {} file(s) differ; run the same command without --check",
                        args.out.display(),
                        differences.len()
                    );
                    FAILURE
                }
                Err(e) => self.fail(Diagnostic::error("io", None, e.to_string())),
            };
        }
        match write_dir(&args.out, &generated.files, args.force) {
            Ok(()) => {
                let _ = writeln!(
                    self.err,
                    "wrote {} file(s) to `{}`",
                    generated.files.len(),
                    args.out.display()
                );
                SUCCESS
            }
            Err(e) => self.fail(Diagnostic::error("io", None, e.to_string())),
        }
    }
}

/// The runtime crate that ships beside this generator, as a path relative to `out`, so
/// the generated crate builds wherever it is written.
fn default_runtime_path(out: &Path) -> String {
    let runtime = Path::new(env!("CARGO_MANIFEST_DIR")).join("runtime");
    let absolute_out = std::path::absolute(out).unwrap_or_else(|_| out.to_owned());
    relative_path(&normalize(&absolute_out), &normalize(&runtime))
        .unwrap_or_else(|| runtime.display().to_string())
}

/// Removes `.` and resolves `..` lexically.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

fn relative_path(from: &Path, to: &Path) -> Option<String> {
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = to.components().collect();
    if from.first() != to.first() {
        return None;
    }
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let ups = std::iter::repeat_n("..".to_owned(), from.len() - common);
    let downs = to[common..]
        .iter()
        .map(|c| c.as_os_str().to_string_lossy().into_owned());
    Some(ups.chain(downs).collect::<Vec<_>>().join("/"))
}
