//! `--select` path globs: `/users/{id}/**`, matched against the labels of the graph's
//! members.

/// A parsed `--select` path glob.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathGlob {
    pub text: String,
    segments: Vec<GlobSegment>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum GlobSegment {
    /// `**`
    Any,
    /// `{...}`: a key.
    Key,
    /// A name pattern; `*` matches any run of characters.
    Pattern(String),
}

/// Most segments a glob may have once runs of `**` are one: matching costs the graph's
/// size times this, and no path of a real service is half as deep.
pub const MAX_GLOB_SEGMENTS: usize = 32;

impl PathGlob {
    /// Parses a glob; an empty glob or an empty segment (`a//b`) is an error. A run of
    /// `**` is one `**` (it matches the same), so `/**/**/**` costs what `/**` does;
    /// more than [`MAX_GLOB_SEGMENTS`] segments after that is an error.
    pub fn parse(text: &str) -> Result<PathGlob, String> {
        let trimmed = text.trim().trim_start_matches('/');
        if trimmed.is_empty() {
            return Err(format!(
                "the path glob `{text}` is empty; `/**` selects everything"
            ));
        }
        let mut segments = Vec::new();
        for segment in trimmed.trim_end_matches('/').split('/') {
            let segment = match segment {
                "" => return Err(format!("the path glob `{text}` has an empty segment")),
                "**" => GlobSegment::Any,
                s if s.starts_with('{') && s.ends_with('}') => GlobSegment::Key,
                s => GlobSegment::Pattern(s.to_owned()),
            };
            if segment == GlobSegment::Any && segments.last() == Some(&GlobSegment::Any) {
                continue;
            }
            if segments.len() == MAX_GLOB_SEGMENTS {
                let shown: String = text.chars().take(80).collect();
                let more = if shown.len() < text.len() { "..." } else { "" };
                return Err(format!(
                    "the path glob `{shown}{more}` has more than {MAX_GLOB_SEGMENTS} segments"
                ));
            }
            segments.push(segment);
        }
        Ok(PathGlob {
            text: text.to_owned(),
            segments,
        })
    }

    /// Whether two globs match the same paths by the same segments.
    pub fn same_segments(&self, other: &PathGlob) -> bool {
        self.segments == other.segments
    }

    pub(super) fn start(&self) -> Vec<usize> {
        self.closure(vec![0])
    }

    /// Adds the positions `**` can skip to.
    fn closure(&self, mut positions: Vec<usize>) -> Vec<usize> {
        let mut i = 0;
        while let Some(&p) = positions.get(i) {
            if matches!(self.segments.get(p), Some(GlobSegment::Any))
                && !positions.contains(&(p + 1))
            {
                positions.push(p + 1);
            }
            i += 1;
        }
        positions.sort_unstable();
        positions.dedup();
        positions
    }

    /// The positions after consuming `labels` from any of `positions`.
    pub(super) fn step(&self, positions: &[usize], labels: &[String]) -> Vec<usize> {
        let mut current = self.closure(positions.to_vec());
        for label in labels {
            let mut next = Vec::new();
            for &p in &current {
                match self.segments.get(p) {
                    Some(GlobSegment::Any) => next.push(p),
                    Some(GlobSegment::Key) if label == "{key}" => next.push(p + 1),
                    Some(GlobSegment::Pattern(pattern)) if segment_matches(pattern, label) => {
                        next.push(p + 1)
                    }
                    _ => {}
                }
            }
            current = self.closure(next);
            if current.is_empty() {
                break;
            }
        }
        current
    }

    pub(super) fn accepts(&self, position: usize) -> bool {
        position == self.segments.len()
    }
}

/// Whether a segment pattern matches a label. `*` matches any run of characters; a key
/// label matches only `*`; a qualified name (`ns.name`) also matches by its last part.
fn segment_matches(pattern: &str, label: &str) -> bool {
    if label == "{key}" {
        return pattern == "*";
    }
    let unqualified = label
        .rsplit_once('.')
        .filter(|_| !pattern.contains('.'))
        .map(|(_, name)| name);
    wildcard(pattern.as_bytes(), label.as_bytes())
        || unqualified.is_some_and(|name| wildcard(pattern.as_bytes(), name.as_bytes()))
}

/// `*` matches any run of bytes; everything else matches itself. Linear-time greedy
/// matching with backtracking to the last `*`.
fn wildcard(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(b'*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        assert!(wildcard(b"*", b"anything"));
        assert!(wildcard(b"mobile*", b"mobileApps"));
        assert!(wildcard(b"*Apps", b"mobileApps"));
        assert!(wildcard(b"m*A*s", b"mobileApps"));
        assert!(!wildcard(b"mobile", b"mobileApps"));
        assert!(!wildcard(b"x*", b"mobileApps"));
        assert!(segment_matches(
            "getMemberGroups",
            "microsoft.graph.getMemberGroups"
        ));
        assert!(!segment_matches(
            "other.getMemberGroups",
            "microsoft.graph.getMemberGroups"
        ));
        assert!(segment_matches("*", "{key}"));
        assert!(!segment_matches("id", "{key}"));
    }

    #[test]
    fn globs_step_through_labels() {
        let glob = PathGlob::parse("/users/{id}/**").unwrap();
        let s = glob.step(&glob.start(), &["users".to_owned()]);
        let s = glob.step(&s, &["{key}".to_owned()]);
        assert!(s.iter().any(|&p| glob.accepts(p)));
        let s = glob.step(&s, &["messages".to_owned(), "$count".to_owned()]);
        assert!(s.iter().any(|&p| glob.accepts(p)));
        let other = glob.step(&glob.start(), &["groups".to_owned()]);
        assert!(other.is_empty());
        assert!(PathGlob::parse("").is_err());
        assert!(PathGlob::parse("/a//b").is_err());
        let all = PathGlob::parse("/**").unwrap();
        assert!(all.start().iter().any(|&p| all.accepts(p)));
    }

    #[test]
    fn runs_of_any_are_one_and_segments_are_bounded() {
        let many = format!("/{}", ["**"; 1000].join("/"));
        assert!(
            PathGlob::parse(&many)
                .unwrap()
                .same_segments(&PathGlob::parse("/**").unwrap())
        );
        let runs = PathGlob::parse("/a/**/**/b/**/**").unwrap();
        assert!(runs.same_segments(&PathGlob::parse("a/**/b/**/").unwrap()));
        let deep = format!("/{}", ["a"; MAX_GLOB_SEGMENTS].join("/"));
        assert!(PathGlob::parse(&deep).is_ok());
        let too_deep = format!("/{}", ["a", "**"].repeat(MAX_GLOB_SEGMENTS).join("/"));
        let e = PathGlob::parse(&too_deep).unwrap_err();
        assert!(e.contains("more than 32 segments") && e.len() < 200, "{e}");
    }
}
