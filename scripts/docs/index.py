#!/usr/bin/env python3
"""target/docs/index.html: links every reference that was built, with the README's quick starts;
target/docs/fail-modes.html: the README's fail-mode and observability sections.

Both are README.md's own Markdown, rendered with Python-Markdown (scripts/docs/requirements.txt,
in target/docs-venv), so they say exactly what the README says. A relative link of the README
(`bindings-go/README.md`) is rewritten to point into the repository from target/docs/.
A section that is no longer where this script looks for it fails the build.

Usage: index.py OUT_DIR   (run by scripts/docs/build.sh)
"""
import os
import re
import sys

import markdown

out = sys.argv[1]
root = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
with open(os.path.join(root, "README.md"), encoding="utf-8") as f:
    readme = f.read()
# From target/docs/ (or wherever OUT is) back to the repository, for the README's relative links.
to_root = os.path.relpath(root, os.path.abspath(out))

STYLE = """<style>
body{font:15px/1.55 system-ui,sans-serif;max-width:62rem;margin:2rem auto;padding:0 1rem;color:#222}
pre{background:#f5f5f5;padding:.6rem;overflow:auto}code{font-size:90%}
table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #ccc;padding:.25rem .5rem;vertical-align:top}
th{background:#f0f0f0;text-align:left}nav a{margin-right:1rem}h2{border-bottom:1px solid #ddd}
</style>"""


def section(title_re, until_re, what):
    m = re.search(rf"^(## {title_re}.*?)(?=^## {until_re})", readme, re.S | re.M)
    if not m:
        sys.exit(f"index.py: README.md has no section {what} any more: update scripts/docs/index.py")
    return m.group(1)


def render(md_text):
    html = markdown.markdown(md_text, extensions=["tables", "fenced_code", "toc", "sane_lists"],
                             output_format="html")

    def fix(m):
        href = m.group(2)
        if re.match(r"^(#|[a-z][a-z0-9+.-]*:|/)", href):
            return m.group(0)
        return f'{m.group(1)}{to_root}/{href}"'

    return re.sub(r'(href=")([^"]*)"', fix, html)


def write(name, title, body):
    with open(os.path.join(out, name), "w", encoding="utf-8") as f:
        f.write(page(title, body))


def page(title, body):
    return (f"<!doctype html><html lang=en><meta charset=utf-8><title>{title}</title>{STYLE}"
            f'<nav><a href="index.html">siteverify reference</a><a href="fail-modes.html">choosing a fail mode</a></nav>'
            f"{body}</html>\n")


refs = [
    ("Rust", "rust/siteverify/index.html", "rustdoc: the siteverify crate"),
    ("Rust: OpenTelemetry metrics", "rust/siteverify_opentelemetry/index.html", "rustdoc"),
    ("Rust: the mock provider", "rust/siteverify_mock/index.html", "rustdoc"),
    ("C (libsiteverify)", "c/index.html", "from include/siteverify.h's comments"),
    ("Python", "python/index.html", "pdoc: the siteverify package, its native module's docstrings and stubs"),
    ("Node (TypeScript types)", "node/index.html", "TypeDoc: index.d.ts, express.d.ts, fastify.d.ts"),
    ("Go", "go/index.html", "go doc -all of each package"),
    ("Java (Javadoc)", "java/index.html", "Javadoc of org.siteverify"),
    ("PHP", "php/index.html", "from the docblocks of src/"),
]
items = [f'<li><a href="{path}">{name}</a>: {what}</li>'
         for name, path, what in refs if os.path.exists(os.path.join(out, path))]
quick = re.findall(r"^(## Quick start: .*?)(?=^## )", readme, re.S | re.M)
if not quick:
    sys.exit("index.py: README.md has no '## Quick start:' sections any more")
languages = section("Languages", r"Quick start", "'## Languages'")
intro = readme.split("\n## ", 1)[0].split("\n", 1)[1]  # below the title, above the first section

body = (
    "<h1>siteverify</h1>" + render(intro)
    + "<p><strong>Choosing a fail mode</strong> is the decision users get wrong most: "
    + '<a href="fail-modes.html">fail modes, the outage-aware open mode, who can cause each provider '
    + "answer, and the alert rules</a>.</p>"
    + f"<h2>References</h2><ul>{''.join(items)}</ul>"
    + render(languages)
    + "".join(render(q) for q in quick)
    + render("Each binding's README has its own quick start: "
             + ", ".join(f"[{n}](bindings-{d}/README.md)"
                         for n, d in [("Python", "python"), ("Node", "node"), ("Go", "go"),
                                      ("PHP", "php"), ("Java", "java")])
             + "; the C one is [include/README.md](include/README.md).")
)
write("index.html", "siteverify reference", body)

fail = section(r"Fail mode:", r"Defaults", "'## Fail mode:'")
obs = section(r"Observability", r"Forks", "'## Observability'")
body = ("<h1>siteverify: choosing a fail mode</h1><p>From README.md: what happens when the provider "
        "cannot answer, who can cause each provider's answer, and what to alert on.</p>"
        + render(fail) + render(obs))
write("fail-modes.html", "siteverify: choosing a fail mode", body)
print(f"index: {len(items)} references, {len(quick)} quick starts; fail-modes.html")
