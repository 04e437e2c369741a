//! odata-codegen: OData CSDL metadata and Microsoft Graph API reference pages in, a
//! typed Rust client crate out.
//!
//! The pipeline is one pure function, [`generate`], whose stages each take what the one
//! before gives and depend on nothing later:
//!
//! 1. `read`: bytes into plain structs that keep their positions (`read::csdl` for the
//!    metadata, `read::page` for reference pages);
//! 2. `model`: the arena of types, names and aliases resolved, inheritance and keys
//!    checked, annotations attached;
//! 3. `analyse`: each page's request lines and example URLs resolved through the model
//!    (`path`), its bodies and tables checked;
//! 4. `service`: the graph of what the entity container exposes;
//! 5. `plan`: what to generate selected from that graph, named and documented, as the
//!    `ir`;
//! 6. `emit`: the IR as formatted files.
//!
//! `diag` (positions, diagnostics and the table of codes) serves them all. [`validate`]
//! runs the first three stages over a whole reference and reports them. The CLI, the
//! [`Config`] builder for build.rs, and the tests call these functions; the first two
//! read the inputs, the documents the metadata references among them
//! ([`load_references`]).

mod analyse;
pub mod cli;
mod config;
mod diag;
mod emit;
#[cfg(feature = "fetch")]
mod fetch;
mod ir;
mod model;
pub mod output;
mod path;
mod plan;
mod read;
mod references;
mod service;

use std::sync::Arc;
use std::time::{Duration, Instant};

pub use analyse::report::{LineReport, Outcome, PageReport, Report, Summary};
pub use config::{Config, ConfigError, compile};
pub use diag::codes::{
    CODES as DIAGNOSTIC_CODES, GROUPS as DIAGNOSTIC_GROUPS, group as diagnostic_group,
};
pub use diag::{Diagnostic, Level, Levels, Severity, Source, Span};
pub use emit::{Files, Layout, RuntimeDependency};
pub use ir::KeySyntax;
pub use read::{Input, Inputs};
pub use references::{MAX_DOCUMENTS, References, load_references};

/// The version of `odata-codegen-runtime` that generated crates depend on by default:
/// the one released with this generator.
pub const RUNTIME_VERSION: &str = env!("CARGO_PKG_VERSION");

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// Package name of the generated crate; derived from the schema if unset.
    pub package: Option<String>,
    /// Version of the generated crate (`0.1.0` if unset): how its API changed since the
    /// last release, by semver.
    pub crate_version: Option<String>,
    /// Default service root; taken from the pages' example URLs if unset.
    pub service_root: Option<String>,
    pub layout: Layout,
    /// Levels of diagnostic codes changed from their defaults (`--deny`, `--warn`,
    /// `--allow`); e.g. `unresolved` as warnings generates from a whole corpus what
    /// resolves.
    pub levels: Levels,
    /// What to generate.
    pub select: Select,
    /// Give each entity set, singleton and operation import a Cargo feature that
    /// compiles only what it reaches.
    pub root_features: bool,
    /// Add `api.txt` to a crate: its public API as a sorted list, so a regeneration's
    /// changes for the crate's users are one reviewable diff.
    pub api_report: bool,
    /// How keys are written in paths; `None` follows the service: segments
    /// (`/People/u`) where it declares `Capabilities.KeyAsSegmentSupported` (and for
    /// Microsoft Graph), parentheses (`/People('u')`) otherwise.
    pub key_syntax: Option<KeySyntax>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            package: None,
            crate_version: None,
            service_root: None,
            layout: Layout::Crate {
                runtime: RuntimeDependency::Version(RUNTIME_VERSION.to_owned()),
            },
            levels: Levels::default(),
            select: Select::Documented,
            root_features: false,
            api_report: false,
            key_syntax: None,
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
    pub model: Duration,
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

/// Decodes the metadata and the documents it references, the metadata first; what
/// cannot be decoded is an error for each such document.
fn decode_documents(
    metadata: &Input,
    references: &[Input],
) -> Result<Vec<Arc<Source>>, Vec<Diagnostic>> {
    let (sources, errors): (Vec<_>, Vec<_>) = std::iter::once(metadata)
        .chain(references)
        .map(read::decode_metadata)
        .partition(Result::is_ok);
    if errors.is_empty() {
        Ok(sources.into_iter().flatten().collect())
    } else {
        Err(errors.into_iter().filter_map(Result::err).collect())
    }
}

/// Reads one metadata document: the one reader of the metadata and of every document it
/// references.
fn read_document(source: &Arc<Source>) -> Result<read::csdl::Csdl<'_>, Diagnostic> {
    read::csdl::read_metadata(source)
}

/// Reads each decoded document; an error for each that cannot be read.
fn read_documents(sources: &[Arc<Source>]) -> Result<Vec<read::csdl::Csdl<'_>>, Vec<Diagnostic>> {
    let (documents, errors): (Vec<_>, Vec<_>) =
        sources.iter().map(read_document).partition(Result::is_ok);
    if errors.is_empty() {
        Ok(documents.into_iter().flatten().collect())
    } else {
        Err(errors.into_iter().filter_map(Result::err).collect())
    }
}

/// Reads the metadata and the documents it references into one model.
fn read_model(metadata: &Input, references: &[Input]) -> Result<model::Model, Vec<Diagnostic>> {
    let sources = decode_documents(metadata, references)?;
    let documents = read_documents(&sources)?;
    model::build_model(&documents)
}

/// Reads and resolves the metadata alone: the problems `generate` and `validate` would
/// report for it, errors first among them.
pub fn check_metadata(metadata: &Input) -> Vec<Diagnostic> {
    read_model(metadata, &[]).err().unwrap_or_default()
}

/// Reads the pages, each into its source and its page; what cannot be read goes to
/// `diagnostics`.
fn read_pages(docs: &[Input], diagnostics: &mut Vec<Diagnostic>) -> Vec<analyse::Page> {
    let mut pages = Vec::new();
    for input in docs {
        match read::decode_page(input) {
            Ok(source) => {
                let (doc, page_diagnostics) = read::page::read_page(&source);
                diagnostics.extend(page_diagnostics);
                pages.push(analyse::Page { source, doc });
            }
            Err(d) => diagnostics.push(d),
        }
    }
    pages
}

fn fail(mut diagnostics: Vec<Diagnostic>) -> Failure {
    diag::sort(&mut diagnostics);
    Failure { diagnostics }
}

/// What is wrong with the options, if anything, without reading any input: what
/// [`generate`] reports first. The CLI and [`Config`] call it before they read a file.
pub fn check_options(options: &Options) -> Result<(), Diagnostic> {
    plan_options(options).map(|_| ())
}

/// The options as the planner takes them, or what is wrong with them.
fn plan_options(options: &Options) -> Result<plan::PlanOptions, Diagnostic> {
    if let Some(version) = &options.crate_version {
        plan::options::check_crate_version(version)?;
    }
    if let Some(package) = &options.package {
        plan::options::check_package(package)?;
    }
    if let Some(root) = &options.service_root {
        plan::options::check_service_root(root)?;
    }
    emit::options::check_layout(&options.layout)?;
    let select = match &options.select {
        Select::Documented => plan::SelectionMode::Documented,
        Select::All => plan::SelectionMode::All,
        Select::Paths(globs) => {
            let mut parsed: Vec<service::PathGlob> = Vec::new();
            for glob in globs {
                let glob = service::PathGlob::parse(glob)
                    .map_err(|message| Diagnostic::error("invalid-option", None, message))?;
                // A glob given again selects nothing new; matching it again would only
                // cost time.
                if !parsed.iter().any(|g| g.same_segments(&glob)) {
                    parsed.push(glob);
                }
            }
            plan::SelectionMode::Globs(parsed)
        }
    };
    Ok(plan::PlanOptions {
        package: options.package.clone(),
        crate_version: options.crate_version.clone(),
        service_root: options.service_root.clone(),
        levels: options.levels.clone(),
        select,
        root_features: options.root_features,
        key_syntax: options.key_syntax,
    })
}

/// Every stage up to the IR: read, model, analyse, service, plan.
fn analyse_and_plan(
    inputs: &Inputs,
    options: &Options,
    timings: &mut Timings,
) -> Result<(ir::Crate, Vec<Diagnostic>), Failure> {
    let plan_options = plan_options(options).map_err(|d| fail(vec![d]))?;
    let levels = &options.levels;
    // Without a model nothing else can run, whatever the levels say.
    let model_failure = |mut diagnostics: Vec<Diagnostic>| {
        levels.apply_to_model_errors(&mut diagnostics);
        fail(diagnostics)
    };
    let started = Instant::now();
    let sources = decode_documents(&inputs.metadata, &inputs.references).map_err(model_failure)?;
    let documents = read_documents(&sources).map_err(model_failure)?;
    let mut diagnostics = Vec::new();
    let pages = read_pages(&inputs.docs, &mut diagnostics);
    levels.apply(&mut diagnostics);
    timings.read = started.elapsed();

    let started = Instant::now();
    let model = model::build_model(&documents).map_err(model_failure)?;
    drop(documents);
    timings.model = started.elapsed();
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(fail(diagnostics));
    }

    let started = Instant::now();
    let service = service::Service::new(&model);
    let mut analysis_diagnostics = Vec::new();
    let analyses = pages
        .iter()
        .map(|page| analyse::analyse_page(&model, &service, page, &mut analysis_diagnostics))
        .collect();
    let planned = plan::plan(
        &model,
        &service,
        analyses,
        analysis_diagnostics,
        &plan_options,
    );
    timings.plan = started.elapsed();
    match planned {
        Ok((krate, plan_diagnostics)) => {
            diagnostics.extend(plan_diagnostics);
            levels.apply(&mut diagnostics);
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

/// Validates every page of `inputs` against its metadata: each request line and example
/// URL resolved, each example body and table checked. `progress` is called with (pages
/// done, pages in all) as pages complete; pages are analysed on all cores, and the
/// report is in input order whatever the thread count.
pub fn validate(
    inputs: &Inputs,
    levels: &Levels,
    progress: &mut dyn FnMut(usize, usize),
) -> Report {
    match read_model(&inputs.metadata, &inputs.references) {
        Ok(model) => analyse::report::validate(
            &model,
            &|| service::Service::new(&model),
            &inputs.docs,
            levels,
            progress,
        ),
        Err(diagnostics) => Report::of_metadata_errors(diagnostics, levels),
    }
}

/// The generator: inputs in, files out. Pure: no file system, no environment, and the
/// same inputs give byte-identical files.
pub fn generate(inputs: &Inputs, options: &Options) -> Result<Generated, Failure> {
    generate_timed(inputs, options).0
}

/// [`generate`], and how long each stage took (also when it fails).
pub fn generate_timed(inputs: &Inputs, options: &Options) -> (Result<Generated, Failure>, Timings) {
    let mut timings = Timings::default();
    let (krate, diagnostics) = match analyse_and_plan(inputs, options, &mut timings) {
        Ok(planned) => planned,
        Err(failure) => return (Err(failure), timings),
    };
    let input_names: Vec<String> = std::iter::once(&inputs.metadata)
        .chain(&inputs.references)
        .chain(&inputs.docs)
        .map(|i| diag::file_name(&i.name).to_owned())
        .collect();
    let started = Instant::now();
    let (mut files, emit_timings) = emit::emit_timed(&krate, &options.layout, &input_names);
    if options.api_report && matches!(options.layout, Layout::Crate { .. }) {
        let report = emit::api_report(&files, &krate.features, &input_names);
        files.insert(emit::API_REPORT.to_owned(), report);
    }
    timings.emit_and_format_wall = started.elapsed();
    timings.emit = emit_timings.emit;
    timings.format = emit_timings.format;
    timings.threads = emit_timings.threads;
    (Ok(Generated { files, diagnostics }), timings)
}

/// Entry points of single stages for the fuzz targets (built with `--cfg fuzzing`).
#[cfg(fuzzing)]
pub mod fuzzing {
    pub use crate::read::csdl::attribute_scans;

    /// Reads a page from bytes, as the pipeline does.
    pub fn read_page(input: &crate::Input) -> Vec<crate::Diagnostic> {
        match crate::read::decode_page(input) {
            Ok(source) => crate::read::page::read_page(&source).1,
            Err(d) => vec![d],
        }
    }
}
