#include "abi/privacy_setup.hpp"

#include "abi/server_root.hpp"

namespace smsdrv::abi {

masking_setup build_masking(const config::driver_settings& settings) {
  masking_setup out;
  privacy::masking_settings m;
  m.filter_active = settings.logging_filter_active;
  m.default_rule = settings.default_filter_type;
  m.key_rules = settings.log_filter_data;
  privacy::spec_result spec;
  if (settings.logging_filter_active) {
    spec = privacy::read_filter_spec(resolve_from_server_root(settings.logging_filter_spec));
    for (const std::string& e : spec.errors)
      out.errors.push_back("[settings] logging-filter-spec: " + e);
    if (!out.errors.empty()) return out;
  }
  out.masking = std::make_shared<const privacy::masking>(m, &spec.spec);
  return out;
}

}  // namespace smsdrv::abi
