"""Joining encoded MP3 streams frame by frame, checked by independent readers: ffmpeg decodes the joined
stream (and its own encoder's Xing/LAME frame is the reference for ours), mutagen reads the Xing and LAME
fields, and ffmpeg's ebur128 meters the result."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import numpy as np
import pytest
from mutagen.mp3 import MP3, BitrateMode

from radio_segments import mp3, mp3_frames
from radio_segments.mp3_frames import FRAME_SAMPLES, MAX_LATE, NotJoinable, crc16, crc16_combine
from radio_segments.normalise import normalise
from radio_segments.pcm import SAMPLE_RATE, Samples, decode
from radio_segments.rough_cut import fade_in_place
from tests.radio_segments.audio_samples import AudioSamples
from tests.radio_segments.meters import ffmpeg_ebur128

XING = 21  # MPEG-1 mono: header and side information come first
TOC = slice(XING + 16, XING + 116)
TAG_CRC = slice(XING + 154, XING + 156)


def ffmpeg_decode(path: Path) -> Samples:
    proc = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-f", "f32le", "-ac", "1", "-ar", str(SAMPLE_RATE), "pipe:1"],
        capture_output=True, check=True, timeout=60,
    )  # fmt: skip
    return np.frombuffer(proc.stdout, dtype=np.float32)


@pytest.fixture(scope="module")
def pieces(audio_samples: AudioSamples) -> list[Samples]:
    """Three levelled stretches of speech, as the package's clips are (faded, at −23 LUFS)."""
    speech = decode(audio_samples.speech())
    out = []
    for start, end in ((0.5, 4.0), (4.0, 9.5), (9.0, 12.0)):
        piece = speech[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)].copy()
        fade_in_place(piece)
        out.append(normalise(piece).samples)
    return out


def test_one_stream_joined_alone_is_ffmpegs_own_file_but_for_a_finer_seek_table() -> None:
    """ffmpeg's muxer wrote the reference Xing/LAME frame: ours has the same fields, counts, gaps and music CRC;
    only the seek table differs (ffmpeg samples frame positions, we have them all), by at most 1/256."""
    samples = (np.random.default_rng(7).standard_normal(int(SAMPLE_RATE * 20.5)) * 0.05).astype(np.float32)
    theirs = mp3.encode(samples)
    ours = mp3_frames.join([(0, mp3_frames.parse(theirs))], len(samples))
    assert len(ours) == len(theirs)
    assert ours[: TOC.start] == theirs[: TOC.start]
    assert ours[TOC.stop : TAG_CRC.start] == theirs[TOC.stop : TAG_CRC.start]
    assert ours[TAG_CRC.stop :] == theirs[TAG_CRC.stop :]
    assert max(abs(a - b) for a, b in zip(ours[TOC], theirs[TOC], strict=True)) <= 3
    assert list(ours[TOC]) == sorted(ours[TOC])
    # The tag CRC as ffmpeg computes it (its first 190 bytes, CRC field zeroed), checked on ffmpeg's own frame:
    zeroed = theirs[: TAG_CRC.start] + b"\0\0" + theirs[TAG_CRC.stop : 190]
    assert crc16(zeroed) == int.from_bytes(theirs[TAG_CRC], "big")
    ours_zeroed = ours[: TAG_CRC.start] + b"\0\0" + ours[TAG_CRC.stop : 190]
    assert crc16(ours_zeroed) == int.from_bytes(ours[TAG_CRC], "big")


def test_joined_pieces_decode_exactly_as_their_own_streams_at_their_places(
    pieces: list[Samples], tmp_path: Path
) -> None:
    """Two seconds of silence, a piece, a second piece straight after it, an odd-length gap, the third: each
    piece decodes sample for sample as its own MP3 does, within half a frame of its place (the one following
    another directly within MAX_LATE), with digital silence between; the length is the programme's exactly."""
    gaps = (2 * SAMPLE_RATE, 0, 12_345)
    starts, position = [], 0
    for gap, piece in zip(gaps, pieces, strict=True):
        position += gap
        starts.append(position)
        position += len(piece)
    total = position + SAMPLE_RATE
    streams = [mp3.encode(piece) for piece in pieces]
    joined = tmp_path / "joined.mp3"
    joined.write_bytes(mp3_frames.join([(s, mp3_frames.parse(b)) for s, b in zip(starts, streams, strict=True)], total))
    heard = ffmpeg_decode(joined)
    assert len(heard) == total
    covered = np.zeros(total, dtype=bool)
    for n, (start, stream) in enumerate(zip(starts, streams, strict=True)):
        (tmp_path / f"{n}.mp3").write_bytes(stream)
        own = ffmpeg_decode(tmp_path / f"{n}.mp3")
        offsets = [
            k for k in range(-FRAME_SAMPLES, MAX_LATE) if np.array_equal(heard[start + k : start + k + len(own)], own)
        ]
        assert len(offsets) == 1, (n, offsets)
        limit = MAX_LATE if gaps[n] == 0 else FRAME_SAMPLES // 2
        assert -FRAME_SAMPLES // 2 <= offsets[0] <= limit, (n, offsets)
        covered[start + offsets[0] : start + offsets[0] + len(own)] = True
    # Between the pieces: the codec's faint tail of each piece's last frame (it fades out over 5 ms), then the
    # silence frames' digital zeros.
    near = np.convolve(covered, np.ones(4 * FRAME_SAMPLES), mode="same") > 0
    assert float(np.abs(heard[~covered]).max()) < 10 ** (-50 / 20)
    assert not heard[~near].any()


def test_readers_find_the_length_and_ffmpeg_the_same_loudness(pieces: list[Samples], tmp_path: Path) -> None:
    starts = [SAMPLE_RATE, SAMPLE_RATE * 6, SAMPLE_RATE * 13]
    total = SAMPLE_RATE * 17
    programme = np.zeros(total, dtype=np.float32)
    for start, piece in zip(starts, pieces, strict=True):
        programme[start : start + len(piece)] = piece
    joined = tmp_path / "joined.mp3"
    placed = [(s, mp3_frames.parse(mp3.encode(p))) for s, p in zip(starts, pieces, strict=True)]
    mp3.write_frames(joined, mp3_frames.join(placed, total), tags=mp3.Id3Tags("t", "a", "b", 1, 1, "c"))
    info = MP3(joined).info
    assert info.bitrate_mode == BitrateMode.VBR and info.sample_rate == SAMPLE_RATE and info.channels == 1
    assert info.encoder_settings == "" and abs(info.length - total / SAMPLE_RATE) < 2 * FRAME_SAMPLES / SAMPLE_RATE
    encoded = tmp_path / "encoded.mp3"
    mp3.write(encoded, programme, tags=mp3.Id3Tags("t", "a", "b", 1, 1, "c"))
    assert abs(ffmpeg_ebur128(joined).integrated - ffmpeg_ebur128(encoded).integrated) <= 0.1


def test_what_cannot_be_joined_exactly_is_refused(pieces: list[Samples]) -> None:
    stream = mp3_frames.parse(mp3.encode(pieces[0]))
    with pytest.raises(NotJoinable, match="after its place"):  # the second starts long before the first ends
        mp3_frames.join([(0, stream), (len(pieces[0]) // 2, stream)], 3 * len(pieces[0]))
    with pytest.raises(NotJoinable, match="timeline order"):
        mp3_frames.join([(SAMPLE_RATE, stream), (0, stream)], 10 * SAMPLE_RATE)
    with pytest.raises(NotJoinable, match="past the end"):
        mp3_frames.join([(0, stream)], len(pieces[0]) // 2)
    with pytest.raises(NotJoinable, match="no MPEG-1 Layer III"):
        mp3_frames.parse(b"RIFF" + bytes(400))
    with pytest.raises(NotJoinable):
        mp3_frames.join([], SAMPLE_RATE)


def test_another_sample_rate_is_not_joined(tmp_path: Path) -> None:
    stream = tmp_path / "44k.mp3"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=f=440:r=44100:d=2", "-ac", "1",
         "-c:a", "libmp3lame", "-q:a", "2", "-id3v2_version", "0", str(stream)], check=True, timeout=60,
    )  # fmt: skip
    with pytest.raises(NotJoinable, match="48 kHz mono"):
        mp3_frames.parse(stream.read_bytes())


@pytest.mark.parametrize("sizes", [(3, 9), (1000, 1), (0, 5), (777, 4096)])
def test_crcs_combine_as_if_computed_over_the_whole(sizes: tuple[int, int]) -> None:
    first, second = os.urandom(sizes[0]), os.urandom(sizes[1])
    assert crc16(b"123456789") == 0xBB3D  # CRC-16/ARC's check value
    assert crc16_combine(crc16(first), crc16(second), len(second)) == crc16(first + second)
