// Lab 07 specification, part 1: AsioPlatform, a Platform whose wait step runs an asio::io_context on the loop
// thread. wait(timeout) runs the io_context for at most `timeout` and then polls every handler that is ready, so
// Asio's timers, sockets and resolvers complete inside the loop's wait step; wake() posts an empty handler, so
// call_soon_threadsafe wakes the loop through Asio. (asyncio: the selector loop that every asyncio-native library
// registers its sockets with; CPython's test_call_soon_threadsafe for the wake-up.)
// See labs/07-asio/README.md and TUTORIAL.md#lab-07-natively-async-libraries-asio.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <asio/post.hpp>
#include <asio/steady_timer.hpp>

#include "asio_platform.hpp"
#include "asio_test_helpers.hpp"
#include "event_loop.hpp"
#include "looplab_catch.hpp"
#include "loop_test_helpers.hpp"

using namespace looplab::testing;  // safety_limit: asio_test_helpers.hpp; record, what_thrown: loop_test_helpers.hpp
using namespace std::chrono_literals;

// --- The platform on its own: wait and wake, no loop ------------------------------------------------------------

TEST_CASE("wait with a zero timeout runs every handler that is ready and returns", "[lab07][wait]") {
    looplab::AsioPlatform platform;
    std::vector<std::string> log;

    INFO("Three handlers were posted to platform.context(); then platform.wait(0ns), the loop's poll.");
    asio::post(platform.context(), record(log, "first"));
    asio::post(platform.context(), record(log, "second"));
    asio::post(platform.context(), record(log, "third"));
    platform.wait(looplab::Duration::zero());

    INFO("A zero timeout must not sleep, but it must run what is ready: io_context::poll(), in the order posted.");
    REQUIRE(log == std::vector<std::string>{"first", "second", "third"});
}

TEST_CASE("wait with no deadline returns once a handler has run, after running the others that are ready too",
          "[lab07][wait]") {
    looplab::AsioPlatform platform;
    std::vector<std::string> log;

    INFO("Two handlers were posted; then platform.wait(std::nullopt), which may sleep until a handler runs.");
    asio::post(platform.context(), record(log, "first"));
    asio::post(platform.context(), record(log, "second"));
    platform.wait(std::nullopt);

    INFO("run_one() returns after the first handler; the second is ready as well and must not wait for the next "
         "iteration: poll() after run_one() runs it in the same wait step.");
    REQUIRE(log == std::vector<std::string>{"first", "second"});
}

TEST_CASE("wait with a timeout and nothing to do leaves the io_context able to run later handlers",
          "[lab07][wait]") {
    looplab::AsioPlatform platform;
    std::vector<std::string> log;

    INFO("platform.wait(1ms) with nothing posted, then a handler was posted and platform.wait(0ns) ran.");
    platform.wait(1ms);
    asio::post(platform.context(), record(log, "later"));
    platform.wait(looplab::Duration::zero());

    INFO("An io_context that runs out of work stops, and then runs nothing until restart(). The platform's work "
         "guard keeps it from running out: a wait that found nothing to do must not break the next one. If "
         "wait(0ns) ran nothing at all, check that your wait polls in every case, after run_one_for too.");
    REQUIRE_FALSE(platform.context().stopped());
    REQUIRE(log == std::vector<std::string>{"later"});
}

TEST_CASE("wait still runs handlers after someone stopped the io_context", "[lab07][wait]") {
    looplab::AsioPlatform platform;
    std::vector<std::string> log;

    INFO("Some code called platform.context().stop(); then a handler was posted and platform.wait(0ns) ran.");
    platform.context().stop();
    asio::post(platform.context(), record(log, "after stop"));
    platform.wait(looplab::Duration::zero());

    INFO("A stopped io_context runs nothing until restart(): the wait step restarts it first, because the loop "
         "needs it for as long as the loop runs.");
    REQUIRE(log == std::vector<std::string>{"after stop"});
}

TEST_CASE("a wake-up before the wait makes a wait with no deadline return at once", "[lab07][wake]") {
    looplab::AsioPlatform platform;

    INFO("platform.wake(), then platform.wait(std::nullopt) with nothing else to do (if wake() does nothing, this "
         "wait never returns and the kit stops the test after 5 s).");
    platform.wake();
    platform.wait(std::nullopt);

    INFO("wake() posts an empty handler; the wait runs it and returns. No wake-up is left over for the next wait.");
    REQUIRE(platform.context().poll() == 0);
}

TEST_CASE("wake from another thread ends a wait with no deadline", "[lab07][wake]") {
    looplab::AsioPlatform platform;
    std::string thrown = "(the other thread never ran)";

    INFO("Another thread called platform.wake() while (or just before) this thread called "
         "platform.wait(std::nullopt).");
    std::jthread other([&] { thrown = what_thrown([&] { platform.wake(); }); });
    platform.wait(std::nullopt);
    other.join();

    INFO("asio::post is thread-safe, so wake() may be called on any thread; the wait returns after running it.");
    REQUIRE(thrown == "(nothing was thrown)");
}

// --- The platform under a loop ----------------------------------------------------------------------------------

TEST_CASE("an Asio timer that has already expired completes on the loop thread inside the wait step",
          "[lab07][wait]") {
    looplab::AsioPlatform platform;
    looplab::EventLoop loop(platform);
    asio::steady_timer timer(platform.context());
    const std::thread::id loop_thread = std::this_thread::get_id();
    std::vector<std::string> log;
    std::optional<std::thread::id> ran_on;

    INFO("A steady_timer on platform.context() expires at once (expires_after(0ns)); its handler notes its thread "
         "and schedules a callback with loop.call_soon. Nothing else is scheduled but a safety timer 2 s away. Then "
         "the test runs exactly one iteration: loop.run_once().");
    timer.expires_after(0ns);
    timer.async_wait([&](std::error_code error) {
        ran_on = std::this_thread::get_id();
        log.push_back(error ? "timer handler: " + error.message() : "timer handler");
        loop.call_soon(record(log, "callback the handler scheduled"), "scheduled by the handler");
    });
    looplab::TimerHandle safety = loop.call_later(safety_limit, [] {}, "safety timer");
    loop.run_once();
    safety.cancel();

    INFO("One iteration is: wait, threadsafe callbacks, due timers, the ready queue. The timer's handler can only "
         "have run in the wait step (the platform runs the io_context there), on the loop thread; the callback it "
         "scheduled was in the ready queue before the iteration ran it.");
    REQUIRE(log == std::vector<std::string>{"timer handler", "callback the handler scheduled"});
    REQUIRE(ran_on == loop_thread);
}

TEST_CASE("a handler posted to the io_context from another thread wakes a loop that waits with no deadline",
          "[lab07][wait]") {
    looplab::AsioPlatform platform;
    looplab::EventLoop loop(platform);
    const std::thread::id loop_thread = std::this_thread::get_id();
    std::optional<std::thread::id> ran_on;

    INFO("Nothing is scheduled on the loop, so its wait step has no deadline. Another thread posts a handler to "
         "platform.context(); the test runs one iteration, loop.run_once(). (A wait that ignores Asio never "
         "returns: the kit stops the test after 5 s.)");
    std::jthread other([&] { asio::post(platform.context(), [&] { ran_on = std::this_thread::get_id(); }); });
    loop.run_once();
    other.join();

    INFO("The wait step sleeps inside Asio, so work arriving for Asio ends it, and the handler runs on the loop "
         "thread, not on the thread that posted it.");
    REQUIRE(ran_on == loop_thread);
}

TEST_CASE("call_soon_threadsafe from another thread wakes the loop through Asio", "[lab07][wake]") {
    looplab::AsioPlatform platform;
    looplab::EventLoop loop(platform);
    std::vector<std::string> log;

    INFO("Another thread called loop.call_soon_threadsafe(callback) and ended; nothing else is scheduled, so the "
         "wait step has no deadline. Then the test ran one iteration, loop.run_once().");
    std::string thrown = "(the other thread never ran)";
    std::jthread other([&] {
        thrown = what_thrown([&] { loop.call_soon_threadsafe(record(log, "from the other thread"), "threadsafe"); });
    });
    other.join();
    REQUIRE(thrown == "(nothing was thrown)");
    loop.run_once();

    INFO("call_soon_threadsafe queues the callback and calls platform.wake(), which posts an empty handler: the "
         "wait step runs it and returns, and the same iteration runs the callback.");
    REQUIRE(log == std::vector<std::string>{"from the other thread"});
}

TEST_CASE("the loop's own timers still run on an AsioPlatform", "[lab07][wait]") {
    looplab::AsioPlatform platform;
    looplab::EventLoop loop(platform);
    std::vector<std::string> log;

    INFO("loop.call_later(2ms, second), loop.call_later(1ms, first), loop.call_later(3ms, stop); then run_forever. "
         "Asio knows nothing of these timers: the wait step must sleep for the loop's timeout and return.");
    loop.call_later(2ms, record(log, "second"), "second");
    loop.call_later(1ms, record(log, "first"), "first");
    loop.call_later(3ms, [&] {
        log.push_back("stop");
        loop.stop();
    }, "stop");
    looplab::TimerHandle safety = loop.call_later(safety_limit, [&] {
        log.push_back("safety timer");
        loop.stop();
    }, "safety timer");
    loop.run_forever();
    safety.cancel();

    INFO("wait(timeout) runs the io_context for at most the timeout: run_one_for, not run_one.");
    REQUIRE(log == std::vector<std::string>{"first", "second", "stop"});
}
