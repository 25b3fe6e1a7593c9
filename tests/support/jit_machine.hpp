#pragma once
// A TestMachine twin whose engine is the JIT: same RAM layout and hart
// setup, so one program can run on both and the states be compared.
#include <memory>
#include <stdexcept>

#include "support/guest_asm.hpp"
#include "vmm/jit/jit_engine.hpp"

namespace vmm::test {

/// Options that translate every region on first execution: tests of the
/// back end want translated code, not the interpreter's cold-code tier.
inline jit::JitOptions eager_options() {
  jit::JitOptions options;
  options.hot_threshold = 0;
  return options;
}

#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kAddressSanitizer = true;
#else
inline constexpr bool kAddressSanitizer = false;
#endif
#else
inline constexpr bool kAddressSanitizer = false;
#endif
/// Under AddressSanitizer the allocator reserves the address space around
/// heap objects, so the code arena cannot be placed within rip-relative
/// reach of the engine and the hart: translated code then keeps rbx as the
/// HartState's base and runs without the return stack (both still correct).
inline constexpr bool kArenaNearHeap = !kAddressSanitizer;

/// How a JitMachine's RAM is backed: privately (the JIT's TLB path), or in a
/// 4 GiB window at guest address 0 with a direct view (the JIT's direct path;
/// [kRamBase, kRamEnd) mapped RWX, the rest holes).
enum class JitRam { kPrivate, kDirectView };

class JitMachine {
 public:
  static constexpr std::uint64_t kWindow = std::uint64_t{1} << 32;

  explicit JitMachine(const jit::JitOptions& options = eager_options(), JitRam ram = JitRam::kPrivate) {
    bool added =
        ram == JitRam::kPrivate
            ? static_cast<bool>(space.add_ram(TestMachine::kRamBase, TestMachine::kRamSize, memory::kPermRWX))
            : space.add_ram(0, kWindow, memory::kPermNone, memory::RamBacking::kDirectView) &&
                  space.map(TestMachine::kRamBase, TestMachine::kRamSize, memory::kPermRWX);
    if (!added) throw std::runtime_error("add_ram failed");
    hart.pc = TestMachine::kRamBase;
    hart.priv = cpu::Privilege::kMachine;
    hart.mstatus = TestMachine::kMstatusFsInitial;
    auto created = jit::JitEngine::create(hart, memory, options);
    if (!created) throw std::runtime_error(created.error().message);
    engine = std::move(created).value();
    space.set_watch_callback([this](GuestAddr page, memory::WatchKind kind) {
      if (kind == memory::kWatchCode) engine->invalidate_code_page(page);
    });
  }
  JitMachine(const JitMachine&) = delete;
  JitMachine& operator=(const JitMachine&) = delete;

  void load_bytes(GuestAddr addr, const void* data, std::size_t len) {
    if (!memory.poke_bytes(addr, data, len)) throw std::runtime_error("load_bytes outside RAM");
  }
  void load_code(const std::vector<std::uint32_t>& code, GuestAddr addr = TestMachine::kRamBase) {
    load_bytes(addr, code.data(), code.size() * sizeof(std::uint32_t));
  }
  template <typename T>
  T peek(GuestAddr addr) {
    T value{};
    if (!memory.read_bytes(addr, &value, sizeof(T))) throw std::runtime_error("peek outside readable RAM");
    return value;
  }
  cpu::Stop run(std::uint64_t budget) { return engine->run(budget); }

  memory::AddressSpace space;
  memory::GuestMemory memory{space};
  // On the heap like a Process's, near the engine: translated code then
  // reaches both rip-relative, as in vm.
  std::unique_ptr<cpu::HartState> hart_storage = std::make_unique<cpu::HartState>();
  cpu::HartState& hart = *hart_storage;
  std::unique_ptr<jit::JitEngine> engine;
};

}  // namespace vmm::test
