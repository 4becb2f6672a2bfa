"""Broadcast WAV (EBU Tech 3285 v2): a 48 kHz PCM WAVE file with a `bext` chunk that playout systems read.

ffmpeg writes only bext version 1 (no loudness fields), so the RIFF structure is written here: `RIFF`
header, `bext`, `fmt `, `data` (bext before the audio, as Tech 3285 recommends, so a reader finds the
description without seeking past the samples).

Text encoding. Tech 3285 defines the text fields as ASCII, and readers hold it to that (PyPI `wavinfo`
decodes them as ASCII and fails on anything else; Rivendell and older playout systems show Latin-1
mojibake). So we write ASCII only, and never lose the one thing a station needs to find a clip again:
the Description starts with the complaint's reference (always ASCII digits), followed by the segment
title folded to ASCII (Mongolian/Russian Cyrillic transliterated to Latin; accents dropped; scripts with
no simple Latin form, such as Khmer, left out). The full title in its own script goes in the MP3's ID3
tags (UTF-8) and in the manifest.

Every field comes from the caller, including origination date and time: building an episode twice must
give identical bytes, so nothing here reads the clock.
"""

from __future__ import annotations

import struct
import unicodedata
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path

from hotline.transliteration import transliterate
from radio_segments.file_digest import DigestWriter, FileDigest
from radio_segments.loudness import Loudness
from radio_segments.pcm import SAMPLE_RATE, Samples, to_pcm

_BEXT_VERSION = 2
# Tech 3285 v2: a loudness field that is not known is set to 0x7FFF.
_UNKNOWN = 0x7FFF
_WRITE_CHUNK = 1 << 18  # samples converted to PCM at a time (about 5 s)
_BEXT_LAYOUT = struct.Struct("<256s32s32s10s8sQH64s5h180s")  # 602 bytes, then CodingHistory


@dataclass(frozen=True)
class BextInfo:
    """What the bext chunk says about one clip. Date and time are passed in, never taken from the clock."""

    reference: str  # the complaint's reference (or the episode's, for the rough cut)
    title: str  # any script; folded to ASCII in the file (see module docstring)
    originator: str  # the station or the hotline's name, ≤ 32 ASCII bytes after folding
    originator_reference: str  # unique id of this file, ≤ 32 bytes, e.g. "FMS-2026W48-03"
    origination_date: date
    origination_time: time
    time_reference: int = 0  # samples since midnight of the first sample; 0 for files not cut from a timeline
    coding_history: str = ""  # earlier processing, one line each; `write` adds the line for this file itself


def ascii_text(text: str) -> str:
    """`text` folded to printable ASCII: Cyrillic transliterated, accents dropped, anything else left out."""
    folded = unicodedata.normalize("NFKD", " ".join(transliterate(text, "ascii").split()))
    return " ".join("".join(ch for ch in folded if " " <= ch <= "~").split())


def description(reference: str, title: str) -> str:
    """The Description field: reference first (so it survives truncation), then the ASCII title, ≤ 256 bytes."""
    return f"{ascii_text(reference)} {ascii_text(title)}".strip()[:256]


def bext_chunk(info: BextInfo, loudness: Loudness | None, *, bits: int) -> bytes:
    """The `bext` chunk body: 602 fixed bytes then the CodingHistory, padded to an even length."""
    fields = _loudness_fields(loudness)
    body = _BEXT_LAYOUT.pack(
        description(info.reference, info.title).encode("ascii"),
        ascii_text(info.originator)[:32].encode("ascii"),
        ascii_text(info.originator_reference)[:32].encode("ascii"),
        info.origination_date.strftime("%Y-%m-%d").encode("ascii"),
        info.origination_time.strftime("%H:%M:%S").encode("ascii"),
        info.time_reference,
        _BEXT_VERSION,
        bytes(64),  # UMID: none (a zero UMID means "not given")
        *fields,
        bytes(180),
    )
    lines = [*info.coding_history.splitlines(), f"A=PCM,F={SAMPLE_RATE},W={bits},M=mono,T=Fix My Service"]
    history = "".join(f"{ascii_text(line)}\r\n" for line in lines if line.strip())
    return body + history.encode("ascii")


def _loudness_fields(loudness: Loudness | None) -> tuple[int, int, int, int, int]:
    """The five v2 loudness fields as int16 hundredths; 0x7FFF for each one not known."""
    if loudness is None:
        return (_UNKNOWN,) * 5

    def hundredths(value: float | None) -> int:
        if value is None or value != value or abs(value) >= 327.0:  # unknown, NaN or −inf (silence)
            return _UNKNOWN
        return round(value * 100)

    return (
        hundredths(loudness.integrated),
        hundredths(loudness.loudness_range),
        hundredths(loudness.true_peak),
        hundredths(loudness.max_momentary),
        hundredths(loudness.max_short_term),
    )


def write(path: Path, samples: Samples, *, info: BextInfo, loudness: Loudness | None, bits: int = 24) -> FileDigest:
    """Write a mono 48 kHz Broadcast WAV; `loudness` should be measured on these very samples. Returns the
    file's size and sha256 (for the package manifest)."""
    block_align = bits // 8
    data_size = len(samples) * block_align
    fmt = struct.pack("<HHIIHH", 1, 1, SAMPLE_RATE, SAMPLE_RATE * block_align, block_align, bits)
    head = _chunk(b"bext", bext_chunk(info, loudness, bits=bits)) + _chunk(b"fmt ", fmt)
    riff_size = 4 + len(head) + 8 + data_size + data_size % 2
    if riff_size > 0xFFFFFFFF:
        raise ValueError("over 4 GB: a RIFF WAVE file cannot hold it (about 7 hours at 48 kHz 24-bit mono)")
    with DigestWriter(path) as out:
        out.write(b"RIFF" + struct.pack("<I", riff_size) + b"WAVE" + head)
        out.write(b"data" + struct.pack("<I", data_size))
        # Converted a few seconds at a time: a 30-minute programme never has a full-length integer copy.
        for start in range(0, len(samples), _WRITE_CHUNK):
            out.write(to_pcm(samples[start : start + _WRITE_CHUNK], bits=bits))
        out.write(b"\0" * (data_size % 2))
    return out.digest


def _chunk(kind: bytes, body: bytes) -> bytes:
    """One RIFF chunk; odd-sized bodies get the pad byte RIFF requires (not counted in the size)."""
    return kind + struct.pack("<I", len(body)) + body + (b"\0" if len(body) % 2 else b"")
