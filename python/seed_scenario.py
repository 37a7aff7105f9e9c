"""seed_scenario.py: the article's scenario on CPython's own asyncio loop, traced for the viewer.

The same program as labs/06-executor/demo/demo.cpp, in Python. Five ticker tasks tick every
50 ms while main needs a slow result from a blocking library (SQLite, about 500 ms). Two runs:

  1. main calls the library on the loop thread: the loop stalls, no ticker ticks meanwhile;
  2. main awaits loop.run_in_executor(None, blocking_operation): the call runs on an executor
     thread, the tickers keep ticking, and the result is processed asynchronously.

Each run writes a trace (looplab_trace.py): run 2 to the trace path, run 1 beside it as
<path>-blocking.json, like the C++ demo.

    python3 python/seed_scenario.py [trace.json]    (default: ./lab06-python.json)
    ./looplab view 6 --python                       this beside your C++ loop's run, in the viewer
"""

import asyncio
import dataclasses
import functools
import sqlite3
import sys
import time
from pathlib import Path

from looplab_trace import Tracer, TracingEventLoop

TICKERS = 5
TICK_PERIOD = 0.050    # seconds
BLOCKING_CALL = 0.500  # seconds
TICKERS_RUN_FOR = 0.900

# --- the third-party library: plainly blocking, knows nothing about event loops --------------
# The same query as labs/common/third_party_lib.cpp's slow_query: SQLite counts to n. It is real
# work in a C library, and Python's sqlite3 module lets go of the GIL while SQLite runs it, as
# most C libraries wrapped for Python do: that is what lets the loop thread run Python code
# meanwhile when the call is on an executor thread. (time.sleep would release the GIL too, but it
# does no work; a pure-Python loop would hold the GIL and slow the loop down by turns.)
COUNT_TO_N = ("WITH RECURSIVE counter(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM counter WHERE x < ?) "
              "SELECT sum(x) FROM counter")


def slow_query(n):
    db = sqlite3.connect(":memory:")
    try:
        return db.execute(COUNT_TO_N, (n,)).fetchone()[0]
    finally:
        db.close()


@functools.cache
def rows_per_slice(slice_seconds=0.005):
    """How many rows SQLite counts in one 5 ms slice here, measured once."""
    probe = 200_000
    start = time.perf_counter()
    slow_query(probe)
    return max(1, int(probe * slice_seconds / max(time.perf_counter() - start, 1e-5)))


def slow_query_for(seconds):
    """Queries in 5 ms slices until `seconds` have passed by the clock, as slow_query_for does
    in C++: a call that lasts as long as it says, however busy the machine's cores are."""
    deadline = time.monotonic() + seconds
    total = 0
    while True:
        total += slow_query(rows_per_slice())
        if time.monotonic() >= deadline:
            return total


# --- the article's program --------------------------------------------------------------------
def blocking_operation():
    return slow_query_for(BLOCKING_CALL)


async def process_result(result):
    """The article's process_result, asynchronous: it awaits too."""
    await asyncio.sleep(0.010)
    return f"sum {result}"


@dataclasses.dataclass
class Ticks:
    count: int = 0


async def ticker(ticks, period, until):
    """Ticks every `period` until the loop's clock reaches `until`."""
    loop = asyncio.get_running_loop()
    while loop.time() < until:
        ticks.count += 1
        await asyncio.sleep(period)


async def main_coroutine(offload):
    """The scenario; `offload` picks the run. Returns how many ticks happened during the call."""
    loop = asyncio.get_running_loop()
    ticks = Ticks()
    running = [asyncio.create_task(ticker(ticks, TICK_PERIOD, loop.time() + TICKERS_RUN_FOR), name=f"ticker-{i}")
               for i in range(TICKERS)]
    await asyncio.sleep(0.200)

    ticks_before = ticks.count
    call_started = loop.time()
    if offload:
        # The article's second snippet, line for line.
        result = await loop.run_in_executor(None, blocking_operation)
    else:
        result = blocking_operation()  # the stall
    ticks_during = ticks.count - ticks_before
    call_ms = (loop.time() - call_started) * 1000
    processed = await process_result(result)

    for task in running:
        await task
    where = "run_in_executor" if offload else "on the loop    "
    print(f"  {where}: {processed}; the call took {call_ms:.0f} ms, and the tickers ticked {ticks_during} times meanwhile")
    return ticks_during


def run_once(offload, trace_path):
    """One run on a fresh, traced loop (debug mode on, as in the C++ demo: asyncio logs the
    stalling step as "Executing <Task ...> took 0.5 seconds"), recorded into its own trace."""
    tracer = Tracer()
    loop = TracingEventLoop(tracer)
    loop.set_debug(True)
    try:
        main = loop.create_task(main_coroutine(offload), name="main")
        ticks_during = loop.run_until_complete(main)
        # As asyncio.run does. It joins the executor's workers from a helper thread, which
        # then wakes the loop with call_soon_threadsafe: the trace's thread-N lane.
        loop.run_until_complete(loop.shutdown_default_executor())
    finally:
        loop.close()
    tracer.write_json(trace_path)
    return ticks_during


def main(argv):
    trace_path = Path(argv[1] if len(argv) > 1 else "lab06-python.json")
    blocking_path = trace_path.with_name(trace_path.stem + "-blocking.json")
    rows_per_slice()  # measured before either run, so neither pays for it

    print("Run 1: the blocking call on the loop thread")
    on_loop = run_once(offload=False, trace_path=blocking_path)
    print(f"Trace of run 1 written to {blocking_path}\n\nRun 2: the same call through run_in_executor")
    offloaded = run_once(offload=True, trace_path=trace_path)
    print(f"Trace written to {trace_path}\n")
    print(f"CPython {sys.version.split()[0]}: the tickers ticked {on_loop} times during the call on the loop, "
          f"{offloaded} times during the call through run_in_executor")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
