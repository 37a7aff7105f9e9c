// plants.cpp: the planted faults, and writing the planted copies of the loop.
#include "plants.hpp"

#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "regions.hpp"

namespace looplab::kit {

namespace fs = std::filesystem;

const std::vector<Plant>& plants() {
    // Each fault is one a student really writes: an exception out of a noexcept-looking
    // function, a null pointer, an assert, a lock taken twice, a loop whose exit never comes,
    // and debugging output left in a hot path.
    static const std::vector<Plant> all = {
        {.name = "none", .fault = "is the solution's (the control)"},
        {.name = "throws",
         .fault = "throws an exception",
         .includes = {"<stdexcept>"},
         .body = {"throw std::runtime_error(\"planted fault: Handle::cancel throws\");"},
         .check_says = "planted fault: Handle::cancel throws",
         .grade_says = "planted fault: Handle::cancel throws"},
        {.name = "segfault",
         .fault = "writes through a null pointer",
         .body = {"volatile int* nowhere = nullptr;", "*nowhere = 1;"},
         .check_says = "crashed: segmentation fault (SIGSEGV)",
         .grade_says = "crashed: segmentation fault (SIGSEGV)"},
        {.name = "aborts",
         .fault = "calls std::abort()",
         .includes = {"<cstdlib>"},
         .body = {"std::abort();"},
         .check_says = "aborted (SIGABRT)",
         .grade_says = "aborted (SIGABRT)"},
        {.name = "deadlocks",
         .fault = "locks a mutex it already holds",
         .includes = {"<mutex>"},
         .body = {"static std::mutex gate;", "const std::lock_guard held(gate);", "gate.lock();"},
         .check_says = "timed out after",
         .grade_says = "timed out after"},
        {.name = "spins",
         .fault = "loops forever",
         .body = {"for (volatile bool forever = true; forever;) {", "}"},
         .check_says = "timed out after",
         .grade_says = "timed out after"},
        {.name = "floods",
         .fault = "prints 3 MB of output and cancels nothing",
         .includes = {"<cstdio>"},
         .body = {"for (int line = 0; line < 50'000; ++line) {",
                  "    std::puts(\"Handle::cancel: still here, still here, still here, still here\");",
                  "}"},
         .check_says = "lines cut ...]",
         .grade_says = ": FAILED:"},  // the verdict outlives the flood
    };
    return all;
}

const Plant* find_plant(std::string_view name) {
    for (const Plant& plant : plants()) {
        if (plant.name == name) return &plant;
    }
    return nullptr;
}

namespace {

// The solution with lab 01's regions as they are and every later region's starter body.
std::vector<SourceFile> lab01_solved(const fs::path& solution_dir) {
    std::vector<SourceFile> files = parse_folder(solution_dir);
    for (SourceFile& file : files) {
        for (const Region& region : SourceFile(file).regions) {
            if (region.lab != kPlantedLab) file = with_body(file, region.name, region.starter_body());
        }
    }
    return files;
}

// `file` with the planted region's body replaced by the plant's, and its headers included
// after the file's first #include.
SourceFile planted(const SourceFile& file, const Plant& plant) {
    if (plant.body.empty()) return file;
    const Region* region = find_region(file, kPlantedRegion);
    std::vector<std::string> body;
    for (std::string_view line : plant.body) body.push_back(region->indent + std::string(line));
    SourceFile out = with_body(file, std::string(kPlantedRegion), body);
    std::string text = render(out);
    std::string headers = fmt::format("// Planted by looplab-kit: Handle::cancel {}.\n", plant.fault);
    for (std::string_view header : plant.includes) headers += fmt::format("#include {}\n", header);
    const auto first_include = text.find("#include");
    text.insert(first_include == std::string::npos ? 0 : first_include, headers);
    return parse_source(out.name, text);
}

}  // namespace

void write_plants(const fs::path& solution_dir, const fs::path& to, const std::vector<std::string>& names) {
    const std::vector<SourceFile> base = lab01_solved(solution_dir);
    fs::create_directories(to / "base");
    write_files(to / "base", base);
    const SourceFile* home = nullptr;
    for (const SourceFile& file : base) {
        if (find_region(file, kPlantedRegion)) home = &file;
    }
    if (!home) throw std::invalid_argument(fmt::format("no region named {} in {}", kPlantedRegion, solution_dir.string()));
    for (const std::string& name : names) {
        const Plant* plant = find_plant(name);
        if (!plant) throw std::invalid_argument(fmt::format("there is no plant called '{}'", name));
        fs::create_directories(to / name);
        write_files(to / name, {planted(*home, *plant)});
    }
}

}  // namespace looplab::kit
