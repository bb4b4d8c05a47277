#include "programs.hpp"

#include <filesystem>
#include <system_error>

namespace smsdrv::bench {

programs default_programs() {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  const fs::path bin = ec ? fs::path() : self.parent_path();
  if (!bin.empty() && fs::is_regular_file(bin / "smsc-sim", ec)) {
    programs p;
    p.module = (bin / SMSDRV_BENCH_INSTALLED_MODULE).lexically_normal().string();
    p.sim = (bin / "smsc-sim").string();
    p.flood = (bin / "smsc-sim-flood").string();
    p.dms_stub = (bin / "dms-stub").string();
    p.http_sink = (bin / "http-sink").string();
    p.mmsc_sim = (bin / "mmsc-sim").string();
    p.npm_client = "esme-client.js";  // not packaged: give --npm-client for `compare`
    return p;
  }
  programs p;
  p.module = SMSDRV_BENCH_MODULE;
  p.sim = SMSDRV_BENCH_SMSC_SIM;
  p.flood = SMSDRV_BENCH_FLOOD;
  p.dms_stub = SMSDRV_BENCH_DMS_STUB;
  p.http_sink = SMSDRV_BENCH_HTTP_SINK;
  p.mmsc_sim = SMSDRV_BENCH_MMSC_SIM;
  p.npm_client = SMSDRV_BENCH_NPM_CLIENT;
  return p;
}

}  // namespace smsdrv::bench
