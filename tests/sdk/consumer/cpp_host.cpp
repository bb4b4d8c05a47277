// Loads a driver module through the installed SDK's C++ wrapper and prints what it reports:
//   cpp_host <module.so>   ->   "<driver name> <driver version> abi <major>.<minor> metrics
//   <yes|no>"
#include <cstdio>

#include <smsdrv/smsdrv.hpp>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: cpp_host <module.so>\n");
    return 2;
  }
  try {
    smsdrv::module mod{argv[1]};
    smsdrv_host host{};
    host.struct_size = sizeof host;
    smsdrv::driver drv{mod, host};
    const smsdrv_driver_api& api = drv.api();
    std::printf("%s %s abi %u.%u metrics %s\n", api.driver_name, api.driver_version,
                SMSDRV_ABI_VERSION_MAJOR_OF(api.abi_version),
                SMSDRV_ABI_VERSION_MINOR_OF(api.abi_version), drv.has_metrics() ? "yes" : "no");
    drv.shutdown(0);
  } catch (const smsdrv::error& e) {
    std::fprintf(stderr, "cpp_host: %s (%s)\n", e.what(), smsdrv::status_name(e.status()));
    return 1;
  }
  return 0;
}
