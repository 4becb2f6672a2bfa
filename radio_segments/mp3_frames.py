"""Join MP3 streams the package has already encoded into one stream, frame by frame, instead of encoding twice.

The rough cut is the episode's pieces (each already encoded for its own clip MP3) laid out on the show's
timeline with silence between them. Encoding the stitched programme again cost as much CPU as all the
clips together; when the programme's samples ARE the pieces' samples (the programme needed no gain and no
limiting of its own), its MP3 can be the pieces' MP3 frames placed on the timeline, with digital-silence
frames for the host's live gaps.

Why this is sound for MPEG-1 Layer III:
- every stream LAME starts begins with an empty bit reservoir (its first audio frame has main_data_begin 0),
  so a stream's frames decode the same wherever they follow; the silence frames carry no main data at all;
- a piece's audio starts `delay` samples into its first frame (LAME's encoder delay, 576, written in the
  stream's LAME tag), so a piece whose first frame sits at frame k is heard from sample 1152·k + delay − 576
  of a joined stream whose own LAME tag says 576: frame placement alone puts it within half a frame (12 ms)
  of its place in the WAV rough cut. Two pieces back to back cannot both be placed exactly (the first one's
  stream is longer than its audio by its delay and padding), so the second may start up to MAX_LATE later;
  the next silent gap takes the slack back up;
- the joined stream gets one Xing/LAME frame of its own (frame count, byte count, seek table, the joined
  delay and padding, and the LAME tag's CRCs), so players show the right length, seek, and play gaplessly.

Anything this cannot join exactly (another sample rate or layout, a stream not starting clean, a piece that
would land too late, a tail too long for the tag's padding field) raises NotJoinable, and the caller
encodes the programme instead.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from radio_segments.pcm import SAMPLE_RATE

FRAME_SAMPLES = 1152  # MPEG-1 Layer III, per frame
ENCODER_DELAY = 576  # LAME's delay before the first sample, as its tag records it
DECODER_DELAY = 529  # what a decoder's synthesis filterbank adds (decoders skip delay + 529)
MAX_LATE = SAMPLE_RATE // 4  # a piece may start at most 250 ms after its place in the WAV
_XING_OFFSET = 4 + 17  # MPEG-1 mono: the frame header, then 17 bytes of side information
_BITRATES_KBPS = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
_MPEG1_LAYER3_NO_CRC = b"\xff\xfb"
_MONO_48K_MASK = (0x0C, 0x04)  # byte 2, sampling-rate bits: 01 is 48 kHz in MPEG-1
_MAX_PADDING = 4095  # the LAME tag's padding is 12 bits
_TOC = 100
_TAG_CRC_SPAN = 190  # the LAME tag's CRC covers the Xing frame's first 190 bytes (as ffmpeg computes it)


class NotJoinable(ValueError):  # noqa: N818 - a verdict on the inputs; the caller encodes instead
    """These streams cannot be joined into the programme exactly; encode the programme's samples instead."""


@dataclass(frozen=True)
class EncodedStream:
    """One LAME stream split at its frames: the Xing/LAME frame, then the audio frames and their lengths."""

    info_frame: bytes
    audio: bytes  # the audio frames, back to back
    frame_lengths: tuple[int, ...]
    delay: int  # encoder delay in samples, from the LAME tag
    music_crc: int  # CRC-16 of `audio`, from the LAME tag

    @property
    def frames(self) -> int:
        return len(self.frame_lengths)


def parse(data: bytes) -> EncodedStream:
    """Split a stream from radio_segments.mp3.encode (no ID3 tag) into its frames; NotJoinable if it is not
    a 48 kHz mono MPEG-1 Layer III stream with a LAME tag whose first audio frame starts clean."""
    lengths: list[int] = []
    position = 0
    while position < len(data):
        length = _frame_length(data, position)
        if position + length > len(data):
            raise NotJoinable(f"a frame at byte {position} runs past the end of the stream")
        lengths.append(length)
        position += length
    if len(lengths) < 2:
        raise NotJoinable("no audio frames after the Xing frame")
    info = data[: lengths[0]]
    if info[_XING_OFFSET : _XING_OFFSET + 4] not in (b"Xing", b"Info") or len(info) < _TAG_CRC_SPAN:
        raise NotJoinable("the first frame is not a Xing/LAME frame")
    lame = _XING_OFFSET + 120
    gap = int.from_bytes(info[lame + 21 : lame + 24], "big")
    first = lengths[0]
    if (data[first + 4] << 1 | data[first + 5] >> 7) != 0:
        raise NotJoinable("the first audio frame uses a bit reservoir it does not have")
    return EncodedStream(
        info_frame=info,
        audio=data[first:],
        frame_lengths=tuple(lengths[1:]),
        delay=gap >> 12,
        music_crc=int.from_bytes(info[lame + 32 : lame + 34], "big"),
    )


def _frame_length(data: bytes, position: int) -> int:
    header = data[position : position + 4]
    if len(header) < 4 or header[:2] != _MPEG1_LAYER3_NO_CRC:
        raise NotJoinable(f"no MPEG-1 Layer III frame (without CRC) at byte {position}")
    if header[2] & _MONO_48K_MASK[0] != _MONO_48K_MASK[1] or header[3] >> 6 != 0b11:
        raise NotJoinable(f"the frame at byte {position} is not 48 kHz mono")
    bitrate = _BITRATES_KBPS[header[2] >> 4] if header[2] >> 4 < len(_BITRATES_KBPS) else 0
    if bitrate == 0:
        raise NotJoinable(f"free or invalid bitrate at byte {position}")
    return 144 * bitrate * 1000 // SAMPLE_RATE + (header[2] >> 1 & 1)


@functools.cache
def silence_frame() -> bytes:
    """One frame of digital silence: 32 kbit/s, side information all zero (no main data, no reservoir),
    which every decoder turns into 1152 zero samples."""
    header = _MPEG1_LAYER3_NO_CRC + bytes([0x10 | 0x04, 0xC0])  # 32 kbit/s, 48 kHz, no padding; mono
    return header + bytes(144 * 32 * 1000 // SAMPLE_RATE - len(header))


def join(placed: Sequence[tuple[int, EncodedStream]], total_samples: int) -> bytes:
    """One stream of `total_samples` samples with each stream heard from its start sample (in order).

    Returns the whole stream, its own Xing/LAME frame first (no ID3 tag). Raises NotJoinable when a piece
    would start more than MAX_LATE after its place or the end cannot be expressed in the tag's padding.
    """
    if not placed:
        raise NotJoinable("nothing to join")
    silence = silence_frame()
    parts: list[bytes] = []
    lengths: list[int] = []
    crc = 0
    cursor = 0  # in frames
    previous = -1

    def add_silence(count: int) -> None:
        nonlocal crc
        parts.append(silence * count)
        lengths.extend([len(silence)] * count)
        crc = crc16_combine(crc, _silence_crc(count), len(silence) * count)

    for start, stream in placed:
        if start < previous:
            raise NotJoinable("the pieces must come in timeline order")
        previous = start
        ideal = round((start - (stream.delay - ENCODER_DELAY)) / FRAME_SAMPLES)
        frame = max(cursor, ideal)
        late = frame * FRAME_SAMPLES + stream.delay - ENCODER_DELAY - start
        if late > MAX_LATE:
            raise NotJoinable(f"a piece would start {late / SAMPLE_RATE:.2f} s after its place")
        if frame > cursor:
            add_silence(frame - cursor)
        parts.append(stream.audio)
        lengths.extend(stream.frame_lengths)
        crc = crc16_combine(crc, stream.music_crc, len(stream.audio))
        cursor = frame + stream.frames
    frames = max(cursor, -(-(total_samples + ENCODER_DELAY + DECODER_DELAY) // FRAME_SAMPLES))
    if frames > cursor:
        add_silence(frames - cursor)
    padding = frames * FRAME_SAMPLES - ENCODER_DELAY - total_samples
    if padding > _MAX_PADDING:
        raise NotJoinable(f"the last piece runs {padding} samples past the end of the programme")
    info = _info_frame(placed[0][1].info_frame, lengths, padding, crc)
    return info + b"".join(parts)


def _info_frame(template: bytes, lengths: Sequence[int], padding: int, music_crc: int) -> bytes:
    """The joined stream's Xing/LAME frame: a piece's, with the counts, seek table, gaps and CRCs rewritten."""
    frame = bytearray(template)
    xing, lame = _XING_OFFSET, _XING_OFFSET + 120
    total_bytes = len(frame) + sum(lengths)
    frame[xing + 4 : xing + 8] = (0x0F).to_bytes(4, "big")  # frames, bytes, seek table and quality present
    frame[xing + 8 : xing + 12] = len(lengths).to_bytes(4, "big")
    frame[xing + 12 : xing + 16] = total_bytes.to_bytes(4, "big")
    frame[xing + 16 : xing + 16 + _TOC] = _seek_table(len(frame), lengths, total_bytes)
    frame[lame + 21 : lame + 24] = (ENCODER_DELAY << 12 | padding).to_bytes(3, "big")
    frame[lame + 28 : lame + 32] = total_bytes.to_bytes(4, "big")  # "music length", as ffmpeg's muxer writes it
    frame[lame + 32 : lame + 34] = music_crc.to_bytes(2, "big")
    frame[lame + 34 : lame + 36] = b"\x00\x00"
    # The tag CRC covers the frame's first 190 bytes with the CRC field zeroed, as ffmpeg computes it.
    frame[lame + 34 : lame + 36] = crc16(bytes(frame[:_TAG_CRC_SPAN])).to_bytes(2, "big")
    return bytes(frame)


def _seek_table(info_length: int, lengths: Sequence[int], total_bytes: int) -> bytes:
    """Xing's 100-entry table: for each percent of the duration, where it starts as a 1/256 of the file."""
    offsets = [info_length]
    for length in lengths[:-1]:
        offsets.append(offsets[-1] + length)
    return bytes(min(255, offsets[len(lengths) * i // _TOC] * 256 // total_bytes) for i in range(_TOC))


# CRC-16/ARC (reflected polynomial 0xA001, initial value 0), which the LAME tag uses for both of its CRCs.
_CRC_TABLE = tuple(
    functools.reduce(lambda c, _: (c >> 1) ^ 0xA001 if c & 1 else c >> 1, range(8), byte) for byte in range(256)
)


def crc16(data: bytes, crc: int = 0) -> int:
    for byte in data:
        crc = (crc >> 8) ^ _CRC_TABLE[(crc ^ byte) & 0xFF]
    return crc


def _silence_crc(count: int) -> int:
    """CRC of `count` silence frames, by doubling (a long gap is thousands of frames)."""
    result, unit, unit_length = 0, crc16(silence_frame()), len(silence_frame())
    while count:
        if count & 1:
            result = crc16_combine(result, unit, unit_length)
        unit, unit_length, count = crc16_combine(unit, unit, unit_length), unit_length * 2, count >> 1
    return result


def crc16_combine(first: int, second: int, second_length: int) -> int:
    """CRC of A+B from CRC(A), CRC(B) and len(B), without reading either again.

    The CRC has no final XOR and starts at 0, so it is linear: CRC(A+B) is CRC(A) run through len(B) zero
    bytes, XOR CRC(B). Running a register through n zero bytes is a 16x16 matrix over GF(2) raised to the
    n-th power, done by squaring (as zlib's crc32_combine does for CRC-32).
    """
    if second_length == 0:
        return first
    return _matrix_times(_zero_bytes_operator(second_length), first) ^ second


def _matrix_times(matrix: Sequence[int], vector: int) -> int:
    result, column = 0, 0
    while vector:
        if vector & 1:
            result ^= matrix[column]
        vector >>= 1
        column += 1
    return result


def _matrix_square(matrix: Sequence[int]) -> list[int]:
    return [_matrix_times(matrix, column) for column in matrix]


@functools.cache
def _one_zero_byte() -> tuple[int, ...]:
    """The operator that feeds one zero byte to the register: column i is what bit i becomes."""
    one_bit = [0xA001] + [1 << (i - 1) for i in range(1, 16)]  # reflected: shift right, feed back the polynomial
    operator = one_bit
    for _ in range(3):  # 1 bit -> 2 -> 4 -> 8 bits
        operator = _matrix_square(operator)
    return tuple(operator)


def _zero_bytes_operator(count: int) -> list[int]:
    result = [1 << i for i in range(16)]  # identity
    power = list(_one_zero_byte())
    while count:
        if count & 1:
            result = [_matrix_times(power, column) for column in result]
        count >>= 1
        if count:
            power = _matrix_square(power)
    return result
