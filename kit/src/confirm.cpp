// confirm.cpp: one yes/no question on the terminal, or an answer piped in by a script.
#include "confirm.hpp"

#include <iostream>
#include <string>

#include <fmt/format.h>

namespace looplab::kit {

bool confirm(std::string_view question, bool assume_yes) {
    if (assume_yes) return true;
    fmt::print("{} [y/N] ", question);
    std::fflush(stdout);
    std::string answer;
    if (!std::getline(std::cin, answer)) {
        fmt::print("\n(no answer: nothing changed; add --yes to skip this question)\n");
        return false;
    }
    auto first = answer.find_first_not_of(" \t");
    bool yes = first != std::string::npos && (answer[first] == 'y' || answer[first] == 'Y');
    if (!yes) fmt::print("Nothing changed.\n");
    return yes;
}

}  // namespace looplab::kit
