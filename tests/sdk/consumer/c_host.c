/* Loads a driver module through the installed SDK's C header and prints what it reports:
 *   c_host <module.so>   ->   "<driver name> <driver version> abi <major>.<minor>" */
#include <dlfcn.h>
#include <stdio.h>

#include <smsdrv/smsdrv.h>

int main(int argc, char** argv) {
  void* module;
  smsdrv_entry_fn entry;
  const smsdrv_driver_api* api;
  smsdrv_host host = {0};
  smsdrv_driver* driver = NULL;
  if (argc != 2) {
    fprintf(stderr, "usage: c_host <module.so>\n");
    return 2;
  }
  module = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (module == NULL) {
    fprintf(stderr, "c_host: %s\n", dlerror());
    return 1;
  }
  *(void**)(&entry) = dlsym(module, SMSDRV_ENTRY_SYMBOL);
  api = entry != NULL ? entry(SMSDRV_ABI_VERSION) : NULL;
  if (api == NULL || api->struct_size < SMSDRV_DRIVER_API_SIZE_1_0) {
    fprintf(stderr, "c_host: %s is not an ABI %u driver\n", argv[1], SMSDRV_ABI_MAJOR);
    return 1;
  }
  host.struct_size = sizeof host;
  if (api->init(&host, &driver) != SMSDRV_OK) {
    fprintf(stderr, "c_host: init: %s\n", api->last_error(NULL));
    return 1;
  }
  printf("%s %s abi %u.%u\n", api->driver_name, api->driver_version,
         SMSDRV_ABI_VERSION_MAJOR_OF(api->abi_version),
         SMSDRV_ABI_VERSION_MINOR_OF(api->abi_version));
  api->shutdown(driver, 0);
  api->destroy(driver);
  dlclose(module);
  return 0;
}
