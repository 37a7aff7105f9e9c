# Lab 05 in asyncio: a blocking call on the loop thread stalls every other coroutine, and debug
# mode names the step that held the loop. Checked beside snippets/lab05.cpp by ./looplab test.
import asyncio
import logging
import time


# snippet: main
def blocking_operation():
    time.sleep(0.3)            # stands in for a library call with no async support
    return "data"


async def ticker(ticks, count):
    for _ in range(count):
        await asyncio.sleep(0.05)
        ticks.append(1)


async def main():
    ticks = []
    task = asyncio.create_task(ticker(ticks, 10))
    await asyncio.sleep(0.12)              # the ticker ticks twice meanwhile
    before = len(ticks)
    blocking_operation()                   # the loop stalls here: nothing else runs
    print("ticks during the blocking call:", len(ticks) - before)
    await task                             # the ticker's last ticks


class SlowStepReport(logging.Handler):     # debug mode logs "Executing <Task ...> took 0.301 seconds"
    def emit(self, record):
        if "took" in record.getMessage():
            print("debug mode reported a slow step")


logging.getLogger("asyncio").addHandler(SlowStepReport())
loop = asyncio.new_event_loop()
loop.set_debug(True)
loop.slow_callback_duration = 0.1          # the default
loop.run_until_complete(main())
loop.close()
# end snippet
