#include "vmm/linux/initial_stack.hpp"

#include <algorithm>

namespace vmm::linux_user {

Result<GuestAddr> build_initial_stack(memory::GuestMemory& memory, GuestAddr stack_top,
                                      std::uint64_t stack_size, const StackImage& image) {
  const GuestAddr stack_bottom = stack_top - stack_size;
  GuestAddr cursor = stack_top - 8;  // Linux leaves an 8-byte NULL end marker
  bool overflow = false;
  auto push_bytes = [&](const void* data, std::uint64_t len) -> GuestAddr {
    if (cursor - stack_bottom < len + 4096) {
      overflow = true;
      return 0;
    }
    cursor -= len;
    if (!memory.poke_bytes(cursor, data, len)) overflow = true;
    return cursor;
  };
  auto push_string = [&](const std::string& s) { return push_bytes(s.c_str(), s.size() + 1); };

  GuestAddr execfn = push_string(image.execfn);
  // Strings go in from the last, as Linux lays them out; their pointers are
  // collected backwards and reversed once (inserting each at the front made
  // 100,000 arguments take most of a second).
  std::vector<GuestAddr> env_ptrs, arg_ptrs;
  for (auto it = image.envp.rbegin(); it != image.envp.rend(); ++it) env_ptrs.push_back(push_string(*it));
  for (auto it = image.argv.rbegin(); it != image.argv.rend(); ++it) arg_ptrs.push_back(push_string(*it));
  std::reverse(env_ptrs.begin(), env_ptrs.end());
  std::reverse(arg_ptrs.begin(), arg_ptrs.end());
  cursor &= ~GuestAddr{15};
  GuestAddr random = push_bytes(image.random.data(), image.random.size());
  if (overflow)
    return make_error(ErrorKind::kOutOfRange, "arguments and environment do not fit on the guest stack");

  const std::vector<std::pair<std::uint64_t, std::uint64_t>> aux = {
      {auxv::kPhdr, image.phdr},   {auxv::kPhent, 56},        {auxv::kPhnum, image.phnum},
      {auxv::kPagesz, kPageSize},  {auxv::kBase, 0},          {auxv::kFlags, 0},
      {auxv::kEntry, image.entry}, {auxv::kUid, image.uid},   {auxv::kEuid, image.euid},
      {auxv::kGid, image.gid},     {auxv::kEgid, image.egid}, {auxv::kHwcap, kHwcap},
      {auxv::kClktck, 100},        {auxv::kSecure, 0},        {auxv::kRandom, random},
      {auxv::kHwcap2, 0},          {auxv::kExecfn, execfn},   {auxv::kNull, 0},
  };
  std::vector<std::uint64_t> words;
  words.push_back(image.argv.size());
  words.insert(words.end(), arg_ptrs.begin(), arg_ptrs.end());
  words.push_back(0);
  words.insert(words.end(), env_ptrs.begin(), env_ptrs.end());
  words.push_back(0);
  for (auto [key, value] : aux) {
    words.push_back(key);
    words.push_back(value);
  }
  std::uint64_t bytes = words.size() * 8;
  if (cursor - stack_bottom < bytes + 4096) {
    return make_error(ErrorKind::kOutOfRange, "arguments and environment do not fit on the guest stack");
  }
  GuestAddr sp = (cursor - bytes) & ~GuestAddr{15};
  if (!memory.poke_bytes(sp, words.data(), bytes)) {
    return make_error(ErrorKind::kOutOfRange, "cannot write the initial stack at {:#x}", sp);
  }
  return sp;
}

}  // namespace vmm::linux_user
