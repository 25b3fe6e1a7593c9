// Placeholder until the `vm bench baseline` implementation lands.
#include <fmt/format.h>

#include "vmm/bench/commands.hpp"

namespace vmm::bench {

int cmd_baseline(const BaselineArgs& /*args*/) {
  fmt::print(stderr, "vm: bench baseline is not implemented yet\n");
  return 2;
}

}  // namespace vmm::bench
