// Tests for docs_check: the links, headings and snippets `./looplab test` checks in the course's
// Markdown.
#include "looplab_catch.hpp"

#include "docs_check.hpp"

#include <filesystem>
#include <fstream>
#include <random>

using namespace looplab::kit;
using Catch::Matchers::Contains;

namespace {

namespace fs = std::filesystem;

// A folder of files in the temporary directory, removed at the end of the test. The name is
// random because the kit's runner runs test cases in parallel.
struct TempTree {
    fs::path root = fs::temp_directory_path() / ("looplab-docs-test-" + std::to_string(std::random_device{}()));
    TempTree() { fs::create_directories(root); }
    ~TempTree() { fs::remove_all(root); }
    fs::path write(const std::string& name, const std::string& text) const {
        fs::create_directories((root / name).parent_path());
        std::ofstream(root / name) << text;
        return root / name;
    }
};

const char* const kSnippetSource = R"(#include "event_loop.hpp"
int main() {
    // snippet: main
    looplab::EventLoop loop;
    loop.run_once();
    // end snippet
}
)";

}  // namespace

TEST_CASE("code_blocks finds fenced blocks with their language, line and snippet marker", "[kit][docs]") {
    const auto blocks = code_blocks("text\n\n<!-- snippet: snippets/a.cpp main -->\n\n```cpp\nint x;\n```\n\n```python\nx = 1\n```\n");
    REQUIRE(blocks.size() == 2);
    CHECK(blocks[0].language == "cpp");
    CHECK(blocks[0].text == "int x;\n");
    CHECK(blocks[0].line == 5);
    CHECK(blocks[0].snippet_file == "snippets/a.cpp");
    CHECK(blocks[0].snippet_name == "main");
    CHECK(blocks[1].language == "python");
    CHECK_FALSE(blocks[1].snippet_file.has_value());
}

TEST_CASE("local_links finds links and pictures but not URLs or links written as code", "[kit][docs]") {
    const auto links = local_links(
        "See [the lab](labs/01/README.md#hints) and ![a picture](assets/a.png).\n"
        "Not [a site](https://example.org) nor `[code](not/a/link.md)`.\n"
        "```\n[inside](a/code/block.md)\n```\n");
    REQUIRE(links.size() == 2);
    CHECK(links[0].target == "labs/01/README.md#hints");
    CHECK(links[0].line == 1);
    CHECK(links[1].target == "assets/a.png");
}

TEST_CASE("heading_anchors follows GitHub's rule for the course's headings", "[kit][docs]") {
    const auto anchors = heading_anchors(
        "# The course\n## Lab 06: `run_in_executor`\n### Lab 07: Natively async libraries: Asio\n"
        "## Hints\n## Hints\n```\n# not a heading\n```\n#hashtag\n");
    CHECK(anchors.contains("the-course"));
    CHECK(anchors.contains("lab-06-run_in_executor"));
    CHECK(anchors.contains("lab-07-natively-async-libraries-asio"));
    CHECK(anchors.contains("hints"));
    CHECK(anchors.contains("hints-1"));
    CHECK_FALSE(anchors.contains("not-a-heading"));
    CHECK_FALSE(anchors.contains("hashtag"));
}

TEST_CASE("snippet_region cuts the named region out and removes its indentation", "[kit][docs]") {
    CHECK(snippet_region(kSnippetSource, "main") == "looplab::EventLoop loop;\nloop.run_once();\n");
    CHECK(snippet_region("# snippet: top\nx = 1\n\n    y = 2\n# end snippet\n", "top") == "x = 1\n\n    y = 2\n");
    CHECK_FALSE(snippet_region(kSnippetSource, "other").has_value());
    CHECK_FALSE(snippet_region("// snippet: open\nint x;\n", "open").has_value());
}

TEST_CASE("broken_links names a missing file, a missing heading, and passes good links", "[kit][docs]") {
    TempTree tree;
    tree.write("assets/a.png", "png");
    tree.write("labs/README.md", "# Lab\n## Hints\n");
    const fs::path doc = tree.write("GUIDE.md",
                                    "![ok](assets/a.png) [ok](labs/README.md#hints) [ok](#guide)\n"
                                    "# Guide\n![gone](assets/gone.png)\n[no heading](labs/README.md#steps)\n[self](#nowhere)\n");
    const auto problems = broken_links(tree.root, doc);
    REQUIRE(problems.size() == 3);
    CHECK_THAT(problems[0], Contains("GUIDE.md:3") && Contains("assets/gone.png") && Contains("does not exist"));
    CHECK_THAT(problems[1], Contains("GUIDE.md:4") && Contains("#steps"));
    CHECK_THAT(problems[2], Contains("GUIDE.md:5") && Contains("#nowhere"));
}

TEST_CASE("broken_anchor_mentions checks TUTORIAL.md#anchor written in source comments", "[kit][docs]") {
    TempTree tree;
    tree.write("TUTORIAL.md", "## Lab 02: Timers\n");
    const fs::path source = tree.write("loop.cpp", "// See TUTORIAL.md#lab-02-timers\n// See TUTORIAL.md#lab-03-futures\n");
    const auto problems = broken_anchor_mentions(tree.root, source);
    REQUIRE(problems.size() == 1);
    CHECK_THAT(problems[0], Contains("loop.cpp:2") && Contains("TUTORIAL.md#lab-03-futures"));
}

TEST_CASE("stale_snippets accepts a block that matches its file and names every other kind", "[kit][docs]") {
    TempTree tree;
    tree.write("snippets/a.cpp", kSnippetSource);
    const std::string good = "<!-- snippet: snippets/a.cpp main -->\n```cpp\nlooplab::EventLoop loop;\nloop.run_once();\n```\n";
    SECTION("a block that matches its region passes") {
        CHECK(stale_snippets(tree.root, tree.write("A.md", good)).empty());
    }
    SECTION("a C++ block without a marker is named: nothing compiles it") {
        const auto problems = stale_snippets(tree.root, tree.write("A.md", "```cpp\nint x;\n```\n"));
        REQUIRE(problems.size() == 1);
        CHECK_THAT(problems[0], Contains("A.md:1") && Contains("not cut from a program"));
    }
    SECTION("a block that drifted from its file is named with the first different line") {
        const auto problems = stale_snippets(
            tree.root, tree.write("A.md", "<!-- snippet: snippets/a.cpp main -->\n```cpp\nlooplab::EventLoop loop;\nloop.run_forever();\n```\n"));
        REQUIRE(problems.size() == 1);
        CHECK_THAT(problems[0], Contains("line 2") && Contains("loop.run_forever();") && Contains("loop.run_once();"));
    }
    SECTION("a marker naming a region that does not exist is named") {
        const auto problems = stale_snippets(tree.root, tree.write("A.md", "<!-- snippet: snippets/a.cpp gone -->\n```cpp\nx\n```\n"));
        REQUIRE(problems.size() == 1);
        CHECK_THAT(problems[0], Contains("snippets/a.cpp gone") && Contains("does not exist"));
    }
    SECTION("a Python block without a marker is left to the parser") {
        CHECK(stale_snippets(tree.root, tree.write("A.md", "```python\nx = 1\n```\n")).empty());
    }
}
