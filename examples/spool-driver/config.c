/* A [channel-<name>] section of the host's options file, for this driver:
 *
 *   x-spool-dir = /var/spool/sms       required: outbox/ and inbox/ are made in it if missing
 *   x-spool-poll-ms = 250              how often inbox/ is read, 10 to 60000 (default 250)
 *   default-reply-address = 12345      _smsSrcNumber of a SendSMS that gives none
 *
 * The host's own options (driver, driver-classname, inbound-route, session-by-address,
 * session-by-text) are passed along and ignored here; any other option is warned about. A bad
 * value refuses the section, naming file:line, section, option, value and rule. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "driver.h"

static const char* const host_options[] = {"driver", "driver-classname", "inbound-route",
                                           "session-by-address", "session-by-text"};

static char* copy(const char* s) {
  size_t n = strlen(s) + 1;
  char* out = (char*)malloc(n);
  if (out != NULL) memcpy(out, s, n);
  return out;
}

static char* join(const char* dir, const char* leaf) {
  size_t n = strlen(dir) + 1 + strlen(leaf) + 1;
  char* out = (char*)malloc(n);
  if (out != NULL) snprintf(out, n, "%s/%s", dir, leaf);
  return out;
}

/* Appends "<source>:<line>: [<section>] <key> = <value>: <rule>" to the error text. */
static void problem(char* error, size_t size, const smsdrv_section* s, uint32_t i,
                    const char* format, ...) {
  size_t used = strlen(error);
  va_list args;
  if (used + 1 >= size) return;
  if (s->source != NULL && s->lines != NULL)
    used += (size_t)snprintf(error + used, size - used, "%s:%u: ", s->source, s->lines[i]);
  else if (s->source != NULL)
    used += (size_t)snprintf(error + used, size - used, "%s: ", s->source);
  if (used >= size) return;
  used += (size_t)snprintf(error + used, size - used, "[%s] %s = %s: ", s->name, s->keys[i],
                           s->values[i] ? s->values[i] : "");
  if (used >= size) return;
  va_start(args, format);
  used += (size_t)vsnprintf(error + used, size - used, format, args);
  va_end(args);
  if (used + 1 < size) strcat(error, "\n");
}

static int make_dir(const char* path) {
  struct stat st;
  if (mkdir(path, 0755) == 0) return 0;
  if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) return 0;
  return errno == EEXIST ? ENOTDIR : errno;
}

spool_channel* spool_channel_from_section(smsdrv_driver* d, const smsdrv_section* s, char* error,
                                          size_t error_size) {
  spool_channel* c = (spool_channel*)calloc(1, sizeof *c);
  const char* dir = NULL;
  uint32_t i, dir_index = 0, k;
  int rc;
  error[0] = '\0';
  if (c == NULL) {
    snprintf(error, error_size, "out of memory");
    return NULL;
  }
  c->poll_ms = 250;
  for (i = 0; i < s->count; ++i) {
    const char* key = s->keys[i] ? s->keys[i] : "";
    const char* value = s->values[i] ? s->values[i] : "";
    int host_option = 0;
    for (k = 0; k < sizeof host_options / sizeof host_options[0]; ++k)
      if (strcmp(key, host_options[k]) == 0) host_option = 1;
    if (host_option) continue;
    if (strcmp(key, "x-spool-dir") == 0) {
      if (value[0] == '\0') problem(error, error_size, s, i, "a directory is required");
      dir = value;
      dir_index = i;
    } else if (strcmp(key, "x-spool-poll-ms") == 0) {
      char* end = NULL;
      long ms;
      errno = 0;
      ms = strtol(value, &end, 10);
      if (value[0] == '\0' || *end != '\0' || errno != 0 || ms < 10 || ms > 60000)
        problem(error, error_size, s, i, "must be a whole number of milliseconds from 10 to 60000");
      else
        c->poll_ms = (uint32_t)ms;
    } else if (strcmp(key, "default-reply-address") == 0) {
      free(c->reply_address);
      c->reply_address = copy(value);
    } else {
      spool_log(d, SMSDRV_LOG_WARN, s->name, "unknown option '%s' ignored", key);
    }
  }
  if (dir == NULL && error[0] == '\0')
    snprintf(error, error_size, "%s%s[%s] x-spool-dir is missing: the spool directory is required",
             s->source ? s->source : "", s->source ? ": " : "", s->name);
  if (error[0] == '\0') {
    c->name = copy(s->name);
    c->outbox = join(dir, "outbox");
    c->inbox = join(dir, "inbox");
    if (c->name == NULL || c->outbox == NULL || c->inbox == NULL) {
      snprintf(error, error_size, "out of memory");
    } else if ((rc = make_dir(c->outbox)) != 0 || (rc = make_dir(c->inbox)) != 0) {
      problem(error, error_size, s, dir_index, "cannot use it as the spool directory: %s",
              strerror(rc));
    }
  }
  if (error[0] != '\0') {
    size_t n = strlen(error);
    if (n > 0 && error[n - 1] == '\n') error[n - 1] = '\0';
    spool_channel_free(c);
    return NULL;
  }
  return c;
}

void spool_channel_free(spool_channel* c) {
  if (c == NULL) return;
  free(c->name);
  free(c->outbox);
  free(c->inbox);
  free(c->reply_address);
  free(c);
}
