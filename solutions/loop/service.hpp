// service.hpp: the capstone, an async key-value/quote service on your loop (lab 09).
// Python: asyncio.start_server with one handler coroutine per connection, the blocking database
// call handed to loop.run_in_executor (what aiosqlite does for you):
//
//     async def handle(reader, writer):
//         while line := await reader.readline():
//             reply = await dispatch(parse(line))   # run_in_executor(None, lookup, request)
//             writer.write(reply + b"\n"); await writer.drain()
//     server = await asyncio.start_server(handle, "127.0.0.1", 0)
//
// In looplab:
//
//     looplab::AsioPlatform platform;
//     looplab::EventLoop loop(platform);
//     looplab::Service service(platform, my_blocking_lookup);    // bound to 127.0.0.1, port 0
//     auto server = looplab::create_task(service.serve(), "server");
//     ... clients connect to service.endpoint() ...
//     service.stop();                        // then `server` finishes once every connection has
//
// The parts: serve() accepts connections and gives each a task (run_connection, which runs your
// handle_connection and then closes the socket, however it ended). handle_connection reads
// lines with a LineReader, parses them (line_protocol.hpp), answers each through dispatch and
// writes the reply. dispatch runs the blocking lookup in the service's executor, or on the loop
// thread when Options::lookups_in_executor is false (for the comparison in the demo). stop()
// shuts down gracefully: no new connections, idle connections end, a request in flight still
// gets its reply.
//
// Declaration order: the platform, then the loop, then the service; destroy in reverse.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <asio/ip/tcp.hpp>

#include "asio_platform.hpp"
#include "executor.hpp"
#include "line_protocol.hpp"
#include "not_implemented.hpp"
#include "task.hpp"

namespace looplab {

// One read from a LineReader: a line (without '\n'), a line that was too long (its bytes were
// read and dropped up to its '\n'), or the end: EOF, a socket error, or a cancelled read.
struct Line {
    enum class Status { line, too_long, closed };
    Status status = Status::closed;
    std::string text;
};

// Reads '\n'-terminated lines from a socket with async_read_until, never buffering more than
// max_length + 1 bytes (asyncio: StreamReader.readline with its limit). Kit code.
class LineReader {
  public:
    explicit LineReader(asio::ip::tcp::socket& socket, std::size_t max_length = max_line_length)
        : socket_(&socket), max_length_(max_length) {}
    // The next line. Throws nothing for a socket error: that is Status::closed.
    Task<Line> next();

  private:
    asio::ip::tcp::socket* socket_;
    std::size_t max_length_;
    std::string buffer_;  // bytes read past the last line returned
};

// The reply line (without '\n') to `request`, given what the lookup found (std::nullopt: not
// found; ignored for PING and errors): "PONG", "VALUE v", "QUOTE SYM p", "NOT_FOUND", "ERR ...".
std::string format_reply(const Request& request, const std::optional<std::string>& found);

class Service {
  public:
    // The blocking lookup behind GET and QUOTE: the value, or std::nullopt if there is none.
    // Called on a worker thread of the service's executor (or on the loop thread, see Options).
    using Lookup = std::function<std::optional<std::string>(const Request&)>;

    struct Options {
        bool lookups_in_executor = true;  // false: call the lookup on the loop thread (it stalls)
        std::size_t workers = 4;          // the executor's threads
        asio::ip::address address = asio::ip::address_v4::loopback();
        std::uint16_t port = 0;           // 0: the system picks one; see endpoint()
    };

    // Binds and listens at once, so endpoint() is known before serve() runs.
    Service(AsioPlatform& platform, Lookup lookup, Options options);
    Service(AsioPlatform& platform, Lookup lookup) : Service(platform, std::move(lookup), Options{}) {}
    ~Service();  // closes what is still open; waits for the executor's jobs
    Service(const Service&) = delete;
    Service& operator=(const Service&) = delete;

    asio::ip::tcp::endpoint endpoint() const { return endpoint_; }
    std::uint16_t port() const { return endpoint_.port(); }

    // Accepts connections until stop(), one task per connection; then waits for every
    // connection task to end and joins the executor. Run it as a task on the loop.
    Task<void> serve();

    // Graceful shutdown (call it on the loop thread; a second call does nothing): no new
    // connections, every connection ends after the request it is serving, if any.
    void stop();

    std::size_t connections_accepted() const { return accepted_; }
    // Accepts that failed. When one fails for want of file descriptors or memory, serve() waits
    // accept_retry_delay before it tries again, rather than spinning until a connection closes.
    std::size_t failed_accepts() const { return failed_accepts_; }
    static constexpr Duration accept_retry_delay = std::chrono::milliseconds(100);
    // Connection tasks that have not ended yet.
    std::size_t open_connections() const;
    // What ended connection tasks with an exception (a starter stub, say), for test messages: the
    // first kept_connection_errors of them. connection_error_count() counts them all. Capped because
    // every client that resets its connection before its reply is written adds one: a server must
    // not grow with the number of clients that ever misbehaved (solutions/stress found it).
    const std::vector<std::string>& connection_errors() const { return errors_; }
    std::size_t connection_error_count() const { return error_count_; }
    static constexpr std::size_t kept_connection_errors = 16;
    // Connections the service still holds state for: the open ones, and those that ended since the
    // last accept (each accept drops the ended ones). Bounded by the peak, never by the total.
    std::size_t tracked_connections() const { return connections_.size(); }

  private:
    struct Connection {
        explicit Connection(asio::ip::tcp::socket s) : socket(std::move(s)) {}
        asio::ip::tcp::socket socket;
        std::optional<Task<void>> task;
    };

    // Kit: runs handle_connection, notes what it threw, and closes the socket in any case.
    Task<void> run_connection(Connection* connection);
    // Yours: the connection's read-parse-dispatch-reply loop.
    Task<void> handle_connection(Connection* connection);
    // Yours: the reply to one request, looking it up in the executor or on the loop.
    Task<std::string> dispatch(Request request);

    Lookup lookup_;
    Options options_;
    Executor executor_;
    asio::ip::tcp::acceptor acceptor_;
    asio::ip::tcp::endpoint endpoint_;
    std::list<std::unique_ptr<Connection>> connections_;  // stable addresses for the tasks
    std::size_t accepted_ = 0;
    std::size_t failed_accepts_ = 0;
    std::vector<std::string> errors_;  // at most kept_connection_errors
    std::size_t error_count_ = 0;
    void note_connection_error(std::string what);
    bool stopping_ = false;
};

}  // namespace looplab
