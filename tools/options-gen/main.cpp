// smsdrv-options cfg|md|mms-cfg|mms-md [-o FILE]: prints the shipped SmsMmsDriver.cfg,
// docs/options.md, cfg/mms.cfg or docs/mms-settings.md, generated from the option tables, to
// stdout or FILE.
#include <cstdio>
#include <fstream>
#include <string>
#include <string_view>

#include "cfg_writer.hpp"
#include "markdown_writer.hpp"
#include "mms_writer.hpp"

namespace {

int usage() {
  std::fputs("usage: smsdrv-options cfg|md|mms-cfg|mms-md [-o FILE]\n", stderr);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 && argc != 4) return usage();
  std::string_view what = argv[1];
  if (what == "--version") {
    std::printf("smsdrv-options %s\n", SMSDRV_VERSION);
    return 0;
  }
  if (what == "--help") {
    std::fputs(
        "usage: smsdrv-options cfg|md [-o FILE]\n"
        "Prints the shipped SmsMmsDriver.cfg (cfg) or docs/options.md (md), generated from\n"
        "the driver's option table, to stdout or FILE.\n",
        stdout);
    return 0;
  }
  std::string text;
  if (what == "cfg")
    text = smsdrv::options_gen::render_cfg();
  else if (what == "md")
    text = smsdrv::options_gen::render_markdown();
  else if (what == "mms-cfg")
    text = smsdrv::options_gen::render_mms_cfg();
  else if (what == "mms-md")
    text = smsdrv::options_gen::render_mms_markdown();
  else
    return usage();
  if (argc == 2) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return std::fflush(stdout) == 0 ? 0 : 1;
  }
  if (std::string_view(argv[2]) != "-o") return usage();
  std::ofstream out(argv[3], std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    std::fprintf(stderr, "smsdrv-options: cannot write %s\n", argv[3]);
    return 1;
  }
  return 0;
}
