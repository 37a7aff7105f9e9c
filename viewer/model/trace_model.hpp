// trace_model.hpp: a loaded trace, indexed for drawing and for questions about the loop.
//
// This is the viewer's data side (Tracy's "Worker"): it never includes ImGui, so every query the
// panels make is unit-tested on its own (viewer/tests). The panels (viewer/app/panel_*.cpp) only
// read a Trace; none of them parses JSON or walks raw events.
//
// Input: the kit's trace schema (labs/common/TRACE_SCHEMA.md) and reasonable Chrome Trace Event
// JSON from other tools: an object with "traceEvents" or a bare array; phases X, B/E, i/I, C, M,
// b/e, s/t/f. Other phases are counted and skipped. Times are microseconds (double).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

namespace looplab::viewer {

using Micros = double;  // microseconds since the trace's first event

// What a span is, for its colour and for the loop-state queries.
enum class SpanKind : std::uint8_t { callback, step, executor, wait, iteration, other };
SpanKind span_kind_from_category(std::string_view category);
std::string_view span_kind_name(SpanKind kind);

inline constexpr std::uint32_t no_string = 0xFFFFFFFF;

// One complete span (an X event, or a matched B/E pair).
struct Span {
    Micros start = 0;
    Micros end = 0;
    std::uint32_t name = no_string;      // Trace::text(name)
    std::uint32_t category = no_string;
    std::uint32_t args = no_string;      // the event's "args" as compact JSON text, or no_string
    std::int64_t task = 0;               // step spans: the task's id (args.task), else 0
    SpanKind kind = SpanKind::other;
    std::uint16_t depth = 0;             // nesting level within its lane, 0 = outermost
    Micros duration() const { return end - start; }
};

// An instant event (ph i/I), e.g. "slow callback", "call_at", "done".
struct Instant {
    Micros ts = 0;
    std::uint32_t name = no_string;
    std::uint32_t category = no_string;
    std::uint32_t detail = no_string;    // args.detail, or no_string
    double delay_us = -1;                // args.delay_us for call_at (the timer's delay), else -1
};

// A counter sample (ph C), e.g. "ready queue" length.
struct CounterSeries {
    std::string name;                    // "ready queue", "timer heap", ...
    std::vector<std::pair<Micros, double>> samples;  // sorted by time
};

// A reference to one span: lane index and index into that lane's Lane::spans.
struct SpanRef {
    std::int32_t lane = -1;
    std::int32_t index = -1;
    bool valid() const { return lane >= 0 && index >= 0; }
    friend bool operator==(const SpanRef&, const SpanRef&) = default;
};

// A flow: cause (s) and effect (f). `effect` is the span the f binds to (the enclosing span
// for "bp":"e", else the next span to start on that lane); `cause` the span enclosing the s.
struct Flow {
    std::uint64_t id = 0;
    std::uint32_t name = no_string;      // "call_soon", "call_at", "call_soon_threadsafe", "submit", ...
    Micros begin = 0;
    std::int32_t begin_lane = -1;
    SpanRef cause;
    bool ended = false;
    Micros end = 0;                      // when ended
    std::int32_t end_lane = -1;
    SpanRef effect;
    double delay_us = -1;                // call_at flows: the matching call_at instant's delay
    std::uint32_t detail = no_string;    // call_at flows: that instant's detail (the timer's name)
    std::optional<Micros> deadline;      // call_at flows: that instant's ts + delay_us, when recorded
};

// One thread of the trace (pid, tid), drawn as a lane.
enum class LaneKind : std::uint8_t { loop, executor, other };
struct Lane {
    std::string name;                    // "loop", "executor-0", "thread-3", or "pid 2 / tid 7"
    std::int64_t pid = 1;
    std::int64_t tid = 0;
    LaneKind kind = LaneKind::other;
    std::vector<Span> spans;             // sorted by (start, depth): an enclosing span first
    std::vector<Instant> instants;       // sorted by ts
    std::uint16_t max_depth = 0;         // deepest Span::depth + 1 (0 when there are no spans)
    // Per depth, indices into `spans` sorted by start; spans at one depth never overlap.
    std::vector<std::vector<std::int32_t>> by_depth;
};

// A coroutine task (b/e events of category task, and its step spans on the loop lane).
struct TaskInfo {
    std::uint64_t id = 0;
    std::string name;
    Micros begin = 0;
    std::optional<Micros> end;           // nullopt: still pending when the trace ended
    std::vector<SpanRef> steps;          // its step spans, in time order
};

struct LoadStats {
    std::size_t events = 0;              // events read
    std::size_t skipped = 0;             // events ignored (unknown phase, missing fields)
    std::vector<std::string> warnings;   // at most a few, human-readable ("12 events had no ts")
};

class Trace {
  public:
    // The strings table: names, categories, details, args text.
    std::string_view text(std::uint32_t index) const;
    std::uint32_t intern(std::string_view text);

    std::vector<Lane> lanes;             // loop lanes first, then executor-N in order, then others
    std::vector<TaskInfo> tasks;         // by begin time
    std::vector<Flow> flows;             // by begin time
    std::vector<CounterSeries> counters;
    Micros start = 0;                    // earliest event (always 0 after loading: times are shifted)
    Micros end = 0;                      // latest event end
    std::string producer;                // otherData.producer, "" when absent
    std::string source;                  // file name or "built-in demo: ..." (set by the caller)
    LoadStats stats;

    // Convenience lookups.
    const Span& span(SpanRef ref) const {
        return lanes[static_cast<std::size_t>(ref.lane)].spans[static_cast<std::size_t>(ref.index)];
    }
    std::int32_t loop_lane() const;      // index of the first lane named "loop", or -1
    const TaskInfo* task_by_id(std::uint64_t id) const;

    // The loop's iterations (run_once spans on the loop lane), sorted by start.
    std::vector<SpanRef> iterations;

    // The deepest span on `lane` that contains time t, or an invalid ref.
    SpanRef span_at(std::int32_t lane, Micros t) const;

  private:
    // A transparent hash, so intern() looks a string_view up without building a std::string.
    struct TextHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    };
    std::vector<std::string> strings_;
    // text -> index into strings_. Keys own their text (a second copy), so a copied or moved Trace
    // keeps a valid index without any fix-up.
    std::unordered_map<std::string, std::uint32_t, TextHash, std::equal_to<>> index_;
};

// Loading. Never throws for bad input: a LoadError says what is wrong, in words a student
// understands ("the file ends in the middle of an event (byte 1234 of 1300): was it truncated?").
struct LoadError {
    std::string message;
};
using LoadResult = std::variant<Trace, LoadError>;

// Files larger than this are refused with a clear message instead of exhausting memory.
inline constexpr std::uintmax_t max_trace_bytes = std::uintmax_t{1} << 30;  // 1 GiB

LoadResult load_trace_file(const std::filesystem::path& path);
LoadResult parse_trace(std::string_view json, std::string source_name = "trace");

// Drawing support: what to draw on one lane and depth between t0 and t1 when one pixel is
// `min_width` microseconds. Spans narrower than min_width that sit next to each other are folded
// into one block carrying a count (as Tracy does), so a million events cost only a few hundred
// blocks per frame: O(blocks * log n), never O(n). `out` is cleared first, then filled in time
// order. A block never splits a span that is at least min_width wide.
struct DrawBlock {
    Micros start = 0;
    Micros end = 0;
    std::int32_t first = -1;             // index into Lane::spans of the first span folded in
    std::uint32_t count = 1;             // 1: a single span (first); >1: a folded group
};
void visible_blocks(const Lane& lane, std::uint16_t depth, Micros t0, Micros t1, Micros min_width,
                    std::vector<DrawBlock>& out);

}  // namespace looplab::viewer
