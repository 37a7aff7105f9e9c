// panel_selection.cpp: everything about the selected span: what it is, where it ran, which task
// it belongs to, its args, and its flows (what caused it, what it caused), each one click away.
#include <algorithm>
#include <string>

#include <fmt/format.h>
#include <imgui.h>

#include "panels.hpp"
#include "style.hpp"

namespace looplab::viewer {
namespace {

void jump_button(App& app, const char* label, int shown, SpanRef target) {
    if (!target.valid()) return;
    const Trace& trace = app.shown[static_cast<std::size_t>(shown)].trace;
    const Span& span = trace.span(target);
    const std::string text = fmt::format("{} {} ({})##{}-{}", label, trace.text(span.name),
                                         trace.lanes[static_cast<std::size_t>(target.lane)].name, target.lane, target.index);
    if (ImGui::SmallButton(text.c_str())) {
        app.selection = {shown, target};
        app.cursor = span.start;
        if (span.start < app.view.t0 || span.start > app.view.t1) app.focus_on(span.start, span.end);
    }
}

void flows_of(App& app, int shown, SpanRef ref) {
    const Trace& trace = app.shown[static_cast<std::size_t>(shown)].trace;
    int listed = 0;
    for (const Flow& flow : trace.flows) {
        if (listed >= 20) break;  // a callback that schedules thousands: the timeline shows them all
        if (flow.effect == ref) {
            ImGui::TextDisabled("caused by %s:", std::string(trace.text(flow.name)).c_str());
            ImGui::SameLine();
            if (flow.cause.valid()) jump_button(app, "<-", shown, flow.cause);
            else ImGui::TextDisabled("(outside any span)");
            ++listed;
        } else if (flow.cause == ref) {
            ImGui::TextDisabled("%s:", std::string(trace.text(flow.name)).c_str());
            ImGui::SameLine();
            if (flow.ended && flow.effect.valid()) jump_button(app, "->", shown, flow.effect);
            else ImGui::TextDisabled("never ran (cancelled, or still pending at the end)");
            ++listed;
        }
    }
}

}  // namespace

void draw_selection(App& app) {
    if (!app.selection.valid() || app.selection.shown >= static_cast<int>(app.shown.size())) {
        ImGui::PushTextWrapPos(0);
        ImGui::TextDisabled("Click a block on the timeline to see what it was, what caused it and what it caused.");
        ImGui::PopTextWrapPos();
        return;
    }
    const int shown = app.selection.shown;
    const Trace& trace = app.shown[static_cast<std::size_t>(shown)].trace;
    const Span& span = trace.span(app.selection.span);
    ImGui::TextColored(style::text_colour(span.kind), "%s", std::string(trace.text(span.name)).c_str());
    ImGui::Text("%s on %s", std::string(span_kind_name(span.kind)).c_str(),
                trace.lanes[static_cast<std::size_t>(app.selection.span.lane)].name.c_str());
    ImGui::Text("from %s, lasting %s", format_time(span.start, 0.001).c_str(), format_duration(span.duration()).c_str());
    if (const TaskInfo* task = span.task != 0 ? trace.task_by_id(static_cast<std::uint64_t>(span.task)) : nullptr) {
        ImGui::Text("a step of task %s (step %zu of %zu)", task->name.c_str(),
                    static_cast<std::size_t>(std::find(task->steps.begin(), task->steps.end(), app.selection.span) - task->steps.begin()) + 1,
                    task->steps.size());
    }
    if (span.args != no_string) ImGui::TextWrapped("args: %s", std::string(trace.text(span.args)).c_str());
    ImGui::Separator();
    flows_of(app, shown, app.selection.span);
}

}  // namespace looplab::viewer
