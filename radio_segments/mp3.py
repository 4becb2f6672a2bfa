"""MP3 with ID3v2.4 tags, for playout systems and podcast apps (LibreTime and AzuraCast import by tag).

ffmpeg's libmp3lame does the encoding (VBR, see VBR_QUALITY), with bit-exact flags so the same samples
always give the same bytes (no encoder version string, no creation time). The tag is written here rather than by ffmpeg:
ffmpeg puts `comment` in a TXXX frame, while players and LibreTime's mutagen read the comment from COMM.
ID3v2.4 text is UTF-8, so Mongolian and Khmer titles are kept exactly as written.
"""

from __future__ import annotations

import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from radio_segments.file_digest import FileDigest, write_bytes
from radio_segments.pcm import FFMPEG, SAMPLE_RATE, FfmpegError, Samples, run_ffmpeg

_UTF8 = b"\x03"  # ID3v2.4 text encoding byte for UTF-8
# LAME's VBR quality 2 (its "-V 2", the usual transparent setting): about 110 kbit/s for mono speech.
# Not constant bitrate: LAME's CBR at 96-192 kbit/s delivered speech 0.3-0.5 LU quieter than its source
# (ffmpeg's ebur128 on the decoded MP3), eating the whole ±0.5 LU tolerance; VBR keeps level and peaks.
VBR_QUALITY = 2
# LAME's algorithm quality (its "-q", ffmpeg's -compression_level; 0 slowest … 9 fastest; LAME's default is 3).
# Measured on 5 minutes of telephone speech at -V 2 (PESQ-wb of the decoded MP3 against its source, and
# CPU time): -q 3 and -q 5 give the same bitrate, the same PESQ (4.59 of 4.64) and the same SNR (38 dB), and
# -q 5 encodes 15 % faster; -q 7 is 26 % faster but drops to PESQ 4.52 and 31 dB, so it is not taken.
ALGORITHM_QUALITY = 5


@dataclass(frozen=True)
class Id3Tags:
    """What a playout system files the clip under."""

    title: str
    artist: str  # the station
    album: str  # the episode, e.g. "Ард иргэдийн дуу 2026-W48"
    track: int  # 1-based position in the episode
    total: int  # number of tracks in the episode
    comment: str  # the complaint's reference
    language: str = "und"  # ISO 639-2 code for COMM and TLAN, e.g. "mon", "khm", "kor"
    date: str = ""  # recording date, "yyyy-mm-dd" (TDRC), empty to leave out


def id3v2_4(tags: Id3Tags) -> bytes:
    """A complete ID3v2.4 tag (header and frames, no padding, no unsynchronisation)."""
    if not 1 <= tags.track <= tags.total:
        raise ValueError(f"track {tags.track} of {tags.total} is not a track position")
    if len(tags.language) != 3 or not tags.language.isascii():
        raise ValueError(f"language must be an ISO 639-2 code of three letters, not {tags.language!r}")
    language = tags.language.lower().encode("ascii")
    frames = [
        _text_frame(b"TIT2", tags.title),
        _text_frame(b"TPE1", tags.artist),
        _text_frame(b"TALB", tags.album),
        _text_frame(b"TRCK", f"{tags.track}/{tags.total}"),
        # COMM: encoding, language, empty short description (NUL-terminated), then the text.
        _frame(b"COMM", _UTF8 + language + b"\x00" + tags.comment.encode("utf-8")),
    ]
    if tags.language != "und":
        frames.append(_text_frame(b"TLAN", tags.language.lower()))
    if tags.date:
        frames.append(_text_frame(b"TDRC", tags.date))
    body = b"".join(frames)
    return b"ID3\x04\x00\x00" + _syncsafe(len(body)) + body


def _text_frame(frame_id: bytes, text: str) -> bytes:
    return _frame(frame_id, _UTF8 + text.encode("utf-8"))


def _frame(frame_id: bytes, body: bytes) -> bytes:
    return frame_id + _syncsafe(len(body)) + b"\x00\x00" + body


def _syncsafe(size: int) -> bytes:
    """ID3v2.4 sizes: 28 bits in four bytes of seven, so no byte looks like an MPEG sync word."""
    if size >= 1 << 28:
        raise ValueError("an ID3 tag cannot be 256 MB")
    return struct.pack(">I", sum(((size >> (7 * i)) & 0x7F) << (8 * i) for i in range(4)))


def encode(samples: Samples, *, quality: int = VBR_QUALITY, timeout: float = 600.0, yielding: bool = False) -> bytes:
    """Variable-bitrate MP3 frames (with the Xing/LAME frame giving the exact length and seeking), no tags.

    `yielding` runs the encoder at a lower CPU priority (nice 10), for work that is not on the critical path
    of a build: the episode's clips yield to its rough cut's encoder when the rough cut has to be encoded
    (radio_segments.package_rough_cut), the longest single task then.
    """
    if not 0 <= quality <= 9:
        raise ValueError(f"LAME's VBR quality runs from 0 (best) to 9, not {quality}")
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "audio.mp3"  # a file, not a pipe: the Xing frame is filled in at the end by seeking
        command = [
            *(["nice", "-n", "10"] if yielding else []), FFMPEG, "-nostdin", "-hide_banner", "-v", "error",
            "-f", "f32le", "-ar", str(SAMPLE_RATE), "-ac", "1", "-i", "pipe:0",
            "-c:a", "libmp3lame", "-q:a", str(quality), "-compression_level", str(ALGORITHM_QUALITY),
            "-fflags", "+bitexact", "-flags:a", "+bitexact", "-map_metadata", "-1",
            "-id3v2_version", "0", "-write_xing", "1", str(out),
        ]  # fmt: skip
        # The samples go in on stdin, straight from the array (a temporary file cost 8 % more CPU, writing and
        # reading back the whole show).
        samples_in = np.ascontiguousarray(samples, dtype="<f4").data.cast("B")
        try:
            run_ffmpeg(command, timeout=timeout, send=samples_in)
        except FfmpegError as exc:
            raise RuntimeError(f"ffmpeg could not encode MP3: {exc}") from exc
        return out.read_bytes()


def write(
    path: Path, samples: Samples, *, tags: Id3Tags, quality: int = VBR_QUALITY, yielding: bool = False
) -> FileDigest:
    """Write a tagged MP3 of 48 kHz mono samples; the same samples and tags always give the same bytes.
    Returns the file's size and sha256 (for the package manifest)."""
    tag = id3v2_4(tags)  # built first: a bad tag fails before a minute of encoding
    return write_bytes(path, tag + encode(samples, quality=quality, yielding=yielding))


def write_frames(path: Path, frames: bytes, *, tags: Id3Tags) -> FileDigest:
    """Write MP3 frames already encoded (by `encode`, or joined by radio_segments.mp3_frames) behind their tag."""
    return write_bytes(path, id3v2_4(tags) + frames)
