// Lab 08 specification, part 3: wait_for. The task's result if it is done in time; otherwise the task is
// cancelled, waited for, and TimeoutError is thrown. A timeout <= 0 never lets a coroutine start; cancelling the
// awaiting task cancels the inner one (CPython's test_waitfor.py: test_wait_for, test_wait_for_with_global_loop,
// test_wait_for_timeout_less_then_0_or_0_future_done, ..._coroutine_do_not_started, test_wait_for_waits_for_task_
// cancellation, test_wait_for_cancellation_race_condition, test_wait_for_reraises_exception_during_cancellation,
// test_cancel_blocking_wait_for, test_cancel_wait_for). See labs/08-combinators/README.md and
// TUTORIAL.md#lab-08-combinators-and-cancellation.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "combinator_test_helpers.hpp"
#include "combinators.hpp"
#include "looplab_catch.hpp"
#include "loop_test_helpers.hpp"
#include "task.hpp"
#include "virtual_platform.hpp"

using namespace looplab::testing;  // TimedJournal, worker, failer, slow_to_cancel, run_for: combinator_test_helpers.hpp
using namespace std::chrono_literals;

namespace {

// --- The tests' coroutines. Free functions taking their parameters by value: a coroutine may run long
// after its caller returned, so references (and lambda captures) could dangle. ---------------------------

// Awaits wait_for(inner, timeout) and notes what came of it: the value, a TimeoutError, or a CancelledError
// (which it lets go on up).
looplab::Task<int> waits(TimedJournal* journal, looplab::Task<int> inner, std::optional<looplab::Duration> timeout) {
    int value = -1;
    try {
        value = co_await looplab::wait_for(inner, timeout);
    } catch (const looplab::TimeoutError& error) {
        journal->at(std::string("main caught TimeoutError: ") + error.what());
        co_return -1;
    } catch (const looplab::CancelledError& error) {
        journal->at(std::string("main caught CancelledError: ") + error.what());
        throw;
    }
    journal->at("main got " + std::to_string(value));
    co_return value;
}

// An inline coroutine in between: main -> middle -> wait_for -> inner.
looplab::Task<int> middle(TimedJournal* journal, looplab::Task<int> inner) {
    try {
        co_return co_await looplab::wait_for(inner, 1h);
    } catch (const looplab::CancelledError& error) {
        journal->at(std::string("middle caught CancelledError: ") + error.what());
        throw;
    }
}

looplab::Task<int> outer(TimedJournal* journal, looplab::Task<int> inner) {
    try {
        co_return co_await middle(journal, inner);
    } catch (const looplab::CancelledError& error) {
        journal->at(std::string("outer caught CancelledError: ") + error.what());
        throw;
    }
}

looplab::Task<int> notes_then_answers(TimedJournal* journal) {
    journal->note("inner runs");
    co_return 42;
}

looplab::Task<int> awaits_without_timeout(TimedJournal* journal) {
    journal->note("main awaits wait_for(inner, std::nullopt)");
    const int value = co_await looplab::wait_for(notes_then_answers(journal), std::nullopt);
    journal->note("main got " + std::to_string(value));
    co_return value;
}

}  // namespace

TEST_CASE("wait_for returns the result of a task that finishes in time", "[lab08][wait_for]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    TimedJournal journal{platform};

    INFO("main awaits wait_for(inner, 1s); inner returns 7 after 10 ms (CPython's test_wait_for).");
    const int value = looplab::run_until_complete(loop, waits(&journal, worker(&journal, "inner", 10ms, 7), 1s));
    REQUIRE(value == 7);
    REQUIRE(journal.entries ==
            std::vector<std::string>{"t=0ms inner starts", "t=10ms inner returns 7", "t=10ms main got 7"});
}

TEST_CASE("wait_for cancels its timer when the task finishes in time, so the loop never wakes for it",
          "[lab08][wait_for]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    TimedJournal journal{platform};

    INFO("main awaits wait_for(inner, 1h); inner returns 7 after 10 ms; then the test runs a 2 h sleep. The timeout "
         "timer must be cancelled however wait_for ends (Python's finally: timeout_handle.cancel()), or the loop "
         "wakes for it at t=1h.");
    looplab::run_until_complete(loop, waits(&journal, worker(&journal, "inner", 10ms, 7), 1h));
    const std::size_t timers_after = loop.timer_count();
    looplab::run_until_complete(loop, looplab::sleep(2h));
    CAPTURE(timers_after);
    REQUIRE(timers_after == 0);
    REQUIRE(waits_that_slept(platform.waits) == std::vector<std::string>{"10000000ns", "7200000000000ns"});
}

TEST_CASE("wait_for without a timeout is a plain co_await: the coroutine runs inline in the awaiting task",
          "[lab08][wait_for]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    TimedJournal journal{platform};

    INFO("main awaits wait_for(inner(), std::nullopt) (asyncio: wait_for(aw, None) is `await aw`). No task, no "
         "timer: inner runs in main's own step, iteration 1.");
    const int value = looplab::run_until_complete(loop, awaits_without_timeout(&journal));
    REQUIRE(value == 42);
    REQUIRE(journal.entries == std::vector<std::string>{"iteration 1: main awaits wait_for(inner, std::nullopt)",
                                                        "iteration 1: inner runs", "iteration 1: main got 42"});
    REQUIRE(loop.timer_count() == 0);
}

TEST_CASE("on timeout wait_for cancels the inner task and throws TimeoutError", "[lab08][wait_for][cancel_and_wait]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    TimedJournal journal{platform};

    INFO("main awaits wait_for(inner, 10ms); inner sleeps for 1 h (CPython's test_wait_for_timeout).");
    looplab::Task<int> inner = worker(&journal, "inner", 1h, 7);
    const int value = looplab::run_until_complete(loop, waits(&journal, inner, 10ms));

    REQUIRE(value == -1);
    REQUIRE(journal.entries == std::vector<std::string>{"t=0ms inner starts", "t=10ms inner caught CancelledError: cancelled",
                                                        "t=10ms main caught TimeoutError: timed out"});
    REQUIRE(inner.cancelled());
    REQUIRE(waits_that_slept(platform.waits) == std::vector<std::string>{"10000000ns"});
}

TEST_CASE("on timeout wait_for waits until the cancelled task has finished its cleanup before throwing TimeoutError",
          "[lab08][cancel_and_wait]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    TimedJournal journal{platform};

    INFO("main awaits wait_for(inner, 10ms); inner sleeps for 1 h, and when cancelled cleans up for 5 ms (another "
         "sleep) before it ends cancelled (CPython's test_wait_for_waits_for_task_cancellation). TimeoutError must "
         "come after the cleanup, at t=15ms, not at t=10ms.");
    looplab::Task<int> inner = slow_to_cancel(&journal, "inner", 1h, 5ms);
    looplab::run_until_complete(loop, waits(&journal, inner, 10ms));

    REQUIRE(journal.entries ==
            std::vector<std::string>{"t=0ms inner starts", "t=10ms inner caught CancelledError: cancelled, cleans up for 5ms",
                                     "t=15ms inner cleaned up and ends cancelled",
                                     "t=15ms main caught TimeoutError: timed out"});
    REQUIRE(inner.cancelled());
}

TEST_CASE("an inner task that shrugs off the cancel at the timeout makes wait_for return its value",
          "[lab08][cancel_and_wait][wait_for]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    TimedJournal journal{platform};

    INFO("main awaits wait_for(inner, 10ms); inner sleeps for 1 h, and when cancelled cleans up for 5 ms and then "
         "returns 99 instead of ending cancelled. The task was not cancelled in the end, so there is a result to "
         "give: wait_for returns it (asyncio does the same) instead of throwing TimeoutError.");
    looplab::Task<int> inner = slow_to_cancel(&journal, "inner", 1h, 5ms, 99);
    const int value = looplab::run_until_complete(loop, waits(&journal, inner, 10ms));

    REQUIRE(value == 99);
    REQUIRE(journal.entries.back() == "t=15ms main got 99");
    REQUIRE_FALSE(inner.cancelled());
}

TEST_CASE("an exception from the inner task comes out of wait_for unchanged", "[lab08][wait_for]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    TimedJournal journal{platform};

    INFO("run_until_complete(loop, wait_for(inner, 1s)); inner throws ParseError(\"bad input\") after 10 ms.");
    const std::string thrown = what_thrown_as<ParseError>(
        [&] { looplab::run_until_complete(loop, looplab::wait_for(failer(&journal, "inner", 10ms, "bad input"), 1s)); });
    REQUIRE(thrown == "bad input");
    REQUIRE(loop.timer_count() == 0);
}

TEST_CASE("wait_for with timeout 0 returns the result of a task that is already done", "[lab08][wait_for]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    TimedJournal journal{platform};

    INFO("inner was made a task and ran to its end (it returned 7). Then main awaits wait_for(inner, 0ms) (CPython's "
         "test_wait_for_timeout_less_then_0_or_0_future_done).");
    looplab::Task<int> inner = looplab::create_task(worker(&journal, "inner", 1ms, 7));
    looplab::run_until_complete(loop, inner);
    const int value = looplab::run_until_complete(loop, waits(&journal, inner, 0ms));
    REQUIRE(value == 7);
    REQUIRE(journal.entries.back() == "t=1ms main got 7");
}

TEST_CASE("wait_for with timeout 0 cancels a coroutine that never started, so it never runs, and throws TimeoutError",
          "[lab08][wait_for][cancel_and_wait]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    TimedJournal journal{platform};

    INFO("main awaits wait_for(answer(), 0ms), where answer() would note \"answer() runs\" (CPython's "
         "test_wait_for_timeout_less_then_0_or_0_coroutine_do_not_started). The task is cancelled before its first "
         "step, so not one line of it runs.");
    looplab::Task<int> inner = answer(&journal);
    looplab::run_until_complete(loop, waits(&journal, inner, 0ms));
    REQUIRE(journal.entries == std::vector<std::string>{"t=0ms main caught TimeoutError: timed out"});
    REQUIRE(inner.cancelled());
}

TEST_CASE("wait_for with a negative timeout behaves like timeout 0", "[lab08][wait_for]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    TimedJournal journal{platform};

    INFO("main awaits wait_for(answer(), -5ms); then wait_for(done, -5ms) of a task that already returned 7.");
    looplab::Task<int> never = answer(&journal);
    looplab::run_until_complete(loop, waits(&journal, never, -5ms));
    looplab::Task<int> done = looplab::create_task(worker(&journal, "done", 1ms, 7));
    looplab::run_until_complete(loop, done);
    const int value = looplab::run_until_complete(loop, waits(&journal, done, -5ms));

    REQUIRE(never.cancelled());
    REQUIRE(value == 7);
    REQUIRE(journal.entries == std::vector<std::string>{"t=0ms main caught TimeoutError: timed out", "t=0ms done starts",
                                                        "t=1ms done returns 7", "t=1ms main got 7"});
}

TEST_CASE("wait_for with timeout 0 rethrows the exception of a task that already failed", "[lab08][wait_for]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    TimedJournal journal{platform};

    INFO("inner was made a task and failed with ParseError(\"bad input\"); then run_until_complete(loop, "
         "wait_for(inner, 0ms)).");
    looplab::Task<int> inner = looplab::create_task(failer(&journal, "inner", 1ms, "bad input"));
    what_thrown_as<ParseError>([&] { looplab::run_until_complete(loop, inner); });
    const std::string thrown =
        what_thrown_as<ParseError>([&] { looplab::run_until_complete(loop, looplab::wait_for(inner, 0ms)); });
    REQUIRE(thrown == "bad input");
}

TEST_CASE("cancelling the task that awaits wait_for cancels the inner task and waits for it to finish",
          "[lab08][wait_for][cancel_and_wait]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    TimedJournal journal{platform};

    INFO("main awaits wait_for(inner, 1h); inner sleeps for 1 h and cleans up for 5 ms when cancelled. At t=5ms the "
         "test calls main.cancel(\"shutting down\") (CPython's test_cancel_wait_for). main must get CancelledError "
         "(not TimeoutError: it was cancelled, nothing timed out), and only after inner's cleanup.");
    looplab::Task<int> inner = slow_to_cancel(&journal, "inner", 1h, 5ms);
    looplab::Task<int> main_task = looplab::create_task(waits(&journal, inner, 1h));
    run_for(loop, 5ms);
    const bool accepted = main_task.cancel("shutting down");
    const std::string thrown =
        what_thrown_as<looplab::CancelledError>([&] { looplab::run_until_complete(loop, main_task); });
    CAPTURE(accepted, thrown);

    SECTION("inner got the cancel, cleaned up, and only then main got CancelledError") {
        REQUIRE(accepted);
        REQUIRE(journal.entries ==
                std::vector<std::string>{"t=0ms inner starts",
                                         "t=5ms inner caught CancelledError: shutting down, cleans up for 5ms",
                                         "t=10ms inner cleaned up and ends cancelled",
                                         "t=10ms main caught CancelledError: shutting down"});
    }
    SECTION("both end cancelled, and the timeout timer is gone") {
        REQUIRE(inner.cancelled());
        REQUIRE(main_task.cancelled());
        REQUIRE(thrown == "shutting down");
        REQUIRE(loop.timer_count() == 0);
    }
}

TEST_CASE("cancellation propagates through nested awaits down to the task inside wait_for", "[lab08][wait_for]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    TimedJournal journal{platform};

    INFO("outer co_awaits middle() inline, which co_awaits wait_for(inner, 1h); inner sleeps for 1 h. At t=5ms the "
         "test calls outer.cancel(\"stop\"). The cancel reaches the future outer's task waits for (wait_for's), then "
         "inner, and the CancelledError travels back up through middle and outer.");
    looplab::Task<int> inner = worker(&journal, "inner", 1h, 1);
    looplab::Task<int> outer_task = looplab::create_task(outer(&journal, inner));
    run_for(loop, 5ms);
    outer_task.cancel("stop");
    const std::string thrown =
        what_thrown_as<looplab::CancelledError>([&] { looplab::run_until_complete(loop, outer_task); });
    CAPTURE(thrown);

    REQUIRE(journal.entries == std::vector<std::string>{"t=0ms inner starts", "t=5ms inner caught CancelledError: stop",
                                                        "t=5ms middle caught CancelledError: stop",
                                                        "t=5ms outer caught CancelledError: stop"});
    REQUIRE(inner.cancelled());
    REQUIRE(outer_task.cancelled());
    REQUIRE(thrown == "stop");
}
