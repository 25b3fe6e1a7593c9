#pragma once
// The guest's address space: regions of RAM (host memory from mmap) and MMIO
// (device callbacks), page-granular permissions (PageMap), and watched pages
// whose writes must be seen (decoded code, device mailboxes such as HTIF).
//
// Guest code never reaches this class directly: GuestMemory (guest_memory.hpp)
// is the one checked path, with the software TLB in front.
#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <unordered_map>
#include <utility>
#include <vector>

#include "vmm/core/result.hpp"
#include "vmm/core/types.hpp"
#include "vmm/memory/page_map.hpp"
#include "vmm/memory/tlb.hpp"

namespace vmm::memory {

/// A device on the bus (Firecracker's BusDevice): offsets are relative to the
/// region base; size is 1, 2, 4 or 8.
class MmioDevice {
 public:
  virtual ~MmioDevice() = default;
  virtual std::uint64_t read(std::uint64_t offset, unsigned size) = 0;
  virtual void write(std::uint64_t offset, unsigned size, std::uint64_t value) = 0;
};

/// How a RAM region is backed by host memory.
enum class RamBacking : std::uint8_t {
  kPrivate,  ///< anonymous private memory
  /// Anonymous private memory that is also the direct view for translated
  /// code (guest address + view base): its host page protections follow guest
  /// permissions and code watches, so an access the guest may not make faults
  /// in the host (the JIT turns that fault into its checked slow path). The
  /// host side writes through prepare_write() first and reaches pages the
  /// guest may not through read_unchecked()/write_unchecked(). One mapping,
  /// not a shared-memory alias: anonymous page faults and madvise cost about
  /// half as much. Only for a region at guest address 0.
  kDirectView,
};

/// The direct view of guest RAM: guest address a is host address base + a
/// for a < size. Guards of kViewGuardBytes on either side catch base + r + d
/// for a register r and displacement |d| <= 2 KiB whenever r < size or r + d'
/// was a guest address below size for some |d'| <= 2 KiB: translated code
/// checks r alone, once per straight-line run of accesses through it. The
/// guard after the view is 32 GiB + 16 KiB (kViewGuardAfterBytes): it also
/// catches r = p + i for such a checked p and an index 0 <= i < 2^35 (a
/// 32-bit unsigned index scaled by up to 8), which translated code then does
/// not check at all.
struct DirectView {
  std::uint8_t* base = nullptr;
  std::uint64_t size = 0;
};
inline constexpr std::uint64_t kViewGuardBytes = 2 * kPageSize;
inline constexpr unsigned kViewIndexBits = 35;
inline constexpr std::uint64_t kViewGuardAfterBytes =
    (std::uint64_t{1} << kViewIndexBits) + 2 * kViewGuardBytes;
/// The host's transparent huge page: RAM regions are placed so that guest
/// addresses aligned to it are aligned on the host too.
inline constexpr std::uint64_t kHugePageSize = std::uint64_t{2} << 20;

/// Why pages are watched; a page may be watched for several reasons.
enum WatchKind : std::uint8_t { kWatchCode = 1, kWatchDevice = 2 };

class AddressSpace {
 public:
  /// Called for each write to a watched page, after the bytes have changed.
  using WatchCallback = std::function<void(GuestAddr page, WatchKind kind)>;

  AddressSpace() = default;
  ~AddressSpace();
  AddressSpace(const AddressSpace&) = delete;
  AddressSpace& operator=(const AddressSpace&) = delete;

  /// Reserves [base, base+size) as RAM backed by an anonymous host mapping.
  /// Pages start as holes in the PageMap unless `perm` is not kPermNone.
  Result<void> add_ram(GuestAddr base, std::uint64_t size, std::uint8_t perm,
                       RamBacking backing = RamBacking::kPrivate);
  /// The direct view of the RAM region at guest address 0 (base null without
  /// one, or once it has been given up).
  [[nodiscard]] DirectView direct_view() const;
  /// Whether the direct view was given up (cheap: the JIT asks at every dispatch).
  [[nodiscard]] bool view_given_up() const { return m_view_given_up; }
  /// Translated code compares guest addresses with `*word` (the view size).
  /// Should the view's host protections ever fall out of step with the guest's
  /// (a failed mprotect, too many pieces for the host's mapping limit, a
  /// permission x86 pages cannot express, a device watch), the address space
  /// gives the view up: it zeroes every registered word, so all accesses take
  /// the checked path, and opens the whole region to the host.
  void add_view_limit_word(std::uint64_t* word) { m_view_limit_words.push_back(word); }
  void remove_view_limit_word(std::uint64_t* word);
  /// Registers an MMIO region; the device must outlive the address space.
  Result<void> add_mmio(GuestAddr base, std::uint64_t size, MmioDevice* device);

  /// Maps [addr, addr+len) inside RAM with `perm` (page aligned); contents kept.
  Result<void> map(GuestAddr addr, std::uint64_t len, std::uint8_t perm);
  /// Changes permissions of mapped pages (mprotect); contents kept.
  Result<void> protect(GuestAddr addr, std::uint64_t len, std::uint8_t perm);
  /// Unmaps [addr, addr+len): contents are discarded (read back as zero when remapped).
  void unmap(GuestAddr addr, std::uint64_t len);
  /// Backs mapped RAM [addr, addr+len) (whole pages of one region) with
  /// `len` bytes of file `fd` from `offset` (page aligned), mapped privately:
  /// the pages read as the file's bytes, are read from it only when touched
  /// and are copied on their first write, as Linux maps an executable's
  /// segments. For loaders, in place of copying the bytes; the file must not
  /// shrink meanwhile (a touched page past its end would be a host SIGBUS).
  /// False when the range is not such pages or 4,096 ranges are file-backed
  /// already (nothing changed), or when the host refuses (the pages then
  /// read as zero: fresh ones replace whatever the failed mapping took away).
  bool map_file(GuestAddr addr, std::uint64_t len, int fd, std::uint64_t offset);
  /// For the process's SIGBUS handler: when `host` lies in file-backed pages
  /// (the file shrank under them, by another process), replaces that page
  /// with a zero one the host may read and write, gives the direct view up
  /// if it was there, and returns true (the access then completes: the
  /// guest reads zeros where Linux would send it SIGBUS, and vm lives on).
  bool absorb_bus_error(const void* host);
  /// Asks the host to back [addr, addr+len) of RAM with transparent huge
  /// pages (madvise MADV_HUGEPAGE): one fault then fills 2 MiB, where 4 KiB
  /// pages would take 512. Advice only, contents kept: false when the range
  /// is not inside one RAM region or the host declines (no THP support).
  bool advise_huge_pages(GuestAddr addr, std::uint64_t len);

  [[nodiscard]] const PageMap& page_map() const { return m_page_map; }
  [[nodiscard]] PageMap& page_map() { return m_page_map; }

  /// Result of translating one guest page for an access.
  struct Translation {
    std::uint8_t* host = nullptr;  ///< host address of `addr` for RAM, else null
    MmioDevice* device = nullptr;  ///< for MMIO
    std::uint64_t device_offset = 0;
    bool cacheable = false;  ///< may enter the TLB (not watched for this access)
  };
  /// Translates one address for an access the guest's permissions allow;
  /// failure is signalled by both host and device being null. (Loaders reach
  /// pages the guest may not through write_unchecked.)
  [[nodiscard]] Translation translate(GuestAddr addr, Access access) const;

  /// Host bytes of [addr, addr+len) when the whole range is RAM in one region
  /// with `perm` (not kPermNone), else an empty span. For the host side
  /// (system calls); writes through it need prepare_write() first.
  [[nodiscard]] std::span<std::uint8_t> host_range(GuestAddr addr, std::uint64_t len, std::uint8_t perm);
  /// Copies mapped RAM whatever the guest's permissions and the direct view's
  /// protections (loaders, lockstep, write-back of shared file mappings).
  /// False, having copied nothing, unless every page is mapped RAM.
  [[nodiscard]] bool read_unchecked(GuestAddr addr, void* out, std::uint64_t len);
  /// Writes need prepare_write() before and notify_write() after, as any write.
  [[nodiscard]] bool write_unchecked(GuestAddr addr, const void* in, std::uint64_t len);
  /// Like write_unchecked, but `fill` writes the host bytes of the range
  /// itself (a loader reading a file straight into guest memory). False
  /// when the range is not all mapped RAM (fill not called) or fill failed.
  [[nodiscard]] bool fill_unchecked(GuestAddr addr, std::uint64_t len,
                                    const std::function<bool(std::span<std::uint8_t>)>& fill);

  // Watched pages ------------------------------------------------------------
  void watch_page(GuestAddr addr, WatchKind kind);
  void unwatch_page(GuestAddr addr, WatchKind kind);
  [[nodiscard]] bool is_watched(GuestAddr addr) const {
    return !m_watched.empty() && m_watched.count(page_floor(addr)) != 0;
  }
  void set_watch_callback(WatchCallback callback) { m_watch_callback = std::move(callback); }
  /// Before the host writes [addr, addr+len): code watches there end, their
  /// callbacks run (decoded code is dropped), and the direct view lets the
  /// write through.
  void prepare_write(GuestAddr addr, std::uint64_t len);
  /// After the write: the callbacks of the watches left (devices; code
  /// watches too, should a writer have skipped prepare_write).
  void notify_write(GuestAddr addr, std::uint64_t len);

  // TLBs caching translations of this space are flushed when mappings change.
  void attach_tlb(Tlb* tlb) { m_tlbs.push_back(tlb); }
  void detach_tlb(Tlb* tlb);

 private:
  struct Region {
    GuestAddr base;
    std::uint64_t size;
    std::uint8_t* host;  ///< null for MMIO; the direct view's base with one
    std::size_t host_bytes;
    MmioDevice* device;
    bool view = false;           ///< RamBacking::kDirectView
    std::size_t view_bytes = 0;  ///< the reservation, with the guards before and after
  };
  [[nodiscard]] const Region* find_region(GuestAddr addr) const;
  Result<void> check_overlap(GuestAddr base, std::uint64_t size) const;
  void flush_tlbs();
  /// Brings the direct view's host protections of [start, end) in line with
  /// the page map and the watched pages.
  void sync_view(GuestAddr start, GuestAddr end);
  /// Whether watching or unwatching `page` changes its host protection in
  /// the view: only a writable page's does (read-only while watched).
  [[nodiscard]] bool watch_changes_view(GuestAddr page) const;
  [[nodiscard]] const Region* view_region() const;
  void give_up_view(const char* why);
  /// give_up_view without logging (also from the SIGBUS handler).
  void open_view_to_host();
  /// Registers this space with the SIGBUS handler (installed on first use); false when it cannot.
  bool watch_bus_errors();
  void stop_watching_bus_errors();
  /// Whether every mapping in [start, end) has permissions x86 pages can
  /// express (no write or execute without read).
  [[nodiscard]] bool expressible(GuestAddr start, GuestAddr end) const;
  /// Whether the host may access [start, end) of `region` as `prot` says
  /// without changing the view's protections.
  [[nodiscard]] bool host_may(const Region& region, GuestAddr start, GuestAddr end, int prot) const;
  /// Hands `access` the host bytes of mapped RAM [addr, addr+len), the
  /// view opened for them where it must be; false if they are not all
  /// mapped RAM, else what access returns.
  template <class Access>
  bool access_unchecked(GuestAddr addr, std::uint64_t len, bool write, Access&& access);
  /// Replaces the host pages of RAM [start, end) in `region` with fresh
  /// anonymous ones (zero), with the protection the region's reservation has.
  [[nodiscard]] bool replace_with_anonymous(const Region& region, GuestAddr start, GuestAddr end);
  /// The host protection of `region`'s pages before sync_view: none in the
  /// direct view, read and write elsewhere (and once the view is given up).
  [[nodiscard]] int reserved_protection(const Region& region) const;
  /// Gives the file-backed pages (map_file) in [start, end) back as zeros.
  void drop_file_pages(GuestAddr start, GuestAddr end);

  std::map<GuestAddr, Region> m_regions;
  /// Guest ranges [first, second) backed by a file (map_file), where
  /// MADV_DONTNEED would bring the file's bytes back instead of zeros.
  std::vector<std::pair<GuestAddr, GuestAddr>> m_file_pages;
  bool m_watching_bus_errors = false;  ///< registered with the SIGBUS handler
  PageMap m_page_map;
  std::unordered_map<GuestAddr, std::uint8_t> m_watched;
  WatchCallback m_watch_callback;
  std::vector<Tlb*> m_tlbs;
  std::vector<std::uint64_t*> m_view_limit_words;
  bool m_view_given_up = false;
  bool m_view_given_up_failed = false;  ///< some RAM stayed closed to the host (host refused mprotect)
};

}  // namespace vmm::memory
