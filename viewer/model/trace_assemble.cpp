// trace_assemble.cpp: TraceBuilder::finish(), turning the filed events into an indexed Trace.
// The order matters: B/E pairs become spans before times are shifted (an unclosed B needs the
// trace's last time); lanes are ordered and indexed before flows are bound (binding asks which
// span encloses a time); tasks collect their steps once lanes have their final indices.
#include <algorithm>
#include <charconv>
#include <map>
#include <numeric>
#include <tuple>

#include <fmt/format.h>

#include "trace_builder.hpp"

namespace looplab::viewer::detail {

namespace {

// "executor-3" -> 3; names that do not end in a number sort after the numbered ones.
std::int64_t executor_number(std::string_view name) {
    name.remove_prefix(std::string_view("executor-").size());
    std::int64_t n = 0;
    auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), n);
    if (ec != std::errc{} || end != name.data() + name.size()) return std::numeric_limits<std::int64_t>::max();
    return n;
}

LaneKind lane_kind_of(std::string_view name) {
    if (name == "loop") return LaneKind::loop;
    if (name.starts_with("executor-")) return LaneKind::executor;
    return LaneKind::other;
}

template <typename T, typename Less>
void sort_if_needed(std::vector<T>& items, Less less) {
    if (!std::is_sorted(items.begin(), items.end(), less)) std::stable_sort(items.begin(), items.end(), less);
}

}  // namespace

LoadResult TraceBuilder::finish() {
    keep_densest_window();
    for (auto& lane : lanes_) match_edges(lane, max_ts_);
    if (usable_ == 0) {
        write_warnings();
        const std::size_t n = trace_.stats.events;
        const std::string what = "a span, instant, counter, flow or task the viewer can draw";
        std::string why = n == 0   ? "the list of events is empty."
                          : n == 1 ? fmt::format("its one event is not {}.", what)
                                   : fmt::format("none of its {} events is {}.", n, what);
        if (!trace_.stats.warnings.empty()) why += fmt::format(" {}.", trace_.stats.warnings.front());
        return LoadError{fmt::format("{}: no events to show: {}", trace_.source, why)};
    }
    shift_times(min_ts_);
    std::vector<std::int32_t> order = lane_order();
    std::vector<std::int32_t> new_index(order.size());
    for (std::size_t p = 0; p < order.size(); ++p) new_index[static_cast<std::size_t>(order[p])] = static_cast<std::int32_t>(p);
    std::vector<LaneBuild> ordered;
    ordered.reserve(lanes_.size());
    for (std::int32_t old : order) ordered.push_back(std::move(lanes_[static_cast<std::size_t>(old)]));
    lanes_ = std::move(ordered);
    build_lanes();
    build_flows(new_index);
    build_tasks();
    build_counters();
    find_iterations();
    compute_end();
    write_warnings();
    return std::move(trace_);
}

// The times may be as large as microseconds since the Unix epoch, but they must lie within
// max_abs_time_us of each other, or the shifted trace would be longer than anything drawable (and a
// garbage ts among real ones would squash the real ones into a pixel). When they spread further,
// the window of that length holding the most event times is kept and every event outside it is
// skipped. Runs before B/E matching, so spans are judged by their starts. Cost: nothing for a
// normal trace; O(n log n) for one that needs it.
void TraceBuilder::keep_densest_window() {
    if (usable_ == 0 || !(max_ts_ - min_ts_ > max_abs_time_us)) return;
    std::vector<Micros> times;
    for (const auto& lane : lanes_) {
        for (const auto& span : lane.spans) times.push_back(span.start);
        for (const auto& edge : lane.edges) times.push_back(edge.ts);
        for (const auto& instant : lane.instants) times.push_back(instant.ts);
    }
    for (const auto& point : flow_points_) times.push_back(point.ts);
    for (const auto& point : task_points_) times.push_back(point.ts);
    for (const auto& series : series_)
        for (const auto& sample : series.samples) times.push_back(sample.first);
    std::sort(times.begin(), times.end());
    std::size_t best = 0, best_count = 0;
    for (std::size_t i = 0, j = 0; i < times.size(); ++i) {  // [i, j): the times within L of times[i]
        j = std::max(j, i);
        while (j < times.size() && times[j] <= times[i] + max_abs_time_us) ++j;
        if (j - i > best_count) {
            best = i;
            best_count = j - i;
        }
    }
    const Micros lo = times[best], hi = times[best] + max_abs_time_us;
    std::size_t dropped = 0;
    auto outside = [&](Micros t) {
        const bool out = t < lo || t > hi;
        dropped += out;
        return out;
    };
    min_ts_ = std::numeric_limits<double>::infinity();
    max_ts_ = -std::numeric_limits<double>::infinity();
    // min_ts_ and max_ts_ again, over what is kept, as used() and the add_* functions keep them.
    auto keep = [&](LaneBuild* lane, Micros t, Micros end, bool used) {
        if (lane) lane->first = std::min(lane->first, t);
        if (used) min_ts_ = std::min(min_ts_, t);
        max_ts_ = std::max(max_ts_, end);
    };
    for (auto& lane : lanes_) {
        std::erase_if(lane.spans, [&](const Span& s) { return outside(s.start); });
        std::erase_if(lane.edges, [&](const Edge& e) { return outside(e.ts); });
        std::erase_if(lane.instants, [&](const Instant& i) { return outside(i.ts); });
        lane.first = std::numeric_limits<double>::infinity();
        for (const auto& span : lane.spans) keep(&lane, span.start, span.end, true);
        for (const auto& edge : lane.edges) keep(&lane, edge.ts, edge.ts, edge.begin);
        for (const auto& instant : lane.instants) keep(&lane, instant.ts, instant.ts, true);
    }
    std::erase_if(flow_points_, [&](const FlowPoint& p) { return outside(p.ts); });
    for (const auto& point : flow_points_) keep(&lanes_[static_cast<std::size_t>(point.lane)], point.ts, point.ts, true);
    std::erase_if(task_points_, [&](const TaskPoint& p) { return outside(p.ts); });
    for (const auto& point : task_points_) keep(&lanes_[static_cast<std::size_t>(point.lane)], point.ts, point.ts, true);
    // A counter event with several keys is one sample per key: counted once per key when skipped.
    for (auto& series : series_) {
        std::erase_if(series.samples, [&](const auto& sample) { return outside(sample.first); });
        for (const auto& sample : series.samples) keep(nullptr, sample.first, sample.first, true);
    }
    std::erase_if(series_, [](const SeriesBuild& series) { return series.samples.empty(); });
    skipped_[static_cast<std::size_t>(Skip::far_from_rest)] += dropped;
}

// Pairs B and E per lane as a stack, the way Chrome does (an E closes the latest open B, whatever
// its name). An E with nothing open is skipped; a B never closed is drawn to the trace's end.
void TraceBuilder::match_edges(LaneBuild& lane, Micros trace_end) {
    if (lane.edges.empty()) return;
    sort_if_needed(lane.edges, [](const Edge& a, const Edge& b) { return a.ts < b.ts; });
    std::vector<Edge> open;
    auto close = [&](const Edge& begin, Micros end) {
        Span span;
        span.start = begin.ts;
        span.end = std::max(end, begin.ts);
        span.name = begin.name;
        span.category = begin.category;
        span.args = begin.args;
        span.task = begin.task;
        span.kind = span_kind_from_category(trace_.text(begin.category));
        lane.spans.push_back(span);
    };
    for (const Edge& edge : lane.edges) {
        if (edge.begin) {
            open.push_back(edge);
        } else if (open.empty()) {
            skip(Skip::unmatched_end);
        } else {
            close(open.back(), edge.ts);
            open.pop_back();
        }
    }
    unclosed_begins_ += open.size();
    for (const Edge& begin : open) close(begin, trace_end);
    lane.edges = {};
}

// Moves every time so the earliest event is at 0.
void TraceBuilder::shift_times(Micros by) {
    for (auto& lane : lanes_) {
        for (auto& span : lane.spans) {
            span.start -= by;
            span.end -= by;
        }
        for (auto& instant : lane.instants) instant.ts -= by;
        lane.first -= by;
    }
    for (auto& point : flow_points_) point.ts -= by;
    for (auto& point : task_points_) point.ts -= by;
    for (auto& series : series_)
        for (auto& sample : series.samples) sample.first -= by;
}

// Loop lanes first, then executor-N in numeric order, then the rest by their first event, so the
// loop sits on top and workers appear in the order a student numbers them.
std::vector<std::int32_t> TraceBuilder::lane_order() const {
    std::vector<std::int32_t> order(lanes_.size());
    std::iota(order.begin(), order.end(), 0);
    auto rank = [&](std::int32_t i) {
        const LaneBuild& lane = lanes_[static_cast<std::size_t>(i)];
        const LaneKind kind = lane_kind_of(lane.name);
        const int group = kind == LaneKind::loop ? 0 : kind == LaneKind::executor ? 1 : 2;
        const std::int64_t number = kind == LaneKind::executor ? executor_number(lane.name) : 0;
        return std::tuple(group, number, lane.first, i);
    };
    std::sort(order.begin(), order.end(), [&](std::int32_t a, std::int32_t b) { return rank(a) < rank(b); });
    return order;
}

// Fills trace_.lanes from the (already ordered) lanes_, naming unnamed threads.
void TraceBuilder::build_lanes() {
    const bool many_pids = std::any_of(lanes_.begin(), lanes_.end(), [&](const LaneBuild& lane) {
        return lane.key.pid != lanes_.front().key.pid || lane.key.pid_text != lanes_.front().key.pid_text;
    });
    std::size_t too_deep = 0;
    trace_.lanes.reserve(lanes_.size());
    for (auto& built : lanes_) {
        Lane lane;
        if (!built.name.empty()) lane.name = built.name;
        else if (many_pids) lane.name = fmt::format("pid {} / tid {}", built.pid_label, built.tid_label);
        else lane.name = fmt::format("thread-{}", built.tid_label);
        lane.kind = lane_kind_of(lane.name);
        lane.pid = built.key.pid_text ? -1 : built.key.pid;
        lane.tid = built.key.tid_text ? -1 : built.key.tid;
        lane.spans = std::move(built.spans);
        lane.instants = std::move(built.instants);
        index_lane(lane, too_deep);
        trace_.lanes.push_back(std::move(lane));
    }
    skipped_[static_cast<std::size_t>(Skip::too_deep)] += too_deep;
}

// Pairs each f with the open s of the same id, in time order (the kit writes each thread's
// events in turn, so a worker's s can come after the loop's f in the file). The cause is the
// deepest span enclosing the s; the effect is the span enclosing the f ("bp":"e") or else the
// next span to start on the f's lane. A call_at flow takes its timer's delay and name from the
// "call_at" instant the loop records just before it.
void TraceBuilder::build_flows(const std::vector<std::int32_t>& new_index) {
    for (auto& point : flow_points_) point.lane = new_index[static_cast<std::size_t>(point.lane)];
    auto rank = [](char phase) { return phase == 's' ? 0 : 1; };
    sort_if_needed(flow_points_, [&](const FlowPoint& a, const FlowPoint& b) {
        return a.ts < b.ts || (a.ts == b.ts && rank(a.phase) < rank(b.phase));
    });
    const std::uint32_t call_at = trace_.intern("call_at");
    std::unordered_map<std::uint64_t, std::size_t> open;
    trace_.flows.reserve(flow_points_.size() / 2 + 1);
    for (const FlowPoint& point : flow_points_) {
        if (point.phase == 's') {
            Flow flow;
            flow.id = point.id;
            flow.name = point.name;
            flow.begin = point.ts;
            flow.begin_lane = point.lane;
            flow.cause = trace_.span_at(point.lane, point.ts);
            if (point.name == call_at) {
                const auto& instants = trace_.lanes[static_cast<std::size_t>(point.lane)].instants;
                auto it = std::upper_bound(instants.begin(), instants.end(), point.ts,
                                           [](Micros t, const Instant& i) { return t < i.ts; });
                if (it != instants.begin() && std::prev(it)->name == call_at) {
                    const Instant& timer = *std::prev(it);
                    flow.delay_us = timer.delay_us;
                    flow.detail = timer.detail;
                    if (timer.delay_us >= 0) flow.deadline = timer.ts + timer.delay_us;  // the schema's rule
                }
            }
            open[point.id] = trace_.flows.size();
            trace_.flows.push_back(flow);
            continue;
        }
        auto it = open.find(point.id);
        if (it == open.end()) {
            skip(Skip::unmatched_flow_end);
            continue;
        }
        Flow& flow = trace_.flows[it->second];
        open.erase(it);
        flow.ended = true;
        flow.end = point.ts;
        flow.end_lane = point.lane;
        flow.effect = point.enclosing ? trace_.span_at(point.lane, point.ts) : first_span_from(point.lane, point.ts);
    }
    flow_points_ = {};
}

// The first span on `lane` starting at or after t (the outermost, when several start together).
SpanRef TraceBuilder::first_span_from(std::int32_t lane, Micros t) const {
    const auto& spans = trace_.lanes[static_cast<std::size_t>(lane)].spans;
    auto it = std::lower_bound(spans.begin(), spans.end(), t, [](const Span& s, Micros v) { return s.start < v; });
    if (it == spans.end()) return {};
    return SpanRef{lane, static_cast<std::int32_t>(it - spans.begin())};
}

// Pairs task b/e by id, then gives each task its step spans (args.task == the task's id). Ids
// may be reused after a task ends, so a step goes to the latest task with that id begun by then.
void TraceBuilder::build_tasks() {
    sort_if_needed(task_points_, [](const TaskPoint& a, const TaskPoint& b) { return a.ts < b.ts; });
    std::unordered_map<std::uint64_t, std::size_t> open;
    std::unordered_map<std::uint64_t, std::vector<std::size_t>> by_id;
    for (const TaskPoint& point : task_points_) {
        if (point.begin) {
            open[point.id] = trace_.tasks.size();
            by_id[point.id].push_back(trace_.tasks.size());
            trace_.tasks.push_back(TaskInfo{point.id, std::string(trace_.text(point.name)), point.ts, std::nullopt, {}});
            continue;
        }
        auto it = open.find(point.id);
        if (it == open.end()) {
            skip(Skip::unmatched_task_end);
            continue;
        }
        trace_.tasks[it->second].end = point.ts;
        open.erase(it);
    }
    task_points_ = {};
    if (trace_.tasks.empty()) return;
    for (std::size_t l = 0; l < trace_.lanes.size(); ++l) {
        const auto& spans = trace_.lanes[l].spans;
        for (std::size_t i = 0; i < spans.size(); ++i) {
            if (spans[i].kind != SpanKind::step) continue;
            auto it = by_id.find(static_cast<std::uint64_t>(spans[i].task));
            if (it == by_id.end()) continue;
            // it->second is in begin order: the last task begun by the step's start, or the first.
            const auto& candidates = it->second;
            auto after = std::upper_bound(candidates.begin(), candidates.end(), spans[i].start,
                                          [&](Micros t, std::size_t task) { return t < trace_.tasks[task].begin; });
            const std::size_t chosen = after == candidates.begin() ? candidates.front() : *std::prev(after);
            trace_.tasks[chosen].steps.push_back(SpanRef{static_cast<std::int32_t>(l), static_cast<std::int32_t>(i)});
        }
    }
    for (auto& task : trace_.tasks)
        sort_if_needed(task.steps, [&](SpanRef a, SpanRef b) { return trace_.span(a).start < trace_.span(b).start; });
}

// A counter with one args key is named after the counter ("ready queue"); one with several gets
// a series per key ("memory heap", "memory stack").
void TraceBuilder::build_counters() {
    std::map<std::uint32_t, int> keys_per_name;
    for (const auto& series : series_) ++keys_per_name[series.name];
    for (auto& series : series_) {
        CounterSeries out;
        out.name = keys_per_name[series.name] == 1
                       ? std::string(trace_.text(series.name))
                       : fmt::format("{} {}", trace_.text(series.name), trace_.text(series.key));
        out.samples = std::move(series.samples);
        sort_if_needed(out.samples, [](const auto& a, const auto& b) { return a.first < b.first; });
        trace_.counters.push_back(std::move(out));
    }
    series_ = {};
}

void TraceBuilder::find_iterations() {
    const std::int32_t loop = trace_.loop_lane();
    if (loop < 0) return;
    const auto& spans = trace_.lanes[static_cast<std::size_t>(loop)].spans;
    for (std::size_t i = 0; i < spans.size(); ++i)
        if (spans[i].kind == SpanKind::iteration) trace_.iterations.push_back(SpanRef{loop, static_cast<std::int32_t>(i)});
}

void TraceBuilder::compute_end() {
    Micros end = 0;
    for (const auto& lane : trace_.lanes) {
        for (const auto& span : lane.spans) end = std::max(end, span.end);
        if (!lane.instants.empty()) end = std::max(end, lane.instants.back().ts);
    }
    for (const auto& flow : trace_.flows) end = std::max({end, flow.begin, flow.ended ? flow.end : 0.0});
    for (const auto& task : trace_.tasks) end = std::max({end, task.begin, task.end.value_or(0.0)});
    for (const auto& series : trace_.counters)
        if (!series.samples.empty()) end = std::max(end, series.samples.back().first);
    trace_.start = 0;
    trace_.end = end;
}

namespace {

// "1 event" / "3 events", with the verb to match.
std::string counted(std::size_t n, std::string_view one, std::string_view many) {
    return fmt::format("{} {}", n, n == 1 ? one : many);
}
std::string_view was(std::size_t n) { return n == 1 ? "was" : "were"; }

}  // namespace

// At most a few sentences, the commonest problems first.
void TraceBuilder::write_warnings() {
    std::vector<std::pair<std::size_t, std::string>> found;
    auto skipped = [&](Skip reason, std::string_view one, std::string_view many, std::string_view what) {
        const std::size_t n = skipped_[static_cast<std::size_t>(reason)];
        if (n > 0) found.emplace_back(n, fmt::format("{} {} {} skipped", counted(n, one, many), what, was(n)));
    };
    skipped(Skip::not_object, "entry", "entries", "of the event list that are not objects");
    skipped(Skip::no_phase, "event", "events", "without a \"ph\" (phase)");
    skipped(Skip::unknown_phase, "event", "events",
            fmt::format("of a phase the viewer does not draw (such as \"{}\")", unknown_phase_example_));
    skipped(Skip::no_ts, "event", "events", "without a numeric ts");
    skipped(Skip::out_of_range, "event", "events", "with a ts or dur too large to be a time");
    skipped(Skip::far_from_rest, "event", "events", "with a ts more than 31 years away from the rest of the trace");
    skipped(Skip::bad_field, "event", "events", "with a field of the wrong type (such as a name that is not a string)");
    skipped(Skip::unmatched_end, "end event (E)", "end events (E)", "without a matching begin (B)");
    skipped(Skip::unmatched_flow_end, "flow end (f)", "flow ends (f)", "without a matching start (s)");
    skipped(Skip::no_id, "flow or task event", "flow or task events", "without an id");
    skipped(Skip::other_async, "async event (b/e)", "async events (b/e)", "outside category \"task\"");
    skipped(Skip::unmatched_task_end, "task end (e)", "task ends (e)", "without a matching begin (b)");
    skipped(Skip::too_deep, "span", "spans", fmt::format("nested deeper than {} levels", max_span_depth));
    if (negative_durations_ > 0)
        found.emplace_back(negative_durations_, fmt::format("{} with a negative dur {} drawn with no width",
                                                            counted(negative_durations_, "span", "spans"),
                                                            negative_durations_ == 1 ? "is" : "are"));
    if (unclosed_begins_ > 0)
        found.emplace_back(unclosed_begins_, fmt::format("{} begun (B) but never ended (E) {} drawn up to the end of the trace",
                                                         counted(unclosed_begins_, "span", "spans"),
                                                         unclosed_begins_ == 1 ? "is" : "are"));
    std::stable_sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    constexpr std::size_t max_warnings = 5;
    trace_.stats.warnings.clear();
    for (std::size_t i = 0; i < found.size() && i < max_warnings; ++i) trace_.stats.warnings.push_back(std::move(found[i].second));
    trace_.stats.skipped = std::accumulate(skipped_.begin(), skipped_.end(), std::size_t{0});
}

}  // namespace looplab::viewer::detail
