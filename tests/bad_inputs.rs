//! A catalogue of bad inputs, one test each. Every case runs the real command line
//! in-process (`odata-codegen generate`) into an output directory that already holds a
//! generated crate, and checks:
//!
//! - the diagnostic: its code, and the file with line and column (or, for a problem
//!   that has no position, the file named in the message);
//! - the exit status: 1 for an error, with the output directory byte for byte as it
//!   was and nothing left beside it; 0 for an input that is merely imperfect (the page
//!   still says something useful, or the schema is valid but unusual), with the warning
//!   printed and the crate written;
//! - no panic, no backtrace, and a short report even for inputs of many megabytes.
//!
//! Small inputs are files in `tests/fixtures/bad/`; large ones are made here. A metadata
//! fixture may reference another fixture (`referenced.xml`), read beside it as the command
//! line reads every referenced document.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

const FIXTURES: &str = "tests/fixtures/bad";
/// Stderr stays readable whatever the input's size.
const MAX_REPORT_BYTES: usize = 64 * 1024;

/// One input of a case.
enum Given {
    /// A file of `tests/fixtures/bad/`.
    Fixture(&'static str),
    /// The default input of the README's main command (`metadata/`).
    Default,
    /// These bytes, written to a file of this name.
    Bytes(&'static str, Vec<u8>),
    /// Files of these names and texts written side by side; the first is the input.
    Files(Vec<(String, String)>),
    /// A directory where a file is expected (for `--doc`: one without pages).
    Directory,
    /// A path where nothing is.
    Missing,
    /// A sparse file of this name and size: it costs no disk, but is that large.
    Sparse(&'static str, u64),
    /// A FIFO of this name, into which a thread writes this many bytes (or until the
    /// reader closes it).
    Fifo(&'static str, usize),
}

enum Blame {
    Metadata,
    Page,
    /// A document the metadata references, by its file name beside the metadata.
    Beside(String),
}

/// Where the diagnostic points.
#[derive(Clone, Copy)]
enum At {
    LineCol(u32, u32),
    /// The line only, where the column is a library's depth limit.
    Line(u32),
    /// No position (the file cannot be read); the message names the file.
    Nowhere,
}

struct Case {
    metadata: Given,
    page: Given,
}

/// A case with bad metadata and the default page.
fn metadata(given: Given) -> Case {
    Case {
        metadata: given,
        page: Given::Default,
    }
}

/// A case with the default metadata and a bad page.
fn page(given: Given) -> Case {
    Case {
        metadata: Given::Default,
        page: given,
    }
}

fn default_text(relative: &str) -> String {
    fs::read_to_string(common::root().join(relative)).expect("default input")
}

/// The default input with `from` (which must occur) replaced by `to`, once.
fn edited(relative: &str, from: &str, to: &str) -> String {
    let text = default_text(relative);
    assert!(text.contains(from), "`{from}` is not in {relative}");
    text.replacen(from, to, 1)
}

/// The 1-based line and column (in characters) where `needle` first occurs in `text`.
fn position_of(text: &str, needle: &str) -> At {
    position_at(text, text.find(needle).expect("needle occurs"))
}

/// The 1-based line and column (in characters) of a byte offset of `text`. Lines end
/// at `\r\n`, `\r` or `\n` (XML's and CommonMark's line ends); a byte order mark
/// takes no column.
fn position_at(text: &str, offset: usize) -> At {
    let (mut line, mut col) = (1, 1);
    let mut chars = text[..offset].chars().peekable();
    if text.starts_with('\u{feff}') {
        chars.next();
    }
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => {}
            '\r' | '\n' => (line, col) = (line + 1, 1),
            _ => col += 1,
        }
    }
    At::LineCol(line, col)
}

/// Every file below `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(d) = pending.pop() {
        for entry in fs::read_dir(&d).expect("read_dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let bytes = fs::read(&path).expect("read");
                files.insert(path.strip_prefix(dir).unwrap().to_owned(), bytes);
            }
        }
    }
    files
}

struct Run {
    code: u8,
    stderr: String,
    metadata: String,
    page: String,
    out: PathBuf,
    before: BTreeMap<PathBuf, Vec<u8>>,
    dir: PathBuf,
    name: String,
}

impl Case {
    fn run(self, name: &str) -> Run {
        let dir = common::temp_dir(&format!("bad-{name}"));
        let place = |given: Given, default: &str, file: &str| -> PathBuf {
            match given {
                Given::Default => common::root().join(default),
                Given::Fixture(f) => common::root().join(FIXTURES).join(f),
                Given::Bytes(f, bytes) => {
                    let path = dir.join(f);
                    fs::write(&path, bytes).expect("write input");
                    path
                }
                Given::Files(files) => {
                    for (f, text) in &files {
                        fs::write(dir.join(f), text).expect("write input");
                    }
                    dir.join(&files[0].0)
                }
                Given::Directory => {
                    let path = dir.join(format!("{file}-dir"));
                    fs::create_dir_all(&path).expect("mkdir");
                    path
                }
                Given::Missing => dir.join(format!("no-such-{file}")),
                Given::Sparse(f, size) => {
                    let path = dir.join(f);
                    let file = fs::File::create(&path).expect("create input");
                    file.set_len(size).expect("a sparse file");
                    path
                }
                Given::Fifo(f, size) => {
                    let path = dir.join(f);
                    let made = std::process::Command::new("mkfifo")
                        .arg(&path)
                        .status()
                        .expect("mkfifo runs");
                    assert!(made.success(), "mkfifo {}", path.display());
                    let writing = path.clone();
                    // Never joined: if the reader never opens the FIFO, the thread
                    // waits until the test binary ends.
                    std::thread::spawn(move || {
                        use std::io::Write;
                        let Ok(mut fifo) = fs::OpenOptions::new().write(true).open(&writing) else {
                            return;
                        };
                        let chunk = vec![b'a'; 1 << 20];
                        let mut written = 0;
                        while written < size {
                            let n = chunk.len().min(size - written);
                            if fifo.write_all(&chunk[..n]).is_err() {
                                return;
                            }
                            written += n;
                        }
                    });
                    path
                }
            }
        };
        let metadata = place(self.metadata, common::METADATA, "metadata.xml");
        let page = place(self.page, common::SEED_PAGE, "page.md");
        // The output of an earlier run, with the user's build beside it.
        let out = dir.join("out");
        fs::create_dir_all(out.join("src")).unwrap();
        fs::create_dir_all(out.join("target/debug")).unwrap();
        fs::write(
            out.join("Cargo.toml"),
            "# @generated by odata-codegen from x.xml. Do not edit: regenerate instead.\n[package]\n",
        )
        .unwrap();
        fs::write(
            out.join("src/lib.rs"),
            "// @generated by odata-codegen from x.xml. Do not edit: regenerate instead.\n",
        )
        .unwrap();
        fs::write(out.join("Cargo.lock"), "# lock\n").unwrap();
        fs::write(out.join("target/debug/build-output"), [0u8, 1, 2]).unwrap();
        let before = snapshot(&out);
        let (code, stdout, stderr) = common::cli_generate(&metadata, &page, &out, &[]);
        assert_eq!(stdout, "", "{name}: nothing on stdout");
        Run {
            code,
            stderr,
            metadata: metadata.display().to_string(),
            page: page.display().to_string(),
            out,
            before,
            dir,
            name: name.to_owned(),
        }
    }
}

impl Run {
    fn file(&self, blame: &Blame) -> String {
        match blame {
            Blame::Metadata => self.metadata.clone(),
            Blame::Page => self.page.clone(),
            Blame::Beside(name) => Path::new(&self.metadata)
                .with_file_name(name)
                .display()
                .to_string(),
        }
    }

    fn assert_report(&self, severity: &str, code: &str, blame: Blame, at: At) {
        let (name, stderr) = (&self.name, &self.stderr);
        assert!(
            !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
            "{name}: {stderr}"
        );
        assert!(
            stderr.len() < MAX_REPORT_BYTES,
            "{name}: a report of {} bytes",
            stderr.len()
        );
        let file = &*self.file(&blame);
        let file = &*shown(file);
        let found = match at {
            At::LineCol(line, col) => {
                stderr.contains(&format!("{file}:{line}:{col}: {severity}[{code}]: "))
            }
            At::Line(line) => stderr.lines().any(|l| {
                l.strip_prefix(&format!("{file}:{line}:"))
                    .and_then(|rest| rest.split_once(": "))
                    .is_some_and(|(col, rest)| {
                        col.parse::<u32>().is_ok()
                            && rest.starts_with(&format!("{severity}[{code}]: "))
                    })
            }),
            At::Nowhere => stderr.lines().any(|l| {
                l.starts_with(&format!("{severity}[{code}]: ")) && l.contains(&format!("`{file}`"))
            }),
        };
        assert!(
            found,
            "{name}: expected {severity}[{code}] in {file}\n{stderr}"
        );
    }

    /// Nothing beside the output directory but the inputs the case wrote.
    fn assert_nothing_left_beside(&self) {
        for entry in fs::read_dir(&self.dir).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            assert!(
                !name.starts_with(".out"),
                "{}: `{name}` was left beside the output",
                self.name
            );
        }
    }

    /// An error: exit 1, the diagnostic, and the output directory as it was.
    fn fails(self, code: &str, blame: Blame, at: At) {
        assert_eq!(self.code, 1, "{}: exit status\n{}", self.name, self.stderr);
        self.assert_report("error", code, blame, at);
        assert!(
            !self.stderr.contains("wrote "),
            "{}: {}",
            self.name,
            self.stderr
        );
        assert_eq!(
            snapshot(&self.out),
            self.before,
            "{}: the output directory changed",
            self.name
        );
        self.assert_nothing_left_beside();
        fs::remove_dir_all(&self.dir).unwrap();
    }

    /// Merely imperfect: exit 0, the warning, and a new crate in the output directory.
    fn warns(self, code: &str, blame: Blame, at: At) {
        assert_eq!(self.code, 0, "{}: exit status\n{}", self.name, self.stderr);
        self.assert_report("warning", code, blame, at);
        self.succeeded();
    }

    /// Accepted (the schema is valid, if odd): exit 0 and a new crate.
    fn succeeds(self) {
        assert_eq!(self.code, 0, "{}: exit status\n{}", self.name, self.stderr);
        self.assert_report(
            "warning",
            "todo-permission",
            Blame::Page,
            At::LineCol(21, 37),
        );
        self.succeeded();
    }

    fn succeeded(self) {
        assert!(self.stderr.contains("wrote "), "{}", self.stderr);
        let cargo_toml = fs::read_to_string(self.out.join("Cargo.toml")).unwrap();
        assert!(cargo_toml.contains("[dependencies]"), "{cargo_toml}");
        // The user's build survives a regeneration.
        assert_eq!(
            fs::read(self.out.join("target/debug/build-output")).unwrap(),
            [0, 1, 2]
        );
        self.assert_nothing_left_beside();
        fs::remove_dir_all(&self.dir).unwrap();
    }
}

/// `text` as the report shows text from the inputs: what a terminal would obey or hide
/// as escapes (`\x1b`, `\u{202e}`).
fn shown(text: &str) -> std::borrow::Cow<'_, str> {
    let hidden = |c: char| {
        c.is_control()
            || matches!(
                c,
                '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{206f}' | '\u{feff}'
            )
    };
    if !text.contains(hidden) {
        return text.into();
    }
    text.chars()
        .map(|c| match c {
            c if hidden(c) && (c as u32) < 0x80 => format!("\\x{:02x}", c as u32),
            c if hidden(c) => format!("\\u{{{:x}}}", c as u32),
            c => c.to_string(),
        })
        .collect::<String>()
        .into()
}

use Blame::{Metadata as M, Page as P};
use Given::{Bytes, Fixture};

macro_rules! fixture_case {
    ($($test:ident: $case:expr => $method:ident($code:expr, $blame:expr, $at:expr);)*) => {
        $(
            #[test]
            fn $test() {
                $case.run(stringify!($test)).$method($code, $blame, $at);
            }
        )*
    };
}

fixture_case! {
    // Malformed XML.
    xml_unclosed_element: metadata(Fixture("unclosed-element.xml"))
        => fails("xml-syntax", M, At::LineCol(5, 7));
    xml_mismatched_end_tag: metadata(Fixture("mismatched-end-tag.xml"))
        => fails("xml-syntax", M, At::LineCol(5, 5));
    xml_unquoted_attribute: metadata(Fixture("unquoted-attribute.xml"))
        => fails("xml-syntax", M, At::LineCol(4, 23));
    // Not CSDL, or not a version this generator reads.
    csdl_wrong_root_element: metadata(Fixture("wrong-root.xml"))
        => fails("csdl-root", M, At::LineCol(2, 1));
    csdl_root_in_wrong_namespace: metadata(Fixture("root-in-wrong-namespace.xml"))
        => fails("csdl-root", M, At::LineCol(2, 1));
    csdl_unsupported_version: metadata(Fixture("unsupported-version.xml"))
        => fails("csdl-version", M, At::LineCol(2, 1));
    csdl_no_version: metadata(Fixture("no-version.xml"))
        => fails("csdl-missing-attribute", M, At::LineCol(2, 1));
    csdl_schema_without_namespace: metadata(Fixture("missing-namespace.xml"))
        => fails("csdl-missing-attribute", M, At::LineCol(4, 5));
    csdl_no_schema: metadata(Fixture("no-schema.xml"))
        => fails("csdl-no-schema", M, At::LineCol(2, 1));
    // A Schema outside the EDM namespace is a foreign element, so there is none.
    csdl_schema_in_no_namespace: metadata(Fixture("schema-in-no-namespace.xml"))
        => fails("csdl-no-schema", M, At::LineCol(2, 1));
    csdl_property_without_type: metadata(Fixture("property-without-type.xml"))
        => fails("csdl-missing-attribute", M, At::LineCol(7, 9));
    csdl_boolean_attribute_not_boolean: metadata(Fixture("invalid-boolean.xml"))
        => fails("csdl-invalid-value", M, At::LineCol(7, 9));
    // CSDL JSON: malformed, of the wrong shape, or inconsistent (the position is in the JSON).
    json_truncated: metadata(Fixture("truncated.json"))
        => fails("json-syntax", M, At::LineCol(4, 13));
    json_key_not_an_array: metadata(Fixture("key-not-an-array.json"))
        => fails("csdl-json-shape", M, At::LineCol(6, 7));
    json_dangling_property_type: metadata(Fixture("dangling-property-type.json"))
        => fails("unknown-type", M, At::LineCol(12, 7));
    // Inconsistent schemas.
    dangling_property_type: metadata(Fixture("dangling-property-type.xml"))
        => fails("unknown-type", M, At::LineCol(10, 9));
    dangling_base_type: metadata(Fixture("dangling-base-type.xml"))
        => fails("unknown-type", M, At::LineCol(5, 7));
    dangling_navigation_target: metadata(Fixture("dangling-navigation-target.xml"))
        => fails("unknown-type", M, At::LineCol(8, 9));
    dangling_entity_set_type: metadata(Fixture("dangling-entity-set-type.xml"))
        => fails("unknown-type", M, At::LineCol(10, 9));
    unknown_edm_primitive: metadata(Fixture("unknown-edm-primitive.xml"))
        => fails("unknown-type", M, At::LineCol(7, 9));
    cyclic_base_type: metadata(Fixture("cyclic-base-type.xml"))
        => fails("cyclic-base-type", M, At::LineCol(5, 7));
    type_is_its_own_base: metadata(Fixture("self-base-type.xml"))
        => fails("cyclic-base-type", M, At::LineCol(5, 7));
    complex_type_derived_from_entity: metadata(Fixture("entity-as-complex-base.xml"))
        => fails("invalid-type", M, At::LineCol(9, 7));
    duplicate_type_name: metadata(Fixture("duplicate-type.xml"))
        => fails("duplicate-name", M, At::LineCol(9, 7));
    duplicate_property_name: metadata(Fixture("duplicate-property.xml"))
        => fails("duplicate-name", M, At::LineCol(8, 9));
    duplicate_enum_member: metadata(Fixture("duplicate-enum-member.xml"))
        => fails("duplicate-name", M, At::LineCol(7, 9));
    key_property_does_not_exist: metadata(Fixture("key-not-a-property.xml"))
        => fails("invalid-key", M, At::LineCol(6, 14));
    enum_value_not_an_integer: metadata(Fixture("enum-value-not-integer.xml"))
        => fails("invalid-enum-value", M, At::LineCol(6, 9));
    // DTDs are never read: entities are not expanded, nothing is fetched.
    dtd_external_entity_in_text: metadata(Fixture("dtd-entity-in-text.xml"))
        => fails("xml-syntax", M, At::LineCol(10, 19));
    dtd_external_entity_in_attribute: metadata(Fixture("dtd-entity-in-attribute.xml"))
        => fails("xml-syntax", M, At::LineCol(8, 27));
    dtd_billion_laughs: metadata(Fixture("billion-laughs.xml"))
        => fails("xml-syntax", M, At::LineCol(18, 67));
    // Not UTF-8, or nothing at all.
    metadata_invalid_utf8: metadata(Fixture("invalid-utf8.xml"))
        => fails("invalid-utf8", M, At::LineCol(4, 32));
    metadata_utf16: metadata(Fixture("utf16.xml"))
        => fails("invalid-utf8", M, At::LineCol(1, 1));
    metadata_empty: metadata(Fixture("empty.xml"))
        => fails("csdl-root", M, At::LineCol(1, 1));
    metadata_is_a_directory: metadata(Given::Directory)
        => fails("io", M, At::Nowhere);
    metadata_does_not_exist: metadata(Given::Missing)
        => fails("io", M, At::Nowhere);

    // Pages. A page's errors stop the run; its warnings leave the rest of the page usable.
    page_invalid_utf8: page(Fixture("invalid-utf8.md"))
        => fails("invalid-utf8", P, At::LineCol(3, 15));
    page_empty: page(Fixture("empty.md"))
        => fails("empty-page", P, At::LineCol(1, 1));
    page_only_whitespace: page(Fixture("whitespace-only.md"))
        => fails("empty-page", P, At::LineCol(1, 1));
    page_is_a_directory_without_pages: page(Given::Directory)
        => fails("io", P, At::Nowhere);
    page_does_not_exist: page(Given::Missing)
        => fails("io", P, At::Nowhere);
    page_path_leads_nowhere: page(Fixture("path-leads-nowhere.md"))
        => fails("unknown-segment", P, At::LineCol(31, 27));
    page_unknown_root: page(Fixture("unknown-root.md"))
        => fails("unknown-root", P, At::LineCol(31, 7));
    page_key_on_a_singleton: page(Fixture("key-on-single.md"))
        => fails("key-on-single", P, At::LineCol(31, 26));
    // Warnings: the page's other sections and examples still serve.
    page_annotation_not_json: page(Fixture("annotation-not-json.md"))
        => warns("annotation-not-json", P, At::LineCol(64, 25));
    page_annotation_field_of_wrong_type: page(Fixture("annotation-field-type.md"))
        => warns("annotation-field-type", P, At::LineCol(87, 16));
    page_without_http_request_section: page(Fixture("no-http-request-block.md"))
        => warns("no-http-request-block", P, At::LineCol(1, 1));
    page_request_block_without_request: page(Fixture("request-block-without-request.md"))
        => warns("no-http-request-block", P, At::LineCol(30, 1));
    page_unknown_http_method: page(Fixture("unknown-method.md"))
        => warns("unknown-http-method", P, At::LineCol(31, 1));
    page_example_body_not_json: page(Fixture("example-body-not-json.md"))
        => warns("example-body-not-json", P, At::LineCol(76, 19));
    page_example_not_http: page(Fixture("example-not-http.md"))
        => warns("example-not-http", P, At::LineCol(68, 1));
    page_example_unknown_property: page(Fixture("unknown-property.md"))
        => warns("unknown-property", P, At::LineCol(77, 3));
    page_example_wrong_json_type: page(Fixture("wrong-json-type.md"))
        => warns("wrong-json-type", P, At::LineCol(76, 19));
    page_example_invalid_literal: page(Fixture("invalid-literal.md"))
        => warns("invalid-literal", P, At::LineCol(78, 27));
}

// Referenced documents: read beside the metadata, never fetched. Each message names what
// was tried or what is wrong.

/// The fixture's path, as the report shows it.
fn fixture_path(name: &str) -> String {
    common::root()
        .join(FIXTURES)
        .join(name)
        .display()
        .to_string()
}

#[test]
fn referenced_document_does_not_exist() {
    let run = metadata(Fixture("reference-missing.xml")).run("reference-missing");
    let tried = fixture_path("no-such-document.xml");
    assert!(
        run.stderr.contains(&format!(
            "cannot read `{tried}`, which reference `./no-such-document.xml` names: "
        )),
        "{}",
        run.stderr
    );
    run.fails("reference-not-found", M, At::LineCol(3, 3));
}

/// A reference to the standard vocabularies is known by name; any other URL is never
/// fetched, and a type named from it is refused at its use (annotation terms of such
/// vocabularies are ignored, as CAP's references to SAP's need).
#[test]
fn referenced_document_is_not_local() {
    let run = metadata(Fixture("reference-not-local.xml")).run("reference-not-local");
    assert!(
        run.stderr.contains(
            "`other.thing` is of namespace `test.other`, which reference `https://example.com/odata/other/$metadata` includes; that is not a local file, and odata-codegen does not fetch referenced documents: save it beside `reference-not-local.xml` and reference it by a relative path"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("the reference is at "),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.matches("error[").count(), 1, "{}", run.stderr);
    run.fails("reference-not-local", M, At::LineCol(14, 9));
}

#[test]
fn referenced_document_lacks_an_included_namespace() {
    let run = metadata(Fixture("reference-undeclared-namespace.xml")).run("reference-undeclared");
    let referenced = fixture_path("referenced.xml");
    assert!(
        run.stderr.contains(&format!(
            "`{referenced}` declares no namespace `test.elsewhere`, which this reference includes"
        )),
        "{}",
        run.stderr
    );
    run.fails("include-not-declared", M, At::LineCol(5, 5));
}

/// The second document to declare a namespace is the one in error.
#[test]
fn namespace_declared_by_two_documents() {
    let run = metadata(Fixture("reference-duplicate-namespace.xml")).run("reference-duplicate");
    let first = fixture_path("reference-duplicate-namespace.xml");
    assert!(
        run.stderr
            .contains("namespace `test.referenced` is declared by two documents"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains(&format!("first declared at {first}:7:5")),
        "{}",
        run.stderr
    );
    run.fails(
        "duplicate-name",
        Blame::Beside("referenced.xml".to_owned()),
        At::LineCol(5, 5),
    );
}

/// A chain of documents each referencing the next stops at the bound, at the reference
/// that would cross it.
#[test]
fn more_referenced_documents_than_the_bound() {
    let document = |i: usize| {
        format!(
            r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:Reference Uri="./d{next}.xml"><edmx:Include Namespace="test.d{next}" /></edmx:Reference>
  <edmx:DataServices><Schema Namespace="test.d{i}" xmlns="http://docs.oasis-open.org/odata/ns/edm" /></edmx:DataServices>
</edmx:Edmx>
"#,
            next = i + 1
        )
    };
    let files = (0..=odata_codegen::MAX_DOCUMENTS)
        .map(|i| (format!("d{i}.xml"), document(i)))
        .collect();
    let last = format!("d{}.xml", odata_codegen::MAX_DOCUMENTS - 1);
    metadata(Given::Files(files))
        .run("too-many-documents")
        .fails("too-many-documents", Blame::Beside(last), At::LineCol(2, 3));
}

const DEPTH: usize = 100_000;

#[test]
fn attribute_of_10_mib_naming_no_type() {
    let huge = format!("graph.{}", "x".repeat(10 << 20));
    let text = edited(
        common::METADATA,
        r#"<Property Name="devicesCount" Type="Edm.Int32""#,
        &format!(r#"<Property Name="devicesCount" Type="{huge}""#),
    );
    let at = position_of(&text, r#"<Property Name="devicesCount""#);
    metadata(Bytes("huge-attribute.xml", text.into_bytes()))
        .run("huge-attribute")
        .fails("unknown-type", M, at);
}

#[test]
fn annotations_nested_100_000_levels_deep() {
    let anchor = r#"<EnumType Name="complianceStatus">"#;
    let nested = format!(
        r#"<Annotation Term="Org.OData.Core.V1.Description">{}{}</Annotation>{anchor}"#,
        "<Collection>".repeat(DEPTH),
        "</Collection>".repeat(DEPTH)
    );
    let text = edited(common::METADATA, anchor, &nested);
    // The 65th <Collection> is where the depth limit is crossed.
    let opening = r#"<Annotation Term="Org.OData.Core.V1.Description">"#;
    let At::LineCol(line, col) = position_of(&text, &format!("{opening}<Collection>")) else {
        unreachable!("position_of gives a line and column")
    };
    let at = At::LineCol(
        line,
        col + (opening.len() + 64 * "<Collection>".len()) as u32,
    );
    metadata(Bytes("deep-annotation.xml", text.into_bytes()))
        .run("deep-annotation")
        .fails("csdl-too-deep", M, at);
}

#[test]
fn elements_nested_100_000_levels_deep_and_never_closed() {
    let anchor = r#"<EnumType Name="complianceStatus">"#;
    let text = edited(
        common::METADATA,
        anchor,
        &format!("{}{anchor}", "<x>".repeat(DEPTH)),
    );
    // The first end tag that does not match is </Schema>.
    let at = position_of(&text, "</Schema>");
    metadata(Bytes("deep-unclosed.xml", text.into_bytes()))
        .run("deep-unclosed")
        .fails("xml-syntax", M, at);
}

/// CSDL says to ignore elements it does not define, however deep.
#[test]
fn unknown_elements_nested_100_000_levels_deep_are_skipped() {
    let anchor = r#"<EnumType Name="complianceStatus">"#;
    let text = edited(
        common::METADATA,
        anchor,
        &format!("{}{}{anchor}", "<x>".repeat(DEPTH), "</x>".repeat(DEPTH)),
    );
    metadata(Bytes("deep-unknown.xml", text.into_bytes()))
        .run("deep-unknown")
        .succeeds();
}

/// Where the first byte that is not UTF-8 is.
fn first_invalid_byte(bytes: &[u8]) -> At {
    let valid = std::str::from_utf8(bytes)
        .expect_err("not UTF-8")
        .valid_up_to();
    let prefix = std::str::from_utf8(&bytes[..valid]).expect("valid prefix");
    position_at(prefix, valid)
}

/// Inheritance is checked in one walk per type chain: 100,000 types each deriving from
/// the one before, whose first base names nothing, are checked at once.
#[test]
fn base_type_chain_of_100_000_types() {
    let mut types = String::from("      <ComplexType Name=\"t0\" BaseType=\"graph.missing\" />\n");
    for i in 1..DEPTH {
        types.push_str(&format!(
            "      <ComplexType Name=\"t{i}\" BaseType=\"graph.t{}\" />\n",
            i - 1
        ));
    }
    let anchor = "      <EnumType Name=\"complianceStatus\">";
    let text = edited(common::METADATA, anchor, &format!("{types}{anchor}"));
    let at = position_of(&text, "<ComplexType Name=\"t0\"");
    metadata(Bytes("chain.xml", text.into_bytes()))
        .run("base-type-chain")
        .fails("unknown-type", M, at);
}

#[test]
fn metadata_of_binary_garbage() {
    let bytes = garbage(1 << 20);
    let at = first_invalid_byte(&bytes);
    metadata(Bytes("garbage.xml", bytes))
        .run("garbage-xml")
        .fails("invalid-utf8", M, at);
}

/// Valid UTF-8 that is not XML (control characters and NULs): text and no element,
/// reported where the file ends.
#[test]
fn metadata_of_control_characters() {
    let bytes: Vec<u8> = garbage(4096).iter().map(|b| b & 0x1f).collect();
    let text = String::from_utf8(bytes).expect("ASCII");
    let at = position_at(&text, text.len());
    metadata(Bytes("control.xml", text.into_bytes()))
        .run("control-xml")
        .fails("csdl-root", M, at);
}

#[test]
fn page_of_50_mib() {
    let mut text = default_text(common::SEED_PAGE);
    let line = "Lorem ipsum dolor sit amet, `code` and **bold** with a [link](x.md).\n";
    text.push_str(&line.repeat((50 << 20) / line.len()));
    page(Bytes("huge.md", text.into_bytes()))
        .run("huge-page")
        .fails("page-too-large", P, At::LineCol(1, 1));
}

#[test]
fn page_of_binary_garbage() {
    let bytes = garbage(1 << 20);
    let at = first_invalid_byte(&bytes);
    page(Bytes("garbage.md", bytes))
        .run("garbage-md")
        .fails("invalid-utf8", P, at);
}

/// Valid UTF-8 that is no page (terminal escapes included): a page with no request.
#[test]
fn page_of_control_characters() {
    let bytes: Vec<u8> = garbage(4096).iter().map(|b| (b & 0x1f) | 1).collect();
    let run = page(Bytes("control.md", bytes)).run("control-md");
    assert!(!run.stderr.contains('\u{1b}'), "{}", run.stderr);
    run.warns("no-http-request-block", P, At::LineCol(1, 1));
}

#[test]
fn page_with_block_quotes_and_lists_nested_100_000_levels_deep() {
    let mut text = default_text(common::SEED_PAGE);
    text.push_str(&format!(
        "\n{} quoted\n\n{}listed\n",
        ">".repeat(DEPTH),
        "- ".repeat(DEPTH)
    ));
    text.push_str(&format!("\n{}x{}\n", "[".repeat(DEPTH), "]".repeat(DEPTH)));
    text.push_str(&format!(
        "\n{}x{}\n",
        "*_".repeat(DEPTH),
        "_*".repeat(DEPTH)
    ));
    page(Bytes("deep-markdown.md", text.into_bytes()))
        .run("deep-markdown")
        .succeeds();
}

#[test]
fn example_body_nested_100_000_levels_deep() {
    let anchor = "  \"userDisplayName\": \"User Display Name value\",";
    let text = edited(
        common::SEED_PAGE,
        anchor,
        &format!(
            "  \"deep\": {}{},\n{anchor}",
            "[".repeat(DEPTH),
            "]".repeat(DEPTH)
        ),
    );
    let At::LineCol(line, _) = position_of(&text, "  \"deep\"") else {
        unreachable!("position_of gives a line and column")
    };
    page(Bytes("deep-body.md", text.into_bytes()))
        .run("deep-body")
        .warns("example-body-not-json", P, At::Line(line));
}

#[test]
fn annotation_nested_100_000_levels_deep() {
    let anchor = "\"blockType\": \"request\",";
    let text = edited(
        common::SEED_PAGE,
        anchor,
        &format!(
            "{anchor} \"x\": {}1{},",
            "{\"a\":".repeat(DEPTH),
            "}".repeat(DEPTH)
        ),
    );
    let At::LineCol(line, _) = position_of(&text, anchor) else {
        unreachable!("position_of gives a line and column")
    };
    page(Bytes("deep-annotation.md", text.into_bytes()))
        .run("deep-annotation-md")
        .warns("annotation-not-json", P, At::Line(line));
}

/// Deterministic noise (xorshift), so a failure reproduces.
fn garbage(len: usize) -> Vec<u8> {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

/// `--out` names a file: refused, and the file is left as it was.
#[test]
fn output_is_a_file() {
    let dir = common::temp_dir("bad-out-file");
    let out = dir.join("out");
    fs::write(&out, "not a directory").unwrap();
    let metadata = common::root().join(common::METADATA);
    let page = common::root().join(common::SEED_PAGE);
    let (code, _, stderr) = common::cli_generate(&metadata, &page, &out, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains(&format!(
            "error[io]: cannot write into `{}`: it exists and is not a directory",
            out.display()
        )),
        "{stderr}"
    );
    assert_eq!(fs::read_to_string(&out).unwrap(), "not a directory");
    assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
    fs::remove_dir_all(&dir).unwrap();
}

/// Files the generator did not write are refused by name, and kept; `--force` replaces
/// them.
#[test]
fn foreign_files_in_the_output_are_kept_unless_forced() {
    let dir = common::temp_dir("bad-out-foreign");
    let out = dir.join("out");
    fs::create_dir_all(out.join("src")).unwrap();
    fs::write(out.join("src/handwritten.rs"), "fn mine() {}").unwrap();
    let metadata = common::root().join(common::METADATA);
    let page = common::root().join(common::SEED_PAGE);
    let (code, _, stderr) = common::cli_generate(&metadata, &page, &out, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("(src/handwritten.rs); pass --force"),
        "{stderr}"
    );
    assert_eq!(
        fs::read_to_string(out.join("src/handwritten.rs")).unwrap(),
        "fn mine() {}"
    );
    let (code, _, stderr) = common::cli_generate(&metadata, &page, &out, &["--force"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!out.join("src/handwritten.rs").exists());
    // Regenerating over its own output needs no --force.
    let (code, _, stderr) = common::cli_generate(&metadata, &page, &out, &[]);
    assert_eq!(code, 0, "{stderr}");
    fs::remove_dir_all(&dir).unwrap();
}

// Positions are right for every legal text: a byte order mark, and `\r\n`, `\r` and
// `\n` line ends, alone or mixed.

const BOM: &str = "\u{feff}";

/// The default metadata with the type of `devicesCount` naming nothing.
fn metadata_with_dangling_type() -> String {
    edited(
        common::METADATA,
        r#"<Property Name="devicesCount" Type="Edm.Int32""#,
        r#"<Property Name="devicesCount" Type="graph.nothing""#,
    )
}

/// Every `\n` of `text` made the line end `ending`, or (for `None`) each in turn
/// `\r`, `\n`, `\r\n`, never making a `\r` and a `\n` one line end.
fn line_ends(text: &str, ending: Option<&str>) -> String {
    let mut out = String::new();
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            let end = match ending {
                Some(end) => end,
                None if out.ends_with('\r') => "\r",
                None => ["\r", "\n", "\r\n"][i % 3],
            };
            out.push_str(end);
        }
        out.push_str(line);
    }
    out
}

/// The dangling type, with the metadata's line ends made `ending`; the position counts
/// the same lines and columns.
fn dangling_type_with_line_ends(name: &str, ending: Option<&str>) {
    let text = line_ends(&metadata_with_dangling_type(), ending);
    let at = position_of(&text, r#"<Property Name="devicesCount""#);
    let At::LineCol(line, col) = at else {
        unreachable!("position_of gives a line and column")
    };
    assert!(line > 1 && col == 9, "{name}: {line}:{col}");
    metadata(Bytes("line-ends.xml", text.into_bytes()))
        .run(name)
        .fails("unknown-type", M, at);
}

#[test]
fn metadata_with_a_byte_order_mark() {
    let text = format!("{BOM}{}", metadata_with_dangling_type());
    let at = position_of(&text, r#"<Property Name="devicesCount""#);
    let At::LineCol(_, 9) = at else {
        unreachable!("the property is indented by eight spaces")
    };
    metadata(Bytes("bom.xml", text.into_bytes()))
        .run("bom-xml")
        .fails("unknown-type", M, at);
}

/// An element in the first three columns stays on its line.
#[test]
fn metadata_with_a_byte_order_mark_and_an_error_in_column_1() {
    let text = format!(
        "{BOM}{}",
        fs::read_to_string(
            common::root()
                .join(FIXTURES)
                .join("unsupported-version.xml")
        )
        .unwrap()
    );
    metadata(Bytes("bom-version.xml", text.into_bytes()))
        .run("bom-version")
        .fails("csdl-version", M, At::LineCol(2, 1));
}

#[test]
fn metadata_with_a_byte_order_mark_and_broken_xml_on_line_1() {
    let text = format!("{BOM}<edmx:Edmx Version=4.0>\n");
    metadata(Bytes("bom-broken.xml", text.into_bytes()))
        .run("bom-broken")
        .fails("xml-syntax", M, At::LineCol(1, 20));
}

#[test]
fn metadata_with_cr_line_ends() {
    dangling_type_with_line_ends("cr-xml", Some("\r"));
}

#[test]
fn metadata_with_crlf_line_ends() {
    dangling_type_with_line_ends("crlf-xml", Some("\r\n"));
}

#[test]
fn metadata_with_mixed_line_ends() {
    dangling_type_with_line_ends("mixed-xml", None);
}

/// The default page, read as before: its `todo-permission` at 21:37, and its HTTP
/// request section found.
fn seed_page_succeeds(name: &str, text: String) {
    let run = page(Bytes("page.md", text.into_bytes())).run(name);
    assert!(
        !run.stderr.contains("[no-http-request-block]"),
        "{name}: {}",
        run.stderr
    );
    run.succeeds();
}

#[test]
fn page_with_a_byte_order_mark() {
    seed_page_succeeds(
        "bom-md",
        format!("{BOM}{}", default_text(common::SEED_PAGE)),
    );
}

/// A warning on line 1, after the byte order mark: at the heading's text.
#[test]
fn page_with_a_byte_order_mark_and_a_warning_on_line_1() {
    let text = format!("{BOM}## HTTP request\n\nNo code block here.\n");
    page(Bytes("bom-line-1.md", text.into_bytes()))
        .run("bom-line-1")
        .warns("no-http-request-block", P, At::LineCol(1, 4));
}

#[test]
fn page_with_cr_line_ends() {
    seed_page_succeeds(
        "cr-md",
        line_ends(&default_text(common::SEED_PAGE), Some("\r")),
    );
}

#[test]
fn page_with_crlf_line_ends() {
    seed_page_succeeds(
        "crlf-md",
        line_ends(&default_text(common::SEED_PAGE), Some("\r\n")),
    );
}

#[test]
fn page_with_mixed_line_ends() {
    seed_page_succeeds(
        "mixed-md",
        line_ends(&default_text(common::SEED_PAGE), None),
    );
}

/// A page error on a CR-only page, past the byte order mark, at its line and column.
#[test]
fn page_with_a_byte_order_mark_cr_line_ends_and_an_error() {
    let fixture =
        fs::read_to_string(common::root().join(FIXTURES).join("unknown-root.md")).unwrap();
    let text = format!("{BOM}{}", line_ends(&fixture, Some("\r")));
    page(Bytes("bom-cr.md", text.into_bytes()))
        .run("bom-cr-md")
        .fails("unknown-root", P, At::LineCol(31, 7));
}

// The page's title is no section, whatever its words.

#[test]
fn page_titled_example_service() {
    seed_page_succeeds(
        "example-title",
        edited(common::SEED_PAGE, "# Add userStatuses", "# Example service"),
    );
}

#[test]
fn page_titled_examples_of_something() {
    seed_page_succeeds(
        "examples-title",
        edited(
            common::SEED_PAGE,
            "# Add userStatuses",
            "# Examples of userStatuses",
        ),
    );
}

#[test]
fn page_with_an_example_service_section_before_its_request() {
    seed_page_succeeds(
        "example-section",
        edited(
            common::SEED_PAGE,
            "## HTTP request",
            "## Example service\n### HTTP request",
        ),
    );
}

// Only comments, processing instructions and white space may follow the root element.

/// The default metadata with `after` after its root element: an error where it starts.
fn after_root(name: &str, after: &str, starts: &str) {
    let text = format!("{}{after}", default_text(common::METADATA));
    let offset = text.rfind(starts).expect("the addition");
    let at = position_at(&text, offset);
    metadata(Bytes("after-root.xml", text.into_bytes()))
        .run(name)
        .fails("xml-syntax", M, at);
}

#[test]
fn metadata_with_a_second_root_element() {
    after_root(
        "second-root",
        "<edmx:Edmx Version=\"4.0\" xmlns:edmx=\"http://docs.oasis-open.org/odata/ns/edmx\"><edmx:DataServices><Schema Namespace=\"x\" xmlns=\"http://docs.oasis-open.org/odata/ns/edm\"><EntityType/></Schema></edmx:DataServices></edmx:Edmx>\n",
        "<edmx:Edmx Version=\"4.0\" xmlns:edmx=\"http://docs.oasis-open.org/odata/ns/edmx\"><edmx:DataServices>",
    );
}

#[test]
fn metadata_with_text_after_the_root_element() {
    after_root("text-after-root", "\n  stray text\n", "stray");
}

#[test]
fn metadata_with_an_unclosed_element_after_the_root_element() {
    after_root("unclosed-after-root", "<x>", "<x>");
}

#[test]
fn metadata_with_an_end_tag_after_the_root_element() {
    after_root("end-tag-after-root", "\n</edmx:Edmx>\n", "</edmx:Edmx>\n");
}

#[test]
fn metadata_with_comments_instructions_and_space_after_the_root_element() {
    let text = format!(
        "{}\n<!-- generated -->\r\n<?pi data?>\n \t\n",
        default_text(common::METADATA)
    );
    metadata(Bytes("after-root-ok.xml", text.into_bytes()))
        .run("after-root-ok")
        .succeeds();
}

// Reports stay bounded and take linear time, however many diagnostics a line has.

const PROPERTIES: usize = 100_000;

/// The seed page whose request example has `PROPERTIES` unknown properties on one line.
fn page_with_unknown_properties(name: impl Fn(usize) -> String) -> (String, At) {
    let anchor = "  \"userDisplayName\": \"User Display Name value\",";
    let mut line = String::from("  ");
    for i in 0..PROPERTIES {
        line.push_str(&format!("\"{}\": 1, ", name(i)));
    }
    let text = edited(common::SEED_PAGE, anchor, &format!("{line}\n{anchor}"));
    let at = position_of(&text, &format!("\"{}\"", name(0)));
    (text, at)
}

fn one_line_of_unknown_properties(case: &str, name: impl Fn(usize) -> String) {
    let (text, at) = page_with_unknown_properties(name);
    let started = std::time::Instant::now();
    let run = page(Bytes("many.md", text.into_bytes())).run(case);
    let elapsed = started.elapsed();
    let more = format!(
        "... and 99,990 more `unknown-property` in {}",
        shown(&run.page)
    );
    assert!(run.stderr.contains(&more), "{}", run.stderr);
    assert_eq!(run.stderr.matches("warning[unknown-property]").count(), 10);
    // Quadratic work took ten seconds in a release build; linear work takes a fraction
    // of one even in a debug build on a loaded machine.
    assert!(elapsed.as_secs() < 60, "{case}: {elapsed:?}");
    run.warns("unknown-property", P, at);
}

#[test]
fn example_with_100_000_unknown_properties_on_one_line() {
    one_line_of_unknown_properties("many-properties", |i| format!("p{i}"));
}

#[test]
fn example_with_100_000_non_ascii_unknown_properties_on_one_line() {
    one_line_of_unknown_properties("many-non-ascii", |i| format!("größe€{i}"));
}

/// `validate --format json` leaves out what the human report leaves out, and says so.
#[test]
fn validate_json_with_100_000_unknown_properties_is_capped() {
    let (text, _) = page_with_unknown_properties(|i| format!("p{i}"));
    let dir = common::temp_dir("bad-many-json");
    let page = dir.join("many.md");
    fs::write(&page, text).unwrap();
    let metadata = common::root().join(common::METADATA);
    let (_, stdout, _) = common::cli(&[
        "validate",
        "--metadata",
        &metadata.display().to_string(),
        "--doc",
        &page.display().to_string(),
        "--format",
        "json",
    ]);
    assert!(stdout.len() < MAX_REPORT_BYTES, "{} bytes", stdout.len());
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    let first = &report["pages"][0];
    let unknown = first["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "unknown-property")
        .count();
    assert_eq!(unknown, 10);
    assert_eq!(
        first["diagnostics_left_out"],
        serde_json::json!([{"file": page.display().to_string(), "code": "unknown-property", "count": 99_990}])
    );
    assert_eq!(
        report["summary"]["diagnostics_by_code"]["unknown-property"],
        100_000
    );
    fs::remove_dir_all(&dir).unwrap();
}

/// Metadata on one line: the error deep into it is at its column.
#[test]
fn metadata_on_one_line() {
    let text = metadata_with_dangling_type().replace('\n', " ");
    let at = position_of(&text, r#"<Property Name="devicesCount""#);
    let At::LineCol(1, _) = at else {
        unreachable!("one line")
    };
    metadata(Bytes("one-line.xml", text.into_bytes()))
        .run("one-line-xml")
        .fails("unknown-type", M, at);
}

// Sizes are checked before reading: neither a huge file nor a FIFO is read past its limit.

#[test]
fn page_of_900_mib_is_not_read() {
    let run = page(Given::Sparse("huge.md", 900 << 20)).run("sparse-900-mib");
    assert!(run.stderr.contains("is 900.0 MiB"), "{}", run.stderr);
    run.fails("page-too-large", P, At::LineCol(1, 1));
}

#[test]
fn page_of_5_gib_is_not_read() {
    page(Given::Sparse("huge.md", 5 << 30))
        .run("sparse-5-gib")
        .fails("page-too-large", P, At::LineCol(1, 1));
}

#[test]
fn metadata_of_5_gib_is_not_read() {
    metadata(Given::Sparse("huge.xml", 5 << 30))
        .run("sparse-metadata")
        .fails("metadata-too-large", M, At::LineCol(1, 1));
}

/// A FIFO has no size up front: the read stops one byte past the limit.
#[cfg(unix)]
#[test]
fn page_from_a_fifo_that_never_ends_is_read_to_its_limit() {
    let run = page(Given::Fifo("fifo.md", 64 << 20)).run("fifo-md");
    assert!(
        run.stderr.contains("is more than 16.0 MiB"),
        "{}",
        run.stderr
    );
    run.fails("page-too-large", P, At::LineCol(1, 1));
}

// Nothing forged on the terminal: names, messages and excerpts from the inputs show
// what a terminal would obey or hide as escapes.

/// The report has none of `raw`, and shows each as its escape.
fn assert_escaped(run: &Run, raw: &[char]) {
    for c in raw {
        assert!(
            !run.stderr.contains(*c),
            "{}: {c:?} printed raw\n{}",
            run.name,
            run.stderr
        );
        assert!(
            run.stderr.contains(&*shown(&c.to_string())),
            "{}: {c:?} not shown\n{}",
            run.name,
            run.stderr
        );
    }
}

#[test]
fn page_named_with_terminal_escapes() {
    let text = fs::read(common::root().join(FIXTURES).join("unknown-root.md")).unwrap();
    let run = page(Bytes("a\u{1b}]0;owned\u{7}\u{1b}[2Jb.md", text)).run("escape-name");
    assert_escaped(&run, &['\u{1b}', '\u{7}']);
    run.fails("unknown-root", P, At::LineCol(31, 7));
}

#[test]
fn page_named_with_a_newline_forges_no_line() {
    let text = fs::read(common::root().join(FIXTURES).join("unknown-root.md")).unwrap();
    let forged = "x.md:1:1: error[forged]: made up";
    let run = page(Bytes("a\nx.md:1:1: error[forged]: made up\n.md", text)).run("newline-name");
    assert!(
        !run.stderr.lines().any(|l| l.starts_with(forged)),
        "{}",
        run.stderr
    );
    run.fails("unknown-root", P, At::LineCol(31, 7));
}

#[test]
fn page_named_with_a_bidi_override() {
    let text = fs::read(common::root().join(FIXTURES).join("unknown-root.md")).unwrap();
    let run = page(Bytes("evil\u{202e}dm.exe", text)).run("bidi-name");
    assert_escaped(&run, &['\u{202e}']);
    run.fails("unknown-root", P, At::LineCol(31, 7));
}

/// Bidirectional overrides and zero-width characters in a request line: in the message
/// that quotes the name, and in the excerpt.
#[test]
fn request_line_with_bidi_and_zero_width_characters() {
    let fixture =
        fs::read_to_string(common::root().join(FIXTURES).join("unknown-root.md")).unwrap();
    let original = "POST /deviceManagement/userStatuses";
    let At::LineCol(line, _) = position_of(&fixture, original) else {
        unreachable!("position_of gives a line and column")
    };
    let hostile = "POST /\u{202e}\u{200b}\u{2066}deviceManagement/userStatuses";
    let text = fixture.replacen(original, hostile, 1);
    let run = page(Bytes("bidi.md", text.into_bytes())).run("bidi-line");
    assert_escaped(&run, &['\u{202e}', '\u{200b}', '\u{2066}']);
    run.fails("unknown-root", P, At::LineCol(line, 7));
}

/// A property name with a zero-width space and an escape, in an example body.
#[test]
fn example_property_with_hidden_characters() {
    let anchor = "  \"userDisplayName\": \"User Display Name value\",";
    let text = edited(
        common::SEED_PAGE,
        anchor,
        &format!("  \"user\u{200b}Name\u{1b}[31m\": 1,\n{anchor}"),
    );
    let at = position_of(&text, "  \"user\u{200b}");
    let At::LineCol(line, _) = at else {
        unreachable!("position_of gives a line and column")
    };
    let run = page(Bytes("hidden.md", text.into_bytes())).run("hidden-property");
    assert_escaped(&run, &['\u{200b}', '\u{1b}']);
    run.warns("unknown-property", P, At::LineCol(line, 3));
}

/// JSON escapes them too: `\u202e`, not the character.
#[test]
fn validate_json_escapes_hidden_characters() {
    let dir = common::temp_dir("bad-bidi-json");
    let page = dir.join("bidi\u{202e}.md");
    let anchor = "  \"userDisplayName\": \"User Display Name value\",";
    let text = edited(
        common::SEED_PAGE,
        anchor,
        &format!("  \"user\u{202e}\u{200b}\u{7f}\": 1,\n{anchor}"),
    );
    fs::write(&page, text).unwrap();
    let metadata = common::root().join(common::METADATA);
    let (_, stdout, _) = common::cli(&[
        "validate",
        "--metadata",
        &metadata.display().to_string(),
        "--doc",
        &page.display().to_string(),
        "--format",
        "json",
    ]);
    for (raw, escaped) in [
        ('\u{202e}', "\\u202e"),
        ('\u{200b}', "\\u200b"),
        ('\u{7f}', "\\u007f"),
    ] {
        assert!(!stdout.contains(raw), "{raw:?} raw in {stdout}");
        assert!(stdout.contains(escaped), "{escaped} missing in {stdout}");
    }
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(report["pages"][0]["file"], page.display().to_string());
    assert!(
        report["pages"][0]["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["message"]
                .as_str()
                .unwrap()
                .contains("user\u{202e}\u{200b}\u{7f}")),
        "the message keeps the name as it is"
    );
    fs::remove_dir_all(&dir).unwrap();
}
