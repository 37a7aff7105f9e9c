// loop_test_helpers.hpp: small helpers the labs' tests share. Tests record what happened in a
// vector and compare whole vectors, so a failure shows the full story, e.g.
// { "A", "C" } == { "A", "B", "C" }.
#pragma once

#include <chrono>
#include <exception>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "event_loop.hpp"

namespace looplab::testing {

// A callback that appends `entry` to `log` when it runs.
inline std::function<void()> record(std::vector<std::string>& log, std::string entry) {
    return [&log, entry = std::move(entry)] { log.push_back(entry); };
}

// Schedules a callback that stops the loop, so the test's run_forever returns.
inline void schedule_stop(EventLoop& loop) {
    loop.call_soon([&loop] { loop.stop(); }, "stop");
}

// The what() of the exception `action` throws, or "(nothing was thrown)".
inline std::string what_thrown(const std::function<void()>& action) {
    try {
        action();
    } catch (const std::exception& error) {
        return error.what();
    }
    return "(nothing was thrown)";
}

// The what() of the `Error` that `action` throws, or "(nothing was thrown)"; others pass through.
template <class Error>
std::string what_thrown_as(const std::function<void()>& action) {
    try {
        action();
    } catch (const Error& error) {
        return error.what();
    }
    return "(nothing was thrown)";
}

// The what() of the exception inside `error`, or a description of what it holds instead.
inline std::string what_of(const std::exception_ptr& error) {
    if (!error) return "(null exception_ptr)";
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& exception) {
        return exception.what();
    } catch (...) {
        return "(not a std::exception)";
    }
}

inline bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// The wait steps the loop asked the platform for, in words: "poll" (timeout 0: check for
// events, do not block), "until woken" (no deadline), or "<n>ns".
inline std::vector<std::string> describe_waits(const std::vector<std::optional<Duration>>& waits) {
    std::vector<std::string> described;
    for (const auto& timeout : waits) {
        if (!timeout) {
            described.push_back("until woken");
        } else if (*timeout == Duration::zero()) {
            described.push_back("poll");
        } else {
            described.push_back(std::to_string(timeout->count()) + "ns");
        }
    }
    return described;
}

// A duration in the largest unit that divides it exactly: "10ms", "2s", "48h", "1ns".
inline std::string in_words(Duration duration) {
    using namespace std::chrono_literals;
    if (duration == Duration::zero()) return "0ms";
    if (duration % 1h == Duration::zero()) return std::to_string(duration / 1h) + "h";
    if (duration % 1s == Duration::zero()) return std::to_string(duration / 1s) + "s";
    if (duration % 1ms == Duration::zero()) return std::to_string(duration / 1ms) + "ms";
    return std::to_string(duration.count()) + "ns";
}

// The tests' own exception type, so a test can tell what it set or threw from what the loop throws.
class ParseError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Sets an exception handler on `loop` that keeps every context it is given in `reports`.
inline void collect_reports(EventLoop& loop, std::vector<ExceptionContext>& reports) {
    loop.set_exception_handler(
        [&reports](EventLoop&, const ExceptionContext& context) { reports.push_back(context); });
}

// The reports' messages, in order, so a test can compare the whole list.
inline std::vector<std::string> messages(const std::vector<ExceptionContext>& reports) {
    std::vector<std::string> texts;
    for (const auto& report : reports) texts.push_back(report.message);
    return texts;
}

}  // namespace looplab::testing
