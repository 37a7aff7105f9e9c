// Lab 02 specification, part 3: cancelled timers and the heap. A cancelled timer never runs; cancelled
// timers are dropped lazily from the heap's front, and the whole heap is rebuilt when it holds more than
// 100 timers and more than half are cancelled; close() drops every timer (CPython's test__run_once,
// test__run_once_cancelled_event_cleanup). See labs/02-timers/README.md and TUTORIAL.md#lab-02-timers.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "event_loop.hpp"
#include "looplab_catch.hpp"
#include "loop_test_helpers.hpp"
#include "timer_test_helpers.hpp"
#include "virtual_platform.hpp"

using namespace looplab::testing;  // record, what_thrown, describe_waits, ...: loop_test_helpers.hpp
using namespace std::chrono_literals;

namespace {

// Schedules `count` timers that do nothing, `delay` from now, and cancels the first `cancelled` of them.
void schedule_timers(looplab::EventLoop& loop, int count, int cancelled, looplab::Duration delay) {
    for (int i = 0; i < count; ++i) {
        looplab::TimerHandle timer = loop.call_later(delay, [] {});
        if (i < cancelled) timer.cancel();
    }
}

// Runs one iteration that only polls: a callback is made ready first, so the wait step does not sleep
// and the clock does not move. What the iteration does to the heap is then all the test sees.
std::string run_polling_iteration(looplab::EventLoop& loop) {
    loop.call_soon([] {}, "poll");
    return what_thrown([&] { loop.run_once(); });
}

}  // namespace

TEST_CASE("a cancelled timer never runs and the timers around it still do",
          "[lab02][drop_cancelled_timers][move_due_timers]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<std::string> log;
    const looplab::TimePoint start = loop.time();

    INFO("Timers A (10 ms), B (20 ms) and C (30 ms) were scheduled and B's handle was cancelled; then the "
         "loop ran until the heap was empty.");
    loop.call_later(10ms, record_time(log, loop, start, "A"));
    looplab::TimerHandle b = loop.call_later(20ms, record_time(log, loop, start, "B"));
    loop.call_later(30ms, record_time(log, loop, start, "C"));
    b.cancel();
    const std::string error = run_while_timers_pending(loop);
    CAPTURE(error);

    REQUIRE(b.cancelled());
    REQUIRE(log == std::vector<std::string>{"t=10ms A", "t=30ms C"});
}

TEST_CASE("a timer cancelled by an earlier callback of the same iteration does not run", "[lab02][move_due_timers]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<std::string> log;

    INFO("Timers A and B were scheduled for the same deadline (10 ms); A cancels B. The loop ran one "
         "iteration: both are due and move to the ready queue together, and the ready queue skips B once A has "
         "cancelled it.");
    looplab::TimerHandle b;
    loop.call_later(10ms, [&] {
        log.push_back("A (cancels B)");
        b.cancel();
    });
    b = loop.call_later(10ms, record(log, "B"));
    const std::string error = what_thrown([&] { loop.run_once(); });
    CAPTURE(error);

    REQUIRE(log == std::vector<std::string>{"A (cancels B)"});
}

TEST_CASE("cancelled timers at the front of the heap are dropped before the wait so the loop does not wake up for them",
          "[lab02][drop_cancelled_timers]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<std::string> log;
    const looplab::TimePoint start = loop.time();

    INFO("Timers h1 (5 s) and h2 (10 s) were scheduled and h1 was cancelled (CPython's test__run_once); the "
         "loop ran one iteration. drop_cancelled_timers runs before the wait step: it pops the cancelled h1 off "
         "the heap's front, so the timeout is computed from h2.");
    looplab::TimerHandle h1 = loop.call_later(5s, record_time(log, loop, start, "h1"));
    loop.call_later(10s, record_time(log, loop, start, "h2"));
    h1.cancel();
    const std::string error = what_thrown([&] { loop.run_once(); });
    CAPTURE(error);

    SECTION("the wait step sleeps straight to h2's deadline: 10 s") {
        INFO("A first wait of 5000000000ns (5 s) means the loop woke up for the cancelled h1.");
        REQUIRE(describe_waits(platform.waits) == std::vector<std::string>{"10000000000ns"});
    }
    SECTION("that one iteration runs h2") {
        REQUIRE(log == std::vector<std::string>{"t=10s h2"});
    }
    SECTION("both timers have left the heap") {
        CAPTURE(loop.timer_count());
        REQUIRE(loop.timer_count() == 0);
    }
}

TEST_CASE("when every pending timer is cancelled the loop sleeps until woken and not until a cancelled deadline",
          "[lab02][drop_cancelled_timers][timer_timeout]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};

    INFO("Two timers (10 ms and 20 ms) were scheduled and both cancelled; the loop ran one iteration. Once the "
         "cancelled timers are dropped the heap is empty, so the wait step must ask for \"until woken\" (the "
         "virtual platform then throws instead of hanging; the test catches it).");
    looplab::TimerHandle first = loop.call_later(10ms, [] {});
    looplab::TimerHandle second = loop.call_later(20ms, [] {});
    first.cancel();
    second.cancel();
    const std::string error = what_thrown([&] { loop.run_once(); });
    CAPTURE(error);

    REQUIRE(describe_waits(platform.waits) == std::vector<std::string>{"until woken"});
    REQUIRE(loop.timer_count() == 0);
}

TEST_CASE("a few cancelled timers are dropped lazily: only once they reach the front of the heap",
          "[lab02][drop_cancelled_timers]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};

    INFO("As in CPython's test__run_once_cancelled_event_cleanup: one live timer at 3000 s, two cancelled "
         "timers behind it (3600 s) and two cancelled timers in front of it (100 s): 5 timers, 4 cancelled. "
         "Then the loop ran one iteration that only polls (a callback was ready).");
    loop.call_later(3000s, [] {});
    schedule_timers(loop, 2, 2, 3600s);
    schedule_timers(loop, 2, 2, 100s);
    REQUIRE(loop.timer_count() == 5);
    const std::string error = run_polling_iteration(loop);
    CAPTURE(error);

    INFO("Expected: the two cancelled timers at the front are popped; the two behind the live timer stay until "
         "they reach the front (removing from the middle of a heap is costly, and with only 5 timers a rebuild "
         "is not worth it).");
    CAPTURE(loop.timer_count());
    REQUIRE(loop.timer_count() == 3);
}

TEST_CASE("a heap of more than 100 timers with more than half of them cancelled is rebuilt without them",
          "[lab02][drop_cancelled_timers][timer_cancelled]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};

    INFO("As in CPython's test__run_once_cancelled_event_cleanup. First: one live timer at 3000 s, two "
         "cancelled at 3600 s, two cancelled at 100 s; one polling iteration drops the two at the front (3 "
         "timers left, 2 of them cancelled). Then 49 live and 51 cancelled timers at 3600 s were added: 103 "
         "timers, 53 cancelled, 50 live. Then one more polling iteration.");
    loop.call_later(3000s, [] {});
    schedule_timers(loop, 2, 2, 3600s);
    schedule_timers(loop, 2, 2, 100s);
    std::string error = run_polling_iteration(loop);
    CAPTURE(error);
    schedule_timers(loop, 49, 0, 3600s);
    schedule_timers(loop, 51, 51, 3600s);
    REQUIRE(loop.timer_count() == 103);
    error = run_polling_iteration(loop);

    INFO("Expected: more than 100 timers and more than half cancelled, so drop_cancelled_timers rebuilds the heap "
         "from the live timers only, including the cancelled ones that are not at the front. That needs the "
         "count of cancelled timers still in the heap, kept by timer_cancelled.");
    CAPTURE(loop.timer_count());
    REQUIRE(loop.timer_count() == 50);
}

TEST_CASE("the heap is rebuilt only when it holds more than 100 timers and more than half are cancelled",
          "[lab02][drop_cancelled_timers][timer_cancelled]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};

    INFO("Each section schedules a live timer at 1 s (so the heap's front is never cancelled and nothing is "
         "popped from it), then more timers at 10 s, some cancelled; then runs one polling iteration and counts "
         "the timers left.");
    loop.call_later(1s, [] {});

    SECTION("101 timers, 51 cancelled: rebuilt, the 50 live timers remain") {
        schedule_timers(loop, 100, 51, 10s);
        const std::string error = run_polling_iteration(loop);
        CAPTURE(error, loop.timer_count());
        REQUIRE(loop.timer_count() == 50);
    }
    SECTION("exactly 100 timers, 60 cancelled: not rebuilt (the rule is more than 100)") {
        schedule_timers(loop, 99, 60, 10s);
        const std::string error = run_polling_iteration(loop);
        CAPTURE(error, loop.timer_count());
        REQUIRE(loop.timer_count() == 100);
    }
    SECTION("102 timers, exactly half (51) cancelled: not rebuilt (the rule is more than half)") {
        schedule_timers(loop, 101, 51, 10s);
        const std::string error = run_polling_iteration(loop);
        CAPTURE(error, loop.timer_count());
        REQUIRE(loop.timer_count() == 102);
    }
}

TEST_CASE("after a rebuild the remaining timers still run in deadline order", "[lab02][drop_cancelled_timers]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<std::string> log;
    const looplab::TimePoint start = loop.time();

    INFO("60 live timers with deadlines 1 ms .. 60 ms were scheduled in a scrambled order (deadline "
         "(7 * i) % 60 + 1 ms), each followed by a cancelled timer half a millisecond later, plus one more "
         "cancelled timer: 121 timers, 61 cancelled, so the first iteration rebuilds the heap. Then the loop ran "
         "until the heap was empty. Removing timers breaks the heap order: rebuild it (std::make_heap).");
    std::vector<std::string> expected;
    for (int i = 0; i < 60; ++i) {
        const auto deadline = std::chrono::milliseconds((7 * i) % 60 + 1);
        loop.call_at(start + deadline, record_time(log, loop, start, "timer"));
        loop.call_at(start + deadline + 500us, record_time(log, loop, start, "cancelled timer")).cancel();
        expected.push_back("t=" + std::to_string(i + 1) + "ms timer");
    }
    loop.call_at(start + 100ms, record_time(log, loop, start, "cancelled timer")).cancel();
    const std::string error = run_while_timers_pending(loop);
    CAPTURE(error);

    REQUIRE(log == expected);
}

TEST_CASE("the cancelled count covers only cancelled timers still in the heap",
          "[lab02][timer_cancelled][drop_cancelled_timers][move_due_timers]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};

    INFO("Each section first lets some timers leave the heap, then builds a heap of 102 timers (a live one at "
         "1 s in front) with fewer than half cancelled, and runs one polling iteration. That heap must not be "
         "rebuilt: 102 timers stay. If it shrank, the loop still counted cancelled timers that had left the "
         "heap, and its count said more than half.");

    SECTION("timers cancelled after they ran are not counted") {
        INFO("10 timers with delay 0 ran in one iteration; then their handles were cancelled. Then the 102-timer "
             "heap with 45 cancelled (45 + 10 would be more than half). Cancelling a timer that is no longer in "
             "the heap must not change the count.");
        std::vector<looplab::TimerHandle> ran;
        for (int i = 0; i < 10; ++i) ran.push_back(loop.call_later(0ms, [] {}));
        std::string error = what_thrown([&] { loop.run_once(); });
        CAPTURE(error);
        REQUIRE(loop.timer_count() == 0);
        for (looplab::TimerHandle& timer : ran) timer.cancel();
        loop.call_later(1s, [] {});
        schedule_timers(loop, 101, 45, 10s);
        error = run_polling_iteration(loop);
        CAPTURE(loop.timer_count());
        REQUIRE(loop.timer_count() == 102);
    }
    SECTION("timers popped off the front of the heap are no longer counted") {
        INFO("60 cancelled timers at 1 ms were popped off the front by a polling iteration. Then the 102-timer "
             "heap with 40 cancelled (40 + 60 would be more than half).");
        schedule_timers(loop, 60, 60, 1ms);
        loop.call_later(1s, [] {});
        std::string error = run_polling_iteration(loop);
        CAPTURE(error);
        REQUIRE(loop.timer_count() == 1);
        schedule_timers(loop, 101, 40, 10s);
        error = run_polling_iteration(loop);
        CAPTURE(loop.timer_count());
        REQUIRE(loop.timer_count() == 102);
    }
    SECTION("cancelled timers that leave the heap as due are no longer counted") {
        INFO("A live timer at 1 ms, then 60 timers at 1 ms that were cancelled: the live one is at the front, "
             "so none is dropped before the wait, and after it all 61 are due and leave the heap together. "
             "Then the 102-timer heap with 40 cancelled (40 + 60 would be more than half): the 60 that left "
             "as due must have left the count too.");
        loop.call_later(1ms, [] {});
        schedule_timers(loop, 60, 60, 1ms);
        std::string error = what_thrown([&] { loop.run_once(); });
        CAPTURE(error);
        REQUIRE(loop.timer_count() == 0);
        loop.call_later(1s, [] {});
        schedule_timers(loop, 101, 40, 10s);
        error = run_polling_iteration(loop);
        CAPTURE(loop.timer_count());
        REQUIRE(loop.timer_count() == 102);
    }
    SECTION("timers removed by a rebuild are no longer counted") {
        INFO("A heap of 101 timers with 51 cancelled was rebuilt by a polling iteration (50 left). Then 52 more "
             "timers, 10 of them cancelled: 102 timers (10 + 51 would be more than half).");
        loop.call_later(1s, [] {});
        schedule_timers(loop, 100, 51, 10s);
        std::string error = run_polling_iteration(loop);
        CAPTURE(error);
        REQUIRE(loop.timer_count() == 50);
        schedule_timers(loop, 52, 10, 10s);
        error = run_polling_iteration(loop);
        CAPTURE(loop.timer_count());
        REQUIRE(loop.timer_count() == 102);
    }
}

TEST_CASE("cancelling a timer twice or after it ran is harmless", "[lab02][timer_cancelled]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<std::string> log;
    const looplab::TimePoint start = loop.time();

    looplab::TimerHandle a = loop.call_later(10ms, record_time(log, loop, start, "A"));
    loop.call_later(20ms, record_time(log, loop, start, "B"));

    SECTION("twice before it is due: no error, and it never runs") {
        INFO("Timers A (10 ms) and B (20 ms) were scheduled; A was cancelled twice; the loop ran until the heap "
             "was empty.");
        a.cancel();
        REQUIRE_NOTHROW(a.cancel());
        const std::string error = run_while_timers_pending(loop);
        CAPTURE(error);
        REQUIRE(log == std::vector<std::string>{"t=20ms B"});
    }
    SECTION("after it ran: no error, and the next timer still runs") {
        INFO("Timers A (10 ms) and B (20 ms) were scheduled; the loop ran one iteration (A ran), A's handle was "
             "cancelled, and the loop ran until the heap was empty.");
        std::string error = what_thrown([&] { loop.run_once(); });
        CAPTURE(error);
        REQUIRE_NOTHROW(a.cancel());
        error = run_while_timers_pending(loop);
        REQUIRE(log == std::vector<std::string>{"t=10ms A", "t=20ms B"});
    }
}

TEST_CASE("close drops every timer", "[lab02][close_timers]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    auto captured = std::make_shared<std::string>("state held by a timer that never runs");

    INFO("Three timers were scheduled: one capturing a shared_ptr (its handle not kept), one kept in `kept`, "
         "one cancelled. Then the loop was closed without running.");
    loop.call_later(10ms, [captured] { captured->append(" (used)"); });
    looplab::TimerHandle kept = loop.call_later(20ms, [] {});
    loop.call_later(30ms, [] {}).cancel();
    REQUIRE(loop.timer_count() == 3);
    loop.close();

    SECTION("the heap is empty") {
        CAPTURE(loop.timer_count());
        REQUIRE(loop.timer_count() == 0);
    }
    SECTION("what the timers' callbacks captured is freed") {
        INFO("Only the test still owns the shared_ptr: clearing the heap destroyed the timer and its callback.");
        REQUIRE(captured.use_count() == 1);
    }
    SECTION("cancelling a timer kept from before close is harmless") {
        REQUIRE_NOTHROW(kept.cancel());
        REQUIRE(kept.cancelled());
    }
}

TEST_CASE("a timer handle can still be cancelled after its loop was closed and destroyed", "[lab02][close_timers]") {
    looplab::testing::VirtualPlatform platform;
    auto loop = std::make_unique<looplab::EventLoop>(platform);

    INFO("A timer was scheduled and its handle kept; the loop was closed, then destroyed; then the handle was "
         "cancelled. The handle outlives the loop, so close() must leave every timer not knowing the loop any "
         "more: otherwise cancel() tells a destroyed loop (the asan build reports it as a use after free).");
    looplab::TimerHandle timer = loop->call_later(10ms, [] {});
    loop->close();
    loop.reset();

    REQUIRE_NOTHROW(timer.cancel());
    REQUIRE(timer.cancelled());
}
