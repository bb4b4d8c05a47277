// The struct layouts of every ABI version, frozen as those versions declared them: the current
// header must keep each version's fields at the same offsets with the same sizes (fields are only
// appended), and its SMSDRV_<STRUCT>_SIZE_<version> constants must be those versions' prefixes.
// Checked at compile time; the test case only reports the sizes.
#include <catch2/catch.hpp>
#include <cstddef>
#include <cstdint>

#include "smsdrv/smsdrv.h"

namespace {

namespace frozen_1_0 {
struct host {
  uint32_t struct_size;
  void* context;
  void (*notify)(void*);
  void (*log)(void*, int32_t, const char*, const char*);
  const char* application_name;
  int32_t log_level;
};
struct section {
  uint32_t struct_size;
  const char* name;
  uint32_t count;
  const char* const* keys;
  const char* const* values;
  const char* source;
  const uint32_t* lines;
};
struct request {
  uint32_t struct_size;
  const char* channel;
  const char* request;
  uint32_t count;
  const char* const* keys;
  const char* const* values;
};
struct event {
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
};
}  // namespace frozen_1_0

namespace frozen_1_1 {
struct metric {
  uint32_t struct_size;
  int32_t kind;
  const char* family;
  const char* name;
  const char* help;
  const char* channel;
  const char* label_name;
  const char* label_value;
  double value;
};
struct metrics {
  uint32_t struct_size;
  uint32_t count;
  const smsdrv_metric* const* samples;
};
}  // namespace frozen_1_1

// The field of the current struct is where the frozen version had it, with the same size.
#define SAME_FIELD(current, frozen, field)                                                 \
  static_assert(offsetof(current, field) == offsetof(frozen, field), #current "." #field); \
  static_assert(sizeof(static_cast<current*>(nullptr)->field) ==                           \
                    sizeof(static_cast<frozen*>(nullptr)->field),                          \
                #current "." #field)
#define FROZEN_SIZE(frozen, last) \
  (offsetof(frozen, last) + sizeof(static_cast<frozen*>(nullptr)->last))

SAME_FIELD(smsdrv_host, frozen_1_0::host, struct_size);
SAME_FIELD(smsdrv_host, frozen_1_0::host, context);
SAME_FIELD(smsdrv_host, frozen_1_0::host, notify);
SAME_FIELD(smsdrv_host, frozen_1_0::host, log);
SAME_FIELD(smsdrv_host, frozen_1_0::host, application_name);
SAME_FIELD(smsdrv_host, frozen_1_0::host, log_level);
static_assert(SMSDRV_HOST_SIZE_1_0 == FROZEN_SIZE(frozen_1_0::host, log_level));

SAME_FIELD(smsdrv_section, frozen_1_0::section, struct_size);
SAME_FIELD(smsdrv_section, frozen_1_0::section, name);
SAME_FIELD(smsdrv_section, frozen_1_0::section, count);
SAME_FIELD(smsdrv_section, frozen_1_0::section, keys);
SAME_FIELD(smsdrv_section, frozen_1_0::section, values);
SAME_FIELD(smsdrv_section, frozen_1_0::section, source);
SAME_FIELD(smsdrv_section, frozen_1_0::section, lines);
static_assert(SMSDRV_SECTION_SIZE_1_0 == FROZEN_SIZE(frozen_1_0::section, lines));

SAME_FIELD(smsdrv_request, frozen_1_0::request, struct_size);
SAME_FIELD(smsdrv_request, frozen_1_0::request, channel);
SAME_FIELD(smsdrv_request, frozen_1_0::request, request);
SAME_FIELD(smsdrv_request, frozen_1_0::request, count);
SAME_FIELD(smsdrv_request, frozen_1_0::request, keys);
SAME_FIELD(smsdrv_request, frozen_1_0::request, values);
static_assert(SMSDRV_REQUEST_SIZE_1_0 == FROZEN_SIZE(frozen_1_0::request, values));

SAME_FIELD(smsdrv_event, frozen_1_0::event, struct_size);
SAME_FIELD(smsdrv_event, frozen_1_0::event, type);
SAME_FIELD(smsdrv_event, frozen_1_0::event, event_id);
SAME_FIELD(smsdrv_event, frozen_1_0::event, request_id);
SAME_FIELD(smsdrv_event, frozen_1_0::event, channel);
SAME_FIELD(smsdrv_event, frozen_1_0::event, status);
SAME_FIELD(smsdrv_event, frozen_1_0::event, text);
SAME_FIELD(smsdrv_event, frozen_1_0::event, count);
SAME_FIELD(smsdrv_event, frozen_1_0::event, keys);
SAME_FIELD(smsdrv_event, frozen_1_0::event, values);
SAME_FIELD(smsdrv_event, frozen_1_0::event, flags);
static_assert(SMSDRV_EVENT_SIZE_1_0 == FROZEN_SIZE(frozen_1_0::event, flags));

SAME_FIELD(smsdrv_metric, frozen_1_1::metric, struct_size);
SAME_FIELD(smsdrv_metric, frozen_1_1::metric, kind);
SAME_FIELD(smsdrv_metric, frozen_1_1::metric, family);
SAME_FIELD(smsdrv_metric, frozen_1_1::metric, name);
SAME_FIELD(smsdrv_metric, frozen_1_1::metric, help);
SAME_FIELD(smsdrv_metric, frozen_1_1::metric, channel);
SAME_FIELD(smsdrv_metric, frozen_1_1::metric, label_name);
SAME_FIELD(smsdrv_metric, frozen_1_1::metric, label_value);
SAME_FIELD(smsdrv_metric, frozen_1_1::metric, value);
static_assert(SMSDRV_METRIC_SIZE_1_1 == FROZEN_SIZE(frozen_1_1::metric, value));

SAME_FIELD(smsdrv_metrics, frozen_1_1::metrics, struct_size);
SAME_FIELD(smsdrv_metrics, frozen_1_1::metrics, count);
SAME_FIELD(smsdrv_metrics, frozen_1_1::metrics, samples);
static_assert(SMSDRV_METRICS_SIZE_1_1 == FROZEN_SIZE(frozen_1_1::metrics, samples));

// The function table: 1.0 ends with status_message, 1.1 appends metrics, 1.2 remove_channel.
static_assert(SMSDRV_DRIVER_API_SIZE_1_0 ==
              offsetof(smsdrv_driver_api, status_message) + sizeof(const char* (*)(int32_t)));
static_assert(offsetof(smsdrv_driver_api, metrics) >= SMSDRV_DRIVER_API_SIZE_1_0);
static_assert(SMSDRV_DRIVER_API_SIZE_1_1 ==
              offsetof(smsdrv_driver_api, metrics) +
                  sizeof(int32_t(*)(smsdrv_driver*, smsdrv_metrics*)));
static_assert(offsetof(smsdrv_driver_api, remove_channel) >= SMSDRV_DRIVER_API_SIZE_1_1);
static_assert(SMSDRV_DRIVER_API_SIZE_1_2 > SMSDRV_DRIVER_API_SIZE_1_1);

// A field appended in a later version begins at or after the previous version's sizeof(), so that
// it never lies in the tail padding an older host leaves uninitialised (docs/ABI.md, "Appending
// a field"). One line per appended struct.
static_assert(offsetof(smsdrv_request, part_count) >= sizeof(frozen_1_0::request));  // 1.2
static_assert(offsetof(smsdrv_event, parts) >= sizeof(frozen_1_0::event));           // 1.2
static_assert(SMSDRV_REQUEST_SIZE_1_2 == sizeof(smsdrv_request));
static_assert(SMSDRV_EVENT_SIZE_1_2 <= sizeof(smsdrv_event));
static_assert(SMSDRV_PART_SIZE_1_2 == sizeof(smsdrv_part));

}  // namespace

TEST_CASE("the struct sizes of each ABI version") {
  INFO("host " << SMSDRV_HOST_SIZE_1_0 << ", section " << SMSDRV_SECTION_SIZE_1_0 << ", request "
               << SMSDRV_REQUEST_SIZE_1_0 << ", event " << SMSDRV_EVENT_SIZE_1_0 << ", metric "
               << SMSDRV_METRIC_SIZE_1_1 << ", metrics " << SMSDRV_METRICS_SIZE_1_1);
  // The prefix never exceeds the struct, and the current struct is at least its latest prefix.
  CHECK(SMSDRV_HOST_SIZE_1_0 <= sizeof(smsdrv_host));
  CHECK(SMSDRV_SECTION_SIZE_1_0 <= sizeof(smsdrv_section));
  CHECK(SMSDRV_REQUEST_SIZE_1_0 <= sizeof(smsdrv_request));
  CHECK(SMSDRV_EVENT_SIZE_1_0 <= sizeof(smsdrv_event));
  CHECK(SMSDRV_METRIC_SIZE_1_1 <= sizeof(smsdrv_metric));
  CHECK(SMSDRV_METRICS_SIZE_1_1 <= sizeof(smsdrv_metrics));
  CHECK(SMSDRV_DRIVER_API_SIZE_1_1 <= sizeof(smsdrv_driver_api));
  CHECK(SMSDRV_DRIVER_API_SIZE_1_1 < SMSDRV_DRIVER_API_SIZE_1_2);
  CHECK(SMSDRV_DRIVER_API_SIZE_1_2 <= sizeof(smsdrv_driver_api));
  CHECK(SMSDRV_REQUEST_SIZE_1_0 < SMSDRV_REQUEST_SIZE_1_2);
  CHECK(SMSDRV_EVENT_SIZE_1_0 < SMSDRV_EVENT_SIZE_1_2);
}
