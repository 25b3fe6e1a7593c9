#include "vmm/isa/disassembler.hpp"

#include <fmt/format.h>

namespace vmm::isa {
namespace {

enum class Format { N, R, I, S, B, U, J, L, C, CI, A, FL, FS, F4, F3, F2, XF, XFF, FX };

constexpr Format kFormats[] = {
#define VMM_OP_FORMAT(name, mnemonic, format) Format::format,
    VMM_RV_OPS(VMM_OP_FORMAT)
#undef VMM_OP_FORMAT
};

const char* rm_suffix(std::uint8_t rm) {
  static constexpr const char* kNames[] = {"rne", "rtz", "rdn", "rup", "rmm", "?", "?", "dyn"};
  return kNames[rm & 7];
}

}  // namespace

const char* int_reg_name(unsigned n) {
  static constexpr const char* kNames[] = {"zero", "ra", "sp", "gp", "tp", "t0",  "t1", "t2", "s0",
                                           "s1",   "a0", "a1", "a2", "a3", "a4",  "a5", "a6", "a7",
                                           "s2",   "s3", "s4", "s5", "s6", "s7",  "s8", "s9", "s10",
                                           "s11",  "t3", "t4", "t5", "t6", "zero"};
  return n <= kZeroSink ? kNames[n] : "?";
}

const char* fp_reg_name(unsigned n) {
  static constexpr const char* kNames[] = {"ft0", "ft1", "ft2",  "ft3",  "ft4", "ft5", "ft6",  "ft7",
                                           "fs0", "fs1", "fa0",  "fa1",  "fa2", "fa3", "fa4",  "fa5",
                                           "fa6", "fa7", "fs2",  "fs3",  "fs4", "fs5", "fs6",  "fs7",
                                           "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11"};
  return n < 32 ? kNames[n] : "?";
}

std::string disassemble(const DecodedInsn& d, GuestAddr pc) {
  auto index = static_cast<std::size_t>(d.op);
  if (index >= kOpCount) return "?";
  const char* m = mnemonic(d.op);
  auto x = int_reg_name;
  auto f = fp_reg_name;
  std::string rm = d.rm == 7 ? "" : fmt::format(", {}", rm_suffix(d.rm));
  switch (kFormats[index]) {
    case Format::N:
      if (d.op == Op::kIllegal) return fmt::format("illegal {:#x}", d.raw);
      return m;
    case Format::R:
      return fmt::format("{} {}, {}, {}", m, x(d.rd), x(d.rs1), x(d.rs2));
    case Format::I:
      return fmt::format("{} {}, {}, {}", m, x(d.rd), x(d.rs1), d.imm);
    case Format::S:
      return fmt::format("{} {}, {}({})", m, x(d.rs2), d.imm, x(d.rs1));
    case Format::B:
      return fmt::format("{} {}, {}, {:#x}", m, x(d.rs1), x(d.rs2), pc + static_cast<std::int64_t>(d.imm));
    case Format::U:
      return fmt::format("{} {}, {:#x}", m, x(d.rd), static_cast<std::uint32_t>(d.imm) >> 12);
    case Format::J:
      return fmt::format("{} {}, {:#x}", m, x(d.rd), pc + static_cast<std::int64_t>(d.imm));
    case Format::L:
      return fmt::format("{} {}, {}({})", m, x(d.rd), d.imm, x(d.rs1));
    case Format::C:
      return fmt::format("{} {}, {:#x}, {}", m, x(d.rd), d.imm, x(d.rs1));
    case Format::CI:
      return fmt::format("{} {}, {:#x}, {}", m, x(d.rd), d.imm, d.rs1);
    case Format::A:
      if (d.op == Op::kLrW || d.op == Op::kLrD) return fmt::format("{} {}, ({})", m, x(d.rd), x(d.rs1));
      return fmt::format("{} {}, {}, ({})", m, x(d.rd), x(d.rs2), x(d.rs1));
    case Format::FL:
      return fmt::format("{} {}, {}({})", m, f(d.rd), d.imm, x(d.rs1));
    case Format::FS:
      return fmt::format("{} {}, {}({})", m, f(d.rs2), d.imm, x(d.rs1));
    case Format::F4:
      return fmt::format("{} {}, {}, {}, {}{}", m, f(d.rd), f(d.rs1), f(d.rs2), f(d.rs3), rm);
    case Format::F3:
      return fmt::format("{} {}, {}, {}", m, f(d.rd), f(d.rs1), f(d.rs2));
    case Format::F2:
      return fmt::format("{} {}, {}{}", m, f(d.rd), f(d.rs1), rm);
    case Format::XF:
      return fmt::format("{} {}, {}", m, x(d.rd), f(d.rs1));
    case Format::XFF:
      return fmt::format("{} {}, {}, {}", m, x(d.rd), f(d.rs1), f(d.rs2));
    case Format::FX:
      return fmt::format("{} {}, {}", m, f(d.rd), x(d.rs1));
  }
  return m;
}

}  // namespace vmm::isa
