// cmd_regions.cpp: the commands that read or rewrite the student's TODO regions:
// hint, diff, heal and reset. None of them needs a build.
#include <algorithm>
#include <cstdlib>
#include <exception>

#include <fmt/format.h>

#include "commands.hpp"
#include "confirm.hpp"
#include "lab_docs.hpp"
#include "line_diff.hpp"
#include "regions.hpp"

namespace looplab::kit {
namespace {

namespace fs = std::filesystem;

// "labs/loop/event_loop.cpp:38", relative to the repository so a student can click it.
std::string where(const Region& region) {
    return fmt::format("labs/loop/{}:{}", region.file, region.begin_line);
}

std::vector<const Region*> regions_of_lab(const std::vector<SourceFile>& files, int lab) {
    std::vector<const Region*> found;
    for (const auto& file : files) {
        for (const auto& region : file.regions) {
            if (region.lab == lab) found.push_back(&region);
        }
    }
    return found;
}

// Reads the student's and the reference folders. Prints what is wrong and returns false when
// the student's markers are broken or have drifted, because rewriting them then could lose work.
bool load_both(const KitPaths& paths, std::vector<SourceFile>& student, std::vector<SourceFile>& solution) {
    try {
        solution = parse_folder(paths.solution_loop());
        student = parse_folder(paths.student_loop());
    } catch (const RegionError& error) {
        fmt::print(stderr, "{}\nFix the marker above first; nothing was changed.\n", error.what());
        return false;
    }
    auto drift = find_drift(paths.student_loop(), paths.solution_loop());
    if (drift.empty()) return true;
    for (const auto& d : drift) fmt::print(stderr, "{}\n", paths.relative(d.message));
    fmt::print(stderr, "labs/loop has changed outside its TODO regions (above). Put those lines back first; "
                       "nothing was changed.\n");
    return false;
}

bool lab_exists(const KitPaths& paths, int lab) {
    if (lab_folder(paths.root, lab)) return true;
    fmt::print(stderr, "There is no lab {:02}. The labs are:", lab);
    for (const auto& l : lab_folders(paths.root)) fmt::print(stderr, " {:02} ({})", l.number, l.slug);
    fmt::print(stderr, "\n");
    return false;
}

// The terminal's width (./looplab passes it as COLUMNS); wide when unknown, e.g. in a pipe.
int terminal_width() {
    const char* columns = std::getenv("COLUMNS");
    int width = columns ? std::atoi(columns) : 0;
    return width >= 60 ? width : 160;
}

void print_restore(const fs::path& backup, const KitPaths& paths) {
    auto relative = fs::relative(backup, paths.root).string();
    fmt::print("Your files as they were are in {}/\nTo put them back: cp {}/* labs/loop/\n", relative, relative);
}

// Healed code uses the reference's names for the loop's state. A student whose state region
// differs (other member names) gets a warning, because the healed code may not compile.
void warn_about_state(const std::vector<SourceFile>& student, const std::vector<SourceFile>& solution, int lab) {
    for (const auto& file : student) {
        for (const auto& region : file.regions) {
            const Region* reference = find_region(solution, region.name);
            if (region.lab > lab || region.is_function() || is_unsolved(region) || !reference) continue;
            if (reference->body == region.body) continue;
            fmt::print("Note: your region '{}' (labs/loop/{}:{}) differs from the reference, and healed code uses\n"
                       "the reference's names. If the build now fails, compare them: ./looplab diff {}\n",
                       region.name, region.file, region.begin_line, region.lab);
        }
    }
}

void print_changes(const std::vector<RegionChange>& changes) {
    for (const auto& c : changes) fmt::print("  labs/loop/{}:{}  lab {:02}  {}\n", c.file, c.line, c.lab, c.region);
}

}  // namespace

int cmd_hint(const KitPaths& paths, int lab) {
    if (!lab_exists(paths, lab)) return 1;
    auto folder = *lab_folder(paths.root, lab);
    std::string hints = markdown_section(folder.dir / "README.md", "Hints");
    fmt::print("Lab {:02} ({}) hints, from labs/{}/README.md:\n\n{}\n\n", lab, folder.slug,
               folder.dir.filename().string(), hints.empty() ? "(this lab's README has no hints)" : hints);
    std::vector<SourceFile> student;
    try {
        student = parse_folder(paths.student_loop());
    } catch (const RegionError& error) {
        fmt::print(stderr, "{}\n", error.what());
        return 1;
    }
    fmt::print("Your TODO regions for lab {:02}:\n", lab);
    for (const Region* region : regions_of_lab(student, lab)) {
        fmt::print("  {:<8} {}  {}\n           {}\n", is_unsolved(*region) ? "starter" : "edited", where(*region),
                   region->name, region->goal);
    }
    return 0;
}

int cmd_diff(const KitPaths& paths, int lab) {
    if (!lab_exists(paths, lab)) return 1;
    std::vector<SourceFile> student, solution;
    if (!load_both(paths, student, solution)) return 1;
    for (const Region* mine : regions_of_lab(student, lab)) {
        const Region* reference = find_region(solution, mine->name);
        fmt::print("\n{}  {}{}\n", where(*mine), mine->name, is_unsolved(*mine) ? "  (not started)" : "");
        fmt::print("{}", side_by_side(mine->body, reference->body, "yours", "reference", terminal_width()));
    }
    return 0;
}

int cmd_heal(const KitPaths& paths, int lab, bool force, bool assume_yes) {
    if (!lab_exists(paths, lab)) return 1;
    std::vector<SourceFile> student, solution;
    if (!load_both(paths, student, solution)) return 1;
    auto changes = plan_heal(student, solution, lab);
    std::vector<RegionChange> worked_on;
    if (force) {
        // --force also replaces regions the student has worked on: that needs a yes.
        for (const auto& file : student) {
            for (const auto& region : file.regions) {
                const Region* reference = find_region(solution, region.name);
                bool listed = std::any_of(changes.begin(), changes.end(),
                                          [&](const RegionChange& c) { return c.region == region.name; });
                if (region.lab <= lab && !listed && reference && reference->body != region.body) {
                    worked_on.push_back({file.name, region.name, region.lab, region.begin_line});
                }
            }
        }
    }
    if (changes.empty() && worked_on.empty()) {
        fmt::print("Nothing to heal: every region of labs 01..{:02} already has code in it (yours, or healed).\n"
                   "(./looplab heal {} --force also replaces regions you have worked on.)\n", lab, lab);
        return 0;
    }
    if (!changes.empty()) {
        fmt::print("These regions are still unsolved; heal fills them from the reference:\n");
        print_changes(changes);
    }
    if (!worked_on.empty()) {
        fmt::print("These regions have YOUR work in them; --force replaces it with the reference:\n");
        print_changes(worked_on);
        if (!confirm("Replace your work in these regions?", assume_yes)) return 1;
        changes.insert(changes.end(), worked_on.begin(), worked_on.end());
    }
    fs::path backup = backup_folder(paths.student_loop(), paths.backups(), fmt::format("heal-{:02}", lab));
    write_files(paths.student_loop(), apply_heal(student, solution, changes));
    fmt::print("Healed {} region(s) with the reference's code.\n", changes.size());
    print_restore(backup, paths);
    warn_about_state(student, solution, lab);
    return 0;
}

int cmd_reset(const KitPaths& paths, int lab, bool assume_yes) {
    if (!lab_exists(paths, lab)) return 1;
    std::vector<SourceFile> student, solution;
    if (!load_both(paths, student, solution)) return 1;
    auto changes = plan_reset(student, lab);
    if (changes.empty()) {
        fmt::print("Nothing to reset: every region of lab {:02} is already its starter code.\n", lab);
        return 0;
    }
    fmt::print("Reset puts the starter code back in these regions of lab {:02}:\n", lab);
    print_changes(changes);
    if (!confirm("Reset them? (a backup is made first)", assume_yes)) return 1;
    fs::path backup = backup_folder(paths.student_loop(), paths.backups(), fmt::format("reset-{:02}", lab));
    write_files(paths.student_loop(), apply_reset(student, changes));
    fmt::print("Reset {} region(s) to their starter code.\n", changes.size());
    print_restore(backup, paths);
    return 0;
}

}  // namespace looplab::kit
