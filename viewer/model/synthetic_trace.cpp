// synthetic_trace.cpp: a small simulation of the kit's loop that writes what the recorder would.
// It keeps a list of scheduled handles (each with its flow id and due time) and, iteration by
// iteration, waits for the earliest, then runs every due handle as a callback; a task's callback
// holds its step, which decides what the task does next.
#include <algorithm>
#include <array>
#include <iterator>
#include <vector>

#include <fmt/format.h>

#include "synthetic_trace.hpp"

namespace looplab::viewer {

namespace {

// splitmix64: tiny, and the same numbers on every platform (std distributions are not).
class Random {
  public:
    explicit Random(unsigned seed) : state_(seed * 0x9E3779B97F4A7C15ull + 1) {}
    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    double between(double low, double high) { return low + (high - low) * static_cast<double>(next() >> 11) / 9007199254740992.0; }
    int percent() { return static_cast<int>(next() % 100); }

  private:
    std::uint64_t state_;
};

constexpr int loop_tid = 1;
constexpr int workers = 4;
constexpr int live_tasks = 8;

class Generator {
  public:
    Generator(std::size_t events, unsigned seed) : target_(events), random_(seed) { out_.reserve(events * 110 + 1024); }

    std::string run() {
        out_ += "{\"traceEvents\":[\n";
        line(R"({{"ph":"M","name":"thread_name","pid":1,"tid":{},"args":{{"name":"loop"}}}})", loop_tid);
        for (int w = 0; w < workers; ++w)
            line(R"({{"ph":"M","name":"thread_name","pid":1,"tid":{},"args":{{"name":"executor-{}"}}}})", loop_tid + 1 + w, w);
        for (int i = 0; i < live_tasks; ++i) start_task();
        while (written_ < target_ && !pending_.empty()) iteration();
        for (const Task& task : tasks_)
            if (task.alive) line(R"({{"ph":"e","cat":"task","name":"{}","pid":1,"tid":1,"ts":{:.3f},"id":"0x{:x}"}})", task.name, now_, task.id);
        out_.resize(out_.size() - 2);  // the last line's ",\n"
        out_ += "\n],\"displayTimeUnit\":\"ms\",\"otherData\":{\"producer\":\"looplab synthetic\",\"schema\":1}}\n";
        return std::move(out_);
    }

  private:
    enum class Kind { step, sleep_done, job_done };
    struct Handle {
        std::uint64_t flow;
        Kind kind;
        std::size_t task;
        double due;
    };
    struct Task {
        std::uint64_t id;
        std::string name;
        bool alive;
    };

    template <typename... Args>
    void line(fmt::format_string<Args...> format, Args&&... args) {
        fmt::format_to(std::back_inserter(out_), format, std::forward<Args>(args)...);
        out_ += ",\n";
        ++written_;
    }

    void start_task() {
        const std::size_t index = tasks_.size();
        tasks_.push_back(Task{0x100 + index, fmt::format("task-{}", index), true});
        line(R"({{"ph":"b","cat":"task","name":"{}","pid":1,"tid":1,"ts":{:.3f},"id":"0x{:x}"}})", tasks_[index].name, now_, tasks_[index].id);
        schedule("call_soon", Kind::step, index, now_);
    }

    // An s on the loop lane now, for a handle due at `due`.
    void schedule(const char* via, Kind kind, std::size_t task, double due, int tid = loop_tid, double at = -1) {
        const std::uint64_t flow = next_flow_++;
        line(R"({{"ph":"s","cat":"flow","name":"{}","pid":1,"tid":{},"ts":{:.3f},"id":{}}})", via, tid, at < 0 ? now_ + 0.01 : at, flow);
        pending_.push_back(Handle{flow, kind, task, due});
    }

    void iteration() {
        const double start = now_;
        line(R"({{"ph":"X","cat":"iteration","name":"run_once","pid":1,"tid":1,"ts":{:.3f},"dur":000000000000.000}})", start);
        const std::size_t dur_at = out_.rfind("000000000000.000");
        line(R"({{"ph":"C","cat":"queue","name":"ready queue","pid":1,"tid":1,"ts":{:.3f},"args":{{"length":{}}}}})", now_ + 0.1, pending_.size());
        now_ += 0.3;
        const double due = std::min_element(pending_.begin(), pending_.end(), [](auto& a, auto& b) { return a.due < b.due; })->due;
        if (due > now_) {
            line(R"({{"ph":"X","cat":"wait","name":"wait","pid":1,"tid":1,"ts":{:.3f},"dur":{:.3f}}})", now_, due - now_ + 0.2);
            now_ = due + 0.5;
        }
        std::vector<Handle> ready;
        std::erase_if(pending_, [&](const Handle& h) { return h.due <= now_ && ready.size() < 16 ? (ready.push_back(h), true) : false; });
        std::sort(ready.begin(), ready.end(), [](auto& a, auto& b) { return a.due < b.due || (a.due == b.due && a.flow < b.flow); });
        for (const Handle& handle : ready) run(handle);
        now_ += 0.2;
        const std::string dur = fmt::format("{:16.3f}", now_ - start);  // fixed width: patched in place
        out_.replace(dur_at, dur.size(), dur);
    }

    // One callback: its f, and for a task its step, which picks what the task does next.
    void run(const Handle& handle) {
        // A copy: the step may start a new task, and tasks_ may move.
        const std::string name = handle.kind == Kind::sleep_done ? "sleep"
                                 : handle.kind == Kind::job_done ? "executor result"
                                                                 : tasks_[handle.task].name;
        const double start = now_;
        const double length = handle.kind == Kind::step ? random_.between(3, 40) : random_.between(1, 4);
        line(R"({{"ph":"f","cat":"flow","name":"{}","pid":1,"tid":1,"ts":{:.3f},"id":{},"bp":"e"}})",
             handle.kind == Kind::sleep_done ? "call_at" : handle.kind == Kind::job_done ? "call_soon_threadsafe" : "call_soon",
             start + 0.05, handle.flow);
        now_ = start + 0.3;
        if (handle.kind == Kind::step) step(handle.task, length - 0.6);
        else schedule("call_soon", Kind::step, handle.task, now_);
        line(R"({{"ph":"X","cat":"callback","name":"{}","pid":1,"tid":1,"ts":{:.3f},"dur":{:.3f}}})", name, start, length);
        now_ = start + length + 0.4;
    }

    void step(std::size_t index, double length) {
        const double start = now_;
        line(R"({{"ph":"X","cat":"step","name":"{}","pid":1,"tid":1,"ts":{:.3f},"dur":{:.3f},"args":{{"task":{}}}}})", tasks_[index].name,
             start, length, tasks_[index].id);
        now_ = start + length / 2;
        const int choice = random_.percent();
        if (choice < 50) {
            const double delay = random_.between(500, 20'000);
            line(R"({{"ph":"i","cat":"timer","name":"call_at","pid":1,"tid":1,"ts":{:.3f},"s":"t","args":{{"detail":"sleep","delay_us":{:.3f}}}}})",
                 now_, delay);
            schedule("call_at", Kind::sleep_done, index, now_ + delay);
        } else if (choice < 85) {
            schedule("call_soon", Kind::step, index, now_);
        } else if (choice < 97) {
            submit(index);
        } else {
            line(R"({{"ph":"e","cat":"task","name":"{}","pid":1,"tid":1,"ts":{:.3f},"id":"0x{:x}"}})", tasks_[index].name, now_, tasks_[index].id);
            tasks_[index].alive = false;
            start_task();
        }
        now_ = start + length;
    }

    // A blocking job on the least busy worker; it may have to queue behind the others.
    void submit(std::size_t index) {
        const auto worker = static_cast<std::size_t>(std::min_element(busy_until_.begin(), busy_until_.end()) - busy_until_.begin());
        const std::uint64_t flow = next_flow_++;
        line(R"({{"ph":"s","cat":"flow","name":"submit","pid":1,"tid":1,"ts":{:.3f},"id":{}}})", now_, flow);
        const double begin = std::max(now_ + 5, busy_until_[worker]);
        const double length = random_.between(200, 30'000);
        const int tid = loop_tid + 1 + static_cast<int>(worker);
        line(R"({{"ph":"X","cat":"executor","name":"run_in_executor","pid":1,"tid":{},"ts":{:.3f},"dur":{:.3f}}})", tid, begin, length);
        line(R"({{"ph":"f","cat":"flow","name":"submit","pid":1,"tid":{},"ts":{:.3f},"id":{},"bp":"e"}})", tid, begin + 0.1, flow);
        busy_until_[worker] = begin + length + 1;
        schedule("call_soon_threadsafe", Kind::job_done, index, begin + length + 2, tid, begin + length - 0.5);
    }

    std::size_t target_;
    std::size_t written_ = 0;
    Random random_;
    std::string out_;
    double now_ = 10;
    std::uint64_t next_flow_ = 1;
    std::vector<Task> tasks_;
    std::vector<Handle> pending_;
    std::array<double, workers> busy_until_{};
};

}  // namespace

std::string make_synthetic_trace(std::size_t events, unsigned seed) { return Generator(events, seed).run(); }

}  // namespace looplab::viewer
