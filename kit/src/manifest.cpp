// Reading looplab-manifest.json, the build's list of labs and programs (see cmake/LooplabLabs.cmake).
#include "manifest.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>

namespace looplab::kit {
namespace {

using nlohmann::json;

constexpr const char* kBuildHint = "Build first with ./looplab run or ./looplab test (they write it).";

std::vector<std::string> split_list(const std::string& cmake_list) {
  std::vector<std::string> items;
  std::size_t start = 0;
  while (start <= cmake_list.size()) {
    auto end = std::min(cmake_list.find(';', start), cmake_list.size());
    if (end > start) items.push_back(cmake_list.substr(start, end - start));
    start = end + 1;
  }
  return items;
}

// Keys like "tests_yours" and "demo_starter" become tests["yours"] and demos["starter"], so a
// build with only some variants needs no special case.
void read_programs(const json& entry, Lab& lab) {
  for (const auto& [key, value] : entry.items()) {
    if (key.starts_with("tests_")) lab.tests[key.substr(6)] = value.get<std::string>();
    if (key.starts_with("demo_")) lab.demos[key.substr(5)] = value.get<std::string>();
  }
}

Lab read_lab(const json& entry) {
  Lab lab;
  lab.number = entry.at("number").get<int>();
  lab.slug = entry.at("slug").get<std::string>();
  lab.title = entry.value("title", lab.slug);
  lab.dir = entry.at("dir").get<std::string>();
  read_programs(entry, lab);
  return lab;
}

FuzzTarget read_fuzz_target(const json& entry) {
  FuzzTarget target;
  target.name = entry.at("name").get<std::string>();
  target.replay = entry.at("replay").get<std::string>();
  target.fuzzer = entry.value("fuzzer", "");
  target.dict = entry.value("dict", "");
  for (const auto& dir : entry.at("corpora")) target.corpora.emplace_back(dir.get<std::string>());
  return target;
}

Manifest read_manifest(const json& doc) {
  Manifest manifest;
  manifest.source_dir = doc.at("source_dir").get<std::string>();
  manifest.build_dir = doc.at("build_dir").get<std::string>();
  manifest.kit_tests = doc.value("kit_tests", "");
  manifest.viewer = doc.value("viewer", "");
  manifest.viewer_tests = doc.value("viewer_tests", "");
  manifest.variants = split_list(doc.at("variants").get<std::string>());
  manifest.test_timeout = std::chrono::seconds(doc.value("test_timeout", 10));
  manifest.stress_tests = doc.value("stress_tests", "");
  manifest.stress_timeout = std::chrono::seconds(doc.value("stress_timeout", 120));
  for (const auto& entry : doc.at("labs")) manifest.labs.push_back(read_lab(entry));
  for (const auto& entry : doc.value("fuzz", json::array())) manifest.fuzz_targets.push_back(read_fuzz_target(entry));
  return manifest;
}

}  // namespace

std::string Lab::label() const { return fmt::format("lab {:02} {}", number, slug); }

std::filesystem::path manifest_path(const std::filesystem::path& build_dir) {
  return build_dir / "looplab-manifest.json";
}

Manifest load_manifest(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw ManifestError(fmt::format("There is no build yet: {} is missing.\n{}", path.string(), kBuildHint));
  try {
    return read_manifest(json::parse(in));
  } catch (const json::exception& e) {
    throw ManifestError(fmt::format("{} is damaged or out of date ({}).\nRebuild with ./looplab run or ./looplab test.",
                                    path.string(), e.what()));
  }
}

const Lab* find_lab(const Manifest& manifest, int number) {
  for (const auto& lab : manifest.labs)
    if (lab.number == number) return &lab;
  return nullptr;
}

}  // namespace looplab::kit
