# Lab 03 in asyncio: a future's done callbacks run as callbacks, and run_until_complete drives
# the loop until the future is done. Checked beside snippets/lab03.cpp by ./looplab test.
import asyncio

# snippet: main
loop = asyncio.new_event_loop()
fut = loop.create_future()
fut.add_done_callback(lambda f: print("done:", f.result()))
loop.call_later(0.1, fut.set_result, 42)
print(loop.run_until_complete(fut))     # "done: 42" (a done callback), then 42
loop.close()
# end snippet
