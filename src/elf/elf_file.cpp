// ELF64 parsing (System V gABI, and the RISC-V ELF psABI for e_machine 243).
#include "vmm/elf/elf_file.hpp"

#include "vmm/core/host_fds.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

namespace vmm::elf {
namespace {

constexpr std::uint16_t kEmRiscv = 243;
constexpr std::uint32_t kPtLoad = 1, kPtInterp = 3, kPtGnuStack = 0x6474e551;
constexpr std::uint32_t kShtSymtab = 2;

template <typename T>
bool read_at(std::span<const std::uint8_t> bytes, std::uint64_t offset, T& out) {
  if (offset > bytes.size() || bytes.size() - offset < sizeof(T)) return false;
  std::memcpy(&out, bytes.data() + offset, sizeof(T));  // SAFETY: range checked just above
  return true;
}

std::string_view machine_name(std::uint16_t machine) {
  switch (machine) {
    case 3:
      return "x86 (i386)";
    case 62:
      return "x86-64";
    case 40:
      return "ARM";
    case 183:
      return "AArch64";
    case 8:
      return "MIPS";
    case 21:
      return "PowerPC64";
    default:
      return "an unknown architecture";
  }
}

}  // namespace

bool ByteSource::read(std::uint64_t offset, std::span<std::uint8_t> out) const {
  if (offset > m_size || m_size - offset < out.size()) return false;
  if (m_fd < 0) {
    if (!out.empty()) std::memcpy(out.data(), m_bytes.data() + offset, out.size());  // SAFETY: checked above
    return true;
  }
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t got =
        ::pread(m_fd, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;  // an error, or the file shrank
    done += static_cast<std::size_t>(got);
  }
  return true;
}

Result<OpenFile> OpenFile::open(const std::string& path) {
  // Non-blocking, so a FIFO given as the program is refused below instead
  // of waiting for a writer forever.
  const int opened = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (opened < 0) return make_error(ErrorKind::kIo, "cannot open '{}': {}", path, std::strerror(errno));
  const int fd = host_fds::move_above_guest(opened);  // kept open while the guest runs
  OpenFile file(fd, 0);
  struct stat st {};
  if (::fstat(fd, &st) != 0)
    return make_error(ErrorKind::kIo, "cannot read '{}': {}", path, std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return make_error(ErrorKind::kIo, "cannot read '{}': not a regular file", path);
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);  // regular files never block anyway
  file.m_size = static_cast<std::uint64_t>(st.st_size);
  return file;
}

OpenFile::~OpenFile() {
  if (m_fd >= 0) ::close(m_fd);
}

Result<ElfFile> ElfFile::parse(ByteSource source, const std::string& name) {
  auto bad = [&](std::string_view why) { return make_error(ErrorKind::kBadFormat, "'{}' {}", name, why); };
  auto unsupported = [&](std::string_view why) {
    return make_error(ErrorKind::kUnsupported, "'{}' {}", name, why);
  };
  auto cannot_read = [&] { return make_error(ErrorKind::kIo, "cannot read '{}'", name); };

  std::array<std::uint8_t, 64> header{};
  const std::uint64_t file_size = source.size();
  const std::span<const std::uint8_t> bytes(header.data(), std::min<std::uint64_t>(file_size, header.size()));
  if (!source.read(0, std::span<std::uint8_t>(header.data(), bytes.size()))) return cannot_read();
  if (bytes.size() < 4 || std::memcmp(bytes.data(),
                                      "\x7f"
                                      "ELF",
                                      4) != 0)
    return bad("is not an ELF file");
  if (bytes.size() < 64) return bad("is a truncated ELF file (header incomplete)");
  if (bytes[4] == 1) return unsupported("is a 32-bit ELF; vm runs RV64 (64-bit) programs");
  if (bytes[4] != 2) return bad("has an invalid ELF class");
  if (bytes[5] != 1) return unsupported("is big-endian; RISC-V is little-endian");

  ElfFile elf;
  elf.m_source = source;
  std::uint16_t machine = 0;
  std::uint16_t ehsize = 0;
  (void)read_at(bytes, 16, elf.m_type);
  (void)read_at(bytes, 18, machine);
  (void)read_at(bytes, 24, elf.m_entry);
  (void)read_at(bytes, 32, elf.m_phoff);
  (void)read_at(bytes, 40, elf.m_shoff);
  (void)read_at(bytes, 52, ehsize);
  (void)read_at(bytes, 54, elf.m_phentsize);
  (void)read_at(bytes, 56, elf.m_phnum);
  (void)read_at(bytes, 58, elf.m_shentsize);
  (void)read_at(bytes, 60, elf.m_shnum);

  if (machine != kEmRiscv) {
    return unsupported(fmt::format("is an ELF for {}, not RISC-V", machine_name(machine)));
  }
  if (elf.m_type != 2 && elf.m_type != 3) return unsupported("is not an executable (ET_EXEC or ET_DYN)");
  if (elf.m_phnum == 0) return bad("has no program headers");
  if (elf.m_phentsize != 56) return bad("has a malformed program header size");
  if (elf.m_phoff > file_size || (file_size - elf.m_phoff) / 56 < elf.m_phnum) {
    return bad("is truncated (program headers lie past the end of the file)");
  }
  std::vector<std::uint8_t> table(std::size_t{elf.m_phnum} * 56);
  if (!source.read(elf.m_phoff, table)) return cannot_read();
  const std::span<const std::uint8_t> headers(table);

  for (std::uint16_t i = 0; i < elf.m_phnum; ++i) {
    std::uint64_t at = std::uint64_t{i} * 56;
    std::uint32_t type = 0;
    Segment s;
    (void)read_at(headers, at, type);
    (void)read_at(headers, at + 4, s.flags);
    (void)read_at(headers, at + 8, s.file_offset);
    (void)read_at(headers, at + 16, s.vaddr);
    (void)read_at(headers, at + 24, s.paddr);
    (void)read_at(headers, at + 32, s.file_size);
    (void)read_at(headers, at + 40, s.mem_size);
    if (type == kPtInterp) elf.m_has_interp = true;
    if (type == kPtGnuStack) elf.m_executable_stack = (s.flags & kPfX) != 0;
    if (type != kPtLoad) continue;
    if (s.file_offset > file_size || file_size - s.file_offset < s.file_size) {
      return bad(fmt::format("is truncated (segment {} extends past the end of the file)", i));
    }
    if (s.file_size > s.mem_size) return bad(fmt::format("has segment {} with file size > memory size", i));
    if (s.vaddr + s.mem_size < s.vaddr || s.paddr + s.mem_size < s.paddr) {
      return bad(fmt::format("has segment {} wrapping around the address space", i));
    }
    elf.m_segments.push_back(s);
  }
  if (elf.m_segments.empty()) return bad("has no loadable segments");
  return elf;
}

namespace {

/// The file bytes [offset, offset + size), cut off where the file ends.
constexpr std::uint64_t kMaxSymbolTableBytes = std::uint64_t{64} << 20;

std::vector<std::uint8_t> read_clamped(const ByteSource& source, std::uint64_t offset, std::uint64_t size) {
  if (offset >= source.size()) return {};
  std::vector<std::uint8_t> out(static_cast<std::size_t>(std::min(size, source.size() - offset)));
  if (!source.read(offset, out)) out.clear();
  return out;
}

}  // namespace

std::optional<GuestAddr> ElfFile::symbol(const std::string& name) const {
  if (m_shentsize != 64 || m_shoff == 0) return std::nullopt;
  const std::vector<std::uint8_t> sections = read_clamped(m_source, m_shoff, std::uint64_t{m_shnum} * 64);
  for (std::uint16_t i = 0; i < m_shnum; ++i) {
    std::uint64_t sh = std::uint64_t{i} * 64;
    std::uint32_t type = 0, link = 0;
    std::uint64_t offset = 0, size = 0, entsize = 0;
    if (!read_at(sections, sh + 4, type) || type != kShtSymtab) continue;
    (void)read_at(sections, sh + 24, offset);
    (void)read_at(sections, sh + 32, size);
    (void)read_at(sections, sh + 40, link);
    (void)read_at(sections, sh + 56, entsize);
    std::uint64_t str_offset = 0, str_size = 0;
    std::uint64_t strtab = std::uint64_t{link} * 64;
    if (link >= m_shnum || !read_at(sections, strtab + 24, str_offset) ||
        !read_at(sections, strtab + 32, str_size)) {
      continue;
    }
    // A table past the end of the file, or larger than any real program's,
    // is malformed: reading it whole would cost memory the file never had
    // (a sparse file can claim gigabytes).
    const auto fits = [this](std::uint64_t at, std::uint64_t bytes) {
      return bytes <= kMaxSymbolTableBytes && at <= m_source.size() && bytes <= m_source.size() - at;
    };
    if (entsize != 24 || !fits(offset, size) || !fits(str_offset, str_size)) continue;
    const std::vector<std::uint8_t> symbols = read_clamped(m_source, offset, size);
    const std::vector<std::uint8_t> strings = read_clamped(m_source, str_offset, str_size);
    for (std::uint64_t at = 0; at + 24 <= symbols.size(); at += 24) {
      std::uint32_t name_index = 0;
      std::uint64_t value = 0;
      (void)read_at(symbols, at, name_index);
      (void)read_at(symbols, at + 8, value);
      if (name_index >= strings.size()) continue;
      auto* text = reinterpret_cast<const char*>(strings.data() + name_index);  // SAFETY: index checked
      if (std::string_view(text, strnlen(text, strings.size() - name_index)) == name) return value;
    }
  }
  return std::nullopt;
}

}  // namespace vmm::elf
