"""Handing the API's work to the SIP server's event loop, whose state is not thread-safe.

Served by ``callfloor up`` the API and the SIP server share one loop and the work runs at once;
with the API apart (tests, an API-only process) it runs on the SIP loop's thread and the
route awaits it there. Routes that reach live calls, the floors or the dialers go through here.
"""

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def on_sip_loop(loop: asyncio.AbstractEventLoop | None, work: Callable[[], T]) -> T:
    """``work()`` run on ``loop`` (None: the SIP server is not bound yet, so here)."""

    async def run() -> T:
        return work()

    return await awaited_on_sip_loop(loop, run)


async def awaited_on_sip_loop(loop: asyncio.AbstractEventLoop | None, work: Callable[[], Awaitable[T]]) -> T:
    """``await work()`` on ``loop``: for work that itself waits (a thread's read, a future)."""
    if loop is None or loop is asyncio.get_running_loop():
        return await work()

    async def run() -> T:
        return await work()

    return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(run(), loop))
