// Lab 08 specification, part 2: cancelling a gather. Cancelling the task that awaits gather (or gather_settled)
// cancels every child that is still pending, and the awaiting task ends cancelled (CPython's test_tasks.py:
// test_gather_cancel*, GatherTestsBase's test_cancel_gather_1/2, _GatheringFuture.cancel).
// See labs/08-combinators/README.md and TUTORIAL.md#lab-08-combinators-and-cancellation.
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "combinator_test_helpers.hpp"
#include "combinators.hpp"
#include "looplab_catch.hpp"
#include "loop_test_helpers.hpp"
#include "task.hpp"
#include "virtual_platform.hpp"

using namespace looplab::testing;  // TimedJournal, worker, run_for: combinator_test_helpers.hpp
using namespace std::chrono_literals;

namespace {

// --- The tests' coroutines. Free functions taking their parameters by value: a coroutine may run long
// after its caller returned, so references (and lambda captures) could dangle. ---------------------------

// Awaits gather (or gather_settled, with `settled`); notes a CancelledError and lets it go on up.
looplab::Task<void> awaits_gather(TimedJournal* journal, std::vector<looplab::Task<int>> children, bool settled) {
    try {
        if (settled) {
            auto outcomes = co_await looplab::gather_settled(std::move(children));
            journal->at("main got " + std::to_string(outcomes.size()) + " outcomes");
        } else {
            auto values = co_await looplab::gather(std::move(children));
            journal->at("main got " + listed(values));
        }
    } catch (const looplab::CancelledError& error) {
        journal->at(std::string("main caught CancelledError: ") + error.what());
        throw;
    }
}

}  // namespace

TEST_CASE("cancelling the task that awaits gather cancels every child and ends that task cancelled",
          "[lab08][cancel_children]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    TimedJournal journal{platform};

    INFO("main awaits gather(a, b); a sleeps for 1 h, b for 2 h. At t=5ms the test calls main.cancel(\"shutting "
         "down\"), then run_until_complete(loop, main). main waits for the gather's own future, so cancelling main "
         "cancels that future, and GatherWaiter::cancel passes the cancel on to every child.");
    looplab::Task<int> a = worker(&journal, "a", 1h, 1);
    looplab::Task<int> b = worker(&journal, "b", 2h, 2);
    looplab::Task<void> main_task = looplab::create_task(awaits_gather(&journal, {a, b}, false));
    run_for(loop, 5ms);
    const bool accepted = main_task.cancel("shutting down");
    const std::string thrown =
        what_thrown_as<looplab::CancelledError>([&] { looplab::run_until_complete(loop, main_task); });
    CAPTURE(accepted, thrown);

    SECTION("both children got CancelledError with the message, then main did") {
        REQUIRE(accepted);
        REQUIRE(journal.entries == std::vector<std::string>{"t=0ms a starts", "t=0ms b starts",
                                                            "t=5ms a caught CancelledError: shutting down",
                                                            "t=5ms b caught CancelledError: shutting down",
                                                            "t=5ms main caught CancelledError: shutting down"});
    }
    SECTION("the children and main all end cancelled") {
        REQUIRE(a.cancelled());
        REQUIRE(b.cancelled());
        REQUIRE(main_task.cancelled());
        REQUIRE(thrown == "shutting down");
    }
    SECTION("the loop never slept until a child's deadline") {
        REQUIRE(waits_that_slept(platform.waits) == std::vector<std::string>{"5000000ns"});
    }
}

TEST_CASE("cancelling the task that awaits gather_settled cancels every child and ends that task cancelled",
          "[lab08][cancel_children][child_done]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    TimedJournal journal{platform};

    INFO("main awaits gather_settled(a, b); a sleeps for 1 h, b for 2 h. At t=5ms the test calls "
         "main.cancel(\"shutting down\"). With return_exceptions the children's CancelledErrors are outcomes, not "
         "failures; but the gather itself was cancelled, so once every child is done it ends with CancelledError "
         "(asyncio: outer._cancel_requested) instead of handing back the outcomes.");
    looplab::Task<int> a = worker(&journal, "a", 1h, 1);
    looplab::Task<int> b = worker(&journal, "b", 2h, 2);
    looplab::Task<void> main_task = looplab::create_task(awaits_gather(&journal, {a, b}, true));
    run_for(loop, 5ms);
    main_task.cancel("shutting down");
    const std::string thrown =
        what_thrown_as<looplab::CancelledError>([&] { looplab::run_until_complete(loop, main_task); });
    CAPTURE(thrown);

    REQUIRE(journal.entries == std::vector<std::string>{"t=0ms a starts", "t=0ms b starts",
                                                        "t=5ms a caught CancelledError: shutting down",
                                                        "t=5ms b caught CancelledError: shutting down",
                                                        "t=5ms main caught CancelledError: shutting down"});
    REQUIRE(a.cancelled());
    REQUIRE(b.cancelled());
    REQUIRE(main_task.cancelled());
    REQUIRE(thrown == "shutting down");
}

TEST_CASE("cancelling a gather cancels only the children still pending, and a done child keeps its result",
          "[lab08][cancel_children]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    TimedJournal journal{platform};

    INFO("main awaits gather(a, b); a returns 1 after 1 ms, b sleeps for 1 h. At t=5ms the test calls "
         "main.cancel(\"shutting down\"): a is already done, so only b can be cancelled (CPython's "
         "test_cancel_gather_2).");
    looplab::Task<int> a = worker(&journal, "a", 1ms, 1);
    looplab::Task<int> b = worker(&journal, "b", 1h, 2);
    looplab::Task<void> main_task = looplab::create_task(awaits_gather(&journal, {a, b}, false));
    run_for(loop, 5ms);
    const bool accepted = main_task.cancel("shutting down");
    const std::string thrown =
        what_thrown_as<looplab::CancelledError>([&] { looplab::run_until_complete(loop, main_task); });
    CAPTURE(accepted, thrown);

    REQUIRE(accepted);
    REQUIRE_FALSE(a.cancelled());
    REQUIRE(a.result() == 1);
    REQUIRE(b.cancelled());
    REQUIRE(main_task.cancelled());
    REQUIRE(thrown == "shutting down");
}

TEST_CASE("a gather made a task of its own is cancelled like any task, and that cancels its children",
          "[lab08][cancel_children]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    TimedJournal journal{platform};

    INFO("gathering = create_task(gather(a, b)); a and b sleep for 1 h. At t=5ms the test calls "
         "gathering.cancel(\"no longer needed\") (asyncio: outer = gather(...); outer.cancel()).");
    looplab::Task<int> a = worker(&journal, "a", 1h, 1);
    looplab::Task<int> b = worker(&journal, "b", 1h, 2);
    looplab::Task<std::vector<int>> gathering = looplab::create_task(looplab::gather(std::vector{a, b}));
    run_for(loop, 5ms);
    const bool accepted = gathering.cancel("no longer needed");
    const std::string thrown =
        what_thrown_as<looplab::CancelledError>([&] { looplab::run_until_complete(loop, gathering); });
    CAPTURE(accepted, thrown);

    REQUIRE(accepted);
    REQUIRE(a.cancelled());
    REQUIRE(b.cancelled());
    REQUIRE(gathering.cancelled());
    REQUIRE(thrown == "no longer needed");
}

TEST_CASE("cancelling a gather whose children are all done cancels no child, and the awaiting task ends "
          "cancelled at its next resumption",
          "[lab08][cancel_children]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    TimedJournal journal{platform};

    INFO("a already ran to its end (it returned 1). main awaits gather(a); the loop ran one iteration, main's first "
         "step: main now waits for the gather's future, whose done callback from a is scheduled but has not run. "
         "Then main.cancel(\"late\"): no child can be cancelled any more, so GatherWaiter::cancel must return "
         "false; the task then remembers the request itself and throws CancelledError where it resumes (asyncio's "
         "_GatheringFuture.cancel returns False here too).");
    looplab::Task<int> a = looplab::create_task(worker(&journal, "a", 1ms, 1));
    looplab::run_until_complete(loop, a);
    looplab::Task<void> main_task = looplab::create_task(awaits_gather(&journal, {a}, false));
    loop.call_soon([&loop] { loop.stop(); }, "stop");
    loop.run_forever();
    const bool done_before_cancel = main_task.done();
    const bool accepted = main_task.cancel("late");
    const std::string thrown =
        what_thrown_as<looplab::CancelledError>([&] { looplab::run_until_complete(loop, main_task); });
    CAPTURE(done_before_cancel, accepted, thrown);

    REQUIRE_FALSE(done_before_cancel);
    REQUIRE(accepted);
    REQUIRE_FALSE(a.cancelled());
    REQUIRE(journal.entries.back() == "t=1ms main caught CancelledError: late");
    REQUIRE(main_task.cancelled());
    REQUIRE(thrown == "late");
}
