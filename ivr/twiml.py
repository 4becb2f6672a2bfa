"""Pure TwiML builders, one per call step: given what to say, return the <Response> to send.

No database and no request here, so every screen of the call can be checked on its own.
Each menu is a <Gather> followed by a <Redirect> back to the same step: Twilio runs the redirect
only when the caller typed nothing, which the step handler counts as a missing answer.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from twilio.twiml.voice_response import Gather, VoiceResponse

from hotline.deployment import Deployment
from hotline.references import REFERENCE_GROUP_SIZE, REFERENCE_LENGTH
from ivr.prompts import Voice

GATHER_TIMEOUT_SECONDS = 7
AREA_MAX_DIGITS = 4
REFERENCE_MAX_DIGITS = REFERENCE_LENGTH  # the longest reference a caller types (legacy ones have 7 digits)
RENDERED_LIMIT = 4096  # screens kept; a deployment has a few hundred (steps x languages x attempts)

_rendered: dict[tuple[Hashable, ...], tuple[Deployment, str]] = {}


def rendered(deployment: Deployment, key: tuple[Hashable, ...], build: Callable[[], VoiceResponse]) -> str:
    """The XML of a screen that is the same for every caller, built and serialised once per deployment.

    Menus depend only on the deployment, the language, our URL and the attempt; building them with the
    twilio library and serialising them through ElementTree was a fifth of a webhook's CPU. `key` must
    name everything the screen depends on besides the deployment. The deployment is immutable but not
    hashable, so entries are keyed by its identity and keep it alive, which stops the identity being
    reused by another deployment (tests build many). Threads may race to build the same screen: both
    build the same text, and either may be kept.
    """
    entry_key = (id(deployment), *key)
    entry = _rendered.get(entry_key)
    if entry is not None and entry[0] is deployment:
        return entry[1]
    xml = str(build())
    if len(_rendered) >= RENDERED_LIMIT:
        _rendered.clear()
    _rendered[entry_key] = (deployment, xml)
    return xml


def step_url(base_url: str, step: str, attempt: int, **extra: str) -> str:
    query = "&".join([f"attempt={attempt}", *(f"{k}={v}" for k, v in sorted(extra.items()))])
    return f"{base_url}/ivr/{step}?{query}"


def _menu(
    voice: Voice, step: str, attempt: int, *, num_digits: int | None, invalid: bool, notice: str = "invalid_choice"
) -> tuple[VoiceResponse, Gather]:
    response = VoiceResponse()
    if invalid:
        voice.speak(response, notice)
    gather = Gather(
        action=step_url(voice.base_url, step, attempt),
        method="POST",
        input="dtmf",
        timeout=GATHER_TIMEOUT_SECONDS,
        **({"num_digits": num_digits} if num_digits else {"finish_on_key": "#"}),
    )
    response.append(gather)
    response.redirect(step_url(voice.base_url, step, attempt, missing="1"), method="POST")
    return response, gather


def language_menu(deployment: Deployment, base_url: str, attempt: int, *, invalid: bool = False) -> VoiceResponse:
    """Greeting in the first language, then each language offered in its own words."""
    first = Voice(deployment, deployment.languages[0], base_url)
    response, gather = _menu(first, "language", attempt, num_digits=1, invalid=invalid)
    if attempt == 1 and not invalid:
        first.speak(gather, "welcome")
    for digit, language in enumerate(deployment.languages, start=1):
        own = Voice(deployment, language, base_url)
        if deployment.audio_path(language, "language_option"):
            own.speak(gather, "language_option")
        else:
            own.say(gather, language.prompts["language_option"].format(name=language.name, digit=digit))
    return response


def main_menu(voice: Voice, attempt: int, *, invalid: bool = False, greet: bool = False) -> VoiceResponse:
    response, gather = _menu(voice, "main", attempt, num_digits=1, invalid=invalid)
    if greet:
        voice.speak(gather, "welcome")
    voice.speak(gather, "main_menu")
    return response


def sector_menu(voice: Voice, attempt: int, *, invalid: bool = False) -> VoiceResponse:
    response, gather = _menu(voice, "sector", attempt, num_digits=1, invalid=invalid)
    voice.speak(gather, "sector_intro")
    for sector in voice.deployment.sectors:
        name = sector.names.get(voice.language.code) or next(iter(sector.names.values()))
        if voice.deployment.audio_path(voice.language, f"sector_{sector.code}"):
            voice.speak(gather, f"sector_{sector.code}")
        else:
            voice.speak(gather, "sector_option", name=name, digit=sector.digit)
    return response


def area_menu(voice: Voice, attempt: int, *, invalid: bool = False) -> VoiceResponse:
    response, gather = _menu(voice, "area", attempt, num_digits=None, invalid=invalid)
    # Pressing only "#" must reach us as "don't know", not fall through as silence.
    gather.attrs["actionOnEmptyResult"] = "true"
    voice.speak(gather, "area_prompt")
    return response


def consent_menu(voice: Voice, attempt: int, *, invalid: bool = False) -> VoiceResponse:
    response, gather = _menu(voice, "consent", attempt, num_digits=1, invalid=invalid)
    voice.speak(gather, "consent_prompt")
    return response


def record(voice: Voice, *, max_length: int, silence_timeout: int) -> VoiceResponse:
    """Record after the beep; an empty recording skips the action and reaches the redirect."""
    response = VoiceResponse()
    voice.speak(response, "record_prompt")
    response.record(
        action=f"{voice.base_url}/ivr/recorded",
        method="POST",
        max_length=max_length,
        timeout=silence_timeout,
        finish_on_key="#",
        play_beep=True,
        recording_status_callback=f"{voice.base_url}/ivr/recording-status",
        recording_status_callback_method="POST",
        recording_status_callback_event="completed absent",
    )
    response.redirect(f"{voice.base_url}/ivr/no-recording", method="POST")
    return response


def reference_groups(reference: str) -> list[str]:
    """The reference in groups of three digits; a lone last digit joins the group before it ("482", "7153")."""
    size = REFERENCE_GROUP_SIZE
    groups = [reference[i : i + size] for i in range(0, len(reference), size)]
    if len(groups) > 1 and len(groups[-1]) == 1:
        groups[-2:] = [groups[-2] + groups[-1]]
    return groups


def spoken_reference(reference: str) -> str:
    """Text for <Say>: "4 8 2, 7 1 5, 3 9 8", every digit on its own, a comma (a pause) between groups."""
    return ", ".join(" ".join(group) for group in reference_groups(reference))


def _speak_reference(voice: Voice, response: VoiceResponse, reference: str) -> None:
    """The reference in groups, with the deployment's recorded digits when it has all of them."""
    if all(voice.deployment.audio_path(voice.language, f"digit_{d}") for d in reference):
        for n, group in enumerate(reference_groups(reference)):
            if n:
                response.pause(length=1)
            voice.speak_digits(response, group)
        return
    # One <Say>: the voice keeps one intonation and the caller hears the groups as groups.
    voice.say(response, spoken_reference(reference))


def reference_readout(voice: Voice, reference: str) -> VoiceResponse:
    """Read the reference number twice, in groups of three digits: callers write it down the second time."""
    response = VoiceResponse()
    for _ in range(2):
        voice.speak(response, "reference_intro")
        _speak_reference(voice, response, reference)
        response.pause(length=1)
    voice.speak(response, "goodbye")
    response.hangup()
    return response


def status_prompt(voice: Voice, attempt: int, *, invalid: bool = False, not_found: bool = False) -> VoiceResponse:
    notice = "status_not_found" if not_found else "invalid_choice"
    response, gather = _menu(
        voice, "status-check", attempt, num_digits=None, invalid=invalid or not_found, notice=notice
    )
    voice.speak(gather, "status_prompt")
    return response


def status_result(voice: Voice, *, reference: str, status_name: str) -> VoiceResponse:
    response = VoiceResponse()
    voice.speak(response, "status_result", reference=spoken_reference(reference), status=status_name)
    voice.speak(response, "goodbye")
    response.hangup()
    return response


def ending(voice: Voice, prompt_id: str) -> VoiceResponse:
    """Say one closing prompt and hang up (too many attempts, no recording)."""
    response = VoiceResponse()
    voice.speak(response, prompt_id)
    response.hangup()
    return response
