//! Java's FFM path (bindings-java/src/main/java22): the downcall handles of
//! `Native.java` and the function descriptors of `FfmBackend.java`, from the
//! prototypes and callback typedefs of include/siteverify.h, so that a
//! signature changed in ffi-c is a changed handle rather than a JVM crash.
//!
//! The rule: a header function `sv_client_verify` is the handle
//! `SV_CLIENT_VERIFY`, a callback typedef `sv_verify_callback` the descriptor
//! `SV_VERIFY_CALLBACK`. A file gets exactly those its own code names
//! (outside the generated blocks): to call a new function, write
//! `SV_NEW_FUNCTION.invokeExact(...)` and run `make vocab`. The `sv_testing_*`
//! functions go into the block of the `Native.Testing` class, linked on first
//! use only. C types map to layouts by [`layout`]; a type it does not know
//! stops the generator.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// A function of the header, or a function-pointer typedef.
pub struct CFunction {
    pub name: String,
    /// The return type's layout; `None` for `void`.
    pub ret: Option<&'static str>,
    pub params: Vec<&'static str>,
}

/// What the header declares, as FFM sees it.
pub struct Header {
    pub functions: Vec<CFunction>,
    pub callbacks: Vec<CFunction>,
}

/// What a typedef name stands for.
enum Typedef {
    /// `typedef struct sv_x sv_x;`: only usable behind a pointer.
    Opaque,
    /// `typedef int32_t sv_status;`
    Alias(String),
    /// `typedef void (*sv_cb)(...);`
    FunctionPointer,
}

/// The layout of a C type: its Java spelling in Native.java (`SIZE_T` is
/// Native's canonical `size_t`). `None` for `void`.
fn layout(ty: &str, typedefs: &BTreeMap<String, Typedef>) -> Result<Option<&'static str>, String> {
    if ty.contains('*') {
        return Ok(Some("ADDRESS"));
    }
    let bare = ty.strip_prefix("const ").unwrap_or(ty).trim();
    Ok(Some(match bare {
        "void" => return Ok(None),
        "bool" => "JAVA_BOOLEAN",
        "int16_t" | "uint16_t" => "JAVA_SHORT",
        "int32_t" | "uint32_t" => "JAVA_INT",
        "int64_t" | "uint64_t" => "JAVA_LONG",
        "size_t" | "uintptr_t" => "SIZE_T",
        "double" => "JAVA_DOUBLE",
        other => match typedefs.get(other) {
            Some(Typedef::Alias(target)) => {
                return layout(target, typedefs).and_then(|l| l.map(Some).ok_or(format!("`{other}` is void")))
            }
            Some(Typedef::FunctionPointer) => "ADDRESS",
            Some(Typedef::Opaque) => return Err(format!("the opaque `{other}` by value")),
            None => {
                return Err(format!(
                    "the C type `{other}`, which siteverify-vocab cannot map to a layout"
                ))
            }
        },
    }))
}

/// `const char *name` as (`const char *`, `name`): the last identifier is
/// the parameter's name, what precedes it its type.
fn split_declarator(decl: &str) -> (String, String) {
    let decl = decl.trim();
    let cut = decl
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .map_or(0, |i| i + 1);
    (decl[..cut].trim().to_string(), decl[cut..].to_string())
}

fn params(list: &str, typedefs: &BTreeMap<String, Typedef>, what: &str) -> Result<Vec<&'static str>, String> {
    let list = list.trim();
    if list == "void" || list.is_empty() {
        return Ok(Vec::new());
    }
    list.split(',')
        .map(|p| {
            let (ty, _) = split_declarator(p);
            layout(&ty, typedefs)
                .map_err(|e| format!("{what}: {e}"))?
                .ok_or_else(|| format!("{what}: a `void` parameter"))
        })
        .collect()
}

/// The declarations of the header: comments, preprocessor lines and the
/// `extern "C"` wrapper dropped, one declaration per `;`.
fn declarations(header: &str) -> Vec<String> {
    let mut text = String::new();
    let mut cplusplus = false;
    for line in header.lines() {
        let t = line.trim();
        if t.starts_with("#ifdef __cplusplus") {
            cplusplus = true;
        } else if cplusplus && t.starts_with("#endif") {
            cplusplus = false;
        } else if !cplusplus && !t.starts_with('#') && !t.starts_with("//") {
            text.push_str(line.split("//").next().unwrap_or_default());
            text.push(' ');
        }
    }
    // The file's leading block comment.
    while let Some(start) = text.find("/*") {
        let end = text[start..].find("*/").map_or(text.len(), |e| start + e + 2);
        text.replace_range(start..end, " ");
    }
    text.split(';')
        .map(|d| d.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|d| !d.is_empty())
        .collect()
}

/// Parses the prototypes and typedefs of include/siteverify.h (cbindgen's
/// regular output); an error names the declaration it cannot map.
pub fn parse(header: &str) -> Result<Header, String> {
    let decls = declarations(header);
    let mut typedefs = BTreeMap::new();
    let mut pointers = Vec::new();
    for d in &decls {
        let Some(rest) = d.strip_prefix("typedef ") else {
            continue;
        };
        if let Some(open) = rest.find("(*") {
            let close = rest[open..]
                .find(')')
                .map(|c| open + c)
                .ok_or(format!("cannot parse `{d}`"))?;
            let name = rest[open + 2..close].trim().to_string();
            typedefs.insert(name.clone(), Typedef::FunctionPointer);
            pointers.push((
                name,
                rest[..open].trim().to_string(),
                rest[close + 1..].trim().to_string(),
            ));
        } else if let Some(s) = rest.strip_prefix("struct ") {
            let (_, name) = split_declarator(s);
            typedefs.insert(name, Typedef::Opaque);
        } else {
            let (ty, name) = split_declarator(rest);
            typedefs.insert(name, Typedef::Alias(ty));
        }
    }
    let mut functions = Vec::new();
    for d in decls.iter().filter(|d| !d.starts_with("typedef ")) {
        let (Some(open), true) = (d.find('('), d.ends_with(')')) else {
            return Err(format!("cannot parse the declaration `{d}`"));
        };
        let (ret, name) = split_declarator(&d[..open]);
        let ret = layout(&ret, &typedefs).map_err(|e| format!("{name}: {e}"))?;
        let params = params(&d[open + 1..d.len() - 1], &typedefs, &name)?;
        functions.push(CFunction { name, ret, params });
    }
    let mut callbacks = Vec::new();
    for (name, ret, list) in pointers {
        let list = list
            .strip_prefix('(')
            .and_then(|l| l.strip_suffix(')'))
            .unwrap_or(&list);
        let ret = layout(&ret, &typedefs).map_err(|e| format!("{name}: {e}"))?;
        let params = params(list, &typedefs, &name)?;
        callbacks.push(CFunction { name, ret, params });
    }
    Ok(Header { functions, callbacks })
}

/// The `SV_*` names a Java file's own code uses: outside every generated
/// block, not qualified by `Abi.` (the C constants share the prefix).
fn used_names(file: &str) -> BTreeSet<String> {
    let mut used = BTreeSet::new();
    let mut inside = false;
    for line in file.lines() {
        if line.contains("BEGIN GENERATED ") {
            inside = true;
        } else if line.contains("END GENERATED ") {
            inside = false;
        } else if !inside {
            let mut rest = line;
            while let Some(i) = rest.find("SV_") {
                let before = rest[..i].chars().last();
                let len = rest[i..]
                    .find(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
                    .unwrap_or(rest.len() - i);
                let qualified = rest[..i].ends_with("Abi.");
                if !qualified && !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
                    used.insert(rest[i..i + len].to_string());
                }
                rest = &rest[i + len..];
            }
        }
    }
    used
}

fn java_file(v: &crate::Vocab, file: &str) -> BTreeSet<String> {
    let path = v.root.join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", Path::new(file).display()));
    used_names(&text)
}

const NATIVE: &str = "bindings-java/src/main/java22/org/siteverify/Native.java";
const FFM_BACKEND: &str = "bindings-java/src/main/java22/org/siteverify/FfmBackend.java";

/// `private static final MethodHandle SV_X = fn("sv_x", RET, ARGS...);`, in
/// lines of at most 120 characters.
fn statement(indent: &str, decl: &str, value: &str) -> String {
    let one = format!("{indent}{decl} = {value};\n");
    if one.len() <= 121 {
        one
    } else {
        format!("{indent}{decl} =\n{indent}        {value};\n")
    }
}

fn handles(v: &crate::Vocab, testing: bool, indent: &str) -> String {
    let used = java_file(v, NATIVE);
    let mut out = String::new();
    for f in &v.header.functions {
        let handle = f.name.to_ascii_uppercase();
        if !used.contains(&handle) || f.name.starts_with("sv_testing_") != testing {
            continue;
        }
        let mut args = vec![format!("\"{}\"", f.name), f.ret.unwrap_or("null").to_string()];
        args.extend(f.params.iter().map(|p| p.to_string()));
        out += &statement(
            indent,
            &format!("private static final MethodHandle {handle}"),
            &format!("fn({})", args.join(", ")),
        );
    }
    out
}

/// Native's downcall handles of the functions it calls.
pub fn native_handles(v: &crate::Vocab) -> String {
    handles(v, false, "    ")
}

/// The `sv_testing_*` handles, in `Native.Testing`.
pub fn testing_handles(v: &crate::Vocab) -> String {
    handles(v, true, "        ")
}

/// FfmBackend's function descriptors: the ABI check's (linked before
/// Native may be) and the upcalls'.
pub fn backend_descriptors(v: &crate::Vocab) -> String {
    let used = java_file(v, FFM_BACKEND);
    let mut out = String::new();
    for f in v.header.functions.iter().chain(&v.header.callbacks) {
        let name = f.name.to_ascii_uppercase();
        if !used.contains(&name) {
            continue;
        }
        let params = f.params.join(", ");
        let value = match f.ret {
            Some(ret) if params.is_empty() => format!("FunctionDescriptor.of({ret})"),
            Some(ret) => format!("FunctionDescriptor.of({ret}, {params})"),
            None => format!("FunctionDescriptor.ofVoid({params})"),
        };
        out += &statement("        ", &format!("static final FunctionDescriptor {name}"), &value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "#define SV_OK 0\n\
        typedef struct sv_client sv_client;\n\
        typedef int32_t sv_status;\n\
        // A callback.\n\
        typedef void (*sv_cb)(void *userdata,\n    sv_status status);\n\
        #ifdef __cplusplus\nextern \"C\" {\n#endif // __cplusplus\n\
        // Verifies.\n\
        sv_status sv_client_verify(const sv_client *client,\n    const char *token,\n    size_t token_len);\n\
        uint16_t sv_status_code(void);\n\
        void sv_client_free(const sv_client *client);\n\
        #ifdef __cplusplus\n}  // extern \"C\"\n#endif  // __cplusplus\n";

    #[test]
    fn parses_wrapped_prototypes_and_typedefs() {
        let h = parse(HEADER).unwrap();
        let f: Vec<_> = h
            .functions
            .iter()
            .map(|f| (f.name.as_str(), f.ret, f.params.clone()))
            .collect();
        assert_eq!(
            f,
            [
                (
                    "sv_client_verify",
                    Some("JAVA_INT"),
                    vec!["ADDRESS", "ADDRESS", "SIZE_T"]
                ),
                ("sv_status_code", Some("JAVA_SHORT"), vec![]),
                ("sv_client_free", None, vec!["ADDRESS"]),
            ]
        );
        assert_eq!(h.callbacks[0].name, "sv_cb");
        assert_eq!(h.callbacks[0].params, ["ADDRESS", "JAVA_INT"]);
    }

    #[test]
    fn an_unknown_type_is_an_error() {
        let e = parse("float sv_ratio(void);").err().unwrap();
        assert!(e.contains("sv_ratio") && e.contains("float"), "{e}");
        let e = parse("typedef struct sv_x sv_x;\nvoid sv_take(sv_x x);").err().unwrap();
        assert!(e.contains("opaque"), "{e}");
    }

    #[test]
    fn uses_outside_blocks_only_and_not_the_constants() {
        let java = "a = SV_CLIENT_FREE.invokeExact(x);\nif (s != Abi.SV_OK) {}\n\
            // BEGIN GENERATED java-downcalls\nSV_STALE\n// END GENERATED java-downcalls\nXSV_NOT";
        let used: Vec<_> = used_names(java).into_iter().collect();
        assert_eq!(used, ["SV_CLIENT_FREE"]);
    }
}
