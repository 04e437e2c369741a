//! Reading the documents a metadata file's `edmx:Reference`s name, for the command line
//! and build.rs's `Config` alike: [`crate::generate`] is pure and reads only its
//! [`Inputs`](crate::Inputs), so its callers read these files beside the metadata.
//! Nothing is fetched; which references name a local file is the reader's to say
//! (`read::csdl::reference`).

use std::collections::{HashSet, VecDeque};
use std::path::Path;

use crate::diag::Diagnostic;
use crate::read::csdl::reference::{ToRead, document_name, documents_to_read};
use crate::read::{Input, MAX_METADATA_BYTES, decode_metadata};

/// Most documents read for one metadata file, itself included.
pub const MAX_DOCUMENTS: usize = 1_000;

/// The documents read for a metadata file.
#[derive(Debug, Default)]
pub struct References {
    /// Each referenced document, directly or through another one, once, in the order
    /// they were found; named by their paths.
    pub documents: Vec<Input>,
    /// Every path read or tried, for a build script's `rerun-if-changed`.
    pub paths: Vec<String>,
    /// A file that cannot be read, and more documents than [`MAX_DOCUMENTS`]: each an
    /// error at the `edmx:Reference` that names it.
    pub errors: Vec<Diagnostic>,
}

/// Reads every local document `metadata` references, and the ones those reference, each
/// once (a cycle is read once round), every file at most [`MAX_METADATA_BYTES`] as the
/// metadata. A document that does not read as CSDL is kept, and its references not
/// followed: `generate` reports what is wrong with it.
pub fn load_references(metadata: &Input) -> References {
    let mut loaded = References::default();
    let mut seen: HashSet<String> = HashSet::from([document_name(Path::new(&metadata.name))]);
    let mut pending: VecDeque<ToRead> = references_of(metadata).into();
    while let Some(next) = pending.pop_front() {
        if !seen.insert(next.path.clone()) {
            continue;
        }
        if seen.len() > MAX_DOCUMENTS {
            loaded.errors.push(Diagnostic::error(
                "too-many-documents",
                next.at,
                format!(
                    "reference `{}` would read a document past the {MAX_DOCUMENTS} that one metadata file and the documents it references may have in all",
                    next.uri
                ),
            ));
            break;
        }
        loaded.paths.push(next.path.clone());
        match Input::read_file(Path::new(&next.path), MAX_METADATA_BYTES) {
            Ok(input) => {
                pending.extend(references_of(&input));
                loaded.documents.push(input);
            }
            Err(e) => loaded.errors.push(Diagnostic::error(
                "reference-not-found",
                next.at,
                format!(
                    "cannot read `{}`, which reference `{}` names: {e}",
                    next.path, next.uri
                ),
            )),
        }
    }
    loaded
}

/// The local files a document's references name; none for one that does not read.
fn references_of(input: &Input) -> Vec<ToRead> {
    // A document that never says `Reference` has none: it is not read twice.
    if memchr::memmem::find(&input.bytes, b"Reference").is_none() {
        return Vec::new();
    }
    let Ok(source) = decode_metadata(input) else {
        return Vec::new();
    };
    match crate::read_document(&source) {
        Ok(csdl) => documents_to_read(&csdl),
        Err(_) => Vec::new(),
    }
}
