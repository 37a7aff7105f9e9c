// regions.hpp: reads, checks and rewrites the exercise regions ("// TODO(lab NN) ..." blocks) of the loop sources.
//
// A region in a source file looks like this:
//
//     // TODO(lab 01) EventLoop::call_soon: queue the callback to run on the next iteration.
//     <body lines: the student's work>
//     // END TODO(lab 01)
//
// The region's name (between the lab number and the first ": ") is unique in the loop folder;
// it is how a student's region is matched with the reference solution's.
#pragma once

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace looplab::kit {

// Every problem found in region markers. what() reads "path:line: problem: what to do".
class RegionError : public std::runtime_error {
public:
    RegionError(std::string file, int line, const std::string& message);
    const std::string& file() const { return file_; }
    int line() const { return line_; }

private:
    std::string file_;
    int line_;
};

struct Region {
    std::string file;  // file name relative to the loop folder, e.g. "event_loop.cpp"
    int lab = 0;
    std::string name;
    std::string goal;
    std::string indent;  // the opening marker's leading whitespace
    int begin_line = 0;  // 1-based line of the "// TODO(lab NN)" marker
    int end_line = 0;    // 1-based line of the "// END TODO(lab NN)" marker
    std::vector<std::string> body;

    // A region named like "EventLoop::call_soon" is a whole function body.
    bool is_function() const;
    // What the student starts with: a not_implemented throw for a function, nothing otherwise.
    std::vector<std::string> starter_body() const;
};

struct SourceFile {
    std::string name;                // relative to the loop folder
    std::vector<std::string> lines;  // every line (markers and bodies too), without line endings
    bool final_newline = true;       // whether the text ends with a line ending
    std::vector<Region> regions;     // in file order; each body is a copy of its lines
};

// Parses one file. `display_path` (default: `name`) is what error messages call the file.
SourceFile parse_source(std::string name, std::string_view text, std::string_view display_path = {});
// Parses every *.hpp and *.cpp directly in `dir`, in file name order, and checks that region
// names are unique across them. Errors name files as `dir / file name`.
std::vector<SourceFile> parse_folder(const std::filesystem::path& dir);

const Region* find_region(const SourceFile& file, std::string_view region_name);
const Region* find_region(const std::vector<SourceFile>& files, std::string_view region_name);

// The regions named by a test's tags: the tag [run_once] names the region of EventLoop::run_once
// (a tag matches the part of a region's name after its last "::", or the whole name).
std::vector<const Region*> regions_tagged(const std::vector<SourceFile>& files, const std::vector<std::string>& tags);

// The file's text again, with "\n" line endings.
std::string render(const SourceFile& file);
// A copy of `file` with one region's body replaced; later regions' line numbers follow.
SourceFile with_body(const SourceFile& file, const std::string& region_name, std::vector<std::string> body);
// The whole file with every region body replaced by its starter body.
std::string starter_text(const SourceFile& file);

// Writes the starter version of every solution file into `out_dir`, rewriting only files whose
// content changes (so the build does not recompile them needlessly), and deletes *.hpp/*.cpp
// there that the solution no longer has. Returns how many files were written.
int write_starter(const std::filesystem::path& solution_dir, const std::filesystem::path& out_dir);

// True when the body is still the starter body, ignoring blank lines and whitespace differences.
bool is_unsolved(const Region& region);

// One way the student's folder strays from the kit's outside the regions.
struct Drift {
    std::string file;     // display path: the student folder as given joined with the file name
    int line;             // 1-based line in the student's file; 0 when it is about the whole file
    std::string message;  // ready to print: "path:line: what is wrong. What to do."
};

// Compares the folders outside region bodies: same files, same regions (names, labs, order),
// same lines elsewhere (marker lines included, trailing whitespace ignored). Reports at most one
// difference per file. A student file whose markers do not parse is reported as drift;
// a solution that does not parse throws RegionError.
std::vector<Drift> find_drift(const std::filesystem::path& student_dir, const std::filesystem::path& solution_dir);

// A region that heal or reset will rewrite (`line` is its opening marker in the student's file).
struct RegionChange {
    std::string file;
    std::string region;
    int lab;
    int line;
};

// Every unsolved student region of a lab up to `up_to_lab`. Throws RegionError when one of
// them is missing from the solution (run find_drift first).
std::vector<RegionChange> plan_heal(const std::vector<SourceFile>& student, const std::vector<SourceFile>& solution,
                                    int up_to_lab);
// Every student region of exactly `lab` whose body is not already its starter body.
std::vector<RegionChange> plan_reset(const std::vector<SourceFile>& student, int lab);

// The student's files with each planned region's body copied, as is, from the solution.
std::vector<SourceFile> apply_heal(const std::vector<SourceFile>& student, const std::vector<SourceFile>& solution,
                                   const std::vector<RegionChange>& changes);
// The student's files with each planned region's body put back to its starter body.
std::vector<SourceFile> apply_reset(const std::vector<SourceFile>& student, const std::vector<RegionChange>& changes);

// Copies every *.hpp/*.cpp of `loop_dir` into backup_root/<YYYYmmdd-HHMMSS>-<why>/ (local time;
// "-2", "-3", ... appended if that folder exists) and returns the new folder.
std::filesystem::path backup_folder(const std::filesystem::path& loop_dir, const std::filesystem::path& backup_root,
                                    std::string_view why,
                                    std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

// Writes each file into `dir` whose rendered text differs from what is on disk, each one
// atomically (temporary file, then rename). Returns how many files were written.
int write_files(const std::filesystem::path& dir, const std::vector<SourceFile>& files);

}  // namespace looplab::kit
