// viewer_test_helpers.hpp: small traces written inline, and loading them in one line.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>
#include <variant>

#include "looplab_catch.hpp"
#include "trace_model.hpp"

namespace viewer_test {

using namespace looplab::viewer;

// {"traceEvents":[ events ]}: the tests write only the events.
inline std::string trace_of(std::string_view events) { return "{\"traceEvents\":[" + std::string(events) + "]}"; }

// Parses `json`, failing the test (with the loader's message) if it does not load.
inline Trace load(std::string_view json) {
    LoadResult result = parse_trace(json, "test.json");
    if (const auto* error = std::get_if<LoadError>(&result)) FAIL("did not load: " << error->message);
    return std::get<Trace>(std::move(result));
}

// Parses `json` that must not load; returns the message.
inline std::string load_error(std::string_view json, std::string name = "test.json") {
    LoadResult result = parse_trace(json, std::move(name));
    if (std::holds_alternative<Trace>(result)) FAIL("loaded, but should not have: " << json.substr(0, 200));
    return std::get<LoadError>(result).message;
}

inline const Lane& lane_named(const Trace& trace, std::string_view name) {
    for (const auto& lane : trace.lanes)
        if (lane.name == name) return lane;
    FAIL("no lane named " << name);
    throw;  // not reached
}

inline std::int32_t lane_index(const Trace& trace, std::string_view name) {
    for (std::size_t i = 0; i < trace.lanes.size(); ++i)
        if (trace.lanes[i].name == name) return static_cast<std::int32_t>(i);
    return -1;
}

inline std::string name_of(const Trace& trace, SpanRef ref) {
    return ref.valid() ? std::string(trace.text(trace.span(ref).name)) : std::string("(none)");
}

// The first span called `name` on any lane.
inline SpanRef find_span(const Trace& trace, std::string_view name) {
    for (std::size_t l = 0; l < trace.lanes.size(); ++l)
        for (std::size_t i = 0; i < trace.lanes[l].spans.size(); ++i)
            if (trace.text(trace.lanes[l].spans[i].name) == name)
                return SpanRef{static_cast<std::int32_t>(l), static_cast<std::int32_t>(i)};
    return {};
}

// An X event on pid 1 with the given tid, in the kit's shape.
inline std::string x(std::string_view cat, std::string_view name, double ts, double dur, int tid = 1,
                     std::string_view args = "") {
    std::string out = "{\"ph\":\"X\",\"cat\":\"" + std::string(cat) + "\",\"name\":\"" + std::string(name) +
                      "\",\"pid\":1,\"tid\":" + std::to_string(tid) + ",\"ts\":" + std::to_string(ts) +
                      ",\"dur\":" + std::to_string(dur);
    if (!args.empty()) out += ",\"args\":" + std::string(args);
    return out + "}";
}

inline std::string thread_name(int tid, std::string_view name) {
    return "{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":1,\"tid\":" + std::to_string(tid) +
           ",\"args\":{\"name\":\"" + std::string(name) + "\"}}";
}

inline std::string flow(char phase, std::string_view name, double ts, int id, int tid = 1) {
    std::string out = std::string("{\"ph\":\"") + phase + "\",\"cat\":\"flow\",\"name\":\"" + std::string(name) +
                      "\",\"pid\":1,\"tid\":" + std::to_string(tid) + ",\"ts\":" + std::to_string(ts) +
                      ",\"id\":" + std::to_string(id);
    if (phase == 'f') out += ",\"bp\":\"e\"";
    return out + "}";
}

inline std::string instant(std::string_view cat, std::string_view name, double ts, std::string_view args = "", int tid = 1) {
    std::string out = "{\"ph\":\"i\",\"cat\":\"" + std::string(cat) + "\",\"name\":\"" + std::string(name) +
                      "\",\"pid\":1,\"tid\":" + std::to_string(tid) + ",\"ts\":" + std::to_string(ts) + ",\"s\":\"t\"";
    if (!args.empty()) out += ",\"args\":" + std::string(args);
    return out + "}";
}

inline std::string task_event(char phase, std::string_view name, double ts, int id) {
    char hex[32];
    std::snprintf(hex, sizeof hex, "0x%x", id);
    return std::string("{\"ph\":\"") + phase + "\",\"cat\":\"task\",\"name\":\"" + std::string(name) +
           "\",\"pid\":1,\"tid\":1,\"ts\":" + std::to_string(ts) + ",\"id\":\"" + hex + "\"}";
}

// Joins events with commas.
template <typename... Parts>
std::string events(const Parts&... parts) {
    std::string out;
    ((out += (out.empty() ? "" : ","), out += parts), ...);
    return out;
}

}  // namespace viewer_test
