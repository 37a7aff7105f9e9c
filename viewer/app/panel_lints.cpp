// panel_lints.cpp: the lints (viewer/model/lints.hpp) as a list; a click jumps the timeline to
// one. The threshold for "slow" is a control here, because what counts as too long depends on
// the program (asyncio's debug mode uses 100 ms).
#include <fmt/format.h>
#include <imgui.h>

#include "panels.hpp"
#include "style.hpp"

namespace looplab::viewer {

void draw_lints(App& app) {
    float threshold_ms = static_cast<float>(app.lint_options.slow_threshold_us / 1000);
    ImGui::SetNextItemWidth(120);
    if (ImGui::DragFloat("slow above (ms)", &threshold_ms, 1.0f, 0.1f, 60000.0f, "%.1f", ImGuiSliderFlags_Logarithmic)) {
        app.lint_options.slow_threshold_us = static_cast<Micros>(threshold_ms) * 1000;
        app.refresh_lints();
    }
    std::size_t total = 0;
    for (const Shown& shown : app.shown) total += shown.lints.size();
    ImGui::PushTextWrapPos(0);
    if (app.shown.empty()) {
        ImGui::TextDisabled("No trace loaded.");
    } else if (total == 0) {
        ImGui::TextDisabled("None: nothing held the loop for %.0f ms or more, no job waited for a worker, "
                            "no task was left waiting.", threshold_ms);
    }
    ImGui::PopTextWrapPos();
    if (total == 0) return;
    for (std::size_t s = 0; s < app.shown.size(); ++s) {
        const Shown& shown = app.shown[s];
        if (shown.lints.empty()) continue;
        if (app.shown.size() > 1) {
            ImGui::PushTextWrapPos(0);
            ImGui::TextDisabled("%s", shown.label.c_str());
            ImGui::PopTextWrapPos();
        }
        for (std::size_t i = 0; i < shown.lints.size(); ++i) {
            const Lint& lint = shown.lints[i];
            ImGui::PushID(static_cast<int>(s * 100000 + i));
            ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(style::lint));
            const std::string label = format_time(lint.start, 100);
            const bool clicked = ImGui::Selectable(label.c_str(), false, 0, {ImGui::CalcTextSize("00000.0 ms").x, 0});
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s: click to jump there", std::string(lint_kind_name(lint.kind)).c_str());
            ImGui::PopStyleColor();
            ImGui::SameLine();
            ImGui::TextWrapped("%s", lint.message.c_str());
            if (clicked) {
                app.focus = static_cast<int>(s);
                app.focus_on(lint.start, lint.end);
                if (lint.span.valid()) app.selection = {static_cast<int>(s), lint.span};
            }
            ImGui::PopID();
        }
    }
}

}  // namespace looplab::viewer
