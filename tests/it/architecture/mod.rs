//! The layering of ../shared/DESIGN.md ("Arrows point one way"), read from the code: every
//! `use crate::...`, `use super::...` and inline `crate::...` path of src/ becomes an arrow
//! between two files, and the rules below fail the suite, naming the file, when an arrow runs the
//! wrong way, a circle of files appears, a routes file is used from outside its area's mount
//! point, or a file other than a model writes an audit entry. The pure rules live in
//! crates/patron-rules, whose Cargo.toml may name no web or database crate (checked here too):
//! the rest of their purity the compiler keeps by itself.

mod reader;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use reader::{Module, audit_writes, code_only, modules, references};

/// The modules of the crate from the bottom up. A module may use modules of a lower floor and
/// of its own floor listed before it; within one floor the order is the one the code needs (see
/// README's Layout). `web`, `state` and `ops` are one floor whose modules may use each other (no
/// circle of files all the same).
const FLOORS: &[&[&str]] = &[
    &["config"],
    &["kernel", "db"],
    &["web", "state", "ops"],
    &["audit", "imports"],
    &["users", "catalog", "trees", "stores", "customers"],
    &["sales"],
    &["loyalty", "offers", "coupons", "gift_cards", "referrals"],
    &["reports", "segments"],
    &["home", "api", "seed", "app"],
];

/// Floors whose modules may use each other both ways (their files still form no circle).
const ONE_ROOM: &[&[&str]] = &[&["web", "state", "ops"]];

/// The crate's files and the arrows between them, re-exports followed to where a name is made.
struct Graph {
    files: Vec<Module>,
    arrows: BTreeMap<usize, BTreeSet<usize>>,
}

fn graph() -> Graph {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let files = modules(&src);
    let by_path: BTreeMap<Vec<String>, usize> = files
        .iter()
        .enumerate()
        .map(|(i, m)| (m.path.clone(), i))
        .collect();
    let codes: Vec<String> = files
        .iter()
        .map(|m| code_only(&std::fs::read_to_string(&m.file).unwrap()))
        .collect();
    let refs: Vec<Vec<(bool, Vec<String>)>> = files
        .iter()
        .zip(&codes)
        .map(|(m, code)| references(m, code))
        .collect();
    // Names a module re-exports (`pub use inner::Name`): module -> name -> the path it stands for.
    let mut reexports: BTreeMap<usize, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    for (i, refs) in refs.iter().enumerate() {
        for (public, path) in refs {
            if *public && let Some(name) = path.last() {
                reexports
                    .entry(i)
                    .or_default()
                    .insert(name.clone(), path.clone());
            }
        }
    }
    let target = |path: &[String]| -> Option<usize> {
        let mut path = path.to_vec();
        for _ in 0..8 {
            let (len, file) = (0..=path.len())
                .rev()
                .find_map(|n| by_path.get(&path[..n]).map(|f| (n, *f)))?;
            match path
                .get(len)
                .and_then(|name| reexports.get(&file)?.get(name))
            {
                Some(again) if again.len() > 1 && again != &path[..again.len().min(path.len())] => {
                    path = again.clone();
                }
                _ => return Some(file),
            }
        }
        None
    };
    let mut arrows: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
    for (i, refs) in refs.iter().enumerate() {
        for (_, path) in refs {
            if let Some(to) = target(path)
                && to != i
            {
                arrows.entry(i).or_default().insert(to);
            }
        }
    }
    Graph { files, arrows }
}

fn rank(module: &str) -> Option<(usize, usize)> {
    FLOORS.iter().enumerate().find_map(|(floor, names)| {
        names
            .iter()
            .position(|n| *n == module)
            .map(|at| (floor, at))
    })
}

fn same_room(a: &str, b: &str) -> bool {
    ONE_ROOM
        .iter()
        .any(|room| room.contains(&a) && room.contains(&b))
}

fn shown(graph: &Graph, i: usize) -> String {
    let file = &graph.files[i].file;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    file.strip_prefix(root)
        .unwrap_or(file)
        .display()
        .to_string()
}

/// A file of an area's page handlers (web/'s till route table is plumbing, not handlers).
fn is_routes(module: &Module) -> bool {
    let name = module.file.file_name().unwrap().to_string_lossy();
    module.path.first().is_none_or(|top| top != "web")
        && (name == "routes.rs" || name.ends_with("_routes.rs"))
}

#[test]
fn every_module_has_a_floor() {
    let graph = graph();
    let unplaced: BTreeSet<String> = graph
        .files
        .iter()
        .filter_map(|m| m.path.first())
        .filter(|top| rank(top).is_none())
        .cloned()
        .collect();
    assert!(
        unplaced.is_empty(),
        "modules with no floor in tests/it/architecture.rs: {unplaced:?}"
    );
}

#[test]
fn arrows_point_down_the_floors() {
    let graph = graph();
    let mut wrong = Vec::new();
    for (from, tos) in &graph.arrows {
        let Some(a) = graph.files[*from].path.first() else {
            continue;
        };
        for to in tos {
            let Some(b) = graph.files[*to].path.first() else {
                continue;
            };
            if a == b || same_room(a, b) {
                continue;
            }
            let (Some(ra), Some(rb)) = (rank(a), rank(b)) else {
                continue;
            };
            if rb >= ra {
                wrong.push(format!(
                    "{} -> {}",
                    shown(&graph, *from),
                    shown(&graph, *to)
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "arrows that run up or sideways (DESIGN.md: between areas, upward only; web, db and kernel import no area):\n  {}",
        wrong.join("\n  ")
    );
}

#[test]
fn only_mount_points_use_a_routes_file() {
    let graph = graph();
    let mut wrong = Vec::new();
    for (from, tos) in &graph.arrows {
        let file = &graph.files[*from];
        // The app and an area's mod.rs mount pages; the till API's table mounts endpoints.
        let mounts = file.path.is_empty()
            || file.path == ["app"]
            || file.path == ["api", "routes"]
            || file.file.file_name().is_some_and(|n| n == "mod.rs");
        for to in tos {
            if is_routes(&graph.files[*to]) && !mounts {
                wrong.push(format!(
                    "{} -> {}",
                    shown(&graph, *from),
                    shown(&graph, *to)
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "routes files are glue: what others need of one belongs in a model or helper file:\n  {}",
        wrong.join("\n  ")
    );
}

#[test]
fn no_circle_of_files() {
    let graph = graph();
    let circles = strongly_connected(&graph);
    let shown: Vec<String> = circles
        .iter()
        .map(|c| {
            c.iter()
                .map(|i| shown(&graph, *i))
                .collect::<Vec<_>>()
                .join(" <-> ")
        })
        .collect();
    assert!(
        shown.is_empty(),
        "files that import each other, directly or round a circle:\n  {}",
        shown.join("\n  ")
    );
}

/// Tarjan's algorithm: the groups of two or more files that reach each other.
fn strongly_connected(graph: &Graph) -> Vec<Vec<usize>> {
    struct State<'a> {
        graph: &'a Graph,
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on_stack: Vec<bool>,
        stack: Vec<usize>,
        next: usize,
        found: Vec<Vec<usize>>,
    }
    fn visit(s: &mut State<'_>, v: usize) {
        s.index[v] = Some(s.next);
        s.low[v] = s.next;
        s.next += 1;
        s.stack.push(v);
        s.on_stack[v] = true;
        let tos: Vec<usize> = s
            .graph
            .arrows
            .get(&v)
            .into_iter()
            .flatten()
            .copied()
            .collect();
        for w in tos {
            match s.index[w] {
                None => {
                    visit(s, w);
                    s.low[v] = s.low[v].min(s.low[w]);
                }
                Some(iw) if s.on_stack[w] => s.low[v] = s.low[v].min(iw),
                Some(_) => {}
            }
        }
        if Some(s.low[v]) == s.index[v] {
            let mut group = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack[w] = false;
                group.push(w);
                if w == v {
                    break;
                }
            }
            if group.len() > 1 {
                group.sort_unstable();
                s.found.push(group);
            }
        }
    }
    let n = graph.files.len();
    let mut s = State {
        graph,
        index: vec![None; n],
        low: vec![0; n],
        on_stack: vec![false; n],
        stack: Vec::new(),
        next: 0,
        found: Vec::new(),
    };
    for v in 0..n {
        if s.index[v].is_none() {
            visit(&mut s, v);
        }
    }
    s.found
}

#[test]
fn the_rules_crate_names_no_web_or_database_crate() {
    // Purity is the compiler's only while these stay out of the pure crate's manifest.
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/patron-rules/Cargo.toml");
    let text = std::fs::read_to_string(manifest).unwrap();
    let named: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| line.split(['=', ' ', '.']).next())
        .collect();
    let banned = [
        "diesel",
        "diesel_migrations",
        "actix-web",
        "actix-http",
        "actix-session",
        "askama",
        "askama_web",
        "utoipa",
    ];
    let found: Vec<&&str> = banned.iter().filter(|b| named.contains(b)).collect();
    assert!(
        found.is_empty(),
        "crates/patron-rules must stay pure, yet its Cargo.toml names {found:?}"
    );
}

/// A model file: `model.rs`, or any file under a `model/` folder.
fn is_model(module: &Module) -> bool {
    module.path.iter().any(|part| part == "model")
}

#[test]
fn only_models_write_audit_entries() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut wrong = Vec::new();
    for module in modules(&src) {
        let top = module.path.first().map(String::as_str);
        // The audit module is where entries are written.
        if top == Some("audit") || is_model(&module) {
            continue;
        }
        let code = code_only(&std::fs::read_to_string(&module.file).unwrap());
        for call in audit_writes(&code) {
            wrong.push(format!("{}: {call}", module.file.display()));
        }
    }
    assert!(
        wrong.is_empty(),
        "audit entries are written by models, in the same transaction as the change \
         (DESIGN.md: model.rs is the only place that writes its tables; audit rows are written \
         there): call a model function that records it instead of\n  {}",
        wrong.join("\n  ")
    );
}
