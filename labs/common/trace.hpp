// trace.hpp: the recorder that lets a student watch their own loop. The loop calls it from
// kit-owned lines (never from inside a TODO region), so students write no trace code at all.
//
// Output is Chrome Trace Event Format JSON ({"traceEvents": [...]}), which Perfetto and the
// looplab viewer open as is. The schema (thread names, categories, phases) is documented in
// labs/common/TRACE_SCHEMA.md; the viewer and the benchmarks rely on those names.
//
// Cost: each thread appends to its own buffer, so recording takes no lock. An event is a fixed
// 56-byte record, its strings copied into one text buffer per thread; JSON is made only when
// the trace is written. Events of one moment may share one clock reading (`started()` and the
// overloads taking `at`), since a read costs about 30 ns. With LOOPLAB_TRACE=0 every
// LOOPLAB_TRACE_* macro expands to nothing and the recorder is compiled out.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#ifndef LOOPLAB_TRACE
#define LOOPLAB_TRACE 1
#endif

namespace looplab::trace {

// The `cat` field of an event. Names are part of the schema: extend, never rename.
enum class Category : std::uint8_t {
    callback,   // X: one callback run by the loop
    step,       // X: one step of a coroutine task
    executor,   // X: one job on an executor worker thread
    wait,       // X: the loop blocked, waiting for work or a deadline
    iteration,  // X: one loop iteration (run_once), enclosing its wait and its callbacks
    task,       // b/e: a task's whole lifetime, id = task id
    flow,       // s/f: cause and effect (call_soon -> callback, submit -> job -> resume)
    queue,      // C: the ready queue's length
    timer,      // i: a timer scheduled, fired or cancelled
    future,     // i: a future completed
    slow,       // i: debug mode caught a callback or step holding the loop too long (lab 05)
};
std::string_view category_name(Category category);

using Clock = std::chrono::steady_clock;

namespace detail {
extern std::atomic<bool> recording;  // set by start(), cleared by stop(); read through enabled()
extern std::atomic<std::uint32_t> session;  // counts start()s: a span knows whether its session ended

// Where a string an event names lies in its thread's text buffer.
struct TextRef {
    std::uint32_t offset = 0;
    std::uint32_t size = 0;
};
}

// Is a recording session running? One relaxed atomic load, inlined: the loop asks on every
// callback, so asking must cost next to nothing when nobody records. Check it before building
// an expensive event name.
inline bool enabled() {
    return detail::recording.load(std::memory_order_relaxed);
}

// Starts a session: forgets earlier events, and the threads that have ended (their lanes), and
// sets time zero. Stops a running one first.
// Call while no other thread is recording (before the loop runs, after executors are joined).
void start();
// Stops recording; events are kept until the next start().
void stop();
// Writes every thread's events as one JSON document. Same threading rule as start().
// Throws std::runtime_error when the file cannot be written.
void write_json(const std::filesystem::path& path);
std::string to_json();
// How many events the session recorded, on every thread (the benchmarks' cost per event).
// Same threading rule as start().
std::size_t event_count();

// Names the calling thread in the trace ("loop", "executor-0", ...). Works before start() too.
void set_thread_name(std::string_view name);

// A fresh id for a flow or an async span (unique within the process).
std::uint64_t new_id();

// The events themselves. All take the calling thread as the event's thread and do nothing
// when no session is running.
void complete(Category cat, std::string_view name, Clock::time_point begin, Clock::time_point end,
              std::string_view arg_name = {}, std::int64_t arg_value = 0);
// An instant event: `detail` goes to args.detail; `arg_name`, when given, adds one numeric arg
// beside it (the timer's "call_at" carries "delay_us").
void instant(Category cat, std::string_view name, std::string_view detail = {},
             std::string_view arg_name = {}, std::int64_t arg_value = 0);
void counter(std::string_view name, std::string_view series, std::int64_t value);
// The same at `at`, a clock reading taken for another event of the same moment (a span's start).
void counter(std::string_view name, std::string_view series, std::int64_t value, Clock::time_point at);
void async_begin(Category cat, std::uint64_t id, std::string_view name);
void async_end(Category cat, std::uint64_t id, std::string_view name);
void flow_begin(std::uint64_t id, std::string_view name);  // 's': the cause, inside the current span
void flow_end(std::uint64_t id, std::string_view name);    // 'f': the effect, binds to the enclosing span
void flow_end(std::uint64_t id, std::string_view name, Clock::time_point at);  // at the span's start()
namespace detail {
std::uint64_t start_recorded_flow(std::string_view name);  // start_flow while recording
}
// Starts a flow here with a fresh id and returns it; returns 0 (no flow) when not recording.
inline std::uint64_t start_flow(std::string_view name) {
    return enabled() ? detail::start_recorded_flow(name) : 0;
}

// Records one X event for the lifetime of the object: the span of a callback, step or wait.
// Inline so that an idle recorder costs one flag test per span, not two calls.
class Span {
  public:
    Span(Category cat, std::string_view name, std::string_view arg_name = {}, std::int64_t arg_value = 0)
        : active_(enabled()), cat_(cat), arg_name_(arg_name), arg_value_(arg_value) {
        if (active_) begin(name);  // no name copy, no clock read when nobody is recording
    }
    ~Span() {
        if (active_) end();
    }
    Span(const Span&) = delete;
    Span& operator=(const Span&) = delete;

    // When the span began. An event recorded at the same moment (the flow that ends in this
    // callback, the queue lengths at the start of an iteration) passes it as its `at`.
    Clock::time_point started() const { return begin_; }

  private:
    void begin(std::string_view name);
    void end();

    bool active_;
    Category cat_;
    std::uint32_t session_ = 0;  // a span that outlives its session (start() again) records nothing
    detail::TextRef name_;       // copied into the thread's text buffer when the span began
    std::string_view arg_name_;
    std::int64_t arg_value_;
    Clock::time_point begin_{};
};

}  // namespace looplab::trace

#if LOOPLAB_TRACE
// LOOPLAB_TRACE_SPAN(variable, category, name...): a Span named `variable` until the scope ends.
#define LOOPLAB_TRACE_SPAN(var, ...) ::looplab::trace::Span var{__VA_ARGS__}
// LOOPLAB_TRACE_EVENT(call): runs ::looplab::trace::call only while a session is recording.
#define LOOPLAB_TRACE_EVENT(...) \
    (::looplab::trace::enabled() ? (void)(::looplab::trace::__VA_ARGS__) : (void)0)
// LOOPLAB_TRACE_START_FLOW(name): a new flow's id, or 0 when not recording.
#define LOOPLAB_TRACE_START_FLOW(name) ::looplab::trace::start_flow(name)
#else
#define LOOPLAB_TRACE_START_FLOW(name) std::uint64_t{0}
#define LOOPLAB_TRACE_SPAN(var, ...) ((void)0)
#define LOOPLAB_TRACE_EVENT(...) ((void)0)
#endif
