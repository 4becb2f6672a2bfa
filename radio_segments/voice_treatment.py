"""How a caller's voice airs: as recorded, disguised, or not at all (the host re-voices the words).

Disguise shifts pitch and formants together (ffmpeg's rubberband filter, deterministic), which makes a voice
harder to recognise by ear for a casual listener, and no more: a pitch shift can be reversed, and in the
VoicePrivacy 2024 baseline a trained attacker still verified speakers behind such shifts (equal error rate
1.6-13 %). So the producer page says so, and re-voicing — the host reads the edited words and none of the
caller's audio airs — is the safe treatment for sensitive cases.
"""

from __future__ import annotations

from hotline.models import VoiceTreatment

__all__ = ["DISGUISE_PITCH_RATIO", "VoiceTreatment", "caller_audio_airs", "treatment_filter"]

# Pitch and formants down by about 3.4 semitones: clearly another voice, still natural enough to listen to.
DISGUISE_PITCH_RATIO = 0.82


def caller_audio_airs(treatment: VoiceTreatment | str) -> bool:
    """False when the host reads the caller's words instead: then no clip of the caller is cut at all."""
    return VoiceTreatment(treatment) != VoiceTreatment.REVOICED


def treatment_filter(treatment: VoiceTreatment | str) -> str | None:
    """The ffmpeg audio filter that applies the treatment (None: the voice airs unchanged).

    The filter keeps the timing (tempo 1), so the transcript's word timings still mark the cut points.
    """
    match VoiceTreatment(treatment):
        case VoiceTreatment.DISGUISED:
            return f"rubberband=pitch={DISGUISE_PITCH_RATIO}:formant=shifted"
        case VoiceTreatment.ORIGINAL:
            return None
        case VoiceTreatment.REVOICED:
            raise ValueError("a re-voiced segment airs none of the caller's audio")
