"""The word-level diff staff read under each transcript version."""

from __future__ import annotations

from hotline.word_diff import DiffPart, changed_words, word_diff


def test_a_corrected_word_shows_as_deleted_then_inserted_between_shared_words() -> None:
    parts = word_diff("эмнэлэгт эм байхгүй", "эмнэлэгт эмч байхгүй байна")
    assert parts == [
        DiffPart("equal", ["эмнэлэгт"]),
        DiffPart("delete", ["эм"]),
        DiffPart("insert", ["эмч"]),
        DiffPart("equal", ["байхгүй"]),
        DiffPart("insert", ["байна"]),
    ]
    assert changed_words(parts) == (1, 2)


def test_whitespace_alone_is_no_change_and_empty_texts_diff_cleanly() -> None:
    assert word_diff("a  b\nc", "a b c") == [DiffPart("equal", ["a", "b", "c"])]
    assert word_diff("", "new words") == [DiffPart("insert", ["new", "words"])]
    assert word_diff("old", "") == [DiffPart("delete", ["old"])]
    assert word_diff("", "") == []


def test_frequent_words_in_a_long_text_still_align() -> None:
    # Without autojunk=False, difflib treats words repeated in >1% of a 200+ word text as junk.
    old = " ".join(["ийн"] * 150 + ["зам"] + ["ийн"] * 150)
    new = old.replace("зам", "гүүр")
    assert changed_words(word_diff(old, new)) == (1, 1)
