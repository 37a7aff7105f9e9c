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

}  // namespace looplab::kit
