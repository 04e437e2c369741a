//! Walks a documented request path (`/deviceAppManagement/things/{id}/children/$ref`)
//! through the model: entity set, singleton or operation import; key (`{id}`, `(key)`,
//! `(name='v')`, a literal); navigation and structural property; type cast; bound action
//! or function (with or without `()`, with arguments, overloads); `:/path:` addressing
//! below an entity (drive items); `$ref`, `$count`, `$value`. A path that leads nowhere
//! is an error that says which segment failed and why, and whether its name means
//! something elsewhere in the schema; a path that resolves only by tolerating a doc
//! mistake resolves with a warning.

use super::url::*;
use super::*;
use crate::diag::{Diagnostic, Span};
use crate::model::{ItemType, Primitive, ReturnDef, TypeKind, type_ref_name};

/// What the walk has reached after each segment.
#[derive(Clone, Copy, Debug)]
enum At {
    Collection(TypeId),
    Entity(TypeId),
    Value(TypeRef),
    /// After an action without a return type.
    Nothing,
}

impl At {
    fn target(self) -> Target {
        match self {
            At::Collection(t) => Target::Collection(t),
            At::Entity(t) => Target::Entity(t),
            At::Value(ty) => Target::Value(ty),
            At::Nothing => Target::Nothing,
        }
    }

    /// What a value of type `ty` is, once reached.
    fn of(model: &Model, ty: TypeRef) -> At {
        match ty.item {
            ItemType::Named(t) if is_entity(model, t) => {
                if ty.collection {
                    At::Collection(t)
                } else {
                    At::Entity(t)
                }
            }
            _ => At::Value(ty),
        }
    }

    /// The structured type and collection-ness, for member and operation lookups.
    fn structured(self, model: &Model) -> Option<(TypeId, bool)> {
        match self {
            At::Collection(t) => Some((t, true)),
            At::Entity(t) => Some((t, false)),
            At::Value(TypeRef {
                item: ItemType::Named(t),
                collection,
            }) if model.structured(t).is_some() => Some((t, collection)),
            At::Value(_) | At::Nothing => None,
        }
    }

    fn describe(self, model: &Model) -> String {
        match self {
            At::Collection(t) => format!("a collection of `{}`", model.get(t).qualified_name()),
            At::Entity(t) => format!("a single `{}`", model.get(t).qualified_name()),
            At::Value(ty) => format!("a value of type `{}`", type_ref_name(model, ty)),
            At::Nothing => "an action that returns nothing".to_owned(),
        }
    }
}

fn is_entity(model: &Model, t: TypeId) -> bool {
    model
        .structured(t)
        .is_some_and(|s| s.kind == crate::model::StructuredKind::Entity)
}

/// Resolves `written` (a request-line target as the page wrote it, starting at `span`).
/// Returns the path and the warnings of tolerated mistakes, or the error that stops it.
pub fn resolve_path(
    model: &Model,
    written: &str,
    span: &Span,
) -> Result<(ResolvedPath, Vec<Diagnostic>), Diagnostic> {
    let (service_root, path, path_offset) = split_url(written);
    let at_offset = |offset: usize| {
        span.shifted(
            written
                .get(..offset)
                .map_or(0, |prefix| prefix.chars().count()),
        )
    };
    if let Some(blank) = scan(path).blank {
        let prose = path[blank..].trim();
        return Err(Diagnostic::error(
            "prose-in-path",
            at_offset(path_offset + blank),
            format!("the request target goes on with `{prose}` after a blank: prose, not a path"),
        ));
    }
    if path.starts_with("**") || path.contains("**") {
        return Err(Diagnostic::error(
            "prose-in-path",
            at_offset(path_offset),
            "the request target is emphasised prose, not a path",
        ));
    }
    let Some(container) = &model.container else {
        return Err(Diagnostic::error(
            "no-entity-container",
            span.clone(),
            "the metadata declares no EntityContainer, so no path can be resolved",
        ));
    };
    let segments = split_segments(path, path_offset);
    let mut walk = Walk {
        model,
        root_set: None,
        at_offset: &at_offset,
        warnings: Vec::new(),
        steps: Vec::new(),
    };
    let Some((first, rest)) = segments.split_first() else {
        let message = if service_root.is_some() && path.trim_matches('/').is_empty() {
            "the URL names the service root only, no resource"
        } else {
            "the request line has no path"
        };
        return Err(Diagnostic::error("unknown-root", span.clone(), message));
    };
    if let Some(root) = &service_root {
        let host = root.split('/').nth(2).unwrap_or_default();
        let versioned = root.rsplit('/').next().is_some_and(is_version);
        if !versioned {
            return Err(Diagnostic::error(
                "foreign-host",
                span.clone(),
                format!(
                    "`{root}` is not a service root: the URL has no service version (`beta`, `v1.0`) after the host `{host}`"
                ),
            ));
        }
    }
    let (root, mut at) = walk.root(container, first)?;
    let mut suffix = None;
    let mut ended_by: Option<&str> = None;
    for (i, seg) in rest.iter().enumerate() {
        if let Some(s) = suffix {
            return Err(walk.error(
                "segment-after-end",
                seg,
                format!(
                    "`{}` follows `{}`, which ends a path",
                    seg.text,
                    suffix_text(s)
                ),
            ));
        }
        if let Some(what) = ended_by {
            return Err(walk.error(
                "segment-after-end",
                seg,
                format!("`{}` follows {what}, which ends a path", seg.text),
            ));
        }
        match seg.text {
            "$ref" => {
                walk.check_ref(seg, at)?;
                suffix = Some(Suffix::Ref);
                continue;
            }
            "$count" => {
                walk.check_count(seg, at)?;
                suffix = Some(Suffix::Count);
                continue;
            }
            "$value" => {
                walk.check_value(seg, at)?;
                suffix = Some(Suffix::Value);
                continue;
            }
            _ => {}
        }
        let (next, ends) = walk.segment(seg, at, rest.get(i + 1))?;
        at = next;
        ended_by = ends;
    }
    let mut warnings = walk.warnings;
    if suffix == Some(Suffix::Ref) {
        if let Some(d) = ref_on_containment(model, &walk.steps, &segments, &at_offset) {
            warnings.push(d);
            suffix = None;
        }
    }
    Ok((
        ResolvedPath {
            root,
            steps: walk.steps,
            target: at.target(),
            suffix,
            service_root,
        },
        warnings,
    ))
}

/// `$ref` on a containment navigation is a doc mistake the seed page makes; the path is
/// read as the collection itself, with a warning at the `$ref`.
fn ref_on_containment(
    model: &Model,
    steps: &[Step],
    segments: &[Segment<'_>],
    at_offset: &dyn Fn(usize) -> Span,
) -> Option<Diagnostic> {
    let Some(Step::Navigation {
        declaring, name, ..
    }) = steps
        .iter()
        .rev()
        .find(|s| matches!(s, Step::Navigation { .. }))
    else {
        return None;
    };
    let contained = model
        .find_navigation(*declaring, name)
        .is_some_and(|(_, n)| n.contains_target);
    if !contained {
        return None;
    }
    let ref_seg = segments.iter().rev().find(|s| s.text == "$ref")?;
    Some(Diagnostic::warning(
        "ref-on-containment",
        at_offset(ref_seg.offset),
        format!(
            "`$ref` on `{name}`, a containment navigation property of `{}`: contained entities are created, not referenced; read as the collection itself",
            model.get(*declaring).qualified_name()
        ),
    ))
}

/// The step a `$filter(...)` or `$each` segment takes, if it is one.
fn set_segment(text: &str) -> Option<Step> {
    if text == "$each" {
        return Some(Step::Each);
    }
    let expression = text.strip_prefix("$filter(")?.strip_suffix(')')?;
    Some(Step::FilterSegment {
        expression: expression.to_owned(),
    })
}

fn suffix_text(s: Suffix) -> &'static str {
    match s {
        Suffix::Ref => "$ref",
        Suffix::Count => "$count",
        Suffix::Value => "$value",
    }
}

/// The state of one walk: where we are, and what was found on the way.
struct Walk<'a> {
    model: &'a Model,
    /// The entity set the path starts at, if it does.
    root_set: Option<&'a crate::model::EntitySetDef>,
    at_offset: &'a dyn Fn(usize) -> Span,
    warnings: Vec<Diagnostic>,
    steps: Vec<Step>,
}

/// A name found by [`find_named`], and whether only its case differed.
struct Found<'a, T> {
    item: &'a T,
    case_differs: bool,
}

/// Finds an element by name; a name that matches only ignoring case is accepted as
/// long as the match is unique.
fn find_named<'a, T>(
    items: impl IntoIterator<Item = &'a T> + Clone,
    name_of: impl Fn(&T) -> &str,
    name: &str,
) -> Option<Found<'a, T>> {
    if let Some(item) = items.clone().into_iter().find(|i| name_of(i) == name) {
        return Some(Found {
            item,
            case_differs: false,
        });
    }
    let mut matches = items
        .into_iter()
        .filter(|i| name_of(i).eq_ignore_ascii_case(name));
    let item = matches.next()?;
    if matches.next().is_some() {
        return None;
    }
    Some(Found {
        item,
        case_differs: true,
    })
}

/// A member of a structured type found by name.
enum Member {
    Navigation {
        declaring: TypeId,
        name: String,
        target: TypeId,
        collection: bool,
    },
    Property {
        declaring: TypeId,
        name: String,
        ty: TypeRef,
    },
}

impl Member {
    /// The member's name as the schema spells it.
    fn name(&self) -> &str {
        match self {
            Member::Navigation { name, .. } | Member::Property { name, .. } => name,
        }
    }
}

impl<'a> Walk<'a> {
    fn span(&self, seg: &Segment<'_>) -> Span {
        (self.at_offset)(seg.offset)
    }

    fn error(&self, code: &'static str, seg: &Segment<'_>, message: String) -> Diagnostic {
        Diagnostic::error(code, self.span(seg), message)
    }

    fn case_warning(&mut self, seg: &Segment<'_>, written: &str, schema: &str) {
        self.warnings.push(Diagnostic::warning(
            "name-case-mismatch",
            self.span(seg),
            format!("`{written}` is spelled `{schema}` in the schema"),
        ));
    }

    /// The first segment: an entity set, a singleton or an operation import, possibly
    /// with a key or arguments in parentheses.
    fn root(
        &mut self,
        container: &'a crate::model::Container,
        seg: &Segment<'_>,
    ) -> Result<(Root, At), Diagnostic> {
        let model = self.model;
        let (name, args) = split_call(seg.text);
        let (root, at) = if let Some(found) =
            find_named(&container.entity_sets, |s| s.name.as_str(), name)
        {
            if found.case_differs {
                self.case_warning(seg, name, &found.item.name);
            }
            self.root_set = Some(found.item);
            (
                Root::EntitySet(found.item.name.clone()),
                At::Collection(found.item.entity_type),
            )
        } else if let Some(found) = find_named(&container.singletons, |s| s.name.as_str(), name) {
            if found.case_differs {
                self.case_warning(seg, name, &found.item.name);
            }
            (
                Root::Singleton(found.item.name.clone()),
                At::Entity(found.item.ty),
            )
        } else if let Some(found) = find_named(&container.imports, |i| i.name.as_str(), name) {
            if found.case_differs {
                self.case_warning(seg, name, &found.item.name);
            }
            let import = found.item;
            let Some(&first) = import.operations.first() else {
                return Err(self.unknown_root(container, seg, name));
            };
            let operation = self.choose_overload(seg, first, &import.operations, args);
            let def = model.operation(operation);
            let at = match def.return_type {
                Some(ReturnDef { ty, .. }) => At::of(model, ty),
                None => At::Nothing,
            };
            return Ok((Root::OperationImport(import.name.clone()), at));
        } else if name == "me" {
            let Some(users) = container.entity_sets.iter().find(|s| s.name == "users") else {
                return Err(self.unknown_root(container, seg, name));
            };
            self.warnings.push(Diagnostic::warning(
                "me-as-users-item",
                self.span(seg),
                format!(
                    "`me` is no singleton of `{}`; read as the signed-in user's item of the entity set `users`",
                    container.name
                ),
            ));
            self.steps.push(Step::Key {
                text: "me".to_owned(),
            });
            (
                Root::EntitySet(users.name.clone()),
                At::Entity(users.entity_type),
            )
        } else {
            return Err(self.unknown_root(container, seg, name));
        };
        match args {
            Some(key) if !key.is_empty() => Ok((root, self.key(seg, at, key)?)),
            _ => Ok((root, at)),
        }
    }

    fn unknown_root(
        &self,
        container: &crate::model::Container,
        seg: &Segment<'_>,
        name: &str,
    ) -> Diagnostic {
        let mut d = self.error(
            "unknown-root",
            seg,
            format!(
                "`{name}` is no entity set, singleton or operation import of `{}`",
                container.name
            ),
        );
        if let Some(elsewhere) = elsewhere(self.model, name, None) {
            d = d.with_note(elsewhere.note(name));
        }
        d
    }

    /// A key after a collection; anything else is `key-on-single`.
    fn key(&mut self, seg: &Segment<'_>, at: At, key: &str) -> Result<At, Diagnostic> {
        match at {
            At::Collection(t) => {
                self.steps.push(Step::Key {
                    text: key.to_owned(),
                });
                Ok(At::Entity(t))
            }
            other => Err(self.error(
                "key-on-single",
                seg,
                format!(
                    "key `{key}` follows {}, not a collection of entities",
                    other.describe(self.model)
                ),
            )),
        }
    }

    /// One segment after the root; returns where it leads, and what ends the path
    /// there if nothing may follow.
    fn segment(
        &mut self,
        seg: &Segment<'_>,
        at: At,
        next: Option<&Segment<'_>>,
    ) -> Result<(At, Option<&'static str>), Diagnostic> {
        if matches!(self.steps.last(), Some(Step::Each)) {
            return self.after_each(seg, at);
        }
        if seg.item_path {
            return match at {
                At::Entity(t) | At::Collection(t) => {
                    self.steps.push(Step::ItemPath {
                        text: seg.text.to_owned(),
                    });
                    Ok((At::Entity(t), None))
                }
                other => Err(self.error(
                    "key-on-single",
                    seg,
                    format!(
                        "the item path `:{}:` follows {}, not an entity",
                        seg.text,
                        other.describe(self.model)
                    ),
                )),
            };
        }
        if is_placeholder(seg.text) {
            return Ok((self.key(seg, at, seg.text)?, None));
        }
        if seg.text.chars().all(|c| c == '.' || c == '…') && seg.text.len() > 1 {
            return Err(self.error(
                "prose-in-path",
                seg,
                format!("`{}` stands for segments the page leaves out", seg.text),
            ));
        }
        // `/$/` after a collection keeps a bound operation from being read as a key.
        if seg.text == "$" && matches!(at, At::Collection(_)) {
            return Ok((at, None));
        }
        if let Some(step) = set_segment(seg.text) {
            return self.set_segment(seg, at, step);
        }
        let (name, args) = split_call(seg.text);
        let Some((current, collection)) = at.structured(self.model) else {
            return Err(self.error(
                "segment-after-end",
                seg,
                format!(
                    "`{}` follows {}, which ends a path",
                    seg.text,
                    at.describe(self.model)
                ),
            ));
        };
        // A member of the type reached (entities and single complex values).
        if !collection {
            if let Some((member, case_differs)) = self.member(current, name) {
                if case_differs {
                    self.case_warning(seg, name, member.name());
                }
                let next = match member {
                    Member::Navigation {
                        declaring,
                        name,
                        target,
                        collection,
                    } => {
                        self.steps.push(Step::Navigation {
                            declaring,
                            name,
                            target,
                            collection,
                        });
                        if collection {
                            At::Collection(target)
                        } else {
                            At::Entity(target)
                        }
                    }
                    Member::Property {
                        declaring,
                        name,
                        ty,
                    } => {
                        self.steps.push(Step::Property {
                            declaring,
                            name,
                            collection: ty.collection,
                        });
                        At::Value(ty)
                    }
                };
                return match args {
                    Some(key) if !key.is_empty() => Ok((self.key(seg, next, key)?, None)),
                    _ => Ok((next, None)),
                };
            }
        }
        if name.contains('.') {
            if let Some(cast) = self.cast(seg, name, current, collection, at)? {
                return Ok((cast, None));
            }
        }
        if let Some(result) = self.bound_operation(seg, name, args, current, collection) {
            return Ok(result);
        }
        if let Some(derived) = self.derived_with(name, current, collection, next) {
            self.implicit_cast(seg, name, current, derived, collection);
            let cast = match at {
                At::Collection(_) => At::Collection(derived),
                At::Entity(_) => At::Entity(derived),
                At::Value(ty) => At::Value(TypeRef {
                    item: ItemType::Named(derived),
                    ..ty
                }),
                At::Nothing => At::Nothing,
            };
            return self.segment(seg, cast, next);
        }
        // After a collection, any other plain segment is a key written literally. If it
        // is also the name of a member of the items, the page may have left out the key.
        if let At::Collection(t) = at {
            if let Some((member, _)) = self.member(t, name) {
                let member_name = member.name();
                self.warnings.push(Diagnostic::warning(
                    "missing-key",
                    self.span(seg),
                    format!(
                        "`{name}` after a collection of `{}` is read as a key, but it is also the member `{member_name}` of its items: is a key missing before it?",
                        self.model.get(t).qualified_name()
                    ),
                ));
            }
            return Ok((self.key(seg, at, seg.text)?, None));
        }
        Err(self.unknown(seg, name, current, collection))
    }

    /// `$filter(...)` or `$each` (OData 4.01 set-based operations), which only follow a
    /// collection of entities: a filter segment leads to the same collection, `$each`
    /// to each of its members. A filter segment the service does not declare is read
    /// with a warning.
    fn set_segment(
        &mut self,
        seg: &Segment<'_>,
        at: At,
        step: Step,
    ) -> Result<(At, Option<&'static str>), Diagnostic> {
        let At::Collection(t) = at else {
            return Err(self.error(
                "set-segment-misplaced",
                seg,
                format!(
                    "`{}` follows {}, not a collection of entities",
                    seg.text,
                    at.describe(self.model)
                ),
            ));
        };
        let next = match &step {
            Step::FilterSegment { expression } if expression.trim().is_empty() => {
                return Err(self.error(
                    "set-segment-misplaced",
                    seg,
                    "`$filter()` has no expression to filter the collection by".to_owned(),
                ));
            }
            Step::FilterSegment { .. } => {
                if !self.filter_segment_declared(t) {
                    let d = Diagnostic::warning(
                        "filter-segment-unsupported",
                        self.span(seg),
                        format!(
                            "the filter segment `{}` addresses a collection of `{}`, for which the service declares no `Capabilities.UpdateRestrictions` or `DeleteRestrictions` with `FilterSegmentSupported` true",
                            seg.text,
                            self.model.get(t).qualified_name()
                        ),
                    );
                    self.warnings.push(d);
                }
                At::Collection(t)
            }
            _ => At::Entity(t),
        };
        self.steps.push(step);
        Ok((next, None))
    }

    /// What follows `$each`: only a bound action or function of the members.
    fn after_each(
        &mut self,
        seg: &Segment<'_>,
        at: At,
    ) -> Result<(At, Option<&'static str>), Diagnostic> {
        let (name, args) = split_call(seg.text);
        if let Some((t, collection)) = at.structured(self.model) {
            if let Some(result) = self.bound_operation(seg, name, args, t, collection) {
                return Ok(result);
            }
        }
        Err(self.error(
            "set-segment-misplaced",
            seg,
            format!(
                "`{}` follows `$each`, after which only a bound action or function of the members may come",
                seg.text
            ),
        ))
    }

    /// Whether the service declares filter segments on the collection the walk is at:
    /// the navigation property that reached it or the entity set it starts at, or the
    /// members' type.
    fn filter_segment_declared(&self, t: TypeId) -> bool {
        let model = self.model;
        let by_type = model
            .ancestry(t)
            .filter_map(|a| model.structured(a))
            .any(|s| s.restrictions.filter_segment);
        let reached_by = self.steps.iter().rev().find_map(|s| match s {
            Step::Navigation {
                declaring, name, ..
            } => Some(Some((*declaring, name.as_str()))),
            Step::Operation { .. } => Some(None),
            _ => None,
        });
        let by_place = match reached_by {
            Some(Some((declaring, name))) => model
                .find_navigation(declaring, name)
                .is_some_and(|(_, n)| n.restrictions.filter_segment),
            Some(None) => false,
            None => self.root_set.is_some_and(|s| s.restrictions.filter_segment),
        };
        by_type || by_place
    }

    /// A navigation or structural property of `t` or a base type, exactly or ignoring
    /// case.
    fn member(&self, t: TypeId, name: &str) -> Option<(Member, bool)> {
        let model = self.model;
        let chain: Vec<TypeId> = model.ancestry(t).collect();
        let navigations = chain
            .iter()
            .filter_map(|&d| model.structured(d).map(|s| (d, s)))
            .flat_map(|(d, s)| s.navigations.iter().map(move |n| (d, n)));
        let properties = chain
            .iter()
            .filter_map(|&d| model.structured(d).map(|s| (d, s)))
            .flat_map(|(d, s)| s.properties.iter().map(move |p| (d, p)));
        let navigation = |exact: bool| {
            navigations.clone().find(|(_, n)| {
                if exact {
                    n.name == name
                } else {
                    n.name.eq_ignore_ascii_case(name)
                }
            })
        };
        let property = |exact: bool| {
            properties.clone().find(|(_, p)| {
                if exact {
                    p.name == name
                } else {
                    p.name.eq_ignore_ascii_case(name)
                }
            })
        };
        for exact in [true, false] {
            if let Some((declaring, n)) = navigation(exact) {
                return Some((
                    Member::Navigation {
                        declaring,
                        name: n.name.clone(),
                        target: n.target,
                        collection: n.collection,
                    },
                    !exact,
                ));
            }
            if let Some((declaring, p)) = property(exact) {
                return Some((
                    Member::Property {
                        declaring,
                        name: p.name.clone(),
                        ty: p.ty,
                    },
                    !exact,
                ));
            }
        }
        None
    }

    /// The first type derived from `current` (closest first) that declares `name` as a
    /// member (for single values) or binds an operation of that name to itself.
    /// When several do, the first from which the next segment leads on.
    fn derived_with(
        &self,
        name: &str,
        current: TypeId,
        collection: bool,
        next: Option<&Segment<'_>>,
    ) -> Option<TypeId> {
        let candidates: Vec<TypeId> = self
            .model
            .descendants(current)
            .into_iter()
            .skip(1)
            .filter(|&d| declares(self.model, d, name, collection))
            .collect();
        let first = *candidates.first()?;
        let leads_on = |&d: &TypeId| {
            let (local, _) = split_call(name);
            match self.reached_from(d, local, collection) {
                Some(at) => next.is_none_or(|n| self.accepts(at, n)),
                None => false,
            }
        };
        Some(
            candidates
                .iter()
                .copied()
                .find(|d| leads_on(d))
                .unwrap_or(first),
        )
    }

    /// Where the member or bound operation `name` of `t` leads.
    fn reached_from(&self, t: TypeId, name: &str, collection: bool) -> Option<At> {
        let model = self.model;
        if !collection {
            if let Some((member, _)) = self.member(t, name) {
                return Some(match member {
                    Member::Navigation {
                        target, collection, ..
                    } if collection => At::Collection(target),
                    Member::Navigation { target, .. } => At::Entity(target),
                    Member::Property { ty, .. } => At::Value(ty),
                });
            }
        }
        let local = name.rsplit_once('.').map_or(name, |(_, l)| l);
        model
            .operations_named_ignore_case(local)
            .iter()
            .map(|&id| model.operation(id))
            .find(|op| {
                op.binding.is_some_and(|b| {
                    b.collection == collection
                        && matches!(b.item, ItemType::Named(bt) if model.derives_from(t, bt))
                })
            })
            .map(|op| match op.return_type {
                Some(ReturnDef { ty, .. }) => At::of(model, ty),
                None => At::Nothing,
            })
    }

    /// Whether `seg` can follow once the walk is at `at` (without resolving it).
    fn accepts(&self, at: At, seg: &Segment<'_>) -> bool {
        let model = self.model;
        if seg.item_path || is_placeholder(seg.text) {
            return matches!(at, At::Collection(_) | At::Entity(_));
        }
        if seg.text.starts_with('$') {
            return true;
        }
        let Some((t, collection)) = at.structured(model) else {
            return false;
        };
        let (name, _) = split_call(seg.text);
        if name.contains('.') {
            if let Some(cast) = model.lookup(&model.unalias(name)) {
                return model.derives_from(cast, t) || model.derives_from(t, cast);
            }
        }
        matches!(at, At::Collection(_))
            || self.reached_from(t, name, collection).is_some()
            || self.derived_with(name, t, collection, None).is_some()
    }

    /// Records the cast a path lacks before a member of a derived type.
    fn implicit_cast(
        &mut self,
        seg: &Segment<'_>,
        name: &str,
        current: TypeId,
        derived: TypeId,
        collection: bool,
    ) {
        let model = self.model;
        let derived_name = model.get(derived).qualified_name();
        let mut d = Diagnostic::warning(
            "member-of-derived-type",
            self.span(seg),
            format!(
                "`{name}` belongs to `{derived_name}`, derived from `{}`, which the path reached: read as if the path had the cast `/{derived_name}` before it",
                model.get(current).qualified_name()
            ),
        );
        // Types declaring the name that the chosen one does not cover.
        let others = model
            .descendants(current)
            .into_iter()
            .skip(1)
            .filter(|&t| !model.derives_from(t, derived))
            .filter(|&t| declares(model, t, name, collection))
            .count();
        if others > 0 {
            d = d.with_note(format!(
                "{others} other type(s) derived from `{}` declare it too",
                model.get(current).qualified_name()
            ));
        }
        self.warnings.push(d);
        self.steps.push(Step::Cast {
            target: derived,
            collection,
        });
    }

    /// A type-cast segment; `Ok(None)` when `name` is no type (it may be an operation).
    fn cast(
        &mut self,
        seg: &Segment<'_>,
        name: &str,
        current: TypeId,
        collection: bool,
        at: At,
    ) -> Result<Option<At>, Diagnostic> {
        let model = self.model;
        let unaliased = model.unalias(name);
        let target = match model.lookup(&unaliased) {
            Some(t) => t,
            None => match model.lookup_ignore_case(&unaliased) {
                [t] => {
                    let spelled = model.get(*t).qualified_name();
                    self.case_warning(seg, name, &spelled);
                    *t
                }
                _ => return Ok(None),
            },
        };
        if model.structured(target).is_none() {
            return Err(self.error(
                "type-name-as-segment",
                seg,
                format!(
                    "`{name}` is an enum or type definition, so it cannot cast {}",
                    at.describe(model)
                ),
            ));
        }
        if !model.derives_from(target, current) && !model.derives_from(current, target) {
            return Err(self.error(
                "cast-to-unrelated-type",
                seg,
                format!(
                    "the cast to `{}` does not apply to {}: neither type derives from the other",
                    model.get(target).qualified_name(),
                    at.describe(model)
                ),
            ));
        }
        self.steps.push(Step::Cast { target, collection });
        Ok(Some(match at {
            At::Collection(_) => At::Collection(target),
            At::Entity(_) => At::Entity(target),
            At::Value(ty) => At::Value(TypeRef {
                item: ItemType::Named(target),
                ..ty
            }),
            At::Nothing => At::Nothing,
        }))
    }

    /// A bound action or function named `name` (qualified or not) whose binding
    /// parameter takes what the path reached; `None` if there is none.
    fn bound_operation(
        &mut self,
        seg: &Segment<'_>,
        name: &str,
        args: Option<&str>,
        current: TypeId,
        collection: bool,
    ) -> Option<(At, Option<&'static str>)> {
        let model = self.model;
        let (mut namespace, local) = match name.rsplit_once('.') {
            // `self.like` by the schema's alias, `graph.callRecords.x` by the alias of
            // a namespace the qualifier extends.
            Some((ns, local)) => match model.unalias_namespace(ns) {
                unaliased if unaliased != ns => (Some(unaliased.to_owned()), local),
                _ => (Some(model.unalias(ns).into_owned()), local),
            },
            None => (None, name),
        };
        // A namespace the schema does not declare is read as no namespace, with a warning.
        let foreign = namespace.take_if(|ns| {
            !model
                .namespaces
                .iter()
                .any(|n| n.namespace.eq_ignore_ascii_case(ns))
        });
        let candidates = model.operations_named_ignore_case(local);
        // (distance from the current type to the binding type, exact name, id)
        let mut best: Option<(usize, bool, OperationId)> = None;
        for &id in candidates {
            let op = model.operation(id);
            let Some(binding) = op.binding else { continue };
            let ItemType::Named(bound_to) = binding.item else {
                continue;
            };
            if binding.collection != collection {
                continue;
            }
            if let Some(ns) = &namespace {
                if !ns.eq_ignore_ascii_case(&op.namespace) {
                    continue;
                }
            }
            let Some(distance) = model.ancestry(current).position(|t| t == bound_to) else {
                continue;
            };
            let exact =
                op.name == local && namespace.as_deref().is_none_or(|ns| ns == op.namespace);
            let better = match best {
                None => true,
                Some((d, e, _)) => (distance, !exact) < (d, !e),
            };
            if better {
                best = Some((distance, exact, id));
            }
        }
        let (_, exact, first) = best?;
        let first_def = model.operation(first);
        // Overloads: the same name bound to the same type.
        let overloads: Vec<OperationId> = candidates
            .iter()
            .copied()
            .filter(|&id| {
                let op = model.operation(id);
                op.name.eq_ignore_ascii_case(&first_def.name)
                    && op.namespace == first_def.namespace
                    && op.binding == first_def.binding
            })
            .collect();
        let chosen = self.choose_overload(seg, first, &overloads, args);
        let def = model.operation(chosen);
        if let Some(ns) = foreign {
            self.warnings.push(Diagnostic::warning(
                "unknown-namespace",
                self.span(seg),
                format!(
                    "`{ns}` is no namespace of the schema; `{local}` is read as `{}.{}`",
                    def.namespace, def.name
                ),
            ));
        }
        if !exact {
            let spelled = if name.contains('.') {
                format!("{}.{}", def.namespace, def.name)
            } else {
                def.name.clone()
            };
            self.case_warning(seg, name, &spelled);
        }
        self.steps.push(Step::Operation { operation: chosen });
        let at = match def.return_type {
            Some(ReturnDef { ty, .. }) => At::of(model, ty),
            None => At::Nothing,
        };
        let ends = match def.kind {
            crate::model::OperationKind::Action => Some("an action"),
            crate::model::OperationKind::Function if !def.is_composable => {
                Some("a function that is not composable")
            }
            crate::model::OperationKind::Function => None,
        };
        Some((at, ends))
    }

    /// Picks the overload whose parameters the written arguments name (`first` when
    /// there is no other); unknown argument names are reported.
    fn choose_overload(
        &mut self,
        seg: &Segment<'_>,
        first: OperationId,
        overloads: &[OperationId],
        args: Option<&str>,
    ) -> OperationId {
        let model = self.model;
        let written = args.map(argument_names).unwrap_or_default();
        let score = |id: OperationId| {
            let op = model.operation(id);
            let known = written
                .iter()
                .filter(|w| op.parameters.iter().any(|p| p.name.eq_ignore_ascii_case(w)))
                .count();
            // All written names known first, then the closest parameter count.
            (
                written.len() - known,
                op.parameters.len().abs_diff(written.len()),
            )
        };
        let chosen = overloads
            .iter()
            .copied()
            .min_by_key(|&id| score(id))
            .unwrap_or(first);
        let op = model.operation(chosen);
        if op.kind == crate::model::OperationKind::Function {
            for w in written {
                if !op.parameters.iter().any(|p| p.name.eq_ignore_ascii_case(w)) {
                    let d = Diagnostic::warning(
                        "unknown-function-parameter",
                        self.span(seg),
                        format!(
                            "`{w}` is not a parameter of the function `{}`",
                            op.qualified_name()
                        ),
                    )
                    .with_note(op.parameters_note("it takes no parameters"));
                    self.warnings.push(d);
                }
            }
        }
        chosen
    }

    /// Why `name` does not resolve at `current`: the most specific reason found.
    fn unknown(
        &self,
        seg: &Segment<'_>,
        name: &str,
        current: TypeId,
        collection: bool,
    ) -> Diagnostic {
        let model = self.model;
        let here = if collection {
            format!("a collection of `{}`", model.get(current).qualified_name())
        } else {
            format!("`{}`", model.get(current).qualified_name())
        };
        let local = name.rsplit_once('.').map_or(name, |(_, l)| l);
        let operations: Vec<&crate::model::OperationDef> = model
            .operations_named_ignore_case(local)
            .iter()
            .map(|&id| model.operation(id))
            .collect();
        if !operations.is_empty() {
            let mut bindings: Vec<String> = operations
                .iter()
                .map(|op| match op.binding {
                    Some(b) => format!("`{}`", type_ref_name(model, b)),
                    None => "nothing (unbound)".to_owned(),
                })
                .collect();
            bindings.sort();
            bindings.dedup();
            let kind = match operations.first().map(|op| op.kind) {
                Some(crate::model::OperationKind::Action) => "action",
                _ => "function",
            };
            let total = bindings.len();
            bindings.truncate(4);
            let more = if total > 4 {
                format!(" and {} more", total - 4)
            } else {
                String::new()
            };
            return self
                .error(
                    "operation-not-bound-here",
                    seg,
                    format!("the {kind} `{local}` is not bound to {here}"),
                )
                .with_note(format!("it is bound to {}{more}", bindings.join(", ")));
        }
        if let Some(elsewhere) = elsewhere(model, name, Some(current)) {
            let (code, message) = match elsewhere {
                Elsewhere::TypeName(_) => (
                    "type-name-as-segment",
                    format!(
                        "`{name}` names a type, not a member of {here}; a type cast is written with its namespace"
                    ),
                ),
                Elsewhere::Root { .. } | Elsewhere::MemberOf { .. } => (
                    "member-of-other-type",
                    format!("`{name}` is not a member of {here}"),
                ),
            };
            return self
                .error(code, seg, message)
                .with_note(elsewhere.note(name));
        }
        self.error(
            "unknown-segment",
            seg,
            format!("`{name}` is not a navigation property of {here}, nor a property, type or operation anywhere in the schema"),
        )
    }

    fn check_ref(&self, seg: &Segment<'_>, at: At) -> Result<(), Diagnostic> {
        let after_navigation = self
            .steps
            .iter()
            .rev()
            .find(|s| !matches!(s, Step::Key { .. } | Step::Cast { .. }))
            .is_some_and(|s| matches!(s, Step::Navigation { .. }));
        if after_navigation && matches!(at, At::Collection(_) | At::Entity(_)) {
            return Ok(());
        }
        Err(self.error(
            "ref-not-on-navigation",
            seg,
            format!(
                "`$ref` follows {}, which is not reached through a navigation property",
                at.describe(self.model)
            ),
        ))
    }

    fn check_count(&self, seg: &Segment<'_>, at: At) -> Result<(), Diagnostic> {
        match at {
            At::Collection(_) => Ok(()),
            At::Value(ty) if ty.collection => Ok(()),
            other => Err(self.error(
                "count-on-single",
                seg,
                format!(
                    "`$count` follows {}, not a collection",
                    other.describe(self.model)
                ),
            )),
        }
    }

    fn check_value(&self, seg: &Segment<'_>, at: At) -> Result<(), Diagnostic> {
        let model = self.model;
        match at {
            At::Entity(t) if model.has_stream(t) => Ok(()),
            At::Value(ty) if !ty.collection => match ty.item {
                ItemType::Primitive(_) => Ok(()),
                ItemType::Named(t) if !matches!(model.get(t).kind, TypeKind::Structured(_)) => {
                    Ok(())
                }
                ItemType::Named(_) => Err(self.error(
                    "value-on-non-media",
                    seg,
                    format!(
                        "`$value` follows {}, which has no raw value",
                        at.describe(model)
                    ),
                )),
            },
            At::Entity(t) => {
                let mut d = self.error(
                    "value-on-non-media",
                    seg,
                    format!(
                        "`$value` follows a `{}`, which is not a media entity (no `HasStream`)",
                        model.get(t).qualified_name()
                    ),
                );
                let streams: Vec<&str> = model
                    .all_properties(t)
                    .into_iter()
                    .filter(|p| p.ty.item == ItemType::Primitive(Primitive::Stream))
                    .map(|p| p.name.as_str())
                    .collect();
                if !streams.is_empty() {
                    d = d.with_note(format!("its stream properties are: {}", streams.join(", ")));
                }
                Err(d)
            }
            other => Err(self.error(
                "value-on-non-media",
                seg,
                format!("`$value` follows {}", other.describe(model)),
            )),
        }
    }
}

/// Whether `t` itself declares `name`: as a member (for a single value, unqualified
/// names only) or as an operation bound to it.
fn declares(model: &Model, t: TypeId, name: &str, collection: bool) -> bool {
    let local = name.rsplit_once('.').map_or(name, |(_, l)| l);
    let member = !collection
        && !name.contains('.')
        && model.structured(t).is_some_and(|s| {
            s.navigations
                .iter()
                .any(|n| n.name.eq_ignore_ascii_case(local))
                || s.properties
                    .iter()
                    .any(|p| p.name.eq_ignore_ascii_case(local))
        });
    member || bound_here(model, local, t, collection)
}

/// Whether an operation named `local` is bound to `t` (as a collection or not).
fn bound_here(model: &Model, local: &str, t: TypeId, collection: bool) -> bool {
    model.operations_named_ignore_case(local).iter().any(|&id| {
        model
            .operation(id)
            .binding
            .is_some_and(|b| b.collection == collection && b.item == ItemType::Named(t))
    })
}

/// Where else the schema knows a name that does not resolve where it was written.
enum Elsewhere {
    /// The qualified name of a type with that (local) name.
    TypeName(String),
    /// An entity set or singleton.
    Root { name: String, what: &'static str },
    /// Structured types with a member of that name (the first few), and how many.
    MemberOf { owners: Vec<String>, total: usize },
}

impl Elsewhere {
    fn note(&self, name: &str) -> String {
        match self {
            Elsewhere::TypeName(qualified) => {
                format!("`{name}` is the name of the type `{qualified}`")
            }
            Elsewhere::Root { name, what } => {
                format!("`{name}` is a {what} of the container: a path can only start with it")
            }
            Elsewhere::MemberOf { owners, total } => {
                let more = if *total > owners.len() {
                    format!(" and {} more", total - owners.len())
                } else {
                    String::new()
                };
                format!("it is a member of {}{more}", owners.join(", "))
            }
        }
    }
}

/// Where else the schema knows `name`: as a type, as an entity set or singleton, or as
/// a member of other types than `except`. `None` if nowhere.
fn elsewhere(model: &Model, name: &str, except: Option<TypeId>) -> Option<Elsewhere> {
    let local = name.rsplit_once('.').map_or(name, |(_, l)| l);
    if let Some(t) = model
        .ids()
        .find(|&t| model.get(t).name.eq_ignore_ascii_case(local))
    {
        return Some(Elsewhere::TypeName(model.get(t).qualified_name()));
    }
    if let Some(c) = &model.container {
        let root = c
            .entity_sets
            .iter()
            .map(|s| (&s.name, "entity set"))
            .chain(c.singletons.iter().map(|s| (&s.name, "singleton")))
            .find(|(n, _)| n.eq_ignore_ascii_case(local));
        if let Some((n, what)) = root {
            return Some(Elsewhere::Root {
                name: n.clone(),
                what,
            });
        }
    }
    let owners: Vec<String> = model
        .ids()
        .filter(|&t| Some(t) != except)
        .filter(|&t| {
            model.structured(t).is_some_and(|s| {
                s.navigations
                    .iter()
                    .any(|n| n.name.eq_ignore_ascii_case(local))
                    || s.properties
                        .iter()
                        .any(|p| p.name.eq_ignore_ascii_case(local))
            })
        })
        .map(|t| format!("`{}`", model.get(t).qualified_name()))
        .collect();
    let total = owners.len();
    (total > 0).then(|| Elsewhere::MemberOf {
        owners: owners.into_iter().take(3).collect(),
        total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Source;

    fn model() -> Model {
        crate::model::test_model(
            r#"Namespace="ns" Alias="a""#,
            r#"
  <EntityType Name="root"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String" Nullable="false"/>
    <NavigationProperty Name="things" Type="Collection(ns.thing)" ContainsTarget="true"/>
    <NavigationProperty Name="friends" Type="Collection(ns.thing)">
      <Annotation Term="Org.OData.Capabilities.V1.DeleteRestrictions"><Record><PropertyValue Property="FilterSegmentSupported" Bool="true"/></Record></Annotation>
    </NavigationProperty>
    <NavigationProperty Name="best" Type="ns.thing"/>
  </EntityType>
  <EntityType Name="thing"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String" Nullable="false"/>
    <Property Name="name" Type="Edm.String"/>
    <Property Name="content" Type="Edm.Stream"/>
    <Property Name="address" Type="ns.address"/>
    <Property Name="tags" Type="Collection(Edm.String)"/>
    <NavigationProperty Name="parts" Type="Collection(ns.thing)" ContainsTarget="true"/>
  </EntityType>
  <EntityType Name="special" BaseType="ns.thing"><Property Name="power" Type="Edm.Int32"/></EntityType>
  <EntityType Name="photo" HasStream="true"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String" Nullable="false"/></EntityType>
  <EntityType Name="other"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String" Nullable="false"/>
    <Property Name="elsewhere" Type="Edm.String"/></EntityType>
  <ComplexType Name="address"><Property Name="city" Type="Edm.String"/></ComplexType>
  <EnumType Name="color"><Member Name="red"/></EnumType>
  <Action Name="archive" IsBound="true"><Parameter Name="bindingParameter" Type="ns.thing"/><Parameter Name="reason" Type="Edm.String"/></Action>
  <Action Name="boost" IsBound="true"><Parameter Name="bindingParameter" Type="ns.special"/></Action>
  <Function Name="delta" IsBound="true" IsComposable="true"><Parameter Name="bindingParameter" Type="Collection(ns.thing)"/><ReturnType Type="Collection(ns.thing)"/></Function>
  <Function Name="range" IsBound="true" IsComposable="true"><Parameter Name="bindingParameter" Type="ns.thing"/><ReturnType Type="ns.thing"/></Function>
  <Function Name="range" IsBound="true" IsComposable="true"><Parameter Name="bindingParameter" Type="ns.thing"/><Parameter Name="address" Type="Edm.String"/><ReturnType Type="ns.thing"/></Function>
  <Function Name="count" IsBound="true"><Parameter Name="bindingParameter" Type="ns.thing"/><ReturnType Type="Edm.Int32"/></Function>
  <Function Name="recent" IsBound="false"><ReturnType Type="Collection(ns.thing)"/></Function>
  <EntityContainer Name="svc">
    <Singleton Name="top" Type="ns.root"/><EntitySet Name="roots" EntityType="ns.root"/>
    <EntitySet Name="photos" EntityType="ns.photo"/><EntitySet Name="users" EntityType="ns.thing">
      <Annotation Term="Org.OData.Capabilities.V1.UpdateRestrictions"><Record><PropertyValue Property="FilterSegmentSupported" Bool="true"/></Record></Annotation>
    </EntitySet>
    <FunctionImport Name="recent" Function="ns.recent"/>
  </EntityContainer>
"#,
        )
    }

    fn resolve(text: &str) -> Result<(ResolvedPath, Vec<Diagnostic>), Diagnostic> {
        let src = Source::new("p.md", text);
        resolve_path(&model(), text, &src.span(1, 1))
    }

    fn error(text: &str) -> (&'static str, u32) {
        let e = resolve(text).unwrap_err();
        (e.code, e.span.as_ref().unwrap().col())
    }

    fn codes(warnings: &[Diagnostic]) -> Vec<&'static str> {
        warnings.iter().map(|w| w.code).collect()
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
        assert_eq!(
            error("https://login.example.com/common/oauth2/token").0,
            "foreign-host"
        );
        let (path, _) = resolve("~/top/things").unwrap();
        assert_eq!(path.root, Root::Singleton("top".into()));
        let (path, _) = resolve("top/things").unwrap();
        assert_eq!(path.steps.len(), 1);
        let (path, _) = resolve("/beta/top").unwrap();
        assert_eq!(path.root, Root::Singleton("top".into()));
    }

    #[test]
    fn filter_segments_keep_the_collection_and_each_reaches_its_members() {
        let (path, warnings) = resolve("/users/$filter(address/city eq 'a/b')/$each").unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(
            path.steps,
            [
                Step::FilterSegment {
                    expression: "address/city eq 'a/b'".into()
                },
                Step::Each
            ]
        );
        assert!(matches!(path.target, Target::Entity(_)));
        let (path, _) = resolve("/users/$each").unwrap();
        assert_eq!(path.steps, [Step::Each]);
        // A bound collection function after the filter, an item action after `$each`.
        let (path, _) = resolve("/users/$filter(name eq 'x')/delta()").unwrap();
        assert!(matches!(path.steps[1], Step::Operation { .. }));
        assert!(matches!(path.target, Target::Collection(_)));
        let (path, _) = resolve("/users/$filter(name eq 'x')/$each/ns.archive").unwrap();
        assert_eq!(path.steps.len(), 3);
        assert!(path.operation(&model()).is_some());
        assert_eq!(path.target, Target::Nothing);
        let (path, _) = resolve("/users/$filter(name eq 'x')/$count").unwrap();
        assert_eq!(path.suffix, Some(Suffix::Count));
        // Declared on the navigation property that reaches the collection.
        let (_, warnings) = resolve("/top/friends/$filter(name eq 'x')/$each").unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn filter_segments_the_service_does_not_declare_warn_at_the_segment() {
        let (path, warnings) = resolve("/roots/$filter(id eq 'a')/$each").unwrap();
        assert_eq!(path.steps.len(), 2);
        assert_eq!(codes(&warnings), ["filter-segment-unsupported"]);
        assert_eq!(warnings[0].span.as_ref().unwrap().col(), 8);
        assert!(warnings[0].message.contains("`ns.root`"));
        let (_, warnings) = resolve("/top/things/$filter(name eq 'x')").unwrap();
        assert_eq!(codes(&warnings), ["filter-segment-unsupported"]);
        // `$each` alone needs no declaration.
        let (_, warnings) = resolve("/roots/$each").unwrap();
        assert!(warnings.is_empty());
    }

    #[test]
    fn set_segments_follow_collections_and_only_operations_follow_each() {
        assert_eq!(error("/top/$each"), ("set-segment-misplaced", 6));
        assert_eq!(
            error("/users/{id}/$filter(name eq 'x')"),
            ("set-segment-misplaced", 13)
        );
        assert_eq!(error("/users/$filter()"), ("set-segment-misplaced", 8));
        assert_eq!(error("/users/$each/name"), ("set-segment-misplaced", 14));
        assert_eq!(error("/users/$each/{id}"), ("set-segment-misplaced", 14));
        assert_eq!(error("/users/$each/$count"), ("count-on-single", 14));
    }

    #[test]
    fn ref_on_containment_warns_at_the_ref_and_reads_the_collection() {
        let (path, warnings) = resolve("/top/things/$ref").unwrap();
        assert_eq!(path.suffix, None);
        assert_eq!(warnings[0].code, "ref-on-containment");
        assert_eq!(warnings[0].span.as_ref().unwrap().col(), 13);
        let (path, warnings) = resolve("/top/friends/$ref").unwrap();
        assert_eq!(path.suffix, Some(Suffix::Ref));
        assert!(warnings.is_empty());
        let (path, _) = resolve("/top/friends/{id}/$ref").unwrap();
        assert_eq!(path.suffix, Some(Suffix::Ref));
        assert_eq!(error("/roots/{id}/$ref"), ("ref-not-on-navigation", 13));
    }

    #[test]
    fn case_differences_resolve_with_a_warning() {
        let (_, warnings) = resolve("/Top/Things").unwrap();
        let codes: Vec<_> = warnings
            .iter()
            .map(|w| (w.code, w.span.as_ref().unwrap().col()))
            .collect();
        assert_eq!(
            codes,
            [("name-case-mismatch", 2), ("name-case-mismatch", 6)]
        );
        let (path, warnings) = resolve("/top/best/Range").unwrap();
        assert!(matches!(path.steps.last(), Some(Step::Operation { .. })));
        assert_eq!(
            warnings[0].message,
            "`Range` is spelled `range` in the schema"
        );
    }

    #[test]
    fn casts_operations_and_overloads() {
        let (path, _) = resolve("/top/friends/ns.special").unwrap();
        assert!(matches!(
            path.steps[1],
            Step::Cast {
                collection: true,
                ..
            }
        ));
        let (path, _) = resolve("/top/best/a.special/boost").unwrap();
        assert_eq!(path.target, Target::Nothing);
        let (path, _) = resolve("/top/friends/delta()").unwrap();
        assert!(matches!(path.target, Target::Collection(_)));
        let (path, _) = resolve("/top/friends/ns.delta/{id}/parts").unwrap();
        assert!(matches!(path.target, Target::Collection(_)));
        let model = model();
        let (path, warnings) = resolve("/top/best/range(address='A1:B2')/name").unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        let Step::Operation { operation } = path.steps[1] else {
            panic!("{:?}", path.steps);
        };
        assert_eq!(model.operation(operation).parameters.len(), 1);
        let (_, warnings) = resolve("/top/best/range(adress='A1')").unwrap();
        assert_eq!(codes(&warnings), ["unknown-function-parameter"]);
        let (path, _) = resolve("/top/best/count()").unwrap();
        assert_eq!(path.target.type_ref().map(|t| t.collection), Some(false));
        let (path, _) = resolve("/recent()").unwrap();
        assert_eq!(path.root, Root::OperationImport("recent".into()));
        assert!(path.operation(&model).is_some());
        assert_eq!(error("/top/best/archive/name"), ("segment-after-end", 19));
        assert_eq!(error("/top/best/count()/x"), ("segment-after-end", 19));
    }

    #[test]
    fn operations_qualified_by_the_schema_alias_are_of_its_namespace() {
        let model = model();
        let (path, warnings) = resolve("/top/best/a.archive").unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(
            path.operation(&model)
                .map(|op| model.operation(op).qualified_name()),
            Some("ns.archive".to_owned())
        );
        let (_, warnings) = resolve("/top/best/b.archive").unwrap();
        assert_eq!(codes(&warnings), ["unknown-namespace"]);
    }

    #[test]
    fn properties_streams_and_media() {
        let (path, _) = resolve("/top/best/content").unwrap();
        assert!(matches!(path.steps[1], Step::Property { .. }));
        let (path, _) = resolve("/top/best/name/$value").unwrap();
        assert_eq!(path.suffix, Some(Suffix::Value));
        let (path, _) = resolve("/top/best/address/city").unwrap();
        assert_eq!(path.steps.len(), 3);
        assert!(resolve("/photos/{id}/$value").is_ok());
        assert_eq!(error("/top/best/$value"), ("value-on-non-media", 11));
        assert_eq!(error("/top/best/$count"), ("count-on-single", 11));
        assert!(resolve("/top/best/tags/$count").is_ok());
        assert!(resolve("/top/things/$count").is_ok());
    }

    #[test]
    fn item_paths_address_entities_below_an_entity() {
        let (path, _) = resolve("/top/best:/a/b.txt:/parts").unwrap();
        assert_eq!(
            path.steps[1],
            Step::ItemPath {
                text: "/a/b.txt".into()
            }
        );
        assert!(matches!(path.target, Target::Collection(_)));
        let (path, _) = resolve("/top/things/{id}:/{path}").unwrap();
        assert!(matches!(path.steps.last(), Some(Step::ItemPath { .. })));
        // A colon inside a key is part of the key.
        let (path, _) = resolve("/roots/19:abc@thread.v2/things").unwrap();
        assert_eq!(
            path.steps[0],
            Step::Key {
                text: "19:abc@thread.v2".into()
            }
        );
    }

    #[test]
    fn members_of_derived_types_resolve_through_the_missing_cast() {
        let (path, warnings) = resolve("/top/best/power").unwrap();
        assert_eq!(codes(&warnings), ["member-of-derived-type"]);
        assert!(matches!(
            path.steps[1],
            Step::Cast {
                collection: false,
                ..
            }
        ));
        assert!(matches!(path.steps[2], Step::Property { .. }));
        let (path, _) = resolve("/top/best/boost").unwrap();
        assert_eq!(path.target, Target::Nothing);
        assert!(matches!(path.steps[1], Step::Cast { .. }));
    }

    #[test]
    fn me_without_a_singleton_is_an_item_of_users() {
        let (path, warnings) = resolve("/me/parts").unwrap();
        assert_eq!(path.root, Root::EntitySet("users".into()));
        assert_eq!(codes(&warnings), ["me-as-users-item"]);
    }

    #[test]
    fn any_text_resolves_or_fails_without_panicking() {
        let model = model();
        let src = Source::new("p.md", "x");
        let span = src.span(1, 1);
        let nasty = [
            "ééééééééé/top",
            "https://é",
            "https://",
            "/top/best:",
            "/top/best:/",
            ":/:/:",
            "/top/best:/a:/b:/c",
            "/{",
            "/}",
            "/top('",
            "/top(')",
            "/top/best/range(",
            "/top/best/range(a=')",
            "/top/best/range(=,=)",
            "/(",
            "/()",
            "~/",
            "~",
            "/beta",
            "http://h/v1.0",
            "/top//best",
            "/top/$ref/$ref",
            "/top/best/$value/$count",
            "/top/things/$/parts",
            "/…/…",
            "\u{0}",
        ];
        for text in nasty {
            let _ = resolve_path(&model, text, &span);
        }
        // Pseudo-random strings over the characters paths are made of.
        let alphabet: Vec<char> = "/:{}()'$.,= ?#~éxtopbesthingsparts".chars().collect();
        let mut seed = 0x2545_f491_u32;
        for _ in 0..3000 {
            let len = (seed % 24) as usize;
            let text: String = (0..len)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 17;
                    seed ^= seed << 5;
                    alphabet[seed as usize % alphabet.len()]
                })
                .collect();
            let _ = resolve_path(&model, &text, &span);
        }
    }

    #[test]
    fn failures_name_the_segment_and_the_reason() {
        let err = resolve("/top/nothing").unwrap_err();
        assert_eq!(
            (err.code, err.span.as_ref().unwrap().col()),
            ("unknown-segment", 6)
        );
        assert_eq!(
            err.message,
            "`nothing` is not a navigation property of `ns.root`, nor a property, type or operation anywhere in the schema"
        );
        assert_eq!(error("/top/{id}").0, "key-on-single");
        let err = resolve("/nowhere").unwrap_err();
        assert_eq!(
            err.message,
            "`nowhere` is no entity set, singleton or operation import of `svc`"
        );
        assert_eq!(error("/top/things/$count/x"), ("segment-after-end", 20));
        assert_eq!(error("   ").0, "unknown-root");
        assert_eq!(error("/top/archive"), ("operation-not-bound-here", 6));
        assert_eq!(error("/top/elsewhere"), ("member-of-other-type", 6));
        assert_eq!(error("/top/special"), ("type-name-as-segment", 6));
        assert_eq!(error("/top/best/ns.other"), ("cast-to-unrelated-type", 11));
        assert_eq!(error("/top/best/ns.color"), ("type-name-as-segment", 11));
        let (path, warnings) = resolve("/top/things/parts").unwrap();
        assert_eq!(
            path.steps[1],
            Step::Key {
                text: "parts".into()
            }
        );
        assert_eq!(codes(&warnings), ["missing-key"]);
        assert_eq!(error("/top/things and more"), ("prose-in-path", 12));
        assert_eq!(error("/things"), ("unknown-root", 2));
    }
}
