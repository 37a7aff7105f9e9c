// Lab 04 specification, part 2: co_await. Awaiting a pending future ends the task's step, and the future's done
// callback schedules the next one; awaiting a done future, or co_await child(), goes on in the same step;
// exceptions travel up the chain of awaits (CPython's Lib/test/test_asyncio/test_tasks.py).
// See labs/04-tasks/README.md and TUTORIAL.md#lab-04-coroutine-tasks.
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "looplab_catch.hpp"
#include "loop_test_helpers.hpp"
#include "task.hpp"
#include "task_test_helpers.hpp"
#include "virtual_platform.hpp"

using namespace looplab::testing;  // contains, what_of, describe_waits, ...: loop_test_helpers.hpp
using namespace std::chrono_literals;

namespace {

// The journal these tests read: entries stamped with the loop iteration (task_test_helpers.hpp).
using Journal = IterationJournal;

// --- The tests' coroutines. Free functions taking their parameters by value: a coroutine may run long
// after its caller returned, so references (and lambda captures) could dangle. ---------------------------

looplab::Task<int> awaits_future(Journal* journal, looplab::Future<int> future) {
    journal->note("task awaits the future");
    const int value = co_await future;
    journal->note("task got " + std::to_string(value));
    co_return value;
}

looplab::Task<int> child(Journal* journal) {
    journal->note("child runs");
    co_return 5;
}

looplab::Task<int> awaits_child_inline(Journal* journal) {
    journal->note("parent runs co_await child()");
    const int value = co_await child(journal);
    journal->note("parent got " + std::to_string(value));
    co_return value;
}

looplab::Task<int> awaits_child_task(Journal* journal) {
    journal->note("parent runs co_await create_task(child())");
    const int value = co_await looplab::create_task(child(journal));
    journal->note("parent got " + std::to_string(value));
    co_return value;
}

looplab::Task<int> child_awaits_future(Journal* journal, looplab::Future<int> future) {
    journal->note("child awaits the future");
    const int value = co_await future;
    journal->note("child got " + std::to_string(value));
    co_return value + 1;
}

looplab::Task<int> parent_of_waiting_child(Journal* journal, looplab::Future<int> future) {
    journal->note("parent runs co_await child_awaits_future()");
    const int value = co_await child_awaits_future(journal, future);
    journal->note("parent got " + std::to_string(value));
    co_return value;
}

// Awaits the future, then throws ParseError: the exception is raised in a later step than the first.
looplab::Task<int> leaf_fails(Journal* journal, looplab::Future<int> future) {
    const int value = co_await future;
    journal->note("leaf got " + std::to_string(value) + " and throws ParseError");
    throw ParseError("bad token at offset " + std::to_string(value));
    co_return value;
}

looplab::Task<int> middle(Journal* journal, looplab::Future<int> future) {
    const int value = co_await leaf_fails(journal, future);
    journal->note("middle goes on (it must not: the leaf threw)");
    co_return value;
}

looplab::Task<int> top_catches(Journal* journal, looplab::Future<int> future) {
    try {
        co_return co_await middle(journal, future);
    } catch (const ParseError& error) {
        journal->note(std::string("top caught ParseError: ") + error.what());
    }
    co_return -1;
}

looplab::Task<int> catches_from_child_task(Journal* journal, looplab::Future<int> future) {
    looplab::Task<int> failing = looplab::create_task(leaf_fails(journal, future));
    try {
        co_return co_await failing;
    } catch (const ParseError& error) {
        journal->note(std::string("parent caught ParseError: ") + error.what());
    }
    co_return -1;
}

looplab::Task<int> awaits_itself(Journal* journal, const looplab::Task<int>* self) {
    journal->note("task awaits itself");
    const int value = co_await *self;
    journal->note("task goes on (it must not)");
    co_return value;
}

// depth(n) awaits depth(n - 1) inline; nothing ever suspends, so the whole chain runs in one step.
looplab::Task<long> depth(long n) {
    if (n == 0) co_return 0;
    const long below = co_await depth(n - 1);
    co_return below + 1;
}

// A callback that notes "producer sets <value>" and sets `future`'s result.
std::function<void()> producer(Journal& journal, looplab::Future<int> future, int value) {
    return [&journal, future, value]() mutable {
        journal.note("producer sets " + std::to_string(value));
        future.set_result(value);
    };
}

}  // namespace

TEST_CASE("co_await on a pending future suspends the task until the future is done, then gives its result",
          "[lab04][step]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    Journal journal{platform};

    INFO("A task awaits a pending Future<int>; a timer at 10 ms (the producer) sets its result to 7. "
         "run_until_complete(loop, task) was called.");
    looplab::Future<int> future(loop);
    looplab::Task<int> task = looplab::create_task(awaits_future(&journal, future));
    loop.call_later(10ms, producer(journal, future, 7), "producer");
    const int result = looplab::run_until_complete(loop, task);

    SECTION("the task went on only in the iteration after the producer set the result") {
        INFO("The step that reached co_await ends there (the awaiter tells the task what it waits for: "
             "suspend_on). step() must then add a done callback to that future which steps the task again; "
             "the loop runs done callbacks in the iteration after the future is done.");
        REQUIRE(journal.entries == std::vector<std::string>{"iteration 1: task awaits the future",
                                                            "iteration 2: producer sets 7",
                                                            "iteration 3: task got 7"});
    }
    SECTION("co_await produced the future's result, which the task returned") {
        REQUIRE(result == 7);
    }
    SECTION("while the task waited, the loop slept until the producer's timer") {
        INFO("One wait per iteration: 1 polls (the first step is ready), 2 sleeps 10 ms until the producer's timer, "
             "3 polls (the task's next step is ready), 4 polls (run_until_complete's stop callback). A waiting task "
             "schedules nothing, so iteration 2 may sleep: a task that kept stepping would make the loop poll.");
        REQUIRE(describe_waits(platform.waits) == std::vector<std::string>{"poll", "10000000ns", "poll", "poll"});
    }
}

TEST_CASE("co_await on a future that is already done does not suspend: the task goes on in the same step",
          "[lab04][step]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    Journal journal{platform};

    INFO("set_result(5) was called on a Future<int>; then create_task(a task that awaits it), and the loop ran "
         "one iteration.");
    looplab::Future<int> future(loop);
    future.set_result(5);
    looplab::Task<int> task = looplab::create_task(awaits_future(&journal, future));
    loop.run_once();

    SECTION("both halves of the task ran in iteration 1") {
        INFO("The awaiter's await_ready() is true for a done future, so the coroutine does not suspend.");
        REQUIRE(journal.entries ==
                std::vector<std::string>{"iteration 1: task awaits the future", "iteration 1: task got 5"});
    }
    SECTION("the task is done after that one iteration, with the result") {
        REQUIRE(task.done());
        REQUIRE(task.result() == 5);
    }
}

TEST_CASE("co_await child() runs the child inline in the same step as its parent", "[lab04][step]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    Journal journal{platform};

    INFO("create_task(parent) was called; the parent runs `co_await child()` (no create_task: Python's "
         "`await child()`), and the child co_returns 5. The loop ran one iteration.");
    looplab::Task<int> task = looplab::create_task(awaits_child_inline(&journal));
    loop.run_once();

    SECTION("parent, child, and the parent again all ran in iteration 1") {
        INFO("An unstarted child is part of the awaiting task: the trampoline (run_coroutine) runs it and then "
             "the parent again, within one step. Run step() through run_coroutine, not coroutine.resume().");
        REQUIRE(journal.entries == std::vector<std::string>{"iteration 1: parent runs co_await child()",
                                                            "iteration 1: child runs", "iteration 1: parent got 5"});
    }
    SECTION("the parent's task is done after that one iteration: the child cost no extra iteration") {
        REQUIRE(task.done());
        REQUIRE(task.result() == 5);
    }
}

TEST_CASE("co_await create_task(child()) waits for the child's own step in a later iteration",
          "[lab04][start][step]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    Journal journal{platform};

    INFO("run_until_complete(loop, parent) was called; the parent runs `co_await create_task(child())`. The child "
         "becomes a task of its own: its first step runs in the next iteration, and the parent resumes through the "
         "child's done callback, one iteration after that (as in asyncio).");
    const int result = looplab::run_until_complete(loop, awaits_child_task(&journal));
    CAPTURE(result);

    REQUIRE(journal.entries == std::vector<std::string>{"iteration 1: parent runs co_await create_task(child())",
                                                        "iteration 2: child runs", "iteration 3: parent got 5"});
}

TEST_CASE("a child awaited inline may suspend, and its parent goes on in the same step as the child",
          "[lab04][step]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    Journal journal{platform};

    INFO("create_task(parent) was called, then a callback (the producer) that sets a Future<int> to 7. The parent "
         "runs `co_await child_awaits_future(future)`; the child awaits the future and co_returns its value + 1. "
         "run_until_complete(loop, task) was called.");
    looplab::Future<int> future(loop);
    looplab::Task<int> task = looplab::create_task(parent_of_waiting_child(&journal, future));
    loop.call_soon(producer(journal, future, 7), "producer");
    const int result = looplab::run_until_complete(loop, task);

    SECTION("the child suspends the whole task; the next step resumes the child, then the parent") {
        INFO("The awaiter records the innermost suspended coroutine (the child) as where the task resumes; "
             "the child's end hands control back to the parent within the same step.");
        REQUIRE(journal.entries == std::vector<std::string>{"iteration 1: parent runs co_await child_awaits_future()",
                                                            "iteration 1: child awaits the future",
                                                            "iteration 1: producer sets 7", "iteration 2: child got 7",
                                                            "iteration 2: parent got 8"});
    }
    SECTION("the parent's result is the child's: 8") {
        REQUIRE(result == 8);
    }
}

TEST_CASE("an exception thrown deep in a chain of co_awaits reaches the coroutines above it",
          "[lab04][step][finish_from_coroutine]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    Journal journal{platform};

    INFO("A chain top -> middle -> leaf, each awaiting the next inline. The leaf awaits a Future<int> that a "
         "callback (the producer, scheduled right after create_task) sets to 3, then throws ParseError(\"bad token "
         "at offset 3\") (the test's own exception type).");
    looplab::Future<int> future(loop);

    SECTION("a try/catch in the top coroutine catches it, with its type and message; the middle never goes on") {
        looplab::Task<int> task = looplab::create_task(top_catches(&journal, future));
        loop.call_soon(producer(journal, future, 3), "producer");
        const int result = looplab::run_until_complete(loop, task);
        CAPTURE(result);
        REQUIRE(journal.entries == std::vector<std::string>{"iteration 1: producer sets 3",
                                                            "iteration 2: leaf got 3 and throws ParseError",
                                                            "iteration 2: top caught ParseError: bad token at offset 3"});
    }
    SECTION("if nobody catches it, it fails the task, and run_until_complete rethrows it") {
        INFO("The task runs middle() instead: nothing in the chain catches the ParseError.");
        looplab::Task<int> task = looplab::create_task(middle(&journal, future));
        loop.call_soon(producer(journal, future, 3), "producer");
        REQUIRE(what_thrown_as<ParseError>([&] { looplab::run_until_complete(loop, task); }) == "bad token at offset 3");
    }
    SECTION("through a task of its own: co_await on the failed child task rethrows its ParseError") {
        INFO("The parent awaits create_task(leaf) instead, and catches. A task is a future: its exception "
             "reaches whoever awaits it through result().");
        looplab::Task<int> task = looplab::create_task(catches_from_child_task(&journal, future));
        loop.call_soon(producer(journal, future, 3), "producer");
        const int result = looplab::run_until_complete(loop, task);
        CAPTURE(result);
        REQUIRE(journal.entries == std::vector<std::string>{"iteration 1: producer sets 3",
                                                            "iteration 2: leaf got 3 and throws ParseError",
                                                            "iteration 3: parent caught ParseError: bad token at offset 3"});
    }
}

TEST_CASE("a task that awaits itself fails with Task cannot await on itself", "[lab04][step][finish_from_coroutine]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    Journal journal{platform};

    INFO("A Task<int> whose coroutine runs `co_await *self`, self pointing at that very task. run_until_complete "
         "was called. The kit's awaiter refuses (a task waiting for itself would never wake) and throws "
         "std::runtime_error at the co_await; uncaught, it fails the task.");
    looplab::Task<int> task = awaits_itself(&journal, &task);
    const std::string thrown =
        what_thrown_as<std::runtime_error>([&] { looplab::run_until_complete(loop, task); });
    CAPTURE(thrown);

    SECTION("run_until_complete throws std::runtime_error(\"Task cannot await on itself\")") {
        REQUIRE(contains(thrown, "Task cannot await on itself"));
    }
    SECTION("the task failed at the co_await, in its first step") {
        REQUIRE(journal.entries == std::vector<std::string>{"iteration 1: task awaits itself"});
        REQUIRE(task.done());
        REQUIRE_FALSE(task.cancelled());
    }
}

TEST_CASE("a task that awaits a future of another loop fails at the co_await", "[lab04][step]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    looplab::testing::VirtualPlatform other_platform;
    looplab::EventLoop other{other_platform};
    looplab::set_event_loop(&loop);
    Journal journal{platform};

    INFO("Two loops; `loop` was made current (set_event_loop), so the task belongs to it. The task awaits a "
         "Future<int> of `other`, which would then have to step a task of `loop`: the kit's awaiter throws "
         "std::runtime_error at the co_await instead. run_until_complete(loop, task) was called.");
    looplab::Future<int> foreign(other);
    const std::string thrown = what_thrown_as<std::runtime_error>(
        [&] { looplab::run_until_complete(loop, awaits_future(&journal, foreign)); });
    CAPTURE(thrown);

    SECTION("run_until_complete throws std::runtime_error naming the other loop") {
        REQUIRE(contains(thrown, "another loop"));
    }
    SECTION("the task never went past the co_await") {
        REQUIRE(journal.entries == std::vector<std::string>{"iteration 1: task awaits the future"});
    }
}

TEST_CASE("a 100000-deep chain of inline co_awaits that complete at once returns without overflowing the stack",
          "[lab04][step]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};

    INFO("depth(n) runs `co_await depth(n - 1)` and adds 1; depth(0) co_returns 0. run_until_complete(loop, "
         "depth(100000)) was called. If this test crashes (SIGSEGV), make step() resume the coroutine through "
         "run_coroutine(), the kit's trampoline: it runs each inline child and hands control back to its parent in "
         "a loop, so the stack stays flat however deep the chain (g++ does not make symmetric transfer a tail call "
         "in a Debug build).");
    const long result = looplab::run_until_complete(loop, depth(100000));

    REQUIRE(result == 100000);
}
