//! OData system query options.

use std::fmt::Write as _;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Characters left as they are in a query name or value: RFC 3986 "unreserved"
/// plus the OData punctuation that is safe in a query component and keeps URLs
/// readable. `&`, `=`, `+`, `#`, `%`, `?`, `;`, space, quotes other than `'`,
/// controls and all non-ASCII are encoded.
const QUERY: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b',')
    .remove(b'(')
    .remove(b')')
    .remove(b'\'')
    .remove(b':')
    .remove(b'/')
    .remove(b'$')
    .remove(b'@');

/// OData system query options (`$select`, `$filter`, …) plus any custom ones,
/// encoded correctly into a query string.
///
/// Builder methods take and return `self`; list options (`select`, `expand`,
/// `orderby`) add to what is already there.
///
/// ```
/// use odata_codegen_runtime::QueryOptions;
///
/// let query = QueryOptions::default()
///     .select(["id", "displayName"])
///     .filter("startswith(displayName,'A&B')")
///     .top(5);
/// assert_eq!(
///     query.to_query_string(),
///     "$select=id,displayName&$filter=startswith(displayName,'A%26B')&$top=5"
/// );
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QueryOptions {
    select: Vec<String>,
    expand: Vec<String>,
    filter: Option<String>,
    orderby: Vec<String>,
    search: Option<String>,
    top: Option<u64>,
    skip: Option<u64>,
    count: bool,
    custom: Vec<(String, String)>,
}

impl QueryOptions {
    /// Adds properties to `$select`.
    #[must_use]
    pub fn select(mut self, properties: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.select.extend(properties.into_iter().map(Into::into));
        self
    }

    /// Adds navigation properties (with nested options if wanted, e.g.
    /// `members($select=id)`) to `$expand`.
    #[must_use]
    pub fn expand(mut self, properties: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.expand.extend(properties.into_iter().map(Into::into));
        self
    }

    /// Sets `$filter` to an OData expression.
    #[must_use]
    pub fn filter(mut self, expression: impl Into<String>) -> Self {
        self.filter = Some(expression.into());
        self
    }

    /// Adds sort keys (`displayName desc`) to `$orderby`.
    #[must_use]
    pub fn orderby(mut self, keys: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.orderby.extend(keys.into_iter().map(Into::into));
        self
    }

    /// Sets `$top`, the page size or item limit.
    #[must_use]
    pub fn top(mut self, top: u64) -> Self {
        self.top = Some(top);
        self
    }

    /// Sets `$skip`.
    #[must_use]
    pub fn skip(mut self, skip: u64) -> Self {
        self.skip = Some(skip);
        self
    }

    /// Asks for the total count (`$count=true`) with the results.
    #[must_use]
    pub fn count(mut self, count: bool) -> Self {
        self.count = count;
        self
    }

    /// Sets `$search`, passed as given: Graph wants the quotes written by the
    /// caller, e.g. `"displayName:team"` including the double quotes.
    #[must_use]
    pub fn search(mut self, search: impl Into<String>) -> Self {
        self.search = Some(search.into());
        self
    }

    /// Adds any other query option (`$skiptoken`, `$format`, a parameter alias
    /// `@p1`, a service-specific name), written after the system options.
    #[must_use]
    pub fn custom(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.custom.push((name.into(), value.into()));
        self
    }

    /// Whether the service must be asked for eventual consistency: Graph answers
    /// `$count` and `$search` on directory objects only with the
    /// `ConsistencyLevel: eventual` header.
    pub fn needs_eventual_consistency(&self) -> bool {
        self.count || self.search.is_some()
    }

    /// Whether no option is set.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// The query string without the leading `?`, e.g. `$select=a,b&$top=5`.
    pub fn to_query_string(&self) -> String {
        let mut query = String::new();
        let mut push = |name: &str, value: &str| {
            if !query.is_empty() {
                query.push('&');
            }
            // Writing to a String cannot fail.
            let _ = write!(
                query,
                "{}={}",
                utf8_percent_encode(name, QUERY),
                utf8_percent_encode(value, QUERY)
            );
        };
        if !self.select.is_empty() {
            push("$select", &self.select.join(","));
        }
        if !self.expand.is_empty() {
            push("$expand", &self.expand.join(","));
        }
        if let Some(filter) = &self.filter {
            push("$filter", filter);
        }
        if !self.orderby.is_empty() {
            push("$orderby", &self.orderby.join(","));
        }
        if let Some(search) = &self.search {
            push("$search", search);
        }
        if let Some(top) = self.top {
            push("$top", &top.to_string());
        }
        if let Some(skip) = self.skip {
            push("$skip", &skip.to_string());
        }
        if self.count {
            push("$count", "true");
        }
        for (name, value) in &self.custom {
            push(name, value);
        }
        query
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_option_is_encoded() {
        let query = QueryOptions::default()
            .select(["id", "displayName"])
            .select(["mail"])
            .expand(["members($select=id;$top=5)"])
            .filter("name eq 'a b&c=d+e#f%g?h' and x eq 'é'")
            .orderby(["displayName desc", "id"])
            .search("\"displayName:tea m\"")
            .top(5)
            .skip(10)
            .count(true)
            .custom("$skiptoken", "X'Y&Z")
            .custom("@p1", "'a/b'");
        assert_eq!(
            query.to_query_string(),
            "$select=id,displayName,mail\
             &$expand=members($select%3Did%3B$top%3D5)\
             &$filter=name%20eq%20'a%20b%26c%3Dd%2Be%23f%25g%3Fh'%20and%20x%20eq%20'%C3%A9'\
             &$orderby=displayName%20desc,id\
             &$search=%22displayName:tea%20m%22\
             &$top=5&$skip=10&$count=true\
             &$skiptoken=X'Y%26Z&@p1='a/b'"
        );
        assert!(query.needs_eventual_consistency());
        assert!(!query.is_empty());
    }

    #[test]
    fn empty_and_consistency() {
        let empty = QueryOptions::default();
        assert!(empty.is_empty());
        assert_eq!(empty.to_query_string(), "");
        assert!(!empty.needs_eventual_consistency());
        assert!(!QueryOptions::default().top(1).needs_eventual_consistency());
        assert!(
            QueryOptions::default()
                .search("x")
                .needs_eventual_consistency()
        );
        assert!(
            !QueryOptions::default()
                .count(false)
                .needs_eventual_consistency()
        );
        assert_eq!(QueryOptions::default().count(false).to_query_string(), "");
        assert_eq!(
            QueryOptions::default().custom("a b", "").to_query_string(),
            "a%20b="
        );
    }

    #[test]
    fn encoded_values_decode_back() {
        let value = "a&b=c+d #e%f?g 'h' \"i\" ü 🎉 \n";
        let text = QueryOptions::default().filter(value).to_query_string();
        let encoded = text.strip_prefix("$filter=").unwrap();
        assert!(!encoded.contains(['&', '=', '+', '#', ' ', '?', '"', '\n']));
        let decoded = percent_encoding::percent_decode_str(encoded)
            .decode_utf8()
            .unwrap();
        assert_eq!(decoded, value);
    }
}
