// Lab 04 specification, part 4: cancelling a task. cancel() cancels the future the task waits for, or has
// CancelledError thrown where the coroutine next resumes; the coroutine may catch it (CPython's test_task_cancel_*,
// test_cancel_yield, test_cancel_inner_future, test_cancel_both_task_and_inner_future, test_cancel_current_task,
// test_cancel_at_end, test_sleep_cancel). See labs/04-tasks/README.md and TUTORIAL.md#lab-04-coroutine-tasks.
#include <chrono>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "looplab_catch.hpp"
#include "loop_test_helpers.hpp"
#include "task.hpp"
#include "task_test_helpers.hpp"
#include "virtual_platform.hpp"

using namespace looplab::testing;  // describe_waits, what_of, ...: loop_test_helpers.hpp
using namespace std::chrono_literals;

namespace {

// The journal these tests read: entries stamped with the virtual time or the loop iteration
// (task_test_helpers.hpp).
using Journal = TimedJournal;

// Runs the loop (run_forever, so that get_running_loop() works in the tasks) until its clock has moved on
// by `span`: a timer at that time stops it. The test can then cancel a task that is in the middle of a sleep.
void run_for(looplab::EventLoop& loop, looplab::Duration span) {
    loop.call_later(span, [&loop] { loop.stop(); }, "stop");
    loop.run_forever();
}

// Runs the loop (run_forever) for exactly `count` iterations.
void run_iterations(looplab::EventLoop& loop, int count) {
    struct Countdown {
        static void schedule(looplab::EventLoop& loop, int left) {
            loop.call_soon([&loop, left] {
                if (left == 1) {
                    loop.stop();
                } else {
                    schedule(loop, left - 1);
                }
            }, "countdown");
        }
    };
    Countdown::schedule(loop, count);
    loop.run_forever();
}

// --- The tests' coroutines. Free functions taking their parameters by value: a coroutine may run long
// after its caller returned, so references (and lambda captures) could dangle. ---------------------------

// Sleeps; if CancelledError arrives, notes it and lets it go on up (so the task ends cancelled).
looplab::Task<void> sleeper(Journal* journal, std::string name, looplab::Duration delay) {
    journal->at(name + " starts sleeping for " + in_words(delay));
    try {
        co_await looplab::sleep(delay);
    } catch (const looplab::CancelledError& error) {
        journal->at(name + " caught CancelledError: " + error.what());
        throw;
    }
    journal->at(name + " wakes");
}

// Catches CancelledError and goes on: sleeps another millisecond, then returns 7.
looplab::Task<int> shrugs_off_cancel(Journal* journal) {
    journal->at("starts sleeping for 10s");
    bool cancelled = false;
    try {
        co_await looplab::sleep(10s);
    } catch (const looplab::CancelledError& error) {
        journal->at(std::string("caught CancelledError: ") + error.what());
        cancelled = true;  // (co_await is not allowed inside a catch block)
    }
    if (cancelled) {
        co_await looplab::sleep(1ms);
        journal->at("goes on after another 1 ms sleep and returns 7");
    }
    co_return 7;
}

looplab::Task<int> answer(Journal* journal) {
    journal->note("answer() runs");
    co_return 42;
}

looplab::Task<int> fails(Journal* journal) {
    journal->note("fails() throws ParseError");
    throw ParseError("unexpected end of input");
    co_return 0;
}

looplab::Task<int> yields_twice(Journal* journal) {
    journal->note("first step, then sleep(0)");
    try {
        co_await looplab::sleep(0ms);
        journal->note("second step, then sleep(0) again");
        co_await looplab::sleep(0ms);
    } catch (const looplab::CancelledError& error) {
        journal->note(std::string("caught CancelledError: ") + error.what());
        throw;
    }
    journal->note("third step returns 12");
    co_return 12;
}

// Catches the CancelledError of a cancelled sleep(0), then awaits `later` and returns its value.
looplab::Task<int> shrugs_at_yield_then_awaits(Journal* journal, looplab::Future<int> later) {
    try {
        co_await looplab::sleep(0ms);
    } catch (const looplab::CancelledError&) {
        journal->note("caught CancelledError at sleep(0), going on");
    }
    int value = co_await later;
    journal->note("got " + std::to_string(value));
    co_return value;
}

looplab::Task<int> awaits_future(Journal* journal, looplab::Future<int> future) {
    journal->note("task awaits the future");
    int value = 0;
    try {
        value = co_await future;
    } catch (const looplab::CancelledError& error) {
        journal->note(std::string("task caught CancelledError: ") + error.what());
        throw;
    }
    journal->note("task got " + std::to_string(value));
    co_return value;
}

looplab::Task<void> awaits_task(Journal* journal, looplab::Task<void> inner) {
    journal->at("outer awaits the inner task");
    try {
        co_await inner;
    } catch (const looplab::CancelledError& error) {
        journal->at(std::string("outer caught CancelledError: ") + error.what());
        throw;
    }
    journal->at("outer goes on");
}

// Cancels its own task, then returns without awaiting anything (CPython's test_cancel_at_end).
looplab::Task<int> cancels_itself_then_returns(Journal* journal, looplab::Task<int>* self) {
    const bool accepted = self->cancel("cancelled itself");
    journal->note(std::string("cancel() returned ") + (accepted ? "true" : "false") + ", then co_return 12");
    co_return 12;
}

// Cancels its own task, then sleeps for an hour (CPython's test_cancel_current_task).
looplab::Task<int> cancels_itself_then_sleeps(Journal* journal, looplab::Task<int>* self) {
    self->cancel("cancelled itself");
    journal->at("cancelled itself, then sleeps for 1h");
    try {
        co_await looplab::sleep(1h);
    } catch (const looplab::CancelledError& error) {
        journal->at(std::string("caught CancelledError: ") + error.what());
        throw;
    }
    journal->at("woke up (it must not: it was cancelled)");
    co_return 12;
}

}  // namespace

TEST_CASE("cancel() returns false and changes nothing once the task is done", "[lab04][cancel]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    Journal journal{platform};

    SECTION("a task that returned 42: cancel() is false") {
        INFO("run_until_complete(loop, a task that returns 42), then task.cancel(\"too late\").");
        looplab::Task<int> task = answer(&journal);
        looplab::run_until_complete(loop, task);
        REQUIRE_FALSE(task.cancel("too late"));
    }
    SECTION("a task that returned 42: after cancel(), it is still not cancelled and its result is still 42") {
        INFO("run_until_complete(loop, a task that returns 42), then task.cancel(\"too late\"). A done task stays "
             "as it ended.");
        looplab::Task<int> task = answer(&journal);
        looplab::run_until_complete(loop, task);
        task.cancel("too late");
        REQUIRE_FALSE(task.cancelled());
        REQUIRE(task.result() == 42);
    }
    SECTION("a task that failed: cancel() is false and it keeps its exception") {
        INFO("run_until_complete(loop, a task that throws ParseError(\"unexpected end of input\")), then "
             "task.cancel(\"too late\").");
        looplab::Task<int> task = fails(&journal);
        const std::string thrown = what_thrown_as<ParseError>([&] { looplab::run_until_complete(loop, task); });
        CAPTURE(thrown);
        REQUIRE_FALSE(task.cancel("too late"));
        REQUIRE_FALSE(task.cancelled());
        REQUIRE(what_of(task.exception()) == "unexpected end of input");
    }
}

TEST_CASE("cancelling a sleeping task throws CancelledError with the message where it sleeps",
          "[lab04][cancel][sleep][step]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    Journal journal{platform};

    INFO("A task sleeps for 10 s; its coroutine notes a CancelledError and rethrows it. The loop ran until t=5ms; "
         "then task.cancel(\"stop sleeping\") was called, and run_until_complete(loop, task).");
    looplab::Task<void> task = looplab::create_task(sleeper(&journal, "sleeper", 10s));
    run_for(loop, 5ms);
    const bool accepted = task.cancel("stop sleeping");
    const bool cancelled_at_once = task.cancelled();
    const std::string thrown =
        what_thrown_as<looplab::CancelledError>([&] { looplab::run_until_complete(loop, task); });
    CAPTURE(accepted, cancelled_at_once, thrown);

    SECTION("cancel() returns true, but the task is not cancelled yet") {
        INFO("cancel() only asks: it cancels the future the task waits for (the sleep's), and the task ends "
             "cancelled only once its coroutine has let the CancelledError out, in a later step.");
        REQUIRE(accepted);
        REQUIRE_FALSE(cancelled_at_once);
    }
    SECTION("the coroutine gets CancelledError(\"stop sleeping\") at its co_await, at t=5ms") {
        INFO("Cancelling the sleep's future schedules its done callback, the task's next step: the task wakes at "
             "t=5ms, not at t=10s.");
        REQUIRE(journal.entries == std::vector<std::string>{"t=0ms sleeper starts sleeping for 10s",
                                                            "t=5ms sleeper caught CancelledError: stop sleeping"});
    }
    SECTION("the task ends cancelled, and run_until_complete throws CancelledError(\"stop sleeping\")") {
        REQUIRE(task.cancelled());
        REQUIRE(thrown == "stop sleeping");
    }
}

TEST_CASE("cancelling a sleeping task cancels the timer of its sleep", "[lab04][cancel][sleep]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    Journal journal{platform};

    INFO("A task sleeps for 10 s. The loop ran until t=5ms; then task.cancel(\"stop sleeping\") and "
         "run_until_complete(loop, task) were called. Then a second task slept for 20 s.");
    looplab::Task<void> task = looplab::create_task(sleeper(&journal, "sleeper", 10s));
    run_for(loop, 5ms);
    const std::size_t timers_before_cancel = loop.timer_count();
    task.cancel("stop sleeping");
    const std::string thrown =
        what_thrown_as<looplab::CancelledError>([&] { looplab::run_until_complete(loop, task); });
    const std::size_t timers_after_cancel = loop.timer_count();
    CAPTURE(thrown, timers_before_cancel, timers_after_cancel);
    looplab::run_until_complete(loop, sleeper(&journal, "second sleeper", 20s));

    SECTION("the sleep's timer left the heap: timer_count() went from 1 to 0") {
        INFO("sleep must cancel its timer however its wait ends (Python's try/finally: h.cancel()); a ScopeExit "
             "does that in C++. The loop then drops the cancelled timer from the heap.");
        REQUIRE(timers_before_cancel == 1);
        REQUIRE(timers_after_cancel == 0);
    }
    SECTION("the loop never woke at the old deadline, t=10s: the second task's 20 s sleep was one wait") {
        INFO("The waits that blocked: until t=5ms, then the second sleep. A timer left in the heap would cut that "
             "wait in two at t=10s.");
        REQUIRE(waits_that_slept(platform.waits) == std::vector<std::string>{"5000000ns", "20000000000ns"});
        REQUIRE(journal.entries.back() == "t=20005ms second sleeper wakes");
    }
}

TEST_CASE("a coroutine may catch CancelledError and go on: its task then finishes normally",
          "[lab04][cancel][step][finish_from_coroutine]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    Journal journal{platform};

    INFO("A task sleeps for 10 s; its coroutine catches CancelledError, sleeps another 1 ms, and returns 7. The loop "
         "ran until t=5ms; then task.cancel(\"please stop\") and run_until_complete(loop, task) were called.");
    looplab::Task<int> task = looplab::create_task(shrugs_off_cancel(&journal));
    run_for(loop, 5ms);
    task.cancel("please stop");
    const int result = looplab::run_until_complete(loop, task);

    SECTION("it caught CancelledError at t=5ms, then its next sleep ran in full") {
        INFO("The cancel was delivered once; nothing of it may linger and cut the next sleep short.");
        REQUIRE(journal.entries == std::vector<std::string>{"t=0ms starts sleeping for 10s",
                                                            "t=5ms caught CancelledError: please stop",
                                                            "t=6ms goes on after another 1 ms sleep and returns 7"});
    }
    SECTION("the task finished with its result, 7, and is not cancelled") {
        INFO("cancel() is a request: a task is cancelled only if CancelledError escapes its coroutine.");
        REQUIRE(result == 7);
        REQUIRE_FALSE(task.cancelled());
    }
}

TEST_CASE("a task cancelled before its first step never runs its body and ends cancelled",
          "[lab04][cancel][step][finish_from_coroutine]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    Journal journal{platform};

    INFO("create_task(a task that would sleep 10 ms), then at once task.cancel(\"too early\"), before the loop ran; "
         "then run_until_complete(loop, task).");
    looplab::Task<void> task = looplab::create_task(sleeper(&journal, "never", 10ms));
    const bool accepted = task.cancel("too early");
    const bool cancelled_at_once = task.cancelled();
    const std::string thrown =
        what_thrown_as<looplab::CancelledError>([&] { looplab::run_until_complete(loop, task); });
    CAPTURE(accepted, cancelled_at_once, thrown);

    SECTION("cancel() returns true, but the task is not cancelled until its step runs") {
        INFO("The task waits for nothing yet, so cancel() must remember the request (and its message) for the "
             "next step.");
        REQUIRE(accepted);
        REQUIRE_FALSE(cancelled_at_once);
    }
    SECTION("the body never ran") {
        INFO("The first step must deliver the request: CancelledError is thrown where the coroutine first resumes "
             "(the kit's initial awaiter calls throw_if_cancel_requested), before any of the body.");
        REQUIRE(journal.entries == std::vector<std::string>{});
    }
    SECTION("the task ends cancelled, and run_until_complete throws CancelledError(\"too early\")") {
        REQUIRE(task.cancelled());
        REQUIRE(thrown == "too early");
    }
}

TEST_CASE("a task cancelled while it yields with sleep(0) gets CancelledError where it yielded",
          "[lab04][cancel][step]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    Journal journal{platform};

    INFO("A task runs sleep(0) twice; its coroutine notes a CancelledError and rethrows it. The loop ran one "
         "iteration (the task's first step); then task.cancel(\"stop yielding\") and run_until_complete(loop, task) "
         "were called (CPython's test_cancel_yield).");
    looplab::Task<int> task = looplab::create_task(yields_twice(&journal));
    run_iterations(loop, 1);
    task.cancel("stop yielding");
    const std::string thrown =
        what_thrown_as<looplab::CancelledError>([&] { looplab::run_until_complete(loop, task); });
    CAPTURE(thrown);

    SECTION("the next step throws CancelledError at the first sleep(0)") {
        INFO("A yielding task waits for no future, so there is nothing to cancel: the next step must throw "
             "CancelledError where the coroutine resumes.");
        REQUIRE(journal.entries == std::vector<std::string>{"iteration 1: first step, then sleep(0)",
                                                            "iteration 2: caught CancelledError: stop yielding"});
    }
    SECTION("the task ends cancelled, and run_until_complete throws CancelledError(\"stop yielding\")") {
        REQUIRE(task.cancelled());
        REQUIRE(thrown == "stop yielding");
    }
}

TEST_CASE("a cancel delivered at a yield is used up: a task that catches it can await a future afterwards",
          "[lab04][cancel][step]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    Journal journal{platform};

    INFO("A task yields with sleep(0); it was cancelled while yielding, caught the CancelledError, then awaited a "
         "pending future `later`, which a callback completed with 7. The cancel was delivered once, at the yield: "
         "step must clear must_cancel_ when it turns it into cancel_at_resume_, or it also cancels `later`.");
    looplab::Future<int> later(loop);
    looplab::Task<int> task = looplab::create_task(shrugs_at_yield_then_awaits(&journal, later));
    run_iterations(loop, 1);
    task.cancel("once");
    run_iterations(loop, 1);
    CAPTURE(later.cancelled());
    loop.call_soon([later]() mutable {
        if (!later.done()) later.set_result(7);
    });
    const std::string thrown =
        what_thrown_as<looplab::CancelledError>([&] { looplab::run_until_complete(loop, task); });
    CAPTURE(thrown);

    REQUIRE(journal.entries == std::vector<std::string>{"iteration 2: caught CancelledError at sleep(0), going on",
                                                        "iteration 4: got 7"});
    REQUIRE_FALSE(task.cancelled());
    REQUIRE(task.result() == 7);
}

TEST_CASE("cancelling a task that awaits a future cancels that future too", "[lab04][cancel][step]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    Journal journal{platform};

    INFO("A task awaits a pending Future<int> `inner`. The loop ran one iteration; then task.cancel(\"outer "
         "cancelled\") and run_until_complete(loop, task) were called (CPython's test_cancel_inner_future).");
    looplab::Future<int> inner(loop);
    looplab::Task<int> task = looplab::create_task(awaits_future(&journal, inner));
    run_iterations(loop, 1);
    const bool accepted = task.cancel("outer cancelled");
    const bool inner_cancelled_at_once = inner.cancelled();
    const std::string thrown =
        what_thrown_as<looplab::CancelledError>([&] { looplab::run_until_complete(loop, task); });
    CAPTURE(accepted, inner_cancelled_at_once, thrown);

    SECTION("cancel() cancelled the awaited future at once, with the message") {
        REQUIRE(accepted);
        REQUIRE(inner_cancelled_at_once);
        REQUIRE(what_thrown_as<looplab::CancelledError>([&] { inner.result(); }) == "outer cancelled");
    }
    SECTION("the task got CancelledError at its co_await and ended cancelled") {
        REQUIRE(journal.entries == std::vector<std::string>{"iteration 1: task awaits the future",
                                                            "iteration 2: task caught CancelledError: outer cancelled"});
        REQUIRE(task.cancelled());
        REQUIRE(thrown == "outer cancelled");
    }
}

TEST_CASE("cancelling a task that awaits another task cancels the inner task too", "[lab04][cancel][sleep]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    Journal journal{platform};

    INFO("An inner task sleeps for 1 h; an outer task awaits it. Both note a CancelledError and rethrow it. The "
         "loop ran until t=5ms; then outer.cancel(\"shutting down\") and run_until_complete(loop, outer).");
    looplab::Task<void> inner = looplab::create_task(sleeper(&journal, "inner", 1h));
    looplab::Task<void> outer = looplab::create_task(awaits_task(&journal, inner));
    run_for(loop, 5ms);
    outer.cancel("shutting down");
    const std::string thrown =
        what_thrown_as<looplab::CancelledError>([&] { looplab::run_until_complete(loop, outer); });
    CAPTURE(thrown);

    SECTION("the cancel reached the inner task's sleep, then the outer task's co_await") {
        INFO("The outer task waits for the inner task's future; cancelling that future is the inner task's own "
             "cancel() (TaskState overrides it), which cancels the inner task's sleep.");
        REQUIRE(journal.entries == std::vector<std::string>{"t=0ms inner starts sleeping for 1h",
                                                            "t=0ms outer awaits the inner task",
                                                            "t=5ms inner caught CancelledError: shutting down",
                                                            "t=5ms outer caught CancelledError: shutting down"});
    }
    SECTION("both tasks end cancelled") {
        REQUIRE(inner.cancelled());
        REQUIRE(outer.cancelled());
        REQUIRE(thrown == "shutting down");
    }
}

TEST_CASE("cancelling both a task and the future it awaits ends the task cancelled", "[lab04][cancel][step]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    Journal journal{platform};

    INFO("A task awaits a pending Future<int> `inner`. The loop ran one iteration; then inner.cancel(\"future "
         "cancelled\"), then task.cancel(\"task cancelled\"), then run_until_complete(loop, task) (CPython's "
         "test_cancel_both_task_and_inner_future).");
    looplab::Future<int> inner(loop);
    looplab::Task<int> task = looplab::create_task(awaits_future(&journal, inner));
    run_iterations(loop, 1);
    inner.cancel("future cancelled");
    const bool accepted = task.cancel("task cancelled");
    const std::string thrown =
        what_thrown_as<looplab::CancelledError>([&] { looplab::run_until_complete(loop, task); });
    CAPTURE(accepted, thrown);

    SECTION("task.cancel() returns true: the task is still pending, though its future is already cancelled") {
        REQUIRE(accepted);
    }
    SECTION("the task's own request wins: CancelledError(\"task cancelled\") at the co_await") {
        INFO("The awaited future could not be cancelled (it already was), so cancel() must remember the request, "
             "and the next step throws it where the coroutine resumes.");
        REQUIRE(journal.entries == std::vector<std::string>{"iteration 1: task awaits the future",
                                                            "iteration 2: task caught CancelledError: task cancelled"});
    }
    SECTION("the task ends cancelled") {
        REQUIRE(task.cancelled());
        REQUIRE(thrown == "task cancelled");
    }
}

TEST_CASE("a task that cancels itself and then returns without awaiting ends cancelled",
          "[lab04][cancel][finish_from_coroutine]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    Journal journal{platform};

    INFO("The coroutine calls cancel(\"cancelled itself\") on its own task, then co_returns 12 without awaiting "
         "anything. run_until_complete(loop, task) was called (CPython's test_cancel_at_end).");
    looplab::Task<int> task = cancels_itself_then_returns(&journal, &task);
    const std::string thrown =
        what_thrown_as<looplab::CancelledError>([&] { looplab::run_until_complete(loop, task); });
    CAPTURE(thrown);

    SECTION("cancel() returned true while the task was running, and the body ran to its end") {
        REQUIRE(journal.entries ==
                std::vector<std::string>{"iteration 1: cancel() returned true, then co_return 12"});
    }
    SECTION("the task ends cancelled, not with 12: the request came too late to throw, but not to cancel") {
        INFO("No co_await came after the request, so no CancelledError was thrown: finish_from_coroutine must "
             "see the pending request and cancel the task instead of finishing it.");
        REQUIRE(task.cancelled());
        REQUIRE(thrown == "cancelled itself");
    }
}

TEST_CASE("a task that cancels itself and then sleeps is cancelled at once without sleeping",
          "[lab04][cancel][step][sleep]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    Journal journal{platform};

    INFO("The coroutine calls cancel(\"cancelled itself\") on its own task, then sleeps for 1 h; it notes a "
         "CancelledError and rethrows it. run_until_complete(loop, task) was called (CPython's "
         "test_cancel_current_task).");
    looplab::Task<int> task = cancels_itself_then_sleeps(&journal, &task);
    const std::string thrown =
        what_thrown_as<looplab::CancelledError>([&] { looplab::run_until_complete(loop, task); });
    CAPTURE(thrown);

    SECTION("the sleep was cancelled at once: CancelledError at t=0ms") {
        INFO("The request came during the step, before the task waited for anything. When the step ends waiting "
             "for a future, step() must pass the request on to that future (cancel it).");
        REQUIRE(journal.entries == std::vector<std::string>{"t=0ms cancelled itself, then sleeps for 1h",
                                                            "t=0ms caught CancelledError: cancelled itself"});
    }
    SECTION("the loop never slept") {
        REQUIRE(waits_that_slept(platform.waits) == std::vector<std::string>{});
    }
    SECTION("the task ends cancelled, and the sleep's timer is gone") {
        REQUIRE(task.cancelled());
        REQUIRE(thrown == "cancelled itself");
        REQUIRE(loop.timer_count() == 0);
    }
}

TEST_CASE("cancelling a task that already failed counts as retrieving its exception", "[lab04][cancel]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    Journal journal{platform};
    std::vector<looplab::ExceptionContext> reports;
    collect_reports(loop, reports);

    INFO("A task failed with ParseError and nobody looked at its exception; then task.cancel() was called, which "
         "returns false on a done task, and the last copy of the task was dropped. As asyncio's Task.cancel, "
         "cancelling first counts as retrieving the exception, so nothing is reported as never retrieved.");
    bool accepted = true;
    {
        looplab::Task<int> task = looplab::create_task(fails(&journal));
        run_iterations(loop, 2);
        REQUIRE(task.done());
        accepted = task.cancel("too late");
    }
    CAPTURE(messages(reports));
    REQUIRE_FALSE(accepted);
    REQUIRE(reports.empty());
}
