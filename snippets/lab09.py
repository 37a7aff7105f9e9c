# Lab 09 in asyncio: a small line-protocol service on one loop, its blocking database lookups in
# the default executor, and a client on the same loop. Checked beside snippets/lab09.cpp.
import asyncio
import sqlite3

db = sqlite3.connect(":memory:", check_same_thread=False)   # the blocking library
db.executescript("""
    CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT);
    CREATE TABLE quotes (key TEXT PRIMARY KEY, value TEXT);
    INSERT INTO kv VALUES ('greeting', 'hello'), ('answer', '42'), ('loop', 'asyncio');
    INSERT INTO quotes VALUES ('ACME', '101.25'), ('ASIO', '17.50'), ('LOOP', '42.00');
""")


def lookup(command, key):                   # runs on an executor thread
    table = "kv" if command == "GET" else "quotes"
    row = db.execute(f"SELECT value FROM {table} WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def parse_request(line):                    # (command, argument); just enough for this example
    words = line.split(" ")
    if words == ["PING"] or (len(words) == 2 and words[0] in ("GET", "QUOTE")):
        return words[0], words[-1]
    return "ERR", "ERR unknown command"


# snippet: main
async def dispatch(command, argument):
    if command == "PING":
        return "PONG"
    if command == "ERR":
        return argument
    found = await asyncio.get_running_loop().run_in_executor(None, lookup, command, argument)
    if found is None:
        return "NOT_FOUND"
    return f"VALUE {found}" if command == "GET" else f"QUOTE {argument} {found}"


connections = []                            # the handler tasks, so main can wait for them


async def handle(reader, writer):
    connections.append(asyncio.current_task())
    try:
        while line := await reader.readline():
            reply = await dispatch(*parse_request(line.decode().rstrip("\n")))
            writer.write(reply.encode() + b"\n")
            await writer.drain()
    finally:
        writer.close()


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    reader, writer = await asyncio.open_connection(*server.sockets[0].getsockname())
    for request in ["PING", "GET answer", "QUOTE ACME", "GET nothing", "HELLO"]:
        writer.write(request.encode() + b"\n")
        reply = await reader.readline()
        print(request, "->", reply.decode().rstrip("\n"))
    writer.close()                          # the handler reads EOF and ends
    server.close()                          # no new connections
    await asyncio.gather(*connections)      # like serve(): wait until every connection has ended
# end snippet


loop = asyncio.new_event_loop()
loop.run_until_complete(main())
loop.close()
