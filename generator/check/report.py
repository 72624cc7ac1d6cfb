"""Results and how they are shown: a table for people, JSON for machines."""

from __future__ import annotations

import json
import shutil
import textwrap
from dataclasses import dataclass, field

from generator.i18n import _

__all__ = ["PASS", "WARN", "FAIL", "NOT_EVALUATED", "Report", "Result", "render_json", "render_table"]

PASS, WARN, FAIL, NOT_EVALUATED = "pass", "warn", "fail", "not evaluated"


@dataclass
class Result:
    rule: str
    verdict: str
    where: str
    found: str
    asks: str
    reference: str = ""
    title: str = ""

    def as_dict(self) -> dict[str, str]:
        return {
            "rule": self.rule,
            "title": self.title,
            "verdict": self.verdict,
            "where": self.where,
            "found": self.found,
            "asks": self.asks,
            "reference": self.reference,
        }


@dataclass
class Report:
    file: str
    kind: str
    profile: str
    results: list[Result] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(r.verdict == FAIL for r in self.results)

    def verdict(self, rule: str) -> str:
        """The verdict of ``rule`` (its worst, if it was reported more than once)."""
        order = [FAIL, WARN, NOT_EVALUATED, PASS]
        found = [r.verdict for r in self.results if r.rule == rule]
        if not found:
            raise KeyError(rule)
        return min(found, key=order.index)

    def verdicts(self) -> dict[str, str]:
        return {r.rule: self.verdict(r.rule) for r in self.results}

    def counts(self) -> dict[str, int]:
        out = {PASS: 0, WARN: 0, FAIL: 0, NOT_EVALUATED: 0}
        for r in self.results:
            out[r.verdict] += 1
        return out

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "format": self.kind,
            "profile": self.profile,
            "summary": self.counts(),
            "results": [r.as_dict() for r in self.results],
        }


def _verdict_label(v: str) -> str:
    return {PASS: _("pass"), WARN: _("warn"), FAIL: _("FAIL"), NOT_EVALUATED: _("not evaluated")}[v]


def render_table(report: Report, *, width: int | None = None, only_problems: bool = False) -> str:
    """The report as a plain-text table: rule, verdict, where, found, what the rule asks."""
    width = width or max(100, min(160, shutil.get_terminal_size((120, 24)).columns))
    heads = [_("rule"), _("verdict"), _("where"), _("found"), _("rule asks")]
    rows = [
        [r.rule, _verdict_label(r.verdict), r.where, r.found, f"{r.asks} [{r.reference}]" if r.reference else r.asks]
        for r in report.results
        if not only_problems or r.verdict != PASS
    ]
    fixed = [max([len(heads[0])] + [len(x[0]) for x in rows]), max([len(heads[1])] + [len(x[1]) for x in rows])]
    rest = max(30, width - sum(fixed) - 8)
    cols = fixed + [max(10, rest * 18 // 100), rest * 38 // 100, rest - rest * 18 // 100 - rest * 38 // 100]
    out = [f"{report.file} ({report.kind.upper()}, " + _("profile {name}", name=report.profile) + ")"]
    out.append("  ".join(h.ljust(w) for h, w in zip(heads, cols, strict=True)).rstrip())
    out.append("  ".join("-" * w for w in cols))
    for row in rows:
        wrapped = [textwrap.wrap(cell, w) or [""] for cell, w in zip(row, cols, strict=True)]
        for i in range(max(len(c) for c in wrapped)):
            out.append(
                "  ".join((c[i] if i < len(c) else "").ljust(w) for c, w in zip(wrapped, cols, strict=True)).rstrip()
            )
    c = report.counts()
    out.append(
        _(
            "{p} passed, {w} warnings, {f} failed, {n} not evaluated",
            p=c[PASS],
            w=c[WARN],
            f=c[FAIL],
            n=c[NOT_EVALUATED],
        )
    )
    return "\n".join(out) + "\n"


def render_json(reports: list[Report]) -> str:
    return json.dumps([r.as_dict() for r in reports], ensure_ascii=False, indent=2) + "\n"
