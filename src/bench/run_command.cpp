// Placeholder until the `vm bench run` implementation lands.
#include <fmt/format.h>

#include "vmm/bench/commands.hpp"

namespace vmm::bench {

int cmd_run(const RunArgs& /*args*/) {
  fmt::print(stderr, "vm: bench run is not implemented yet\n");
  return 2;
}

}  // namespace vmm::bench
