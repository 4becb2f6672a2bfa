"""The week's ranking over plain values: answers first, near-duplicates grouped and counted, overdue providers
named, recent calls preferred, sectors balanced, and the same input always ranked the same way."""

from __future__ import annotations

import random
from datetime import timedelta

from hotline.curation import Candidate, Ranked, group_near_duplicates, rank
from hotline.host_lines import SegmentFacts, intro_lines, outro_lines, segment_lines
from hotline.iso_weeks import parse_week

WEEK_START, WEEK_END = parse_week("2026-W48").bounds("Asia/Ulaanbaatar")
NOW = WEEK_END - timedelta(hours=1)
CLINIC = "Буянт сумын эмнэлэгт эм байхгүй, эмч долоо хоногт нэг л ирдэг"
SCHOOL = "Сургуулийн барилга халаалтгүй, хүүхдүүд ангидаа даарч байна"
ROAD = "Зам эвдэрсэн, гүүр нурсан, машин явж чадахгүй байна"
_ids = iter(range(1, 10_000))


def cand(text: str = CLINIC, *, sector: str = "health", area: str = "84", day: float = 3, **kw: object) -> Candidate:
    """A candidate made `day` days into the week (negative: before it)."""
    n = next(_ids)
    values: dict[str, object] = {
        "complaint_id": n,
        "reference": f"{n:09d}",
        "sector": sector,
        "area": area,
        "text": text,
        "created_at": WEEK_START + timedelta(days=day),
        "answered": False,
        "status": "in_review",
    }
    values.update(kw)
    return Candidate(**values)  # type: ignore[arg-type]


def ranked(candidates: list[Candidate], choose: int = 6) -> list[Ranked]:
    return rank(candidates, week_start=WEEK_START, week_end=WEEK_END, now=NOW, choose=choose)


def by_id(result: list[Ranked]) -> dict[int, Ranked]:
    return {r.candidate.complaint_id: r for r in result}


def test_near_duplicates_group_by_sector_area_and_similar_words() -> None:
    same = [cand(CLINIC), cand(CLINIC + " байна"), cand("Буянт сумын эмнэлэгт эм байхгүй")]
    other_area = cand(CLINIC, area="83")
    other_sector = cand(CLINIC, sector="welfare")
    different_words = cand(SCHOOL)
    groups = group_near_duplicates([*same, other_area, other_sector, different_words], threshold=70)
    as_ids = sorted(sorted(c.complaint_id for c in g) for g in groups)
    assert sorted(c.complaint_id for c in same) in as_ids
    assert [other_area.complaint_id] in as_ids and [other_sector.complaint_id] in as_ids
    assert [different_words.complaint_id] in as_ids and len(groups) == 4


def test_a_chain_of_loosely_similar_calls_does_not_merge_unrelated_issues() -> None:
    clinic = cand("эмнэлэгт эм байхгүй", day=1)
    both = cand("эмнэлэгт эм байхгүй сургуулийн барилга халаалтгүй", day=2)  # like each of the others
    school = cand("сургуулийн барилга халаалтгүй хүүхдүүд", day=3)  # unlike the first
    groups = group_near_duplicates([school, both, clinic], threshold=70)
    assert sorted(sorted(c.complaint_id for c in g) for g in groups) == sorted(
        [sorted([clinic.complaint_id, both.complaint_id]), [school.complaint_id]]
    )


def test_a_group_airs_once_and_its_lead_says_how_many_called() -> None:
    group = [cand(CLINIC, day=d) for d in (1, 2, 3, 4)]
    lone = cand(SCHOOL, sector="education", day=1)
    result = by_id(ranked([*group, lone], choose=6))
    leads = [r for r in result.values() if r.lead and r.candidate in group]
    assert len(leads) == 1 and leads[0].chosen and leads[0].reasons["recurrence"] == 4
    assert sorted(leads[0].reasons["group"]) == sorted(c.reference for c in group)
    others = [r for r in result.values() if r.candidate in group and not r.lead]
    assert len(others) == 3 and not any(r.chosen for r in others)
    assert all(r.reasons["grouped_with"] == leads[0].candidate.reference for r in others)
    assert result[lone.complaint_id].chosen  # a show of 6 has room for the lone case
    # Recurrence weighs: the group's lead outranks an otherwise equal single call.
    assert leads[0].score > result[lone.complaint_id].score


def test_an_answer_outranks_no_answer_and_an_overdue_provider_is_named_with_its_days() -> None:
    answered = cand(ROAD, sector="infrastructure", day=1, answered=True)
    plain = cand(SCHOOL, sector="education", day=1)
    overdue = cand(
        CLINIC, day=-40, status="routed", routed_at=NOW - timedelta(days=45), deadline_at=NOW - timedelta(days=15)
    )
    result = ranked([plain, overdue, answered])
    order = [r.candidate.complaint_id for r in result]
    assert order == [answered.complaint_id, overdue.complaint_id, plain.complaint_id]
    reasons = by_id(result)[overdue.complaint_id].reasons
    assert (reasons["overdue_days"], reasons["waiting_days"]) == (15, 45)
    assert by_id(result)[plain.complaint_id].reasons["overdue_days"] is None
    assert by_id(result)[answered.complaint_id].reasons["answered"] is True


def test_a_routed_complaint_within_its_deadline_is_not_overdue() -> None:
    waiting = cand(status="routed", routed_at=NOW - timedelta(days=5), deadline_at=NOW + timedelta(days=25))
    assert ranked([waiting])[0].reasons["overdue_days"] is None


def test_later_in_the_week_ranks_higher_and_weeks_before_fade_out() -> None:
    texts = [CLINIC, SCHOOL, ROAD, "Тэтгэвэр хугацаандаа ирэхгүй байна"]
    days = (0.5, 6, -20, -40)
    early, late, last_month, long_ago = (
        cand(t, day=d, sector=f"s{i}") for i, (t, d) in enumerate(zip(texts, days, strict=True))
    )
    result = by_id(ranked([early, late, last_month, long_ago]))
    assert result[late.complaint_id].score > result[early.complaint_id].score > result[last_month.complaint_id].score
    assert result[long_ago.complaint_id].reasons["recency"] == 0


def test_sectors_are_balanced_in_the_chosen_set() -> None:
    health = [cand(CLINIC, area=area, day=5, answered=True) for area in ("11", "21", "22", "23")]
    school = cand(SCHOOL, sector="education", day=1, answered=True)
    result = ranked([*health, school], choose=3)
    chosen = [r for r in result if r.chosen]
    assert len(chosen) == 3 and school.complaint_id in {r.candidate.complaint_id for r in chosen}
    assert [r.position for r in chosen] == [1, 2, 3] and [r.rank for r in chosen] == [1, 2, 3]
    # Without balancing the school case (answered too, but earlier in the week) would come last of five.
    assert max(r.score for r in result if r.candidate.sector == "health") > by_id(result)[school.complaint_id].score
    assert any(r.reasons.get("sector_penalty", 0) > 0 for r in chosen)


def test_the_same_candidates_in_any_order_rank_the_same() -> None:
    pool = [cand(text, sector=s, area=a, day=d, answered=ans) for text, s, a, d, ans in [
        (CLINIC, "health", "84", 1, False), (CLINIC, "health", "84", 2, False), (SCHOOL, "education", "84", 2, True),
        (ROAD, "infrastructure", "11", 3, False), (ROAD, "infrastructure", "11", 3, False),
        (SCHOOL, "education", "11", 6, False),
    ]]  # fmt: skip
    first = [(r.candidate.complaint_id, r.rank, r.chosen, r.position, r.score) for r in ranked(pool, choose=3)]
    shuffled = pool[:]
    random.Random(4).shuffle(shuffled)
    assert [
        (r.candidate.complaint_id, r.rank, r.chosen, r.position, r.score) for r in ranked(shuffled, choose=3)
    ] == first


def test_no_candidates_rank_to_an_empty_show() -> None:
    assert ranked([]) == []


def test_host_lines_count_the_callers_and_name_the_overdue_provider() -> None:
    group = SegmentFacts(callers=12, place="Khovd", sector="health")
    assert segment_lines("en", group) == "12 callers from Khovd reported a problem with health."
    overdue = SegmentFacts(callers=1, place="Khovd", sector="health", provider="the Khovd hospital", waiting_days=45)
    assert segment_lines("en", overdue) == (
        "A caller from Khovd reported a problem with health. the Khovd hospital has not answered in 45 days."
    )
    mongolian = segment_lines(
        "mn",
        SegmentFacts(callers=12, place="Ховд", sector="Эрүүл мэнд", provider="Ховд аймгийн эмнэлэг", waiting_days=45),
    )
    assert mongolian.startswith("Ховд: 12 иргэн") and "45 хоногийн турш хариу өгөөгүй" in mongolian
    answered = segment_lines(
        "km", SegmentFacts(callers=3, place="សៀមរាប", sector="សុខាភិបាល", provider="មន្ទីរពេទ្យ", answered=True)
    )
    assert "3 នាក់" in answered and "បានឆ្លើយតបហើយ" in answered
    assert segment_lines("xx", group) == segment_lines("en", group)  # no table: English
    assert "+976 7000 0000" in outro_lines("mn", station="Ховд FM", number="+976 7000 0000")
    assert "6" in intro_lines("ko", station="Demo FM", count=6)
