// demo_runner.hpp: the main() every lab demo shares. It records a trace around the demo, writes
// it, and turns a starter stub's not_implemented into a friendly "not finished yet".
#pragma once

#include <exception>
#include <string>
#include <type_traits>

#include <fmt/format.h>

#include "not_implemented.hpp"
#include "trace.hpp"

namespace looplab {

// Runs `demo` for lab `lab` while recording; the trace goes to argv[1], or to labNN-trace.json.
// A demo that records several runs itself takes that path instead (demo(path)) and writes its
// own traces there and beside it.
// Returns main()'s exit code: 0, 1 (the demo threw), or 2 (the loop still has starter stubs).
template <class Demo>
int run_lab_demo(int argc, char** argv, int lab, Demo demo) {
    const std::string trace_path = argc > 1 ? argv[1] : fmt::format("lab{:02}-trace.json", lab);
    constexpr bool writes_own_traces = std::is_invocable_v<Demo, const std::string&>;
    trace::start();
    try {
        if constexpr (writes_own_traces) {
            demo(trace_path);
        } else {
            demo();
        }
    } catch (const not_implemented& missing) {
        fmt::print(stderr, "Your loop is not finished yet: {} still throws not_implemented.\n"
                           "Run ./looplab check {} to see which tests it fails.\n", missing.what(), lab);
        return 2;
    } catch (const std::exception& error) {
        fmt::print(stderr, "The demo stopped with an exception: {}\n", error.what());
        return 1;
    }
    trace::stop();
    if (!writes_own_traces) trace::write_json(trace_path);
    fmt::print("Trace written to {}\n", trace_path);
    return 0;
}

}  // namespace looplab
