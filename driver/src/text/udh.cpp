#include "text/udh.hpp"

#include "text/gsm7_tables.hpp"

namespace smsdrv::text {

void clear_udh(udh_info& out) noexcept {
  out.length = 0;
  out.malformed = false;
  out.concat = concat_info{};
  out.locking_shift = national_language::none;
  out.single_shift = national_language::none;
  out.other.clear();
}

void parse_udh(std::string_view short_message, udh_info& out) {
  clear_udh(out);
  if (short_message.empty()) {
    out.malformed = true;
    return;
  }
  const auto* p = reinterpret_cast<const std::uint8_t*>(short_message.data());
  const std::size_t udhl = p[0];
  if (udhl + 1 > short_message.size()) {
    out.malformed = true;
    return;
  }
  out.length = udhl + 1;
  std::size_t pos = 1;
  while (pos < out.length) {
    if (pos + 2 > out.length || pos + 2 + p[pos + 1] > out.length) {
      out.malformed = true;
      return;
    }
    const std::uint8_t id = p[pos];
    const std::uint8_t len = p[pos + 1];
    const std::uint8_t* d = p + pos + 2;
    const udh_element element{id, len, static_cast<std::uint16_t>(pos + 2)};
    pos += 2 + len;
    bool used = false;
    if (id == iei::concat_8bit && len == 3) {
      const concat_info c{concat_method::udh8, d[0], d[1], d[2]};
      used = c.valid();
      if (used) out.concat = c;
    } else if (id == iei::concat_16bit && len == 4) {
      const concat_info c{concat_method::udh16, static_cast<std::uint16_t>((d[0] << 8) | d[1]),
                          d[2], d[3]};
      used = c.valid();
      if (used) out.concat = c;
    } else if ((id == iei::locking_shift || id == iei::single_shift) && len == 1) {
      const auto l = static_cast<national_language>(d[0]);
      const bool locking = id == iei::locking_shift;
      used = locking ? has_locking_table(l) : has_single_shift_table(l);
      if (used) (locking ? out.locking_shift : out.single_shift) = l;
    }
    if (!used) out.other.push_back(element);
  }
}

std::size_t udh_length(concat_method method, national_language locking_shift,
                       national_language single_shift) noexcept {
  std::size_t n = 0;
  if (method == concat_method::udh8) n += 5;
  if (method == concat_method::udh16) n += 6;
  if (locking_shift != national_language::none) n += 3;
  if (single_shift != national_language::none) n += 3;
  return n == 0 ? 0 : n + 1;
}

std::size_t append_udh(std::string& out, const concat_info& concat, national_language locking_shift,
                       national_language single_shift) {
  const std::size_t n = udh_length(concat.method, locking_shift, single_shift);
  if (n == 0) return 0;
  char buf[16];
  std::size_t i = 0;
  buf[i++] = static_cast<char>(n - 1);
  if (concat.method == concat_method::udh8) {
    buf[i++] = static_cast<char>(iei::concat_8bit);
    buf[i++] = 3;
    buf[i++] = static_cast<char>(concat.reference & 0xFF);
  } else if (concat.method == concat_method::udh16) {
    buf[i++] = static_cast<char>(iei::concat_16bit);
    buf[i++] = 4;
    buf[i++] = static_cast<char>(concat.reference >> 8);
    buf[i++] = static_cast<char>(concat.reference & 0xFF);
  }
  if (concat.method == concat_method::udh8 || concat.method == concat_method::udh16) {
    buf[i++] = static_cast<char>(concat.total);
    buf[i++] = static_cast<char>(concat.seqnum);
  }
  if (locking_shift != national_language::none) {
    buf[i++] = static_cast<char>(iei::locking_shift);
    buf[i++] = 1;
    buf[i++] = static_cast<char>(locking_shift);
  }
  if (single_shift != national_language::none) {
    buf[i++] = static_cast<char>(iei::single_shift);
    buf[i++] = 1;
    buf[i++] = static_cast<char>(single_shift);
  }
  out.append(buf, i);
  return i;
}

}  // namespace smsdrv::text
