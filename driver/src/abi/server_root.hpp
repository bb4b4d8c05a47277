// Where relative file paths in options lead: the server root, the folder that holds
// media-channel-drivers/ (docs/deployment.md). The install layout puts the module at
// <server-root>/media-channel-drivers/<folder>/libsmsmms.so and the files options name by default
// beside it, so relative paths are taken from the server root whatever the host's working
// directory. A module outside that layout (a build tree) leaves them relative to the working
// directory.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace smsdrv::abi {

// The server root of the module this code is in, or nullopt outside the install layout.
std::optional<std::filesystem::path> server_root();

// path as given when absolute (or empty, or no server root), else server_root() / path.
std::string resolve_from_server_root(const std::string& path);

}  // namespace smsdrv::abi
