"""Reads tests/vectors/ (the cross-language cases). Mirrors core/tests/common/mod.rs."""

from __future__ import annotations

import itertools
import json
import os
from typing import Any, Dict, List, Optional

from conftest import REPO_DIR, SECRET

VECTORS_DIR = REPO_DIR / "tests" / "vectors"
_UNIQ = itertools.count()


class Case:
    def __init__(self, file: str, raw: Dict[str, Any]) -> None:
        self.file = file
        self.raw = raw

    @property
    def name(self) -> str:
        return str(self.raw["name"])

    @property
    def id(self) -> str:
        return f"{self.file[:-5]}/{self.name}"

    @property
    def provider(self) -> str:
        return str(self.raw["provider"])

    @property
    def is_config_case(self) -> bool:
        return "expect_config_error" in self.raw

    def token(self, run: str) -> str:
        t = self.raw["token"]
        if isinstance(t, str):
            return t.replace("{uniq}", f"py-{run}-{os.getpid()}-{next(_UNIQ)}")
        return str(t["repeat"]) * int(t["count"])

    def client_kwargs(self, mock_url: str) -> Dict[str, Any]:
        """The case's config as Client keyword arguments, every value as JSON
        typed it (so the core alone decides what is a mistake). Vector keys
        name durations with their unit (`timeout_ms`, `max_age_seconds`); the
        keyword arguments do not, and take seconds."""
        cfg: Dict[str, Any] = self.raw.get("config", {})
        kw: Dict[str, Any] = {"provider": self.provider}
        if "secret" not in cfg:
            kw["secret"] = SECRET
        if "endpoint" not in cfg and "region" not in cfg:
            path = "/siteverify" if self.provider == "prosopo" else "/api/v1/token/verify"
            kw["endpoint"] = mock_url + path
        for key, value in cfg.items():
            if key.endswith("_ms"):
                kw[key[: -len("_ms")]] = value / 1000
            elif key.endswith("_seconds"):
                kw[key[: -len("_seconds")]] = value
            elif key == "endpoint":
                kw[key] = value.replace("{mock}", mock_url)
            else:
                kw[key] = value
        return kw

    def options(self) -> Dict[str, Optional[str]]:
        o = self.raw.get("options", {})
        return {"remote_ip": o.get("remote_ip"), "email": o.get("email")}

    @property
    def prior_verifications(self) -> int:
        return int(self.raw.get("prior_verifications", 0))


def load_cases() -> List[Case]:
    cases: List[Case] = []
    for path in sorted(VECTORS_DIR.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        cases.extend(Case(path.name, raw) for raw in doc["cases"])
    assert len(cases) > 50, "vectors missing"
    return cases


def _same(want: Any, have: Any) -> bool:
    if isinstance(want, bool) or isinstance(have, bool):
        return type(want) is type(have) and want == have
    if isinstance(want, (int, float)) and isinstance(have, (int, float)):
        return abs(want - have) < 1e-9
    return bool(want == have)


def compare(case: Case, outcome: Any) -> List[str]:
    """Mismatches between the case's `expect` and the outcome, both as
    `to_dict()` and as attributes (the names a user reads)."""
    got = outcome.to_dict()
    problems = []
    for key, want in case.raw["expect"].items():
        assert key in got, f"{case.id}: unknown outcome field {key}"
        attr = getattr(outcome, key)
        if isinstance(attr, tuple):
            attr = list(attr)
        for where, have in (("to_dict()", got[key]), ("attribute", attr)):
            if not _same(want, have):
                problems.append(f"{case.id}: {key} ({where}): want {want!r}, got {have!r}")
    return problems
