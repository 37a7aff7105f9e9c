// trace_builder.hpp: internal to the model. The loader (trace_loader.cpp) reads JSON into
// RawEvents and hands them to a TraceBuilder, which knows nothing of JSON: it files each event
// under its lane, then assembles the indexed Trace (trace_assemble.cpp). Keeping the two apart
// keeps simdjson in one file and lets the rules about phases, pairing and binding read on their own.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "trace_model.hpp"

namespace looplab::viewer::detail {

// A pid, tid, id or args.task as written: a number, a string, or something unusable.
struct RawId {
    enum class Kind : std::uint8_t { absent, number, text, bad };
    Kind kind = Kind::absent;
    std::int64_t number = 0;
    std::string_view text;  // Kind::text; points into the parser's buffers, valid during add()
};

struct RawArg {
    std::string_view key;
    double value = 0;
};

// One event's fields, as read. Views point into the parser's buffers: valid only during add().
struct RawEvent {
    enum class Field : std::uint8_t { absent, ok, bad };
    std::string_view ph, name, cat, bp;
    Field ph_state = Field::absent, name_state = Field::absent, cat_state = Field::absent;
    Field ts_state = Field::absent, dur_state = Field::absent;
    double ts = 0;
    double dur = 0;
    RawId pid, tid, id;
    bool has_args = false;
    std::string_view args_json;      // the args object's text as written (may hold whitespace)
    RawId task;                      // args.task
    std::string_view detail;         // args.detail
    std::string_view arg_name;       // args.name (thread_name metadata)
    bool has_detail = false;
    bool has_arg_name = false;
    double delay_us = -1;            // args.delay_us
    std::array<RawArg, 8> numbers;   // numeric args, for counters (more are ignored)
    std::uint8_t number_count = 0;
};

// Why an event was skipped; each reason becomes at most one warning sentence.
enum class Skip : std::uint8_t {
    not_object, no_phase, unknown_phase, no_ts, out_of_range, bad_field, unmatched_end,
    unmatched_flow_end, no_id, other_async, unmatched_task_end, too_deep, far_from_rest, count_
};

// A ts beyond this (about 3,000 years, in microseconds) is garbage, not data. Times as large as
// microseconds since the Unix epoch (about 1.7e15, as many tools write them) are fine: the trace is
// shifted to start at 0.
inline constexpr double max_abs_timestamp_us = 1e17;
// The longest a trace, a dur or a timer's delay may be (about 31 years): what the times must fit
// in once shifted. Events outside the densest window of this length are skipped (far_from_rest).
inline constexpr double max_abs_time_us = 1e15;
// Spans nested deeper than this are skipped (a malicious file could nest a million B events).
inline constexpr std::uint16_t max_span_depth = 1024;

class TraceBuilder {
  public:
    explicit TraceBuilder(std::string source);
    void add(const RawEvent& event);
    void skip(Skip reason) { ++skipped_[static_cast<std::size_t>(reason)]; }
    void count_event() { ++trace_.stats.events; }
    void set_producer(std::string_view producer) { trace_.producer = std::string(producer); }
    // Assembles the Trace: lanes ordered and indexed, flows bound, tasks and iterations found,
    // times shifted to start at 0. Fails only when nothing drawable was read.
    LoadResult finish();

  private:
    struct LaneKey {
        std::int64_t pid = 0, tid = 0;
        bool pid_text = false, tid_text = false;  // the value is an interned string index
        friend bool operator==(const LaneKey&, const LaneKey&) = default;
    };
    struct LaneKeyHash {
        std::size_t operator()(const LaneKey& k) const noexcept {
            auto h = std::hash<std::int64_t>{}(k.pid) * 1000003u ^ std::hash<std::int64_t>{}(k.tid);
            return h ^ (std::size_t{k.pid_text} << 1) ^ std::size_t{k.tid_text};
        }
    };
    struct Edge {  // a B or E event, matched into spans at finish()
        Micros ts = 0;
        std::uint32_t name = no_string, category = no_string, args = no_string;
        std::int64_t task = 0;
        bool begin = false;
    };
    struct LaneBuild {
        LaneKey key;
        std::string pid_label, tid_label;  // as written, for "thread-3" / "pid 2 / tid 7"
        std::string name;                  // from thread_name metadata, "" if none
        Micros first = std::numeric_limits<double>::infinity();
        std::vector<Span> spans;
        std::vector<Edge> edges;
        std::vector<Instant> instants;
    };
    struct FlowPoint {
        std::uint64_t id = 0;
        std::uint32_t name = no_string;
        Micros ts = 0;
        std::int32_t lane = -1;
        char phase = 's';
        bool enclosing = false;            // "bp":"e"
    };
    struct TaskPoint {
        std::uint64_t id = 0;
        std::uint32_t name = no_string;
        Micros ts = 0;
        bool begin = false;
        std::int32_t lane = -1;            // index into lanes_ (for LaneBuild::first)
    };
    struct SeriesBuild {
        std::uint32_t name = no_string, key = no_string;
        std::vector<std::pair<Micros, double>> samples;
    };

    // Adding (trace_builder.cpp).
    std::int32_t lane_for(const RawEvent& event);
    LaneBuild& lane_at(const RawEvent& event, Micros ts);
    bool read_time(const RawEvent& event, Micros& ts);
    void add_metadata(const RawEvent& event);
    void add_complete(const RawEvent& event, Micros ts);
    void add_edge(const RawEvent& event, Micros ts, bool begin);
    void add_instant(const RawEvent& event, Micros ts);
    void add_counter(const RawEvent& event, Micros ts);
    void add_task_point(const RawEvent& event, Micros ts, bool begin);
    void add_flow_point(const RawEvent& event, Micros ts);
    std::uint32_t intern_args(std::string_view json);
    void used(Micros ts);

    // Assembling (trace_assemble.cpp).
    void keep_densest_window();
    void match_edges(LaneBuild& lane, Micros trace_end);
    void shift_times(Micros by);
    std::vector<std::int32_t> lane_order() const;
    void build_lanes();
    void build_flows(const std::vector<std::int32_t>& new_index);
    SpanRef first_span_from(std::int32_t lane, Micros t) const;
    void build_tasks();
    void build_counters();
    void find_iterations();
    void compute_end();
    void write_warnings();

    Trace trace_;
    std::vector<LaneBuild> lanes_;
    std::unordered_map<LaneKey, std::int32_t, LaneKeyHash> lane_index_;
    LaneKey last_key_;
    std::int32_t last_lane_ = -1;
    std::vector<FlowPoint> flow_points_;
    std::vector<TaskPoint> task_points_;
    std::vector<SeriesBuild> series_;
    std::unordered_map<std::uint64_t, std::size_t> series_index_;
    std::array<std::size_t, static_cast<std::size_t>(Skip::count_)> skipped_{};
    std::size_t negative_durations_ = 0;
    std::size_t unclosed_begins_ = 0;
    std::string unknown_phase_example_;
    std::string args_scratch_;
    Micros min_ts_ = std::numeric_limits<double>::infinity();
    Micros max_ts_ = -std::numeric_limits<double>::infinity();  // latest time seen, span ends included
    std::size_t usable_ = 0;
};

// Sorts a lane's spans and instants, gives each span its depth and fills by_depth and max_depth
// (trace_index.cpp). Spans nested deeper than max_span_depth are dropped and counted in too_deep.
void index_lane(Lane& lane, std::size_t& too_deep);

// Parses an id written as a number or a string ("0x63", "99", or any other text, hashed).
std::uint64_t id_value(const RawId& id);

}  // namespace looplab::viewer::detail
