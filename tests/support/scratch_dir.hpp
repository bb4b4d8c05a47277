// A fresh directory for one test's files, under $TMPDIR (or /tmp), removed with everything in it
// when the object goes: never the source tree or the working directory.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>

namespace smsdrv::test {

class scratch_dir {
 public:
  explicit scratch_dir(const std::string& name) {
    std::string tmpl = (std::filesystem::temp_directory_path() / (name + ".XXXXXX")).string();
    if (::mkdtemp(tmpl.data()) == nullptr)
      throw std::runtime_error("scratch_dir: mkdtemp failed for " + tmpl);
    path_ = tmpl;
  }
  ~scratch_dir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  scratch_dir(const scratch_dir&) = delete;
  scratch_dir& operator=(const scratch_dir&) = delete;

  const std::filesystem::path& path() const noexcept { return path_; }
  // The path of `file` in it, as a string.
  std::string operator/(const std::string& file) const { return (path_ / file).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace smsdrv::test
