// panel_toolbar.cpp: the row above the timeline. With the built-in demo it holds the scenario's
// knobs: change one and the scenario runs again on the reference loop, so a student can find
// out by playing what a saturated executor or a too-short tick interval looks like.
#include <string>

#include <imgui.h>

#include "panels.hpp"
#include "scenario_controller.hpp"
#include "style.hpp"

namespace looplab::viewer {
namespace {

// Every control edits a copy of the parameters; letting go of a changed control re-runs.
bool int_knob(const char* label, int* value, int low, int high, const char* format, const char* help) {
    ImGui::SetNextItemWidth(110);
    ImGui::SliderInt(label, value, low, high, format, ImGuiSliderFlags_AlwaysClamp);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", help);
    const bool changed = ImGui::IsItemDeactivatedAfterEdit();
    ImGui::SameLine();
    return changed;
}

bool ms_knob(const char* label, std::chrono::milliseconds* value, int low, int high, const char* help) {
    int ms = static_cast<int>(value->count());
    const bool changed = int_knob(label, &ms, low, high, "%d ms", help);
    *value = std::chrono::milliseconds(ms);
    return changed;
}

bool place_knob(BlockingPlace* place) {
    const BlockingPlace places[] = {BlockingPlace::on_loop, BlockingPlace::run_in_executor, BlockingPlace::to_thread};
    bool changed = false;
    ImGui::SetNextItemWidth(150);
    if (ImGui::BeginCombo("runs", std::string(blocking_place_name(*place)).c_str())) {
        for (BlockingPlace p : places) {
            if (ImGui::Selectable(std::string(blocking_place_name(p)).c_str(), p == *place)) {
                changed = p != *place;
                *place = p;
            }
        }
        ImGui::EndCombo();
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Where the second run makes the blocking call. The first run always makes it on the loop.");
    ImGui::SameLine();
    return changed;
}

void scenario_controls(App& app) {
    ScenarioController& scenario = *app.scenario;
    ScenarioParams& p = scenario.params;
    bool changed = false;
    changed |= int_knob("tickers", &p.tickers, 1, 32, "%d", "How many ticker tasks tick while main waits for the blocking call.");
    changed |= ms_knob("tick", &p.tick_interval, 1, 1000, "How often each ticker ticks (it awaits sleep for this long).");
    changed |= ms_knob("blocking call", &p.blocking_duration, 10, 3000, "How long the blocking library call (a SQLite query) takes.");
    changed |= int_knob("calls", &p.blocking_calls, 1, 16, "%d", "How many blocking calls main starts at once. More calls than workers: they queue.");
    changed |= int_knob("workers", &p.workers, 1, 16, "%d", "The executor's worker threads.");
    changed |= place_knob(&p.place);
    if (changed) scenario.request(p);
    if (scenario.running()) {
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(style::cursor), "running the scenario...");
    } else if (ImGui::SmallButton("run again")) {
        scenario.request(p);
    }
}

void legend() {
    const SpanKind kinds[] = {SpanKind::callback, SpanKind::step, SpanKind::executor, SpanKind::wait};
    for (SpanKind kind : kinds) {
        ImGui::SameLine();
        ImGui::ColorButton(std::string(span_kind_name(kind)).c_str(), style::text_colour(kind),
                           ImGuiColorEditFlags_NoTooltip | ImGuiColorEditFlags_NoDragDrop, {12, 12});
        ImGui::SameLine(0, 4);
        ImGui::TextUnformatted(std::string(span_kind_name(kind)).c_str());
    }
    ImGui::SameLine();
    ImGui::ColorButton("lint", ImGui::ColorConvertU32ToFloat4(style::lint), ImGuiColorEditFlags_NoTooltip, {12, 12});
    ImGui::SameLine(0, 4);
    ImGui::TextUnformatted("lint");
}

void open_box(App& app) {
    static char path[512] = "";
    ImGui::SetNextItemWidth(260);
    const bool entered = ImGui::InputTextWithHint("##open", "trace file to open", path, sizeof path,
                                                  ImGuiInputTextFlags_EnterReturnsTrue);
    ImGui::SameLine();
    if ((ImGui::Button("open") || entered) && path[0] != '\0') open_traces(app, {path});
}

}  // namespace

void draw_toolbar(App& app) {
    if (app.scenario) {
        scenario_controls(app);
        ImGui::NewLine();
    }
    if (ImGui::Button("fit (F)")) app.fit();
    ImGui::SameLine();
    ImGui::Checkbox("all flows", &app.show_all_flows);
    ImGui::SameLine();
    open_box(app);
    legend();
    if (app.scenario) {
        ImGui::SameLine();
        ImGui::TextDisabled("   wheel: zoom, drag: pan, click: select");
    }
    if (!app.message.empty()) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(style::lint), "%s", app.message.c_str());
}

}  // namespace looplab::viewer
