//! The planner: takes the model, its service graph and the analysed pages; gives the
//! [`ir::Crate`]. Runs in a fixed order: select the part of the service graph to
//! generate (the documented endpoints, path globs, or everything); decide which Cargo
//! feature compiles what; compute the closure of model types the selected requests read
//! or write; assign Rust names; write doc comments; turn examples into tests.

mod docs;
mod features;
pub mod names;
pub mod options;
mod requests;
mod types;

use std::collections::BTreeMap;

use crate::analyse::{DocumentedExample, PageAnalysis, PageDoc, RequestKind};
use crate::diag::Diagnostic;
use crate::ir::{self, CrudKind};
use crate::model::{ItemType, Model, OperationId, TypeRef};
use crate::path::{ResolvedPath, Root, Step};
use crate::service::{
    Access, HandleMember, Leads, Node, NotOffered, PathGlob, Selection, Service, step_members,
};
use names::Scope;

use features::Features;
use requests::HandleNames;
use types::TypeNames;

/// What to generate.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum SelectionMode {
    /// The endpoints the doc pages document (and what their examples call).
    #[default]
    Documented,
    /// Every type of the schema and everything the entity container exposes.
    All,
    /// What path globs select.
    Globs(Vec<PathGlob>),
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PlanOptions {
    /// Package name of the generated crate; derived from the container's namespace if unset.
    pub package: Option<String>,
    /// Version of the generated crate; `0.1.0` if unset.
    pub crate_version: Option<String>,
    /// Default service root; taken from the pages' absolute example URLs if unset.
    pub service_root: Option<String>,
    pub select: SelectionMode,
    /// Give every entity set, singleton and operation import a Cargo feature.
    pub root_features: bool,
    /// Levels of diagnostic codes the user changed (`--deny`, `--warn`, `--allow`).
    pub levels: crate::diag::Levels,
    /// How keys are written; as the service declares if unset.
    pub key_syntax: Option<ir::KeySyntax>,
}

struct Planner<'a> {
    model: &'a Model,
    service: &'a Service<'a>,
    diags: Vec<Diagnostic>,
    selection: Selection,
    /// Doc text pages contribute to requests, by the handle that carries them.
    docs: BTreeMap<(Node, CrudKind), Vec<PageDoc>>,
    /// Doc text pages contribute to bound operations and operation imports.
    operation_docs: BTreeMap<OperationId, Vec<PageDoc>>,
    service_roots: BTreeMap<String, usize>,
    key_syntax: ir::KeySyntax,
}

/// The key syntax the service declares: segments where its container says
/// `Capabilities.KeyAsSegmentSupported`, and for Microsoft Graph, whose metadata does
/// not say so but whose documentation and every SDK address keys as segments;
/// parentheses, which every OData service reads, otherwise.
fn declared_key_syntax(model: &Model) -> ir::KeySyntax {
    match &model.container {
        Some(c) if c.key_as_segment || c.namespace == GRAPH_NAMESPACE => ir::KeySyntax::Segment,
        _ => ir::KeySyntax::Parentheses,
    }
}

/// Microsoft Graph's schema namespace.
const GRAPH_NAMESPACE: &str = "microsoft.graph";

/// Plans the crate from the model, its service graph and the analysed pages;
/// `diagnostics` are the pages' analysis', which the planner's join.
pub fn plan<'a>(
    model: &'a Model,
    service: &'a Service<'a>,
    analyses: Vec<PageAnalysis<'a>>,
    diagnostics: Vec<Diagnostic>,
    options: &PlanOptions,
) -> Result<(ir::Crate, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut p = Planner {
        model,
        service,
        diags: diagnostics,
        selection: Selection::default(),
        docs: BTreeMap::new(),
        operation_docs: BTreeMap::new(),
        service_roots: BTreeMap::new(),
        key_syntax: options
            .key_syntax
            .unwrap_or_else(|| declared_key_syntax(model)),
    };
    let mut examples = Vec::new();
    let documented = options.select == SelectionMode::Documented;
    for analysis in analyses {
        for operation in &analysis.operations {
            let offered = p.service.request_member(&operation.path, operation.kind);
            if documented {
                p.selection.select_path(p.service, &operation.path);
                if let Ok(Some((node, member))) = &offered {
                    p.selection.select_member(node, member.clone());
                }
            }
            // The analysis reported what the Capabilities annotations forbid.
            if let Err(NotOffered::NotGenerated(why)) = offered {
                p.diags.push(Diagnostic::warning(
                    "not-generated",
                    operation.span.clone(),
                    format!(
                        "the crate has no method for `{} {}`: {why}",
                        operation.method, operation.target
                    ),
                ));
            }
            let pages = match operation.kind {
                RequestKind::Invoke(id) => p.operation_docs.entry(id).or_default(),
                RequestKind::Crud(kind) => match p.operation_node(&operation.path, kind) {
                    Some((node, _)) => p.docs.entry((node, kind)).or_default(),
                    None => continue,
                },
                _ => continue,
            };
            // A page documents an operation once, however many request lines it gives.
            if !pages.iter().any(|d| d.file == analysis.doc.file) {
                pages.push(analysis.doc.clone());
            }
        }
        for example in &analysis.examples {
            if let Some(root) = &example.path.service_root {
                *p.service_roots.entry(root.clone()).or_default() += 1;
            }
            if documented {
                p.selection.select_path(p.service, &example.path);
            }
        }
        examples.extend(analysis.examples);
    }
    match &options.select {
        SelectionMode::Documented => {}
        SelectionMode::All => p.selection.select_all(p.service),
        SelectionMode::Globs(globs) => {
            for glob in globs {
                let before = p.selection.clone();
                p.selection
                    .select_globs(p.service, std::slice::from_ref(glob));
                if p.selection == before && !selects_anything(p.service, glob) {
                    p.diags.push(Diagnostic::warning(
                        "nothing-selected",
                        None,
                        format!(
                            "the path glob `{}` matches nothing `{}` exposes",
                            glob.text,
                            model
                                .container
                                .as_ref()
                                .map_or("the service", |c| c.name.as_str())
                        ),
                    ));
                }
            }
        }
    }
    options.levels.apply(&mut p.diags);
    if p.diags.iter().any(Diagnostic::is_error) {
        crate::diag::sort(&mut p.diags);
        return Err(p.diags);
    }
    let service_root = options.service_root.clone().or_else(|| {
        // The root most examples use; ties go to the first in sorted order.
        let max = p.service_roots.values().copied().max()?;
        p.service_roots
            .iter()
            .find(|(_, n)| **n == max)
            .map(|(r, _)| r.clone())
    });
    let krate = p.build(options, service_root, &examples);
    crate::diag::sort(&mut p.diags);
    Ok((krate, p.diags))
}

/// Whether a glob selects something on its own (a glob may add nothing new because an
/// earlier one selected the same).
fn selects_anything(service: &Service<'_>, glob: &PathGlob) -> bool {
    let mut alone = Selection::default();
    alone.select_globs(service, std::slice::from_ref(glob));
    alone != Selection::default()
}

impl<'a> Planner<'a> {
    /// The handle a resolved path ends at, following the graph; `None` if it leaves it.
    fn path_node(&self, path: &ResolvedPath) -> Option<(Node, Access)> {
        let (root, steps) = path.endpoint();
        let mut current = self.service.root_target(root)?;
        for (member, _) in step_members(steps) {
            let member = member?;
            let (_, leads, _) = self
                .service
                .members(&current.0, current.1)
                .into_iter()
                .find(|(m, _, _)| *m == member)?;
            match leads {
                Leads::Node(node, access) => current = (node, access),
                Leads::Request => return None,
            }
        }
        Some(current)
    }

    /// The handle that carries a documented request of `kind` on `path`, with what may
    /// be done to its entity there.
    fn operation_node(&self, path: &ResolvedPath, kind: CrudKind) -> Option<(Node, Access)> {
        if path.suffix.is_some() {
            return None;
        }
        let (node, access) = self.path_node(path)?;
        match kind {
            CrudKind::Get | CrudKind::Update | CrudKind::Delete
                if Service::is_collection(&node) =>
            {
                let item = Node::Entity(self.service.item_type(&node)?);
                // The item as the collection's key reaches it.
                let keyed = self.service.members(&node, access).into_iter().find_map(
                    |(member, leads, _)| match (member, leads) {
                        (HandleMember::Key, Leads::Node(keyed, item_access)) if keyed == item => {
                            Some(item_access)
                        }
                        _ => None,
                    },
                );
                Some((item, keyed.unwrap_or_default()))
            }
            _ => Some((node, access)),
        }
    }

    fn build(
        &mut self,
        options: &PlanOptions,
        service_root: Option<String>,
        examples: &[DocumentedExample<'_>],
    ) -> ir::Crate {
        let model = self.model;
        let all_types = options.select == SelectionMode::All;
        let features = Features::compute(
            self.service,
            &self.selection,
            options.root_features,
            all_types,
        );
        let types = TypeNames::assign(model, &features.type_closure, &features.unions);
        // The model types and the request builders are planned side by side: they only
        // share what is read-only by now.
        let (modules, (requests, handle_names)) = std::thread::scope(|scope| {
            let modules = scope.spawn(|| types::modules(model, &types, &features));
            let requests = requests::plan_requests(self, &types, &features);
            let modules = modules
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (modules, requests)
        });
        let examples = self.examples(examples, &types, &handle_names);
        let package = options.package.clone().unwrap_or_else(|| {
            model
                .container
                .as_ref()
                .map(|c| options::package_from_namespace(&c.namespace))
                .unwrap_or_else(|| "odata-client".to_owned())
        });
        ir::Crate {
            package,
            version: options
                .crate_version
                .clone()
                .unwrap_or_else(|| "0.1.0".to_owned()),
            service_root,
            batch: model.container.as_ref().is_some_and(|c| c.batch_supported),
            features: features.cargo_features(),
            modules,
            requests,
            examples,
        }
    }

    fn examples(
        &mut self,
        planned: &[DocumentedExample<'_>],
        types: &TypeNames,
        names: &HandleNames,
    ) -> Vec<ir::ExampleTest> {
        let mut scope = Scope::new();
        let mut tests = Vec::new();
        for example in planned {
            match self.example_test(example, types, names, &mut scope) {
                Ok(test) => tests.push(test),
                Err(reason) => self.diags.push(Diagnostic::warning(
                    "example-not-testable",
                    example.request_span.clone(),
                    format!("this example does not become a generated test: {reason}"),
                )),
            }
        }
        tests
    }

    fn example_test(
        &mut self,
        example: &DocumentedExample<'_>,
        types: &TypeNames,
        names: &HandleNames,
        scope: &mut Scope,
    ) -> Result<ir::ExampleTest, String> {
        let path = &example.path;
        let url = example.request.line.target.value.trim();
        let service_root = path
            .service_root
            .clone()
            .ok_or("its URL is relative, so the service root is unknown")?;
        if url.contains(['?', '#']) {
            return Err("its URL has a query, which the test does not reproduce".to_owned());
        }
        if path.suffix.is_some() {
            return Err(
                "it ends in `$ref`, `$count` or `$value`, which the test does not reproduce"
                    .to_owned(),
            );
        }
        if !example.body_ok {
            return Err(
                "its request body does not match the schema (see the warnings above)".to_owned(),
            );
        }
        // The page reader tolerates trailing commas and comments; the generated test
        // parses with serde_json, which does not.
        if example
            .request
            .body
            .as_ref()
            .is_some_and(|b| !is_strict_json(&b.text.value))
        {
            return Err(
                "its request body is not strict JSON (a trailing comma or a comment)".to_owned(),
            );
        }
        let mut chain = vec![ir::ChainCall::Method(
            names
                .accessors
                .get(&path.root)
                .cloned()
                .ok_or("its root is not generated")?,
        )];
        let (mut node, mut access) = match (self.service.root_target(&path.root), &path.root) {
            (Some(target), _) => target,
            // Generated, but a call: it leads to a request, not to a handle.
            (None, Root::OperationImport(name)) => {
                return Err(format!(
                    "it calls the operation import `{name}`, which the test does not reproduce"
                ));
            }
            (None, _) => return Err("its root leads to no request handle".to_owned()),
        };
        let mut expected_url = format!("{service_root}/");
        expected_url.push_str(Service::root_name(&path.root));
        for (member, steps) in step_members(&path.steps) {
            let member = member.ok_or(
                "it addresses a drive item by path or is set-based (`$filter(...)`, `$each`)",
            )?;
            let method = names
                .methods
                .get(&(node.clone(), member.clone()))
                .cloned()
                .ok_or("it passes a segment the request builders do not offer")?;
            match (&member, steps) {
                (HandleMember::Key, [Step::Key { text }]) => {
                    let value = key_value(text).ok_or_else(|| {
                        format!("its key `{text}` is not a plain identifier or quoted string")
                    })?;
                    chain.push(ir::ChainCall::Key {
                        method,
                        values: vec![value.clone()],
                    });
                    expected_url.push('/');
                    expected_url.push_str(&value);
                }
                (HandleMember::Navigate(wire), _) => {
                    chain.push(ir::ChainCall::Method(method));
                    for part in wire {
                        expected_url.push('/');
                        expected_url.push_str(part);
                    }
                }
                (HandleMember::Cast(target), _) => {
                    chain.push(ir::ChainCall::Method(method));
                    expected_url.push('/');
                    expected_url.push_str(&self.model.get(*target).qualified_name());
                }
                _ => {
                    return Err(
                        "it calls an operation or reads a property, which the test does not reproduce"
                            .to_owned(),
                    );
                }
            }
            let (_, leads, _) = self
                .service
                .members(&node, access)
                .into_iter()
                .find(|(m, _, _)| *m == member)
                .ok_or("it leaves the service graph")?;
            match leads {
                Leads::Node(next, next_access) => {
                    node = next;
                    access = next_access;
                }
                Leads::Request => return Err("it ends in a request".to_owned()),
            }
        }
        let kind = example
            .crud()
            .ok_or("the generated tests cover reads and writes of entities only")?;
        let item = path
            .target
            .entity_type()
            .ok_or("it does not address entities")?;
        let written = example.request.line.method.value.as_str();
        if written != kind.http_method() {
            return Err(format!(
                "the page sends {written}, the generated `{}` sends {}",
                kind.method_name(),
                kind.http_method()
            ));
        }
        let (operation_node, operation_access) =
            self.operation_node(path, kind).ok_or("no operation")?;
        let member = match kind {
            CrudKind::List => HandleMember::List,
            CrudKind::Create => HandleMember::Create,
            CrudKind::Get => HandleMember::Get,
            CrudKind::Update => HandleMember::Update,
            CrudKind::Delete => HandleMember::Delete,
        };
        // The handle may not offer the request (the schema forbids it there, or on the
        // path the example takes), or may offer it under another name (a navigation
        // property took `get`, say).
        let allowed_on_path = self
            .service
            .members(&operation_node, operation_access)
            .iter()
            .any(|(m, _, _)| *m == member);
        if !allowed_on_path
            || names
                .methods
                .get(&(operation_node.clone(), member))
                .map(String::as_str)
                != Some(kind.method_name())
        {
            return Err(format!(
                "its request handle offers no `{}` (the schema does not allow it there)",
                kind.method_name()
            ));
        }
        let status = requests::success_status(self, &operation_node, kind);
        let response = match example.response {
            Some((response, true)) if response.status.value == status => {
                let body = response.body.as_ref().map(|b| b.text.value.clone());
                match kind {
                    // Updates and deletes read no body, whatever the example shows.
                    CrudKind::Update | CrudKind::Delete => Some(ir::ExampleResponse {
                        status: response.status.value,
                        body: None,
                    }),
                    // A read or create whose example shows no body, or one serde_json
                    // cannot read, has nothing to compare.
                    _ if !body.as_deref().is_some_and(is_strict_json) => None,
                    _ => Some(ir::ExampleResponse {
                        status: response.status.value,
                        body,
                    }),
                }
            }
            Some((response, true)) => {
                self.diags.push(Diagnostic::warning(
                    "status-mismatch",
                    response.status.span.clone(),
                    format!(
                        "the example response has status {}, but the operation succeeds with {status}",
                        response.status.value
                    ),
                ));
                None
            }
            _ => None,
        };
        let base = example
            .name
            .as_deref()
            .unwrap_or_else(|| example.page.source.file_name().trim_end_matches(".md"));
        let name = scope.claim(names::value_name_joined(&["example", base]));
        Ok(ir::ExampleTest {
            name,
            origin: format!(
                "{}:{}",
                example.page.source.file_name(),
                example.request_span.line()
            ),
            chain,
            operation: kind,
            model: types.rust_type(TypeRef {
                item: ItemType::Named(item),
                collection: false,
            }),
            service_root,
            method: example.request.line.method.value.as_str().to_owned(),
            url: expected_url,
            request_body: example.request.body.as_ref().map(|b| b.text.value.clone()),
            response,
        })
    }
}

fn is_strict_json(text: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(text).is_ok()
}

/// `{placeholderId}` -> `placeholderId`, `'a''b'` -> `a'b`, `abc` -> `abc`, as long as
/// the value needs no percent-encoding in a URL (so the page's URL is the expected one).
fn key_value(text: &str) -> Option<String> {
    let value = if let Some(inner) = text.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
        inner.to_owned()
    } else if let Some(inner) = text.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')) {
        inner.replace("''", "'")
    } else {
        text.to_owned()
    };
    let plain = !value.is_empty()
        && value != "."
        && value != ".."
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
    plain.then_some(value)
}

/// Roots in the order the service entry point lists them.
fn root_order(service: &Service<'_>, selection: &Selection) -> Vec<Root> {
    service
        .roots()
        .into_iter()
        .filter(|r| selection.roots.contains(r))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_values_of_examples() {
        assert_eq!(
            key_value("{iosLobAppProvisioningConfigurationId}").as_deref(),
            Some("iosLobAppProvisioningConfigurationId")
        );
        assert_eq!(key_value("'abc'").as_deref(), Some("abc"));
        assert_eq!(key_value("f983dfcd-dfcd").as_deref(), Some("f983dfcd-dfcd"));
        assert_eq!(key_value("{id | userPrincipalName}"), None);
        assert_eq!(key_value("'..'"), None);
    }
}
