// Lab 06 specification, part 3: the default executor's end. shutdown_default_executor waits for its jobs and
// refuses new ones; close() stops it without waiting, and a result that comes back to a closed loop is dropped
// (CPython's test_run_in_executor_shutdown, test_close's executor part).
// See labs/06-executor/README.md and TUTORIAL.md#lab-06-run_in_executor.
#include <atomic>
#include <chrono>
#include <exception>
#include <functional>
#include <future>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "executor.hpp"
#include "looplab_catch.hpp"
#include "loop_test_helpers.hpp"
#include "task.hpp"

using namespace looplab::testing;  // what_of, what_thrown: loop_test_helpers.hpp
using namespace std::chrono_literals;

namespace {

// These tests use a real loop (`looplab::EventLoop loop;`) and real worker threads. Every wait for another thread is
// bounded: the loop runs under a safety timer that stops it after 2 s, and jobs give up waiting after 2 s, so a
// broken loop fails the test instead of hanging it.
//
// Declaration order matters in the tests: first what the jobs use, then the loop, then executors of the test's own,
// then gates. Destruction runs the other way round: the gates open, the executors finish their jobs, the loop goes
// (its destructor waits for the default executor's jobs), and only then what the jobs used.
constexpr looplab::Duration safety_limit = 2s;

// Runs the loop until `future` is done, or until the safety timer stops it. Returns whether the future is done.
template <class T>
bool run_until_done(looplab::EventLoop& loop, looplab::Future<T> future) {
    looplab::TimerHandle safety = loop.call_later(safety_limit, [&loop] { loop.stop(); }, "safety timer");
    const looplab::CallbackId stopper = future.add_done_callback([&loop](looplab::Future<T>&) { loop.stop(); });
    loop.run_forever();
    safety.cancel();
    future.remove_done_callback(stopper);
    return future.done();
}

// How a future ended, in words: "still pending", "cancelled", "failed: <what()>", "finished", "finished with 42".
template <class T>
std::string outcome_of(const looplab::Future<T>& future) {
    if (!future.done()) return "still pending";
    if (future.cancelled()) return "cancelled";
    if (std::exception_ptr error = future.exception()) return "failed: " + what_of(error);
    if constexpr (std::is_void_v<T>) {
        return "finished";
    } else if constexpr (std::is_same_v<T, std::string>) {
        return "finished with \"" + future.result() + "\"";
    } else {
        return "finished with " + std::to_string(future.result());
    }
}

// Something that happens once on one thread and that another thread waits for, boundedly.
class Signal {
  public:
    void notify() {
        if (!notified_.exchange(true)) promise_.set_value();
    }
    // True once notify() was called; false if that did not happen within 2 s.
    bool wait() const { return happened_.wait_for(safety_limit) == std::future_status::ready; }

  private:
    std::promise<void> promise_;
    std::shared_future<void> happened_ = promise_.get_future().share();
    std::atomic<bool> notified_{false};
};

// A gate that jobs wait at until the test opens it. A job waits through waiter(), a copy of the gate's shared
// future: it returns true once the gate is open, false if that did not happen within 2 s. Destroying the gate opens
// it, so a test that fails early never leaves the loop's destructor waiting for a blocked worker.
class Gate {
  public:
    Gate() = default;
    ~Gate() { open(); }
    Gate(const Gate&) = delete;
    Gate& operator=(const Gate&) = delete;

    void open() {
        if (!opened_) promise_.set_value();
        opened_ = true;
    }
    std::function<bool()> waiter() const {
        return [open = open_] { return open.wait_for(safety_limit) == std::future_status::ready; };
    }

  private:
    std::promise<void> promise_;
    std::shared_future<void> open_ = promise_.get_future().share();
    bool opened_ = false;
};

// Sets an exception handler on `loop` that keeps the message of every report it gets.
void collect_reports(looplab::EventLoop& loop, std::vector<std::string>& reports) {
    loop.set_exception_handler(
        [&reports](looplab::EventLoop&, const looplab::ExceptionContext& context) { reports.push_back(context.message); });
}

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
          "[lab06][close_executor][run_in_executor][threads]") {
    Signal job_started;
    std::atomic<bool> job_finished{false};
    std::vector<std::string> reports;
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
    REQUIRE(reports == std::vector<std::string>{});
}
