/* A host built against ABI 1.0 (its structs copied here as that header declared them, frozen)
 * loading the current module: it asks for version 1.0, uses only the 1.0 prefix of the function
 * table and passes 1.0-sized structs, to configure, send and poll. Everything must keep working,
 * and the driver must write nothing past the struct_size it is given.
 * Usage: abi_old_host <module.so> */
#define _POSIX_C_SOURCE 199309L /* nanosleep */
#include <dlfcn.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static int failures = 0;
#define EXPECT(cond)                                                      \
  do {                                                                    \
    if (!(cond)) {                                                        \
      fprintf(stderr, "%s:%d: expected %s\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                         \
    }                                                                     \
  } while (0)

/* smsdrv.h of ABI 1.0, the parts this host uses. */
typedef struct old_driver old_driver;
typedef struct old_host {
  uint32_t struct_size;
  void* context;
  void (*notify)(void* context);
  void (*log)(void* context, int32_t level, const char* channel, const char* message);
  const char* application_name;
  int32_t log_level;
} old_host;
typedef struct old_section {
  uint32_t struct_size;
  const char* name;
  uint32_t count;
  const char* const* keys;
  const char* const* values;
  const char* source;
  const uint32_t* lines;
} old_section;
typedef struct old_request {
  uint32_t struct_size;
  const char* channel;
  const char* request;
  uint32_t count;
  const char* const* keys;
  const char* const* values;
} old_request;
typedef struct old_event {
  uint32_t struct_size;
  int32_t type;
  uint64_t event_id;
  uint64_t request_id;
  const char* channel;
  int32_t status;
  const char* text;
  uint32_t count;
  const char* const* keys;
  const char* const* values;
  uint32_t flags;
} old_event;
typedef struct old_api {
  uint32_t struct_size;
  uint32_t abi_version;
  const char* driver_name;
  const char* driver_version;
  int32_t (*init)(const old_host* host, old_driver** out);
  int32_t (*configure)(old_driver* driver, const old_section* section);
  int32_t (*send)(old_driver* driver, const old_request* request, uint64_t* request_id);
  int32_t (*poll)(old_driver* driver, old_event* event);
  int32_t (*ack)(old_driver* driver, uint64_t event_id, int32_t disposition);
  int32_t (*shutdown)(old_driver* driver, uint32_t drain_timeout_ms);
  void (*destroy)(old_driver* driver);
  const char* (*last_error)(const old_driver* driver);
  const char* (*status_name)(int32_t status);
  const char* (*status_message)(int32_t status);
} old_api;
typedef const old_api* (*old_entry_fn)(uint32_t host_abi_version);

/* The struct's size up to and including `field`: what a host may pass as its struct_size. */
#define SIZE_THROUGH(type, field) (offsetof(type, field) + sizeof(((type*)0)->field))

/* An event in a larger buffer filled with a guard byte: poll() may write its struct_size bytes
 * and not one more. */
#define GUARD 0xA5
typedef union guarded_event {
  old_event event;
  unsigned char bytes[sizeof(old_event) + 64];
} guarded_event;

static int32_t poll_guarded(const old_api* api, old_driver* drv, guarded_event* g,
                            uint32_t struct_size) {
  int32_t got;
  size_t i;
  memset(g->bytes, GUARD, sizeof g->bytes);
  g->event.struct_size = struct_size;
  got = api->poll(drv, &g->event);
  for (i = struct_size; i < sizeof g->bytes; ++i)
    if (g->bytes[i] != GUARD) {
      fprintf(stderr, "poll with struct_size %u wrote byte %u\n", (unsigned)struct_size,
              (unsigned)i);
      ++failures;
      break;
    }
  EXPECT(g->event.struct_size == struct_size);
  return got;
}

static void on_log(void* ctx, int32_t level, const char* channel, const char* message) {
  (void)ctx;
  (void)level;
  (void)channel;
  (void)message;
}

int main(int argc, char** argv) {
  void* module;
  old_entry_fn entry;
  const old_api* api;
  old_host host;
  old_driver* drv = NULL;
  old_section section;
  old_event event;
  const char* keys[3] = {"x-smpp-host", "x-smpp-port", "x-smpp-system-id"};
  const char* values[3] = {"127.0.0.1", "1", "old"};
  if (argc != 2) return 2;
  module = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!module) return 1;
  *(void**)(&entry) = dlsym(module, "smsdrv_driver_entry");
  EXPECT(entry != NULL);
  if (!entry) return 1;
  api = entry(1u << 16); /* ABI 1.0 */
  EXPECT(api != NULL);
  if (!api) return 1;
  EXPECT(api->struct_size >= sizeof(old_api));
  EXPECT((api->abi_version >> 16) == 1);
  EXPECT(strcmp(api->status_name(-2), "SMSDRV_E_QUEUE_FULL") == 0);

  memset(&host, 0, sizeof host);
  host.struct_size = sizeof host;
  host.log = on_log;
  EXPECT(api->init(&host, &drv) == 0);
  if (!drv) return 1;
  memset(&section, 0, sizeof section);
  section.struct_size = sizeof section;
  section.name = "channel-old";
  section.count = 3;
  section.keys = keys;
  section.values = values;
  EXPECT(api->configure(drv, &section) == 0);
  /* The channel cannot connect (port 1): a channel-state event arrives in a 1.0-sized event. */
  {
    int i;
    int seen = 0;
    for (i = 0; i < 500 && !seen; ++i) {
      memset(&event, 0, sizeof event);
      event.struct_size = sizeof event;
      while (api->poll(drv, &event) == 1) {
        if (event.type == 4) seen = 1;
        event.struct_size = sizeof event;
      }
      if (!seen) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
      }
    }
    EXPECT(seen);
  }
  /* A 1.0 request is accepted; at shutdown it gets its one RESPONSE, polled into events whose
   * struct_size is exactly the 1.0 prefix (no tail padding) and then sizeof(old_event). */
  {
    const char* rkeys[2] = {"_smsDestNumber", "_smsText"};
    const char* rvalues[2] = {"4915550001", "from a 1.0 host"};
    old_request request;
    uint64_t id = 0;
    guarded_event g;
    int responses = 0;
    int32_t got;
    memset(&request, 0, sizeof request);
    request.struct_size = sizeof request;
    request.channel = "channel-old";
    request.request = "SendSMS";
    request.count = 2;
    request.keys = rkeys;
    request.values = rvalues;
    EXPECT(api->send(drv, &request, &id) == 0);
    EXPECT(id > 0);
    request.struct_size = (uint32_t)SIZE_THROUGH(old_request, count);
    EXPECT(api->send(drv, &request, &id) == -17); /* SMSDRV_E_ABI_MISMATCH */
    EXPECT(strstr(api->last_error(drv), "smsdrv_request.struct_size") != NULL);
    EXPECT(api->shutdown(drv, 0) == 0);
    while ((got = poll_guarded(api, drv, &g, (uint32_t)SIZE_THROUGH(old_event, flags))) == 1) {
      if (g.event.type == 1 && g.event.request_id == id) {
        ++responses;
        EXPECT(g.event.status < 0); /* never sent: the channel never came up */
        EXPECT(strcmp(g.event.channel, "channel-old") == 0);
      }
    }
    EXPECT(got == 0);
    EXPECT(responses == 1);
    EXPECT(poll_guarded(api, drv, &g, (uint32_t)sizeof(old_event)) == 0);
    EXPECT(poll_guarded(api, drv, &g, (uint32_t)SIZE_THROUGH(old_event, values)) == -17);
  }
  api->destroy(drv);
  dlclose(module);
  if (failures == 0) printf("abi_old_host: ok\n");
  return failures == 0 ? 0 : 1;
}
