"""Real audio made at test time with espeak-ng, sox and ffmpeg, at the levels and shapes a radio show meets."""

from __future__ import annotations

from pathlib import Path

from tests.transcription.audio_factory import AudioFactory, _run

SENTENCES = (
    "안녕하세요. 우리 마을 도로에 큰 구멍이 생겼습니다. 빨리 고쳐 주세요.",
    "병원에 의사가 없어서 아이들이 치료를 받지 못하고 있습니다.",
    "학교 난방이 고장 나서 교실이 너무 춥습니다. 선생님도 학생들도 힘들어요.",
)


class AudioSamples(AudioFactory):
    """The transcription tests' factory (made once per session, on first use) plus broadcast-shaped audio."""

    def speech(self, gain_db: float = 0.0) -> Path:
        """About 15 s of Korean speech from espeak-ng (22.05 kHz), raised or lowered by `gain_db` (may clip)."""
        path, done = self._path(f"speech{gain_db:+g}dB.wav")
        if not done:
            parts = []
            for i, sentence in enumerate(SENTENCES):
                part = self.directory / f"sentence-{i}.wav"
                if not part.exists():
                    _run("espeak-ng", "-v", "ko", "-s", str(150 + 15 * i), "-w", part, sentence)
                parts.append(part)
            _run("sox", *parts, path, "gain", f"{gain_db:g}")
        return path

    def peaky_sine(self) -> Path:
        """A quiet 440 Hz tone with a 2 ms, nearly full-scale 5 kHz burst every 2 s: a crest factor R128 cannot
        meet by gain alone, so normalising it to −23 LUFS needs the limiter."""
        path, done = self._path("peaky-sine.wav")
        if not done:
            expression = "0.05*sin(2*PI*440*t)+if(lt(mod(t\\,2)\\,0.002)\\,0.9*sin(2*PI*5000*t)\\,0)"
            _run("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", f"aevalsrc=exprs='{expression}':s=48000:d=12",
                "-c:a", "pcm_s16le", path)  # fmt: skip
        return path

    def mostly_silent(self) -> Path:
        """Three seconds of speech in 30 s of digital silence: the gating must ignore the silence."""
        path, done = self._path("mostly-silent.wav")
        if not done:
            _run("sox", self.speech(-3.0), path, "trim", "0", "3", "pad", "10", "17")
        return path

    def jingle(self) -> Path:
        """A 3 s stereo 44.1 kHz chord, as a station's jingle file might be (decoding must resample and fold it)."""
        path, done = self._path("jingle.wav")
        if not done:
            _run("sox", "-n", "-r", "44100", "-c", "2", "-b", "16", path,
                "synth", "3", "sine", "523", "sine", "659", "fade", "0.05", "3", "0.3", "gain", "-8")  # fmt: skip
        return path

    def digital_silence(self, seconds: float) -> Path:
        """Every sample zero (the inherited `silence` is dithered by sox: noise at −85 dBFS)."""
        path, done = self._path(f"digital-silence-{seconds:g}.wav")
        if not done:
            _run("sox", "-D", "-n", "-r", "48000", "-c", "1", "-b", "16", path, "trim", "0", f"{seconds:g}")
        return path

    def short_speech(self) -> Path:
        """0.3 s of speech: under one 400 ms loudness block."""
        path, done = self._path("short.wav")
        if not done:
            _run("sox", self.speech(), path, "trim", "0.5", "0.3")
        return path
