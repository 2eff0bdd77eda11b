//! The app crate's layers point one way: the binary (`src/bin`) → `web`
//! (HTTP) → the services (every other top-level module) → the store and
//! core crates. No import cycle between the top-level modules of `src/`,
//! and nothing but the binary imports `web`.
//!
//! A small reader of paths, not a compiler: every `crate::name` (and a
//! `super::` chain that climbs to the crate root) in a file counts as that
//! file's module importing `name`, in `use` lines and inline paths alike.
//! Comments are skipped; a path spelled inside a string literal would
//! count, which errs on the side of reporting.

use std::{
    collections::{BTreeMap, BTreeSet},
    path::{Path, PathBuf},
};

#[test]
fn the_top_level_modules_import_each_other_without_a_cycle() {
    let edges = imports();
    let cycles = cycles(&edges);
    assert!(
        cycles.is_empty(),
        "import cycles between src/'s top-level modules:\n{}",
        cycles
            .iter()
            .map(|cycle| explain(cycle, &edges))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// `web` is the top layer under the binary: nothing else imports it.
#[test]
fn no_service_imports_web() {
    let edges = imports();
    let offenders: Vec<String> = edges
        .iter()
        .filter(|((_, to), _)| to == "web")
        .map(|((from, _), sites)| format!("{from} → web: {}", sites.join(", ")))
        .collect();
    assert!(
        offenders.is_empty(),
        "services import the web layer:\n{}",
        offenders.join("\n")
    );
}

#[test]
fn the_reader_finds_imports_in_use_lines_paths_and_super_chains() {
    let source = "use crate::web::cache;\n// crate::demo in a comment\nfn f() { crate::mail::send(); super::super::live::x(); }\n";
    let found = imported_names(source, &["search".into(), "indexer".into()]);
    assert_eq!(found, ["live", "mail", "web"].map(String::from).into());
    let group = "use crate::{\n    app::App,\n    web::{cache, reader},\n};";
    assert_eq!(
        imported_names(group, &["jobs".into()]),
        ["app", "web"].map(String::from).into()
    );
}

type Edges = BTreeMap<(String, String), Vec<String>>;

/// Which top-level module imports which, with the files that do.
fn imports() -> Edges {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let top_level: BTreeSet<String> = std::fs::read_dir(&src)
        .unwrap()
        .filter_map(|entry| module_path(Path::new(&entry.unwrap().file_name())).pop())
        .collect();
    let mut edges = Edges::new();
    for file in rust_files(&src) {
        let relative = file.strip_prefix(&src).unwrap();
        let module = module_path(relative);
        let Some(top) = module.first().cloned() else {
            continue; // lib.rs
        };
        if top == "bin" {
            continue; // the binary is above everything
        }
        let text = std::fs::read_to_string(&file).unwrap();
        for name in imported_names(&text, &module) {
            if name != top && top_level.contains(&name) {
                edges
                    .entry((top.clone(), name))
                    .or_default()
                    .push(relative.display().to_string());
            }
        }
    }
    edges
}

/// `web/admin/mod.rs` → `[web, admin]`.
fn module_path(relative: &Path) -> Vec<String> {
    let mut parts: Vec<String> = relative
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts
}

/// The top-level modules `source` names, from a file of module `module`.
fn imported_names(source: &str, module: &[String]) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    // Comments dropped; a `use` group may span lines.
    let code: String = source
        .lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n");
    let code = code.as_str();
    {
        for (at, _) in code.match_indices("crate::") {
            // Not `dateline_crate::` or the like.
            let before = code[..at].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            names.extend(first_names(&code[at + "crate::".len()..]));
        }
        for (at, _) in code.match_indices("super::") {
            let before = code[..at].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue; // counted with the chain's first `super::`
            }
            let mut rest = &code[at..];
            let mut depth = 0;
            while let Some(after) = rest.strip_prefix("super::") {
                depth += 1;
                rest = after;
            }
            // A file's module climbs to the crate root after as many
            // `super`s as it is deep.
            if depth == module.len() {
                names.extend(first_names(rest));
            }
        }
    }
    names
}

/// `web::cache` → `web`; `{app::App, web}` → `app`, `web`.
fn first_names(path: &str) -> Vec<String> {
    let ident = |s: &str| {
        s.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect::<String>()
    };
    match path.strip_prefix('{') {
        Some(group) => {
            let mut depth = 0;
            let mut names = Vec::new();
            let mut start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => start = true,
                    c if start && !c.is_whitespace() => {
                        names.push(ident(&group[i..]));
                        start = false;
                    }
                    _ => {}
                }
            }
            names.into_iter().filter(|n| !n.is_empty()).collect()
        }
        None => vec![ident(path)]
            .into_iter()
            .filter(|n| !n.is_empty())
            .collect(),
    }
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// The strongly connected groups of more than one module (Tarjan's).
fn cycles(edges: &Edges) -> Vec<Vec<String>> {
    let mut graph: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (from, to) in edges.keys() {
        graph.entry(from).or_default().push(to);
        graph.entry(to).or_default();
    }
    struct Walk<'a> {
        graph: &'a BTreeMap<&'a str, Vec<&'a str>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        found: Vec<Vec<String>>,
    }
    impl<'a> Walk<'a> {
        fn visit(&mut self, node: &'a str) {
            let n = self.index.len();
            self.index.insert(node, n);
            self.low.insert(node, n);
            self.stack.push(node);
            for &next in &self.graph[node] {
                if !self.index.contains_key(next) {
                    self.visit(next);
                    let low = self.low[node].min(self.low[next]);
                    self.low.insert(node, low);
                } else if self.stack.contains(&next) {
                    let low = self.low[node].min(self.index[next]);
                    self.low.insert(node, low);
                }
            }
            if self.low[node] == self.index[node] {
                let mut group = Vec::new();
                while let Some(top) = self.stack.pop() {
                    group.push(top.to_owned());
                    if top == node {
                        break;
                    }
                }
                if group.len() > 1 {
                    group.sort();
                    self.found.push(group);
                }
            }
        }
    }
    let mut walk = Walk {
        graph: &graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        found: Vec::new(),
    };
    for &node in graph.keys() {
        if !walk.index.contains_key(node) {
            walk.visit(node);
        }
    }
    walk.found
}

/// A cycle's modules and the files behind each import among them.
fn explain(cycle: &[String], edges: &Edges) -> String {
    let mut lines = vec![format!("  {}", cycle.join(", "))];
    for ((from, to), sites) in edges {
        if cycle.contains(from) && cycle.contains(to) {
            lines.push(format!("    {from} → {to}: {}", sites.join(", ")));
        }
    }
    lines.join("\n")
}
