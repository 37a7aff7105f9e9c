# Lab 02 in asyncio: timers run in deadline order, whatever order they were scheduled in.
# Checked beside snippets/lab02.cpp by ./looplab test.
import asyncio

# snippet: main
loop = asyncio.new_event_loop()
start = loop.time()
loop.call_later(0.1, print, "after 100 ms")     # relative: loop.time() + 0.1
loop.call_at(start + 0.05, print, "at 50 ms")   # absolute: a deadline on the loop's clock
handle = loop.call_later(0.02, print, "never")
handle.cancel()                                 # stays in the heap, marked cancelled
loop.call_later(0.2, loop.stop)
loop.run_forever()                              # "at 50 ms", then "after 100 ms"
loop.close()
# end snippet
