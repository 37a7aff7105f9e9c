// cmd_docs.cpp: the course text's part of `./looplab test`. Every Markdown file's links and
// pictures resolve, every C++ block is cut from a program in snippets/ (which the build compiles),
// every Python block parses, and each snippet program prints what its asyncio twin prints.
#include <algorithm>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "docs_check.hpp"
#include "kit_checks.hpp"
#include "process.hpp"

namespace looplab::kit {
namespace {

namespace fs = std::filesystem;

// The Markdown files of the course: every *.md in the repository outside build and tool folders.
std::vector<fs::path> markdown_files(const fs::path& root) {
    std::vector<fs::path> docs;
    for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
        const std::string name = it->path().filename().string();
        if (it->is_directory() && (name.starts_with(".") || name == "build" || name == "node_modules")) {
            it.disable_recursion_pending();
        } else if (it->is_regular_file() && it->path().extension() == ".md") {
            docs.push_back(it->path());
        }
    }
    std::sort(docs.begin(), docs.end());
    return docs;
}

// Parses every Python block with python3's own parser (ast.parse: syntax only, nothing runs).
std::vector<std::string> python_syntax_errors(const KitPaths& paths, const fs::path& python,
                                              const std::vector<fs::path>& docs) {
    const fs::path dir = paths.build / "docs-python";
    fs::remove_all(dir);
    fs::create_directories(dir);
    std::vector<std::string> argv{python.string(), "-c",
                                  "import ast, sys\n"
                                  "for path in sys.argv[1:]:\n"
                                  "    name = open(path + '.where').read()\n"
                                  "    try: ast.parse(open(path).read(), name)\n"
                                  "    except SyntaxError as error: print(f'{name}: a Python block that does not parse: {error.msg}')\n"};
    int count = 0;
    for (const fs::path& doc : docs) {
        for (const CodeBlock& block : code_blocks(read_file(doc))) {
            if (block.language != "python") continue;
            const fs::path file = dir / fmt::format("block-{}.py", ++count);
            std::ofstream(file) << block.text;
            std::ofstream(file.string() + ".where") << fmt::format("{}:{}", fs::relative(doc, paths.root).string(), block.line);
            argv.push_back(file.string());
        }
    }
    RunOptions options;
    options.timeout = std::chrono::seconds(60);
    RunResult result = run_process(argv, options);
    if (!result.exited_cleanly()) return {"python3 could not check the Python blocks: " + describe(result) + "\n" + result.output};
    std::vector<std::string> problems;
    std::istringstream lines(result.output);
    for (std::string line; std::getline(lines, line);) problems.push_back(line);
    return problems;
}

void test_markdown(const KitPaths& paths, const std::optional<fs::path>& python, Tally& tally) {
    const auto docs = markdown_files(paths.root);
    std::vector<std::string> problems;
    int links = 0, blocks = 0;
    for (const fs::path& doc : docs) {
        const std::string text = read_file(doc);
        links += static_cast<int>(local_links(text).size());
        blocks += static_cast<int>(code_blocks(text).size());
        for (auto& p : broken_links(paths.root, doc)) problems.push_back(std::move(p));
        for (auto& p : stale_snippets(paths.root, doc)) problems.push_back(std::move(p));
    }
    for (const auto& entry : fs::directory_iterator(paths.solution_loop())) {
        for (auto& p : broken_anchor_mentions(paths.root, entry.path())) problems.push_back(std::move(p));
    }
    if (python) {
        for (auto& p : python_syntax_errors(paths, *python, docs)) problems.push_back(std::move(p));
    }
    fmt::print("docs: {} Markdown files, {} links and pictures, {} code blocks: {}{}\n", docs.size(), links, blocks,
               problems.empty() ? "all sound" : fmt::format("{} problem(s)", problems.size()),
               python ? "" : " (no python3: Python blocks not parsed)");
    for (const auto& problem : problems) fmt::print("  {}\n", problem);
    tally.add(problems.empty());
}

RunResult run_snippet(const std::vector<std::string>& argv) {
    RunOptions options;
    options.timeout = std::chrono::seconds(30);
    return run_process(argv, options);
}

// snippets/labNN.cpp, built against the reference loop, and snippets/labNN.py, the same program
// in asyncio: both must run cleanly and print the same lines.
void test_snippet(const KitPaths& paths, const fs::path& source, const std::optional<fs::path>& python, Tally& tally) {
    const std::string name = source.stem().string();
    const fs::path program = paths.build / "snippets" / name;
    const fs::path twin = source.parent_path() / (name + ".py");
    RunResult cpp = run_snippet({program.string()});
    if (!cpp.exited_cleanly()) {
        fmt::print("snippets/{}.cpp: {}\n{}", name, cpp.started() ? describe(cpp) : "not built (" + cpp.error + ")", cpp.output);
        return tally.add(false);
    }
    if (!fs::exists(twin) || !python) {
        fmt::print("snippets/{}.cpp: runs{}\n", name, fs::exists(twin) ? " (no python3: not compared with its asyncio twin)" : "");
        return tally.add(true);
    }
    RunResult py = run_snippet({python->string(), twin.string()});
    const bool same = py.exited_cleanly() && py.output == cpp.output;
    const auto lines = std::count(cpp.output.begin(), cpp.output.end(), '\n');
    fmt::print("snippets/{}.cpp and {}.py: {}\n", name, name,
               same ? fmt::format("both print the same {} lines", lines)
                    : py.exited_cleanly() ? "they print different lines" : "the Python twin " + describe(py));
    if (!same) fmt::print("  C++ printed:\n{}  Python printed:\n{}", cpp.output, py.output);
    tally.add(same);
}

}  // namespace

void test_docs(const KitPaths& paths, Tally& tally) {
    const auto python = find_program("python3");
    test_markdown(paths, python, tally);
    std::vector<fs::path> sources;
    for (const auto& entry : fs::directory_iterator(paths.root / "snippets")) {
        if (entry.path().extension() == ".cpp") sources.push_back(entry.path());
    }
    std::sort(sources.begin(), sources.end());
    for (const fs::path& source : sources) test_snippet(paths, source, python, tally);
}

}  // namespace looplab::kit
