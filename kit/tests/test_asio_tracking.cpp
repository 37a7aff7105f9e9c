// labs/common/asio_tracking.hpp: a plain Asio program (fixtures/asio_program.cpp, built with
// ASIO_CUSTOM_HANDLER_TRACKING) records its handlers into the trace schema: a callback span per
// handler run, a flow from where each handler was created to the span where it ran.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "looplab_catch.hpp"
#include "process.hpp"
#include "trace_check.hpp"

#ifndef LOOPLAB_ASIO_FIXTURE
#error "kit_tests needs LOOPLAB_ASIO_FIXTURE, the path of the kit_asio_fixture program (see kit/CMakeLists.txt)"
#endif

using looplab::kit::check_trace;
using looplab::kit::run_process;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

std::int64_t nanos(const json& micros) {
    return std::llround(micros.get<double>() * 1000.0);
}

struct Span {
    std::int64_t tid, begin, end;  // ns
    std::string name;
    json args;
};

struct FlowPoint {
    std::int64_t tid, ts;
    std::string name;
};

struct Flow {
    std::vector<FlowPoint> starts, finishes;
};

// One run of the fixture: its output, its trace text, and the trace read into spans and flows.
struct Recording {
    looplab::kit::RunResult run;
    std::string text;
    std::vector<Span> spans;  // callback X events
    std::map<std::uint64_t, Flow> flows;
    std::int64_t loop_tid = -1;
    bool only_thread_names = true;

    // The innermost callback span on `tid` that encloses `ts`, if any.
    const Span* enclosing(std::int64_t tid, std::int64_t ts) const {
        const Span* best = nullptr;
        for (const auto& s : spans) {
            if (s.tid != tid || ts < s.begin || ts > s.end) continue;
            if (best == nullptr || s.end - s.begin < best->end - best->begin) best = &s;
        }
        return best;
    }
    // The span a flow ran in (encloses its f) and the span it was started from (encloses its s).
    const Span* effect(const Flow& f) const {
        return f.finishes.size() == 1 ? enclosing(f.finishes[0].tid, f.finishes[0].ts) : nullptr;
    }
    const Span* cause(const Flow& f) const {
        return f.starts.size() == 1 ? enclosing(f.starts[0].tid, f.starts[0].ts) : nullptr;
    }
    // The flow whose handler's span started `f` (nullptr: started outside any handler).
    const Flow* parent(const Flow& f) const {
        const Span* from = cause(f);
        if (from == nullptr) return nullptr;
        for (const auto& [id, other] : flows) {
            if (&other != &f && effect(other) == from) return &other;
        }
        return nullptr;
    }
    std::vector<const Flow*> flows_named(const std::string& name) const {
        std::vector<const Flow*> out;
        for (const auto& [id, f] : flows) {
            if (!f.starts.empty() && f.starts[0].name == name) out.push_back(&f);
        }
        return out;
    }
    int spans_named(const std::string& name) const {
        return static_cast<int>(std::count_if(spans.begin(), spans.end(), [&](const Span& s) { return s.name == name; }));
    }
};

std::string name_of(const Flow* f) {
    if (f == nullptr) return "(none)";
    return f->starts.empty() ? "(no start)" : f->starts[0].name;
}

Recording record(bool session = true) {
    static std::mt19937_64 random{std::random_device{}()};
    const auto path = std::filesystem::temp_directory_path() / fmt::format("looplab-asio-trace-{}.json", random());
    std::vector<std::string> argv = {LOOPLAB_ASIO_FIXTURE, path.string()};
    if (!session) argv.push_back("--no-session");
    looplab::kit::RunOptions options;
    options.timeout = 10s;

    Recording r;
    r.run = run_process(argv, options);
    std::ifstream file(path, std::ios::binary);
    std::ostringstream text;
    text << file.rdbuf();
    r.text = text.str();
    std::filesystem::remove(path);

    json doc = json::parse(r.text, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded() || !doc.contains("traceEvents")) return r;
    for (const auto& e : doc["traceEvents"]) {
        const std::string ph = e.value("ph", "");
        const std::int64_t tid = e.value("tid", std::int64_t{-1});
        if (ph == "M") {
            if (e["args"].value("name", "") == "loop") r.loop_tid = tid;
            continue;
        }
        r.only_thread_names = false;
        if (ph == "X" && e.value("cat", "") == "callback") {
            const std::int64_t begin = nanos(e["ts"]);
            r.spans.push_back({tid, begin, begin + nanos(e["dur"]), e.value("name", ""), e.value("args", json::object())});
        } else if (ph == "s" || ph == "f") {
            auto& flow = r.flows[e["id"].get<std::uint64_t>()];
            (ph == "s" ? flow.starts : flow.finishes).push_back({tid, nanos(e["ts"]), e.value("name", "")});
        }
    }
    return r;
}

#define REQUIRE_FIXTURE_RAN(r)                                  \
    do {                                                        \
        INFO("kit_asio_fixture " << looplab::kit::describe((r).run) << ":\n" << (r).run.output); \
        REQUIRE((r).run.exited_cleanly());                      \
    } while (false)

}  // namespace

TEST_CASE("A plain Asio program built with asio_tracking.hpp writes a trace that follows the schema",
          "[kit][asio_tracking]") {
    Recording r = record();
    REQUIRE_FIXTURE_RAN(r);
    auto report = check_trace(r.text);
    CAPTURE(report.problems);
    REQUIRE(report.problems.empty());
    CHECK(report.has_loop_thread);
    CHECK(report.callbacks >= 11);  // timer, 5 posts, accept, connect, send, receive, pool job
    CHECK(report.flows == report.callbacks);
}

TEST_CASE("Every handler the Asio program runs shows as a callback span named after its operation",
          "[kit][asio_tracking]") {
    Recording r = record();
    REQUIRE_FIXTURE_RAN(r);
    CHECK(r.spans_named("deadline_timer async_wait") == 1);
    CHECK(r.spans_named("io_context execute") == 5);  // the chain of 3, "after timer", back from the pool
    CHECK(r.spans_named("socket async_accept") == 1);
    CHECK(r.spans_named("socket async_connect") == 1);
    CHECK(r.spans_named("socket async_receive") == 1);  // async_read_some
    CHECK(r.spans_named("socket async_send") >= 1);     // async_write: one async_send per partial write
    CHECK(r.spans_named("thread_pool execute") == 1);

    SECTION("handlers that transferred bytes carry them") {
        for (const auto& s : r.spans) {
            if (s.name != "socket async_send" && s.name != "socket async_receive") continue;
            CAPTURE(s.name, s.args.dump());
            CHECK(s.args.value("bytes", 0) > 0);
        }
    }
    SECTION("the io_context's handlers run on the thread named loop, the pool's job on another") {
        REQUIRE(r.loop_tid >= 0);
        for (const auto& s : r.spans) {
            CAPTURE(s.name);
            if (s.name == "thread_pool execute") {
                CHECK(s.tid != r.loop_tid);
            } else {
                CHECK(s.tid == r.loop_tid);
            }
        }
    }
}

TEST_CASE("Every flow begun when an Asio handler is created ends inside that handler's span",
          "[kit][asio_tracking]") {
    Recording r = record();
    REQUIRE_FIXTURE_RAN(r);
    REQUIRE(!r.flows.empty());
    for (const auto& [id, flow] : r.flows) {
        CAPTURE(id);
        REQUIRE(flow.starts.size() == 1);
        REQUIRE(flow.finishes.size() == 1);
        CHECK(flow.starts[0].name == flow.finishes[0].name);
        const Span* ran_in = r.effect(flow);
        REQUIRE(ran_in != nullptr);
        CHECK(ran_in->name == flow.finishes[0].name);
        CHECK(flow.starts[0].ts <= flow.finishes[0].ts);
    }
    // And the other way round: each span is the end of exactly one flow (all were created while
    // recording), so no span lacks its arrow.
    for (const auto& s : r.spans) {
        CAPTURE(s.name, s.begin);
        int arrows = 0;
        for (const auto& [id, flow] : r.flows) arrows += r.effect(flow) == &s ? 1 : 0;
        CHECK(arrows == 1);
    }
}

TEST_CASE("Work an Asio handler starts begins its flow inside that handler's span", "[kit][asio_tracking]") {
    Recording r = record();
    REQUIRE_FIXTURE_RAN(r);

    SECTION("operations started from main, before run(), start outside any handler") {
        for (const char* name : {"deadline_timer async_wait", "socket async_accept", "socket async_connect",
                                 "thread_pool execute"}) {
            CAPTURE(name);
            auto flows = r.flows_named(name);
            REQUIRE(flows.size() == 1);
            CHECK(r.cause(*flows[0]) == nullptr);
            CHECK(flows[0]->starts[0].tid == r.loop_tid);
        }
    }
    SECTION("the read starts in the accept handler, the write in the connect handler") {
        auto reads = r.flows_named("socket async_receive");
        REQUIRE(reads.size() == 1);
        CHECK(name_of(r.parent(*reads[0])) == "socket async_accept");
        auto writes = r.flows_named("socket async_send");
        REQUIRE(!writes.empty());
        CHECK(name_of(r.parent(*writes[0])) == "socket async_connect");
    }
    SECTION("each post of the chain starts inside the previous post's handler") {
        int longest = 0;
        for (const Flow* f : r.flows_named("io_context execute")) {
            int depth = 1;
            for (const Flow* p = r.parent(*f); p != nullptr && name_of(p) == "io_context execute"; p = r.parent(*p)) {
                ++depth;
            }
            longest = std::max(longest, depth);
        }
        CHECK(longest == 3);
    }
    SECTION("the timer's handler posts, and the pool's job posts back across threads to the loop") {
        std::map<std::string, int> parents;
        for (const Flow* f : r.flows_named("io_context execute")) ++parents[name_of(r.parent(*f))];
        CAPTURE(parents);
        CHECK(parents["deadline_timer async_wait"] == 1);
        CHECK(parents["thread_pool execute"] == 1);
        for (const Flow* f : r.flows_named("io_context execute")) {
            if (name_of(r.parent(*f)) != "thread_pool execute") continue;
            CHECK(f->starts[0].tid != r.loop_tid);
            CHECK(f->finishes[0].tid == r.loop_tid);
        }
    }
}

TEST_CASE("An Asio program built with asio_tracking.hpp records nothing without a trace session",
          "[kit][asio_tracking]") {
    Recording r = record(/*session=*/false);
    REQUIRE_FIXTURE_RAN(r);
    CHECK(check_trace(r.text).problems.empty());
    CHECK(r.only_thread_names);
    CHECK(r.loop_tid >= 0);
}
