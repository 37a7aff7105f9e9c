// bench.hpp: `looplab-viewer --bench TRACE`: how long a trace takes to load, and how long a frame
// of the whole trace (fully zoomed out) takes to build. A benchmark prints figures; it never
// passes or fails on them.
#pragma once

#include "options.hpp"

namespace looplab::viewer {

// TRACE is a file, or synthetic:N for a generated trace of about N events. Returns main's code.
int run_bench(const Options& options);

}  // namespace looplab::viewer
