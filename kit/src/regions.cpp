// regions.cpp: parsing, checking and rewriting of the exercise regions in the loop sources.
#include "regions.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <tuple>
#include <utility>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "line_diff.hpp"

namespace looplab::kit {

namespace fs = std::filesystem;

namespace {

std::string located(const std::string& file, int line, const std::string& message) {
    return line > 0 ? fmt::format("{}:{}: {}", file, line, message) : fmt::format("{}: {}", file, message);
}

}  // namespace

RegionError::RegionError(std::string file, int line, const std::string& message)
    : std::runtime_error(located(file, line, message)), file_(std::move(file)), line_(line) {}

// ---------------------------------------------------------------------------------------------
// Regions and parsing

bool Region::is_function() const {
    return name.find("::") != std::string::npos;
}

std::vector<std::string> Region::starter_body() const {
    if (!is_function()) return {};
    return {fmt::format("{}throw looplab::not_implemented{{\"lab {:02}: {}\"}};", indent, lab, name)};
}

namespace {

const std::regex& opening_marker() {
    // The name runs to the first ": ", so in "EventLoop::call_soon: queue it" the "::" stays in the name.
    static const std::regex marker(R"(^(\s*)// TODO\(lab (\d\d)\) (.+?): (.+)$)");
    return marker;
}

const std::regex& closing_marker() {
    static const std::regex marker(R"(^\s*// END TODO\(lab (\d\d)\)\s*$)");
    return marker;
}

std::string end_marker(int lab) {
    return fmt::format("// END TODO(lab {:02})", lab);
}

std::string trim_right(std::string text) {
    text.erase(text.find_last_not_of(" \t") + 1);
    return text;
}

// Splits on "\n", dropping a "\r" before it, so files saved with Windows line endings parse too.
std::pair<std::vector<std::string>, bool> split_lines(std::string_view text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) {
            lines.emplace_back(text.substr(start));
            return {std::move(lines), false};
        }
        std::string_view line = text.substr(start, end - start);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        lines.emplace_back(line);
        start = end + 1;
    }
    return {std::move(lines), !text.empty()};
}

Region opened_region(const std::smatch& match, const std::string& file, int line) {
    Region region;
    region.file = file;
    region.indent = match[1];
    region.lab = std::stoi(match[2]);
    region.name = match[3];
    region.goal = trim_right(match[4]);
    region.begin_line = line;
    return region;
}

std::string duplicate_message(const std::string& name, const std::string& first_at) {
    return fmt::format("region '{}' is defined twice (first at {}): region names must be unique in the loop "
                       "folder, so rename one of them",
                       name, first_at);
}

// A line that mentions a marker but does not match the grammar is almost always a typo,
// and silently ignoring it would hide a whole exercise.
void reject_malformed_marker(const std::string& where, int number, const std::string& line) {
    if (line.find("// END TODO") != std::string::npos) {
        throw RegionError(where, number,
                          "this looks like the end of a region but is not one: write it alone on its line "
                          "as \"// END TODO(lab NN)\", with a two-digit lab number");
    }
    if (line.find("// TODO(lab") != std::string::npos) {
        throw RegionError(where, number,
                          "this looks like the start of a region but is not one: write it alone on its line "
                          "as \"// TODO(lab NN) Name: what to do\", with a two-digit lab number, then the "
                          "region's name, a colon and a space, then the goal");
    }
}

void close_region(const std::string& where, SourceFile& file, Region& open, int number, int lab) {
    if (lab != open.lab) {
        throw RegionError(where, number,
                          fmt::format("\"{}\" closes region '{}', which was opened as lab {:02} at line {}: "
                                      "change it to \"{}\"",
                                      end_marker(lab), open.name, open.lab, open.begin_line, end_marker(open.lab)));
    }
    for (const Region& earlier : file.regions) {
        if (earlier.name == open.name) {
            throw RegionError(where, open.begin_line, duplicate_message(open.name, fmt::format("line {}", earlier.begin_line)));
        }
    }
    open.end_line = number;
    open.body.assign(std::next(file.lines.begin(), open.begin_line), std::next(file.lines.begin(), number - 1));
    file.regions.push_back(std::move(open));
}

}  // namespace

SourceFile parse_source(std::string name, std::string_view text, std::string_view display_path) {
    const std::string where = display_path.empty() ? name : std::string(display_path);
    SourceFile file;
    file.name = std::move(name);
    std::tie(file.lines, file.final_newline) = split_lines(text);

    std::optional<Region> open;
    for (int number = 1; number <= static_cast<int>(file.lines.size()); ++number) {
        const std::string& line = file.lines[number - 1];
        std::smatch match;
        if (std::regex_match(line, match, opening_marker())) {
            if (open) {
                throw RegionError(where, number,
                                  fmt::format("region '{}' starts inside region '{}' (lab {:02}, opened at line {}): "
                                              "regions cannot nest, so close '{}' with \"{}\" before this line",
                                              std::string(match[3]), open->name, open->lab, open->begin_line,
                                              open->name, end_marker(open->lab)));
            }
            open = opened_region(match, file.name, number);
        } else if (std::regex_match(line, match, closing_marker())) {
            const int lab = std::stoi(match[1]);
            if (!open) {
                throw RegionError(where, number,
                                  fmt::format("\"{}\" has no \"// TODO(lab {:02}) ...\" line above it: remove it, "
                                              "or put back the TODO line that opened the region",
                                              end_marker(lab), lab));
            }
            close_region(where, file, *open, number, lab);
            open.reset();
        } else {
            reject_malformed_marker(where, number, line);
        }
    }
    if (open) {
        throw RegionError(where, open->begin_line,
                          fmt::format("region '{}' (lab {:02}) is never closed: add \"{}\" after its body", open->name,
                                      open->lab, end_marker(open->lab)));
    }
    return file;
}

namespace {

std::string display(const fs::path& dir, const std::string& name) {
    return (dir / name).string();
}

// The *.hpp and *.cpp files directly in `dir`, sorted by name.
std::vector<std::string> source_names(const fs::path& dir) {
    if (!fs::is_directory(dir)) throw RegionError(dir.string(), 0, "this folder does not exist");
    std::vector<std::string> names;
    for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
        const fs::path ext = entry.path().extension();
        if (entry.is_regular_file() && (ext == ".hpp" || ext == ".cpp")) names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
}

std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw RegionError(path.string(), 0, "cannot read this file");
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// Writes through a temporary file and a rename, so an interrupted write never leaves half a
// source file; an unchanged file is left alone so its timestamp does not trigger a rebuild.
bool write_if_changed(const fs::path& path, const std::string& text) {
    if (fs::exists(path) && read_text(path) == text) return false;
    fs::path temporary = path;
    temporary += ".looplab-tmp";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out << text;
        if (!out.flush()) throw RegionError(temporary.string(), 0, "cannot write this file");
    }
    fs::rename(temporary, path);
    return true;
}

const SourceFile* find_file(const std::vector<SourceFile>& files, std::string_view name) {
    const auto it = std::find_if(files.begin(), files.end(), [&](const SourceFile& f) { return f.name == name; });
    return it == files.end() ? nullptr : &*it;
}

}  // namespace

std::vector<SourceFile> parse_folder(const fs::path& dir) {
    std::vector<SourceFile> files;
    std::map<std::string, std::string> first_seen;  // region name -> "path:line"
    for (const std::string& name : source_names(dir)) {
        const std::string where = display(dir, name);
        files.push_back(parse_source(name, read_text(dir / name), where));
        for (const Region& region : files.back().regions) {
            const auto [it, is_new] = first_seen.emplace(region.name, fmt::format("{}:{}", where, region.begin_line));
            if (!is_new) throw RegionError(where, region.begin_line, duplicate_message(region.name, it->second));
        }
    }
    return files;
}

const Region* find_region(const SourceFile& file, std::string_view region_name) {
    const auto it = std::find_if(file.regions.begin(), file.regions.end(),
                                 [&](const Region& r) { return r.name == region_name; });
    return it == file.regions.end() ? nullptr : &*it;
}

const Region* find_region(const std::vector<SourceFile>& files, std::string_view region_name) {
    for (const SourceFile& file : files) {
        if (const Region* region = find_region(file, region_name)) return region;
    }
    return nullptr;
}

// ---------------------------------------------------------------------------------------------
// Rewriting

std::string render(const SourceFile& file) {
    std::string text;
    for (std::size_t i = 0; i < file.lines.size(); ++i) {
        text += file.lines[i];
        if (i + 1 < file.lines.size() || file.final_newline) text += '\n';
    }
    return text;
}

namespace {

using BodyChoice = std::function<std::vector<std::string>(const Region&)>;

// Rebuilds `file` with each region's body chosen by `body_of`; markers and the lines between
// regions are kept, and every region's line numbers are recomputed.
SourceFile replace_bodies(const SourceFile& file, const BodyChoice& body_of) {
    SourceFile out{file.name, {}, file.final_newline, {}};
    int copied = 0;  // lines of `file` already copied
    for (const Region& region : file.regions) {
        out.lines.insert(out.lines.end(), std::next(file.lines.begin(), copied),
                         std::next(file.lines.begin(), region.begin_line));
        Region moved = region;
        moved.body = body_of(region);
        moved.begin_line = static_cast<int>(out.lines.size());
        out.lines.insert(out.lines.end(), moved.body.begin(), moved.body.end());
        out.lines.push_back(file.lines[region.end_line - 1]);
        moved.end_line = static_cast<int>(out.lines.size());
        out.regions.push_back(std::move(moved));
        copied = region.end_line;
    }
    out.lines.insert(out.lines.end(), std::next(file.lines.begin(), copied), file.lines.end());
    return out;
}

}  // namespace

SourceFile with_body(const SourceFile& file, const std::string& region_name, std::vector<std::string> body) {
    if (!find_region(file, region_name)) {
        throw RegionError(file.name, 0, fmt::format("there is no region named '{}' in this file", region_name));
    }
    return replace_bodies(file, [&](const Region& r) { return r.name == region_name ? body : r.body; });
}

std::string starter_text(const SourceFile& file) {
    return render(replace_bodies(file, [](const Region& r) { return r.starter_body(); }));
}

int write_starter(const fs::path& solution_dir, const fs::path& out_dir) {
    const std::vector<SourceFile> files = parse_folder(solution_dir);
    fs::create_directories(out_dir);
    int written = 0;
    for (const SourceFile& file : files) {
        if (write_if_changed(out_dir / file.name, starter_text(file))) ++written;
    }
    for (const std::string& name : source_names(out_dir)) {
        if (!find_file(files, name)) fs::remove(out_dir / name);
    }
    return written;
}

int write_files(const fs::path& dir, const std::vector<SourceFile>& files) {
    int written = 0;
    for (const SourceFile& file : files) {
        if (write_if_changed(dir / file.name, render(file))) ++written;
    }
    return written;
}

namespace {

// The lines that are not blank, each trimmed with its whitespace runs shrunk to one space.
std::vector<std::string> normalized(const std::vector<std::string>& lines) {
    std::vector<std::string> out;
    for (const std::string& line : lines) {
        std::istringstream words(line);
        std::string word;
        std::string joined;
        while (words >> word) joined += (joined.empty() ? "" : " ") + word;
        if (!joined.empty()) out.push_back(joined);
    }
    return out;
}

}  // namespace

bool is_unsolved(const Region& region) {
    return normalized(region.body) == normalized(region.starter_body());
}

// ---------------------------------------------------------------------------------------------
// Drift

namespace {

constexpr std::string_view only_edit = "Only edit between a TODO(lab NN) line and its END TODO line.";

Drift drift_at(const std::string& where, int line, const std::string& message) {
    return {where, line, located(where, line, message)};
}

std::string marker_line(const SourceFile& file, const Region& region) {
    std::string line = file.lines[region.begin_line - 1];
    return line.substr(line.find_first_not_of(" \t"));
}

// Compares the region lists; at the first difference, explains it in the student's terms.
std::optional<Drift> region_drift(const SourceFile& mine, const SourceFile& kit, const std::string& where) {
    const std::size_t count = std::max(mine.regions.size(), kit.regions.size());
    for (std::size_t i = 0; i < count; ++i) {
        const Region* k = i < kit.regions.size() ? &kit.regions[i] : nullptr;
        const Region* m = i < mine.regions.size() ? &mine.regions[i] : nullptr;
        if (k && m && k->name == m->name && k->lab == m->lab) continue;

        const bool kit_one_missing = k && !find_region(mine, k->name);
        const bool my_one_unknown = m && !find_region(kit, m->name);
        if (kit_one_missing && my_one_unknown) {
            return drift_at(where, m->begin_line,
                            fmt::format("this TODO line differs from the kit's (kit has: \"{}\"; yours: \"{}\"). "
                                        "Put it back as the kit wrote it. {}",
                                        marker_line(kit, *k), marker_line(mine, *m), only_edit));
        }
        if (kit_one_missing) {
            const int line = i > 0 ? mine.regions[i - 1].end_line + 1 : 1;
            return drift_at(where, line,
                            fmt::format("region '{}' (lab {:02}) is missing (the kit has it at line {}). Put back its "
                                        "\"{}\" and \"{}\" lines. {}",
                                        k->name, k->lab, k->begin_line, marker_line(kit, *k), end_marker(k->lab),
                                        only_edit));
        }
        if (my_one_unknown) {
            return drift_at(where, m->begin_line,
                            fmt::format("region '{}' is not one of the kit's regions: remove its TODO and END TODO "
                                        "lines. {}",
                                        m->name, only_edit));
        }
        if (k && m && k->name == m->name) {
            return drift_at(where, m->begin_line,
                            fmt::format("region '{}' is lab {:02} here but lab {:02} in the kit: put its TODO and "
                                        "END TODO lines back to \"{}\" and \"{}\". {}",
                                        m->name, m->lab, k->lab, marker_line(kit, *k), end_marker(k->lab), only_edit));
        }
        if (k && m) {
            return drift_at(where, m->begin_line,
                            fmt::format("region '{}' is out of order: the kit has region '{}' here. Move the regions "
                                        "back into the kit's order. {}",
                                        m->name, k->name, only_edit));
        }
    }
    return std::nullopt;
}

// The lines outside region bodies (markers included), trailing whitespace dropped.
struct Outline {
    std::vector<std::string> texts;
    std::vector<int> line_numbers;
};

Outline outline_of(const SourceFile& file) {
    Outline outline;
    std::size_t next_region = 0;
    for (int number = 1; number <= static_cast<int>(file.lines.size()); ++number) {
        while (next_region < file.regions.size() && file.regions[next_region].end_line < number) ++next_region;
        const bool in_body = next_region < file.regions.size() && file.regions[next_region].begin_line < number &&
                             number < file.regions[next_region].end_line;
        if (in_body) continue;
        outline.texts.push_back(trim_right(file.lines[number - 1]));
        outline.line_numbers.push_back(number);
    }
    return outline;
}

// Compares the lines outside regions and explains the first difference.
std::optional<Drift> line_drift(const SourceFile& mine, const SourceFile& kit, const std::string& where) {
    const Outline theirs = outline_of(kit);
    const Outline ours = outline_of(mine);
    const std::vector<DiffLine> diff = diff_lines(theirs.texts, ours.texts);
    for (std::size_t i = 0; i < diff.size(); ++i) {
        const DiffLine& step = diff[i];
        if (step.kind == DiffKind::same) continue;
        if (step.kind == DiffKind::added) {
            return drift_at(where, ours.line_numbers[step.b_index],
                            fmt::format("this line is not in the kit's version and is outside any TODO region "
                                        "(yours: \"{}\"). Remove it or move it into a region. {}",
                                        ours.texts[step.b_index], only_edit));
        }
        if (i + 1 < diff.size() && diff[i + 1].kind == DiffKind::added) {
            const int b = diff[i + 1].b_index;
            return drift_at(where, ours.line_numbers[b],
                            fmt::format("this line differs from the kit's version outside any TODO region "
                                        "(kit has: \"{}\"; yours: \"{}\"). {}",
                                        theirs.texts[step.a_index], ours.texts[b], only_edit));
        }
        // A kit line is missing: point at the student's next line outside regions.
        const auto next = std::find_if(diff.begin() + static_cast<std::ptrdiff_t>(i), diff.end(),
                                       [](const DiffLine& d) { return d.b_index >= 0; });
        const int line = next != diff.end() ? ours.line_numbers[next->b_index]
                                            : std::max(1, static_cast<int>(mine.lines.size()));
        return drift_at(where, line,
                        fmt::format("a line of the kit's version is missing here, outside any TODO region "
                                    "(kit has: \"{}\"). Put it back. {}",
                                    theirs.texts[step.a_index], only_edit));
    }
    return std::nullopt;
}

std::optional<Drift> file_drift(const fs::path& student_dir, const SourceFile& kit, const std::string& where) {
    SourceFile mine;
    try {
        mine = parse_source(kit.name, read_text(student_dir / kit.name), where);
    } catch (const RegionError& error) {
        return Drift{where, error.line(), error.what()};
    }
    if (auto drift = region_drift(mine, kit, where)) return drift;
    return line_drift(mine, kit, where);
}

}  // namespace

std::vector<Drift> find_drift(const fs::path& student_dir, const fs::path& solution_dir) {
    const std::vector<SourceFile> kit = parse_folder(solution_dir);
    const std::vector<std::string> mine = source_names(student_dir);
    std::set<std::string> all_names(mine.begin(), mine.end());
    for (const SourceFile& file : kit) all_names.insert(file.name);

    std::vector<Drift> drift;
    for (const std::string& name : all_names) {
        const std::string where = display(student_dir, name);
        const SourceFile* kit_file = find_file(kit, name);
        if (!std::binary_search(mine.begin(), mine.end(), name)) {
            drift.push_back(drift_at(where, 0,
                                     fmt::format("this file is missing; the kit has it. Restore it (for example "
                                                 "with \"git checkout -- {}\"). {}",
                                                 where, only_edit)));
        } else if (!kit_file) {
            drift.push_back(drift_at(where, 0,
                                     fmt::format("this file is not one of the kit's sources: move its code into a "
                                                 "TODO region of a kit file, then delete it. {}",
                                                 only_edit)));
        } else if (auto found = file_drift(student_dir, *kit_file, where)) {
            drift.push_back(*found);
        }
    }
    return drift;
}

// ---------------------------------------------------------------------------------------------
// Heal, reset, backup

std::vector<RegionChange> plan_heal(const std::vector<SourceFile>& student, const std::vector<SourceFile>& solution,
                                    int up_to_lab) {
    std::vector<RegionChange> changes;
    for (const SourceFile& file : student) {
        for (const Region& region : file.regions) {
            if (region.lab > up_to_lab || !is_unsolved(region)) continue;
            const Region* reference = find_region(solution, region.name);
            if (!reference) {
                throw RegionError(file.name, region.begin_line,
                                  fmt::format("region '{}' is not in the kit's solution, so it cannot be healed: "
                                              "fix the drift in this file first",
                                              region.name));
            }
            if (reference->body == region.body) continue;
            changes.push_back({file.name, region.name, region.lab, region.begin_line});
        }
    }
    return changes;
}

std::vector<RegionChange> plan_reset(const std::vector<SourceFile>& student, int lab) {
    std::vector<RegionChange> changes;
    for (const SourceFile& file : student) {
        for (const Region& region : file.regions) {
            if (region.lab == lab && region.body != region.starter_body()) {
                changes.push_back({file.name, region.name, region.lab, region.begin_line});
            }
        }
    }
    return changes;
}

namespace {

// Copies `files`, giving each changed region the body `body_of` picks for it.
std::vector<SourceFile> apply_changes(const std::vector<SourceFile>& files, const std::vector<RegionChange>& changes,
                                      const BodyChoice& body_of) {
    std::vector<SourceFile> out = files;
    for (const RegionChange& change : changes) {
        const auto file = std::find_if(out.begin(), out.end(), [&](const SourceFile& f) { return f.name == change.file; });
        const Region* region = file == out.end() ? nullptr : find_region(*file, change.region);
        if (!region) {
            throw RegionError(change.file, change.line,
                              fmt::format("region '{}' is no longer in this file", change.region));
        }
        *file = with_body(*file, change.region, body_of(*region));
    }
    return out;
}

}  // namespace

std::vector<SourceFile> apply_heal(const std::vector<SourceFile>& student, const std::vector<SourceFile>& solution,
                                   const std::vector<RegionChange>& changes) {
    return apply_changes(student, changes, [&](const Region& region) {
        const Region* reference = find_region(solution, region.name);
        if (!reference) {
            throw RegionError(region.file, region.begin_line,
                              fmt::format("region '{}' is not in the kit's solution", region.name));
        }
        return reference->body;
    });
}

std::vector<SourceFile> apply_reset(const std::vector<SourceFile>& student, const std::vector<RegionChange>& changes) {
    return apply_changes(student, changes, [](const Region& region) { return region.starter_body(); });
}

namespace {

// Keeps the folder name to letters, digits, '-' and '_', whatever the caller passes.
std::string folder_label(std::string_view why) {
    std::string label(why);
    std::replace_if(
        label.begin(), label.end(),
        [](char c) { return !(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'); }, '-');
    return label;
}

}  // namespace

fs::path backup_folder(const fs::path& loop_dir, const fs::path& backup_root, std::string_view why,
                       std::chrono::system_clock::time_point now) {
    const std::string stamp = fmt::format("{:%Y%m%d-%H%M%S}", fmt::localtime(std::chrono::system_clock::to_time_t(now)));
    const std::string base = why.empty() ? stamp : stamp + "-" + folder_label(why);
    fs::create_directories(backup_root);
    // create_directory claims the name atomically, so two backups never share a folder.
    fs::path folder = backup_root / base;
    for (int n = 2; !fs::create_directory(folder); ++n) folder = backup_root / fmt::format("{}-{}", base, n);
    for (const std::string& name : source_names(loop_dir)) fs::copy_file(loop_dir / name, folder / name);
    return folder;
}

std::vector<const Region*> regions_tagged(const std::vector<SourceFile>& files, const std::vector<std::string>& tags) {
    std::vector<const Region*> found;
    for (const auto& tag : tags) {
        for (const auto& file : files) {
            for (const auto& region : file.regions) {
                auto colons = region.name.rfind("::");
                std::string function = colons == std::string::npos ? region.name : region.name.substr(colons + 2);
                if ("[" + function + "]" == tag) found.push_back(&region);
            }
        }
    }
    return found;
}

}  // namespace looplab::kit
