"""Property tests: any Unicode text in any text field either prints, in both formats, as
typed (after NFC and whitespace folding), or is refused with one message naming the field
(and the character, when a character is at fault). Never a crash, and a character the
embedded font lacks is never drawn by another font or as an empty box.

The text goes the way a clerk's does: into the YAML file (written by ruamel, which
escapes what YAML cannot hold raw), through the loader, then both renderers. Rendering
is slow, so the rendering property draws few examples over four representative fields
(the recipient, a directive, the V/v subject, the signer's name); a cheap property checks
every text field by validation alone. Hypothesis keeps no database (``database=None``).
"""

from __future__ import annotations

import io
import unicodedata

import pytest
from conftest import FIXTURES
from docxread import DocxReader
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st
from pdfread import PdfReader
from ruamel.yaml import YAML

from generator.errors import InputError
from generator.input.loader import parse_dispatch

SOURCE = FIXTURES / "second-dispatch.yaml"

# --- text a clerk might paste ---------------------------------------------------------

VIETNAMESE = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxy"
    "áàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
    "AĂÂĐÊÔƠƯÁÀẢÃẠẮẰẲẴẶẤẦẨẪẬÉÈẺẼẸẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌỐỒỔỖỘỚỜỞỠỢÚÙỦŨỤỨỪỬỮỰÝỲỶỸỴ"
)
WORDS = ["Ủy ban", "nhân dân", "tỉnh", "Bắc Giang", "Hòa Bình", "Sở", "Thông tin", "và", "Truyền thông",
         "đề nghị", "phối hợp", "năm 2022", "số 05/BTTTT", "(12 tỉnh)", "ngày 9/9/2022", "./."]

vietnamese = st.one_of(
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=6).map(" ".join),
    st.text(st.sampled_from(VIETNAMESE + " ,.;:-()/"), min_size=1, max_size=30),
)
symbols = st.characters(categories=["Sm", "Sc", "So", "Sk", "Pd", "Pi", "Pf", "Po", "Ps", "Pe"])
emoji = st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF)
combining = st.characters(categories=["Mn", "Me"])
right_to_left = st.one_of(st.characters(min_codepoint=0x0590, max_codepoint=0x06FF),
                          st.sampled_from("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
awkward = st.sampled_from(["\u00ad", "\u200b", "\u200d", "\ufeff", "\u00a0", "\u2028", "\t", "\u0007",
                           "\ufffe", "\ufffd", "\u0301", "\u0300", "Ð", "ð", "ﬁ", "Å", "℃", "№", "₫", "…"])
any_char = st.characters(codec="utf-8", exclude_categories=["Cs"])

text = st.one_of(
    vietnamese,
    st.tuples(vietnamese, st.lists(st.one_of(symbols, emoji, combining, right_to_left, awkward, any_char),
                                   min_size=1, max_size=3).map("".join), vietnamese)
    .map(lambda t: f"{t[0]} {t[1]}{t[2]}"),
    st.text(st.one_of(any_char, awkward), min_size=1, max_size=12),
)

def _drawable() -> list[str]:
    from generator.render import fonts

    return [chr(c) for c in sorted(fonts._coverage())]


#: Characters the embedded font draws (Latin, Vietnamese, Greek, punctuation, currency,
#: arrows, mathematical signs, combining marks), among Vietnamese words: text that
#: should print, so the rendering property mostly renders.
printable = st.tuples(vietnamese, st.text(st.sampled_from(_drawable()), min_size=1, max_size=8), vietnamese) \
    .map(lambda t: f"{t[0]} {t[1]} {t[2]}")
render_text = st.one_of(vietnamese, printable, printable, text)

# --- the dispatch as YAML -------------------------------------------------------------

_YAML = YAML(typ="rt")
_YAML.width = 4096
_YAML.allow_unicode = True
_BASE = _YAML.load(SOURCE.read_text(encoding="utf-8"))


def _with(values: dict[tuple, str]) -> str:
    """The fixture's YAML text with each field path of ``values`` set to its text."""
    import copy

    data = copy.deepcopy(_BASE)
    for path, value in values.items():
        holder = data
        for part in path[:-1]:
            holder = holder[part]
        holder[path[-1]] = value
    out = io.StringIO()
    _YAML.dump(data, out)
    return out.getvalue()


def _load(values: dict[tuple, str]):
    """The dispatch, or the InputError, for the fixture with ``values`` in place."""
    try:
        return parse_dispatch(_with(values), source=SOURCE)
    except InputError as exc:
        return exc


def _folded(value: str) -> str:
    return " ".join(unicodedata.normalize("NFC", value).split())


def _squeezed(value: str) -> str:
    """Without any whitespace: where a line wraps is the layout's business."""
    return "".join(value.split())


def _assert_refusal_names(error: InputError, values: dict[tuple, str]) -> None:
    """One message per problem, each naming a field that was set, and the character
    (as U+XXXX) when a character is what is wrong."""
    fields = {".".join(map(str, path)) for path in values}
    for problem in error.problems:
        assert "Traceback" not in problem
        # the field, or (a rule about a whole directive, say) the part that holds it
        prefixes = {f.rsplit(".", 1)[0] for f in fields if "." in f}
        named = [f for f in fields | prefixes if f" {f}: " in problem or f" {f}." in problem]
        assert named, problem
        if "character" in problem:
            assert "U+" in problem, problem


#: Where each field of the rendering property prints, as a reader finds it.
RENDERED = {
    ("recipients",): "Kính gửi: {}",
    ("body", "directives", 0, "text"): "1. {}",
    ("subject",): "V/v {}",
    ("signer", "name"): "{}",
}


# No shrinking: each example renders twice (about a second), and shrinking one failure
# takes minutes; the failing example is printed as found.
@settings(max_examples=20, deadline=None, database=None, derandomize=True,
          phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.tuples(*[render_text for _ in RENDERED]))
def test_any_text_prints_as_typed_in_both_formats_or_is_refused_by_name(texts):
    from generator.render.docx import docx_bytes
    from generator.render.pdf import pdf_bytes

    values = {path: ([t] if path == ("recipients",) else t) for path, t in zip(RENDERED, texts, strict=True)}
    loaded = _load(values)
    if isinstance(loaded, InputError):
        _assert_refusal_names(loaded, {p: v for p, v in values.items()})
        return
    event("rendered")
    pdf = PdfReader(pdf_bytes(loaded))
    fonts = {c["fontname"].split("+")[-1] for page in pdf.pages for c in page.chars}
    assert all(f.startswith("Liberation-Serif") for f in fonts), fonts  # no fallback font drew a glyph
    pdf_text = _squeezed(pdf.all_text())
    word_text = _squeezed(DocxReader(docx_bytes(loaded)).text())
    for (path, shown), typed in zip(RENDERED.items(), texts, strict=True):
        expected = _squeezed(shown.format(_folded(typed)))
        assert expected in pdf_text, (path, typed)
        assert expected in word_text, (path, typed)


def _text_fields() -> list[tuple]:
    """Every field of the fixture that holds free text (not a date, a number, a choice,
    the ký hiệu or a web address, which have their own forms)."""
    fixed = {"code", "prefix", "urgency", "secrecy", "date", "deadline", "number", "copies", "archive_copies"}
    out = []

    def walk(node, path):
        if isinstance(node, dict):
            for k, v in node.items():
                if k not in fixed:
                    walk(v, (*path, k))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, (*path, i))
        elif isinstance(node, str):
            out.append(path)

    walk(_BASE, ())
    return out


TEXT_FIELDS = _text_fields()


def test_the_validation_property_covers_every_kind_of_text_field():
    names = {".".join(str(p) for p in path if not isinstance(p, int)) for path in TEXT_FIELDS}
    assert {"agency.name", "agency.parent", "place", "subject", "recipients", "body.opening",
            "body.directives.text", "body.directives.items", "body.closing", "signer.authority.of",
            "signer.title", "signer.name", "distribution.recipients", "distribution.archive",
            "distribution.drafter", "footer"} <= names


@settings(max_examples=250, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(TEXT_FIELDS), text)
def test_any_text_in_any_field_is_accepted_whole_or_refused_by_name(path, typed):
    from generator.render import fonts

    loaded = _load({path: typed})
    if isinstance(loaded, InputError):
        _assert_refusal_names(loaded, {path: typed})
        return
    kept = loaded.model_dump()
    for part in path:
        kept = kept[part]
    folded = _folded(typed)
    assert kept in (folded, folded.upper()), (path, typed, kept)  # titles are kept in capitals
    assert fonts.uncovered(kept) == []  # what is accepted, the font can draw


@pytest.mark.parametrize(("char", "field"), [
    ("\u05d0", "subject"),          # Hebrew: right to left, not in the font
    ("\U0001f600", "signer.name"),  # an emoji
    ("\u0007", "recipients.0"),     # a control character
    ("\u202e", "subject"),          # RIGHT-TO-LEFT OVERRIDE: would print the text backwards
    ("\u200b", "recipients.0"),     # ZERO WIDTH SPACE: invisible, pasted from the web
    ("\u00ad", "subject"),          # SOFT HYPHEN: invisible unless the line breaks there
])
def test_characters_that_cannot_print_as_typed_are_refused_by_name(char, field):
    path = tuple(int(p) if p.isdigit() else p for p in field.split("."))
    loaded = _load({path: f"Kính gửi {char} Bắc Giang"})
    assert isinstance(loaded, InputError), char
    assert len(loaded.problems) == 1
    assert f": {field}: " in loaded.problems[0] and f"U+{ord(char):04X}" in loaded.problems[0]
