// Lab 06 specification, part 3: the default executor's end. shutdown_default_executor waits for its jobs and
// refuses new ones; close() stops it without waiting, and a result that comes back to a closed loop is dropped
// (CPython's test_run_in_executor_shutdown, test_close's executor part).
// See labs/06-executor/README.md and TUTORIAL.md#lab-06-run_in_executor.
#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "executor.hpp"
#include "executor_test_helpers.hpp"
#include "looplab_catch.hpp"
#include "loop_test_helpers.hpp"
#include "task.hpp"

using namespace looplab::testing;  // run_until_done, outcome_of, Signal, Gate: executor_test_helpers.hpp;
                                   // what_thrown, collect_reports, messages: loop_test_helpers.hpp
using namespace std::chrono_literals;

namespace {

// A task that calls to_thread and returns what that call threw (no co_await: the call itself must refuse).
looplab::Task<std::string> calls_to_thread() {
    co_return what_thrown([] { looplab::to_thread([] { return 1; }); });
}

}  // namespace

TEST_CASE("after shutdown_default_executor, run_in_executor with the default executor throws \"Executor shutdown "
          "has been called\"",
          "[lab06][shutdown_default_executor][default_executor][threads]") {
    looplab::EventLoop loop;
    const auto run_a_job = [&loop] { loop.run_in_executor(nullptr, [] { return 1; }); };

    SECTION("the default executor was never used") {
        INFO("loop.shutdown_default_executor(), then loop.run_in_executor(nullptr, fn). asyncio remembers the "
             "shutdown even when it never made the executor: a later first use must not make a new one.");
        loop.shutdown_default_executor();
        REQUIRE(what_thrown(run_a_job) == "Executor shutdown has been called");
    }
    SECTION("the default executor had already run a job") {
        INFO("loop.run_in_executor(nullptr, fn returning 1) and the loop ran until its future was done; then "
             "loop.shutdown_default_executor(), then loop.run_in_executor(nullptr, fn) again.");
        looplab::Future<int> first = loop.run_in_executor(nullptr, [] { return 1; });
        run_until_done(loop, first);
        REQUIRE(outcome_of(first) == "finished with 1");
        loop.shutdown_default_executor();
        REQUIRE(what_thrown(run_a_job) == "Executor shutdown has been called");
    }
    SECTION("shutdown_default_executor was called twice: the second call does nothing") {
        loop.shutdown_default_executor();
        REQUIRE(what_thrown([&loop] { loop.shutdown_default_executor(); }) == "(nothing was thrown)");
        REQUIRE(what_thrown(run_a_job) == "Executor shutdown has been called");
    }
}

TEST_CASE("after shutdown_default_executor, to_thread throws \"Executor shutdown has been called\"",
          "[lab06][to_thread][shutdown_default_executor]") {
    looplab::EventLoop loop;

    INFO("loop.shutdown_default_executor(); then a task called looplab::to_thread(fn), which uses the running loop's "
         "default executor. The task returns what that call threw.");
    loop.shutdown_default_executor();
    looplab::Task<std::string> task = looplab::create_task(calls_to_thread());
    run_until_done(loop, task);

    REQUIRE(outcome_of(task) == "finished with \"Executor shutdown has been called\"");
}

TEST_CASE("shutdown_default_executor leaves executors of the program's own working",
          "[lab06][shutdown_default_executor][run_in_executor][threads]") {
    looplab::EventLoop loop;
    looplab::Executor pool(1);

    INFO("loop.shutdown_default_executor(), then loop.run_in_executor(&pool, fn returning 5) with an executor of the "
         "test's own; the loop ran until its future was done. Only nullptr means the default executor.");
    loop.shutdown_default_executor();
    looplab::Future<int> future = loop.run_in_executor(&pool, [] { return 5; });
    run_until_done(loop, future);

    REQUIRE(outcome_of(future) == "finished with 5");
}

TEST_CASE("shutdown_default_executor waits for the job that is running, and that job's result still arrives",
          "[lab06][shutdown_default_executor][default_executor][threads]") {
    Signal job_started;
    std::atomic<bool> job_finished{false};
    looplab::EventLoop loop;

    INFO("loop.run_in_executor(nullptr, fn): fn says it started, makes a blocking call (a 100 ms sleep), sets a flag "
         "`finished`, returns 7. Once fn had started, loop.shutdown_default_executor() was called; then the loop ran "
         "until the future was done.");
    // The sleep is the blocking call the executor exists for; nothing is synchronised by it. Whatever the timing, a
    // shutdown that waits sees the flag set; one that does not wait returns long before the sleep ends.
    looplab::Future<int> future = loop.run_in_executor(nullptr, [&job_started, &job_finished] {
        job_started.notify();
        std::this_thread::sleep_for(100ms);
        job_finished = true;
        return 7;
    });
    REQUIRE(job_started.wait());
    loop.shutdown_default_executor();
    const bool finished_when_shutdown_returned = job_finished;
    run_until_done(loop, future);

    {
        INFO("When shutdown_default_executor returns, the job has finished: like asyncio's, it waits for the "
             "executor's jobs (Executor::shutdown with wait = true).");
        REQUIRE(finished_when_shutdown_returned);
    }
    INFO("The job had handed its result over before the shutdown, and the loop is still open: the callback the "
         "worker scheduled with call_soon_threadsafe runs when the loop runs, as usual. The future finishes with 7.");
    REQUIRE(outcome_of(future) == "finished with 7");
}

TEST_CASE("close() does not wait for a job that is still running, and that job's late result is dropped",
          "[lab06][run_in_executor][threads]") {
    Signal job_started;
    std::atomic<bool> job_finished{false};
    std::vector<looplab::ExceptionContext> reports;
    std::optional<looplab::EventLoop> loop(std::in_place);
    collect_reports(*loop, reports);
    Gate gate;

    INFO("loop.run_in_executor(nullptr, fn): fn says it started, waits at a gate (for at most 2 s), sets a flag "
         "`finished`, returns 1. Once fn had started, loop.close() was called; then the gate opened; then the loop "
         "was destroyed.");
    looplab::Future<int> future = loop->run_in_executor(nullptr, [&job_started, &job_finished, wait = gate.waiter()] {
        job_started.notify();
        const bool released = wait();
        job_finished = true;
        return released ? 1 : 0;
    });
    REQUIRE(job_started.wait());
    loop->close();
    const bool finished_during_close = job_finished;
    gate.open();
    loop.reset();

    {
        INFO("close() returned while the job was still running: asyncio's close() shuts the default executor down "
             "without waiting (wait=False). A job may run for minutes, and close() must not hang on it.");
        REQUIRE_FALSE(finished_during_close);
    }
    {
        INFO("The loop's destructor waited for the job, which then finished: the default executor dies with the "
             "loop, and destroying it joins its workers. A worker that outlived the loop would hand its result to a "
             "loop that no longer exists.");
        REQUIRE(job_finished);
    }
    INFO("The late result was dropped quietly: the future stays pending, nothing is reported. When the job ended, the "
         "loop was closed, so call_soon_threadsafe threw \"Event loop is closed\". The worker must catch that (an "
         "exception that escapes a worker ends the program) and drop the result: a closed loop never completes the "
         "future.");
    REQUIRE(outcome_of(future) == "still pending");
    REQUIRE(messages(reports) == std::vector<std::string>{});
}
