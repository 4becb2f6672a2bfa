"""Speaking to the caller: a deployment's recorded audio when it has it, otherwise <Say> text.

Mongolian and Khmer have no Twilio voice, so those deployments ship recorded prompts; the text is
still kept for every prompt so a missing file degrades to speech rather than silence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from twilio.twiml import TwiML
from twilio.twiml.voice_response import Play

from hotline.deployment import Deployment, Language


@dataclass(frozen=True)
class Voice:
    """Everything needed to speak one language's prompts in a call."""

    deployment: Deployment
    language: Language
    base_url: str

    def speak(self, parent: TwiML, prompt_id: str, **fields: Any) -> None:
        """Append one prompt to a <Response> or <Gather>."""
        if not fields and self.deployment.audio_path(self.language, prompt_id):
            parent.append(_play(self.prompt_url(prompt_id)))
            return
        self.say(parent, self.language.prompts[prompt_id].format(**fields))

    def say(self, parent: TwiML, text: str) -> None:
        attrs: dict[str, str] = {}
        if self.language.say_language:
            attrs["language"] = self.language.say_language
        if self.language.say_voice:
            attrs["voice"] = self.language.say_voice
        parent.say(text, **attrs)

    def speak_digits(self, parent: TwiML, digits: str) -> None:
        """Read a number digit by digit, with recorded digits when the deployment has all of them."""
        if all(self.deployment.audio_path(self.language, f"digit_{d}") for d in digits):
            for d in digits:
                parent.append(_play(self.prompt_url(f"digit_{d}")))
            return
        # Commas make <Say> pause between digits instead of reading "one million...".
        self.say(parent, ", ".join(digits))

    def prompt_url(self, prompt_id: str) -> str:
        return f"{self.base_url}/ivr/prompts/{quote(self.language.code)}/{quote(prompt_id)}"


def _play(url: str) -> TwiML:
    return Play(url)
