//! The guard of `tests/CPYTHON.md`, the table of CPython 3.11.7's
//! `Lib/test/test_ssl.py` and `Lib/test/test_asyncio/test_ssl.py`, test by
//! test, with sslwrap's twin or the reason none can exist.
//!
//! The list of CPython's tests comes from the files themselves, in
//! `python3`'s `test` package, read with `python3`'s `ast` (one child
//! process, well under a second). The test fails when
//! * a CPython test has no row, or a row names no CPython test, or a test
//!   has two rows;
//! * a row has neither a twin nor a reason;
//! * a twin's file does not exist, has no `fn` of the twin's name, or does
//!   not mention `Class.test_name` (the twin's doc comment names it);
//! * the figures at the top of the table (mirrored / not applicable /
//!   missing, per class and for `all` classes of a file) are not the
//!   counts of the rows.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::Command;

/// The table's two parts, as the `# ` heading of each names its file.
const TEST_SSL: &str = "test_ssl.py";
const TEST_ASYNCIO_SSL: &str = "test_asyncio/test_ssl.py";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `Class.test_name` of each file, from CPython's own sources.
fn cpython_tests() -> BTreeMap<&'static str, Vec<String>> {
    let script = r#"
import ast, os, sys
try:
    import test
except ImportError:
    sys.exit("no-test-package")
base = os.path.dirname(test.__file__)
for rel in ("test_ssl.py", "test_asyncio/test_ssl.py"):
    path = os.path.join(base, rel)
    if not os.path.exists(path):
        sys.exit("missing " + path)
    tree = ast.parse(open(path, encoding="utf-8").read())
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            for f in node.body:
                if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) and f.name.startswith("test"):
                    print(rel + " " + node.name + "." + f.name)
"#;
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .output()
        .unwrap_or_else(|e| {
            panic!("python3 (CPython 3.11.7, with its `test` package) is needed on PATH: {e}")
        });
    assert!(
        out.status.success(),
        "python3 could not list CPython's tests ({}): the table is checked against \
         `Lib/test/test_ssl.py` and `Lib/test/test_asyncio/test_ssl.py` of python3's `test` \
         package (CPython's regression tests; on Debian/Ubuntu the package \
         `libpython3.11-testsuite`, in a pyenv or source build it is installed with Python)",
        String::from_utf8_lossy(&out.stderr).trim()
    );
    let mut tests: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        let (file, name) = line.split_once(' ').unwrap();
        let file = if file == TEST_SSL {
            TEST_SSL
        } else {
            TEST_ASYNCIO_SSL
        };
        tests.entry(file).or_default().push(name.to_string());
    }
    tests
}

/// One row of the table.
#[derive(Debug)]
struct Row {
    file: &'static str,
    name: String,
    twins: Vec<(String, String)>,
    reason: String,
    line: usize,
}

impl Row {
    fn class(&self) -> &str {
        self.name.split('.').next().unwrap()
    }
}

/// The counts of one class, as the figures give them.
#[derive(Debug, Default, PartialEq, Eq, Clone, Copy)]
struct Figures {
    mirrored: usize,
    not_applicable: usize,
    missing: usize,
}

/// The text between the first pair of backticks of `s`, and what follows.
fn backticked(s: &str) -> Option<(&str, &str)> {
    let start = s.find('`')? + 1;
    let len = s[start..].find('`')?;
    Some((&s[start..start + len], &s[start + len + 1..]))
}

/// `` `tests/a.rs`: `f`; `tests/b.rs`: `g` `` into pairs.
fn parse_twins(cell: &str, line: usize) -> Vec<(String, String)> {
    let mut twins = Vec::new();
    for part in cell.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let (file, rest) = backticked(part)
            .unwrap_or_else(|| panic!("CPYTHON.md:{line}: twin `{part}` is not `file`: `fn`"));
        let rest = rest.trim_start();
        let rest = rest
            .strip_prefix(':')
            .unwrap_or_else(|| panic!("CPYTHON.md:{line}: twin `{part}` is not `file`: `fn`"));
        let (func, tail) = backticked(rest)
            .unwrap_or_else(|| panic!("CPYTHON.md:{line}: twin `{part}` is not `file`: `fn`"));
        assert!(
            tail.trim().is_empty(),
            "CPYTHON.md:{line}: twin `{part}`: separate twins with `;`"
        );
        twins.push((file.to_string(), func.to_string()));
    }
    twins
}

/// The cells of a `| a | b | c |` line.
fn cells(line: &str) -> Vec<&str> {
    let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
    inner.split('|').map(str::trim).collect()
}

/// The rows and the figures of tests/CPYTHON.md.
fn read_table(text: &str) -> (Vec<Row>, BTreeMap<(String, String), Figures>) {
    let mut rows = Vec::new();
    let mut figures = BTreeMap::new();
    let mut file = TEST_SSL;
    let mut in_figures = false;
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if let Some(h) = line.strip_prefix("# ") {
            file = if h.contains(TEST_ASYNCIO_SSL) {
                TEST_ASYNCIO_SSL
            } else {
                TEST_SSL
            };
            in_figures = false;
            continue;
        }
        if let Some(h) = line.strip_prefix("## ") {
            in_figures = h.trim() == "Figures";
            continue;
        }
        if !line.starts_with('|') || line.starts_with("|---") {
            continue;
        }
        let c = cells(line);
        if in_figures {
            // | file | class | mirrored | not applicable | missing |
            if c.len() != 5 || c[2].parse::<usize>().is_err() {
                continue; // the header
            }
            let num = |s: &str| {
                s.parse::<usize>()
                    .unwrap_or_else(|_| panic!("CPYTHON.md:{n}: `{s}` is not a count"))
            };
            let f = Figures {
                mirrored: num(c[2]),
                not_applicable: num(c[3]),
                missing: num(c[4]),
            };
            let key = (c[0].trim_matches('`').to_string(), c[1].to_string());
            assert!(
                figures.insert(key, f).is_none(),
                "CPYTHON.md:{n}: two figure rows for {}",
                c[1]
            );
            continue;
        }
        assert_eq!(c.len(), 3, "CPYTHON.md:{n}: a row has three cells: {line}");
        let Some((name, _)) = backticked(c[0]) else {
            continue; // a header
        };
        rows.push(Row {
            file,
            name: name.to_string(),
            twins: parse_twins(c[1], n),
            reason: c[2].to_string(),
            line: n,
        });
    }
    (rows, figures)
}

/// Whether `src` defines a function named `name`.
fn defines_fn(src: &str, name: &str) -> bool {
    src.match_indices("fn ").any(|(i, _)| {
        let before_ok = i == 0 || !src.as_bytes()[i - 1].is_ascii_alphanumeric();
        let rest = &src[i + 3..];
        before_ok
            && rest.starts_with(name)
            && rest[name.len()..]
                .chars()
                .next()
                .is_some_and(|c| c == '(' || c == '<')
    })
}

#[test]
fn cpython_md_covers_every_cpython_test_with_a_twin_or_a_reason() {
    let md = root().join("tests/CPYTHON.md");
    let text = std::fs::read_to_string(&md).unwrap();
    let (rows, figures) = read_table(&text);
    let cpython = cpython_tests();
    let mut problems = Vec::new();

    // Every CPython test has one row; every row is a CPython test.
    let mut seen: BTreeSet<(&str, &str)> = BTreeSet::new();
    for r in &rows {
        if !seen.insert((r.file, &r.name)) {
            problems.push(format!(
                "CPYTHON.md:{}: second row for {} {}",
                r.line, r.file, r.name
            ));
        }
    }
    for (file, names) in &cpython {
        for name in names {
            if !seen.contains(&(*file, name.as_str())) {
                problems.push(format!("{file} {name}: no row in tests/CPYTHON.md"));
            }
        }
    }
    for r in &rows {
        if !cpython[r.file].contains(&r.name) {
            problems.push(format!(
                "CPYTHON.md:{}: {} is not a test of CPython's {}",
                r.line, r.name, r.file
            ));
        }
    }

    // Every row: a twin that exists and names the test, or a reason.
    let mut sources: BTreeMap<String, Option<String>> = BTreeMap::new();
    for r in &rows {
        if r.twins.is_empty() && r.reason.is_empty() {
            problems.push(format!(
                "CPYTHON.md:{}: {} has neither a twin nor a reason",
                r.line, r.name
            ));
        }
        for (file, func) in &r.twins {
            let src = sources
                .entry(file.clone())
                .or_insert_with(|| std::fs::read_to_string(root().join(file)).ok());
            let Some(src) = src else {
                problems.push(format!(
                    "CPYTHON.md:{}: {}: twin file {file} does not exist",
                    r.line, r.name
                ));
                continue;
            };
            if !defines_fn(src, func) {
                problems.push(format!(
                    "CPYTHON.md:{}: {}: no `fn {func}` in {file}",
                    r.line, r.name
                ));
            }
            if !src.contains(&r.name) {
                problems.push(format!(
                    "CPYTHON.md:{}: {file} does not mention {} (name it in the twin's doc comment)",
                    r.line, r.name
                ));
            }
        }
    }

    // The figures are the counts of the rows.
    let mut counted: BTreeMap<(String, String), Figures> = BTreeMap::new();
    for r in &rows {
        let f = counted
            .entry((r.file.to_string(), r.class().to_string()))
            .or_default();
        if !r.twins.is_empty() {
            f.mirrored += 1;
        } else if !r.reason.is_empty() {
            f.not_applicable += 1;
        } else {
            f.missing += 1;
        }
    }
    let mut totals: BTreeMap<(String, String), Figures> = BTreeMap::new();
    for ((file, _), f) in &counted {
        let t = totals.entry((file.clone(), "all".to_string())).or_default();
        t.mirrored += f.mirrored;
        t.not_applicable += f.not_applicable;
        t.missing += f.missing;
    }
    counted.extend(totals);
    for (key, f) in &counted {
        match figures.get(key) {
            Some(g) if g == f => {}
            Some(g) => problems.push(format!(
                "CPYTHON.md figures: {} {}: the table says {g:?}, the rows give {f:?}",
                key.0, key.1
            )),
            None => problems.push(format!(
                "CPYTHON.md figures: no line for {} {} ({f:?})",
                key.0, key.1
            )),
        }
    }
    for key in figures.keys() {
        if !counted.contains_key(key) {
            problems.push(format!(
                "CPYTHON.md figures: a line for {} {}, which has no rows",
                key.0, key.1
            ));
        }
    }

    assert!(
        problems.is_empty(),
        "tests/CPYTHON.md is out of step ({} problems):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn the_scanner_reads_twins_and_functions() {
    assert_eq!(
        parse_twins("`tests/a.rs`: `f`; `tests/b.rs`: `g_2`", 1),
        vec![
            ("tests/a.rs".to_string(), "f".to_string()),
            ("tests/b.rs".to_string(), "g_2".to_string())
        ]
    );
    assert!(parse_twins("", 1).is_empty());
    assert!(defines_fn("async fn connect_() {}", "connect_"));
    assert!(defines_fn("fn f<T>(x: T) {}", "f"));
    assert!(!defines_fn("fn connect_fail() {}", "connect_"));
    assert!(!defines_fn("fn a() { xfn f() }", "f"));
}
