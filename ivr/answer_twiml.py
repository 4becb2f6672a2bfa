"""TwiML for the status line's answer: the provider's response, then "again or feedback", then satisfaction.

Pure builders like ivr.twiml: no database, no request. The answer differs per complaint (and its audio link
per minute), so these screens are built per call rather than cached.
"""

from __future__ import annotations

from twilio.twiml.voice_response import Gather, Play, VoiceResponse

from ivr.prompts import Voice
from ivr.twiml import GATHER_TIMEOUT_SECONDS, spoken_reference, step_url


def _gather(voice: Voice, step: str, attempt: int, reference: str) -> Gather:
    return Gather(
        action=step_url(voice.base_url, step, attempt, reference=reference),
        method="POST",
        input="dtmf",
        timeout=GATHER_TIMEOUT_SECONDS,
        num_digits=1,
    )


def _menu_then_goodbye(voice: Voice, response: VoiceResponse, reference: str, attempt: int) -> VoiceResponse:
    """Offer "1 again, 2 feedback"; a caller who presses nothing hears goodbye (Twilio runs on past <Gather>)."""
    gather = _gather(voice, "answer-menu", attempt, reference)
    voice.speak(gather, "answer_menu")
    response.append(gather)
    voice.speak(response, "goodbye")
    response.hangup()
    return response


def answer_screen(
    voice: Voice,
    *,
    reference: str,
    status_name: str | None,
    audio_url: str | None,
    text: str,
    attempt: int = 1,
) -> VoiceResponse:
    """The status (unless `status_name` is None: a replay), the answer (audio wins over text), then the menu."""
    response = VoiceResponse()
    if status_name is not None:
        voice.speak(response, "status_result", reference=spoken_reference(reference), status=status_name)
    if audio_url:
        voice.speak(response, "answer_intro")
        response.append(Play(audio_url))
    else:
        voice.speak(response, "answer_text_intro")
        voice.say(response, text)
    return _menu_then_goodbye(voice, response, reference, attempt)


def answer_menu(voice: Voice, *, reference: str, attempt: int) -> VoiceResponse:
    """The menu again after a key it does not know."""
    response = VoiceResponse()
    voice.speak(response, "invalid_choice")
    return _menu_then_goodbye(voice, response, reference, attempt)


def feedback_menu(voice: Voice, *, reference: str, attempt: int, invalid: bool = False) -> VoiceResponse:
    """ "Satisfied? 1 yes, 2 no"; silence comes back to the step as a missing answer, like every menu."""
    response = VoiceResponse()
    if invalid:
        voice.speak(response, "invalid_choice")
    gather = _gather(voice, "feedback", attempt, reference)
    voice.speak(gather, "feedback_prompt")
    response.append(gather)
    response.redirect(step_url(voice.base_url, "feedback", attempt, missing="1", reference=reference), method="POST")
    return response
