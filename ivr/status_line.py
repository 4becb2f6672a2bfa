"""The status line (main menu 2): a reference typed, its status heard, and the provider's answer if any.

Steps, one webhook each and each one transaction (ivr.webhook):
  status-check  count the look-up against the caller's daily limit (hotline.status_lookups); the status,
                then the newest response — its recorded audio through a signed, expiring link, else its text;
  answer-menu   1 plays the answer again, 2 asks whether the caller is satisfied;
  feedback      1 satisfied, 2 not: stored once per call (hotline.feedback), then goodbye.
A complaint discussed on the radio (aired_at: its episode's air moment, set when the episode was published) adds
one sentence after the status: that it was discussed on air, and the date, said in the caller's language. A show
published ahead of its air time claims nothing yet: no sentence, and the status is said as `answered` (the only
status that becomes `aired`) until the show has aired.
Every step is safe under Twilio's retries: the look-up is counted once per call and menu attempt, and the
feedback once per call. The reference travels in our own action URLs, which Twilio signs.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from babel.core import UnknownLocaleError
from babel.dates import format_date
from twilio.twiml.voice_response import VoiceResponse

from hotline.answer_tokens import answer_token
from hotline.audio_store import AudioStore
from hotline.episode_publishing import aired_date
from hotline.feedback import record_feedback
from hotline.models import CallOutcome, ComplaintStatus, utcnow
from hotline.privacy import protector_for
from hotline.references import is_valid_reference
from hotline.status_lookups import StatusAnswer, look_up, status_answer
from ivr import answer_twiml, twiml
from ivr import call_records as records
from ivr.flow import _call, _retry_or_give_up, _screen, _voice
from ivr.prompts import Voice
from ivr.webhook import Webhook


def answer_url(hook: Webhook, response_id: int) -> str:
    """Where Twilio fetches the answer's audio: a link that admits the fetch for a few minutes only."""
    token = answer_token(secret_key=hook.settings.SECRET_KEY.get_secret_value(), response_id=response_id)
    return f"{hook.base_url}/ivr/answers/{response_id}.wav?token={token}"


def _caller_hash(hook: Webhook) -> str:
    number = hook.form.get("From", "")
    return protector_for(hook.settings.SECRET_KEY.get_secret_value()).lookup_hash(number) if number else ""


def _status_name(voice: Voice, status: str) -> str:
    return voice.language.status_names.get(status, status.replace("_", " "))


def _answer(hook: Webhook, voice: Voice, found: StatusAnswer, *, with_status: bool) -> str:
    aired = _aired_on(hook, found) if with_status else None
    if found.status == ComplaintStatus.AIRED and aired is None:  # published, but the show has not aired yet
        found = dataclasses.replace(found, status=ComplaintStatus.ANSWERED)
    status_name = _status_name(voice, found.status)
    if aired is not None:
        return str(_aired_screen(hook, voice, found, aired))
    if found.answer is None:
        return str(twiml.status_result(voice, reference=found.reference, status_name=status_name))
    return str(_answer_screen(hook, voice, found, status_name=status_name if with_status else None))


def _answer_screen(hook: Webhook, voice: Voice, found: StatusAnswer, *, status_name: str | None) -> VoiceResponse:
    answer = found.answer
    assert answer is not None
    return answer_twiml.answer_screen(
        voice,
        reference=found.reference,
        status_name=status_name,
        audio_url=answer_url(hook, answer.response_id) if _playable(hook, answer.audio_key, answer.text) else None,
        text=answer.text,
    )


def _aired_on(hook: Webhook, found: StatusAnswer) -> date | None:
    timezone = hook.settings.deployment.timezone
    return aired_date(hook.connection, complaint_id=found.complaint_id, timezone=timezone, now=utcnow())


def _aired_screen(hook: Webhook, voice: Voice, found: StatusAnswer, aired: date) -> VoiceResponse:
    """The status, then "discussed on air on <date>", then what the caller would have heard next (the answer
    and its menu, or goodbye): the pure builders' screens without their status line, after ours."""
    response = VoiceResponse()
    status_name = _status_name(voice, found.status)
    voice.speak(response, "status_result", reference=twiml.spoken_reference(found.reference), status=status_name)
    voice.speak(response, "status_aired", date=spoken_date(aired, voice.language.code))
    rest = (
        twiml.ending(voice, "goodbye") if found.answer is None else _answer_screen(hook, voice, found, status_name=None)
    )
    for verb in rest.verbs:
        response.append(verb)
    return response


def spoken_date(day: date, language: str) -> str:
    """A date as a speaker of `language` says it (CLDR's long form through Babel: "2026 оны арван нэгдүгээр
    сарын 24", "24 វិច្ឆិកា 2026", "2026년 11월 24일", "November 24, 2026"); ISO for a locale Babel lacks."""
    try:
        spoken = format_date(day, format="long", locale=language)
    except (UnknownLocaleError, ValueError):
        return day.isoformat()
    return spoken.replace("\u202f", " ").replace("\u00a0", " ")  # CLDR's no-break spaces trip up speech engines


def _playable(hook: Webhook, audio_key: str | None, text: str) -> bool:
    """Play the audio when it is in the store; a file gone missing falls back to the text, if there is one."""
    return bool(audio_key) and (not text or AudioStore(hook.settings.audio_dir).existing(audio_key) is not None)


def status_check(hook: Webhook) -> str:
    """The caller typed a reference (then #): answer it, unless they have used up the day's look-ups."""
    call = _call(hook)
    voice = _voice(hook, call)
    typed = "" if hook.missing else hook.digits.rstrip("#")
    if not typed:
        return _retry_or_give_up(hook, call, _screen(voice, twiml.status_prompt, hook.attempt + 1, invalid=True))
    outcome = look_up(
        hook.connection,
        caller_hash=_caller_hash(hook),
        call_sid=hook.call_sid,
        attempt=hook.attempt,
        reference=typed if is_valid_reference(typed) else "",
        limit=hook.settings.STATUS_LOOKUPS_PER_DAY,
    )
    if outcome.limited:
        return _screen(voice, twiml.ending, "lookups_exhausted")
    if outcome.found is None:
        replay = _screen(voice, twiml.status_prompt, hook.attempt + 1, invalid=True, not_found=True)
        return _retry_or_give_up(hook, call, replay)
    records.update_call(hook.connection, call, outcome=CallOutcome.STATUS_CHECKED)
    return _answer(hook, voice, outcome.found, with_status=True)


def _found(hook: Webhook) -> StatusAnswer | None:
    reference = hook.query.get("reference", "")
    return status_answer(hook.connection, reference=reference) if is_valid_reference(reference) else None


def answer_menu(hook: Webhook) -> str:
    """After the answer: 1 hears it again, 2 goes on to the satisfaction question."""
    call = _call(hook)
    voice = _voice(hook, call)
    found = _found(hook)
    if found is None or found.answer is None:  # only our own signed URLs lead here; nothing left to say
        return _screen(voice, twiml.ending, "goodbye")
    digits = None if hook.missing else hook.digits
    if digits == "1":
        return _answer(hook, voice, found, with_status=False)
    if digits == "2":
        return str(answer_twiml.feedback_menu(voice, reference=found.reference, attempt=1))
    replay = str(answer_twiml.answer_menu(voice, reference=found.reference, attempt=hook.attempt + 1))
    return _retry_or_give_up(hook, call, replay)


def feedback(hook: Webhook) -> str:
    """1 satisfied, 2 not: kept once per call and complaint, then thanks and goodbye."""
    call = _call(hook)
    voice = _voice(hook, call)
    found = _found(hook)
    if found is None:
        return _screen(voice, twiml.ending, "goodbye")
    digits = None if hook.missing else hook.digits
    if digits not in ("1", "2"):
        replay = answer_twiml.feedback_menu(voice, reference=found.reference, attempt=hook.attempt + 1, invalid=True)
        return _retry_or_give_up(hook, call, str(replay))
    record_feedback(hook.connection, complaint_id=found.complaint_id, call_sid=hook.call_sid, satisfied=digits == "1")
    return _screen(voice, twiml.ending, "feedback_thanks")
