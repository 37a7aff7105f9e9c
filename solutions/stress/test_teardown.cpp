// Stress, part 3: tearing a loop down in the middle of its work. A loop is destroyed (closed
// first, or not) while tasks sleep, wait for futures nobody will complete, wait for other tasks
// and for executor jobs that are still running, with timers and callbacks still queued. Every
// job the executor accepted still runs exactly once; everything the loop held is freed: every
// coroutine frame, every callback's captures (LeakSanitizer checks the memory itself).
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "event_loop.hpp"
#include "executor.hpp"
#include "future.hpp"
#include "looplab_catch.hpp"
#include "stress_helpers.hpp"
#include "task.hpp"

using namespace std::chrono_literals;
using looplab::stress::LiveCount;
using looplab::stress::scaled;

namespace {

using FrameCount = LiveCount<int>;                  // frames live on the loop thread
using CaptureCount = LiveCount<std::atomic<int>>;   // job captures die on worker threads

looplab::Task<void> sleeper(int* live_frames) {
    FrameCount guard(*live_frames);
    co_await looplab::sleep(1h);
}

// Awaits a future only its own frame holds: the task and the future keep each other alive.
looplab::Task<void> waits_forever(int* live_frames) {
    FrameCount guard(*live_frames);
    looplab::Future<int> never(looplab::get_running_loop(), "never completed");
    co_await never;
}

looplab::Task<void> waits_for_a_sleeper(int* live_frames) {
    FrameCount guard(*live_frames);
    looplab::Task<void> other = looplab::create_task(sleeper(live_frames), "awaited sleeper");
    co_await other;
}

looplab::Task<void> waits_for_a_job(std::function<int()> job, int* live_frames) {
    FrameCount guard(*live_frames);
    co_await looplab::get_running_loop().run_in_executor(nullptr, std::move(job));
}

looplab::Task<void> until(std::function<bool()> condition) {
    while (!condition()) co_await looplab::yield_now();
}

}  // namespace

TEST_CASE("a loop destroyed with pending tasks, timers and executor jobs frees everything and loses no job",
          "[stress][teardown]") {
    const bool close_first = GENERATE(true, false);
    CAPTURE(close_first);
    const int each = scaled(1'000);
    const int jobs = 64;  // more than the default executor's workers (min(32, cores + 4)): some wait in its queue
    int live_frames = 0;
    std::atomic<int> live_captures{0};
    std::atomic<bool> release_jobs{false};
    std::atomic<int> jobs_started{0}, jobs_finished{0};
    int tasks_started = 0;

    INFO(each << " tasks each: sleeping 1 h, awaiting a future nobody completes, awaiting another sleeping task; "
         << jobs << " tasks awaiting executor jobs that spin until released; " << each << " timers due in 1 h and "
         << each << " ready callbacks. The loop runs until every task has started and a job runs, then it is "
         << (close_first ? "closed and destroyed" : "destroyed without close()") << "; the jobs are released just "
         "before, so they finish while the destructor waits for the executor.");
    {
        auto loop = std::make_unique<looplab::EventLoop>();
        looplab::EventLoop& l = *loop;
        std::vector<looplab::Task<void>> tasks;
        for (int i = 0; i < each; ++i) {
            tasks.push_back(looplab::create_task(sleeper(&live_frames), "sleeper"));
            tasks.push_back(looplab::create_task(waits_forever(&live_frames), "waits forever"));
            tasks.push_back(looplab::create_task(waits_for_a_sleeper(&live_frames), "waits for a sleeper"));
            l.call_later(1h, [guard = CaptureCount(live_captures)] {}, "far-off timer");
        }
        for (int i = 0; i < jobs; ++i) {
            auto job = [&, guard = CaptureCount(live_captures)] {
                ++jobs_started;
                while (!release_jobs.load()) std::this_thread::yield();
                ++jobs_finished;
                return 1;
            };
            tasks.push_back(looplab::create_task(waits_for_a_job(job, &live_frames), "waits for a job"));
        }
        for (auto& task : tasks) task.add_done_callback([&](looplab::Future<void>&) {});
        l.call_soon([&] { tasks_started = live_frames; }, "count the started tasks");
        looplab::Task<void> ready = looplab::create_task(until([&] { return jobs_started.load() > 0; }));
        ready.add_done_callback([&](looplab::Future<void>&) { l.stop(); });
        REQUIRE_FALSE(looplab::stress::run_bounded(l));
        REQUIRE(tasks_started >= 3 * each + jobs);  // every task's frame exists (each waiter's sleeper too, later)

        for (int i = 0; i < each; ++i) l.call_soon([guard = CaptureCount(live_captures)] {}, "never run");
        tasks.clear();  // from now on only the loop (and the cycles it must break) holds them
        if (close_first) l.close();
        release_jobs = true;
        loop.reset();
    }
    INFO("jobs started " << jobs_started << ", finished " << jobs_finished << " of " << jobs
         << "; coroutine frames still alive: " << live_frames << "; callback captures still alive: " << live_captures);
    REQUIRE(jobs_finished == jobs_started);
    INFO("The destructor waits for the default executor: every job it accepted runs, even after close().");
    REQUIRE(jobs_started == jobs);
    INFO("A pending task and the future it awaits hold each other; the loop's destructor must break that cycle, or "
         "every task still pending when the loop dies leaks with its frame.");
    REQUIRE(live_frames == 0);
    REQUIRE(live_captures == 0);
}
