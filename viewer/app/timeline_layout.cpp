// timeline_layout.cpp: where every lane of a shown trace goes, computed before anything is
// drawn: thread lanes with a row per nesting depth, the counters, then the task lanes.
#include <vector>

#include "timeline.hpp"

namespace looplab::viewer::timeline {
namespace {

bool is_iteration_row(const Lane& lane, std::size_t depth) {
    const auto& row = lane.by_depth[depth];
    return !row.empty() && lane.spans[static_cast<std::size_t>(row.front())].kind == SpanKind::iteration;
}

}  // namespace

TraceLayout layout_trace(const Shown& shown, float top) {
    TraceLayout out;
    out.header_top = top;
    float y = top + header_height();
    for (const Lane& lane : shown.trace.lanes) {
        LaneLayout l;
        l.top = y;
        for (std::size_t d = 0; d < lane.by_depth.size(); ++d) {
            const float h = is_iteration_row(lane, d) ? thin_row_height() : row_height();
            l.row_top.push_back(y);
            l.row_h.push_back(h);
            y += h + 1;
        }
        if (lane.by_depth.empty()) y += row_height();  // a thread with only instants still gets a row
        l.bottom = y;
        y += 4;
        out.lanes.push_back(std::move(l));
    }
    for (std::size_t c = 0; c < shown.trace.counters.size(); ++c) {
        out.counter_top.push_back(y);
        y += row_height() + 2;
    }
    if (!shown.trace.counters.empty()) y += 4;
    out.tasks_header_top = y;
    y += shown.trace.tasks.empty() ? 0 : header_height();
    out.tasks_top = y;
    if (shown.tasks_open) y += static_cast<float>(shown.trace.tasks.size()) * (task_row_height() + 1);
    out.bottom = y + 8;
    return out;
}

}  // namespace looplab::viewer::timeline
