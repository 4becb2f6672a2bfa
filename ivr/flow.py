"""The call flow, one stateless step per webhook, keyed by CallSid.

Order: language → main menu → sector → area (unless the called number presets it) → consent →
record → reference read back. Main menu 2 leads to the status check (ivr.status_line). A wrong or
missing answer replays the menu; after the deployment's limit the call ends politely.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from twilio.twiml.voice_response import VoiceResponse

from hotline.models import CallOutcome
from hotline.privacy import protector_for
from ivr import call_records as records
from ivr import twiml
from ivr.call_records import CallRecord
from ivr.prompts import Voice
from ivr.webhook import Webhook


def _call(hook: Webhook, *, first_step: bool = False) -> CallRecord:
    return records.get_or_create_call(
        hook.connection,
        call_sid=hook.call_sid,
        from_number=hook.form.get("From", ""),
        to_number=hook.form.get("To", ""),
        protector=protector_for(hook.settings.SECRET_KEY.get_secret_value()),
        expect_new=first_step,
    )


def _voice(hook: Webhook, call: CallRecord) -> Voice:
    deployment = hook.settings.deployment
    return Voice(deployment, deployment.language(call.language), hook.base_url)


def _screen(voice: Voice, build: Callable[..., VoiceResponse], *args: Hashable, **options: Hashable) -> str:
    """A screen that is the same for every caller in this language, rendered once (see twiml.rendered)."""
    key = (build.__name__, voice.language.code, voice.base_url, args, tuple(sorted(options.items())))
    return twiml.rendered(voice.deployment, key, lambda: build(voice, *args, **options))


def _language_menu(hook: Webhook, attempt: int, *, invalid: bool = False) -> str:
    deployment, base_url = hook.settings.deployment, hook.base_url
    key = ("language_menu", base_url, attempt, invalid)
    return twiml.rendered(deployment, key, lambda: twiml.language_menu(deployment, base_url, attempt, invalid=invalid))


def _retry_or_give_up(hook: Webhook, call: CallRecord, replay: str) -> str:
    """Replay a menu after a bad answer, or end the call once the caller has had enough tries."""
    if hook.attempt >= hook.settings.deployment.recording.max_attempts_per_menu:
        call = records.update_call(hook.connection, call, outcome=CallOutcome.GAVE_UP)
        return _screen(_voice(hook, call), twiml.ending, "too_many_attempts")
    return replay


def voice(hook: Webhook) -> str:
    """The number's Voice URL: greet, then the language menu (or straight to the main menu)."""
    call = _call(hook, first_step=True)
    deployment = hook.settings.deployment
    if len(deployment.languages) == 1:
        call = records.update_call(hook.connection, call, language=deployment.languages[0].code)
        return _screen(_voice(hook, call), twiml.main_menu, 1, greet=True)
    return _language_menu(hook, 1)


def language(hook: Webhook) -> str:
    call = _call(hook)
    deployment = hook.settings.deployment
    chosen = None if hook.missing else deployment.language_by_digit(hook.digits)
    if chosen is None:
        replay = _language_menu(hook, hook.attempt + 1, invalid=True)
        return _retry_or_give_up(hook, call, replay)
    call = records.update_call(hook.connection, call, language=chosen.code)
    return _screen(_voice(hook, call), twiml.main_menu, 1, greet=True)


def main(hook: Webhook) -> str:
    call = _call(hook)
    voice_ = _voice(hook, call)
    digits = None if hook.missing else hook.digits
    if digits == "1":
        call = records.update_call(hook.connection, call, menu_choice="report")
        return _screen(voice_, twiml.sector_menu, 1)
    if digits == "2":
        call = records.update_call(hook.connection, call, menu_choice="status")
        return _screen(voice_, twiml.status_prompt, 1)
    return _retry_or_give_up(hook, call, _screen(voice_, twiml.main_menu, hook.attempt + 1, invalid=True))


def sector(hook: Webhook) -> str:
    call = _call(hook)
    voice_ = _voice(hook, call)
    chosen = None if hook.missing else hook.settings.deployment.sector_by_digit(hook.digits)
    if chosen is None:
        return _retry_or_give_up(hook, call, _screen(voice_, twiml.sector_menu, hook.attempt + 1, invalid=True))
    call = records.update_call(hook.connection, call, sector=chosen.code)
    preset = hook.settings.deployment.preset_area(call.called_number)
    if preset is not None:
        call = records.update_call(hook.connection, call, area=preset.code, area_source="preset")
        return _screen(voice_, twiml.consent_menu, 1)
    return _screen(voice_, twiml.area_menu, 1)


def area(hook: Webhook) -> str:
    """Typed area code then #; '#' alone or '*' means the caller doesn't know it."""
    call = _call(hook)
    voice_ = _voice(hook, call)
    if "Digits" not in hook.form and hook.query.get("missing") == "1":
        return _retry_or_give_up(hook, call, _screen(voice_, twiml.area_menu, hook.attempt + 1, invalid=True))
    typed = hook.digits.rstrip("#")
    if typed in ("", "*") or set(typed) == {"*"}:
        call = records.update_call(hook.connection, call, area=None, area_source="unknown")
        return _screen(voice_, twiml.consent_menu, 1)
    known = hook.settings.deployment.area(typed) or hook.settings.deployment.area(typed.zfill(2))
    if known is None:
        return _retry_or_give_up(hook, call, _screen(voice_, twiml.area_menu, hook.attempt + 1, invalid=True))
    call = records.update_call(hook.connection, call, area=known.code, area_source="typed")
    return _screen(voice_, twiml.consent_menu, 1)


def consent(hook: Webhook) -> str:
    call = _call(hook)
    voice_ = _voice(hook, call)
    digits = None if hook.missing else hook.digits
    if digits not in ("1", "2"):
        return _retry_or_give_up(hook, call, _screen(voice_, twiml.consent_menu, hook.attempt + 1, invalid=True))
    call = records.update_call(hook.connection, call, broadcast_consent=digits == "1", outcome=CallOutcome.RECORDING)
    limits = hook.settings.deployment.recording
    return _screen(
        voice_, twiml.record, max_length=limits.max_length_seconds, silence_timeout=limits.silence_timeout_seconds
    )


def recorded(hook: Webhook) -> str:
    """<Record> action: Twilio has a recording (Digits is '#' or 'hangup'); read back the reference."""
    call = _call(hook)
    voice_ = _voice(hook, call)
    sid, url, duration = (
        hook.recording_sid,
        hook.form.get("RecordingUrl", ""),
        hook.number("RecordingDuration"),
    )
    if not sid or not url or duration == 0:
        records.note_absent_recording(hook.connection, call=call, recording_sid=sid or None)
        return _screen(voice_, twiml.ending, "no_recording")
    complaint = records.attach_recording(
        hook.session, call=call, recording_sid=sid, recording_url=url, reported_duration=duration
    )
    return str(twiml.reference_readout(voice_, complaint.reference))  # differs per caller: not kept


def no_recording(hook: Webhook) -> str:
    """Reached only when <Record> captured nothing (Twilio skips the action then)."""
    call = _call(hook)
    if not records.has_complaint(hook.connection, call):
        call = records.update_call(hook.connection, call, outcome=CallOutcome.NO_RECORDING)
    return _screen(_voice(hook, call), twiml.ending, "no_recording")


def recording_status(hook: Webhook) -> None:
    """recordingStatusCallback: download only once Twilio says the file is complete."""
    call = _call(hook)
    sid, status = hook.recording_sid, hook.form.get("RecordingStatus", "")
    duration = hook.number("RecordingDuration")
    if status == "completed" and sid and duration != 0:
        records.attach_recording(
            hook.session,
            call=call,
            recording_sid=sid,
            recording_url=hook.form.get("RecordingUrl", ""),
            reported_duration=duration,
        )
        hook.after_commit.append(lambda: hook.jobs.recording_ready(sid))
    elif status in ("absent", "completed"):
        records.note_absent_recording(hook.connection, call=call, recording_sid=sid or None)
    return None


def call_status(hook: Webhook) -> None:
    """The number's status callback: note the end of the call and how long it lasted."""
    call = _call(hook)
    status, duration = hook.form.get("CallStatus", ""), hook.number("CallDuration")
    records.record_call_status(hook.connection, call=call, status=status, duration=duration)
    return None
