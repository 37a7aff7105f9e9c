// Lab 02 specification, part 1: scheduling timers. call_later and call_at put a timer on the heap,
// the loop runs it once its deadline has come, timers run in deadline order (equal deadlines: in
// scheduling order), and negative delays are fine (CPython's test_call_later, test_call_at,
// test_call_later_negative_delays). See labs/02-timers/README.md and TUTORIAL.md#lab-02-timers.
#include <chrono>
#include <functional>
#include <stdexcept>
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

TEST_CASE("call_later only schedules: the timer waits in the heap and not in the ready queue",
          "[lab02][call_later][call_at]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<std::string> log;
    const looplab::TimePoint start = loop.time();

    INFO("A callback was scheduled with call_later(10ms, ...); the loop has not run yet.");
    looplab::TimerHandle timer = loop.call_later(10ms, record(log, "ran"));

    SECTION("the callback has not run inside call_later") {
        REQUIRE(log.empty());
    }
    SECTION("the timer is in the heap and the ready queue is empty") {
        INFO("call_at pushes the timer onto the heap (timers_); only the move step, once it is due, puts it "
             "in the ready queue.");
        CAPTURE(loop.timer_count(), loop.ready_count());
        REQUIRE(loop.timer_count() == 1);
        REQUIRE(loop.ready_count() == 0);
    }
    SECTION("the returned TimerHandle's when() is the deadline: time() + 10ms") {
        INFO("when() is " << in_words(timer.when() - start) << " after the loop's time at scheduling.");
        REQUIRE(timer.when() == start + 10ms);
    }
}

TEST_CASE("call_later runs the callback once its delay has passed after sleeping exactly that long",
          "[lab02][call_later][timer_timeout][move_due_timers]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<std::string> log;
    const looplab::TimePoint start = loop.time();

    INFO("call_later(10ms, A) was scheduled, then the loop ran one iteration.");
    loop.call_later(10ms, record_time(log, loop, start, "A"));
    const std::string error = what_thrown([&] { loop.run_once(); });
    CAPTURE(error);

    SECTION("A ran, and the loop's time was then its deadline: 10 ms after scheduling") {
        REQUIRE(log == std::vector<std::string>{"t=10ms A"});
    }
    SECTION("the wait step slept once, for exactly the delay") {
        INFO("With nothing ready, the wait step must sleep until the deadline (10 ms = 10000000ns): not poll "
             "(timeout 0, a busy loop burning a core), and not sleep until woken (nothing would wake it).");
        REQUIRE(describe_waits(platform.waits) == std::vector<std::string>{"10000000ns"});
    }
    SECTION("the timer left the heap") {
        REQUIRE(loop.timer_count() == 0);
    }
}

TEST_CASE("a timer does not run before its deadline", "[lab02][move_due_timers][timer_timeout]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<std::string> log;
    const looplab::TimePoint start = loop.time();

    INFO("call_later(10ms, timer) was scheduled. Then 9 ms passed outside the loop (platform.advance) and a "
         "callback \"ready\" was scheduled with call_soon, so the next iteration only polls and time stays at 9 ms.");
    loop.call_later(10ms, record_time(log, loop, start, "timer"));
    platform.advance(9ms);
    loop.call_soon(record_time(log, loop, start, "ready"));

    SECTION("an iteration at 9 ms runs only the ready callback; the timer stays in the heap") {
        INFO("The loop ran one iteration. The move step must take only timers whose deadline has come.");
        const std::string error = what_thrown([&] { loop.run_once(); });
        CAPTURE(error);
        REQUIRE(log == std::vector<std::string>{"t=9ms ready"});
        REQUIRE(loop.timer_count() == 1);
    }
    SECTION("the next iteration sleeps the remaining 1 ms, then runs the timer") {
        INFO("The loop ran two iterations. The second one's timeout is deadline - now = 1 ms (1000000ns), "
             "not the original 10 ms delay.");
        const std::string error = what_thrown([&] {
            loop.run_once();
            loop.run_once();
        });
        CAPTURE(error);
        REQUIRE(log == std::vector<std::string>{"t=9ms ready", "t=10ms timer"});
        REQUIRE(describe_waits(platform.waits) == std::vector<std::string>{"poll", "1000000ns"});
    }
}

TEST_CASE("call_at runs the callback at an absolute deadline on the loop's clock", "[lab02][call_at]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<std::string> log;
    const looplab::TimePoint start = loop.time();

    SECTION("when() returns the deadline given") {
        INFO("call_at(loop.time() + 25ms, A) was scheduled.");
        looplab::TimerHandle timer = loop.call_at(start + 25ms, record_time(log, loop, start, "A"));
        INFO("when() is " << in_words(timer.when() - start) << " after start.");
        REQUIRE(timer.when() == start + 25ms);
    }
    SECTION("one iteration sleeps until the deadline and runs the callback there") {
        INFO("call_at(loop.time() + 25ms, A) was scheduled, then the loop ran one iteration.");
        loop.call_at(start + 25ms, record_time(log, loop, start, "A"));
        const std::string error = what_thrown([&] { loop.run_once(); });
        CAPTURE(error);
        REQUIRE(log == std::vector<std::string>{"t=25ms A"});
        REQUIRE(describe_waits(platform.waits) == std::vector<std::string>{"25000000ns"});
    }
    SECTION("a deadline in the past is due at once: the first iteration polls and runs it") {
        INFO("call_at(loop.time() - 1h, A) was scheduled, then the loop ran one iteration. A deadline in the "
             "past is not an error: the timer is simply overdue.");
        loop.call_at(start - 1h, record_time(log, loop, start, "A"));
        const std::string error = what_thrown([&] { loop.run_once(); });
        CAPTURE(error);
        REQUIRE(log == std::vector<std::string>{"t=0ms A"});
        REQUIRE(describe_waits(platform.waits) == std::vector<std::string>{"poll"});
    }
}

TEST_CASE("call_later measures its delay from the loop's current time", "[lab02][call_later]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    const looplab::TimePoint start = loop.time();

    INFO("5 ms passed (platform.advance), then call_later(10ms, ...) was scheduled. call_later(delay) is "
         "call_at(time() + delay), with time() read when call_later is called.");
    platform.advance(5ms);
    looplab::TimerHandle timer = loop.call_later(10ms, [] {});

    INFO("when() is " << in_words(timer.when() - start) << " after start.");
    REQUIRE(timer.when() == start + 15ms);
}

TEST_CASE("timers run in deadline order whatever order they were scheduled in", "[lab02][call_at][move_due_timers]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<std::string> log;
    const looplab::TimePoint start = loop.time();

    SECTION("three timers scheduled latest first run earliest first, one wait apart") {
        INFO("call_later was called for C (30 ms), then A (10 ms), then B (20 ms); then the loop ran three "
             "iterations. The heap's front must always be the earliest deadline (see timer_later).");
        loop.call_later(30ms, record_time(log, loop, start, "C"));
        loop.call_later(10ms, record_time(log, loop, start, "A"));
        loop.call_later(20ms, record_time(log, loop, start, "B"));
        const std::string error = what_thrown([&] {
            loop.run_once();
            loop.run_once();
            loop.run_once();
        });
        CAPTURE(error);
        REQUIRE(log == std::vector<std::string>{"t=10ms A", "t=20ms B", "t=30ms C"});
        REQUIRE(describe_waits(platform.waits) ==
                std::vector<std::string>{"10000000ns", "10000000ns", "10000000ns"});
    }
    SECTION("twenty timers scheduled in a scrambled order run sorted by deadline") {
        INFO("Twenty timers with deadlines 1 ms .. 20 ms were scheduled in the order 1, 8, 15, 2, 9, ... "
             "(deadline (7 * i) % 20 + 1 ms for i = 0..19); then the loop ran until the heap was empty. This "
             "exercises the heap: push with std::push_heap in call_at, take the front with std::pop_heap.");
        std::vector<std::string> expected;
        for (int i = 0; i < 20; ++i) {
            const auto deadline = std::chrono::milliseconds((7 * i) % 20 + 1);
            loop.call_at(start + deadline, record_time(log, loop, start, "timer"));
            expected.push_back("t=" + std::to_string(i + 1) + "ms timer");
        }
        const std::string error = run_while_timers_pending(loop);
        CAPTURE(error);
        REQUIRE(log == expected);
    }
}

TEST_CASE("timers with equal deadlines run in the order they were scheduled", "[lab02][call_at]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<std::string> log;
    const looplab::TimePoint start = loop.time();

    INFO("Eight timers #1 .. #8 were scheduled for the same deadline (10 ms), with a timer at 5 ms and one "
         "at 15 ms scheduled among them; then the loop ran until the heap was empty. asyncio does not promise "
         "an order for equal deadlines; this loop does, so that runs are reproducible: give each timer a "
         "sequence number in call_at (timer_later compares it when the deadlines are equal). std::push_heap "
         "and std::pop_heap alone are not stable.");
    for (int i = 1; i <= 8; ++i) {
        loop.call_at(start + 10ms, record_time(log, loop, start, "#" + std::to_string(i)));
        if (i == 3) loop.call_at(start + 15ms, record_time(log, loop, start, "later"));
        if (i == 6) loop.call_at(start + 5ms, record_time(log, loop, start, "earlier"));
    }
    const std::string error = run_while_timers_pending(loop);
    CAPTURE(error);

    REQUIRE(log == std::vector<std::string>{"t=5ms earlier", "t=10ms #1", "t=10ms #2", "t=10ms #3", "t=10ms #4",
                                            "t=10ms #5", "t=10ms #6", "t=10ms #7", "t=10ms #8", "t=15ms later"});
}

TEST_CASE("negative delays are allowed: the timers are due at once and still run in deadline order",
          "[lab02][call_later][move_due_timers][timer_timeout]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<std::string> log;
    const looplab::TimePoint start = loop.time();

    INFO("call_later(-1ms, a) then call_later(-2ms, b) were scheduled (CPython's "
         "test_call_later_negative_delays), then the loop ran one iteration.");
    looplab::TimerHandle a = loop.call_later(-1ms, record(log, "a"));
    loop.call_later(-2ms, record(log, "b"));
    const std::string error = what_thrown([&] { loop.run_once(); });
    CAPTURE(error);

    SECTION("both run in the first iteration, b first: its deadline is earlier") {
        REQUIRE(log == std::vector<std::string>{"b", "a"});
    }
    SECTION("the wait step polls: it does not sleep for an overdue timer") {
        INFO("The time to the earliest deadline is negative (-2 ms): clamp it to 0.");
        REQUIRE(describe_waits(platform.waits) == std::vector<std::string>{"poll"});
    }
    SECTION("when() is in the past: time() - 1ms") {
        REQUIRE(a.when() == start - 1ms);
    }
}

TEST_CASE("every due timer runs in the same iteration and the earliest deadline runs first", "[lab02][move_due_timers]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<std::string> log;
    const looplab::TimePoint start = loop.time();

    INFO("Timers for 30 ms, 10 ms and 20 ms were scheduled, and a callback \"slow\" that takes 100 ms "
         "(platform.advance(100ms)). The loop ran two iterations: the first runs slow; by the second all "
         "three timers are overdue.");
    loop.call_later(30ms, record_time(log, loop, start, "30ms timer"));
    loop.call_later(10ms, record_time(log, loop, start, "10ms timer"));
    loop.call_later(20ms, record_time(log, loop, start, "20ms timer"));
    loop.call_soon([&] {
        log.push_back("slow (takes 100 ms)");
        platform.advance(100ms);
    });
    const std::string error = what_thrown([&] {
        loop.run_once();
        loop.run_once();
    });
    CAPTURE(error);

    INFO("The move step must keep popping the heap's front while it is due, not move one timer per iteration.");
    REQUIRE(log == std::vector<std::string>{"slow (takes 100 ms)", "t=100ms 10ms timer", "t=100ms 20ms timer",
                                            "t=100ms 30ms timer"});
    REQUIRE(loop.timer_count() == 0);
}

TEST_CASE("a timer callback can schedule another timer which runs after its own delay",
          "[lab02][call_later][timer_timeout]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<std::string> log;
    const looplab::TimePoint start = loop.time();

    INFO("call_later(10ms, A) was scheduled; A calls call_later(5ms, B). The loop ran two iterations.");
    loop.call_later(10ms, [&] {
        log.push_back("t=" + in_words(loop.time() - start) + " A");
        loop.call_later(5ms, record_time(log, loop, start, "B (scheduled by A)"));
    });
    const std::string error = what_thrown([&] {
        loop.run_once();
        loop.run_once();
    });
    CAPTURE(error);

    SECTION("B runs 5 ms after A") {
        REQUIRE(log == std::vector<std::string>{"t=10ms A", "t=15ms B (scheduled by A)"});
    }
    SECTION("the loop slept 10 ms, then 5 ms") {
        REQUIRE(describe_waits(platform.waits) == std::vector<std::string>{"10000000ns", "5000000ns"});
    }
}

TEST_CASE("call_later with zero delay from a callback runs in the next iteration and not the current one",
          "[lab02][call_later][move_due_timers]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<std::string> log;

    INFO("A callback A was scheduled with call_soon; A calls call_later(0ms, T). The timer goes onto the heap, "
         "not straight into the ready queue, and the iteration running A only runs what was ready when it began.");
    loop.call_soon([&] {
        log.push_back("A");
        loop.call_later(0ms, record(log, "T (scheduled by A)"));
    });

    SECTION("the iteration that ran A does not run T") {
        const std::string error = what_thrown([&] { loop.run_once(); });
        CAPTURE(error);
        REQUIRE(log == std::vector<std::string>{"A"});
        REQUIRE(loop.timer_count() == 1);
    }
    SECTION("the next iteration runs T without sleeping") {
        INFO("The loop ran two iterations. T's deadline is now, so the second wait step must poll.");
        const std::string error = what_thrown([&] {
            loop.run_once();
            loop.run_once();
        });
        CAPTURE(error);
        REQUIRE(log == std::vector<std::string>{"A", "T (scheduled by A)"});
        REQUIRE(describe_waits(platform.waits) == std::vector<std::string>{"poll", "poll"});
    }
}

TEST_CASE("call_at and call_later on a closed loop throw Event loop is closed", "[lab02][call_at][call_later]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};

    INFO("The loop was closed. Like call_soon, the timer calls must refuse new work (check_closed).");
    loop.close();

    SECTION("call_at throws std::runtime_error(\"Event loop is closed\")") {
        REQUIRE_THROWS_MATCHES(loop.call_at(loop.time() + 10ms, [] {}), std::runtime_error,
                               Catch::Matchers::Message("Event loop is closed"));
    }
    SECTION("call_later throws std::runtime_error(\"Event loop is closed\")") {
        REQUIRE_THROWS_MATCHES(loop.call_later(10ms, [] {}), std::runtime_error,
                               Catch::Matchers::Message("Event loop is closed"));
    }
    SECTION("nothing was added to the heap") {
        what_thrown([&] { loop.call_later(10ms, [] {}); });
        REQUIRE(loop.timer_count() == 0);
    }
}

TEST_CASE("call_later with the longest delay means never and does not overflow into the past", "[lab02][call_later]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<std::string> log;
    const looplab::TimePoint start = loop.time();

    INFO("call_later(Duration::max(), \"never\") and call_later(10ms, \"soon\") were scheduled, then the loop ran "
         "until \"soon\" ran. time() + Duration::max() overflows a signed clock into the past, which would make "
         "\"never\" due at once: call_later must stop at the clock's end (add_saturating).");
    loop.call_later(looplab::Duration::max(), record_time(log, loop, start, "never"));
    loop.call_later(10ms, record_time(log, loop, start, "soon"));
    std::string error = what_thrown([&] {
        for (int i = 0; i < 10 && log.empty(); ++i) loop.run_once();
    });
    CAPTURE(error);

    REQUIRE(log == std::vector<std::string>{"t=10ms soon"});
    REQUIRE(loop.timer_count() == 1);
}

