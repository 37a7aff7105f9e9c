# Lab 01 in asyncio: the ready queue runs callbacks in the order they were scheduled.
# TUTORIAL.md shows the part between the snippet markers; ./looplab test runs this file and
# snippets/lab01.cpp and checks that they print the same lines.
import asyncio

# snippet: main
loop = asyncio.new_event_loop()
loop.call_soon(print, "first")
handle = loop.call_soon(print, "never")
handle.cancel()                       # a cancelled callback is skipped
loop.call_soon(print, "second")
loop.call_soon(loop.stop)             # run_forever returns after this iteration
loop.run_forever()                    # prints "first", then "second"
loop.close()
# end snippet
