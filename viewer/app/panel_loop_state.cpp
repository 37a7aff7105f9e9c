// panel_loop_state.cpp: what the loop held at the cursor, rebuilt from the trace by the model
// (loop_state_at): the ready queue, the timer heap, the executor's queue, and every task.
// Moving the cursor (click, scrubber, step, play) updates these as a student steps through.
#include <string>

#include <fmt/format.h>
#include <imgui.h>

#include "panels.hpp"
#include "style.hpp"

namespace looplab::viewer {
namespace {

void help_marker(const char* text) {
    ImGui::SameLine();
    ImGui::TextDisabled("(?)");
    if (ImGui::IsItemHovered()) {
        ImGui::BeginTooltip();
        ImGui::PushTextWrapPos(ImGui::GetFontSize() * 30);
        ImGui::TextUnformatted(text);
        ImGui::PopTextWrapPos();
        ImGui::EndTooltip();
    }
}

void ready_queue(const LoopState& state) {
    ImGui::Text("Ready queue (%zu)", state.ready.size());
    help_marker("Handles scheduled with call_soon (or a timer whose deadline passed) that the loop "
                "has not run yet. run_once runs the ones that were here when the iteration began.");
    if (state.ready.empty()) ImGui::TextDisabled("  empty");
    for (const QueuedHandle& h : state.ready) {
        // A handle whose flow never ends never ran: cancelled, or still queued when the trace ended.
        ImGui::BulletText("%s", h.name == "?" ? "(a handle that never ran: cancelled?)" : h.name.c_str());
        ImGui::SameLine();
        ImGui::TextDisabled("%s, waiting %s", h.via.c_str(), format_duration(state.at - h.since).c_str());
    }
}

void timer_heap(const LoopState& state) {
    ImGui::Text("Timer heap (%zu)", state.timers.size());
    help_marker("Timers made by call_later / call_at (sleep uses one). The loop sleeps until the "
                "earliest deadline, then moves the due timers to the ready queue.");
    if (state.timers.empty()) ImGui::TextDisabled("  empty");
    for (const PendingTimer& t : state.timers) {
        const std::string due = t.deadline ? fmt::format("due in {}", format_duration(*t.deadline - state.at)) : "deadline not recorded";
        ImGui::BulletText("%s", t.name.c_str());
        ImGui::SameLine();
        ImGui::TextDisabled("%s%s", due.c_str(), t.cancelled ? " (cancelled or never fired)" : "");
    }
}

void executor(const LoopState& state) {
    ImGui::Text("Executor: %zu running, %zu queued", state.executor_running.size(), state.executor_queue.size());
    help_marker("Jobs handed to run_in_executor or to_thread. Queued jobs wait for a free worker: "
                "more blocking jobs than workers means they queue up (the executor is saturated).");
    for (const ExecutorJob& job : state.executor_running) {
        ImGui::TextColored(style::text_colour(SpanKind::executor), "  running on %s:", job.worker.c_str());
        ImGui::SameLine();
        ImGui::Text("%s for %s", job.name.c_str(), format_duration(state.at - job.started.value_or(state.at)).c_str());
    }
    for (const ExecutorJob& job : state.executor_queue) {
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(style::lint), "  queued:");
        ImGui::SameLine();
        ImGui::Text("%s, waiting %s", job.name.c_str(), format_duration(state.at - job.submitted).c_str());
    }
}

ImVec4 status_colour(TaskStatus status) {
    switch (status) {
        case TaskStatus::running: return style::text_colour(SpanKind::step);
        case TaskStatus::ready: return style::text_colour(SpanKind::callback);
        case TaskStatus::suspended: return {0.85f, 0.85f, 0.85f, 1};
        case TaskStatus::done: return {0.5f, 0.5f, 0.5f, 1};
        case TaskStatus::pending_start: break;
    }
    return {0.6f, 0.6f, 0.7f, 1};
}

}  // namespace

void draw_loop_state(App& app) {
    const LoopState* state = app.state_at_cursor();
    if (!state) return;
    ImGui::PushTextWrapPos(0);
    ImGui::Text("At %s: the loop is %s", format_time(state->at, 1).c_str(), state->loop_doing.c_str());
    ImGui::PopTextWrapPos();
    if (state->iteration >= 0) ImGui::TextDisabled("iteration %d", state->iteration + 1);
    ImGui::Separator();
    ready_queue(*state);
    ImGui::Spacing();
    timer_heap(*state);
    ImGui::Spacing();
    executor(*state);
}

void draw_tasks_table(App& app) {
    const LoopState* state = app.state_at_cursor();
    if (!state) return;
    if (state->tasks.empty()) {
        ImGui::TextDisabled("No tasks yet at the cursor.");
        return;
    }
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingStretchProp;
    if (!ImGui::BeginTable("tasks", 3, flags)) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("task", ImGuiTableColumnFlags_WidthFixed, ImGui::CalcTextSize("blocking-00").x);
    ImGui::TableSetupColumn("state", ImGuiTableColumnFlags_WidthFixed, ImGui::CalcTextSize("not started").x);
    ImGui::TableSetupColumn("waiting on", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableHeadersRow();
    ImGuiListClipper clipper;  // thousands of tasks cost only the visible rows
    clipper.Begin(static_cast<int>(state->tasks.size()));
    while (clipper.Step()) {
        for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
            const TaskState& task = state->tasks[static_cast<std::size_t>(row)];
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(task.name.c_str());
            ImGui::TableNextColumn();
            ImGui::TextColored(status_colour(task.status), "%s", std::string(task_status_name(task.status)).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(task.waiting_on.c_str());
            if (ImGui::IsItemHovered() && !task.waiting_on.empty()) ImGui::SetTooltip("%s", task.waiting_on.c_str());
        }
    }
    ImGui::EndTable();
}

}  // namespace looplab::viewer
