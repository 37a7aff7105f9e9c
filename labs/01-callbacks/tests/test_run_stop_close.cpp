// Lab 01 specification, part 2: the loop's life cycle. run_forever runs iterations until stop(),
// stop() only sets a flag, is_running, and close() (test_close, test_run_forever_* in CPython's
// Lib/test/test_asyncio/test_base_events.py).
// See labs/01-callbacks/README.md and TUTORIAL.md#lab-01-callbacks-and-the-ready-queue.
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "event_loop.hpp"
#include "looplab_catch.hpp"
#include "loop_test_helpers.hpp"
#include "virtual_platform.hpp"

using namespace looplab::testing;  // record, schedule_stop, what_thrown, ...: loop_test_helpers.hpp


TEST_CASE("run_forever runs iterations until a callback calls stop", "[lab01][run_forever][stop]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<std::string> log;

    INFO("A callback that reschedules itself, and calls stop() on its third run, was scheduled; "
         "then run_forever was called.");
    int ticks = 0;
    std::function<void()> tick = [&] {
        ++ticks;
        log.push_back("tick " + std::to_string(ticks));
        if (ticks == 3) {
            loop.stop();
        } else {
            loop.call_soon(tick, "tick");
        }
    };
    loop.call_soon(tick, "tick");
    loop.run_forever();

    SECTION("every tick ran and run_forever returned after the one that called stop") {
        REQUIRE(log == std::vector<std::string>{"tick 1", "tick 2", "tick 3"});
    }
    SECTION("it took one iteration per tick") {
        INFO("platform.waits has one entry per iteration's wait step.");
        REQUIRE(describe_waits(platform.waits) == std::vector<std::string>{"poll", "poll", "poll"});
    }
}

TEST_CASE("stop inside a callback ends run_forever after the current iteration", "[lab01][run_forever][run_ready]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<std::string> log;

    INFO("A and B were scheduled. A calls stop() and schedules C. Then run_forever was called.");
    loop.call_soon([&] {
        log.push_back("A (calls stop)");
        loop.stop();
        loop.call_soon([&] {
            log.push_back("C (scheduled by A)");
            loop.stop();
        });
    });
    loop.call_soon(record(log, "B"));
    loop.run_forever();

    SECTION("the other callbacks of that iteration still run") {
        INFO("stop() only sets a flag: B was ready in the same iteration as A, so it runs before "
             "run_forever returns. C was scheduled during that iteration, so it does not.");
        REQUIRE(log == std::vector<std::string>{"A (calls stop)", "B"});
    }
    SECTION("callbacks scheduled during that iteration run on the next run_forever") {
        INFO("run_forever was called a second time (C calls stop() itself). C must still be in the "
             "ready queue: stopping does not drop callbacks.");
        loop.run_forever();
        REQUIRE(log == std::vector<std::string>{"A (calls stop)", "B", "C (scheduled by A)"});
    }
}

TEST_CASE("stop before run_forever makes it run exactly one iteration", "[lab01][run_forever]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<std::string> log;

    SECTION("only the callbacks ready at the start run") {
        INFO("A was scheduled (A schedules B), stop() was called, then run_forever. One iteration "
             "runs A; B must wait for a later run.");
        loop.call_soon([&] {
            log.push_back("A");
            loop.call_soon(record(log, "B (scheduled by A)"));
        });
        loop.stop();
        loop.run_forever();
        REQUIRE(log == std::vector<std::string>{"A"});
    }
    SECTION("on an idle loop the single iteration polls and returns") {
        INFO("stop() was called on a loop with nothing scheduled, then run_forever. It must run one "
             "iteration whose wait step polls (a stop is pending), then return.");
        loop.stop();
        loop.run_forever();
        REQUIRE(describe_waits(platform.waits) == std::vector<std::string>{"poll"});
    }
}

TEST_CASE("stop only ends the run it was called in: the next run_forever keeps going until stop is called again",
          "[lab01][run_forever]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<std::string> log;

    INFO("First run: A calls stop(). Second run: B schedules C, C schedules D, D calls stop(). "
         "run_forever must forget the first stop() when it returns, or the second run ends after B.");
    loop.call_soon([&] {
        log.push_back("A (calls stop)");
        loop.stop();
    });
    loop.run_forever();

    loop.call_soon([&] {
        log.push_back("B");
        loop.call_soon([&] {
            log.push_back("C");
            loop.call_soon([&] {
                log.push_back("D (calls stop)");
                loop.stop();
            });
        });
    });
    loop.run_forever();

    REQUIRE(log == std::vector<std::string>{"A (calls stop)", "B", "C", "D (calls stop)"});
}

TEST_CASE("is_running is true inside a callback and false before and after run_forever", "[lab01][is_running][run_forever]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<bool> observed;

    INFO("is_running() was read before run_forever, inside a callback it ran, and after it returned.");
    observed.push_back(loop.is_running());
    loop.call_soon([&] {
        observed.push_back(loop.is_running());
        loop.stop();
    });
    loop.run_forever();
    observed.push_back(loop.is_running());

    REQUIRE(observed == std::vector<bool>{false, true, false});
}

TEST_CASE("run_forever on a running loop is refused and the loop carries on", "[lab01][run_forever]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<std::string> log;

    INFO("A callback calls stop(), then calls run_forever again on its own (running) loop and catches "
         "what it throws, then checks is_running().");
    loop.call_soon([&] {
        loop.stop();
        try {
            loop.run_forever();
            log.push_back("the nested run_forever returned normally");
        } catch (const std::runtime_error& error) {
            log.push_back(std::string("threw std::runtime_error: ") + error.what());
        }
        log.push_back(loop.is_running() ? "still running" : "not running");
    });
    loop.run_forever();

    SECTION("the nested call throws std::runtime_error saying the loop is already running") {
        REQUIRE(log.at(0) == "threw std::runtime_error: This event loop is already running");
    }
    SECTION("the refused call leaves the loop running") {
        INFO("Refusing must not touch the flags of the run in progress.");
        REQUIRE(log == std::vector<std::string>{"threw std::runtime_error: This event loop is already running",
                                                "still running"});
    }
    SECTION("after the outer run_forever returned the loop is stopped and can run again") {
        REQUIRE_FALSE(loop.is_running());
        loop.call_soon(record(log, "second run"));
        schedule_stop(loop);
        loop.run_forever();
        REQUIRE(log.back() == "second run");
    }
}

TEST_CASE("run_forever leaves the loop not running when an iteration throws so it can run again",
          "[lab01][run_forever]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<std::string> log;

    INFO("run_forever was called with nothing scheduled and no stop. The loop asks to sleep forever, so "
         "the virtual platform throws from the wait step: an exception leaves run_forever mid-iteration. "
         "run_forever must reset its flags however it exits (Python uses try/finally; see scope_exit.hpp).");
    std::string error = what_thrown([&] { loop.run_forever(); });
    CAPTURE(error);

    SECTION("the platform's error comes out of run_forever") {
        REQUIRE_THAT(error, Catch::Matchers::StartsWith("the loop asked to wait with no deadline"));
    }
    SECTION("the loop is no longer running") {
        REQUIRE_FALSE(loop.is_running());
    }
    SECTION("the loop can run again") {
        loop.call_soon(record(log, "ran after the failure"));
        schedule_stop(loop);
        REQUIRE_NOTHROW(loop.run_forever());
        REQUIRE(log == std::vector<std::string>{"ran after the failure"});
    }
}

TEST_CASE("a closed loop refuses new work with the error Event loop is closed", "[lab01][check_closed][call_soon][run_forever]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};

    INFO("The loop was closed.");
    loop.close();
    REQUIRE(loop.is_closed());

    SECTION("call_soon throws") {
        REQUIRE_THROWS_MATCHES(loop.call_soon([] {}), std::runtime_error,
                               Catch::Matchers::Message("Event loop is closed"));
    }
    SECTION("run_forever throws") {
        REQUIRE_THROWS_MATCHES(loop.run_forever(), std::runtime_error,
                               Catch::Matchers::Message("Event loop is closed"));
    }
}

TEST_CASE("close can be called more than once", "[lab01][close]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};

    INFO("A new loop is open; then close() was called twice.");
    REQUIRE_FALSE(loop.is_closed());
    loop.close();
    REQUIRE_NOTHROW(loop.close());
    REQUIRE(loop.is_closed());
}

TEST_CASE("close refuses while the loop is running", "[lab01][close]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<std::string> log;

    INFO("A callback calls stop(), then close() on its own running loop, and catches what it throws.");
    loop.call_soon([&] {
        loop.stop();
        try {
            loop.close();
            log.push_back("close returned normally");
        } catch (const std::runtime_error& error) {
            log.push_back(std::string("threw std::runtime_error: ") + error.what());
        }
    });
    loop.run_forever();

    SECTION("close throws std::runtime_error saying the loop is running") {
        REQUIRE(log == std::vector<std::string>{"threw std::runtime_error: Cannot close a running event loop"});
    }
    SECTION("the refused close leaves the loop open") {
        INFO("After run_forever returned, the loop must still accept work.");
        REQUIRE_FALSE(loop.is_closed());
        loop.call_soon(record(log, "ran after the refused close"));
        schedule_stop(loop);
        loop.run_forever();
        REQUIRE(log.back() == "ran after the refused close");
    }
}

TEST_CASE("close drops the scheduled callbacks and frees what they captured", "[lab01][close]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    auto captured = std::make_shared<std::string>("state held by a callback that never runs");

    INFO("A callback capturing a shared_ptr was scheduled (its handle not kept), then the loop was closed "
         "without running.");
    loop.call_soon([captured] { captured->append(" (used)"); });
    REQUIRE(loop.ready_count() == 1);
    loop.close();

    SECTION("the ready queue is empty") {
        REQUIRE(loop.ready_count() == 0);
    }
    SECTION("what the callback captured is freed") {
        INFO("Only the test still owns the shared_ptr: close() destroyed the callback.");
        REQUIRE(captured.use_count() == 1);
    }
}
