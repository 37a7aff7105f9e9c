// loop_state_at: the ready queue, the timer heap, the executor and the tasks at one moment.
#include "loop_state.hpp"
#include "viewer_test_helpers.hpp"

using namespace viewer_test;

namespace {

// A loop running main (task 1) and ticker (task 2):
//   iteration 0 [0,20]: main's step [2,6] sleeps (call_at, 100 us) and schedules ticker
//                        (call_soon); ticker's step [10,14] submits a job to the executor.
//   executor-0 runs the job [30,80] and signals back (call_soon_threadsafe).
//   iteration 1 [100,130]: the sleep timer fires [101,103] and schedules main's next step;
//                          "executor result" [104,106]; main's callback [110,120] holds its step.
//   A call_soon to "never" is never run.
std::string loop_trace() {
    return trace_of(events(
        thread_name(1, "loop"), thread_name(2, "executor-0"),
        task_event('b', "main", 0, 1), task_event('b', "ticker", 0.5, 2),
        x("iteration", "run_once", 0, 20), x("callback", "main", 1, 6), x("step", "main", 2, 4, 1, R"({"task":1})"),
        instant("timer", "call_at", 3, R"({"detail":"sleep","delay_us":100})"), flow('s', "call_at", 3.5, 10),
        flow('s', "call_soon", 4, 11),
        x("callback", "ticker", 9, 6), flow('f', "call_soon", 9.1, 11), x("step", "ticker", 10, 4, 1, R"({"task":2})"),
        flow('s', "submit", 12, 12), flow('s', "call_soon", 13, 99),
        x("wait", "wait", 21, 78),
        x("executor", "run_in_executor", 30, 50, 2), flow('f', "submit", 30.1, 12, 2), flow('s', "call_soon_threadsafe", 79, 13, 2),
        x("iteration", "run_once", 100, 30), x("callback", "sleep", 101, 2), flow('f', "call_at", 101.1, 10), flow('s', "call_soon", 102, 14),
        x("callback", "executor result", 104, 2), flow('f', "call_soon_threadsafe", 104.1, 13),
        x("callback", "main", 110, 10), flow('f', "call_soon", 110.1, 14), x("step", "main", 111, 8, 1, R"({"task":1})"),
        task_event('e', "main", 119, 1)));
}

}  // namespace

TEST_CASE("The ready queue holds the call_soon handles begun and not yet run", "[viewer]") {
    const Trace trace = load(loop_trace());
    SECTION("just after main's step scheduled ticker") {
        const LoopState state = loop_state_at(trace, 5);
        REQUIRE(state.ready.size() == 1);
        CHECK(state.ready[0].name == "ticker");
        CHECK(state.ready[0].via == "call_soon");
        CHECK(state.ready[0].since == 4);
    }
    SECTION("a handle never run stays queued to the end, named ?") {
        const LoopState state = loop_state_at(trace, 125);
        REQUIRE(state.ready.size() == 1);
        CHECK(state.ready[0].name == "?");
    }
    SECTION("the worker's call_soon_threadsafe waits in the queue until the loop runs it") {
        const LoopState state = loop_state_at(trace, 90);
        REQUIRE(state.ready.size() == 2);
        CHECK(state.ready[1].name == "executor result");
        CHECK(state.ready[1].via == "call_soon_threadsafe");
    }
}

TEST_CASE("The timer heap holds call_at flows not yet due, and a due timer moves to the ready queue", "[viewer]") {
    const Trace trace = load(loop_trace());
    SECTION("before the deadline: a timer named after its callback, with its deadline") {
        const LoopState state = loop_state_at(trace, 50);
        REQUIRE(state.timers.size() == 1);
        CHECK(state.timers[0].name == "sleep");
        CHECK(state.timers[0].scheduled == 3.5);
        REQUIRE(state.timers[0].deadline.has_value());
        CHECK(*state.timers[0].deadline == Approx(103));  // the call_at instant's ts + delay_us
        CHECK_FALSE(state.timers[0].cancelled);
    }
    SECTION("past the deadline, before it runs: due, in the ready queue") {
        Trace late = load(loop_trace());
        for (auto& f : late.flows)
            if (late.text(f.name) == "call_at") f.deadline = 93.5;  // due at 93.5, runs at 101.1
        const LoopState state = loop_state_at(late, 95);
        CHECK(state.timers.empty());
        REQUIRE(state.ready.size() == 3);  // the never-run handle, the worker's, then the timer
        CHECK(state.ready[2].name == "sleep");
        CHECK(state.ready[2].via == "call_at");
        CHECK(state.ready[2].since == Approx(93.5));
    }
    SECTION("after it ran: gone") { CHECK(loop_state_at(trace, 102).timers.empty()); }
}

TEST_CASE("The executor's queue and workers come from submit flows and executor spans", "[viewer]") {
    const Trace trace = load(loop_trace());
    SECTION("submitted, not started: queued") {
        const LoopState state = loop_state_at(trace, 20);
        REQUIRE(state.executor_queue.size() == 1);
        CHECK(state.executor_queue[0].name == "run_in_executor");
        CHECK(state.executor_queue[0].submitted == 12);
        CHECK(state.executor_running.empty());
    }
    SECTION("running on a worker") {
        const LoopState state = loop_state_at(trace, 50);
        CHECK(state.executor_queue.empty());
        REQUIRE(state.executor_running.size() == 1);
        CHECK(state.executor_running[0].worker == "executor-0");
        CHECK(state.executor_running[0].submitted == 12);
        CHECK(state.executor_running[0].started == 30);
    }
}

TEST_CASE("Each task's state follows its steps and the flows around them", "[viewer]") {
    const Trace trace = load(loop_trace());
    auto task_at = [&](const char* name, Micros t) {
        for (const auto& task : loop_state_at(trace, t).tasks)
            if (task.name == name) return task;
        FAIL("no task " << name << " at " << t);
        return TaskState{};
    };
    SECTION("a task not yet stepped is pending its start") { CHECK(task_at("ticker", 5).status == TaskStatus::pending_start); }
    SECTION("a task inside its step is running") {
        CHECK(task_at("main", 3).status == TaskStatus::running);
        CHECK(task_at("main", 3).steps_so_far == 1);
    }
    SECTION("a sleeping task is suspended on its timer, with the deadline") {
        const TaskState main_task = task_at("main", 50);
        CHECK(main_task.status == TaskStatus::suspended);
        CHECK(main_task.waiting_on == "sleep timer due at 0.1 ms");
    }
    SECTION("a task waiting on an executor job names the worker running it") {
        CHECK(task_at("ticker", 20).waiting_on == "run_in_executor job, waiting for a free worker");
        CHECK(task_at("ticker", 50).waiting_on == "run_in_executor job on executor-0");
    }
    SECTION("once the job is done the task waits on a future") { CHECK(task_at("ticker", 90).waiting_on == "a future"); }
    SECTION("a task whose callback is queued is ready") { CHECK(task_at("main", 105).status == TaskStatus::ready); }
    SECTION("a finished task is done") { CHECK(task_at("main", 125).status == TaskStatus::done); }
    SECTION("only tasks begun by then are listed") { CHECK(loop_state_at(trace, 0.2).tasks.size() == 1); }
    SECTION("task_state_at agrees with loop_state_at") { CHECK(task_state_at(trace, trace.tasks[0], 50).waiting_on == task_at("main", 50).waiting_on); }
}

TEST_CASE("loop_doing says what the loop thread is doing", "[viewer]") {
    const Trace trace = load(loop_trace());
    CHECK(loop_state_at(trace, 1.5).loop_doing == "running callback main");
    CHECK(loop_state_at(trace, 3).loop_doing == "running step of task main");
    CHECK(loop_state_at(trace, 50).loop_doing == "waiting for events");
    CHECK(loop_state_at(trace, 8).loop_doing == "between callbacks");
    CHECK(loop_state_at(trace, 99.5).loop_doing == "idle");
    CHECK(loop_state_at(trace, 500).loop_doing == "finished");
}

TEST_CASE("Iterations step forward and back from any time", "[viewer]") {
    const Trace trace = load(loop_trace());
    SECTION("the iteration at a time") {
        CHECK(loop_state_at(trace, 5).iteration == 0);
        CHECK(loop_state_at(trace, 50).iteration == 0);  // the last begun
        CHECK(loop_state_at(trace, 110).iteration == 1);
    }
    SECTION("next") {
        CHECK(next_iteration(trace, 5) == 1);
        CHECK(next_iteration(trace, 50) == 1);
        CHECK(next_iteration(trace, 110) == -1);
    }
    SECTION("previous") {
        CHECK(previous_iteration(trace, 110) == 0);
        CHECK(previous_iteration(trace, 5) == -1);
        CHECK(previous_iteration(trace, 50) == 0);  // from the gap after it
    }
    SECTION("before the first iteration") {
        Trace shifted = load(loop_trace());
        CHECK(next_iteration(shifted, -1) == 0);
        CHECK(previous_iteration(shifted, -1) == -1);
        CHECK(loop_state_at(shifted, -1).iteration == -1);
    }
}

TEST_CASE("Before its first activity the loop has not started yet, and says when its first iteration begins", "[viewer]") {
    // The worker records first: the trace starts at 0, the loop's first iteration at 25 us.
    const Trace trace = load(trace_of(events(thread_name(1, "loop"), thread_name(2, "executor-0"), x("executor", "job", 0, 40, 2),
                                             x("iteration", "run_once", 25, 10), x("callback", "tick", 26, 5))));
    CHECK(loop_state_at(trace, 10).loop_doing == "not started yet (its first iteration begins at 0.025 ms)");
    CHECK(loop_state_at(trace, 25).loop_doing == "between callbacks");
    CHECK(loop_state_at(trace, 38).loop_doing == "finished");
}

TEST_CASE("A loop lane of instants only is idle between them and finished only after the last", "[viewer]") {
    const Trace trace = load(trace_of(events(thread_name(1, "loop"), thread_name(2, "other"), x("other", "work", 0, 100, 2),
                                             instant("loop", "wakeup", 10), instant("loop", "wakeup", 50))));
    CHECK(loop_state_at(trace, 5).loop_doing == "not started yet (first event at 0.010 ms)");
    CHECK(loop_state_at(trace, 30).loop_doing == "idle");
    CHECK(loop_state_at(trace, 50).loop_doing == "idle");
    CHECK(loop_state_at(trace, 60).loop_doing == "finished");
}
