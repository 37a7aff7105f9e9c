// lab_docs.hpp: what the kit reads from the lab folders: which labs exist, and their READMEs.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace looplab::kit {

struct LabFolder {
    int number;
    std::string slug;  // "callbacks" for labs/01-callbacks
    std::filesystem::path dir;
};

// Every labs/NN-slug folder, by number.
std::vector<LabFolder> lab_folders(const std::filesystem::path& root);
std::optional<LabFolder> lab_folder(const std::filesystem::path& root, int number);

// The text under a "## <heading>" line of a Markdown file, up to the next "## " heading;
// empty when the file or the heading is missing.
std::string markdown_section(const std::filesystem::path& file, const std::string& heading);

}  // namespace looplab::kit
