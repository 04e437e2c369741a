//! Cross-checks of a page's example bodies and annotations against the schema: type
//! names, property names, JSON types, enum members and primitive literals. Every
//! finding is a warning naming both the page's text and the schema element.

use crate::diag::{Diagnostic, Span};
use crate::doc::{JsonValue, Spanned};
use crate::model::{ItemType, Model, Primitive, TypeDef, TypeId, TypeKind, TypeRef};

/// Diagnostic codes of the example checks.
pub const CODES: &[(&str, &str)] = &[
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
];

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
    let item = match ty.item {
        ItemType::Primitive(p) => format!("Edm.{p:?}"),
        ItemType::Named(id) => model.get(id).qualified_name(),
    };
    if ty.collection {
        format!("Collection({item})")
    } else {
        item
    }
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
                        if !members().any(|m| m == w) {
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
        } else if !open {
            let mut d = Diagnostic::warning(
                "unknown-property",
                key.span.clone(),
                format!(
                    "`{name}` is not a property of `{}`",
                    model.get(actual).qualified_name()
                ),
            );
            if let Some(p) = properties
                .iter()
                .find(|p| p.name.eq_ignore_ascii_case(name))
            {
                d = d.with_note(format!("the schema has `{}`", p.name));
            }
            diags.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
