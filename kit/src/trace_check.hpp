// trace_check.hpp: checks a trace file against labs/common/TRACE_SCHEMA.md, so a demo (or a
// student's loop) that writes a broken trace is caught before the viewer has to cope with it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace looplab::kit {

struct TraceReport {
    std::vector<std::string> problems;  // empty: the trace follows the schema
    int events = 0;
    int threads = 0;
    bool has_loop_thread = false;
    int callbacks = 0;  // X events of category "callback"
    int flows = 0;      // matched s/f pairs
};

// Parses `json_text` and checks every event. Never throws: malformed JSON is a problem too.
TraceReport check_trace(std::string_view json_text);

// The seed scenario's claim, read off a trace: how many task steps whose name starts with
// `step_prefix` ran on the "loop" thread entirely inside an "executor" span on an executor-N
// thread. With the blocking call in the executor the tickers go on (many); with it on the loop,
// none can. Returns 0 for text that is not a trace.
int steps_inside_executor_spans(std::string_view json_text, std::string_view step_prefix);

}  // namespace looplab::kit
