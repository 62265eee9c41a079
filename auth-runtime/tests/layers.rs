#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]
//! The runtime's layout as a checked rule: folders are layers that import only from the
//! layers below them, no two files import each other (directly or in a circle), each folder
//! says what it owns, and no file is over 400 lines outside its tests.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The layers, bottom to top (as declared in `lib.rs`).
const LAYERS: &[&str] = &[
    "secret",
    "error",
    "config",
    "spec",
    "auth",
    "store",
    "transport",
    "call",
    "interceptors",
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `src`, as a module path (`call/pipeline.rs` → `call::pipeline`).
fn files() -> BTreeMap<String, String> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut paths = Vec::new();
    walk(&src(), &mut paths);
    paths
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(src()).unwrap().with_extension("");
            let mut parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if parts.last().is_some_and(|l| l == "mod") {
                parts.pop();
            }
            (parts.join("::"), fs::read_to_string(&p).unwrap())
        })
        .collect()
}

/// The code of a file before its first `#[cfg(test)]` module (attributes may stand
/// between the two lines).
fn non_test(text: &str) -> &str {
    for (i, _) in text.match_indices("\n#[cfg(test)]\n") {
        let after = text[i + 1..].lines().skip(1).find(|l| !l.starts_with("#["));
        if after.is_some_and(|l| l.starts_with("mod ")) {
            return &text[..i + 1];
        }
    }
    text
}

/// The modules a file names with `crate::…` outside its tests, resolved to files.
fn imports(text: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (i, _) in non_test(text).match_indices("crate::") {
        let rest = &non_test(text)[i + "crate::".len()..];
        let path: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
            .collect();
        // The longest prefix of the path that is a module file.
        let segs: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
        for n in (1..=segs.len()).rev() {
            let m = segs[..n].join("::");
            if modules.contains(&m) {
                out.insert(m);
                break;
            }
        }
    }
    out
}

fn layer_of(module: &str) -> Option<usize> {
    let top = module.split("::").next()?;
    LAYERS.iter().position(|l| *l == top)
}

#[test]
fn folders_import_only_downward() {
    let files = files();
    let modules: BTreeSet<String> = files.keys().cloned().collect();
    let mut wrong = Vec::new();
    for (m, text) in &files {
        let Some(own) = layer_of(m) else { continue };
        for dep in imports(text, &modules) {
            if let Some(theirs) = layer_of(&dep)
                && theirs > own
            {
                wrong.push(format!("{m} imports {dep}, a higher layer"));
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn no_import_circle_between_files() {
    let files = files();
    let modules: BTreeSet<String> = files.keys().cloned().collect();
    let graph: BTreeMap<&str, BTreeSet<String>> = files
        .iter()
        .map(|(m, t)| {
            let mut deps = imports(t, &modules);
            deps.remove(m);
            (m.as_str(), deps)
        })
        .collect();
    // Depth-first search for a back edge.
    fn visit<'a>(
        m: &'a str,
        graph: &'a BTreeMap<&'a str, BTreeSet<String>>,
        state: &mut BTreeMap<&'a str, u8>,
        stack: &mut Vec<&'a str>,
    ) -> Option<Vec<String>> {
        match state.get(m) {
            Some(2) => return None,
            Some(1) => {
                let at = stack.iter().position(|s| *s == m).unwrap_or(0);
                let mut cycle: Vec<String> = stack[at..].iter().map(|s| s.to_string()).collect();
                cycle.push(m.to_owned());
                return Some(cycle);
            }
            _ => {}
        }
        state.insert(m, 1);
        stack.push(m);
        for d in graph.get(m).into_iter().flatten() {
            if let Some(c) = visit(d.as_str(), graph, state, stack) {
                return Some(c);
            }
        }
        stack.pop();
        state.insert(m, 2);
        None
    }
    let mut state = BTreeMap::new();
    for m in graph.keys() {
        let mut stack = Vec::new();
        if let Some(cycle) = visit(m, &graph, &mut state, &mut stack) {
            panic!("import circle: {}", cycle.join(" -> "));
        }
    }
}

#[test]
fn every_layer_is_a_folder_that_says_what_it_owns() {
    for layer in LAYERS {
        let text = fs::read_to_string(src().join(layer).join("mod.rs"))
            .unwrap_or_else(|e| panic!("src/{layer}/mod.rs: {e}"));
        assert!(
            text.starts_with("//! "),
            "src/{layer}/mod.rs has no module comment"
        );
    }
    for (m, text) in files() {
        assert!(text.starts_with("//! "), "{m} has no module comment");
    }
}

#[test]
fn no_file_over_400_lines_outside_tests() {
    let long: Vec<String> = files()
        .iter()
        .map(|(m, t)| (m, non_test(t).lines().count()))
        .filter(|(_, n)| *n > 400)
        .map(|(m, n)| format!("{m}: {n} lines"))
        .collect();
    assert!(long.is_empty(), "{long:#?}");
}
