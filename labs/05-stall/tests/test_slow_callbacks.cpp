// Lab 05 specification: debug mode's slow-callback report. With set_debug(true), every callback or task step
// that holds the loop for slow_callback_duration (100 ms unless changed) or longer is reported through the
// exception handler as "Executing <name> took 0.523 seconds" (CPython's test_debug_slow_callbacks).
// See labs/05-stall/README.md and TUTORIAL.md#lab-05-the-stall.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "capture_stderr.hpp"
#include "event_loop.hpp"
#include "looplab_catch.hpp"
#include "loop_test_helpers.hpp"
#include "task.hpp"
#include "virtual_platform.hpp"

using namespace looplab::testing;  // what_of, what_thrown, in_words, messages, ... (loop_test_helpers.hpp), CaptureStderr
using namespace std::chrono_literals;

namespace {

// A callback that blocks the loop for `how_long`. Nothing really sleeps: it moves the virtual clock on by
// `how_long`, which is exactly what the loop would see after a blocking call (a slow query, a sleep) that long.
std::function<void()> blocks_for(looplab::testing::VirtualPlatform& platform, looplab::Duration how_long) {
    return [&platform, how_long] { platform.advance(how_long); };
}

// Runs iterations until nothing is ready and no timer is pending, but at most `limit` of them. Returns what an
// iteration threw, or "(nothing was thrown)".
std::string run_until_idle(looplab::EventLoop& loop, int limit = 1000) {
    return what_thrown([&] {
        for (int i = 0; i < limit && (loop.ready_count() > 0 || loop.timer_count() > 0); ++i) loop.run_once();
    });
}

// --- The tests' coroutines. Free functions taking their parameters by value: a coroutine may run long after its
// caller returned, so references (and lambda captures) could dangle. ------------------------------------------

// Three steps, separated by two sleep(10ms); only the middle one is slow: it blocks the loop 200 ms.
looplab::Task<void> worker(looplab::testing::VirtualPlatform* platform) {
    co_await looplab::sleep(10ms);
    platform->advance(200ms);  // a blocking call inside a coroutine: the loop can run nothing else meanwhile
    co_await looplab::sleep(10ms);
}

// The stall (the scenario of the lab's demo): five tickers that each want to tick every 50 ms, and one task
// that, in a single step, blocks the loop for 500 ms.
struct Stall {
    looplab::testing::VirtualPlatform* platform = nullptr;
    looplab::TimePoint start{};
    std::vector<std::vector<looplab::Duration>> ticks;  // per ticker: when it ticked, since start
    looplab::Duration blocked_from{};                   // the blocker's step, since start
    looplab::Duration blocked_until{};
};

// Ticks (records the time) every 50 ms until 1 s after the start.
looplab::Task<void> ticker(Stall* stall, std::size_t index) {
    while (stall->platform->now() - stall->start < 1s) {
        stall->ticks[index].push_back(stall->platform->now() - stall->start);
        co_await looplab::sleep(50ms);
    }
}

// Sleeps 120 ms, then holds the loop for 500 ms in its second step.
looplab::Task<void> blocker(Stall* stall) {
    co_await looplab::sleep(120ms);
    stall->blocked_from = stall->platform->now() - stall->start;
    stall->platform->advance(500ms);
    stall->blocked_until = stall->platform->now() - stall->start;
}

// Starts the five tickers ("ticker-1" .. "ticker-5") and "blocker", then waits for all of them.
looplab::Task<void> stall_scenario(Stall* stall) {
    std::vector<looplab::Task<void>> tasks;
    for (std::size_t i = 0; i < stall->ticks.size(); ++i) {
        tasks.push_back(looplab::create_task(ticker(stall, i), "ticker-" + std::to_string(i + 1)));
    }
    tasks.push_back(looplab::create_task(blocker(stall), "blocker"));
    for (auto& task : tasks) co_await task;
}

}  // namespace

TEST_CASE("a new loop starts with debug mode off and a slow-callback threshold of 100 ms",
          "[lab05][get_debug][slow_callback_duration]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};

    INFO("A loop was made; nothing was set. As in asyncio, debug mode is opt-in, and its threshold "
         "(loop.slow_callback_duration) starts at 0.1 s. Both live in the `EventLoop debug state` region.");
    SECTION("get_debug() is false") {
        REQUIRE_FALSE(loop.get_debug());
    }
    SECTION("slow_callback_duration() is 100 ms") {
        const looplab::Duration threshold = loop.slow_callback_duration();
        INFO("slow_callback_duration() returned " << in_words(threshold) << ".");
        REQUIRE(threshold == 100ms);
    }
}

TEST_CASE("set_debug turns debug mode on and off and get_debug tells which", "[lab05][set_debug][get_debug]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};

    SECTION("after set_debug(true), get_debug() is true") {
        loop.set_debug(true);
        REQUIRE(loop.get_debug());
    }
    SECTION("after set_debug(true) then set_debug(false), get_debug() is false again") {
        loop.set_debug(true);
        loop.set_debug(false);
        REQUIRE_FALSE(loop.get_debug());
    }
    SECTION("set_debug leaves the threshold alone: still 100 ms") {
        loop.set_debug(true);
        INFO("slow_callback_duration() returned " << in_words(loop.slow_callback_duration()) << ".");
        REQUIRE(loop.slow_callback_duration() == 100ms);
    }
}

TEST_CASE("set_slow_callback_duration sets the threshold that slow_callback_duration returns",
          "[lab05][set_slow_callback_duration][slow_callback_duration]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};

    SECTION("set to 10 ms, it reads back 10 ms") {
        loop.set_slow_callback_duration(10ms);
        INFO("slow_callback_duration() returned " << in_words(loop.slow_callback_duration()) << ".");
        REQUIRE(loop.slow_callback_duration() == 10ms);
    }
    SECTION("set twice, the last value wins") {
        loop.set_slow_callback_duration(10ms);
        loop.set_slow_callback_duration(2s);
        INFO("slow_callback_duration() returned " << in_words(loop.slow_callback_duration()) << ".");
        REQUIRE(loop.slow_callback_duration() == 2s);
    }
    SECTION("setting the threshold does not turn debug mode on") {
        INFO("In asyncio the threshold is only a setting: reports need set_debug(true) too.");
        loop.set_slow_callback_duration(10ms);
        REQUIRE_FALSE(loop.get_debug());
    }
}

TEST_CASE("in debug mode a callback that blocks the loop for 523 ms is reported with its name and duration",
          "[lab05][slow_callback_check][set_debug]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<looplab::ExceptionContext> reports;
    const looplab::EventLoop* handler_loop = nullptr;

    INFO("A custom exception handler was set, then set_debug(true). A callback named \"tick\" that blocks the loop "
         "for 523 ms (platform.advance(523ms)) was scheduled with call_soon, then the loop ran one iteration.");
    loop.set_exception_handler([&](looplab::EventLoop& called_on, const looplab::ExceptionContext& context) {
        handler_loop = &called_on;
        reports.push_back(context);
    });
    loop.set_debug(true);
    looplab::Handle tick = loop.call_soon(blocks_for(platform, 523ms), "tick");
    const std::string error = what_thrown([&] { loop.run_once(); });
    CAPTURE(error);

    SECTION("exactly one report: \"Executing tick took 0.523 seconds\"") {
        INFO("In slow_callback_check, compare time() - started with slow_callback_duration_ and call "
             "report_slow_callback(handle, took): it writes the message (the seconds with 3 decimals) and hands "
             "it to call_exception_handler.");
        REQUIRE(messages(reports) == std::vector<std::string>{"Executing tick took 0.523 seconds"});
    }
    SECTION("the report carries no exception: nothing was thrown, the callback was only slow") {
        REQUIRE(reports.size() == 1);
        REQUIRE(what_of(reports[0].exception) == "(null exception_ptr)");
    }
    SECTION("the report carries the slow callback's handle") {
        REQUIRE(reports.size() == 1);
        REQUIRE(reports[0].handle.name() == "tick");
        INFO("Copies of a Handle share one state: cancelling the reported copy marks the one call_soon returned, "
             "if they are the same handle.");
        reports[0].handle.cancel();
        REQUIRE(tick.cancelled());
    }
    SECTION("the handler is given the loop itself") {
        REQUIRE(reports.size() == 1);
        REQUIRE(handler_loop == &loop);
    }
}

TEST_CASE("with the default exception handler the slow-callback report is written to std::cerr",
          "[lab05][slow_callback_check]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};

    INFO("No exception handler was set (so the default one is used), then set_debug(true). A callback named "
         "\"tick\" that blocks 523 ms was scheduled, then the loop ran one iteration while std::cerr was captured.");
    loop.set_debug(true);
    loop.call_soon(blocks_for(platform, 523ms), "tick");
    std::string error;
    std::string printed;
    {
        CaptureStderr captured;
        error = what_thrown([&] { loop.run_once(); });
        printed = captured.text();
    }
    CAPTURE(error);

    INFO("The default handler prints \"looplab: \" and the message; with no exception in the context, it prints "
         "nothing more. This is what a student sees in the lab's demo.");
    REQUIRE(printed == "looplab: Executing tick took 0.523 seconds\n");
}

TEST_CASE("a callback that holds the loop exactly slow_callback_duration is reported and one 1 ns shorter is not",
          "[lab05][slow_callback_check]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<looplab::ExceptionContext> reports;

    INFO("set_debug(true) with the default threshold, 100 ms. Two callbacks were scheduled with call_soon: \"just "
         "under\" blocks 99.999999 ms (100ms - 1ns), \"exactly the threshold\" blocks 100 ms. The loop ran one "
         "iteration.");
    collect_reports(loop, reports);
    loop.set_debug(true);
    loop.call_soon(blocks_for(platform, 100ms - 1ns), "just under");
    loop.call_soon(blocks_for(platform, 100ms), "exactly the threshold");
    const std::string error = what_thrown([&] { loop.run_once(); });
    CAPTURE(error);

    INFO("The rule is \"took >= slow_callback_duration\", as in asyncio: holding the loop for the whole threshold "
         "already counts as slow. (\"just under\" would also print as 0.100 seconds: the message rounds, the "
         "comparison must not.)");
    REQUIRE(messages(reports) == std::vector<std::string>{"Executing exactly the threshold took 0.100 seconds"});
}

TEST_CASE("in debug mode fast callbacks are never reported, even one that runs right after a slow one",
          "[lab05][slow_callback_check]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<looplab::ExceptionContext> reports;

    INFO("set_debug(true), default threshold 100 ms. Scheduled with call_soon, all for the same iteration: ten "
         "callbacks that take no time (\"quick 1\" .. \"quick 10\"), \"takes 60 ms\", \"slow\" that blocks 150 ms, "
         "then \"quick after slow\". The loop ran one iteration.");
    collect_reports(loop, reports);
    loop.set_debug(true);
    for (int i = 1; i <= 10; ++i) loop.call_soon([] {}, "quick " + std::to_string(i));
    loop.call_soon(blocks_for(platform, 60ms), "takes 60 ms");
    loop.call_soon(blocks_for(platform, 150ms), "slow");
    loop.call_soon([] {}, "quick after slow");
    const std::string error = what_thrown([&] { loop.run_once(); });
    CAPTURE(error);

    INFO("Only \"slow\" held the loop 100 ms or more. Each callback is timed on its own, from just before it runs "
         "to just after (started is read in run_handle): not from the start of the iteration, or \"quick after "
         "slow\" would look slow too.");
    REQUIRE(messages(reports) == std::vector<std::string>{"Executing slow took 0.150 seconds"});
}

TEST_CASE("with debug mode off nothing is reported, however long a callback blocks",
          "[lab05][slow_callback_check][set_debug]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<looplab::ExceptionContext> reports;

    INFO("A custom exception handler was set. Three callbacks that each block 523 ms ran, one iteration each: "
         "\"slow while off\" with debug mode off (the default), \"slow while on\" after set_debug(true), and "
         "\"slow after turning it off\" after set_debug(false).");
    collect_reports(loop, reports);
    const std::string error = what_thrown([&] {
        loop.call_soon(blocks_for(platform, 523ms), "slow while off");
        loop.run_once();
        loop.set_debug(true);
        loop.call_soon(blocks_for(platform, 523ms), "slow while on");
        loop.run_once();
        loop.set_debug(false);
        loop.call_soon(blocks_for(platform, 523ms), "slow after turning it off");
        loop.run_once();
    });
    CAPTURE(error);

    INFO("Only the callback that ran in debug mode may be reported: the check must look at the debug flag on every "
         "callback (asyncio's `if self._debug:`). And it must be reported: this shows the check works.");
    REQUIRE(messages(reports) == std::vector<std::string>{"Executing slow while on took 0.523 seconds"});
}

TEST_CASE("a custom slow_callback_duration is the threshold the check uses",
          "[lab05][slow_callback_check][set_slow_callback_duration]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<looplab::ExceptionContext> reports;
    collect_reports(loop, reports);
    loop.set_debug(true);

    SECTION("a lower threshold, 10 ms: callbacks of 10 ms and 50 ms are reported, one of 9 ms is not") {
        INFO("set_debug(true), set_slow_callback_duration(10ms). Callbacks blocking 9 ms, 10 ms and 50 ms were "
             "scheduled, then the loop ran one iteration. With the default 100 ms none would be reported: a "
             "hard-coded 100 ms reports nothing here.");
        loop.set_slow_callback_duration(10ms);
        loop.call_soon(blocks_for(platform, 9ms), "9 ms");
        loop.call_soon(blocks_for(platform, 10ms), "10 ms");
        loop.call_soon(blocks_for(platform, 50ms), "50 ms");
        const std::string error = what_thrown([&] { loop.run_once(); });
        CAPTURE(error);
        REQUIRE(messages(reports) ==
                std::vector<std::string>{"Executing 10 ms took 0.010 seconds", "Executing 50 ms took 0.050 seconds"});
    }
    SECTION("a higher threshold, 1 s: a callback of 523 ms is not reported, one of 1.2 s is") {
        INFO("set_debug(true), set_slow_callback_duration(1s). Callbacks blocking 523 ms and 1200 ms were "
             "scheduled, then the loop ran one iteration.");
        loop.set_slow_callback_duration(1s);
        loop.call_soon(blocks_for(platform, 523ms), "523 ms");
        loop.call_soon(blocks_for(platform, 1200ms), "1200 ms");
        const std::string error = what_thrown([&] { loop.run_once(); });
        CAPTURE(error);
        REQUIRE(messages(reports) == std::vector<std::string>{"Executing 1200 ms took 1.200 seconds"});
    }
}

TEST_CASE("timer callbacks are checked too, and the time the loop spent waiting for them does not count",
          "[lab05][slow_callback_check]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<looplab::ExceptionContext> reports;

    INFO("set_debug(true), default threshold 100 ms. call_later(200ms, ..., \"timer tick\") blocks 150 ms when it "
         "runs; call_later(1s, ..., \"idle timer\") takes no time. The loop ran until no timer was left: it slept "
         "200 ms, ran \"timer tick\", slept until 1 s, ran \"idle timer\".");
    collect_reports(loop, reports);
    loop.set_debug(true);
    loop.call_later(200ms, blocks_for(platform, 150ms), "timer tick");
    loop.call_later(1s, [] {}, "idle timer");
    const std::string error = run_until_idle(loop);
    CAPTURE(error);

    INFO("A timer's callback runs through run_handle like any other, so the same check covers it. Only the callback "
         "itself counts: the wait step sleeping until the deadline is the loop idling, not a callback holding it "
         "(\"timer tick took 0.350 seconds\" would count the 200 ms wait).");
    REQUIRE(messages(reports) == std::vector<std::string>{"Executing timer tick took 0.150 seconds"});
}

TEST_CASE("a task step that blocks the loop is reported under the task's name", "[lab05][slow_callback_check]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<looplab::ExceptionContext> reports;

    INFO("set_debug(true), default threshold 100 ms. create_task(worker(&platform), \"worker\"): worker runs "
         "co_await sleep(10ms), blocks the loop 200 ms (platform.advance(200ms)), runs co_await sleep(10ms) again, "
         "and ends. run_until_complete ran it.");
    collect_reports(loop, reports);
    loop.set_debug(true);
    looplab::Task<void> task = looplab::create_task(worker(&platform), "worker");
    const std::string error = what_thrown([&] { looplab::run_until_complete(loop, task); });
    CAPTURE(error);

    SECTION("one report, naming the task: \"Executing worker took 0.200 seconds\"") {
        INFO("Each step of a task is a callback the loop runs, named after the task (the first step, and every "
             "wake-up after a co_await), so the check in run_handle times task steps too. Only the middle step was "
             "slow; the first and last took no time, and the 10 ms sleeps are the loop waiting, not a step.");
        REQUIRE(messages(reports) == std::vector<std::string>{"Executing worker took 0.200 seconds"});
    }
    SECTION("the report's handle is the step's, named after the task") {
        REQUIRE(reports.size() == 1);
        REQUIRE(reports[0].handle.name() == "worker");
    }
}

TEST_CASE("a task that blocks for 500 ms stalls every other task, and debug mode names it",
          "[lab05][slow_callback_check]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<looplab::ExceptionContext> reports;
    Stall stall;
    stall.platform = &platform;
    stall.start = platform.now();
    stall.ticks.resize(5);

    INFO("set_debug(true), default threshold 100 ms. Five tasks \"ticker-1\" .. \"ticker-5\" each record the time "
         "and co_await sleep(50ms), until 1 s has passed. A task \"blocker\" sleeps 120 ms; in its next step it "
         "blocks the loop 500 ms (platform.advance(500ms)), as a blocking call in a coroutine would (the lab's demo: "
         "main calls third_party_lib::slow_query). run_until_complete ran the whole scenario.");
    collect_reports(loop, reports);
    loop.set_debug(true);
    const std::string error = what_thrown([&] { looplab::run_until_complete(loop, stall_scenario(&stall)); });
    CAPTURE(error);
    INFO("The blocker held the loop from t=" << in_words(stall.blocked_from) << " to t="
                                             << in_words(stall.blocked_until) << ".");

    SECTION("no ticker ticked while the blocker held the loop") {
        std::vector<std::string> ticks_inside;
        for (std::size_t i = 0; i < stall.ticks.size(); ++i) {
            for (looplab::Duration tick : stall.ticks[i]) {
                if (tick > stall.blocked_from && tick < stall.blocked_until) {
                    ticks_inside.push_back("ticker-" + std::to_string(i + 1) + " at t=" + in_words(tick));
                }
            }
        }
        INFO("A loop runs one thing at a time: while a step blocks, no timer fires and no task runs, however "
             "overdue.");
        REQUIRE(ticks_inside == std::vector<std::string>{});
    }
    SECTION("every ticker waited at least 500 ms between two of its ticks, instead of 50 ms") {
        std::vector<std::string> gaps;
        looplab::Duration shortest_longest_gap = 1h;
        for (std::size_t i = 0; i < stall.ticks.size(); ++i) {
            looplab::Duration longest = looplab::Duration::zero();
            for (std::size_t k = 1; k < stall.ticks[i].size(); ++k) {
                longest = std::max(longest, stall.ticks[i][k] - stall.ticks[i][k - 1]);
            }
            gaps.push_back("ticker-" + std::to_string(i + 1) + ": " + std::to_string(stall.ticks[i].size()) +
                           " ticks, longest gap " + in_words(longest));
            shortest_longest_gap = std::min(shortest_longest_gap, longest);
        }
        CAPTURE(gaps);
        INFO("Each ticker asked to sleep 50 ms; its timer came due during the stall and ran only after it.");
        REQUIRE(shortest_longest_gap >= 500ms);
    }
    SECTION("debug mode reported the blocker, and only the blocker") {
        INFO("This is the point of debug mode: the tickers are the ones that look late, but the report names the "
             "step that held the loop.");
        REQUIRE(messages(reports) == std::vector<std::string>{"Executing blocker took 0.500 seconds"});
    }
}
