"""Reading a multipart upload (a provider's recorded answer) with a hard cap on its size.

The JSON API caps bodies at 64 kB and page forms at 256 kB; an answer's recording needs megabytes, so the
few routes that take a file read it here instead: the declared length is checked first, then the stream is
counted as it is parsed, so a client that lies about the length is still cut off at the cap. Files are
spooled to disk by Starlette's parser (memory stays flat); text fields stay small (64 kB each).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import AsyncGenerator
from pathlib import Path

from python_multipart.multipart import parse_options_header
from starlette.datastructures import FormData, UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request

from hotline.answer_audio import AnswerAudio, AudioRejected, normalise_answer_audio
from hotline.review_errors import Invalid

MAX_FIELD_BYTES = 64 * 1024


class UploadRefused(Exception):  # noqa: N818 - a refusal with an HTTP status, not a bug
    """The upload cannot be read: too large (413), no length (411) or not well-formed multipart (400)."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message


def is_multipart(request: Request) -> bool:
    content_type, _ = parse_options_header(request.headers.get("content-type", ""))
    return content_type == b"multipart/form-data"


async def read_upload_form(request: Request, *, limit: int, max_fields: int = 20) -> FormData:
    """The multipart form with at most one file, refusing a body over `limit` bytes before or while reading."""
    declared = request.headers.get("content-length")
    if declared is None:
        raise UploadRefused(411, "send uploads with a Content-Length header")
    if not declared.isascii() or not declared.isdigit() or int(declared) > limit:
        raise UploadRefused(413, f"an upload is at most {limit // 2**20} MB")
    parser = MultiPartParser(
        request.headers, _capped(request, limit), max_files=1, max_fields=max_fields, max_part_size=MAX_FIELD_BYTES
    )
    try:
        return await parser.parse()
    except MultiPartException as exc:
        raise UploadRefused(400, f"the upload is not a well-formed form: {exc.message}") from None


def uploaded_file(form: FormData, name: str) -> UploadFile | None:
    """The file sent as `name`, or None when none was chosen (browsers send an empty, nameless part)."""
    value = form.get(name)
    if not isinstance(value, UploadFile) or (not value.filename and not value.size):
        return None
    return value


def text_field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def answer_audio_of(upload: UploadFile) -> AnswerAudio:
    """The uploaded recording as telephone WAV; Invalid (a 400) saying why when it cannot be used.
    Runs in the worker thread: ffmpeg reads a copy of the spooled upload from a temporary directory."""
    with tempfile.TemporaryDirectory(prefix="upload-") as work:
        source = Path(work) / "upload"
        upload.file.seek(0)
        with source.open("wb") as out:
            shutil.copyfileobj(upload.file, out)
        try:
            return normalise_answer_audio(source)
        except AudioRejected as exc:
            raise Invalid(f"the audio file cannot be used: {exc.reason}") from None


async def _capped(request: Request, limit: int) -> AsyncGenerator[bytes, None]:
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise UploadRefused(413, f"an upload is at most {limit // 2**20} MB")
        yield chunk
