// loop_state.cpp: the loop's queues and each task's state at one moment, rebuilt from flows.
//
// The trace never records a queue, only causes and effects: a flow begins when a handle is
// scheduled and ends (its f) when the loop runs it. So at time t, every flow begun and not yet
// ended is something waiting: a call_soon flow is a handle in the ready queue, a call_at flow a
// timer in the heap (or, past its deadline, a due handle), a submit flow a job queued for a worker.
#include <algorithm>
#include <limits>
#include <unordered_set>

#include <fmt/format.h>

#include "loop_state.hpp"

namespace looplab::viewer {

namespace {

constexpr Micros tolerance_us = 0.001;  // as in trace_index.cpp: the kit's rounding of ends

enum class FlowRole : std::uint8_t { ready, timer, job, other };

FlowRole role_of(std::string_view name) {
    if (name == "call_soon" || name == "call_soon_threadsafe") return FlowRole::ready;
    if (name == "call_at") return FlowRole::timer;
    if (name == "submit") return FlowRole::job;
    return FlowRole::other;
}

// Begun by t and not ended yet. A flow that never ends stays open to the end of the trace: a
// handle cancelled before it ran, or still queued when recording stopped.
bool open_at(const Flow& flow, Micros t) { return flow.begin <= t && (!flow.ended || t < flow.end); }

std::string_view effect_name(const Trace& trace, const Flow& flow) {
    return flow.effect.valid() ? trace.text(trace.span(flow.effect).name) : std::string_view();
}

// A timer is named after the callback it runs, or, before it runs, after its call_at instant.
std::string timer_name(const Trace& trace, const Flow& flow) {
    if (auto name = effect_name(trace, flow); !name.empty()) return std::string(name);
    if (auto detail = trace.text(flow.detail); !detail.empty()) return std::string(detail);
    return "timer";
}

std::string ms(Micros us) { return fmt::format("{:.1f} ms", us / 1000.0); }

std::uint64_t key_of(SpanRef ref) {
    return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(ref.lane)) << 32) | static_cast<std::uint32_t>(ref.index);
}

// The span at `depth` on `lane` running at t (start <= t <= end), or an invalid ref.
SpanRef span_at_depth(const Trace& trace, std::int32_t lane, std::size_t depth, Micros t) {
    const Lane& l = trace.lanes[static_cast<std::size_t>(lane)];
    if (depth >= l.by_depth.size()) return {};
    const auto& indices = l.by_depth[depth];
    auto it = std::upper_bound(indices.begin(), indices.end(), t,
                               [&](Micros v, std::int32_t i) { return v < l.spans[static_cast<std::size_t>(i)].start; });
    if (it == indices.begin() || l.spans[static_cast<std::size_t>(*std::prev(it))].end < t) return {};
    return SpanRef{lane, *std::prev(it)};
}

// The effects of the call_soon flows open at t: the callbacks waiting in the ready queue.
std::unordered_set<std::uint64_t> queued_callbacks(const Trace& trace, Micros t) {
    std::unordered_set<std::uint64_t> out;
    for (const Flow& flow : trace.flows) {
        if (flow.begin > t) break;
        if (open_at(flow, t) && flow.effect.valid() && role_of(trace.text(flow.name)) == FlowRole::ready)
            out.insert(key_of(flow.effect));
    }
    return out;
}

// A task is ready when the callback that will run its next step is queued (its call_soon flow
// is open) or already running (the loop has picked it but the step has not begun).
bool next_step_is_due(const Trace& trace, SpanRef step, Micros t, const std::unordered_set<std::uint64_t>& queued) {
    const Span& span = trace.span(step);
    for (std::size_t depth = 0; depth < span.depth; ++depth) {
        SpanRef outer = span_at_depth(trace, step.lane, depth, span.start);
        if (!outer.valid()) continue;
        if (queued.contains(key_of(outer))) return true;
        const Span& o = trace.span(outer);
        if (o.kind == SpanKind::callback && o.start <= t && t <= o.end) return true;
    }
    return false;
}

// What a suspended task waits on: a timer or an executor job started during its last step and
// still pending at t; anything else it awaits is, to the trace, just "a future".
std::string waiting_on(const Trace& trace, SpanRef last_step, Micros t) {
    const Span& step = trace.span(last_step);
    auto it = std::lower_bound(trace.flows.begin(), trace.flows.end(), step.start,
                               [](const Flow& f, Micros v) { return f.begin < v; });
    for (; it != trace.flows.end() && it->begin <= step.end + tolerance_us; ++it) {
        if (it->begin_lane != last_step.lane) continue;
        const FlowRole role = role_of(trace.text(it->name));
        if (role == FlowRole::timer && open_at(*it, t)) {
            if (!it->deadline) return fmt::format("{} timer", timer_name(trace, *it));
            return fmt::format("{} timer due at {}", timer_name(trace, *it), ms(*it->deadline));
        }
        if (role != FlowRole::job) continue;
        const std::string job(effect_name(trace, *it).empty() ? "executor" : effect_name(trace, *it));
        if (open_at(*it, t)) return fmt::format("{} job, waiting for a free worker", job);
        if (it->effect.valid() && t <= trace.span(it->effect).end)
            return fmt::format("{} job on {}", job, trace.lanes[static_cast<std::size_t>(it->effect.lane)].name);
    }
    return "a future";
}

TaskState task_state(const Trace& trace, const TaskInfo& task, Micros t, const std::unordered_set<std::uint64_t>& queued) {
    TaskState state;
    state.id = task.id;
    state.name = task.name;
    auto started_end = std::upper_bound(task.steps.begin(), task.steps.end(), t,
                                        [&](Micros v, SpanRef s) { return v < trace.span(s).start; });
    const auto started = static_cast<std::size_t>(started_end - task.steps.begin());
    state.steps_so_far = static_cast<int>(started);
    if (task.end && *task.end <= t) {
        state.status = TaskStatus::done;
    } else if (started > 0 && t < trace.span(task.steps[started - 1]).end) {
        state.status = TaskStatus::running;
    } else if (started == 0) {
        state.status = TaskStatus::pending_start;
    } else if (started < task.steps.size() && next_step_is_due(trace, task.steps[started], t, queued)) {
        state.status = TaskStatus::ready;
    } else {
        state.status = TaskStatus::suspended;
        state.waiting_on = waiting_on(trace, task.steps[started - 1], t);
    }
    return state;
}

// To the microsecond: "0.025 ms", for the moments before and after the loop's activity.
std::string precise_ms(Micros us) { return fmt::format("{:.3f} ms", us / 1000.0); }

// What the loop thread does at t, from the deepest loop-lane span running then. Before the loop
// lane's first span or instant it has not started; after its last one (span end or instant) it
// has finished; in between, with no span running, it is idle.
std::string loop_doing(const Trace& trace, Micros t) {
    const std::int32_t loop = trace.loop_lane();
    if (loop < 0) return "no loop thread in this trace";
    const Lane& lane = trace.lanes[static_cast<std::size_t>(loop)];
    if (lane.spans.empty() && lane.instants.empty()) return "the loop thread recorded nothing";
    Micros first = std::numeric_limits<Micros>::infinity();
    Micros last = -std::numeric_limits<Micros>::infinity();
    if (!lane.spans.empty()) first = lane.spans.front().start;  // spans are sorted by start
    for (const auto& indices : lane.by_depth)
        if (!indices.empty()) last = std::max(last, lane.spans[static_cast<std::size_t>(indices.back())].end);
    if (!lane.instants.empty()) {
        first = std::min(first, lane.instants.front().ts);
        last = std::max(last, lane.instants.back().ts);
    }
    if (t < first) {
        if (trace.iterations.empty()) return fmt::format("not started yet (first event at {})", precise_ms(first));
        return fmt::format("not started yet (its first iteration begins at {})",
                           precise_ms(trace.span(trace.iterations.front()).start));
    }
    if (t > last) return "finished";
    const SpanRef ref = trace.span_at(loop, t);
    if (!ref.valid()) return "idle";
    const Span& span = trace.span(ref);
    const std::string_view name = trace.text(span.name);
    switch (span.kind) {
        case SpanKind::callback: return fmt::format("running callback {}", name);
        case SpanKind::step: return fmt::format("running step of task {}", name);
        case SpanKind::wait: return "waiting for events";
        case SpanKind::iteration: return "between callbacks";
        default: return fmt::format("running {}", name);
    }
}

// Executor spans running at t, on any lane (workers are usually named executor-N).
void running_jobs(const Trace& trace, Micros t, std::vector<ExecutorJob>& out) {
    for (std::size_t l = 0; l < trace.lanes.size(); ++l) {
        const Lane& lane = trace.lanes[l];
        for (std::size_t depth = 0; depth < lane.by_depth.size(); ++depth) {
            const SpanRef ref = span_at_depth(trace, static_cast<std::int32_t>(l), depth, t);
            if (!ref.valid()) continue;
            const Span& span = trace.span(ref);
            if (span.kind != SpanKind::executor || t >= span.end) continue;
            ExecutorJob job{std::string(trace.text(span.name)), span.start, span.start, lane.name};
            for (const Flow& flow : trace.flows)
                if (flow.effect == ref && role_of(trace.text(flow.name)) == FlowRole::job) job.submitted = flow.begin;
            out.push_back(std::move(job));
        }
    }
}

// The index into Trace::iterations of the iteration containing t, or else the last begun before t.
int iteration_at(const Trace& trace, Micros t) {
    auto it = std::upper_bound(trace.iterations.begin(), trace.iterations.end(), t,
                               [&](Micros v, SpanRef r) { return v < trace.span(r).start; });
    return static_cast<int>(it - trace.iterations.begin()) - 1;
}

}  // namespace

std::string_view task_status_name(TaskStatus status) {
    switch (status) {
        case TaskStatus::pending_start: return "not started";
        case TaskStatus::running: return "running";
        case TaskStatus::ready: return "ready";
        case TaskStatus::suspended: return "suspended";
        case TaskStatus::done: return "done";
    }
    return "?";
}

TaskState task_state_at(const Trace& trace, const TaskInfo& task, Micros t) {
    return task_state(trace, task, t, queued_callbacks(trace, t));
}

// Contract: see loop_state.hpp. One pass over the flows begun by t, one per task.
LoopState loop_state_at(const Trace& trace, Micros t) {
    LoopState state;
    state.at = t;
    state.iteration = iteration_at(trace, t);
    state.loop_doing = loop_doing(trace, t);
    for (const Flow& flow : trace.flows) {
        if (flow.begin > t) break;
        if (!open_at(flow, t)) continue;
        const std::string_view via = trace.text(flow.name);
        switch (role_of(via)) {
            case FlowRole::ready: {
                const std::string_view name = effect_name(trace, flow);
                state.ready.push_back(QueuedHandle{name.empty() ? "?" : std::string(name), std::string(via), flow.begin});
                break;
            }
            case FlowRole::timer:
                // Past its deadline and going to run: the loop has it in the ready queue, due.
                if (flow.ended && flow.deadline && *flow.deadline <= t)
                    state.ready.push_back(QueuedHandle{timer_name(trace, flow), std::string(via), *flow.deadline});
                else
                    state.timers.push_back(PendingTimer{timer_name(trace, flow), flow.begin,
                                                        flow.deadline,
                                                        !flow.ended});
                break;
            case FlowRole::job:
                state.executor_queue.push_back(
                    ExecutorJob{effect_name(trace, flow).empty() ? "executor job" : std::string(effect_name(trace, flow)),
                                flow.begin, std::nullopt, ""});
                break;
            case FlowRole::other: break;
        }
    }
    std::stable_sort(state.ready.begin(), state.ready.end(), [](const auto& a, const auto& b) { return a.since < b.since; });
    std::stable_sort(state.timers.begin(), state.timers.end(), [](const PendingTimer& a, const PendingTimer& b) {
        if (a.deadline.has_value() != b.deadline.has_value()) return a.deadline.has_value();
        return a.deadline.has_value() && *a.deadline != *b.deadline ? *a.deadline < *b.deadline : a.scheduled < b.scheduled;
    });
    running_jobs(trace, t, state.executor_running);
    const auto queued = queued_callbacks(trace, t);
    for (const TaskInfo& task : trace.tasks)
        if (task.begin <= t) state.tasks.push_back(task_state(trace, task, t, queued));
    return state;
}

int next_iteration(const Trace& trace, Micros t) {
    const int at = iteration_at(trace, t);
    const int next = at + 1;
    return next < static_cast<int>(trace.iterations.size()) ? next : -1;
}

// From inside an iteration, the one before it; from a gap after iteration k, k itself.
int previous_iteration(const Trace& trace, Micros t) {
    const int at = iteration_at(trace, t);
    if (at < 0) return -1;
    const Span& span = trace.span(trace.iterations[static_cast<std::size_t>(at)]);
    return t <= span.end ? at - 1 : at;
}

}  // namespace looplab::viewer
