// options.hpp: the viewer's command line (parsed with CLI11 in options.cpp).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "seed_scenario.hpp"

namespace looplab::viewer {

struct Options {
    std::vector<std::string> traces;   // files to show; none: the built-in demo
    std::vector<std::string> titles;   // --title per trace (default: the file name)
    std::string screenshot;            // --screenshot FILE.png: render, save, exit
    int frames = 4;                    // frames to draw before the screenshot (layout settles in 2)
    int width = 1600;
    int height = 900;
    std::string bench;                 // --bench TRACE (or synthetic:N): load time and frame time
    float font_scale = 1.0f;           // bigger text for a projector
    double slow_ms = 100;              // the lint threshold
    std::optional<double> cursor_ms;   // where the cursor starts (default: inside the first executor job)
    ScenarioParams scenario;           // the built-in demo's starting knobs
};

// Parses argv. Returns the exit code to stop with (0 after --help, 2 on a usage error) or
// nullopt to go on.
std::optional<int> parse_options(int argc, char** argv, Options& options);

}  // namespace looplab::viewer
