// Lab 04 specification, part 5: which loop. Inside a task, get_running_loop() is the loop that steps it; a
// coroutine belongs to the loop that is current when it is created; looplab::run (asyncio.run) runs a main
// coroutine on a fresh loop and then restores the previous one (CPython's test_asyncio/test_runners.py, test_events.py).
// See labs/04-tasks/README.md and TUTORIAL.md#lab-04-coroutine-tasks.
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "looplab_catch.hpp"
#include "loop_test_helpers.hpp"
#include "task.hpp"
#include "virtual_platform.hpp"

using namespace looplab::testing;  // ParseError, what_thrown_as: loop_test_helpers.hpp
using namespace std::chrono_literals;

namespace {

// The loops a coroutine saw while it ran.
struct SeenLoops {
    const looplab::EventLoop* running = nullptr;  // get_running_loop()
    const looplab::EventLoop* current = nullptr;  // get_event_loop()
};

// --- The tests' coroutines. Free functions taking their parameters by value: a coroutine may run long
// after its caller returned, so references (and lambda captures) could dangle. ---------------------------

// Records the loops, yields once with sleep(0) (so it takes two steps), then returns 42.
looplab::Task<int> looks_around(SeenLoops* seen) {
    seen->running = &looplab::get_running_loop();
    seen->current = &looplab::get_event_loop();
    co_await looplab::sleep(0ms);
    co_return 42;
}

looplab::Task<int> fails_after_a_yield() {
    co_await looplab::sleep(0ms);
    throw ParseError("main failed");
    co_return 0;
}

}  // namespace

TEST_CASE("inside a task get_running_loop() is the loop that runs it, and outside run_forever it throws",
          "[lab04][start][step]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};

    INFO("run_until_complete(loop, a task that records get_running_loop()) was called.");
    SeenLoops seen;
    const int result = looplab::run_until_complete(loop, looks_around(&seen));
    CAPTURE(result);

    SECTION("inside the task it was the loop given to run_until_complete") {
        INFO("run_forever marks its loop as this thread's running loop while it runs (the kit does this).");
        REQUIRE(seen.running == &loop);
    }
    SECTION("once run_until_complete has returned it throws std::runtime_error(\"no running event loop\")") {
        REQUIRE(what_thrown_as<std::runtime_error>([] { looplab::get_running_loop(); }) == "no running event loop");
    }
}

TEST_CASE("a coroutine belongs to the loop that was current when it was created", "[lab04][start]") {
    looplab::testing::VirtualPlatform first_platform;
    looplab::EventLoop first{first_platform};
    looplab::testing::VirtualPlatform second_platform;
    looplab::EventLoop second{second_platform};

    INFO("Two loops. set_event_loop(&second), then the coroutine was created, then set_event_loop(&first). "
         "run_until_complete(second, task) was called. The coroutine's task is made when the coroutine is created "
         "(get_return_object), on get_event_loop(): that is why the tests make the loop under test current.");
    looplab::set_event_loop(&second);
    SeenLoops seen;
    looplab::Task<int> task = looks_around(&seen);
    looplab::set_event_loop(&first);
    const int result = looplab::run_until_complete(second, task);
    CAPTURE(result);

    SECTION("its task's get_loop() is the loop that was current then") {
        REQUIRE(&task.get_loop() == &second);
    }
    SECTION("its steps ran on that loop, and the other loop never ran") {
        REQUIRE(seen.running == &second);
        REQUIRE(looplab::testing::describe_waits(first_platform.waits) == std::vector<std::string>{});
    }
}

TEST_CASE("looplab::run runs the main coroutine on a loop of its own and then restores the previous current loop",
          "[lab04][start][finish_from_coroutine]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    looplab::set_event_loop(&loop);

    SECTION("it returns what the main coroutine co_returns") {
        INFO("looplab::run([&] { return looks_around(&seen); }) was called; the coroutine returns 42.");
        SeenLoops seen;
        REQUIRE(looplab::run([&seen] { return looks_around(&seen); }) == 42);
    }
    SECTION("the main coroutine ran on a new loop, which was also the current loop meanwhile") {
        INFO("run takes a function that makes the coroutine, so the coroutine is created while run's own loop is "
             "current, and belongs to it.");
        SeenLoops seen;
        looplab::run([&seen] { return looks_around(&seen); });
        REQUIRE(seen.running != nullptr);
        REQUIRE(seen.running != &loop);
        REQUIRE(seen.current == seen.running);
    }
    SECTION("afterwards the test's loop is the current loop again") {
        SeenLoops seen;
        looplab::run([&seen] { return looks_around(&seen); });
        REQUIRE(&looplab::get_event_loop() == &loop);
    }
    SECTION("an exception from the main coroutine comes out of run, and the previous loop is restored as well") {
        INFO("The main coroutine throws ParseError(\"main failed\") after a sleep(0).");
        REQUIRE(what_thrown_as<ParseError>([] { looplab::run([] { return fails_after_a_yield(); }); }) ==
                "main failed");
        REQUIRE(&looplab::get_event_loop() == &loop);
    }
}
