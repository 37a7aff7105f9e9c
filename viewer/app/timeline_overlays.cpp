// timeline_overlays.cpp: what the timeline draws over its lanes: flow arrows (cause and effect),
// lints in red, counters as small step graphs, and the time ruler above it all.
#include <algorithm>
#include <cmath>
#include <string>

#include <fmt/format.h>
#include <imgui.h>

#include "style.hpp"
#include "timeline.hpp"

namespace looplab::viewer::timeline {
namespace {

// The vertical centre of the row a span is drawn in, for flow arrows.
float row_centre(const TraceLayout& layout, const Trace& trace, SpanRef ref) {
    const LaneLayout& l = layout.lanes[static_cast<std::size_t>(ref.lane)];
    const std::size_t depth = trace.span(ref).depth;
    if (depth >= l.row_top.size()) return l.top;
    return l.row_top[depth] + l.row_h[depth] * 0.5f;
}

void draw_flow(Frame& f, const TraceLayout& layout, const Trace& trace, const Flow& flow) {
    if (!flow.ended || flow.begin_lane < 0 || flow.end_lane < 0) return;
    const float y0 = flow.cause.valid() ? row_centre(layout, trace, flow.cause)
                                        : layout.lanes[static_cast<std::size_t>(flow.begin_lane)].top + 6;
    const float y1 = flow.effect.valid() ? row_centre(layout, trace, flow.effect)
                                         : layout.lanes[static_cast<std::size_t>(flow.end_lane)].top + 6;
    const ImVec2 p0 = at(f, f.axis.to_x(flow.begin), y0);
    const ImVec2 p1 = at(f, f.axis.to_x(flow.effect.valid() ? trace.span(flow.effect).start : flow.end), y1);
    const float bend = std::max(20.0f, (p1.x - p0.x) * 0.4f);
    f.draw->AddBezierCubic(p0, {p0.x + bend, p0.y}, {p1.x - bend, p1.y}, p1, style::flow, 1.5f);
    f.draw->AddCircleFilled(p1, 2.5f, style::flow);
}

Micros nice_step(Micros per_pixel, float min_pixels) {
    const Micros raw = per_pixel * min_pixels;
    const Micros power = std::pow(10.0, std::floor(std::log10(std::max(raw, 1e-6))));
    for (const double m : {1.0, 2.0, 5.0, 10.0}) {
        if (power * m >= raw) return power * m;
    }
    return power * 10;
}

}  // namespace

// Flows drawn: every flow in view when the user asked for all, else the selected or hovered
// span's causes and effects.
void draw_flows(Frame& f, int shown_index, const TraceLayout& layout) {
    const Trace& trace = f.app.shown[static_cast<std::size_t>(shown_index)].trace;
    SpanRef focus;
    if (f.hover.shown == shown_index && f.hover.span.valid()) focus = f.hover.span;
    else if (f.app.selection.shown == shown_index) focus = f.app.selection.span;
    constexpr int max_flows = 4000;
    int drawn = 0;
    // A flow that began before the view still crosses it if it lasts long enough: start looking
    // as far back as the trace's longest flow reaches.
    const Micros margin = f.app.shown[static_cast<std::size_t>(shown_index)].longest_flow;
    auto it = std::lower_bound(trace.flows.begin(), trace.flows.end(), f.axis.view.t0 - margin,
                               [](const Flow& fl, Micros t) { return fl.begin < t; });
    for (; it != trace.flows.end() && it->begin <= f.axis.view.t1 && drawn < max_flows; ++it) {
        if (it->ended && it->end < f.axis.view.t0) continue;  // over before the view begins
        const bool related = focus.valid() && (it->cause == focus || it->effect == focus);
        if (f.app.show_all_flows || related) {
            draw_flow(f, layout, trace, *it);
            ++drawn;
        }
    }
    if (!focus.valid() || f.app.show_all_flows) return;
    // What caused the focused span began before the view, maybe long before: look it up directly.
    for (const Flow& flow : trace.flows) {
        if (flow.effect == focus) draw_flow(f, layout, trace, flow);
    }
}

// A slow span gets a red outline on its own row; a lint about a stretch of time (a job waiting
// for a worker, a task that never resumed) gets a red bar along the bottom of its lane.
void draw_lints(Frame& f, int shown_index, const TraceLayout& layout) {
    const Shown& shown = f.app.shown[static_cast<std::size_t>(shown_index)];
    for (const Lint& lint : shown.lints) {
        if (lint.end < f.axis.view.t0 || lint.start > f.axis.view.t1 || lint.lane < 0) continue;
        if (static_cast<std::size_t>(lint.lane) >= layout.lanes.size()) continue;
        const LaneLayout& l = layout.lanes[static_cast<std::size_t>(lint.lane)];
        const float x0 = std::max(f.axis.to_x(lint.start), f.axis.x0);
        const float x1 = std::min(std::max(f.axis.to_x(lint.end), x0 + 2), f.axis.x1);
        const bool on_own_row = lint.kind == LintKind::slow_callback && lint.span.valid() && lint.span.lane == lint.lane &&
                                shown.trace.span(lint.span).depth < l.row_top.size();
        if (on_own_row) {
            const std::size_t depth = shown.trace.span(lint.span).depth;
            const ImVec2 a = at(f, x0, l.row_top[depth] - 1);
            const ImVec2 b = at(f, x1, l.row_top[depth] + l.row_h[depth] + 1);
            f.draw->AddRect(a, b, style::lint, 0, 0, 2.5f);
            if (mouse_in(f, a, b)) f.hover.lint = &lint;
        } else {
            const ImVec2 a = at(f, x0, l.bottom - 3);
            const ImVec2 b = at(f, x1, l.bottom);
            f.draw->AddRectFilled(a, b, style::lint);
            if (mouse_in(f, {a.x, a.y - 4}, b)) f.hover.lint = &lint;
        }
    }
}

void draw_ruler(App& app, const TimeAxis& axis, ImVec2 top_left, float height) {
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const Micros step = nice_step(axis.per_pixel(), 110);
    const Micros first = std::floor(axis.view.t0 / step) * step;
    // Counted, not accumulated: t += step stops moving once step is below a double's spacing at t.
    for (int k = 0; k < 200; ++k) {
        const Micros t = first + k * step;
        if (t > axis.view.t1) break;
        const float x = axis.to_x(t);
        if (x < axis.x0) continue;
        draw->AddLine({x, top_left.y + height - 6}, {x, top_left.y + height}, style::ruler_text);
        draw->AddText({x + 3, top_left.y + 2}, style::ruler_text, format_time(t, step).c_str());
    }
    const float cx = axis.to_x(app.cursor);
    if (cx >= axis.x0 && cx <= axis.x1) {
        draw->AddTriangleFilled({cx - 6, top_left.y + height - 8}, {cx + 6, top_left.y + height - 8},
                                {cx, top_left.y + height}, style::cursor);
    }
    // Lints as red ticks on the ruler, so they are seen even when their lane is scrolled away.
    for (const Shown& shown : app.shown) {
        for (const Lint& lint : shown.lints) {
            const float x = axis.to_x(lint.start);
            if (x >= axis.x0 && x <= axis.x1) draw->AddRectFilled({x, top_left.y + height - 3}, {std::max(x + 2, axis.to_x(lint.end)), top_left.y + height}, style::lint);
        }
    }
}

namespace {

// One counter as bars at its samples, scaled to its largest value. A sample is a reading at one
// instant (the kit's: at the start of an iteration), so it is drawn there and not held until the
// next one: a step graph would show a queue full through a wait the loop began by emptying it.
// Samples in one pixel column fold into one bar (the largest wins), so a frame costs O(pixels).
void draw_counter(Frame& f, const CounterSeries& series, float top) {
    const float h = row_height();
    double peak = 0;
    for (const auto& sample : series.samples) peak = std::max(peak, sample.second);
    const std::string label = fmt::format("{} (max {:g})", series.name, peak);
    f.draw->AddText(at(f, f.origin.x + 6, top + 1), style::lane_label, label.c_str());
    f.draw->AddLine(at(f, f.axis.x0, top + h), at(f, f.axis.x1, top + h), style::lane_separator);
    if (peak <= 0) return;
    const auto earlier = [](const std::pair<Micros, double>& s, Micros t) { return s.first < t; };
    auto it = std::lower_bound(series.samples.begin(), series.samples.end(), f.axis.view.t0, earlier);
    while (it != series.samples.end() && it->first <= f.axis.view.t1) {
        const float x = f.axis.to_x(it->first);
        double value = it->second;
        for (++it; it != series.samples.end() && f.axis.to_x(it->first) < x + 2; ++it) value = std::max(value, it->second);
        if (value <= 0) continue;
        const float bar = static_cast<float>(value / peak) * (h - 2);
        f.draw->AddRectFilled(at(f, x, top + h - bar), at(f, x + 2, top + h), style::counter);
    }
}

}  // namespace

void draw_counters(Frame& f, int shown_index, const TraceLayout& layout) {
    const Trace& trace = f.app.shown[static_cast<std::size_t>(shown_index)].trace;
    for (std::size_t c = 0; c < trace.counters.size() && c < layout.counter_top.size(); ++c) {
        draw_counter(f, trace.counters[c], layout.counter_top[c]);
    }
}

}  // namespace looplab::viewer::timeline
