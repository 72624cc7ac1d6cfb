"""The manifest of an output folder: what shaped each output, and what its bytes were.

``manifest.json`` records, for every output, the hashes of everything that shaped it
(the printed content, the templates, the fonts, the software versions) and the hash of
its bytes, plus a snapshot of the plan. Comparing a new run with it tells which
outputs must be made again and why, and what changed in the schedule.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.atomic import atomic_write_bytes
from generator.i18n import _

__all__ = ["MANIFEST", "Entry", "Manifest", "digest", "file_digest"]

MANIFEST = "manifest.json"
FORMAT = 1
#: Outputs up to which the manifest is written indented (see :meth:`Manifest.save`).
READABLE = 1000

#: The names a batch gives its outputs: a plain file name, or one in ``print/``. A
#: manifest edited by hand (or by anyone) naming anything else (``../../x``, an
#: absolute path) has that entry ignored, so archiving never moves a file from outside
#: the folder.
_OUTPUT_NAME = re.compile(r"(?:print/)?[A-Za-z0-9][A-Za-z0-9._-]{0,200}")


def safe_name(name: object) -> bool:
    """Whether ``name`` is an output name that stays inside its folder."""
    return isinstance(name, str) and bool(_OUTPUT_NAME.fullmatch(name)) and ".." not in name


def digest(value: Any) -> str:
    """SHA-256 of ``value`` as canonical JSON (dataclasses and paths included)."""
    return hashlib.sha256(json.dumps(_plain(value), sort_keys=True, ensure_ascii=False).encode()).hexdigest()


_FILE_DIGESTS: dict[tuple[str, int, int], str] = {}


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes (remembered per path, size and modification time)."""
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns)
    if key not in _FILE_DIGESTS:
        _FILE_DIGESTS[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return _FILE_DIGESTS[key]


def _plain(value: Any) -> Any:
    """JSON-able form of ``value``; a file path stands for the hash of its bytes."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Path):
        return {"file": file_digest(value)}
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


@dataclass
class Entry:
    """One output: the hashes of what shaped it, the hash of its bytes, and about it."""

    inputs: dict[str, str]
    sha256: str
    about: dict[str, Any] = field(default_factory=dict)


@dataclass
class Manifest:
    outputs: dict[str, Entry] = field(default_factory=dict)
    #: Province code -> {name, cluster, start, end} as of the last run.
    plan: dict[str, dict[str, str]] = field(default_factory=dict)
    #: Why the folder's manifest.json was not used ("" when it was, or when there is none).
    problem: str = field(default="", compare=False)
    #: For a batch from a list (``--per-recipient``): copy's file stem -> its row, recipient
    #: and cells as of the last run.
    rows: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path) -> Manifest:
        """The folder's manifest. An absent one is empty; so is one that cannot be read
        or understood (damaged, edited by hand, of another version), with ``problem``
        saying why: everything is then made again, and the manifest written anew."""
        path = folder / MANIFEST
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return cls()
        except OSError as exc:
            return cls(problem=_("{file} cannot be read ({reason})", file=path, reason=exc.strerror or exc))
        try:
            data = json.loads(raw.decode("utf-8"))
            return cls(outputs=_outputs(data), plan=_plan(data), rows=_rows(data))
        except (ValueError, KeyError, TypeError, AttributeError):
            return cls(problem=_("{file} is damaged or of another version of congvan", file=path))

    def save(self, folder: Path) -> None:
        """Write the manifest. Up to :data:`READABLE` outputs it is indented for a person to
        read; above (a list of thousands of copies) it is written compact, which Python's
        JSON encoder does several times faster (6,642 outputs: 0.03 s instead of 0.2 s)."""
        data = {
            "format": FORMAT,
            "outputs": {k: {"about": v.about, "inputs": v.inputs, "sha256": v.sha256}
                        for k, v in sorted(self.outputs.items())},
            "plan": self.plan,
            **({"rows": self.rows} if self.rows else {}),
        }
        if len(self.outputs) <= READABLE:
            text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        else:
            text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
        atomic_write_bytes(folder / MANIFEST, text.encode())


def _outputs(data: Any) -> dict[str, Entry]:
    """The entries of a manifest read from JSON, each checked for its shape: any part not as
    :meth:`Manifest.save` writes it raises ``ValueError`` (a name that could leave the folder
    is left out, see :func:`safe_name`)."""
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("outputs"), dict):
        raise ValueError("not a manifest")
    outputs = {}
    for name, entry in data["outputs"].items():
        if not isinstance(entry, dict) or set(entry) - {"inputs", "sha256", "about"}:
            raise ValueError(name)
        inputs, sha, about = entry["inputs"], entry["sha256"], entry.get("about", {})
        if not (_strings(inputs) and isinstance(sha, str) and isinstance(about, dict)):
            raise ValueError(name)
        if safe_name(name):
            outputs[name] = Entry(dict(inputs), sha, dict(about))
    return outputs


def _plan(data: dict[str, Any]) -> dict[str, dict[str, str]]:
    """The plan snapshot of a manifest read from JSON, checked as :func:`_outputs` does."""
    import datetime as dt

    plan = data.get("plan", {})
    if not isinstance(plan, dict):
        raise ValueError("plan")
    for code, province in plan.items():
        if not _strings(province) or {"name", "cluster", "start", "end"} - set(province):
            raise ValueError(code)
        dt.date.fromisoformat(province["start"])
        dt.date.fromisoformat(province["end"])
    return plan


def _rows(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The list snapshot of a manifest read from JSON (``--per-recipient``), checked as
    :func:`_outputs` does: each copy's stem maps to a mapping."""
    rows = data.get("rows", {})
    if not isinstance(rows, dict) or not all(isinstance(k, str) and isinstance(v, dict) for k, v in rows.items()):
        raise ValueError("rows")
    return rows


def _strings(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())
