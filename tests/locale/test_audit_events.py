"""Every audit action the code records has words in both languages (the audit viewer shows
events in words, never as codes)."""

from __future__ import annotations

import ast
from pathlib import Path

from terpadu.locale import has_text

SRC = Path(__file__).parents[2] / "src" / "terpadu"


def _recorded_actions() -> set[str]:
    """``action=`` values of the calls in src: fixed strings, and for f-strings such as
    ``f"case.{action}"`` the prefix (the steps are listed in the test below)."""
    found: set[str] = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            for kw in node.keywords:
                if kw.arg != "action":
                    continue
                if isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
                    found.add(kw.value.value)
                elif isinstance(kw.value, ast.JoinedStr):
                    head = kw.value.values[0]
                    if isinstance(head, ast.Constant):
                        found.add(f"{head.value}*")
    return {a for a in found if "." in a}


# The steps an f-string action takes, by its prefix.
STEPS = {
    "case.*": ("assess", "plan", "service", "review", "close"),
    "complaint.*": ("check", "visit", "decide", "refer", "close"),
    "usulan.*": ("create", "revise", "submit", "verify", "approve", "reject", "return"),
    "export.*": ("bnba", "audit", "payments", "persons", "families"),
}


def test_every_recorded_action_has_words() -> None:
    actions = _recorded_actions()
    assert len(actions) > 30
    missing = []
    for action in sorted(actions):
        names = [action[:-1] + step for step in STEPS[action]] if action.endswith("*") else [action]
        missing += [n for n in names if not has_text(f"pages.audit_event.{n}")]
    assert not missing, f"audit actions with no words in pages.audit_event: {missing}"
