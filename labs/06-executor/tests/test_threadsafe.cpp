// Lab 06 specification, part 1: call_soon_threadsafe, the one EventLoop member any thread may call. It queues the
// callback under a mutex and wakes the loop; the loop moves that queue to its ready queue right after the wait
// step, so the callback runs on the loop thread (CPython's test_call_soon_threadsafe).
// See labs/06-executor/README.md and TUTORIAL.md#lab-06-run_in_executor.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <latch>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "event_loop.hpp"
#include "executor.hpp"
#include "executor_test_helpers.hpp"
#include "looplab_catch.hpp"
#include "loop_test_helpers.hpp"

using namespace looplab::testing;  // run_with_safety_timer: executor_test_helpers.hpp;
                                   // record, what_thrown: loop_test_helpers.hpp
using namespace std::chrono_literals;

namespace {

// Runs `action` on a new thread and waits for that thread to end. Returns the what() of what `action` threw, or
// "(nothing was thrown)". (An exception must not escape a thread: that ends the program. And Catch2's REQUIRE
// belongs on the test's own thread, so the other threads only record, and the test checks afterwards.)
std::string on_another_thread(const std::function<void()>& action) {
    std::string thrown;
    std::thread thread([&] { thrown = what_thrown(action); });
    thread.join();
    return thrown;
}

}  // namespace

TEST_CASE("a callback scheduled from another thread runs on the loop thread",
          "[lab06][call_soon_threadsafe][take_threadsafe_callbacks][threads]") {
    looplab::EventLoop loop;
    const std::thread::id loop_thread = std::this_thread::get_id();
    std::thread::id scheduling_thread;
    std::vector<std::thread::id> ran_on;  // touched only by the callback, so only on the loop thread

    INFO("Another thread called loop.call_soon_threadsafe(callback) and ended; then the loop ran. The callback "
         "notes the thread it runs on, then stops the loop.");
    const std::string thrown = on_another_thread([&] {
        scheduling_thread = std::this_thread::get_id();
        loop.call_soon_threadsafe([&] {
            ran_on.push_back(std::this_thread::get_id());
            loop.stop();
        }, "note the thread");
    });
    REQUIRE(thrown == "(nothing was thrown)");
    const bool safety_timer_fired = run_with_safety_timer(loop);

    INFO("The callback waits in the loop's thread-safe queue; take_threadsafe_callbacks, right after the wait step, "
         "moves it to the ready queue, and the loop runs it like any other callback: exactly once, on the loop "
         "thread, not on the thread that scheduled it.");
    REQUIRE_FALSE(safety_timer_fired);
    REQUIRE(ran_on == std::vector<std::thread::id>{loop_thread});
    REQUIRE(ran_on.front() != scheduling_thread);
}

TEST_CASE("call_soon_threadsafe wakes a loop that is sleeping until a far-off timer",
          "[lab06][call_soon_threadsafe][take_threadsafe_callbacks][threads]") {
    looplab::EventLoop loop;
    const looplab::TimePoint start = loop.time();
    std::optional<looplab::Duration> ran_after;  // loop time from the start to the callback; loop thread only
    std::string thrown = "(the other thread never ran)";
    std::jthread other;

    INFO("Nothing is ready; one timer is due in 1 h (and the test's safety timer in 2 s), so the loop's wait step "
         "sleeps. Its first callback started another thread, which called call_soon_threadsafe(callback); the "
         "callback notes the loop's time() and stops the loop.");
    loop.call_later(1h, [] {}, "far-off timer");
    loop.call_soon([&] {
        other = std::jthread([&] {
            thrown = what_thrown([&] {
                loop.call_soon_threadsafe([&] {
                    ran_after = loop.time() - start;
                    loop.stop();
                }, "from another thread");
            });
        });
    }, "start the other thread");
    const bool safety_timer_fired = run_with_safety_timer(loop);
    if (other.joinable()) other.join();
    CAPTURE(thrown);
    REQUIRE(thrown == "(nothing was thrown)");

    INFO("A callback queued for the loop cannot run while the loop sleeps: call_soon_threadsafe must wake it "
         "(platform_.wake(), after the callback is in the queue, so the woken loop finds it). Without the wake-up "
         "the callback waits for the next timer: here the safety timer, 2 s later.");
    REQUIRE(ran_after.has_value());
    const auto ran_after_ms = std::chrono::duration_cast<std::chrono::milliseconds>(*ran_after).count();
    CAPTURE(ran_after_ms);
    REQUIRE_FALSE(safety_timer_fired);
    REQUIRE(*ran_after < 1h);
}

TEST_CASE("callbacks scheduled from one thread run in the order they were scheduled",
          "[lab06][call_soon_threadsafe][take_threadsafe_callbacks][threads]") {
    looplab::EventLoop loop;
    std::vector<std::string> log;  // touched only by the callbacks, on the loop thread
    std::string thrown = "(the other thread never ran)";
    std::jthread other;

    INFO("While the loop runs, another thread schedules five callbacks with call_soon_threadsafe, then one that "
         "stops the loop. Some may arrive while the loop sleeps, some while it runs callbacks.");
    loop.call_soon([&] {
        other = std::jthread([&] {
            thrown = what_thrown([&] {
                for (const char* name : {"first", "second", "third", "fourth", "fifth"}) {
                    loop.call_soon_threadsafe(record(log, name), name);
                }
                loop.call_soon_threadsafe([&loop] { loop.stop(); }, "stop");
            });
        });
    }, "start the other thread");
    const bool safety_timer_fired = run_with_safety_timer(loop);
    if (other.joinable()) other.join();
    CAPTURE(thrown, safety_timer_fired);

    INFO("FIFO, as with call_soon: the thread-safe queue keeps them in order, and take_threadsafe_callbacks "
         "appends them to the ready queue in that order.");
    REQUIRE(log == std::vector<std::string>{"first", "second", "third", "fourth", "fifth"});
}

TEST_CASE("the handle that call_soon_threadsafe returns can cancel the callback before it runs",
          "[lab06][call_soon_threadsafe][threads]") {
    looplab::EventLoop loop;
    std::vector<std::string> log;

    INFO("Another thread called call_soon_threadsafe twice, first `cancelled`, then `stop` (which stops the loop), "
         "and ended. Then, on the loop thread, the handle of `cancelled` was cancelled, and the loop ran.");
    looplab::Handle cancelled;
    const std::string thrown = on_another_thread([&] {
        cancelled = loop.call_soon_threadsafe(record(log, "cancelled"), "cancelled");
        loop.call_soon_threadsafe([&] {
            log.push_back("stop");
            loop.stop();
        }, "stop");
    });
    REQUIRE(thrown == "(nothing was thrown)");
    cancelled.cancel();
    const bool safety_timer_fired = run_with_safety_timer(loop);
    CAPTURE(safety_timer_fired);

    INFO("Like call_soon, call_soon_threadsafe returns the Handle it queued; the loop skips a cancelled one.");
    REQUIRE(log == std::vector<std::string>{"stop"});
}

TEST_CASE("call_soon_threadsafe on a closed loop throws \"Event loop is closed\"",
          "[lab06][call_soon_threadsafe][threads]") {
    looplab::EventLoop loop;
    bool ran = false;

    INFO("loop.close() was called; then another thread called call_soon_threadsafe (a worker that finished after "
         "the loop closed, say). Like call_soon, it must refuse: a closed loop will never run the callback.");
    loop.close();
    const std::string thrown = on_another_thread([&] { loop.call_soon_threadsafe([&ran] { ran = true; }); });

    REQUIRE(thrown == "Event loop is closed");
    REQUIRE_FALSE(ran);
}

namespace {

// What the stress test's callbacks check, on the loop thread only: plain ints, no atomics, no lock. Each callback
// carries (thread, number); the next number expected from each thread tells whether one was lost, repeated, or
// came out of order.
struct Tally {
    int ran = 0;
    int out_of_order = 0;
    std::vector<int> next;  // per thread: the number its next callback should carry
};

// The stress test's safety net: the work takes a while (much longer under a sanitizer), but it never stalls. So
// instead of a fixed safety timer, a watchdog looks every second and stops the loop if `progress` has not moved
// since its last look. Returns true if the watchdog stopped the loop.
bool run_with_watchdog(looplab::EventLoop& loop, const int& progress) {
    struct Watchdog {
        looplab::EventLoop& loop;
        const int& progress;
        int last_seen = 0;
        bool fired = false;
        looplab::TimerHandle timer;
        void look() {
            if (progress == last_seen) {
                fired = true;
                loop.stop();
                return;
            }
            last_seen = progress;
            timer = loop.call_later(1s, [this] { look(); }, "watchdog");
        }
    };
    Watchdog watchdog{loop, progress, 0, false, {}};
    watchdog.timer = loop.call_later(1s, [&watchdog] { watchdog.look(); }, "watchdog");
    loop.run_forever();
    watchdog.timer.cancel();
    return watchdog.fired;
}

}  // namespace

TEST_CASE("8 threads scheduling 100000 callbacks each: every callback runs exactly once, in its thread's order",
          "[lab06][call_soon_threadsafe][take_threadsafe_callbacks][threads]") {
    constexpr int threads = 8;
    constexpr int per_thread = 100'000;
    looplab::EventLoop loop;
    Tally tally;
    tally.next.assign(threads, 0);
    std::vector<std::string> thrown(threads, "(the thread never ran)");  // thread t writes thrown[t] only
    std::string stop_thrown = "(no thread scheduled the stop)";
    std::atomic<int> finished{0};
    std::latch start_together(threads);
    std::vector<std::jthread> posters;

    INFO("While the loop runs, 8 threads start together and each calls call_soon_threadsafe 100000 times. The "
         "thread that finishes last then schedules a callback that stops the loop: every other callback was queued "
         "before it, so when the loop stops, all 800000 must have run.");
    loop.call_soon([&] {
        for (int t = 0; t < threads; ++t) {
            posters.emplace_back([&, t] {
                start_together.arrive_and_wait();
                thrown[t] = what_thrown([&] {
                    for (int i = 0; i < per_thread; ++i) {
                        loop.call_soon_threadsafe([tally = &tally, t, i] {
                            ++tally->ran;
                            if (tally->next[t] == i) {
                                ++tally->next[t];
                            } else {
                                ++tally->out_of_order;
                            }
                        }, "count");
                    }
                });
                if (finished.fetch_add(1) + 1 == threads) {
                    stop_thrown = what_thrown([&] { loop.call_soon_threadsafe([&loop] { loop.stop(); }, "stop"); });
                }
            });
        }
    }, "start 8 threads");
    const bool watchdog_fired = run_with_watchdog(loop, tally.ran);
    for (auto& poster : posters) poster.join();

    {
        INFO("What call_soon_threadsafe threw on each thread, and on the last one when it scheduled the stop.");
        REQUIRE(thrown == std::vector<std::string>(threads, "(nothing was thrown)"));
        REQUIRE(stop_thrown == "(nothing was thrown)");
    }
    {
        INFO("The loop must stop because of the last thread's stop callback, not because callbacks stopped coming.");
        REQUIRE_FALSE(watchdog_fired);
    }
    {
        INFO("Every callback ran exactly once, and each thread's callbacks in order: a callback lost (a push without "
             "the mutex, a swap that drops the queue) or run twice shows here.");
        REQUIRE(tally.ran == threads * per_thread);
        REQUIRE(tally.next == std::vector<int>(threads, per_thread));
        REQUIRE(tally.out_of_order == 0);
    }
}

namespace {

// A platform that makes the worst interleaving certain instead of rare: wake() returns only once
// the loop has finished the iteration it woke up for (it waits until the loop waits again, or
// until finish()). Every real-time wait is capped at 1 s, so a test using it stays bounded.
class StrictWakePlatform final : public looplab::Platform {
  public:
    looplab::TimePoint now() const override {
        return std::chrono::time_point_cast<looplab::Duration>(looplab::Clock::now());
    }
    void wait(std::optional<looplab::Duration> timeout) override {
        std::unique_lock lock(mutex_);
        ++waits_;
        changed_.notify_all();
        if (!timeout || *timeout > looplab::Duration::zero()) changed_.wait_for(lock, 1s, [this] { return woken_; });
        woken_ = false;
    }
    void wake() override {
        std::unique_lock lock(mutex_);
        woken_ = true;
        const int seen = waits_;
        changed_.notify_all();
        changed_.wait_for(lock, 1s, [&] { return waits_ > seen || finished_; });
    }
    // Blocks until the loop has started waiting at least once (at most 1 s).
    void wait_until_loop_waits() {
        std::unique_lock lock(mutex_);
        changed_.wait_for(lock, 1s, [this] { return waits_ > 0; });
    }
    // The loop will not wait again: release a wake() that is waiting for it.
    void finish() {
        std::lock_guard lock(mutex_);
        finished_ = true;
        changed_.notify_all();
    }

  private:
    std::mutex mutex_;
    std::condition_variable changed_;
    int waits_ = 0;
    bool woken_ = false;
    bool finished_ = false;
};

}  // namespace

TEST_CASE("call_soon_threadsafe puts the callback in the queue before it wakes the loop",
          "[lab06][call_soon_threadsafe][threads]") {
    StrictWakePlatform platform;
    looplab::EventLoop loop{platform};
    std::atomic<bool> ran{false};
    std::atomic<bool> ran_before_call_returned{false};

    INFO("The loop sleeps until a timer an hour away. A worker thread calls call_soon_threadsafe once; the test "
         "platform's wake() returns only after the loop has finished the iteration that wake-up started. If the "
         "callback was pushed before the wake-up, that iteration took it and ran it. If the wake-up came first, "
         "the loop woke up, found nothing, and went back to sleep: push, then platform_.wake().");
    loop.call_later(1h, [] {}, "far timer");
    std::thread worker([&] {
        platform.wait_until_loop_waits();
        loop.call_soon_threadsafe([&] {
            ran = true;
            loop.stop();
        }, "from the worker");
        ran_before_call_returned = ran.load();
    });
    const std::string error = what_thrown([&] { loop.run_forever(); });
    platform.finish();
    worker.join();
    CAPTURE(error);

    REQUIRE(ran);
    REQUIRE(ran_before_call_returned);
}
