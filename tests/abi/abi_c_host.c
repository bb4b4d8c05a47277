/* A host written in C99 against smsdrv.h alone: proves the header compiles as C and drives the
 * real module through dlopen. Usage: abi_c_host <module.so> */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "smsdrv/smsdrv.h"

static int failures = 0;
#define EXPECT(cond)                                                      \
  do {                                                                    \
    if (!(cond)) {                                                        \
      fprintf(stderr, "%s:%d: expected %s\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                         \
    }                                                                     \
  } while (0)

static void on_log(void* ctx, int32_t level, const char* channel, const char* message) {
  (void)ctx;
  fprintf(stderr, "log %d [%s] %s\n", (int)level, channel, message);
}

int main(int argc, char** argv) {
  void* module;
  smsdrv_entry_fn entry;
  const smsdrv_driver_api* api;
  smsdrv_host host;
  smsdrv_driver* drv = NULL;
  smsdrv_section section;
  smsdrv_event event;
  const char* keys[1] = {"x-smpp-port"};
  const char* values[1] = {"99999"};
  if (argc != 2) return 2;
  module = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!module) {
    fprintf(stderr, "dlopen: %s\n", dlerror());
    return 1;
  }
  *(void**)(&entry) = dlsym(module, SMSDRV_ENTRY_SYMBOL);
  EXPECT(entry != NULL);
  if (!entry) return 1;
  EXPECT(entry(SMSDRV_ABI_VERSION + (1u << 16)) == NULL); /* a major we do not speak */
  api = entry(SMSDRV_ABI_VERSION);
  EXPECT(api != NULL);
  if (!api) return 1;
  EXPECT(api->struct_size >= sizeof(smsdrv_driver_api));
  EXPECT(SMSDRV_ABI_VERSION_MAJOR_OF(api->abi_version) == SMSDRV_ABI_MAJOR);
  EXPECT(strcmp(api->driver_name, "smsmms") == 0);
  EXPECT(strcmp(api->status_name(SMSDRV_E_QUEUE_FULL), "SMSDRV_E_QUEUE_FULL") == 0);

  memset(&host, 0, sizeof host);
  host.struct_size = sizeof host;
  host.log = on_log;
  host.application_name = "abi_c_host";
  EXPECT(api->init(&host, &drv) == SMSDRV_OK);
  EXPECT(drv != NULL);
  if (!drv) return 1;

  memset(&section, 0, sizeof section);
  section.struct_size = sizeof section;
  section.name = "channel-c";
  section.count = 1;
  section.keys = keys;
  section.values = values;
  EXPECT(api->configure(drv, &section) == SMSDRV_E_BAD_CONFIG);
  EXPECT(strstr(api->last_error(drv), "x-smpp-port") != NULL);

  memset(&event, 0, sizeof event);
  event.struct_size = sizeof event;
  EXPECT(api->poll(drv, &event) == 0);

  /* ABI 1.1: metrics, present and NULL-terminated (no channel is configured here). */
  EXPECT(SMSDRV_API_HAS(api, metrics));
  if (SMSDRV_API_HAS(api, metrics)) {
    smsdrv_metrics metrics;
    memset(&metrics, 0, sizeof metrics);
    metrics.struct_size = sizeof metrics;
    EXPECT(api->metrics(drv, &metrics) == SMSDRV_OK);
    EXPECT(metrics.count == 0);
    EXPECT(metrics.samples != NULL && metrics.samples[0] == NULL);
    metrics.struct_size = 4;
    EXPECT(api->metrics(drv, &metrics) == SMSDRV_E_ABI_MISMATCH);
  }
  /* ABI 1.2: remove_channel, which names what it does not know. */
  EXPECT(SMSDRV_API_HAS(api, remove_channel));
  if (SMSDRV_API_HAS(api, remove_channel)) {
    EXPECT(api->remove_channel(drv, "channel-c", 0) == SMSDRV_E_UNKNOWN_CHANNEL);
    EXPECT(strstr(api->last_error(drv), "channel-c") != NULL);
    EXPECT(api->remove_channel(drv, NULL, 0) == SMSDRV_E_INVALID_ARGUMENT);
  }
  EXPECT(api->shutdown(drv, 0) == SMSDRV_OK);
  api->destroy(drv);
  dlclose(module);
  if (failures == 0) printf("abi_c_host: ok\n");
  return failures == 0 ? 0 : 1;
}
