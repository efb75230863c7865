// airbase's entry point: parses the command line and runs a command (cli/commands.h).
#include <malloc.h>

#include "cli/commands.h"
#include "common/limits.h"

int main(int argc, char** argv) {
  // A response body (a page of records: ~50-200 KB) is allocated and freed per request. With
  // glibc's defaults each free at the heap's top returned the memory (madvise) and the next
  // request faulted it back in: a system call and page faults per list. Freed memory is kept up
  // to kMallocTrimBytes per arena, and blocks below kMallocMmapBytes come from the heap.
  mallopt(M_MMAP_THRESHOLD, static_cast<int>(airbase::kMallocMmapBytes));
  mallopt(M_TRIM_THRESHOLD, static_cast<int>(airbase::kMallocTrimBytes));
  std::vector<std::string> args(argv + 1, argv + argc);
  return airbase::cli::Run(args);
}
