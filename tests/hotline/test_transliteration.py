"""Latin spellings of Mongolian names, and the text folding every tagger compares with."""

from __future__ import annotations

import unicodedata

import pytest

from hotline.transliteration import latin_variants, russian_keyboard_variants, transliterate
from transcription.textnorm import compact, fold, stems, substring_positions, tokenize


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        ("Ховд", "Khovd"),
        ("Өвөрхангай", "Övörkhangai"),
        ("Баян-Өлгий", "Bayan-Ölgii"),
        ("Улаанбаатар", "Ulaanbaatar"),
        ("Хэнтий", "Khentii"),
        ("Говь-Алтай", "Govi-Altai"),
        ("Цэцэрлэг", "Tsetserleg"),
        ("Жаргалант", "Jargalant"),
        ("Чингэлтэй", "Chingeltei"),
    ],
)
def test_national_standard_mns_5217(cyrillic: str, latin: str) -> None:
    assert transliterate(cyrillic) == latin


@pytest.mark.parametrize(
    ("cyrillic", "expected"),
    [
        ("Өвөрхангай", {"Övörkhangai", "Uvurkhangai", "Ovorkhangai", "Ovorhangay", "Uvurhangai"}),
        ("Баян-Өлгий", {"Bayan-Ölgii", "Bayan-Ulgii", "Bayan-Olgii"}),
        ("Хөвсгөл", {"Khövsgöl", "Khuvsgul", "Khovsgol", "Hovsgol"}),
        ("Ховд", {"Khovd", "Hovd"}),
        ("Баянхонгор", {"Bayankhongor", "Bayanhongor"}),
        ("Хэнтий", {"Khentii", "Hentiy"}),
        ("Архангай", {"Arkhangai", "Arhangay"}),
    ],
)
def test_latin_variants_cover_the_spellings_people_use(cyrillic: str, expected: set[str]) -> None:
    variants = latin_variants(cyrillic)

    assert expected <= set(variants)
    assert variants[0] == transliterate(cyrillic, "mns")  # the standard comes first
    assert len(variants) == len(set(variants)) <= 5  # a few schemes, not a cartesian explosion


def test_only_cyrillic_is_transliterated() -> None:
    assert latin_variants("Battambang") == []
    assert latin_variants("បាត់ដំបង") == []
    assert transliterate("Ховд 84, aimag") == "Khovd 84, aimag"


def test_russian_keyboard_spellings_drop_the_mongolian_letters() -> None:
    assert {"Увурхангай", "Оворхангай"} <= set(russian_keyboard_variants("Өвөрхангай"))
    assert "Сухбаатар" in russian_keyboard_variants("Сүхбаатар")
    assert russian_keyboard_variants("Ховд") == []


def test_fold_removes_case_and_latin_diacritics_but_keeps_cyrillic_letters() -> None:
    assert fold("KHÖVSGÖL") == fold("Khövsgöl") == "khovsgol"
    assert fold("Govĭ-Altay") == "govi-altay"
    assert fold("ХЭНТИЙ") == "хэнтий"  # й is a letter, not и with a removable breve
    assert fold(unicodedata.normalize("NFD", "Хэнтий")) == "хэнтий"
    assert fold("Өмнөговь") == "өмнөговь"


def test_compact_makes_hyphens_spaces_and_case_irrelevant() -> None:
    assert compact("Bayan-Ölgii") == compact("bayan olgii") == compact("BAYAN OLGII") == "bayanolgii"
    assert compact("Баян-Өлгий") == compact("Баян Өлгий") == compact("Баянөлгий") == "баянөлгий"
    assert compact("Ulan-Bator") == compact("Ulan Bator")


def test_tokens_keep_offsets_into_the_original_text() -> None:
    text = "Ховд аймгийн Баян-Өлгий, khoroo №3"
    tokens = tokenize(text)

    assert [t.folded for t in tokens] == ["ховд", "аймгийн", "баян", "өлгий", "khoroo", "3"]
    assert all(text[t.start : t.end] == t.text for t in tokens)
    assert [t.index for t in tokens] == list(range(len(tokens)))


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("аймгийн", "аймг"),
        ("аймагт", "аймаг"),
        ("ховдод", "ховд"),
        ("баянхонгорт", "баянхонгор"),
        ("хороонд", "хороо"),
        ("сумын", "сум"),
        ("усгүй", "ус"),
        ("аймагтаа", "аймаг"),  # reflexive ending after the case ending
    ],
)
def test_stems_remove_mongolian_case_endings(word: str, stem: str) -> None:
    assert stem in stems(word, 2)


def test_stems_leave_short_words_alone() -> None:
    assert "эм" not in stems("эмээ", 2)  # grandmother, not medicine
    assert "эм" not in stems("эмэгтэй", 2)  # woman
    assert stems("ховд")[0] == "ховд"  # the word itself is always first


def test_khmer_substrings_only_match_whole_character_clusters() -> None:
    road = "ផ្លូវ"  # the subscript ្ល is not the syllable លូ (drain)
    assert substring_positions(road, "លូ") == []
    assert substring_positions("នៅខេត្តបាត់ដំបង", "បាត់ដំបង") == [len("នៅខេត្ត")]
