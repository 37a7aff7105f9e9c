// test_line_diff.cpp: the line diff and the side-by-side view printed by "./looplab diff N".
#include <algorithm>
#include <string>
#include <vector>

#include "line_diff.hpp"
#include "looplab_catch.hpp"

using looplab::kit::diff_lines;
using looplab::kit::DiffKind;
using looplab::kit::DiffLine;
using looplab::kit::side_by_side;

namespace {

using Lines = std::vector<std::string>;

// The diff as a compact string, e.g. "=+-=": same, added, removed, same.
std::string shape(const std::vector<DiffLine>& diff) {
    std::string out;
    for (const DiffLine& step : diff) out += step.kind == DiffKind::same ? '=' : step.kind == DiffKind::added ? '+' : '-';
    return out;
}

// Counts code points, so "…" is one column.
int columns(const std::string& text) {
    int count = 0;
    for (char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return count;
}

std::vector<std::string> split(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    for (std::size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
        lines.push_back(text.substr(start, end - start));
    }
    return lines;
}

}  // namespace

TEST_CASE("diff_lines keeps equal lines and marks the rest as removed from the left or added from the right",
          "[kit][line_diff]") {
    SECTION("Equal inputs are all 'same', with both indices") {
        const auto diff = diff_lines({"a", "b"}, {"a", "b"});
        CHECK(shape(diff) == "==");
        CHECK(diff[1].a_index == 1);
        CHECK(diff[1].b_index == 1);
    }
    SECTION("An empty left side means every right line is added") {
        CHECK(shape(diff_lines({}, {"a", "b"})) == "++");
    }
    SECTION("An empty right side means every left line is removed") {
        CHECK(shape(diff_lines({"a", "b"}, {})) == "--");
    }
    SECTION("A changed line is a removal followed by an addition") {
        const auto diff = diff_lines({"a", "x", "c"}, {"a", "y", "c"});
        REQUIRE(shape(diff) == "=-+=");
        CHECK(diff[1].a_index == 1);
        CHECK(diff[1].b_index == -1);
        CHECK(diff[2].a_index == -1);
        CHECK(diff[2].b_index == 1);
    }
    SECTION("An inserted line leaves the lines around it matched") {
        CHECK(shape(diff_lines({"a", "c"}, {"a", "b", "c"})) == "=+=");
    }
    SECTION("The common lines found are a longest common subsequence") {
        const auto diff = diff_lines({"a", "b", "c", "d"}, {"b", "c", "a", "d"});
        CHECK(std::count_if(diff.begin(), diff.end(), [](const DiffLine& d) { return d.kind == DiffKind::same; }) == 3);
    }
}

TEST_CASE("side_by_side shows the student's lines next to the reference's with a gutter marking differences",
          "[kit][line_diff]") {
    SECTION("Equal, changed and one-sided lines get '|', '*', '<' and '>'") {
        const std::string view = side_by_side({"int a = 1;", "int b = 2;", "drop();", "return a;"},
                                              {"int a = 1;", "int b = 3;", "return a;", "}"}, "yours", "reference", 31);
        CHECK(view ==
              "yours          | reference\n"
              "---------------+---------------\n"
              "int a = 1;     | int a = 1;\n"
              "int b = 2;     * int b = 3;\n"
              "drop();        <\n"
              "return a;      | return a;\n"
              "               > }\n");
    }
    SECTION("Long lines are cut with '…' so no row is wider than asked") {
        const std::string view = side_by_side({std::string(50, 'x')}, {std::string(50, 'y')}, "yours", "reference", 31);
        for (const std::string& row : split(view)) CHECK(columns(row) <= 31);
        CHECK(view.find(std::string(13, 'x') + "… * " + std::string(13, 'y') + "…\n") != std::string::npos);
    }
    SECTION("Tabs are expanded to 4-column stops") {
        const std::string view = side_by_side({"\tx;", "ab\tc"}, {"\tx;", "ab\tc"}, "a", "b", 31);
        CHECK(view.find("    x;         |     x;\n") != std::string::npos);
        CHECK(view.find("ab  c          | ab  c\n") != std::string::npos);
    }
    SECTION("Non-ASCII characters take one column, so the gutter stays aligned") {
        const std::string view = side_by_side({"// déjà vu"}, {"// deja vu"}, "a", "b", 31);
        CHECK(view.find("// déjà vu     * // deja vu\n") != std::string::npos);
    }
    SECTION("Two empty sides print just the titles") {
        CHECK(split(side_by_side({}, {}, "a", "b", 31)).size() == 2);
    }
}
