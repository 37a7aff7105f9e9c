// timeline.hpp: what the timeline's files share (panel_timeline.cpp draws the lanes,
// timeline_layout.cpp places them, timeline_overlays.cpp draws what goes over them: flows, lints,
// counters and the ruler). Internal to the timeline panel.
#pragma once

#include <string_view>
#include <vector>

#include <imgui.h>

#include "app.hpp"
#include "time_axis.hpp"

namespace looplab::viewer::timeline {

// Sizes follow the font, so --font-scale (a projector) grows rows with their text.
inline float label_width() { return ImGui::GetFontSize() * 13; }     // the lane names' column
inline float row_height() { return ImGui::GetFontSize() + 5; }       // one depth of spans
inline float thin_row_height() { return ImGui::GetFontSize() * 0.5f; }  // loop iterations: they enclose everything
inline float header_height() { return ImGui::GetFontSize() + 9; }    // a trace's title
inline float task_row_height() { return ImGui::GetFontSize() + 1; }
inline constexpr float fold_pixels = 3;       // spans narrower than this fold together
inline constexpr float min_block_pixels = 2;  // a 20 us step on a 1 s axis still shows as a line

// Where one thread lane's rows are.
struct LaneLayout {
    float top = 0;
    std::vector<float> row_top;        // per depth
    std::vector<float> row_h;          // per depth
    float bottom = 0;
};

// Where everything of one shown trace is, in content coordinates (0 = top of the lanes area).
struct TraceLayout {
    float header_top = 0;
    std::vector<LaneLayout> lanes;
    std::vector<float> counter_top;    // one row per counter series ("ready queue", "timer heap")
    float tasks_header_top = 0;
    float tasks_top = 0;               // first task row
    float bottom = 0;
};

// What the mouse is over this frame, found while drawing.
struct Hover {
    int shown = -1;
    SpanRef span;
    DrawBlock folded;                  // count > 1 when over a folded block
    int folded_lane = -1;
    const Lint* lint = nullptr;
};

struct Frame {
    App& app;
    ImDrawList* draw;
    TimeAxis axis;
    ImVec2 origin;                     // screen position of content (0, 0)
    ImVec2 mouse;
    bool mouse_inside;
    Hover hover;
    std::vector<DrawBlock> blocks;     // reused per row
};

inline ImVec2 at(const Frame& f, float x, float y) { return {x, f.origin.y + y}; }

inline bool mouse_in(const Frame& f, ImVec2 a, ImVec2 b) {
    return f.mouse_inside && f.mouse.x >= a.x && f.mouse.x < b.x && f.mouse.y >= a.y && f.mouse.y < b.y;
}

// timeline_layout.cpp
TraceLayout layout_trace(const Shown& shown, float top);

// timeline_overlays.cpp
void draw_flows(Frame& f, int shown_index, const TraceLayout& layout);
void draw_lints(Frame& f, int shown_index, const TraceLayout& layout);
void draw_counters(Frame& f, int shown_index, const TraceLayout& layout);
void draw_ruler(App& app, const TimeAxis& axis, ImVec2 top_left, float height);

}  // namespace looplab::viewer::timeline
