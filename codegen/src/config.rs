//! The build.rs API, in the spirit of prost-build's `Config`: name the inputs, then
//! [`Config::compile`] writes one file into `OUT_DIR` (only when its contents change)
//! for the crate to `include!`.

use std::path::{Path, PathBuf};

use crate::diag::{Level, Levels};
use crate::emit::Layout;
use crate::output::{OutputError, write_if_changed};
use crate::{Diagnostic, Failure, Input, Inputs, Options, Select, generate};

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("no metadata file was given: call Config::metadata")]
    NoMetadata,
    #[error("OUT_DIR is not set: call Config::out_dir, or run from a build script")]
    NoOutDir,
    #[error("cannot read `{}`: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A level given to a name that is no diagnostic code or group, or two levels to one.
    #[error("{0}")]
    Level(String),
    #[error("{}", render(&.0.diagnostics))]
    Generate(Failure),
    #[error(transparent)]
    Write(#[from] OutputError),
}

fn render(diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Builder for generating code from a build script.
///
/// ```no_run
/// // build.rs
/// odata_codegen::Config::new()
///     .metadata("metadata/service.xml")
///     .doc("metadata/add-thing.md")
///     .compile("service.rs")
///     .unwrap();
/// // lib.rs: include!(concat!(env!("OUT_DIR"), "/service.rs"));
/// ```
#[derive(Clone, Debug, Default)]
pub struct Config {
    metadata: Option<PathBuf>,
    docs: Vec<PathBuf>,
    service_root: Option<String>,
    out_dir: Option<PathBuf>,
    rerun_if_changed: bool,
    select: Select,
    root_features: bool,
    key_syntax: Option<crate::KeySyntax>,
    levels: Vec<(String, Level)>,
}

impl Config {
    pub fn new() -> Self {
        Self {
            rerun_if_changed: true,
            ..Self::default()
        }
    }

    /// The CSDL metadata file; the local documents its `edmx:Reference`s name are read
    /// with it.
    pub fn metadata(&mut self, path: impl AsRef<Path>) -> &mut Self {
        self.metadata = Some(path.as_ref().to_owned());
        self
    }

    /// A documentation page; call once per page.
    pub fn doc(&mut self, path: impl AsRef<Path>) -> &mut Self {
        self.docs.push(path.as_ref().to_owned());
        self
    }

    /// The default service root of the generated requests.
    pub fn service_root(&mut self, url: impl Into<String>) -> &mut Self {
        self.service_root = Some(url.into());
        self
    }

    /// Generates every type and everything the entity container exposes, not only the
    /// documented endpoints.
    pub fn all(&mut self) -> &mut Self {
        self.select = Select::All;
        self
    }

    /// Generates what a path glob selects (`/users/{id}/messages`,
    /// `/deviceAppManagement/**`); call once per glob.
    pub fn select(&mut self, glob: impl Into<String>) -> &mut Self {
        match &mut self.select {
            Select::Paths(globs) => globs.push(glob.into()),
            other => *other = Select::Paths(vec![glob.into()]),
        }
        self
    }

    /// Gates each entity set, singleton and operation import behind a Cargo feature of
    /// its name (and everything behind `full`); the including crate declares them.
    pub fn root_features(&mut self, enabled: bool) -> &mut Self {
        self.root_features = enabled;
        self
    }

    /// Writes keys as segments (`/People/u`) or in parentheses (`/People('u')`)
    /// whatever the service declares; see [`Options::key_syntax`](crate::Options::key_syntax).
    pub fn key_syntax(&mut self, syntax: crate::KeySyntax) -> &mut Self {
        self.key_syntax = Some(syntax);
        self
    }

    /// The level of a diagnostic code or group (`odata-codegen codes` lists them), as
    /// `--deny`, `--warn` and `--allow` set it on the command line; call once per name.
    pub fn level(&mut self, code_or_group: impl Into<String>, level: Level) -> &mut Self {
        self.levels.push((code_or_group.into(), level));
        self
    }

    /// Where to write; defaults to `OUT_DIR`.
    pub fn out_dir(&mut self, dir: impl AsRef<Path>) -> &mut Self {
        self.out_dir = Some(dir.as_ref().to_owned());
        self
    }

    /// Whether to print `cargo:rerun-if-changed` for exactly the inputs read, the
    /// referenced documents among them (default true). Turn it off to manage rerun conditions in your own build script.
    pub fn emit_rerun_if_changed(&mut self, enabled: bool) -> &mut Self {
        self.rerun_if_changed = enabled;
        self
    }

    /// Generates into `<out_dir>/<file_name>` and returns its path. Warnings are passed
    /// to Cargo as `cargo:warning` lines.
    pub fn compile(&self, file_name: &str) -> Result<PathBuf, ConfigError> {
        let metadata = self.metadata.as_ref().ok_or(ConfigError::NoMetadata)?;
        let mut levels = Levels::default();
        for (name, level) in &self.levels {
            levels.set(name, *level).map_err(ConfigError::Level)?;
        }
        let out_dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or(ConfigError::NoOutDir)?,
        };
        // Sizes are checked before reading, as on the command line.
        let read = |path: &PathBuf, limit: u64| {
            if self.rerun_if_changed {
                println!("cargo:rerun-if-changed={}", path.display());
            }
            Input::read_file(path, limit).map_err(|source| ConfigError::Read {
                path: path.clone(),
                source,
            })
        };
        let options = Options {
            package: None,
            crate_version: None,
            service_root: self.service_root.clone(),
            layout: Layout::SingleFile {
                file_name: file_name.to_owned(),
            },
            levels,
            select: self.select.clone(),
            root_features: self.root_features,
            api_report: false,
            key_syntax: self.key_syntax,
        };
        // A bad option (a file name outside `out_dir`, a bad glob) before any file is read.
        crate::check_options(&options).map_err(|d| {
            ConfigError::Generate(Failure {
                diagnostics: vec![d],
            })
        })?;
        let metadata = read(metadata, crate::read::MAX_METADATA_BYTES)?;
        let references = crate::load_references(&metadata);
        if self.rerun_if_changed {
            for path in &references.paths {
                println!("cargo:rerun-if-changed={path}");
            }
        }
        if !references.errors.is_empty() {
            return Err(ConfigError::Generate(Failure {
                diagnostics: references.errors,
            }));
        }
        let docs = self
            .docs
            .iter()
            .map(|doc| read(doc, crate::read::page::MAX_PAGE_BYTES as u64))
            .collect::<Result<_, _>>()?;
        let inputs = Inputs {
            metadata,
            references: references.documents,
            docs,
        };
        let generated = generate(&inputs, &options).map_err(ConfigError::Generate)?;
        for warning in &generated.diagnostics {
            let first_line = warning.to_string();
            let first_line = first_line.lines().next().unwrap_or_default();
            println!("cargo:warning={first_line}");
        }
        let path = out_dir.join(file_name);
        let contents = generated
            .files
            .get(file_name)
            .map(String::as_str)
            .unwrap_or_default();
        write_if_changed(&path, contents)?;
        Ok(path)
    }
}

/// The common case in one call: `metadata` and `docs` into `OUT_DIR/<file_name>`.
pub fn compile(
    metadata: impl AsRef<Path>,
    docs: &[impl AsRef<Path>],
    file_name: &str,
) -> Result<PathBuf, ConfigError> {
    let mut config = Config::new();
    config.metadata(metadata);
    for doc in docs {
        config.doc(doc);
    }
    config.compile(file_name)
}
