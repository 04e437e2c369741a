//! Walks a documented request path (`/deviceAppManagement/things/{id}/children/$ref`)
//! through the model: singleton or entity set, key, navigation property, type cast,
//! `$ref`/`$count`/`$value`. A path that leads nowhere is an error that says which
//! segment failed and why; a path that resolves only by tolerating a doc mistake
//! resolves with a warning.

use crate::diag::{Diagnostic, Span};
use crate::model::{Model, OperationId, TypeId};

/// Diagnostic codes of the path resolver.
pub const CODES: &[(&str, &str)] = &[
    (
        "unknown-segment",
        "a path segment names nothing of the type reached so far",
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
        "unsupported-segment",
        "a segment kind the generator does not resolve yet",
    ),
];

/// Where a path starts.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Root {
    EntitySet(String),
    Singleton(String),
    /// An unbound action or function called through its import in the container.
    OperationImport(String),
}

/// One step after the root.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Step {
    /// `{placeholder}` or a literal key; `text` is what the page wrote.
    Key { text: String },
    Navigation {
        /// The type that declares the navigation property.
        declaring: TypeId,
        name: String,
        target: TypeId,
        collection: bool,
    },
    /// A type-cast segment (`microsoft.graph.user`) to a derived type.
    Cast { target: TypeId, collection: bool },
    /// A bound action or function (`microsoft.graph.getMemberGroups`, `delta()`).
    Operation { operation: OperationId },
    /// A structural property (`/photo`, `/manager/displayName`), e.g. before `$value`.
    Property {
        declaring: TypeId,
        name: String,
        collection: bool,
    },
}

/// What a path addresses once resolved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    Collection(TypeId),
    Entity(TypeId),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Suffix {
    Ref,
    Count,
    Value,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolvedPath {
    pub root: Root,
    pub steps: Vec<Step>,
    pub target: Target,
    pub suffix: Option<Suffix>,
    /// `scheme://host/version` when the page wrote an absolute URL.
    pub service_root: Option<String>,
}

impl ResolvedPath {
    /// The path without its final key, if any: the collection (or single entity) it
    /// addresses, which is what the generator selects operations for.
    pub fn endpoint(&self) -> (&Root, &[Step]) {
        match self.steps.split_last() {
            Some((Step::Key { .. }, rest)) => (&self.root, rest),
            _ => (&self.root, &self.steps),
        }
    }
}

/// A path segment with its byte offset in the written text.
struct Segment<'t> {
    text: &'t str,
    offset: usize,
}

/// Resolves `written` (a request-line target as the page wrote it, starting at `span`).
/// Returns the path and the warnings of tolerated mistakes, or the error that stops it.
pub fn resolve_path(
    model: &Model,
    written: &str,
    span: &Span,
) -> Result<(ResolvedPath, Vec<Diagnostic>), Diagnostic> {
    let mut warnings = Vec::new();
    let (service_root, path, path_offset) = split_service_root(written);
    let path_end = path.find(['?', '#']).unwrap_or(path.len());
    let segments = split_segments(&path[..path_end], path_offset);
    let at = |seg: &Segment<'_>| span.shifted(written[..seg.offset].chars().count());

    let Some(container) = &model.container else {
        return Err(Diagnostic::error(
            "no-entity-container",
            span.clone(),
            "the metadata declares no EntityContainer, so no path can be resolved",
        ));
    };
    let mut iter = segments.iter();
    let Some(first) = iter.next() else {
        return Err(Diagnostic::error(
            "unknown-segment",
            span.clone(),
            "the request line has no path",
        ));
    };
    let (first_name, first_key) = split_parenthesized_key(first.text);
    let mut steps = Vec::new();
    let (root, mut target) = if let Some(set) = find_named(
        &container.entity_sets,
        |s| &s.name,
        first_name,
        &at(first),
        &mut warnings,
    ) {
        (
            Root::EntitySet(set.name.clone()),
            Target::Collection(set.entity_type),
        )
    } else if let Some(s) = find_named(
        &container.singletons,
        |s| &s.name,
        first_name,
        &at(first),
        &mut warnings,
    ) {
        (Root::Singleton(s.name.clone()), Target::Entity(s.ty))
    } else {
        return Err(Diagnostic::error(
            "unknown-segment",
            at(first),
            format!(
                "`{first_name}` is neither an entity set nor a singleton of `{}`",
                container.name
            ),
        ));
    };
    if let Some(key) = first_key {
        target = apply_key(model, target, key, first, &at, &mut steps)?;
    }
    let mut suffix = None;
    for seg in iter {
        if let Some(s) = suffix {
            return Err(Diagnostic::error(
                "unknown-segment",
                at(seg),
                format!(
                    "`{}` follows `{}`, which ends a path",
                    seg.text,
                    suffix_text(s)
                ),
            ));
        }
        match seg.text {
            "$ref" => {
                suffix = Some(Suffix::Ref);
                continue;
            }
            "$count" => {
                suffix = Some(Suffix::Count);
                continue;
            }
            "$value" => {
                suffix = Some(Suffix::Value);
                continue;
            }
            _ => {}
        }
        if is_placeholder(seg.text) {
            target = apply_key(model, target, seg.text, seg, &at, &mut steps)?;
            continue;
        }
        let Target::Entity(current) = target else {
            // After a collection, a plain segment is a key value written literally.
            target = apply_key(model, target, seg.text, seg, &at, &mut steps)?;
            continue;
        };
        let (name, key) = split_parenthesized_key(seg.text);
        if name.contains('.') {
            return Err(Diagnostic::error(
                "unsupported-segment",
                at(seg),
                format!(
                    "`{name}` (a type cast or bound operation) is not resolved by this generator yet"
                ),
            ));
        }
        let navigations: Vec<_> = model
            .ancestry(current)
            .filter_map(|t| model.structured(t).map(|s| (t, s)))
            .flat_map(|(t, s)| s.navigations.iter().map(move |n| (t, n)))
            .collect();
        let Some(&(declaring, nav)) = find_named(
            &navigations,
            |(_, n)| &n.name,
            name,
            &at(seg),
            &mut warnings,
        ) else {
            let type_name = model.get(current).qualified_name();
            let mut d = Diagnostic::error(
                "unknown-segment",
                at(seg),
                format!("`{name}` is not a navigation property of `{type_name}`"),
            );
            if model.all_properties(current).iter().any(|p| p.name == name) {
                d = d.with_note(format!("`{name}` is a structural property of `{type_name}`; the generator reads it through the entity"));
            }
            return Err(d);
        };
        steps.push(Step::Navigation {
            declaring,
            name: nav.name.clone(),
            target: nav.target,
            collection: nav.collection,
        });
        target = if nav.collection {
            Target::Collection(nav.target)
        } else {
            Target::Entity(nav.target)
        };
        if let Some(key) = key {
            target = apply_key(model, target, key, seg, &at, &mut steps)?;
        }
    }
    if suffix == Some(Suffix::Ref) {
        if let Some(Step::Navigation {
            declaring, name, ..
        }) = steps
            .iter()
            .rev()
            .find(|s| matches!(s, Step::Navigation { .. }))
        {
            let contained = model
                .find_navigation(*declaring, name)
                .is_some_and(|(_, n)| n.contains_target);
            if contained {
                let ref_seg = segments.iter().rev().find(|s| s.text == "$ref");
                let d = Diagnostic::warning(
                    "ref-on-containment",
                    ref_seg.map_or_else(|| span.clone(), &at),
                    format!(
                        "`$ref` on `{name}`, a containment navigation property of `{}`: contained entities are created, not referenced; read as the collection itself",
                        model.get(*declaring).qualified_name()
                    ),
                );
                warnings.push(d);
                suffix = None;
            }
        }
    }
    Ok((
        ResolvedPath {
            root,
            steps,
            target,
            suffix,
            service_root,
        },
        warnings,
    ))
}

fn suffix_text(s: Suffix) -> &'static str {
    match s {
        Suffix::Ref => "$ref",
        Suffix::Count => "$count",
        Suffix::Value => "$value",
    }
}

fn apply_key(
    model: &Model,
    target: Target,
    key: &str,
    seg: &Segment<'_>,
    at: &dyn Fn(&Segment<'_>) -> Span,
    steps: &mut Vec<Step>,
) -> Result<Target, Diagnostic> {
    match target {
        Target::Collection(t) => {
            steps.push(Step::Key {
                text: key.to_owned(),
            });
            Ok(Target::Entity(t))
        }
        Target::Entity(t) => Err(Diagnostic::error(
            "key-on-single",
            at(seg),
            format!(
                "key `{key}` follows a single `{}`, not a collection",
                model.get(t).qualified_name()
            ),
        )),
    }
}

/// Finds an element by name; a name that matches only ignoring case is accepted with a
/// `name-case-mismatch` warning, as long as the match is unique.
fn find_named<'a, T>(
    items: &'a [T],
    name_of: impl Fn(&T) -> &String,
    name: &str,
    span: &Span,
    warnings: &mut Vec<Diagnostic>,
) -> Option<&'a T> {
    if let Some(exact) = items.iter().find(|i| name_of(i) == name) {
        return Some(exact);
    }
    let mut matches = items
        .iter()
        .filter(|i| name_of(i).eq_ignore_ascii_case(name));
    let found = matches.next()?;
    if matches.next().is_some() {
        return None;
    }
    warnings.push(Diagnostic::warning(
        "name-case-mismatch",
        span.clone(),
        format!("`{name}` is spelled `{}` in the schema", name_of(found)),
    ));
    Some(found)
}

fn is_placeholder(text: &str) -> bool {
    text.starts_with('{') && text.ends_with('}')
}

/// `things('a')` or `things(1)` -> (`things`, Some(`'a'`)).
fn split_parenthesized_key(text: &str) -> (&str, Option<&str>) {
    match text.find('(') {
        Some(open) if text.ends_with(')') && open > 0 => {
            let inner = &text[open + 1..text.len() - 1];
            (&text[..open], (!inner.is_empty()).then_some(inner))
        }
        _ => (text, None),
    }
}

/// Splits `https://host/version/path` into the service root and the path, and returns
/// the byte offset of the path in the written text. Relative forms (`/a`, `a`, `~/a`)
/// have no service root.
fn split_service_root(written: &str) -> (Option<String>, &str, usize) {
    let trimmed_start = written.len() - written.trim_start().len();
    let text = written.trim();
    for scheme in ["https://", "http://"] {
        if let Some(rest) = text.strip_prefix(scheme) {
            let host_end = rest.find('/').unwrap_or(rest.len());
            let after_host = &rest[host_end..];
            let version_end = after_host
                .get(1..)
                .and_then(|s| s.find('/').map(|i| i + 1))
                .unwrap_or(after_host.len());
            let root_len = scheme.len() + host_end + version_end;
            let root = text[..root_len].to_owned();
            return (Some(root), &text[root_len..], trimmed_start + root_len);
        }
    }
    let skip = if text.starts_with("~/") { 2 } else { 0 };
    (None, &text[skip..], trimmed_start + skip)
}

fn split_segments(path: &str, base: usize) -> Vec<Segment<'_>> {
    let mut segments = Vec::new();
    let mut start = 0;
    for (i, c) in path
        .char_indices()
        .chain(std::iter::once((path.len(), '/')))
    {
        if c == '/' {
            if i > start {
                segments.push(Segment {
                    text: &path[start..i],
                    offset: base + start,
                });
            }
            start = i + 1;
        }
    }
    segments
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csdl::read_csdl;
    use crate::diag::Source;
    use crate::model::build_model;

    fn model() -> Model {
        let xml = r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
<Schema Namespace="ns" xmlns="http://docs.oasis-open.org/odata/ns/edm">
  <EntityType Name="root"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String" Nullable="false"/>
    <NavigationProperty Name="things" Type="Collection(ns.thing)" ContainsTarget="true"/>
    <NavigationProperty Name="friends" Type="Collection(ns.thing)"/>
  </EntityType>
  <EntityType Name="thing"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String" Nullable="false"/>
    <Property Name="name" Type="Edm.String"/>
    <NavigationProperty Name="parts" Type="Collection(ns.thing)" ContainsTarget="true"/>
  </EntityType>
  <EntityContainer Name="svc"><Singleton Name="top" Type="ns.root"/><EntitySet Name="roots" EntityType="ns.root"/></EntityContainer>
</Schema></edmx:DataServices></edmx:Edmx>"#;
        build_model(&read_csdl(&Source::new("m.xml", xml)).unwrap()).unwrap()
    }

    fn resolve(text: &str) -> Result<(ResolvedPath, Vec<Diagnostic>), Diagnostic> {
        let src = Source::new("p.md", text);
        resolve_path(&model(), text, &src.span(1, 1))
    }

    #[test]
    fn walks_singleton_navigation_and_keys() {
        let (path, warnings) = resolve("/top/things/{thingId}/parts").unwrap();
        assert!(warnings.is_empty());
        assert_eq!(path.root, Root::Singleton("top".into()));
        assert_eq!(path.steps.len(), 3);
        assert!(matches!(path.target, Target::Collection(_)));
        let (_, endpoint) = path.endpoint();
        assert_eq!(endpoint.len(), 3);
    }

    #[test]
    fn absolute_urls_keys_in_parentheses_and_queries() {
        let (path, _) =
            resolve("https://graph.example.com/beta/roots('a')/things/x?$select=name").unwrap();
        assert_eq!(
            path.service_root.as_deref(),
            Some("https://graph.example.com/beta")
        );
        assert_eq!(path.steps[0], Step::Key { text: "'a'".into() });
        assert!(matches!(path.target, Target::Entity(_)));
        let (_, endpoint) = path.endpoint();
        assert_eq!(endpoint.len(), 2);
    }

    #[test]
    fn ref_on_containment_warns_at_the_ref_and_reads_the_collection() {
        let (path, warnings) = resolve("/top/things/$ref").unwrap();
        assert_eq!(path.suffix, None);
        assert_eq!(warnings[0].code, "ref-on-containment");
        assert_eq!(warnings[0].span.as_ref().unwrap().col, 13);
        let (path, warnings) = resolve("/top/friends/$ref").unwrap();
        assert_eq!(path.suffix, Some(Suffix::Ref));
        assert!(warnings.is_empty());
    }

    #[test]
    fn case_differences_resolve_with_a_warning() {
        let (_, warnings) = resolve("/Top/Things").unwrap();
        let codes: Vec<_> = warnings
            .iter()
            .map(|w| (w.code, w.span.as_ref().unwrap().col))
            .collect();
        assert_eq!(
            codes,
            [("name-case-mismatch", 2), ("name-case-mismatch", 6)]
        );
    }

    #[test]
    fn failures_name_the_segment() {
        let err = resolve("/top/nothing").unwrap_err();
        assert_eq!(
            (err.code, err.span.as_ref().unwrap().col),
            ("unknown-segment", 6)
        );
        assert_eq!(
            err.message,
            "`nothing` is not a navigation property of `ns.root`"
        );
        let err = resolve("/top/{id}").unwrap_err();
        assert_eq!(err.code, "key-on-single");
        let err = resolve("/nowhere").unwrap_err();
        assert_eq!(
            err.message,
            "`nowhere` is neither an entity set nor a singleton of `svc`"
        );
        let err = resolve("/top/things/$count/x").unwrap_err();
        assert_eq!(err.code, "unknown-segment");
        let err = resolve("   ").unwrap_err();
        assert_eq!(err.code, "unknown-segment");
    }
}
