// line_diff.hpp: a small line diff and a two-column view of it, used by "./looplab diff N".
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace looplab::kit {

enum class DiffKind { same, removed, added };

// One step of turning `a` into `b`: a line kept, removed from `a`, or added from `b`.
// An index is -1 on the side the line is not on.
struct DiffLine {
    DiffKind kind;
    int a_index;
    int b_index;
};

// A shortest edit script from `a` to `b` (longest common subsequence, O(n*m): meant for
// region-sized inputs). When a line is both removed and added, the removal comes first.
std::vector<DiffLine> diff_lines(const std::vector<std::string>& a, const std::vector<std::string>& b);

// Two aligned columns, `left` and `right`, at most `width` characters wide.
// Gutter: '|' for equal lines, '*' for a changed pair, '<' / '>' for a line on one side only.
// Tabs expand to 4-column stops; long lines are cut and end with "…".
std::string side_by_side(const std::vector<std::string>& left, const std::vector<std::string>& right,
                         std::string_view left_title, std::string_view right_title, int width);

}  // namespace looplab::kit
