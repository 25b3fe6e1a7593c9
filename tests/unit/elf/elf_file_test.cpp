// ELF validation: every malformed input is an error with a clear message,
// never an out-of-bounds read.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "vmm/elf/elf_file.hpp"
#include "vmm/linux/process.hpp"

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

/// make_elf() with a .symtab (section 1) of one symbol "tohost" = 0x80001000
/// and its .strtab (section 2). Returns the offset of the .symtab header.
std::size_t add_symbol_table(std::vector<std::uint8_t>& f) {
  auto put16 = [&](std::size_t at, std::uint16_t v) { std::memcpy(&f[at], &v, 2); };
  auto put32 = [&](std::size_t at, std::uint32_t v) { std::memcpy(&f[at], &v, 4); };
  auto put64 = [&](std::size_t at, std::uint64_t v) { std::memcpy(&f[at], &v, 8); };
  const std::size_t strtab = f.size();
  const char names[] = "\0tohost";
  f.insert(f.end(), names, names + sizeof names);
  const std::size_t symtab = f.size();
  f.resize(symtab + 48, 0);  // the null symbol, then tohost
  put32(symtab + 24, 1);     // st_name
  put64(symtab + 24 + 8, 0x80001000);
  const std::size_t headers = f.size();
  f.resize(headers + 3 * 64, 0);  // null, .symtab, .strtab
  put64(40, headers);             // e_shoff
  put16(58, 64);                  // e_shentsize
  put16(60, 3);                   // e_shnum
  const std::size_t sym = headers + 64;
  put32(sym + 4, 2);  // SHT_SYMTAB
  put64(sym + 24, symtab);
  put64(sym + 32, 48);
  put32(sym + 40, 2);  // sh_link: .strtab
  put64(sym + 56, 24);
  const std::size_t str = headers + 128;
  put32(str + 4, 3);  // SHT_STRTAB
  put64(str + 24, strtab);
  put64(str + 32, sizeof names);
  return sym;
}

TEST(ElfFile, ASymbolTableLargerThanTheFileIsNotRead) {
  auto bytes = make_elf();
  const std::size_t symtab_header = add_symbol_table(bytes);
  {
    auto r = elf::ElfFile::parse(bytes, "prog");
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->symbol("tohost"), std::optional<GuestAddr>(0x80001000));
    EXPECT_FALSE(r->symbol("fromhost").has_value());
  }
  // A size past the end of the file (a sparse file of gigabytes would
  // otherwise be read whole): no symbols, and nothing read.
  for (std::uint64_t size : {std::uint64_t{1} << 40, std::uint64_t{bytes.size()}}) {
    auto changed = bytes;
    std::memcpy(&changed[symtab_header + 32], &size, 8);
    auto r = elf::ElfFile::parse(changed, "prog");
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_FALSE(r->symbol("tohost").has_value()) << size;
  }
  auto changed = bytes;
  const std::uint64_t string_size = std::uint64_t{1} << 40;
  std::memcpy(&changed[symtab_header + 64 + 32], &string_size, 8);
  auto r = elf::ElfFile::parse(changed, "prog");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(r->symbol("tohost").has_value());
}

/// A temporary file holding `bytes`, removed with this.
class TempFile {
 public:
  explicit TempFile(const std::vector<std::uint8_t>& bytes) {
    const int fd = ::mkstemp(m_path.data());
    EXPECT_GE(fd, 0);
    EXPECT_EQ(::write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
    ::close(fd);
  }
  ~TempFile() { ::unlink(m_path.c_str()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  [[nodiscard]] const std::string& path() const { return m_path; }

 private:
  std::string m_path = ::testing::TempDir() + "elf_file_test_XXXXXX";
};

TEST(ElfFile, AnOpenFileReadsAsItsBytesDo) {
  const auto bytes = make_elf();
  TempFile temp(bytes);
  auto file = elf::OpenFile::open(temp.path());
  ASSERT_TRUE(file) << file.error().message;
  EXPECT_EQ(file->source().size(), bytes.size());
  auto r = elf::ElfFile::parse(file->source(), "prog");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->entry(), 0x10078u);
  ASSERT_EQ(r->load_segments().size(), 1u);
  const elf::Segment& segment = r->load_segments()[0];
  std::vector<std::uint8_t> read(segment.file_size);
  ASSERT_TRUE(r->read_segment(segment, read));
  EXPECT_EQ(read, bytes);
  std::vector<std::uint8_t> short_buffer(segment.file_size - 1);
  EXPECT_FALSE(r->read_segment(segment, short_buffer));
}

TEST(ElfFile, AFileThatShrinksAfterOpeningFailsToLoadCleanly) {
  const auto bytes = make_elf();
  TempFile temp(bytes);
  auto file = elf::OpenFile::open(temp.path());
  ASSERT_TRUE(file) << file.error().message;
  auto r = elf::ElfFile::parse(file->source(), "prog");
  ASSERT_TRUE(r) << r.error().message;
  // Cut the segment's last bytes off, as a writer racing the loader might.
  ASSERT_EQ(::truncate(temp.path().c_str(), static_cast<off_t>(bytes.size() - 8)), 0);
  std::vector<std::uint8_t> read(r->load_segments()[0].file_size);
  EXPECT_FALSE(r->read_segment(r->load_segments()[0], read));

  linux_user::ProcessConfig config;
  config.argv = {"prog"};
  config.exec_path = "/prog";
  auto process = linux_user::Process::create(file->source(), "prog", config);
  ASSERT_FALSE(process);
  EXPECT_NE(process.error().message.find("cannot load segment"), std::string::npos)
      << process.error().message;
  // Shorter than its header now: parsing again says so.
  ASSERT_EQ(::truncate(temp.path().c_str(), 40), 0);
  auto again = elf::OpenFile::open(temp.path());
  ASSERT_TRUE(again);
  EXPECT_FALSE(elf::ElfFile::parse(again->source(), "prog"));
}

TEST(ElfFile, OpeningAMissingFileOrADirectoryIsAnError) {
  auto missing = elf::OpenFile::open(::testing::TempDir() + "no_such_program");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("cannot open"), std::string::npos);
  auto directory = elf::OpenFile::open(::testing::TempDir());
  ASSERT_FALSE(directory);
  EXPECT_NE(directory.error().message.find("not a regular file"), std::string::npos);
}

}  // namespace
