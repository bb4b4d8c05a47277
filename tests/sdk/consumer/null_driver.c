/* The least driver the ABI allows: it exports the entry point and refuses every request. It
 * shows that a driver builds from the installed headers alone. */
#include <stdlib.h>

#include <smsdrv/smsdrv.h>

struct smsdrv_driver {
  int unused;
};

static int32_t null_init(const smsdrv_host* host, smsdrv_driver** out) {
  if (out == NULL) return SMSDRV_E_INVALID_ARGUMENT;
  *out = NULL;
  if (host == NULL) return SMSDRV_E_INVALID_ARGUMENT;
  *out = (smsdrv_driver*)calloc(1, sizeof **out);
  return *out != NULL ? SMSDRV_OK : SMSDRV_E_INTERNAL;
}
static int32_t null_configure(smsdrv_driver* d, const smsdrv_section* s) {
  (void)d;
  (void)s;
  return SMSDRV_E_BAD_CONFIG;
}
static int32_t null_send(smsdrv_driver* d, const smsdrv_request* r, uint64_t* id) {
  (void)d;
  (void)r;
  (void)id;
  return SMSDRV_E_UNSUPPORTED_REQUEST;
}
static int32_t null_poll(smsdrv_driver* d, smsdrv_event* e) {
  (void)d;
  (void)e;
  return 0;
}
static int32_t null_ack(smsdrv_driver* d, uint64_t id, int32_t disposition) {
  (void)d;
  (void)id;
  (void)disposition;
  return SMSDRV_E_UNKNOWN_EVENT;
}
static int32_t null_shutdown(smsdrv_driver* d, uint32_t ms) {
  (void)d;
  (void)ms;
  return SMSDRV_OK;
}
static void null_destroy(smsdrv_driver* d) {
  free(d);
}
static const char* null_last_error(const smsdrv_driver* d) {
  (void)d;
  return "the null driver does nothing";
}
static const char* null_status_name(int32_t status) {
  return status == 0 ? "SMSDRV_OK" : "SMSDRV_E";
}
static const char* null_status_message(int32_t status) {
  return status == 0 ? "success" : "failure";
}

static const smsdrv_driver_api null_api = {SMSDRV_DRIVER_API_SIZE_1_0,
                                           SMSDRV_ABI_MAJOR << 16,
                                           "null",
                                           "1.0",
                                           null_init,
                                           null_configure,
                                           null_send,
                                           null_poll,
                                           null_ack,
                                           null_shutdown,
                                           null_destroy,
                                           null_last_error,
                                           null_status_name,
                                           null_status_message,
                                           NULL,
                                           NULL};

SMSDRV_EXPORT const smsdrv_driver_api* smsdrv_driver_entry(uint32_t host_abi_version) {
  return SMSDRV_ABI_VERSION_MAJOR_OF(host_abi_version) == SMSDRV_ABI_MAJOR ? &null_api : NULL;
}
