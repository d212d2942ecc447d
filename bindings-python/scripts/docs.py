"""`make docs`: pdoc over the installed `siteverify` package, warnings as errors.

pdoc reports what it cannot document (a module that fails to import, a stub that
does not parse, an annotation it cannot resolve, a bad cross-reference) as Python
warnings and still writes the pages; here any of them fails the build.

Usage: python scripts/docs.py OUT_DIR
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import pdoc
import pdoc.render

# The package lists only its names in __all__, so pdoc would skip the submodules: name them.
MODULES = [
    "siteverify",
    "siteverify.testing",
    "siteverify.prometheus",
    "siteverify.flask",
    "siteverify.fastapi",
    "siteverify.django",
]


def main() -> int:
    out = sys.argv[1]
    pdoc.render.configure(
        docformat="restructuredtext",
        footer_text="siteverify for Python",
        show_source=False,
        search=True,
    )
    # siteverify.django's form field has lazily translated messages, whose repr needs settings.
    import django
    from django.conf import settings

    settings.configure()
    django.setup()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pdoc.pdoc(*MODULES, output_directory=Path(out))
    # pdoc's own, and any raised by the package's modules as pdoc imports them.
    ours = [w for w in caught if "/pdoc/" in w.filename or "/siteverify/" in w.filename]
    for w in caught:
        if w not in ours:
            print(f"(not pdoc's: {w.category.__name__}: {w.message})", file=sys.stderr)
    for w in ours:
        print(f"pdoc warning: {w.message} ({w.filename}:{w.lineno})", file=sys.stderr)
    if ours:
        print(f"pdoc: {len(ours)} warnings: failing", file=sys.stderr)
        return 1
    print(f"pdoc: siteverify reference in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
