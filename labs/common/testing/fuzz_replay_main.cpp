// fuzz_replay_main.cpp: the main() of a fuzz target's replay program (cmake/LooplabFuzz.cmake).
// Feeds LLVMFuzzerTestOneInput every file under the folders (or the files) it is given, once
// each, in name order, the way libFuzzer runs a corpus, but built by any compiler without
// libFuzzer: ./looplab test replays the committed corpora with g++.
//
// A target reports a broken invariant by aborting, so the process dies on the input at fault;
// the line naming each input before it runs says which one that was. The last line, when all
// went well, is "replayed N inputs", which looplab-kit reads.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

namespace fs = std::filesystem;

// Every regular file under `path` (or `path` itself), sorted so a run is repeatable.
std::vector<fs::path> inputs_under(const fs::path& path) {
    std::vector<fs::path> files;
    if (fs::is_regular_file(path)) return {path};
    for (const auto& entry : fs::recursive_directory_iterator(path)) {
        if (entry.is_regular_file()) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    return files;
}

std::string read_bytes(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s CORPUS_DIR_OR_FILE...\n", argv[0]);
        return 2;
    }
    std::size_t replayed = 0;
    for (int i = 1; i < argc; ++i) {
        if (!fs::exists(argv[i])) {
            std::fprintf(stderr, "%s: no such file or folder\n", argv[i]);
            return 2;
        }
        for (const fs::path& file : inputs_under(argv[i])) {
            std::fprintf(stderr, "input: %s\n", file.c_str());
            // A std::string's data() is never null, even for an empty file, as libFuzzer promises.
            const std::string bytes = read_bytes(file);
            LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
            ++replayed;
        }
    }
    std::printf("replayed %zu inputs\n", replayed);
    return 0;
}
