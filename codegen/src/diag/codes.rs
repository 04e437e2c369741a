//! The one table of diagnostic codes: every code any stage reports, with its meaning,
//! for `odata-codegen codes`, docs/diagnostics.md and `--deny`/`--warn`/`--allow`; and the groups
//! those options take by one name.

/// Every diagnostic code with its meaning, in pipeline order.
pub const CODES: &[(&str, &str)] = &[
    // Reading the inputs and writing the output.
    (
        "io",
        "an input cannot be read or an output cannot be written",
    ),
    (
        "invalid-option",
        "an option has a value the generator cannot use",
    ),
    (
        "fetch",
        "metadata named by URL cannot be fetched: no answer in time, an error status, too many redirects or too large",
    ),
    // The CSDL reader (`read::csdl`).
    ("xml-syntax", "the metadata is not well-formed XML"),
    ("json-syntax", "the metadata is not well-formed JSON"),
    (
        "csdl-root",
        "the root element is not edmx:Edmx in the EDMX namespace (or the JSON is an OData error response)",
    ),
    (
        "csdl-version",
        "edmx:Edmx (or `$Version` of CSDL JSON) has a Version other than 4.0 or 4.01",
    ),
    (
        "csdl-missing-attribute",
        "an element lacks an attribute (in CSDL JSON, a member) CSDL requires",
    ),
    (
        "csdl-invalid-value",
        "an attribute or annotation value is not of its type",
    ),
    (
        "csdl-json-shape",
        "a member of CSDL JSON has the wrong JSON type (an object where CSDL JSON has an array, a string for a Boolean)",
    ),
    (
        "csdl-too-deep",
        "annotation expressions (in CSDL JSON, any values) nest too deeply",
    ),
    ("csdl-no-schema", "the document declares no Schema"),
    (
        "metadata-too-large",
        "the metadata is larger than 256 MiB (the Graph beta schema is 4 MiB); it is not read",
    ),
    // The documents the metadata references (`references`, `model`).
    (
        "reference-not-found",
        "an edmx:Reference names a local file that cannot be read, or that is not among the inputs",
    ),
    (
        "reference-not-local",
        "a type is named from a namespace that only an edmx:Reference to a document that is no local file includes; nothing is fetched",
    ),
    (
        "include-not-declared",
        "an edmx:Include names a namespace that the referenced document does not declare",
    ),
    (
        "too-many-documents",
        "the metadata and the documents it references are more than 1,000 documents",
    ),
    // The model builder (`model`).
    (
        "unknown-type",
        "a type reference names no type of the schema or of EDM",
    ),
    (
        "duplicate-name",
        "two schema elements of one scope share a name, or two documents declare one namespace",
    ),
    (
        "cyclic-base-type",
        "a type is its own base type, directly or not",
    ),
    (
        "inheritance-too-deep",
        "a type has more than 32 base types above it",
    ),
    (
        "too-many-members",
        "a type, enum or operation has more than 10,000 members or parameters, or all types more than 250,000 properties (inherited ones counted in each)",
    ),
    (
        "invalid-key",
        "a key names no property of the type, or one that cannot be a key",
    ),
    (
        "invalid-enum-value",
        "an enum member's value is not an integer",
    ),
    (
        "invalid-type",
        "a type is used where CSDL forbids it (e.g. an entity as a property)",
    ),
    // The page reader (`read::page`).
    (
        "invalid-utf8",
        "an input (page or metadata) is not UTF-8; the span is the first invalid byte",
    ),
    ("empty-page", "the page has no text"),
    (
        "page-too-large",
        "the page is larger than 16 MiB (reference pages are under 200 KiB); it is not read",
    ),
    (
        "no-http-request-block",
        "no \"HTTP request\" section, or none of its code block lines is a request",
    ),
    (
        "unknown-http-method",
        "a request line starts with a method other than GET, POST, PATCH, PUT, DELETE",
    ),
    (
        "annotation-not-json",
        "the `<!-- { ... } -->` comment before a code block is not JSON",
    ),
    (
        "annotation-field-type",
        "an annotation field has the wrong type (e.g. `truncated` not a boolean)",
    ),
    (
        "example-not-http",
        "a code block annotated as a request or response is not an HTTP message",
    ),
    (
        "example-headers-after-blank",
        "a blank line separates an example's start line from its headers",
    ),
    (
        "example-body-not-json",
        "an example body that should be JSON is not, or holds `...` placeholders",
    ),
    // Resolving a path (`path`).
    (
        "unknown-segment",
        "a path segment names nothing of the schema: no type, member or operation",
    ),
    (
        "no-entity-container",
        "the metadata has no entity container to start a path from",
    ),
    (
        "ref-on-containment",
        "`$ref` is used on a containment navigation property, which only takes entities",
    ),
    (
        "key-on-single",
        "a key follows a segment that is not a collection",
    ),
    (
        "name-case-mismatch",
        "a name differs only in case from the schema's",
    ),
    (
        "unknown-root",
        "a path starts with a name that is no entity set, singleton or operation import",
    ),
    (
        "me-as-users-item",
        "`/me` is read as the signed-in user in `users`, since the container has no `me` singleton",
    ),
    (
        "member-of-derived-type",
        "a segment names a member of a type derived from the one reached: read with the cast the path lacks",
    ),
    (
        "unknown-namespace",
        "a qualified operation name has a namespace the schema does not declare: read in the operation's namespace",
    ),
    (
        "member-of-other-type",
        "a segment names a property or navigation of other types, not of the one reached",
    ),
    (
        "operation-not-bound-here",
        "a segment names an action or function that is not bound to what the path reached",
    ),
    (
        "type-name-as-segment",
        "a segment names a type without being a valid type cast (no namespace, or a non-structured type)",
    ),
    (
        "cast-to-unrelated-type",
        "a type-cast segment names a type that does not derive from the one reached",
    ),
    (
        "missing-key",
        "a literal key after a collection is also a member name of its items: the page may have left out a key",
    ),
    (
        "ref-not-on-navigation",
        "`$ref` follows something other than a navigation property",
    ),
    (
        "value-on-non-media",
        "`$value` follows neither a media entity (`HasStream`) nor a primitive or stream value",
    ),
    (
        "count-on-single",
        "`$count` follows something that is not a collection",
    ),
    (
        "segment-after-end",
        "a segment follows `$ref`, `$count`, `$value`, an action, a non-composable function or a primitive value",
    ),
    (
        "prose-in-path",
        "a request line holds prose or a placeholder sentence instead of a path",
    ),
    (
        "foreign-host",
        "an absolute URL names a host other than the service's, or no service version",
    ),
    (
        "set-segment-misplaced",
        "`$filter(...)` or `$each` follows something that is not a collection of entities, `$filter()` has no expression, or something other than a bound action or function follows `$each`",
    ),
    (
        "filter-segment-unsupported",
        "a `$filter(...)` path segment addresses a collection whose service declares no `UpdateRestrictions` or `DeleteRestrictions` with `FilterSegmentSupported` true",
    ),
    (
        "unknown-function-parameter",
        "a function call names a parameter the function does not declare",
    ),
    // Checking bodies and tables (`analyse::check`).
    (
        "type-name-case",
        "a type name differs only in case from the schema's",
    ),
    (
        "unknown-type-name",
        "an `@odata.type` names no type of the schema",
    ),
    (
        "unrelated-type",
        "an `@odata.type` names a type that is not the expected one nor derived from it",
    ),
    (
        "unknown-property",
        "an example body has a property its type does not declare",
    ),
    (
        "unknown-enum-member",
        "an example value is not a member of its enum type",
    ),
    (
        "wrong-json-type",
        "an example value has a JSON type its property's type does not allow",
    ),
    (
        "invalid-literal",
        "an example string is not a valid literal of its primitive type",
    ),
    (
        "wrapped-in-value",
        "an example wraps a single entity or complex value in `{\"value\": ...}`",
    ),
    (
        "unknown-parameter",
        "an example action body has a member that is not a parameter of the action",
    ),
    (
        "table-unknown-name",
        "a request-body table names no property of the type, or no parameter of the action",
    ),
    (
        "table-type-mismatch",
        "a request-body table gives a type other than the schema's",
    ),
    (
        "table-collection-mismatch",
        "a request-body table says collection where the schema says single, or the reverse",
    ),
    (
        "table-required-not-in-schema",
        "a request-body table marks members required, but the schema requires none (all nullable)",
    ),
    // Analysing a page (`analyse`).
    (
        "todo-permission",
        "a permissions cell is a placeholder, not a permission",
    ),
    (
        "not-a-request-line",
        "a line of an HTTP request block is not `METHOD path`",
    ),
    (
        "operation-not-allowed",
        "a documented request is one the schema does not allow on its target",
    ),
    (
        "forbidden-by-capabilities",
        "a documented request is one the schema's Capabilities annotations forbid where its path leads (e.g. `InsertRestrictions/Insertable` false); the message names the annotation",
    ),
    (
        "operation-method-mismatch",
        "a documented request calls a function with a method other than GET, or an action with one other than POST",
    ),
    (
        "example-url-mismatch",
        "an example's method and URL match none of the page's HTTP request templates",
    ),
    // Planning the crate (`plan`).
    (
        "example-not-testable",
        "an example cannot become a generated test, and why",
    ),
    (
        "status-mismatch",
        "an example response's status differs from the operation's success status",
    ),
    (
        "not-generated",
        "a documented request resolves, but the generated crate has no method for it, and why (a structural property, a drive item by path, a set-based `$filter(...)`/`$each` request, an entity changed where it lives)",
    ),
    (
        "nothing-selected",
        "a `--select` path glob matches nothing the service exposes",
    ),
];

/// A group of codes that `--deny`, `--warn` and `--allow` take by one name.
pub const GROUPS: &[(&str, &str)] = &[(
    "unresolved",
    "every code with which a request line or example URL fails to resolve",
)];

/// The codes with which a path fails to resolve (the `unresolved` group); the other
/// codes of `path` are warnings of paths that resolve.
pub const UNRESOLVED: &[&str] = &[
    "unknown-segment",
    "no-entity-container",
    "key-on-single",
    "unknown-root",
    "member-of-other-type",
    "operation-not-bound-here",
    "type-name-as-segment",
    "cast-to-unrelated-type",
    "ref-not-on-navigation",
    "value-on-non-media",
    "count-on-single",
    "segment-after-end",
    "prose-in-path",
    "foreign-host",
    "set-segment-misplaced",
];

/// The codes of a group.
pub fn group(name: &str) -> &'static [&'static str] {
    match name {
        "unresolved" => UNRESOLVED,
        _ => &[],
    }
}

/// Whether `name` is a code of the table.
pub fn is_code(name: &str) -> bool {
    CODES.iter().any(|(code, _)| *code == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_listed_once_in_kebab_case_and_groups_name_listed_codes() {
        let mut seen = std::collections::HashSet::new();
        for (code, meaning) in CODES {
            assert!(seen.insert(code), "{code} listed twice");
            assert!(
                code.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{code}"
            );
            assert!(!meaning.is_empty());
        }
        for (name, _) in GROUPS {
            assert!(!is_code(name), "{name} is a group and a code");
            for code in group(name) {
                assert!(is_code(code), "{code} of {name} is not listed");
            }
        }
    }
}
