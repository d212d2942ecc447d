//! Java (bindings-java): the option setters of `SiteverifyClient.Builder`
//! (declared in SiteverifyClient.java, implemented in ClientBuilder.java,
//! each recording a `ClientOption` under the core's name for the core's
//! generic setter), and the Spring Boot starter's option properties
//! (SiteverifyProperties.java) and the calls that hand them to the builder
//! (SiteverifyAutoConfiguration.java).
//!
//! The rule a new option follows: setter `exampleFlag` (the core name in
//! camelCase) taking the kind's Java type; a list option has an adder of one
//! element (`expectedHostname`) and a setter of several (`expectedHostnames`,
//! an `Iterable`); a `*_files` list takes `Path`s. The Spring property has
//! the setter's name (a list's: the setter of several, as a `List`). What
//! predates the rule is listed in [`NO_PLURAL`] and [`CHOICE_ENUMS`].

use std::fmt::Write as _;

use siteverify::{OptionKind, OptionSpec, OPTIONS};

use crate::text::{camel, continued, default_sentence, lower_camel, map_code, option, singular, wrap};

/// List options with an adder of one element only (and, in Spring, a
/// property of one element).
const NO_PLURAL: &[&str] = &["ca_pems", "ca_files"];

/// The enums of the choice options that have one (each constant the word in
/// capitals, `code()` its word, `fromCode` its inverse); any other choice
/// option takes its word as a `String`.
const CHOICE_ENUMS: &[(&str, &str)] = &[("fail_mode", "FailMode"), ("on_fail_open", "FailOpenPolicy")];

/// What the Java spelling adds to an option's documentation.
fn note(o: &OptionSpec) -> &'static str {
    match o.name {
        "secret" => "Never shown by {@code toString()} or in error messages.",
        _ => "",
    }
}

/// How Java spells an option.
pub struct Spelling {
    pub spec: &'static OptionSpec,
    /// The setter; a list option's adds one element.
    pub method: String,
    /// The setter's parameter type (a list's: of one element).
    pub param: &'static str,
    /// A list option's setter of several (`Iterable<param>`).
    pub plural: Option<String>,
    /// A choice option's enum.
    pub choice: Option<&'static str>,
}

pub fn spelling(o: &'static OptionSpec) -> Spelling {
    let choice = match o.kind {
        OptionKind::Choice(_) => CHOICE_ENUMS.iter().find(|(n, _)| *n == o.name).map(|(_, t)| *t),
        _ => None,
    };
    let param = match o.kind {
        OptionKind::TextList if o.name.ends_with("_files") => "Path",
        OptionKind::Text | OptionKind::TextList => "String",
        OptionKind::Bool => "boolean",
        OptionKind::Count => "int",
        OptionKind::Number => "double",
        OptionKind::Duration => "Duration",
        OptionKind::Choice(_) => choice.unwrap_or("String"),
    };
    let list = o.kind == OptionKind::TextList;
    Spelling {
        spec: o,
        method: lower_camel(if list { singular(o.name) } else { o.name }),
        param,
        plural: (list && !NO_PLURAL.contains(&o.name)).then(|| lower_camel(o.name)),
        choice,
    }
}

fn spellings() -> impl Iterator<Item = Spelling> {
    OPTIONS.iter().map(spelling)
}

/// Javadoc text: HTML's special characters escaped, names in backquotes
/// linked (another option's setter) or as code.
fn javadoc_text(doc: &str, code: impl Fn(&str) -> String) -> String {
    let escaped = doc.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    map_code(&escaped, code)
}

fn link(code: &str) -> String {
    match option(code) {
        Some(other) => {
            let s = spelling(other);
            format!("{{@link #{}({})}}", s.method, s.param)
        }
        None => format!("{{@code {code}}}"),
    }
}

/// A Javadoc comment at `indent` spaces: one line when it fits in 120
/// columns, else wrapped at 100.
fn javadoc(text: &str, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let one = format!("{pad}/** {text} */");
    if one.len() <= 120 {
        return one + "\n";
    }
    format!("{pad}/**\n{}{pad} */\n", wrap(text, 100, &format!("{pad} * ")))
}

/// The documentation of a setter: the core name, the core's doc, the
/// default, the enum's constants, the Java note.
fn setter_doc(s: &Spelling) -> String {
    let o = s.spec;
    let lead = if s.spec.kind == OptionKind::TextList {
        format!("{{@code {}}}, one more:", o.name)
    } else {
        format!("{{@code {}}}:", o.name)
    };
    let mut all = format!(
        "{lead} {} {}",
        continued(&javadoc_text(o.doc, link)),
        default_sentence(o)
    );
    if let (Some(e), OptionKind::Choice(words)) = (s.choice, o.kind) {
        let links: Vec<String> = words
            .iter()
            .map(|w| format!("{{@link {e}#{}}}", w.to_ascii_uppercase()))
            .collect();
        let _ = write!(all, " One of {}.", links.join(", "));
    }
    if !note(o).is_empty() {
        all.push(' ');
        all.push_str(note(o));
    }
    all
}

/// The option setters of the `SiteverifyClient.Builder` interface.
pub fn builder_interface(_: &crate::Vocab) -> String {
    let mut entries = Vec::new();
    for s in spellings() {
        let mut e = javadoc(&setter_doc(&s), 8);
        let _ = writeln!(e, "        Builder {}({} {});", s.method, s.param, s.method);
        if let Some(plural) = &s.plural {
            let _ = writeln!(
                e,
                "\n        /** {{@code {}}}, several more: see {{@link #{}({})}}. */",
                s.spec.name, s.method, s.param
            );
            let _ = writeln!(e, "        Builder {plural}(Iterable<{}> {plural});", s.param);
        }
        entries.push(e);
    }
    entries.join("\n")
}

/// The option setters of `ClientBuilder`, each recording a `ClientOption`
/// under the core's name (the core judges the value at `build()`).
pub fn builder_class(_: &crate::Vocab) -> String {
    let mut entries = Vec::new();
    for s in spellings() {
        let (name, v) = (s.spec.name, &s.method);
        let body = match s.spec.kind {
            OptionKind::Text | OptionKind::TextList if s.param == "Path" => {
                format!("text(\"{name}\", requireArg({v}, \"{name}\").toString())")
            }
            OptionKind::Text | OptionKind::TextList => format!("text(\"{name}\", {v})"),
            OptionKind::Choice(_) if s.choice.is_some() => {
                format!("text(\"{name}\", requireArg({v}, \"{name}\").code())")
            }
            OptionKind::Choice(_) => format!("text(\"{name}\", {v})"),
            OptionKind::Duration => format!("duration(\"{name}\", {v})"),
            OptionKind::Bool => format!("option(ClientOption.bool(\"{name}\", {v}))"),
            OptionKind::Count => format!("option(ClientOption.whole(\"{name}\", {v}))"),
            OptionKind::Number => format!("option(ClientOption.number(\"{name}\", {v}))"),
        };
        let mut e = String::new();
        let _ = writeln!(e, "    @Override");
        let _ = writeln!(e, "    public ClientBuilder {v}({} {v}) {{", s.param);
        let _ = writeln!(e, "        return {body};");
        let _ = writeln!(e, "    }}");
        if let Some(plural) = &s.plural {
            let _ = writeln!(e, "\n    @Override");
            let _ = writeln!(
                e,
                "    public ClientBuilder {plural}(Iterable<{}> {plural}) {{",
                s.param
            );
            let _ = writeln!(e, "        requireArg({plural}, \"{name}\").forEach(this::{v});");
            let _ = writeln!(e, "        return this;");
            let _ = writeln!(e, "    }}");
        }
        entries.push(e);
    }
    entries.join("\n")
}

/// A Spring property of the starter: its name, its type, its initial value.
struct Property {
    name: String,
    ty: String,
    init: &'static str,
}

fn property(s: &Spelling) -> Property {
    let boxed = match s.param {
        "boolean" => "Boolean",
        "int" => "Integer",
        "double" => "Double",
        // Spring binds the word; the auto-configuration reads it with fromCode.
        _ if s.choice.is_some() => "String",
        other => other,
    };
    match &s.plural {
        Some(plural) => Property {
            name: plural.clone(),
            ty: format!("List<{boxed}>"),
            init: " = new ArrayList<>()",
        },
        None => Property {
            name: s.method.clone(),
            ty: boxed.to_string(),
            init: "",
        },
    }
}

/// `retryBaseDelay` as `retry-base-delay`.
fn kebab(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// The option fields of `SiteverifyProperties`, documented from the core.
pub fn spring_fields(_: &crate::Vocab) -> String {
    let mut out = String::new();
    for s in spellings() {
        let p = property(&s);
        let text = format!(
            "{} {}",
            javadoc_text(s.spec.doc, |c| match option(c) {
                // Another option: its property, as a properties file spells it.
                Some(other) => format!("{{@code {}}}", kebab(&property(&spelling(other)).name)),
                None => format!("{{@code {c}}}"),
            }),
            default_sentence(s.spec)
        );
        out.push_str(&javadoc(&text, 4));
        let _ = writeln!(out, "    private {} {}{};", p.ty, p.name, p.init);
    }
    out
}

/// The getters and setters of those fields.
pub fn spring_accessors(_: &crate::Vocab) -> String {
    let mut entries = Vec::new();
    for s in spellings() {
        let p = property(&s);
        let (name, ty, cap) = (&p.name, &p.ty, camel(&p.name));
        entries.push(format!(
            "    public {ty} get{cap}() {{\n        return {name};\n    }}\n\n    public void set{cap}({ty} {name}) {{\n        this.{name} = {name};\n    }}\n"
        ));
    }
    entries.join("\n")
}

/// The auto-configuration's calls: each set property to its builder setter.
pub fn spring_apply(_: &crate::Vocab) -> String {
    let mut out = String::new();
    for s in spellings() {
        let p = property(&s);
        let get = format!("p.get{}()", camel(&p.name));
        let call = match (&s.plural, s.choice) {
            (Some(plural), _) => format!("b.{plural}({get})"),
            (None, Some(e)) => format!("b.{}({e}.fromCode({get}))", s.method),
            (None, None) => format!("b.{}({get})", s.method),
        };
        let _ = writeln!(out, "        if ({get} != null) {{\n            {call};\n        }}");
    }
    out
}

/// The option table of bindings-java/README.md: every option of the core
/// with its builder methods, its default and its documentation.
pub fn readme_table(_: &crate::Vocab) -> String {
    let mut out = String::from("| builder method | core name | default | what |\n|---|---|---|---|\n");
    for s in spellings() {
        let o = s.spec;
        let mut methods = format!("`{}({})`", s.method, s.param);
        if let Some(plural) = &s.plural {
            let _ = write!(methods, ", `{plural}(Iterable<{}>)`", s.param);
        }
        let mut what = map_code(o.doc, |code| match option(code) {
            Some(other) => {
                let other = spelling(other);
                format!("`{}({})`", other.method, other.param)
            }
            None => format!("`{code}`"),
        });
        if let (Some(e), OptionKind::Choice(words)) = (s.choice, o.kind) {
            let names: Vec<String> = words
                .iter()
                .map(|w| format!("`{e}.{}`", w.to_ascii_uppercase()))
                .collect();
            let _ = write!(what, " One of {}.", names.join(", "));
        }
        if !note(o).is_empty() {
            // The note is Javadoc; Markdown spells code in backquotes.
            let md = note(o).replace("{@code ", "`").replace('}', "`");
            let _ = write!(what, " {md}");
        }
        if o.kind == OptionKind::TextList {
            what.push_str(" Each call adds.");
        }
        let _ = writeln!(
            out,
            "| {} | `{}` | {} | {what} |",
            methods.replace('|', "\\|"),
            o.name,
            o.default
        );
    }
    out
}
