// Lab 06 specification, part 2: run_in_executor and to_thread. The function runs on a worker thread; its result or
// exception comes back to the loop thread through call_soon_threadsafe and completes the future there; cancelling
// the future keeps a job that has not started from running (CPython's test_run_in_executor, test_wrap_future_cancel).
// See labs/06-executor/README.md and TUTORIAL.md#lab-06-run_in_executor.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "executor.hpp"
#include "executor_test_helpers.hpp"
#include "looplab_catch.hpp"
#include "loop_test_helpers.hpp"
#include "task.hpp"

using namespace looplab::testing;  // run_until_done, outcome_of, Signal, Gate, ...: executor_test_helpers.hpp;
                                   // what_thrown, ParseError, collect_reports, messages: loop_test_helpers.hpp
using namespace std::chrono_literals;

namespace {

// Runs exactly one iteration of the loop, inside run_forever (so a task's step can reach get_running_loop()).
void run_one_iteration(looplab::EventLoop& loop) {
    loop.call_soon([&loop] { loop.stop(); }, "stop");
    loop.run_forever();
}

// Where `expected` jobs meet: each arrives and waits until all have arrived (then true), or until the deadline
// (then false). Jobs that run one after another, on a single worker, can never all meet.
class Meeting {
  public:
    explicit Meeting(int expected) : expected_(expected) {}

    bool arrive_and_wait() {
        std::unique_lock lock(mutex_);
        if (++arrived_ == expected_) everyone_here_.notify_all();
        return everyone_here_.wait_until(lock, deadline_, [this] { return arrived_ >= expected_; });
    }

  private:
    const int expected_;
    const std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::now() + safety_limit;
    std::mutex mutex_;
    std::condition_variable everyone_here_;
    int arrived_ = 0;
};

// For an executor of the test's own, as its last job: asks the loop to stop, through call_soon_threadsafe. (If that
// throws, the safety timer stops the loop; an exception must not escape a worker.)
void stop_loop_from_worker(looplab::EventLoop& loop) {
    try {
        loop.call_soon_threadsafe([&loop] { loop.stop(); }, "stop");
    } catch (...) {
    }
}

// --- The tests' coroutines. Free functions taking their parameters by value: a coroutine may run long after its
// caller returned, so references (and lambda captures) could dangle. ----------------------------------------------

// Which threads did what: written once each, read by the test after the task is done.
struct SeenThreads {
    std::thread::id job;
    std::thread::id after_await;
};

looplab::Task<int> awaits_answer_in_executor(looplab::EventLoop* loop, SeenThreads* seen) {
    const int value = co_await loop->run_in_executor(nullptr, [seen] {
        seen->job = std::this_thread::get_id();
        return 42;
    });
    seen->after_await = std::this_thread::get_id();
    co_return value;
}

looplab::Task<std::string> awaits_failing_job(looplab::EventLoop* loop) {
    try {
        co_await loop->run_in_executor(nullptr, []() -> int { throw ParseError("unexpected end of input"); });
    } catch (const ParseError& error) {
        co_return std::string("caught ParseError: ") + error.what();
    }
    co_return std::string("co_await returned normally");
}

looplab::Task<int> awaits_job_on(looplab::EventLoop* loop, looplab::Executor* pool, std::atomic<bool>* job_ran) {
    co_return co_await loop->run_in_executor(pool, [job_ran] {
        *job_ran = true;
        return 1;
    });
}

looplab::Task<int> awaits_to_thread(SeenThreads* seen) {
    const int value = co_await looplab::to_thread([seen] {
        seen->job = std::this_thread::get_id();
        return 7;
    });
    seen->after_await = std::this_thread::get_id();
    co_return value;
}

// The lab's whole point, in small: a ticker task, and a task that hands a blocking call to the executor.
struct Ticking {
    std::atomic<bool> job_started{false};
    std::vector<std::string> journal;  // loop thread only
};

// Waits until the job has started, then ticks five times, 1 ms apart, then opens the gate the job waits at.
looplab::Task<void> ticker(Ticking* ticking, Gate* gate) {
    while (!ticking->job_started) co_await looplab::sleep(1ms);
    for (int tick = 1; tick <= 5; ++tick) {
        co_await looplab::sleep(1ms);
        ticking->journal.push_back("tick " + std::to_string(tick));
    }
    ticking->journal.push_back("the ticker opens the gate");
    gate->open();
}

// The blocking call: waits at the gate (for at most 2 s) on a worker thread.
looplab::Task<void> offloads_blocking_call(looplab::EventLoop* loop, Ticking* ticking, std::function<bool()> wait) {
    // The future in a variable of its own, not a temporary inside the co_await expression: g++ 12 may destroy a
    // temporary there twice when it has a destructor to run (this lambda's std::function).
    looplab::Future<bool> job = loop->run_in_executor(nullptr, [ticking, wait] {
        ticking->job_started = true;
        return wait();
    });
    const bool released = co_await job;
    ticking->journal.push_back(released ? "the job returned: the ticker had opened the gate"
                                        : "the job returned: it gave up waiting for the gate after 2 s");
}

}  // namespace

TEST_CASE("run_in_executor runs the function on another thread, and the awaiting task gets its result on the loop "
          "thread",
          "[lab06][run_in_executor][default_executor][take_threadsafe_callbacks][threads]") {
    SeenThreads seen;
    looplab::EventLoop loop;
    const std::thread::id loop_thread = std::this_thread::get_id();

    INFO("A task runs `co_await loop.run_in_executor(nullptr, fn)`; fn notes its thread and returns 42; the task "
         "notes the thread it goes on on. The loop ran until the task was done (at most 2 s).");
    looplab::Task<int> task = looplab::create_task(awaits_answer_in_executor(&loop, &seen));
    run_until_done(loop, task);

    REQUIRE(outcome_of(task) == "finished with 42");
    {
        INFO("The function ran on a worker thread of the default executor, not on the loop thread: running fn() "
             "right inside run_in_executor would block the loop for as long as fn takes, the stall of lab 05.");
        REQUIRE(seen.job != std::thread::id{});
        REQUIRE(seen.job != loop_thread);
    }
    {
        INFO("The task went on after co_await on the loop thread: the worker must not complete the future itself. "
             "It hands the outcome to the loop with call_soon_threadsafe; the loop thread completes the future, "
             "which resumes the task.");
        REQUIRE(seen.after_await == loop_thread);
    }
}

TEST_CASE("a job's future stays pending until the loop runs, even once the job has finished",
          "[lab06][run_in_executor][take_threadsafe_callbacks][threads]") {
    Signal job_finished;
    looplab::EventLoop loop;
    looplab::Executor pool(1);

    INFO("On an executor of the test's own with one worker: loop.run_in_executor(&pool, fn returning 42), then a "
         "second job that notes it ran. One worker runs jobs in turn, so when the second job runs, the first one, and "
         "everything it did to hand its result over, is over. Only then did the loop run.");
    looplab::Future<int> future = loop.run_in_executor(&pool, [] { return 42; });
    pool.submit([&job_finished] { job_finished.notify(); });
    REQUIRE(job_finished.wait());

    {
        INFO("Before the loop runs, the future is still pending. A future belongs to its loop's thread: only the loop "
             "thread may complete it. The worker hands the outcome over with call_soon_threadsafe; setting the "
             "result on the worker would race with the loop.");
        REQUIRE(outcome_of(future) == "still pending");
    }
    {
        INFO("Then the loop ran until the future was done: it finishes with 42.");
        run_until_done(loop, future);
        REQUIRE(outcome_of(future) == "finished with 42");
    }
}

TEST_CASE("an exception the function throws reaches the awaiting task, with its type and message",
          "[lab06][run_in_executor][threads]") {
    looplab::EventLoop loop;

    INFO("A task runs `co_await loop.run_in_executor(nullptr, fn)` inside try/catch (const ParseError&); fn throws "
         "ParseError(\"unexpected end of input\") on the worker. The task returns what it caught.");
    looplab::Task<std::string> task = looplab::create_task(awaits_failing_job(&loop));
    run_until_done(loop, task);

    INFO("The worker catches the exception as a std::exception_ptr (std::current_exception()) and the loop thread "
         "sets it on the future: co_await rethrows the very same exception, type and all.");
    REQUIRE(outcome_of(task) == "finished with \"caught ParseError: unexpected end of input\"");
}

TEST_CASE("run_in_executor with a function that returns nothing gives a Future<void>",
          "[lab06][run_in_executor][threads]") {
    std::atomic<bool> ran{false};
    looplab::EventLoop loop;

    INFO("loop.run_in_executor(nullptr, fn) where fn returns void (it sets a flag); the loop ran until its future "
         "was done.");
    auto future = loop.run_in_executor(nullptr, [&ran] { ran = true; });
    static_assert(std::is_same_v<decltype(future), looplab::Future<void>>);
    run_until_done(loop, future);

    REQUIRE(outcome_of(future) == "finished");
    REQUIRE(ran);
}

TEST_CASE("run_in_executor runs the function on the executor it is given", "[lab06][run_in_executor][threads]") {
    std::promise<std::thread::id> worker;
    looplab::EventLoop loop;
    looplab::Executor pool(1);

    INFO("An executor of the test's own with one worker; a first job submitted to it directly notes that worker's "
         "thread. Then loop.run_in_executor(&pool, fn), where fn returns the thread it runs on.");
    pool.submit([&worker] { worker.set_value(std::this_thread::get_id()); });
    std::future<std::thread::id> worker_thread = worker.get_future();
    REQUIRE(worker_thread.wait_for(safety_limit) == std::future_status::ready);
    looplab::Future<std::thread::id> future = loop.run_in_executor(&pool, [] { return std::this_thread::get_id(); });
    run_until_done(loop, future);

    REQUIRE(outcome_of(future) == "finished");
    INFO("nullptr means the loop's default executor; any other executor is the one to use.");
    REQUIRE(future.result() == worker_thread.get());
}

TEST_CASE("the default executor runs at least 5 jobs at the same time",
          "[lab06][default_executor][run_in_executor][threads]") {
    Meeting meeting(5);
    looplab::EventLoop loop;

    INFO("Five loop.run_in_executor(nullptr, fn) calls; each fn waits (at most 2 s) until all five have arrived. "
         "asyncio's default executor has min(32, cores + 4) workers: at least 5, whatever the machine.");
    std::vector<looplab::Future<bool>> jobs;
    for (int i = 0; i < 5; ++i) {
        jobs.push_back(loop.run_in_executor(nullptr, [&meeting] { return meeting.arrive_and_wait(); }));
    }
    int done = 0;
    for (auto& job : jobs) {
        job.add_done_callback([&done, &loop](looplab::Future<bool>&) {
            if (++done == 5) loop.stop();
        });
    }
    run_with_safety_timer(loop);
    std::vector<std::string> outcomes;
    for (auto& job : jobs) outcomes.push_back(outcome_of(job));

    INFO("\"finished with false\": that job waited 2 s for the others in vain; fewer than 5 workers ran them.");
    REQUIRE(outcomes == std::vector<std::string>(5, "finished with true"));
}

TEST_CASE("cancelling the awaiting task before its job has started means the job never runs",
          "[lab06][run_in_executor][threads]") {
    std::atomic<bool> job_ran{false};
    looplab::EventLoop loop;
    looplab::Executor pool(1);
    Gate gate;

    INFO("An executor of the test's own with one worker, kept busy by a first job that waits at a gate. A task "
         "awaits loop.run_in_executor(&pool, fn); fn notes that it ran. After the task's first step (the job is "
         "queued behind the busy one), task.cancel(\"no longer needed\"); the loop ran until the task was done; "
         "then the gate opened, and the pool was shut down, waiting until every queued job had had its turn.");
    pool.submit([wait = gate.waiter()] { wait(); });
    looplab::Task<int> task = looplab::create_task(awaits_job_on(&loop, &pool, &job_ran));
    run_one_iteration(loop);
    const bool accepted = task.cancel("no longer needed");
    run_until_done(loop, task);
    gate.open();
    pool.shutdown(/*wait=*/true);
    CAPTURE(accepted);

    REQUIRE(outcome_of(task) == "cancelled");
    INFO("The job never ran. Cancelling the task cancels the future it awaits; that future's done callback must tell "
         "the job, and a worker that picks up a cancelled job skips it. (A job that has already started cannot be "
         "stopped.)");
    REQUIRE_FALSE(job_ran);
}

TEST_CASE("a result that arrives after its future was cancelled is dropped without error",
          "[lab06][run_in_executor][threads]") {
    Signal job_started;
    std::vector<looplab::ExceptionContext> reports;
    looplab::EventLoop loop;
    collect_reports(loop, reports);
    looplab::Executor pool(1);
    Gate gate;

    INFO("loop.run_in_executor(&pool, fn) on an executor of the test's own with one worker; fn says it started, "
         "waits at a gate, then returns 42. Once it had started, future.cancel(\"gave up\"); then the gate opened, "
         "and a last job on the pool asked the loop to stop; the loop ran until then, so the late result had "
         "arrived.");
    looplab::Future<int> future = loop.run_in_executor(&pool, [&job_started, wait = gate.waiter()] {
        job_started.notify();
        wait();
        return 42;
    });
    REQUIRE(job_started.wait());
    future.cancel("gave up");
    gate.open();
    pool.submit([&loop] { stop_loop_from_worker(loop); });
    const bool safety_timer_fired = run_with_safety_timer(loop);

    {
        INFO("The loop took the late result, then the stop, before the safety timer.");
        REQUIRE_FALSE(safety_timer_fired);
    }
    REQUIRE(outcome_of(future) == "cancelled");
    INFO("Nothing was reported to the exception handler. Setting a result on a cancelled future throws "
         "InvalidStateError; in a callback, the loop would report it (\"Exception in callback ...\"). The callback "
         "that delivers the outcome must check first and drop it: the awaiting side no longer wants it.");
    REQUIRE(messages(reports) == std::vector<std::string>{});
}

TEST_CASE("run_in_executor on a closed loop throws \"Event loop is closed\"", "[lab06][run_in_executor]") {
    std::atomic<bool> ran{false};
    looplab::EventLoop loop;
    looplab::Executor pool(1);

    INFO("loop.close() was called, then loop.run_in_executor(...). A closed loop could never take the result back.");
    loop.close();
    SECTION("with the default executor") {
        REQUIRE(what_thrown([&] { loop.run_in_executor(nullptr, [&ran] { ran = true; }); }) == "Event loop is closed");
    }
    SECTION("with an executor of the test's own") {
        REQUIRE(what_thrown([&] { loop.run_in_executor(&pool, [&ran] { ran = true; }); }) == "Event loop is closed");
    }
    pool.shutdown(/*wait=*/true);
    REQUIRE_FALSE(ran);
}

TEST_CASE("to_thread runs the function in the running loop's default executor", "[lab06][to_thread][threads]") {
    SeenThreads seen;
    looplab::EventLoop loop;
    const std::thread::id loop_thread = std::this_thread::get_id();

    INFO("A task runs `co_await looplab::to_thread(fn)`; fn notes its thread and returns 7. No loop is passed: "
         "to_thread finds the running one (get_running_loop()) and calls its run_in_executor(nullptr, fn).");
    looplab::Task<int> task = looplab::create_task(awaits_to_thread(&seen));
    run_until_done(loop, task);

    REQUIRE(outcome_of(task) == "finished with 7");
    REQUIRE(seen.job != std::thread::id{});
    REQUIRE(seen.job != loop_thread);
    REQUIRE(seen.after_await == loop_thread);
}

TEST_CASE("to_thread outside a running loop throws \"no running event loop\"", "[lab06][to_thread]") {
    looplab::EventLoop loop;

    INFO("A loop exists but is not running; looplab::to_thread(fn) was called on the test's thread. Like "
         "asyncio.to_thread, it works only inside a running loop (get_running_loop() throws otherwise).");
    REQUIRE(what_thrown([] { looplab::to_thread([] { return 1; }); }) == "no running event loop");
}

TEST_CASE("while a blocking function runs in the executor, the loop goes on running other tasks",
          "[lab06][run_in_executor][threads]") {
    Ticking ticking;
    looplab::EventLoop loop;
    Gate gate;

    INFO("Two tasks. One awaits loop.run_in_executor(nullptr, fn): fn says it started, then blocks its thread at a "
         "gate (for at most 2 s). The other, a ticker, waits until fn has started, ticks five times 1 ms apart, "
         "then opens the gate. The loop ran until the first task was done.");
    looplab::Task<void> ticks = looplab::create_task(ticker(&ticking, &gate), "ticker");
    looplab::Task<void> offloads =
        looplab::create_task(offloads_blocking_call(&loop, &ticking, gate.waiter()), "offloads");
    run_until_done(loop, offloads);
    CAPTURE(outcome_of(offloads));

    INFO("Only the ticker opens the gate, so each tick happened while fn was blocked: the loop was free. Had fn run "
         "on the loop thread, nothing would tick until it gave up.");
    REQUIRE(ticking.journal == std::vector<std::string>{"tick 1", "tick 2", "tick 3", "tick 4", "tick 5",
                                                        "the ticker opens the gate",
                                                        "the job returned: the ticker had opened the gate"});
}
