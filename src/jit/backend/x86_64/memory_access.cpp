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

void TlbMemoryAccess::emit_translate(x86::Assembler& a, memory::Access access, unsigned size,
                                     const Label& slow) const {
  using namespace x86;
  const auto base = static_cast<std::int32_t>(array_offset(access));
  constexpr auto kTag = static_cast<std::int32_t>(offsetof(memory::TlbEntry, tag));
  constexpr auto kAddend = static_cast<std::int32_t>(offsetof(memory::TlbEntry, addend));
  static_assert(memory::Tlb::kEntries == 256 && sizeof(memory::TlbEntry) == 16);
  // rcx = index * 16 = ((addr >> 12) & 255) << 4 = (addr >> 8) & 0xff0
  a.mov(rcx, rax);
  a.shr(rcx, 8);
  a.and_(ecx, 0xff0);
  // rdx = the tag an entry must hold: misaligned accesses keep low bits and miss.
  auto mask = static_cast<std::int32_t>(~static_cast<std::int64_t>(kPageOffsetMask) | (size - 1));
  if (m_near) {
    auto disp = static_cast<std::int32_t>(m_delta) + base;
    a.mov(rdx, rax);
    a.and_(rdx, mask);
    a.cmp(rdx, qword_ptr(rbx, rcx, 0, disp + kTag));
    a.jne(slow);
    a.add(rax, qword_ptr(rbx, rcx, 0, disp + kAddend));
    return;
  }
  a.mov(rdx, reinterpret_cast<std::uintptr_t>(m_tlb) + static_cast<std::uintptr_t>(base));
  a.add(rcx, rdx);
  a.mov(rdx, rax);
  a.and_(rdx, mask);
  a.cmp(rdx, qword_ptr(rcx, kTag));
  a.jne(slow);
  a.add(rax, qword_ptr(rcx, kAddend));
}

void DirectMemoryAccess::emit_translate(x86::Assembler& a, memory::Access /*access*/, unsigned /*size*/,
                                        const Label& slow) const {
  using namespace x86;
  // An access that starts below the limit ends in the view or in its guard page.
  a.cmp(rax, qword_ptr(reinterpret_cast<std::uint64_t>(m_limit)));
  a.jae(slow);
  a.add(rax, qword_ptr(reinterpret_cast<std::uint64_t>(m_base)));
}

}  // namespace vmm::jit::x86_64
