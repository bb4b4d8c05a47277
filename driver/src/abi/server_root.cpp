#include "abi/server_root.hpp"

#include <dlfcn.h>

namespace smsdrv::abi {

std::optional<std::filesystem::path> server_root() {
  namespace fs = std::filesystem;
  // The file this function was loaded from: the module, once dlopen'ed.
  Dl_info info{};
  if (::dladdr(reinterpret_cast<const void*>(&server_root), &info) == 0 ||
      info.dli_fname == nullptr)
    return std::nullopt;
  std::error_code ec;
  const fs::path module = fs::weakly_canonical(fs::absolute(info.dli_fname, ec), ec);
  if (ec) return std::nullopt;
  const fs::path drivers = module.parent_path().parent_path();
  if (drivers.filename() != "media-channel-drivers") return std::nullopt;
  return drivers.parent_path();
}

std::string resolve_from_server_root(const std::string& path) {
  if (path.empty() || std::filesystem::path(path).is_absolute()) return path;
  const auto root = server_root();
  if (!root) return path;
  return (*root / path).lexically_normal().string();
}

}  // namespace smsdrv::abi
