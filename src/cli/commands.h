// The airbase command line: `serve` and the account/token administration commands documented in
// README.md. Other tools script against these, so their output formats are stable.
#pragma once

#include <string>
#include <vector>

namespace airbase::cli {

// Runs the command in `args` (without the program name); returns the process exit code.
int Run(const std::vector<std::string>& args);

}  // namespace airbase::cli
