//! C (ffi-c/src/builder.rs): the typed setters, conveniences for C beside the
//! generic `sv_client_builder_set_option_*`, each handing its value to the
//! core's generic setter under the core's name. cbindgen writes them into the
//! header (`make vocab` regenerates it).
//!
//! The rule a new option follows: `sv_client_builder_set_<name>` taking the
//! kind's C type (`const char *`, `bool`, `uint32_t`, `double`); a duration
//! as `uint64_t` milliseconds, `_ms` appended (an age in seconds,
//! `_seconds`); a list option `sv_client_builder_add_<one element>`; a
//! choice option an `int32_t`, one of the `SV_<NAME>_<WORD>` constants
//! (hand-written beside them, with their documentation). What predates the
//! rule: [`CHOICE_PREFIXES`].

use std::fmt::Write as _;

use siteverify::{OptionKind, OptionSpec, OPTIONS};

use crate::text::{default_sentence, in_seconds, singular, wrap};

/// Constant prefixes older than the rule (`SV_ON_FAIL_OPEN_` would be next).
const CHOICE_PREFIXES: &[(&str, &str)] = &[("on_fail_open", "SV_FAIL_OPEN")];

/// What the C spelling adds to an option's documentation.
fn note(o: &OptionSpec) -> &'static str {
    match o.name {
        "secret" => "Copied; zeroized inside the library when freed.",
        _ => "",
    }
}

/// The constant of `word` of a choice option.
fn constant(o: &OptionSpec, word: &str) -> String {
    let prefix = match CHOICE_PREFIXES.iter().find(|(n, _)| *n == o.name) {
        Some((_, p)) => (*p).to_string(),
        None => format!("SV_{}", o.name.to_ascii_uppercase()),
    };
    format!("{prefix}_{}", word.to_ascii_uppercase().replace('-', "_"))
}

/// A function as rustfmt lays it out at `max_width = 120`: the signature on
/// one line when it fits, else one parameter per line.
fn function(name: &str, params: &[String], body: &str) -> String {
    let one = format!(
        "pub extern \"C\" fn {name}(builder: *mut sv_client_builder, {}) -> sv_status {{",
        params.join(", ")
    );
    let mut out = String::from("#[no_mangle]\n");
    if one.len() <= 120 {
        out.push_str(&one);
        out.push('\n');
    } else {
        let _ = writeln!(out, "pub extern \"C\" fn {name}(\n    builder: *mut sv_client_builder,");
        for p in params {
            let _ = writeln!(out, "    {p},");
        }
        out.push_str(") -> sv_status {\n");
    }
    out.push_str(body);
    out.push_str("}\n");
    out
}

/// A call as rustfmt lays it out: on one line when its arguments fit in
/// `fn_call_width` (72 at `max_width = 120`), else one argument per line.
fn call(f: &str, args: &[String]) -> String {
    let joined = args.join(", ");
    if joined.len() <= 72 && 4 + f.len() + joined.len() + 2 <= 120 {
        return format!("    {f}({joined})\n");
    }
    let mut out = format!("    {f}(\n");
    for a in args {
        let _ = writeln!(out, "        {a},");
    }
    out.push_str("    )\n");
    out
}

/// The typed setters, one per option.
pub fn setters(_: &crate::Vocab) -> String {
    let mut entries = Vec::new();
    for o in OPTIONS {
        let set = format!("sv_client_builder_set_{}", o.name);
        let n = o.name;
        // The function, its parameter, the unit of a duration, and the
        // helper handing the value to the core with its argument.
        let (function_name, param, unit, helper, arg) = match o.kind {
            OptionKind::Text => (set, format!("{n}: *const c_char"), "", "set_text", n.to_string()),
            OptionKind::TextList => {
                let one = singular(n);
                let f = format!("sv_client_builder_add_{one}");
                (f, format!("{one}: *const c_char"), "", "set_text", one.to_string())
            }
            OptionKind::Bool => (
                set,
                format!("{n}: bool"),
                "",
                "set_value",
                format!("OptionValue::Bool({n})"),
            ),
            OptionKind::Count => {
                let v = format!("OptionValue::Int(i64::from({n}))");
                (set, format!("{n}: u32"), "", "set_value", v)
            }
            OptionKind::Number => (
                set,
                format!("{n}: f64"),
                "",
                "set_value",
                format!("OptionValue::Float({n})"),
            ),
            OptionKind::Duration if in_seconds(o) => {
                let v = "OptionValue::Seconds(seconds as f64)".to_string();
                (set + "_seconds", "seconds: u64".into(), " In seconds.", "set_value", v)
            }
            OptionKind::Duration => {
                let v = "OptionValue::Millis(millis as f64)".to_string();
                (set + "_ms", "millis: u64".into(), " In milliseconds.", "set_value", v)
            }
            OptionKind::Choice(_) => (set, format!("{n}: i32"), "", "set_word", "word".into()),
        };
        let mut body = String::new();
        if let OptionKind::Choice(words) = o.kind {
            let _ = writeln!(body, "    let word = match {n} {{");
            for w in words {
                let _ = writeln!(body, "        {} => Some(\"{w}\"),", constant(o, w));
            }
            body.push_str("        _ => None,\n    };\n");
        }
        body.push_str(&call(helper, &["builder".into(), format!("\"{n}\""), arg]));
        let mut doc = format!("{}{unit} {}", o.doc, default_sentence(o));
        if o.kind == OptionKind::TextList {
            doc.push_str(" Adds one per call.");
        }
        if let OptionKind::Choice(words) = o.kind {
            let names: Vec<String> = words.iter().map(|w| format!("`{}`", constant(o, w))).collect();
            let _ = write!(
                doc,
                " One of {}; another number is `SV_CONFIGURATION`.",
                names.join(", ")
            );
        }
        if !note(o).is_empty() {
            doc.push(' ');
            doc.push_str(note(o));
        }
        let _ = write!(doc, " Core option `{}`.", o.name);
        let mut e = wrap(&doc, 100, "/// ");
        e.push_str(&function(&function_name, &[param], &body));
        entries.push(e);
    }
    entries.join("\n")
}
