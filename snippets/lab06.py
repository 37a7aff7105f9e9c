# Lab 06 in asyncio: the article's cure. The blocking call runs in the default executor (a
# thread pool), so the ticker keeps ticking, and the result is then processed asynchronously.
# Checked beside snippets/lab06.cpp by ./looplab test.
import asyncio
import time


def blocking_operation():
    time.sleep(0.3)            # stands in for a library call with no async support
    return "data"


async def ticker(ticks, count):
    for _ in range(count):
        await asyncio.sleep(0.05)
        ticks.append(1)


# snippet: main
async def process_result(result):
    await asyncio.sleep(0)                 # asynchronous work on the result
    print("processed", result)


async def main():
    loop = asyncio.get_running_loop()
    ticks = []
    task = asyncio.create_task(ticker(ticks, 10))
    # Offload the blocking operation to a separate thread
    result = await loop.run_in_executor(None, blocking_operation)
    print("the ticker kept ticking:", "yes" if len(ticks) >= 3 else "no")
    # Process the result asynchronously
    await process_result(result)
    data = await asyncio.to_thread(blocking_operation)   # the same, shorter: the default executor
    print("to_thread gave", data)
    await task                             # the ticker's last ticks
# end snippet


loop = asyncio.new_event_loop()
loop.run_until_complete(main())
loop.close()
