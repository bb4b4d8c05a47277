// Replay main for fuzz targets outside the fuzz preset: feeds every file under the given paths
// (directories are walked recursively) to LLVMFuzzerTestOneInput once, so the seed corpus is a
// regression suite in ordinary and sanitizer builds.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {
int run_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  return 1;
}
}  // namespace

int main(int argc, char** argv) {
  int files = 0;
  for (int i = 1; i < argc; ++i) {
    std::filesystem::path root(argv[i]);
    if (std::filesystem::is_directory(root)) {
      for (const auto& e : std::filesystem::recursive_directory_iterator(root))
        if (e.is_regular_file()) files += run_file(e.path());
    } else if (std::filesystem::exists(root)) {
      files += run_file(root);
    }
  }
  LLVMFuzzerTestOneInput(nullptr, 0);  // the empty input is always worth one run
  std::printf("replayed %d corpus files\n", files);
  return 0;
}
