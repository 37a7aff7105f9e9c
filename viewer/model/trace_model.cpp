// trace_model.cpp: the Trace's small pieces: span kinds, the strings table, lookups.
#include "trace_model.hpp"

namespace looplab::viewer {

SpanKind span_kind_from_category(std::string_view category) {
    if (category == "callback") return SpanKind::callback;
    if (category == "step") return SpanKind::step;
    if (category == "executor") return SpanKind::executor;
    if (category == "wait") return SpanKind::wait;
    if (category == "iteration") return SpanKind::iteration;
    return SpanKind::other;
}

std::string_view span_kind_name(SpanKind kind) {
    switch (kind) {
        case SpanKind::callback: return "callback";
        case SpanKind::step: return "step";
        case SpanKind::executor: return "executor";
        case SpanKind::wait: return "wait";
        case SpanKind::iteration: return "iteration";
        case SpanKind::other: break;
    }
    return "other";
}

// no_string (and any index never handed out) reads as "", so a panel can print any field as is.
std::string_view Trace::text(std::uint32_t index) const {
    return index < strings_.size() ? std::string_view(strings_[index]) : std::string_view();
}

std::uint32_t Trace::intern(std::string_view text) {
    if (auto it = index_.find(text); it != index_.end()) return it->second;
    if (strings_.size() >= no_string) return no_string;  // 4 billion distinct strings: read as ""
    const auto index = static_cast<std::uint32_t>(strings_.size());
    strings_.emplace_back(text);
    index_.emplace(strings_.back(), index);
    return index;
}

std::int32_t Trace::loop_lane() const {
    for (std::size_t i = 0; i < lanes.size(); ++i)
        if (lanes[i].name == "loop") return static_cast<std::int32_t>(i);
    return -1;
}

// Linear: traces hold tens of tasks, and the panels ask per task, not per event. With reused ids
// the latest task wins, as it is the one a step's id refers to from then on.
const TaskInfo* Trace::task_by_id(std::uint64_t id) const {
    const TaskInfo* found = nullptr;
    for (const auto& task : tasks)
        if (task.id == id) found = &task;
    return found;
}

}  // namespace looplab::viewer
