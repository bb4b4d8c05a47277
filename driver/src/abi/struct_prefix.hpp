// The struct_size rule of the C ABI (smsdrv.h, "Evolution"; docs/ABI.md): a struct from the host
// is read by the prefix its struct_size covers, the rest taken as zero; a struct the driver fills
// for the host gets exactly struct_size bytes, the fields the driver knows and zeros after them.
// Both work for a host of any minor version, older or newer than the driver.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <type_traits>

namespace smsdrv::abi {

// A copy of the host's struct: the fields its struct_size covers, zero past them. The caller
// has checked that struct_size is at least the oldest supported size.
template <class Struct>
Struct prefix_of(const Struct& in) noexcept {
  static_assert(std::is_trivially_copyable_v<Struct>);
  Struct copy{};
  std::memcpy(&copy, &in, std::min<std::size_t>(in.struct_size, sizeof copy));
  copy.struct_size = sizeof copy;
  return copy;
}

// Writes `full` into the host's struct `out`: min(struct_size, sizeof) bytes of it, zeros up to
// the host's struct_size, which stays as the host set it.
template <class Struct>
void fill_prefix(const Struct& full, Struct& out) noexcept {
  static_assert(std::is_trivially_copyable_v<Struct>);
  const std::size_t size = out.struct_size;
  const std::size_t known = std::min(size, sizeof full);
  std::memcpy(&out, &full, known);
  if (size > known) std::memset(reinterpret_cast<unsigned char*>(&out) + known, 0, size - known);
  out.struct_size = static_cast<decltype(out.struct_size)>(size);
}

}  // namespace smsdrv::abi
