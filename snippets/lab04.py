# Lab 04 in asyncio: coroutines as tasks. create_task() starts a task of its own; awaiting a
# coroutine directly runs it inside the awaiting task. Checked beside snippets/lab04.cpp.
import asyncio


# snippet: main
async def worker(name, pause):
    await asyncio.sleep(pause)
    print(name, "woke up")
    return name


async def main():
    t = asyncio.create_task(worker("a", 0.1))   # a task of its own: first step in the next iteration
    b = await worker("b", 0.05)                 # awaited inline: part of main's task
    a = await t
    return a + b


loop = asyncio.new_event_loop()
print(loop.run_until_complete(main()))          # "b woke up", "a woke up", then "ab"
loop.close()
# end snippet
