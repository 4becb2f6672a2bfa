"""Weekly radio curation: selected complaints and provider responses become scripts and audio segments.

Planned stage of the complaint's journey (see DESIGN.md); it reads the core models and never talks to
Twilio. Nothing here yet: the call flow and transcription stages come first.
"""
