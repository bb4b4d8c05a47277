/* The spool driver's C ABI (smsdrv.h): a driver of ABI 1.0, built against the SDK's header alone.
 * SendSMS requests become files in a folder, files in another folder become inbound messages
 * (README.md). The rules of smsdrv.h hold: send() never blocks and every accepted request gets
 * exactly one RESPONSE event; the host is notified, never called back otherwise; structs are
 * read and written by their struct_size; no driver thread runs after shutdown() returns. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "driver.h"
#include "message_file.h"

#ifndef SPOOL_DRIVER_VERSION
#define SPOOL_DRIVER_VERSION "1.0.0"
#endif

void spool_request_free(spool_request* r) {
  uint32_t i;
  for (i = 0; i < r->count; ++i) {
    free(r->keys[i]);
    free(r->values[i]);
  }
  free(r->keys);
  free(r->values);
  free(r);
}

uint64_t spool_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void spool_log(smsdrv_driver* d, int32_t level, const char* channel, const char* format, ...) {
  char line[1024];
  va_list args;
  const int32_t most = d->host.log_level ? d->host.log_level : SMSDRV_LOG_INFO;
  if (d->host.log == NULL || level > most) return;
  va_start(args, format);
  vsnprintf(line, sizeof line, format, args);
  va_end(args);
  d->host.log(d->host.context, level, channel ? channel : "", line);
}

int spool_push_event(smsdrv_driver* d, spool_event* e) {
  const int notify = d->events.head == NULL && d->host_saw_empty;
  spool_events_push(&d->events, e);
  if (notify) d->host_saw_empty = 0;
  return notify;
}

void spool_notify(smsdrv_driver* d) {
  if (d->host.notify != NULL) d->host.notify(d->host.context);
}

/* ---- last_error: per handle and calling thread; init()'s failures have no handle --------- */

static pthread_key_t init_error;
static pthread_once_t init_error_once = PTHREAD_ONCE_INIT;
static void make_init_error_key(void) {
  pthread_key_create(&init_error, free);
}

static void set_error_v(const smsdrv_driver* d, const char* format, va_list args) {
  char text[2048];
  char* copy;
  pthread_key_t key;
  vsnprintf(text, sizeof text, format, args);
  if (d != NULL) {
    key = d->last_error;
  } else {
    pthread_once(&init_error_once, make_init_error_key);
    key = init_error;
  }
  copy = (char*)malloc(strlen(text) + 1);
  if (copy == NULL) return;
  strcpy(copy, text);
  free(pthread_getspecific(key));
  pthread_setspecific(key, copy);
}

/* Records the explanation of a failing call for last_error() and returns its status. */
static int32_t fail(const smsdrv_driver* d, int32_t status, const char* format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static int32_t fail(const smsdrv_driver* d, int32_t status, const char* format, ...) {
  va_list args;
  va_start(args, format);
  set_error_v(d, format, args);
  va_end(args);
  return status;
}

static const char* spool_last_error(const smsdrv_driver* d) {
  const char* text;
  if (d == NULL) {
    pthread_once(&init_error_once, make_init_error_key);
    text = (const char*)pthread_getspecific(init_error);
  } else {
    text = (const char*)pthread_getspecific(d->last_error);
  }
  return text != NULL ? text : "";
}

/* ---- init, configure ------------------------------------------------------------------------ */

static int32_t spool_init(const smsdrv_host* host, smsdrv_driver** out) {
  smsdrv_driver* d;
  pthread_condattr_t attr;
  if (out == NULL || host == NULL) {
    return fail(NULL, SMSDRV_E_INVALID_ARGUMENT, "init: host or out is NULL");
  }
  *out = NULL;
  if (host->struct_size < SMSDRV_HOST_SIZE_1_0) {
    return fail(NULL, SMSDRV_E_ABI_MISMATCH,
                "init: smsdrv_host.struct_size is %u; ABI 1.0's is at least %u",
                (unsigned)host->struct_size, (unsigned)SMSDRV_HOST_SIZE_1_0);
  }
  d = (smsdrv_driver*)calloc(1, sizeof *d);
  if (d == NULL) return fail(NULL, SMSDRV_E_INTERNAL, "init: out of memory");
  /* The host's struct by its struct_size: fields it does not have stay zero. */
  memcpy(&d->host, host, host->struct_size < sizeof d->host ? host->struct_size : sizeof d->host);
  d->host.struct_size = sizeof d->host;
  d->application_name =
      (char*)malloc(strlen(host->application_name ? host->application_name : "") + 1);
  if (d->application_name == NULL || pthread_key_create(&d->last_error, free) != 0) {
    free(d->application_name);
    free(d);
    return fail(NULL, SMSDRV_E_INTERNAL, "init: out of memory");
  }
  strcpy(d->application_name, host->application_name ? host->application_name : "");
  d->host.application_name = NULL; /* borrowed: not kept */
  pthread_mutex_init(&d->mutex, NULL);
  pthread_condattr_init(&attr);
  pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
  pthread_cond_init(&d->wake, &attr);
  pthread_condattr_destroy(&attr);
  d->host_saw_empty = 1;
  *out = d;
  return SMSDRV_OK;
}

static spool_channel* find_channel(smsdrv_driver* d, const char* name) {
  spool_channel* c;
  for (c = d->channels; c != NULL; c = c->next)
    if (strcmp(c->name, name) == 0) return c;
  return NULL;
}

static int32_t spool_configure(smsdrv_driver* d, const smsdrv_section* section) {
  smsdrv_section s;
  spool_channel* c;
  char error[2048];
  int started = 1, shut_down;
  if (d == NULL || section == NULL)
    return fail(d, SMSDRV_E_INVALID_ARGUMENT, "configure: driver or section is NULL");
  if (section->struct_size < SMSDRV_SECTION_SIZE_1_0)
    return fail(d, SMSDRV_E_ABI_MISMATCH,
                "configure: smsdrv_section.struct_size is %u; ABI 1.0's is at least %u",
                (unsigned)section->struct_size, (unsigned)SMSDRV_SECTION_SIZE_1_0);
  memset(&s, 0, sizeof s);
  memcpy(&s, section, section->struct_size < sizeof s ? section->struct_size : sizeof s);
  if (s.name == NULL || (s.count > 0 && (s.keys == NULL || s.values == NULL)))
    return fail(d, SMSDRV_E_INVALID_ARGUMENT, "configure: name, keys or values missing");
  if (strncmp(s.name, "channel-", 8) != 0) {
    /* [settings], [log-filter], [log-filter-data]: nothing this driver uses. */
    spool_log(d, SMSDRV_LOG_DEBUG, "", "section [%s] has nothing for this driver", s.name);
    return SMSDRV_OK;
  }
  pthread_mutex_lock(&d->mutex);
  shut_down = d->shut_down;
  c = find_channel(d, s.name);
  pthread_mutex_unlock(&d->mutex);
  if (shut_down) return fail(d, SMSDRV_E_SHUT_DOWN, "configure: the driver is shutting down");
  if (c != NULL) return fail(d, SMSDRV_E_ALREADY_CONFIGURED, "[%s] is already configured", s.name);
  c = spool_channel_from_section(d, &s, error, sizeof error);
  if (c == NULL) return fail(d, SMSDRV_E_BAD_CONFIG, "%s", error);
  pthread_mutex_lock(&d->mutex);
  c->next = d->channels;
  d->channels = c; /* the worker reads the list from its head: see worker.c */
  if (!d->worker_running) {
    started = pthread_create(&d->worker, NULL, spool_worker_main, d) == 0;
    d->worker_running = started;
  }
  pthread_cond_signal(&d->wake);
  pthread_mutex_unlock(&d->mutex);
  if (!started) return fail(d, SMSDRV_E_INTERNAL, "configure: cannot start the driver's thread");
  spool_log(d, SMSDRV_LOG_INFO, c->name, "configured: outbox %s, inbox %s, read every %u ms",
            c->outbox, c->inbox, (unsigned)c->poll_ms);
  return SMSDRV_OK;
}

/* ---- send, poll, ack ------------------------------------------------------------------------- */

static const char* value_of(const smsdrv_request* r, const char* key) {
  uint32_t i;
  for (i = 0; i < r->count; ++i)
    if (r->keys[i] != NULL && strcmp(r->keys[i], key) == 0) return r->values[i] ? r->values[i] : "";
  return NULL;
}

static char* copy(const char* s) {
  char* out = (char*)malloc(strlen(s) + 1);
  if (out != NULL) strcpy(out, s);
  return out;
}

/* The request's user data, plus _smsSrcNumber from default-reply-address when it has none. */
static spool_request* new_request(const smsdrv_request* r, const spool_channel* c) {
  const int add_source = value_of(r, "_smsSrcNumber") == NULL && c->reply_address != NULL;
  const uint32_t n = r->count + (add_source ? 1u : 0u);
  spool_request* q = (spool_request*)calloc(1, sizeof *q);
  uint32_t i;
  if (q == NULL) return NULL;
  q->keys = (char**)calloc(n ? n : 1, sizeof *q->keys);
  q->values = (char**)calloc(n ? n : 1, sizeof *q->values);
  if (q->keys == NULL || q->values == NULL) goto fail;
  /* count grows with each pair so that spool_request_free() frees what was copied; the arrays
   * are zeroed, so a pair copied only in half is freed as well. */
  for (i = 0; i < n; ++i) {
    const int source = i == r->count;
    q->count = i + 1;
    q->keys[i] = copy(source ? "_smsSrcNumber" : r->keys[i]);
    q->values[i] = copy(source ? c->reply_address : r->values[i] ? r->values[i] : "");
    if (q->keys[i] == NULL || q->values[i] == NULL) goto fail;
  }
  return q;
fail:
  spool_request_free(q);
  return NULL;
}

static int32_t spool_send(smsdrv_driver* d, const smsdrv_request* request, uint64_t* request_id) {
  smsdrv_request r;
  spool_channel* c;
  spool_request* q;
  uint32_t i;
  if (d == NULL || request == NULL)
    return fail(d, SMSDRV_E_INVALID_ARGUMENT, "send: driver or request is NULL");
  if (request->struct_size < SMSDRV_REQUEST_SIZE_1_0)
    return fail(d, SMSDRV_E_ABI_MISMATCH,
                "send: smsdrv_request.struct_size is %u; ABI 1.0's is at least %u",
                (unsigned)request->struct_size, (unsigned)SMSDRV_REQUEST_SIZE_1_0);
  memset(&r, 0, sizeof r);
  memcpy(&r, request, request->struct_size < sizeof r ? request->struct_size : sizeof r);
  if (r.channel == NULL || r.request == NULL ||
      (r.count > 0 && (r.keys == NULL || r.values == NULL)))
    return fail(d, SMSDRV_E_INVALID_ARGUMENT, "send: channel, request, keys or values missing");
  if (strcmp(r.request, "SendSMS") != 0)
    return fail(d, SMSDRV_E_UNSUPPORTED_REQUEST,
                "request '%s' is not handled by this driver (it handles SendSMS)", r.request);
  if (r.count > SPOOL_MAX_PAIRS)
    return fail(d, SMSDRV_E_BAD_REQUEST, "SendSMS: more than 256 user-data keys");
  for (i = 0; i < r.count; ++i)
    if (!spool_key_ok(r.keys[i]))
      return fail(d, SMSDRV_E_BAD_REQUEST,
                  "SendSMS: user-data key '%s' is empty or holds '=' or a line break",
                  r.keys[i] ? r.keys[i] : "");
  if (value_of(&r, "_smsDestNumber") == NULL || value_of(&r, "_smsDestNumber")[0] == '\0')
    return fail(d, SMSDRV_E_BAD_REQUEST, "SendSMS: _smsDestNumber is missing or empty");
  if (value_of(&r, "_smsText") == NULL)
    return fail(d, SMSDRV_E_BAD_REQUEST, "SendSMS: _smsText is missing");

  pthread_mutex_lock(&d->mutex);
  c = find_channel(d, r.channel);
  if (d->shut_down || c == NULL || d->pending_count >= SPOOL_MAX_PENDING) {
    const int shut_down = d->shut_down, full = c != NULL;
    pthread_mutex_unlock(&d->mutex);
    if (shut_down) return fail(d, SMSDRV_E_SHUT_DOWN, "the driver is shutting down");
    if (!full)
      return fail(d, SMSDRV_E_UNKNOWN_CHANNEL, "no channel '%s' is configured in this driver",
                  r.channel);
    return fail(d, SMSDRV_E_QUEUE_FULL, "%s: 1000 requests are waiting to be written", r.channel);
  }
  pthread_mutex_unlock(&d->mutex);
  /* Copied outside the lock; the channel stays (channels are freed only by destroy()). */
  q = new_request(&r, c);
  if (q == NULL) return fail(d, SMSDRV_E_INTERNAL, "send: out of memory");
  q->channel = c;
  pthread_mutex_lock(&d->mutex);
  if (d->shut_down) {
    pthread_mutex_unlock(&d->mutex);
    spool_request_free(q);
    return fail(d, SMSDRV_E_SHUT_DOWN, "the driver is shutting down");
  }
  q->id = ++d->next_request_id;
  if (d->pending_tail != NULL)
    d->pending_tail->next = q;
  else
    d->pending_head = q;
  d->pending_tail = q;
  ++d->pending_count;
  if (request_id != NULL) *request_id = q->id;
  pthread_cond_signal(&d->wake);
  pthread_mutex_unlock(&d->mutex);
  return SMSDRV_OK;
}

static int32_t spool_poll(smsdrv_driver* d, smsdrv_event* out) {
  smsdrv_event full;
  spool_event* e;
  size_t size, known;
  if (d == NULL || out == NULL)
    return fail(d, SMSDRV_E_INVALID_ARGUMENT, "poll: driver or event is NULL");
  if (out->struct_size < SMSDRV_EVENT_SIZE_1_0)
    return fail(d, SMSDRV_E_ABI_MISMATCH,
                "poll: smsdrv_event.struct_size is %u; ABI 1.0's is at least %u",
                (unsigned)out->struct_size, (unsigned)SMSDRV_EVENT_SIZE_1_0);
  pthread_mutex_lock(&d->mutex);
  spool_event_free(d->polled); /* the previous event's strings are no longer the host's */
  d->polled = e = spool_events_pop(&d->events);
  if (e == NULL) d->host_saw_empty = 1;
  pthread_mutex_unlock(&d->mutex);
  if (e == NULL) return 0;
  memset(&full, 0, sizeof full);
  full.type = e->type;
  full.event_id = e->event_id;
  full.request_id = e->request_id;
  full.channel = e->channel;
  full.status = e->status;
  full.text = e->text;
  full.count = e->count;
  full.keys = (const char* const*)e->keys;
  full.values = (const char* const*)e->values;
  full.flags = e->flags;
  /* Exactly the host's struct_size: what this driver knows, zeros after it. */
  size = out->struct_size;
  known = size < sizeof full ? size : sizeof full;
  full.struct_size = (uint32_t)size;
  memcpy(out, &full, known);
  if (size > known) memset((char*)out + known, 0, size - known);
  return 1;
}

static int32_t spool_ack(smsdrv_driver* d, uint64_t event_id, int32_t disposition) {
  spool_inflight* f;
  char path[4200];
  if (d == NULL) return SMSDRV_E_INVALID_ARGUMENT;
  pthread_mutex_lock(&d->mutex);
  for (f = d->inflight; f != NULL && !(event_id != 0 && f->event_id == event_id); f = f->next) {
  }
  if (f == NULL) {
    pthread_mutex_unlock(&d->mutex);
    return fail(d, SMSDRV_E_UNKNOWN_EVENT,
                "event %llu is not waiting for an acknowledgement (never issued, not flagged "
                "NEEDS_ACK, or already acknowledged)",
                (unsigned long long)event_id);
  }
  snprintf(path, sizeof path, "%s/%s", f->channel->inbox, f->file);
  f->event_id = 0;
  if (disposition == SMSDRV_OK) {
    /* Taken: the file goes; the entry is forgotten at the next scan. */
    f->retry_at_ms = 0;
    if (unlink(path) != 0 && errno != ENOENT)
      spool_log(d, SMSDRV_LOG_WARN, f->channel->name, "cannot remove %s: %s", path,
                strerror(errno));
  } else {
    const uint64_t wait = 10u * f->channel->poll_ms < 1000u ? 1000u : 10u * f->channel->poll_ms;
    f->retry_at_ms = spool_now_ms() + wait;
  }
  pthread_mutex_unlock(&d->mutex);
  return SMSDRV_OK;
}

/* ---- shutdown, destroy ----------------------------------------------------------------------- */

static int32_t spool_shutdown(smsdrv_driver* d, uint32_t drain_timeout_ms) {
  spool_channel* c;
  int join, notify = 0;
  if (d == NULL) return SMSDRV_E_INVALID_ARGUMENT;
  pthread_mutex_lock(&d->mutex);
  if (d->shut_down) {
    pthread_mutex_unlock(&d->mutex);
    return SMSDRV_OK;
  }
  d->shut_down = 1;
  d->stopping = 1;
  d->drain_until_ms = spool_now_ms() + drain_timeout_ms;
  join = d->worker_running;
  pthread_cond_signal(&d->wake);
  pthread_mutex_unlock(&d->mutex);
  if (join) pthread_join(d->worker, NULL);
  pthread_mutex_lock(&d->mutex);
  d->worker_running = 0;
  for (c = d->channels; c != NULL; c = c->next) {
    spool_event* e =
        spool_event_new(SMSDRV_EVENT_CHANNEL_STATE, c->name, SMSDRV_E_SHUT_DOWN, "shut down");
    if (e != NULL && spool_event_add(e, "state", "shut-down") == 0)
      notify |= spool_push_event(d, e);
    else
      spool_event_free(e);
  }
  pthread_mutex_unlock(&d->mutex);
  if (notify) spool_notify(d);
  return SMSDRV_OK;
}

static void spool_destroy(smsdrv_driver* d) {
  spool_inflight* f;
  if (d == NULL) return;
  spool_shutdown(d, 0);
  while ((f = d->inflight) != NULL) {
    d->inflight = f->next;
    free(f->file);
    free(f);
  }
  while (d->channels != NULL) {
    spool_channel* c = d->channels;
    d->channels = c->next;
    spool_channel_free(c);
  }
  spool_events_clear(&d->events);
  spool_event_free(d->polled);
  free(pthread_getspecific(d->last_error));
  pthread_key_delete(d->last_error);
  pthread_cond_destroy(&d->wake);
  pthread_mutex_destroy(&d->mutex);
  free(d->application_name);
  free(d);
}

/* ---- statuses, the table, the entry point ---------------------------------------------------- */

static const char* spool_status_name(int32_t status) {
  switch (status) {
#define SPOOL_STATUS_NAME(name, value, message) \
  case value:                                   \
    return "SMSDRV_" #name;
    SMSDRV_STATUS_MAP(SPOOL_STATUS_NAME)
#undef SPOOL_STATUS_NAME
  }
  return status < 0 ? "SMSDRV_E_UNKNOWN" : "SMSDRV_UNKNOWN";
}

static const char* spool_status_message(int32_t status) {
  switch (status) {
#define SPOOL_STATUS_MESSAGE(name, value, message) \
  case value:                                      \
    return message;
    SMSDRV_STATUS_MAP(SPOOL_STATUS_MESSAGE)
#undef SPOOL_STATUS_MESSAGE
  }
  return status < 0 ? "an error this driver does not know" : "not an error";
}

/* An ABI 1.0 table: it ends with status_message, and says so in struct_size; the fields later
 * versions appended are NULL and lie beyond it (smsdrv.h: a host reads what struct_size covers). */
static const smsdrv_driver_api spool_api = {
    SMSDRV_DRIVER_API_SIZE_1_0,
    SMSDRV_ABI_MAJOR << 16, /* 1.0 */
    "spool",
    SPOOL_DRIVER_VERSION,
    spool_init,
    spool_configure,
    spool_send,
    spool_poll,
    spool_ack,
    spool_shutdown,
    spool_destroy,
    spool_last_error,
    spool_status_name,
    spool_status_message,
    NULL, /* metrics (1.1): beyond struct_size, never read */
    NULL, /* remove_channel (1.2): likewise */
};

SMSDRV_EXPORT const smsdrv_driver_api* smsdrv_driver_entry(uint32_t host_abi_version) {
  return SMSDRV_ABI_VERSION_MAJOR_OF(host_abi_version) == SMSDRV_ABI_MAJOR ? &spool_api : NULL;
}
