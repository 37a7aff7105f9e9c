// confirm.hpp: asking before a command changes the student's files.
#pragma once

#include <string_view>

namespace looplab::kit {

// True when `assume_yes` is set, or when the answer read from standard input starts with y/Y.
// Prints `question` first. No answer (end of input) is a no, so a script that forgot --yes
// changes nothing.
bool confirm(std::string_view question, bool assume_yes);

}  // namespace looplab::kit
