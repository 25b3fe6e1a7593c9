#pragma once
// A validated view of a RISC-V ELF64 executable: every header, segment and
// symbol-table access is bounds-checked once here, so loaders work on plain
// validated structs (parse, then act).
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "vmm/core/result.hpp"
#include "vmm/core/types.hpp"

namespace vmm::elf {

struct Segment {
  GuestAddr vaddr = 0;
  GuestAddr paddr = 0;
  std::uint64_t file_offset = 0;
  std::uint64_t file_size = 0;
  std::uint64_t mem_size = 0;
  std::uint32_t flags = 0;  ///< PF_R = 4, PF_W = 2, PF_X = 1
};

inline constexpr std::uint32_t kPfX = 1, kPfW = 2, kPfR = 4;

/// Where an ELF's bytes are read from: memory (the built-in guest, tests) or
/// an open file, read on demand so that segments go from the file straight
/// into guest memory. A small value that owns nothing: the bytes, or the
/// file (OpenFile), must outlive it.
class ByteSource {
 public:
  explicit ByteSource(std::span<const std::uint8_t> bytes) : m_bytes(bytes), m_size(bytes.size()) {}
  ByteSource(int fd, std::uint64_t size) : m_fd(fd), m_size(size) {}

  /// The size the file had when it was opened.
  [[nodiscard]] std::uint64_t size() const { return m_size; }
  /// The open file (a loader may map its pages), or -1 for bytes in memory.
  [[nodiscard]] int fd() const { return m_fd; }
  /// Fills `out` with the bytes at `offset`; false unless all of them are
  /// there (a read error, or a file that shrank since it was opened).
  [[nodiscard]] bool read(std::uint64_t offset, std::span<std::uint8_t> out) const;

 private:
  std::span<const std::uint8_t> m_bytes;
  int m_fd = -1;
  std::uint64_t m_size = 0;
};

/// An open regular file, closed when this goes.
class OpenFile {
 public:
  /// Opens `path` for reading; errors name it (missing, not a regular file...).
  static Result<OpenFile> open(const std::string& path);
  OpenFile(OpenFile&& other) noexcept : m_fd(other.m_fd), m_size(other.m_size) { other.m_fd = -1; }
  OpenFile& operator=(OpenFile&&) = delete;
  OpenFile(const OpenFile&) = delete;
  OpenFile& operator=(const OpenFile&) = delete;
  ~OpenFile();

  [[nodiscard]] ByteSource source() const { return {m_fd, m_size}; }

 private:
  OpenFile(int fd, std::uint64_t size) : m_fd(fd), m_size(size) {}
  int m_fd = -1;
  std::uint64_t m_size = 0;
};

class ElfFile {
 public:
  /// Parses and validates the ELF in `source` (kept: what it reads from must
  /// outlive the ElfFile). `name` is used in error messages.
  static Result<ElfFile> parse(ByteSource source, const std::string& name);
  static Result<ElfFile> parse(std::span<const std::uint8_t> bytes, const std::string& name) {
    return parse(ByteSource(bytes), name);
  }

  [[nodiscard]] GuestAddr entry() const { return m_entry; }
  [[nodiscard]] bool is_dynamic_object() const { return m_type == 3; }  ///< ET_DYN
  [[nodiscard]] bool has_interpreter() const { return m_has_interp; }
  /// PT_GNU_STACK asks for an executable stack (GCC's nested functions put
  /// trampolines there); without the header, riscv64 Linux gives none.
  [[nodiscard]] bool executable_stack() const { return m_executable_stack; }
  [[nodiscard]] const std::vector<Segment>& load_segments() const { return m_segments; }
  [[nodiscard]] std::uint64_t phdr_offset() const { return m_phoff; }
  [[nodiscard]] std::uint16_t phdr_count() const { return m_phnum; }
  [[nodiscard]] std::uint16_t phdr_entry_size() const { return m_phentsize; }
  /// Reads the file bytes of a segment (validated to lie inside the file)
  /// into `out` (segment.file_size bytes); false when the file no longer
  /// holds them all.
  [[nodiscard]] bool read_segment(const Segment& segment, std::span<std::uint8_t> out) const {
    return out.size() == segment.file_size && m_source.read(segment.file_offset, out);
  }
  /// Where the ELF's bytes come from.
  [[nodiscard]] const ByteSource& source() const { return m_source; }
  /// Value of a symbol from .symtab, if present. Symbol and string tables
  /// past the end of the file or larger than 64 MiB are not read.
  [[nodiscard]] std::optional<GuestAddr> symbol(const std::string& name) const;

 private:
  ByteSource m_source{std::span<const std::uint8_t>{}};
  std::uint16_t m_type = 0;
  GuestAddr m_entry = 0;
  std::uint64_t m_phoff = 0;
  std::uint16_t m_phnum = 0;
  std::uint16_t m_phentsize = 0;
  std::uint64_t m_shoff = 0;
  std::uint16_t m_shnum = 0;
  std::uint16_t m_shentsize = 0;
  bool m_has_interp = false;
  bool m_executable_stack = false;
  std::vector<Segment> m_segments;
};

}  // namespace vmm::elf
