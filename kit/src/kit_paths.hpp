// kit_paths.hpp: where everything is, given the repository root and the build folder.
#pragma once

#include <filesystem>
#include <string>

namespace looplab::kit {

struct KitPaths {
    std::filesystem::path root;   // the repository (where ./looplab is)
    std::filesystem::path build;  // the build folder (build/default)

    std::filesystem::path student_loop() const { return root / "labs" / "loop"; }
    std::filesystem::path solution_loop() const { return root / "solutions" / "loop"; }
    std::filesystem::path starter_loop() const { return build / "starter" / "loop"; }  // made by the build
    std::filesystem::path manifest() const { return build / "looplab-manifest.json"; }
    std::filesystem::path traces() const { return build / "traces"; }
    std::filesystem::path backups() const { return root / ".looplab" / "backups"; }
    // Written by ./looplab when the student's loop failed to build (its first errors), removed
    // when it builds: while it exists, the "yours" test programs are from an older build.
    std::filesystem::path yours_did_not_compile() const { return build / "yours-did-not-compile.txt"; }

    // `text` with every absolute path inside the repository made relative to it, so messages
    // name "labs/loop/event_loop.cpp:42" as a student sees it.
    std::string relative(std::string text) const {
        const std::string prefix = std::filesystem::absolute(root).lexically_normal().string() + "/";
        for (auto at = text.find(prefix); at != std::string::npos; at = text.find(prefix, at)) {
            text.erase(at, prefix.size());
        }
        return text;
    }
};

}  // namespace looplab::kit
