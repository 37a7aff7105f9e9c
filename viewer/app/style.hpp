// style.hpp: the viewer's colours, one place, so every panel agrees on what blue means.
#pragma once

#include <imgui.h>

#include "trace_model.hpp"

namespace looplab::viewer::style {

// Span colours by kind: callbacks blue, task steps green, executor jobs orange, waiting grey.
inline ImU32 span_colour(SpanKind kind) {
    switch (kind) {
        case SpanKind::callback: return IM_COL32(66, 133, 244, 255);
        case SpanKind::step: return IM_COL32(52, 168, 83, 255);
        case SpanKind::executor: return IM_COL32(245, 150, 30, 255);
        case SpanKind::wait: return IM_COL32(120, 120, 130, 160);
        case SpanKind::iteration: return IM_COL32(90, 90, 110, 110);
        case SpanKind::other: break;
    }
    return IM_COL32(150, 110, 200, 255);
}

inline constexpr ImU32 lint = IM_COL32(235, 50, 50, 255);         // slow, never resumed, saturated
inline constexpr ImU32 counter = IM_COL32(150, 185, 240, 220);     // a counter's bars
inline constexpr ImU32 cursor = IM_COL32(255, 230, 90, 255);
inline constexpr ImU32 flow = IM_COL32(255, 255, 255, 150);
inline constexpr ImU32 task_life = IM_COL32(52, 168, 83, 60);      // a task exists, suspended
inline constexpr ImU32 lane_label = IM_COL32(220, 220, 230, 255);
inline constexpr ImU32 lane_separator = IM_COL32(255, 255, 255, 30);
inline constexpr ImU32 ruler_text = IM_COL32(200, 200, 210, 255);
inline constexpr ImU32 selection = IM_COL32(255, 255, 255, 255);

// Several spans too small to draw apart, folded into one block: their kind's colour, dimmed, so
// a run of task steps still reads as task steps.
inline ImU32 folded_colour(SpanKind kind) {
    const ImVec4 c = ImGui::ColorConvertU32ToFloat4(span_colour(kind));
    return ImGui::ColorConvertFloat4ToU32({c.x * 0.75f, c.y * 0.75f, c.z * 0.75f, 1.0f});
}

// ImGui colour for text in the panels, matching the spans.
inline ImVec4 text_colour(SpanKind kind) {
    return ImGui::ColorConvertU32ToFloat4(span_colour(kind));
}

}  // namespace looplab::viewer::style
