// docs_check: what `./looplab test` checks in the course's Markdown. Every link and picture must
// point at a file (and heading) that exists, and every code block must be real code: C++ blocks
// are cut from a program in snippets/ (marked `<!-- snippet: snippets/lab01.cpp main -->` on the
// line before the block), so the build compiles them; Python blocks parse, and those cut from a
// snippet file run beside their C++ twin. Pure text functions here; the checks that run programs
// are in cmd_docs.cpp.
#pragma once

#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace looplab::kit {

// A fenced code block: ```language ... ```.
struct CodeBlock {
    std::string language;  // "cpp", "python", "sh", or empty
    std::string text;      // the lines between the fences, each ending in '\n'
    int line = 0;          // the opening fence's line number (1-based)
    // From `<!-- snippet: FILE NAME -->` on the nearest non-blank line above the fence.
    std::optional<std::string> snippet_file, snippet_name;
};

std::vector<CodeBlock> code_blocks(const std::string& markdown);

// A link or picture outside code: [text](target) or ![alt](target).
struct Link {
    std::string target;  // as written, e.g. "labs/01-callbacks/README.md#hints"
    int line = 0;
};

// Links whose target is not a URL (http:, https:, mailto:), outside code blocks and inline code.
std::vector<Link> local_links(const std::string& markdown);

// The anchors GitHub gives the headings: "## Lab 06: `run_in_executor`" -> "lab-06-run_in_executor";
// a repeated heading gets "-1", "-2", ...
std::set<std::string> heading_anchors(const std::string& markdown);

// The lines between `snippet: NAME` and `end snippet` (comment lines in any language), with their
// common indentation removed; nothing if the region is missing or never ends.
std::optional<std::string> snippet_region(const std::string& source, const std::string& name);

// One problem per broken link in `doc` (a Markdown file): a missing file, or a missing heading in
// a Markdown target ("#anchor" alone means a heading of `doc` itself). Paths are relative to the
// doc's folder; messages name the doc relative to `root`.
std::vector<std::string> broken_links(const std::filesystem::path& root, const std::filesystem::path& doc);

// Every `<file>.md#anchor` reference written in plain text (as the TODO goals in solutions/loop
// write "See TUTORIAL.md#lab-02-timers"), checked against the headings of root/<file>.md.
std::vector<std::string> broken_anchor_mentions(const std::filesystem::path& root, const std::filesystem::path& file);

// One problem per C++ block without a snippet marker, and per marked block (C++ or Python) whose
// text differs from its snippet file's region.
std::vector<std::string> stale_snippets(const std::filesystem::path& root, const std::filesystem::path& doc);

}  // namespace looplab::kit
