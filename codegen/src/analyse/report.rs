//! Validation of a whole corpus of pages against the schema: every page read, every
//! request line and example URL resolved, every example body and request-body table
//! checked. The result is a [`Report`]: per page its request lines (with what each
//! resolved to, or the code that says why not) and its diagnostics, plus summary
//! counts. Pages are analysed in parallel; the report is the same whatever the thread
//! count, in input order.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use serde_json::{Value, json};

use super::{Capabilities, DocumentedOperation, Page, RequestKind, analyse_page};
use crate::diag::{Diagnostic, Levels, Severity};
use crate::model::Model;
use crate::path::Target;
use crate::read::{Input, decode_page, page as doc};

/// What validation found.
#[derive(Debug)]
pub struct Report {
    /// Problems with the metadata (nothing else is checked then).
    pub diagnostics: Vec<Diagnostic>,
    pub pages: Vec<PageReport>,
    pub summary: Summary,
}

/// One page: its request lines, its example URLs and its diagnostics.
#[derive(Debug)]
pub struct PageReport {
    /// The input's name.
    pub file: String,
    pub lines: Vec<LineReport>,
    pub examples: Vec<LineReport>,
    pub diagnostics: Vec<Diagnostic>,
    /// Example bodies checked against a schema type.
    pub bodies_checked: usize,
}

/// A request line or an example URL, and what it resolved to.
#[derive(Debug)]
pub struct LineReport {
    pub line: u32,
    pub col: u32,
    pub method: &'static str,
    /// As written.
    pub target: String,
    /// `scheme://host/version` of an absolute URL.
    pub service_root: Option<String>,
    pub outcome: Outcome,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Resolved {
        /// `list`, `create`, `get`, `update`, `delete`, `invoke`, `reference`, `count`,
        /// `media` or `property`.
        kind: &'static str,
        /// The type the path addresses (`Collection(ns.x)`, `ns.x`, `Edm.Int32`).
        target: Option<String>,
        /// The action or function called, qualified.
        operation: Option<String>,
    },
    /// Did not resolve; the code of the diagnostic that says why.
    Unresolved(&'static str),
}

/// Counts over the whole corpus.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub pages: usize,
    pub request_lines: usize,
    pub resolved: usize,
    pub unresolved: usize,
    /// Unresolved request lines by the code that says why.
    pub unresolved_by_code: BTreeMap<&'static str, usize>,
    pub example_urls: usize,
    /// The host most absolute example URLs name.
    pub service_host: Option<String>,
    /// Example URLs on the service host: absolute ones naming it, and relative ones.
    pub example_urls_on_service_host: usize,
    /// Of those, the ones that resolved.
    pub example_urls_resolved: usize,
    pub bodies_checked: usize,
    pub errors: usize,
    pub warnings: usize,
    pub diagnostics_by_code: BTreeMap<&'static str, usize>,
}

impl Summary {
    /// `part` of `whole` in percent, one decimal.
    pub fn percent(part: usize, whole: usize) -> f64 {
        if whole == 0 {
            return 100.0;
        }
        (part as f64 * 1000.0 / whole as f64).round() / 10.0
    }
}

/// Validates every page of `docs` against the model; see [`crate::validate`]. Each
/// thread asks the `Capabilities` that `capabilities` gives it.
pub fn validate<C: Capabilities>(
    model: &Model,
    capabilities: &(dyn Fn() -> C + Sync),
    docs: &[Input],
    levels: &Levels,
    progress: &mut dyn FnMut(usize, usize),
) -> Report {
    let total = docs.len();
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, total.max(1));
    let next = AtomicUsize::new(0);
    let mut pages: Vec<Option<PageReport>> = (0..total).map(|_| None).collect();
    std::thread::scope(|scope| {
        let (sender, receiver) = mpsc::channel();
        for _ in 0..threads {
            let sender = sender.clone();
            let next = &next;
            scope.spawn(move || {
                let capabilities = capabilities();
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(input) = docs.get(index) else {
                        break;
                    };
                    let report = page_report(model, &capabilities, input, levels);
                    if sender.send((index, report)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(sender);
        let mut done = 0;
        for (index, report) in receiver {
            if let Some(slot) = pages.get_mut(index) {
                *slot = Some(report);
            }
            done += 1;
            progress(done, total);
        }
    });
    let pages: Vec<PageReport> = pages.into_iter().flatten().collect();
    let summary = summarize(&pages, &[]);
    Report {
        diagnostics: Vec::new(),
        pages,
        summary,
    }
}

/// Reads, resolves and checks one page.
fn page_report(
    model: &Model,
    capabilities: &dyn Capabilities,
    input: &Input,
    levels: &Levels,
) -> PageReport {
    let mut diagnostics = Vec::new();
    let source = match decode_page(input) {
        Ok(source) => source,
        Err(d) => {
            diagnostics.push(d);
            levels.apply(&mut diagnostics);
            return PageReport {
                file: input.name.clone(),
                lines: Vec::new(),
                examples: Vec::new(),
                diagnostics,
                bodies_checked: 0,
            };
        }
    };
    let (doc, read_diagnostics) = doc::read_page(&source);
    diagnostics.extend(read_diagnostics);
    let page = Page { source, doc };
    let analysis = analyse_page(model, capabilities, &page, &mut diagnostics);
    levels.apply(&mut diagnostics);
    crate::diag::sort(&mut diagnostics);
    let lines = analysis
        .lines
        .iter()
        .filter_map(|l| {
            let outcome = match l.result {
                Ok(index) => resolved(model, analysis.operations.get(index)?),
                Err(code) => Outcome::Unresolved(code),
            };
            Some(LineReport {
                line: l.span.line(),
                col: l.span.col(),
                method: l.method.as_str(),
                target: l.target.clone(),
                service_root: crate::path::service_root_of(&l.target),
                outcome,
            })
        })
        .collect();
    let examples = analysis
        .example_urls
        .iter()
        .map(|url| LineReport {
            line: url.span.line(),
            col: url.span.col(),
            method: url.method.as_str(),
            target: url.target.clone(),
            service_root: url.service_root.clone(),
            outcome: match url.result {
                Ok(kind) => Outcome::Resolved {
                    kind: kind.name(),
                    target: None,
                    operation: match kind {
                        RequestKind::Invoke(op) => Some(qualified_operation(model, op)),
                        _ => None,
                    },
                },
                Err(code) => Outcome::Unresolved(code),
            },
        })
        .collect();
    PageReport {
        file: input.name.clone(),
        lines,
        examples,
        diagnostics,
        bodies_checked: analysis.bodies_checked,
    }
}

fn qualified_operation(model: &Model, op: crate::model::OperationId) -> String {
    let def = model.operation(op);
    format!("{}.{}", def.namespace, def.name)
}

fn resolved(model: &Model, op: &DocumentedOperation) -> Outcome {
    Outcome::Resolved {
        kind: op.kind.name(),
        target: match op.path.target {
            Target::Nothing => None,
            target => target
                .type_ref()
                .map(|t| crate::model::type_ref_name(model, t)),
        },
        operation: match op.kind {
            RequestKind::Invoke(id) => Some(qualified_operation(model, id)),
            _ => None,
        },
    }
}

/// The host of a service root (`https://host/beta` -> `host`).
fn host(service_root: &str) -> &str {
    service_root.split('/').nth(2).unwrap_or_default()
}

fn summarize(pages: &[PageReport], global: &[Diagnostic]) -> Summary {
    let mut s = Summary {
        pages: pages.len(),
        ..Summary::default()
    };
    let mut hosts: BTreeMap<&str, usize> = BTreeMap::new();
    for page in pages {
        for example in &page.examples {
            if let Some(root) = &example.service_root {
                *hosts.entry(host(root)).or_default() += 1;
            }
        }
    }
    // The most used host; ties go to the first in sorted order.
    let service_host = hosts
        .iter()
        .fold(None, |best: Option<(&str, usize)>, (h, n)| match best {
            Some((_, m)) if m >= *n => best,
            _ => Some((h, *n)),
        })
        .map(|(h, _)| h.to_owned());
    for page in pages {
        s.bodies_checked += page.bodies_checked;
        for line in &page.lines {
            s.request_lines += 1;
            match line.outcome {
                Outcome::Resolved { .. } => s.resolved += 1,
                Outcome::Unresolved(code) => {
                    s.unresolved += 1;
                    *s.unresolved_by_code.entry(code).or_default() += 1;
                }
            }
        }
        for example in &page.examples {
            s.example_urls += 1;
            let on_host = example
                .service_root
                .as_deref()
                .is_none_or(|root| Some(host(root)) == service_host.as_deref());
            if on_host {
                s.example_urls_on_service_host += 1;
                if matches!(example.outcome, Outcome::Resolved { .. }) {
                    s.example_urls_resolved += 1;
                }
            }
        }
    }
    for d in global
        .iter()
        .chain(pages.iter().flat_map(|p| &p.diagnostics))
    {
        match d.severity {
            Severity::Error => s.errors += 1,
            Severity::Warning => s.warnings += 1,
        }
        *s.diagnostics_by_code.entry(d.code).or_default() += 1;
    }
    s.service_host = service_host;
    s
}

impl Report {
    /// The report of metadata that cannot be read or resolved: nothing else is checked.
    pub fn of_metadata_errors(mut diagnostics: Vec<Diagnostic>, levels: &Levels) -> Report {
        levels.apply_to_model_errors(&mut diagnostics);
        let summary = summarize(&[], &diagnostics);
        Report {
            diagnostics,
            pages: Vec::new(),
            summary,
        }
    }

    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.summary.errors > 0
    }

    /// Every diagnostic, metadata first, then page by page.
    pub fn diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .chain(self.pages.iter().flat_map(|p| &p.diagnostics))
    }

    /// The summary as text lines, for people.
    pub fn summary_text(&self) -> String {
        let s = &self.summary;
        let mut out = String::new();
        let mut line = |text: String| {
            out.push_str(&text);
            out.push('\n');
        };
        line(format!(
            "{} page(s); {} request line(s): {} resolved ({}%), {} unresolved",
            s.pages,
            s.request_lines,
            s.resolved,
            Summary::percent(s.resolved, s.request_lines),
            s.unresolved
        ));
        if !s.unresolved_by_code.is_empty() {
            line(format!(
                "  unresolved by code: {}",
                counts(&s.unresolved_by_code)
            ));
        }
        line(format!(
            "{} example URL(s), {} on the service host{}: {} resolved ({}%)",
            s.example_urls,
            s.example_urls_on_service_host,
            s.service_host
                .as_deref()
                .map_or_else(String::new, |h| format!(" ({h}, or relative)")),
            s.example_urls_resolved,
            Summary::percent(s.example_urls_resolved, s.example_urls_on_service_host)
        ));
        line(format!(
            "{} example body(ies) checked against the schema",
            s.bodies_checked
        ));
        line(format!("{} error(s), {} warning(s)", s.errors, s.warnings));
        if !s.diagnostics_by_code.is_empty() {
            line(format!("  by code: {}", counts(&s.diagnostics_by_code)));
        }
        out
    }

    /// The report as one JSON document.
    pub fn to_json(&self) -> Value {
        let s = &self.summary;
        json!({
            "summary": {
                "pages": s.pages,
                "request_lines": s.request_lines,
                "resolved": s.resolved,
                "unresolved": s.unresolved,
                "unresolved_by_code": s.unresolved_by_code,
                "example_urls": s.example_urls,
                "service_host": s.service_host,
                "example_urls_on_service_host": s.example_urls_on_service_host,
                "example_urls_resolved": s.example_urls_resolved,
                "examples_checked": s.bodies_checked,
                "errors": s.errors,
                "warnings": s.warnings,
                "diagnostics_by_code": s.diagnostics_by_code,
            },
            "diagnostics": diagnostics_json(&self.diagnostics),
            "diagnostics_left_out": left_out_json(&self.diagnostics),
            "pages": self.pages.iter().map(|p| json!({
                "file": p.file,
                "operations": p.lines.iter().map(line_json).collect::<Vec<_>>(),
                "examples": p.examples.iter().map(line_json).collect::<Vec<_>>(),
                "diagnostics": diagnostics_json(&p.diagnostics),
                "diagnostics_left_out": left_out_json(&p.diagnostics),
            })).collect::<Vec<_>>(),
        })
    }
}

fn counts(map: &BTreeMap<&'static str, usize>) -> String {
    let mut by_count: Vec<(&&str, &usize)> = map.iter().collect();
    by_count.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    by_count
        .iter()
        .map(|(code, n)| format!("{code} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn line_json(l: &LineReport) -> Value {
    let mut v = json!({
        "line": l.line,
        "col": l.col,
        "method": l.method,
        "target": l.target,
    });
    if let Value::Object(map) = &mut v {
        match &l.outcome {
            Outcome::Resolved {
                kind,
                target,
                operation,
            } => {
                map.insert("resolved".into(), json!(true));
                map.insert("kind".into(), json!(kind));
                if let Some(t) = target {
                    map.insert("type".into(), json!(t));
                }
                if let Some(o) = operation {
                    map.insert("operation".into(), json!(o));
                }
            }
            Outcome::Unresolved(code) => {
                map.insert("resolved".into(), json!(false));
                map.insert("code".into(), json!(code));
            }
        }
    }
    v
}

/// The diagnostics the human report would print: at most
/// [`crate::diag::MAX_SHOWN_PER_CODE_AND_FILE`] of one code in one file.
fn diagnostics_json(diagnostics: &[Diagnostic]) -> Vec<Value> {
    crate::diag::shown(diagnostics)
        .shown
        .into_iter()
        .map(diagnostic_json)
        .collect()
}

/// What [`diagnostics_json`] leaves out: `{"file", "code", "count"}` per file and code.
fn left_out_json(diagnostics: &[Diagnostic]) -> Vec<Value> {
    crate::diag::shown(diagnostics)
        .left_out
        .into_iter()
        .map(|(file, code, count)| json!({"file": file, "code": code, "count": count}))
        .collect()
}

fn diagnostic_json(d: &Diagnostic) -> Value {
    json!({
        "severity": d.severity.to_string(),
        "code": d.code,
        "file": d.span.as_ref().map(|s| s.source.name.clone()),
        "line": d.span.as_ref().map(crate::diag::Span::line),
        "col": d.span.as_ref().map(crate::diag::Span::col),
        "message": d.message,
        "notes": d.notes,
    })
}
