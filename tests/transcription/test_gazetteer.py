"""The gazetteer: official units with their codes, every spelling, and sources chosen by country."""

from __future__ import annotations

import csv
from importlib import resources
from pathlib import Path

import pytest

from hotline.deployment import DEFAULT_DEPLOYMENT, DEPLOYMENTS_DIR, Deployment, load_deployment
from transcription.admin_units import SOURCES_BY_COUNTRY, units_for
from transcription.gazetteer import Gazetteer, build_gazetteer, default_gazetteer
from transcription.textnorm import compact


@pytest.fixture(scope="module")
def mongolia() -> Deployment:
    return load_deployment(DEFAULT_DEPLOYMENT)


@pytest.fixture(scope="module")
def gazetteer(mongolia: Deployment) -> Gazetteer:
    return default_gazetteer(mongolia)


@pytest.fixture(scope="module")
def cambodia() -> Deployment:
    return load_deployment(DEPLOYMENTS_DIR / "cambodia.toml")


def codes(units: list) -> set[str]:  # type: ignore[type-arg]
    return {u.code for u in units}


def test_the_admin_unit_list_ships_inside_the_package() -> None:
    data = resources.files("transcription").joinpath("data", "mongolia_admin_units.csv")
    with data.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 2170
    assert "shared" not in Path(str(data)).parts


def test_every_mongolian_unit_is_in_the_gazetteer_with_its_official_code(gazetteer: Gazetteer) -> None:
    assert len(gazetteer) == 2170
    levels = [u.level for u in gazetteer.units.values()]
    assert levels.count("aimag") == 21 and levels.count("capital") == 1
    assert levels.count("soum") + levels.count("district") == 339
    assert levels.count("bag") + levels.count("khoroo") == 1809
    khovd = gazetteer.unit("84")
    assert khovd is not None and khovd.name == "Ховд" and khovd.is_top and khovd.kind == "area"


def test_soum_codes_begin_with_their_aimags_code(gazetteer: Gazetteer) -> None:
    for unit in gazetteer.units.values():
        if unit.level in ("soum", "district"):
            assert unit.parent is not None and len(unit.code) == 4 and unit.code.startswith(unit.parent)
            assert gazetteer.top_code(unit.code) == unit.parent
        if unit.level in ("bag", "khoroo"):
            assert unit.parent is not None and unit.code.startswith(unit.parent)
            assert gazetteer.top_code(unit.code) == unit.parent[:2]


def test_a_shared_name_finds_the_aimag_and_every_soum(gazetteer: Gazetteer) -> None:
    assert codes(gazetteer.lookup("ховд")) == {"84", "8440", "8549"}
    assert codes(gazetteer.lookup("жаргалант")) == {"4149", "6104", "6440", "6510", "6719", "8401"}
    assert codes(gazetteer.lookup("сүхбаатар")) >= {"22", "1119", "2222", "4301"}


@pytest.mark.parametrize(
    ("spelling", "code"),
    [
        ("Khovd", "84"),
        ("Hovd", "84"),
        ("Kobdo", "84"),  # a deployment variant
        ("Uvurkhangai", "62"),
        ("Övörkhangai", "62"),
        ("Ovorhangay", "62"),
        ("Увурхангай", "62"),  # typed without Ө/Ү
        ("Bayanhongor", "64"),
        ("Bayan-Ulgii", "83"),
        ("Ulan Bator", "11"),
        ("Khuvsgul", "67"),
        ("Sukhbaatar", "1119"),  # district name, transliterated from the official list
        ("Jargalant", "8401"),
        ("Bayanzurkh", "1110"),
    ],
)
def test_latin_and_variant_spellings_find_the_unit(gazetteer: Gazetteer, spelling: str, code: str) -> None:
    assert code in codes(gazetteer.lookup(compact(spelling)))


def test_spelling_level_words_are_not_part_of_the_key(gazetteer: Gazetteer) -> None:
    # "Ховд аймаг" in the deployment's variants is indexed as "ховд": the tagger reads the level word itself.
    assert gazetteer.lookup("ховдаймаг") == []
    assert "84" in codes(gazetteer.lookup("ховд"))


def test_fuzzy_search_finds_near_misses_only_above_the_cutoff(gazetteer: Gazetteer) -> None:
    assert gazetteer.fuzzy("ховт", cutoff=75)[0][0] == "ховд"
    assert gazetteer.fuzzy("ховт", cutoff=80) == []
    assert gazetteer.fuzzy("bayankhongr", cutoff=88)[0][0] == "bayankhongor"


def test_bags_and_khoroos_are_found_under_their_soum_or_district_only(gazetteer: Gazetteer) -> None:
    khoroo = gazetteer.numbered_child("1110", 3, "khoroo")
    assert khoroo is not None and khoroo.code == "111055" and khoroo.name == "3-р хороо"
    bag = gazetteer.numbered_child("8401", 2, "bag")
    assert bag is not None and bag.code == "840153"
    assert gazetteer.numbered_child("8401", 99) is None
    assert codes(gazetteer.child_lookup("8401", "алагтолгой")) == {"840151"}
    assert gazetteer.lookup("алагтолгой") == []  # not a top-level search key
    assert codes(gazetteer.child_lookup("6704", "цагаанбэлчир")) == {"670453"}  # "Ужиг /Цагаан бэлчир/"


def test_names_that_are_ordinary_words_are_flagged(gazetteer: Gazetteer) -> None:
    assert gazetteer.is_common_word("зэрэг") and gazetteer.is_common_word("төв")
    assert gazetteer.is_common_word("must")  # Мөст soum, and an English word
    assert not gazetteer.is_common_word("ховд")


def test_labels_follow_the_complaints_language(gazetteer: Gazetteer) -> None:
    uvurkhangai, jargalant = gazetteer.unit("62"), gazetteer.unit("8401")
    assert uvurkhangai is not None and jargalant is not None
    assert uvurkhangai.label("mn") == "Өвөрхангай" and uvurkhangai.label("en") == "Uvurkhangai"
    assert jargalant.label("en") == "Jargalant" and jargalant.label("ko") == "Jargalant"


def test_other_countries_use_their_deployment_areas_only(cambodia: Deployment) -> None:
    assert "MN" in SOURCES_BY_COUNTRY and "KH" not in SOURCES_BY_COUNTRY
    gazetteer = build_gazetteer(cambodia)

    assert len(gazetteer) == len(cambodia.areas) == 25
    assert all(u.is_top for u in gazetteer.units.values())
    assert codes(gazetteer.lookup("battambang")) == {"02"}
    assert codes(gazetteer.lookup(compact("Kompong Cham"))) == {"03"}
    assert gazetteer.lookup("khovd") == []
    mondulkiri = gazetteer.unit("11")
    assert mondulkiri is not None and mondulkiri.label("en") == "Mondulkiri"  # not Ulaanbaatar
    assert ("បាត់ដំបង", "02") in gazetteer.unspaced


def test_a_new_country_needs_only_areas_in_its_deployment(mongolia: Deployment) -> None:
    data = mongolia.model_dump()
    data.update(country="XX", areas=[{"code": "01", "names": {"mn": "Нарнийн", "en": "Sunland"}, "variants": ["Sun"]}])
    for station in data["stations"]:
        station["areas"] = ["01"]  # a new country's stations serve its own areas
    units = units_for(Deployment.model_validate(data))

    assert [(u.code, u.level, u.spellings[:2]) for u in units] == [("01", "area", ("Нарнийн", "Narniin"))]


def test_default_gazetteer_is_built_once_per_deployment_content(mongolia: Deployment, cambodia: Deployment) -> None:
    first = default_gazetteer(mongolia)

    assert default_gazetteer(mongolia) is first
    assert default_gazetteer(load_deployment(DEFAULT_DEPLOYMENT)) is first
    assert default_gazetteer(cambodia) is not first
