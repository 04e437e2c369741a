//! CSDL JSON is read into what CSDL XML is: the same service, from its XML and from its
//! JSON metadata, generates byte-identical crates. Both inputs are named as the XML file
//! is, so the file headers (which name the input) agree too.
//!
//! The twins: `tests/fixtures/csdl_json/<golden>.json` is the JSON of
//! `tests/goldens/<golden>/metadata.xml` (enums with implicit values and flags, type
//! definitions with facets, default values, aliased and multi-part keys, inheritance,
//! containment, referential constraints, overloaded bound and unbound operations, imports,
//! two aliased schemas, inline and targeted annotations with records), and
//! `graph-user-statuses.json` that of the default run's `metadata/graph-user-statuses.xml`;
//! `tests/fixtures/csdl_json/cap-bookshop/` holds what SAP CAP's compiler
//! (`@sap/cds-compiler` 7.1.1: `cdsc toOdata --odata-containment [--json]`) makes of the
//! CDS model beside it: CAP's `$Reference`s to the standard vocabularies,
//! `@Core.OptimisticConcurrency`, `@Validation.AllowedValues` collections of records with
//! annotated members, `@Capabilities` records with enumeration values as plain strings.

mod common;

use odata_codegen::{Files, Input, Inputs, Options, Select};

/// Generates everything from `metadata`, named `name`.
fn generate(name: &str, bytes: Vec<u8>) -> Files {
    let inputs = Inputs::new(Input::new(name, bytes), Vec::new());
    let options = Options {
        package: Some("twin".to_owned()),
        select: Select::All,
        root_features: true,
        api_report: true,
        ..common::crate_options()
    };
    match odata_codegen::generate(&inputs, &options) {
        Ok(generated) => generated.files,
        Err(failure) => {
            let shown: Vec<String> = failure.diagnostics.iter().map(|d| d.to_string()).collect();
            panic!("{name} does not generate:\n{}", shown.join("\n"))
        }
    }
}

fn read(relative: &str) -> Vec<u8> {
    std::fs::read(common::root().join(relative))
        .unwrap_or_else(|e| panic!("cannot read {relative}: {e}"))
}

/// The first file whose text differs, with its first differing line.
fn first_difference(xml: &Files, json: &Files) -> Option<String> {
    let names: std::collections::BTreeSet<&String> = xml.keys().chain(json.keys()).collect();
    for name in names {
        match (xml.get(name), json.get(name)) {
            (Some(a), Some(b)) if a == b => {}
            (Some(a), Some(b)) => {
                let line = a.lines().zip(b.lines()).find(|(x, y)| x != y).map_or_else(
                    || "(one is longer)".to_owned(),
                    |(x, y)| format!("XML: {x}\nJSON: {y}"),
                );
                return Some(format!("{name} differs:\n{line}"));
            }
            (a, _) => {
                let only = if a.is_some() { "XML" } else { "JSON" };
                return Some(format!("{name} is generated from the {only} alone"));
            }
        }
    }
    None
}

fn assert_twins(xml: &str, json: &str) {
    let name = xml.rsplit('/').next().unwrap_or(xml);
    let from_xml = generate(name, read(xml));
    let from_json = generate(name, read(json));
    assert!(
        from_xml.len() > 3,
        "{xml} generates only {} files",
        from_xml.len()
    );
    if let Some(difference) = first_difference(&from_xml, &from_json) {
        panic!("{json} does not generate what {xml} does: {difference}");
    }
}

#[test]
fn the_golden_services_generate_the_same_from_json() {
    for golden in ["trippin", "library", "orders", "drive", "two_schemas"] {
        assert_twins(
            &format!("tests/goldens/{golden}/metadata.xml"),
            &format!("tests/fixtures/csdl_json/{golden}.json"),
        );
    }
}

#[test]
fn the_default_run_generates_the_same_from_json() {
    // With its reference page, so that the page's requests resolve through the JSON too.
    let page = common::input(common::SEED_PAGE);
    let generate_with_page = |bytes: Vec<u8>| {
        let inputs = Inputs::new(
            Input::new("graph-user-statuses.xml", bytes),
            vec![page.clone()],
        );
        odata_codegen::generate(&inputs, &common::crate_options())
            .unwrap_or_else(|f| panic!("{:?}", f.diagnostics))
            .files
    };
    let from_xml = generate_with_page(read(common::METADATA));
    let from_json = generate_with_page(read("tests/fixtures/csdl_json/graph-user-statuses.json"));
    if let Some(difference) = first_difference(&from_xml, &from_json) {
        panic!("the default run differs from JSON: {difference}");
    }
}

#[test]
fn a_cap_service_generates_the_same_from_json() {
    assert_twins(
        "tests/fixtures/csdl_json/cap-bookshop/CatalogService.xml",
        "tests/fixtures/csdl_json/cap-bookshop/CatalogService.json",
    );
}

#[test]
fn a_difference_between_twins_is_found() {
    // The comparison fails when the JSON says one thing otherwise.
    let xml = "tests/goldens/trippin/metadata.xml";
    let json = String::from_utf8(read("tests/fixtures/csdl_json/trippin.json")).unwrap();
    let edited = json.replacen("\"MiddleName\"", "\"MiddleNames\"", 1);
    assert_ne!(edited, json);
    let from_xml = generate("metadata.xml", read(xml));
    let from_json = generate("metadata.xml", edited.into_bytes());
    assert!(first_difference(&from_xml, &from_json).is_some());
}

/// A diagnostic of the model, produced after reading, points into the JSON file.
#[test]
fn a_dangling_type_in_json_is_reported_at_its_line_and_column() {
    let json = r#"{
  "$Version": "4.01",
  "ns": {
    "thing": {
      "$Kind": "EntityType",
      "$Key": ["id"],
      "id": {},
      "part": {"$Type": "ns.missing"}
    }
  }
}"#;
    let diagnostics = odata_codegen::check_metadata(&Input::new("service.json", json));
    let error = diagnostics
        .iter()
        .find(|d| d.code == "unknown-type")
        .unwrap_or_else(|| panic!("no unknown-type in {diagnostics:?}"));
    let span = error.span.as_ref().expect("a position");
    assert_eq!(span.line_col(), (8, 7));
    assert!(
        error.to_string().starts_with("service.json:8:7: "),
        "{error}"
    );
}

#[test]
fn json_is_told_from_xml_by_its_first_character() {
    // A byte order mark and white space before `{`: still JSON, so a JSON error.
    let diagnostics =
        odata_codegen::check_metadata(&Input::new("m", "\u{feff} \r\n\t{\"$Version\": 4}"));
    assert_eq!(diagnostics[0].code, "csdl-json-shape", "{diagnostics:?}");
    assert_eq!(
        diagnostics[0].span.as_ref().map(|s| s.line_col()),
        Some((2, 3))
    );
    // Anything else is XML.
    let diagnostics = odata_codegen::check_metadata(&Input::new("m", " [1]"));
    assert_eq!(diagnostics[0].code, "csdl-root", "{diagnostics:?}");
}
