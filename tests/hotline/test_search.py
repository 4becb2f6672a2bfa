"""Full-text search over the current transcript, on the real index (SQLite FTS5, or PostgreSQL's GIN).

Mongolian Cyrillic folds case in Python on both sides, and every word typed is a prefix of a word in the
transcript, so staff can search by stem ("эмнэл" finds "эмнэлэгт").
"""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from hotline.inbox_queries import InboxFilter, list_complaints
from hotline.models import Complaint
from hotline.search import MAX_TERMS, fold, search_terms
from tests.factories import make_complaint, make_transcript

HOSPITAL = "Манай сумын эмнэлэгт эмч алга, өвчтөнүүд хүлээж байна"
SCHOOL = "Сургуулийн барилга хэд хоног халаалтгүй байна"
ENGLISH = "The HOSPITAL in Khovd has no doctor"


def found(session: Session, query: str) -> set[str]:
    return {item.reference for item in list_complaints(session, filters=InboxFilter(search=query)).items}


@pytest.fixture
def corpus(session: Session) -> dict[str, str]:
    """Three complaints with machine transcripts; name → reference."""
    made = {}
    for name, text in (("hospital", HOSPITAL), ("school", SCHOOL), ("english", ENGLISH)):
        complaint = make_complaint(session)
        make_transcript(session, complaint, text=text)
        made[name] = complaint.reference
    make_complaint(session)  # no transcript yet: never found, never an error
    return made


def test_fold_and_terms_handle_mongolian_letters():
    assert fold("ЭМНЭЛЭГ Өвчтөн Үүр") == "эмнэлэг өвчтөн үүр"
    assert search_terms("  Эмнэлэг, ӨВЧТӨН!  ") == ["эмнэлэг", "өвчтөн"]
    assert search_terms('" OR * NEAR( -') == ["or", "near"]
    assert len(search_terms(" ".join(f"w{i}" for i in range(40)))) == MAX_TERMS


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ЭМНЭЛЭГ", {"hospital"}),  # upper case finds "эмнэлэгт"
        ("Өвчтөн", {"hospital"}),  # Ө/ө, and a prefix of "өвчтөнүүд"
        ("эмнэл", {"hospital"}),  # a stem
        ("байна", {"hospital", "school"}),
        ("байна сургуул", {"school"}),  # every word must match
        ("hospital", {"english"}),
        ("KHOV", {"english"}),
        ("эмнэлэгт сургууль", set()),  # no transcript has both
        ("мнэлэг", set()),  # the middle of a word is not a word's start
    ],
)
def test_search_matches_word_prefixes_case_insensitively(
    session: Session, corpus: dict[str, str], query: str, expected: set[str]
):
    assert found(session, query) == {corpus[name] for name in expected}


@pytest.mark.parametrize("query", ['"', "эмнэл*", "OR", "NEAR(a b)", "a AND", "x:*", "!(&|)", "'; DROP TABLE x; --"])
def test_search_syntax_is_never_passed_through(session: Session, corpus: dict[str, str], query: str):
    """Quotes, operators and punctuation are dropped or searched as plain words, never an error."""
    found(session, query)  # no exception from FTS5's or to_tsquery's parser
    assert found(session, "эмнэл*") == {corpus["hospital"]}


def test_text_without_words_searches_nothing_and_lists_everything(session: Session, corpus: dict[str, str]):
    assert len(found(session, "!? …")) == 4


def test_a_new_version_replaces_the_old_text_in_the_index(session: Session, corpus: dict[str, str]):
    """Staff correcting "эмнэлэгт" to "цагдаа": the index follows the complaint's current version."""
    row = session.exec(select(Complaint).where(Complaint.reference == corpus["hospital"])).one()
    make_transcript(session, row, version=2, source="staff", text="Цагдаагийн хэлтэст хүн алга")
    assert found(session, "эмнэлэг") == set()
    assert found(session, "ЦАГДАА") == {corpus["hospital"]}
