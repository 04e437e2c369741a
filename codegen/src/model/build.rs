//! [`Csdl`] -> [`Model`]: resolves qualified and aliased names, inheritance, keys, enum
//! values and the annotations the generator uses (descriptions, computed properties,
//! insert/update/delete restrictions). Every inconsistency is an error at its element.
//!
//! This runs on every generation, so the hot paths borrow names from the document and
//! build no strings: only the model's own fields and error messages allocate.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use smallvec::SmallVec;
use std::borrow::{Borrow, Cow};
use std::cell::{Cell, RefCell};
use std::ops::{Deref, DerefMut};

use super::documents::{Documents, documents};
use super::*;
use crate::diag::Diagnostic;
use crate::read::csdl::{self, Annotation, Csdl, Expr, Schema, Text};

/// A vocabulary term: its vocabulary's namespace, and its name there.
#[derive(Clone, Copy)]
struct Term {
    namespace: &'static str,
    name: &'static str,
}

/// A term of the Core vocabulary.
const fn core(name: &'static str) -> Term {
    Term {
        namespace: "Org.OData.Core.V1",
        name,
    }
}

const CORE_DESCRIPTION: Term = core("Description");
const CORE_COMPUTED: Term = core("Computed");
const CORE_IMMUTABLE: Term = core("Immutable");
const CORE_OPTIONAL_PARAMETER: Term = core("OptionalParameter");
const CAPABILITIES: &str = "Org.OData.Capabilities.V1";
const VALIDATION_ALLOWED_VALUES: Term = Term {
    namespace: "Org.OData.Validation.V1",
    name: "AllowedValues",
};
const BATCH_SUPPORTED: Term = Term {
    namespace: CAPABILITIES,
    name: "BatchSupported",
};
const KEY_AS_SEGMENT_SUPPORTED: Term = Term {
    namespace: CAPABILITIES,
    name: "KeyAsSegmentSupported",
};

/// The model of `documents`: the metadata first, then the documents it references.
/// Names resolve across them; the service is the metadata's entity container.
pub fn build_model(documents: &[Csdl<'_>]) -> Result<Model, Vec<Diagnostic>> {
    let set = self::documents(documents);
    // A reference that leads nowhere would make every name it includes unknown too: it
    // is reported alone.
    if !set.errors.is_empty() {
        let mut errors = set.errors;
        crate::diag::sort(&mut errors);
        return Err(errors);
    }
    let mut b = Builder::new(documents, set);
    b.register();
    // Operations need only the registered types.
    let operations = b.build_types();
    b.add_operations(operations);
    b.build_container();
    // Annotations by target are read up to here.
    b.targeted = HashMap::default();
    b.check_inheritance();
    if b.errors.borrow().is_empty() {
        b.check_bounds();
    }
    let mut errors = b.errors.into_inner();
    if errors.is_empty() {
        Ok(b.tables.model)
    } else {
        crate::diag::sort(&mut errors);
        Err(errors)
    }
}

/// An annotation with the index of the document it is written in, whose aliases its
/// term is read with.
type Written<'s, 'a> = (u32, &'s Annotation<'a>);

/// Out-of-line annotations of one target's members: member path (empty for the
/// target itself) -> annotations.
/// Nearly every member has one block with one annotation, kept without an allocation.
type MemberAnnotations<'a> = HashMap<&'a str, SmallVec<[Written<'a, 'a>; 1]>>;

/// The unqualified annotations of unqualified `Annotations` blocks of every document by
/// target: the unaliased qualified name of its head, then the member path. A block may
/// target an element of another document.
fn annotations_by_target<'a>(
    schemas: &[(u32, &'a Schema<'a>)],
    namespaces: &[HashMap<&'a str, &'a str>],
) -> HashMap<Cow<'a, str>, MemberAnnotations<'a>> {
    let blocks = || {
        schemas.iter().flat_map(|&(document, s)| {
            s.children
                .annotation_blocks
                .iter()
                .map(move |b| (document, b))
        })
    };
    // At most one target per block: sized up front, the map is never copied to grow.
    let mut targeted: HashMap<Cow<'a, str>, MemberAnnotations<'a>> =
        HashMap::with_capacity_and_hasher(blocks().count(), Default::default());
    // Qualified annotations are for a specific client profile, not for everyone.
    for (document, block) in blocks().filter(|(_, b)| b.qualifier.is_none()) {
        let (head, member) = split_annotation_target(&namespaces[document as usize], &block.target);
        targeted
            .entry(head)
            .or_default()
            .entry(member)
            .or_default()
            .extend(
                block
                    .annotations
                    .iter()
                    .filter(|a| a.qualifier.is_none())
                    .map(|a| (document, a)),
            );
    }
    targeted
}

/// A target path as (unaliased qualified name of its head, member path). An
/// operation's overload signature (`ns.op(ns.type)`) is dropped: what annotates one
/// overload annotates the name.
fn split_annotation_target<'a>(
    namespaces: &HashMap<&'a str, &'a str>,
    target: &'a str,
) -> (Cow<'a, str>, &'a str) {
    let (head, member) = target.split_once('/').unwrap_or((target, ""));
    let head = head.split_once('(').map_or(head, |(name, _)| name);
    let head = match head.rsplit_once('.') {
        Some((prefix, local)) => match namespaces.get(prefix) {
            Some(&namespace) if namespace != prefix => Cow::Owned(qualified_name(namespace, local)),
            // Already qualified by its namespace, or an unknown prefix.
            _ => Cow::Borrowed(head),
        },
        None => Cow::Borrowed(head),
    };
    (head, member)
}

/// What every step of the build reads: the documents, their names, the model so far.
struct Tables<'a> {
    /// The metadata, then the documents it references: indexes of the model's sources.
    documents: &'a [Csdl<'a>],
    /// The schemas of every document that the model takes, with their document's index.
    schemas: Vec<(u32, &'a Schema<'a>)>,
    /// Per document: alias or namespace -> namespace.
    namespaces: Vec<HashMap<&'a str, &'a str>>,
    /// Namespaces of references that are not local files, see [`Documents::unfetched`].
    unfetched: HashMap<&'a str, (&'a str, Span)>,
    /// Unaliased qualified name of an annotation target's head (`ns.type`,
    /// `ns.container`) -> its annotations by member.
    targeted: HashMap<Cow<'a, str>, MemberAnnotations<'a>>,
    /// (namespace, name) -> type, as declared.
    types: HashMap<(&'a str, &'a str), TypeId>,
    model: Model,
}

/// Most base types above a type (Microsoft Graph's deepest is 4): the generated code of
/// a chain grows with the square of its depth.
pub const MAX_INHERITANCE_DEPTH: usize = 32;

/// Most members of one type (properties and navigation properties, own and inherited),
/// enum or operation (parameters); Microsoft Graph's largest type has under 300.
pub const MAX_MEMBERS: usize = 10_000;

/// Most members of all types together, inherited ones counted in each derived type:
/// what the generated structs hold in all (Microsoft Graph's types hold 22,250).
pub const MAX_TOTAL_MEMBERS: usize = 250_000;

/// Resolves and reports over [`Tables`]: owned by the builder, which changes them
/// between steps, or borrowed while operations are built, with a cache and errors of
/// its own. Reads of the tables go through `Deref`.
struct Builder<'a, T = Tables<'a>> {
    tables: T,
    /// The document whose elements are being built: the one spans, positions and names
    /// are of (see [`Builder::enter`]).
    document: Cell<u32>,
    /// Type references as written in that document -> what they resolved to.
    resolved: RefCell<HashMap<&'a str, TypeRef>>,
    /// Behind a cell so that reporting needs no exclusive borrow of the builder while
    /// its maps are read.
    errors: RefCell<Vec<Diagnostic>>,
}

impl<'a, T: Borrow<Tables<'a>>> Deref for Builder<'a, T> {
    type Target = Tables<'a>;

    fn deref(&self) -> &Tables<'a> {
        self.tables.borrow()
    }
}

impl<'a> DerefMut for Builder<'a> {
    fn deref_mut(&mut self) -> &mut Tables<'a> {
        &mut self.tables
    }
}

/// A type declaration of a schema, with the schema's namespace.
#[derive(Clone, Copy)]
enum Declaration<'a> {
    Structured(&'a str, &'a csdl::StructuredType<'a>),
    Enum(&'a str, &'a csdl::EnumType<'a>),
    Definition(&'a str, &'a csdl::TypeDefinition<'a>),
}

/// A declaration with the index of its document.
type Declared<'a> = (u32, Declaration<'a>);

/// What building one declared type yields.
type Built = (TypeId, TypeKind, Option<String>);

/// Operations built before they are added to the model, and the errors found.
struct BuiltOperations {
    operations: Vec<OperationDef>,
    errors: Vec<Diagnostic>,
}

/// What annotation blocks say about one target's members.
#[derive(Clone, Copy)]
struct Targets<'s, 'a>(Option<&'s MemberAnnotations<'a>>);

impl<'s, 'a> Targets<'s, 'a> {
    fn on(self, member: &str) -> &'s [Written<'a, 'a>] {
        self.0
            .and_then(|members| members.get(member))
            .map_or(&[], SmallVec::as_slice)
    }
}

fn structured_kind(kind: csdl::StructuredKind) -> StructuredKind {
    match kind {
        csdl::StructuredKind::Entity => StructuredKind::Entity,
        csdl::StructuredKind::Complex => StructuredKind::Complex,
    }
}

fn operation_kind(kind: csdl::OperationKind) -> OperationKind {
    match kind {
        csdl::OperationKind::Action => OperationKind::Action,
        csdl::OperationKind::Function => OperationKind::Function,
    }
}

fn facets(facets: &Option<Box<csdl::Facets>>) -> Option<Box<Facets>> {
    facets.as_deref().map(|f| {
        Box::new(Facets {
            max_length: f.max_length.clone(),
            precision: f.precision.clone(),
            scale: f.scale.clone(),
            srid: f.srid.clone(),
            unicode: f.unicode,
        })
    })
}

fn owned(text: &Text<'_>) -> String {
    text.as_ref().to_owned()
}

fn owned_opt(text: &Option<Text<'_>>) -> Option<String> {
    text.as_deref().map(str::to_owned)
}

impl<'a> Builder<'a> {
    fn new(documents: &'a [Csdl<'a>], set: Documents<'a>) -> Self {
        let Documents {
            schemas,
            namespaces,
            unfetched,
            ..
        } = set;
        let mut sources = Sources::default();
        for document in documents {
            sources.add(&document.source);
        }
        let model_namespaces = schemas
            .iter()
            .map(|(_, s)| NamespaceInfo {
                namespace: owned(&s.namespace),
                alias: owned_opt(&s.alias),
            })
            .collect();
        Builder::over(Tables {
            documents,
            schemas,
            namespaces,
            unfetched,
            targeted: HashMap::default(),
            types: HashMap::default(),
            model: Model {
                sources,
                types: Vec::new(),
                by_name: HashMap::default(),
                by_lower_name: OnceLock::new(),
                operations_by_lower_name: OnceLock::new(),
                namespaces: model_namespaces,
                container: None,
                operations: Vec::new(),
            },
        })
    }

    /// Gathers the annotation blocks by target and registers the declared types.
    fn register(&mut self) {
        self.targeted = annotations_by_target(&self.schemas, &self.namespaces);
        let declared = self.documents.iter().map(Csdl::declared_types).sum();
        self.register_types(declared);
    }

    /// Registers the `declared` types of the documents.
    fn register_types(&mut self, declared: usize) {
        // Sized up front: growing these tables would copy them several times over.
        self.types.reserve(declared);
        self.model.types.reserve(declared);
        self.model.by_name.reserve(declared);
        // Pointers only: the loop adds to the tables it would otherwise borrow.
        let schemas = self.schemas.clone();
        for (document, schema) in schemas {
            self.enter(document);
            let namespace: &'a str = &schema.namespace;
            let names = schema
                .children
                .structured_types
                .iter()
                .map(|t| (&t.name, t.at))
                .chain(schema.children.enum_types.iter().map(|t| (&t.name, t.at)))
                .chain(
                    schema
                        .children
                        .type_definitions
                        .iter()
                        .map(|t| (&t.name, t.at)),
                );
            for (name, at) in names {
                let name: &'a str = name;
                let qualified = qualified_name(namespace, name);
                if let Some(&first) = self.types.get(&(namespace, name)) {
                    let first = self.span(self.model.get(first).at.offset as usize);
                    self.error(
                        Diagnostic::error(
                            "duplicate-name",
                            self.span(at),
                            format!("type `{qualified}` is declared twice"),
                        )
                        .with_note(format!("first declared at {first}")),
                    );
                    continue;
                }
                let id = TypeId(self.model.types.len() as u32);
                self.types.insert((namespace, name), id);
                self.model.by_name.insert(qualified, id);
                // Kinds are filled in by build_types; a placeholder keeps ids stable.
                let at = self.pos(at);
                self.model.types.push(TypeDef {
                    namespace: namespace.to_owned(),
                    name: name.to_owned(),
                    description: None,
                    kind: TypeKind::Definition {
                        underlying: Primitive::Untyped,
                        facets: None,
                    },
                    at,
                });
            }
        }
    }

    /// Builds the declared types, and the operations for [`Builder::add_operations`].
    fn build_types(&mut self) -> BuiltOperations {
        let declarations = self.declarations();
        let built = self.build_declarations(&declarations);
        let operations = Builder::over(&self.tables).operations();
        for (id, kind, description) in built {
            let def = &mut self.model.types[id.0 as usize];
            def.kind = kind;
            def.description = description;
        }
        operations
    }

    /// Detects cyclic base types, records derived types and resolves (inherited) keys.
    fn check_inheritance(&mut self) {
        let ids: Vec<TypeId> = self.model.ids().collect();
        // Each type is walked once (a chain of n base types costs n, not n²): a walk
        // stops at a type an earlier walk finished, or finds a cycle on its own path.
        let mut finished = vec![false; ids.len()];
        let mut on_path = vec![false; ids.len()];
        let mut path: Vec<TypeId> = Vec::new();
        let mut on_cycle = Vec::new();
        for &id in &ids {
            let mut current = Some(id);
            while let Some(t) = current.filter(|t| !finished[t.0 as usize]) {
                if on_path[t.0 as usize] {
                    let start = path.iter().position(|&p| p == t).unwrap_or(0);
                    on_cycle.extend_from_slice(&path[start..]);
                    break;
                }
                on_path[t.0 as usize] = true;
                path.push(t);
                current = self.model.structured(t).and_then(|s| s.base);
            }
            for t in path.drain(..) {
                finished[t.0 as usize] = true;
                on_path[t.0 as usize] = false;
            }
        }
        for id in &on_cycle {
            let def = self.model.get(*id);
            self.error(Diagnostic::error(
                "cyclic-base-type",
                self.model.span(def.at),
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
                    self.error(Diagnostic::error(
                        "invalid-type",
                        self.model.span(def.at),
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
        // The declared keys by type with their documents, so inherited keys are found
        // without searching.
        let mut declared: Vec<Option<(u32, &'a [csdl::PropertyRef<'a>])>> = vec![None; ids.len()];
        let mut entities = Vec::new();
        for (document, schema) in self.schemas.clone() {
            self.enter(document);
            for t in &schema.children.structured_types {
                let Some(id) = self.declared(&schema.namespace, &t.name, t.at) else {
                    continue;
                };
                if t.kind != csdl::StructuredKind::Entity {
                    continue;
                }
                if let Some(key) = &t.key {
                    declared[id.0 as usize] = Some((document, key));
                }
                entities.push((document, id, t));
            }
        }
        for (document, id, t) in entities {
            let refs = self.model.ancestry(id).find_map(|a| declared[a.0 as usize]);
            // Errors of a key are at its refs, in the document that declares them.
            self.enter(refs.map_or(document, |(declaring, _)| declaring));
            let key = self.key_of(id, t, refs.map(|(_, refs)| refs));
            if let TypeKind::Structured(s) = &mut self.model.types[id.0 as usize].kind {
                s.key = key;
            }
        }
    }

    /// Bounds what the generated code grows with faster than the metadata: a derived
    /// type repeats every inherited property, and a type's handle casts to every
    /// descendant, so a chain of n base types generates n² items. Types deeper than
    /// [`MAX_INHERITANCE_DEPTH`] base types, and types, enums and operations of more than
    /// [`MAX_MEMBERS`] members, are errors at the type that crosses the bound (once per
    /// chain, not at each type below it). Runs once inheritance is acyclic; linear.
    fn check_bounds(&mut self) {
        let ids: Vec<TypeId> = self.model.ids().collect();
        // Base types above each type, and members declared here or inherited.
        let mut depth: Vec<Option<(usize, usize)>> = vec![None; ids.len()];
        let mut chain = Vec::new();
        let mut total = 0usize;
        for &id in &ids {
            let mut current = Some(id);
            while let Some(t) = current.filter(|t| depth[t.0 as usize].is_none()) {
                chain.push(t);
                current = self.model.structured(t).and_then(|s| s.base);
            }
            let mut above = current.and_then(|t| depth[t.0 as usize]);
            for t in chain.drain(..).rev() {
                let own = self
                    .model
                    .structured(t)
                    .map_or(0, |s| s.properties.len() + s.navigations.len());
                let here = match above {
                    Some((d, members)) => (d + 1, members + own),
                    None => (0, own),
                };
                depth[t.0 as usize] = Some(here);
                let def = self.model.get(t);
                if here.0 == MAX_INHERITANCE_DEPTH + 1 {
                    self.error(Diagnostic::error(
                        "inheritance-too-deep",
                        self.model.span(def.at),
                        format!(
                            "`{}` has more than {MAX_INHERITANCE_DEPTH} base types above it; the generated code grows with the square of the depth",
                            def.qualified_name()
                        ),
                    ));
                }
                if here.1 > MAX_MEMBERS && above.is_none_or(|(_, m)| m <= MAX_MEMBERS) {
                    self.error(Diagnostic::error(
                        "too-many-members",
                        self.model.span(def.at),
                        format!(
                            "`{}` has {} properties and navigation properties, its own and inherited; the generator takes at most {MAX_MEMBERS}",
                            def.qualified_name(),
                            here.1
                        ),
                    ));
                }
                if matches!(def.kind, TypeKind::Structured(_)) {
                    let before = total;
                    total += here.1;
                    if before <= MAX_TOTAL_MEMBERS && total > MAX_TOTAL_MEMBERS {
                        self.error(Diagnostic::error(
                            "too-many-members",
                            self.model.span(def.at),
                            format!(
                                "with `{}` the types have more than {MAX_TOTAL_MEMBERS} properties and navigation properties in all, inherited ones counted in each derived type (Microsoft Graph's have 22,250); the generator takes at most {MAX_TOTAL_MEMBERS}",
                                def.qualified_name()
                            ),
                        ));
                    }
                }
                if let TypeKind::Enum(e) = &def.kind {
                    if e.members.len() > MAX_MEMBERS {
                        self.error(Diagnostic::error(
                            "too-many-members",
                            self.model.span(def.at),
                            format!(
                                "the enum `{}` has {} members; the generator takes at most {MAX_MEMBERS}",
                                def.qualified_name(),
                                e.members.len()
                            ),
                        ));
                    }
                }
                above = Some(here);
            }
        }
        for op in &self.model.operations {
            if op.parameters.len() > MAX_MEMBERS {
                self.error(Diagnostic::error(
                    "too-many-members",
                    self.model.span(op.at),
                    format!(
                        "`{}` has {} parameters; the generator takes at most {MAX_MEMBERS}",
                        op.qualified_name(),
                        op.parameters.len()
                    ),
                ));
            }
        }
    }

    /// Adds operations built by [`Builder::operations`], and their errors.
    fn add_operations(&mut self, built: BuiltOperations) {
        self.model.operations = built.operations;
        self.errors.get_mut().extend(built.errors);
    }

    /// The metadata's first entity container; those of the documents it references are
    /// not the service.
    fn build_container(&mut self) {
        let Some((schema, c)) = self
            .schemas
            .iter()
            .take_while(|(document, _)| *document == 0)
            .find_map(|(_, s)| s.children.containers.first().map(|c| (s, c)))
        else {
            return;
        };
        self.enter(0);
        let container_name = format!("{}.{}", schema.namespace, c.name);
        let targets = self.targets(&container_name);
        let mut names: HashMap<&str, usize> = HashMap::default();
        let mut claim = |name: &'a str, at: usize| match names.get(name) {
            Some(&first) => {
                self.error(
                    Diagnostic::error(
                        "duplicate-name",
                        self.span(at),
                        format!("`{container_name}` declares `{name}` twice"),
                    )
                    .with_note(format!("first declared at {}", self.span(first))),
                );
                false
            }
            None => {
                names.insert(name, at);
                true
            }
        };
        let mut entity_sets = Vec::new();
        for set in &c.entity_sets {
            if !claim(&set.name, set.at) {
                continue;
            }
            let context = || format!("entity set `{}`", set.name);
            let Some(entity_type) = self.entity_type(&set.entity_type, set.at, context) else {
                continue;
            };
            let targeted = targets.on(&set.name);
            entity_sets.push(EntitySetDef {
                name: owned(&set.name),
                entity_type,
                description: self.description(&set.annotations, targeted),
                restrictions: self.restrictions(&set.annotations, targeted),
                restricted_navigations: self.restricted_navigations(&set.annotations, targeted),
                at: self.pos(set.at),
            });
        }
        let mut singletons = Vec::new();
        for s in &c.singletons {
            if !claim(&s.name, s.at) {
                continue;
            }
            let context = || format!("singleton `{}`", s.name);
            let Some(ty) = self.entity_type(&s.type_name, s.at, context) else {
                continue;
            };
            let targeted = targets.on(&s.name);
            singletons.push(SingletonDef {
                name: owned(&s.name),
                ty,
                nullable: s.nullable.unwrap_or(false),
                description: self.description(&s.annotations, targeted),
                restrictions: self.restrictions(&s.annotations, targeted),
                restricted_navigations: self.restricted_navigations(&s.annotations, targeted),
                at: self.pos(s.at),
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
            if !claim(&import.name, import.at) {
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
                        && Some((op.namespace.as_str(), op.name.as_str())) == qualified
                })
                .collect();
            if operations.is_empty() {
                let what = match kind {
                    OperationKind::Action => "action",
                    OperationKind::Function => "function",
                };
                self.error(Diagnostic::error(
                    "unknown-type",
                    self.span(import.at),
                    format!(
                        "import `{}` names `{}`, which is no unbound {what} of the schema",
                        import.name, import.operation
                    ),
                ));
                continue;
            }
            imports.push(ImportDef {
                name: owned(&import.name),
                kind,
                operations,
                entity_set: owned_opt(&import.entity_set),
                description: self.description(&import.annotations, targets.on(&import.name)),
                at: self.pos(import.at),
            });
        }
        let description = self.description(&c.annotations, targets.on(""));
        let key_as_segment = self.is_true(&c.annotations, targets.on(""), KEY_AS_SEGMENT_SUPPORTED);
        // The term's default is true: only a service that says false has no $batch.
        let batch_supported = !matches!(
            self.find_annotation(&c.annotations, targets.on(""), BATCH_SUPPORTED),
            Some(Expr::Bool(false))
        );
        self.model.container = Some(Container {
            namespace: owned(&schema.namespace),
            name: owned(&c.name),
            description,
            key_as_segment,
            batch_supported,
            entity_sets,
            singletons,
            imports,
        });
    }
}

/// Applies a Capabilities term, or the property of that name of a
/// `NavigationPropertyRestriction`, to `r`: what it denies is denied.
fn restrict(r: &mut Restrictions, term: &str, value: &Expr<'_>) {
    let denied = |property: &str| matches!(value.property(property), Some(Expr::Bool(false)));
    let declared = |property: &str| matches!(value.property(property), Some(Expr::Bool(true)));
    let no_navigation = |v: Option<&Expr<'_>>| matches!(v, Some(Expr::EnumMember(member)) if member.ends_with("/None"));
    match term {
        "InsertRestrictions" => r.insertable &= !denied("Insertable"),
        "UpdateRestrictions" => {
            r.updatable &= !denied("Updatable");
            r.filter_segment |= declared("FilterSegmentSupported");
        }
        "DeleteRestrictions" => {
            r.deletable &= !denied("Deletable");
            r.filter_segment |= declared("FilterSegmentSupported");
        }
        "CountRestrictions" => r.countable &= !denied("Countable"),
        "ReadRestrictions" => {
            let readable = !denied("Readable");
            r.listable &= readable;
            r.readable_by_key &= match value
                .property("ReadByKeyRestrictions")
                .and_then(|by_key| by_key.property("Readable"))
            {
                Some(Expr::Bool(by_key)) => *by_key,
                _ => readable,
            };
        }
        "IndexableByKey" => r.indexable_by_key &= !matches!(value, Expr::Bool(false)),
        "NavigationRestrictions" => {
            r.referenceable &= !denied("Referenceable");
            r.navigable &= !no_navigation(value.property("Navigability"));
        }
        // Within a `NavigationPropertyRestriction`.
        "Navigability" => r.navigable &= !no_navigation(Some(value)),
        _ => {}
    }
}

impl<'a, T: Borrow<Tables<'a>>> Builder<'a, T> {
    fn over(tables: T) -> Self {
        // Types are named in about as many spellings as there are types.
        let spellings = tables.borrow().types.len();
        Builder {
            tables,
            document: Cell::new(0),
            resolved: RefCell::new(HashMap::with_capacity_and_hasher(
                spellings,
                Default::default(),
            )),
            errors: RefCell::default(),
        }
    }

    /// Builds the elements of document `document` from here on: their spans and
    /// positions are in it, and their names are read with its aliases.
    fn enter(&self, document: u32) {
        if self.document.replace(document) != document {
            // A spelling may name another type in another document.
            self.resolved.borrow_mut().clear();
        }
    }

    fn span(&self, at: usize) -> Span {
        self.documents[self.document.get() as usize].span(at)
    }

    /// The model's position of an element of the document being built.
    fn pos(&self, at: usize) -> Pos {
        Sources::pos(self.document.get(), at)
    }

    /// Alias or namespace -> namespace, in the document being built.
    fn names(&self) -> &HashMap<&'a str, &'a str> {
        &self.namespaces[self.document.get() as usize]
    }

    fn error(&self, diagnostic: Diagnostic) {
        self.errors.borrow_mut().push(diagnostic);
    }

    /// `alias.name` or `namespace.name` -> (namespace, name), if the prefix is known.
    fn qualify(&self, name: &'a str) -> Option<(&'a str, &'a str)> {
        let (prefix, local) = name.rsplit_once('.')?;
        Some((self.names().get(prefix)?, local))
    }

    /// The annotation blocks' annotations of a target's members.
    fn targets(&self, head: &str) -> Targets<'_, 'a> {
        Targets(self.targeted.get(head))
    }

    /// Whether an annotation's term, qualified or aliased in its document, is `term`;
    /// allocates nothing, as it runs for every annotation of every element.
    fn term_is(&self, (document, annotation): Written<'_, 'a>, term: Term) -> bool {
        // Most annotations are of another term, which their last characters tell.
        let Some(prefix) = annotation
            .term
            .strip_suffix(term.name)
            .and_then(|rest| rest.strip_suffix('.'))
        else {
            return false;
        };
        prefix == term.namespace
            || self.namespaces[document as usize]
                .get(prefix)
                .is_some_and(|ns| *ns == term.namespace)
    }

    /// Inline annotations (of the document being built) plus those from `Annotations`
    /// blocks.
    fn annotations<'s>(
        &self,
        inline: &'s [Annotation<'a>],
        targeted: &'s [Written<'a, 'a>],
    ) -> impl Iterator<Item = Written<'s, 'a>> + 's {
        let document = self.document.get();
        inline
            .iter()
            .filter(|a| a.qualifier.is_none())
            .map(move |a| (document, a))
            .chain(targeted.iter().map(|&(d, a)| (d, a)))
    }

    fn find_annotation<'s>(
        &'s self,
        inline: &'s [Annotation<'a>],
        targeted: &'s [Written<'a, 'a>],
        term: Term,
    ) -> Option<&'s Expr<'a>> {
        self.annotations(inline, targeted)
            .find(|&a| self.term_is(a, term))
            .map(|(_, a)| &a.value)
    }

    /// The term's name within `namespace`, if the annotation's term (qualified or
    /// aliased in its document) is in that vocabulary.
    fn local_term<'t>(
        &self,
        (document, annotation): Written<'t, 'a>,
        namespace: &str,
    ) -> Option<&'t str> {
        if let Some(local) = annotation
            .term
            .strip_prefix(namespace)
            .and_then(|rest| rest.strip_prefix('.'))
            .filter(|local| !local.contains('.'))
        {
            return Some(local);
        }
        let (prefix, local) = annotation.term.rsplit_once('.')?;
        (prefix == namespace
            || self.namespaces[document as usize]
                .get(prefix)
                .is_some_and(|ns| *ns == namespace))
        .then_some(local)
    }

    fn description(
        &self,
        inline: &[Annotation<'a>],
        targeted: &[Written<'a, 'a>],
    ) -> Option<String> {
        match self.find_annotation(inline, targeted, CORE_DESCRIPTION)? {
            Expr::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
            _ => None,
        }
    }

    /// The values `Validation.AllowedValues` lists for a string property, in order and
    /// each once; empty when it lists none, or one that is not a string.
    fn allowed_values(
        &self,
        inline: &[Annotation<'a>],
        targeted: &[Written<'a, 'a>],
        ty: TypeRef,
    ) -> Vec<String> {
        if ty.item != ItemType::Primitive(Primitive::String) {
            return Vec::new();
        }
        let Some(Expr::Collection(records)) =
            self.find_annotation(inline, targeted, VALIDATION_ALLOWED_VALUES)
        else {
            return Vec::new();
        };
        let mut values: Vec<String> = Vec::with_capacity(records.len());
        for record in records {
            match record.property("Value") {
                Some(Expr::String(value)) => {
                    if !values.iter().any(|v| v == value) {
                        values.push(value.to_string());
                    }
                }
                _ => return Vec::new(),
            }
        }
        values
    }

    fn is_true(&self, inline: &[Annotation<'a>], targeted: &[Written<'a, 'a>], term: Term) -> bool {
        matches!(
            self.find_annotation(inline, targeted, term),
            Some(Expr::Bool(true) | Expr::Default)
        )
    }

    fn restrictions(
        &self,
        inline: &[Annotation<'a>],
        targeted: &[Written<'a, 'a>],
    ) -> Restrictions {
        // One pass over the target's annotations, not one per term: this runs for every
        // type, navigation property, entity set and singleton.
        let mut r = Restrictions::default();
        for written in self.annotations(inline, targeted) {
            if let Some(local) = self.local_term(written, CAPABILITIES) {
                restrict(&mut r, local, &written.1.value);
            }
        }
        r
    }

    /// The `RestrictedProperties` of the target's `NavigationRestrictions`.
    fn restricted_navigations(
        &self,
        inline: &[Annotation<'a>],
        targeted: &[Written<'a, 'a>],
    ) -> Vec<RestrictedNavigation> {
        let mut out = Vec::new();
        for written in self.annotations(inline, targeted) {
            if self.local_term(written, CAPABILITIES) != Some("NavigationRestrictions") {
                continue;
            }
            let a = written.1;
            let Some(Expr::Collection(entries)) = a.value.property("RestrictedProperties") else {
                continue;
            };
            for entry in entries {
                let (Expr::Record { properties, .. }, Some(Expr::Path(path))) =
                    (entry, entry.property("NavigationProperty"))
                else {
                    continue;
                };
                // An entry's properties are named like the terms they restrict.
                let mut restrictions = Restrictions::default();
                for (name, value) in properties {
                    restrict(&mut restrictions, name, value);
                }
                out.push(RestrictedNavigation {
                    path: path.trim().to_owned(),
                    restrictions,
                });
            }
        }
        out
    }

    /// The type a schema element declares, unless it is a duplicate of an earlier one:
    /// the registered type declared at the same offset.
    fn declared(&self, namespace: &'a str, name: &'a str, at: usize) -> Option<TypeId> {
        let id = *self.types.get(&(namespace, name))?;
        (self.model.get(id).at == self.pos(at)).then_some(id)
    }

    /// The type declarations of every schema, in the order they are built.
    fn declarations(&self) -> Vec<Declared<'a>> {
        self.schemas
            .iter()
            .flat_map(|&(document, schema)| {
                let ns: &'a str = &schema.namespace;
                let structured = schema
                    .children
                    .structured_types
                    .iter()
                    .map(move |t| Declaration::Structured(ns, t));
                let enums = schema
                    .children
                    .enum_types
                    .iter()
                    .map(move |t| Declaration::Enum(ns, t));
                let definitions = schema
                    .children
                    .type_definitions
                    .iter()
                    .map(move |t| Declaration::Definition(ns, t));
                structured
                    .chain(enums)
                    .chain(definitions)
                    .map(move |d| (document, d))
            })
            .collect()
    }

    /// Builds every operation; what this builder reported is taken with them.
    fn operations(&self) -> BuiltOperations {
        let mut operations = Vec::new();
        // (namespace, name, binding, parameter names) of each overload, to find
        // duplicates, and where the first is.
        type Signature<'a> = (&'a str, &'a str, Option<TypeRef>, Vec<&'a str>);
        let mut signatures: HashMap<Signature<'a>, Span> = HashMap::default();
        for &(document, schema) in &self.schemas {
            self.enter(document);
            let namespace: &'a str = &schema.namespace;
            for op in &schema.children.operations {
                let name = qualified_name(namespace, &op.name);
                let targets = self.targets(&name);
                let mut parameters = Vec::with_capacity(op.parameters.len());
                let mut parameter_names = Vec::with_capacity(op.parameters.len());
                for p in &op.parameters {
                    let context = || format!("parameter `{}` of `{name}`", p.name);
                    if let Some(ty) = self.resolve_type(&p.type_name, p.at, context) {
                        let targeted = targets.on(&p.name);
                        parameter_names.push(p.name.as_ref());
                        parameters.push(ParameterDef {
                            name: owned(&p.name),
                            ty,
                            nullable: p.nullable.unwrap_or(true),
                            optional: self
                                .find_annotation(&p.annotations, targeted, CORE_OPTIONAL_PARAMETER)
                                .is_some(),
                            facets: facets(&p.facets),
                            description: self.description(&p.annotations, targeted),
                        });
                    }
                }
                let return_type = op.return_type.as_ref().and_then(|r| {
                    let context = || format!("the return type of `{name}`");
                    self.resolve_type(&r.type_name, r.at, context)
                        .map(|ty| ReturnDef {
                            ty,
                            nullable: r.nullable.unwrap_or(true),
                            facets: facets(&r.facets),
                        })
                });
                let binding = if op.is_bound && !parameters.is_empty() {
                    parameter_names.remove(0);
                    Some(parameters.remove(0).ty)
                } else {
                    None
                };
                let overloaded_on = match op.kind {
                    // Actions overload on the binding parameter only.
                    csdl::OperationKind::Action => Vec::new(),
                    csdl::OperationKind::Function => {
                        parameter_names.sort_unstable();
                        parameter_names
                    }
                };
                let signature = (namespace, op.name.as_ref(), binding, overloaded_on);
                if let Some(first) = signatures.get(&signature) {
                    self.error(
                        Diagnostic::error(
                            "duplicate-name",
                            self.span(op.at),
                            format!(
                                "`{name}` is declared twice with the same binding and parameters, so no call could tell them apart"
                            ),
                        )
                        .with_note(format!("first declared at {first}")),
                    );
                    continue;
                }
                signatures.insert(signature, self.span(op.at));
                operations.push(OperationDef {
                    kind: operation_kind(op.kind),
                    namespace: owned(&schema.namespace),
                    name: owned(&op.name),
                    binding,
                    parameters,
                    return_type,
                    is_composable: op.is_composable,
                    entity_set_path: owned_opt(&op.entity_set_path),
                    description: self.description(&op.annotations, targets.on("")),
                    at: self.pos(op.at),
                });
            }
        }
        BuiltOperations {
            operations,
            errors: self.errors.take(),
        }
    }

    /// Builds each declared type that is not a duplicate.
    fn build_declarations(&self, declarations: &[Declared<'a>]) -> Vec<Built> {
        let mut built = Vec::with_capacity(declarations.len());
        for &(document, declaration) in declarations {
            self.enter(document);
            match declaration {
                Declaration::Structured(ns, t) => {
                    let Some(id) = self.declared(ns, &t.name, t.at) else {
                        continue; // a duplicate, already reported
                    };
                    let type_name = qualified_name(ns, &t.name);
                    let kind = TypeKind::Structured(self.structured(&type_name, t));
                    let description =
                        self.description(&t.annotations, self.targets(&type_name).on(""));
                    built.push((id, kind, description));
                }
                Declaration::Enum(ns, t) => {
                    let Some(id) = self.declared(ns, &t.name, t.at) else {
                        continue;
                    };
                    let type_name = qualified_name(ns, &t.name);
                    let kind = TypeKind::Enum(self.enum_type(&type_name, t));
                    let description =
                        self.description(&t.annotations, self.targets(&type_name).on(""));
                    built.push((id, kind, description));
                }
                Declaration::Definition(ns, t) => {
                    let Some(id) = self.declared(ns, &t.name, t.at) else {
                        continue;
                    };
                    let Some(underlying) = Primitive::from_edm_name(&t.underlying_type) else {
                        self.error(Diagnostic::error(
                            "unknown-type",
                            self.span(t.at),
                            format!(
                                "type definition `{}` has underlying type `{}`, which is not an EDM primitive",
                                t.name, t.underlying_type
                            ),
                        ));
                        continue;
                    };
                    let type_name = qualified_name(ns, &t.name);
                    let kind = TypeKind::Definition {
                        underlying,
                        facets: facets(&t.facets),
                    };
                    let description =
                        self.description(&t.annotations, self.targets(&type_name).on(""));
                    built.push((id, kind, description));
                }
            }
        }
        built
    }

    /// Resolves `Edm.X`, `ns.T`, `alias.T` and `Collection(...)` of those. `context`
    /// names the referring element in an error.
    fn resolve_type(
        &self,
        written: &'a str,
        at: usize,
        context: impl FnOnce() -> String,
    ) -> Option<TypeRef> {
        // Schemas name a few hundred types thousands of times (`Edm.String` alone
        // thousands): each spelling is resolved once.
        if let Some(&known) = self.resolved.borrow().get(written) {
            return Some(known);
        }
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
                .and_then(|key| self.types.get(&key).copied())
                .map(ItemType::Named)
        };
        match item {
            Some(item) => {
                let ty = TypeRef { item, collection };
                self.resolved.borrow_mut().insert(written, ty);
                Some(ty)
            }
            None => {
                if let Some(((namespace, _), reference)) = self
                    .qualify(inner)
                    .and_then(|q| Some((q, self.unfetched.get(q.0)?)))
                {
                    let metadata = &self.documents[self.document.get() as usize].source.name;
                    self.error(super::documents::not_local(
                        self.span(at),
                        written,
                        namespace,
                        reference,
                        metadata,
                    ));
                    return None;
                }
                let mut d = Diagnostic::error(
                    "unknown-type",
                    self.span(at),
                    format!(
                        "{} has type `{written}`, which names no type of the schema",
                        context()
                    ),
                );
                if let Some(similar) = self.similar_type(inner) {
                    d = d.with_note(format!(
                        "a type `{similar}` exists: names are case-sensitive"
                    ));
                }
                self.error(d);
                None
            }
        }
    }

    fn similar_type(&self, written: &'a str) -> Option<String> {
        let (namespace, local) = self.qualify(written)?;
        let id = *self
            .model
            .lookup_ignore_case(&qualified_name(namespace, local))
            .first()?;
        Some(self.model.get(id).qualified_name())
    }

    fn structured(&self, type_name: &str, t: &'a csdl::StructuredType<'a>) -> StructDef {
        let base = t.base_type.as_deref().and_then(|written| {
            let resolved =
                self.resolve_type(written, t.at, || format!("base type of `{type_name}`"))?;
            match resolved.item {
                ItemType::Named(id) if !resolved.collection => Some(id),
                _ => {
                    self.error(Diagnostic::error(
                        "invalid-type",
                        self.span(t.at),
                        format!("`{type_name}` has base type `{written}`, which is not a structured type"),
                    ));
                    None
                }
            }
        });
        let targets = self.targets(type_name);
        let mut names: HashSet<&str> = HashSet::with_capacity_and_hasher(
            t.properties.len() + t.navigation_properties.len(),
            Default::default(),
        );
        let mut properties = Vec::with_capacity(t.properties.len());
        for p in &t.properties {
            if !names.insert(&p.name) {
                self.duplicate_member(type_name, &p.name, p.at);
                continue;
            }
            let Some(ty) = self.resolve_type(&p.type_name, p.at, || {
                format!("property `{}` of `{type_name}`", p.name)
            }) else {
                continue;
            };
            let targeted = targets.on(&p.name);
            let (computed, immutable, allowed_values) =
                if p.annotations.is_empty() && targeted.is_empty() {
                    (false, false, Vec::new())
                } else {
                    (
                        self.is_true(&p.annotations, targeted, CORE_COMPUTED),
                        self.is_true(&p.annotations, targeted, CORE_IMMUTABLE),
                        self.allowed_values(&p.annotations, targeted, ty),
                    )
                };
            properties.push(PropertyDef {
                name: owned(&p.name),
                ty,
                nullable: p.nullable.unwrap_or(true),
                description: self.description(&p.annotations, targeted),
                computed,
                immutable,
                allowed_values,
                default_value: owned_opt(&p.default_value),
                facets: facets(&p.facets),
                at: self.pos(p.at),
            });
        }
        let mut navigations = Vec::with_capacity(t.navigation_properties.len());
        for n in &t.navigation_properties {
            if !names.insert(&n.name) {
                self.duplicate_member(type_name, &n.name, n.at);
                continue;
            }
            let context = || format!("navigation property `{}` of `{type_name}`", n.name);
            let Some(ty) = self.resolve_type(&n.type_name, n.at, context) else {
                continue;
            };
            let ItemType::Named(target) = ty.item else {
                self.error(Diagnostic::error(
                    "invalid-type",
                    self.span(n.at),
                    format!(
                        "{} has type `{}`, which is not an entity type",
                        context(),
                        n.type_name
                    ),
                ));
                continue;
            };
            let targeted = targets.on(&n.name);
            navigations.push(NavigationDef {
                name: owned(&n.name),
                target,
                collection: ty.collection,
                nullable: n.nullable.unwrap_or(true),
                contains_target: n.contains_target,
                partner: owned_opt(&n.partner),
                on_delete: owned_opt(&n.on_delete),
                referential_constraints: n
                    .referential_constraints
                    .iter()
                    .map(|c| (owned(&c.property), owned(&c.referenced_property)))
                    .collect(),
                description: self.description(&n.annotations, targeted),
                restrictions: self.restrictions(&n.annotations, targeted),
                at: self.pos(n.at),
            });
        }
        // Keys are resolved once inheritance is known (check_inheritance).
        StructDef {
            kind: structured_kind(t.kind),
            restrictions: self.restrictions(&t.annotations, targets.on("")),
            restricted_navigations: self.restricted_navigations(&t.annotations, targets.on("")),
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

    fn duplicate_member(&self, type_name: &str, name: &str, at: usize) {
        self.error(Diagnostic::error(
            "duplicate-name",
            self.span(at),
            format!("`{type_name}` declares `{name}` twice"),
        ));
    }

    fn enum_type(&self, type_name: &str, t: &'a csdl::EnumType<'a>) -> EnumDef {
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
                    self.error(Diagnostic::error(
                        "invalid-type",
                        self.span(t.at),
                        format!("enum `{type_name}` has underlying type `{u}`; CSDL allows Edm.Byte, Edm.SByte, Edm.Int16, Edm.Int32 and Edm.Int64"),
                    ));
                    Primitive::Int32
                }
            },
        };
        let targets = self.targets(type_name);
        let mut members = Vec::with_capacity(t.members.len());
        let mut names = HashSet::default();
        for (index, m) in t.members.iter().enumerate() {
            if !names.insert(m.name.as_ref()) {
                self.duplicate_member(type_name, &m.name, m.at);
                continue;
            }
            let value = match &m.value {
                // CSDL: members without values are numbered from zero in order.
                None => index as i64,
                Some(v) => match v.trim().parse() {
                    Ok(v) => v,
                    Err(_) => {
                        self.error(Diagnostic::error(
                            "invalid-enum-value",
                            self.span(m.at),
                            format!("member `{}` of `{type_name}` has value `{v}`, which is not an integer", m.name),
                        ));
                        continue;
                    }
                },
            };
            members.push(EnumMemberDef {
                name: owned(&m.name),
                value,
                description: self.description(&m.annotations, targets.on(&m.name)),
                at: self.pos(m.at),
            });
        }
        EnumDef {
            underlying,
            is_flags: t.is_flags,
            members,
        }
    }

    /// The key `refs` (declared on `t` or on its nearest ancestor that declares one),
    /// resolved against `t`'s properties.
    fn key_of(
        &self,
        id: TypeId,
        t: &csdl::StructuredType<'a>,
        refs: Option<&[csdl::PropertyRef<'a>]>,
    ) -> Vec<KeyPart> {
        let Some(refs) = refs else {
            return Vec::new();
        };
        let mut key = Vec::new();
        for r in refs {
            let first = r.name.split('/').next().unwrap_or_default();
            let property = self.model.find_property(id, first).map(|(_, p)| p.ty);
            match property {
                Some(TypeRef {
                    item: ItemType::Primitive(ty),
                    collection: false,
                }) => key.push(KeyPart {
                    path: owned(&r.name),
                    name: owned(r.alias.as_ref().unwrap_or(&r.name)),
                    ty,
                }),
                Some(TypeRef {
                    item: ItemType::Named(nested),
                    collection: false,
                }) if r.name.contains('/') => {
                    // A 4.01 key path into a complex property: the leaf decides the type.
                    let leaf = r.name.rsplit('/').next().unwrap_or_default();
                    let ty =
                        self.model
                            .find_property(nested, leaf)
                            .and_then(|(_, p)| match p.ty.item {
                                ItemType::Primitive(ty) => Some(ty),
                                ItemType::Named(_) => None,
                            });
                    match (ty, &r.alias) {
                        (Some(ty), Some(alias)) => key.push(KeyPart {
                            path: owned(&r.name),
                            name: owned(alias),
                            ty,
                        }),
                        _ => self.error(Diagnostic::error(
                            "invalid-key",
                            self.span(r.at),
                            format!("key `{}` of `{}` must lead to a primitive property and have an Alias", r.name, t.name),
                        )),
                    }
                }
                Some(_) => self.error(Diagnostic::error(
                    "invalid-key",
                    self.span(r.at),
                    format!(
                        "key property `{}` of `{}` is not of a primitive type",
                        r.name, t.name
                    ),
                )),
                None => self.error(Diagnostic::error(
                    "invalid-key",
                    self.span(r.at),
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
                let at = refs.get(i).map_or(t.at, |r| r.at);
                self.error(Diagnostic::error(
                    "invalid-key",
                    self.span(at),
                    format!(
                        "key parts `{}` and `{}` of `{}` are both named `{}` in URLs",
                        first.path, part.path, t.name, part.name
                    ),
                ));
            }
        }
        key
    }

    fn entity_type(
        &self,
        written: &'a str,
        at: usize,
        context: impl Fn() -> String,
    ) -> Option<TypeId> {
        let ty = self.resolve_type(written, at, &context)?;
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
                self.error(Diagnostic::error(
                    "invalid-type",
                    self.span(at),
                    format!(
                        "{} has type `{written}`, which is not an entity type",
                        context()
                    ),
                ));
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Source;
    use crate::read::csdl::read_csdl;

    fn model(schema_body: &str) -> Result<Model, Vec<Diagnostic>> {
        let xml = format!(
            r#"<edmx:Edmx Version="4.01" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
<edmx:Reference Uri="core.xml"><edmx:Include Namespace="Org.OData.Core.V1" Alias="Core"/></edmx:Reference>
<edmx:DataServices><Schema Namespace="my.ns" Alias="m" xmlns="http://docs.oasis-open.org/odata/ns/edm">
{schema_body}
</Schema></edmx:DataServices></edmx:Edmx>"#
        );
        build_model(&[read_csdl(&Source::new("t.xml", xml)).unwrap()])
    }

    fn codes(result: Result<Model, Vec<Diagnostic>>) -> Vec<&'static str> {
        result.unwrap_err().iter().map(|d| d.code).collect()
    }

    #[test]
    fn batch_support_defaults_to_true_and_a_false_annotation_turns_it_off() {
        let container = |annotation: &str| {
            let m = model(&format!(
                r#"<EntityContainer Name="c">{annotation}</EntityContainer>"#
            ))
            .unwrap();
            m.container.unwrap().batch_supported
        };
        assert!(container(""));
        assert!(container(
            r#"<Annotation Term="Org.OData.Capabilities.V1.BatchSupported" Bool="true"/>"#
        ));
        assert!(container(
            r#"<Annotation Term="Org.OData.Capabilities.V1.BatchSupported"/>"#
        ));
        assert!(!container(
            r#"<Annotation Term="Org.OData.Capabilities.V1.BatchSupported" Bool="false"/>"#
        ));
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

    #[test]
    fn filter_segment_support_is_read_from_update_and_delete_restrictions() {
        let m = model(
            r#"<EntityType Name="a"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.Int32" Nullable="false"/></EntityType>
               <EntityContainer Name="c">
                 <EntitySet Name="updated" EntityType="m.a">
                   <Annotation Term="Org.OData.Capabilities.V1.UpdateRestrictions"><Record><PropertyValue Property="FilterSegmentSupported" Bool="true"/></Record></Annotation>
                 </EntitySet>
                 <EntitySet Name="deleted" EntityType="m.a">
                   <Annotation Term="Org.OData.Capabilities.V1.DeleteRestrictions"><Record><PropertyValue Property="FilterSegmentSupported" Bool="true"/></Record></Annotation>
                 </EntitySet>
                 <EntitySet Name="denied" EntityType="m.a">
                   <Annotation Term="Org.OData.Capabilities.V1.UpdateRestrictions"><Record><PropertyValue Property="FilterSegmentSupported" Bool="false"/></Record></Annotation>
                 </EntitySet>
                 <EntitySet Name="silent" EntityType="m.a">
                   <Annotation Term="Org.OData.Capabilities.V1.UpdateRestrictions"><Record><PropertyValue Property="Updatable" Bool="true"/></Record></Annotation>
                 </EntitySet>
               </EntityContainer>"#,
        )
        .unwrap();
        let declared: Vec<bool> = m
            .container
            .as_ref()
            .unwrap()
            .entity_sets
            .iter()
            .map(|s| s.restrictions.filter_segment)
            .collect();
        assert_eq!(declared, [true, true, false, false]);
    }

    #[test]
    fn annotations_are_gathered_by_unaliased_target_in_block_order() {
        // Two schemas, aliased and qualified targets, members annotated by several
        // blocks.
        let xml = r#"<edmx:Edmx Version="4.01" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
<edmx:DataServices>
<Schema Namespace="my.ns" Alias="m" xmlns="http://docs.oasis-open.org/odata/ns/edm">
  <ComplexType Name="t"><Property Name="a" Type="Edm.String"/></ComplexType>
  <Annotations Target="m.t/a"><Annotation Term="Core.Description" String="1"/></Annotations>
  <Annotations Target="my.ns.t"><Annotation Term="Core.Description" String="2"/></Annotations>
  <Annotations Target="m.t/a"><Annotation Term="Core.Computed"/><Annotation Term="Core.Immutable" Qualifier="q"/></Annotations>
  <Annotations Target="m.t" Qualifier="q"><Annotation Term="Core.Description" String="3"/></Annotations>
</Schema>
<Schema Namespace="other" Alias="o" xmlns="http://docs.oasis-open.org/odata/ns/edm">
  <Annotations Target="m.t/a"><Annotation Term="Core.Immutable"/></Annotations>
  <Annotations Target="o.u"><Annotation Term="Core.Description" String="4"/></Annotations>
  <Annotations Target="m.t"><Annotation Term="Core.Description" String="5"/></Annotations>
</Schema>
</edmx:DataServices></edmx:Edmx>"#;
        let source = Source::new("t.xml", xml);
        let documents = [read_csdl(&source).unwrap()];
        let tables = Builder::new(&documents, self::documents(&documents)).tables;
        type Gathered = std::collections::BTreeMap<String, Vec<(String, Vec<usize>)>>;
        let sorted = |targeted: HashMap<Cow<'_, str>, MemberAnnotations<'_>>| -> Gathered {
            targeted
                .into_iter()
                .map(|(head, members)| {
                    let mut members: Vec<(String, Vec<usize>)> = members
                        .into_iter()
                        .map(|(m, a)| (m.to_owned(), a.iter().map(|(_, a)| a.at).collect()))
                        .collect();
                    members.sort();
                    (head.into_owned(), members)
                })
                .collect()
        };
        let at_once = sorted(annotations_by_target(&tables.schemas, &tables.namespaces));
        assert_eq!(
            at_once.keys().collect::<Vec<_>>(),
            ["my.ns.t", "other.u"],
            "{at_once:?}"
        );
        assert_eq!(at_once["my.ns.t"][1].1.len(), 3, "{at_once:?}");
    }

    /// A document of `schemas` (each `<Schema>` text) with `references` before them.
    fn document(name: &str, references: &str, schemas: &str) -> std::sync::Arc<Source> {
        Source::new(
            name,
            format!(
                r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">{references}
<edmx:DataServices>{schemas}</edmx:DataServices></edmx:Edmx>"#
            ),
        )
    }

    fn models(sources: &[std::sync::Arc<Source>]) -> Result<Model, Vec<Diagnostic>> {
        let documents: Vec<_> = sources.iter().map(|s| read_csdl(s).unwrap()).collect();
        build_model(&documents)
    }

    const EDM: &str = r#"xmlns="http://docs.oasis-open.org/odata/ns/edm""#;

    #[test]
    fn names_resolve_across_documents_by_their_own_aliases() {
        let main = document(
            "dir/main.xml",
            r#"<edmx:Reference Uri="other.xml"><edmx:Include Namespace="o.ns" Alias="x"/></edmx:Reference>"#,
            &format!(
                r#"<Schema Namespace="m.ns" {EDM}><ComplexType Name="a"><Property Name="b" Type="x.b"/></ComplexType></Schema>"#
            ),
        );
        // `x` is main.xml's alias, not other.xml's: there it names nothing.
        let other = document(
            "dir/other.xml",
            "",
            &format!(
                r#"<Schema Namespace="o.ns" {EDM}><ComplexType Name="b"/><ComplexType Name="c"><Property Name="d" Type="x.b"/></ComplexType></Schema>"#
            ),
        );
        let errors = models(&[main.clone(), other]).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].code, "unknown-type");
        let span = errors[0].span.as_ref().unwrap();
        assert_eq!(span.source.name, "dir/other.xml");
        let fixed = document(
            "dir/other.xml",
            "",
            &format!(r#"<Schema Namespace="o.ns" {EDM}><ComplexType Name="b"/></Schema>"#),
        );
        let model = models(&[main.clone(), fixed]).unwrap();
        let a = model.lookup("m.ns.a").unwrap();
        let b = model.lookup("o.ns.b").unwrap();
        let property = &model.structured(a).unwrap().properties[0];
        assert_eq!(property.ty.item, ItemType::Named(b));
        assert_eq!(
            model.span(model.get(b).at).unwrap().source.name,
            "dir/other.xml"
        );
        // Without the referenced document among the inputs.
        let errors = models(&[main]).unwrap_err();
        assert_eq!(codes(Err(errors)), ["reference-not-found"]);
    }
}
