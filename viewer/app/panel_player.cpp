// panel_player.cpp: moving the cursor through time the way a debugger steps: one loop
// iteration back or forward, play at a chosen speed, or drag the scrubber.
#include <algorithm>

#include <imgui.h>

#include "panels.hpp"

namespace looplab::viewer {
namespace {

void go_to_iteration(App& app, int index) {
    if (index < 0) return;
    const Trace& trace = app.shown[static_cast<std::size_t>(app.focus)].trace;
    const Span& iteration = trace.span(trace.iterations[static_cast<std::size_t>(index)]);
    app.cursor = iteration.start;
    if (iteration.start < app.view.t0 || iteration.end > app.view.t1) {
        const Micros width = app.view.width();
        app.view.t0 = iteration.start - width * 0.3;
        app.view.t1 = app.view.t0 + width;
    }
}

}  // namespace

void advance_player(App& app, double seconds) {
    if (!app.playing || app.shown.empty()) return;
    app.cursor += seconds * 1e6 * app.play_speed;
    if (app.cursor >= app.end_time()) {
        app.cursor = app.end_time();
        app.playing = false;
    }
    if (app.cursor > app.view.t1) {  // keep the cursor in view, paging like a score
        const Micros width = app.view.width();
        app.view.t0 = app.cursor - width * 0.1;
        app.view.t1 = app.view.t0 + width;
    }
}

void draw_player(App& app) {
    if (app.shown.empty()) return;
    const Trace& trace = app.shown[static_cast<std::size_t>(app.focus)].trace;
    ImGui::BeginDisabled(trace.iterations.empty());
    if (ImGui::Button("|< iteration")) go_to_iteration(app, previous_iteration(trace, app.cursor));
    ImGui::SameLine();
    if (ImGui::Button("iteration >|")) go_to_iteration(app, next_iteration(trace, app.cursor));
    ImGui::EndDisabled();
    ImGui::SameLine();
    if (ImGui::Button(app.playing ? "pause" : "play")) app.toggle_play();
    ImGui::SameLine();
    ImGui::SetNextItemWidth(110);
    ImGui::SliderFloat("speed", &app.play_speed, 0.01f, 2.0f, "%.2fx", ImGuiSliderFlags_Logarithmic);
    ImGui::SameLine();
    float at_ms = static_cast<float>(app.cursor / 1000);
    ImGui::SetNextItemWidth(-1);
    if (ImGui::SliderFloat("##scrubber", &at_ms, 0, static_cast<float>(app.end_time() / 1000), "cursor at %.3f ms")) {
        app.cursor = static_cast<Micros>(at_ms) * 1000;
        if (app.cursor < app.view.t0 || app.cursor > app.view.t1) {
            const Micros width = app.view.width();
            app.view.t0 = app.cursor - width / 2;
            app.view.t1 = app.view.t0 + width;
        }
    }
}

}  // namespace looplab::viewer
