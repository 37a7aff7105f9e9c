// demo_runner.hpp: the main() every lab demo shares. It records a trace around the demo, writes
// it, and turns a starter stub's not_implemented into a friendly "not finished yet".
#pragma once

#include <exception>
#include <string>

#include <fmt/format.h>

#include "not_implemented.hpp"
#include "trace.hpp"

namespace looplab {

// Runs `demo` for lab `lab` while recording; the trace goes to argv[1], or to labNN-trace.json.
// Returns main()'s exit code: 0, 1 (the demo threw), or 2 (the loop still has starter stubs).
template <class Demo>
int run_lab_demo(int argc, char** argv, int lab, Demo demo) {
    const std::string trace_path = argc > 1 ? argv[1] : fmt::format("lab{:02}-trace.json", lab);
    trace::start();
    try {
        demo();
    } catch (const not_implemented& missing) {
        fmt::print(stderr, "Your loop is not finished yet: {} still throws not_implemented.\n"
                           "Run ./looplab check {} to see which tests it fails.\n", missing.what(), lab);
        return 2;
    } catch (const std::exception& error) {
        fmt::print(stderr, "The demo stopped with an exception: {}\n", error.what());
        return 1;
    }
    trace::stop();
    trace::write_json(trace_path);
    fmt::print("Trace written to {}\n", trace_path);
    return 0;
}

}  // namespace looplab
