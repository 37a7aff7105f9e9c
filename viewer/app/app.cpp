// app.cpp: the viewer state's few operations (see app.hpp), and time formatting.
#include "app.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "scenario_controller.hpp"

namespace looplab::viewer {

App::App() = default;
App::~App() = default;

Shown make_shown(std::string title, Trace trace, const LintOptions& options, std::string label) {
    if (label.empty()) label = title;
    Shown shown{std::move(title), std::move(label), std::move(trace), {}, true, 0};
    shown.lints = find_lints(shown.trace, options);
    for (const Flow& flow : shown.trace.flows) {
        if (flow.ended) shown.longest_flow = std::max(shown.longest_flow, flow.end - flow.begin);
    }
    return shown;
}

// The moment the kit is about: the middle of the first executor job, where the panels show a
// task waiting on the executor while the others keep running. Else the loop's first iteration,
// where the ready queue holds what the program scheduled before the loop ran.
void App::place_cursor() {
    cursor = 0;
    if (!shown.empty() && !shown.front().trace.iterations.empty()) {
        cursor = shown.front().trace.span(shown.front().trace.iterations.front()).start;
    }
    for (std::size_t s = 0; s < shown.size(); ++s) {
        for (const Lane& lane : shown[s].trace.lanes) {
            if (lane.kind != LaneKind::executor || lane.spans.empty()) continue;
            cursor = (lane.spans.front().start + lane.spans.front().end) / 2;
            focus = static_cast<int>(s);
            return;
        }
    }
}

void App::show(std::vector<Shown> traces) {
    shown = std::move(traces);
    // Three traces or more (a comparison) would push the later ones below the fold: tasks folded.
    for (Shown& s : shown) s.tasks_open = shown.size() <= 2;
    selection = {};
    focus = std::clamp(focus, 0, std::max(0, static_cast<int>(shown.size()) - 1));
    state_cache_.reset();
    fit();
    place_cursor();
}

void App::refresh_lints() {
    for (Shown& s : shown) s.lints = find_lints(s.trace, lint_options);
}

bool App::scenario_running() const {
    if (scenario && scenario->running()) return true;
    for (const auto& old : retired) {
        if (old->running()) return true;
    }
    return false;
}

void App::toggle_play() {
    if (!playing && cursor >= end_time()) cursor = 0;
    playing = !playing;
}

Micros App::end_time() const {
    Micros end = 0;
    for (const Shown& s : shown) end = std::max(end, s.trace.end);
    return end;
}

void App::fit() {
    const Micros end = end_time();
    view = {0, end > 0 ? end * 1.02 : 1000};
}

void App::focus_on(Micros start, Micros end) {
    const Micros span = std::max(end - start, Micros{1});
    view = {start - span * 0.25, end + span * 0.25};
    cursor = start;
}

const LoopState* App::state_at_cursor() {
    if (focus < 0 || focus >= static_cast<int>(shown.size())) return nullptr;
    if (!state_cache_ || state_cache_shown_ != focus || state_cache_at_ != cursor) {
        state_cache_ = loop_state_at(shown[static_cast<std::size_t>(focus)].trace, cursor);
        state_cache_shown_ = focus;
        state_cache_at_ = cursor;
    }
    return &*state_cache_;
}

bool open_traces(App& app, const std::vector<std::string>& paths, std::vector<std::string> titles) {
    std::vector<Shown> loaded;
    for (std::size_t i = 0; i < paths.size(); ++i) {
        LoadResult result = load_trace_file(paths[i]);
        if (auto* error = std::get_if<LoadError>(&result)) {
            app.message = error->message;
            return false;
        }
        Trace trace = std::move(std::get<Trace>(result));
        trace.source = paths[i];
        const std::string title = i < titles.size() ? titles[i] : std::filesystem::path(paths[i]).filename().string();
        loaded.push_back(make_shown(title, std::move(trace), app.lint_options));
    }
    app.message.clear();
    if (app.scenario) app.retired.push_back(std::move(app.scenario));  // files replace the built-in demo
    app.show(std::move(loaded));
    return true;
}

std::string format_duration(Micros us) {
    const double a = std::abs(us);
    if (a < 1) return fmt::format("{:.0f} ns", us * 1000);
    if (a < 1000) return fmt::format("{:.4g} us", us);   // 4 digits: 999.7 must not read 1e+03
    if (a < 1'000'000) return fmt::format("{:.4g} ms", us / 1000);
    return fmt::format("{:.4g} s", us / 1'000'000);
}

std::string format_time(Micros us, Micros step) {
    // Enough decimals that two neighbouring ruler ticks never read the same.
    const double step_ms = step / 1000;
    const int decimals = step_ms >= 1 ? 0 : std::min(6, static_cast<int>(std::ceil(-std::log10(step_ms))));
    return fmt::format("{:.{}f} ms", us / 1000, decimals);
}

}  // namespace looplab::viewer
