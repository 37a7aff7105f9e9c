// Stress, part 2: cancellation at random points. 100k tasks, each a random mix of yields, sleeps,
// awaited futures, child tasks and inline coroutines, cancelled at a random moment (before their
// first step, while they wait, after they finished) or not at all. Each must end exactly once, the
// way its cancels say it must, with its coroutine frames gone and the loop's queues empty.
#include <chrono>
#include <cstdint>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "event_loop.hpp"
#include "future.hpp"
#include "loop_test_helpers.hpp"
#include "looplab_catch.hpp"
#include "stress_helpers.hpp"
#include "task.hpp"
#include "virtual_platform.hpp"

using namespace std::chrono_literals;
using looplab::stress::LiveCount;
using looplab::stress::scaled;

namespace {

struct Step {
    enum class Kind { yield, sleep, timer_future, child_task, inline_child } kind;
    looplab::Duration delay{};
};

struct Plan {
    std::vector<Step> steps;
    bool catches_cancel = false;  // the coroutine catches CancelledError once and finishes normally
    enum class Cancel { never, before_first_step, at_a_random_time, twice } cancel = Cancel::never;
    looplab::Duration cancel_after{};
};

// What happened to one task, written by its coroutine and by whoever cancelled it (loop thread).
struct Record {
    bool completed = false;        // the coroutine ran to its end
    bool caught = false;           // it caught a CancelledError
    bool cancel_accepted = false;  // some cancel() returned true
};

std::string describe(const Plan& plan) {
    static const char* kinds[] = {"yield", "sleep", "timer future", "child task", "inline child"};
    static const char* cancels[] = {"never", "before its first step", "at a random time", "twice"};
    std::ostringstream text;
    for (const Step& step : plan.steps) {
        text << kinds[static_cast<int>(step.kind)] << "(" << step.delay.count() / 1'000'000 << "ms) ";
    }
    text << "| cancelled " << cancels[static_cast<int>(plan.cancel)] << " at "
         << plan.cancel_after.count() / 1'000'000 << "ms" << (plan.catches_cancel ? " | catches it" : "");
    return text.str();
}

Plan random_plan(std::mt19937_64& rng) {
    auto pick = [&rng](int n) { return static_cast<int>(rng() % static_cast<std::uint64_t>(n)); };
    Plan plan;
    const int steps = 1 + pick(5);
    for (int i = 0; i < steps; ++i) {
        plan.steps.push_back({static_cast<Step::Kind>(pick(5)), std::chrono::milliseconds(1 + pick(40))});
    }
    plan.catches_cancel = pick(10) == 0;
    const int roll = pick(100);
    plan.cancel = roll < 15 ? Plan::Cancel::never
                : roll < 25 ? Plan::Cancel::before_first_step
                : roll < 90 ? Plan::Cancel::at_a_random_time
                            : Plan::Cancel::twice;
    plan.cancel_after = std::chrono::milliseconds(pick(150));
    return plan;
}

looplab::Task<void> child(looplab::Duration delay, int* live_frames) {
    LiveCount guard(*live_frames);
    co_await looplab::sleep(delay);
}

looplab::Task<void> run_steps(std::vector<Step> steps, int* live_frames) {
    LiveCount guard(*live_frames);
    for (const Step& step : steps) {
        switch (step.kind) {
            case Step::Kind::yield:
                co_await looplab::yield_now();
                break;
            case Step::Kind::sleep:
                co_await looplab::sleep(step.delay);
                break;
            case Step::Kind::timer_future: {
                looplab::Future<int> value(looplab::get_running_loop(), "timer future");
                looplab::get_running_loop().call_later(step.delay, [value]() mutable {
                    if (!value.done()) value.set_result(1);  // a cancelled future stays cancelled
                }, "complete the future");
                co_await value;
                break;
            }
            case Step::Kind::child_task: {
                looplab::Task<void> task = looplab::create_task(child(step.delay, live_frames), "child");
                co_await task;
                break;
            }
            case Step::Kind::inline_child: {
                looplab::Task<void> inline_child = child(step.delay, live_frames);
                co_await inline_child;
                break;
            }
        }
    }
}

looplab::Task<void> worker(Plan plan, Record* record, int* live_frames) {
    LiveCount guard(*live_frames);
    if (!plan.catches_cancel) {
        co_await run_steps(plan.steps, live_frames);
        record->completed = true;
        co_return;
    }
    try {
        co_await run_steps(plan.steps, live_frames);
        record->completed = true;
    } catch (const looplab::CancelledError&) {
        record->caught = true;
    }
}

// How a task must have ended, given its record: "" if it did, else what went wrong.
std::string check_ending(const looplab::Task<void>& task, const Record& record) {
    if (!task.done()) return "still pending";
    const bool cancelled = task.cancelled();
    if (!cancelled && task.exception()) return "failed with an exception";
    if (!record.cancel_accepted) {
        if (cancelled) return "cancelled, though no cancel() returned true";
        if (!record.completed || record.caught) return "finished without its coroutine running to the end";
        return "";
    }
    if (record.caught) return cancelled ? "cancelled, though its coroutine caught the CancelledError" : "";
    if (!cancelled) return "finished, though cancel() returned true and nothing caught it";
    if (record.completed) return "cancelled after its coroutine ran to the end";
    return "";
}

}  // namespace

TEST_CASE("a hundred thousand tasks cancelled at random points each end exactly once, as their cancels say",
          "[stress][cancel]") {
    const std::uint64_t seed = looplab::stress::stress_seed();
    CAPTURE(seed);  // replay a failure with LOOPLAB_STRESS_SEED=<seed>
    std::mt19937_64 rng(seed);
    const int waves = 10;
    const int per_wave = scaled(10'000);
    looplab::testing::VirtualPlatform platform;  // virtual time: a 40 ms sleep costs nothing
    looplab::EventLoop loop(platform);

    INFO(waves << " waves of " << per_wave << " tasks (so at most that many are alive at once). Each task runs 1-5 "
         "random steps; 15% are never cancelled, 10% are cancelled before their first step, the rest at a random "
         "time in the first 150 ms (a tenth of those twice); 10% catch the CancelledError and finish normally.");
    for (int wave = 0; wave < waves; ++wave) {
        CAPTURE(wave);
        int live_frames = 0;
        int done = 0, cancels_due = 0, cancels_fired = 0;
        std::vector<Plan> plans;
        std::vector<Record> records(per_wave);
        std::vector<looplab::Task<void>> tasks;
        tasks.reserve(per_wave);
        for (int i = 0; i < per_wave; ++i) {
            plans.push_back(random_plan(rng));
            tasks.push_back(looplab::create_task(worker(plans[i], &records[i], &live_frames)));
            tasks[i].add_done_callback([&](looplab::Future<void>&) {
                if (++done == per_wave && cancels_fired == cancels_due) loop.stop();
            });
            const int times = plans[i].cancel == Plan::Cancel::twice ? 2 : 1;
            if (plans[i].cancel == Plan::Cancel::before_first_step) {
                records[i].cancel_accepted = tasks[i].cancel("before its first step");
            } else if (plans[i].cancel != Plan::Cancel::never) {
                for (int k = 0; k < times; ++k) {
                    ++cancels_due;
                    loop.call_later(plans[i].cancel_after + std::chrono::milliseconds(k), [&, i] {
                        records[i].cancel_accepted |= tasks[i].cancel("at random");
                        if (++cancels_fired == cancels_due && done == per_wave) loop.stop();
                    }, "cancel at random");
                }
            }
        }
        const bool limit_hit = looplab::stress::run_bounded(loop, 1h);  // virtual time: never reached
        REQUIRE_FALSE(limit_hit);

        int wrong = 0, cancelled = 0;
        std::string first_wrong;
        for (int i = 0; i < per_wave; ++i) {
            const std::string problem = check_ending(tasks[i], records[i]);
            cancelled += tasks[i].cancelled();
            if (problem.empty()) continue;
            if (++wrong == 1) first_wrong = "task " + std::to_string(i) + " [" + describe(plans[i]) + "]: " + problem;
        }
        INFO(wrong << " of " << per_wave << " tasks ended wrongly (" << cancelled << " cancelled); the first: "
             << first_wrong);
        REQUIRE(wrong == 0);
        INFO("Every coroutine frame's locals are gone once its task is done, however it ended.");
        REQUIRE(live_frames == 0);

        INFO("After 1 s more of virtual time every timer (sleeps, cancelled or not; future completions) is due, and "
             "one more iteration drops the cancelled safety timer, so the heap and the ready queue are empty: nothing "
             "stays scheduled for a task that is gone.");
        loop.call_later(1s, [&loop] { loop.stop(); }, "drain");
        loop.run_forever();
        looplab::testing::schedule_stop(loop);
        loop.run_forever();
        REQUIRE(loop.timer_count() == 0);
        REQUIRE(loop.ready_count() == 0);
    }
}
