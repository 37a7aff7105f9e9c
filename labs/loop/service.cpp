// service.cpp: the capstone service (lab 09). The kit's parts: LineReader, format_reply, the
// accept loop (serve) and run_connection. Yours: handle_connection, dispatch, stop.
#include "service.hpp"

#include <cerrno>
#include <exception>
#include <system_error>
#include <utility>

#include <asio/buffer.hpp>
#include <asio/error.hpp>
#include <asio/read_until.hpp>
#include <asio/write.hpp>

#include "event_loop.hpp"
#include "task.hpp"
#include "use_task.hpp"

namespace looplab {

using tcp = asio::ip::tcp;

Task<Line> LineReader::next() {
    bool skipping = false;  // inside a line that was too long: drop bytes up to its '\n'
    while (true) {
        std::size_t line_end = 0;
        std::error_code error;
        try {
            line_end = co_await asio::async_read_until(*socket_, asio::dynamic_buffer(buffer_, max_length_ + 1),
                                                       '\n', use_task);
        } catch (const std::system_error& failure) {
            error = failure.code();
        }
        if (error == asio::error::not_found) {  // the buffer is full and holds no '\n'
            buffer_.clear();
            skipping = true;
            continue;
        }
        if (error) co_return Line{Line::Status::closed, {}};
        std::string text = buffer_.substr(0, line_end - 1);
        buffer_.erase(0, line_end);
        if (skipping || text.size() > max_length_) co_return Line{Line::Status::too_long, {}};
        co_return Line{Line::Status::line, std::move(text)};
    }
}

std::string format_reply(const Request& request, const std::optional<std::string>& found) {
    switch (request.kind) {
        case Request::Kind::ping:
            return "PONG";
        case Request::Kind::error:
            return request.argument;
        case Request::Kind::get:
            return found ? "VALUE " + *found : "NOT_FOUND";
        case Request::Kind::quote:
            return found ? "QUOTE " + request.argument + " " + *found : "NOT_FOUND";
    }
    return "ERR internal error";
}

Service::Service(AsioPlatform& platform, Lookup lookup, Options options)
    : lookup_(std::move(lookup)),
      options_(options),
      executor_(options.workers),
      acceptor_(platform.context(), tcp::endpoint(options.address, options.port)),
      endpoint_(acceptor_.local_endpoint()) {}

Service::~Service() {
    std::error_code ignored;
    acceptor_.close(ignored);
    for (auto& connection : connections_) connection->socket.close(ignored);
}

std::size_t Service::open_connections() const {
    std::size_t open = 0;
    for (const auto& connection : connections_) {
        if (connection->task && !connection->task->done()) ++open;
    }
    return open;
}

namespace {

// Accept errors that say the process or the system has nothing left to accept a connection with.
// (Asio reports them in its own category, which std::errc does not match: compare with its names.)
bool out_of_resources(std::error_code error) {
    return error == asio::error::no_descriptors || error == asio::error::no_buffer_space ||
           error == asio::error::no_memory || error == std::error_code(ENFILE, asio::error::get_system_category());
}

}  // namespace

Task<void> Service::serve() {
    while (!stopping_) {
        std::optional<tcp::socket> peer;
        std::error_code error;
        try {
            peer.emplace(co_await acceptor_.async_accept(use_task));
        } catch (const std::system_error& failure) {
            error = failure.code();
        }
        if (error) {
            if (stopping_ || !acceptor_.is_open()) break;
            ++failed_accepts_;
            // Out of file descriptors (or kernel memory), the next accept would fail at once too,
            // and retrying at once would spin the loop until a connection closes. So pause, as
            // Go's net/http and most servers do: the client waits in the listen backlog meanwhile.
            if (out_of_resources(error)) co_await sleep(accept_retry_delay);
            continue;  // otherwise one failed accept (the client gave up already): go on serving
        }
        connections_.remove_if([](const auto& connection) { return connection->task->done(); });
        auto connection = std::make_unique<Connection>(std::move(*peer));
        ++accepted_;
        connection->task = create_task(run_connection(connection.get()), "connection-" + std::to_string(accepted_));
        connections_.push_back(std::move(connection));
    }
    for (auto& connection : connections_) co_await *connection->task;  // run_connection never fails
    connections_.clear();
    executor_.shutdown(true);  // every lookup has been awaited: this joins idle workers
}

void Service::note_connection_error(std::string what) {
    ++error_count_;
    if (errors_.size() < kept_connection_errors) errors_.push_back(std::move(what));
}

Task<void> Service::run_connection(Connection* connection) {
    try {
        co_await handle_connection(connection);
    } catch (const std::exception& error) {
        note_connection_error(error.what());
    } catch (...) {
        note_connection_error("an unknown exception");
    }
    std::error_code ignored;
    connection->socket.shutdown(tcp::socket::shutdown_both, ignored);
    connection->socket.close(ignored);
}

Task<void> Service::handle_connection(Connection* connection) {
    // TODO(lab 09) Service::handle_connection: until stop() or the end of the stream, read a line with a LineReader, parse it (line_too_long() for an oversized one), await dispatch for the reply and write it with its '\n'. See TUTORIAL.md#lab-09-capstone-an-async-service
    throw looplab::not_implemented{"lab 09: Service::handle_connection"};
    // END TODO(lab 09)
}

Task<std::string> Service::dispatch(Request request) {
    // TODO(lab 09) Service::dispatch: PING and errors need no lookup; otherwise run the blocking lookup with loop.run_in_executor on the service's executor (or call it right here when lookups_in_executor is false) and format the reply. See TUTORIAL.md#lab-09-capstone-an-async-service
    throw looplab::not_implemented{"lab 09: Service::dispatch"};
    // END TODO(lab 09)
}

void Service::stop() {
    // TODO(lab 09) Service::stop: once only: mark the service as stopping, close the acceptor (serve's accept fails and its loop ends), and cancel every connection socket's pending operation (an idle read ends; a lookup in flight still gets its reply). See TUTORIAL.md#lab-09-capstone-an-async-service
    throw looplab::not_implemented{"lab 09: Service::stop"};
    // END TODO(lab 09)
}

}  // namespace looplab
