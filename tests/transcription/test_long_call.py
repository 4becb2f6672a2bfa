"""A 12-minute call decodes in bounded memory: the decoded PCM (23 MB at 16 kHz) is never held whole."""

from __future__ import annotations

import resource
import tracemalloc
from pathlib import Path

import pytest

from tests.transcription.audio_factory import HANGUL, AudioFactory
from transcription.decoder import decode
from transcription.model_registry import LoadedModel

MINUTES = 12
WHOLE_PCM_BYTES = MINUTES * 60 * 16000 * 2
# Kaldi's own working set (decoder tokens, nnet buffers, malloc arenas) grows by up to ~75 MB on a process's
# first decode and little after; a leak that scales with the call's length would blow well past this.
RSS_GROWTH_LIMIT = 150_000_000


def _status_kib(field: str) -> int | None:
    """A /proc/self/status figure in KiB (Linux); None elsewhere."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _reset_peak_rss() -> bool:
    """Restart the kernel's RSS high-water mark, so the peak measured is this decode's alone."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


@pytest.mark.vosk
def test_long_call_decodes_with_bounded_memory(ko_model: LoadedModel, audio: AudioFactory) -> None:
    source = audio.long_call(minutes=MINUTES)  # 8 kHz µ-law: speech, ~11.8 min of silence, speech

    rss_before = _status_kib("VmRSS")
    peak_is_fresh = _reset_peak_rss()
    maxrss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    try:
        result = decode(model=ko_model, source=source, max_seconds=MINUTES * 60 + 60)
        _, python_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    hwm_after = _status_kib("VmHWM")
    maxrss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    assert result.duration_seconds == pytest.approx(MINUTES * 60, abs=0.5)
    assert not result.no_speech
    assert any(HANGUL.search(w.word) for w in result.words)
    # Timings stay absolute across Vosk's endpoint segments: the closing speech is found at the end of the call.
    assert result.words[-1].end > MINUTES * 60 - 10
    assert [w.start for w in result.words] == sorted(w.start for w in result.words)

    # Python-side allocations: a few chunks and the word list, never the whole 23 MB of PCM.
    assert python_peak < 2_000_000, f"Python peak {python_peak / 1e6:.1f} MB vs {WHOLE_PCM_BYTES / 1e6:.0f} MB of PCM"
    # Process peak (includes Kaldi's native memory, invisible to tracemalloc): no runaway growth over 12 minutes.
    if peak_is_fresh and rss_before is not None and hwm_after is not None:
        growth_bytes = (hwm_after - rss_before) * 1024
    else:
        growth_bytes = (maxrss_after - maxrss_before) * 1024
    assert growth_bytes < RSS_GROWTH_LIMIT, f"RSS grew {growth_bytes / 1e6:.1f} MB during the decode"
    print(
        f"\nlong call: {result.duration_seconds:.0f} s audio, cpu {result.cpu_seconds:.1f} s, "
        f"python peak {python_peak / 1e6:.2f} MB, rss growth {growth_bytes / 1e6:.1f} MB"
    )
