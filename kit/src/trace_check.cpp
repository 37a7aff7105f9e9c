// trace_check.cpp: the schema rules of TRACE_SCHEMA.md, one small check per rule.
#include "trace_check.hpp"

#include <cstdint>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace looplab::kit {
namespace {

using nlohmann::json;

const std::set<std::string> known_categories = {
    "callback", "step", "executor", "wait", "iteration", "task", "flow", "queue", "timer", "future", "slow"};

// The fields each phase must carry, beyond ph/pid/tid.
const std::map<std::string, std::vector<std::string>> required_fields = {
    {"X", {"cat", "name", "ts", "dur"}}, {"i", {"cat", "name", "ts"}},
    {"C", {"cat", "name", "ts", "args"}}, {"b", {"cat", "name", "ts", "id"}},
    {"e", {"cat", "name", "ts", "id"}},  {"s", {"cat", "name", "ts", "id"}},
    {"f", {"cat", "name", "ts", "id"}},  {"M", {"name", "args"}}};

// Appends problems with one event; `where` names it in messages ("event 12").
void check_event(const json& e, const std::string& where, TraceReport& report) {
    auto problem = [&](const std::string& text) { report.problems.push_back(where + ": " + text); };
    if (!e.is_object()) return problem("is not a JSON object");
    if (!e.contains("ph") || !e["ph"].is_string()) return problem("has no \"ph\" (phase) string");
    const std::string ph = e["ph"];
    auto fields = required_fields.find(ph);
    if (fields == required_fields.end()) return problem(fmt::format("has an unknown phase \"{}\"", ph));
    for (const char* key : {"pid", "tid"}) {
        if (!e.contains(key) || !e[key].is_number_integer()) problem(fmt::format("needs an integer \"{}\"", key));
    }
    for (const auto& key : fields->second) {
        if (!e.contains(key)) problem(fmt::format("(ph \"{}\") lacks \"{}\"", ph, key));
    }
    if (e.contains("ts") && !e["ts"].is_number()) problem("\"ts\" is not a number");
    if (ph == "X" && e.contains("dur") && (!e["dur"].is_number() || e["dur"].get<double>() < 0)) {
        problem("\"dur\" must be a number >= 0");
    }
    if (ph != "M" && e.contains("cat") &&
        (!e["cat"].is_string() || !known_categories.count(e["cat"].get<std::string>()))) {
        problem(fmt::format("has a category outside the schema: {}", e["cat"].dump()));
    }
}

// Flows come in pairs: every "f" needs an "s" with the same id, and the other way round.
void check_flows(const json& events, TraceReport& report) {
    std::map<std::string, int> starts, finishes;
    for (const auto& e : events) {
        if (!e.is_object() || !e.contains("id") || !e.contains("ph")) continue;
        if (e["ph"] == "s") ++starts[e["id"].dump()];
        if (e["ph"] == "f") ++finishes[e["id"].dump()];
    }
    for (const auto& finish : finishes) {
        if (starts.count(finish.first)) {
            ++report.flows;
        } else {
            report.problems.push_back(fmt::format("flow {} ends but never starts", finish.first));
        }
    }
}

void count_threads(const json& events, TraceReport& report) {
    for (const auto& e : events) {
        if (!e.is_object() || e.value("ph", "") != "M" || e.value("name", "") != "thread_name") continue;
        ++report.threads;
        if (e.contains("args") && e["args"].is_object() && e["args"].value("name", "") == "loop") {
            report.has_loop_thread = true;
        }
    }
}

// The tid of every thread named `name`, or whose name starts with it when `prefix` is set.
std::set<std::int64_t> threads_named(const json& events, const std::string& name, bool prefix) {
    std::set<std::int64_t> tids;
    for (const auto& e : events) {
        if (!e.is_object() || e.value("ph", "") != "M" || !e.contains("args") || !e["args"].is_object()) continue;
        const std::string thread = e["args"].value("name", "");
        if (prefix ? thread.rfind(name, 0) == 0 : thread == name) tids.insert(e.value("tid", std::int64_t{-1}));
    }
    return tids;
}

}  // namespace

int steps_inside_executor_spans(std::string_view json_text, std::string_view step_prefix) {
    json doc = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded() || !doc.is_object() || !doc.contains("traceEvents")) return 0;
    const json& events = doc["traceEvents"];
    auto loop = threads_named(events, "loop", false);
    auto workers = threads_named(events, "executor-", true);
    std::vector<std::pair<double, double>> jobs;  // [start, end] of every executor span
    for (const auto& e : events) {
        if (e.is_object() && e.value("ph", "") == "X" && e.value("cat", "") == "executor" &&
            workers.count(e.value("tid", std::int64_t{-1}))) {
            jobs.emplace_back(e.value("ts", 0.0), e.value("ts", 0.0) + e.value("dur", 0.0));
        }
    }
    int inside = 0;
    for (const auto& e : events) {
        if (!e.is_object() || e.value("ph", "") != "X" || e.value("cat", "") != "step") continue;
        if (!loop.count(e.value("tid", std::int64_t{-1}))) continue;
        if (e.value("name", "").rfind(std::string(step_prefix), 0) != 0) continue;
        double start = e.value("ts", 0.0), end = start + e.value("dur", 0.0);
        for (const auto& [job_start, job_end] : jobs) {
            if (start >= job_start && end <= job_end) {
                ++inside;
                break;
            }
        }
    }
    return inside;
}

TraceReport check_trace(std::string_view json_text) {
    TraceReport report;
    json doc = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) {
        report.problems.push_back("not valid JSON");
        return report;
    }
    if (!doc.is_object() || !doc.contains("traceEvents") || !doc["traceEvents"].is_array()) {
        report.problems.push_back("the top level must be an object with a \"traceEvents\" array");
        return report;
    }
    const json& events = doc["traceEvents"];
    report.events = static_cast<int>(events.size());
    for (std::size_t i = 0; i < events.size(); ++i) {
        check_event(events[i], fmt::format("event {}", i), report);
        if (events[i].is_object() && events[i].value("cat", "") == "callback" && events[i].value("ph", "") == "X") {
            ++report.callbacks;
        }
    }
    check_flows(events, report);
    count_threads(events, report);
    return report;
}

}  // namespace looplab::kit
