"""The real app, timed from the inside: for benchmarks/call_burst.py, whose simulated callers share the cores.

A caller's clock also counts the time its own process waited for a core before reading the answer. This
wrapper notes, in the server, how long each request took from the moment uvicorn handed it to the app to
the first byte of the answer, and writes the figures to $TIMINGS_FILE when the server shuts down. It leaves out
the time a request waited in the kernel and in uvicorn before that, so it is a lower bound, where the
callers' figure is an upper one.

    uvicorn --factory benchmarks.timed_app:app
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from fixmyservice.asgi import app as real_app

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[MutableMapping[str, Any], Receive, Send], Awaitable[None]]


def app() -> ASGIApp:
    inner = real_app()
    timings: list[tuple[float, str]] = []
    target = os.environ["TIMINGS_FILE"]

    async def timed(scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":

            async def on_shutdown(message: Message) -> None:
                if message["type"] == "lifespan.shutdown.complete":
                    Path(target).write_text(json.dumps(timings))
                await send(message)

            await inner(scope, receive, on_shutdown)
            return
        if scope["type"] != "http":
            await inner(scope, receive, send)
            return
        began = time.perf_counter()

        async def first_byte(message: Message) -> None:
            if message["type"] == "http.response.start":
                timings.append((time.perf_counter() - began, scope["path"]))
            await send(message)

        await inner(scope, receive, first_byte)

    return timed
