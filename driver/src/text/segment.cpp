#include "text/segment.hpp"

#include <algorithm>
#include <cstring>

#include "text/gsm7.hpp"
#include "text/gsm7_tables.hpp"
#include "text/udh.hpp"

namespace smsdrv::text {
namespace {

constexpr bool is_wide(encoding e) noexcept {
  return e == encoding::ucs2 || e == encoding::utf16be;
}

constexpr bool is_high_surrogate(std::string_view octets, std::size_t unit) noexcept {
  const auto hi = static_cast<std::uint8_t>(octets[unit * 2]);
  return hi >= 0xD8 && hi <= 0xDB;
}

// End (in octets) of the part starting at `begin` that holds at most `capacity` units.
std::size_t cut(const encoded_text& text, std::size_t begin, std::size_t capacity) {
  const std::string_view o = text.octets;
  const encoding e = text.result.used;
  if (is_wide(e)) {
    const std::size_t units = o.size() / 2, first = begin / 2;
    std::size_t end = first + capacity;
    if (end >= units) return o.size();
    if (end - first > 1 && is_high_surrogate(o, end - 1)) --end;  // keep the pair together
    return end * 2;
  }
  const std::size_t limit = std::min(o.size(), begin + capacity);
  if (e != encoding::gsm7 || limit == o.size()) return limit;
  // GSM: an ESC and its septet stay in one part. Jump from escape to escape; an ESC on the last
  // position before the limit ends the part one septet early.
  std::size_t pos = begin;
  while (pos < limit) {
    const void* esc = std::memchr(o.data() + pos, gsm7_escape, limit - pos);
    if (!esc) return limit;
    const auto at = static_cast<std::size_t>(static_cast<const char*>(esc) - o.data());
    if (at + 1 == limit) return at > begin ? at : limit + 1;  // never an empty part
    pos = at + 2;
  }
  return std::min(pos, o.size());
}

status fail(errc code, std::size_t needed, std::size_t limit) {
  return status{code, 0, needed, limit};
}

}  // namespace

std::size_t part_capacity(encoding e, std::size_t udh_octets) noexcept {
  if (e == encoding::gsm7) return gsm7_capacity(udh_octets);
  const std::size_t octets = max_user_data_octets - udh_octets;
  return is_wide(e) ? octets / 2 : octets;
}

status split(const encoded_text& text, const segment_options& options, segmented_text& out) {
  out.result = text.result;
  out.method = concat_method::none;
  out.udhi = false;
  out.sar_msg_ref_num = 0;
  out.sar_total_segments = 0;
  out.octets.clear();
  out.parts.clear();
  if (options.max_segments < 2 || options.max_segments > 255)
    return fail(errc::invalid_option, options.max_segments, 255);
  if (options.method == concat_method::none) return fail(errc::invalid_option, 0, 0);

  const encoding e = text.result.used;
  const national_language locking = text.result.locking_shift;
  const national_language single = text.result.single_shift;
  const std::size_t unit = is_wide(e) ? 2 : 1;
  const std::size_t units = text.octets.size() / unit;
  const std::size_t nli_udh = udh_length(concat_method::none, locking, single);
  out.udhi = nli_udh > 0;

  auto add_part = [&](const concat_info& c, std::size_t begin, std::size_t end) {
    const std::size_t offset = out.octets.size();
    append_udh(out.octets, c, locking, single);
    out.octets.append(text.octets, begin, end - begin);
    out.parts.push_back({static_cast<std::uint32_t>(offset),
                         static_cast<std::uint32_t>(out.octets.size() - offset)});
  };

  if (options.method == concat_method::payload) {
    const std::size_t size = nli_udh + text.octets.size();
    if (size > max_payload_octets) return fail(errc::too_long, size, max_payload_octets);
    out.method = concat_method::payload;
    add_part(concat_info{}, 0, text.octets.size());
    return {};
  }
  if (units <= part_capacity(e, nli_udh)) {
    add_part(concat_info{}, 0, text.octets.size());
    return {};
  }

  // SAR parts are sized as if they carried the 8-bit concatenation IE.
  const concat_method sized_as =
      options.method == concat_method::udh16 ? concat_method::udh16 : concat_method::udh8;
  const std::size_t capacity = part_capacity(e, udh_length(sized_as, locking, single));
  std::size_t needed = 0;
  for (std::size_t begin = 0; begin < text.octets.size(); begin = cut(text, begin, capacity))
    ++needed;
  if (needed > options.max_segments)
    return fail(errc::too_many_segments, needed, options.max_segments);

  out.method = options.method;
  const auto total = static_cast<std::uint8_t>(needed);
  concat_info c{options.method, options.reference, total, 0};
  if (options.method == concat_method::udh8) c.reference &= 0xFF;
  if (options.method == concat_method::sar) {
    c.method = concat_method::none;  // no concatenation IE; the values go in TLVs
    out.sar_msg_ref_num = options.reference;
    out.sar_total_segments = total;
  } else {
    out.udhi = true;
  }
  out.parts.reserve(needed);
  out.octets.reserve(text.octets.size() + needed * 16);
  std::size_t begin = 0;
  for (std::size_t i = 1; i <= needed; ++i) {
    const std::size_t end = cut(text, begin, capacity);
    c.seqnum = static_cast<std::uint8_t>(i);
    add_part(c, begin, end);
    begin = end;
  }
  return {};
}

}  // namespace smsdrv::text
