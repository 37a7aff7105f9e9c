// asio_workloads.cpp: the benchmark's workloads on Asio, the peer the reference loop is measured
// against. One single-threaded asio::io_context (concurrency hint 1) plays the event loop, C++20
// awaitables (asio::awaitable, co_spawn, use_awaitable) play the tasks and asio::thread_pool plays
// the default executor. Each workload is the shape of looplab_workloads.cpp written the way an
// Asio user would write it (no strands, no custom allocators, no locking tricks), and is timed
// over the same span, so the two sets of figures can be compared line by line.
// Concurrency hint 1 says one thread runs the io_context, but other threads may still post to it
// (workload 4's pool does), so its run loop takes a mutex once per handler (the reference loop
// takes its own once per iteration, to collect what other threads sent). The hint
// ASIO_CONCURRENCY_HINT_UNSAFE would drop that mutex, and with it every way for another thread
// to reach the io_context: not the loop the reference is compared with.
// Workload 7 (what looplab's trace recorder costs) has no Asio counterpart.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <exception>
#include <random>
#include <utility>
#include <vector>

#include <asio.hpp>

#include "measure.hpp"
#include "os.hpp"
#include "workloads.hpp"

namespace looplab::bench {
namespace {

using namespace std::chrono_literals;

constexpr const char* peer = "asio";

// 1. Every handler is posted before the io_context runs: the cost of its ready queue itself.
// Timed from the first post to run() returning, as the reference loop is timed from its first
// call_soon to the end of run_forever.
double callbacks_queued_once(std::size_t count) {
    asio::io_context ctx(1);
    std::size_t ran = 0;
    const auto start = Clock::now();
    for (std::size_t i = 0; i < count; ++i) asio::post(ctx, [&ran] { ++ran; });
    ctx.run();
    return rate(ran, seconds_since(start));
}

// 2. Each handler posts the next: one handler per turn of the io_context's run loop. A handler
// posted from inside run() goes to the thread's private queue and its memory is recycled, which
// is Asio's own fast path for exactly this shape.
struct Chain {
    asio::io_context& ctx;
    std::size_t left;
    void operator()() {
        if (--left == 0) return;
        asio::post(ctx, *this);
    }
};

double callbacks_chained_once(std::size_t count) {
    asio::io_context ctx(1);
    const auto start = Clock::now();
    asio::post(ctx, Chain{ctx, count});
    ctx.run();
    return rate(count, seconds_since(start));
}

// 3. Two coroutines that yield to each other: `co_await asio::post(asio::use_awaitable)` suspends
// one and queues its resumption, on its own executor, behind the other's (asyncio's
// `await asyncio.sleep(0)`). Naming the executor, `asio::post(executor, use_awaitable)`, does the
// same but costs a third more: post then wraps the coroutine's handler in a work_dispatcher that
// tracks work on, and dispatches back to, the handler's own executor, which is this one anyway.
asio::awaitable<void> yielder(std::size_t times) {
    for (std::size_t i = 0; i < times; ++i) co_await asio::post(asio::use_awaitable);
}

double task_switch_once(std::size_t switches) {
    asio::io_context ctx(1);
    const auto start = Clock::now();
    asio::co_spawn(ctx, yielder(switches / 2), asio::detached);
    asio::co_spawn(ctx, yielder(switches / 2), asio::detached);
    ctx.run();
    return seconds_since(start) * 1e9 / static_cast<double>(switches);
}

// 4. One job at a time through a thread pool and back: the latency an offloaded blocking call
// adds on top of its own duration. run_in_pool is run_in_executor as an Asio asynchronous
// operation: the job runs on a pool thread, and its result is posted back to the executor of
// the operation's handler (for a coroutine, the io_context it runs on), so the coroutine always
// resumes on the io_context's thread. The work guard keeps run() from returning while the job
// is away. (Beware the shorter `co_await asio::post(pool, use_awaitable)`: post hands the
// handler back to its own executor, so the coroutine resumes on the io_context, not the pool.)
template <typename Job, typename CompletionToken>
auto run_in_pool(asio::thread_pool& pool, Job job, CompletionToken&& token) {
    return asio::async_initiate<CompletionToken, void(int)>(
        [&pool, job](auto handler) {
            auto home = asio::make_work_guard(asio::get_associated_executor(handler));
            asio::post(pool, [job, handler = std::move(handler), home = std::move(home)]() mutable {
                const int result = job();
                asio::post(home.get_executor(),
                           [handler = std::move(handler), result]() mutable { std::move(handler)(result); });
            });
        },
        std::forward<CompletionToken>(token));
}

asio::awaitable<std::vector<double>> round_trips(asio::thread_pool& pool, std::size_t count) {
    std::vector<double> micros;
    micros.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        const auto start = Clock::now();
        co_await run_in_pool(pool, [] { return 42; }, asio::use_awaitable);
        micros.push_back(seconds_since(start) * 1e6);
    }
    co_return micros;
}

std::vector<double> round_trips_once(std::size_t count) {
    asio::io_context ctx(1);
    asio::thread_pool pool(4);
    std::vector<double> micros;
    asio::co_spawn(ctx, round_trips(pool, count), [&micros](std::exception_ptr error, std::vector<double> result) {
        if (error) std::rethrow_exception(error);
        micros = std::move(result);
    });
    ctx.run();
    pool.join();
    return micros;
}

void executor_round_trip(const Sizes& sizes) {
    report_round_trips(peer, sizes.repeat, [&] { return round_trips_once(sizes.round_trips); });
}

// 5. steady_timers at random deadlines within 10 ms, half of them cancelled at once: what the
// io_context spends beyond the span the live deadlines cover (its timer queue, the cancelled
// waits it completes with operation_aborted). The same random delays as the reference loop, and
// the same formula: elapsed time minus the longest live delay.
double timers_once(std::size_t count) {
    asio::io_context ctx(1);
    std::mt19937 random(42);
    std::uniform_int_distribution<long> delay_us(0, 9'999);
    std::vector<asio::steady_timer> timers;
    timers.reserve(count);
    std::size_t fired = 0;
    std::chrono::microseconds latest{0};
    const auto start = Clock::now();
    for (std::size_t i = 0; i < count; ++i) {
        const std::chrono::microseconds delay{delay_us(random)};
        timers.emplace_back(ctx, delay).async_wait([&fired](const asio::error_code& error) {
            if (!error) ++fired;  // a cancelled wait completes with operation_aborted
        });
        if (i % 2 == 0) latest = std::max(latest, delay);
    }
    for (std::size_t i = 1; i < count; i += 2) timers[i].cancel();
    ctx.run();
    return (seconds_since(start) - std::chrono::duration<double>(latest).count()) * 1e3;
}

// 6. Many coroutines asleep at once, each on its own steady_timer: the memory one sleeping
// coroutine costs (its frames, its co_spawn state, the timer and its pending wait), and the time
// to spawn, wake and finish them all. co_spawn from inside the io_context runs a coroutine up to
// its first suspension at once, so after one yield every sleeper is waiting on its timer.
asio::awaitable<void> sleeper() {
    asio::steady_timer timer(co_await asio::this_coro::executor, 50ms);
    co_await timer.async_wait(asio::use_awaitable);
}

asio::awaitable<void> many_sleepers(std::size_t count, double& bytes_per_task) {
    const auto executor = co_await asio::this_coro::executor;
    const auto before = os::heap_bytes_in_use();
    for (std::size_t i = 0; i < count; ++i) asio::co_spawn(executor, sleeper(), asio::detached);
    co_await asio::post(asio::use_awaitable);  // a yield, as in the reference: every sleeper is asleep
    const auto asleep = os::heap_bytes_in_use();
    bytes_per_task = before && asleep ? static_cast<double>(*asleep - *before) / static_cast<double>(count) : -1.0;
}

void sleeping_tasks(const Sizes& sizes) {
    std::vector<double> bytes, millis;
    for (int i = 0; i < sizes.repeat; ++i) {
        asio::io_context ctx(1);
        double bytes_per_task = -1.0;
        const auto start = Clock::now();
        asio::co_spawn(ctx, many_sleepers(sizes.tasks, bytes_per_task), asio::detached);
        ctx.run();  // returns once the last sleeper has finished
        millis.push_back(seconds_since(start) * 1e3);
        bytes.push_back(bytes_per_task);
    }
    report_sleeping_tasks(peer, bytes, millis);
}

}  // namespace

void run_asio_workloads(const Sizes& sizes) {
    report("callbacks_queued", peer, "rate", median_of(sizes.repeat, [&] { return callbacks_queued_once(sizes.callbacks); }),
           "callbacks/s");
    report("callbacks_chained", peer, "rate",
           median_of(sizes.repeat, [&] { return callbacks_chained_once(sizes.callbacks); }), "callbacks/s");
    report("task_switch", peer, "switch", median_of(sizes.repeat, [&] { return task_switch_once(sizes.switches); }),
           "ns/switch");
    executor_round_trip(sizes);
    report("timers", peer, "overhead", median_of(sizes.repeat, [&] { return timers_once(sizes.timers); }), "ms");
    sleeping_tasks(sizes);
}

}  // namespace looplab::bench
