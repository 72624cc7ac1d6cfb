"""The province registry: eras, matching of what clerks type, errors, recipient names."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
import seed_text as seed

from generator.input.provinces import ProvinceError, in_force, key, match, place_tones, recipient_name

D2022 = dt.date(2022, 9, 12)
D2026 = dt.date(2026, 1, 5)


def test_eras_have_63_and_34_provinces():
    assert len(in_force(D2022)) == 63
    assert len(in_force(dt.date(2025, 6, 30))) == 63
    assert len(in_force(dt.date(2025, 7, 1))) == 34
    assert len({p.code for p in in_force(D2022)}) == 63


def test_the_seed_names_all_63_provinces_once():
    names = [p for c in seed.CLUSTERS for p in c[3].split(", ")]
    codes = [match(n, D2022).code for n in names]
    assert len(set(codes)) == 63
    assert set(codes) == {p.code for p in in_force(D2022)}


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Hòa Bình", "17"), ("Hoà Bình", "17"), ("HOÀ BÌNH", "17"), ("Thanh Hoá", "38"),
        ("Khánh Hoà", "56"), ("TP. Hồ Chí Minh", "79"), ("Tp Hồ Chí Minh", "79"), ("TP.HCM", "79"),
        ("HCM", "79"), ("Sài Gòn", "79"), ("Thành phố Hồ Chí Minh", "79"), ("Thủ đô Hà Nội", "01"),
        ("HN", "01"), ("Tỉnh Bắc Giang", "24"), ("Đắc Lắc", "66"), ("Đăk Lăk", "66"), ("Daklak", "66"),
        ("Ðắk Lắk", "66"), ("Đắc Nông", "67"), ("Bắc Cạn", "06"), ("Kontum", "62"),
        ("Bà Rịa – Vũng Tàu", "77"), ("Bà Rịa-Vũng Tàu", "77"), ("BR-VT", "77"),
        ("Bà  Rịa\u00a0- Vũng Tàu", "77"), (unicodedata.normalize("NFD", "Đắk Nông"), "67"),
        ("Thừa Thiên Huế", "46"), ("Thành phố Huế", "46"),
    ],
)
def test_what_clerks_type_matches_the_province(typed, code):
    assert match(typed, D2022).code == code


def test_codes_and_names_depend_on_the_date():
    assert match("Bắc Ninh", D2022).code == "27"
    assert match("Bắc Ninh", D2026).code == "24"
    assert match("Huế", dt.date(2025, 2, 1)).full_name == "thành phố Huế"
    assert match("Huế", D2022).full_name == "tỉnh Thừa Thiên Huế"


def test_a_province_gone_on_the_date_says_what_it_became():
    with pytest.raises(ProvinceError) as info:
        match("Hà Giang", D2026)
    assert info.value.format_message() == (
        "'Hà Giang' no longer exists on 05/01/2026: on 01/07/2025 it became part of "
        "tỉnh Tuyên Quang. Write 'Tuyên Quang'."
    )


def test_an_unknown_name_lists_the_closest():
    with pytest.raises(ProvinceError) as info:
        match("Hà Gian", D2022)
    assert "'Hà Gian' is not a province on 12/09/2022. Did you mean 'Hà Giang'" in info.value.format_message()


def test_keys_are_unique_within_each_era():
    for day in (D2022, D2026):
        keys = [key(p.name) for p in in_force(day)]
        assert len(keys) == len(set(keys))


@pytest.mark.parametrize(
    ("typed", "template", "expected"),
    [
        ("Bắc Giang", None, "Ủy ban nhân dân tỉnh Bắc Giang"),
        ("Hà Nội", None, "Ủy ban nhân dân thành phố Hà Nội"),
        ("TP. Hồ Chí Minh", None, "Ủy ban nhân dân Thành phố Hồ Chí Minh"),
        ("Hoà Bình", None, "Ủy ban nhân dân tỉnh Hòa Bình"),
        ("Bắc Giang", "Sở Thông tin và Truyền thông {unit} {name}", "Sở Thông tin và Truyền thông tỉnh Bắc Giang"),
    ],
)
def test_recipient_names(typed, template, expected):
    province = match(typed, D2022)
    name = recipient_name(province, template) if template else recipient_name(province)
    assert name == expected


def test_one_tone_style_for_the_whole_text():
    assert place_tones("Uỷ ban Hoà Bình, Thanh Hoá, khoẻ", "new") == "Ủy ban Hòa Bình, Thanh Hóa, khỏe"
    assert place_tones("Ủy ban Hòa Bình", "old") == "Uỷ ban Hoà Bình"
    assert place_tones("Hoàng Quý Thuyết", "old") == "Hoàng Quý Thuyết"
