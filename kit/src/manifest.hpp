// manifest: what the build produced (labs, their test and demo programs), read from looplab-manifest.json.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace looplab::kit {

// Thrown when the manifest is missing or unreadable; what() tells the user what to do.
struct ManifestError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Lab {
  int number = 0;
  std::string slug, title;
  std::filesystem::path dir;
  std::map<std::string, std::filesystem::path> tests;  // by variant: "yours", "reference", "starter"
  std::map<std::string, std::filesystem::path> demos;  // by variant; a lab may have no demo

  std::string label() const;  // "lab 01 callbacks"
};

// A libFuzzer target (cmake/LooplabFuzz.cmake): its replay program (every build), its libFuzzer
// program (build/fuzz only; empty elsewhere), its dictionary and its committed corpora.
struct FuzzTarget {
  std::string name;  // "request_parser"
  std::filesystem::path replay, fuzzer, dict;
  std::vector<std::filesystem::path> corpora;  // the first is the regression corpus
};

struct Manifest {
  std::filesystem::path source_dir, build_dir, kit_tests;
  std::filesystem::path viewer, viewer_tests;  // empty when the build has no viewer
  std::vector<std::string> variants;  // the variants this build made, e.g. {"yours", "reference", "starter"}
  std::chrono::seconds test_timeout{10};
  std::filesystem::path stress_tests;        // solutions/stress; empty when not built
  std::chrono::seconds stress_timeout{120};  // per stress case: they load the loop for seconds
  std::vector<Lab> labs;  // in the order CMake added them
  std::vector<FuzzTarget> fuzz_targets;
};

// Where CMake writes the manifest inside a build directory.
std::filesystem::path manifest_path(const std::filesystem::path& build_dir);

// Reads a manifest written by CMake. Throws ManifestError (never anything else) when the file is
// missing or malformed, with a message that tells the user to build with ./looplab run or test.
Manifest load_manifest(const std::filesystem::path& path);

// The lab with that number, or nullptr. The pointer lives as long as the manifest.
const Lab* find_lab(const Manifest& manifest, int number);

}  // namespace looplab::kit
