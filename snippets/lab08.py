# Lab 08 in asyncio: gather (results in argument order), gather with return_exceptions (one
# outcome per child), and wait_for (a deadline that cancels). Checked beside snippets/lab08.cpp.
import asyncio


# snippet: main
async def fetch(name, delay):
    await asyncio.sleep(delay)
    if name == "broken":
        raise ValueError("broken page")
    return name


async def main():
    home, profile = await asyncio.gather(fetch("home", 0.05), fetch("profile", 0.02))
    print("gathered:", home, profile)                                    # in argument order
    outcomes = await asyncio.gather(fetch("about", 0.01), fetch("broken", 0.01), return_exceptions=True)
    for outcome in outcomes:
        print("settled:", outcome)                                       # a value, or the exception
    try:
        await asyncio.wait_for(fetch("search", 0.25), timeout=0.15)      # cancelled after 150 ms
    except TimeoutError:
        print("search timed out")
# end snippet


loop = asyncio.new_event_loop()
loop.run_until_complete(main())
loop.close()
