"""Django's ASGI handler for HTTP, with one thread hand-over per request and no new thread.

Django's own handler runs each request's synchronous code in a `ThreadSensitiveContext`, so that
its database connection and other thread-local state stay on one thread. For that, asgiref
starts a thread for every request and a second one to join it at the end. With our synchronous
middleware and views, the request also crossed between the event loop and that thread five times:
the request_started signal, the middleware chain, back to the loop for Django's inner async
handler, the view, and the response's close. Together this was most of the CPU of a small API call
(`python -m bench me --profile`, docs/PERFORMANCE.md).

Here the middleware chain is built synchronously, as under WSGI, and one call on the request's
thread does all of it: request_started, the middleware, the view and, for a response that is not
streamed, its close (request_finished, which gives the database connection back). Only a
streaming response is closed by a second call after it is sent. The live events the request
committed are published from the event loop after its response is sent. The thread is an idle one-thread
executor that the request borrows and gives back: the same one-thread-per-request rule, with
threads that live as long as the process.

A client that disconnects while its request runs no longer cancels it: every view is synchronous
and went on running in its thread anyway; its response is dropped by the server.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers import base
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.http import FileResponse, HttpRequest, HttpResponseBase
from django.urls import set_script_prefix

from chaat.live import realtime

# Idle one-thread executors; a burst of concurrent requests adds more, and at most this many stay.
MAX_IDLE_THREADS = 32


class ChaatASGIHandler(ASGIHandler):
    def __init__(self) -> None:
        base.BaseHandler.__init__(self)
        self.load_middleware(is_async=False)
        self._idle: list[ThreadPoolExecutor] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        executor = self._idle.pop() if self._idle else ThreadPoolExecutor(max_workers=1,
                                                                            thread_name_prefix="http")
        try:
            async with ThreadSensitiveContext(executor=executor):
                await self.handle(scope, receive, send)
        finally:
            if len(self._idle) < MAX_IDLE_THREADS:
                self._idle.append(executor)
            else:
                executor.shutdown(wait=False)

    async def handle(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        try:
            set_script_prefix(get_script_prefix(scope))
            request, error_response = self.create_request(scope, body_file)
            if request is None:
                await self.send_response(error_response, send)
                await sync_to_async(error_response.close)()
                return
            # The events the request committed go out from here once its response is sent, not
            # each by a trip from its thread back to the loop (realtime.events_published_here).
            async with realtime.events_published_here():
                response = await sync_to_async(self._respond)(request)
                try:
                    await self.send_response(response, send)
                finally:
                    if response.streaming:
                        await sync_to_async(response.close)()
        finally:
            body_file.close()

    def _respond(self, request: HttpRequest) -> HttpResponseBase:
        signals.request_started.send(sender=self.__class__, scope=request.scope)
        response = self.get_response(request)
        response._handler_class = self.__class__
        if isinstance(response, FileResponse):
            response.block_size = self.chunk_size  # the server chunks it
        if not response.streaming:
            response.close()
        return response
