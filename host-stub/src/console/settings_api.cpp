#include "console/settings_api.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <future>
#include <memory>
#include <optional>
#include <sstream>
#include <vector>

#include "console/settings_json.hpp"
#include "jsonl/line_writer.hpp"

namespace smsdrv::console {
namespace {

json_answer error_answer(unsigned status, std::string_view error) {
  std::string body;
  jsonl::line_writer w(body);
  w.str("error", error).finish();
  return {status, std::move(body)};
}

std::optional<std::string> read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// What a settings answer is built from: the file as it is now and the driver's option help.
struct channel_view {
  host::cfg_file cfg;
  settings_page page;
};

// nullopt with *refusal set when the channel is not served or the file cannot be used.
std::optional<channel_view> look_up(host::runtime& rt, const std::string& config_path,
                                    const std::string& channel, json_answer* refusal) {
  channel_view v;
  std::string module_path;
  {
    const auto lock = rt.using_config();
    const auto found = rt.channels->find(channel);
    if (found == rt.channels->end()) {
      *refusal = error_answer(404, "no channel '" + channel + "' is served");
      return std::nullopt;
    }
    const host::loaded_driver& d = *rt.drivers[found->second.driver];
    v.page.driver = d.name;
    module_path = d.module.path();
    for (const auto& [name, entry] : *rt.channels)
      if (name != channel) v.page.other_channels.push_back(name);
  }
  const auto text = read_text(config_path);
  if (!text) {
    *refusal = error_answer(409, "cannot read " + config_path + ": " + std::strerror(errno));
    return std::nullopt;
  }
  try {
    v.cfg = host::parse_cfg(*text, config_path);
  } catch (const std::exception& e) {
    *refusal = error_answer(409, e.what());
    return std::nullopt;
  }
  if (v.cfg.find(channel) == nullptr) {
    *refusal = error_answer(409, config_path + " has no section [" + channel +
                                     "] any more; send dms-stub SIGHUP to serve the file as it is");
    return std::nullopt;
  }
  v.page.channel = channel;
  v.page.file = config_path;
  v.page.help_file = host::find_shipped_cfg(module_path);
  if (!v.page.help_file.empty())
    if (const auto help = read_text(v.page.help_file)) v.page.help = host::read_option_help(*help);
  return v;
}

}  // namespace

json_answer settings_api::page(const std::string& channel) {
  json_answer refusal;
  auto v = look_up(rt_, config_path_, channel, &refusal);
  if (!v) return refusal;
  v->page.section = v->cfg.find(channel);
  return {200, settings_json(v->page)};
}

json_answer settings_api::apply(const std::string& channel, std::string_view body) {
  json_answer refusal;
  auto v = look_up(rt_, config_path_, channel, &refusal);
  if (!v) return refusal;
  settings_changes asked = read_settings_changes(body, *v->cfg.find(channel), v->page.help);
  if (!asked.error.empty()) return error_answer(400, asked.error);
  if (!asked.fields.empty())
    return {422,
            settings_error_json("the page's values are refused; nothing changed", asked.fields)};
  using outcome = host::reloader::section_outcome;
  auto done = std::make_shared<std::promise<outcome>>();
  std::future<outcome> answer = done->get_future();
  auto changes = std::make_shared<std::vector<host::cfg_change>>(std::move(asked.changes));
  const bool taken = rt_.tasks.post([done, changes, channel, &reload = reload_](bool serving) {
    if (!serving) {
      outcome o;
      o.what = outcome::result::stopping;
      o.error = "dms-stub is stopping; nothing changed";
      done->set_value(std::move(o));
      return;
    }
    done->set_value(reload.apply_section(channel, *changes));
  });
  if (!taken) return error_answer(503, "dms-stub is stopping; nothing changed");
  if (answer.wait_for(apply_wait) != std::future_status::ready)
    return error_answer(503,
                        "dms-stub did not take the change within 30 s; its log says whether "
                        "it applied it later");
  const outcome o = answer.get();
  switch (o.what) {
    case outcome::result::applied: {
      std::string out;
      jsonl::line_writer w(out);
      w.boolean("applied", true).boolean("replaced", o.replaced).finish();
      return {200, std::move(out)};
    }
    case outcome::result::refused:
      return {422, settings_error_json(o.error, fields_at_fault(o.error, channel))};
    case outcome::result::not_served:
      return error_answer(404, o.error);
    case outcome::result::stopping:
      return error_answer(503, o.error);
    case outcome::result::failed:
      break;
  }
  return error_answer(500, o.error);
}

}  // namespace smsdrv::console
