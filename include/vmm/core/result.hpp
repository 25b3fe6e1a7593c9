#pragma once
// Errors as values at module boundaries. <expected> is C++23; this is the small
// subset we need, so the project stays C++20 (clang-tidy 14 parses it).
#include <cassert>
#include <string>
#include <utility>
#include <variant>

#include <fmt/format.h>

namespace vmm {

/// Which module an error comes from; each value names a family of messages.
enum class ErrorKind {
  kIo,           ///< host file system or OS call failed
  kBadFormat,    ///< input is not what it claims (not an ELF, truncated...)
  kUnsupported,  ///< valid input we deliberately do not run (32-bit ELF, dynamic ELF...)
  kOutOfRange,   ///< an address or size outside what the guest has
  kNoMemory,     ///< host allocation failed
  kInvalidArgument,
};

/// An error with a one-line, user-facing message.
struct Error {
  ErrorKind kind;
  std::string message;
};

/// Single place where errors are made: a breakpoint here catches every failure.
[[nodiscard]] inline Error make_error(ErrorKind kind, std::string message) {
  return Error{kind, std::move(message)};
}

template <typename... Args>
[[nodiscard]] Error make_error(ErrorKind kind, fmt::format_string<Args...> format, Args&&... args) {
  return make_error(kind, fmt::format(format, std::forward<Args>(args)...));
}

/// Either a value or an Error. Access to the wrong alternative is a programming error.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : m_data(std::in_place_index<0>, std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : m_data(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  [[nodiscard]] bool ok() const { return m_data.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(m_data);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(m_data);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(m_data));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }

  [[nodiscard]] const Error& error() const {
    assert(!ok());
    return std::get<1>(m_data);
  }

 private:
  std::variant<T, Error> m_data;
};

/// Result of an operation with no value.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : m_error(std::move(error)), m_ok(false) {}  // NOLINT: implicit by design

  [[nodiscard]] bool ok() const { return m_ok; }
  explicit operator bool() const { return ok(); }
  [[nodiscard]] const Error& error() const {
    assert(!m_ok);
    return m_error;
  }

 private:
  Error m_error{ErrorKind::kIo, {}};
  bool m_ok = true;
};

}  // namespace vmm

/// Propagates an error from an expression returning Result<void>.
#define VMM_TRY(expr)                                    \
  do {                                                   \
    if (auto vmm_try_result = (expr); !vmm_try_result) { \
      return vmm_try_result.error();                     \
    }                                                    \
  } while (false)
