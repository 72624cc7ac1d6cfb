"""The Decree's text rules, as tables of cases (NĐ 30, Phụ lục I; spec §3 Details)."""

from __future__ import annotations

import pytest

from generator.vietnamese import (
    document_number,
    full_date,
    join_recipient_lines,
    slug,
    sub_item_letters,
)


@pytest.mark.parametrize(
    ("year", "month", "day", "expected"),
    [
        (2020, 1, 5, "ngày 05 tháng 01 năm 2020"),
        (2019, 6, 29, "ngày 29 tháng 6 năm 2019"),
        (2022, 2, 28, "ngày 28 tháng 02 năm 2022"),
        (2022, 3, 1, "ngày 01 tháng 3 năm 2022"),
        (2022, 12, 10, "ngày 10 tháng 12 năm 2022"),
        (2022, 9, None, "ngày _ tháng 9 năm 2022"),
        (2022, None, None, "ngày _ tháng _ năm 2022"),
    ],
    ids=["jan-padded", "june-not-padded", "feb-padded", "march-not-padded", "two-digits",
         "draft-day", "draft-day-month"],
)
def test_date_rule_pads_days_and_only_months_1_and_2(year, month, day, expected):
    assert full_date(year, month, day, blank="_") == expected


@pytest.mark.parametrize(
    ("number", "expected"),
    [(1, "01/BNV-VP"), (9, "09/BNV-VP"), (10, "10/BNV-VP"), (123, "123/BNV-VP"), (None, "__/BNV-VP")],
    ids=["1", "9", "10", "123", "draft"],
)
def test_number_rule_pads_below_ten_only(number, expected):
    assert document_number(number, "BNV-VP", blank="__") == expected


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["Bộ Nội vụ"], ["- Bộ Nội vụ."]),
        (["Bộ Tài chính", "Bộ Nội vụ"], ["- Bộ Tài chính;", "- Bộ Nội vụ."]),
        (["A", "B", "C"], ["- A;", "- B;", "- C."]),
    ],
    ids=["one", "two", "three"],
)
def test_recipient_list_rule(names, expected):
    assert join_recipient_lines(names) == expected


def test_sub_item_letters_follow_the_vietnamese_alphabet():
    assert sub_item_letters(7) == ["a", "b", "c", "d", "đ", "e", "g"]
    letters = sub_item_letters(23)
    assert letters[-1] == "y"
    assert not {"f", "j", "w", "z"} & set(letters)
    assert sub_item_letters(24)[-1] == "aa"
    assert len(set(sub_item_letters(60))) == 60


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Bà Rịa - Vũng Tàu", "ba-ria-vung-tau"),
        ("Bà Rịa – Vũng Tàu", "ba-ria-vung-tau"),
        ("Đắk Lắk", "dak-lak"),
        ("Ðắk Lắk", "dak-lak"),
        ("Đắk Nông".encode().decode(), "dak-nong"),
        ("TP. Hồ Chí Minh", "tp-ho-chi-minh"),
    ],
)
def test_slug_is_ascii_and_keeps_d(name, expected):
    import unicodedata

    assert slug(unicodedata.normalize("NFD", name)) == expected
    assert slug(name) == expected


def test_qr_images_are_made_once_per_content(tmp_path, monkeypatch):
    import time

    from generator.render.qr import qr_image

    monkeypatch.setenv("CONGVAN_QR_CACHE", str(tmp_path))
    first = qr_image("https://onetouch.mic.gov.vn")
    stamp = first.stat().st_mtime_ns
    time.sleep(0.01)
    assert qr_image("https://onetouch.mic.gov.vn") == first
    assert first.stat().st_mtime_ns == stamp  # not made again
    assert qr_image("https://onetouch.mic.gov.vn/") != first  # other content, other file
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [first.name, qr_image("https://onetouch.mic.gov.vn/").name])
