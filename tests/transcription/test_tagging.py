"""Sector and location tags for complaint texts: keypad choices, transcript evidence, suggestions."""

from __future__ import annotations

import json

import pytest

from hotline.deployment import DEFAULT_DEPLOYMENT, DEPLOYMENTS_DIR, load_deployment
from transcription.gazetteer import default_gazetteer
from transcription.tagging import TagResult, tag_complaint

MONGOLIA = load_deployment(DEFAULT_DEPLOYMENT)
CAMBODIA = load_deployment(DEPLOYMENTS_DIR / "cambodia.toml")


def tag(text: str, *, language: str = "mn", sector: str | None = None, area: str | None = None, deployment=MONGOLIA):  # type: ignore[no-untyped-def]
    return tag_complaint(
        text=text,
        language=language,
        deployment=deployment,
        gazetteer=default_gazetteer(deployment),
        menu_sector=sector,
        menu_area=area,
    )


def found(tags: list[TagResult], kind: str, source: str = "transcript") -> dict[str, TagResult]:
    return {t.code: t for t in tags if t.kind == kind and t.source == source}


def places(tags: list[TagResult]) -> set[tuple[str, str]]:
    return {(t.kind, t.code) for t in tags if t.source == "transcript" and t.kind != "sector"}


# --- a whole complaint -------------------------------------------------------------------------------


def test_mongolian_complaint_gets_menu_tags_corroboration_and_places_with_evidence() -> None:
    text = "Ховд аймгийн Жаргалант сумын эмнэлэгт эмч байхгүй байна"
    tags = tag(text, sector="health", area="84")

    menu = [(t.kind, t.code, t.score) for t in tags if t.source == "menu"]
    assert menu == [("sector", "health", 1.0), ("area", "84", 1.0)]
    health = found(tags, "sector")["health"]
    assert not health.suggested and 0.6 < health.score < 1.0
    assert health.evidence is not None and health.evidence["words"] == ["эмнэлэгт", "эмч"]
    assert health.evidence["keywords"][0] in {"эмнэл", "эмнэлэг"}
    assert health.label == "Эрүүл мэнд"

    soum = found(tags, "soum")["8401"]
    assert soum.label == "Жаргалант" and soum.code.startswith("84") and soum.score == 1.0
    assert soum.evidence is not None and soum.evidence["words"] == ["Жаргалант"]
    [span] = soum.evidence["spans"]
    assert text[span["start"] : span["end"]] == "Жаргалант" and span["level_word"] == "сумын"
    assert (span["token_start"], span["token_end"]) == (2, 3)
    area = found(tags, "area")["84"]
    assert area.evidence is not None and area.evidence["words"] == ["Ховд"] and not area.suggested


def test_english_complaint_gets_sector_and_area_with_evidence() -> None:
    text = "The hospital in Khovd has no doctor and the nurse left"
    tags = tag(text, language="en")

    health = found(tags, "sector")["health"]
    assert health.label == "health" and health.evidence is not None
    assert set(health.evidence["words"]) == {"hospital", "doctor", "nurse"}
    assert not health.suggested  # no keypad choice to disagree with
    khovd = found(tags, "area")["84"]
    assert khovd.label == "Khovd" and khovd.evidence is not None and khovd.evidence["spellings"] == ["Khovd"]
    assert places(tags) == {("area", "84")}


def test_empty_text_gives_the_menu_tags_only() -> None:
    for text in ("", "   "):
        tags = tag(text, sector="education", area="62")
        assert [(t.kind, t.code, t.source, t.score, t.suggested) for t in tags] == [
            ("sector", "education", "menu", 1.0, False),
            ("area", "62", "menu", 1.0, False),
        ]
        assert tags[1].label == "Өвөрхангай"
    assert tag("") == []


def test_keypad_codes_the_deployment_does_not_know_are_kept_and_flagged() -> None:
    [sector, area] = tag("", sector="space", area="99")

    assert (sector.code, area.code) == ("space", "99")
    assert sector.evidence == {"unknown_code": True} and area.evidence == {"typed": "99", "unknown_code": True}


# --- sectors -------------------------------------------------------------------------------------------


def test_words_pointing_elsewhere_than_the_keypad_make_a_suggested_sector() -> None:
    tags = tag("Манай сумын эмнэлэгт эм байхгүй, эмч ирдэггүй", sector="education")

    assert found(tags, "sector", "menu").keys() == {"education"}
    transcript = found(tags, "sector")
    assert transcript.keys() == {"health"}
    health = transcript["health"]
    assert health.suggested and health.evidence is not None
    assert health.evidence["words"] == ["эмнэлэгт", "эм", "эмч"] and health.evidence["menu_sector"] == "education"


def test_the_longest_keyword_wins_where_keywords_overlap() -> None:
    tags = tag("Эрүүл мэндийн даатгалын шимтгэл төлсөн", sector="welfare")

    assert found(tags, "sector").keys() == {"welfare"}  # not health, despite "эрүүл мэнд"
    welfare = found(tags, "sector")["welfare"]
    assert welfare.evidence is not None and "эрүүл мэндийн даатгал" in welfare.evidence["keywords"]


@pytest.mark.parametrize(
    ("text", "language", "sector", "word"),
    [
        ("эмнэлгийн хаалга хаалттай", "mn", "health", "эмнэлгийн"),  # stem "эмнэл" + genitive
        ("усгүй гурав хоног боллоо", "mn", "infrastructure", "усгүй"),  # "ус" + "without"
        ("хүүхдийн цэцэрлэгт багш алга", "mn", "education", "цэцэрлэгт"),
        ("we had a power cut for a week", "en", "infrastructure", "power cut"),  # multi-word keyword
        ("the hospitl is closed", "en", "health", "hospitl"),  # typo: fuzzy
        ("my pension was not paid", "en", "welfare", "pension"),
    ],
)
def test_keywords_match_inflections_typos_and_phrases(text: str, language: str, sector: str, word: str) -> None:
    tags = found(tag(text, language=language), "sector")

    assert sector in tags
    evidence = tags[sector].evidence
    assert evidence is not None and word in evidence["words"]
    span = next(s for s in evidence["spans"] if s["text"] == word)
    assert text[span["start"] : span["end"]] == word


def test_short_keywords_do_not_match_inside_other_words() -> None:
    # "эм" (medicine) is not in "эмээ" (grandmother) or "эмэгтэй" (woman); "ус" (water) is not "Увс".
    tags = tag("Манай эмээ болон нэг эмэгтэй тэтгэвэр авдаггүй")

    assert found(tags, "sector").keys() == {"welfare"}
    assert places(tag("ус байхгүй")) == set()


def test_fuzzy_keyword_matches_score_lower_than_exact_ones() -> None:
    exact = found(tag("the hospital is closed", language="en"), "sector")["health"]
    fuzzy = found(tag("the hospitl is closed", language="en"), "sector")["health"]

    assert fuzzy.evidence is not None and fuzzy.evidence["spans"][0]["match"] == "fuzzy"
    assert fuzzy.score < exact.score


def test_more_keywords_mean_a_higher_but_never_certain_score() -> None:
    one = found(tag("эмч"), "sector")["health"].score
    three = found(tag("эмч сувилагч эмнэлэг"), "sector")["health"].score

    assert 0 < one < three < 1.0


def test_a_language_without_keywords_gives_no_transcript_sectors() -> None:
    assert found(tag("병원에 의사가 없어요", language="ko", sector="health"), "sector") == {}


# --- places --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language", "kind", "code"),
    [
        ("Ховт аймгийн сургууль", "mn", "area", "84"),  # ASR error, licensed by the level word
        ("Ховдод эмнэлэг муу", "mn", "area", "84"),  # dative ending
        ("Ховд аймгийн төвд", "mn", "area", "84"),
        ("Баянхонгор аймагт", "mn", "area", "64"),
        ("Сэлэнгийн замууд", "mn", "area", "43"),  # the final vowel gives way to the ending
        ("Дорноговийн сургууль", "mn", "area", "44"),
        ("Улаанбаатарт ирсэн", "mn", "area", "11"),
        ("Баян-Өлгийд", "mn", "area", "83"),
        ("Увурхангай аймаг", "mn", "area", "62"),  # typed without Ө/Ү
        ("Сүхбаатар дүүрэгт", "mn", "district", "1119"),
        ("I live in Khovd", "en", "area", "84"),
        ("I live in Hovd", "en", "area", "84"),
        ("the road in Uvurkhangai", "en", "area", "62"),
        ("near Bayanhongor", "en", "area", "64"),
        ("Bayankhongr", "en", "area", "64"),  # a missing letter in a long name
        ("from Ulan Bator", "en", "area", "11"),
        ("Sukhbaatar duureg", "en", "district", "1119"),
        ("Sukhbaatar district", "en", "district", "1119"),
        ("Khuvsgul aimag", "en", "area", "67"),
    ],
)
def test_misspelled_inflected_and_latin_place_names(text: str, language: str, kind: str, code: str) -> None:
    tags = tag(text, language=language)

    assert code in found(tags, kind), [(t.kind, t.code) for t in tags]
    evidence = found(tags, kind)[code].evidence
    assert evidence is not None and all(text[s["start"] : s["end"]] == s["text"] for s in evidence["spans"])


@pytest.mark.parametrize(
    ("text", "code", "word"),
    [("Ховдод очсон", "84", "Ховдод"), ("Сэлэнгийн зам", "43", "Сэлэнгийн"), ("Баянхонгорт", "64", "Баянхонгорт")],
)
def test_case_endings_are_removed_before_any_fuzzy_matching(text: str, code: str, word: str) -> None:
    tags = found(tag(text), "area")

    evidence = tags[code].evidence
    assert evidence is not None and evidence["words"] == [word]
    assert (evidence["spans"][0]["match"], evidence["spans"][0]["similarity"]) == ("stem", 1.0)


def test_a_garbled_name_with_a_case_ending_is_still_found() -> None:
    tags = found(tag("Баянхонкорт очсон"), "area")  # ASR: к for г, plus the dative ending

    assert tags.keys() == {"64"}
    assert tags["64"].evidence is not None and tags["64"].evidence["spans"][0]["match"] == "fuzzy"


def test_official_codes_soum_codes_start_with_the_aimag_code() -> None:
    tags = tag("Говь-Алтай аймгийн Алтай сумын сургууль")

    assert places(tags) == {("area", "82"), ("soum", "8204")}
    assert found(tags, "soum")["8204"].code[:2] == "82"


def test_a_repeated_soum_name_without_an_aimag_lists_every_candidate_with_a_shared_score() -> None:
    tags = found(tag("Жаргалант сумын эмнэлэг"), "soum")

    assert set(tags) == {"4149", "6104", "6440", "6510", "6719", "8401"}
    assert all(t.score == pytest.approx(1 / 6, abs=0.001) for t in tags.values())
    assert all(t.evidence is not None and len(t.evidence["candidates"]) == 6 for t in tags.values())
    assert found(tag("Жаргалант сумын эмнэлэг"), "area") == {}  # no aimag is implied by an ambiguous soum


def test_a_repeated_soum_name_is_resolved_by_the_aimag_said() -> None:
    tags = tag("Увс аймгийн Тэс сумын сургуульд багш дутагдаж байна")

    assert places(tags) == {("area", "85"), ("soum", "8546")}
    soum = found(tags, "soum")["8546"]
    assert soum.score == 1.0 and soum.evidence is not None and soum.evidence["resolved_by"] == "aimag said"


def test_a_repeated_soum_name_is_resolved_by_the_aimag_typed_on_the_keypad() -> None:
    tags = tag("Тэс сумын сургуульд багш дутагдаж байна", area="81")

    soum = found(tags, "soum")
    assert soum.keys() == {"8149"}
    assert soum["8149"].evidence is not None and soum["8149"].evidence["resolved_by"] == "keypad"
    implied = found(tags, "area")["81"]  # the soum implies its aimag
    assert implied.evidence is not None and implied.evidence["implied_by"] == "8149" and implied.score < 1.0


def test_an_aimag_name_that_is_also_a_soum_name() -> None:
    both = tag("Ховд аймгийн Ховд сумын эмнэлэг")
    assert places(both) == {("area", "84"), ("soum", "8440")}

    other_aimag = tag("Увс аймгийн Ховд суманд")
    assert places(other_aimag) == {("area", "85"), ("soum", "8549")}

    bare = tag("Ховдод очсон")  # no level word: the aimag, not its soums
    assert places(bare) == {("area", "84")}
    assert found(bare, "area")["84"].score < 1.0
    assert places(tag("Ховдод очсон", area="84")) == {("area", "84")}  # typing 84 does not make it the soum


def test_a_district_name_shared_with_an_aimag_follows_the_keypad() -> None:
    assert places(tag("Сүхбаатарт амьдардаг", area="11")) == {("district", "1119"), ("area", "11")}
    assert places(tag("Сүхбаатарт амьдардаг")) == {("area", "22")}


def test_khoroos_and_bags_are_tagged_under_a_district_or_soum() -> None:
    khoroo = found(tag("Баянзүрх дүүргийн 3-р хороонд ус байхгүй"), "khoroo")
    assert khoroo.keys() == {"111055"}
    assert khoroo["111055"].evidence is not None and khoroo["111055"].evidence["words"] == ["3-р хороонд"]

    assert found(tag("Баянзүрх дүүргийн гуравдугаар хороо"), "khoroo").keys() == {"111055"}
    assert found(tag("Баянзүрх дүүргийн хорин нэгдүгээр хороо"), "khoroo").keys() == {"111091"}
    assert found(tag("Bayanzurkh district, khoroo 3", language="en"), "khoroo").keys() == {"111055"}
    assert found(tag("Ховд аймгийн Жаргалант сумын 2-р баг"), "bag").keys() == {"840153"}
    assert found(tag("Жаргалант сумын Алагтолгой багт", area="84"), "bag").keys() == {"840151"}


def test_numbered_bags_and_khoroos_need_a_soum_or_district() -> None:
    assert places(tag("3-р хороонд ус байхгүй", area="11")) == set()
    assert places(tag("1-р багт эмч алга")) == set()
    # An ambiguous soum is not enough either.
    assert found(tag("Жаргалант сумын 2-р баг"), "bag") == {}


def test_place_names_that_are_ordinary_words_need_a_level_word() -> None:
    text = "сумын төвд эмч, сувилагч зэрэг ажилчид байхгүй, малчид цэцэрлэгт хүүхдээ өгч чадахгүй"
    assert places(tag(text)) == set()
    assert places(tag("Төв аймгийн Зэрэг сум")) >= {("area", "41")}
    assert places(tag("the machine must be fixed", language="en")) == set()


def test_everyday_words_one_letter_from_a_short_name_are_not_places() -> None:
    assert places(tag("манай сумын эмнэлэгт эмч байхгүй байна")) == set()  # манай (our), not Манлай soum
    assert places(tag("Манлай сумын эмнэлэг")) == {("soum", "4619"), ("area", "46")}


@pytest.mark.parametrize("deployment", [MONGOLIA, CAMBODIA], ids=["mongolia", "cambodia"])
def test_the_deployments_own_prompts_name_no_places(deployment) -> None:  # type: ignore[no-untyped-def]
    for language in deployment.languages:
        for prompt_id, text in [*language.prompts.items(), *language.status_names.items()]:
            found_places = places(tag(text, language=language.code, deployment=deployment))
            if prompt_id == "area_prompt":  # "…of the capital" / "нийслэл…" and "Phnom Penh" are real mentions
                assert found_places <= {("area", "11"), ("area", "12")}
            else:
                assert found_places == set(), (language.code, prompt_id, found_places)


def test_a_place_in_another_aimag_than_the_keypad_is_suggested() -> None:
    tags = tag("Ховд аймагт амьдардаг", area="64")

    khovd = found(tags, "area")["84"]
    assert khovd.suggested
    assert not found(tag("Ховд аймагт амьдардаг", area="84"), "area")["84"].suggested


# --- another country ------------------------------------------------------------------------------------


def test_cambodia_english_text_matches_its_provinces() -> None:
    tags = tag("The road in Battambang province is flooded", language="en", deployment=CAMBODIA)

    battambang = found(tags, "area")["02"]
    assert battambang.label == "Battambang" and battambang.score == 1.0
    assert found(tags, "sector").keys() == {"infrastructure"}
    assert places(tag("Kompong Cham", language="en", deployment=CAMBODIA)) == {("area", "03")}
    assert places(tag("the road to Khovd", language="en", deployment=CAMBODIA)) == set()


def test_cambodia_khmer_text_matches_province_names_inside_unspaced_text() -> None:
    text = "ផ្លូវនៅខេត្តបាត់ដំបងខូចខាតខ្លាំង មន្ទីរពេទ្យគ្មានថ្នាំ"
    tags = tag(text, language="km", deployment=CAMBODIA)

    province = found(tags, "area")["02"]
    assert province.label == "បាត់ដំបង"
    span = province.evidence["spans"][0] if province.evidence else {}
    assert "បាត់ដំបង" in text[span["start"] : span["end"]]
    health = found(tags, "sector")["health"]
    assert health.evidence is not None and "មន្ទីរពេទ្យ" in health.evidence["words"]


# --- shape ----------------------------------------------------------------------------------------------

TEXTS = [
    "Ховд аймгийн Жаргалант сумын 2-р багт эмнэлэг, сургууль, зам муу, Ховдод тэтгэвэр олгодоггүй",
    "Bayanzurkh district khoroo 3: no heating, no water, the school and the hospital are closed",
    "Жаргалант сумын Жаргалант Жаргалант эмч эмч",
]


@pytest.mark.parametrize("text", TEXTS)
def test_tags_are_unique_json_and_point_at_the_text(text: str) -> None:
    tags = tag(text, sector="health", area="84")

    keys = [(t.kind, t.code, t.source) for t in tags]
    assert len(keys) == len(set(keys))  # the Tag table is unique on complaint, kind, code and source
    json.dumps([t.to_dict() for t in tags], ensure_ascii=False)
    for t in tags:
        assert 0 < t.score <= 1.0 and t.source in {"menu", "transcript"}
        for span in (t.evidence or {}).get("spans", []):
            assert text[span["start"] : span["end"]] == span["text"]
