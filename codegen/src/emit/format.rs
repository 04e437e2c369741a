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
/// crate docs, and after every block that closes at the top level or one level in.
fn space_items(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 20);
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        out.push_str(line);
        out.push('\n');
        let Some(next) = lines.peek() else { break };
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
