//! [`Csdl`] -> [`Model`]: resolves qualified and aliased names, inheritance, keys, enum
//! values and the annotations the generator uses (descriptions, computed properties,
//! insert/update/delete restrictions). Every inconsistency is an error at its element.

use std::collections::{HashMap, HashSet};

use super::*;
use crate::csdl::{self, Annotation, Csdl, Expr};
use crate::diag::Diagnostic;

/// Diagnostic codes of the model builder.
pub const CODES: &[(&str, &str)] = &[
    (
        "unknown-type",
        "a type reference names no type of the schema or of EDM",
    ),
    (
        "duplicate-name",
        "two schema elements of one scope share a name",
    ),
    (
        "cyclic-base-type",
        "a type is its own base type, directly or not",
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
];

const CORE_DESCRIPTION: &str = "Org.OData.Core.V1.Description";
const CORE_COMPUTED: &str = "Org.OData.Core.V1.Computed";
const CORE_IMMUTABLE: &str = "Org.OData.Core.V1.Immutable";
const CORE_OPTIONAL_PARAMETER: &str = "Org.OData.Core.V1.OptionalParameter";
const CAPABILITIES: &str = "Org.OData.Capabilities.V1";

pub fn build_model(csdl: &Csdl) -> Result<Model, Vec<Diagnostic>> {
    let mut b = Builder::new(csdl);
    b.register_types();
    b.build_types();
    b.check_inheritance();
    b.build_operations();
    b.build_container();
    if b.errors.is_empty() {
        Ok(b.model)
    } else {
        crate::diag::sort(&mut b.errors);
        Err(b.errors)
    }
}

struct Builder<'a> {
    csdl: &'a Csdl,
    /// Alias or namespace -> namespace.
    namespaces: HashMap<&'a str, &'a str>,
    /// Normalized annotation target (`ns.type`, `ns.type/prop`, ...) -> annotations.
    targeted: HashMap<String, Vec<&'a Annotation>>,
    model: Model,
    errors: Vec<Diagnostic>,
}

impl<'a> Builder<'a> {
    fn new(csdl: &'a Csdl) -> Self {
        let mut namespaces = HashMap::new();
        for include in csdl.references.iter().flat_map(|r| &r.includes) {
            namespaces.insert(include.namespace.as_str(), include.namespace.as_str());
            if let Some(alias) = &include.alias {
                namespaces.insert(alias.as_str(), include.namespace.as_str());
            }
        }
        for schema in &csdl.schemas {
            namespaces.insert(schema.namespace.as_str(), schema.namespace.as_str());
            if let Some(alias) = &schema.alias {
                namespaces.insert(alias.as_str(), schema.namespace.as_str());
            }
        }
        let mut b = Builder {
            csdl,
            namespaces,
            targeted: HashMap::new(),
            model: Model {
                types: Vec::new(),
                by_name: HashMap::new(),
                by_lower_name: HashMap::new(),
                operations_by_name: HashMap::new(),
                namespaces: csdl
                    .schemas
                    .iter()
                    .map(|s| NamespaceInfo {
                        namespace: s.namespace.clone(),
                        alias: s.alias.clone(),
                    })
                    .collect(),
                container: None,
                operations: Vec::new(),
            },
            errors: Vec::new(),
        };
        for schema in &csdl.schemas {
            for block in &schema.annotation_blocks {
                // Qualified annotations are for a specific client profile, not for everyone.
                if block.qualifier.is_some() {
                    continue;
                }
                let target = b.normalize_target(&block.target);
                b.targeted
                    .entry(target)
                    .or_default()
                    .extend(block.annotations.iter().filter(|a| a.qualifier.is_none()));
            }
        }
        b
    }

    /// Replaces an alias in the qualified name that starts a target path.
    /// An operation's overload signature (`ns.op(ns.type)`) is dropped: what annotates
    /// one overload annotates the name.
    fn normalize_target(&self, target: &str) -> String {
        let (head, rest) = target
            .split_once('/')
            .map_or((target, None), |(h, r)| (h, Some(r)));
        let head = head.split_once('(').map_or(head, |(name, _)| name);
        let head = self.qualify(head).unwrap_or_else(|| head.to_owned());
        match rest {
            Some(rest) => format!("{head}/{rest}"),
            None => head,
        }
    }

    /// `alias.name` or `namespace.name` -> `namespace.name`, if the prefix is known.
    fn qualify(&self, name: &str) -> Option<String> {
        let (prefix, local) = name.rsplit_once('.')?;
        let namespace = self.namespaces.get(prefix)?;
        Some(format!("{namespace}.{local}"))
    }

    /// The term of an annotation with its alias resolved.
    /// Whether an annotation's term, qualified or aliased, is `term`; allocates nothing,
    /// as it runs for every annotation of every element.
    fn term_is(&self, annotation: &Annotation, term: &str) -> bool {
        if annotation.term == term {
            return true;
        }
        let (Some((prefix, local)), Some((namespace, wanted))) =
            (annotation.term.rsplit_once('.'), term.rsplit_once('.'))
        else {
            return false;
        };
        local == wanted
            && self
                .namespaces
                .get(prefix)
                .is_some_and(|ns| *ns == namespace)
    }

    /// Inline annotations plus those targeting `target` from `Annotations` blocks.
    fn annotations<'s>(
        &'s self,
        inline: &'s [Annotation],
        target: &str,
    ) -> impl Iterator<Item = &'s Annotation> + 's {
        inline
            .iter()
            .filter(|a| a.qualifier.is_none())
            .chain(self.targeted.get(target).into_iter().flatten().copied())
    }

    fn find_annotation<'s>(
        &'s self,
        inline: &'s [Annotation],
        target: &str,
        term: &str,
    ) -> Option<&'s Expr> {
        self.annotations(inline, target)
            .find(|a| self.term_is(a, term))
            .map(|a| &a.value)
    }

    /// The term's name within `namespace`, if the annotation's term (qualified or
    /// aliased) is in that vocabulary.
    fn local_term<'t>(&self, annotation: &'t Annotation, namespace: &str) -> Option<&'t str> {
        let (prefix, local) = annotation.term.rsplit_once('.')?;
        (prefix == namespace
            || self
                .namespaces
                .get(prefix)
                .is_some_and(|ns| *ns == namespace))
        .then_some(local)
    }

    fn description(&self, inline: &[Annotation], target: &str) -> Option<String> {
        match self.find_annotation(inline, target, CORE_DESCRIPTION)? {
            Expr::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
            _ => None,
        }
    }

    fn is_true(&self, inline: &[Annotation], target: &str, term: &str) -> bool {
        matches!(
            self.find_annotation(inline, target, term),
            Some(Expr::Bool(true) | Expr::Default)
        )
    }

    fn restrictions(&self, inline: &[Annotation], target: &str) -> Restrictions {
        // One pass over the target's annotations, not one per term: this runs for every
        // type, navigation property, entity set and singleton.
        let mut r = Restrictions::default();
        for a in self.annotations(inline, target) {
            let Some(local) = self.local_term(a, CAPABILITIES) else {
                continue;
            };
            let denied =
                |property: &str| matches!(a.value.property(property), Some(Expr::Bool(false)));
            match local {
                "InsertRestrictions" => r.insertable &= !denied("Insertable"),
                "UpdateRestrictions" => r.updatable &= !denied("Updatable"),
                "DeleteRestrictions" => r.deletable &= !denied("Deletable"),
                "CountRestrictions" => r.countable &= !denied("Countable"),
                "NavigationRestrictions" => {
                    r.referenceable &= !denied("Referenceable");
                    r.navigable &= !matches!(
                        a.value.property("Navigability"),
                        Some(Expr::EnumMember(member)) if member.ends_with("/None")
                    );
                }
                _ => {}
            }
        }
        r
    }

    fn register_types(&mut self) {
        let mut seen: HashMap<String, Span> = HashMap::new();
        for schema in &self.csdl.schemas {
            let names = schema
                .structured_types
                .iter()
                .map(|t| (&t.name, &t.span))
                .chain(schema.enum_types.iter().map(|t| (&t.name, &t.span)))
                .chain(schema.type_definitions.iter().map(|t| (&t.name, &t.span)));
            for (name, span) in names {
                let qualified = format!("{}.{}", schema.namespace, name);
                if let Some(first) = seen.get(&qualified) {
                    self.errors.push(
                        Diagnostic::error(
                            "duplicate-name",
                            span.clone(),
                            format!("type `{qualified}` is declared twice"),
                        )
                        .with_note(format!("first declared at {first}")),
                    );
                    continue;
                }
                seen.insert(qualified.clone(), span.clone());
                let id = TypeId(self.model.types.len() as u32);
                self.model
                    .by_lower_name
                    .entry(qualified.to_lowercase())
                    .or_default()
                    .push(id);
                self.model.by_name.insert(qualified, id);
                // Kinds are filled in by build_types; a placeholder keeps ids stable.
                self.model.types.push(TypeDef {
                    namespace: schema.namespace.clone(),
                    name: name.clone(),
                    description: None,
                    kind: TypeKind::Definition {
                        underlying: Primitive::Untyped,
                        facets: Facets::default(),
                    },
                    span: span.clone(),
                });
            }
        }
    }

    /// Resolves `Edm.X`, `ns.T`, `alias.T` and `Collection(...)` of those.
    fn resolve_type(&mut self, written: &str, span: &Span, context: &str) -> Option<TypeRef> {
        let (inner, collection) = match written
            .strip_prefix("Collection(")
            .and_then(|s| s.strip_suffix(')'))
        {
            Some(inner) => (inner.trim(), true),
            None => (written.trim(), false),
        };
        let item = if inner.starts_with("Edm.") {
            Primitive::from_edm_name(inner).map(ItemType::Primitive)
        } else {
            self.qualify(inner)
                .and_then(|q| self.model.lookup(&q))
                .map(ItemType::Named)
        };
        match item {
            Some(item) => Some(TypeRef { item, collection }),
            None => {
                let mut d = Diagnostic::error(
                    "unknown-type",
                    span.clone(),
                    format!("{context} has type `{written}`, which names no type of the schema"),
                );
                if let Some(similar) = self.similar_type(inner) {
                    d = d.with_note(format!(
                        "a type `{similar}` exists: names are case-sensitive"
                    ));
                }
                self.errors.push(d);
                None
            }
        }
    }

    fn similar_type(&self, written: &str) -> Option<String> {
        let qualified = self.qualify(written)?;
        let id = *self.model.lookup_ignore_case(&qualified).first()?;
        Some(self.model.get(id).qualified_name())
    }

    fn build_types(&mut self) {
        let csdl = self.csdl;
        for schema in &csdl.schemas {
            let ns = schema.namespace.as_str();
            for t in &schema.structured_types {
                let Some(id) = self.model.lookup(&format!("{ns}.{}", t.name)) else {
                    continue;
                };
                if self.model.get(id).span != t.span {
                    continue; // a duplicate, already reported
                }
                let kind = TypeKind::Structured(self.structured(ns, t));
                let description = self.description(&t.annotations, &format!("{ns}.{}", t.name));
                let def = &mut self.model.types[id.0 as usize];
                def.kind = kind;
                def.description = description;
            }
            for t in &schema.enum_types {
                let Some(id) = self.model.lookup(&format!("{ns}.{}", t.name)) else {
                    continue;
                };
                if self.model.get(id).span != t.span {
                    continue;
                }
                let kind = TypeKind::Enum(self.enum_type(ns, t));
                let description = self.description(&t.annotations, &format!("{ns}.{}", t.name));
                let def = &mut self.model.types[id.0 as usize];
                def.kind = kind;
                def.description = description;
            }
            for t in &schema.type_definitions {
                let Some(id) = self.model.lookup(&format!("{ns}.{}", t.name)) else {
                    continue;
                };
                if self.model.get(id).span != t.span {
                    continue;
                }
                let underlying = match Primitive::from_edm_name(&t.underlying_type) {
                    Some(p) => p,
                    None => {
                        self.errors.push(Diagnostic::error(
                            "unknown-type",
                            t.span.clone(),
                            format!(
                                "type definition `{}` has underlying type `{}`, which is not an EDM primitive",
                                t.name, t.underlying_type
                            ),
                        ));
                        continue;
                    }
                };
                let description = self.description(&t.annotations, &format!("{ns}.{}", t.name));
                let def = &mut self.model.types[id.0 as usize];
                def.kind = TypeKind::Definition {
                    underlying,
                    facets: t.facets.clone(),
                };
                def.description = description;
            }
        }
    }

    fn structured(&mut self, ns: &str, t: &csdl::StructuredType) -> StructDef {
        let type_name = format!("{ns}.{}", t.name);
        let base = t.base_type.as_deref().and_then(|written| {
            let resolved = self.resolve_type(written, &t.span, &format!("base type of `{type_name}`"))?;
            match resolved.item {
                ItemType::Named(id) if !resolved.collection => Some(id),
                _ => {
                    self.errors.push(Diagnostic::error(
                        "invalid-type",
                        t.span.clone(),
                        format!("`{type_name}` has base type `{written}`, which is not a structured type"),
                    ));
                    None
                }
            }
        });
        let mut names: HashSet<&str> = HashSet::new();
        let mut properties = Vec::new();
        for p in &t.properties {
            if !names.insert(&p.name) {
                self.duplicate_member(&type_name, &p.name, &p.span);
                continue;
            }
            let context = format!("property `{}` of `{type_name}`", p.name);
            let Some(ty) = self.resolve_type(&p.type_name, &p.span, &context) else {
                continue;
            };
            let target = format!("{type_name}/{}", p.name);
            properties.push(PropertyDef {
                name: p.name.clone(),
                ty,
                nullable: p.nullable.unwrap_or(true),
                description: self.description(&p.annotations, &target),
                computed: self.is_true(&p.annotations, &target, CORE_COMPUTED),
                immutable: self.is_true(&p.annotations, &target, CORE_IMMUTABLE),
                default_value: p.default_value.clone(),
                facets: p.facets.clone(),
                span: p.span.clone(),
            });
        }
        let mut navigations = Vec::new();
        for n in &t.navigation_properties {
            if !names.insert(&n.name) {
                self.duplicate_member(&type_name, &n.name, &n.span);
                continue;
            }
            let context = format!("navigation property `{}` of `{type_name}`", n.name);
            let Some(ty) = self.resolve_type(&n.type_name, &n.span, &context) else {
                continue;
            };
            let ItemType::Named(target) = ty.item else {
                self.errors.push(Diagnostic::error(
                    "invalid-type",
                    n.span.clone(),
                    format!(
                        "{context} has type `{}`, which is not an entity type",
                        n.type_name
                    ),
                ));
                continue;
            };
            let target_path = format!("{type_name}/{}", n.name);
            navigations.push(NavigationDef {
                name: n.name.clone(),
                target,
                collection: ty.collection,
                nullable: n.nullable.unwrap_or(true),
                contains_target: n.contains_target,
                partner: n.partner.clone(),
                on_delete: n.on_delete.clone(),
                referential_constraints: n
                    .referential_constraints
                    .iter()
                    .map(|c| (c.property.clone(), c.referenced_property.clone()))
                    .collect(),
                description: self.description(&n.annotations, &target_path),
                restrictions: self.restrictions(&n.annotations, &target_path),
                span: n.span.clone(),
            });
        }
        // Keys are resolved once inheritance is known (check_inheritance).
        StructDef {
            kind: t.kind,
            restrictions: self.restrictions(&t.annotations, &type_name),
            base,
            is_abstract: t.is_abstract,
            open_type: t.open_type,
            has_stream: t.has_stream,
            key: Vec::new(),
            properties,
            navigations,
            derived: Vec::new(),
        }
    }

    fn duplicate_member(&mut self, type_name: &str, name: &str, span: &Span) {
        self.errors.push(Diagnostic::error(
            "duplicate-name",
            span.clone(),
            format!("`{type_name}` declares `{name}` twice"),
        ));
    }

    fn enum_type(&mut self, ns: &str, t: &csdl::EnumType) -> EnumDef {
        let type_name = format!("{ns}.{}", t.name);
        let underlying = match t.underlying_type.as_deref() {
            None => Primitive::Int32,
            Some(u) => match Primitive::from_edm_name(u) {
                Some(
                    p @ (Primitive::Byte
                    | Primitive::SByte
                    | Primitive::Int16
                    | Primitive::Int32
                    | Primitive::Int64),
                ) => p,
                _ => {
                    self.errors.push(Diagnostic::error(
                        "invalid-type",
                        t.span.clone(),
                        format!("enum `{type_name}` has underlying type `{u}`; CSDL allows Edm.Byte, Edm.SByte, Edm.Int16, Edm.Int32 and Edm.Int64"),
                    ));
                    Primitive::Int32
                }
            },
        };
        let mut members = Vec::new();
        let mut names = HashSet::new();
        for (index, m) in t.members.iter().enumerate() {
            if !names.insert(m.name.as_str()) {
                self.duplicate_member(&type_name, &m.name, &m.span);
                continue;
            }
            let value = match &m.value {
                // CSDL: members without values are numbered from zero in order.
                None => index as i64,
                Some(v) => match v.trim().parse() {
                    Ok(v) => v,
                    Err(_) => {
                        self.errors.push(Diagnostic::error(
                            "invalid-enum-value",
                            m.span.clone(),
                            format!("member `{}` of `{type_name}` has value `{v}`, which is not an integer", m.name),
                        ));
                        continue;
                    }
                },
            };
            members.push(EnumMemberDef {
                name: m.name.clone(),
                value,
                description: self.description(&m.annotations, &format!("{type_name}/{}", m.name)),
                span: m.span.clone(),
            });
        }
        EnumDef {
            underlying,
            is_flags: t.is_flags,
            members,
        }
    }

    /// Detects cyclic base types, records derived types and resolves (inherited) keys.
    fn check_inheritance(&mut self) {
        let ids: Vec<TypeId> = self.model.ids().collect();
        // Each type is walked once (a chain of n base types costs n, not n²): a walk
        // stops at a type an earlier walk finished, or finds a cycle on its own path.
        let mut finished = HashSet::new();
        let mut on_cycle = Vec::new();
        for &id in &ids {
            let mut path: Vec<TypeId> = Vec::new();
            let mut on_path = HashSet::new();
            let mut current = Some(id);
            while let Some(t) = current.filter(|t| !finished.contains(t)) {
                if !on_path.insert(t) {
                    let start = path.iter().position(|&p| p == t).unwrap_or(0);
                    on_cycle.extend_from_slice(&path[start..]);
                    break;
                }
                path.push(t);
                current = self.model.structured(t).and_then(|s| s.base);
            }
            finished.extend(path);
        }
        for id in &on_cycle {
            let def = self.model.get(*id);
            self.errors.push(Diagnostic::error(
                "cyclic-base-type",
                def.span.clone(),
                format!(
                    "`{}` derives from itself through its base types",
                    def.qualified_name()
                ),
            ));
        }
        if !on_cycle.is_empty() {
            return;
        }
        for &id in &ids {
            if let Some(base) = self.model.structured(id).and_then(|s| s.base) {
                if self.model.structured(base).map(|b| b.kind)
                    != self.model.structured(id).map(|s| s.kind)
                {
                    let def = self.model.get(id);
                    self.errors.push(Diagnostic::error(
                        "invalid-type",
                        def.span.clone(),
                        format!(
                            "`{}` derives from `{}`, which is not of the same kind (entity or complex)",
                            def.qualified_name(),
                            self.model.get(base).qualified_name()
                        ),
                    ));
                    continue;
                }
                if let TypeKind::Structured(b) = &mut self.model.types[base.0 as usize].kind {
                    b.derived.push(id);
                }
            }
        }
        let csdl = self.csdl;
        // The declared keys by type, so inherited keys are found without searching.
        let mut declared: HashMap<TypeId, &'a [csdl::PropertyRef]> = HashMap::new();
        let mut entities = Vec::new();
        for schema in &csdl.schemas {
            for t in &schema.structured_types {
                let Some(id) = self
                    .model
                    .lookup(&format!("{}.{}", schema.namespace, t.name))
                else {
                    continue;
                };
                if self.model.get(id).span != t.span || t.kind != StructuredKind::Entity {
                    continue;
                }
                if let Some(key) = &t.key {
                    declared.insert(id, key);
                }
                entities.push((id, t));
            }
        }
        for (id, t) in entities {
            let refs = self
                .model
                .ancestry(id)
                .find_map(|a| declared.get(&a).copied());
            let key = self.key_of(id, t, refs);
            if let TypeKind::Structured(s) = &mut self.model.types[id.0 as usize].kind {
                s.key = key;
            }
        }
    }

    /// The key `refs` (declared on `t` or on its nearest ancestor that declares one),
    /// resolved against `t`'s properties.
    fn key_of(
        &mut self,
        id: TypeId,
        t: &csdl::StructuredType,
        refs: Option<&[csdl::PropertyRef]>,
    ) -> Vec<KeyPart> {
        let Some(refs) = refs else {
            return Vec::new();
        };
        let mut key = Vec::new();
        for r in refs {
            let first = r.name.split('/').next().unwrap_or_default();
            let property = self
                .model
                .all_properties(id)
                .into_iter()
                .find(|p| p.name == first)
                .map(|p| p.ty);
            match property {
                Some(TypeRef {
                    item: ItemType::Primitive(ty),
                    collection: false,
                }) => key.push(KeyPart {
                    path: r.name.clone(),
                    name: r.alias.clone().unwrap_or_else(|| r.name.clone()),
                    ty,
                }),
                Some(TypeRef {
                    item: ItemType::Named(nested),
                    collection: false,
                }) if r.name.contains('/') => {
                    // A 4.01 key path into a complex property: the leaf decides the type.
                    let leaf = r.name.rsplit('/').next().unwrap_or_default();
                    let ty = self
                        .model
                        .all_properties(nested)
                        .into_iter()
                        .find(|p| p.name == leaf)
                        .and_then(|p| match p.ty.item {
                            ItemType::Primitive(ty) => Some(ty),
                            ItemType::Named(_) => None,
                        });
                    match (ty, &r.alias) {
                        (Some(ty), Some(alias)) => key.push(KeyPart {
                            path: r.name.clone(),
                            name: alias.clone(),
                            ty,
                        }),
                        _ => self.errors.push(Diagnostic::error(
                            "invalid-key",
                            r.span.clone(),
                            format!("key `{}` of `{}` must lead to a primitive property and have an Alias", r.name, t.name),
                        )),
                    }
                }
                Some(_) => self.errors.push(Diagnostic::error(
                    "invalid-key",
                    r.span.clone(),
                    format!(
                        "key property `{}` of `{}` is not of a primitive type",
                        r.name, t.name
                    ),
                )),
                None => self.errors.push(Diagnostic::error(
                    "invalid-key",
                    r.span.clone(),
                    format!(
                        "key names `{}`, which is not a property of `{}`",
                        r.name, t.name
                    ),
                )),
            }
        }
        // Key parts are named in URLs (`(a=1,b=2)`); two of one name cannot be told apart.
        for (i, part) in key.iter().enumerate() {
            if let Some(first) = key[..i].iter().find(|k| k.name == part.name) {
                let span = refs
                    .get(i)
                    .map_or_else(|| t.span.clone(), |r| r.span.clone());
                self.errors.push(Diagnostic::error(
                    "invalid-key",
                    span,
                    format!(
                        "key parts `{}` and `{}` of `{}` are both named `{}` in URLs",
                        first.path, part.path, t.name, part.name
                    ),
                ));
            }
        }
        key
    }

    fn entity_type(&mut self, written: &str, span: &Span, context: &str) -> Option<TypeId> {
        let ty = self.resolve_type(written, span, context)?;
        match ty.item {
            ItemType::Named(id)
                if !ty.collection
                    && self
                        .model
                        .structured(id)
                        .is_some_and(|s| s.kind == StructuredKind::Entity) =>
            {
                Some(id)
            }
            _ => {
                self.errors.push(Diagnostic::error(
                    "invalid-type",
                    span.clone(),
                    format!("{context} has type `{written}`, which is not an entity type"),
                ));
                None
            }
        }
    }

    fn build_container(&mut self) {
        let csdl = self.csdl;
        let Some((schema, c)) = csdl
            .schemas
            .iter()
            .find_map(|s| s.containers.first().map(|c| (s, c)))
        else {
            return;
        };
        let container_name = format!("{}.{}", schema.namespace, c.name);
        let mut names: HashMap<&str, &Span> = HashMap::new();
        let mut claim = |b: &mut Self, name: &'a str, span: &'a Span| match names.get(name) {
            Some(first) => {
                b.errors.push(
                    Diagnostic::error(
                        "duplicate-name",
                        span.clone(),
                        format!("`{container_name}` declares `{name}` twice"),
                    )
                    .with_note(format!("first declared at {first}")),
                );
                false
            }
            None => {
                names.insert(name, span);
                true
            }
        };
        let mut entity_sets = Vec::new();
        for set in &c.entity_sets {
            if !claim(self, &set.name, &set.span) {
                continue;
            }
            let context = format!("entity set `{}`", set.name);
            let Some(entity_type) = self.entity_type(&set.entity_type, &set.span, &context) else {
                continue;
            };
            let target = format!("{container_name}/{}", set.name);
            entity_sets.push(EntitySetDef {
                name: set.name.clone(),
                entity_type,
                description: self.description(&set.annotations, &target),
                restrictions: self.restrictions(&set.annotations, &target),
                span: set.span.clone(),
            });
        }
        let mut singletons = Vec::new();
        for s in &c.singletons {
            if !claim(self, &s.name, &s.span) {
                continue;
            }
            let context = format!("singleton `{}`", s.name);
            let Some(ty) = self.entity_type(&s.type_name, &s.span, &context) else {
                continue;
            };
            let target = format!("{container_name}/{}", s.name);
            singletons.push(SingletonDef {
                name: s.name.clone(),
                ty,
                description: self.description(&s.annotations, &target),
                restrictions: self.restrictions(&s.annotations, &target),
                span: s.span.clone(),
            });
        }
        let mut imports = Vec::new();
        let all_imports = c
            .action_imports
            .iter()
            .map(|i| (OperationKind::Action, i))
            .chain(
                c.function_imports
                    .iter()
                    .map(|i| (OperationKind::Function, i)),
            );
        for (kind, import) in all_imports {
            if !claim(self, &import.name, &import.span) {
                continue;
            }
            let qualified = self.qualify(&import.operation);
            let operations: Vec<OperationId> = self
                .model
                .operation_ids()
                .filter(|&id| {
                    let op = self.model.operation(id);
                    op.kind == kind
                        && op.binding.is_none()
                        && Some(op.qualified_name()) == qualified
                })
                .collect();
            if operations.is_empty() {
                let what = match kind {
                    OperationKind::Action => "action",
                    OperationKind::Function => "function",
                };
                self.errors.push(Diagnostic::error(
                    "unknown-type",
                    import.span.clone(),
                    format!(
                        "import `{}` names `{}`, which is no unbound {what} of the schema",
                        import.name, import.operation
                    ),
                ));
                continue;
            }
            let target = format!("{container_name}/{}", import.name);
            imports.push(ImportDef {
                name: import.name.clone(),
                kind,
                operations,
                entity_set: import.entity_set.clone(),
                description: self.description(&import.annotations, &target),
                span: import.span.clone(),
            });
        }
        self.model.container = Some(Container {
            namespace: schema.namespace.clone(),
            name: c.name.clone(),
            description: self.description(&c.annotations, &container_name),
            entity_sets,
            singletons,
            imports,
        });
    }

    fn build_operations(&mut self) {
        let csdl = self.csdl;
        // (qualified name, binding, parameter names) of each overload, to find duplicates.
        let mut signatures: HashMap<(String, Option<TypeRef>, Vec<String>), Span> = HashMap::new();
        for schema in &csdl.schemas {
            for op in &schema.operations {
                let name = format!("{}.{}", schema.namespace, op.name);
                let mut parameters = Vec::new();
                for p in &op.parameters {
                    let context = format!("parameter `{}` of `{name}`", p.name);
                    if let Some(ty) = self.resolve_type(&p.type_name, &p.span, &context) {
                        let target = format!("{name}/{}", p.name);
                        parameters.push(ParameterDef {
                            name: p.name.clone(),
                            ty,
                            nullable: p.nullable.unwrap_or(true),
                            optional: self
                                .find_annotation(&p.annotations, &target, CORE_OPTIONAL_PARAMETER)
                                .is_some(),
                            facets: p.facets.clone(),
                            description: self.description(&p.annotations, &target),
                        });
                    }
                }
                let return_type = op.return_type.as_ref().and_then(|r| {
                    let context = format!("the return type of `{name}`");
                    self.resolve_type(&r.type_name, &r.span, &context)
                        .map(|ty| ReturnDef {
                            ty,
                            nullable: r.nullable.unwrap_or(true),
                            facets: r.facets.clone(),
                        })
                });
                let binding = if op.is_bound && !parameters.is_empty() {
                    Some(parameters.remove(0).ty)
                } else {
                    None
                };
                let signature = (
                    name.clone(),
                    binding,
                    match op.kind {
                        // Actions overload on the binding parameter only.
                        OperationKind::Action => Vec::new(),
                        OperationKind::Function => {
                            let mut names: Vec<String> =
                                parameters.iter().map(|p| p.name.clone()).collect();
                            names.sort();
                            names
                        }
                    },
                );
                if let Some(first) = signatures.get(&signature) {
                    self.errors.push(
                        Diagnostic::error(
                            "duplicate-name",
                            op.span.clone(),
                            format!(
                                "`{name}` is declared twice with the same binding and parameters, so no call could tell them apart"
                            ),
                        )
                        .with_note(format!("first declared at {first}")),
                    );
                    continue;
                }
                signatures.insert(signature, op.span.clone());
                let id = OperationId(self.model.operations.len() as u32);
                self.model
                    .operations_by_name
                    .entry(op.name.to_lowercase())
                    .or_default()
                    .push(id);
                self.model.operations.push(OperationDef {
                    kind: op.kind,
                    namespace: schema.namespace.clone(),
                    name: op.name.clone(),
                    binding,
                    parameters,
                    return_type,
                    is_composable: op.is_composable,
                    entity_set_path: op.entity_set_path.clone(),
                    description: self.description(&op.annotations, &name),
                    span: op.span.clone(),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csdl::read_csdl;
    use crate::diag::Source;

    fn model(schema_body: &str) -> Result<Model, Vec<Diagnostic>> {
        let xml = format!(
            r#"<edmx:Edmx Version="4.01" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
<edmx:Reference Uri="core.xml"><edmx:Include Namespace="Org.OData.Core.V1" Alias="Core"/></edmx:Reference>
<edmx:DataServices><Schema Namespace="my.ns" Alias="m" xmlns="http://docs.oasis-open.org/odata/ns/edm">
{schema_body}
</Schema></edmx:DataServices></edmx:Edmx>"#
        );
        build_model(&read_csdl(&Source::new("t.xml", xml)).unwrap())
    }

    fn codes(result: Result<Model, Vec<Diagnostic>>) -> Vec<&'static str> {
        result.unwrap_err().iter().map(|d| d.code).collect()
    }

    #[test]
    fn resolves_aliases_inheritance_keys_and_descriptions() {
        let m = model(
            r#"<EntityType Name="base" Abstract="true"><Key><PropertyRef Name="id"/></Key>
                 <Property Name="id" Type="Edm.String" Nullable="false"/></EntityType>
               <EntityType Name="item" BaseType="m.base">
                 <Property Name="size" Type="my.ns.size"/>
                 <NavigationProperty Name="children" Type="Collection(m.item)" ContainsTarget="true"/>
               </EntityType>
               <EnumType Name="size"><Member Name="small"/><Member Name="large"/></EnumType>
               <Annotations Target="m.item/size"><Annotation Term="Core.Description" String="How big."/></Annotations>"#,
        )
        .unwrap();
        let item = m.lookup("my.ns.item").unwrap();
        let s = m.structured(item).unwrap();
        assert_eq!(s.key[0].name, "id");
        let names: Vec<_> = m
            .all_properties(item)
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(names, ["id", "size"]);
        assert_eq!(
            m.all_properties(item)[1].description.as_deref(),
            Some("How big.")
        );
        let base = m.lookup("my.ns.base").unwrap();
        assert_eq!(m.structured(base).unwrap().derived, vec![item]);
        assert!(
            m.find_navigation(item, "children")
                .unwrap()
                .1
                .contains_target
        );
        let TypeKind::Enum(e) = &m.get(m.lookup("my.ns.size").unwrap()).kind else {
            panic!("not an enum")
        };
        assert_eq!(e.members[1].value, 1);
        assert_eq!(m.lookup_ignore_case("MY.NS.ITEM"), &[item]);
    }

    #[test]
    fn dangling_reference_names_the_property_and_a_case_variant() {
        let errors =
            model(r#"<ComplexType Name="a"><Property Name="b" Type="m.A"/></ComplexType>"#)
                .unwrap_err();
        assert_eq!(errors[0].code, "unknown-type");
        assert_eq!(
            errors[0].message,
            "property `b` of `my.ns.a` has type `m.A`, which names no type of the schema"
        );
        assert_eq!(
            errors[0].notes,
            ["a type `my.ns.a` exists: names are case-sensitive"]
        );
    }

    #[test]
    fn inconsistent_schemas_are_errors() {
        assert_eq!(
            codes(model(
                r#"<ComplexType Name="a" BaseType="m.b"/><ComplexType Name="b" BaseType="m.a"/>"#
            )),
            ["cyclic-base-type", "cyclic-base-type"]
        );
        assert_eq!(
            codes(model(r#"<ComplexType Name="a"/><EnumType Name="a"/>"#)),
            ["duplicate-name"]
        );
        assert_eq!(
            codes(model(
                r#"<ComplexType Name="a"><Property Name="x" Type="Edm.Int32"/><Property Name="x" Type="Edm.String"/></ComplexType>"#
            )),
            ["duplicate-name"]
        );
        assert_eq!(
            codes(model(
                r#"<EntityType Name="a"><Key><PropertyRef Name="nope"/></Key></EntityType>"#
            )),
            ["invalid-key"]
        );
        assert_eq!(
            codes(model(
                r#"<ComplexType Name="a"><Property Name="x" Type="Edm.Int128"/></ComplexType>"#
            )),
            ["unknown-type"]
        );
        assert_eq!(
            codes(model(
                r#"<EnumType Name="e"><Member Name="a" Value="one"/></EnumType>"#
            )),
            ["invalid-enum-value"]
        );
        assert_eq!(
            codes(model(
                r#"<ComplexType Name="c"><Property Name="x" Type="Edm.String"/></ComplexType>
                   <EntityType Name="a"><Key><PropertyRef Name="id"/><PropertyRef Name="c/x" Alias="id"/></Key>
                   <Property Name="id" Type="Edm.String"/><Property Name="c" Type="m.c"/></EntityType>"#
            )),
            ["invalid-key"]
        );
        assert_eq!(
            codes(model(
                r#"<Function Name="f" IsBound="true"><Parameter Name="b" Type="m.c"/><Parameter Name="p" Type="Edm.Int32"/></Function>
                   <Function Name="f" IsBound="true"><Parameter Name="b" Type="m.c"/><Parameter Name="p" Type="Edm.String"/></Function>
                   <ComplexType Name="c"/>"#
            )),
            ["duplicate-name"]
        );
    }

    #[test]
    fn capability_restrictions_are_read() {
        let m = model(
            r#"<EntityType Name="a"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.Int32" Nullable="false"/></EntityType>
               <EntityContainer Name="c"><EntitySet Name="as" EntityType="m.a">
                 <Annotation Term="Org.OData.Capabilities.V1.DeleteRestrictions"><Record><PropertyValue Property="Deletable" Bool="false"/></Record></Annotation>
               </EntitySet></EntityContainer>"#,
        )
        .unwrap();
        let set = &m.container.as_ref().unwrap().entity_sets[0];
        assert_eq!(
            set.restrictions,
            Restrictions {
                deletable: false,
                ..Restrictions::default()
            }
        );
    }
}
