// synthetic_trace.hpp: a made-up but schema-true trace of any size, for the viewer's --bench and
// for the loader's speed test. It follows labs/common/TRACE_SCHEMA.md: a loop lane of iterations,
// waits, callbacks and task steps tied by call_soon / call_at / submit flows, four executor lanes.
#pragma once

#include <cstddef>
#include <string>

namespace looplab::viewer {

// About `events` events (a few more, to finish the last iteration), the same text for the same
// seed. Tasks sleep, yield and run blocking jobs in the executor, and sometimes finish and are
// replaced; some jobs queue behind busy workers.
std::string make_synthetic_trace(std::size_t events, unsigned seed);

}  // namespace looplab::viewer
