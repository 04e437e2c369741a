//! Doc comments from reference pages: what a page says of an operation, as the lines of
//! the generated method's rustdoc.

use crate::analyse::PageDoc;

/// The doc-comment lines of a page: title, description, success status, permissions
/// (a placeholder shown as "not documented", never copied) and the page it came from.
pub fn page_lines(page: &PageDoc) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(title) = &page.title {
        lines.push(format!("**{title}**"));
    }
    if let Some(description) = &page.description {
        lines.push(String::new());
        lines.push(description.clone());
    }
    if let Some(status) = page.status {
        lines.push(String::new());
        lines.push(success_line(status));
    }
    if !page.permissions.is_empty() {
        lines.push(String::new());
        lines.push("Permissions:".to_owned());
        for permission in &page.permissions {
            let value = permission.value.as_deref().unwrap_or("not documented");
            lines.push(format!("- {}: {value}", permission.permission_type));
        }
    }
    lines.push(String::new());
    lines.push(format!("Documented in `{}`.", page.file));
    lines
}

/// `Succeeds with `201 Created`.`
pub fn success_line(status: u16) -> String {
    format!("Succeeds with `{status} {}`.", reason_phrase(status))
}

fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyse::Permission;

    #[test]
    fn a_page_gives_title_description_status_permissions_and_origin() {
        let page = PageDoc {
            status: Some(201),
            title: Some("Create userStatus".to_owned()),
            description: Some("Create a new object.".to_owned()),
            permissions: vec![
                Permission {
                    permission_type: "Application".to_owned(),
                    scope: None,
                    value: Some("Dir.Read.All".to_owned()),
                },
                Permission {
                    permission_type: "Delegated".to_owned(),
                    scope: None,
                    value: None,
                },
            ],
            file: "create.md".to_owned(),
        };
        assert_eq!(
            page_lines(&page),
            [
                "**Create userStatus**",
                "",
                "Create a new object.",
                "",
                "Succeeds with `201 Created`.",
                "",
                "Permissions:",
                "- Application: Dir.Read.All",
                "- Delegated: not documented",
                "",
                "Documented in `create.md`.",
            ]
        );
    }

    #[test]
    fn an_unknown_status_has_no_reason_phrase() {
        assert_eq!(success_line(299), "Succeeds with `299 `.");
    }
}
