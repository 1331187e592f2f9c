"""A Streamlit page view without a browser: the websocket protocol the browser speaks (one
``rerun_script`` BackMsg, then ForwardMsgs until ``script_finished``). Used by the memory
test and by ``bench/load.py`` to drive many sessions at once."""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
from dataclasses import dataclass

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg


@dataclass
class View:
    messages: int
    received: int  # bytes through the websocket
    finished: bool
    exceptions: int  # st.exception elements the script sent (a traceback on the page)


async def page_view(base_url: str, query: str = "", page: str = "",
                    timeout: float = 120) -> View:
    """Open a session on ``base_url``, run the page once (``page``: a page name such as
    ``presentation``; ``query``: its query string) and close the session."""
    url = base_url.replace("http://", "ws://", 1) + "/_stcore/stream"
    async with websockets.connect(url, subprotocols=["streamlit"], max_size=None,
                                  open_timeout=timeout,
                                  additional_headers={"Origin": base_url}) as ws:
        msg = BackMsg()
        msg.rerun_script.query_string = query
        msg.rerun_script.page_name = page
        await ws.send(msg.SerializeToString())
        messages = received = exceptions = 0
        async with asyncio.timeout(timeout):
            while True:
                data = await ws.recv()
                messages += 1
                received += len(data)
                fwd = ForwardMsg()
                fwd.ParseFromString(data)
                kind = fwd.WhichOneof("type")
                if kind == "delta" and fwd.delta.WhichOneof("type") == "new_element" and \
                        fwd.delta.new_element.WhichOneof("type") == "exception":
                    exceptions += 1
                if kind == "script_finished":
                    return View(messages, received, True, exceptions)


def views(base_url: str, count: int, concurrency: int = 1, **kwargs) -> list[View]:
    """``count`` page views, ``concurrency`` sessions at a time."""
    async def run():
        gate = asyncio.Semaphore(concurrency)

        async def one():
            async with gate:
                try:
                    return await page_view(base_url, **kwargs)
                except (OSError, TimeoutError, websockets.WebSocketException):
                    return View(0, 0, False, 0)  # counted as failed by the caller
        return await asyncio.gather(*(one() for _ in range(count)))
    # in a thread of its own: Playwright's sync API may already run a loop in this one
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result()


def rss_bytes(pid: int) -> int:
    """Resident memory of process ``pid`` (Linux)."""
    with open(f"/proc/{pid}/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` (Linux)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
