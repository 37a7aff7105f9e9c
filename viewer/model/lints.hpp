// lints.hpp: things on a timeline a student should look at, found automatically and drawn in red
// with a click-to-jump list: the loop held too long, tasks that never resumed, an executor with
// more jobs than workers.
#pragma once

#include <string>
#include <vector>

#include "trace_model.hpp"

namespace looplab::viewer {

struct LintOptions {
    Micros slow_threshold_us = 100'000;   // a callback or step holding the loop this long is slow
    Micros saturation_wait_us = 1'000;    // a job waiting this long for a free worker: saturated
};

enum class LintKind : std::uint8_t { slow_callback, never_resumed, executor_saturated };
std::string_view lint_kind_name(LintKind kind);

struct Lint {
    LintKind kind;
    Micros start = 0;
    Micros end = 0;
    std::int32_t lane = -1;               // where to draw it: [start, end] on this lane
    SpanRef span;                         // the span it is about, when there is one; when valid,
                                          // it is on `lane` (span.lane == lane)
    std::string message;                  // one sentence: "tick held the loop for 523.1 ms"
};

// Every lint in the trace, sorted by start.
// - slow_callback: outermost callback/step spans on a loop lane lasting >= slow_threshold_us
//   (a step inside a slow callback is reported once, as the callback), plus the trace's own
//   "slow callback" instants when no span explains them.
// - never_resumed: a task begun but not ended by the end of the trace, with no step in its
//   last stretch (the last max(slow_threshold_us, a tenth of the trace)). Drawn from its last step
//   to the end, on that step's lane. The trace cannot tell a task never woken from one cut off by
//   the end of recording, so the message says only that it was still pending when the trace ended,
//   how long after it last ran, and what it was waiting on.
// - executor_saturated: a job (a "submit" flow) that waited >= saturation_wait_us between submit
//   and start, while every executor lane was running another job (judged halfway through the wait).
//   Drawn over [submit, start] on the worker lane that ran the job (the flow's end lane), just
//   before the job's span, which is `span`; a job that never started is drawn on the first
//   executor lane, to the end of the trace, with no span.
std::vector<Lint> find_lints(const Trace& trace, const LintOptions& options = {});

}  // namespace looplab::viewer
