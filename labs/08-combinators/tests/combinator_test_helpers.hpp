// combinator_test_helpers.hpp: helpers lab 08's tests share; the helpers every lab's tests share are in
// labs/common/testing/loop_test_helpers.hpp.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "event_loop.hpp"
#include "loop_test_helpers.hpp"
#include "timed_journal.hpp"
#include "platform.hpp"
#include "task.hpp"
#include "virtual_platform.hpp"

namespace looplab::testing {

// Runs the loop (run_forever, so that get_running_loop() works in the tasks) until its clock has moved on by
// `span`: a timer at that time stops it. The test can then cancel a task in the middle of its work.
inline void run_for(EventLoop& loop, Duration span) {
    loop.call_later(span, [&loop] { loop.stop(); }, "stop");
    loop.run_forever();
}

// "[1, 2, 3]": a list of numbers in words, for journal entries.
inline std::string listed(const std::vector<int>& values) {
    std::string text = "[";
    for (std::size_t i = 0; i < values.size(); ++i) text += (i == 0 ? "" : ", ") + std::to_string(values[i]);
    return text + "]";
}

// --- Coroutines several tests use. Free functions taking their parameters by value: a coroutine may run
// long after its caller returned, so references (and lambda captures) could dangle. -------------------------

// Sleeps for `delay`, then returns `value`. A CancelledError is noted and let go on up (the task ends cancelled).
inline Task<int> worker(TimedJournal* journal, std::string name, Duration delay, int value) {
    journal->at(name + " starts");
    try {
        co_await sleep(delay);
    } catch (const CancelledError& error) {
        journal->at(name + " caught CancelledError: " + error.what());
        throw;
    }
    journal->at(name + " returns " + std::to_string(value));
    co_return value;
}

// Sleeps for `delay`, then throws ParseError(message).
inline Task<int> failer(TimedJournal* journal, std::string name, Duration delay, std::string message) {
    co_await sleep(delay);
    journal->at(name + " throws ParseError(\"" + message + "\")");
    throw ParseError(message);
    co_return 0;
}

// Sleeps for `delay`; when cancelled, cleans up for `cleanup` (another sleep) and only then ends cancelled,
// or, with `shrug_off_with`, returns that value instead.
inline Task<int> slow_to_cancel(TimedJournal* journal, std::string name, Duration delay, Duration cleanup,
                                std::optional<int> shrug_off_with = std::nullopt) {
    journal->at(name + " starts");
    std::string cancelled;
    try {
        co_await sleep(delay);
    } catch (const CancelledError& error) {
        cancelled = error.what();  // (co_await is not allowed inside a catch block)
    }
    if (cancelled.empty()) {
        journal->at(name + " returns 1");
        co_return 1;
    }
    journal->at(name + " caught CancelledError: " + cancelled + ", cleans up for " + in_words(cleanup));
    co_await sleep(cleanup);
    if (shrug_off_with) {
        journal->at(name + " cleaned up and returns " + std::to_string(*shrug_off_with));
        co_return *shrug_off_with;
    }
    journal->at(name + " cleaned up and ends cancelled");
    throw CancelledError(cancelled);
    co_return 0;
}

inline Task<int> answer(TimedJournal* journal) {
    journal->at("answer() runs");
    co_return 42;
}

}  // namespace looplab::testing
