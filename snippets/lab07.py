# Lab 07 in asyncio: a natively async library on the loop. The echo server and its client share
# one loop and one thread; the loop sleeps in select() until a socket is ready, and its own timers
# still work. Checked beside snippets/lab07.cpp by ./looplab test.
import asyncio


# snippet: main
async def echo(reader, writer):
    line = await reader.readline()
    writer.write(line)
    await writer.drain()
    writer.close()


async def main():
    server = await asyncio.start_server(echo, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"hello\n")
    reply = await reader.readline()          # the loop sleeps in select() until the echo arrives
    print("echoed:", reply.decode().strip())
    await asyncio.sleep(0.1)                 # and its own timers still work
    print("slept 100 ms on the same loop")
    writer.close()
    server.close()
    await server.wait_closed()
# end snippet


loop = asyncio.new_event_loop()
loop.run_until_complete(main())
loop.close()
