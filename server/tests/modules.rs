//! The server's top-level modules import each other without a ring: each
//! feature can be read, tested and moved with only the layers below it.

use std::{
    collections::{BTreeMap, BTreeSet},
    fs,
    path::Path,
};

/// Every `crate::name` a module's files mention, including grouped imports
/// (`use crate::{a, b::c}`).
fn imports(src: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (i, _) in src.match_indices("crate::") {
        let rest = &src[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let body = &group[..group.find("};").unwrap_or(group.len())];
            let mut depth = 0;
            let mut start = 0;
            for (j, c) in body.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        found.insert(head(&body[start..j]));
                        start = j + 1;
                    }
                    _ => {}
                }
            }
            found.insert(head(&body[start..]));
        } else {
            found.insert(head(rest));
        }
    }
    found.retain(|m| modules.contains(m));
    found
}

fn head(path: &str) -> String {
    path.trim()
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_module_imports_another_in_a_ring() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let modules: BTreeSet<String> = fs::read_dir(&src)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .filter(|m| m != "lib" && m != "main")
        .collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for module in &modules {
        let mut paths = Vec::new();
        let dir = src.join(module);
        if dir.is_dir() {
            files(&dir, &mut paths);
        } else {
            paths.push(src.join(format!("{module}.rs")));
        }
        let uses = graph.entry(module.clone()).or_default();
        for path in paths {
            uses.extend(imports(&fs::read_to_string(path).unwrap(), &modules));
        }
        uses.remove(module);
    }
    assert!(
        graph["intake"].contains("invites"),
        "the scan reads imports"
    );
    // Depth-first search for a path that comes back to where it started.
    for start in graph.keys() {
        let mut stack = vec![vec![start.clone()]];
        while let Some(path) = stack.pop() {
            for next in &graph[path.last().unwrap()] {
                assert!(next != start, "import ring: {} → {next}", path.join(" → "));
                if !path.contains(next) {
                    let mut longer = path.clone();
                    longer.push(next.clone());
                    stack.push(longer);
                }
            }
        }
    }
}
