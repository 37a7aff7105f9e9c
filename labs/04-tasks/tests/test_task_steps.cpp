// Lab 04 specification, part 1: a coroutine runs nothing until its task is started; create_task schedules the
// first step with call_soon; the task's future gets what the coroutine co_returns or throws (CPython's
// Lib/test/test_asyncio/test_tasks.py).
// See labs/04-tasks/README.md and TUTORIAL.md#lab-04-coroutine-tasks.
#include <algorithm>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "looplab_catch.hpp"
#include "loop_test_helpers.hpp"
#include "task.hpp"
#include "task_test_helpers.hpp"
#include "virtual_platform.hpp"

using namespace looplab::testing;  // what_of, what_thrown, describe_waits, ...: loop_test_helpers.hpp

namespace {

// The journal these tests read: entries stamped with the loop iteration (task_test_helpers.hpp).
using Journal = IterationJournal;

// --- The tests' coroutines. Free functions taking their parameters by value: a coroutine may run long
// after its caller returned, so references (and lambda captures) could dangle. ---------------------------

looplab::Task<int> answer(Journal* journal) {
    journal->note("answer() runs");
    co_return 42;
}

looplab::Task<std::string> greeting(std::string name) {
    co_return "hello, " + name;
}

looplab::Task<void> just_note(Journal* journal, std::string what) {
    journal->note(what);
    co_return;
}

// Throws ParseError for a text with more '}' than '{'; otherwise returns its length.
looplab::Task<int> parse(Journal* journal, std::string text) {
    journal->note("parse(\"" + text + "\") runs");
    if (std::count(text.begin(), text.end(), '}') > std::count(text.begin(), text.end(), '{')) {
        throw ParseError("unexpected '}' in " + text);
    }
    co_return static_cast<int>(text.size());
}

looplab::Task<int> gives_up(Journal* journal) {
    journal->note("gives_up() throws CancelledError(\"gave up\")");
    throw looplab::CancelledError("gave up");
    co_return 0;
}

looplab::Task<int> awaits_child(Journal* journal, looplab::Task<int> child) {
    const int value = co_await child;
    journal->note("parent got " + std::to_string(value));
    co_return value;
}

}  // namespace

TEST_CASE("calling a coroutine function runs none of its body until the loop steps its task",
          "[lab04][start][step]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    Journal journal{platform};

    INFO("answer() was called; it notes \"answer() runs\" and co_returns 42. The journal and the ready queue "
         "were looked at right after the call. Then run_until_complete(loop, task) ran it.");
    looplab::Task<int> task = answer(&journal);
    const std::vector<std::string> journal_after_call = journal.entries;
    const std::size_t ready_after_call = loop.ready_count();
    const int result = looplab::run_until_complete(loop, task);
    CAPTURE(result);

    SECTION("the call itself ran nothing: the journal was empty") {
        INFO("Like calling an async def in Python, calling a coroutine function only creates the coroutine "
             "(Task<T> starts suspended: initial_suspend). This is the kit's machinery, not yours.");
        REQUIRE(journal_after_call == std::vector<std::string>{});
    }
    SECTION("the call scheduled nothing: the ready queue was still empty") {
        INFO("Only create_task (or run_until_complete, which calls start()) schedules a first step.");
        REQUIRE(ready_after_call == 0);
    }
    SECTION("run_until_complete ran the body once, in the loop's first iteration") {
        INFO("run_until_complete starts the task (TaskCore::start schedules its first step with call_soon), "
             "and the first iteration's step() resumes the coroutine.");
        REQUIRE(journal.entries == std::vector<std::string>{"iteration 1: answer() runs"});
    }
}

TEST_CASE("create_task schedules the task's first step with call_soon and never runs it eagerly", "[lab04][start]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    Journal journal{platform};

    INFO("A callback \"before\" was scheduled with call_soon; then create_task(just_note(\"task's first step\")); "
         "then a callback \"after\". The journal and the ready queue were looked at right after create_task, "
         "then the loop ran one iteration.");
    loop.call_soon([&journal] { journal.note("callback scheduled before create_task"); }, "before");
    looplab::Task<void> task = looplab::create_task(just_note(&journal, "task's first step"));
    const std::vector<std::string> journal_after_create = journal.entries;
    const std::size_t ready_after_create = loop.ready_count();
    loop.call_soon([&journal] { journal.note("callback scheduled after create_task"); }, "after");
    loop.run_once();

    SECTION("create_task returned without running the task") {
        INFO("A task never starts eagerly: start() must only schedule step(), not call it. (TUTORIAL: \"Running "
             "the first step inside create_task\" is the classic mistake.)");
        REQUIRE(journal_after_create == std::vector<std::string>{});
    }
    SECTION("create_task added exactly one callback, the first step, to the ready queue") {
        INFO("The ready queue held \"before\"; after create_task it must hold \"before\" and the task's step.");
        REQUIRE(ready_after_create == 2);
    }
    SECTION("the first step ran in the next iteration, in call_soon order between the two callbacks") {
        INFO("The ready queue is FIFO (lab 01): the step was scheduled after \"before\" and before \"after\".");
        REQUIRE(journal.entries == std::vector<std::string>{"iteration 1: callback scheduled before create_task",
                                                            "iteration 1: task's first step",
                                                            "iteration 1: callback scheduled after create_task"});
    }
    SECTION("the task, having nothing to await, is done after that one iteration") {
        INFO("Its coroutine ended in its first step, so finish_from_coroutine completed the task's future.");
        REQUIRE(task.done());
    }
}

TEST_CASE("run_until_complete on a coroutine returns what the coroutine co_returns",
          "[lab04][start][finish_from_coroutine]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    Journal journal{platform};

    SECTION("a Task<int> gives its int") {
        INFO("run_until_complete(loop, answer()) was called; answer() co_returns 42.");
        REQUIRE(looplab::run_until_complete(loop, answer(&journal)) == 42);
    }
    SECTION("a Task<std::string> gives its string") {
        INFO("run_until_complete(loop, greeting(\"loop\")) was called; it co_returns \"hello, \" + name.");
        REQUIRE(looplab::run_until_complete(loop, greeting("loop")) == "hello, loop");
    }
    SECTION("the task is then done, not cancelled, and its result() is the value too") {
        INFO("A Task<int> is a Future<int>: co_return stores the value, and finish_from_coroutine must then "
             "finish the future (FutureCore::finish), which also schedules its done callbacks.");
        looplab::Task<int> task = answer(&journal);
        looplab::run_until_complete(loop, task);
        REQUIRE(task.done());
        REQUIRE_FALSE(task.cancelled());
        REQUIRE(task.result() == 42);
    }
    SECTION("a Task<void> coroutine runs to its end and run_until_complete returns") {
        INFO("run_until_complete(loop, just_note(\"void task runs\")) was called.");
        looplab::Task<void> task = just_note(&journal, "void task runs");
        looplab::run_until_complete(loop, task);
        REQUIRE(journal.entries == std::vector<std::string>{"iteration 1: void task runs"});
        REQUIRE(task.done());
    }
}

TEST_CASE("an exception escaping a coroutine fails its task and run_until_complete rethrows it",
          "[lab04][finish_from_coroutine]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    Journal journal{platform};

    INFO("parse(\"{}}\") throws ParseError(\"unexpected '}' in {}}\") (the test's own exception type, derived "
         "from std::runtime_error). run_until_complete(loop, task) was called.");
    looplab::Task<int> task = parse(&journal, "{}}");
    const std::string thrown = what_thrown_as<ParseError>([&] { looplab::run_until_complete(loop, task); });

    SECTION("run_until_complete throws the coroutine's ParseError, with its what()") {
        INFO("Anything but a ParseError shows up below as an unexpected exception. The coroutine's promise keeps "
             "the escaped exception (set_coroutine_exception); finish_from_coroutine must set it on the task's "
             "future as it is (finish_with_exception), not wrap or replace it.");
        REQUIRE(thrown == "unexpected '}' in {}}");
    }
    SECTION("the task is done, not cancelled, and exception() holds the ParseError") {
        REQUIRE(task.done());
        REQUIRE_FALSE(task.cancelled());
        REQUIRE(what_of(task.exception()) == "unexpected '}' in {}}");
    }
}

TEST_CASE("a coroutine that throws CancelledError itself ends its task cancelled, not failed",
          "[lab04][finish_from_coroutine]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    Journal journal{platform};

    INFO("gives_up() throws looplab::CancelledError(\"gave up\") from its body. run_until_complete(loop, task) "
         "was called. As in asyncio, a CancelledError that escapes the coroutine cancels the task "
         "(cancel_as_future), whoever raised it; any other exception fails it.");
    looplab::Task<int> task = gives_up(&journal);
    const std::string thrown =
        what_thrown_as<looplab::CancelledError>([&] { looplab::run_until_complete(loop, task); });

    SECTION("the task is cancelled") {
        INFO("cancelled() false here means CancelledError was stored as an ordinary exception.");
        REQUIRE(task.done());
        REQUIRE(task.cancelled());
    }
    SECTION("run_until_complete throws CancelledError with the coroutine's message") {
        INFO("Cancel the future with the exception's what() as its message.");
        REQUIRE(thrown == "gave up");
    }
}

TEST_CASE("a task's done callbacks run in the iteration after its last step, with the result ready",
          "[lab04][finish_from_coroutine][step]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    Journal journal{platform};

    INFO("create_task(answer()) was called and a done callback was added to the task; it notes the result. "
         "The loop ran one iteration (journal copied), then another.");
    looplab::Task<int> task = looplab::create_task(answer(&journal));
    task.add_done_callback([&journal](looplab::Future<int>& done) {
        journal.note("done callback sees result " + std::to_string(done.result()));
    });
    loop.run_once();
    const std::vector<std::string> after_first_iteration = journal.entries;
    loop.run_once();

    SECTION("the step that ended the coroutine did not run the callback") {
        INFO("Done callbacks never run inline (lab 03): finishing the future only schedules them.");
        REQUIRE(after_first_iteration == std::vector<std::string>{"iteration 1: answer() runs"});
    }
    SECTION("the callback ran in the next iteration and saw the result") {
        REQUIRE(journal.entries ==
                std::vector<std::string>{"iteration 1: answer() runs", "iteration 2: done callback sees result 42"});
    }
}

TEST_CASE("starting a task that was already started throws std::logic_error", "[lab04][start]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    Journal journal{platform};

    SECTION("create_task twice on the same task: the second call throws") {
        INFO("create_task(task) was called once (it must not throw), then again.");
        looplab::Task<int> task = answer(&journal);
        looplab::create_task(task);
        REQUIRE_THROWS_AS(looplab::create_task(task), std::logic_error);
        looplab::run_until_complete(loop, task);
    }
    SECTION("after a refused second create_task, the body still runs exactly once") {
        INFO("create_task(task) was called twice (the second threw), then run_until_complete(loop, task). A "
             "second scheduled step would run a task that is already done.");
        looplab::Task<int> task = answer(&journal);
        looplab::create_task(task);
        const std::string second = what_thrown([&] { looplab::create_task(task); });
        CAPTURE(second);
        REQUIRE(looplab::run_until_complete(loop, task) == 42);
        REQUIRE(journal.entries == std::vector<std::string>{"iteration 1: answer() runs"});
    }
    SECTION("create_task on a coroutine that was already co_awaited throws") {
        INFO("A parent task ran `co_await child` to completion, then create_task(child) was called. Being awaited "
             "inline starts a coroutine too (mark_started), so start() must refuse it.");
        looplab::Task<int> child = parse(&journal, "{}");
        REQUIRE(looplab::run_until_complete(loop, awaits_child(&journal, child)) == 2);
        REQUIRE_THROWS_AS(looplab::create_task(child), std::logic_error);
    }
}
