// log_privacy.hpp - dms-stub's own log lines mask user data exactly as the drivers do: the same
// sections ([settings] logging-filter-active / logging-filter-spec, [log-filter],
// [log-filter-data]) read into the same rules (privacy/masking.hpp, docs/privacy.md).
#ifndef SMSDRV_HOST_LOG_PRIVACY_HPP
#define SMSDRV_HOST_LOG_PRIVACY_HPP

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "host/cfg_file.hpp"
#include "privacy/masking.hpp"

namespace smsdrv::host {

// The default of logging-filter-spec in the driver's option table (a unit test keeps both the
// same), relative to the server root like the driver reads it.
inline constexpr std::string_view default_filter_spec =
    "./media-channel-drivers/channel-smsmms/logging-filter-smsmms.json";

// The rules the options file gives; a relative logging-filter-spec is taken from server_root
// (host/drivers.hpp server_root_of), or from the working directory when that is "". Throws
// std::invalid_argument naming source:line, option and problem (the drivers, configured first,
// normally refuse such a file already).
std::shared_ptr<const privacy::masking> read_masking(const cfg_file& cfg,
                                                     const std::string& server_root = {});

// {key="value", ...} of user data or event attributes as the rules show them: pairs a rule
// skips are left out, quotes and control characters escaped.
std::string masked_pairs(const privacy::masking& m, uint32_t count, const char* const* keys,
                         const char* const* values);

// text with every user-data value that the rules do not copy replaced by its masked form: a
// driver's explanation may quote a value ("_smsDestNumber '4917...' has 25 characters").
std::string masked_text(const privacy::masking& m, std::string_view text, uint32_t count,
                        const char* const* keys, const char* const* values);

}  // namespace smsdrv::host

#endif  // SMSDRV_HOST_LOG_PRIVACY_HPP
