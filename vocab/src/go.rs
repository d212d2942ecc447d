//! Go (bindings-go): the option fields of `Config` (config.go), the fields of
//! its redacting view, and the lines of `Config.options()` (options.go) that
//! hand each set field to the core's generic setter by the core's name.
//!
//! The rule a new option follows: field `ExampleFlag` (each word of the core
//! name capitalised, Go's initialisms in capitals), typed by its kind, passed
//! when it is not its zero value. Spellings older than the rule are listed in
//! [`LEGACY_NAMES`] and [`CHOICE_TYPES`].

use std::fmt::Write as _;

use siteverify::{OptionKind, OptionSpec, OPTIONS};

use crate::text::{continued, default_sentence, map_code, option, wrap};

/// Words Go spells in capitals in an identifier.
const INITIALISMS: &[&str] = &["api", "ca", "dns", "http", "id", "ip", "json", "tls", "uri", "url"];

/// Field names that predate the rule (`ca_pems` would be `CAPems`).
const LEGACY_NAMES: &[(&str, &str)] = &[("ca_pems", "CAPEM")];

/// The Go types of the choice options that have one (its constants are
/// hand-written beside it); any other choice option is a `string`.
const CHOICE_TYPES: &[(&str, &str)] = &[("fail_mode", "FailMode"), ("on_fail_open", "FailOpenPolicy")];

/// What the Go spelling adds to an option's documentation.
fn note(o: &OptionSpec) -> &'static str {
    match o.name {
        "secret" => "Never shown by fmt, log/slog or errors.",
        "timeout" => "A shorter deadline on the ctx passed to Verify also applies.",
        "max_retries" => "NoRetries for none (0 means the default).",
        "score_threshold" => "Use Threshold(0.5); nil means no threshold.",
        "fail_mode" => "FailClosed or FailOpen.",
        "on_fail_open" => "FailOpenAccept or FailOpenReject.",
        "proxy" => "Its password is redacted when a Config is printed.",
        _ => "",
    }
}

/// The `Config` field of an option.
pub fn field(o: &OptionSpec) -> String {
    if let Some((_, name)) = LEGACY_NAMES.iter().find(|(n, _)| *n == o.name) {
        return (*name).to_string();
    }
    o.name
        .split('_')
        .map(|w| {
            if INITIALISMS.contains(&w) {
                w.to_ascii_uppercase()
            } else {
                crate::text::camel(w)
            }
        })
        .collect()
}

/// The Go type of an option's `Config` field.
pub fn go_type(o: &OptionSpec) -> &'static str {
    match o.kind {
        OptionKind::Text => "string",
        OptionKind::TextList => "[]string",
        OptionKind::Bool => "bool",
        OptionKind::Count => "int",
        OptionKind::Number => "*float64",
        OptionKind::Duration => "time.Duration",
        OptionKind::Choice(_) => CHOICE_TYPES
            .iter()
            .find(|(n, _)| *n == o.name)
            .map_or("string", |(_, t)| t),
    }
}

/// The doc comment of a field, `\t// `-prefixed and wrapped at 80 columns
/// (the tab counted as four).
fn doc(o: &OptionSpec) -> String {
    // A name in backquotes is another option (its field) or a literal word.
    let text = map_code(o.doc, |code| match option(code) {
        Some(other) => field(other),
        None => format!("\"{code}\""),
    });
    let mut all = format!("{}: {} {}", field(o), continued(&text), default_sentence(o));
    for extra in [note(o), &format!("Core name: {}.", o.name)] {
        if !extra.is_empty() {
            all.push(' ');
            all.push_str(extra);
        }
    }
    wrap(&all, 77, "\t// ")
}

/// The option fields of `Config`, each with its doc comment.
pub fn config_fields(_: &crate::Vocab) -> String {
    let mut out = String::new();
    for o in OPTIONS {
        out.push_str(&doc(o));
        let _ = writeln!(out, "\t{} {}", field(o), go_type(o));
    }
    out
}

/// Lines aligned as gofmt aligns consecutive `a b` lines (struct fields,
/// key-value pairs): the first column padded to the widest.
fn aligned(rows: &[(String, String)], sep: &str) -> String {
    let width = rows
        .iter()
        .map(|(a, _)| a.len() + sep.trim_end().len())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for (a, b) in rows {
        let head = format!("{a}{}", sep.trim_end());
        let _ = writeln!(out, "\t{head:width$} {b}");
    }
    out
}

/// The option fields of `configView`, what fmt and slog show of a Config:
/// the same fields, the threshold as a printable number.
pub fn view_fields(_: &crate::Vocab) -> String {
    let rows: Vec<(String, String)> = OPTIONS
        .iter()
        .map(|o| {
            let ty = match o.kind {
                OptionKind::Number => "threshold",
                _ => go_type(o),
            };
            (field(o), ty.to_string())
        })
        .collect();
    aligned(&rows, " ")
}

/// The option fields of `Config.view()`'s literal: every field copied but the
/// secret, which `view` redacts.
pub fn view_values(_: &crate::Vocab) -> String {
    let rows: Vec<(String, String)> = OPTIONS
        .iter()
        .filter(|o| o.name != "secret")
        .map(|o| {
            let value = match o.kind {
                OptionKind::Number => format!("threshold{{c.{}}},", field(o)),
                _ => format!("c.{},", field(o)),
            };
            (field(o), value)
        })
        .collect();
    aligned(&rows, ": ").replace('\t', "\t\t")
}

/// The body of `Config.options()`: one call per option, to the helper of its
/// kind, which passes the field unless it is its zero value.
pub fn options(_: &crate::Vocab) -> String {
    let mut out = String::new();
    for o in OPTIONS {
        let f = field(o);
        let line = match o.kind {
            OptionKind::Text => format!("text(\"{}\", cfg.{f})", o.name),
            OptionKind::Choice(_) if go_type(o) == "string" => format!("text(\"{}\", cfg.{f})", o.name),
            OptionKind::Choice(_) => format!("text(\"{}\", string(cfg.{f}))", o.name),
            OptionKind::TextList => format!("list(\"{}\", cfg.{f})", o.name),
            OptionKind::Bool => format!("flag(\"{}\", cfg.{f})", o.name),
            OptionKind::Count => format!("count(\"{}\", cfg.{f})", o.name),
            OptionKind::Number => format!("number(\"{}\", cfg.{f})", o.name),
            OptionKind::Duration => format!("duration(\"{}\", cfg.{f})", o.name),
        };
        let _ = writeln!(out, "\t{line}");
    }
    out
}

/// The option table of bindings-go/README.md: the provider, then every
/// option of the core with its field, type, default and documentation.
pub fn readme_table(_: &crate::Vocab) -> String {
    let mut out = String::from("| field | type | default | core name | what |\n|---|---|---|---|---|\n");
    out.push_str(
        "| `Provider` | `Provider` | (required) | (the builder's provider) | a [provider](#providers) constant, passed as its name |\n",
    );
    for o in OPTIONS {
        let text = map_code(o.doc, |code| match option(code) {
            Some(other) => format!("`{}`", field(other)),
            None => format!("`{code}`"),
        });
        let mut what = text;
        if !note(o).is_empty() {
            what.push(' ');
            what.push_str(note(o));
        }
        let _ = writeln!(
            out,
            "| `{}` | `{}` | {} | `{}` | {what} |",
            field(o),
            go_type(o),
            o.default,
            o.name
        );
    }
    out
}
