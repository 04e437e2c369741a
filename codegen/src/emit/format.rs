//! Building and formatting the pieces of the output on all cores, and the blank lines
//! prettyplease leaves out.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use proc_macro2::TokenStream;

use super::{EmitTimings, Piece};

/// Builds and formats every piece on as many threads as there are cores; returns the
/// texts in order. Threads take the next piece as they finish one, heaviest first, so
/// none is left with a long tail while the others wait.
pub(super) fn format_all(pieces: &[&Piece<'_>]) -> (Vec<String>, EmitTimings) {
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .clamp(1, 16)
        .min(pieces.len().max(1));
    let mut order: Vec<usize> = (0..pieces.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(pieces[i].weight()));
    let next = AtomicUsize::new(0);
    let run = || {
        let mut timings = EmitTimings::default();
        let mut texts = Vec::new();
        while let Some(&index) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
            let started = Instant::now();
            let tokens = pieces[index].tokens();
            let built = Instant::now();
            texts.push((index, format_tokens(tokens)));
            timings.emit += built - started;
            timings.format += built.elapsed();
        }
        (texts, timings)
    };
    let results: Vec<(Vec<(usize, String)>, EmitTimings)> = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(run)).collect();
        let mut results = vec![run()];
        results.extend(
            helpers
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))),
        );
        results
    });
    let mut timings = EmitTimings {
        threads,
        ..EmitTimings::default()
    };
    let mut texts = vec![String::new(); pieces.len()];
    for (done, time) in results {
        for (index, text) in done {
            texts[index] = text;
        }
        timings.emit += time.emit;
        timings.format += time.format;
    }
    (texts, timings)
}

pub(super) fn format_tokens(items: TokenStream) -> String {
    // The tokens are moved, not cloned: a shared token stream is copied on parsing.
    let text = match syn::parse2::<syn::File>(items) {
        Ok(file) => prettyplease::unparse(&file),
        // Emitted tokens always parse; should they not, the output says why.
        Err(error) => format!("compile_error!({:?});\n", error.to_string()),
    };
    space_items(&text)
}

/// Puts a blank line between items (prettyplease writes them back to back): after the
/// crate docs, and after every block that closes at the top level or one level in. A
/// line that ends inside a string literal (a raw string of an example's body, say) is
/// never followed by one: the literal's contents stay as they are.
fn space_items(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 20);
    let mut literal = LiteralState::Code;
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        out.push_str(line);
        out.push('\n');
        literal = literal.after_line(line);
        let Some(next) = lines.peek() else { break };
        if literal != LiteralState::Code {
            continue;
        }
        let closes_item = line == "}"
            || line == "    }"
            || (line.ends_with(';')
                && !line.starts_with([' ', '/'])
                && (next.starts_with("///") || next.starts_with("#[") || next.starts_with("impl")));
        let ends_inner_docs = line.starts_with("//!") && !next.starts_with("//!");
        let next_opens = !next.trim().is_empty() && !next.trim_start().starts_with('}');
        if (closes_item || ends_inner_docs) && next_opens {
            out.push('\n');
        }
    }
    out
}

/// Where a line of formatted Rust ends: in code, or inside a string literal that goes
/// on to the next line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LiteralState {
    Code,
    /// Inside `"..."`.
    Str,
    /// Inside a raw string closed by `"` and this many `#`.
    Raw(usize),
}

impl LiteralState {
    /// The state at the end of `line`, from this state at its start. Line comments end
    /// at the line's end; a `'` starts a char literal only when one closes right after
    /// (`'"'`, `'\\''`), else it is a lifetime.
    fn after_line(self, line: &str) -> LiteralState {
        let bytes = line.as_bytes();
        let mut state = self;
        let mut i = 0;
        while i < bytes.len() {
            match state {
                LiteralState::Str => match bytes[i] {
                    b'\\' => i += 2,
                    b'"' => {
                        state = LiteralState::Code;
                        i += 1;
                    }
                    _ => i += 1,
                },
                LiteralState::Raw(hashes) => {
                    let closes = bytes[i] == b'"'
                        && bytes.len() > i + hashes
                        && bytes[i + 1..=i + hashes].iter().all(|&b| b == b'#');
                    if closes {
                        state = LiteralState::Code;
                        i += 1 + hashes;
                    } else {
                        i += 1;
                    }
                }
                LiteralState::Code => match bytes[i] {
                    b'/' if bytes.get(i + 1) == Some(&b'/') => break,
                    b'"' => {
                        state = LiteralState::Str;
                        i += 1;
                    }
                    b'r' if !is_ident_byte(i.checked_sub(1).map(|j| bytes[j])) => {
                        let hashes = bytes[i + 1..].iter().take_while(|&&b| b == b'#').count();
                        if bytes.get(i + 1 + hashes) == Some(&b'"') {
                            state = LiteralState::Raw(hashes);
                            i += 2 + hashes;
                        } else {
                            i += 1;
                        }
                    }
                    b'\'' => {
                        let escaped = bytes.get(i + 1) == Some(&b'\\');
                        let rest = &line[i + 1..];
                        let len = rest.chars().next().map_or(0, char::len_utf8);
                        let close = if escaped {
                            rest.get(2..).and_then(|r| r.find('\'')).map(|n| n + 3)
                        } else {
                            (rest[len..].starts_with('\'')).then_some(len + 1)
                        };
                        // `close` is where the closing `'` is, from the opening one.
                        i += close.map_or(1, |n| n + 1);
                    }
                    _ => i += 1,
                },
            }
        }
        state
    }
}

fn is_ident_byte(b: Option<u8>) -> bool {
    b.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    #[test]
    fn items_are_separated_by_blank_lines() {
        let text = format_tokens(quote! {
            pub struct A;
            impl A {
                pub fn f() {}
                pub fn g() {}
            }
            pub struct B;
        });
        assert_eq!(
            text,
            "pub struct A;\n\nimpl A {\n    pub fn f() {}\n    pub fn g() {}\n}\n\npub struct B;\n"
        );
    }

    #[test]
    fn raw_string_contents_are_never_spaced() {
        let body = "{\n  \"value\": [\n    {\n      \"id\": \"t1\"\n    }\n  ]\n}";
        let text = format_tokens(quote! {
            #[test]
            fn example() {
                let a = '"';
                let b = '\'';
                let body = r#"{
  "value": [
    {
      "id": "t1"
    }
  ]
}"#;
                let c = "}";
                assert_eq!(body.len(), c.len() + a.len() + b.len());
            }
            pub struct A;
        });
        assert!(text.contains(&format!("r#\"{body}\"#")), "{text}");
        assert!(text.ends_with("}\n\npub struct A;\n"), "{text}");
        assert_eq!(
            LiteralState::Code.after_line("let s = r##\"a \"# b"),
            LiteralState::Raw(2)
        );
        assert_eq!(
            LiteralState::Raw(2).after_line("c\"## + \"d"),
            LiteralState::Str
        );
        assert_eq!(
            LiteralState::Code.after_line("fn f<'a>(x: &'a str) {} // \"q"),
            LiteralState::Code
        );
        assert_eq!(
            LiteralState::Code.after_line("let c = '\"'; let r = r;"),
            LiteralState::Code
        );
    }

    #[test]
    fn tokens_that_do_not_parse_say_why_in_the_output() {
        let text = format_tokens(quote! { pub struct ; });
        assert!(text.starts_with("compile_error!("), "{text}");
    }

    #[test]
    fn pieces_come_back_in_their_order_whatever_thread_formatted_them() {
        let pieces: Vec<Piece<'_>> = (0..40)
            .map(|i| Piece::ModuleDecls(vec![format!("m{i}")]))
            .collect();
        let refs: Vec<&Piece<'_>> = pieces.iter().collect();
        let (texts, timings) = format_all(&refs);
        assert!(timings.threads >= 1);
        let expected: Vec<String> = (0..40).map(|i| format!("pub mod m{i};\n")).collect();
        assert_eq!(texts, expected);
    }
}
