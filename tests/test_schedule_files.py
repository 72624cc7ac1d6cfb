"""Plan tables as clerks' Excel saves them: BOM, ';' separators, Windows-1258, XLSX cells."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from conftest import EXAMPLE

from generator import InputError, load_dispatch
from generator.input.schedule import read_clusters

CSV = (EXAMPLE.parent / "ke-hoach.csv").read_text(encoding="utf-8")


def semicolons(text: str) -> str:
    """The same table as Excel in a Vietnamese locale saves it: ';' between cells."""
    import csv
    import io

    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(csv.reader(io.StringIO(text)))
    return out.getvalue()


def cp1258(text: str) -> bytes:
    """``text`` as Excel writes Windows-1258: base letters (â ơ ư đ …) precomposed, tones combining."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        vowel_marks = "".join(m for m in parts[1:] if m in "\u0302\u0306\u031b")  # â ă ơ …
        tones = "".join(m for m in parts[1:] if m not in vowel_marks)
        out += unicodedata.normalize("NFC", parts[0] + vowel_marks).encode("cp1258") + tones.encode("cp1258")
    return bytes(out)


@pytest.mark.parametrize(
    "data",
    [
        "\ufeff".encode() + CSV.encode(),
        semicolons(CSV).encode(),
        cp1258(semicolons(CSV)),
    ],
    ids=["utf8-bom", "semicolons", "windows-1258"],
)
def test_excel_csv_variants_read_the_same(tmp_path, data):
    expected, _ = read_clusters(EXAMPLE.parent / "ke-hoach.csv")
    (tmp_path / "k.csv").write_bytes(data)
    got, _ = read_clusters(tmp_path / "k.csv")
    assert got == expected
    assert all(unicodedata.is_normalized("NFC", p) for c in got for p in c["provinces"])


def test_xlsx_dates_as_text_or_numbers_and_formulas(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["TT", "Cụm", "Từ ngày", "Đến ngày", "Tỉnh, thành phố"])
    sheet.append([1, "Cụm 1", "12/9/2022", dt.datetime(2022, 9, 30), "Hà Nội, Hải Phòng"])
    book.save(tmp_path / "k.xlsx")
    clusters, _ = read_clusters(tmp_path / "k.xlsx")
    assert clusters == [{"number": 1, "name": "Cụm 1", "start": dt.date(2022, 9, 12),
                         "end": dt.date(2022, 9, 30), "provinces": ["Hà Nội", "Hải Phòng"]}]


def test_a_missing_column_is_named(tmp_path):
    (tmp_path / "k.csv").write_text("TT,Cụm,Từ ngày,Tỉnh\n1,Cụm 1,12/9/2022,Hà Nội\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_clusters(tmp_path / "k.csv")
    assert "row 1: missing column(s) 'den ngay'" in info.value.format_message()


def test_control_characters_are_refused_with_the_field(tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8").replace("  name: Nguyễn Huy Dũng", '  name: "Nguyễn Huy\\x07Dũng"')
    (tmp_path / "cv.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "ke-hoach.csv").write_text(CSV, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_dispatch(tmp_path / "cv.yaml")
    message = info.value.format_message()
    assert "signer.name: the control character U+0007 cannot be printed" in message
