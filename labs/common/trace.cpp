// trace.cpp: per-thread event buffers and the Chrome Trace Event JSON writer.
#include "trace.hpp"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <fstream>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>

namespace looplab::trace {
namespace {

using detail::TextRef;

// One event as recording writes it: fixed size, nothing to allocate, no pointer to follow.
// Strings live in the thread's text buffer; times are raw clock readings, converted to the
// session's microseconds only when the trace is written.
struct Event {
    std::int64_t ts_ns;         // the clock's reading, in ns since its epoch
    std::int64_t dur_ns;        // X only
    std::uint64_t id_or_value;  // b/e/s/f: the id; X, C and i: the numeric argument's value
    TextRef name;
    TextRef arg_name;           // empty: no numeric argument (X, C and i events)
    TextRef detail;             // i events: args.detail
    char phase;                 // Chrome's "ph": X complete, i instant, C counter, b/e async, s/f flow
    Category cat;
};

// A thread's events, in chunks that never move: appending never copies what is already there,
// and the chunks stay allocated from one session to the next, so their pages are touched once.
class EventLog {
  public:
    void push(const Event& event) {
        if (size_ == chunks_.size() * chunk_events) chunks_.push_back(std::make_unique_for_overwrite<Event[]>(chunk_events));
        chunks_[size_ / chunk_events][size_ % chunk_events] = event;
        ++size_;
    }
    std::size_t size() const { return size_; }
    const Event& operator[](std::size_t i) const { return chunks_[i / chunk_events][i % chunk_events]; }
    void clear() { size_ = 0; }

  private:
    static constexpr std::size_t chunk_events = 4096;  // 224 KiB a chunk
    std::vector<std::unique_ptr<Event[]>> chunks_;
    std::size_t size_ = 0;
};

// One thread's events. Only its own thread appends; the registry owns it, so events survive the
// thread (an executor worker that has exited still shows in the trace) until the next start().
struct ThreadBuffer {
    int tid;
    std::string thread_name;
    EventLog events;
    std::string text;     // every event's strings, one after another
    bool exited = false;  // the thread has ended: the next start() forgets this buffer

    TextRef add_text(std::string_view s) {
        // Offsets are 32-bit: a session that wrote 4 GiB of names gets empty ones from then on.
        if (s.empty() || text.size() + s.size() > UINT32_MAX) return {};
        TextRef ref{static_cast<std::uint32_t>(text.size()), static_cast<std::uint32_t>(s.size())};
        text.append(s);
        return ref;
    }
    std::string_view text_of(TextRef ref) const { return {text.data() + ref.offset, ref.size}; }
    void clear() {
        events.clear();
        text.clear();  // keeps its capacity, like the chunks
    }
};

struct Registry {
    std::mutex mutex;  // guards `buffers` (taken once per thread, never while recording an event)
    std::vector<std::unique_ptr<ThreadBuffer>> buffers;
    int next_tid = 1;  // never reused: a forgotten thread's tid stays unique
    std::atomic<std::uint64_t> next_id{1};
    Clock::time_point zero = Clock::now();  // the session's time 0
};

Registry& registry() {
    static Registry instance;  // never destroyed before threads that still record are done
    return instance;
}

// Marks its thread's buffer as exited when the thread ends. A program that records many
// sessions (the viewer runs the seed scenario again and again, each time with new workers) would
// otherwise carry a named, empty lane for every worker that ever lived into each new trace.
struct ExitMark {
    ThreadBuffer* buffer = nullptr;
    ExitMark() = default;
    ExitMark(const ExitMark&) = delete;
    ExitMark& operator=(const ExitMark&) = delete;
    ~ExitMark() {
        if (buffer == nullptr) return;
        std::lock_guard lock(registry().mutex);
        buffer->exited = true;
    }
};

ThreadBuffer& this_thread_buffer() {
    thread_local ThreadBuffer* buffer = nullptr;  // trivial: still usable while the thread ends
    if (buffer == nullptr) {
        thread_local ExitMark exit_mark;
        Registry& reg = registry();
        std::lock_guard lock(reg.mutex);
        auto owned = std::make_unique<ThreadBuffer>();
        owned->tid = reg.next_tid++;
        owned->thread_name = fmt::format("thread-{}", owned->tid);
        buffer = owned.get();
        exit_mark.buffer = buffer;
        reg.buffers.push_back(std::move(owned));
    }
    return *buffer;
}

std::int64_t nanoseconds(Clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

// Appends one event to this thread's log, copying its strings into the thread's text buffer.
void record(char phase, Category cat, std::string_view name, Clock::time_point at, std::int64_t dur_ns = 0,
            std::uint64_t id_or_value = 0, std::string_view arg_name = {}, std::string_view detail = {}) {
    ThreadBuffer& buffer = this_thread_buffer();
    buffer.events.push({.ts_ns = nanoseconds(at),
                        .dur_ns = dur_ns,
                        .id_or_value = id_or_value,
                        .name = buffer.add_text(name),
                        .arg_name = buffer.add_text(arg_name),
                        .detail = buffer.add_text(detail),
                        .phase = phase,
                        .cat = cat});
}

// A span's name was copied when it began; its event is recorded when it ends.
void record_span(Category cat, TextRef name, Clock::time_point begin, Clock::time_point end,
                 std::string_view arg_name, std::int64_t arg_value) {
    ThreadBuffer& buffer = this_thread_buffer();
    buffer.events.push({.ts_ns = nanoseconds(begin),
                        .dur_ns = nanoseconds(end) - nanoseconds(begin),
                        .id_or_value = static_cast<std::uint64_t>(arg_value),
                        .name = name,
                        .arg_name = buffer.add_text(arg_name),
                        .detail = {},
                        .phase = 'X',
                        .cat = cat});
}

Clock::time_point now_unless_given(Clock::time_point at) {
    return at == Clock::time_point{} ? Clock::now() : at;  // a span that was not active has no start
}

// JSON string escaping for names: quotes, backslashes and control characters.
void append_escaped(std::string& out, std::string_view text) {
    out += '"';
    for (char c : text) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\t': out += "\\t"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
                } else {
                    out += c;
                }
        }
    }
    out += '"';
}

// Chrome wants microseconds; keep nanosecond precision as a fraction.
std::string micros(std::int64_t ns) {
    return fmt::format("{}.{:03}", ns / 1000, ns % 1000);
}

void append_event(std::string& out, const ThreadBuffer& buffer, const Event& e, std::int64_t zero_ns) {
    out += fmt::format(R"({{"ph":"{}","cat":"{}","name":)", e.phase, category_name(e.cat));
    append_escaped(out, buffer.text_of(e.name));
    out += fmt::format(R"(,"pid":1,"tid":{},"ts":{})", buffer.tid, micros(e.ts_ns - zero_ns));
    if (e.phase == 'X') out += fmt::format(R"(,"dur":{})", micros(e.dur_ns));
    if (e.phase == 'b' || e.phase == 'e') out += fmt::format(R"(,"id":"0x{:x}")", e.id_or_value);
    if (e.phase == 's' || e.phase == 'f') out += fmt::format(R"(,"id":{})", e.id_or_value);
    if (e.phase == 'f') out += R"(,"bp":"e")";
    if (e.phase == 'i') out += R"(,"s":"t")";
    const bool has_value = e.arg_name.size != 0, has_detail = e.detail.size != 0;
    if (has_value || has_detail) {
        out += R"(,"args":{)";
        if (has_detail) {
            out += R"("detail":)";
            append_escaped(out, buffer.text_of(e.detail));
        }
        if (has_value) {
            out += has_detail ? "," : "";
            append_escaped(out, buffer.text_of(e.arg_name));
            out += fmt::format(":{}", static_cast<std::int64_t>(e.id_or_value));
        }
        out += '}';
    }
    out += '}';
}

}  // namespace

std::string_view category_name(Category category) {
    switch (category) {
        case Category::callback: return "callback";
        case Category::step: return "step";
        case Category::executor: return "executor";
        case Category::wait: return "wait";
        case Category::iteration: return "iteration";
        case Category::task: return "task";
        case Category::flow: return "flow";
        case Category::queue: return "queue";
        case Category::timer: return "timer";
        case Category::future: return "future";
        case Category::slow: return "slow";
    }
    return "unknown";
}

namespace detail {
std::atomic<bool> recording{false};
std::atomic<std::uint32_t> session{0};
}

void start() {
    Registry& reg = registry();
    std::lock_guard lock(reg.mutex);
    std::erase_if(reg.buffers, [](const auto& buffer) { return buffer->exited; });
    for (auto& buffer : reg.buffers) buffer->clear();
    reg.zero = Clock::now();
    detail::session.fetch_add(1, std::memory_order_relaxed);
    detail::recording.store(true, std::memory_order_relaxed);
}

void stop() {
    detail::recording.store(false, std::memory_order_relaxed);
}

std::size_t event_count() {
    Registry& reg = registry();
    std::lock_guard lock(reg.mutex);
    std::size_t count = 0;
    for (const auto& buffer : reg.buffers) count += buffer->events.size();
    return count;
}

void set_thread_name(std::string_view name) {
    ThreadBuffer& buffer = this_thread_buffer();
    std::lock_guard lock(registry().mutex);  // the writer reads names of every thread
    buffer.thread_name = std::string(name);
}

std::uint64_t new_id() {
    return registry().next_id.fetch_add(1, std::memory_order_relaxed);
}

void complete(Category cat, std::string_view name, Clock::time_point begin, Clock::time_point end,
              std::string_view arg_name, std::int64_t arg_value) {
    if (!enabled()) return;
    record('X', cat, name, begin, nanoseconds(end) - nanoseconds(begin), static_cast<std::uint64_t>(arg_value), arg_name);
}

void instant(Category cat, std::string_view name, std::string_view detail, std::string_view arg_name,
             std::int64_t arg_value) {
    if (!enabled()) return;
    record('i', cat, name, Clock::now(), 0, static_cast<std::uint64_t>(arg_value), arg_name, detail);
}

void counter(std::string_view name, std::string_view series, std::int64_t value) {
    counter(name, series, value, Clock::now());
}

void counter(std::string_view name, std::string_view series, std::int64_t value, Clock::time_point at) {
    if (!enabled()) return;
    record('C', Category::queue, name, now_unless_given(at), 0, static_cast<std::uint64_t>(value), series);
}

void async_begin(Category cat, std::uint64_t id, std::string_view name) {
    if (!enabled()) return;
    record('b', cat, name, Clock::now(), 0, id);
}

void async_end(Category cat, std::uint64_t id, std::string_view name) {
    if (!enabled()) return;
    record('e', cat, name, Clock::now(), 0, id);
}

void flow_begin(std::uint64_t id, std::string_view name) {
    if (!enabled()) return;
    record('s', Category::flow, name, Clock::now(), 0, id);
}

void flow_end(std::uint64_t id, std::string_view name) {
    if (!enabled() || id == 0) return;  // 0: the cause happened before recording started
    record('f', Category::flow, name, Clock::now(), 0, id);
}

void flow_end(std::uint64_t id, std::string_view name, Clock::time_point at) {
    if (!enabled() || id == 0) return;
    record('f', Category::flow, name, now_unless_given(at), 0, id);
}

std::uint64_t detail::start_recorded_flow(std::string_view name) {
    std::uint64_t id = new_id();
    flow_begin(id, name);
    return id;
}

void Span::begin(std::string_view name) {
    session_ = detail::session.load(std::memory_order_relaxed);
    name_ = this_thread_buffer().add_text(name);
    begin_ = Clock::now();
}

void Span::end() {
    // Recorded only in the session it began in: a new session cleared the text its name was in.
    if (!enabled() || detail::session.load(std::memory_order_relaxed) != session_) return;
    record_span(cat_, name_, begin_, Clock::now(), arg_name_, arg_value_);
}

std::string to_json() {
    Registry& reg = registry();
    std::lock_guard lock(reg.mutex);
    std::string out = "{\"traceEvents\":[\n";
    bool first = true;
    auto separate = [&] {
        if (!first) out += ",\n";
        first = false;
    };
    for (const auto& buffer : reg.buffers) {
        if (buffer->events.size() == 0 && buffer->thread_name.rfind("thread-", 0) == 0) continue;
        separate();
        out += fmt::format(R"({{"ph":"M","name":"thread_name","pid":1,"tid":{},"args":{{"name":)",
                           buffer->tid);
        append_escaped(out, buffer->thread_name);
        out += "}}";
    }
    const std::int64_t zero_ns = nanoseconds(reg.zero);
    for (const auto& buffer : reg.buffers) {
        std::vector<const Event*> events;
        events.reserve(buffer->events.size());
        for (std::size_t i = 0; i < buffer->events.size(); ++i) events.push_back(&buffer->events[i]);
        // X events are recorded when they end; order by start so readers see a timeline.
        std::stable_sort(events.begin(), events.end(),
                         [](const Event* a, const Event* b) {
                             if (a->ts_ns != b->ts_ns) return a->ts_ns < b->ts_ns;
                             return a->dur_ns > b->dur_ns;  // an enclosing span before what it encloses
                         });
        for (const Event* e : events) {
            separate();
            append_event(out, *buffer, *e, zero_ns);
        }
    }
    out += "\n],\"displayTimeUnit\":\"ms\",\"otherData\":{\"producer\":\"looplab\",\"schema\":1}}\n";
    return out;
}

void write_json(const std::filesystem::path& path) {
    if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
    std::ofstream file(path, std::ios::binary);
    file << to_json();
    if (!file) throw std::runtime_error("could not write the trace to " + path.string());
}

}  // namespace looplab::trace
