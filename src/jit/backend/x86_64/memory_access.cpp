#include "memory_access.hpp"

#include <cstddef>
#include <limits>

namespace vmm::jit::x86_64 {

using namespace asmjit;

namespace {

std::size_t array_offset(memory::Access access) {
  switch (access) {
    case memory::Access::kRead:
      return offsetof(memory::Tlb, read);
    case memory::Access::kWrite:
      return offsetof(memory::Tlb, write);
    case memory::Access::kFetch:
      break;
  }
  return offsetof(memory::Tlb, fetch);
}

}  // namespace

TlbMemoryAccess::TlbMemoryAccess(const memory::Tlb* tlb, const void* hart, bool force_absolute) : m_tlb(tlb) {
  // Differences between unrelated objects go through integers on purpose.
  auto delta = static_cast<std::int64_t>(reinterpret_cast<std::uintptr_t>(tlb) -
                                         reinterpret_cast<std::uintptr_t>(hart));
  constexpr std::int64_t kReach =
      std::numeric_limits<std::int32_t>::max() - static_cast<std::int64_t>(sizeof(memory::Tlb));
  m_near = !force_absolute && delta > -kReach && delta < kReach;
  m_delta = delta;
}

x86::Mem TlbMemoryAccess::emit_address(x86::Assembler& a, memory::Access access, unsigned size,
                                       const x86::Gp& base, std::int32_t disp, const Label& slow,
                                       bool /*base_checked*/) const {
  return lookup(a, access, false, size, base, disp, slow);
}

x86::Mem TlbMemoryAccess::emit_read_write_address(x86::Assembler& a, unsigned size, const x86::Gp& base,
                                                  const Label& slow, bool /*base_checked*/) const {
  return lookup(a, memory::Access::kWrite, true, size, base, 0, slow);
}

x86::Mem TlbMemoryAccess::lookup(x86::Assembler& a, memory::Access access, bool also_read, unsigned size,
                                 const x86::Gp& base, std::int32_t disp, const Label& slow) const {
  using namespace x86;
  const auto table = static_cast<std::int32_t>(array_offset(access));
  const auto read_table = static_cast<std::int32_t>(array_offset(memory::Access::kRead));
  constexpr auto kTag = static_cast<std::int32_t>(offsetof(memory::TlbEntry, tag));
  constexpr auto kAddend = static_cast<std::int32_t>(offsetof(memory::TlbEntry, addend));
  static_assert(memory::Tlb::kEntries == 256 && sizeof(memory::TlbEntry) == 16);
  a.lea(rax, qword_ptr(base, disp));
  // rcx = index * 16 = ((addr >> 12) & 255) << 4 = (addr >> 8) & 0xff0
  a.mov(rcx, rax);
  a.shr(rcx, 8);
  a.and_(ecx, 0xff0);
  // rdx = the tag an entry must hold: misaligned accesses keep low bits and miss.
  auto mask = static_cast<std::int32_t>(~static_cast<std::int64_t>(kPageOffsetMask) | (size - 1));
  if (m_near) {
    auto disp_tlb = static_cast<std::int32_t>(m_delta) + table;
    a.mov(rdx, rax);
    a.and_(rdx, mask);
    a.cmp(rdx, qword_ptr(rbx, rcx, 0, disp_tlb + kTag));
    a.jne(slow);
    if (also_read) {
      a.cmp(rdx, qword_ptr(rbx, rcx, 0, static_cast<std::int32_t>(m_delta) + read_table + kTag));
      a.jne(slow);
    }
    a.add(rax, qword_ptr(rbx, rcx, 0, disp_tlb + kAddend));
    return ptr(rax);
  }
  a.mov(rdx, reinterpret_cast<std::uintptr_t>(m_tlb));
  a.add(rcx, rdx);
  a.mov(rdx, rax);
  a.and_(rdx, mask);
  a.cmp(rdx, qword_ptr(rcx, table + kTag));
  a.jne(slow);
  if (also_read) {
    a.cmp(rdx, qword_ptr(rcx, read_table + kTag));
    a.jne(slow);
  }
  a.add(rax, qword_ptr(rcx, table + kAddend));
  return ptr(rax);
}

x86::Mem DirectMemoryAccess::emit_address(x86::Assembler& a, memory::Access /*access*/, unsigned /*size*/,
                                          const x86::Gp& base, std::int32_t disp, const Label& slow,
                                          bool base_checked) const {
  using namespace x86;
  // base < size puts base + disp (|disp| <= 2 KiB) + size - 1 inside the view or
  // its guards (kViewGuardBytes); so does a base an earlier access of the run checked.
  if (!base_checked) emit_base_check(a, base, slow);
  if (m_low_view != 0) return ptr(base, m_low_view + disp);
  return ptr(m_view_base, base, 0, disp);
}

void DirectMemoryAccess::emit_base_check(x86::Assembler& a, const x86::Gp& base, const Label& fail) const {
  a.cmp(base, x86::qword_ptr(reinterpret_cast<std::uint64_t>(m_limit)));
  a.jae(fail);
}

std::int32_t DirectMemoryAccess::low_view(const std::uint8_t* view) {
  // Displacements of guest accesses are 12-bit: view + disp must stay a
  // positive 32-bit number.
  constexpr std::uintptr_t kMaxDisp = 2048;
  const auto at = reinterpret_cast<std::uintptr_t>(view);
  if (at <= kMaxDisp || at + kMaxDisp > static_cast<std::uintptr_t>(std::numeric_limits<std::int32_t>::max()))
    return 0;
  return static_cast<std::int32_t>(at);
}

}  // namespace vmm::jit::x86_64
