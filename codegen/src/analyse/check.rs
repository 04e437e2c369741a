//! Cross-checks of a page's example bodies and annotations against the schema: type
//! names, property names, JSON types, enum members and primitive literals. Every
//! finding is a warning naming both the page's text and the schema element.

use crate::diag::{Diagnostic, Span};
use crate::model::{ItemType, Model, OperationId, Primitive, TypeDef, TypeId, TypeKind, TypeRef};
use crate::read::page::{JsonValue, PropertyRow, PropertyTable, Spanned};

/// Resolves a type name as a page writes it (`microsoft.graph.x` or `#microsoft.graph.x`);
/// a case-only difference resolves with a `type-name-case` warning.
pub fn lookup_type_name(
    model: &Model,
    written: &str,
    span: &Span,
    diags: &mut Vec<Diagnostic>,
) -> Option<TypeId> {
    let name = written.trim().trim_start_matches('#');
    if let Some(id) = model.lookup(name) {
        return Some(id);
    }
    match model.lookup_ignore_case(name) {
        [id] => {
            diags.push(Diagnostic::warning(
                "type-name-case",
                span.clone(),
                format!(
                    "`{name}` is spelled `{}` in the schema",
                    model.get(*id).qualified_name()
                ),
            ));
            Some(*id)
        }
        _ => {
            diags.push(Diagnostic::warning(
                "unknown-type-name",
                span.clone(),
                format!("`{name}` names no type of the schema"),
            ));
            None
        }
    }
}

/// Resolves the type an annotation's `@odata.type` names, as pages write it: a
/// structured or enum type (`microsoft.graph.x`, `#microsoft.graph.x`), a primitive
/// (`Edm.String`, `string`, `stream`), or `Collection(...)` of either. Case differences
/// resolve with a `type-name-case` warning.
pub fn lookup_annotation_type(
    model: &Model,
    written: &str,
    span: &Span,
    diags: &mut Vec<Diagnostic>,
) -> Option<TypeRef> {
    let name = written.trim().trim_start_matches('#');
    let (inner, collection) = match name.get(..11) {
        Some(prefix) if prefix.eq_ignore_ascii_case("Collection(") && name.ends_with(')') => {
            (&name[11..name.len() - 1], true)
        }
        _ => (name, false),
    };
    if let Some(p) = primitive_named(inner) {
        return Some(TypeRef {
            item: ItemType::Primitive(p),
            collection,
        });
    }
    let id = lookup_type_name(model, inner, span, diags)?;
    Some(TypeRef {
        item: ItemType::Named(id),
        collection,
    })
}

/// A primitive type by its EDM name, with or without `Edm.`, in any case.
fn primitive_named(name: &str) -> Option<Primitive> {
    let local = match name.get(..4) {
        Some(prefix) if prefix.eq_ignore_ascii_case("Edm.") => &name[4..],
        _ => name,
    };
    if local.contains('.') {
        return None;
    }
    const NAMES: &[&str] = &[
        "Binary",
        "Boolean",
        "Byte",
        "Date",
        "DateTimeOffset",
        "Decimal",
        "Double",
        "Duration",
        "Guid",
        "Int16",
        "Int32",
        "Int64",
        "SByte",
        "Single",
        "Stream",
        "String",
        "TimeOfDay",
        "Untyped",
    ];
    let canonical = NAMES.iter().find(|n| n.eq_ignore_ascii_case(local))?;
    Primitive::from_edm_name(&format!("Edm.{canonical}"))
}

/// What an example body should hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// A value of this type, as the whole body.
    Body(TypeRef),
    /// `{"value": ...}` holding a value of this type (collections, primitives).
    Wrapped(TypeRef),
    /// An object whose members are the action's parameters.
    Parameters(OperationId),
}

/// Checks an example body against what it should hold. Returns whether it would
/// deserialize into the generated model (no JSON type errors).
pub fn check_expected(
    model: &Model,
    expect: Expect,
    body: &Spanned<JsonValue>,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    match expect {
        Expect::Body(ty) => match wrapped_single(model, ty, body) {
            Some((key, inner)) => {
                diags.push(Diagnostic::warning(
                    "wrapped-in-value",
                    key.span.clone(),
                    format!(
                        "the body wraps a single `{}` in `value`, which OData uses only for collections and primitive values; its content is checked as the `{}`",
                        type_label(model, ty),
                        type_label(model, ty)
                    ),
                ));
                check_body(model, ty, inner, diags)
            }
            None => check_body(model, ty, body, diags),
        },
        Expect::Wrapped(ty) => match body.value.get("value") {
            Some(value) => check_body(model, ty, value, diags),
            // A body without `value` is checked as the value itself when it is an
            // object of the expected structured type (a truncated example).
            None => true,
        },
        Expect::Parameters(op) => check_parameters(model, op, body, diags),
    }
}

/// The `value` member of a body that wraps a single structured value in
/// `{"value": {...}}`, when the type has no `value` member of its own.
fn wrapped_single<'b>(
    model: &Model,
    ty: TypeRef,
    body: &'b Spanned<JsonValue>,
) -> Option<(&'b Spanned<String>, &'b Spanned<JsonValue>)> {
    let ItemType::Named(t) = ty.item else {
        return None;
    };
    if ty.collection
        || model.structured(t).is_none()
        || model.find_property(t, "value").is_some()
        || model.find_navigation(t, "value").is_some()
    {
        return None;
    }
    let JsonValue::Object(members) = &body.value else {
        return None;
    };
    let mut data = members.iter().filter(|(k, _)| !k.value.contains('@'));
    match (data.next(), data.next()) {
        (Some((key, inner)), None)
            if key.value == "value" && matches!(inner.value, JsonValue::Object(_)) =>
        {
            Some((key, inner))
        }
        _ => None,
    }
}

/// Checks an action's request body: each member must be a parameter of the action, of
/// the parameter's type.
pub fn check_parameters(
    model: &Model,
    op: OperationId,
    body: &Spanned<JsonValue>,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    let before = diags.len();
    let def = model.operation(op);
    let JsonValue::Object(members) = &body.value else {
        diags.push(Diagnostic::warning(
            "wrong-json-type",
            body.span.clone(),
            format!(
                "the body is {}, but the parameters of the action `{}.{}` are sent as an object",
                json_kind(&body.value),
                def.namespace,
                def.name
            ),
        ));
        return false;
    };
    for (key, value) in members {
        let name = key.value.as_str();
        if name.contains('@') {
            continue;
        }
        let parameters: Vec<&crate::model::ParameterDef> = def.parameters.iter().collect();
        let exact = def.parameters.iter().find(|p| p.name == name);
        match exact.or_else(|| case_only(&parameters, |p| &p.name, name)) {
            Some(p) => {
                if p.name != name {
                    diags.push(Diagnostic::warning(
                        "name-case-mismatch",
                        key.span.clone(),
                        format!(
                            "`{name}` is spelled `{}` in the schema (a parameter of the action `{}.{}`)",
                            p.name, def.namespace, def.name
                        ),
                    ));
                }
                check_value(model, p.ty, value, &format!("`{name}`"), diags);
            }
            None => {
                diags.push(
                    Diagnostic::warning(
                        "unknown-parameter",
                        key.span.clone(),
                        format!(
                            "`{name}` is not a parameter of the action `{}`",
                            def.qualified_name()
                        ),
                    )
                    .with_note(def.parameters_note("it takes no parameters besides its binding")),
                );
            }
        }
    }
    !diags[before..]
        .iter()
        .any(|d| d.code == "wrong-json-type" || d.code == "invalid-literal")
}

/// Checks an example body against the type the operation reads or writes. Returns
/// whether the body would deserialize into the generated model (no JSON type errors).
pub fn check_body(
    model: &Model,
    expected: TypeRef,
    body: &Spanned<JsonValue>,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    let before = diags.len();
    check_value(model, expected, body, "the body", diags);
    !diags[before..]
        .iter()
        .any(|d| d.code == "wrong-json-type" || d.code == "invalid-literal")
}

fn json_kind(v: &JsonValue) -> &'static str {
    match v {
        JsonValue::Null => "null",
        JsonValue::Bool(_) => "a Boolean",
        JsonValue::Number(_) => "a number",
        JsonValue::String(_) => "a string",
        JsonValue::Array(_) => "an array",
        JsonValue::Object(_) => "an object",
    }
}

fn type_label(model: &Model, ty: TypeRef) -> String {
    crate::model::type_ref_name(model, ty)
}

fn wrong_type(
    model: &Model,
    ty: TypeRef,
    value: &Spanned<JsonValue>,
    what: &str,
    diags: &mut Vec<Diagnostic>,
) {
    diags.push(Diagnostic::warning(
        "wrong-json-type",
        value.span.clone(),
        format!(
            "{what} is {}, but its type `{}` needs {}",
            json_kind(&value.value),
            type_label(model, ty),
            expected_json(model, ty)
        ),
    ));
}

fn expected_json(model: &Model, ty: TypeRef) -> &'static str {
    if ty.collection {
        return "an array";
    }
    match ty.item {
        ItemType::Primitive(p) => match p {
            Primitive::Boolean => "a Boolean",
            Primitive::Byte
            | Primitive::SByte
            | Primitive::Int16
            | Primitive::Int32
            | Primitive::Int64
            | Primitive::Decimal => "a number",
            Primitive::Double | Primitive::Single => "a number (or INF, -INF, NaN)",
            Primitive::Spatial => "a GeoJSON object",
            Primitive::Untyped => "any value",
            _ => "a string",
        },
        ItemType::Named(id) => match &model.get(id).kind {
            TypeKind::Structured(_) => "an object",
            TypeKind::Enum(_) => "a string",
            TypeKind::Definition { .. } => "a primitive value",
        },
    }
}

fn check_value(
    model: &Model,
    ty: TypeRef,
    value: &Spanned<JsonValue>,
    what: &str,
    diags: &mut Vec<Diagnostic>,
) {
    if let JsonValue::Null = value.value {
        return; // nullability is the service's business; examples show nulls freely
    }
    if ty.collection {
        match &value.value {
            JsonValue::Array(items) => {
                let item_ty = TypeRef {
                    collection: false,
                    ..ty
                };
                for item in items {
                    check_value(model, item_ty, item, what, diags);
                }
            }
            _ => wrong_type(model, ty, value, what, diags),
        }
        return;
    }
    match ty.item {
        ItemType::Primitive(p) => check_primitive(model, ty, p, value, what, diags),
        ItemType::Named(id) => match &model.get(id).kind {
            // A structured type with no members at all holds arbitrary JSON.
            TypeKind::Structured(_) if holds_any_json(model, id) => {}
            TypeKind::Structured(_) => check_object(model, id, value, what, diags),
            TypeKind::Enum(e) => match &value.value {
                JsonValue::String(s) => {
                    let def = model.get(id);
                    let members = || e.members.iter().map(|m| m.name.as_str());
                    let written: Vec<&str> = if e.is_flags {
                        s.split(',').map(str::trim).collect()
                    } else {
                        vec![s.as_str()]
                    };
                    for w in written {
                        if members().any(|m| m == w) {
                            continue;
                        }
                        let mut same_but_case = members().filter(|m| m.eq_ignore_ascii_case(w));
                        if let (Some(member), None) = (same_but_case.next(), same_but_case.next()) {
                            diags.push(Diagnostic::warning(
                                "name-case-mismatch",
                                value.span.clone(),
                                format!(
                                    "`{w}` ({what}) is spelled `{member}` in the schema (a member of enum `{}`)",
                                    def.qualified_name()
                                ),
                            ));
                        } else {
                            diags.push(unknown_member(
                                def,
                                w,
                                members().collect(),
                                &value.span,
                                what,
                            ));
                        }
                    }
                }
                _ => wrong_type(model, ty, value, what, diags),
            },
            TypeKind::Definition { underlying, .. } => {
                check_primitive(model, ty, *underlying, value, what, diags)
            }
        },
    }
}

fn unknown_member(
    def: &TypeDef,
    written: &str,
    members: Vec<&str>,
    span: &Span,
    what: &str,
) -> Diagnostic {
    Diagnostic::warning(
        "unknown-enum-member",
        span.clone(),
        format!(
            "`{written}` ({what}) is not a member of enum `{}`",
            def.qualified_name()
        ),
    )
    .with_note(format!("its members are: {}", members.join(", ")))
}

fn check_primitive(
    model: &Model,
    ty: TypeRef,
    p: Primitive,
    value: &Spanned<JsonValue>,
    what: &str,
    diags: &mut Vec<Diagnostic>,
) {
    let ok = match (&value.value, p) {
        (_, Primitive::Untyped | Primitive::Spatial) => true,
        (JsonValue::Bool(_), Primitive::Boolean) => true,
        (
            JsonValue::Number(n),
            Primitive::Byte
            | Primitive::SByte
            | Primitive::Int16
            | Primitive::Int32
            | Primitive::Int64,
        ) => integer_fits(n, p),
        (JsonValue::Number(_), Primitive::Decimal | Primitive::Double | Primitive::Single) => true,
        (JsonValue::String(s), Primitive::Double | Primitive::Single) => {
            matches!(s.as_str(), "INF" | "-INF" | "NaN")
        }
        (JsonValue::String(s), _) if expected_json(model, ty) == "a string" => {
            if let Some(problem) = literal_problem(p, s) {
                diags.push(Diagnostic::warning(
                    "invalid-literal",
                    value.span.clone(),
                    format!("`{s}` ({what}) is not a valid `Edm.{p:?}`: {problem}"),
                ));
            }
            true
        }
        _ => false,
    };
    if !ok {
        wrong_type(model, ty, value, what, diags);
    }
}

fn integer_fits(n: &str, p: Primitive) -> bool {
    let Ok(v) = n.parse::<i128>() else {
        return false;
    };
    let (min, max) = match p {
        Primitive::Byte => (0, u8::MAX as i128),
        Primitive::SByte => (i8::MIN as i128, i8::MAX as i128),
        Primitive::Int16 => (i16::MIN as i128, i16::MAX as i128),
        Primitive::Int32 => (i32::MIN as i128, i32::MAX as i128),
        _ => (i64::MIN as i128, i64::MAX as i128),
    };
    (min..=max).contains(&v)
}

/// Why `s` is not a literal of `p`, or `None` when it is one.
fn literal_problem(p: Primitive, s: &str) -> Option<&'static str> {
    let digits = |t: &str, n: usize| t.len() == n && t.bytes().all(|b| b.is_ascii_digit());
    let date_ok = |d: &str| {
        let parts: Vec<&str> = d.split('-').collect();
        parts.len() == 3 && digits(parts[0], 4) && digits(parts[1], 2) && digits(parts[2], 2)
    };
    let time_ok = |t: &str| {
        let (hms, frac) = t.split_once('.').unwrap_or((t, "0"));
        let parts: Vec<&str> = hms.split(':').collect();
        (parts.len() == 2 || parts.len() == 3)
            && parts.iter().all(|x| digits(x, 2))
            && !frac.is_empty()
            && frac.bytes().all(|b| b.is_ascii_digit())
    };
    match p {
        Primitive::Date => (!date_ok(s)).then_some("expected YYYY-MM-DD"),
        Primitive::TimeOfDay => (!time_ok(s)).then_some("expected hh:mm[:ss[.fffffff]]"),
        Primitive::DateTimeOffset => {
            let ok = s.split_once(['T', 't']).is_some_and(|(d, rest)| {
                let (time, zone_ok) = if let Some(t) = rest.strip_suffix(['Z', 'z']) {
                    (t, true)
                } else if let Some(i) = rest.rfind(['+', '-']) {
                    let zone = &rest[i + 1..];
                    (&rest[..i], zone.len() == 5 && time_ok(zone))
                } else {
                    (rest, false)
                };
                date_ok(d) && zone_ok && time_ok(time)
            });
            (!ok).then_some(
                "expected an RFC 3339 date-time with an offset, e.g. 2021-07-01T12:00:00Z",
            )
        }
        Primitive::Guid => {
            let groups: Vec<&str> = s.split('-').collect();
            let ok = groups.len() == 5
                && groups
                    .iter()
                    .zip([8, 4, 4, 4, 12])
                    .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()));
            (!ok).then_some("expected 8-4-4-4-12 hexadecimal digits")
        }
        Primitive::Duration => {
            let body = s.strip_prefix('-').unwrap_or(s);
            let ok = body.strip_prefix('P').is_some_and(|rest| {
                // Edm.Duration has no years or months; an `M` after `T` is minutes.
                let date = rest.split_once('T').map_or(rest, |(date, _)| date);
                !rest.is_empty()
                    && !date.contains(['Y', 'M'])
                    && rest
                        .bytes()
                        .all(|b| b.is_ascii_digit() || b".TDHMS".contains(&b))
            });
            (!ok).then_some("expected an ISO 8601 duration, e.g. P1DT2H")
        }
        _ => None,
    }
}

fn check_object(
    model: &Model,
    expected: TypeId,
    value: &Spanned<JsonValue>,
    what: &str,
    diags: &mut Vec<Diagnostic>,
) {
    let JsonValue::Object(members) = &value.value else {
        wrong_type(
            model,
            TypeRef {
                item: ItemType::Named(expected),
                collection: false,
            },
            value,
            what,
            diags,
        );
        return;
    };
    // A body may name a derived type; its properties are then the derived type's.
    let mut actual = expected;
    if let Some(written) = value.value.get("@odata.type") {
        if let JsonValue::String(name) = &written.value {
            if let Some(named) = lookup_type_name(model, name, &written.span, diags) {
                if model.derives_from(named, expected) {
                    actual = named;
                } else {
                    diags.push(Diagnostic::warning(
                        "unrelated-type",
                        written.span.clone(),
                        format!(
                            "`@odata.type` is `{}`, which is neither `{}` nor derived from it",
                            model.get(named).qualified_name(),
                            model.get(expected).qualified_name()
                        ),
                    ));
                }
            }
        }
    }
    let open = model
        .ancestry(actual)
        .any(|t| model.structured(t).is_some_and(|s| s.open_type));
    let properties = model.all_properties(actual);
    for (key, member) in members {
        let name = key.value.as_str();
        // Instance annotations (`@odata.type`, `prop@odata.nextLink`) are not properties.
        if name.contains('@') {
            continue;
        }
        if let Some(p) = properties.iter().find(|p| p.name == name) {
            check_value(model, p.ty, member, &format!("`{name}`"), diags);
        } else if let Some((_, nav)) = model.find_navigation(actual, name) {
            let ty = TypeRef {
                item: ItemType::Named(nav.target),
                collection: nav.collection,
            };
            check_value(model, ty, member, &format!("`{name}`"), diags);
        } else if let Some(p) = case_only(&properties, |p| &p.name, name) {
            diags.push(Diagnostic::warning(
                "name-case-mismatch",
                key.span.clone(),
                format!(
                    "`{name}` is spelled `{}` in the schema (a property of `{}`)",
                    p.name,
                    model.get(actual).qualified_name()
                ),
            ));
            check_value(model, p.ty, member, &format!("`{name}`"), diags);
        } else if !open {
            diags.push(Diagnostic::warning(
                "unknown-property",
                key.span.clone(),
                format!(
                    "`{name}` is not a property of `{}`",
                    model.get(actual).qualified_name()
                ),
            ));
        }
    }
}

/// The one item whose name equals `name` ignoring case, if exactly one does.
fn case_only<'a, T>(items: &[&'a T], name_of: impl Fn(&T) -> &str, name: &str) -> Option<&'a T> {
    let mut matches = items
        .iter()
        .filter(|i| name_of(i).eq_ignore_ascii_case(name));
    match (matches.next(), matches.next()) {
        (Some(one), None) => Some(*one),
        _ => None,
    }
}

/// Whether a structured type declares no members at all, in itself or its bases: a
/// holder of arbitrary JSON (Graph's `Json`).
fn holds_any_json(model: &Model, id: TypeId) -> bool {
    model.ancestry(id).all(|t| {
        model
            .structured(t)
            .is_some_and(|s| s.properties.is_empty() && s.navigations.is_empty())
    })
}

/// What a request-body table documents: the properties of a type the request creates
/// or updates, or the parameters of an action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableSubject {
    Type(TypeId),
    Parameters(OperationId),
}

/// A property, navigation property or parameter a table row may name.
struct SchemaMember<'m> {
    name: &'m str,
    ty: TypeRef,
    /// Non-nullable, and neither a key nor computed: a value the client must send.
    required: bool,
}

fn subject_label(model: &Model, subject: TableSubject) -> String {
    match subject {
        TableSubject::Type(t) => format!("a property of `{}`", model.get(t).qualified_name()),
        TableSubject::Parameters(op) => {
            let def = model.operation(op);
            format!("a parameter of the action `{}.{}`", def.namespace, def.name)
        }
    }
}

fn subject_members(model: &Model, subject: TableSubject) -> Vec<SchemaMember<'_>> {
    match subject {
        TableSubject::Type(t) => {
            let keys: Vec<&str> = model
                .structured(t)
                .map(|s| s.key.iter().map(|k| k.path.as_str()).collect())
                .unwrap_or_default();
            let mut members: Vec<SchemaMember<'_>> = model
                .all_properties(t)
                .into_iter()
                .map(|p| SchemaMember {
                    name: &p.name,
                    ty: p.ty,
                    required: !p.nullable && !p.computed && !keys.contains(&p.name.as_str()),
                })
                .collect();
            members.extend(
                model
                    .ancestry(t)
                    .filter_map(|a| model.structured(a))
                    .flat_map(|s| &s.navigations)
                    .map(|n| SchemaMember {
                        name: &n.name,
                        ty: TypeRef {
                            item: ItemType::Named(n.target),
                            collection: n.collection,
                        },
                        required: false,
                    }),
            );
            members
        }
        TableSubject::Parameters(op) => model
            .operation(op)
            .parameters
            .iter()
            .map(|p| SchemaMember {
                name: &p.name,
                ty: p.ty,
                required: !p.nullable,
            })
            .collect(),
    }
}

/// The name a table row documents, when it is one identifier (`displayName`,
/// `**displayName**`); rows naming annotations or nested paths are not checked.
fn row_name(text: &str) -> Option<&str> {
    let mut words = text.split_whitespace();
    let first = words.next()?;
    // `name (required)` names one member; a sentence does not.
    if words.next().is_some_and(|w| !w.starts_with('(')) {
        return None;
    }
    let name = first.trim_matches(|c: char| matches!(c, '`' | '*' | '_' | '"' | '\'' | ':' | ','));
    let identifier = !name.is_empty()
        && name.chars().all(|c| c.is_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    identifier.then_some(name)
}

/// A table's type cell as a lower-cased name and collection-ness:
/// `String collection`, `Collection(String)`, `[recipient](...) collection`, `String[]`.
fn doc_type(text: &str) -> Option<(String, bool)> {
    let lower = text.trim().to_ascii_lowercase();
    let mut collection = false;
    let mut name = None;
    for word in lower.split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | ',')) {
        match word {
            "" | "of" | "a" | "an" => {}
            "collection" | "array" => collection = true,
            word if name.is_none() => {
                let word = match word.strip_suffix("[]") {
                    Some(item) => {
                        collection = true;
                        item
                    }
                    None => word,
                };
                let local = word.rsplit('.').next().unwrap_or(word);
                let local = local.trim_matches(|c: char| !c.is_alphanumeric());
                if !local.is_empty() {
                    name = Some(local.to_owned());
                }
            }
            _ => {}
        }
    }
    name.map(|n| (n, collection))
}

/// The names a page may use for a schema type (lower case); empty when any will do.
fn accepted_names(model: &Model, ty: TypeRef) -> Vec<String> {
    let primitive = |p: Primitive| -> &'static [&'static str] {
        match p {
            Primitive::String => &["string"],
            Primitive::Boolean => &["boolean", "bool"],
            Primitive::Int32 => &["int32", "int", "integer", "number"],
            Primitive::Int64 => &["int64", "long", "int", "integer", "number"],
            Primitive::Int16 => &["int16", "int", "integer", "number"],
            Primitive::Byte => &["byte", "int", "integer", "number"],
            Primitive::SByte => &["sbyte", "int", "integer", "number"],
            Primitive::Decimal => &["decimal", "number"],
            Primitive::Double => &["double", "number", "float"],
            Primitive::Single => &["single", "number", "float"],
            Primitive::DateTimeOffset => &["datetimeoffset", "datetime"],
            Primitive::Date => &["date"],
            Primitive::TimeOfDay => &["timeofday", "time"],
            Primitive::Duration => &["duration", "timespan"],
            Primitive::Guid => &["guid", "uuid"],
            Primitive::Binary => &["binary", "base64"],
            Primitive::Stream => &["stream"],
            Primitive::Spatial | Primitive::Untyped => &[],
        }
    };
    match ty.item {
        ItemType::Primitive(p) => primitive(p).iter().map(|s| (*s).to_owned()).collect(),
        ItemType::Named(t) => {
            let def = model.get(t);
            let mut names = vec![def.name.to_ascii_lowercase()];
            match &def.kind {
                TypeKind::Definition { underlying, .. } => {
                    names.extend(primitive(*underlying).iter().map(|s| (*s).to_owned()));
                }
                // Enum values are JSON strings, and pages often say so.
                TypeKind::Enum(_) => {
                    names.extend(["string", "enum", "enumeration"].map(str::to_owned))
                }
                TypeKind::Structured(_) => {}
            }
            names
        }
    }
}

/// Whether a table (its intro or its rows) says which members are required, and the
/// rows it marks so.
fn required_rows(table: &PropertyTable) -> Vec<&PropertyRow> {
    let intro_says_required = table.intro.as_ref().is_some_and(|p| {
        let text = p.value.to_ascii_lowercase();
        text.contains("required") && !text.contains("not required") && !text.contains("optional")
    });
    table
        .rows
        .iter()
        .filter(|row| {
            let marked = row.required.as_ref().is_some_and(|c| {
                let t = c.text.trim().to_ascii_lowercase();
                t.starts_with("yes") || t.starts_with("true") || t.starts_with("required")
            });
            let described = row
                .description
                .text
                .trim_start_matches(|c: char| !c.is_alphanumeric())
                .to_ascii_lowercase()
                .starts_with("required");
            intro_says_required || marked || described
        })
        .collect()
}

/// Checks a request-body table against what the request sends: each row's name, type
/// and collection-ness; and a table of "required" members where the schema requires
/// none.
pub fn check_table(
    model: &Model,
    table: &PropertyTable,
    subjects: &[TableSubject],
    diags: &mut Vec<Diagnostic>,
) {
    let titles: Vec<String> = table
        .header
        .iter()
        .map(|c| c.text.to_ascii_lowercase())
        .collect();
    let names_column = titles
        .iter()
        .any(|t| t.contains("property") || t.contains("parameter") || t.contains("name"));
    if !names_column {
        return;
    }
    let typed = titles.iter().any(|t| t.contains("type"));
    let members: Vec<(TableSubject, SchemaMember<'_>)> = subjects
        .iter()
        .flat_map(|&s| subject_members(model, s).into_iter().map(move |m| (s, m)))
        .collect();
    let label = || {
        subjects
            .iter()
            .map(|&s| subject_label(model, s))
            .collect::<Vec<_>>()
            .join(" or ")
    };
    for row in &table.rows {
        let Some(name) = row_name(&row.name.text) else {
            continue;
        };
        let found = members.iter().find(|(_, m)| m.name == name).or_else(|| {
            members
                .iter()
                .find(|(_, m)| m.name.eq_ignore_ascii_case(name))
        });
        let Some((subject, member)) = found else {
            diags.push(Diagnostic::warning(
                "table-unknown-name",
                row.name.span.clone(),
                format!("`{name}` (request-body table) is not {}", label()),
            ));
            continue;
        };
        let schema = match subject {
            TableSubject::Type(t) => {
                format!("`{}/{}`", model.get(*t).qualified_name(), member.name)
            }
            TableSubject::Parameters(op) => {
                let def = model.operation(*op);
                format!("`{}.{}({})`", def.namespace, def.name, member.name)
            }
        };
        if member.name != name {
            diags.push(Diagnostic::warning(
                "name-case-mismatch",
                row.name.span.clone(),
                format!(
                    "`{name}` (request-body table) is spelled `{}` in the schema ({schema})",
                    member.name
                ),
            ));
        }
        if !typed {
            continue;
        }
        let Some((written, collection)) = doc_type(&row.type_name.text) else {
            continue;
        };
        let accepted = accepted_names(model, member.ty);
        if accepted.is_empty() {
            continue;
        }
        if !accepted.contains(&written) {
            diags.push(Diagnostic::warning(
                "table-type-mismatch",
                row.type_name.span.clone(),
                format!(
                    "the table gives `{name}` the type `{}`, but {schema} is `{}`",
                    row.type_name.text.trim(),
                    type_label(model, member.ty)
                ),
            ));
        } else if collection != member.ty.collection {
            let (doc, schema_says) = if collection {
                ("a collection", "a single value")
            } else {
                ("a single value", "a collection")
            };
            diags.push(Diagnostic::warning(
                "table-collection-mismatch",
                row.type_name.span.clone(),
                format!(
                    "the table gives `{name}` as {doc} (`{}`), but {schema} is {schema_says} (`{}`)",
                    row.type_name.text.trim(),
                    type_label(model, member.ty)
                ),
            ));
        }
    }
    let required = required_rows(table);
    let Some(first) = required.first() else {
        return;
    };
    if members.iter().any(|(_, m)| m.required) {
        return;
    }
    let names: Vec<String> = required
        .iter()
        .filter_map(|r| row_name(&r.name.text))
        .take(4)
        .map(|n| format!("`{n}`"))
        .collect();
    let more = if required.len() > names.len() {
        format!(" and {} more", required.len() - names.len())
    } else {
        String::new()
    };
    diags.push(Diagnostic::warning(
        "table-required-not-in-schema",
        first.name.span.clone(),
        format!(
            "the table marks {}{more} required, but the schema requires nothing of {}: every member is nullable",
            names.join(", "),
            subjects
                .iter()
                .map(|&s| match s {
                    TableSubject::Type(t) => format!("`{}`", model.get(t).qualified_name()),
                    TableSubject::Parameters(op) => {
                        let def = model.operation(op);
                        format!("the action `{}.{}`", def.namespace, def.name)
                    }
                })
                .collect::<Vec<_>>()
                .join(" or ")
        ),
    ));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Source;
    use crate::read::page::read_page;

    fn model() -> Model {
        crate::model::test_model(
            r#"Namespace="ns""#,
            r#"
  <EntityType Name="thing"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String" Nullable="false"/>
    <Property Name="name" Type="Edm.String"/>
    <Property Name="size" Type="Edm.Int32"/>
    <Property Name="tags" Type="Collection(Edm.String)"/>
    <Property Name="color" Type="ns.color"/>
    <Property Name="extra" Type="ns.Json"/>
  </EntityType>
  <EntityType Name="special" BaseType="ns.thing"><Property Name="power" Type="Edm.Int32"/></EntityType>
  <ComplexType Name="Json"/>
  <EnumType Name="color"><Member Name="red"/><Member Name="blue"/></EnumType>
  <Action Name="send" IsBound="true"><Parameter Name="bindingParameter" Type="ns.thing"/>
    <Parameter Name="Message" Type="Edm.String"/><Parameter Name="Count" Type="Edm.Int32" Nullable="false"/></Action>
  <EntityContainer Name="svc"><EntitySet Name="things" EntityType="ns.thing"/></EntityContainer>
"#,
        )
    }

    fn json(text: &str) -> Spanned<JsonValue> {
        let page = format!("# t\n\n## Example\n\n```http\nPOST /things\n\n{text}\n```\n");
        let (doc, _) = read_page(&Source::new("p.md", page));
        match &doc.examples[0].message {
            crate::read::page::HttpMessage::Request(r) => {
                r.body.as_ref().unwrap().json.clone().unwrap()
            }
            crate::read::page::HttpMessage::Response(_) => unreachable!("a request"),
        }
    }

    fn thing(model: &Model) -> TypeRef {
        TypeRef {
            item: ItemType::Named(model.lookup("ns.thing").unwrap()),
            collection: false,
        }
    }

    fn codes(diags: &[Diagnostic]) -> Vec<&'static str> {
        diags.iter().map(|d| d.code).collect()
    }

    #[test]
    fn annotation_types_tolerate_collections_primitives_and_case() {
        let model = model();
        let src = Source::new("p.md", "x");
        let span = src.span(1, 1);
        let mut diags = Vec::new();
        let collection = lookup_annotation_type(&model, "Collection(ns.thing)", &span, &mut diags);
        assert_eq!(collection.map(|t| t.collection), Some(true));
        let stream = lookup_annotation_type(&model, "stream", &span, &mut diags);
        assert_eq!(
            stream.map(|t| t.item),
            Some(ItemType::Primitive(Primitive::Stream))
        );
        assert!(lookup_annotation_type(&model, "#NS.Thing", &span, &mut diags).is_some());
        assert!(lookup_annotation_type(&model, "ns.nothing", &span, &mut diags).is_none());
        assert_eq!(codes(&diags), ["type-name-case", "unknown-type-name"]);
    }

    #[test]
    fn action_bodies_are_checked_against_the_parameters() {
        let model = model();
        let send = OperationId(0);
        let mut diags = Vec::new();
        let ok = check_parameters(
            &model,
            send,
            &json(r#"{"message": "hi", "Count": "two", "other": 1}"#),
            &mut diags,
        );
        assert!(!ok, "a string for Edm.Int32 would not deserialize");
        assert_eq!(
            codes(&diags),
            ["name-case-mismatch", "wrong-json-type", "unknown-parameter"]
        );
        assert_eq!(diags[2].notes, ["its parameters are: Message, Count"]);
    }

    #[test]
    fn single_values_wrapped_in_value_are_reported_and_checked_inside() {
        let model = model();
        let mut diags = Vec::new();
        let body = json(r#"{"@odata.context": "x", "value": {"name": "a", "color": "green"}}"#);
        check_expected(&model, Expect::Body(thing(&model)), &body, &mut diags);
        assert_eq!(codes(&diags), ["wrapped-in-value", "unknown-enum-member"]);
        let mut diags = Vec::new();
        let list = json(r#"{"value": [{"name": 1}]}"#);
        let things = TypeRef {
            collection: true,
            ..thing(&model)
        };
        check_expected(&model, Expect::Wrapped(things), &list, &mut diags);
        assert_eq!(codes(&diags), ["wrong-json-type"]);
    }

    #[test]
    fn member_less_types_hold_any_json_and_case_differences_are_read() {
        let model = model();
        let mut diags = Vec::new();
        let body = json(
            r##"{"extra": "text", "Name": "a", "@odata.type": "#ns.special", "power": 1, "color": "Red"}"##,
        );
        check_body(&model, thing(&model), &body, &mut diags);
        assert_eq!(codes(&diags), ["name-case-mismatch", "name-case-mismatch"]);
        assert_eq!(
            diags[1].message,
            "`Red` (`color`) is spelled `red` in the schema (a member of enum `ns.color`)"
        );
    }

    #[test]
    fn doc_types_are_read_from_table_cells() {
        assert_eq!(doc_type("String collection"), Some(("string".into(), true)));
        assert_eq!(
            doc_type("Collection(Edm.Int32)"),
            Some(("int32".into(), true))
        );
        assert_eq!(doc_type("recipient[]"), Some(("recipient".into(), true)));
        assert_eq!(
            doc_type("windowsResourceCollection collection"),
            Some(("windowsresourcecollection".into(), true))
        );
        assert_eq!(
            doc_type("microsoft.graph.color"),
            Some(("color".into(), false))
        );
        assert_eq!(doc_type(" "), None);
        assert_eq!(row_name("**displayName** (required)"), Some("displayName"));
        assert_eq!(row_name("The name of it"), None);
        assert_eq!(row_name("@odata.type"), None);
    }

    #[test]
    fn request_body_tables_are_checked_against_the_type_or_the_parameters() {
        let model = model();
        let page = "# t\n\n## Request body\n\nThe following table shows the properties that are required when you create a thing.\n\n| Property | Type | Description |\n|:--|:--|:--|\n| name | String | |\n| Size | Int64 | |\n| tags | String | |\n| color | Enumeration | |\n| power | Int32 | |\n| nothing | String | |\n";
        let (doc, _) = read_page(&Source::new("p.md", page));
        let thing = model.lookup("ns.thing").unwrap();
        let mut diags = Vec::new();
        check_table(
            &model,
            &doc.request_body[0],
            &[TableSubject::Type(thing)],
            &mut diags,
        );
        let found: Vec<(&str, u32)> = diags
            .iter()
            .map(|d| (d.code, d.span.as_ref().unwrap().line()))
            .collect();
        assert_eq!(
            found,
            [
                ("name-case-mismatch", 10),
                ("table-type-mismatch", 10),
                ("table-collection-mismatch", 11),
                ("table-unknown-name", 13),
                ("table-unknown-name", 14),
                ("table-required-not-in-schema", 9),
            ]
        );
        assert_eq!(
            diags[1].message,
            "the table gives `Size` the type `Int64`, but `ns.thing/size` is `Edm.Int32`"
        );
        // The derived type the page creates has `power`; the action requires `Count`.
        let special = model.lookup("ns.special").unwrap();
        let mut diags = Vec::new();
        check_table(
            &model,
            &doc.request_body[0],
            &[TableSubject::Type(special)],
            &mut diags,
        );
        assert_eq!(
            diags
                .iter()
                .filter(|d| d.code == "table-unknown-name")
                .count(),
            1
        );
        let mut diags = Vec::new();
        check_table(
            &model,
            &doc.request_body[0],
            &[TableSubject::Parameters(OperationId(0))],
            &mut diags,
        );
        assert!(
            !diags
                .iter()
                .any(|d| d.code == "table-required-not-in-schema")
        );
        assert!(
            diags[0]
                .message
                .contains("a parameter of the action `ns.send`")
        );
    }

    #[test]
    fn literals() {
        assert_eq!(
            literal_problem(
                Primitive::DateTimeOffset,
                "2017-01-01T00:03:19.2710393+03:00"
            ),
            None
        );
        assert_eq!(
            literal_problem(Primitive::DateTimeOffset, "2017-01-01T00:03:19Z"),
            None
        );
        assert!(literal_problem(Primitive::DateTimeOffset, "2017-01-01").is_some());
        assert!(literal_problem(Primitive::DateTimeOffset, "String").is_some());
        assert_eq!(literal_problem(Primitive::Date, "2021-07-01"), None);
        assert!(literal_problem(Primitive::Date, "07/01/2021").is_some());
        assert_eq!(
            literal_problem(Primitive::Guid, "f983dfcd-dfcd-f983-cddf-83f9cddf83f9"),
            None
        );
        assert!(literal_problem(Primitive::Guid, "f983dfcd").is_some());
        assert_eq!(literal_problem(Primitive::Duration, "P1DT2H3M4.5S"), None);
        assert_eq!(literal_problem(Primitive::Duration, "-PT1S"), None);
        assert!(literal_problem(Primitive::Duration, "P1Y").is_some());
        assert!(literal_problem(Primitive::Duration, "1 day").is_some());
        assert_eq!(
            literal_problem(Primitive::TimeOfDay, "13:20:00.0000000"),
            None
        );
        assert!(integer_fits("2147483647", Primitive::Int32));
        assert!(!integer_fits("2147483648", Primitive::Int32));
        assert!(!integer_fits("1.5", Primitive::Int32));
    }
}
