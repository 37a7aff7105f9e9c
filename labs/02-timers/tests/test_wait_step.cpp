// Lab 02 specification, part 2: how long the wait step sleeps with timers pending, and when a timer
// counts as due. The timeout is the time to the earliest deadline, clamped to [0, maximum_wait]; zero
// while callbacks are ready; with no timer left, until woken (CPython's _run_once).
// See labs/02-timers/README.md and TUTORIAL.md#lab-02-timers.
#include <chrono>
#include <functional>
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

TEST_CASE("the wait step sleeps until the earliest deadline", "[lab02][timer_timeout]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<std::string> log;
    const looplab::TimePoint start = loop.time();

    SECTION("with timers for 30 ms and 10 ms it sleeps 10 ms") {
        INFO("call_later(30ms, ...) then call_later(10ms, A) were scheduled; the loop ran one iteration. The "
             "timeout comes from the heap's front, the earliest deadline, not from the timer scheduled first.");
        loop.call_later(30ms, record_time(log, loop, start, "B"));
        loop.call_later(10ms, record_time(log, loop, start, "A"));
        const std::string error = what_thrown([&] { loop.run_once(); });
        CAPTURE(error);
        REQUIRE(describe_waits(platform.waits) == std::vector<std::string>{"10000000ns"});
        REQUIRE(log == std::vector<std::string>{"t=10ms A"});
    }
    SECTION("the timeout is the time left until the deadline, not the delay asked for") {
        INFO("call_later(10ms, A) was scheduled, and a callback \"busy\" that takes 4 ms (platform.advance). The "
             "loop ran two iterations: the first polls (busy is ready) and runs busy; the second must sleep "
             "deadline - time() = 6 ms (6000000ns).");
        loop.call_later(10ms, record_time(log, loop, start, "A"));
        loop.call_soon([&] {
            log.push_back("busy (takes 4 ms)");
            platform.advance(4ms);
        });
        const std::string error = what_thrown([&] {
            loop.run_once();
            loop.run_once();
        });
        CAPTURE(error);
        REQUIRE(describe_waits(platform.waits) == std::vector<std::string>{"poll", "6000000ns"});
        REQUIRE(log == std::vector<std::string>{"busy (takes 4 ms)", "t=10ms A"});
    }
}

TEST_CASE("a pending timer does not make the loop sleep while callbacks are ready", "[lab02][timer_timeout]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<std::string> log;
    const looplab::TimePoint start = loop.time();

    INFO("call_later(10ms, timer) and call_soon(ready) were scheduled; the loop ran one iteration. A ready "
         "callback means the wait step polls, whatever the timers say: the timer check comes after the "
         "ready-queue check in wait_timeout.");
    loop.call_later(10ms, record_time(log, loop, start, "timer"));
    loop.call_soon(record_time(log, loop, start, "ready"));
    const std::string error = what_thrown([&] { loop.run_once(); });
    CAPTURE(error);

    SECTION("the wait step polls") {
        REQUIRE(describe_waits(platform.waits) == std::vector<std::string>{"poll"});
    }
    SECTION("only the ready callback ran, at once; the timer is still pending") {
        REQUIRE(log == std::vector<std::string>{"t=0ms ready"});
        REQUIRE(loop.timer_count() == 1);
    }
}

TEST_CASE("an overdue deadline gives a zero timeout and not a negative one", "[lab02][timer_timeout]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<std::string> log;
    const looplab::TimePoint start = loop.time();

    INFO("call_later(10ms, timer) was scheduled, and a callback \"slow\" that takes 50 ms (platform.advance). "
         "The loop ran two iterations: the first runs slow; at the second the deadline is 40 ms in the past.");
    loop.call_later(10ms, record_time(log, loop, start, "timer"));
    loop.call_soon([&] {
        log.push_back("slow (takes 50 ms)");
        platform.advance(50ms);
    });
    const std::string error = what_thrown([&] {
        loop.run_once();
        loop.run_once();
    });
    CAPTURE(error);

    SECTION("both wait steps poll") {
        INFO("In the second iteration deadline - time() is -40 ms: an overdue timer means no sleeping at all, "
             "so the timeout is clamped to zero (a poll).");
        REQUIRE(describe_waits(platform.waits) == std::vector<std::string>{"poll", "poll"});
    }
    SECTION("the late timer runs in the second iteration, at once") {
        REQUIRE(log == std::vector<std::string>{"slow (takes 50 ms)", "t=50ms timer"});
    }
}

TEST_CASE("a far deadline is waited for in steps of at most maximum_wait (24 h)", "[lab02][timer_timeout]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<std::string> log;
    const looplab::TimePoint start = loop.time();

    INFO("call_later(48h, far) was scheduled. EventLoop::maximum_wait is 24 h (asyncio's "
         "MAXIMUM_SELECT_TIMEOUT): the wait step never sleeps longer, however far the deadline.");
    REQUIRE(looplab::EventLoop::maximum_wait == 24h);
    loop.call_later(48h, record_time(log, loop, start, "far"));

    SECTION("the first iteration sleeps 24 h and the timer is not due yet") {
        const std::string error = what_thrown([&] { loop.run_once(); });
        CAPTURE(error);
        INFO("24 h = 86400000000000ns.");
        REQUIRE(describe_waits(platform.waits) == std::vector<std::string>{"86400000000000ns"});
        REQUIRE(log.empty());
        REQUIRE(loop.timer_count() == 1);
    }
    SECTION("the second iteration sleeps another 24 h and runs it") {
        const std::string error = what_thrown([&] {
            loop.run_once();
            loop.run_once();
        });
        CAPTURE(error);
        REQUIRE(describe_waits(platform.waits) ==
                std::vector<std::string>{"86400000000000ns", "86400000000000ns"});
        REQUIRE(log == std::vector<std::string>{"t=48h far"});
    }
}

TEST_CASE("a timer is due when its deadline is earlier than now plus the clock resolution", "[lab02][move_due_timers]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<std::string> log;
    const looplab::TimePoint start = loop.time();

    INFO("A callback \"ready\" was scheduled with call_soon, so the next iteration only polls and the clock "
         "does not move. EventLoop::clock_resolution is " << looplab::EventLoop::clock_resolution.count()
         << "ns. The move step takes a timer when deadline < time() + clock_resolution.");
    loop.call_soon(record_time(log, loop, start, "ready"));

    SECTION("a deadline equal to time() is due in this iteration") {
        INFO("call_at(loop.time(), now) was scheduled; the loop ran one iteration.");
        loop.call_at(start, record_time(log, loop, start, "now"));
        const std::string error = what_thrown([&] { loop.run_once(); });
        CAPTURE(error);
        REQUIRE(log == std::vector<std::string>{"t=0ms ready", "t=0ms now"});
    }
    SECTION("a deadline one clock_resolution ahead is not due yet") {
        INFO("call_at(loop.time() + clock_resolution, soon) was scheduled; the loop ran one iteration.");
        loop.call_at(start + looplab::EventLoop::clock_resolution, record_time(log, loop, start, "soon"));
        const std::string error = what_thrown([&] { loop.run_once(); });
        CAPTURE(error);
        REQUIRE(log == std::vector<std::string>{"t=0ms ready"});
        REQUIRE(loop.timer_count() == 1);
    }
    SECTION("that timer runs in the next iteration, after sleeping the 1 ns left") {
        INFO("call_at(loop.time() + clock_resolution, soon) was scheduled; the loop ran two iterations.");
        loop.call_at(start + looplab::EventLoop::clock_resolution, record_time(log, loop, start, "soon"));
        const std::string error = what_thrown([&] {
            loop.run_once();
            loop.run_once();
        });
        CAPTURE(error);
        REQUIRE(log == std::vector<std::string>{"t=0ms ready", "t=1ns soon"});
        REQUIRE(describe_waits(platform.waits) == std::vector<std::string>{"poll", "1ns"});
    }
}

TEST_CASE("due timers join the ready queue behind the callbacks already in it", "[lab02][move_due_timers]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<std::string> log;

    INFO("call_later(0ms, timer) was scheduled first, then call_soon(soon); the loop ran one iteration. The "
         "move step comes after the wait and appends due timers to the back of the ready queue, so callbacks "
         "that were already ready run first (as in asyncio's _run_once).");
    loop.call_later(0ms, record(log, "timer"));
    loop.call_soon(record(log, "soon"));
    const std::string error = what_thrown([&] { loop.run_once(); });
    CAPTURE(error);

    REQUIRE(log == std::vector<std::string>{"soon", "timer"});
}

TEST_CASE("once the last timer has run the loop sleeps until woken", "[lab02][timer_timeout][move_due_timers]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<std::string> log;

    INFO("call_later(10ms, A) was scheduled; the loop ran two iterations. The first sleeps 10 ms and runs A, "
         "which leaves the heap. With nothing ready and no timer, the second must ask to sleep with no deadline "
         "(\"until woken\"); the virtual platform then throws instead of hanging, and the test catches that.");
    loop.call_later(10ms, record(log, "A"));
    const std::string error = what_thrown([&] {
        loop.run_once();
        loop.run_once();
    });
    CAPTURE(error);

    REQUIRE(log == std::vector<std::string>{"A"});
    REQUIRE(describe_waits(platform.waits) == std::vector<std::string>{"10000000ns", "until woken"});
}
