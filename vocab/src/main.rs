//! Generates the parts of each binding that repeat the core's vocabulary, so
//! that none of them is copied by hand:
//!
//! - reason codes, from `siteverify::Reason::ALL` (Go, Python stubs, Node,
//!   Java, the C ABI's constants, from which cbindgen writes the header);
//! - the keyword arguments of the Python stubs' `Client(...)`, from
//!   `siteverify::OPTIONS`;
//! - the C header's integer constants, for PHP and Java, whose FFI cannot
//!   read `#define`s;
//! - the option tables of the READMEs, from `siteverify::OPTIONS`;
//! - the names of the events' log levels, from `siteverify::EventLevel::ALL`
//!   (Go, Node, Java; each binding maps the names to its logging library's
//!   levels, the core decides which event gets which);
//! - Go's `Config` option fields and the code handing them to the core
//!   ([`go`]), Java's builder setters and the Spring Boot starter's
//!   properties ([`java`]), the C ABI's typed setters ([`c`]), from
//!   `siteverify::OPTIONS`;
//! - Java's FFM downcall handles and function descriptors, from the
//!   header's prototypes ([`ffm`]).
//!
//! Each language's module states the rule by which a new option is spelled
//! there, and lists the spellings older than the rule.
//!
//! Each generated part sits between `BEGIN GENERATED <block>` and
//! `END GENERATED <block>` marker lines in its file.
//!
//! ```text
//! siteverify-vocab write   # rewrite every block
//! siteverify-vocab check   # exit 1 and print the stale blocks
//! ```
//!
//! `make vocab` writes; `make test` checks. The header depends on
//! ffi-c's constants and setters, and the PHP and Java constants and Java's
//! downcalls on the header, so `make vocab` runs it before regenerating the
//! header and runs it again after.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use siteverify::{EventLevel, OptionKind, OptionSpec, Reason, OPTIONS};

mod c;
mod ffm;
mod go;
mod java;
mod text;

use text::camel;

struct Block {
    file: &'static str,
    name: &'static str,
    /// The line prefix of the markers (a comment in the file's language).
    comment: &'static str,
    render: fn(&Vocab) -> String,
}

const BLOCKS: &[Block] = &[
    Block {
        file: "ffi-c/src/outcome.rs",
        name: "reasons",
        comment: "//",
        render: c_reasons,
    },
    Block {
        file: "bindings-go/outcome.go",
        name: "reasons",
        comment: "\t//",
        render: go_reasons,
    },
    Block {
        file: "bindings-python/python/siteverify/_native.pyi",
        name: "reasons",
        comment: "#",
        render: python_reasons,
    },
    Block {
        file: "bindings-python/python/siteverify/_native.pyi",
        name: "options",
        comment: "        #",
        render: python_options,
    },
    Block {
        file: "bindings-node/src/outcome.rs",
        name: "reasons",
        comment: "    //",
        render: node_reasons,
    },
    Block {
        file: "bindings-node/src/events.rs",
        name: "event-levels",
        comment: "    //",
        render: node_event_levels,
    },
    Block {
        file: "bindings-go/events.go",
        name: "event-levels",
        comment: "\t//",
        render: go_event_levels,
    },
    Block {
        file: "bindings-java/src/main/java/org/siteverify/EventLevel.java",
        name: "event-levels",
        comment: "    //",
        render: java_event_levels,
    },
    Block {
        file: "bindings-node/src/options.rs",
        name: "node-options",
        comment: "    //",
        render: node_options,
    },
    Block {
        file: "bindings-node/README.md",
        name: "node-options",
        comment: "<!--",
        render: node_options_table,
    },
    Block {
        file: "bindings-java/src/main/java/org/siteverify/Reason.java",
        name: "reasons",
        comment: "    //",
        render: java_reasons,
    },
    Block {
        file: "bindings-java/src/main/java/org/siteverify/Abi.java",
        name: "c-constants",
        comment: "    //",
        render: java_constants,
    },
    Block {
        file: "bindings-java/src/main/java22/org/siteverify/Native.java",
        name: "java-downcalls",
        comment: "    //",
        render: ffm::native_handles,
    },
    Block {
        file: "bindings-java/src/main/java22/org/siteverify/Native.java",
        name: "java-downcalls-testing",
        comment: "        //",
        render: ffm::testing_handles,
    },
    Block {
        file: "bindings-java/src/main/java22/org/siteverify/FfmBackend.java",
        name: "java-descriptors",
        comment: "        //",
        render: ffm::backend_descriptors,
    },
    Block {
        file: "bindings-php/src/Abi.php",
        name: "c-constants",
        comment: "    //",
        render: php_constants,
    },
    Block {
        file: "README.md",
        name: "options",
        comment: "<!--",
        render: options_table,
    },
    Block {
        file: "bindings-go/config.go",
        name: "go-config",
        comment: "\t//",
        render: go::config_fields,
    },
    Block {
        file: "bindings-go/config.go",
        name: "go-config-view",
        comment: "\t//",
        render: go::view_fields,
    },
    Block {
        file: "bindings-go/config.go",
        name: "go-config-view-values",
        comment: "\t\t//",
        render: go::view_values,
    },
    Block {
        file: "bindings-go/options.go",
        name: "go-options",
        comment: "\t//",
        render: go::options,
    },
    Block {
        file: "bindings-java/src/main/java/org/siteverify/SiteverifyClient.java",
        name: "java-builder",
        comment: "        //",
        render: java::builder_interface,
    },
    Block {
        file: "bindings-java/src/main/java/org/siteverify/ClientBuilder.java",
        name: "java-builder",
        comment: "    //",
        render: java::builder_class,
    },
    Block {
        file: "bindings-java/spring-boot-starter/src/main/java/org/siteverify/spring/SiteverifyProperties.java",
        name: "spring-properties",
        comment: "    //",
        render: java::spring_fields,
    },
    Block {
        file: "bindings-java/spring-boot-starter/src/main/java/org/siteverify/spring/SiteverifyProperties.java",
        name: "spring-accessors",
        comment: "    //",
        render: java::spring_accessors,
    },
    Block {
        file: "bindings-java/spring-boot-starter/src/main/java/org/siteverify/spring/SiteverifyAutoConfiguration.java",
        name: "spring-options",
        comment: "        //",
        render: java::spring_apply,
    },
    Block {
        file: "bindings-go/README.md",
        name: "go-options",
        comment: "<!--",
        render: go::readme_table,
    },
    Block {
        file: "bindings-java/README.md",
        name: "java-options",
        comment: "<!--",
        render: java::readme_table,
    },
    Block {
        file: "ffi-c/src/builder.rs",
        name: "c-setters",
        comment: "//",
        render: c::setters,
    },
];

struct Vocab {
    /// `#define NAME VALUE` lines of include/siteverify.h, in order.
    defines: Vec<(String, String)>,
    /// Its prototypes and callback typedefs.
    header: ffm::Header,
    /// The repository, for the blocks that depend on their file's own code.
    root: PathBuf,
}

fn upper_snake(code: &str) -> String {
    code.replace('-', "_").to_ascii_uppercase()
}

fn c_reasons(_: &Vocab) -> String {
    let mut out = String::new();
    for (i, r) in Reason::ALL.iter().enumerate() {
        let _ = writeln!(out, "/// {}", r.doc());
        let _ = writeln!(out, "pub const SV_REASON_{}: i32 = {i};", upper_snake(r.as_str()));
    }
    out
}

fn go_reasons(_: &Vocab) -> String {
    // gofmt aligns a const block's columns; do the same so `gofmt -l` stays quiet.
    let names: Vec<String> = Reason::ALL
        .iter()
        .map(|r| format!("Reason{}", camel(r.as_str()).replace("Tls", "TLS")))
        .collect();
    let width = names.iter().map(String::len).max().unwrap_or(0);
    let mut out = String::new();
    for (name, r) in names.iter().zip(Reason::ALL) {
        let _ = writeln!(out, "\t{name:width$} Reason = \"{}\"", r.as_str());
    }
    out
}

fn python_reasons(_: &Vocab) -> String {
    let mut out = String::from("_ReasonCode: TypeAlias = Literal[\n");
    for r in Reason::ALL {
        let _ = writeln!(out, "    \"{}\",", r.as_str());
    }
    out.push_str("]\n");
    out
}

/// The keyword arguments of `Client(...)` in the stub (the native module
/// takes them as `**options` and hands them to the core by name).
fn python_options(_: &Vocab) -> String {
    let mut out = String::new();
    for o in OPTIONS {
        let ty = match (o.name, o.kind) {
            ("ca_pems", _) => "_Pems",
            ("ca_files", _) => "_Paths",
            (_, OptionKind::TextList) => "_StrOrStrs",
            (_, OptionKind::Text | OptionKind::Choice(_)) => "str",
            (_, OptionKind::Bool) => "bool",
            (_, OptionKind::Count) => "int",
            (_, OptionKind::Number) => "float",
            (_, OptionKind::Duration) => "_Seconds",
        };
        if o.name == "secret" {
            out.push_str("        secret: str,\n");
        } else {
            let _ = writeln!(out, "        {}: Optional[{ty}] = None,", o.name);
        }
    }
    out
}

fn node_reasons(_: &Vocab) -> String {
    let mut out = String::new();
    for r in Reason::ALL {
        let _ = writeln!(out, "    /// {}", r.doc());
        let _ = writeln!(out, "    {},", camel(r.as_str()));
    }
    out
}

fn node_event_levels(_: &Vocab) -> String {
    let mut out = String::new();
    for l in EventLevel::ALL {
        let _ = writeln!(out, "    /// {}", l.doc());
        let _ = writeln!(out, "    {},", camel(l.as_str()));
    }
    out
}

fn go_event_levels(_: &Vocab) -> String {
    let names: Vec<String> = EventLevel::ALL
        .iter()
        .map(|l| format!("EventLevel{}", camel(l.as_str())))
        .collect();
    let width = names.iter().map(String::len).max().unwrap_or(0);
    let mut out = String::new();
    for (name, l) in names.iter().zip(EventLevel::ALL) {
        let _ = writeln!(out, "\t{name:width$} EventLevel = \"{}\"", l.as_str());
    }
    out
}

fn java_event_levels(_: &Vocab) -> String {
    let mut out = String::new();
    for l in EventLevel::ALL {
        let _ = writeln!(out, "    /** {} */", l.doc());
        let _ = writeln!(out, "    {}(\"{}\"),", upper_snake(l.as_str()), l.as_str());
    }
    out
}

/// Node's spelling of an option: camelCase, a duration with its unit
/// (milliseconds, but seconds for `max_age`), as bindings-node/src/options.rs
/// reads it; its tests check the two agree.
fn node_key(o: &OptionSpec) -> String {
    let key = text::lower_camel(o.name);
    match o.kind {
        OptionKind::Duration if text::in_seconds(o) => key + "Seconds",
        OptionKind::Duration => key + "Ms",
        _ => key,
    }
}

/// The TypeScript type of a Node option.
fn node_ts_type(o: &OptionSpec) -> String {
    match o.kind {
        OptionKind::Text => "string".into(),
        // A PEM may come as the Buffer `fs.readFileSync` gives.
        OptionKind::TextList if o.name == "ca_pems" => "string | Buffer | Array<string | Buffer>".into(),
        OptionKind::TextList => "string | Array<string>".into(),
        OptionKind::Bool => "boolean".into(),
        OptionKind::Count | OptionKind::Number | OptionKind::Duration => "number".into(),
        OptionKind::Choice(words) => words.iter().map(|w| format!("'{w}'")).collect::<Vec<_>>().join(" | "),
    }
}

fn node_unit(o: &OptionSpec) -> &'static str {
    match o.kind {
        OptionKind::Duration if text::in_seconds(o) => " In seconds.",
        OptionKind::Duration => " In milliseconds.",
        _ => "",
    }
}

/// The fields of `ClientOptions` (napi camelCases `timeout_ms` to `timeoutMs`).
fn node_options(_: &Vocab) -> String {
    let mut out = String::new();
    for o in OPTIONS {
        let key = node_key(o);
        let mut field = String::new();
        for c in key.chars() {
            if c.is_ascii_uppercase() {
                field.push('_');
            }
            field.push(c.to_ascii_lowercase());
        }
        let required = o.default == "(required)";
        let rust_type = match o.kind {
            OptionKind::Text | OptionKind::Choice(_) => "String",
            OptionKind::TextList => "Vec<String>",
            OptionKind::Bool => "bool",
            OptionKind::Count => "u32",
            OptionKind::Number | OptionKind::Duration => "f64",
        };
        let rust_type = if required {
            rust_type.to_string()
        } else {
            format!("Option<{rust_type}>")
        };
        let default = if required {
            String::new()
        } else {
            format!(" Default: {}.", o.default)
        };
        let _ = writeln!(out, "    /// {}{}{default}", o.doc, node_unit(o));
        let _ = writeln!(out, "    #[napi(ts_type = \"{}\")]", node_ts_type(o));
        let _ = writeln!(out, "    pub {field}: {rust_type},");
    }
    out
}

/// The option table of bindings-node/README.md.
fn node_options_table(_: &Vocab) -> String {
    let mut out = String::from("| option | type | default | meaning |\n|---|---|---|---|\n");
    let names: Vec<String> = siteverify::Provider::ALL
        .iter()
        .map(|p| format!("'{}'", p.as_str()))
        .collect();
    let _ = writeln!(
        out,
        "| `provider` | `{}` | (required) | The provider (`'procaptcha'`, `'gkcaptcha'` are accepted too). |",
        names.join(" \\| ")
    );
    for o in OPTIONS {
        let ts = node_ts_type(o).replace('|', "\\|");
        let _ = writeln!(
            out,
            "| `{}` | `{ts}` | {} | {}{} |",
            node_key(o),
            o.default,
            o.doc,
            node_unit(o)
        );
    }
    out
}

fn java_reasons(_: &Vocab) -> String {
    let mut out = String::new();
    for r in Reason::ALL {
        let name = upper_snake(r.as_str());
        let _ = writeln!(out, "    /** {} */", r.doc());
        let _ = writeln!(out, "    {name}(Abi.SV_REASON_{name}, \"{}\"),", r.as_str());
    }
    out
}

/// Integer constants of the header, grouped as the header groups them.
fn int_defines(v: &Vocab) -> Vec<(&str, &str)> {
    v.defines
        .iter()
        .filter(|(_, value)| value.parse::<i64>().is_ok())
        .map(|(n, value)| (n.as_str(), value.as_str()))
        .collect()
}

fn group(name: &str) -> &str {
    let rest = name.strip_prefix("SV_").unwrap_or(name);
    ["PROVIDER", "FAIL_MODE", "FAIL_OPEN", "REASON", "VERSION", "ABI"]
        .into_iter()
        .find(|g| rest.starts_with(g))
        .unwrap_or("STATUS")
}

fn grouped(v: &Vocab, line: impl Fn(&str, &str) -> String) -> String {
    let mut out = String::new();
    let mut last = "";
    for (name, value) in int_defines(v) {
        let g = group(name);
        if !last.is_empty() && g != last && !(last == "VERSION" && g == "ABI") {
            out.push('\n');
        }
        last = g;
        out.push_str(&line(name, value));
    }
    out
}

fn java_constants(v: &Vocab) -> String {
    grouped(v, |name, value| format!("    static final int {name} = {value};\n"))
}

fn php_constants(v: &Vocab) -> String {
    let version = v
        .defines
        .iter()
        .find(|(n, _)| n == "SV_VERSION")
        .map(|(_, value)| value.trim_matches('"').to_string())
        .expect("SV_VERSION in the header");
    let mut out = format!("    public const VERSION = '{version}';\n");
    out += &grouped(v, |name, value| {
        format!(
            "    public const {} = {value};\n",
            name.strip_prefix("SV_").unwrap_or(name)
        )
    });
    out
}

fn options_table(_: &Vocab) -> String {
    let mut out = String::from("| option | type | default | what |\n|---|---|---|---|\n");
    for o in OPTIONS {
        let kind = match o.kind {
            OptionKind::Text => "text".to_string(),
            OptionKind::TextList => "list of text".to_string(),
            OptionKind::Bool => "boolean".to_string(),
            OptionKind::Count => "whole number".to_string(),
            OptionKind::Number => "number".to_string(),
            OptionKind::Duration => "duration".to_string(),
            OptionKind::Choice(words) => words.iter().map(|w| format!("`{w}`")).collect::<Vec<_>>().join(" / "),
        };
        let _ = writeln!(out, "| `{}` | {kind} | {} | {} |", o.name, o.default, o.doc);
    }
    out
}

fn markers(block: &Block) -> (String, String) {
    let close = if block.comment == "<!--" { " -->" } else { "" };
    (
        format!(
            "{} BEGIN GENERATED {} (siteverify-vocab; edit core/, then `make vocab`){close}",
            block.comment, block.name
        ),
        format!("{} END GENERATED {}{close}", block.comment, block.name),
    )
}

/// The file's text with the block replaced, or an error naming what is missing.
fn regenerate(text: &str, block: &Block, body: &str) -> Result<String, String> {
    let (begin, end) = markers(block);
    let begin_tag = format!("BEGIN GENERATED {} ", block.name);
    let end_tag = format!("END GENERATED {}", block.name);
    let start = text
        .lines()
        .position(|l| l.contains(&begin_tag))
        .ok_or_else(|| format!("{}: no `{begin}` line", block.file))?;
    let stop = text
        .lines()
        .position(|l| l.trim_end().ends_with(&end_tag) || l.contains(&format!("{end_tag} ")))
        .filter(|&s| s > start)
        .ok_or_else(|| format!("{}: no `{end}` line after the begin marker", block.file))?;
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::new();
    for l in &lines[..start] {
        out.push_str(l);
        out.push('\n');
    }
    out.push_str(&begin);
    out.push('\n');
    out.push_str(body);
    out.push_str(&end);
    out.push('\n');
    for l in &lines[stop + 1..] {
        out.push_str(l);
        out.push('\n');
    }
    if !text.ends_with('\n') {
        out.pop();
    }
    Ok(out)
}

fn read_defines(header: &str) -> Vec<(String, String)> {
    header
        .lines()
        .filter_map(|l| l.strip_prefix("#define "))
        .filter_map(|l| l.split_once(' '))
        .filter(|(n, _)| n.starts_with("SV_"))
        .map(|(n, v)| (n.to_string(), v.trim().to_string()))
        .collect()
}

fn main() -> ExitCode {
    let mode = std::env::args().nth(1).unwrap_or_default();
    if mode != "write" && mode != "check" {
        eprintln!("usage: siteverify-vocab write|check");
        return ExitCode::from(2);
    }
    let root: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let header = std::fs::read_to_string(root.join("include/siteverify.h")).expect("include/siteverify.h");
    let vocab = Vocab {
        defines: read_defines(&header),
        header: match ffm::parse(&header) {
            Ok(h) => h,
            Err(e) => {
                eprintln!("siteverify-vocab: include/siteverify.h: {e}");
                return ExitCode::FAILURE;
            }
        },
        root: root.clone(),
    };
    let mut stale = 0;
    for block in BLOCKS {
        let path = root.join(block.file);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", block.file));
        let fresh = match regenerate(&text, block, &(block.render)(&vocab)) {
            Ok(fresh) => fresh,
            Err(e) => {
                eprintln!("siteverify-vocab: {e}");
                return ExitCode::FAILURE;
            }
        };
        if fresh == text {
            continue;
        }
        if mode == "write" {
            std::fs::write(&path, fresh).unwrap_or_else(|e| panic!("{}: {e}", block.file));
            println!("siteverify-vocab: wrote {} in {}", block.name, block.file);
        } else {
            stale += 1;
            eprintln!(
                "siteverify-vocab: {} in {} is stale; run `make vocab`",
                block.name, block.file
            );
        }
    }
    if stale > 0 {
        return ExitCode::FAILURE;
    }
    if mode == "check" {
        println!("siteverify-vocab: every generated block matches the core");
    }
    ExitCode::SUCCESS
}
