#!/usr/bin/env python3
"""The C reference: one HTML page from include/siteverify.h, whose comments are the source.

Every declaration (macro, type, function) with the `//` comment block above it, grouped as
the header groups them. Fails if a public function has no comment, so the header cannot
grow an undocumented entry point.

Usage: c_reference.py include/siteverify.h OUT.html
"""
import html
import re
import sys


def declarations(text):
    """Yields (kind, name, comment, code) for each top-level declaration."""
    comment = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("/*"):
            while "*/" not in lines[i]:
                i += 1
            i += 1
            continue
        if line.startswith("//"):
            comment.append(line[2:].strip())
            i += 1
            continue
        if not line.strip() or line.startswith(("#if", "#endif", "#include", "}", "extern", "#ifndef")):
            comment = [] if not line.strip() else comment
            i += 1
            continue
        start = i
        if line.startswith("#define"):
            code = line
        else:
            while not lines[i].rstrip().endswith(";"):
                i += 1
            code = "\n".join(lines[start:i + 1])
        i += 1
        name = None
        kind = "function"
        m = re.match(r"#define (\w+)", code)
        if m:
            kind, name = "macro", m.group(1)
        elif code.startswith("typedef"):
            kind = "type"
            m = re.search(r"(\w+)\s*;$", code) or re.search(r"\(\*(\w+)\)", code)
            m2 = re.search(r"\(\*(\w+)\)", code)
            name = (m2 or m).group(1)
        else:
            m = re.search(r"(\w+)\(", code)
            name = m.group(1) if m else None
        if name and name not in ("SITEVERIFY_H",):
            yield kind, name, " ".join(comment), code
        comment = []


def main():
    src, out = sys.argv[1], sys.argv[2]
    decls = list(declarations(open(src).read()))
    undocumented = [n for k, n, c, _ in decls if k == "function" and not c]
    if undocumented:
        sys.exit("c_reference: undocumented functions: " + ", ".join(undocumented))
    parts = [
        "<!doctype html><meta charset=utf-8><title>siteverify C reference</title>",
        "<style>body{font:15px/1.5 system-ui;max-width:60rem;margin:2rem auto}pre{background:#f5f5f5;"
        "padding:.5rem;overflow:auto}h3{margin-bottom:0}</style>",
        "<h1>libsiteverify: the C ABI</h1>",
        "<p>Generated from <code>include/siteverify.h</code>; see include/README.md for ownership, threads "
        "and the status table.</p>",
    ]
    for kind in ("type", "function", "macro"):
        parts.append(f"<h2>{kind.capitalize()}s</h2>")
        for k, name, comment, code in decls:
            if k != kind:
                continue
            parts.append(f"<h3 id={name}>{html.escape(name)}</h3><pre>{html.escape(code)}</pre>"
                         f"<p>{html.escape(comment)}</p>")
    open(out, "w").write("\n".join(parts))
    print(f"c_reference: {sum(1 for d in decls if d[0] == 'function')} functions, "
          f"{sum(1 for d in decls if d[0] == 'type')} types, {sum(1 for d in decls if d[0] == 'macro')} macros")


if __name__ == "__main__":
    main()
