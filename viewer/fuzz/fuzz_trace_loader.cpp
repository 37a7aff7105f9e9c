// fuzz_trace_loader.cpp: libFuzzer target for the trace loader and every query built on it.
// Any input must load or be refused with a message; a loaded trace must keep the model's
// invariants (each depth's spans in order, visible_blocks covering each span once) and survive
// the panels' queries. Run it with ./looplab fuzz trace_loader (build/fuzz, Debian's clang);
// ./looplab test replays its corpora, fuzz/corpus/ (past findings) and tests/data/ (bad/ too),
// with a g++ build of this file (cmake/LooplabFuzz.cmake).
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "lints.hpp"
#include "loop_state.hpp"
#include "trace_model.hpp"

using namespace looplab::viewer;

namespace {

void require(bool condition) {
    if (!condition) std::abort();
}

// Each depth's spans are sorted by start and never overlap (beyond the nesting tolerance);
// visible_blocks over the whole trace covers every one exactly once.
void check_lane(const Lane& lane, Micros end) {
    std::vector<DrawBlock> blocks;
    std::size_t indexed = 0;
    for (std::size_t depth = 0; depth < lane.by_depth.size(); ++depth) {
        const auto& indices = lane.by_depth[depth];
        indexed += indices.size();
        for (std::size_t i = 1; i < indices.size(); ++i) {
            const Span& before = lane.spans[static_cast<std::size_t>(indices[i - 1])];
            const Span& after = lane.spans[static_cast<std::size_t>(indices[i])];
            require(before.start <= after.start && before.end <= after.start + 0.002);
        }
        for (Micros width : {0.0, 1.0, (end + 1) / 50}) {
            visible_blocks(lane, static_cast<std::uint16_t>(depth), -1, end + 1, width, blocks);
            std::uint64_t covered = 0;
            for (const auto& block : blocks) covered += block.count;
            require(covered == indices.size());
        }
        visible_blocks(lane, static_cast<std::uint16_t>(depth), end / 3, end / 2, end / 7 + 0.5, blocks);
    }
    require(indexed == lane.spans.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    LoadResult result = parse_trace(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.json");
    if (const auto* error = std::get_if<LoadError>(&result)) {
        require(error->message.starts_with("fuzz.json: "));
        return 0;
    }
    const Trace& trace = std::get<Trace>(result);
    require(trace.start == 0 && trace.end >= 0);
    for (const auto& lane : trace.lanes) check_lane(lane, trace.end);
    for (std::size_t l = 0; l < trace.lanes.size(); ++l) trace.span_at(static_cast<std::int32_t>(l), trace.end / 2);
    for (Micros t : {-1.0, 0.0, trace.end / 3, trace.end / 2, trace.end, trace.end + 1}) {
        const LoopState state = loop_state_at(trace, t);
        require(!state.loop_doing.empty());
        next_iteration(trace, t);
        previous_iteration(trace, t);
    }
    for (const auto& task : trace.tasks) trace.task_by_id(task.id);
    find_lints(trace);
    find_lints(trace, LintOptions{1, 1});
    return 0;
}
