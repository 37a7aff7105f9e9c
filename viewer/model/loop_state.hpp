// loop_state.hpp: what the loop held at one moment, rebuilt from a trace. This is what the
// teaching panels show beside the timeline: the ready queue, the timer heap, the executor's queue
// and each task's state, at the cursor.
//
// The trace records events, not queues, so the state is derived from the flows (schema:
// labs/common/TRACE_SCHEMA.md): a call_soon flow that has begun but not yet ended is a handle
// waiting in the ready queue; an open call_at flow is a timer in the heap; an open submit flow is
// a job waiting for an executor worker.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "trace_model.hpp"

namespace looplab::viewer {

// A handle in the ready queue: scheduled, not run yet.
struct QueuedHandle {
    std::string name;          // the callback's name (from the span its flow ends in), "?" if it never ran
    std::string via;           // the flow's name: "call_soon", "call_soon_threadsafe", "call_at" (a due timer)
    Micros since = 0;          // when it was scheduled
};

// A timer in the heap.
struct PendingTimer {
    std::string name;
    Micros scheduled = 0;
    std::optional<Micros> deadline;   // scheduled + delay, when the trace says the delay
    bool cancelled = false;           // its flow never ended: cancelled, or pending at the end
};

// An executor job: waiting for a worker, or running on one.
struct ExecutorJob {
    std::string name;
    Micros submitted = 0;
    std::optional<Micros> started;    // set when running
    std::string worker;               // the lane name of the worker running it, "" while queued
};

enum class TaskStatus : std::uint8_t { pending_start, running, ready, suspended, done };
std::string_view task_status_name(TaskStatus status);

struct TaskState {
    std::uint64_t id = 0;
    std::string name;
    TaskStatus status = TaskStatus::pending_start;
    std::string waiting_on;           // suspended: what it awaits ("sleep timer due at 250.0 ms",
                                      // "run_in_executor job on executor-0", "a future"); else ""
    int steps_so_far = 0;
};

struct LoopState {
    Micros at = 0;
    int iteration = -1;               // index into Trace::iterations of the iteration containing
                                      // `at`, or else of the last one begun before `at` (also when
                                      // `at` is past the last iteration); -1 before the first
    std::string loop_doing;           // "running callback tick", "waiting for events", "idle",
                                      // "not started yet (...)", "finished", ...
    std::vector<QueuedHandle> ready;  // in queue order (oldest first)
    std::vector<PendingTimer> timers; // by deadline (earliest first), unknown deadlines last
    std::vector<ExecutorJob> executor_queue;   // submitted, not started, oldest first
    std::vector<ExecutorJob> executor_running; // running on a worker at `at`
    std::vector<TaskState> tasks;     // tasks begun by `at`, in begin order
};

// The loop's state at time t. Cost: linear in flows and tasks (the panels cache it per cursor).
LoopState loop_state_at(const Trace& trace, Micros t);

// One task's state at t, as loop_state_at computes it (used by the lints for "waiting on ...").
TaskState task_state_at(const Trace& trace, const TaskInfo& task, Micros t);

// Iteration stepping for the player: the iteration after / before the one containing t
// (index into Trace::iterations), or -1 when there is none.
int next_iteration(const Trace& trace, Micros t);
int previous_iteration(const Trace& trace, Micros t);

}  // namespace looplab::viewer
