// Lab 03 specification, part 4: run_until_complete(loop, future) runs the loop until the future is done,
// returns its result or rethrows its exception, and leaves the loop ready to run again (CPython's
// test_run_until_complete_stopped in Lib/test/test_asyncio/test_base_events.py).
// See labs/03-futures/README.md and TUTORIAL.md#lab-03-futures.
#include <chrono>
#include <exception>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "event_loop.hpp"
#include "future.hpp"
#include "looplab_catch.hpp"
#include "loop_test_helpers.hpp"
#include "virtual_platform.hpp"

using namespace looplab::testing;  // record, schedule_stop, what_thrown, ...: loop_test_helpers.hpp
using namespace std::chrono_literals;

namespace {

// Schedules a callback that logs "tick <n>" and schedules tick n + 1, calling stop() on tick 3
// instead. A run_forever that starts with tick 1 pending must log exactly three ticks: fewer
// means something else stopped the loop early.
void schedule_tick(looplab::EventLoop& loop, std::vector<std::string>& log, int n = 1) {
    loop.call_soon([&loop, &log, n] {
        log.push_back("tick " + std::to_string(n));
        if (n == 3) {
            loop.stop();
        } else {
            schedule_tick(loop, log, n + 1);
        }
    }, "tick");
}

}  // namespace

TEST_CASE("run_until_complete runs the loop until the future is done and returns its result",
          "[lab03][run_until_complete]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<std::string> log;

    INFO("A callback \"producer\" that calls set_result(42) was scheduled with call_soon, and a done callback "
         "that logs the result was added to the Future<int>. Then run_until_complete(loop, future) was called.");
    looplab::Future<int> future(loop);
    loop.call_soon([&log, future]() mutable {
        log.push_back("producer sets 42");
        future.set_result(42);
    }, "producer");
    future.add_done_callback([&log](looplab::Future<int>& done) {
        log.push_back("done callback got " + std::to_string(done.result()));
    });
    const int result = looplab::run_until_complete(loop, future);

    SECTION("it returns the result") {
        REQUIRE(result == 42);
    }
    SECTION("the loop ran the producer and the done callback added before it") {
        REQUIRE(log == std::vector<std::string>{"producer sets 42", "done callback got 42"});
    }
    SECTION("the loop is not running once it has returned") {
        REQUIRE_FALSE(loop.is_running());
    }
}

TEST_CASE("run_until_complete keeps the loop running through timers until one completes the future",
          "[lab03][run_until_complete]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<std::string> log;
    const looplab::TimePoint start = loop.time();

    INFO("Timers at 1 s and 2 s only log; the timer at 3 s calls set_result(\"ready\") on a Future<std::string>. "
         "Then run_until_complete(loop, future) was called. Each timer needs its own iteration, so the loop must "
         "keep going until the future is done, not stop after one iteration.");
    looplab::Future<std::string> future(loop);
    loop.call_later(1s, record(log, "timer at 1s"));
    loop.call_later(2s, record(log, "timer at 2s"));
    loop.call_later(3s, [&log, future]() mutable {
        log.push_back("timer at 3s sets the result");
        future.set_result("ready");
    });
    const std::string result = looplab::run_until_complete(loop, future);

    SECTION("it returns the result the timer set") {
        REQUIRE(result == "ready");
    }
    SECTION("every timer ran, in deadline order") {
        REQUIRE(log == std::vector<std::string>{"timer at 1s", "timer at 2s", "timer at 3s sets the result"});
    }
    SECTION("the loop's virtual time reached the last timer's deadline, 3 s") {
        const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(loop.time() - start);
        CAPTURE(elapsed.count());
        REQUIRE(loop.time() - start == 3s);
    }
}

TEST_CASE("run_until_complete on a future that is already done returns its result after one iteration",
          "[lab03][run_until_complete][add_done_callback]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};

    INFO("set_result(5) was called on a Future<int>, then run_until_complete(loop, future). Its stop callback, "
         "added to a done future, is scheduled at once, so the first iteration stops the loop.");
    looplab::Future<int> future(loop);
    future.set_result(5);
    const int result = looplab::run_until_complete(loop, future);

    SECTION("it returns the result") {
        REQUIRE(result == 5);
    }
    SECTION("the loop ran exactly one iteration") {
        INFO("platform.waits has one entry per iteration's wait step.");
        REQUIRE(describe_waits(platform.waits) == std::vector<std::string>{"poll"});
    }
}

TEST_CASE("run_until_complete rethrows the exception the future holds", "[lab03][run_until_complete][check_result]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};

    INFO("A callback calls set_exception(ParseError(\"unexpected '}' at line 3\")) on a Future<int> "
         "(ParseError is the test's own exception type, derived from std::runtime_error). Then "
         "run_until_complete(loop, future) was called.");
    looplab::Future<int> future(loop);
    loop.call_soon([future]() mutable {
        future.set_exception(std::make_exception_ptr(ParseError("unexpected '}' at line 3")));
    }, "fail");

    SECTION("it throws the stored exception, with its own type and what()") {
        INFO("Anything but a ParseError shows up below as an unexpected exception. run_until_complete returns "
             "future.result(), which must rethrow the stored exception_ptr itself (std::rethrow_exception).");
        REQUIRE(what_thrown_as<ParseError>([&] { looplab::run_until_complete(loop, future); }) ==
                "unexpected '}' at line 3");
    }
    SECTION("the loop is not running after it threw") {
        REQUIRE_THROWS_AS(looplab::run_until_complete(loop, future), ParseError);
        REQUIRE_FALSE(loop.is_running());
    }
}

TEST_CASE("run_until_complete throws when the loop stops before the future is done",
          "[lab03][run_until_complete]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<std::string> log;

    INFO("A callback that calls loop.stop() was scheduled, and nothing completes the Future<int>. Then "
         "run_until_complete(loop, future) was called: run_forever returns after the first iteration with the "
         "future still pending (CPython's test_run_until_complete_stopped).");
    looplab::Future<int> future(loop);
    schedule_stop(loop);
    const std::string thrown =
        what_thrown_as<std::runtime_error>([&] { looplab::run_until_complete(loop, future); });

    SECTION("it throws std::runtime_error(\"Event loop stopped before Future completed.\")") {
        REQUIRE(thrown == "Event loop stopped before Future completed.");
    }
    SECTION("the future is still pending and the loop is not running") {
        REQUIRE_FALSE(future.done());
        REQUIRE_FALSE(loop.is_running());
    }
    SECTION("its stop callback was removed: completing the future later does not stop the next run early") {
        INFO("Then set_result(1) was called, and run_forever started with a callback that ticks three times and "
             "stops the loop on tick 3. If run_until_complete had left its stop callback on the future, "
             "set_result would schedule it, and the run would stop after tick 1.");
        REQUIRE(thrown == "Event loop stopped before Future completed.");
        future.set_result(1);
        schedule_tick(loop, log);
        loop.run_forever();
        REQUIRE(log == std::vector<std::string>{"tick 1", "tick 2", "tick 3"});
    }
    SECTION("the loop can run again: a second run_until_complete returns the result") {
        INFO("Then a callback calling set_result(9) was scheduled, and run_until_complete was called again.");
        REQUIRE(thrown == "Event loop stopped before Future completed.");
        loop.call_soon([future]() mutable { future.set_result(9); }, "producer");
        REQUIRE(looplab::run_until_complete(loop, future) == 9);
    }
}

TEST_CASE("after run_until_complete returns, the loop can run again and stops only when asked",
          "[lab03][run_until_complete]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<std::string> log;

    INFO("run_until_complete(loop, first) returned 1 (a callback set the result).");
    looplab::Future<int> first(loop);
    loop.call_soon([first]() mutable { first.set_result(1); }, "producer");
    REQUIRE(looplab::run_until_complete(loop, first) == 1);

    SECTION("a second run_until_complete, on another future, returns its result") {
        INFO("Then run_until_complete(loop, second), where a timer sets second's result to 2 after 1 s.");
        looplab::Future<int> second(loop);
        loop.call_later(1s, [second]() mutable { second.set_result(2); });
        REQUIRE(looplab::run_until_complete(loop, second) == 2);
    }
    SECTION("a later run_forever keeps going until its own stop") {
        INFO("Then run_forever started with a callback that ticks three times and stops the loop on tick 3. "
             "Nothing left over from run_until_complete (its stop callback, or a stop flag) may end it sooner.");
        schedule_tick(loop, log);
        loop.run_forever();
        REQUIRE(log == std::vector<std::string>{"tick 1", "tick 2", "tick 3"});
    }
}

TEST_CASE("run_until_complete removes its stop callback even when run_forever throws", "[lab03][run_until_complete]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<std::string> log;

    INFO("While run_forever was running, a callback named \"nested\" called run_until_complete(loop, future), "
         "which must throw (run_forever refuses: \"This event loop is already running\"), then called "
         "set_result(1). A callback ticking three times (stop on tick 3) was scheduled behind it. If the stop "
         "callback had stayed on the future, set_result would schedule it and the run would stop after tick 2. "
         "The exception handler logs anything that escapes a callback.");
    loop.set_exception_handler([&log](looplab::EventLoop&, const looplab::ExceptionContext& context) {
        log.push_back("exception handler: " + context.message + ": " + what_of(context.exception));
    });
    looplab::Future<int> future(loop);
    loop.call_soon([&] {
        log.push_back("nested run_until_complete threw: " +
                      what_thrown_as<std::runtime_error>([&] { looplab::run_until_complete(loop, future); }));
        future.set_result(1);
    }, "nested");
    schedule_tick(loop, log);
    loop.run_forever();

    REQUIRE(log == std::vector<std::string>{"nested run_until_complete threw: This event loop is already running",
                                            "tick 1", "tick 2", "tick 3"});
}

TEST_CASE("run_until_complete refuses a future that belongs to another loop", "[lab03][run_until_complete]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    looplab::testing::VirtualPlatform other_platform;
    looplab::EventLoop other_loop{other_platform};
    std::vector<std::string> log;

    INFO("A Future<int> of other_loop was passed to run_until_complete(loop, ...). A callback was scheduled on "
         "loop, so running it would show in the log.");
    looplab::Future<int> foreign(other_loop);
    loop.call_soon(record(log, "loop ran"));

    SECTION("it throws std::invalid_argument") {
        REQUIRE_THROWS_AS(looplab::run_until_complete(loop, foreign), std::invalid_argument);
    }
    SECTION("it refuses before running the loop") {
        REQUIRE_THROWS_AS(looplab::run_until_complete(loop, foreign), std::invalid_argument);
        REQUIRE(log.empty());
    }
    SECTION("it adds nothing to the future: completing it later schedules nothing on its loop") {
        INFO("After the refusal, set_result(3) was called on the foreign future, which had no done callbacks.");
        REQUIRE_THROWS_AS(looplab::run_until_complete(loop, foreign), std::invalid_argument);
        foreign.set_result(3);
        CAPTURE(other_loop.ready_count());
        REQUIRE(other_loop.ready_count() == 0);
    }
}

TEST_CASE("run_until_complete works for a Future<void>", "[lab03][run_until_complete]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};

    INFO("A callback calls set_result() on a Future<void>; then run_until_complete(loop, future) was called.");
    looplab::Future<void> future(loop);
    loop.call_soon([future]() mutable { future.set_result(); }, "producer");

    REQUIRE_NOTHROW(looplab::run_until_complete(loop, future));
    REQUIRE(future.done());
}
