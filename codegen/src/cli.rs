//! The `odata-codegen` command line: a thin shell around [`crate::generate`]. It takes
//! its arguments and output streams as parameters, so tests run it in-process.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use crate::diag::{Level, Levels};
use crate::output::{OutputError, check_dir, check_out_dir, write_dir_interruptible};
use crate::{Diagnostic, Input, Inputs, Layout, Options, RuntimeDependency, Select, Severity};
use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "odata-codegen",
    version,
    // Help text as written, whatever the terminal or the clap features a build unifies.
    term_width = 0,
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
    /// Check the pages against the metadata: print the diagnostics and a summary.
    Validate(Validate),
    /// List every diagnostic code with its meaning.
    Codes,
}

#[derive(Args)]
struct InputArgs {
    /// The CSDL metadata (EDMX XML or CSDL JSON, OData 4.0 or 4.01): a file, or the URL of a
    /// service's `$metadata` to fetch.
    #[arg(long, value_name = "FILE|URL")]
    metadata: PathBuf,
    /// A header to send with `--metadata URL`, e.g. `Authorization: Bearer $TOKEN`
    /// (`$NAME` and `${NAME}` are read from the environment). Repeatable.
    #[arg(long, value_name = "NAME: VALUE")]
    header: Vec<String>,
    /// Seconds a fetch of `--metadata URL` may take in all.
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0)]
    fetch_timeout: f64,
    /// API reference pages: files, or directories whose `*.md` files are all read.
    #[arg(long, value_name = "FILE|DIR", num_args = 1..)]
    doc: Vec<PathBuf>,
}

/// Diagnostic levels; CODE is a code or a group that `odata-codegen codes` lists.
#[derive(Args)]
struct LevelArgs {
    /// Report CODE as an error, which fails the run.
    #[arg(long, value_name = "CODE")]
    deny: Vec<String>,
    /// Report CODE as a warning, which does not fail the run (`--warn unresolved`
    /// generates what resolves from a whole corpus).
    #[arg(long, value_name = "CODE")]
    warn: Vec<String>,
    /// Do not report CODE at all.
    #[arg(long, value_name = "CODE")]
    allow: Vec<String>,
}

impl LevelArgs {
    fn levels(&self) -> Result<Levels, String> {
        let mut levels = Levels::default();
        for (names, level) in [
            (&self.deny, Level::Deny),
            (&self.warn, Level::Warn),
            (&self.allow, Level::Allow),
        ] {
            for name in names {
                levels.set(name, level)?;
            }
        }
        Ok(levels)
    }
}

/// `--key-syntax`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum KeySyntaxArg {
    Segment,
    Parentheses,
}

impl KeySyntaxArg {
    fn syntax(self) -> crate::KeySyntax {
        match self {
            Self::Segment => crate::KeySyntax::Segment,
            Self::Parentheses => crate::KeySyntax::Parentheses,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Diagnostics like a compiler's, then a summary.
    Human,
    /// One JSON document: per page its operations and diagnostics, and a summary.
    Json,
}

#[derive(Args)]
struct Validate {
    #[command(flatten)]
    inputs: InputArgs,
    #[command(flatten)]
    levels: LevelArgs,
    /// How to print the report (JSON goes to stdout).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

#[derive(Args)]
struct Generate {
    #[command(flatten)]
    inputs: InputArgs,
    #[command(flatten)]
    levels: LevelArgs,
    /// The directory of the generated crate; replaced as a whole on success.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Write nothing; list what writing DIR would change and exit 1 if anything would
    /// (or with the error with which writing would refuse).
    #[arg(long)]
    check: bool,
    /// Replace DIR even if it holds files odata-codegen did not write.
    #[arg(long)]
    force: bool,
    /// Package name of the generated crate [default: from the schema namespace].
    #[arg(long, value_name = "NAME")]
    package: Option<String>,
    /// Version of the generated crate, by semver on its API [default: 0.1.0].
    #[arg(long, value_name = "VERSION")]
    crate_version: Option<String>,
    /// Default service root [default: the one the pages' examples use].
    #[arg(long, value_name = "URL")]
    service_root: Option<String>,
    /// Depend on the runtime crate in this directory (read relative to the current
    /// directory, written relative to DIR); the crate cannot then be published.
    #[arg(long, value_name = "PATH", conflicts_with = "runtime_version")]
    runtime_path: Option<PathBuf>,
    /// Depend on this version requirement of odata-codegen-runtime from a registry
    /// [default: this generator's version].
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
    /// Add `api.txt` to the crate: its public API as a sorted list, one item per line,
    /// so that what a regeneration changes for the crate's users is one reviewable diff.
    #[arg(long)]
    api_report: bool,
    /// How keys are written in paths: `segment` (`/People/u`) or `parentheses`
    /// (`/People('u')`). By default as the service declares: segments where it
    /// declares `Capabilities.KeyAsSegmentSupported` (and for Microsoft Graph),
    /// parentheses otherwise.
    #[arg(long, value_enum, value_name = "SYNTAX")]
    key_syntax: Option<KeySyntaxArg>,
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

/// Exit status: interrupted (Ctrl-C, SIGTERM) before anything was replaced.
pub const INTERRUPTED: u8 = 130;

/// Runs the command line `args` (program name first), writing to `out` and `err`,
/// without progress reports and without interruption.
pub fn run(
    args: impl IntoIterator<Item = impl Into<OsString> + Clone>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    run_with(args, out, err, false, &AtomicBool::new(false))
}

/// [`run`], reporting progress on `err` when `progress` is set (the binary sets it when
/// stderr is a terminal), and stopping `generate` at its next safe point once
/// `interrupted` is set: the new files are removed and the output directory stays as
/// it was.
pub fn run_with(
    args: impl IntoIterator<Item = impl Into<OsString> + Clone>,
    out: &mut dyn Write,
    err: &mut dyn Write,
    progress: bool,
    interrupted: &AtomicBool,
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
    let mut run = Run {
        out,
        err,
        progress,
        interrupted,
    };
    match cli.command {
        Command::Generate(args) => run.generate(&args),
        Command::Validate(args) => run.validate(&args),
        Command::Codes => {
            for (code, meaning) in crate::diag::codes::CODES {
                let _ = writeln!(run.out, "{code:28} {meaning}");
            }
            for (group, meaning) in crate::diag::GROUPS {
                let _ = writeln!(run.out, "{group:28} (group) {meaning}");
            }
            SUCCESS
        }
    }
}

struct Run<'w> {
    out: &'w mut dyn Write,
    err: &'w mut dyn Write,
    progress: bool,
    interrupted: &'w AtomicBool,
}

/// For the binary: the first SIGINT, SIGTERM or SIGHUP sets the returned flag, so a run
/// stops cleanly at its next safe point; a second one ends the process at once (the
/// output directory is still intact then; only the temporary directory beside it is
/// left). Past a file-size limit (SIGXFSZ) a write fails and is reported instead of
/// killing the process.
pub fn interrupt_flag() -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM, SIGXFSZ};
        for signal in [SIGINT, SIGTERM, SIGHUP] {
            // The shutdown hook sees the flag as it was before this signal set it.
            let _ = signal_hook::flag::register_conditional_shutdown(
                signal,
                i32::from(INTERRUPTED),
                Arc::clone(&flag),
            );
            let _ = signal_hook::flag::register(signal, Arc::clone(&flag));
        }
        let _ = signal_hook::flag::register(SIGXFSZ, Arc::new(AtomicBool::new(false)));
    }
    flag
}

/// Reads the inputs, the documents the metadata references among them.
fn read_inputs(args: &InputArgs) -> Result<Inputs, Vec<Diagnostic>> {
    let mut inputs = read_files(args).map_err(|d| vec![d])?;
    let references = crate::load_references(&inputs.metadata);
    if !references.errors.is_empty() {
        return Err(references.errors);
    }
    inputs.references = references.documents;
    Ok(inputs)
}

/// Reads the metadata and the pages; a directory given to `--doc` contributes its
/// `*.md` files, sorted.
fn read_files(args: &InputArgs) -> Result<Inputs, Diagnostic> {
    let read = |path: &Path, limit: u64| {
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
        Input::read_file(path, limit).map_err(|e| {
            Diagnostic::error("io", None, format!("cannot read `{}`: {e}", path.display()))
        })
    };
    let page_limit = crate::read::page::MAX_PAGE_BYTES as u64;
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
            if pages.is_empty() {
                return Err(Diagnostic::error(
                    "io",
                    None,
                    format!("`{}` holds no *.md pages", path.display()),
                ));
            }
            for page in pages {
                docs.push(read(&page, page_limit)?);
            }
        } else {
            docs.push(read(path, page_limit)?);
        }
    }
    let metadata = match args.metadata.to_str() {
        Some(url) if crate::diag::is_url(url) => fetch(url, args)?,
        _ if !args.header.is_empty() => {
            return Err(Diagnostic::error(
                "invalid-option",
                None,
                "`--header` is sent only when `--metadata` is a URL".to_owned(),
            ));
        }
        _ => read(&args.metadata, crate::read::MAX_METADATA_BYTES)?,
    };
    Ok(Inputs::new(metadata, docs))
}

#[cfg(feature = "fetch")]
fn fetch(url: &str, args: &InputArgs) -> Result<Input, Diagnostic> {
    let timeout = Duration::try_from_secs_f64(args.fetch_timeout)
        .ok()
        .filter(|t| !t.is_zero())
        .ok_or_else(|| {
            Diagnostic::error(
                "invalid-option",
                None,
                format!(
                    "`--fetch-timeout {}` is not a number of seconds above 0",
                    args.fetch_timeout
                ),
            )
        })?;
    crate::fetch::fetch_metadata(url, &args.header, timeout)
}

#[cfg(not(feature = "fetch"))]
fn fetch(url: &str, _: &InputArgs) -> Result<Input, Diagnostic> {
    Err(Diagnostic::error(
        "fetch",
        None,
        format!("cannot fetch `{url}`: this odata-codegen was built without its `fetch` feature"),
    ))
}

impl Run<'_> {
    fn print(&mut self, diagnostics: &[Diagnostic]) {
        let _ = crate::diag::render(diagnostics, &mut *self.err);
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

    /// A bad `--deny`/`--warn`/`--allow` is a wrong command line.
    fn levels(&mut self, args: &LevelArgs) -> Result<Levels, u8> {
        args.levels().map_err(|message| {
            let _ = writeln!(self.err, "error: {}", crate::diag::visible(&message));
            USAGE
        })
    }

    fn validate(&mut self, args: &Validate) -> u8 {
        let levels = match self.levels(&args.levels) {
            Ok(levels) => levels,
            Err(code) => return code,
        };
        // Without a page there is nothing to validate; "0 resolved (100%)" would mislead.
        if args.inputs.doc.is_empty() {
            let _ = writeln!(
                self.err,
                "error: validate checks pages against the metadata: give at least one --doc FILE|DIR"
            );
            return USAGE;
        }
        let inputs = match read_inputs(&args.inputs) {
            Ok(inputs) => inputs,
            Err(diagnostics) => {
                self.print(&diagnostics);
                return FAILURE;
            }
        };
        let report = {
            let show = self.progress;
            let err = &mut *self.err;
            // About a hundred updates, whatever the corpus size.
            let mut progress = |done: usize, total: usize| {
                if show && (done == total || done % (total / 100).max(1) == 0) {
                    let _ = write!(err, "\rvalidating: {done}/{total} page(s)");
                    if done == total {
                        let _ = writeln!(err);
                    }
                    let _ = err.flush();
                }
            };
            crate::validate(&inputs, &levels, &mut progress)
        };
        match args.format {
            Format::Human => {
                let _ = crate::diag::render(report.diagnostics(), &mut *self.err);
                let _ = write!(self.err, "{}", report.summary_text());
            }
            Format::Json => {
                let _ = writeln!(self.out, "{}", crate::diag::json_text(&report.to_json()));
            }
        }
        if report.has_errors() {
            FAILURE
        } else {
            SUCCESS
        }
    }

    fn generate(&mut self, args: &Generate) -> u8 {
        let levels = match self.levels(&args.levels) {
            Ok(levels) => levels,
            Err(code) => return code,
        };
        // An output directory that can never be written is answered before any work.
        let out = match check_out_dir(&args.out, args.force) {
            Ok(out) => out,
            Err(e) => return self.fail(Diagnostic::error("io", None, e.to_string())),
        };
        let runtime = match (&args.runtime_path, &args.runtime_version) {
            (Some(path), _) => {
                RuntimeDependency::Path(runtime_path_from_out(path, &args.out, &out))
            }
            (None, Some(version)) => RuntimeDependency::Version(version.clone()),
            (None, None) => RuntimeDependency::Version(crate::RUNTIME_VERSION.to_owned()),
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
            crate_version: args.crate_version.clone(),
            service_root: args.service_root.clone(),
            layout: Layout::Crate { runtime },
            levels,
            select,
            root_features: args.root_features,
            api_report: args.api_report,
            key_syntax: args.key_syntax.map(KeySyntaxArg::syntax),
        };
        // A bad option is reported before any input is read.
        if let Err(d) = crate::check_options(&options) {
            return self.fail(d);
        }
        let inputs = match read_inputs(&args.inputs) {
            Ok(inputs) => inputs,
            Err(diagnostics) => {
                self.print(&diagnostics);
                return FAILURE;
            }
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
                "timings: read {}, model {}, plan {}, emit {} and format {} (CPU time; {} wall on {} threads), {} {}, total {} ({} files, {} lines)",
                ms(timings.read),
                ms(timings.model),
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
            return match check_dir(&args.out, &generated.files, args.force) {
                Ok(differences) if differences.is_empty() => SUCCESS,
                Ok(differences) => {
                    for d in &differences {
                        let _ = writeln!(self.out, "{}", crate::diag::visible(&d.to_string()));
                    }
                    let _ = writeln!(
                        self.err,
                        "`{}` is not what the inputs generate: {} file(s) differ; run the same command without --check",
                        crate::diag::visible(&args.out.display().to_string()),
                        differences.len()
                    );
                    FAILURE
                }
                Err(e) => self.fail(Diagnostic::error("io", None, e.to_string())),
            };
        }
        match write_dir_interruptible(&args.out, &generated.files, args.force, self.interrupted) {
            Ok(report) => {
                for note in &report.recovered {
                    let _ = writeln!(self.err, "note: {}", crate::diag::visible(note));
                }
                if args.inputs.doc.is_empty() && !args.all && args.select.is_empty() {
                    let _ = writeln!(
                        self.err,
                        "note: no --doc page, --all or --select was given, so no request was selected and the crate holds no handle; give the pages that document the requests, --select PATH_GLOB, or --all for the whole service"
                    );
                }
                let _ = writeln!(
                    self.err,
                    "wrote {} file(s) to `{}`",
                    generated.files.len(),
                    crate::diag::visible(&args.out.display().to_string())
                );
                SUCCESS
            }
            Err(e @ OutputError::Interrupted { .. }) => {
                self.fail(Diagnostic::error("io", None, e.to_string()));
                INTERRUPTED
            }
            Err(e) => self.fail(Diagnostic::error("io", None, e.to_string())),
        }
    }
}

/// `--runtime-path`, read relative to the current directory as every path argument is,
/// as the manifest in `out` (the resolved directory) writes it: relative to `out`, so the
/// crate builds wherever the two move together. When a symlink on the way makes the path
/// from the spelling of `--out` differ from the path from where the files land, it is
/// absolute, which holds from both.
fn runtime_path_from_out(runtime: &Path, requested: &Path, out: &Path) -> String {
    let absolute =
        |path: &Path| normalize(&std::path::absolute(path).unwrap_or_else(|_| path.to_owned()));
    let runtime = absolute(runtime);
    let from_spelling = relative_path(&absolute(requested), &runtime);
    let from_directory = relative_path(&normalize(out), &runtime);
    match (from_spelling, from_directory) {
        (Some(a), Some(b)) if a == b => a,
        _ => runtime.display().to_string(),
    }
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
