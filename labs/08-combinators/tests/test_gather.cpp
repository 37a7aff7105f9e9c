// Lab 08 specification, part 1: gather. It starts every child as a task of its own, waits for them all and
// returns their results in argument order; the first failure reaches the awaiting task at once while the other
// children keep running; gather_settled (asyncio's return_exceptions=True) collects every result and exception
// instead (CPython's test_tasks.py: GatherTestsBase's test_constructor_empty_sequence, test_result_order,
// test_one_exception, test_return_exceptions, test_one_cancellation). See labs/08-combinators/README.md and
// TUTORIAL.md#lab-08-combinators-and-cancellation.
#include <chrono>
#include <exception>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "combinator_test_helpers.hpp"
#include "combinators.hpp"
#include "looplab_catch.hpp"
#include "loop_test_helpers.hpp"
#include "task.hpp"
#include "virtual_platform.hpp"

using namespace looplab::testing;  // TimedJournal, worker, failer, run_for: combinator_test_helpers.hpp
using namespace std::chrono_literals;

namespace {

// --- The tests' coroutines. Free functions taking their parameters by value: a coroutine may run long
// after its caller returned, so references (and lambda captures) could dangle. ---------------------------

looplab::Task<void> gathers_nothing(TimedJournal* journal) {
    journal->note("main calls gather(std::vector<Task<int>>{})");
    std::vector<int> values = co_await looplab::gather(std::vector<looplab::Task<int>>{});
    journal->note("main got " + std::to_string(values.size()) + " results, then calls gather()");
    std::tuple<> none = co_await looplab::gather();
    static_assert(std::tuple_size_v<decltype(none)> == 0);
    journal->note("main got an empty tuple");
}

looplab::Task<std::vector<int>> gathers(TimedJournal* journal, std::vector<looplab::Task<int>> children) {
    std::vector<int> values = co_await looplab::gather(std::move(children));
    journal->at("main got " + listed(values));
    co_return values;
}

looplab::Task<void> says(TimedJournal* journal, std::string what) {
    co_await looplab::sleep(5ms);
    journal->at(what);
}

looplab::Task<std::string> text_after(looplab::Duration delay, std::string text) {
    co_await looplab::sleep(delay);
    co_return text;
}

looplab::Task<std::tuple<int, std::string, std::monostate>> gathers_mixed(TimedJournal* journal) {
    auto results = co_await looplab::gather(worker(journal, "number", 20ms, 7), text_after(10ms, "seven"),
                                            says(journal, "void child done"));
    co_return results;
}

// Calls gather() first, sleeps 10 ms, and only then awaits what gather() returned.
looplab::Task<std::vector<int>> gathers_late(TimedJournal* journal, std::vector<looplab::Task<int>> children) {
    auto gathering = looplab::gather(std::move(children));
    journal->at("main called gather(), sleeps for 10ms before it awaits it");
    co_await looplab::sleep(10ms);
    journal->at("main awaits the gather");
    std::vector<int> values = co_await gathering;
    journal->at("main got " + listed(values));
    co_return values;
}

looplab::Task<void> gathers_catching_parse_error(TimedJournal* journal, std::vector<looplab::Task<int>> children) {
    try {
        std::vector<int> values = co_await looplab::gather(std::move(children));
        journal->at("main got " + listed(values) + " (it must not: a child failed)");
    } catch (const ParseError& error) {
        journal->at(std::string("main caught ParseError(\"") + error.what() + "\")");
    }
}

looplab::Task<void> gathers_catching_cancel(TimedJournal* journal, std::vector<looplab::Task<int>> children) {
    try {
        std::vector<int> values = co_await looplab::gather(std::move(children));
        journal->at("main got " + listed(values) + " (it must not: a child was cancelled)");
    } catch (const looplab::CancelledError& error) {
        journal->at(std::string("main caught CancelledError: ") + error.what());
    }
}

// One outcome in words: "1", "ParseError(\"bad b\")" or "CancelledError(\"a cancelled\")".
std::string described(const looplab::Outcome<int>& outcome) {
    if (outcome.ok()) return outcome.value ? std::to_string(*outcome.value) : "(ok, but no value)";
    try {
        std::rethrow_exception(outcome.error);
    } catch (const ParseError& error) {
        return std::string("ParseError(\"") + error.what() + "\")";
    } catch (const looplab::CancelledError& error) {
        return std::string("CancelledError(\"") + error.what() + "\")";
    } catch (const looplab::TimeoutError& error) {
        return std::string("TimeoutError(\"") + error.what() + "\")";
    } catch (const std::exception& error) {
        return std::string("another exception: ") + error.what();
    }
}

looplab::Task<std::vector<std::string>> settles(TimedJournal* journal, std::vector<looplab::Task<int>> children) {
    std::vector<looplab::Outcome<int>> outcomes = co_await looplab::gather_settled(std::move(children));
    std::vector<std::string> words;
    for (const auto& outcome : outcomes) words.push_back(described(outcome));
    journal->at("main got " + std::to_string(words.size()) + " outcomes");
    co_return words;
}

looplab::Task<std::vector<std::string>> settles_two(TimedJournal* journal) {
    auto [first, second] = co_await looplab::gather_settled(failer(journal, "a", 10ms, "bad a"),
                                                            worker(journal, "b", 20ms, 2));
    co_return std::vector<std::string>{described(first), described(second)};
}

looplab::Task<std::vector<std::string>> settles_timeouts(TimedJournal* journal) {
    std::vector<looplab::Task<int>> fetches;
    fetches.push_back(looplab::wait_for(worker(journal, "fast", 10ms, 1), 50ms));
    fetches.push_back(looplab::wait_for(worker(journal, "slow", 100ms, 2), 50ms));
    fetches.push_back(looplab::wait_for(worker(journal, "medium", 20ms, 3), 50ms));
    co_return co_await settles(journal, std::move(fetches));
}

}  // namespace

TEST_CASE("gather with no children is done at once with an empty result", "[lab08][watch_children]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    TimedJournal journal{platform};

    INFO("A task awaits gather(std::vector<Task<int>>{}), then gather() with no arguments (CPython's "
         "test_constructor_empty_sequence). With nothing to wait for, the gather is done before it is awaited, so "
         "the task goes on in the same step: every entry is from iteration 1.");
    looplab::run_until_complete(loop, gathers_nothing(&journal));
    REQUIRE(journal.entries == std::vector<std::string>{"iteration 1: main calls gather(std::vector<Task<int>>{})",
                                                        "iteration 1: main got 0 results, then calls gather()",
                                                        "iteration 1: main got an empty tuple"});
}

TEST_CASE("gather returns the results in argument order, not in the order the children finish",
          "[lab08][child_done]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    TimedJournal journal{platform};

    INFO("main gathers three children: a returns 1 after 30 ms, b returns 2 after 10 ms, c returns 3 after 20 ms "
         "(CPython's test_result_order). They run at the same time, so the gather takes 30 ms, not 60.");
    std::vector<looplab::Task<int>> children;
    children.push_back(worker(&journal, "a", 30ms, 1));
    children.push_back(worker(&journal, "b", 10ms, 2));
    children.push_back(worker(&journal, "c", 20ms, 3));
    const std::vector<int> values = looplab::run_until_complete(loop, gathers(&journal, std::move(children)));

    REQUIRE(values == std::vector<int>{1, 2, 3});
    REQUIRE(journal.entries == std::vector<std::string>{"t=0ms a starts", "t=0ms b starts", "t=0ms c starts",
                                                        "t=10ms b returns 2", "t=20ms c returns 3",
                                                        "t=30ms a returns 1", "t=30ms main got [1, 2, 3]"});
}

TEST_CASE("gather of children of different types returns a tuple, with std::monostate for a void child",
          "[lab08][child_done]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    TimedJournal journal{platform};

    INFO("main awaits gather(a Task<int> returning 7 after 20 ms, a Task<std::string> returning \"seven\" after "
         "10 ms, a Task<void> done after 5 ms).");
    const auto results = looplab::run_until_complete(loop, gathers_mixed(&journal));
    static_assert(std::is_same_v<std::remove_const_t<decltype(results)>, std::tuple<int, std::string, std::monostate>>);
    REQUIRE(std::get<0>(results) == 7);
    REQUIRE(std::get<1>(results) == "seven");
    REQUIRE(journal.entries == std::vector<std::string>{"t=0ms number starts", "t=5ms void child done",
                                                        "t=20ms number returns 7"});
}

TEST_CASE("gather starts its children as tasks at once, before the gather is awaited", "[lab08][watch_children]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    TimedJournal journal{platform};

    INFO("main calls gather(a, b) (each returns after 5 ms), sleeps 10 ms, and only then awaits the gather. Like "
         "asyncio.gather, which wraps each coroutine in a task, the children must start when gather() is called: "
         "when main awaits, they are already done and it gets [1, 2] at once.");
    std::vector<looplab::Task<int>> children;
    children.push_back(worker(&journal, "a", 5ms, 1));
    children.push_back(worker(&journal, "b", 5ms, 2));
    const std::vector<int> values = looplab::run_until_complete(loop, gathers_late(&journal, std::move(children)));

    REQUIRE(values == std::vector<int>{1, 2});
    REQUIRE(journal.entries == std::vector<std::string>{"t=0ms main called gather(), sleeps for 10ms before it awaits it",
                                                        "t=0ms a starts", "t=0ms b starts", "t=5ms a returns 1",
                                                        "t=5ms b returns 2", "t=10ms main awaits the gather",
                                                        "t=10ms main got [1, 2]"});
}

TEST_CASE("gather accepts children that already run as tasks, or are already done, without starting them again",
          "[lab08][watch_children][child_done]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    TimedJournal journal{platform};

    INFO("`done` was made a task with create_task and ran to its end (it returned 1); `running` was made a task "
         "and has not finished (it returns 2 after 10 ms). main then gathers both. gather must not start a started "
         "task again (start() would throw std::logic_error), and a child that is already done still counts: a done "
         "callback added to a done future is scheduled at once.");
    looplab::Task<int> done = looplab::create_task(worker(&journal, "done", 1ms, 1));
    looplab::run_until_complete(loop, done);
    looplab::Task<int> running = looplab::create_task(worker(&journal, "running", 10ms, 2));
    const std::vector<int> values = looplab::run_until_complete(loop, gathers(&journal, {done, running}));

    REQUIRE(values == std::vector<int>{1, 2});
    REQUIRE(journal.entries.back() == "t=11ms main got [1, 2]");
}

TEST_CASE("the first exception of a child reaches the awaiting task at once while the other children keep running",
          "[lab08][child_done]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    TimedJournal journal{platform};

    INFO("main gathers a (throws ParseError(\"bad a\") after 10 ms) and b (returns 2 after 30 ms), and catches "
         "ParseError. Then the test runs the loop until b is done (CPython's test_one_exception).");
    looplab::Task<int> a = failer(&journal, "a", 10ms, "bad a");
    looplab::Task<int> b = worker(&journal, "b", 30ms, 2);
    looplab::run_until_complete(loop, gathers_catching_parse_error(&journal, {a, b}));
    const bool b_done_when_main_ended = b.done();
    const int b_result = looplab::run_until_complete(loop, b);
    CAPTURE(b_done_when_main_ended);

    SECTION("main caught a's ParseError at t=10ms, without waiting for b") {
        REQUIRE(journal.entries[0] == "t=0ms b starts");
        REQUIRE(journal.entries[1] == "t=10ms a throws ParseError(\"bad a\")");
        REQUIRE(journal.entries[2] == "t=10ms main caught ParseError(\"bad a\")");
        REQUIRE_FALSE(b_done_when_main_ended);
    }
    SECTION("b was not cancelled: it went on and returned 2 at t=30ms") {
        INFO("Without return_exceptions, gather does not cancel the other children when one fails.");
        REQUIRE(journal.entries.back() == "t=30ms b returns 2");
        REQUIRE_FALSE(b.cancelled());
        REQUIRE(b_result == 2);
    }
}

TEST_CASE("a child that fails after the gather already failed is not reported as never retrieved",
          "[lab08][child_done]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    TimedJournal journal{platform};
    std::vector<looplab::ExceptionContext> reports;
    collect_reports(loop, reports);

    INFO("main gathers a (throws ParseError(\"bad a\") after 10 ms) and b (throws ParseError(\"bad b\") after "
         "20 ms) and catches the first. The loop ran on until t=30ms, then every task was dropped. Nobody can read "
         "b's exception any more, so, like asyncio's gather, the gather marks it retrieved: no \"never retrieved\" "
         "report.");
    {
        looplab::Task<void> main_task = looplab::create_task(
            gathers_catching_parse_error(&journal, {failer(&journal, "a", 10ms, "bad a"), failer(&journal, "b", 20ms, "bad b")}));
        run_for(loop, 30ms);
        main_task.result();
    }
    CAPTURE(messages(reports));
    REQUIRE(journal.entries == std::vector<std::string>{"t=10ms a throws ParseError(\"bad a\")",
                                                        "t=10ms main caught ParseError(\"bad a\")",
                                                        "t=20ms b throws ParseError(\"bad b\")"});
    REQUIRE(reports.empty());
}

TEST_CASE("a cancelled child makes gather throw CancelledError into the awaiting task, and the others keep running",
          "[lab08][child_done]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    TimedJournal journal{platform};

    INFO("main gathers a (sleeps for 1 h) and b (returns 2 after 10 ms) and catches CancelledError. At t=5ms the "
         "test calls a.cancel(\"a cancelled\"), then runs main to its end, then b (CPython's test_one_cancellation).");
    looplab::Task<int> a = worker(&journal, "a", 1h, 1);
    looplab::Task<int> b = worker(&journal, "b", 10ms, 2);
    looplab::Task<void> main_task = looplab::create_task(gathers_catching_cancel(&journal, {a, b}));
    run_for(loop, 5ms);
    a.cancel("a cancelled");
    looplab::run_until_complete(loop, main_task);
    const bool b_done_when_main_ended = b.done();
    const int b_result = looplab::run_until_complete(loop, b);
    CAPTURE(b_done_when_main_ended);

    SECTION("main caught CancelledError(\"a cancelled\") at t=5ms") {
        INFO("A cancelled child counts as a failure with CancelledError; the awaiting task itself was not "
             "cancelled, so it may catch it and go on.");
        REQUIRE(journal.entries == std::vector<std::string>{"t=0ms a starts", "t=0ms b starts",
                                                            "t=5ms a caught CancelledError: a cancelled",
                                                            "t=5ms main caught CancelledError: a cancelled",
                                                            "t=10ms b returns 2"});
        REQUIRE_FALSE(main_task.cancelled());
        REQUIRE_FALSE(b_done_when_main_ended);
    }
    SECTION("b was not cancelled: it returned 2") {
        REQUIRE_FALSE(b.cancelled());
        REQUIRE(b_result == 2);
    }
}

TEST_CASE("gather_settled collects every result and exception in argument order, after every child is done",
          "[lab08][child_done]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    TimedJournal journal{platform};

    INFO("main awaits gather_settled(a, b, c): a returns 1 after 10 ms, b throws ParseError(\"bad b\") after 20 ms, "
         "c returns 3 after 30 ms (asyncio's return_exceptions=True; CPython's test_return_exceptions). b's failure "
         "must not end the wait early.");
    std::vector<looplab::Task<int>> children;
    children.push_back(worker(&journal, "a", 10ms, 1));
    children.push_back(failer(&journal, "b", 20ms, "bad b"));
    children.push_back(worker(&journal, "c", 30ms, 3));
    const std::vector<std::string> outcomes = looplab::run_until_complete(loop, settles(&journal, std::move(children)));

    REQUIRE(outcomes == std::vector<std::string>{"1", "ParseError(\"bad b\")", "3"});
    REQUIRE(journal.entries.back() == "t=30ms main got 3 outcomes");
}

TEST_CASE("gather_settled of children given one by one returns a tuple of outcomes", "[lab08][child_done]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    TimedJournal journal{platform};

    INFO("main awaits gather_settled(a, b): a throws ParseError(\"bad a\") after 10 ms, b returns 2 after 20 ms.");
    const std::vector<std::string> outcomes = looplab::run_until_complete(loop, settles_two(&journal));
    REQUIRE(outcomes == std::vector<std::string>{"ParseError(\"bad a\")", "2"});
    REQUIRE(journal.entries.back() == "t=20ms b returns 2");
}

TEST_CASE("gather_settled gives a cancelled child's outcome as CancelledError, and the awaiting task goes on",
          "[lab08][child_done]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    TimedJournal journal{platform};

    INFO("main awaits gather_settled(a, b): a sleeps for 1 h, b returns 2 after 10 ms. At t=5ms the test calls "
         "a.cancel(\"a cancelled\").");
    looplab::Task<int> a = worker(&journal, "a", 1h, 1);
    looplab::Task<std::vector<std::string>> main_task =
        looplab::create_task(settles(&journal, {a, worker(&journal, "b", 10ms, 2)}));
    run_for(loop, 5ms);
    a.cancel("a cancelled");
    const std::vector<std::string> outcomes = looplab::run_until_complete(loop, main_task);

    REQUIRE(outcomes == std::vector<std::string>{"CancelledError(\"a cancelled\")", "2"});
    REQUIRE(journal.entries.back() == "t=10ms main got 2 outcomes");
    REQUIRE_FALSE(main_task.cancelled());
}

TEST_CASE("gather_settled of wait_for children reports the one that timed out as TimeoutError",
          "[lab08][child_done][wait_for]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    TimedJournal journal{platform};

    INFO("main awaits gather_settled of three wait_for(..., 50ms): fast returns 1 after 10 ms, slow would return 2 "
         "after 100 ms, medium returns 3 after 20 ms. slow is cancelled at t=50ms and its outcome is TimeoutError; "
         "the others keep their values.");
    const std::vector<std::string> outcomes = looplab::run_until_complete(loop, settles_timeouts(&journal));

    REQUIRE(outcomes == std::vector<std::string>{"1", "TimeoutError(\"timed out\")", "3"});
    REQUIRE(journal.entries == std::vector<std::string>{"t=0ms fast starts", "t=0ms slow starts", "t=0ms medium starts",
                                                        "t=10ms fast returns 1", "t=20ms medium returns 3",
                                                        "t=50ms slow caught CancelledError: cancelled",
                                                        "t=50ms main got 3 outcomes"});
}
