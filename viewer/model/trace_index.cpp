// trace_index.cpp: a lane's spans put in order and nesting, and the two queries that lean on that
// order: what to draw in a time window (visible_blocks) and what runs at a time (span_at).
#include <algorithm>

#include "trace_builder.hpp"

namespace looplab::viewer {

namespace {

// A child ending this little past its parent still counts as nested: the kit writes times as
// microseconds with three decimals, so a parent and its child can round their ends apart.
constexpr Micros nest_tolerance_us = 0.001;

template <typename T, typename Less>
void sort_if_needed(std::vector<T>& items, Less less) {
    if (!std::is_sorted(items.begin(), items.end(), less)) std::stable_sort(items.begin(), items.end(), less);
}

}  // namespace

// Spans sorted by start, the longer first on a tie, so a parent precedes its children. A stack
// holds the open spans; each stack slot is one depth. A span goes one deeper than the innermost
// open span that it overlaps, so spans at one depth never overlap, even for input whose spans
// overlap without nesting (which other tools' B/E can produce).
void detail::index_lane(Lane& lane, std::size_t& too_deep) {
    sort_if_needed(lane.spans, [](const Span& a, const Span& b) {
        return a.start < b.start || (a.start == b.start && a.end > b.end);
    });
    sort_if_needed(lane.instants, [](const Instant& a, const Instant& b) { return a.ts < b.ts; });
    std::vector<std::size_t> open;
    std::size_t kept = 0;
    for (std::size_t i = 0; i < lane.spans.size(); ++i) {
        Span span = lane.spans[i];
        while (!open.empty()) {
            const Span& top = lane.spans[open.back()];
            const bool encloses = span.end <= top.end + nest_tolerance_us;
            if (encloses || top.end > span.start + nest_tolerance_us) break;
            open.pop_back();
        }
        if (open.size() >= detail::max_span_depth) {
            ++too_deep;
            continue;
        }
        span.depth = static_cast<std::uint16_t>(open.size());
        lane.spans[kept] = span;
        open.push_back(kept++);
    }
    lane.spans.resize(kept);
    lane.by_depth.clear();
    for (std::size_t i = 0; i < lane.spans.size(); ++i) {
        const std::size_t depth = lane.spans[i].depth;
        if (lane.by_depth.size() <= depth) lane.by_depth.resize(depth + 1);
        lane.by_depth[depth].push_back(static_cast<std::int32_t>(i));
    }
    lane.max_depth = static_cast<std::uint16_t>(lane.by_depth.size());
}

// Per depth, the last span starting at or before t; the deepest one still running at t wins.
// Every depth is looked at (not only until one misses), since an overlapping-not-nested span
// can sit one deeper than a span that has already ended.
SpanRef Trace::span_at(std::int32_t lane, Micros t) const {
    if (lane < 0 || static_cast<std::size_t>(lane) >= lanes.size()) return {};
    const Lane& l = lanes[static_cast<std::size_t>(lane)];
    SpanRef found;
    for (const auto& indices : l.by_depth) {
        auto it = std::upper_bound(indices.begin(), indices.end(), t, [&](Micros v, std::int32_t i) {
            return v < l.spans[static_cast<std::size_t>(i)].start;
        });
        if (it == indices.begin()) continue;
        const Span& span = l.spans[static_cast<std::size_t>(*std::prev(it))];
        if (t <= span.end) found = SpanRef{lane, *std::prev(it)};
    }
    return found;
}

// Contract: out is cleared, then gets blocks in time order covering every span at `depth` that
// overlaps [t0, t1], each exactly once. A span at least min_width wide is a block of its own;
// a run of narrower ones is folded: from a narrow span, jump (binary search) to the first span
// starting min_width later and fold everything between. So each block advances the start by
// min_width (or a wide span follows), and the cost is O(blocks * log n) whatever n is.
void visible_blocks(const Lane& lane, std::uint16_t depth, Micros t0, Micros t1, Micros min_width,
                    std::vector<DrawBlock>& out) {
    out.clear();
    if (depth >= lane.by_depth.size() || !(t0 <= t1)) return;
    const auto& indices = lane.by_depth[depth];
    const auto& spans = lane.spans;
    auto at = [&](std::size_t k) -> const Span& { return spans[static_cast<std::size_t>(indices[k])]; };
    auto first_from = [&](std::size_t from, Micros t) {
        return static_cast<std::size_t>(std::lower_bound(indices.begin() + static_cast<std::ptrdiff_t>(from), indices.end(), t,
                                                         [&](std::int32_t i, Micros v) { return spans[static_cast<std::size_t>(i)].start < v; }) -
                                        indices.begin());
    };
    const std::size_t last = static_cast<std::size_t>(
        std::upper_bound(indices.begin(), indices.end(), t1,
                         [&](Micros v, std::int32_t i) { return v < spans[static_cast<std::size_t>(i)].start; }) -
        indices.begin());
    std::size_t i = first_from(0, t0);
    if (i > 0 && at(i - 1).end >= t0) --i;  // begun before t0, still running into the window
    const bool fold = min_width > 0;         // false for NaN too: then every span is its own block
    auto wide = [&](const Span& s) { return !fold || s.end - s.start >= min_width; };
    while (i < last) {
        const Span& first = at(i);
        if (wide(first)) {
            out.push_back(DrawBlock{first.start, first.end, indices[i], 1});
            ++i;
            continue;
        }
        std::size_t j = std::min(first_from(i + 1, first.start + min_width), last);
        if (j - 1 > i && wide(at(j - 1))) --j;  // a wide span is never folded away
        out.push_back(DrawBlock{first.start, std::max(first.end, at(j - 1).end), indices[i], static_cast<std::uint32_t>(j - i)});
        i = j;
    }
}

}  // namespace looplab::viewer
