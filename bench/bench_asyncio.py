#!/usr/bin/env python3
"""bench_asyncio.py: the benchmark's workloads on CPython's asyncio and on uvloop.

The same shapes as bench/looplab_workloads.cpp (the reference loop) and asio_workloads.cpp,
written the way anyone would write them with asyncio's public API. Workload 7 (what the trace
recorder costs) is looplab's own and has no counterpart here.

How it is run: `./looplab bench` runs it with the other peers and puts everything in one table.
By hand:

    /usr/bin/python3 bench/bench_asyncio.py --quick
    /usr/bin/python3 bench/bench_asyncio.py --repeat 3 --peer uvloop

Debian's /usr/bin/python3 is the one python3-uvloop installs for; another python3 (pyenv, a
virtualenv) runs asyncio alone and says on stderr that uvloop is left out.

Output contract (one JSON object per line on stdout, read by looplab-kit's bench command):
    {"workload": "callbacks_queued", "peer": "asyncio", "metric": "rate", "value": 912345.0, "unit": "callbacks/s"}
A unit ending in "/s" is better when higher; every other unit is better when lower.
Every workload runs `--repeat` times on a fresh event loop and reports the median.
"""

import argparse
import asyncio
import concurrent.futures
import gc
import json
import random
import statistics
import sys
import time
import tracemalloc

try:
    import uvloop
except ImportError:
    uvloop = None

UVLOOP_MISSING = "uvloop is not installed (Debian: apt-get install python3-uvloop); skipping it"

# The workload sizes: the full sizes, or a hundredth of them for the CI smoke test
# (bench/measure.hpp's Sizes).
FULL = {"callbacks": 1_000_000, "switches": 1_000_000, "round_trips": 10_000, "timers": 100_000,
        "tasks": 100_000, "repeat": 5}
QUICK = {"callbacks": 10_000, "switches": 10_000, "round_trips": 200, "timers": 1_000,
         "tasks": 1_000, "repeat": 1}


def report(workload, peer, metric, value, unit):
    """Prints one measurement in the output contract above."""
    print(json.dumps({"workload": workload, "peer": peer, "metric": metric, "value": float(value),
                      "unit": unit}), flush=True)


def percentile(values, fraction):
    """The value below which `fraction` of the samples lie (nearest rank, as measure.hpp does)."""
    ordered = sorted(values)
    rank = int(fraction * (len(ordered) - 1) + 0.5)
    return ordered[min(rank, len(ordered) - 1)]


def median_of(repeat, once):
    """Runs `once` `repeat` times (collecting garbage before each) and returns the median."""
    runs = []
    for _ in range(repeat):
        gc.collect()
        runs.append(once())
    return statistics.median(runs)


# 1. Every callback is queued before the loop runs: the cost of the ready queue itself.
def callbacks_queued_once(new_loop, count):
    """Queues `count` trivial callbacks, then runs them all; returns callbacks per second."""
    loop = new_loop()
    ran = 0

    def bump():
        nonlocal ran
        ran += 1

    start = time.perf_counter()
    for _ in range(count):
        loop.call_soon(bump)
    loop.call_soon(loop.stop)
    loop.run_forever()
    elapsed = time.perf_counter() - start
    loop.close()
    return ran / elapsed


# 2. Each callback schedules the next: one callback per iteration, so this also measures the
# iteration's fixed cost (the timer check, the select() that does not wait).
def callbacks_chained_once(new_loop, count):
    """Runs a chain of `count` callbacks, each scheduling the next; returns callbacks per second."""
    loop = new_loop()
    left = count

    def step():
        nonlocal left
        left -= 1
        if left == 0:
            loop.stop()
        else:
            loop.call_soon(step)

    start = time.perf_counter()
    loop.call_soon(step)
    loop.run_forever()
    elapsed = time.perf_counter() - start
    loop.close()
    return count / elapsed


# 3. Two tasks that yield to each other: each switch is one task step suspending and the
# other's step resuming in the next iteration.
async def yielder(times):
    for _ in range(times):
        await asyncio.sleep(0)


async def two_yielders(switches):
    a = asyncio.get_running_loop().create_task(yielder(switches // 2))
    b = asyncio.get_running_loop().create_task(yielder(switches // 2))
    await asyncio.gather(a, b)


def task_switch_once(new_loop, switches):
    """Two tasks doing `await asyncio.sleep(0)` in turn; returns nanoseconds per switch."""
    loop = new_loop()
    start = time.perf_counter()
    loop.run_until_complete(two_yielders(switches))
    elapsed = time.perf_counter() - start
    loop.close()
    return elapsed * 1e9 / switches


# 4. One job at a time through the default executor and back: the latency a blocking call
# offloaded with run_in_executor adds on top of its own duration.
def job():
    return 42


async def round_trips(count):
    loop = asyncio.get_running_loop()
    micros = []
    for _ in range(count):
        start = time.perf_counter()
        await loop.run_in_executor(None, job)
        micros.append((time.perf_counter() - start) * 1e6)
    return micros


def executor_round_trip(new_loop, peer, sizes):
    """Sequential run_in_executor round trips on 4 worker threads; reports p50 and p99 in us."""
    p50s, p99s = [], []
    for _ in range(sizes["repeat"]):
        loop = new_loop()
        executor = concurrent.futures.ThreadPoolExecutor(max_workers=4)
        loop.set_default_executor(executor)
        gc.collect()
        micros = loop.run_until_complete(round_trips(sizes["round_trips"]))
        executor.shutdown(wait=True)
        loop.close()
        p50s.append(percentile(micros, 0.50))
        p99s.append(percentile(micros, 0.99))
    report("executor_round_trip", peer, "p50", statistics.median(p50s), "us")
    report("executor_round_trip", peer, "p99", statistics.median(p99s), "us")


# 5. Timers at random deadlines within 10 ms, half of them cancelled at once: what the loop
# spends beyond the 10 ms the deadlines span (the heap, the cancelled timers it skips).
def timers_once(new_loop, count):
    """call_later at random delays in [0, 10 ms), every second one cancelled; returns overhead ms."""
    loop = new_loop()
    rng = random.Random(42)
    live = (count + 1) // 2  # the even-numbered timers stay
    latest = 0.0

    def fired():
        nonlocal live
        live -= 1
        if live == 0:
            loop.stop()

    handles = []
    start = time.perf_counter()
    for i in range(count):
        delay = rng.random() * 0.010
        handles.append(loop.call_later(delay, fired))
        if i % 2 == 0:
            latest = max(latest, delay)
    for handle in handles[1::2]:
        handle.cancel()
    loop.run_forever()
    elapsed = time.perf_counter() - start
    loop.close()
    return (elapsed - latest) * 1e3


# 6. Many tasks asleep at once: the memory one sleeping task costs (its coroutine, task,
# future and timer handle), and the time to create, wake and finish them all.
async def sleeper():
    await asyncio.sleep(0.05)


async def many_sleepers(count):
    loop = asyncio.get_running_loop()
    tasks = [loop.create_task(sleeper()) for _ in range(count)]
    await asyncio.gather(*tasks)


async def many_sleepers_traced(count):
    loop = asyncio.get_running_loop()
    before = tracemalloc.get_traced_memory()[0]
    tasks = [loop.create_task(sleeper()) for _ in range(count)]
    await asyncio.sleep(0)  # every task's first step has run: each one is asleep now
    await asyncio.sleep(0)
    asleep = tracemalloc.get_traced_memory()[0]
    await asyncio.gather(*tasks)
    return (asleep - before) / count


def sleeping_tasks_total_once(new_loop, count):
    """Creates `count` tasks that each sleep 50 ms and waits for all; returns ms in all."""
    loop = new_loop()
    start = time.perf_counter()
    loop.run_until_complete(many_sleepers(count))
    elapsed = time.perf_counter() - start
    loop.close()
    return elapsed * 1e3


def sleeping_tasks_memory_once(new_loop, count):
    """The same, untimed, under tracemalloc; returns bytes per sleeping task.

    Only what goes through Python's allocators is traced (not, say, libuv's own mallocs).
    """
    loop = new_loop()
    tracemalloc.start()
    try:
        per_task = loop.run_until_complete(many_sleepers_traced(count))
    finally:
        tracemalloc.stop()
        loop.close()
    return per_task


def run_peer(peer, new_loop, sizes):
    """Runs workloads 1-6 on one peer and reports the medians."""
    repeat = sizes["repeat"]
    report("callbacks_queued", peer, "rate",
           median_of(repeat, lambda: callbacks_queued_once(new_loop, sizes["callbacks"])), "callbacks/s")
    report("callbacks_chained", peer, "rate",
           median_of(repeat, lambda: callbacks_chained_once(new_loop, sizes["callbacks"])), "callbacks/s")
    report("task_switch", peer, "switch",
           median_of(repeat, lambda: task_switch_once(new_loop, sizes["switches"])), "ns/switch")
    executor_round_trip(new_loop, peer, sizes)
    report("timers", peer, "overhead", median_of(repeat, lambda: timers_once(new_loop, sizes["timers"])), "ms")
    report("sleeping_tasks", peer, "memory",
           median_of(repeat, lambda: sleeping_tasks_memory_once(new_loop, sizes["tasks"])), "bytes/task")
    report("sleeping_tasks", peer, "total",
           median_of(repeat, lambda: sleeping_tasks_total_once(new_loop, sizes["tasks"])), "ms")


def positive_int(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def main():
    parser = argparse.ArgumentParser(description="The looplab benchmark's workloads on asyncio and uvloop.")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, run once (a smoke test)")
    parser.add_argument("--repeat", type=positive_int, metavar="N",
                        help="runs of each workload, the median is reported (default 5, --quick 1)")
    parser.add_argument("--peer", choices=["asyncio", "uvloop", "all"], default="all",
                        help="which event loop to measure (default all: asyncio, then uvloop if installed)")
    args = parser.parse_args()

    sizes = dict(QUICK if args.quick else FULL)
    if args.repeat is not None:
        sizes["repeat"] = args.repeat

    if args.peer in ("asyncio", "all"):
        run_peer("asyncio", asyncio.new_event_loop, sizes)
    if args.peer in ("uvloop", "all"):
        if uvloop is None:
            print(UVLOOP_MISSING, file=sys.stderr)
        else:
            run_peer("uvloop", uvloop.new_event_loop, sizes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
