#!/usr/bin/env python3
"""target/docs/index.html: links every reference that was built, with the quick starts."""
import html
import os
import re
import sys

out = sys.argv[1]
root = os.path.join(os.path.dirname(__file__), "..", "..")
readme = open(os.path.join(root, "README.md")).read()
refs = [
    ("rust", "Rust", "rust/siteverify/index.html"),
    ("c", "C (libsiteverify)", "c/index.html"),
    ("python", "Python", "python/index.html"),
    ("node", "Node (TypeScript types)", "node/index.html"),
    ("go", "Go", "go/index.html"),
    ("java", "Java (Javadoc)", "java/index.html"),
    ("php", "PHP", "php/index.html"),
]
items = [f'<li><a href="{path}">{name}</a></li>' for d, name, path in refs if os.path.exists(os.path.join(out, path))]
# The README's quick starts, as they are (the tests run them).
quick = re.findall(r"## Quick start: (\w+)\n(.*?)(?=\n## )", readme, re.S)
sections = "".join(f"<h3>{html.escape(t)}</h3><pre>{html.escape(body.strip())}</pre>" for t, body in quick)
page = f"""<!doctype html><meta charset=utf-8><title>siteverify reference</title>
<style>body{{font:15px/1.5 system-ui;max-width:60rem;margin:2rem auto}}pre{{background:#f5f5f5;padding:.5rem;overflow:auto}}</style>
<h1>siteverify</h1><p>Server-side CAPTCHA verification, one Rust core for every language.
Choosing a fail mode: <a href="fail-modes.html">fail modes, the outage-aware open mode and who can cause each provider answer</a>.</p>
<h2>References</h2><ul>{''.join(items)}</ul><h2>Quick starts</h2>{sections}"""
open(os.path.join(out, "index.html"), "w").write(page)

# The fail-mode page: the README's sections on it, verbatim.
m = re.search(r"(## Fail mode:.*?)(?=\n## Defaults)", readme, re.S)
obs = re.search(r"(## Observability.*?)(?=\n## Forks)", readme, re.S)
text = (m.group(1) if m else "") + "\n\n" + (obs.group(1) if obs else "")
open(os.path.join(out, "fail-modes.html"), "w").write(
    "<!doctype html><meta charset=utf-8><title>siteverify: choosing a fail mode</title>"
    "<style>body{font:15px/1.5 system-ui;max-width:60rem;margin:2rem auto}</style>"
    f"<pre style='white-space:pre-wrap'>{html.escape(text)}</pre>")
print(f"index: {len(items)} references")
