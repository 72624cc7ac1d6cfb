"""Text pasted from old TCVN3 (.VnTime) and VNI-Windows files: found in any field or plan
cell, named with the fix, and converted only on request (``--legacy-encoding``)."""

from __future__ import annotations

import csv
import re
import shutil
import unicodedata
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import EXAMPLE, FIXTURES, ROOT

from generator import InputError, load_dispatch
from generator.cli import cli
from generator.input.legacy import convert, detect

# The spec's samples (../shared/spec/provinces.md §7), as typed and as meant.
TCVN3 = {
    "Céng hoµ x· héi chñ nghÜa ViÖt Nam": "Cộng hoà xã hội chủ nghĩa Việt Nam",
    "§éc lËp - Tù do - H¹nh phóc": "Độc lập - Tự do - Hạnh phúc",
    "Bµ RÞa - Vòng Tµu": "Bà Rịa - Vũng Tàu",
    "§¾k L¾k": "Đắk Lắk",
    "Thõa Thiªn HuÕ": "Thừa Thiên Huế",
    "Thµnh phè Hå ChÝ Minh": "Thành phố Hồ Chí Minh",
    "Uû ban nh©n d©n tØnh B¾c Giang": "Uỷ ban nhân dân tỉnh Bắc Giang",
    "HuÕ": "Huế",
}
VNI = {
    "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam": "Cộng hòa xã hội chủ nghĩa Việt Nam",
    "Ñoäc laäp - Töï do - Haïnh phuùc": "Độc lập - Tự do - Hạnh phúc",
    "Baø Ròa - Vuõng Taøu": "Bà Rịa - Vũng Tàu",
    "Ñaék Laék": "Đắk Lắk",
    "Thöøa Thieân Hueá": "Thừa Thiên Huế",
    "UÛy ban nhaân daân tænh Baéc Giang": "Ủy ban nhân dân tỉnh Bắc Giang",
}


@pytest.mark.parametrize(("typed", "meant", "encoding"),
                         [(t, m, "tcvn3") for t, m in TCVN3.items()] + [(t, m, "vni") for t, m in VNI.items()])
def test_the_specs_samples_are_found_and_converted(typed, meant, encoding):
    found = detect(typed)
    assert found is not None and found.encoding == encoding
    fixed = convert(typed, encoding)
    assert fixed == meant and unicodedata.is_normalized("NFC", fixed)


def _unicode_strings() -> list[str]:
    """Every line, CSV cell and word of the examples, the test fixtures and the province registry."""
    out: list[str] = []
    files = [*(ROOT / "examples").rglob("*"), *FIXTURES.rglob("*"), ROOT / "generator" / "input" / "data" / "provinces.csv"]
    for path in files:
        if path.is_file() and path.suffix in (".yaml", ".csv", ".txt"):
            text = path.read_text(encoding="utf-8")
            out += [line for line in text.splitlines() if line.strip()] + text.split()
            if path.suffix == ".csv":
                out += [cell for row in csv.reader(text.splitlines()) for cell in row]
    return out


def test_no_real_vietnamese_is_taken_for_legacy_text():
    strings = _unicode_strings()
    assert len(strings) > 2000
    assert [s for s in strings if detect(s)] == []
    # nor foreign names, units and signs a dispatch may hold, nor capitals
    others = ["Müller", "Straße", "Peña", "Zoë", "François", "São Paulo", "Curaçao", "naïve", "5 µm", "5 × 3",
              "§ 3", "© 2022", "½ ngày", "Ô Môn", "BỘ THÔNG TIN VÀ TRUYỀN THÔNG", "ỦY BAN NHÂN DÂN", "Tây Ninh"]
    assert [s for s in others if detect(s)] == []


def _legacy_form(text: str, encoding: str) -> str:
    from viparse.normalize.encodings import get_charmap

    back = {u: legacy for legacy, u in get_charmap(encoding).pairs}
    if encoding == "tcvn3":  # TCVN3 has no accented capitals: typed with the small letter
        return "".join(back.get(ch, back.get(ch.lower(), ch)) for ch in text)
    return "".join(back.get(ch, ch) for ch in text)


def test_province_names_typed_in_legacy_fonts_are_found():
    text = (ROOT / "generator" / "input" / "data" / "provinces.csv").read_text(encoding="utf-8")
    names = sorted({r["name"] for r in csv.DictReader(text.splitlines())})
    missed = {}
    for encoding in ("tcvn3", "vni"):
        for name in names:
            typed = _legacy_form(name, encoding)
            found = detect(typed)
            if typed != name and (found is None or found.encoding != encoding):
                missed[typed] = encoding
    # "Sôn La" is VNI for Sơn La, but "Sôn" is a Vietnamese syllable as it stands:
    # one short word cannot tell, which is why conversion is never automatic.
    assert missed == {"Sôn La": "vni"}


def test_nfd_text_is_normalised_silently(tmp_path):
    folder = _copy_example(tmp_path)
    yaml = folder / "cong-van.yaml"
    yaml.write_text(unicodedata.normalize("NFD", yaml.read_text(encoding="utf-8")), encoding="utf-8")
    assert load_dispatch(yaml) == load_dispatch(EXAMPLE)


def test_a_mixed_field_converts_only_its_legacy_words():
    text = "Ủy ban nhân dân tỉnh §¾k L¾k"
    assert detect(text).encoding == "tcvn3"
    assert convert(text, "tcvn3") == "Ủy ban nhân dân tỉnh Đắk Lắk"  # "nhân" is not made "nhõn"


def test_tcvn3_capitals_come_back_capitals():
    assert convert("CéNG HOµ X· HéI CHñ NGHÜA VIÖT NAM", "tcvn3") == "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert convert("B¾c giang", "tcvn3", font=".VnTimeH") == "BẮC GIANG"


# -- through the command line ------------------------------------------------------------

RECIPIENT = "Trung ương Đoàn Thanh niên Cộng sản Hồ Chí Minh"
RECIPIENT_TCVN3 = "Trung ­¬ng §oµn Thanh niªn Céng s¶n Hå ChÝ Minh"
CLOSING_VNI = "Traân troïng./."


def _copy_example(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for f in EXAMPLE.parent.iterdir():
        shutil.copy(f, folder / f.name)
    return folder


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def earlier(runner, tmp_path):
    """An output folder holding a good earlier render, and a way to check it is untouched."""
    out = tmp_path / "out"
    assert runner.invoke(cli, ["render", str(EXAMPLE), "--format", "docx", "--out", str(out)]).exit_code == 0
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.iterdir()}

    def untouched() -> bool:
        return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.iterdir()} == before

    return out, untouched


def test_tcvn3_in_a_yaml_field_is_named_with_its_fix(runner, tmp_path, earlier):
    out, untouched = earlier
    folder = _copy_example(tmp_path)
    yaml = folder / "cong-van.yaml"
    _edit(yaml, f"  - {RECIPIENT}", f"  - {RECIPIENT_TCVN3}")
    result = runner.invoke(cli, ["render", str(yaml), "--out", str(out)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert result.output.splitlines() == [
        f"Error: {yaml}:{_line(yaml, RECIPIENT_TCVN3)}: recipients.0: this text looks pasted from an old file in "
        "the TCVN3 (ABC) encoding (fonts .VnTime, .VnArial): 'Trung ‐¬ng §oµn Thanh niªn Céng s¶n Hå ChÝ Minh' "
        f"reads '{RECIPIENT}'. Run again with --legacy-encoding tcvn3 to convert it, or retype it in Unicode (or "
        "convert it with Unikey's converter, TCVN3 (ABC) to Unicode)."
    ]
    assert untouched()


def test_vni_in_a_yaml_field_is_named_with_its_fix(runner, tmp_path, earlier):
    out, untouched = earlier
    folder = _copy_example(tmp_path)
    yaml = folder / "cong-van.yaml"
    _edit(yaml, "closing: Trân trọng./.", f"closing: {CLOSING_VNI}")
    result = runner.invoke(cli, ["render", str(yaml), "--out", str(out)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert (f"Error: {yaml}:{_line(yaml, CLOSING_VNI)}: body.closing: this text looks pasted from an old file in "
            f"the VNI-Windows encoding (fonts VNI-Times, VNI-Helve): '{CLOSING_VNI}' reads 'Trân trọng./.'. "
            "Run again with --legacy-encoding vni") in result.output
    assert untouched()


def test_the_wrong_encoding_asked_says_which_one_it_is(runner, tmp_path, earlier):
    out, untouched = earlier
    folder = _copy_example(tmp_path)
    yaml = folder / "cong-van.yaml"
    _edit(yaml, f"  - {RECIPIENT}", f"  - {RECIPIENT_TCVN3}")
    result = runner.invoke(cli, ["render", str(yaml), "--out", str(out), "--legacy-encoding", "vni"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert ("recipients.0: this text looks pasted from an old file in the TCVN3 (ABC) encoding" in result.output)
    assert ("It is not in VNI-Windows, which --legacy-encoding vni converts: run with --legacy-encoding tcvn3 "
            "instead, or retype the text in Unicode.") in result.output
    assert untouched()


def test_legacy_text_in_a_csv_cell_names_the_row_and_column(runner, tmp_path, earlier):
    out, untouched = earlier
    folder = _copy_example(tmp_path)
    _edit(folder / "ke-hoach.csv", '"Thái Nguyên, Lạng Sơn', '"Th¸i Nguyªn, L¹ng S¬n')
    result = runner.invoke(cli, ["validate", str(folder / "cong-van.yaml")])
    assert result.exit_code == 2 and "Traceback" not in result.output
    csv_file = folder / "ke-hoach.csv"
    assert (f"  {csv_file}:row 3 (column 'Tỉnh, thành phố'): annexes.0.plan.clusters.1.provinces.0: this text "
            "looks pasted from an old file in the TCVN3 (ABC) encoding (fonts .VnTime, .VnArial): 'Th¸i Nguyªn' "
            "reads 'Thái Nguyên'. Run again with --legacy-encoding tcvn3") in result.output
    assert f"{csv_file}:row 3 (column 'Tỉnh, thành phố'): annexes.0.plan.clusters.1.provinces.1:" in result.output
    result = runner.invoke(cli, ["render", str(folder / "cong-van.yaml"), "--out", str(out)])
    assert result.exit_code == 2
    assert untouched()


def test_a_vnTime_font_in_an_xlsx_cell_is_named(runner, tmp_path, earlier):
    import openpyxl
    from openpyxl.styles import Font

    out, untouched = earlier
    folder = _copy_example(tmp_path)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Kế hoạch"
    sheet.append(["TT", "Cụm", "Từ ngày", "Đến ngày", "Tỉnh, thành phố"])
    for row in list(csv.reader((folder / "ke-hoach.csv").read_text(encoding="utf-8").splitlines()))[1:]:
        sheet.append(row)
    sheet["E2"] = "B¾c Giang, B¾c Ninh"  # typed in .VnTime, but "B¾c" is plain enough for any font
    sheet["E2"].font = Font(name=".VnTime")
    book.save(folder / "ke-hoach.xlsx")
    yaml = folder / "cong-van.yaml"
    _edit(yaml, "file: ke-hoach.csv", "file: ke-hoach.xlsx")
    result = runner.invoke(cli, ["render", str(yaml), "--out", str(out)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert (f"{folder / 'ke-hoach.xlsx'}:sheet 'Kế hoạch', row 2 (column E, 'Tỉnh, thành phố'): "
            "annexes.0.plan.clusters.0.provinces.0: the cell's font is .VnTime, an old TCVN3 (ABC) font, and its "
            "text is in that encoding ('B¾c Giang' means 'Bắc Giang'). Run again with --legacy-encoding tcvn3"
            ) in result.output
    assert untouched()
    # converted on request: the plan reads as the Unicode one
    result = runner.invoke(cli, ["validate", str(yaml), "--legacy-encoding", "tcvn3"])
    assert result.exit_code == 0, result.output
    model = load_dispatch(yaml, legacy_encoding="tcvn3")
    assert model.annexes[0].plan.clusters[0].provinces[:2] == ["Bắc Giang", "Bắc Ninh"]


def _legacy_example(tmp_path: Path) -> Path:
    """The example with its recipient, closing, signer and a plan cell pasted from a TCVN3 file."""
    folder = _copy_example(tmp_path)
    yaml = folder / "cong-van.yaml"
    _edit(yaml, f"  - {RECIPIENT}", f"  - {RECIPIENT_TCVN3}")
    _edit(yaml, "closing: Trân trọng./.", "closing: Tr©n träng./.")
    _edit(folder / "ke-hoach.csv", '"Thái Nguyên, Lạng Sơn', '"Th¸i Nguyªn, L¹ng S¬n')
    return yaml


def test_legacy_encoding_converts_to_what_unicode_input_gives(tmp_path):
    yaml = _legacy_example(tmp_path)
    with pytest.raises(InputError):
        load_dispatch(yaml)
    assert load_dispatch(yaml, legacy_encoding="tcvn3") == load_dispatch(EXAMPLE)


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_unicode_text_is_never_converted(encoding):
    # viparse.fix(..., encoding="tcvn3") turns "Tây Ninh" into "Tõy Ninh": only what is found is converted
    assert load_dispatch(EXAMPLE, legacy_encoding=encoding) == load_dispatch(EXAMPLE)


def test_render_with_legacy_encoding_writes_unicode_nfc(runner, tmp_path):
    yaml = _legacy_example(tmp_path)
    out = tmp_path / "out"
    result = runner.invoke(cli, ["render", str(yaml), "--out", str(out), "--legacy-encoding", "tcvn3"])
    assert result.exit_code == 0, result.output
    xml = zipfile.ZipFile(out / "cong-van.docx").read("word/document.xml").decode("utf-8")
    text = "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", xml))
    assert RECIPIENT in text and "Trân trọng./." in text and "Thái Nguyên" in text
    assert unicodedata.is_normalized("NFC", text)
    assert "¬" not in text and "©" not in text
    import pdfplumber

    with pdfplumber.open(out / "cong-van.pdf") as pdf:
        pdf_text = " ".join(page.extract_text() for page in pdf.pages)
    assert "Trân trọng./." in unicodedata.normalize("NFC", pdf_text) and "©" not in pdf_text


def test_batch_and_print_refuse_legacy_text_and_convert_it_on_request(runner, tmp_path):
    yaml = _legacy_example(tmp_path)
    out = tmp_path / "batch"
    for command in (["batch", str(yaml), "--per-province", "--dry-run"], ["print", str(yaml)]):
        result = runner.invoke(cli, [*command, "--out", str(out)])
        assert result.exit_code == 2 and "Traceback" not in result.output
        assert "recipients.0: this text looks pasted from an old file in the TCVN3 (ABC)" in result.output
        assert not out.exists()
    result = runner.invoke(cli, ["batch", str(yaml), "--per-province", "--dry-run", "--out", str(out),
                                 "--legacy-encoding", "tcvn3"])
    assert result.exit_code == 0, result.output
    assert "Thái Nguyên" in result.output or "thai-nguyen" in result.output


def test_the_message_in_vietnamese(runner, tmp_path):
    yaml = _legacy_example(tmp_path)
    result = runner.invoke(cli, ["--lang", "vi", "validate", str(yaml)])
    assert result.exit_code == 2
    assert (f"{yaml}:{_line(yaml, RECIPIENT_TCVN3)}: recipients.0: đoạn chữ này có vẻ được dán từ tệp cũ theo "
            "bảng mã TCVN3 (ABC)") in result.output
    assert "Hãy chạy lại với --legacy-encoding tcvn3 để chuyển đổi" in result.output
