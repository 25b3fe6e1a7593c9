// The initial stack must match Linux's layout (fs/binfmt_elf.c): glibc's
// start-up code reads argc, argv, envp and auxv from it.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "vmm/linux/initial_stack.hpp"
#include "vmm/memory/address_space.hpp"
#include "vmm/memory/guest_memory.hpp"

namespace {

using namespace vmm;
using namespace vmm::linux_user;

constexpr GuestAddr kStackTop = 0x7fff0000;
constexpr std::uint64_t kStackSize = 1u << 20;

struct StackFixture : ::testing::Test {
  memory::AddressSpace space;
  std::unique_ptr<memory::GuestMemory> mem;
  void SetUp() override {
    ASSERT_TRUE(space.add_ram(kStackTop - kStackSize, kStackSize, memory::kPermRW));
    mem = std::make_unique<memory::GuestMemory>(space);
  }
  std::uint64_t word(GuestAddr addr) {
    std::uint64_t v = 0;
    EXPECT_TRUE(mem->read_bytes(addr, &v, 8));
    return v;
  }
  std::string string_at(GuestAddr addr) {
    std::string s;
    for (;; ++addr) {
      char c = 0;
      EXPECT_TRUE(mem->read_bytes(addr, &c, 1));
      if (c == 0) return s;
      s.push_back(c);
    }
  }
};

TEST_F(StackFixture, LayoutIsArgcArgvEnvpAuxv) {
  StackImage image;
  image.argv = {"prog", "first arg", ""};
  image.envp = {"A=1", "PATH=/bin"};
  image.execfn = "/abs/prog";
  image.phdr = 0x10040;
  image.phnum = 7;
  image.entry = 0x10abc;
  for (int i = 0; i < 16; ++i) image.random[i] = static_cast<std::uint8_t>(i * 3);
  auto sp = build_initial_stack(*mem, kStackTop, kStackSize, image);
  ASSERT_TRUE(sp);
  GuestAddr p = sp.value();
  EXPECT_EQ(p % 16, 0u) << "the ABI requires a 16-byte aligned sp at entry";
  EXPECT_EQ(word(p), 3u);
  EXPECT_EQ(string_at(word(p + 8)), "prog");
  EXPECT_EQ(string_at(word(p + 16)), "first arg");
  EXPECT_EQ(string_at(word(p + 24)), "");
  EXPECT_EQ(word(p + 32), 0u) << "argv is NULL-terminated";
  EXPECT_EQ(string_at(word(p + 40)), "A=1");
  EXPECT_EQ(string_at(word(p + 48)), "PATH=/bin");
  EXPECT_EQ(word(p + 56), 0u) << "envp is NULL-terminated";

  std::map<std::uint64_t, std::uint64_t> aux;
  GuestAddr a = p + 64;
  for (; word(a) != auxv::kNull; a += 16) aux[word(a)] = word(a + 8);
  EXPECT_EQ(aux.at(auxv::kPhdr), 0x10040u);
  EXPECT_EQ(aux.at(auxv::kPhnum), 7u);
  EXPECT_EQ(aux.at(auxv::kPhent), 56u);
  EXPECT_EQ(aux.at(auxv::kPagesz), 4096u);
  EXPECT_EQ(aux.at(auxv::kEntry), 0x10abcu);
  EXPECT_EQ(aux.at(auxv::kClktck), 100u);
  EXPECT_EQ(aux.at(auxv::kSecure), 0u);
  EXPECT_EQ(aux.at(auxv::kHwcap), kHwcap);
  EXPECT_EQ(string_at(aux.at(auxv::kExecfn)), "/abs/prog");
  GuestAddr random = aux.at(auxv::kRandom);
  for (int i = 0; i < 16; ++i) {
    std::uint8_t b = 0;
    ASSERT_TRUE(mem->read_bytes(random + i, &b, 1));
    EXPECT_EQ(b, i * 3);
  }
  // Strings and random bytes live above the pointer arrays, inside the stack.
  EXPECT_GT(random, a);
  EXPECT_LT(aux.at(auxv::kExecfn), kStackTop);
}

TEST_F(StackFixture, HwcapAdvertisesImafdc) {
  for (char ext : {'I', 'M', 'A', 'F', 'D', 'C'}) EXPECT_TRUE(kHwcap & (1u << (ext - 'A'))) << ext;
  EXPECT_FALSE(kHwcap & (1u << ('V' - 'A')));
}

TEST_F(StackFixture, ArgumentsTooLargeForTheStackFail) {
  StackImage image;
  image.argv = {std::string(kStackSize, 'x')};
  auto sp = build_initial_stack(*mem, kStackTop, kStackSize, image);
  ASSERT_FALSE(sp);
  EXPECT_NE(sp.error().message.find("do not fit"), std::string::npos);
}

}  // namespace
