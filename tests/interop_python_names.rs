//! The porting table (`src/manual/porting.rs`) is complete: every public
//! name of the local CPython's `ssl` module (`dir(ssl)`, 3.11.7), of
//! `ssl.SSLContext`, `ssl.SSLSocket` and `ssl.SSLObject`, and the names
//! Python 3.13 to 3.15 added, has a row, which gives either its sslwrap
//! counterpart or why there is none.
//!
//! A name counts as present when the Python column of a row names it the
//! way Python code spells it: `ssl.NAME` for the module, `ctx.NAME` for
//! `SSLContext`, `s.NAME` for `SSLSocket`, `s.NAME` or `obj.NAME` for
//! `SSLObject` (the table gives the inspection methods once, on the
//! socket), or the name alone in backquotes (the exception table).

mod common;

use std::collections::BTreeSet;
use std::process::Command;
use std::time::Duration;

use common::child::run_limited;
use common::python3;

/// Names added after 3.11 (the `python3` here), as `(owner, name)`.
const LATER: &[(&str, &str)] = &[
    ("ssl", "HAS_PSK"),                        // 3.13
    ("SSLContext", "set_psk_client_callback"), // 3.13
    ("SSLContext", "set_psk_server_callback"), // 3.13
    ("SSLSocket", "get_verified_chain"),       // 3.13
    ("SSLSocket", "get_unverified_chain"),     // 3.13
    ("SSLObject", "get_verified_chain"),       // 3.13
    ("SSLObject", "get_unverified_chain"),     // 3.13
    ("SSLContext", "set_ciphersuites"),        // 3.15
    ("SSLContext", "set_groups"),              // 3.15
    ("SSLContext", "get_groups"),              // 3.15
];

/// `(owner, name)` for every public name Python lists.
fn python_names() -> BTreeSet<(String, String)> {
    let script = r#"
import ssl
owners = (("ssl", ssl), ("SSLContext", ssl.SSLContext),
          ("SSLSocket", ssl.SSLSocket), ("SSLObject", ssl.SSLObject))
for owner, obj in owners:
    for n in dir(obj):
        if not n.startswith("_"):
            print(owner, n)
"#;
    let mut cmd = Command::new(python3());
    cmd.args(["-c", script]);
    let out = run_limited(cmd, Duration::from_secs(30), "python3 listing ssl's names");
    assert!(
        out.status.success(),
        "python3 failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut names: BTreeSet<(String, String)> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let (owner, name) = l.split_once(' ').unwrap();
            (owner.to_owned(), name.to_owned())
        })
        .collect();
    assert!(
        names.len() > 200,
        "python3 listed only {} names",
        names.len()
    );
    for (owner, name) in LATER {
        names.insert(((*owner).to_owned(), (*name).to_owned()));
    }
    names
}

/// The Python column of every table row of the porting page.
fn python_column() -> Vec<String> {
    let page = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/manual/porting.rs"),
    )
    .unwrap();
    page.lines()
        .filter_map(|l| l.strip_prefix("//! | "))
        .filter(|row| !row.starts_with("---"))
        .map(|row| {
            // The first cell ends at the first `|` that is not escaped.
            let mut cell = String::new();
            let mut prev = ' ';
            for c in row.chars() {
                if c == '|' && prev != '\\' {
                    break;
                }
                cell.push(c);
                prev = c;
            }
            cell
        })
        .collect()
}

/// Whether `text` has `prefix` + `name` not followed by more of an
/// identifier.
fn names(text: &str, prefix: &str, name: &str) -> bool {
    let needle = format!("{prefix}{name}");
    text.match_indices(&needle).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + needle.len()..].chars().next();
        let ident = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        // `ctx.x` must not be the tail of `foo_ctx.x`; a bare name must
        // stand alone.
        !ident(before) && !ident(after)
    })
}

#[test]
fn porting_table_lists_every_python_name() {
    let rows = python_column();
    assert!(rows.len() > 50, "only {} rows found", rows.len());
    let covered = |owner: &str, name: &str| {
        let prefixes: &[&str] = match owner {
            "ssl" => &["ssl.", "`"],
            "SSLContext" => &["ctx."],
            "SSLSocket" => &["s."],
            "SSLObject" => &["obj.", "s."],
            other => panic!("unknown owner {other}"),
        };
        rows.iter().any(|row| {
            prefixes.iter().any(|p| {
                if *p == "`" {
                    row.contains(&format!("`{name}`"))
                } else {
                    names(row, p, name)
                }
            })
        })
    };
    let missing: Vec<String> = python_names()
        .into_iter()
        .filter(|(owner, name)| !covered(owner, name))
        .map(|(owner, name)| format!("{owner}.{name}"))
        .collect();
    assert!(
        missing.is_empty(),
        "{} Python names have no row in src/manual/porting.rs:\n{}",
        missing.len(),
        missing.join("\n")
    );
}

/// The checker itself: a name only counts where Python code would spell
/// it.
#[test]
fn the_check_is_strict() {
    assert!(names("`ctx.set_ciphers(\"…\")`", "ctx.", "set_ciphers"));
    assert!(!names("`ctx.set_ciphersuites(s)`", "ctx.", "set_ciphers"));
    assert!(!names("`other_ctx.options`", "ctx.", "options"));
    assert!(names("`ssl.OP_ALL`, `ssl.OP_NO_TICKET`", "ssl.", "OP_ALL"));
    assert!(!names("`ssl.OP_ALLX`", "ssl.", "OP_ALL"));
}
