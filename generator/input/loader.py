"""Load a dispatch from YAML into the model, with errors that point at the line.

The YAML is read with ruamel.yaml's round-trip loader because it keeps the line and
column of every key and list item; a pydantic ``ValidationError`` is then turned into
an ``InputError`` whose lines read ``file:line: field.path: what is wrong. How to fix``.
"""

from __future__ import annotations

import difflib
import re
import sys
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from generator.batch import copies
from generator.errors import InputError
from generator.i18n import N_, _, os_reason, translate
from generator.input import legacy, schedule
from generator.input.model import Dispatch
from generator.render import fonts

__all__ = ["load_dispatch", "parse_dispatch"]


def load_dispatch(path: str | Path, *, legacy_encoding: str | None = None) -> Dispatch:
    """Read, check and normalise the dispatch described by the YAML file at ``path``.

    Relative paths inside it (a plan table's ``file``, signature and seal images)
    are resolved against the YAML file's folder. Text in an old 8-bit encoding
    (TCVN3, VNI) is refused, or converted from ``legacy_encoding`` when it is given.
    """
    path = Path(path)
    try:
        _not_too_big(path)
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError([f"{path}: " + _("no such file. Check the path.")], file=str(path)) from None
    except UnicodeDecodeError as exc:
        raise InputError(
            [f"{path}: " + _("not UTF-8 text (byte {byte}). Save the file as UTF-8.", byte=exc.start)],
            file=str(path),
        ) from None
    except OSError as exc:
        raise InputError([f"{path}: " + _("cannot be read: {error}.", error=os_reason(exc))], file=str(path)) from None
    return parse_dispatch(text, source=path, legacy_encoding=legacy_encoding)


def _not_too_big(path: Path) -> None:
    """Refuse a file far larger than any dispatch before reading and parsing it (the YAML
    parser takes about a second a megabyte)."""
    import stat

    from generator.input.model import MAX_FILE_BYTES, MAX_TEXT

    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        raise InputError([f"{path}: " + _(
            "not a regular file (a device, a pipe or a folder). Give the dispatch's .yaml file.")],
            file=str(path))
    size = info.st_size
    if size > MAX_FILE_BYTES:
        raise InputError([f"{path}: " + _(
            "the file is {size} MB, more than the {limit} MB a dispatch can be (each text at most "
            "{chars} characters). Check that it is the right file; send long material as a separate "
            "document.", size=f"{size / 1e6:.1f}", limit=f"{MAX_FILE_BYTES / 1e6:g}", chars=f"{MAX_TEXT:,}",
        )], file=str(path))


def parse_dispatch(text: str, *, source: Path, legacy_encoding: str | None = None) -> Dispatch:
    """Like :func:`load_dispatch`, for YAML text already read from ``source``."""
    data = _read_yaml(text, source)
    sources = _inline_plan_files(data, source)
    _resolve_images(data, source)
    _resolve_templates(data, source)
    _resolve_copies_file(data, source)
    legacy_text = legacy.fix_tree(data, legacy_encoding, schedule.font_at(sources))
    if legacy_text:
        raise InputError([_place(loc, what, data, source, sources) for loc, what in legacy_text],
                         file=str(source))
    try:
        dispatch = Dispatch.model_validate(data)
    except ValidationError as exc:
        errors = _without_consequences(exc.errors())
        errors.sort(key=lambda e: _line_of(data, tuple(e["loc"])))
        problems = [_describe(err, data, source, sources) for err in errors]
        raise InputError(problems, file=str(source)) from None
    missing = fonts.uncovered(dispatch.model_dump(exclude={"signer": {"signature_image", "seal_image"}}))
    missing += dispatch.date_problems()
    missing += copies.plan_problems(dispatch)
    if missing:
        problems = [_place(loc, what, data, source, sources) for loc, what in missing]
        raise InputError(problems, file=str(source))
    return dispatch


def _place(loc: tuple[Any, ...], what: str, data: Any, source: Path,
           origins: dict[tuple[Any, ...], schedule.RowSource]) -> str:
    """``file:line: field.path: what`` — the plan file's row where the value came from one."""
    path = ".".join(str(p) for p in loc)
    for n in range(len(loc), 0, -1):
        row = origins.get(loc[:n])
        if row is not None:
            return f"{row.describe(loc[n] if n < len(loc) else None)}: {path}: {what}"
    return f"{source}:{_line_of(data, loc)}: {path}: {what}"


#: Characters YAML does not allow in a file (C0 and C1 controls other than tab and line
#: breaks, surrogates, U+FFFE/U+FFFF): found before the parser, which names only an offset.
_NOT_YAML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


class _Refused(Exception):
    """What the loader refuses in a YAML that is valid YAML: aliases, deep nesting."""

    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(message)
        self.line, self.column, self.message = line, column, message


def _yaml() -> Any:
    """ruamel's round-trip loader that refuses anchors and aliases and nesting past
    :data:`~generator.input.model.MAX_DEPTH`, as it meets them: a clerk never needs either, and
    aliases let a few hundred bytes stand for millions of characters."""
    from ruamel.yaml import YAML
    from ruamel.yaml.composer import Composer
    from ruamel.yaml.events import AliasEvent

    from generator.input.model import MAX_DEPTH

    class Plain(Composer):  # type: ignore[misc]
        def compose_node(self, parent: Any, index: Any) -> Any:
            event = self.parser.peek_event()
            mark = event.start_mark
            if isinstance(event, AliasEvent) or getattr(event, "anchor", None) is not None:
                raise _Refused(mark.line + 1, mark.column + 1, _(
                    "anchors and aliases (&name, *name, <<:) are not accepted. Write the value out "
                    "in full where it is needed."))
            if self.depth >= MAX_DEPTH:
                raise _Refused(mark.line + 1, mark.column + 1, _(
                    "the values are nested more than {limit} levels deep; a dispatch needs far fewer. "
                    "Check the indentation and the brackets.", limit=MAX_DEPTH))
            return super().compose_node(parent, index)

    yaml = YAML(typ="rt")
    yaml.Composer = Plain
    return yaml


def _read_yaml(text: str, source: Path) -> Any:
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    bad = _NOT_YAML.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        column = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        raise InputError([f"{source}:{line}:{column}: " + _(
            "the control character U+{code} cannot be in a YAML file (it comes from a damaged file "
            "or from text pasted from another program). Delete it.", code=f"{ord(bad.group()):04X}")],
            file=str(source))
    try:
        data = _yaml().load(text)
    except _Refused as exc:
        raise InputError([f"{source}:{exc.line}:{exc.column}: {exc.message}"], file=str(source)) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark else str(source)
        problem = exc.problem or exc.context or "not valid YAML"
        what = translate(problem)
        line = text.splitlines()[mark.line] if mark and mark.line < len(text.splitlines()) else ""
        opened = _unclosed_quote(text, mark.line if mark else len(text.splitlines()))
        if "\t" in line:
            hint = _("Indent with spaces, never tabs.")
        elif opened is not None:
            hint = _("The double quote opened on line {line} is never closed: close it on that line.",
                     line=opened)
        elif "mapping values" in problem:
            hint = _("A text that contains ': ' or ends with ':' must be put in double quotes.")
        else:
            hint = _("Check the indentation and that every quote is closed.")
        raise InputError([f"{where}: " + _("YAML syntax: {what}. {hint}", what=what, hint=hint)],
                         file=str(source)) from None
    except YAMLError as exc:
        raise InputError([f"{source}: " + _("YAML syntax: {what}. {hint}", what=exc, hint=_(
            "Check the indentation and that every quote is closed."))], file=str(source)) from None
    except ValueError as exc:  # ruamel builds dates as it reads: 2022-02-30 fails here
        long = re.search(rf"[-+]?\d[\d_]{{{sys.get_int_max_str_digits() - 1},}}", text)
        if long and "digits" in str(exc):  # Python refuses to read an integer this long
            line = text.count("\n", 0, long.start()) + 1
            raise InputError([f"{source}:{line}: " + _(
                "a number of {digits} digits: no field takes a number this long. Check the value; "
                "put a text made of digits in double quotes.", digits=f"{len(long.group()):,}")],
                file=str(source)) from None
        raise InputError([f"{_bad_date_line(text, source)}: " + _(
            "{error}. Write a real date as YYYY-MM-DD.", error=translate(str(exc)))],
                         file=str(source)) from None
    if not isinstance(data, dict):
        raise InputError(
            [f"{source}:1: " + _("the file must be a mapping of fields (agency:, number:, …).")],
            file=str(source),
        )
    return data


def _unclosed_quote(text: str, before: int) -> int | None:
    """The 1-based line, up to line ``before`` (0-based), of a value that opens a double
    quote and does not close it on its line: the usual cause of a YAML error further down."""
    for number, line in enumerate(text.splitlines()[: before + 1], start=1):
        value = re.match(r'\s*(?:-\s+|[\w.-]+:\s+|-\s+[\w.-]+:\s+)"(.*)$', line.split(" #")[0])
        if value and not re.search(r'(?<!\\)"\s*$', value.group(1)):
            return number
    return None


def _without_consequences(errors: list[Any]) -> list[Any]:
    """Drop "missing field X" when the same mapping has a misspelt field close to X.

    A typo such as ``recipents`` yields two errors, the unknown field and the missing
    one; the first already says "Did you mean `recipients`?", which is the one fix.
    """
    typos = {
        (tuple(e["loc"][:-1]), close)
        for e in errors
        if e["type"] == "extra_forbidden"
        for close in difflib.get_close_matches(str(e["loc"][-1]), _fields_at(tuple(e["loc"][:-1])), n=1, cutoff=0.6)
    }
    return [
        e for e in errors
        if not (e["type"] == "missing" and (tuple(e["loc"][:-1]), str(e["loc"][-1])) in typos)
    ]


def _bad_date_line(text: str, source: Path) -> str:
    """``file:line`` of the first YYYY-MM-DD in ``text`` that is not a real date."""
    import datetime as dt
    import re

    for number, line in enumerate(text.splitlines(), start=1):
        for m in re.finditer(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b", line.split("#")[0]):
            try:
                dt.date(*map(int, m.groups()))
            except ValueError:
                return f"{source}:{number}: {m.group(0)}"
    return str(source)


def _inline_plan_files(data: Any, source: Path) -> dict[tuple[Any, ...], schedule.RowSource]:
    """Replace each ``plan: {file: …}`` by the clusters read from that CSV or XLSX file.

    Returns, for every cluster that came from a file, where it came from, so that a
    validation error can name the file and row instead of the YAML line.
    """
    origins: dict[tuple[Any, ...], schedule.RowSource] = {}
    annexes = data.get("annexes")
    if not isinstance(annexes, list):
        return origins
    for i, annex in enumerate(annexes):
        plan = annex.get("plan") if isinstance(annex, dict) else None
        if not isinstance(plan, dict) or "file" not in plan:
            continue
        if "clusters" in plan:
            line = _line_of(data, ("annexes", i, "plan"))
            raise InputError(
                [
                    f"{source}:{line}: annexes.{i}.plan: "
                    + _("give either clusters or file, not both. Remove one of them.")
                ],
                file=str(source),
            )
        line = _line_of(data, ("annexes", i, "plan", "file"))
        name = plan["file"]
        if not isinstance(name, str) or not name.strip():
            raise InputError([f"{source}:{line}: annexes.{i}.plan.file: " + _(
                "must be the name of one CSV or Excel (.xlsx) file, e.g. ke-hoach.csv; got {value}.",
                value=_show(name))], file=str(source))
        path = _resolved(source.parent / name, source, line, f"annexes.{i}.plan.file")
        if not path.is_file():  # missing, a folder, a device or a pipe
            raise InputError([f"{source}:{line}: annexes.{i}.plan.file: " + _(
                "no plan file {name} next to {file}. Check the name.", name=repr(name), file=source.name)],
                file=str(source))
        clusters, rows = schedule.read_clusters(path)
        del plan["file"]
        plan["clusters"] = clusters
        for j, row in enumerate(rows):
            origins[("annexes", i, "plan", "clusters", j)] = row
    return origins


def _resolve_images(data: Any, source: Path) -> None:
    signer = data.get("signer")
    if not isinstance(signer, dict):
        return
    for key in ("signature_image", "seal_image"):
        value = signer.get(key)
        if isinstance(value, str):
            line = _line_of(data, ("signer", key))
            path = _resolved(source.parent / value, source, line, f"signer.{key}")
            if not path.is_file():
                raise InputError(
                    [f"{source}:{line}: signer.{key}: " + _(
                        "no file {name} next to {file}. Check the name, or remove the field.",
                        name=repr(value), file=source.name)],
                    file=str(source),
                )
            _image_fits(path, source, f"{source}:{line}: signer.{key}")
            signer[key] = str(path)


def _resolved(path: Path, source: Path, line: int, field: str) -> Path:
    """``path`` with its links followed, or a message at the field when they loop."""
    try:
        return path.resolve()
    except (RuntimeError, OSError):  # "Symlink loop from …"
        raise InputError([f"{source}:{line}: {field}: " + _(
            "{name} is a link that leads back to itself. Give the real file or folder.",
            name=path.name)], file=str(source)) from None


def _image_fits(path: Path, source: Path, where: str) -> None:
    """Refuse an image file that is not an image, or too large to decode, reading its header only."""
    from generator.render.images import image_problem

    problem = image_problem(path)
    if problem:
        raise InputError([f"{where}: {problem}"], file=str(source))


def _resolve_templates(data: Any, source: Path) -> None:
    """``templates:`` names a folder relative to the YAML file; it must exist."""
    value = data.get("templates")
    if not isinstance(value, str):
        return
    line = _line_of(data, ("templates",))
    path = _resolved(source.parent / value, source, line, "templates")
    if not path.is_dir():
        raise InputError(
            [f"{source}:{line}: templates: " + _(
                "no folder '{folder}' next to {file}. Check the name, or remove the field to use "
                "the built-in templates.", folder=value, file=source.name)],
            file=str(source),
        )
    data["templates"] = str(path)


def _resolve_copies_file(data: Any, source: Path) -> None:
    """``copies.file`` names the list of recipients relative to the YAML file; it must exist."""
    section = data.get("copies")
    value = section.get("file") if isinstance(section, dict) else None
    if not isinstance(value, str):
        return
    path = (source.parent / value).resolve()
    if not path.is_file():
        line = _line_of(data, ("copies", "file"))
        raise InputError(
            [f"{source}:{line}: copies.file: " + _(
                "no file {name} next to {file}. Check the name of the list (.xlsx or .csv).",
                name=repr(value), file=source.name)],
            file=str(source),
        )
    section["file"] = str(path)


def _line_of(data: Any, loc: tuple[Any, ...]) -> int:
    """The 1-based line of the deepest part of ``loc`` found in the YAML."""
    node, line = data, 1
    for part in loc:
        lc = getattr(node, "lc", None)
        if isinstance(node, dict) and part in node:
            line = _lc_line(lc, "key", part, line)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            line = _lc_line(lc, "item", part, line)
            node = node[part]
        elif isinstance(part, str) and not part.isidentifier():
            continue  # pydantic's own loc entries ("function-after[…]")
        else:
            break
    return line


def _lc_line(lc: Any, kind: str, part: Any, default: int) -> int:
    """The line ruamel recorded for a key or item; values the loader added have none."""
    if lc is None:
        return default
    try:
        return int(getattr(lc, kind)(part)[0]) + 1
    except (KeyError, IndexError, TypeError):
        return default


def _describe(
    err: Any, data: Any, source: Path, origins: dict[tuple[Any, ...], schedule.RowSource]
) -> str:
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and "[" in p))
    kind = err["type"]
    msg = err["msg"].removeprefix("Value error, ")
    if kind == "missing":
        what = _("missing required field. Add `{field}:`", field=loc[-1])
    elif kind == "extra_forbidden":
        field = loc[-1]
        known = _fields_at(loc[:-1])
        close = difflib.get_close_matches(str(field), known, n=1, cutoff=0.6)
        hint = (_("Did you mean `{name}`?", name=close[0]) if close
                else _("Known fields: {names}.", names=", ".join(known)))
        what = _("unknown field `{field}`. {hint}", field=field, hint=hint)
    elif kind in ("value_error", "assertion_error"):
        loc, what = _inner_place(loc, msg, data)
    elif kind == "string_type" and isinstance(err.get("input"), dict) and len(err["input"]) == 1:
        what = _(
            "this text was read as 'key: value' because it contains ': ' or ends with ':'. "
            'Put the whole text in double quotes, or write it as a block after ">-"'
        )
    else:
        what = _("{what}; got {value}", what=_type_message(err), value=_show(err.get("input")))
    return _place(loc, what, data, source, origins) if loc else f"{source}:1: ({_('top level')}): {what}"


#: pydantic's checks of a value's type and size, in words a clerk reads (in English
#: here, marked for the catalogue with ``N_``, translated when shown); ``{…}`` are
#: taken from the error's context.
_TYPE_MESSAGES = {
    "string_type": N_("must be text"),
    "int_type": N_("must be a whole number"),
    "int_parsing": N_("must be a whole number"),
    "int_from_float": N_("must be a whole number"),
    "float_type": N_("must be a number"),
    "float_parsing": N_("must be a number"),
    "bool_type": N_("must be true or false"),
    "bool_parsing": N_("must be true or false"),
    "date_type": N_("must be a date written YYYY-MM-DD"),
    "date_parsing": N_("must be a date written YYYY-MM-DD"),
    "date_from_datetime_parsing": N_("must be a date written YYYY-MM-DD"),
    "date_from_datetime_inexact": N_("must be a date without a time"),
    "list_type": N_("must be a list: one item per line, each starting with '- '"),
    "dict_type": N_("must be a group of fields (name: value)"),
    "model_type": N_("must be a group of fields (name: value)"),
    "model_attributes_type": N_("must be a group of fields (name: value)"),
    "too_short": N_("needs at least {min_length} item(s)"),
    "too_long": N_("takes at most {max_length} item(s)"),
    "string_too_short": N_("needs at least {min_length} character(s)"),
    "string_too_long": N_("takes at most {max_length} characters"),
    "greater_than": N_("must be greater than {gt}"),
    "greater_than_equal": N_("must be at least {ge}"),
    "less_than": N_("must be less than {lt}"),
    "less_than_equal": N_("must be at most {le}"),
    "literal_error": N_("must be one of {expected}"),
    "enum": N_("must be one of {expected}"),
    "string_pattern_mismatch": N_("is not in the expected form"),
    "finite_number": N_("must be a number (not .nan or .inf)"),
    "int_parsing_size": N_("is a number too long for any field"),
    "invalid_key": N_("a field name must be text, not a number: write the name of a field before ':'"),
}


def _type_message(err: Any) -> str:
    """pydantic's message for ``err`` in the user's language (its own English if unknown)."""
    message = _TYPE_MESSAGES.get(err["type"])
    if message is None:
        return str(err["msg"])
    try:
        return _(message, **{k: v for k, v in (err.get("ctx") or {}).items()})
    except (KeyError, IndexError):
        return str(err["msg"])


#: A check over a whole model names the field its message is about: "body.directives.2: …".
_INNER_PATH = re.compile(r"([A-Za-z_]\w*(?:\.\w+)*): (.*)", re.S)


def _inner_place(loc: tuple[Any, ...], message: str, data: Any) -> tuple[tuple[Any, ...], str]:
    """Put a model-wide check's message at the field it names, when that field is in the
    input: the line (or plan row) of that field, not the model's first line."""
    m = _INNER_PATH.fullmatch(message)
    if not m:
        return loc, message
    inner = tuple(int(p) if p.isdigit() else p for p in m.group(1).split("."))
    node = data
    for part in loc + inner:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return loc, message
    return loc + inner, m.group(2)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _fields_at(loc: tuple[Any, ...]) -> list[str]:
    """The field names of the model found at ``loc``, for "did you mean" hints."""
    model: type[BaseModel] | None = Dispatch
    for part in loc:
        if model is None:
            return []
        if isinstance(part, int):
            continue
        field = model.model_fields.get(str(part))
        model = _model_in(field.annotation) if field else None
    return list(model.model_fields) if model else []


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (list, typing.Union, types.UnionType, typing.Annotated):
        for arg in typing.get_args(annotation):
            found = _model_in(arg)
            if found:
                return found
    return None
