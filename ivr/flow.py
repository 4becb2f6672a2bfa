"""The call flow, one stateless step per webhook, keyed by CallSid.

Order: language → main menu → sector → area (unless the called number presets it) → consent →
record → reference read back. Main menu 2 leads to the status check. A wrong or missing answer
replays the menu; after the deployment's limit the call ends politely.
"""

from __future__ import annotations

from twilio.twiml.voice_response import VoiceResponse

from hotline.models import CallOutcome
from hotline.privacy import protector_for
from hotline.references import is_valid_reference
from ivr import call_records as records
from ivr import twiml
from ivr.call_records import CallRecord
from ivr.prompts import Voice
from ivr.webhook import Webhook


def _call(hook: Webhook, *, first_step: bool = False) -> CallRecord:
    return records.get_or_create_call(
        hook.session,
        call_sid=hook.call_sid,
        from_number=hook.form.get("From", ""),
        to_number=hook.form.get("To", ""),
        protector=protector_for(hook.settings.SECRET_KEY.get_secret_value()),
        expect_new=first_step,
    )


def _voice(hook: Webhook, call: CallRecord) -> Voice:
    deployment = hook.settings.deployment
    return Voice(deployment, deployment.language(call.language), hook.base_url)


def _retry_or_give_up(hook: Webhook, call: CallRecord, replay: VoiceResponse) -> VoiceResponse:
    """Replay a menu after a bad answer, or end the call once the caller has had enough tries."""
    if hook.attempt >= hook.settings.deployment.recording.max_attempts_per_menu:
        call = records.update_call(hook.session, call, outcome=CallOutcome.GAVE_UP)
        return twiml.ending(_voice(hook, call), "too_many_attempts")
    return replay


def voice(hook: Webhook) -> VoiceResponse:
    """The number's Voice URL: greet, then the language menu (or straight to the main menu)."""
    call = _call(hook, first_step=True)
    deployment = hook.settings.deployment
    if len(deployment.languages) == 1:
        call = records.update_call(hook.session, call, language=deployment.languages[0].code)
        return twiml.main_menu(_voice(hook, call), 1, greet=True)
    return twiml.language_menu(deployment, hook.base_url, 1)


def language(hook: Webhook) -> VoiceResponse:
    call = _call(hook)
    deployment = hook.settings.deployment
    chosen = None if hook.missing else deployment.language_by_digit(hook.digits)
    if chosen is None:
        replay = twiml.language_menu(deployment, hook.base_url, hook.attempt + 1, invalid=True)
        return _retry_or_give_up(hook, call, replay)
    call = records.update_call(hook.session, call, language=chosen.code)
    return twiml.main_menu(_voice(hook, call), 1, greet=True)


def main(hook: Webhook) -> VoiceResponse:
    call = _call(hook)
    voice_ = _voice(hook, call)
    digits = None if hook.missing else hook.digits
    if digits == "1":
        call = records.update_call(hook.session, call, menu_choice="report")
        return twiml.sector_menu(voice_, 1)
    if digits == "2":
        call = records.update_call(hook.session, call, menu_choice="status")
        return twiml.status_prompt(voice_, 1)
    return _retry_or_give_up(hook, call, twiml.main_menu(voice_, hook.attempt + 1, invalid=True))


def sector(hook: Webhook) -> VoiceResponse:
    call = _call(hook)
    voice_ = _voice(hook, call)
    chosen = None if hook.missing else hook.settings.deployment.sector_by_digit(hook.digits)
    if chosen is None:
        return _retry_or_give_up(hook, call, twiml.sector_menu(voice_, hook.attempt + 1, invalid=True))
    call = records.update_call(hook.session, call, sector=chosen.code)
    preset = hook.settings.deployment.preset_area(call.called_number)
    if preset is not None:
        call = records.update_call(hook.session, call, area=preset.code, area_source="preset")
        return twiml.consent_menu(voice_, 1)
    return twiml.area_menu(voice_, 1)


def area(hook: Webhook) -> VoiceResponse:
    """Typed area code then #; '#' alone or '*' means the caller doesn't know it."""
    call = _call(hook)
    voice_ = _voice(hook, call)
    if "Digits" not in hook.form and hook.query.get("missing") == "1":
        return _retry_or_give_up(hook, call, twiml.area_menu(voice_, hook.attempt + 1, invalid=True))
    typed = hook.digits.rstrip("#")
    if typed in ("", "*") or set(typed) == {"*"}:
        call = records.update_call(hook.session, call, area=None, area_source="unknown")
        return twiml.consent_menu(voice_, 1)
    known = hook.settings.deployment.area(typed) or hook.settings.deployment.area(typed.zfill(2))
    if known is None:
        return _retry_or_give_up(hook, call, twiml.area_menu(voice_, hook.attempt + 1, invalid=True))
    call = records.update_call(hook.session, call, area=known.code, area_source="typed")
    return twiml.consent_menu(voice_, 1)


def consent(hook: Webhook) -> VoiceResponse:
    call = _call(hook)
    voice_ = _voice(hook, call)
    digits = None if hook.missing else hook.digits
    if digits not in ("1", "2"):
        return _retry_or_give_up(hook, call, twiml.consent_menu(voice_, hook.attempt + 1, invalid=True))
    call = records.update_call(hook.session, call, broadcast_consent=digits == "1", outcome=CallOutcome.RECORDING)
    limits = hook.settings.deployment.recording
    return twiml.record(voice_, max_length=limits.max_length_seconds, silence_timeout=limits.silence_timeout_seconds)


def recorded(hook: Webhook) -> VoiceResponse:
    """<Record> action: Twilio has a recording (Digits is '#' or 'hangup'); read back the reference."""
    call = _call(hook)
    voice_ = _voice(hook, call)
    sid, url, duration = (
        hook.recording_sid,
        hook.form.get("RecordingUrl", ""),
        hook.number("RecordingDuration"),
    )
    if not sid or not url or duration == 0:
        records.note_absent_recording(hook.session, call=call, recording_sid=sid or None)
        return twiml.ending(voice_, "no_recording")
    complaint, _ = records.attach_recording(
        hook.session, call=call, recording_sid=sid, recording_url=url, reported_duration=duration
    )
    return twiml.reference_readout(voice_, complaint.reference)


def no_recording(hook: Webhook) -> VoiceResponse:
    """Reached only when <Record> captured nothing (Twilio skips the action then)."""
    call = _call(hook)
    if records.complaint_for_call(hook.session, call) is None:
        call = records.update_call(hook.session, call, outcome=CallOutcome.NO_RECORDING)
    return twiml.ending(_voice(hook, call), "no_recording")


def recording_status(hook: Webhook) -> None:
    """recordingStatusCallback: download only once Twilio says the file is complete."""
    call = _call(hook)
    sid, status = hook.recording_sid, hook.form.get("RecordingStatus", "")
    duration = hook.number("RecordingDuration")
    if status == "completed" and sid and duration != 0:
        _, recording = records.attach_recording(
            hook.session,
            call=call,
            recording_sid=sid,
            recording_url=hook.form.get("RecordingUrl", ""),
            reported_duration=duration,
        )
        hook.after_commit.append(lambda: hook.jobs.recording_ready(recording.twilio_recording_sid))
    elif status in ("absent", "completed"):
        records.note_absent_recording(hook.session, call=call, recording_sid=sid or None)
    return None


def status_check(hook: Webhook) -> VoiceResponse:
    call = _call(hook)
    voice_ = _voice(hook, call)
    typed = "" if hook.missing else hook.digits.rstrip("#")
    complaint = records.find_complaint(hook.session, reference=typed) if is_valid_reference(typed) else None
    if complaint is None:
        replay = twiml.status_prompt(voice_, hook.attempt + 1, invalid=True, not_found=bool(typed))
        return _retry_or_give_up(hook, call, replay)
    call = records.update_call(hook.session, call, outcome=CallOutcome.STATUS_CHECKED)
    status_name = voice_.language.status_names.get(complaint.status, complaint.status.replace("_", " "))
    return twiml.status_result(voice_, reference=complaint.reference, status_name=status_name)


def call_status(hook: Webhook) -> None:
    """The number's status callback: note the end of the call and how long it lasted."""
    call = _call(hook)
    status, duration = hook.form.get("CallStatus", ""), hook.number("CallDuration")
    records.record_call_status(hook.session, call=call, status=status, duration=duration)
    return None
