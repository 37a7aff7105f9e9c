// service_test_helpers.hpp: helpers lab 09's tests share; lab 07's asio_test_helpers.hpp (run_until_done,
// outcome_of, safety_limit) and labs/common/testing/loop_test_helpers.hpp are shared too. The tests run a real
// Service on a real AsioPlatform, clients on the same loop over loopback TCP (port 0), and never sleep: every wait
// is for an event (a reply, an EOF, a task's end), bounded by the 2 s safety timer.
//
// Declaration order in the tests: the platform, the loop, the gates a lookup blocks on, then the service; they are
// destroyed the other way round, so a worker blocked on a gate is released (Gate's destructor) before the
// service's executor joins it.
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <asio/buffer.hpp>
#include <asio/error.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read_until.hpp>
#include <asio/write.hpp>

#include "../../07-asio/tests/asio_test_helpers.hpp"
#include "event_loop.hpp"
#include "service.hpp"
#include "task.hpp"
#include "use_task.hpp"

namespace looplab::testing {

using tcp = asio::ip::tcp;

// A gate a worker thread blocks on until the test opens it (a latch that may be opened twice).
class Gate {
  public:
    ~Gate() { open(); }
    void open() {
        {
            std::lock_guard lock(mutex_);
            open_ = true;
        }
        changed_.notify_all();
    }
    void wait() {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [this] { return open_; });
    }

  private:
    std::mutex mutex_;
    std::condition_variable changed_;
    bool open_ = false;
};

// A lookup over fixed tables: GET looks in `values`, QUOTE in `quotes`.
inline Service::Lookup table_lookup(std::map<std::string, std::string> values,
                                    std::map<std::string, std::string> quotes) {
    return [values = std::move(values), quotes = std::move(quotes)](const Request& request) {
        const auto& table = request.kind == Request::Kind::quote ? quotes : values;
        auto found = table.find(request.argument);
        return found == table.end() ? std::nullopt : std::optional<std::string>(found->second);
    };
}

inline Service::Lookup small_tables() {
    return table_lookup({{"greeting", "hello"}, {"answer", "42"}}, {{"ACME", "101.25"}});
}

// A client: connects, sends `request` in one write, reads `replies` lines and returns them (without '\n'). With
// `then_until_eof`, it then reads on until the server closes, and adds "(server closed)" to what it returns.
inline Task<std::vector<std::string>> exchange(asio::io_context::executor_type executor, tcp::endpoint server,
                                               std::string request, int replies, bool then_until_eof = false) {
    tcp::socket socket(executor);
    co_await socket.async_connect(server, use_task);
    co_await asio::async_write(socket, asio::buffer(request), use_task);
    std::vector<std::string> got;
    std::string buffer;
    for (int i = 0; i < replies; ++i) {
        const std::size_t end = co_await asio::async_read_until(socket, asio::dynamic_buffer(buffer), '\n', use_task);
        got.push_back(buffer.substr(0, end - 1));
        buffer.erase(0, end);
    }
    if (then_until_eof) {
        std::error_code error;
        try {
            co_await asio::async_read_until(socket, asio::dynamic_buffer(buffer), '\n', use_task);
        } catch (const std::system_error& failure) {
            error = failure.code();
        }
        got.push_back(error == asio::error::eof ? "(server closed)" : "(no eof: " + error.message() + ")");
    }
    co_return got;
}

// Runs the loop until `wanted` is done, or `server` ended early (a failing server ends a test at once), or the
// safety timer fires. Returns whether `wanted` is done.
template <class T>
bool run_until_done_or_server_ends(EventLoop& loop, Future<T> wanted, Future<void> server) {
    TimerHandle safety = loop.call_later(safety_limit, [&loop] { loop.stop(); }, "safety timer");
    const CallbackId a = wanted.add_done_callback([&loop](Future<T>&) { loop.stop(); });
    const CallbackId b = server.add_done_callback([&loop](Future<void>&) { loop.stop(); });
    loop.run_forever();
    safety.cancel();
    wanted.remove_done_callback(a);
    server.remove_done_callback(b);
    return wanted.done();
}

// A task that ends once `condition()` holds, checking once per loop iteration.
inline Task<void> until(std::function<bool()> condition) {
    while (!condition()) co_await yield_now();
}

// The end of every service test: stop the service and wait for serve() to end (every connection task with it).
inline bool stop_and_wait(EventLoop& loop, Service& service, Future<void> server) {
    service.stop();
    return run_until_done(loop, server);
}

// The replies, one per line, for INFO messages.
inline std::string lines_of(const Future<std::vector<std::string>>& client) {
    if (!client.done() || client.exception() || client.cancelled()) return outcome_of(client);
    std::string text;
    for (const std::string& line : client.result()) text += "\n  " + line;
    return text;
}

}  // namespace looplab::testing
