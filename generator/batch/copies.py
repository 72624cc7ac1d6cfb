"""One copy per province: which provinces the plan names, and what each copy says.

The plan table names provinces as clerks typed them ("TP. Hồ Chí Minh", "Hoà Bình");
each is matched against the registry on the dispatch's date (:func:`reference_date`),
so a copy is addressed to the body that exists then, under its name then, and its
file is named by its code then (``24-bac-giang.pdf``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from generator.errors import InputError
from generator.i18n import _
from generator.input.model import Cluster, Dispatch
from generator.input.provinces import Province, ProvinceError, match, recipient_name
from generator.vietnamese import short_date, slug

__all__ = ["ProvinceCopy", "plan_copies", "plan_problems", "reference_date"]


@dataclass(frozen=True)
class ProvinceCopy:
    """A province of the plan and the copy addressed to it."""

    province: Province
    #: 0-based position of its cluster in the plan table, and the cluster.
    cluster_index: int
    cluster: Cluster
    cluster_name: str
    recipient: str

    @property
    def stem(self) -> str:
        """The file name without extension: code first, so names sort and never collide
        (two names with one slug still differ by their codes); the slug is ASCII letters,
        digits and hyphens only, so no name leaves the folder or is reserved on Windows
        (``CON`` becomes ``01-con``), and it is cut to 60 characters."""
        return f"{self.province.code}-{slug(self.province.name)[:60].rstrip('-')}"

    @property
    def values(self) -> dict[str, str]:
        """What a per-province paragraph's placeholders stand for."""
        c = self.cluster
        return {
            "province": self.province.full_name,
            "cluster": self.cluster_name,
            "start": short_date(c.start.year, c.start.month, c.start.day),
            "end": short_date(c.end.year, c.end.month, c.end.day),
        }


def reference_date(dispatch: Dispatch) -> dt.date:
    """The date on which province names are read: the dispatch's date when it is
    complete; in a draft, the plan's first day when it falls in the dispatch's year,
    else 1 January of that year."""
    d = dispatch.date
    if d.month is not None and d.day is not None:
        return dt.date(d.year, d.month, d.day)
    plan = dispatch.plan
    if plan is not None:
        first = min(c.start for c in plan.clusters)
        if first.year == d.year:
            return first
    return dt.date(d.year, d.month or 1, 1)


def plan_problems(dispatch: Dispatch) -> list[tuple[tuple[Any, ...], str]]:
    """Every province of every plan that matches nothing on the date, or twice.

    Returns ``(field path, what is wrong)`` pairs, for the loader to place in the
    YAML or the plan file.
    """
    on = reference_date(dispatch)
    problems: list[tuple[tuple[Any, ...], str]] = []
    for a, annex in enumerate(dispatch.annexes):
        if annex.plan is None:
            continue
        seen: dict[str, tuple[int, str]] = {}
        for c, cluster in enumerate(annex.plan.clusters):
            for p, name in enumerate(cluster.provinces):
                loc = ("annexes", a, "plan", "clusters", c, "provinces", p)
                try:
                    province = match(name, on)
                except ProvinceError as exc:
                    problems.append((loc, exc.format_message()))
                    continue
                if province.code in seen:
                    first_cluster, first_name = seen[province.code]
                    problems.append((loc, _(
                        "{name} is {province}, already listed as {first} in cluster {cluster}: keep one",
                        name=repr(name), province=province.full_name, first=repr(first_name),
                        cluster=first_cluster + 1,
                    )))
                else:
                    seen[province.code] = (c, name)
    return problems


def plan_copies(dispatch: Dispatch) -> list[ProvinceCopy]:
    """The copies of a per-province batch, in plan order."""
    plan = dispatch.plan
    if plan is None:
        raise InputError(["annexes: " + _(
            "there is no plan table to take provinces from. Add an annex with a plan, "
            "or render the dispatch once with `congvan render`.")])
    problems = plan_problems(dispatch)
    if problems:
        raise InputError([f"{'.'.join(map(str, loc))}: {what}" for loc, what in problems])
    on = reference_date(dispatch)
    settings = dispatch.per_province
    copies = []
    for i, cluster in enumerate(plan.clusters):
        number = cluster.number or i + 1
        name = cluster.name or f"Cụm {number}"
        for typed in cluster.provinces:
            province = match(typed, on)
            copies.append(ProvinceCopy(
                province=province,
                cluster_index=i,
                cluster=cluster,
                cluster_name=name,
                recipient=recipient_name(province, settings.recipient, tones=settings.tones),
            ))
    return copies

