"""Import one file: read, recognise, fill what is missing, validate, write."""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import CongVanError, InputError
from generator.i18n import _
from generator.importer.reading import read_source
from generator.importer.recognise import Recognised, recognise
from generator.importer.writing import plan_csv, yaml_text

__all__ = ["ImportResult", "Imported", "import_file", "import_text"]


@dataclass
class ImportResult:
    yaml_path: Path
    csv_paths: list[Path]
    recognised: list[str]
    guessed: list[str]
    left_over: list[str]
    warnings: list[str] = field(default_factory=list)
    #: The validation message when the YAML written does not validate yet (something to fill in).
    invalid: str | None = None

    def report(self) -> str:
        out = [_("wrote {file}", file=self.yaml_path)]
        out += ["  " + _("and {file}", file=p) for p in self.csv_paths]
        out.append(_("Recognised ({count}):", count=len(self.recognised)))
        out += ["  - " + x for x in self.recognised]
        out.append(_("Guessed ({count}), check these:", count=len(self.guessed)))
        out += ["  - " + x for x in self.guessed]
        out.append(_("Left over ({count}), written as comments in the YAML:", count=len(self.left_over)))
        out += ["  - " + x for x in self.left_over]
        if self.warnings:
            out.append(_("Warnings ({count}):", count=len(self.warnings)))
            out += ["  - " + x for x in self.warnings]
        if self.invalid:
            out.append(_("The YAML does not validate yet; fix this, then render it:"))
            out.append("  " + self.invalid)
        return "\n".join(out)


#: Fields a dispatch needs, with what is written when the file did not give them.
def _defaults() -> dict[str, object]:
    return {
        "agency": {"name": _("(agency name)")},
        "code": "XX",
        "place": _("(place)"),
        "date": {"year": dt.date.today().year},
        "subject": _("(subject)"),
        "recipients": [_("(recipient)")],
        "signer": {"title": _("(title)"), "name": _("(name)")},
        "distribution": {"recipients": ["Như trên"]},
    }


def _fill_missing(r: Recognised) -> None:
    for key, value in _defaults().items():
        if key not in r.data:
            r.data[key] = value
            r.notes.append(((key,), _("not found in the file: write it")))
            r.warnings.append(_("{field} was not found in the file: a placeholder is written, replace it", field=key))
    body = r.data.setdefault("body", {})
    if not any(body.get(k) for k in ("opening", "directives", "contact")):
        body["opening"] = [_("(text)")]
        r.notes.append((("body",), _("not found in the file: write it")))
        r.warnings.append(_("{field} was not found in the file: a placeholder is written, replace it", field="body"))


@dataclass
class Imported:
    """What an import makes, not yet written: the YAML's text, the plan CSVs by file name,
    and the report (for ``congvan serve`` to open in its editor)."""

    yaml: str
    csvs: dict[str, str]
    result: ImportResult

    def write(self, out: Path) -> None:
        """Write the plan CSVs beside ``out``, then the YAML as ``out``, each whole (atomic)."""
        from generator.atomic import atomic_write_bytes, write_error

        try:
            out.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise write_error(out.parent, exc, folder=True) from None
        for name, content in self.csvs.items():
            self.result.csv_paths.append(atomic_write_bytes(out.parent / name, content.encode("utf-8")))
        atomic_write_bytes(out, self.yaml.encode("utf-8"))


def import_file(path: Path, out: Path | None = None, *, legacy_encoding: str | None = None) -> ImportResult:
    """Import ``path`` into ``out`` (default: next to it, as ``<name>.yaml``) and its plan CSVs."""
    path = Path(path)
    out = Path(out) if out is not None else path.with_suffix(".yaml")
    made = import_text(path, out, legacy_encoding=legacy_encoding)
    made.write(out)
    return made.result


def import_text(path: Path, out: Path, *, legacy_encoding: str | None = None) -> Imported:
    """Import ``path`` as the dispatch ``out`` would be, writing nothing."""
    from generator.input.loader import load_dispatch

    path = Path(path)
    if not path.is_file():
        raise InputError([_("{file}: no such file", file=path)])
    if out.suffix.lower() not in (".yaml", ".yml"):
        raise InputError([_("--out {file}: give a file name ending in .yaml", file=out)])
    source = read_source(path, legacy_encoding)
    found: set[str] = set()
    if not legacy_encoding:
        from generator.input.legacy import encoding_of_font

        found = {e for p in source.paras for f in p.fonts if (e := encoding_of_font(f))}
        if len(found) == 1:  # typed in old fonts of one encoding (.VnTime, VNI-Times): read as meant
            source = read_source(path, next(iter(found)))
    if not any(p.text.strip() for p in source.paras if p.area == "body") and not source.tables:
        raise InputError([_(
            "{file}: the file has no text to import (a scanned page is a picture of text). Import the "
            "Word file it was printed from, or type the dispatch in.", file=path)])
    r = recognise(source)
    if len(found) == 1:
        r.warnings.insert(0, _(
            "the file is typed in old {encoding} fonts: its text was converted to Unicode. Check the "
            "Vietnamese letters against the original.", encoding=next(iter(found))))
    for encoding in sorted(found) if len(found) > 1 else ():
        r.warnings.insert(0, _(
            "the file is typed in old {encoding} fonts: run the import again with --legacy-encoding "
            "{encoding} to convert its text", encoding=encoding))
    _fill_missing(r)
    if "date" in r.data and isinstance(r.data["date"], dict) and len(r.data["date"]) == 3:
        d = r.data["date"]
        try:
            r.data["date"] = dt.date(d["year"], d["month"], d["day"])
        except ValueError:
            pass
    plan_files: dict[int, str] = {}
    for n, k in enumerate(sorted(r.plans), start=1):
        plan_files[k] = f"{out.stem}-ke-hoach{'' if n == 1 else f'-{n}'}.csv"
    text = yaml_text(r, path.name, plan_files)
    csvs = {name: plan_csv(r.plans[k]) for k, name in plan_files.items()}
    invalid = None
    with tempfile.TemporaryDirectory(prefix="congvan-import-") as tmp:
        trial = Path(tmp) / out.name
        trial.write_text(text, encoding="utf-8")
        for name, content in csvs.items():
            (Path(tmp) / name).write_text(content, encoding="utf-8")
        try:
            model = load_dispatch(trial)
        except CongVanError as exc:
            invalid = exc.format_message().replace(str(trial), str(out)).replace(
                str(Path(tmp)) + "/", "" if str(out.parent) == "." else str(out.parent) + "/")
        else:
            if model.plan is not None:
                from generator.batch.copies import reference_date

                r.recognised.append(_("provinces of the plan: all {count} found in the registry on {date}",
                                      count=model.plan.province_count, date=f"{reference_date(model):%d/%m/%Y}"))
    result = ImportResult(out, [], r.recognised, r.guessed, r.left_over, r.warnings, invalid)
    return Imported(text, csvs, result)
