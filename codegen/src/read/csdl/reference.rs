//! Where a document's `edmx:Reference`s lead. The readers open no file: the callers (the
//! command line, build.rs's `Config`) read the files [`documents_to_read`] lists, and the
//! model finds each referenced document among its inputs by the name [`locate`] gives.
//! Nothing is ever fetched: a reference to the standard vocabularies is known by name
//! and never read, and any other reference that is not a local file is an error.

use std::path::{Component, Path, PathBuf};

use super::{Csdl, Reference};
use crate::diag::{Span, is_url};

/// The standard OData vocabularies (OASIS's), whose terms the generator knows by name.
const STANDARD_VOCABULARIES: &[&str] = &[
    "Org.OData.Aggregation.V1",
    "Org.OData.Authorization.V1",
    "Org.OData.Capabilities.V1",
    "Org.OData.Core.V1",
    "Org.OData.JSON.V1",
    "Org.OData.Measures.V1",
    "Org.OData.Repeatability.V1",
    "Org.OData.Temporal.V1",
    "Org.OData.Validation.V1",
];

pub fn is_standard_vocabulary(namespace: &str) -> bool {
    STANDARD_VOCABULARIES.contains(&namespace)
}

/// Where a reference leads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// A local file, by its [`document_name`].
    File(String),
    /// The standard vocabularies only: never read, whatever the URI.
    Vocabularies,
    /// Anything else: a URL, or a relative URI in a document that was fetched.
    NotLocal,
}

/// Where `reference`, written in the document named `referencing`, leads: a relative URI
/// is read from the referencing file's directory; an absolute path and a `file:` URL
/// name their file. No reference of a fetched document (named by its URL) is local.
pub fn locate(referencing: &str, reference: &Reference<'_>) -> Location {
    if !reference.includes.is_empty()
        && reference
            .includes
            .iter()
            .all(|i| is_standard_vocabulary(&i.namespace))
    {
        return Location::Vocabularies;
    }
    // A fetched document names nothing on this machine, by relative path or not.
    if is_url(referencing) {
        return Location::NotLocal;
    }
    let uri = reference.uri.split('#').next().unwrap_or_default();
    let path = match uri.strip_prefix("file:") {
        Some(rest) => match file_url_path(rest) {
            Some(path) => path,
            None => return Location::NotLocal,
        },
        None if has_scheme(uri) => return Location::NotLocal,
        None => percent_decoded(uri),
    };
    let path = Path::new(&path);
    if path.is_absolute() {
        return Location::File(document_name(path));
    }
    let directory = Path::new(referencing).parent().unwrap_or(Path::new(""));
    Location::File(document_name(&directory.join(path)))
}

/// The name a document read from `path` is known by: the path with `.` and `..` resolved
/// lexically, so that two spellings of one file name one document.
pub fn document_name(path: &Path) -> String {
    let mut normal = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(normal.components().next_back(), Some(Component::Normal(_))) =>
            {
                normal.pop();
            }
            other => normal.push(other),
        }
    }
    normal.display().to_string()
}

/// A file to read for a reference: its path, the URI as written, and the position of
/// its `edmx:Reference`.
#[derive(Clone, Debug)]
pub struct ToRead {
    pub path: String,
    pub uri: String,
    pub at: Span,
}

/// The local files the references of `csdl` name, in document order.
pub fn documents_to_read(csdl: &Csdl<'_>) -> Vec<ToRead> {
    csdl.references
        .iter()
        .filter_map(|r| match locate(&csdl.source.name, r) {
            Location::File(path) => Some(ToRead {
                path,
                uri: r.uri.as_ref().to_owned(),
                at: csdl.span(r.at),
            }),
            Location::Vocabularies | Location::NotLocal => None,
        })
        .collect()
}

/// The path of a `file:` URL after its `file:`: `///p`, `//localhost/p` or `/p`; `None`
/// for a file on another host.
fn file_url_path(rest: &str) -> Option<String> {
    let path = match rest.strip_prefix("//") {
        Some(authority_and_path) => {
            let (host, path) = authority_and_path.split_at(authority_and_path.find('/')?);
            if !host.is_empty() && !host.eq_ignore_ascii_case("localhost") {
                return None;
            }
            path
        }
        None => rest,
    };
    let path = percent_decoded(path);
    // `file:///C:/dir` names `C:/dir`.
    let drive = path.len() > 2 && path.as_bytes()[2] == b':' && path.starts_with('/');
    Some(if drive { path[1..].to_owned() } else { path })
}

/// Whether `uri` starts with a URI scheme (`http:`, `urn:`); a single letter is a
/// Windows drive, not a scheme.
fn has_scheme(uri: &str) -> bool {
    let Some((scheme, _)) = uri.split_once(':') else {
        return false;
    };
    scheme.len() > 1
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// `%20` and the like decoded; the text as written where they do not decode to UTF-8.
fn percent_decoded(text: &str) -> String {
    if !text.contains('%') {
        return text.to_owned();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| text.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::csdl::Include;

    fn reference(uri: &str, namespaces: &[&str]) -> Reference<'static> {
        Reference {
            uri: uri.to_owned().into(),
            includes: namespaces
                .iter()
                .map(|n| Include {
                    namespace: (*n).to_owned().into(),
                    alias: None,
                    at: 0,
                })
                .collect(),
            at: 0,
        }
    }

    fn file(path: &str) -> Location {
        Location::File(path.to_owned())
    }

    #[test]
    fn relative_uris_are_read_beside_the_referencing_file() {
        let products = reference("./Products.xml", &["Sample.Products"]);
        assert_eq!(locate("dir/main.xml", &products), file("dir/Products.xml"));
        assert_eq!(locate("main.xml", &products), file("Products.xml"));
        let up = reference("../shared/./a%20b.xml#x", &["A"]);
        assert_eq!(locate("dir/sub/main.xml", &up), file("dir/shared/a b.xml"));
        assert_eq!(locate("main.xml", &up), file("../shared/a b.xml"));
    }

    #[test]
    fn absolute_paths_and_file_urls_name_their_file() {
        let absolute = reference("/srv/metadata/a.xml", &["A"]);
        assert_eq!(
            locate("dir/main.xml", &absolute),
            file("/srv/metadata/a.xml")
        );
        for uri in [
            "file:///srv/a.xml",
            "file://localhost/srv/a.xml",
            "file:/srv/a.xml",
        ] {
            assert_eq!(
                locate("dir/main.xml", &reference(uri, &["A"])),
                file("/srv/a.xml"),
                "{uri}"
            );
        }
        assert_eq!(
            locate("main.xml", &reference("file://server/a.xml", &["A"])),
            Location::NotLocal
        );
    }

    #[test]
    fn nothing_is_fetched() {
        let core =
            "https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Core.V1.xml";
        let vocabularies = reference(core, &["Org.OData.Core.V1", "Org.OData.Capabilities.V1"]);
        assert_eq!(locate("main.xml", &vocabularies), Location::Vocabularies);
        // Known by name wherever the URI points.
        let local_core = reference("./Core.xml", &["Org.OData.Core.V1"]);
        assert_eq!(locate("main.xml", &local_core), Location::Vocabularies);
        let other = reference(
            "https://example.com/Other.xml",
            &["Org.OData.Core.V1", "Other"],
        );
        assert_eq!(locate("main.xml", &other), Location::NotLocal);
        assert_eq!(
            locate("main.xml", &reference("urn:x:y", &["A"])),
            Location::NotLocal
        );
        // A fetched document's references would be fetched too, relative or not.
        for uri in [
            "./Products.xml",
            "/srv/Products.xml",
            "file:///srv/Products.xml",
        ] {
            let products = reference(uri, &["Sample.Products"]);
            assert_eq!(
                locate("https://example.com/svc/$metadata", &products),
                Location::NotLocal,
                "{uri}"
            );
        }
    }
}
