// Placeholder until the `vm bench history` implementation lands.
#include <fmt/format.h>

#include "vmm/bench/commands.hpp"

namespace vmm::bench {

int cmd_history(const HistoryArgs& /*args*/) {
  fmt::print(stderr, "vm: bench history is not implemented yet\n");
  return 2;
}

}  // namespace vmm::bench
