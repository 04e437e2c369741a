//! The generated crate's `Cargo.toml`.

use super::{RuntimeDependency, header};
use crate::ir;

pub(super) fn cargo_toml(
    krate: &ir::Crate,
    runtime: &RuntimeDependency,
    inputs: &[String],
) -> String {
    let used = runtime_features(krate);
    let features: Vec<String> = used.iter().map(|f| toml_string(f)).collect();
    let features = format!("features = [{}]", features.join(", "));
    // A crate with a path dependency cannot be published; one by version can be, as is.
    let (runtime, publish) = match runtime {
        RuntimeDependency::Path(path) if used.is_empty() => (
            format!("{{ path = {} }}", toml_string(path)),
            "publish = false\n",
        ),
        RuntimeDependency::Path(path) => (
            format!("{{ path = {}, {features} }}", toml_string(path)),
            "publish = false\n",
        ),
        RuntimeDependency::Version(version) if used.is_empty() => (toml_string(version), ""),
        RuntimeDependency::Version(version) => (
            format!("{{ version = {}, {features} }}", toml_string(version)),
            "",
        ),
    };
    let (default, batch) = if krate.batch {
        (
            r#"["client", "batch"]"#,
            "# OData $batch: many requests in one (`runtime::Batch`), sent with the client.\n\
             batch = [\"client\", \"odata-codegen-runtime/batch\"]\n",
        )
    } else {
        (r#"["client"]"#, "")
    };
    let mut features = String::new();
    for feature in &krate.features {
        features.push_str(&format!("# {}\n", feature.comment));
        let enables: Vec<String> = feature.enables.iter().map(|e| toml_string(e)).collect();
        let list = if enables.len() > 4 {
            format!("[\n    {},\n]", enables.join(",\n    "))
        } else {
            format!("[{}]", enables.join(", "))
        };
        features.push_str(&format!("{} = {list}\n", toml_key(&feature.name)));
    }
    format!(
        r#"{header}
[package]
name = {name}
version = {version}
edition = "2024"
{publish}
[lib]
doctest = false

[features]
default = {default}
# An async HTTP client (reqwest over rustls) that sends the generated requests; turn it
# off to build requests only and send them with your own HTTP stack.
client = ["odata-codegen-runtime/client"]
# Sign-in with Microsoft Entra ID through Microsoft's azure_identity crate
# (`runtime::AzureTokenProvider`: client secret, managed identity, workload identity,
# developer tools).
azure-identity = ["client", "odata-codegen-runtime/azure-identity"]
{batch}{features}
[dependencies]
odata-codegen-runtime = {runtime}
serde = {{ version = "1", features = ["derive"] }}
serde_json = "1"
"#,
        header = header("#", inputs),
        name = toml_string(&krate.package),
        version = toml_string(&krate.version),
    )
}

/// The runtime's optional features that the crate's requests use, so that a crate
/// without delta functions, upload sessions or streams compiles none of their code.
fn runtime_features(krate: &ir::Crate) -> Vec<&'static str> {
    let methods = krate
        .requests
        .handles
        .iter()
        .flat_map(|h| &h.methods)
        .chain(&krate.requests.service.methods);
    let (mut delta, mut upload, mut stream) = (false, false, false);
    for method in methods {
        match &method.kind {
            ir::MethodKind::Call(call) => match call.returns {
                ir::Returns::Delta(_) => delta = true,
                ir::Returns::UploadSession(_) => upload = true,
                _ => {}
            },
            ir::MethodKind::Stream { .. } => stream = true,
            _ => {}
        }
    }
    [(delta, "delta"), (stream, "stream"), (upload, "upload")]
        .into_iter()
        .filter_map(|(used, name)| used.then_some(name))
        .collect()
}

/// A bare TOML key when it is one, else a quoted one.
fn toml_key(key: &str) -> String {
    if !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        key.to_owned()
    } else {
        toml_string(key)
    }
}

fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::tests::empty_crate;

    #[test]
    fn keys_are_quoted_only_when_toml_needs_it() {
        assert_eq!(toml_key("users-v2_x"), "users-v2_x");
        assert_eq!(toml_key("microsoft.graph"), "\"microsoft.graph\"");
        assert_eq!(toml_key(""), "\"\"");
    }

    #[test]
    fn strings_escape_quotes_backslashes_and_control_characters() {
        assert_eq!(toml_string("a\"b\\c\nd"), r#""a\"b\\c\u000ad""#);
    }

    #[test]
    fn the_runtime_is_a_path_or_a_version_and_long_feature_lists_wrap() {
        let mut krate = empty_crate("my-sdk");
        krate.features = vec![
            ir::Feature {
                name: "users".to_owned(),
                enables: vec!["a".to_owned()],
                comment: "The users entity set.".to_owned(),
            },
            ir::Feature {
                name: "full".to_owned(),
                enables: ["a", "b", "c", "d", "e"].map(String::from).into(),
                comment: "Everything.".to_owned(),
            },
        ];
        let inputs = vec!["m.xml".to_owned()];
        let by_path = cargo_toml(
            &krate,
            &RuntimeDependency::Path("../runtime \"x\"".to_owned()),
            &inputs,
        );
        assert!(by_path.starts_with("# @generated by odata-codegen from m.xml."));
        assert!(by_path.contains("name = \"my-sdk\"\n"));
        assert!(by_path.contains("odata-codegen-runtime = { path = \"../runtime \\\"x\\\"\" }\n"));
        assert!(by_path.contains("# The users entity set.\nusers = [\"a\"]\n"));
        assert!(
            by_path.contains(
                "full = [\n    \"a\",\n    \"b\",\n    \"c\",\n    \"d\",\n    \"e\",\n]\n"
            )
        );
        let by_version = cargo_toml(
            &krate,
            &RuntimeDependency::Version("0.1".to_owned()),
            &inputs,
        );
        assert!(by_version.contains("odata-codegen-runtime = \"0.1\"\n"));
        // Only a crate that depends on the runtime by version can be published.
        assert!(by_path.contains("version = \"0.1.0\"\nedition = \"2024\"\npublish = false\n"));
        assert!(by_version.contains("version = \"0.1.0\"\nedition = \"2024\"\n\n[lib]"));
        krate.version = "2.3.0-beta.1".to_owned();
        let versioned = cargo_toml(
            &krate,
            &RuntimeDependency::Version("0.1".to_owned()),
            &inputs,
        );
        assert!(versioned.contains("version = \"2.3.0-beta.1\"\n"));
    }

    #[test]
    fn a_service_that_accepts_batches_gets_a_default_batch_feature() {
        let inputs = vec!["m.xml".to_owned()];
        let runtime = RuntimeDependency::Version("0.1".to_owned());
        let mut krate = empty_crate("my-sdk");
        let without = cargo_toml(&krate, &runtime, &inputs);
        assert!(without.contains("default = [\"client\"]\n"));
        assert!(!without.contains("batch"));
        krate.batch = true;
        let with = cargo_toml(&krate, &runtime, &inputs);
        assert!(with.contains("default = [\"client\", \"batch\"]\n"));
        assert!(with.contains("\nbatch = [\"client\", \"odata-codegen-runtime/batch\"]\n"));
    }
}
