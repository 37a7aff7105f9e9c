// docs_check.cpp: links, headings and snippets in the course's Markdown (see docs_check.hpp).
#include "docs_check.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include <fmt/format.h>

namespace looplab::kit {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string trim(const std::string& text) {
    const auto first = text.find_first_not_of(" \t\r");
    if (first == std::string::npos) return "";
    return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
}

bool is_fence(const std::string& line) { return trim(line).rfind("```", 0) == 0; }

// The line with `code spans` blanked out, so a link written as code is not taken for a link.
std::string without_code_spans(std::string line) {
    bool inside = false;
    for (char& c : line) {
        if (c == '`') inside = !inside;
        if (inside || c == '`') c = ' ';
    }
    return line;
}

// The heading's text if `line` is an ATX heading ("## Lab 01: ..."), else nothing.
std::optional<std::string> heading_text(const std::string& line) {
    std::size_t level = 0;
    while (level < line.size() && line[level] == '#') ++level;
    if (level == 0 || level > 6 || level >= line.size() || line[level] != ' ') return std::nullopt;
    return trim(line.substr(level + 1));
}

// GitHub's rule: lower case; keep letters, digits, '-', '_' and spaces (non-ASCII characters are
// dropped here: the course's headings use them only for punctuation such as dashes); spaces
// become '-'.
std::string slug(const std::string& heading) {
    std::string anchor;
    for (unsigned char c : heading) {
        if (std::isalnum(c) || c == '-' || c == '_') anchor += static_cast<char>(std::tolower(c));
        else if (c == ' ') anchor += '-';
    }
    return anchor;
}

std::string dedent(const std::vector<std::string>& lines) {
    std::size_t indent = std::string::npos;
    for (const auto& line : lines) {
        if (trim(line).empty()) continue;
        indent = std::min(indent, line.find_first_not_of(' '));
    }
    std::string text;
    for (const auto& line : lines) text += (line.size() > indent ? line.substr(indent) : trim(line)) + "\n";
    return text;
}

// "// snippet: main" or "# snippet: main" -> "main"; the same for "end snippet" with `marker`.
bool is_marker(const std::string& line, const std::string& marker) {
    std::string body = trim(line);
    for (const char* comment : {"//", "#"}) {
        if (body.rfind(comment, 0) == 0) return trim(body.substr(std::string(comment).size())) == marker;
    }
    return false;
}

std::string first_difference(const std::string& shown, const std::string& source) {
    const auto a = split_lines(shown), b = split_lines(source);
    for (std::size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
        const std::string left = i < a.size() ? a[i] : "(nothing)", right = i < b.size() ? b[i] : "(nothing)";
        if (left != right) return fmt::format("line {} of the block shows {:?}, the file has {:?}", i + 1, left, right);
    }
    return "they differ in line endings";
}

}  // namespace

std::vector<CodeBlock> code_blocks(const std::string& markdown) {
    static const std::regex marker(R"(<!--\s*snippet:\s*(\S+)\s+(\S+)\s*-->)");
    const auto lines = split_lines(markdown);
    std::vector<CodeBlock> blocks;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (!is_fence(lines[i])) continue;
        CodeBlock block;
        block.line = static_cast<int>(i) + 1;
        block.language = trim(trim(lines[i]).substr(3));
        std::size_t above = i;
        while (above > 0 && trim(lines[above - 1]).empty()) --above;
        std::smatch match;
        if (above > 0 && std::regex_search(lines[above - 1], match, marker)) {
            block.snippet_file = match[1];
            block.snippet_name = match[2];
        }
        for (++i; i < lines.size() && !is_fence(lines[i]); ++i) block.text += lines[i] + "\n";
        blocks.push_back(std::move(block));
    }
    return blocks;
}

std::vector<Link> local_links(const std::string& markdown) {
    static const std::regex link(R"(!?\[[^\]]*\]\(([^)\s]+)(\s+"[^"]*")?\))");
    const auto lines = split_lines(markdown);
    std::vector<Link> links;
    bool in_code = false;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (is_fence(lines[i])) in_code = !in_code;
        if (in_code) continue;
        const std::string text = without_code_spans(lines[i]);
        for (std::sregex_iterator it(text.begin(), text.end(), link), end; it != end; ++it) {
            const std::string target = (*it)[1];
            if (target.find("://") != std::string::npos || target.rfind("mailto:", 0) == 0) continue;
            links.push_back({target, static_cast<int>(i) + 1});
        }
    }
    return links;
}

std::set<std::string> heading_anchors(const std::string& markdown) {
    std::set<std::string> anchors;
    std::map<std::string, int> seen;
    bool in_code = false;
    for (const auto& line : split_lines(markdown)) {
        if (is_fence(line)) in_code = !in_code;
        auto heading = in_code ? std::nullopt : heading_text(line);
        if (!heading) continue;
        const std::string anchor = slug(*heading);
        const int repeats = seen[anchor]++;
        anchors.insert(repeats == 0 ? anchor : fmt::format("{}-{}", anchor, repeats));
    }
    return anchors;
}

std::optional<std::string> snippet_region(const std::string& source, const std::string& name) {
    const auto lines = split_lines(source);
    auto begin = std::find_if(lines.begin(), lines.end(), [&](const std::string& l) { return is_marker(l, "snippet: " + name); });
    if (begin == lines.end()) return std::nullopt;
    auto end = std::find_if(begin + 1, lines.end(), [](const std::string& l) { return is_marker(l, "end snippet"); });
    if (end == lines.end()) return std::nullopt;
    return dedent({begin + 1, end});
}

std::vector<std::string> broken_links(const fs::path& root, const fs::path& doc) {
    std::vector<std::string> problems;
    const std::string name = fs::relative(doc, root).string();
    for (const Link& link : local_links(slurp(doc))) {
        const auto hash = link.target.find('#');
        const std::string file = link.target.substr(0, hash);
        const fs::path target = file.empty() ? doc : (doc.parent_path() / file).lexically_normal();
        if (!fs::exists(target)) {
            problems.push_back(fmt::format("{}:{}: links to {}, which does not exist", name, link.line, link.target));
            continue;
        }
        if (hash == std::string::npos || target.extension() != ".md") continue;
        const std::string anchor = link.target.substr(hash + 1);
        if (!heading_anchors(slurp(target)).contains(anchor)) {
            problems.push_back(fmt::format("{}:{}: links to {}, but {} has no heading with the anchor #{}", name, link.line,
                                           link.target, fs::relative(target, root).string(), anchor));
        }
    }
    return problems;
}

std::vector<std::string> broken_anchor_mentions(const fs::path& root, const fs::path& file) {
    static const std::regex mention(R"(([A-Za-z_][A-Za-z0-9_./-]*\.md)#([A-Za-z0-9_-]+))");
    std::vector<std::string> problems;
    const auto lines = split_lines(slurp(file));
    for (std::size_t i = 0; i < lines.size(); ++i) {
        for (std::sregex_iterator it(lines[i].begin(), lines[i].end(), mention), end; it != end; ++it) {
            const fs::path target = root / (*it)[1].str();
            if (fs::exists(target) && heading_anchors(slurp(target)).contains((*it)[2].str())) continue;
            problems.push_back(fmt::format("{}:{}: names {}, which is not a heading there", fs::relative(file, root).string(),
                                           i + 1, (*it)[0].str()));
        }
    }
    return problems;
}

std::vector<std::string> stale_snippets(const fs::path& root, const fs::path& doc) {
    std::vector<std::string> problems;
    const std::string name = fs::relative(doc, root).string();
    for (const CodeBlock& block : code_blocks(slurp(doc))) {
        const bool cpp = block.language == "cpp" || block.language == "c++";
        if (!block.snippet_file) {
            if (cpp) {
                problems.push_back(fmt::format("{}:{}: a C++ block that is not cut from a program in snippets/, so nothing "
                                               "compiles it (put <!-- snippet: snippets/FILE NAME --> above it)", name, block.line));
            }
            continue;
        }
        const fs::path source = root / *block.snippet_file;
        const auto region = fs::exists(source) ? snippet_region(slurp(source), *block.snippet_name) : std::nullopt;
        if (!region) {
            problems.push_back(fmt::format("{}:{}: its snippet {} {} does not exist (no 'snippet: {}' ... 'end snippet' there)",
                                           name, block.line, *block.snippet_file, *block.snippet_name, *block.snippet_name));
        } else if (*region != block.text) {
            problems.push_back(fmt::format("{}:{}: the block is not what {} holds between 'snippet: {}' and 'end snippet': {}",
                                           name, block.line, *block.snippet_file, *block.snippet_name,
                                           first_difference(block.text, *region)));
        }
    }
    return problems;
}

}  // namespace looplab::kit
