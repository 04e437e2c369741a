//! The metadata and the documents it references, as one set for the builder: which
//! schemas it takes, the names each document may use, and what is wrong with the
//! references themselves.

use rustc_hash::FxHashMap as HashMap;
use std::path::Path;

use crate::diag::{Diagnostic, Span};
use crate::read::csdl::reference::{Location, document_name, is_standard_vocabulary, locate};
use crate::read::csdl::{Csdl, Schema};

/// The error for a type named from a namespace of a reference that is not a local
/// file: at the use, with the reference in a note.
pub(super) fn not_local(
    span: Span,
    written: &str,
    namespace: &str,
    (uri, reference): &(&str, Span),
    metadata: &str,
) -> Diagnostic {
    let advice = if crate::diag::is_url(metadata) {
        "save the metadata and the documents it references as files, and reference them by relative paths".to_owned()
    } else {
        format!(
            "save it beside `{}` and reference it by a relative path",
            crate::diag::file_name(metadata)
        )
    };
    Diagnostic::error(
        "reference-not-local",
        span,
        format!(
            "`{written}` is of namespace `{namespace}`, which reference `{uri}` includes; that is not a local file, and odata-codegen does not fetch referenced documents: {advice}"
        ),
    )
    .with_note(format!("the reference is at {reference}"))
}

/// What the builder reads of the documents.
pub(super) struct Documents<'a> {
    /// Every schema with its document's index, in document order; a schema of a namespace
    /// an earlier document declares is left out (and is an error).
    pub schemas: Vec<(u32, &'a Schema<'a>)>,
    /// Per document: alias or namespace -> namespace, of its own schemas and of the
    /// namespaces its references include. An alias holds in its document only.
    pub namespaces: Vec<HashMap<&'a str, &'a str>>,
    /// Namespaces included by references that are not local files (SAP's and other
    /// vocabularies by URL, another service's `$metadata`), which are never fetched:
    /// namespace -> the reference's URI and position. Their annotation terms are
    /// ignored like any unknown term; a type named from one is an error at its use.
    pub unfetched: HashMap<&'a str, (&'a str, Span)>,
    pub errors: Vec<Diagnostic>,
}

/// The set of `documents`, the metadata first.
pub(super) fn documents<'a>(documents: &'a [Csdl<'a>]) -> Documents<'a> {
    let mut errors = Vec::new();
    let mut schemas = Vec::with_capacity(documents.iter().map(|d| d.schemas.len()).sum());
    // Namespace -> the document that declares it first, and where.
    let mut declared: HashMap<&str, (u32, usize)> = HashMap::default();
    for (index, document) in (0u32..).zip(documents) {
        for schema in &document.schemas {
            match declared.get(schema.namespace.as_ref()) {
                Some(&(first, at)) if first != index => {
                    errors.push(
                        Diagnostic::error(
                            "duplicate-name",
                            document.span(schema.at),
                            format!(
                                "namespace `{}` is declared by two documents",
                                schema.namespace
                            ),
                        )
                        .with_note(format!(
                            "first declared at {}",
                            documents[first as usize].span(at)
                        )),
                    );
                    continue;
                }
                Some(_) => {}
                None => {
                    declared.insert(&schema.namespace, (index, schema.at));
                }
            }
            schemas.push((index, schema));
        }
    }
    let namespaces = documents.iter().map(names_of).collect();
    let names: Vec<String> = documents
        .iter()
        .map(|d| document_name(Path::new(&d.source.name)))
        .collect();
    let mut unfetched = HashMap::default();
    for document in documents {
        check_references(document, documents, &names, &mut unfetched, &mut errors);
    }
    Documents {
        schemas,
        namespaces,
        unfetched,
        errors,
    }
}

/// The names a document may use: its schemas' namespaces and aliases, and those its
/// references include.
fn names_of<'a>(document: &'a Csdl<'a>) -> HashMap<&'a str, &'a str> {
    let mut namespaces = HashMap::default();
    for include in document.references.iter().flat_map(|r| &r.includes) {
        namespaces.insert(include.namespace.as_ref(), include.namespace.as_ref());
        if let Some(alias) = &include.alias {
            namespaces.insert(alias.as_ref(), include.namespace.as_ref());
        }
    }
    for schema in &document.schemas {
        namespaces.insert(schema.namespace.as_ref(), schema.namespace.as_ref());
        if let Some(alias) = &schema.alias {
            namespaces.insert(alias.as_ref(), schema.namespace.as_ref());
        }
    }
    namespaces
}

/// Each reference of `document` leads to one of `documents` (named `names`), which
/// declares every namespace the reference includes.
fn check_references<'a>(
    document: &'a Csdl<'a>,
    documents: &[Csdl<'_>],
    names: &[String],
    unfetched: &mut HashMap<&'a str, (&'a str, Span)>,
    errors: &mut Vec<Diagnostic>,
) {
    let name = &document.source.name;
    for reference in &document.references {
        let path = match locate(name, reference) {
            Location::Vocabularies => continue,
            Location::File(path) => path,
            Location::NotLocal => {
                for include in &reference.includes {
                    unfetched
                        .entry(include.namespace.as_ref())
                        .or_insert((reference.uri.as_ref(), document.span(reference.at)));
                }
                continue;
            }
        };
        let Some(referenced) = names.iter().position(|n| *n == path) else {
            errors.push(Diagnostic::error(
                "reference-not-found",
                document.span(reference.at),
                format!(
                    "reference `{}` names `{path}`, which is not among the inputs: read the documents a metadata file references with it (the command line and Config do)",
                    reference.uri
                ),
            ));
            continue;
        };
        let referenced = &documents[referenced];
        for include in &reference.includes {
            let namespace = include.namespace.as_ref();
            if is_standard_vocabulary(namespace)
                || referenced.schemas.iter().any(|s| s.namespace == namespace)
            {
                continue;
            }
            errors.push(Diagnostic::error(
                "include-not-declared",
                document.span(include.at),
                format!(
                    "`{path}` declares no namespace `{namespace}`, which this reference includes"
                ),
            ));
        }
    }
}
