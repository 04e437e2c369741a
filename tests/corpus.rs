//! The whole Graph beta reference against its metadata: every page read, resolved and
//! checked. Asserts the resolution figures as thresholds, so better reading passes and
//! a regression fails, without freezing today's counts. About 15 s in a debug build
//! (validation about 3 s, generation the rest).

mod common;

use std::path::Path;

use odata_codegen::{Input, Inputs, Level, Levels, Outcome, Summary};

fn corpus_inputs(dir: &Path) -> Inputs {
    let metadata = std::fs::read(dir.join("metadata.xml")).expect("the corpus metadata");
    let mut pages: Vec<_> = std::fs::read_dir(dir.join("api"))
        .expect("the corpus pages")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    pages.sort();
    Inputs::new(
        Input::new("metadata.xml", metadata),
        pages
            .iter()
            .map(|p| Input::new(p.display().to_string(), std::fs::read(p).expect("a page")))
            .collect(),
    )
}

/// Codes a request line may fail with: each says why.
fn specific(code: &str) -> bool {
    odata_codegen::diagnostic_group("unresolved").contains(&code)
        || matches!(code, "operation-not-allowed" | "forbidden-by-capabilities")
}

#[test]
#[cfg_attr(
    corpus_missing,
    ignore = "needs the Graph beta corpus at ../shared/graph-beta-2021-07 or $ODATA_CODEGEN_CORPUS"
)]
fn the_corpus_resolves_above_the_thresholds() {
    let dir = common::corpus();
    let inputs = corpus_inputs(&dir);
    let report = odata_codegen::validate(&inputs, &Levels::default(), &mut |_, _| {});
    let s = &report.summary;
    eprintln!("{}", report.summary_text());
    assert!(report.diagnostics.is_empty(), "the metadata reads");
    assert_eq!(s.pages, inputs.docs.len(), "no page is lost");
    let with_request = report.pages.iter().filter(|p| !p.lines.is_empty()).count();
    assert!(
        with_request * 100 >= s.pages * 95,
        "only {with_request} of {} pages have a request line",
        s.pages
    );
    assert!(
        s.request_lines >= 9_000,
        "the request lines are found: {}",
        s.request_lines
    );
    let resolved = Summary::percent(s.resolved, s.request_lines);
    // About 40 lines (`$ref` of directory objects, whose `NavigationRestrictions` say
    // `Referenceable` false) are `forbidden-by-capabilities`.
    assert!(resolved >= 98.0, "request lines resolved: {resolved}%");
    assert!(s.service_host.is_some());
    let examples = Summary::percent(s.example_urls_resolved, s.example_urls_on_service_host);
    assert!(
        examples >= 97.9,
        "example URLs on the service host resolved: {examples}%"
    );
    // Every unresolved line says precisely why; the bucket of names the schema does
    // not know at all stays small.
    for page in &report.pages {
        for line in &page.lines {
            if let Outcome::Unresolved(code) = line.outcome {
                assert!(specific(code), "{}:{}: `{code}`", page.file, line.line);
                let said = page.diagnostics.iter().any(|d| {
                    d.code == code && d.span.as_ref().is_some_and(|sp| sp.line() == line.line)
                });
                assert!(
                    said,
                    "{}:{}: no `{code}` diagnostic at the line",
                    page.file, line.line
                );
            }
        }
    }
    let unknown = s
        .unresolved_by_code
        .get("unknown-segment")
        .copied()
        .unwrap_or(0);
    assert!(
        unknown * 1000 <= s.request_lines * 2,
        "`unknown-segment` is a catch-all: {unknown} of {}",
        s.request_lines
    );
    assert!(
        s.bodies_checked >= 5_000,
        "example bodies checked: {}",
        s.bodies_checked
    );
}

#[test]
#[cfg_attr(
    corpus_missing,
    ignore = "needs the Graph beta corpus at ../shared/graph-beta-2021-07 or $ODATA_CODEGEN_CORPUS"
)]
fn the_corpus_generates_what_resolves_when_unresolved_lines_are_warnings() {
    let dir = common::corpus();
    let inputs = corpus_inputs(&dir);
    let failure = odata_codegen::generate(&inputs, &common::crate_options())
        .expect_err("by default a line that leads nowhere is an error");
    for error in failure.errors() {
        assert!(specific(error.code), "{error}");
    }
    let mut options = common::crate_options();
    options
        .levels
        .set("unresolved", Level::Warn)
        .expect("a group");
    let generated = odata_codegen::generate(&inputs, &options).expect("generates");
    let requests = common::module_text(&generated.files, "src/requests");
    // Documented on many pages, generated once.
    let sets = &generated.files["src/requests.rs"];
    assert_eq!(sets.matches("pub struct Users(").count(), 1);
    assert!(requests.contains("Documented in `user-list.md`."));
    assert!(generated.files["src/examples.rs"].contains("fn example_"));
}
