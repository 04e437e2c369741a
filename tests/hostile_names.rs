//! A schema whose names are hostile to Rust (the golden fixture `tests/goldens/hostile/`):
//! keywords, prelude and std type names, names differing only in case, leading digits,
//! `.`, `-`, non-ASCII, enum members that collide after case conversion, properties named
//! like their types or like generated fields, a type that contains itself, namespaces
//! `con`, `..` and `a/b`, and keywords and underscores (`_x`, `x_`, `__`, `_`, `a__b`,
//! `self`, `super`) in every place a generated name is joined from schema names. The
//! crate is generated with `--all --root-features`; it must stay inside its directory,
//! compile with every rustc warning and every default clippy lint denied, and keep the
//! exact wire names: a test added to the generated crate reads and writes JSON with them.
//!
//! Builds the generated crate with cargo (into the workspace's target directory, so the
//! dependencies are reused): about 15 s on a cold cache of that crate, 3 s warm.

mod common;

use std::fs;
use std::path::{Component, Path};
use std::process::Command;

const FIXTURE: &str = "tests/goldens/hostile";

/// A test of the generated crate, written beside its `src/`.
const WIRE_TEST: &str = r##"
// The enum `Self` is `Self3`: the entity types `Self_` and `self`, declared later but
// structs before enums, take `Self_` and `Self2`.
use hostile_names::hostile::names::{Crate, Self3, Type2};
use hostile_names::requests::Service;
use hostile_names::runtime::{Field, Flags, ODataEnum, ServiceRoot};
use serde_json::json;

fn every_wire_name() -> serde_json::Value {
    json!({
        "ref": "r/1",
        "type": "t", "self": "s", "Self": "S", "crate": "c", "async": "a", "super": "sup",
        "String": { "String": "inner" },
        "Option": { "Some": "some", "None": 0 },
        "Result": { "Ok": true, "Err": "e" },
        "Box": { "box": "b" },
        "Vec": [{ "len": 1 }, { "len": 2 }],
        "Type": { "type": "inner type" },
        "kind": "TYPE",
        "flags": "ref,Ref",
        "name": "lower", "Name": "Capital", "NAME": "upper",
        "1st": 1, "a.b": "dot", "a-b": "dash", "名前": "namae", "größe": 1.5,
        "additionalData": "a property, not the bag", "odataType": "a property too",
        "node": { "child": { "child": {}, "children": [{ "child": {} }] } }
    })
}

#[test]
fn every_property_keeps_its_wire_name() {
    let value = every_wire_name();
    let parsed: Type2 = serde_json::from_value(value.clone()).unwrap();
    assert!(parsed.additional_data.is_empty(), "{:?}", parsed.additional_data);
    assert_eq!(parsed.r#ref, "r/1");
    assert_eq!(parsed.self_, Field::Value("s".to_owned()));
    assert_eq!(parsed.self_2, Field::Value("S".to_owned()));
    assert_eq!(parsed.name_3, Field::Value("upper".to_owned()));
    assert_eq!(parsed.n1st, Field::Value(1));
    assert_eq!(parsed.u540d_u524d, Field::Value("namae".to_owned()));
    assert_eq!(parsed.additional_data_2, Field::Value("a property, not the bag".to_owned()));
    assert_eq!(parsed.kind, Field::Value(Self3::Type3));
    assert_eq!(parsed.flags, Field::Value(Flags::from_iter([Crate::Ref, Crate::Ref2])));
    let Field::Value(node) = &parsed.node else { panic!("node") };
    let Field::Value(child) = &node.child else { panic!("child") };
    assert!(matches!(child.child, Field::Value(_)));
    assert_eq!(serde_json::to_value(&parsed).unwrap(), value);
}

#[test]
fn enum_members_that_collide_after_case_conversion_stay_apart() {
    let wires = ["type", "Type", "TYPE", "self", "unrecognized", "1st", "a.b", "a-b", "ärger"];
    let members: Vec<Self3> = wires.iter().map(|w| Self3::from_wire(w)).collect();
    for (wire, member) in wires.iter().zip(&members) {
        assert!(!matches!(member, Self3::Unrecognized(_)), "{wire}");
        assert_eq!(member.to_wire(), *wire);
        assert_eq!(serde_json::to_value(member).unwrap(), json!(wire));
    }
    assert_eq!(Self3::from_wire("later"), Self3::Unrecognized("later".to_owned()));
}

#[test]
fn a_key_with_url_syntax_stays_inside_its_literal() {
    let root = ServiceRoot::new("https://example.com/v1").unwrap();
    let request = Service.types().by_ref("a/b?c#d").delete().to_http(&root).unwrap();
    assert_eq!(request.uri().path(), "/v1/types('a%2Fb%3Fc%23d')");
    assert_eq!(request.uri().query(), None);
}
"##;

#[test]
fn hostile_names_generate_a_crate_that_compiles_without_warnings_and_keeps_wire_names() {
    let dir = common::temp_dir("hostile-names");
    let out = dir.join("crate");
    let metadata = common::root().join(FIXTURE).join("metadata.xml");
    let page = common::root().join(FIXTURE).join("pages/hostile.md");
    let runtime = common::root().join("codegen/runtime");
    let runtime = runtime.display().to_string();
    let (code, _, stderr) = common::cli_generate(
        &metadata,
        &page,
        &out,
        &["--runtime-path", &runtime, "--all", "--root-features"],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("warning["), "{stderr}");

    // Module files come from namespaces; none escapes the directory or is a device name.
    let mut files = Vec::new();
    let mut pending = vec![out.clone()];
    while let Some(d) = pending.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push(path.strip_prefix(&out).unwrap().display().to_string());
            }
        }
    }
    files.sort();
    assert_eq!(
        files,
        [
            "Cargo.toml",
            "src/a_u002f_b.rs",
            "src/con_.rs",
            "src/examples.rs",
            "src/hostile.rs",
            "src/hostile/names.rs",
            "src/lib.rs",
            "src/n.rs",
            // Not `n/n.rs`: a module named like its parent is clippy's module_inception.
            "src/n/n_2.rs",
            "src/n/n_2/n.rs",
            "src/requests.rs",
            // Type modules: `r#type` is written `type.rs`, as rustc looks for it.
            "src/requests/n.rs",
            "src/requests/self_.rs",
            "src/requests/self_2.rs",
            "src/requests/super_.rs",
            "src/requests/type.rs",
        ]
    );
    for file in &files {
        assert!(
            Path::new(file)
                .components()
                .all(|c| matches!(c, Component::Normal(_))),
            "{file}"
        );
    }

    // Build and test it as its own workspace, with every rustc warning an error.
    let manifest = out.join("Cargo.toml");
    let mut toml = fs::read_to_string(&manifest).unwrap();
    toml.push_str("\n[workspace]\n\n[lints.rust]\nwarnings = \"deny\"\n");
    fs::write(&manifest, toml).unwrap();
    fs::copy(common::root().join("Cargo.lock"), out.join("Cargo.lock")).unwrap();
    fs::create_dir_all(out.join("tests")).unwrap();
    fs::write(out.join("tests/wire.rs"), WIRE_TEST).unwrap();
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| common::root().join("target"), Into::into);
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let run = Command::new(&cargo)
        .args([
            "test",
            "--offline",
            "--no-default-features",
            "--features",
            "full",
            "--manifest-path",
        ])
        .arg(&manifest)
        .env("CARGO_TARGET_DIR", &target)
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&run.stderr);
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "{stderr}\n{stdout}");
    assert!(!stderr.contains("warning"), "{stderr}");
    // The page's example became a test of the generated crate, and it ran.
    assert!(stdout.contains("example_create_type ... ok"), "{stdout}");
    assert!(
        stdout.contains("every_property_keeps_its_wire_name ... ok"),
        "{stdout}"
    );

    // Clippy's default lints too (naming, module_inception, ...), where clippy is installed.
    let clippy = Command::new(&cargo)
        .args(["clippy", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if clippy {
        let run = Command::new(&cargo)
            .args([
                "clippy",
                "--offline",
                "--all-targets",
                "--no-default-features",
                "--features",
                "full",
                "--message-format",
                "short",
                "--manifest-path",
            ])
            .arg(&manifest)
            .args(["--", "-D", "warnings"])
            .env("CARGO_TARGET_DIR", &target)
            .env_remove("RUSTFLAGS")
            .output()
            .expect("cargo clippy runs");
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(run.status.success(), "clippy: {stderr}");
        assert!(!stderr.contains("warning"), "clippy: {stderr}");
    }
    fs::remove_dir_all(&dir).unwrap();
}
