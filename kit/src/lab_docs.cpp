// lab_docs.cpp: finding lab folders and reading sections of their READMEs.
#include "lab_docs.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>

namespace looplab::kit {

namespace fs = std::filesystem;

std::vector<LabFolder> lab_folders(const fs::path& root) {
    std::vector<LabFolder> labs;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(root / "labs", ec)) {
        const std::string name = entry.path().filename().string();
        bool numbered = name.size() > 3 && std::isdigit(static_cast<unsigned char>(name[0])) &&
                        std::isdigit(static_cast<unsigned char>(name[1])) && name[2] == '-';
        if (entry.is_directory() && numbered) labs.push_back({std::stoi(name.substr(0, 2)), name.substr(3), entry.path()});
    }
    std::sort(labs.begin(), labs.end(), [](const LabFolder& a, const LabFolder& b) { return a.number < b.number; });
    return labs;
}

std::optional<LabFolder> lab_folder(const fs::path& root, int number) {
    for (auto& lab : lab_folders(root)) {
        if (lab.number == number) return lab;
    }
    return std::nullopt;
}

std::string markdown_section(const fs::path& file, const std::string& heading) {
    std::ifstream in(file);
    std::string line, text;
    bool inside = false;
    while (std::getline(in, line)) {
        if (line.rfind("## ", 0) == 0) {
            if (inside) break;
            inside = line.substr(3) == heading;
            continue;
        }
        if (inside) text += line + "\n";
    }
    while (!text.empty() && (text.front() == '\n')) text.erase(text.begin());
    while (!text.empty() && (text.back() == '\n')) text.pop_back();
    return text;
}

}  // namespace looplab::kit
