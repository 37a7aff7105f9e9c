// panel_timeline.cpp: the timeline. Every shown trace is a stack of lanes on one shared time
// axis: a lane per thread (the loop, each executor worker) with a row per nesting depth, then a
// collapsible lane per task. Wheel zooms around the mouse, dragging pans, clicking selects.
//
// Drawing follows Tracy's split: layout_trace() (timeline_layout.cpp) first computes where every
// lane goes, then the draw functions read that layout; flows, lints, counters and the ruler are
// drawn over the lanes by timeline_overlays.cpp. Spans narrower than a few pixels are folded into one
// block with a count (visible_blocks in the model), so a frame costs O(pixels), not O(events).
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <imgui.h>

#include "panels.hpp"
#include "style.hpp"
#include "timeline.hpp"

namespace looplab::viewer {
namespace {

using namespace timeline;

// A span's label, clipped to its block; drawn only where it fits.
void draw_label(Frame& f, ImVec2 a, ImVec2 b, std::string_view text) {
    const float room = b.x - a.x - 6;
    if (room < 12) return;
    const char* begin = text.data();
    const char* end = text.data() + text.size();
    const ImVec2 size = ImGui::CalcTextSize(begin, end);
    if (size.x > room && room < 40) return;  // a stub of a cut name says nothing: leave it out
    const float y = a.y + (b.y - a.y - size.y) * 0.5f;
    f.draw->PushClipRect(a, b, true);
    f.draw->AddText({a.x + 3, y}, IM_COL32(255, 255, 255, 235), begin, end);
    f.draw->PopClipRect();
}

void draw_block(Frame& f, int shown_index, int lane_index, const Lane& lane, const DrawBlock& block, float top, float h) {
    const float x0 = std::max(f.axis.to_x(block.start), f.axis.x0 - 2);
    const float x1 = std::min(std::max(f.axis.to_x(block.end), x0 + min_block_pixels), f.axis.x1 + 2);
    const ImVec2 a = at(f, x0, top);
    const ImVec2 b = at(f, x1, top + h);
    const Span& first = lane.spans[static_cast<std::size_t>(block.first)];
    const Trace& trace = f.app.shown[static_cast<std::size_t>(shown_index)].trace;
    if (block.count == 1) {
        f.draw->AddRectFilled(a, b, style::span_colour(first.kind));
        if (h >= row_height()) draw_label(f, a, b, trace.text(first.name));
        const SpanRef ref{lane_index, block.first};
        if (f.app.selection.shown == shown_index && f.app.selection.span == ref) {
            f.draw->AddRect({a.x - 1, a.y - 1}, {b.x + 1, b.y + 1}, style::selection, 0, 0, 2);
        }
        if (mouse_in(f, a, b)) f.hover = {shown_index, ref, {}, -1, f.hover.lint};
    } else {
        f.draw->AddRectFilled(a, b, style::folded_colour(first.kind));
        if (h >= row_height()) draw_label(f, a, b, fmt::format("{}", block.count));
        if (mouse_in(f, a, b)) f.hover = {shown_index, {}, block, lane_index, f.hover.lint};
    }
}

// One marker per two pixels is all the eye can see: after drawing one, jump (binary search) past
// the instants that would land on the same pixels, so a million instants cost O(pixels).
void draw_instants(Frame& f, const Trace& trace, const Lane& lane, float top, float h) {
    const auto before = [](const Instant& i, Micros t) { return i.ts < t; };
    const Micros two_pixels = f.axis.per_pixel() * 2;
    auto it = std::lower_bound(lane.instants.begin(), lane.instants.end(), f.axis.view.t0, before);
    while (it != lane.instants.end() && it->ts <= f.axis.view.t1) {
        const float x = f.axis.to_x(it->ts);
        const bool slow = trace.text(it->category) == "slow";
        const ImU32 colour = slow ? style::lint : IM_COL32(255, 255, 255, 90);
        f.draw->AddTriangleFilled(at(f, x - 3, top + h), at(f, x + 3, top + h), at(f, x, top + h - 5), colour);
        it = std::lower_bound(it + 1, lane.instants.end(), it->ts + two_pixels, before);
    }
}

void draw_thread_lane(Frame& f, int shown_index, int lane_index, const LaneLayout& l) {
    const Shown& shown = f.app.shown[static_cast<std::size_t>(shown_index)];
    const Lane& lane = shown.trace.lanes[static_cast<std::size_t>(lane_index)];
    const Micros min_width = f.axis.per_pixel() * fold_pixels;
    for (std::size_t d = 0; d < lane.by_depth.size(); ++d) {
        visible_blocks(lane, static_cast<std::uint16_t>(d), f.axis.view.t0, f.axis.view.t1, min_width, f.blocks);
        for (const DrawBlock& block : f.blocks) draw_block(f, shown_index, lane_index, lane, block, l.row_top[d], l.row_h[d]);
    }
    draw_instants(f, shown.trace, lane, l.top, l.bottom - l.top);
    f.draw->AddText(at(f, f.origin.x + 6, l.top + 1), style::lane_label, lane.name.c_str());
    f.draw->AddLine(at(f, f.origin.x, l.bottom + 1), at(f, f.axis.x1, l.bottom + 1), style::lane_separator);
}

// A task's lane: its lifetime as a faint bar, its steps solid on top (folded like thread lanes).
void draw_task_lane(Frame& f, int shown_index, const TaskInfo& task, float top) {
    const Trace& trace = f.app.shown[static_cast<std::size_t>(shown_index)].trace;
    const Micros life_end = task.end.value_or(trace.end);
    const float life0 = std::max(f.axis.to_x(task.begin), f.axis.x0);
    const float life1 = std::min(f.axis.to_x(life_end), f.axis.x1);
    if (life1 > life0) f.draw->AddRectFilled(at(f, life0, top + 3), at(f, life1, top + task_row_height() - 3), style::task_life);
    const Micros min_width = f.axis.per_pixel() * fold_pixels;
    const auto starts_before = [&](const SpanRef& ref, Micros t) { return trace.span(ref).start < t; };
    auto it = std::lower_bound(task.steps.begin(), task.steps.end(), f.axis.view.t0, starts_before);
    if (it != task.steps.begin()) --it;  // a step that began before the view may reach into it
    while (it != task.steps.end() && trace.span(*it).start <= f.axis.view.t1) {
        const Span& step = trace.span(*it);
        auto next = it + 1;
        Micros end = step.end;
        if (step.duration() < min_width) {  // fold every step that starts within the next few pixels
            next = std::lower_bound(it + 1, task.steps.end(), step.start + min_width, starts_before);
            end = std::max(end, trace.span(*(next - 1)).end);
        }
        const bool single = next - it == 1;
        const SpanRef ref = *it;
        it = next;
        const float x0 = std::max(f.axis.to_x(step.start), f.axis.x0);
        const float x1 = std::min(std::max(f.axis.to_x(end), x0 + min_block_pixels), f.axis.x1);
        if (x1 <= x0) continue;  // entirely left of the view
        const ImVec2 a = at(f, x0, top);
        const ImVec2 b = at(f, x1, top + task_row_height());
        f.draw->AddRectFilled(a, b, style::span_colour(SpanKind::step));
        if (single && mouse_in(f, a, b)) f.hover = {shown_index, ref, {}, -1, f.hover.lint};
    }
    f.draw->AddText(at(f, f.origin.x + 14, top - 1), style::lane_label, task.name.c_str());
}

void draw_tasks(Frame& f, int shown_index, const TraceLayout& layout, float clip_top, float clip_bottom) {
    Shown& shown = f.app.shown[static_cast<std::size_t>(shown_index)];
    if (shown.trace.tasks.empty()) return;
    const std::string header = fmt::format("{} Tasks ({})", shown.tasks_open ? "v" : ">", shown.trace.tasks.size());
    const ImVec2 a = at(f, f.origin.x, layout.tasks_header_top);
    f.draw->AddText({a.x + 6, a.y + 3}, style::lane_label, header.c_str());
    if (mouse_in(f, a, at(f, f.origin.x + label_width(), layout.tasks_header_top + header_height())) && ImGui::IsMouseClicked(0)) {
        shown.tasks_open = !shown.tasks_open;
    }
    if (!shown.tasks_open) return;
    float y = layout.tasks_top;
    for (const TaskInfo& task : shown.trace.tasks) {
        if (y + task_row_height() >= clip_top && y <= clip_bottom) draw_task_lane(f, shown_index, task, y);
        y += task_row_height() + 1;
    }
}

void draw_header(Frame& f, int shown_index, const TraceLayout& layout) {
    const Shown& shown = f.app.shown[static_cast<std::size_t>(shown_index)];
    const ImVec2 a = at(f, f.origin.x, layout.header_top);
    f.draw->AddRectFilled(a, at(f, f.axis.x1, layout.header_top + header_height() - 2), IM_COL32(255, 255, 255, 18));
    const bool focused = f.app.focus == shown_index;
    const std::string title = fmt::format("{}{}", focused ? "> " : "  ", shown.title);
    f.draw->AddText({a.x + 6, a.y + 3}, focused ? style::cursor : style::lane_label, title.c_str());
    // Clicking a title makes the panels below describe that trace.
    if (mouse_in(f, a, at(f, f.axis.x1, layout.header_top + header_height())) && ImGui::IsMouseClicked(0)) {
        f.app.focus = shown_index;
    }
}

void tooltip(const Frame& f) {
    const Hover& h = f.hover;
    if (h.shown < 0 && !h.lint) return;
    ImGui::BeginTooltip();
    if (h.span.valid()) {
        const Trace& trace = f.app.shown[static_cast<std::size_t>(h.shown)].trace;
        const Span& span = trace.span(h.span);
        ImGui::TextColored(style::text_colour(span.kind), "%s", std::string(trace.text(span.name)).c_str());
        ImGui::Text("%s, %s", std::string(span_kind_name(span.kind)).c_str(), format_duration(span.duration()).c_str());
        ImGui::Text("thread %s, at %s", trace.lanes[static_cast<std::size_t>(h.span.lane)].name.c_str(),
                    format_time(span.start, 0.001).c_str());
        if (const TaskInfo* task = span.task != 0 ? trace.task_by_id(static_cast<std::uint64_t>(span.task)) : nullptr) {
            ImGui::Text("task %s", task->name.c_str());
        }
        if (span.args != no_string) ImGui::TextDisabled("args %s", std::string(trace.text(span.args)).c_str());
    } else if (h.folded.count > 1) {
        ImGui::Text("%u spans folded together (%s)", h.folded.count, format_duration(h.folded.end - h.folded.start).c_str());
        ImGui::TextDisabled("zoom in (mouse wheel) to see them one by one");
    }
    if (h.lint) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(style::lint), "%s", h.lint->message.c_str());
    ImGui::EndTooltip();
}

// Wheel zooms around the mouse, dragging pans, a click selects what is under the mouse (or puts
// the cursor there), F fits everything.
void handle_input(Frame& f, float content_height) {
    App& app = f.app;
    ImGuiIO& io = ImGui::GetIO();
    if (!f.mouse_inside) return;
    if (io.MouseWheel != 0 && !io.KeyShift) {
        zoom_view(app.view, f.axis.to_t(f.mouse.x), std::pow(0.8, io.MouseWheel), app.end_time());
    } else if (io.MouseWheel != 0) {
        ImGui::SetScrollY(std::clamp(ImGui::GetScrollY() - io.MouseWheel * 40, 0.0f, content_height));
    }
    if (ImGui::IsMouseDragging(0)) {
        const Micros shift = static_cast<double>(io.MouseDelta.x) * f.axis.per_pixel();
        app.view.t0 -= shift;
        app.view.t1 -= shift;
        if (io.MouseDelta.y != 0) ImGui::SetScrollY(ImGui::GetScrollY() - io.MouseDelta.y);
    }
    if (ImGui::IsMouseReleased(0) && ImGui::GetMouseDragDelta(0).x == 0 && f.mouse.x >= f.axis.x0) {
        if (f.hover.span.valid()) {
            app.selection = {f.hover.shown, f.hover.span};
            app.focus = f.hover.shown;
            app.cursor = app.shown[static_cast<std::size_t>(f.hover.shown)].trace.span(f.hover.span).start;
        } else if (f.hover.folded.count > 1) {
            app.view = {f.hover.folded.start, f.hover.folded.end};
            zoom_view(app.view, (f.hover.folded.start + f.hover.folded.end) / 2, 1.2, app.end_time());
        } else {
            app.cursor = f.axis.to_t(f.mouse.x);
        }
    }
}

}  // namespace

void draw_timeline(App& app) {
    const float ruler_height = 24;
    const ImVec2 ruler_pos = ImGui::GetCursorScreenPos();
    const float width = ImGui::GetContentRegionAvail().x;
    TimeAxis axis{ruler_pos.x + label_width(), ruler_pos.x + width - 14, app.view};
    draw_ruler(app, axis, ruler_pos, ruler_height);
    ImGui::Dummy({width, ruler_height});

    ImGui::BeginChild("lanes", {0, 0}, false, ImGuiWindowFlags_NoScrollWithMouse);
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const float clip_top = ImGui::GetScrollY();
    const float clip_bottom = clip_top + ImGui::GetWindowHeight();
    Frame f{app, ImGui::GetWindowDrawList(), axis, origin, ImGui::GetIO().MousePos,
            ImGui::IsWindowHovered(), {}, {}};
    float y = 0;
    std::vector<TraceLayout> layouts;
    for (std::size_t s = 0; s < app.shown.size(); ++s) {
        layouts.push_back(layout_trace(app.shown[s], y));
        y = layouts.back().bottom;
    }
    for (std::size_t s = 0; s < app.shown.size(); ++s) {
        const int index = static_cast<int>(s);
        const TraceLayout& layout = layouts[s];
        draw_header(f, index, layout);
        for (std::size_t l = 0; l < layout.lanes.size(); ++l) {
            if (layout.lanes[l].bottom < clip_top || layout.lanes[l].top > clip_bottom) continue;
            draw_thread_lane(f, index, static_cast<int>(l), layout.lanes[l]);
        }
        draw_counters(f, index, layout);
        draw_tasks(f, index, layout, clip_top, clip_bottom);
        draw_lints(f, index, layout);
        draw_flows(f, index, layout);
    }
    const float cx = axis.to_x(app.cursor);
    if (cx >= axis.x0 && cx <= axis.x1) f.draw->AddLine({cx, origin.y + clip_top}, {cx, origin.y + clip_bottom}, style::cursor);
    ImGui::Dummy({width - 16, std::max(y, 1.0f)});
    handle_input(f, y);
    if (f.mouse_inside) tooltip(f);
    ImGui::EndChild();
}

}  // namespace looplab::viewer
