// line_diff.cpp: the longest-common-subsequence line diff and its side-by-side rendering.
#include "line_diff.hpp"

#include <algorithm>
#include <cstddef>

#include <fmt/format.h>

namespace looplab::kit {

std::vector<DiffLine> diff_lines(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    const std::size_t n = a.size();
    const std::size_t m = b.size();
    // common[i][j]: length of the longest common subsequence of a[i..] and b[j..].
    std::vector<std::vector<int>> common(n + 1, std::vector<int>(m + 1, 0));
    for (std::size_t i = n; i-- > 0;) {
        for (std::size_t j = m; j-- > 0;) {
            common[i][j] = a[i] == b[j] ? common[i + 1][j + 1] + 1
                                        : std::max(common[i + 1][j], common[i][j + 1]);
        }
    }

    std::vector<DiffLine> out;
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < n || j < m) {
        const int ai = static_cast<int>(i);
        const int bj = static_cast<int>(j);
        if (i < n && j < m && a[i] == b[j]) {
            out.push_back({DiffKind::same, ai, bj});
            ++i;
            ++j;
        } else if (i < n && (j == m || common[i + 1][j] >= common[i][j + 1])) {
            out.push_back({DiffKind::removed, ai, -1});
            ++i;
        } else {
            out.push_back({DiffKind::added, -1, bj});
            ++j;
        }
    }
    return out;
}

namespace {

// One printed row; a null side is blank.
struct Row {
    const std::string* left = nullptr;
    const std::string* right = nullptr;
    char gutter = '|';
};

// Pairs each run of removed lines with the run of added lines right after it, so an
// edited line is shown next to its new version rather than as two one-sided rows.
std::vector<Row> rows_of(const std::vector<DiffLine>& diff, const std::vector<std::string>& left,
                         const std::vector<std::string>& right) {
    std::vector<Row> rows;
    std::size_t i = 0;
    while (i < diff.size()) {
        if (diff[i].kind == DiffKind::same) {
            rows.push_back({&left[diff[i].a_index], &right[diff[i].b_index], '|'});
            ++i;
            continue;
        }
        std::size_t removed_end = i;
        while (removed_end < diff.size() && diff[removed_end].kind == DiffKind::removed) ++removed_end;
        std::size_t added_end = removed_end;
        while (added_end < diff.size() && diff[added_end].kind == DiffKind::added) ++added_end;

        const std::size_t removed = removed_end - i;
        const std::size_t added = added_end - removed_end;
        for (std::size_t k = 0; k < std::max(removed, added); ++k) {
            Row row;
            if (k < removed) row.left = &left[diff[i + k].a_index];
            if (k < added) row.right = &right[diff[removed_end + k].b_index];
            row.gutter = row.left && row.right ? '*' : row.left ? '<' : '>';
            rows.push_back(row);
        }
        i = added_end;
    }
    return rows;
}

bool is_utf8_continuation(char c) {
    return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// Counts code points, not bytes, so "…" and accented letters take one column.
int columns(std::string_view text) {
    return static_cast<int>(std::count_if(text.begin(), text.end(), [](char c) { return !is_utf8_continuation(c); }));
}

std::string expand_tabs(std::string_view text) {
    std::string out;
    int column = 0;
    for (char c : text) {
        if (c == '\t') {
            const int spaces = 4 - column % 4;
            out.append(static_cast<std::size_t>(spaces), ' ');
            column += spaces;
        } else {
            out += c;
            if (!is_utf8_continuation(c)) ++column;
        }
    }
    return out;
}

// The text as it fits in `width` columns: tabs expanded, cut with "…" when too long.
std::string fit(std::string_view raw, int width) {
    std::string text = expand_tabs(raw);
    if (columns(text) <= width) return text;
    // Keep width - 1 code points, leaving one column for the "…".
    int kept = 0;
    std::size_t cut = 0;
    for (; cut < text.size(); ++cut) {
        if (is_utf8_continuation(text[cut])) continue;
        if (kept == width - 1) break;
        ++kept;
    }
    text.resize(cut);
    return text + "…";
}

std::string pad(std::string text, int width) {
    text.append(static_cast<std::size_t>(std::max(0, width - columns(text))), ' ');
    return text;
}

std::string trim_right(std::string text) {
    text.erase(text.find_last_not_of(' ') + 1);
    return text;
}

}  // namespace

std::string side_by_side(const std::vector<std::string>& left, const std::vector<std::string>& right,
                         std::string_view left_title, std::string_view right_title, int width) {
    const int column = std::max(8, (width - 3) / 2);
    const std::string rule(static_cast<std::size_t>(column), '-');

    std::string out;
    out += trim_right(fmt::format("{} | {}", pad(fit(left_title, column), column), fit(right_title, column)));
    out += fmt::format("\n{}-+-{}\n", rule, rule);
    for (const Row& row : rows_of(diff_lines(left, right), left, right)) {
        const std::string l = row.left ? fit(*row.left, column) : "";
        const std::string r = row.right ? fit(*row.right, column) : "";
        out += trim_right(fmt::format("{} {} {}", pad(l, column), row.gutter, r));
        out += '\n';
    }
    return out;
}

}  // namespace looplab::kit
