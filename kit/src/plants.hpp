// plants.hpp: faults planted on purpose in a copy of the starter, so the kit can prove that
// ./looplab check and ./looplab grade survive a student's worst code and report it truthfully.
//
// A plant is lab 01 solved except for one region, Handle::cancel, whose body is the fault:
// the tests that cancel a handle meet it, every other lab 01 test passes. The build compiles
// lab 01's tests once per plant (cmake/LooplabPlants.cmake); `./looplab test` runs check and
// grade on each of them (cmd_plants.cpp) and checks what they report.
#pragma once

#include <filesystem>
#include <string_view>
#include <vector>

namespace looplab::kit {

struct Plant {
    std::string_view name;            // "segfault": the build's plant_segfault variant
    std::string_view fault;           // what the planted code does, for messages
    std::vector<std::string_view> includes = {};  // headers the planted code needs
    std::vector<std::string_view> body = {};      // Handle::cancel's body; empty: the solution's
    // Text that check's report and grade's per-test output must show for every test that
    // meets the fault (empty for the control plant, on which every test passes).
    std::string_view check_says = {};
    std::string_view grade_says = {};
};

// Every plant, the control ("none") first.
const std::vector<Plant>& plants();
const Plant* find_plant(std::string_view name);

// The region every plant replaces, and the lab whose regions a plant has solved.
inline constexpr std::string_view kPlantedRegion = "Handle::cancel";
inline constexpr int kPlantedLab = 1;

// Writes <to>/base/: every file of the solution with lab 01's regions solved and the other
// labs' regions starter code; and <to>/<name>/<file of the planted region> for each plant named.
// Rewrites only files whose content changes. Throws RegionError, or std::invalid_argument for a
// plant name that does not exist.
void write_plants(const std::filesystem::path& solution_dir, const std::filesystem::path& to,
                  const std::vector<std::string>& names);

}  // namespace looplab::kit
