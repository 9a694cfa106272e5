//! Reads src/ as text: its module files, and the crate paths each one names (`use` trees
//! expanded, inline `crate::`/`super::` paths, comments and strings left out).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// A module of the crate: its path from the crate root and its file.
#[derive(Debug, Clone)]
pub struct Module {
    pub path: Vec<String>,
    pub file: PathBuf,
}

/// Every module file under src/ (the binary's main.rs is the command line on top: left out).
pub fn modules(src: &Path) -> Vec<Module> {
    let mut found = Vec::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(src).unwrap();
            let mut parts: Vec<String> = rel
                .iter()
                .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_owned())
                .collect();
            if parts == ["main"] {
                continue;
            }
            if parts == ["lib"] {
                parts.clear();
            } else if parts.last().is_some_and(|p| p == "mod") {
                parts.pop();
            }
            found.push(Module {
                path: parts,
                file: path,
            });
        }
    }
    found.sort_by(|a, b| a.file.cmp(&b.file));
    found
}

/// The code without comments, strings and char literals (they hold no import).
pub fn code_only(text: &str) -> String {
    let bytes: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let next = bytes.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < bytes.len() && bytes[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < bytes.len() {
                if bytes[i] == '/' && bytes.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if bytes[i] == '*' && bytes.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
        } else if c == 'r'
            && (next == Some('"') || next == Some('#'))
            && !ident_char(prev(&bytes, i))
        {
            // A raw string: r"..." or r#"..."#.
            let mut j = i + 1;
            let mut hashes = 0;
            while bytes.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if bytes.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            'raw: while j < bytes.len() {
                if bytes[j] == '"' && (0..hashes).all(|k| bytes.get(j + 1 + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break 'raw;
                }
                j += 1;
            }
            out.push_str("\"\"");
            i = j;
        } else if c == '"' {
            i += 1;
            while i < bytes.len() && bytes[i] != '"' {
                if bytes[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == '\'' && next.is_some() && bytes.get(i + 2) == Some(&'\'') {
            i += 3;
            out.push_str("' '");
        } else if c == '\'' && next == Some('\\') {
            i += 2;
            while i < bytes.len() && bytes[i] != '\'' {
                i += 1;
            }
            i += 1;
            out.push_str("' '");
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn prev(chars: &[char], i: usize) -> char {
    if i == 0 { ' ' } else { chars[i - 1] }
}

fn ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Expands one `use` tree (`a::{b, c::{d as e}}`) into its paths (a renamed import keeps the
/// name it came with; `self` in braces names the module itself).
fn expand(tree: &str) -> Vec<Vec<String>> {
    let mut tokens = Vec::new();
    let mut word = String::new();
    for c in tree.chars() {
        if ident_char(c) {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            tokens.push(std::mem::take(&mut word));
        }
        if matches!(c, '{' | '}' | ',' | '*') {
            tokens.push(c.to_string());
        }
    }
    if !word.is_empty() {
        tokens.push(word);
    }
    // Drop `as name` and globs: they add no file.
    let mut kept = Vec::new();
    let mut iter = tokens.into_iter();
    while let Some(t) = iter.next() {
        if t == "as" {
            iter.next();
        } else if t != "*" {
            kept.push(t);
        }
    }
    let mut out = Vec::new();
    let mut at = 0;
    walk(&kept, &mut at, &mut Vec::new(), &mut out);
    out
}

/// Reads comma-separated trees from `tokens[*at..]` under `prefix`, up to the `}` that closes
/// their list (or the end of the statement).
fn walk(tokens: &[String], at: &mut usize, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    let depth = prefix.len();
    let mut pending = false;
    while let Some(token) = tokens.get(*at) {
        *at += 1;
        match token.as_str() {
            "{" => {
                walk(tokens, at, prefix, out);
                prefix.truncate(depth);
                pending = false;
            }
            "}" => break,
            "," => {
                if pending {
                    out.push(prefix.clone());
                }
                prefix.truncate(depth);
                pending = false;
            }
            "self" => out.push(prefix.clone()),
            name => {
                prefix.push(name.to_owned());
                pending = true;
            }
        }
    }
    if pending {
        out.push(prefix.clone());
    }
    prefix.truncate(depth);
}

/// What one file names of the crate: (`pub use` re-export?, path from the crate root).
pub fn references(module: &Module, code: &str) -> Vec<(bool, Vec<String>)> {
    let mut refs = Vec::new();
    let resolve = |path: Vec<String>| -> Option<Vec<String>> {
        let first = path.first()?.as_str();
        // A file's own module: `mod.rs` stands for its folder, anything else for itself.
        let mut base = module.path.clone();
        match first {
            "crate" => Some(path[1..].to_vec()),
            "super" | "self" => {
                let mut rest = &path[..];
                if rest[0] == "self" {
                    rest = &rest[1..];
                }
                while rest.first().is_some_and(|p| p == "super") {
                    base.pop();
                    rest = &rest[1..];
                }
                base.extend(rest.iter().cloned());
                Some(base)
            }
            _ => None,
        }
    };
    // `use` statements.
    let mut rest = code;
    let mut uses_spans = Vec::new();
    while let Some(at) = find_word(rest, "use") {
        let before = &rest[..at];
        let is_pub = before.trim_end().ends_with("pub") || before.trim_end().ends_with(')');
        let after = &rest[at + 3..];
        let Some(end) = after.find(';') else { break };
        let tree = &after[..end];
        let offset = code.len() - rest.len() + at;
        uses_spans.push((offset, offset + 3 + end));
        for path in expand(tree) {
            if let Some(path) = resolve(path) {
                refs.push((is_pub, path));
            }
        }
        rest = &after[end..];
    }
    // Inline paths: `crate::a::b` and `super::a` outside `use` statements.
    let chars: Vec<(usize, char)> = code.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (pos, c) = chars[i];
        let inside_use = uses_spans.iter().any(|(s, e)| pos >= *s && pos < *e);
        if !inside_use
            && (c == 'c' || c == 's')
            && !ident_char(if i == 0 { ' ' } else { chars[i - 1].1 })
        {
            let tail = &code[pos..];
            if tail.starts_with("crate::") || tail.starts_with("super::") {
                let len = tail
                    .find(|ch: char| !(ident_char(ch) || ch == ':'))
                    .unwrap_or(tail.len());
                let path: Vec<String> = tail[..len]
                    .split("::")
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect();
                if let Some(path) = resolve(path) {
                    refs.push((false, path));
                }
                i += len.max(1);
                continue;
            }
        }
        i += 1;
    }
    refs
}

/// Where `word` stands as a whole word in `text`.
fn find_word(text: &str, word: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(at) = text[from..].find(word) {
        let at = from + at;
        let before = text[..at].chars().next_back().unwrap_or(' ');
        let after = text[at + word.len()..].chars().next().unwrap_or(' ');
        if !ident_char(before) && after.is_whitespace() {
            return Some(at);
        }
        from = at + word.len();
    }
    None
}

#[test]
fn the_reader_sees_the_arrows_it_should() {
    // The parser itself: a nested use tree, a renamed import, an inline path and a comment.
    let module = Module {
        path: vec!["sales".into(), "list".into()],
        file: PathBuf::from("src/sales/list.rs"),
    };
    let code = code_only(
        "use super::{model::{self, Row}, rules as r};\n// use crate::api::x;\nuse crate::kernel::Actor;\nfn f() { crate::web::render(\"crate::x\"); }",
    );
    let found: Vec<Vec<String>> = references(&module, &code)
        .into_iter()
        .map(|(_, p)| p)
        .collect();
    let want: Vec<Vec<String>> = [
        &["sales", "model"][..],
        &["sales", "model", "Row"],
        &["sales", "rules"],
        &["kernel", "Actor"],
        &["web", "render"],
    ]
    .iter()
    .map(|p| p.iter().map(|s| s.to_string()).collect())
    .collect();
    assert_eq!(found, want);
}

/// The calls in `code` that write an audit entry: a path ending in `record` or `record_change`
/// through the audit module (`audit::`, `crate::audit::model::`, or any name a `use` gives the
/// module), and `record`/`record_change` imported from it by name.
pub fn audit_writes(code: &str) -> Vec<String> {
    const WRITERS: [&str; 2] = ["record", "record_change"];
    let mut aliases: BTreeSet<String> = BTreeSet::from(["audit".to_owned()]);
    let mut found = Vec::new();
    // The code with its `use` statements left out, for the calls.
    let mut body = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(at) = find_word(rest, "use") {
        let after = &rest[at + 3..];
        let Some(end) = after.find(';') else { break };
        body.push_str(&rest[..at]);
        let tree = &after[..end];
        if tree.contains("audit") {
            let words: Vec<&str> = tree
                .split(|c: char| !ident_char(c))
                .filter(|w| !w.is_empty())
                .collect();
            for pair in words.windows(2) {
                if pair[0] == "as" {
                    aliases.insert(pair[1].to_owned());
                }
            }
            let named = expand(tree).into_iter().any(|path| {
                path.iter().any(|p| p == "audit")
                    && path.last().is_some_and(|l| WRITERS.contains(&l.as_str()))
            });
            if named {
                found.push(format!("use{}", tree.trim_end()));
            }
        }
        rest = &after[end..];
    }
    body.push_str(rest);
    let chars: Vec<char> = body.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if !ident_char(chars[i]) || (i > 0 && (ident_char(chars[i - 1]) || chars[i - 1] == ':')) {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && (ident_char(chars[i]) || chars[i] == ':') {
            i += 1;
        }
        let path: String = chars[start..i].iter().collect();
        let segments: Vec<&str> = path.split("::").collect();
        let through_audit = segments[..segments.len() - 1]
            .iter()
            .any(|s| aliases.contains(*s));
        if through_audit && segments.last().is_some_and(|l| WRITERS.contains(l)) {
            found.push(path);
        }
    }
    found
}

#[test]
fn the_reader_sees_audit_writes() {
    let code = code_only(
        "use crate::audit::{self, model as log};\nuse crate::audit::record_change;\n\
         fn f() { audit::record(c, a, \"x\", 1, \"y\", None, None)?; log::record_change(c); \
         crate::audit::model::record(c); export::record(row); audit::switch(c); }\n\
         // audit::record(commented)\n",
    );
    assert_eq!(
        audit_writes(&code),
        [
            "use crate::audit::record_change",
            "audit::record",
            "log::record_change",
            "crate::audit::model::record",
        ]
    );
}
