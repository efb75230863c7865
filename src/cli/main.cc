// airbase's entry point: parses the command line and runs a command (cli/commands.h).
#include "cli/commands.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return airbase::cli::Run(args);
}
