// trace.cpp: per-thread event buffers and the Chrome Trace Event JSON writer.
#include "trace.hpp"

#include <algorithm>
#include <atomic>
#include <fstream>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

namespace looplab::trace {
namespace {

struct Event {
    char phase;  // Chrome's "ph": X complete, i instant, C counter, b/e async, s/f flow
    Category cat;
    std::string name;
    std::int64_t ts_ns;   // since the session started
    std::int64_t dur_ns;  // X only
    std::uint64_t id;     // b/e/s/f only
    std::string arg_name;  // one optional numeric argument (X, C and i events)
    std::int64_t arg_value;
    std::string detail;    // i events: args.detail, a string
};

// One thread's events. Only its own thread appends; the registry owns it, so events survive the
// thread (an executor worker that has exited still shows in the trace) until the next start().
struct ThreadBuffer {
    int tid;
    std::string thread_name;
    std::vector<Event> events;
    bool exited = false;  // the thread has ended: the next start() forgets this buffer
};

struct Registry {
    std::mutex mutex;  // guards `buffers` (taken once per thread, never while recording an event)
    std::vector<std::unique_ptr<ThreadBuffer>> buffers;
    int next_tid = 1;  // never reused: a forgotten thread's tid stays unique
    std::atomic<std::uint64_t> next_id{1};
    Clock::time_point zero = Clock::now();
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

std::int64_t since_zero(Clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t - registry().zero).count();
}

void record(Event event) {
    this_thread_buffer().events.push_back(std::move(event));
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

void append_event(std::string& out, const Event& e, int tid) {
    out += fmt::format(R"({{"ph":"{}","cat":"{}","name":)", e.phase, category_name(e.cat));
    append_escaped(out, e.name);
    out += fmt::format(R"(,"pid":1,"tid":{},"ts":{})", tid, micros(e.ts_ns));
    if (e.phase == 'X') out += fmt::format(R"(,"dur":{})", micros(e.dur_ns));
    if (e.phase == 'b' || e.phase == 'e') out += fmt::format(R"(,"id":"0x{:x}")", e.id);
    if (e.phase == 's' || e.phase == 'f') out += fmt::format(R"(,"id":{})", e.id);
    if (e.phase == 'f') out += R"(,"bp":"e")";
    if (e.phase == 'i') out += R"(,"s":"t")";
    if (!e.arg_name.empty() || !e.detail.empty()) {
        out += R"(,"args":{)";
        if (!e.detail.empty()) {
            out += R"("detail":)";
            append_escaped(out, e.detail);
        }
        if (!e.arg_name.empty()) {
            out += e.detail.empty() ? "" : ",";
            append_escaped(out, e.arg_name);
            out += fmt::format(":{}", e.arg_value);
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
}

void start() {
    Registry& reg = registry();
    std::lock_guard lock(reg.mutex);
    std::erase_if(reg.buffers, [](const auto& buffer) { return buffer->exited; });
    for (auto& buffer : reg.buffers) buffer->events.clear();
    reg.zero = Clock::now();
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
    record({'X', cat, std::string(name), since_zero(begin), since_zero(end) - since_zero(begin), 0,
            std::string(arg_name), arg_value, {}});
}

void instant(Category cat, std::string_view name, std::string_view detail, std::string_view arg_name,
             std::int64_t arg_value) {
    if (!enabled()) return;
    record({'i', cat, std::string(name), since_zero(Clock::now()), 0, 0, std::string(arg_name), arg_value,
            std::string(detail)});
}

void counter(std::string_view name, std::string_view series, std::int64_t value) {
    if (!enabled()) return;
    record({'C', Category::queue, std::string(name), since_zero(Clock::now()), 0, 0,
            std::string(series), value, {}});
}

void async_begin(Category cat, std::uint64_t id, std::string_view name) {
    if (!enabled()) return;
    record({'b', cat, std::string(name), since_zero(Clock::now()), 0, id, {}, 0, {}});
}

void async_end(Category cat, std::uint64_t id, std::string_view name) {
    if (!enabled()) return;
    record({'e', cat, std::string(name), since_zero(Clock::now()), 0, id, {}, 0, {}});
}

void flow_begin(std::uint64_t id, std::string_view name) {
    if (!enabled()) return;
    record({'s', Category::flow, std::string(name), since_zero(Clock::now()), 0, id, {}, 0, {}});
}

void flow_end(std::uint64_t id, std::string_view name) {
    if (!enabled() || id == 0) return;  // 0: the cause happened before recording started
    record({'f', Category::flow, std::string(name), since_zero(Clock::now()), 0, id, {}, 0, {}});
}

std::uint64_t detail::start_recorded_flow(std::string_view name) {
    std::uint64_t id = new_id();
    flow_begin(id, name);
    return id;
}

void Span::begin(std::string_view name) {
    name_ = std::string(name);
    begin_ = Clock::now();
}

void Span::end() {
    complete(cat_, name_, begin_, Clock::now(), arg_name_, arg_value_);
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
        if (buffer->events.empty() && buffer->thread_name.rfind("thread-", 0) == 0) continue;
        separate();
        out += fmt::format(R"({{"ph":"M","name":"thread_name","pid":1,"tid":{},"args":{{"name":)",
                           buffer->tid);
        append_escaped(out, buffer->thread_name);
        out += "}}";
    }
    for (const auto& buffer : reg.buffers) {
        std::vector<const Event*> events;
        for (const auto& e : buffer->events) events.push_back(&e);
        // X events are recorded when they end; order by start so readers see a timeline.
        std::stable_sort(events.begin(), events.end(),
                         [](const Event* a, const Event* b) {
                             if (a->ts_ns != b->ts_ns) return a->ts_ns < b->ts_ns;
                             return a->dur_ns > b->dur_ns;  // an enclosing span before what it encloses
                         });
        for (const Event* e : events) {
            separate();
            append_event(out, *e, buffer->tid);
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
