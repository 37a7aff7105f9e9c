// window.cpp: the one window the viewer draws, laid out like a debugger: the controls on top,
// the timeline in the middle, and below it the panels that explain the cursor's moment.
#include <algorithm>

#include <imgui.h>

#include "panels.hpp"

namespace looplab::viewer {
namespace {

// A panel about the cursor's moment names the trace it describes: with two runs on screen,
// "the loop is waiting" is true of one of them only.
void panel(const char* title, float width, float height, void (*draw)(App&), App& app, bool about_focus) {
    ImGui::BeginChild(title, {width, height}, true);
    if (about_focus && app.shown.size() > 1 && app.focus < static_cast<int>(app.shown.size())) {
        ImGui::PushTextWrapPos(0);
        ImGui::TextDisabled("%s, in %s", title, app.shown[static_cast<std::size_t>(app.focus)].label.c_str());
        ImGui::PopTextWrapPos();
    } else {
        ImGui::TextDisabled("%s", title);
    }
    draw(app);
    ImGui::EndChild();
}

void keyboard(App& app) {
    if (ImGui::GetIO().WantTextInput) return;
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Space))) app.toggle_play();
    if (ImGui::IsKeyPressed('F')) app.fit();
}

}  // namespace

void draw_main_window(App& app) {
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(viewport->WorkPos);
    ImGui::SetNextWindowSize(viewport->WorkSize);
    const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                   ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus;
    ImGui::Begin("looplab viewer", nullptr, flags);
    keyboard(app);
    draw_toolbar(app);

    const float panels_height = std::max(230.0f, viewport->WorkSize.y * 0.3f);
    const float timeline_height = ImGui::GetContentRegionAvail().y - panels_height - ImGui::GetFrameHeightWithSpacing();
    ImGui::BeginChild("timeline", {0, timeline_height}, true);
    if (app.shown.empty()) ImGui::TextDisabled("Nothing to show yet.");
    else draw_timeline(app);
    ImGui::EndChild();

    draw_player(app);
    const float width = ImGui::GetContentRegionAvail().x;
    const float gap = ImGui::GetStyle().ItemSpacing.x;
    const float h = ImGui::GetContentRegionAvail().y;
    panel("Loop at the cursor", width * 0.28f - gap, h, draw_loop_state, app, true);
    ImGui::SameLine();
    panel("Tasks at the cursor", width * 0.30f - gap, h, draw_tasks_table, app, true);
    ImGui::SameLine();
    panel("Lints", width * 0.24f - gap, h, draw_lints, app, false);
    ImGui::SameLine();
    panel("Selection", 0, h, draw_selection, app, false);
    ImGui::End();
}

}  // namespace looplab::viewer
