// bench.cpp: the viewer's benchmark (see bench.hpp). The frame time is CPU time spent building
// the frame (ImGui::NewFrame to ImGui::Render: our panels and ImGui's layout), measured over a
// fixed number of frames with the whole trace in view, reported as a median.
#include "bench.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <imgui.h>

#include "app.hpp"
#include "gui.hpp"
#include "panels.hpp"
#include "synthetic_trace.hpp"

namespace looplab::viewer {
namespace {

double cpu_seconds() {
    return static_cast<double>(std::clock()) / CLOCKS_PER_SEC;
}

// Loads the trace named by `spec`; times only the load, not the generation of a synthetic one.
LoadResult load_for_bench(const std::string& spec, double& seconds) {
    const std::string prefix = "synthetic:";
    if (spec.rfind(prefix, 0) == 0) {
        const std::string json = make_synthetic_trace(std::stoul(spec.substr(prefix.size())), 1);
        const auto start = std::chrono::steady_clock::now();
        LoadResult result = parse_trace(json, spec);
        seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        return result;
    }
    const auto start = std::chrono::steady_clock::now();
    LoadResult result = load_trace_file(spec);
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
}

}  // namespace

int run_bench(const Options& options) {
    double load_seconds = 0;
    LoadResult loaded;
    try {
        loaded = load_for_bench(options.bench, load_seconds);
    } catch (const std::exception& error) {  // std::stoul on a bad N
        fmt::print(stderr, "looplab-viewer: --bench takes a trace file or synthetic:N ({})\n", error.what());
        return 2;
    }
    if (auto* error = std::get_if<LoadError>(&loaded)) {
        fmt::print(stderr, "looplab-viewer: {}\n", error->message);
        return 1;
    }
    App app;
    Trace& trace = std::get<Trace>(loaded);
    fmt::print("load: {:.3f} s for {} events ({} lanes, {} tasks, {} flows)\n", load_seconds, trace.stats.events,
               trace.lanes.size(), trace.tasks.size(), trace.flows.size());
    app.show({make_shown(options.bench, std::move(trace), app.lint_options)});

    std::string error;
    std::unique_ptr<Gui> gui = Gui::open("looplab viewer - bench", options.width, options.height, 1.0f, error);
    if (!gui) {
        fmt::print(stderr, "{}\n", error);
        return 1;
    }
    constexpr int warm_up = 5;
    constexpr int measured = 60;
    std::vector<double> frame_ms;
    for (int i = 0; i < warm_up + measured; ++i) {
        gui->begin_frame();
        const double start = cpu_seconds();
        draw_main_window(app);
        ImGui::EndFrame();  // layout done; end_frame's Render only gathers the draw lists
        if (i >= warm_up) frame_ms.push_back((cpu_seconds() - start) * 1000);
        gui->end_frame();
    }
    std::nth_element(frame_ms.begin(), frame_ms.begin() + measured / 2, frame_ms.end());
    fmt::print("frame: median {:.2f} ms CPU over {} frames, fully zoomed out ({}x{})\n",
               frame_ms[measured / 2], measured, options.width, options.height);
    return 0;
}

}  // namespace looplab::viewer
