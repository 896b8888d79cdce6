//! The layers of the crate and the direction of its imports, checked by a test that reads
//! every source file: a module may use its own layer and the layers below, never one above.
//!
//! Neither the top-level modules nor the files import each other in a circle (two more
//! tests draw those graphs from the `crate::` and `super::` imports).
//!
//! 1. Primitives, needing nothing of the platform: errors and their codes, ids and global
//!    ids, the clock, Unicode and languages, client networks, the circuit breaker, settings,
//!    metrics, logging and tracing, opening the database.
//! 2. Engines, each one job over the primitives: caches, the event bus, search, matching,
//!    authentication (tokens, keys, passwords).
//! 3. The services: the platform's rules and writes, with the application context, the
//!    side effects every write shares, and the offer files they read and write (`exchange`
//!    reads files into the services' draft type).
//! 4. The edges: GraphQL, HTTP, the feeds, background jobs, commands (reference data,
//!    offer files, demo data), and the crate root that wires them.
//!
//! Where a new feature's pieces go: its rules in `service`, its types and resolvers in
//! `graphql`, a route in `http`; a helper that several services and an engine need goes
//! down to the primitives. Where a lower layer needs something only an upper one knows (the
//! shape of a JSON offer file is `createOffer`'s input), it names a trait and the upper
//! layer passes an implementation down (`exchange::RecordShape`).

/// Each top-level module's layer (1 lowest).
const LAYERS: &[(&str, u8)] = &[
    ("error", 1),
    ("ids", 1),
    ("digest", 1),
    ("clock", 1),
    ("nfc", 1),
    ("locale", 1),
    ("language", 1),
    ("network", 1),
    ("breaker", 1),
    ("config", 1),
    ("metrics", 1),
    ("telemetry", 1),
    ("db", 1),
    ("cache", 2),
    ("events", 2),
    ("search", 2),
    ("matching", 2),
    ("auth", 2),
    ("service", 3),
    ("exchange", 3),
    ("context", 3),
    ("effects", 3),
    ("startup", 3),
    ("graphql", 4),
    ("http", 4),
    ("jobs", 4),
    ("demo", 4),
    ("reference", 4),
    ("feeds", 4),
    ("offer_files", 4),
    ("lib", 4),
    ("main", 4),
];

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::Path;

    use super::LAYERS;

    fn layer(module: &str) -> Option<u8> {
        LAYERS
            .iter()
            .find(|(name, _)| *name == module)
            .map(|(_, layer)| *layer)
    }

    /// The top-level modules a source text names through `crate::`.
    fn used_modules(text: &str) -> BTreeSet<String> {
        let mut used = BTreeSet::new();
        for (at, _) in text.match_indices("crate::") {
            let rest = &text[at + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            // `crate::{a, b}` and `crate::StartError` (an item of the root).
            if let Some(grouped) = rest.strip_prefix('{') {
                let group: String = grouped.chars().take_while(|c| *c != '}').collect();
                for part in group.split(',') {
                    let name = part.trim().split("::").next().unwrap_or_default();
                    used.insert(name.to_owned());
                }
            } else if name.starts_with(|c: char| c.is_ascii_uppercase()) {
                used.insert("lib".to_owned());
            } else if !name.is_empty() {
                used.insert(name);
            }
        }
        used
    }

    /// One source file of the crate: its path below `src`, its top-level module, and its
    /// code before any `#[cfg(test)]` (tests may reach anywhere).
    struct Source {
        relative: String,
        module: String,
        code: String,
    }

    fn root() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
    }

    fn sources() -> Vec<Source> {
        let root = root();
        let mut files = Vec::new();
        source_files(&root, &mut files);
        files
            .iter()
            .map(|file| {
                let relative = file
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                let module = relative
                    .split('/')
                    .next()
                    .unwrap()
                    .trim_end_matches(".rs")
                    .to_owned();
                let text = std::fs::read_to_string(file).unwrap();
                let code = text
                    .split("#[cfg(test)]")
                    .next()
                    .unwrap_or_default()
                    .to_owned();
                Source {
                    relative,
                    module,
                    code,
                }
            })
            .collect()
    }

    fn source_files(dir: &Path, into: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                source_files(&path, into);
            } else if path.extension().is_some_and(|e| e == "rs") {
                into.push(path);
            }
        }
    }

    #[test]
    fn no_module_uses_a_layer_above_its_own() {
        let mut upward = Vec::new();
        let mut unknown = BTreeSet::new();
        for Source {
            relative,
            module,
            code,
        } in sources()
        {
            if module == "layers" {
                continue;
            }
            let Some(own) = layer(&module) else {
                unknown.insert(module);
                continue;
            };
            for used in used_modules(&code) {
                if used == module {
                    continue;
                }
                match layer(&used) {
                    Some(theirs) if theirs > own => {
                        upward.push(format!("{relative} uses {used}"));
                    }
                    Some(_) => {}
                    None => {
                        unknown.insert(used);
                    }
                }
            }
        }
        assert!(unknown.is_empty(), "modules without a layer: {unknown:?}");
        assert!(upward.is_empty(), "imports against the layers: {upward:#?}");
    }

    /// The source file that holds the module at `segments` (the longest prefix that is a
    /// file: `a/b/c.rs`, `a/b/c/mod.rs`, then `a/b.rs`, …), relative to the source root.
    fn file_of(root: &Path, segments: &[&str]) -> Option<String> {
        (1..=segments.len()).rev().find_map(|n| {
            let base = segments[..n].join("/");
            [format!("{base}.rs"), format!("{base}/mod.rs")]
                .into_iter()
                .find(|candidate| root.join(candidate).is_file())
        })
    }

    /// The module path of a file: `http/feeds.rs` and `http/feeds/mod.rs` are `http::feeds`.
    fn module_path(relative: &str) -> Vec<String> {
        let trimmed = relative
            .trim_end_matches(".rs")
            .trim_end_matches("/mod")
            .to_owned();
        trimmed.split('/').map(str::to_owned).collect()
    }

    /// The paths a source text imports through `crate::` or `super::`, as module segments
    /// from the crate root; `crate::a::{b, c::d}` names `a::b` and `a::c::d`.
    fn imported_paths(text: &str, own: &[String]) -> Vec<Vec<String>> {
        let mut out = Vec::new();
        for (start, base) in [
            ("crate::", Vec::new()),
            ("super::", own[..own.len().saturating_sub(1)].to_vec()),
        ] {
            for (at, _) in text.match_indices(start) {
                // `super::super::` and `crate::` inside `$crate::` are left out.
                if at > 0 && text[..at].ends_with(['$', ':']) {
                    continue;
                }
                let rest = &text[at + start.len()..];
                let path: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':')
                    .collect();
                let mut prefix = base.clone();
                prefix.extend(
                    path.split("::")
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned),
                );
                if let Some(group) = rest[path.len()..].strip_prefix('{') {
                    let group: String = group.chars().take_while(|c| *c != '}').collect();
                    for part in group.split(',') {
                        let mut full = prefix.clone();
                        full.extend(
                            part.trim()
                                .split("::")
                                .filter(|s| !s.is_empty())
                                .map(str::to_owned),
                        );
                        out.push(full);
                    }
                } else {
                    out.push(prefix);
                }
            }
        }
        out
    }

    /// Every way a node reaches itself again through the edges, as `a -> b -> a`.
    fn circles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
        let mut found = Vec::new();
        for start in edges.keys() {
            let mut seen = BTreeSet::new();
            let mut stack: Vec<(String, Vec<String>)> = vec![(start.clone(), vec![start.clone()])];
            while let Some((node, trail)) = stack.pop() {
                for next in edges.get(&node).into_iter().flatten() {
                    if next == start {
                        found.push(trail.join(" -> ") + " -> " + start);
                    } else if seen.insert(next.clone()) {
                        let mut longer = trail.clone();
                        longer.push(next.clone());
                        stack.push((next.clone(), longer));
                    }
                }
            }
        }
        found
    }

    #[test]
    fn no_top_level_modules_import_each_other_in_a_circle() {
        let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for Source { module, code, .. } in sources() {
            let used = edges.entry(module.clone()).or_default();
            used.extend(
                used_modules(&code)
                    .into_iter()
                    .filter(|m| *m != module && m != "lib"),
            );
        }
        let circles = circles(&edges);
        assert!(
            circles.is_empty(),
            "modules importing each other: {circles:#?}"
        );
    }

    #[test]
    fn no_files_import_each_other_in_a_circle() {
        let root = root();
        let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for Source { relative, code, .. } in sources() {
            let own = module_path(&relative);
            let targets = edges.entry(relative.clone()).or_default();
            for path in imported_paths(&code, &own) {
                let segments: Vec<&str> = path.iter().map(String::as_str).collect();
                if let Some(target) = file_of(&root, &segments)
                    && target != relative
                {
                    targets.insert(target);
                }
            }
        }
        let circles = circles(&edges);
        assert!(
            circles.is_empty(),
            "files importing each other: {circles:#?}"
        );
    }
}
