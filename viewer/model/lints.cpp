// lints.cpp: the timeline's warnings: callbacks that held the loop, tasks left waiting forever,
// jobs queued behind busy workers. Each is a sentence a student can act on, with where to jump.
#include <algorithm>

#include <fmt/format.h>

#include "lints.hpp"
#include "loop_state.hpp"

namespace looplab::viewer {

namespace {

constexpr Micros tolerance_us = 0.001;
// The loop records its "slow callback" instant as the step returns, inside the callback span or
// just after it; an instant within the span or this close after it is that span's.
constexpr Micros slow_instant_window_us = 1'000;

std::string ms(Micros us) { return fmt::format("{:.1f} ms", us / 1000.0); }

// A limit as the user set it, in plain decimals: "100", "999.7", "1500000" (never "1e+06").
std::string plain_ms(Micros us) {
    std::string text = fmt::format("{:.3f}", us / 1000.0);
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
    return text;
}

bool runs_user_code(SpanKind kind) { return kind == SpanKind::callback || kind == SpanKind::step; }

// Outermost callback/step spans of one loop lane, in time order: the units that hold the loop.
std::vector<SpanRef> loop_units(const Trace& trace, std::size_t lane) {
    std::vector<SpanRef> units;
    Micros outer_end = -1;
    const auto& spans = trace.lanes[lane].spans;
    for (std::size_t i = 0; i < spans.size(); ++i) {
        if (!runs_user_code(spans[i].kind)) continue;
        if (spans[i].start < outer_end && spans[i].end <= outer_end + tolerance_us) continue;  // nested
        outer_end = spans[i].end;
        units.push_back(SpanRef{static_cast<std::int32_t>(lane), static_cast<std::int32_t>(i)});
    }
    return units;
}

// The loop's own "slow callback" report, when the unit that just returned does not explain it
// (its debug threshold may be lower than ours, or the trace may lack the callback spans).
void slow_report(const Trace& trace, const LintOptions& options, const std::vector<SpanRef>& units, const Instant& report,
                 std::int32_t lane, std::vector<Lint>& out) {
    auto after = std::upper_bound(units.begin(), units.end(), report.ts,
                                  [&](Micros t, SpanRef ref) { return t < trace.span(ref).start; });
    SpanRef last;  // the last unit begun by the report, if it is still running or has just returned
    if (after != units.begin() && report.ts <= trace.span(*std::prev(after)).end + slow_instant_window_us)
        last = *std::prev(after);
    if (last.valid() && trace.span(last).duration() >= options.slow_threshold_us) return;  // reported as a span
    Lint lint{LintKind::slow_callback, report.ts, report.ts, lane, last, ""};
    if (last.valid()) lint.start = trace.span(last).start;
    const std::string_view detail = trace.text(report.detail);
    lint.message = detail.empty() ? "the loop reported a slow callback" : fmt::format("the loop reported a slow callback: {}", detail);
    out.push_back(std::move(lint));
}

void slow_callbacks(const Trace& trace, const LintOptions& options, std::vector<Lint>& out) {
    for (std::size_t l = 0; l < trace.lanes.size(); ++l) {
        if (trace.lanes[l].kind != LaneKind::loop) continue;
        const auto units = loop_units(trace, l);
        for (SpanRef ref : units) {
            const Span& span = trace.span(ref);
            if (span.duration() < options.slow_threshold_us) continue;
            const std::string who = span.kind == SpanKind::step ? fmt::format("task {}", trace.text(span.name))
                                                                : std::string(trace.text(span.name));
            out.push_back(Lint{LintKind::slow_callback, span.start, span.end, ref.lane, ref,
                               fmt::format("{} held the loop for {} (limit {} ms)", who, ms(span.duration()),
                                           plain_ms(options.slow_threshold_us))});
        }
        for (const Instant& instant : trace.lanes[l].instants)
            if (trace.text(instant.name) == "slow callback") slow_report(trace, options, units, instant, static_cast<std::int32_t>(l), out);
    }
}

// "sleep timer due at 250.0 ms" reads "a sleep timer due at 250.0 ms" after "waiting on".
std::string with_article(const std::string& what) {
    if (what.starts_with("a ") || what.starts_with("an ")) return what;
    return "a " + what;
}

// A task not finished by the end, quiet for the trace's last stretch: the larger of the slow
// threshold and a tenth of the trace. A task stepping right up to the end was merely cut off by
// the end of recording; one silent that long was likely never woken. Either way the trace only
// shows it still pending when recording stopped, and the message says no more than that.
void never_resumed(const Trace& trace, const LintOptions& options, std::vector<Lint>& out) {
    const Micros quiet = std::max(options.slow_threshold_us, (trace.end - trace.start) / 10);
    std::vector<TaskState> at_end;  // computed once, and only if some task is left waiting
    for (std::size_t i = 0; i < trace.tasks.size(); ++i) {
        const TaskInfo& task = trace.tasks[i];
        if (task.end) continue;
        const bool ran = !task.steps.empty();
        const Micros last_ran = ran ? trace.span(task.steps.back()).end : task.begin;
        if (trace.end - last_ran < quiet) continue;
        Lint lint{LintKind::never_resumed, last_ran, trace.end, ran ? task.steps.back().lane : trace.loop_lane(),
                  ran ? task.steps.back() : SpanRef{}, ""};
        if (!ran) {
            lint.message = fmt::format("task {} was still pending when the trace ended, {} after it was created (at {}): "
                                       "it had not run yet",
                                       task.name, ms(trace.end - task.begin), ms(task.begin));
        } else {
            if (at_end.empty()) at_end = loop_state_at(trace, trace.end).tasks;  // every task has begun by the end
            const std::string& waiting = i < at_end.size() ? at_end[i].waiting_on : std::string();
            lint.message = fmt::format("task {} was still pending when the trace ended, {} after it last ran (at {}){}",
                                       task.name, ms(trace.end - last_ran), ms(last_ran),
                                       waiting.empty() ? "" : ": waiting on " + with_article(waiting));
        }
        out.push_back(std::move(lint));
    }
}

// Is an executor span other than `own` running at t on `lane`? One binary search per depth.
bool worker_busy(const Trace& trace, std::size_t lane, Micros t, SpanRef own) {
    const Lane& l = trace.lanes[lane];
    for (const auto& indices : l.by_depth) {
        auto it = std::upper_bound(indices.begin(), indices.end(), t,
                                   [&](Micros v, std::int32_t i) { return v < l.spans[static_cast<std::size_t>(i)].start; });
        if (it == indices.begin()) continue;
        const Span& span = l.spans[static_cast<std::size_t>(*std::prev(it))];
        if (span.kind == SpanKind::executor && t < span.end && !(SpanRef{static_cast<std::int32_t>(lane), *std::prev(it)} == own))
            return true;
    }
    return false;
}

// A submitted job that waited long for a worker while every worker was running another job.
// "Busy" is judged halfway through the wait: at the submit itself the other jobs may still be
// on their way to their workers, and at the start one worker has just come free.
void executor_saturated(const Trace& trace, const LintOptions& options, std::vector<Lint>& out) {
    std::vector<std::size_t> workers;
    for (std::size_t l = 0; l < trace.lanes.size(); ++l)
        if (trace.lanes[l].kind == LaneKind::executor) workers.push_back(l);
    if (workers.empty()) return;
    for (const Flow& flow : trace.flows) {
        if (trace.text(flow.name) != "submit") continue;
        const Micros started = flow.ended ? flow.end : trace.end;
        const Micros waited = started - flow.begin;
        if (waited < options.saturation_wait_us) continue;
        const bool all_busy = std::all_of(workers.begin(), workers.end(),
                                          [&](std::size_t l) { return worker_busy(trace, l, (flow.begin + started) / 2, flow.effect); });
        if (!all_busy) continue;
        const std::string_view job = flow.effect.valid() ? trace.text(trace.span(flow.effect).name) : "";
        const std::string busy = workers.size() == 1 ? "the only worker was busy" : fmt::format("all {} workers were busy", workers.size());
        // Drawn on the worker that ran the job, before the job's block (or, if it never started,
        // on the first worker): the wait is the job's, not the submitting thread's.
        const std::int32_t lane = flow.ended && flow.end_lane >= 0 ? flow.end_lane : static_cast<std::int32_t>(workers.front());
        const SpanRef span = flow.effect.valid() && flow.effect.lane == lane ? flow.effect : SpanRef{};
        out.push_back(Lint{LintKind::executor_saturated, flow.begin, started, lane, span,
                           fmt::format("job {} waited {} for a free worker{}: {}", job.empty() ? "?" : job, ms(waited),
                                       flow.ended ? "" : " and had not started when the trace ended", busy)});
    }
}

}  // namespace

std::string_view lint_kind_name(LintKind kind) {
    switch (kind) {
        case LintKind::slow_callback: return "slow callback";
        case LintKind::never_resumed: return "never resumed";
        case LintKind::executor_saturated: return "executor saturated";
    }
    return "?";
}

std::vector<Lint> find_lints(const Trace& trace, const LintOptions& options) {
    std::vector<Lint> lints;
    slow_callbacks(trace, options, lints);
    never_resumed(trace, options, lints);
    executor_saturated(trace, options, lints);
    std::stable_sort(lints.begin(), lints.end(), [](const Lint& a, const Lint& b) { return a.start < b.start; });
    return lints;
}

}  // namespace looplab::viewer
