// Lab 01 specification, part 1: call_soon, cancelling a handle, and what one iteration of the
// loop (run_once) runs and how long it may wait. Mirrors CPython's test_call_soon and
// test__run_once (Lib/test/test_asyncio/test_base_events.py).
// See labs/01-callbacks/README.md and TUTORIAL.md#lab-01-callbacks-and-the-ready-queue.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "event_loop.hpp"
#include "looplab_catch.hpp"
#include "loop_test_helpers.hpp"
#include "virtual_platform.hpp"

using namespace looplab::testing;  // record, schedule_stop, what_thrown, ...: loop_test_helpers.hpp


TEST_CASE("call_soon runs callbacks in the order they were scheduled", "[lab01][call_soon][run_ready]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<std::string> log;

    INFO("Three callbacks were scheduled with call_soon, then the loop ran one iteration.");
    loop.call_soon(record(log, "first"));
    loop.call_soon(record(log, "second"));
    loop.call_soon(record(log, "third"));
    loop.run_once();

    INFO("The ready queue is first in, first out.");
    REQUIRE(log == std::vector<std::string>{"first", "second", "third"});
}

TEST_CASE("call_soon only schedules: the callback waits until the loop runs", "[lab01][call_soon]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<std::string> log;

    INFO("A callback was scheduled with call_soon; the loop has not run yet.");
    loop.call_soon(record(log, "ran"));

    SECTION("the callback has not run inside call_soon") {
        INFO("call_soon must never call the callback itself: it only appends it to the ready queue.");
        REQUIRE(log.empty());
    }
    SECTION("the callback runs when the loop runs an iteration") {
        loop.run_once();
        REQUIRE(log == std::vector<std::string>{"ran"});
    }
}

TEST_CASE("a cancelled callback is skipped and the callbacks around it still run", "[lab01][run_ready][cancel]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<std::string> log;

    INFO("Three callbacks were scheduled, the middle one's handle was cancelled, then the loop ran one iteration. "
         "An exception handler logs any error, e.g. from calling the emptied callback of a cancelled handle.");
    loop.set_exception_handler([&](looplab::EventLoop&, const looplab::ExceptionContext& context) {
        log.push_back("exception handler: " + context.message);
    });
    loop.call_soon(record(log, "first"));
    looplab::Handle middle = loop.call_soon(record(log, "cancelled one"));
    loop.call_soon(record(log, "third"));
    middle.cancel();
    loop.run_once();

    REQUIRE(middle.cancelled());
    REQUIRE(log == std::vector<std::string>{"first", "third"});
}

TEST_CASE("cancelling a handle frees what its callback captured at once", "[lab01][cancel]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    auto captured = std::make_shared<std::string>("big state the callback holds on to");

    INFO("A callback capturing a shared_ptr was scheduled, so two owners exist: the test and the callback.");
    looplab::Handle handle = loop.call_soon([captured] { captured->append(" (used)"); });
    REQUIRE(captured.use_count() == 2);

    INFO("Then its handle was cancelled, before the loop ran. The callback can never run now, so cancel() "
         "must drop it at once, leaving the test as the only owner (asyncio's Handle.cancel does the same).");
    handle.cancel();
    REQUIRE(captured.use_count() == 1);
}

TEST_CASE("cancelling a handle twice or after its callback ran is harmless", "[lab01][cancel]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<std::string> log;

    looplab::Handle handle = loop.call_soon(record(log, "ran"));

    SECTION("cancelling twice before the loop runs: no error and the callback never runs") {
        INFO("A callback was scheduled, its handle was cancelled twice, then the loop ran one iteration.");
        handle.cancel();
        REQUIRE_NOTHROW(handle.cancel());
        REQUIRE(handle.cancelled());
        loop.run_once();
        REQUIRE(log.empty());
    }
    SECTION("cancelling after the callback ran: no error and nothing runs again") {
        INFO("A callback was scheduled and ran in one iteration; then its handle was cancelled, another "
             "callback was scheduled, and the loop ran a second iteration.");
        loop.run_once();
        REQUIRE_NOTHROW(handle.cancel());
        loop.call_soon(record(log, "next"));
        loop.run_once();
        REQUIRE(log == std::vector<std::string>{"ran", "next"});
    }
}

TEST_CASE("a callback may cancel its own handle while it runs", "[lab01][run_handle]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    auto state = std::make_shared<std::string>("state the callback captured");
    std::weak_ptr<std::string> watch = state;
    bool alive_after_cancel = false;

    INFO("A callback captured a shared_ptr, cancelled its own handle while running, then checked that "
         "what it captured was still alive. Cancelling drops the handle's callback, so run_handle must "
         "not be calling the stored callback itself: move it into a local first (asyncio keeps a "
         "reference to the callback while it runs, too).");
    looplab::Handle self;
    self = loop.call_soon([&self, &alive_after_cancel, watch, state] {
        self.cancel();
        alive_after_cancel = !watch.expired();
    });
    state.reset();  // from here on, only the callback owns the state
    loop.run_once();

    REQUIRE(alive_after_cancel);
    INFO("Once the callback has run, nothing should hold on to what it captured.");
    REQUIRE(watch.expired());
}

TEST_CASE("one iteration runs exactly the callbacks that were ready when it began", "[lab01][run_ready]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<std::string> log;

    INFO("A and B were scheduled. A, when it runs, schedules C.");
    loop.call_soon([&] {
        log.push_back("A");
        loop.call_soon(record(log, "C (scheduled by A)"));
    });
    loop.call_soon(record(log, "B"));

    SECTION("the first iteration runs A and B but not C") {
        INFO("The loop ran one iteration. C joined the ready queue during it, so it must wait: count the "
             "ready callbacks before running any (asyncio's ntodo), and run only that many.");
        loop.run_once();
        REQUIRE(log == std::vector<std::string>{"A", "B"});
    }
    SECTION("the second iteration runs C") {
        INFO("The loop ran two iterations.");
        loop.run_once();
        loop.run_once();
        REQUIRE(log == std::vector<std::string>{"A", "B", "C (scheduled by A)"});
    }
}

TEST_CASE("a callback that reschedules itself runs once per iteration so the loop still reaches its wait step",
          "[lab01][run_ready]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    int runs = 0;

    INFO("A callback that schedules itself again every time it runs (what asyncio.sleep(0) amounts to) "
         "was scheduled. (It stops rescheduling after 100 runs, only so that a loop which keeps running "
         "new callbacks fails this test instead of hanging it.)");
    std::function<void()> again = [&] {
        ++runs;
        if (runs < 100) loop.call_soon(again, "again");
    };
    loop.call_soon(again, "again");

    SECTION("one iteration runs it once") {
        INFO("The loop ran one iteration. If an iteration kept running what was scheduled during it, "
             "this callback would never let the iteration end.");
        loop.run_once();
        REQUIRE(runs == 1);
    }
    SECTION("three iterations run it three times and each one goes through the wait step") {
        INFO("The loop ran three iterations. platform.waits records each wait the loop asked for: one per "
             "iteration, and since a callback was always ready, none may block (\"poll\" is timeout 0).");
        loop.run_once();
        loop.run_once();
        loop.run_once();
        REQUIRE(runs == 3);
        REQUIRE(describe_waits(platform.waits) == std::vector<std::string>{"poll", "poll", "poll"});
    }
}

TEST_CASE("the wait step does not block when callbacks are ready or a stop is pending", "[lab01][wait_timeout][run_ready]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<std::string> log;

    SECTION("callbacks are ready: the iteration polls and runs them") {
        INFO("A callback was scheduled, then the loop ran one iteration. With work ready, the wait step "
             "must use timeout 0 (\"poll\"), not sleep.");
        loop.call_soon(record(log, "ran"));
        loop.run_once();
        REQUIRE(describe_waits(platform.waits) == std::vector<std::string>{"poll"});
        REQUIRE(log == std::vector<std::string>{"ran"});
    }
    SECTION("nothing is ready but stop() was called: the iteration polls") {
        INFO("stop() was called on an idle loop, then the loop ran one iteration. The loop is about to "
             "stop, so the wait step must not sleep either.");
        loop.stop();
        loop.run_once();
        REQUIRE(describe_waits(platform.waits) == std::vector<std::string>{"poll"});
    }
}

TEST_CASE("the wait step sleeps until woken when nothing is ready and no stop is pending", "[lab01][wait_timeout]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};

    INFO("The loop ran one iteration with an empty ready queue and no stop pending. It must ask to sleep "
         "with no deadline (std::nullopt); the virtual platform then throws instead of hanging the test.");
    std::string error = "(nothing was thrown)";
    try {
        loop.run_once();
    } catch (const std::exception& thrown) {
        error = thrown.what();
    }
    CAPTURE(error);

    REQUIRE(describe_waits(platform.waits) == std::vector<std::string>{"until woken"});
}
