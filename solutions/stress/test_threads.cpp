// Stress, part 1: other threads. Eight threads flood call_soon_threadsafe while the loop runs;
// executors are shut down while their jobs run and other threads still submit. Every callback
// and every accepted job must run exactly once, and nothing may hang.
#include <atomic>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "event_loop.hpp"
#include "executor.hpp"
#include "looplab_catch.hpp"
#include "stress_helpers.hpp"

using looplab::stress::run_bounded;
using looplab::stress::scaled;

TEST_CASE("eight threads each calling call_soon_threadsafe 100k times run every callback exactly once",
          "[stress][threads]") {
    constexpr int threads = 8;
    const int per_thread = scaled(100'000);
    const long expected = static_cast<long>(threads) * per_thread;
    looplab::EventLoop loop;  // the real clock: the producers' wake-ups must end its waits
    // Touched only by the callbacks, so only on the loop thread.
    std::vector<std::vector<int>> runs(threads, std::vector<int>(per_thread, 0));
    std::vector<int> next_in_order(threads, 0);
    long ran = 0;
    long out_of_order = 0;
    std::atomic<long> refused{0};
    std::vector<std::jthread> producers;

    INFO(threads << " threads start once the loop runs; each schedules " << per_thread << " callbacks with "
         "call_soon_threadsafe, as fast as it can, while the loop drains them. Each callback counts its own run and "
         "the last one stops the loop.");
    loop.call_soon([&] {
        for (int t = 0; t < threads; ++t) {
            producers.emplace_back([&, t] {
                for (int i = 0; i < per_thread; ++i) {
                    try {
                        loop.call_soon_threadsafe([&, t, i] {
                            ++runs[t][i];
                            if (next_in_order[t] != i) ++out_of_order;
                            next_in_order[t] = i + 1;
                            if (++ran == expected) loop.stop();
                        }, "flood");
                    } catch (const std::runtime_error&) {
                        ++refused;
                    }
                }
            });
        }
    }, "start the producers");
    const bool limit_hit = run_bounded(loop);
    for (auto& producer : producers) producer.join();

    long never_ran = 0, ran_twice = 0;
    for (const auto& thread_runs : runs) {
        for (int count : thread_runs) {
            never_ran += count == 0;
            ran_twice += count > 1;
        }
    }
    INFO("callbacks run: " << ran << " of " << expected << "; never run: " << never_ran << "; run more than once: "
         << ran_twice << "; refused: " << refused << "; run out of their thread's order: " << out_of_order);
    REQUIRE_FALSE(limit_hit);
    REQUIRE(refused == 0);
    REQUIRE(ran == expected);
    REQUIRE(never_ran == 0);
    REQUIRE(ran_twice == 0);
    INFO("One thread's callbacks join the ready queue in the order that thread scheduled them.");
    REQUIRE(out_of_order == 0);
}

TEST_CASE("an executor shut down while its jobs run and others still submit runs every job it accepted",
          "[stress][executor]") {
    constexpr int submitters = 4;
    const int per_submitter = scaled(20'000);
    std::atomic<long> accepted{0}, refused{0}, ran{0};
    std::vector<std::atomic<int>> runs(static_cast<std::size_t>(submitters) * per_submitter);
    {
        looplab::Executor executor(4);
        std::vector<std::jthread> threads;
        INFO(submitters << " threads submit " << per_submitter << " jobs each; once a tenth of the jobs have run, "
             "the test calls shutdown(wait=true) while jobs still run and the threads still submit.");
        for (int t = 0; t < submitters; ++t) {
            threads.emplace_back([&, t] {
                for (int i = 0; i < per_submitter; ++i) {
                    const std::size_t id = static_cast<std::size_t>(t) * per_submitter + i;
                    try {
                        executor.submit([&, id] {
                            ++runs[id];
                            ++ran;
                        }, "stress job");
                        ++accepted;
                    } catch (const std::runtime_error&) {
                        ++refused;
                    }
                }
            });
        }
        while (ran.load() < per_submitter * submitters / 10) std::this_thread::yield();
        executor.shutdown(/*wait=*/true);
        const long ran_at_shutdown = ran.load();
        const long accepted_at_shutdown = accepted.load();
        for (auto& thread : threads) thread.join();
        INFO("when shutdown(wait=true) returned, " << ran_at_shutdown << " jobs had run and at least "
             << accepted_at_shutdown << " had been accepted");
        CHECK(ran_at_shutdown >= accepted_at_shutdown);
    }  // the executor's destructor joins what is left

    long never_ran = 0, ran_twice = 0;
    for (std::size_t id = 0; id < runs.size(); ++id) ran_twice += runs[id].load() > 1;
    never_ran = accepted.load() - ran.load();
    INFO("accepted " << accepted << ", refused " << refused << ", ran " << ran << "; run more than once: " << ran_twice);
    REQUIRE(accepted + refused == static_cast<long>(runs.size()));
    INFO("A job submit() accepted must run, even when shutdown() comes right after: only refused jobs may not run.");
    REQUIRE(never_ran == 0);
    REQUIRE(ran_twice == 0);
    REQUIRE(refused > 0);  // the shutdown came while the threads still submitted
}

TEST_CASE("the default executor shut down while its jobs run delivers every result to the loop",
          "[stress][executor]") {
    const int jobs = scaled(2'000);
    looplab::EventLoop loop;
    std::vector<looplab::Future<int>> results;
    std::atomic<int> started{0};
    int delivered = 0;  // loop thread only

    INFO(jobs << " run_in_executor jobs on the default executor; once some have started, the loop calls "
         "shutdown_default_executor() (it waits for them), then runs until every future is done.");
    for (int i = 0; i < jobs; ++i) {
        results.push_back(loop.run_in_executor(nullptr, [i, &started] {
            ++started;
            return i;
        }));
        results.back().add_done_callback([&](looplab::Future<int>&) {
            if (++delivered == jobs) loop.stop();
        });
    }
    loop.call_soon([&] {
        while (started.load() == 0) std::this_thread::yield();
        loop.shutdown_default_executor();
    }, "shut the executor down while it works");
    const bool limit_hit = run_bounded(loop);
    int wrong = 0;
    for (int i = 0; i < jobs; ++i) wrong += !results[i].done() || results[i].cancelled() || results[i].result() != i;
    INFO("results delivered: " << delivered << " of " << jobs << "; missing or wrong: " << wrong);
    REQUIRE_FALSE(limit_hit);
    REQUIRE(delivered == jobs);
    REQUIRE(wrong == 0);
    REQUIRE_THROWS_WITH(loop.run_in_executor(nullptr, [] { return 0; }), "Executor shutdown has been called");
}
