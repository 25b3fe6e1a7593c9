// Interpreter::peek, the JIT's view of guest code: it decodes through the
// interpreter's decode cache, so what it returns and what the interpreter
// then runs must stay the guest's current code.
#include <gtest/gtest.h>

#include <optional>

#include "support/guest_asm.hpp"

namespace vmm::cpu {
namespace {

namespace rv = vmm::test::rv;
using namespace vmm::test::reg;  // NOLINT: register names read like assembly
using vmm::test::TestMachine;

TEST(InterpreterPeek, SeesCodeRewrittenAfterAnEarlierPeek) {
  TestMachine m;
  m.load_code({rv::addi(a0, zero, 1)});
  std::optional<isa::DecodedInsn> first = m.interp.peek(TestMachine::kRamBase);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->imm, 1);
  m.load_code({rv::addi(a0, zero, 2)});  // a loader's write: the decoded page is watched
  std::optional<isa::DecodedInsn> second = m.interp.peek(TestMachine::kRamBase);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->imm, 2);
  m.run(1);
  EXPECT_EQ(m.x(a0), 2u);
}

TEST(InterpreterPeek, AnOddPcLeavesTheInstructionOfItsParcelAlone) {
  // An odd pc shares its decode slot with the even one below it; what the
  // bytes from the odd address would decode to must not land there.
  TestMachine m;
  m.load_code({rv::addi(a0, zero, 0x123), rv::addi(a1, zero, 7)});
  (void)m.interp.peek(TestMachine::kRamBase + 1);
  m.run(2);
  EXPECT_EQ(m.x(a0), 0x123u);
  EXPECT_EQ(m.x(a1), 7u);
}

}  // namespace
}  // namespace vmm::cpu
