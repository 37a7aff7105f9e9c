// looplab_workloads.cpp: the benchmark's workloads on the reference loop (solutions/loop).
// Each one is written the way a student would write it with the loop's public API, so the
// figures say what the teaching code costs, not what a hand-tuned special case could do.
// asio_workloads.cpp and bench_asyncio.py run the same shapes on the peers.
#include <chrono>
#include <cstddef>
#include <exception>
#include <random>
#include <vector>

#include "event_loop.hpp"
#include "executor.hpp"
#include "measure.hpp"
#include "not_implemented.hpp"
#include "os.hpp"
#include "task.hpp"
#include "trace.hpp"
#include "workloads.hpp"

namespace looplab::bench {
namespace {

using namespace std::chrono_literals;

constexpr const char* peer = "looplab";

// 1. Every callback is queued before the loop runs: the cost of the ready queue itself.
double callbacks_queued_once(std::size_t count) {
    EventLoop loop;
    std::size_t ran = 0;
    const auto start = Clock::now();
    for (std::size_t i = 0; i < count; ++i) loop.call_soon([&ran] { ++ran; });
    loop.call_soon([&loop] { loop.stop(); });
    loop.run_forever();
    return rate(ran, seconds_since(start));
}

// 2. Each callback schedules the next: one callback per iteration, so this also measures
// the iteration's fixed cost (the timer check, the wait step that does not wait).
struct Chain {
    EventLoop& loop;
    std::size_t left;
    void operator()() {
        if (--left == 0) return loop.stop();
        loop.call_soon(*this);
    }
};

double callbacks_chained_once(std::size_t count) {
    EventLoop loop;
    const auto start = Clock::now();
    loop.call_soon(Chain{loop, count});
    loop.run_forever();
    return rate(count, seconds_since(start));
}

// 3. Two tasks that yield to each other: each switch is one task step suspending and the
// other's step resuming in the next iteration (asyncio's `await asyncio.sleep(0)`).
Task<void> yielder(std::size_t times) {
    for (std::size_t i = 0; i < times; ++i) co_await yield_now();
}

Task<void> two_yielders(std::size_t switches) {
    auto a = create_task(yielder(switches / 2));
    auto b = create_task(yielder(switches / 2));
    co_await a;
    co_await b;
}

double task_switch_once(std::size_t switches) {
    EventLoop loop;
    const auto start = Clock::now();
    run_until_complete(loop, two_yielders(switches));
    loop.close();
    return seconds_since(start) * 1e9 / static_cast<double>(switches);
}

// 4. One job at a time through the default executor and back: the latency a blocking call
// offloaded with run_in_executor adds on top of its own duration.
Task<std::vector<double>> round_trips(std::size_t count) {
    EventLoop& loop = get_running_loop();
    std::vector<double> micros;
    micros.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        const auto start = Clock::now();
        co_await loop.run_in_executor(nullptr, [] { return 42; });
        micros.push_back(seconds_since(start) * 1e6);
    }
    co_return micros;
}

void executor_round_trip(const Sizes& sizes) {
    report_round_trips(peer, sizes.repeat, [&] {
        EventLoop loop;
        std::vector<double> micros = run_until_complete(loop, round_trips(sizes.round_trips));
        loop.shutdown_default_executor();
        loop.close();
        return micros;
    });
}

// 5. Timers at random deadlines within 10 ms, half of them cancelled at once: what the loop
// spends beyond the 10 ms the deadlines span (the heap, the cancelled timers it skips).
double timers_once(std::size_t count) {
    EventLoop loop;
    std::mt19937 random(42);
    std::uniform_int_distribution<long> delay_us(0, 9'999);
    std::vector<TimerHandle> timers;
    timers.reserve(count);
    std::size_t live = 0;
    std::chrono::microseconds latest{0};
    const auto start = Clock::now();
    for (std::size_t i = 0; i < count; ++i) {
        const std::chrono::microseconds delay{delay_us(random)};
        timers.push_back(loop.call_later(delay, [&] {
            if (--live == 0) loop.stop();
        }));
        if (i % 2 == 0) {
            ++live;
            latest = std::max(latest, delay);
        }
    }
    for (std::size_t i = 1; i < count; i += 2) timers[i].cancel();
    loop.run_forever();
    return (seconds_since(start) - std::chrono::duration<double>(latest).count()) * 1e3;
}

// 6. Many tasks asleep at once: the memory one sleeping task costs (its coroutine frame, task
// state, future and timer), and the time to create, wake and finish them all.
Task<void> sleeper() { co_await sleep(50ms); }

Task<double> many_sleepers(std::size_t count) {
    const auto before = os::heap_bytes_in_use();
    std::vector<Task<void>> tasks;
    tasks.reserve(count);
    for (std::size_t i = 0; i < count; ++i) tasks.push_back(create_task(sleeper()));
    co_await yield_now();  // every task's first step has run: each one is asleep now
    const auto asleep = os::heap_bytes_in_use();
    for (auto& task : tasks) co_await task;
    if (!before || !asleep) co_return -1.0;
    co_return static_cast<double>(*asleep - *before) / static_cast<double>(count);
}

void sleeping_tasks(const Sizes& sizes) {
    std::vector<double> bytes, millis;
    for (int i = 0; i < sizes.repeat; ++i) {
        EventLoop loop;
        const auto start = Clock::now();
        bytes.push_back(run_until_complete(loop, many_sleepers(sizes.tasks)));
        millis.push_back(seconds_since(start) * 1e3);
        loop.close();
    }
    report_sleeping_tasks(peer, bytes, millis);
}

// 7. What the trace recorder costs: the chained-callback workload with a session recording
// and without. The kit divides the difference by the events each callback records, and
// compares with a build where the recorder is compiled out (LOOPLAB_TRACE=OFF).
}  // namespace

void run_trace_cost(const Sizes& sizes) {
    const auto ns_per_callback = [&] { return 1e9 / callbacks_chained_once(sizes.callbacks); };
    report("trace_event", peer, "not_recording", median_of(sizes.repeat, ns_per_callback), "ns/callback");
    if (!LOOPLAB_TRACE) return;  // the recorder is compiled out: nothing to record
    const auto recording = [&] {
        trace::start();
        const double ns = ns_per_callback();
        trace::stop();
        return ns;
    };
    report("trace_event", peer, "recording", median_of(sizes.repeat, recording), "ns/callback");
    trace::start();
    callbacks_chained_once(1'000);
    trace::stop();
    report("trace_event", peer, "events", static_cast<double>(trace::event_count()) / 1'000.0, "events/callback");
}

namespace {

// Runs one workload. A student's loop part-way through the labs (./looplab bench --yours) throws
// from the regions it has not solved yet: say which workload that skips and why, and go on.
template <class Workload>
void attempt(const char* name, const char* needs, Workload run) {
    try {
        run();
    } catch (const not_implemented& missing) {
        fmt::print("skipped {} (needs {}): {} is not written yet\n", name, needs, missing.what());
    } catch (const std::exception& error) {
        fmt::print("skipped {}: it threw {}\n", name, error.what());
    }
    std::fflush(stdout);
}

}  // namespace

void run_looplab_workloads(const Sizes& sizes) {
    attempt("callbacks_queued", "lab 01", [&] {
        report("callbacks_queued", peer, "rate",
               median_of(sizes.repeat, [&] { return callbacks_queued_once(sizes.callbacks); }), "callbacks/s");
    });
    attempt("callbacks_chained", "lab 01", [&] {
        report("callbacks_chained", peer, "rate",
               median_of(sizes.repeat, [&] { return callbacks_chained_once(sizes.callbacks); }), "callbacks/s");
    });
    attempt("task_switch", "labs 01-04", [&] {
        report("task_switch", peer, "switch",
               median_of(sizes.repeat, [&] { return task_switch_once(sizes.switches); }), "ns/switch");
    });
    attempt("executor_round_trip", "labs 01-06", [&] { executor_round_trip(sizes); });
    attempt("timers", "labs 01-02", [&] {
        report("timers", peer, "overhead", median_of(sizes.repeat, [&] { return timers_once(sizes.timers); }), "ms");
    });
    attempt("sleeping_tasks", "labs 01-04", [&] { sleeping_tasks(sizes); });
    attempt("trace_event", "lab 01", [&] { run_trace_cost(sizes); });
}

}  // namespace looplab::bench
