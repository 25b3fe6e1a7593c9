// ELF validation: every malformed input is an error with a clear message,
// never an out-of-bounds read.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "vmm/elf/elf_file.hpp"

namespace {

using namespace vmm;

/// A minimal valid RV64 ET_EXEC with one PT_LOAD segment of `code` bytes.
std::vector<std::uint8_t> make_elf(std::uint16_t machine = 243, std::uint8_t elf_class = 2) {
  std::vector<std::uint8_t> f(64 + 56 + 16, 0);
  std::memcpy(f.data(),
              "\x7f"
              "ELF",
              4);
  f[4] = elf_class;
  f[5] = 1;  // little-endian
  f[6] = 1;
  auto put16 = [&](std::size_t at, std::uint16_t v) { std::memcpy(&f[at], &v, 2); };
  auto put32 = [&](std::size_t at, std::uint32_t v) { std::memcpy(&f[at], &v, 4); };
  auto put64 = [&](std::size_t at, std::uint64_t v) { std::memcpy(&f[at], &v, 8); };
  put16(16, 2);  // ET_EXEC
  put16(18, machine);
  put64(24, 0x10078);  // entry
  put64(32, 64);       // phoff
  put16(52, 64);
  put16(54, 56);        // phentsize
  put16(56, 1);         // phnum
  put32(64, 1);         // PT_LOAD
  put32(68, 5);         // R+X
  put64(72, 0);         // offset
  put64(80, 0x10000);   // vaddr
  put64(88, 0x10000);   // paddr
  put64(96, f.size());  // filesz
  put64(104, 0x2000);   // memsz
  return f;
}

std::string parse_error(const std::vector<std::uint8_t>& bytes) {
  auto r = elf::ElfFile::parse(bytes, "prog");
  return r ? std::string("<ok>") : r.error().message;
}

TEST(ElfFile, ValidFileParses) {
  auto bytes = make_elf();
  auto r = elf::ElfFile::parse(bytes, "prog");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->entry(), 0x10078u);
  ASSERT_EQ(r->load_segments().size(), 1u);
  EXPECT_EQ(r->load_segments()[0].mem_size, 0x2000u);
  EXPECT_FALSE(r->has_interpreter());
}

TEST(ElfFile, NotAnElf) {
  EXPECT_NE(parse_error({'h', 'e', 'l', 'l', 'o'}).find("not an ELF"), std::string::npos);
}

TEST(ElfFile, EmptyFile) { EXPECT_NE(parse_error({}).find("not an ELF"), std::string::npos); }

TEST(ElfFile, TruncatedHeader) {
  auto bytes = make_elf();
  bytes.resize(40);
  EXPECT_NE(parse_error(bytes).find("truncated"), std::string::npos);
}

TEST(ElfFile, TruncatedProgramHeaders) {
  auto bytes = make_elf();
  bytes.resize(64 + 20);
  EXPECT_NE(parse_error(bytes).find("truncated"), std::string::npos);
}

TEST(ElfFile, SegmentPastEndOfFile) {
  auto bytes = make_elf();
  std::uint64_t filesz = 1u << 20;
  std::memcpy(&bytes[96], &filesz, 8);
  EXPECT_NE(parse_error(bytes).find("past the end"), std::string::npos);
}

TEST(ElfFile, ThirtyTwoBit) { EXPECT_NE(parse_error(make_elf(243, 1)).find("32-bit"), std::string::npos); }

TEST(ElfFile, WrongArchitectureIsNamed) {
  EXPECT_NE(parse_error(make_elf(62)).find("x86-64"), std::string::npos);
  EXPECT_NE(parse_error(make_elf(183)).find("AArch64"), std::string::npos);
}

TEST(ElfFile, WrappingSegmentRejected) {
  auto bytes = make_elf();
  std::uint64_t vaddr = ~std::uint64_t{0} - 0x100;
  std::memcpy(&bytes[80], &vaddr, 8);
  EXPECT_NE(parse_error(bytes).find("wrapping"), std::string::npos);
}

TEST(ElfFile, FileSizeLargerThanMemorySizeRejected) {
  auto bytes = make_elf();
  std::uint64_t memsz = 4;
  std::memcpy(&bytes[104], &memsz, 8);
  EXPECT_NE(parse_error(bytes).find("file size"), std::string::npos);
}

TEST(ElfFile, InterpreterMarksDynamicProgram) {
  auto bytes = make_elf();
  std::uint32_t interp = 3;
  std::memcpy(&bytes[64], &interp, 4);  // the only segment becomes PT_INTERP
  EXPECT_NE(parse_error(bytes).find("no loadable segments"), std::string::npos);
}

TEST(ElfFile, MissingSymbolTableGivesNoSymbol) {
  auto bytes = make_elf();
  auto r = elf::ElfFile::parse(bytes, "prog");
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->symbol("tohost").has_value());
}

}  // namespace
