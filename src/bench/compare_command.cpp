// Placeholder until the `vm bench compare` implementation lands.
#include <fmt/format.h>

#include "vmm/bench/commands.hpp"

namespace vmm::bench {

int cmd_compare(const CompareArgs& /*args*/) {
  fmt::print(stderr, "vm: bench compare is not implemented yet\n");
  return 2;
}

}  // namespace vmm::bench
