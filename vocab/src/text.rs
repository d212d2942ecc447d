//! Text helpers shared by the languages: spelling an option's name, turning
//! its one line of documentation into a comment.

use siteverify::{OptionKind, OptionSpec, OPTIONS};

/// `connect_timeout` as `ConnectTimeout`.
pub fn camel(code: &str) -> String {
    code.split(['-', '_'])
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// `connect_timeout` as `connectTimeout`.
pub fn lower_camel(code: &str) -> String {
    let mut words = code.split('_');
    let mut out = words.next().unwrap_or_default().to_string();
    out.extend(words.map(camel));
    out
}

/// One element of a list option: `expected_hostnames` as `expected_hostname`.
pub fn singular(name: &str) -> &str {
    name.strip_suffix('s').unwrap_or(name)
}

/// Whether a duration option counts in seconds where the binding's idiom is
/// a number with a unit (Node's `maxAgeSeconds`, C's `_max_age_seconds`):
/// ages are counted in seconds, every other duration in milliseconds.
pub fn in_seconds(o: &OptionSpec) -> bool {
    o.kind == OptionKind::Duration && o.name == "max_age"
}

/// A sentence of documentation continued after a colon: its first letter in
/// lower case, unless its first word is an acronym (`TCP`).
pub fn continued(doc: &str) -> String {
    let mut chars = doc.chars();
    match (chars.next(), chars.next()) {
        (Some(a), Some(b)) if a.is_ascii_uppercase() && !b.is_ascii_uppercase() => {
            a.to_ascii_lowercase().to_string() + &doc[1..]
        }
        _ => doc.to_string(),
    }
}

/// The option `name` of the core, if it is one (a name in backquotes in a
/// doc may be one, which each language links in its own way).
pub fn option(name: &str) -> Option<&'static OptionSpec> {
    OPTIONS.iter().find(|o| o.name == name)
}

/// Replaces each `quoted` span of `doc` with `f(span)`.
pub fn map_code(doc: &str, f: impl Fn(&str) -> String) -> String {
    let mut out = String::new();
    let mut rest = doc;
    while let Some(start) = rest.find('`') {
        let Some(len) = rest[start + 1..].find('`') else { break };
        out.push_str(&rest[..start]);
        out.push_str(&f(&rest[start + 1..start + 1 + len]));
        rest = &rest[start + len + 2..];
    }
    out.push_str(rest);
    out
}

/// `text` in lines of at most `width` characters (a longer word gets a line
/// of its own), each after `prefix` (`"/// "`).
pub fn wrap(text: &str, width: usize, prefix: &str) -> String {
    let mut out = String::new();
    let mut line = String::from(prefix);
    let mut empty = true;
    for word in words(text) {
        if !empty && line.len() + 1 + word.len() > width {
            out.push_str(line.trim_end());
            out.push('\n');
            line = String::from(prefix);
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(&word);
        empty = false;
    }
    out.push_str(line.trim_end());
    out.push('\n');
    out
}

/// "Required." or "Default: 10 s.", as the table says.
pub fn default_sentence(o: &OptionSpec) -> String {
    if o.default == "(required)" {
        "Required.".into()
    } else {
        format!("Default: {}.", o.default)
    }
}

/// The words of `text`, a Javadoc inline tag (`{@link A#b}`) as one.
fn words(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut depth = 0usize;
    for w in text.split_whitespace() {
        match out.last_mut() {
            Some(last) if depth > 0 => {
                last.push(' ');
                last.push_str(w);
            }
            _ => out.push(w.to_string()),
        }
        depth = (depth + w.matches('{').count()).saturating_sub(w.matches('}').count());
    }
    out
}
