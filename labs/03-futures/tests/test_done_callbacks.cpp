// Lab 03 specification, part 2: done callbacks never run inline; each goes through call_soon, in the order
// added, also when added to a done future (CPython's test_callbacks_invoked_on_set_result,
// _on_set_exception, test_remove_done_callback in Lib/test/test_asyncio/test_futures.py).
// See labs/03-futures/README.md and TUTORIAL.md#lab-03-futures.
#include <exception>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "event_loop.hpp"
#include "future.hpp"
#include "looplab_catch.hpp"
#include "loop_test_helpers.hpp"
#include "virtual_platform.hpp"

using namespace looplab::testing;  // record, schedule_stop, what_thrown, ...: loop_test_helpers.hpp

namespace {

// Numbers the loop's iterations, so a callback can log which one ran it. The first
// run_iteration() is iteration 1; a callback that logs "iteration 0" ran before the loop did,
// that is, inline. Each iteration first gets an empty callback of its own, so its wait step only
// polls even when nothing else is ready (these tests are about futures, not about waiting).
struct IterationCounter {
    looplab::EventLoop& loop;
    int current = 0;

    void run_iteration() {
        loop.call_soon([] {}, "keeps the wait step from blocking");
        ++current;
        loop.run_once();
    }
};

// A done callback that logs "iteration <n>: <name> got <the future's result>".
std::function<void(looplab::Future<int>&)> log_result(std::vector<std::string>& log, const IterationCounter& iterations,
                                                      std::string name) {
    return [&log, &iterations, name = std::move(name)](looplab::Future<int>& future) {
        log.push_back("iteration " + std::to_string(iterations.current) + ": " + name + " got " +
                      std::to_string(future.result()));
    };
}

// A done callback that logs "iteration <n>: <name> saw <what the future's exception says>".
std::function<void(looplab::Future<int>&)> log_exception(std::vector<std::string>& log,
                                                         const IterationCounter& iterations, std::string name) {
    return [&log, &iterations, name = std::move(name)](looplab::Future<int>& future) {
        log.push_back("iteration " + std::to_string(iterations.current) + ": " + name + " saw " +
                      what_of(future.exception()));
    };
}

// A done callback that logs "iteration <n>: <name> saw cancelled" (or "saw not cancelled").
std::function<void(looplab::Future<int>&)> log_cancelled(std::vector<std::string>& log,
                                                         const IterationCounter& iterations, std::string name) {
    return [&log, &iterations, name = std::move(name)](looplab::Future<int>& future) {
        log.push_back("iteration " + std::to_string(iterations.current) + ": " + name +
                      (future.cancelled() ? " saw cancelled" : " saw not cancelled"));
    };
}

}  // namespace

TEST_CASE("a done callback added to a pending future waits until the future is done",
          "[lab03][add_done_callback]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    IterationCounter iterations{loop};
    std::vector<std::string> log;

    INFO("cb1 was added to a pending Future<int>.");
    looplab::Future<int> future(loop);
    future.add_done_callback(log_result(log, iterations, "cb1"));

    SECTION("nothing was scheduled: the ready queue is empty") {
        INFO("A pending future keeps its callbacks to itself until it is done.");
        REQUIRE(loop.ready_count() == 0);
    }
    SECTION("the loop does not run it while the future is pending") {
        INFO("Then the loop ran two iterations.");
        iterations.run_iteration();
        iterations.run_iteration();
        REQUIRE(log.empty());
    }
}

TEST_CASE("after set_result the done callbacks run in the next iteration, in the order they were added",
          "[lab03][add_done_callback][finish][schedule_callbacks]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    IterationCounter iterations{loop};
    std::vector<std::string> log;

    INFO("cb1, cb2 and cb3 were added to a pending Future<int>, then set_result(42) was called; the test "
         "logged \"set_result returned\" as soon as it did.");
    looplab::Future<int> future(loop);
    future.add_done_callback(log_result(log, iterations, "cb1"));
    future.add_done_callback(log_result(log, iterations, "cb2"));
    future.add_done_callback(log_result(log, iterations, "cb3"));
    future.set_result(42);
    log.push_back("set_result returned");

    SECTION("none of them ran inside set_result") {
        INFO("An entry before \"set_result returned\" (\"iteration 0\") means set_result called it inline.");
        REQUIRE(log == std::vector<std::string>{"set_result returned"});
    }
    SECTION("set_result handed each of them to the loop with call_soon") {
        CAPTURE(loop.ready_count());
        REQUIRE(loop.ready_count() == 3);
    }
    SECTION("the next iteration runs all three in order, and each one sees the result") {
        iterations.run_iteration();
        REQUIRE(log == std::vector<std::string>{"set_result returned", "iteration 1: cb1 got 42",
                                                "iteration 1: cb2 got 42", "iteration 1: cb3 got 42"});
    }
    SECTION("each runs once: a second iteration runs none of them again") {
        iterations.run_iteration();
        iterations.run_iteration();
        REQUIRE(log == std::vector<std::string>{"set_result returned", "iteration 1: cb1 got 42",
                                                "iteration 1: cb2 got 42", "iteration 1: cb3 got 42"});
    }
}

TEST_CASE("after set_exception the done callbacks run in the next iteration, in order, and see the exception",
          "[lab03][add_done_callback][finish_with_exception][schedule_callbacks]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    IterationCounter iterations{loop};
    std::vector<std::string> log;

    INFO("cb1 and cb2 were added to a pending Future<int>, then set_exception(std::runtime_error(\"disk full\")) "
         "was called; the test logged \"set_exception returned\" as soon as it did.");
    loop.set_exception_handler([](looplab::EventLoop&, const looplab::ExceptionContext&) {
        // Quiet: where the callbacks do not run, nobody retrieves the exception, and its report when
        // the future is destroyed is the subject of test_unretrieved_exception.cpp, not of this test.
    });
    looplab::Future<int> future(loop);
    future.add_done_callback(log_exception(log, iterations, "cb1"));
    future.add_done_callback(log_exception(log, iterations, "cb2"));
    future.set_exception(std::make_exception_ptr(std::runtime_error("disk full")));
    log.push_back("set_exception returned");

    SECTION("none of them ran inside set_exception") {
        REQUIRE(log == std::vector<std::string>{"set_exception returned"});
    }
    SECTION("the next iteration runs both in order, and each one sees the exception") {
        iterations.run_iteration();
        REQUIRE(log == std::vector<std::string>{"set_exception returned", "iteration 1: cb1 saw disk full",
                                                "iteration 1: cb2 saw disk full"});
    }
}

TEST_CASE("cancel() schedules the done callbacks too, and they see a cancelled future",
          "[lab03][cancel][schedule_callbacks]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    IterationCounter iterations{loop};
    std::vector<std::string> log;

    INFO("cb1 and cb2 were added to a pending Future<int>, then cancel() was called; the test logged "
         "\"cancel returned\" as soon as it did.");
    looplab::Future<int> future(loop);
    future.add_done_callback(log_cancelled(log, iterations, "cb1"));
    future.add_done_callback(log_cancelled(log, iterations, "cb2"));
    future.cancel();
    log.push_back("cancel returned");

    SECTION("none of them ran inside cancel") {
        REQUIRE(log == std::vector<std::string>{"cancel returned"});
    }
    SECTION("the next iteration runs both in order, and each one sees the future cancelled") {
        INFO("cancel() must set the status before scheduling: the callbacks check future.cancelled().");
        iterations.run_iteration();
        REQUIRE(log == std::vector<std::string>{"cancel returned", "iteration 1: cb1 saw cancelled",
                                                "iteration 1: cb2 saw cancelled"});
    }
}

TEST_CASE("done callbacks join the loop's ready queue behind the callbacks scheduled before them",
          "[lab03][schedule_callbacks]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    IterationCounter iterations{loop};
    std::vector<std::string> log;

    INFO("The test scheduled \"scheduled before set_result\" with call_soon, added a done callback to a "
         "pending Future<int>, called set_result(5), scheduled \"scheduled after set_result\", then ran one "
         "iteration. The done callback goes through call_soon, so it takes its place in the FIFO ready queue.");
    looplab::Future<int> future(loop);
    loop.call_soon(record(log, "scheduled before set_result"));
    future.add_done_callback(log_result(log, iterations, "done callback"));
    future.set_result(5);
    loop.call_soon(record(log, "scheduled after set_result"));
    iterations.run_iteration();

    REQUIRE(log == std::vector<std::string>{"scheduled before set_result", "iteration 1: done callback got 5",
                                            "scheduled after set_result"});
}

TEST_CASE("a callback added to a future that is already done is scheduled, not run inline",
          "[lab03][add_done_callback]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    IterationCounter iterations{loop};
    std::vector<std::string> log;

    INFO("set_result(7) was called on a Future<int> with no callbacks. Then \"late\" was added with "
         "add_done_callback; the test logged \"add_done_callback returned\" as soon as it did.");
    looplab::Future<int> future(loop);
    future.set_result(7);
    future.add_done_callback(log_result(log, iterations, "late"));
    log.push_back("add_done_callback returned");

    SECTION("it did not run inside add_done_callback") {
        INFO("Even on a done future, add_done_callback must not call the callback: the code that added it "
             "would otherwise be interrupted by it, or not, depending on timing.");
        REQUIRE(log == std::vector<std::string>{"add_done_callback returned"});
    }
    SECTION("it was handed to the loop with call_soon") {
        CAPTURE(loop.ready_count());
        REQUIRE(loop.ready_count() == 1);
    }
    SECTION("it runs in the next iteration") {
        iterations.run_iteration();
        REQUIRE(log == std::vector<std::string>{"add_done_callback returned", "iteration 1: late got 7"});
    }
    SECTION("more callbacks added after it run after it, in the order they were added") {
        INFO("\"later\" and \"latest\" were added too, then the loop ran one iteration.");
        future.add_done_callback(log_result(log, iterations, "later"));
        future.add_done_callback(log_result(log, iterations, "latest"));
        iterations.run_iteration();
        REQUIRE(log == std::vector<std::string>{"add_done_callback returned", "iteration 1: late got 7",
                                                "iteration 1: later got 7", "iteration 1: latest got 7"});
    }
}

TEST_CASE("a done callback is given the future it was added to", "[lab03][schedule_callbacks][add_done_callback]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    IterationCounter iterations{loop};
    std::vector<std::string> log;

    INFO("A done callback that logs the name and result of the future it is given was added to a pending "
         "Future<int> named \"download\"; set_result(200) was called, then the loop ran one iteration.");
    looplab::Future<int> future(loop, "download");
    future.add_done_callback([&log, &iterations](looplab::Future<int>& done) {
        log.push_back("iteration " + std::to_string(iterations.current) + ": " + done.name() + " finished with " +
                      std::to_string(done.result()));
    });
    future.set_result(200);
    iterations.run_iteration();

    REQUIRE(log == std::vector<std::string>{"iteration 1: download finished with 200"});
}

TEST_CASE("a scheduled done callback keeps its future alive until it has run", "[lab03][schedule_callbacks]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    IterationCounter iterations{loop};
    std::vector<std::string> log;

    INFO("A Future<std::shared_ptr<std::string>> got a done callback, then set_result(a shared_ptr to "
         "\"payload\"); then every copy of the future the test had was destroyed. The test keeps only a "
         "weak_ptr to the payload: it expires when the future's state is freed. Each callback that "
         "schedule_callbacks hands to call_soon must hold the state (shared_from_this()), not a raw pointer.");
    auto payload = std::make_shared<std::string>("payload");
    const std::weak_ptr<std::string> watch = payload;
    {
        looplab::Future<std::shared_ptr<std::string>> future(loop);
        future.add_done_callback([&log, &iterations](looplab::Future<std::shared_ptr<std::string>>& done) {
            log.push_back("iteration " + std::to_string(iterations.current) + ": callback got " + *done.result());
        });
        future.set_result(std::move(payload));
    }

    SECTION("before the callback runs, the future is still alive") {
        REQUIRE_FALSE(watch.expired());
    }
    SECTION("the callback runs in the next iteration and sees the result") {
        iterations.run_iteration();
        REQUIRE(log == std::vector<std::string>{"iteration 1: callback got payload"});
    }
    SECTION("once the callback has run, nothing holds the future any more") {
        INFO("The loop ran one iteration; the only owner left was the scheduled callback.");
        iterations.run_iteration();
        REQUIRE(watch.expired());
    }
}

TEST_CASE("remove_done_callback removes a waiting callback: it never runs and the others keep their order",
          "[lab03][remove_done_callback][add_done_callback]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    IterationCounter iterations{loop};
    std::vector<std::string> log;

    INFO("first, second and third were added to a pending Future<int>; then remove_done_callback was called "
         "with second's id.");
    looplab::Future<int> future(loop);
    const looplab::CallbackId first = future.add_done_callback(log_result(log, iterations, "first"));
    const looplab::CallbackId second = future.add_done_callback(log_result(log, iterations, "second"));
    const looplab::CallbackId third = future.add_done_callback(log_result(log, iterations, "third"));
    CAPTURE(first, second, third);
    const std::size_t removed = future.remove_done_callback(second);

    SECTION("it returns 1: one callback was removed") {
        REQUIRE(removed == 1);
    }
    SECTION("removing the same id again returns 0") {
        REQUIRE(future.remove_done_callback(second) == 0);
    }
    SECTION("after set_result only first and third run, in their order") {
        INFO("set_result(1) was called, then the loop ran one iteration.");
        future.set_result(1);
        iterations.run_iteration();
        REQUIRE(log == std::vector<std::string>{"iteration 1: first got 1", "iteration 1: third got 1"});
    }
}

TEST_CASE("the same callback added twice gets two ids, and removing one leaves the other",
          "[lab03][add_done_callback][remove_done_callback]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    IterationCounter iterations{loop};
    std::vector<std::string> log;

    INFO("One std::function \"cb\" was added twice to a pending Future<int>. (Python compares the functions "
         "themselves and removes every copy; C++ cannot compare lambdas, so each registration gets its own id.)");
    looplab::Future<int> future(loop);
    const auto callback = log_result(log, iterations, "cb");
    const looplab::CallbackId once = future.add_done_callback(callback);
    const looplab::CallbackId twice = future.add_done_callback(callback);
    CAPTURE(once, twice);

    SECTION("the two ids differ") {
        REQUIRE(once != twice);
    }
    SECTION("after removing the first id, the callback runs once") {
        INFO("remove_done_callback(first id) returned 1; then set_result(3) and one iteration.");
        REQUIRE(future.remove_done_callback(once) == 1);
        future.set_result(3);
        iterations.run_iteration();
        REQUIRE(log == std::vector<std::string>{"iteration 1: cb got 3"});
    }
}

TEST_CASE("remove_done_callback returns 0 and removes nothing when no callback with that id is waiting",
          "[lab03][remove_done_callback]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    IterationCounter iterations{loop};
    std::vector<std::string> log;
    looplab::Future<int> future(loop);

    SECTION("an id this future never handed out") {
        INFO("cb was added; remove_done_callback(its id + 1000) was called; then set_result(1) and one iteration.");
        const looplab::CallbackId id = future.add_done_callback(log_result(log, iterations, "cb"));
        REQUIRE(future.remove_done_callback(id + 1000) == 0);
        future.set_result(1);
        iterations.run_iteration();
        REQUIRE(log == std::vector<std::string>{"iteration 1: cb got 1"});
    }
    SECTION("the id of a callback that set_result already scheduled: it still runs") {
        INFO("cb was added; set_result(1) scheduled it; then remove_done_callback(its id) and one iteration. "
             "Once scheduled, a callback belongs to the loop: schedule_callbacks forgets it.");
        const looplab::CallbackId id = future.add_done_callback(log_result(log, iterations, "cb"));
        future.set_result(1);
        REQUIRE(future.remove_done_callback(id) == 0);
        iterations.run_iteration();
        REQUIRE(log == std::vector<std::string>{"iteration 1: cb got 1"});
    }
    SECTION("the id of a callback added to an already-done future: it still runs") {
        INFO("set_result(1); then cb was added (so it was scheduled at once); then remove_done_callback(its id) "
             "and one iteration.");
        future.set_result(1);
        const looplab::CallbackId id = future.add_done_callback(log_result(log, iterations, "cb"));
        REQUIRE(future.remove_done_callback(id) == 0);
        iterations.run_iteration();
        REQUIRE(log == std::vector<std::string>{"iteration 1: cb got 1"});
    }
}
