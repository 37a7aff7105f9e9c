// Indexing: span order and nesting per lane, span_at, and visible_blocks' folding.
#include <random>

#include "viewer_test_helpers.hpp"

using namespace viewer_test;

TEST_CASE("Spans are sorted by start, the enclosing one first, with depth by nesting", "[viewer]") {
    // Written out of order, as the kit writes a span when it ends.
    const Trace trace = load(trace_of(events(x("step", "s", 2, 3), x("callback", "cb", 1, 6), x("iteration", "run_once", 0, 10),
                                             x("callback", "cb2", 7, 2), x("iteration", "run_once", 10, 5))));
    const Lane& lane = trace.lanes[0];
    REQUIRE(lane.spans.size() == 5);
    SECTION("order") {
        for (std::size_t i = 1; i < lane.spans.size(); ++i) CHECK(lane.spans[i - 1].start <= lane.spans[i].start);
        CHECK(name_of(trace, {0, 0}) == "run_once");
    }
    SECTION("depths") {
        CHECK(lane.spans[0].depth == 0);
        CHECK(lane.spans[1].depth == 1);
        CHECK(lane.spans[2].depth == 2);
        CHECK(lane.spans[3].depth == 1);
        CHECK(lane.spans[4].depth == 0);
        CHECK(lane.max_depth == 3);
    }
    SECTION("by_depth lists each depth's spans in start order") {
        REQUIRE(lane.by_depth.size() == 3);
        CHECK(lane.by_depth[0] == std::vector<std::int32_t>{0, 4});
        CHECK(lane.by_depth[1] == std::vector<std::int32_t>{1, 3});
        CHECK(lane.by_depth[2] == std::vector<std::int32_t>{2});
    }
}

TEST_CASE("A child ending a hair past its parent still nests", "[viewer]") {
    const Trace trace = load(trace_of(events(x("callback", "parent", 0, 10), x("step", "child", 5, 5.0005), x("callback", "next", 10.0002, 3))));
    const Lane& lane = trace.lanes[0];
    CHECK(lane.spans[1].depth == 1);
    CHECK(lane.spans[2].depth == 0);
}

TEST_CASE("Spans that overlap without nesting never share a depth", "[viewer]") {
    const Trace trace = load(trace_of(events(x("x", "a", 0, 10), x("x", "b", 5, 10), x("x", "c", 12, 10))));
    const Lane& lane = trace.lanes[0];
    CHECK(lane.spans[0].depth == 0);
    CHECK(lane.spans[1].depth == 1);
    for (const auto& indices : lane.by_depth)
        for (std::size_t i = 1; i < indices.size(); ++i)
            CHECK(lane.spans[static_cast<std::size_t>(indices[i - 1])].end <= lane.spans[static_cast<std::size_t>(indices[i])].start);
}

TEST_CASE("span_at finds the deepest span running at a time", "[viewer]") {
    const Trace trace = load(trace_of(events(x("iteration", "run_once", 0, 10), x("callback", "cb", 1, 6), x("step", "s", 2, 3))));
    CHECK(name_of(trace, trace.span_at(0, 2.5)) == "s");
    CHECK(name_of(trace, trace.span_at(0, 6)) == "cb");
    CHECK(name_of(trace, trace.span_at(0, 9)) == "run_once");
    CHECK_FALSE(trace.span_at(0, 11).valid());
    CHECK_FALSE(trace.span_at(5, 1).valid());
    CHECK_FALSE(trace.span_at(-1, 1).valid());
}

namespace {

// A lane of n back-to-back spans of width `width`, with a gap of `gap` after each: built directly,
// as the loader would, to test visible_blocks on a million spans without a million-event file.
Lane synthetic_lane(std::size_t n, double width, double gap) {
    Lane lane;
    lane.spans.reserve(n);
    lane.by_depth.resize(1);
    lane.by_depth[0].reserve(n);
    double t = 0;
    for (std::size_t i = 0; i < n; ++i) {
        Span span;
        span.start = t;
        span.end = t + width;
        lane.spans.push_back(span);
        lane.by_depth[0].push_back(static_cast<std::int32_t>(i));
        t += width + gap;
    }
    lane.max_depth = 1;
    return lane;
}

std::size_t spans_overlapping(const Lane& lane, double t0, double t1) {
    std::size_t count = 0;
    for (const auto& span : lane.spans) count += span.start <= t1 && span.end >= t0;
    return count;
}

std::uint64_t covered(const std::vector<DrawBlock>& blocks) {
    std::uint64_t sum = 0;
    for (const auto& block : blocks) sum += block.count;
    return sum;
}

}  // namespace

TEST_CASE("visible_blocks folds a million tiny spans into a bounded number of blocks", "[viewer]") {
    const Lane lane = synthetic_lane(1'000'000, 0.5, 0.5);  // spans at 0, 1, 2, ... each 0.5 wide
    std::vector<DrawBlock> blocks;
    SECTION("the whole lane at 1000 us per pixel") {
        visible_blocks(lane, 0, 0, 1'000'000, 1000, blocks);
        CHECK(blocks.size() <= 1'000'000 / 1000 * 2 + 2);
        CHECK(covered(blocks) == 1'000'000);
    }
    SECTION("a window in the middle covers exactly the spans in it") {
        const double t0 = 123'456.7, t1 = 456'789.1, width = 250;
        visible_blocks(lane, 0, t0, t1, width, blocks);
        CHECK(blocks.size() <= static_cast<std::size_t>((t1 - t0) / width * 2 + 2));
        CHECK(covered(blocks) == spans_overlapping(lane, t0, t1));
    }
    SECTION("blocks are in time order and do not overlap") {
        visible_blocks(lane, 0, 1000, 200'000, 333, blocks);
        for (std::size_t i = 1; i < blocks.size(); ++i) CHECK(blocks[i - 1].end <= blocks[i].start);
    }
    SECTION("zoomed in, every span is its own block") {
        visible_blocks(lane, 0, 10, 20, 0.01, blocks);
        CHECK(blocks.size() == 11);
        for (const auto& block : blocks) CHECK(block.count == 1);
    }
    SECTION("a folded block ends where its last span ends") {
        visible_blocks(lane, 0, 0, 100, 10, blocks);
        REQUIRE(!blocks.empty());
        CHECK(blocks[0].count == 10);
        CHECK(blocks[0].end == 9.5);
    }
    SECTION("the output is cleared first") {
        blocks.assign(5, DrawBlock{});
        visible_blocks(lane, 0, 0, 0.2, 1, blocks);
        CHECK(blocks.size() == 1);
    }
    SECTION("a depth the lane does not have yields nothing") {
        visible_blocks(lane, 3, 0, 100, 1, blocks);
        CHECK(blocks.empty());
    }
}

TEST_CASE("visible_blocks includes a long span begun before the window", "[viewer]") {
    const Lane lane = synthetic_lane(3, 100, 10);  // [0,100] [110,210] [220,320]
    std::vector<DrawBlock> blocks;
    visible_blocks(lane, 0, 150, 160, 1, blocks);
    REQUIRE(blocks.size() == 1);
    CHECK(blocks[0].first == 1);
}

TEST_CASE("visible_blocks never folds away a wide span next to narrow ones", "[viewer]") {
    Lane lane = synthetic_lane(4, 0.1, 0.1);  // four narrow spans, then a wide one
    Span wide;
    wide.start = 0.8;
    wide.end = 50;
    lane.spans.push_back(wide);
    lane.by_depth[0].push_back(4);
    std::vector<DrawBlock> blocks;
    visible_blocks(lane, 0, 0, 100, 2, blocks);
    REQUIRE(blocks.size() == 2);
    CHECK(blocks[0].count == 4);
    CHECK(blocks[1].first == 4);
    CHECK(blocks[1].count == 1);
}

TEST_CASE("visible_blocks covers random lanes exactly once at any zoom", "[viewer]") {
    std::mt19937 random(42);
    Lane lane;
    lane.by_depth.resize(1);
    double t = 0;
    for (int i = 0; i < 20'000; ++i) {
        Span span;
        span.start = t + std::uniform_real_distribution<double>(0, 5)(random);
        span.end = span.start + std::exponential_distribution<double>(0.5)(random);
        t = span.end;
        lane.spans.push_back(span);
        lane.by_depth[0].push_back(i);
    }
    std::vector<DrawBlock> blocks;
    for (int round = 0; round < 50; ++round) {
        const double t0 = std::uniform_real_distribution<double>(-10, t)(random);
        const double t1 = t0 + std::uniform_real_distribution<double>(0, t / 4)(random);
        const double width = std::exponential_distribution<double>(0.1)(random);
        visible_blocks(lane, 0, t0, t1, width, blocks);
        CHECK(covered(blocks) == spans_overlapping(lane, t0, t1));
        CHECK(blocks.size() <= static_cast<std::size_t>((t1 - t0) / width * 2 + 3));
    }
}
