//! odata-codegen: OData CSDL metadata and Microsoft Graph API reference pages in, a
//! typed Rust client crate out.
//!
//! The pipeline is one pure function, [`generate`]: readers ([`csdl`], [`doc`]) turn
//! bytes into plain structs with source positions; [`model`] resolves names and
//! inheritance; [`pages`] walks each page's paths through the model ([`resolve`]) and
//! cross-checks its examples and tables ([`check`]); [`plan`] builds the [`ir`] from
//! that; [`emit`] turns the IR into formatted files. [`validate`] runs the page analysis
//! over a whole corpus and reports it. The CLI, the [`Config`] builder for build.rs, and
//! the tests call them.

pub mod check;
pub mod cli;
mod config;
pub mod csdl;
pub mod diag;
pub mod doc;
pub mod emit;
pub mod ir;
pub mod model;
pub mod names;
pub mod output;
pub mod pages;
pub mod plan;
pub mod resolve;
pub mod service;
pub mod validate;

use std::sync::Arc;
use std::time::{Duration, Instant};

pub use config::{Config, ConfigError, compile};
pub use diag::{Diagnostic, Level, Severity, Source};
pub use emit::{Files, Layout, RuntimeDependency};

/// One input file: the name diagnostics use for it, and its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    pub name: String,
    pub bytes: Vec<u8>,
}

impl Input {
    pub fn new(name: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        Self {
            name: name.into(),
            bytes: bytes.into(),
        }
    }
}

/// Everything [`generate`] reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inputs {
    pub metadata: Input,
    pub docs: Vec<Input>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// Package name of the generated crate; derived from the schema if unset.
    pub package: Option<String>,
    /// Default service root; taken from the pages' example URLs if unset.
    pub service_root: Option<String>,
    pub layout: Layout,
    /// Levels of diagnostic codes changed from their defaults (`--deny`, `--warn`,
    /// `--allow`); e.g. `unresolved` as warnings generates from a whole corpus what
    /// resolves.
    pub levels: diag::Levels,
    /// What to generate.
    pub select: Select,
    /// Give each entity set, singleton and operation import a Cargo feature that
    /// compiles only what it reaches.
    pub root_features: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            package: None,
            service_root: None,
            layout: Layout::Crate {
                runtime: RuntimeDependency::Version("0.1".to_owned()),
            },
            levels: diag::Levels::default(),
            select: Select::Documented,
            root_features: false,
        }
    }
}

/// What [`generate`] emits.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Select {
    /// The endpoints the doc pages document.
    #[default]
    Documented,
    /// Every type of the schema and everything the entity container exposes.
    All,
    /// What these path globs select (`/users/{id}/messages`, `/deviceAppManagement/**`).
    Paths(Vec<String>),
}

/// How long each stage of a run took.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Timings {
    /// Metadata and pages into plain structs.
    pub read: Duration,
    /// Names, aliases, inheritance and annotations resolved into the model.
    pub resolve: Duration,
    /// Pages resolved and checked, requests selected, the IR built.
    pub plan: Duration,
    /// Building tokens, summed over threads.
    pub emit: Duration,
    /// Formatting, summed over threads.
    pub format: Duration,
    /// Wall time of emitting and formatting together.
    pub emit_and_format_wall: Duration,
    /// Threads that emitted and formatted.
    pub threads: usize,
}

/// A successful run: the files, and the warnings found on the way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Generated {
    pub files: Files,
    pub diagnostics: Vec<Diagnostic>,
}

/// A failed run: at least one error, plus the warnings found before it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{} error(s) in the inputs", self.errors().count())]
pub struct Failure {
    pub diagnostics: Vec<Diagnostic>,
}

impl Failure {
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error())
    }
}

/// Every diagnostic code with its meaning, by stage, for `odata-codegen codes` and the
/// README.
pub fn diagnostic_codes() -> Vec<(&'static str, &'static str)> {
    [
        INPUT_CODES,
        csdl::CODES,
        model::CODES,
        doc::CODES,
        resolve::CODES,
        check::CODES,
        pages::CODES,
        plan::CODES,
    ]
    .concat()
}

const INPUT_CODES: &[(&str, &str)] = &[
    (
        "io",
        "an input cannot be read or an output cannot be written",
    ),
    (
        "invalid-option",
        "an option has a value the generator cannot use",
    ),
];

/// Decodes an input as UTF-8, or names the position of the first invalid byte.
pub fn decode(input: &Input) -> Result<Arc<Source>, Diagnostic> {
    match std::str::from_utf8(&input.bytes) {
        Ok(text) => Ok(Source::new(input.name.clone(), text)),
        Err(e) => {
            let valid = String::from_utf8_lossy(&input.bytes[..e.valid_up_to()]).into_owned();
            let source = Source::new(input.name.clone(), valid);
            let span = source.span_at(e.valid_up_to());
            Err(Diagnostic::error(
                "invalid-utf8",
                span,
                format!(
                    "`{}` is not UTF-8 (invalid byte at this position)",
                    input.name
                ),
            ))
        }
    }
}

/// Reads the metadata into a model.
pub fn read_model(metadata: &Input) -> Result<model::Model, Vec<Diagnostic>> {
    let source = decode(metadata).map_err(|d| vec![d])?;
    let csdl = csdl::read_csdl(&source).map_err(|d| vec![d])?;
    model::build_model(&csdl)
}

/// Reads, resolves and checks everything, and plans the output.
fn analyse(
    inputs: &Inputs,
    options: &Options,
    timings: &mut Timings,
) -> Result<(ir::Crate, Vec<Diagnostic>), Failure> {
    let mut diagnostics = Vec::new();
    let fail = |mut diagnostics: Vec<Diagnostic>| {
        diag::sort(&mut diagnostics);
        Failure { diagnostics }
    };
    if let Some(root) = &options.service_root {
        if !(root.starts_with("https://") || root.starts_with("http://"))
            || root.contains(['?', '#', ' '])
        {
            return Err(fail(vec![Diagnostic::error(
                "invalid-option",
                None,
                format!(
                    "the service root `{root}` is not an absolute http(s) URL without query or fragment"
                ),
            )]));
        }
    }
    let select = match &options.select {
        Select::Documented => plan::SelectionMode::Documented,
        Select::All => plan::SelectionMode::All,
        Select::Paths(globs) => {
            let mut parsed = Vec::new();
            for glob in globs {
                match service::PathGlob::parse(glob) {
                    Ok(g) => parsed.push(g),
                    Err(message) => {
                        return Err(fail(vec![Diagnostic::error(
                            "invalid-option",
                            None,
                            message,
                        )]));
                    }
                }
            }
            plan::SelectionMode::Globs(parsed)
        }
    };
    let started = Instant::now();
    let source = decode(&inputs.metadata).map_err(|d| fail(vec![d]))?;
    let csdl = csdl::read_csdl(&source).map_err(|d| fail(vec![d]))?;
    let mut pages = Vec::new();
    for input in &inputs.docs {
        let source = match decode(input) {
            Ok(source) => source,
            Err(d) => {
                diagnostics.push(d);
                continue;
            }
        };
        let (doc, page_diagnostics) = doc::read_page(&source);
        diagnostics.extend(page_diagnostics);
        pages.push(pages::Page { source, doc });
    }
    options.levels.apply(&mut diagnostics);
    timings.read = started.elapsed();
    let started = Instant::now();
    let model = model::build_model(&csdl).map_err(|mut d| {
        options.levels.apply(&mut d);
        fail(d)
    })?;
    drop(csdl);
    timings.resolve = started.elapsed();
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(fail(diagnostics));
    }
    let plan_options = plan::PlanOptions {
        package: options.package.clone(),
        service_root: options.service_root.clone(),
        levels: options.levels.clone(),
        select,
        root_features: options.root_features,
    };
    let started = Instant::now();
    let planned = plan::plan(&model, &pages, &plan_options);
    timings.plan = started.elapsed();
    match planned {
        Ok((krate, plan_diagnostics)) => {
            diagnostics.extend(plan_diagnostics);
            options.levels.apply(&mut diagnostics);
            if diagnostics.iter().any(Diagnostic::is_error) {
                return Err(fail(diagnostics));
            }
            diag::sort(&mut diagnostics);
            Ok((krate, diagnostics))
        }
        Err(plan_diagnostics) => {
            diagnostics.extend(plan_diagnostics);
            Err(fail(diagnostics))
        }
    }
}

/// Checks the inputs without generating: every diagnostic, errors included. See
/// [`validate::validate`] for the full report.
pub fn validate(inputs: &Inputs) -> Vec<Diagnostic> {
    let report = validate::validate(inputs, &diag::Levels::default(), &mut |_, _| {});
    report.diagnostics().cloned().collect()
}

/// The generator: inputs in, files out. Pure: no file system, no environment, and the
/// same inputs give byte-identical files.
pub fn generate(inputs: &Inputs, options: &Options) -> Result<Generated, Failure> {
    generate_timed(inputs, options).0
}

/// [`generate`], and how long each stage took (also when it fails).
pub fn generate_timed(inputs: &Inputs, options: &Options) -> (Result<Generated, Failure>, Timings) {
    let mut timings = Timings::default();
    let (krate, diagnostics) = match analyse(inputs, options, &mut timings) {
        Ok(analysed) => analysed,
        Err(failure) => return (Err(failure), timings),
    };
    let input_names: Vec<String> = std::iter::once(&inputs.metadata)
        .chain(&inputs.docs)
        .map(|i| file_name(&i.name).to_owned())
        .collect();
    let started = Instant::now();
    let (files, emit_timings) = emit::emit_timed(&krate, &options.layout, &input_names);
    timings.emit_and_format_wall = started.elapsed();
    timings.emit = emit_timings.emit;
    timings.format = emit_timings.format;
    timings.threads = emit_timings.threads;
    (Ok(Generated { files, diagnostics }), timings)
}

/// The last component of a path, so generated files do not depend on where inputs were.
fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}
