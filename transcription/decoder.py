"""Decode one recording with Vosk into words with timings and confidences, streaming so long calls stay cheap."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import vosk

from transcription.audio import SAMPLE_WIDTH, AudioInfo, ensure_within_limit, iter_pcm, probe
from transcription.model_registry import LoadedModel

# Half a second per AcceptWaveform call: few Python round trips, and endpointing still reacts promptly.
CHUNK_SECONDS = 0.5


@dataclass(frozen=True)
class Word:
    """One recognised word; timings let staff jump to it in the recording, conf flags doubtful ones."""

    word: str
    start: float
    end: float
    conf: float

    def to_dict(self) -> dict[str, Any]:
        """JSON form stored with the transcript."""
        return {"word": self.word, "start": self.start, "end": self.end, "conf": self.conf}


@dataclass(frozen=True)
class DecodeResult:
    """Everything the transcript row needs, plus the costs that capacity planning needs."""

    text: str
    words: tuple[Word, ...]
    mean_confidence: float | None  # None when nothing was recognised
    no_speech: bool
    duration_seconds: float
    cpu_seconds: float
    wall_seconds: float
    model_name: str
    sample_rate: int
    source_format: AudioInfo

    def to_dict(self) -> dict[str, Any]:
        """JSON form for storage and job results."""
        return {
            "text": self.text,
            "words": [w.to_dict() for w in self.words],
            "mean_confidence": self.mean_confidence,
            "no_speech": self.no_speech,
            "duration_seconds": self.duration_seconds,
            "cpu_seconds": self.cpu_seconds,
            "wall_seconds": self.wall_seconds,
            "model_name": self.model_name,
            "sample_rate": self.sample_rate,
            "source_format": self.source_format.to_dict(),
        }


def decode(*, model: LoadedModel, source: Path, max_seconds: float) -> DecodeResult:
    """Transcribe a file; silence is a normal result (no_speech), unusable audio raises AudioRejected."""
    info = probe(source)
    ensure_within_limit(info, max_seconds=max_seconds)
    rate = model.sample_rate
    # A fresh recogniser per call: recognisers carry utterance state and must never leak between complaints.
    recognizer = vosk.KaldiRecognizer(model.model, rate)
    recognizer.SetWords(True)
    segments: list[dict[str, Any]] = []
    pcm_bytes = 0
    wall_start, cpu_start = time.perf_counter(), time.process_time()
    for chunk in iter_pcm(source=source, sample_rate=rate, chunk_seconds=CHUNK_SECONDS, max_seconds=max_seconds):
        pcm_bytes += len(chunk)
        if recognizer.AcceptWaveform(chunk):
            segments.append(json.loads(recognizer.Result()))
    segments.append(json.loads(recognizer.FinalResult()))
    cpu_seconds, wall_seconds = time.process_time() - cpu_start, time.perf_counter() - wall_start

    duration = pcm_bytes / (SAMPLE_WIDTH * rate)
    words = tuple(_word(raw, duration) for segment in segments for raw in segment.get("result", []))
    text = " ".join(t for t in (str(s.get("text", "")).strip() for s in segments) if t)
    return DecodeResult(
        text=text,
        words=words,
        mean_confidence=round(sum(w.conf for w in words) / len(words), 4) if words else None,
        no_speech=not words,
        duration_seconds=round(duration, 3),
        cpu_seconds=round(cpu_seconds, 3),
        wall_seconds=round(wall_seconds, 3),
        model_name=model.name,
        sample_rate=rate,
        source_format=info,
    )


def _word(raw: dict[str, Any], duration: float) -> Word:
    """Vosk can overshoot the last frame by a few ms; a word never ends after the audio does."""
    start = min(max(0.0, float(raw["start"])), duration)
    end = min(max(start, float(raw["end"])), duration)
    return Word(word=str(raw["word"]), start=round(start, 3), end=round(end, 3), conf=round(float(raw["conf"]), 4))
