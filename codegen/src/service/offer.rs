//! Which member of which handle makes a documented request, walking the graph along its
//! path with the access each step gives; or why the graph has none: a Capabilities
//! annotation forbids it there, or the request builders do not cover it.

use super::{Access, HandleMember, Leads, Node, Service, step_members};
use crate::analyse::{Capabilities, CrudKind, RequestKind};
use crate::model::{NavigationDef, Restrictions, TypeId};
use crate::path::{ResolvedPath, Root, Step, Suffix};

/// Why the graph offers no member for a documented request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotOffered {
    /// A Capabilities annotation forbids it where the path leads; the message names it.
    Forbidden(String),
    /// The request builders have no method for it; the message says why.
    NotGenerated(String),
}

/// How the walk reached its current handle: the last step that set its access (casts
/// keep the access of what they view).
#[derive(Clone, Debug)]
enum Arrival {
    Root,
    Edge(Node, HandleMember),
}

/// Which restriction a request needs.
#[derive(Clone, Copy)]
struct Needs {
    /// The term and property, `InsertRestrictions/Insertable`.
    annotation: &'static str,
    allows: fn(&Restrictions) -> bool,
}

const INSERT: Needs = Needs {
    annotation: "InsertRestrictions/Insertable",
    allows: |r| r.insertable,
};
const UPDATE: Needs = Needs {
    annotation: "UpdateRestrictions/Updatable",
    allows: |r| r.updatable,
};
const DELETE: Needs = Needs {
    annotation: "DeleteRestrictions/Deletable",
    allows: |r| r.deletable,
};
const COUNT: Needs = Needs {
    annotation: "CountRestrictions/Countable",
    allows: |r| r.countable,
};
const REFERENCE: Needs = Needs {
    annotation: "NavigationRestrictions/Referenceable",
    allows: |r| r.referenceable,
};
const NAVIGATE: Needs = Needs {
    annotation: "NavigationRestrictions/Navigability",
    allows: |r| r.navigable,
};
const LIST: Needs = Needs {
    annotation: "ReadRestrictions/Readable",
    allows: |r| r.listable,
};
const READ_BY_KEY: Needs = Needs {
    annotation: "ReadRestrictions/ReadByKeyRestrictions/Readable",
    allows: |r| r.readable_by_key,
};
const INDEX: Needs = Needs {
    annotation: "IndexableByKey",
    allows: |r| r.indexable_by_key,
};

impl Service<'_> {
    /// The handle and member that make `kind` on `path`; `None` for an operation
    /// import, a method of the service entry point.
    pub fn request_member(
        &self,
        path: &ResolvedPath,
        kind: RequestKind,
    ) -> Result<Option<(Node, HandleMember)>, NotOffered> {
        let Some((mut node, mut access)) = self.root_target(&path.root) else {
            return Ok(None);
        };
        let mut arrival = Arrival::Root;
        let mut previous: Option<(Node, HandleMember)> = None;
        let members = step_members(&path.steps);
        let last = members.len().saturating_sub(1);
        for (index, (member, steps)) in members.into_iter().enumerate() {
            let Some(member) = member else {
                let text = steps.iter().find_map(|s| match s {
                    Step::ItemPath { text } => Some(text.as_str()),
                    _ => None,
                });
                return Err(NotOffered::NotGenerated(match text {
                    Some(text) => format!(
                        "it addresses a drive item by its path (`:{text}:`), which the request builders do not offer"
                    ),
                    None => "it is a set-based request (`$filter(...)`, `$each`), which the request builders do not offer".to_owned(),
                }));
            };
            let found = self
                .members(&node, access)
                .into_iter()
                .find(|(m, _, _)| *m == member);
            let Some((member, leads, _)) = found else {
                return Err(self.missing_step(&node, &member));
            };
            match leads {
                Leads::Node(next, next_access) => {
                    if !matches!(member, HandleMember::Cast(_)) {
                        arrival = Arrival::Edge(node.clone(), member.clone());
                    }
                    previous = Some((node, member));
                    node = next;
                    access = next_access;
                }
                // A call or a stream is the request itself (a stream's `$value` too).
                Leads::Request if index == last => {
                    return Ok(Some((node, member)));
                }
                Leads::Request => {
                    return Err(NotOffered::NotGenerated(
                        "it goes on after a call or a stream, which the request builders end with"
                            .to_owned(),
                    ));
                }
            }
        }
        let member = match (kind, path.suffix) {
            (_, Some(Suffix::Count)) => HandleMember::Count,
            (_, Some(Suffix::Value)) => HandleMember::Media,
            (_, Some(Suffix::Ref)) => return self.reference_member(node, previous),
            (RequestKind::Crud(crud), None) => match crud {
                CrudKind::List => HandleMember::List,
                CrudKind::Create => HandleMember::Create,
                CrudKind::Get => HandleMember::Get,
                CrudKind::Update => HandleMember::Update,
                CrudKind::Delete => HandleMember::Delete,
            },
            // A composable function's result is addressed further; calling it is the
            // member that led here.
            (RequestKind::Invoke(_), None) => {
                return previous.map(Some).ok_or_else(|| {
                    NotOffered::NotGenerated("it calls nothing the graph offers".to_owned())
                });
            }
            (_, None) => {
                return Err(NotOffered::NotGenerated(format!(
                    "the request builders offer no `{}` request here",
                    kind.name()
                )));
            }
        };
        if self
            .members(&node, access)
            .iter()
            .any(|(m, _, _)| *m == member)
        {
            // The item handle is shared: its `get` may come from a place that allows it.
            if let (HandleMember::Get, Arrival::Edge(collection, HandleMember::Key)) =
                (&member, &arrival)
            {
                let item = self.item_type(collection);
                if let Some(why) = item.and_then(|item| {
                    self.denier(READ_BY_KEY, self.own_restrictions(collection), item)
                }) {
                    return Err(NotOffered::Forbidden(why));
                }
            }
            return Ok(Some((node, member)));
        }
        Err(self.missing_request(&node, &member, &arrival, &path.root))
    }

    /// The `$ref` member: of a collection, or of the entity before a single-valued
    /// navigation, or of the collection an item's key was taken from.
    fn reference_member(
        &self,
        node: Node,
        previous: Option<(Node, HandleMember)>,
    ) -> Result<Option<(Node, HandleMember)>, NotOffered> {
        let (owner, member) = match (&node, previous) {
            (Node::Entity(_), Some((source, HandleMember::Navigate(path)))) => {
                (source, HandleMember::NavRef(path))
            }
            (Node::Entity(_), Some((collection, HandleMember::Key))) => {
                (collection, HandleMember::Refs)
            }
            (Node::Entity(_), _) => {
                return Err(NotOffered::NotGenerated(
                    "its `$ref` follows no navigation property".to_owned(),
                ));
            }
            (collection, _) => (collection.clone(), HandleMember::Refs),
        };
        let all = Access {
            update: true,
            delete: true,
        };
        if self
            .members(&owner, all)
            .iter()
            .any(|(m, _, _)| *m == member)
        {
            return Ok(Some((owner, member)));
        }
        let declared = match (&owner, &member) {
            (Node::Entity(t), HandleMember::NavRef(path)) => {
                self.model.find_navigation_via(*t, path)
            }
            (Node::Nav(t, name), _) => self.model.find_navigation(*t, name),
            _ => None,
        };
        match declared {
            Some((declaring, nav)) if !nav.contains_target => {
                let own = self.navigation_places(declaring, nav);
                match self.denier(REFERENCE, own, nav.target) {
                    Some(why) => Err(NotOffered::Forbidden(why)),
                    None => Err(not_generated(&member)),
                }
            }
            _ => Err(NotOffered::NotGenerated(
                "`$ref` is offered on navigation properties without containment only".to_owned(),
            )),
        }
    }

    /// Why a step of the path is not a member of `node`.
    fn missing_step(&self, node: &Node, member: &HandleMember) -> NotOffered {
        match (node, member) {
            (Node::Entity(t), HandleMember::Navigate(path)) => {
                if let Some((declaring, nav)) = self.model.find_navigation_via(*t, path) {
                    if let Some((_, place)) = self
                        .restricted_navigation_places(declaring, &nav.name)
                        .iter()
                        .find(|(r, _)| !r.navigable)
                    {
                        return NotOffered::Forbidden(format!(
                            "`Capabilities.NavigationRestrictions/RestrictedProperties/Navigability` is `None` on {place}"
                        ));
                    }
                }
                match self.denier(NAVIGATE, Vec::new(), *t) {
                    Some(why) => NotOffered::Forbidden(why),
                    None => not_generated(member),
                }
            }
            (collection, HandleMember::Key) if Service::is_collection(collection) => {
                let item = self.item_type(collection);
                match item
                    .and_then(|item| self.denier(INDEX, self.own_restrictions(collection), item))
                {
                    Some(why) => NotOffered::Forbidden(why),
                    None => not_generated(member),
                }
            }
            (Node::Entity(t), HandleMember::Stream(name))
                if self.model.find_property(*t, name).is_some() =>
            {
                NotOffered::NotGenerated(format!(
                    "`{name}` is a structural property: the request builders read and write it with its entity's `get` and `update`"
                ))
            }
            _ => not_generated(member),
        }
    }

    /// Why the request member is not on `node`, reached by `arrival`.
    fn missing_request(
        &self,
        node: &Node,
        member: &HandleMember,
        arrival: &Arrival,
        root: &Root,
    ) -> NotOffered {
        let Some(item) = self.item_type(node) else {
            return not_generated(member);
        };
        let needs = match member {
            HandleMember::Create if matches!(node, Node::Collection(_)) => {
                return NotOffered::NotGenerated(
                    "a collection reached by a cast or a function takes no `create`; create in the collection it belongs to"
                        .to_owned(),
                );
            }
            HandleMember::Create => INSERT,
            HandleMember::List => LIST,
            HandleMember::Get => READ_BY_KEY,
            HandleMember::Count => COUNT,
            HandleMember::Update => UPDATE,
            HandleMember::Delete => DELETE,
            _ => return not_generated(member),
        };
        if Service::is_collection(node) {
            return match self.denier(needs, self.own_restrictions(node), item) {
                Some(why) => NotOffered::Forbidden(why),
                None => not_generated(member),
            };
        }
        // An entity's update and delete: its type may forbid them, or the step that
        // reached it.
        if let Some(why) = self.denier(needs, Vec::new(), item) {
            return NotOffered::Forbidden(why);
        }
        match arrival {
            Arrival::Root => {
                let singleton = self.model.container.as_ref().and_then(|c| {
                    c.singletons
                        .iter()
                        .find(|s| Root::Singleton(s.name.clone()) == *root)
                });
                match singleton {
                    Some(s) if member == &HandleMember::Delete && !s.nullable => {
                        NotOffered::NotGenerated(format!(
                            "the singleton `{}` is not `Nullable`, so it always exists",
                            s.name
                        ))
                    }
                    Some(s) => {
                        let own = vec![(s.restrictions, format!("singleton `{}`", s.name))];
                        match self.denier(needs, own, s.ty) {
                            Some(why) => NotOffered::Forbidden(why),
                            None => not_generated(member),
                        }
                    }
                    None => not_generated(member),
                }
            }
            Arrival::Edge(collection, HandleMember::Key) => {
                if let Node::Nav(declaring, name) = collection {
                    if self.is_reference_collection(collection) {
                        return changed_where_it_lives(*declaring, name, self);
                    }
                }
                match self.denier(needs, self.own_restrictions(collection), item) {
                    Some(why) => NotOffered::Forbidden(why),
                    None => not_generated(member),
                }
            }
            Arrival::Edge(Node::Entity(source), HandleMember::Navigate(path)) => {
                match self.model.find_navigation_via(*source, path) {
                    Some((declaring, nav)) if nav.contains_target => {
                        let own = self.navigation_places(declaring, nav);
                        match self.denier(needs, own, item) {
                            Some(why) => NotOffered::Forbidden(why),
                            None => not_generated(member),
                        }
                    }
                    Some((declaring, nav)) => changed_where_it_lives(declaring, &nav.name, self),
                    None => not_generated(member),
                }
            }
            Arrival::Edge(_, HandleMember::Call(_)) => NotOffered::NotGenerated(format!(
                "the entities a function returns are read there; `{}` them where they live",
                member_name(member)
            )),
            Arrival::Edge(..) => not_generated(member),
        }
    }

    /// The restrictions a collection handle declares itself, and where.
    fn own_restrictions(&self, node: &Node) -> Vec<(Restrictions, String)> {
        match node {
            Node::Set(name) => self
                .model
                .container
                .iter()
                .flat_map(|c| &c.entity_sets)
                .filter(|s| &s.name == name)
                .map(|s| (s.restrictions, format!("entity set `{name}`")))
                .collect(),
            Node::Nav(declaring, name) => self
                .model
                .find_navigation(*declaring, name)
                .map(|(d, n)| self.navigation_places(d, n))
                .unwrap_or_default(),
            Node::Collection(_) | Node::Entity(_) => Vec::new(),
        }
    }

    /// A navigation property's own restrictions and its `RestrictedProperties`
    /// entries, each with where it is declared.
    fn navigation_places(
        &self,
        declaring: TypeId,
        nav: &NavigationDef,
    ) -> Vec<(Restrictions, String)> {
        let own = format!(
            "navigation property `{}/{}`",
            self.model.get(declaring).qualified_name(),
            nav.name
        );
        std::iter::once((nav.restrictions, own))
            .chain(
                self.restricted_navigation_places(declaring, &nav.name)
                    .iter()
                    .cloned(),
            )
            .collect()
    }

    /// Where the annotation `needs` names is false: on `own` (a set, singleton or
    /// navigation property), else on `item` or one of its base types.
    fn denier(
        &self,
        needs: Needs,
        own: Vec<(Restrictions, String)>,
        item: TypeId,
    ) -> Option<String> {
        let place = match own.into_iter().find(|(r, _)| !(needs.allows)(r)) {
            Some((_, place)) => place,
            None => {
                let declaring = self.model.ancestry(item).find(|&t| {
                    self.model
                        .structured(t)
                        .is_some_and(|s| !(needs.allows)(&s.restrictions))
                })?;
                format!(
                    "entity type `{}`",
                    self.model.get(declaring).qualified_name()
                )
            }
        };
        let value = if needs.annotation.ends_with("Navigability") {
            "`None`"
        } else {
            "false"
        };
        Some(format!(
            "`Capabilities.{}` is {value} on {place}",
            needs.annotation
        ))
    }
}

impl Capabilities for Service<'_> {
    fn forbids(&self, path: &ResolvedPath, kind: RequestKind) -> Option<String> {
        match self.request_member(path, kind) {
            Err(NotOffered::Forbidden(why)) => Some(why),
            _ => None,
        }
    }
}

fn member_name(member: &HandleMember) -> &'static str {
    match member {
        HandleMember::Update => "update",
        HandleMember::Delete => "delete",
        _ => "change",
    }
}

fn changed_where_it_lives(declaring: TypeId, name: &str, service: &Service<'_>) -> NotOffered {
    NotOffered::NotGenerated(format!(
        "`{}/{name}` is a navigation property without containment: its entities are read there and changed where they live",
        service.model.get(declaring).qualified_name()
    ))
}

fn not_generated(member: &HandleMember) -> NotOffered {
    let what = match member {
        HandleMember::Navigate(path) => format!("the navigation `{}`", path.join("/")),
        HandleMember::Key => "a key".to_owned(),
        HandleMember::Cast(_) => "that cast".to_owned(),
        HandleMember::Call(_) => "that operation".to_owned(),
        HandleMember::Stream(name) => format!("the stream `{name}`"),
        HandleMember::List => "`list`".to_owned(),
        HandleMember::Create => "`create`".to_owned(),
        HandleMember::Count => "`$count`".to_owned(),
        HandleMember::Get => "`get`".to_owned(),
        HandleMember::Update => "`update`".to_owned(),
        HandleMember::Delete => "`delete`".to_owned(),
        HandleMember::Refs | HandleMember::NavRef(_) => "`$ref`".to_owned(),
        HandleMember::Media => "`$value`".to_owned(),
    };
    NotOffered::NotGenerated(format!("the request builders offer no {what} here"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Source;
    use crate::model::{Model, test_model};
    use crate::read::page::HttpMethod;

    /// Clubs contain members, which contain badges and point at a country, also from
    /// their home address; the annotations forbid a request of each kind somewhere.
    fn model() -> Model {
        test_model(
            r#"Namespace="c" Alias="self""#,
            r#"<EntityType Name="member"><Key><PropertyRef Name="id"/></Key>
                 <Property Name="id" Type="Edm.String" Nullable="false"/>
                 <Property Name="name" Type="Edm.String"/>
                 <NavigationProperty Name="badges" Type="Collection(c.badge)" ContainsTarget="true"/>
                 <Property Name="home" Type="c.address"/>
                 <NavigationProperty Name="country" Type="c.country"/></EntityType>
               <ComplexType Name="address">
                 <NavigationProperty Name="country" Type="c.country"/></ComplexType>
               <EntityType Name="badge"><Key><PropertyRef Name="id"/></Key>
                 <Property Name="id" Type="Edm.String" Nullable="false"/></EntityType>
               <EntityType Name="country"><Key><PropertyRef Name="code"/></Key>
                 <Property Name="code" Type="Edm.String" Nullable="false"/></EntityType>
               <EntityContainer Name="svc">
                 <EntitySet Name="members" EntityType="c.member">
                   <Annotation Term="Org.OData.Capabilities.V1.InsertRestrictions"><Record><PropertyValue Property="Insertable" Bool="false"/></Record></Annotation>
                   <Annotation Term="Org.OData.Capabilities.V1.ReadRestrictions"><Record><PropertyValue Property="ReadByKeyRestrictions"><Record><PropertyValue Property="Readable" Bool="false"/></Record></PropertyValue></Record></Annotation>
                   <Annotation Term="Org.OData.Capabilities.V1.NavigationRestrictions"><Record><PropertyValue Property="RestrictedProperties"><Collection>
                     <Record><PropertyValue Property="NavigationProperty" NavigationPropertyPath="badges"/>
                       <PropertyValue Property="DeleteRestrictions"><Record><PropertyValue Property="Deletable" Bool="false"/></Record></PropertyValue></Record>
                   </Collection></PropertyValue></Record></Annotation>
                 </EntitySet>
                 <EntitySet Name="countries" EntityType="c.country">
                   <Annotation Term="Org.OData.Capabilities.V1.ReadRestrictions"><Record><PropertyValue Property="Readable" Bool="false"/></Record></Annotation>
                   <Annotation Term="Org.OData.Capabilities.V1.IndexableByKey" Bool="false"/>
                 </EntitySet>
                 <Singleton Name="me" Type="c.member">
                   <Annotation Term="Org.OData.Capabilities.V1.UpdateRestrictions"><Record><PropertyValue Property="Updatable" Bool="false"/></Record></Annotation>
                 </Singleton>
                 <Singleton Name="guest" Type="c.member" Nullable="true"/>
               </EntityContainer>"#,
        )
    }

    fn offered(
        model: &Model,
        method: HttpMethod,
        written: &str,
    ) -> Result<Option<(Node, HandleMember)>, NotOffered> {
        let source = Source::new("p.md", written);
        let (path, _) =
            crate::path::resolve_path(model, written, &source.span(1, 1)).expect("it resolves");
        let (kind, _) = crate::analyse::classify(model, method, &path).expect("OData defines it");
        Service::new(model).request_member(&path, kind)
    }

    fn forbidden(model: &Model, method: HttpMethod, written: &str) -> String {
        match offered(model, method, written) {
            Err(NotOffered::Forbidden(why)) => why,
            other => panic!("{method} {written}: {other:?}"),
        }
    }

    #[test]
    fn each_restriction_forbids_its_request_where_the_path_leads_and_names_itself() {
        let model = model();
        use HttpMethod::*;
        assert_eq!(
            forbidden(&model, Post, "/members"),
            "`Capabilities.InsertRestrictions/Insertable` is false on entity set `members`"
        );
        assert_eq!(
            forbidden(&model, Get, "/members/{id}"),
            "`Capabilities.ReadRestrictions/ReadByKeyRestrictions/Readable` is false on entity set `members`"
        );
        assert_eq!(
            forbidden(&model, Patch, "/me"),
            "`Capabilities.UpdateRestrictions/Updatable` is false on singleton `me`"
        );
        assert_eq!(
            forbidden(&model, Delete, "/me/badges/{id}"),
            "`Capabilities.DeleteRestrictions/Deletable` is false on entity set `members` (its `RestrictedProperties` entry for `badges`)"
        );
        assert_eq!(
            forbidden(&model, Get, "/countries"),
            "`Capabilities.ReadRestrictions/Readable` is false on entity set `countries`"
        );
        assert_eq!(
            forbidden(&model, Get, "/countries/{code}"),
            "`Capabilities.IndexableByKey` is false on entity set `countries`"
        );
        // Where nothing forbids them, the same requests are members of a handle.
        let member = model.lookup("c.member").unwrap();
        assert_eq!(
            offered(&model, Get, "/me"),
            Ok(Some((Node::Entity(member), HandleMember::Get)))
        );
        assert_eq!(
            offered(&model, Patch, "/members/{id}"),
            Ok(Some((Node::Entity(member), HandleMember::Update)))
        );
        assert_eq!(
            offered(&model, Delete, "/guest"),
            Ok(Some((Node::Entity(member), HandleMember::Delete)))
        );
        assert_eq!(
            offered(&model, Post, "/me/badges"),
            Ok(Some((
                Node::Nav(member, "badges".to_owned()),
                HandleMember::Create
            )))
        );
    }

    #[test]
    fn what_the_builders_do_not_cover_is_not_generated_with_a_reason() {
        let model = model();
        let not_generated = |method, written| match offered(&model, method, written) {
            Err(NotOffered::NotGenerated(why)) => why,
            other => panic!("{written}: {other:?}"),
        };
        assert!(
            not_generated(HttpMethod::Patch, "/me/country")
                .contains("`c.member/country` is a navigation property without containment"),
        );
        assert!(
            not_generated(HttpMethod::Get, "/me/name").contains("`name` is a structural property")
        );
        assert!(
            not_generated(HttpMethod::Patch, "/me/home/country")
                .contains("`c.address/country` is a navigation property without containment"),
        );
    }

    #[test]
    fn a_navigation_through_a_complex_property_is_one_member() {
        let model = model();
        let country = model.lookup("c.country").unwrap();
        let member = model.lookup("c.member").unwrap();
        let home_country = vec!["home".to_owned(), "country".to_owned()];
        assert_eq!(
            offered(&model, HttpMethod::Get, "/members/{id}/home/country"),
            Ok(Some((Node::Entity(country), HandleMember::Get)))
        );
        assert_eq!(
            offered(&model, HttpMethod::Get, "/me/home/country/$ref"),
            Ok(Some((
                Node::Entity(member),
                HandleMember::NavRef(home_country)
            )))
        );
    }
}
