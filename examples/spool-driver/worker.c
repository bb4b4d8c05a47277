/* The driver's thread. It writes each accepted request into its channel's outbox/ as one file
 * (message_file.h) and answers it: SMSDRV_OK with the message id, or SMSDRV_E_CHANNEL_DOWN naming
 * the file and the error, so the request was never sent. Every x-spool-poll-ms it reads the
 * files in inbox/ (names ending in ".msg", hidden files skipped: write a file under a hidden
 * name and rename it) and hands each to the host as an inbound event; the host's ack() removes
 * the file, a refusal leaves it to be read again later. It reports each channel as "ready"
 * while both folders can be written, "down" with the reason otherwise. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "driver.h"
#include "message_file.h"

/* A file the host refused is read again after this many poll intervals (at least 1 s). */
#define SPOOL_RETRY_INTERVALS 10

static spool_event* response(const spool_request* r, int32_t status, const char* text) {
  spool_event* e = spool_event_new(SMSDRV_EVENT_RESPONSE, r->channel->name, status, text);
  if (e != NULL) e->request_id = r->id;
  return e;
}

/* Writes one request; returns its RESPONSE event (NULL only when out of memory). */
static spool_event* deliver(const spool_request* r) {
  char id[96], name[128], text[512];
  spool_event* e;
  int rc;
  snprintf(id, sizeof id, "%lld-%ld-%llu", (long long)time(NULL), (long)getpid(),
           (unsigned long long)r->id);
  snprintf(name, sizeof name, "%s.msg", id);
  rc = spool_write(r->channel->outbox, name, r->count, (const char* const*)r->keys,
                   (const char* const*)r->values);
  if (rc != 0) {
    snprintf(text, sizeof text, "cannot write %s/%s: %s", r->channel->outbox, name, strerror(rc));
    return response(r, SMSDRV_E_CHANNEL_DOWN, text);
  }
  e = response(r, SMSDRV_OK, "");
  if (e != NULL && spool_event_add(e, "_smsMessageId", id) != 0) {
    spool_event_free(e);
    e = NULL;
  }
  return e;
}

/* Answers every request taken from the queue: written, or (after the drain time of a shutdown)
 * refused as never sent. Called without the mutex. */
static void answer(smsdrv_driver* d, spool_request* list, int write_them) {
  while (list != NULL) {
    spool_request* r = list;
    spool_event* e = write_them ? deliver(r)
                                : response(r, SMSDRV_E_SHUT_DOWN,
                                           "the driver shut down before the request was written");
    int notify = 0;
    list = r->next;
    pthread_mutex_lock(&d->mutex);
    if (e != NULL) notify = spool_push_event(d, e);
    pthread_mutex_unlock(&d->mutex);
    if (notify) spool_notify(d);
    if (e == NULL)
      spool_log(d, SMSDRV_LOG_ERROR, r->channel->name, "request %llu: out of memory for its answer",
                (unsigned long long)r->id);
    spool_request_free(r);
  }
}

static int is_message_file(const char* name) {
  size_t n = strlen(name);
  return name[0] != '.' && n > 4 && strcmp(name + n - 4, ".msg") == 0;
}

static int by_name(const void* a, const void* b) {
  return strcmp(*(char* const*)a, *(char* const*)b);
}

/* The message files of a folder, sorted (the oldest first when named by time); NULL if none. */
static char** list_files(const char* dir, size_t* count) {
  DIR* folder = opendir(dir);
  struct dirent* entry;
  char** names = NULL;
  *count = 0;
  if (folder == NULL) return NULL; /* check_folders() reports it */
  while ((entry = readdir(folder)) != NULL && *count < SPOOL_MAX_INFLIGHT) {
    char** more;
    char* name;
    if (!is_message_file(entry->d_name)) continue;
    more = (char**)realloc(names, (*count + 1) * sizeof *names);
    name = more ? (char*)malloc(strlen(entry->d_name) + 1) : NULL;
    if (more) names = more;
    if (name == NULL) break;
    strcpy(name, entry->d_name);
    names[(*count)++] = name;
  }
  closedir(folder);
  if (*count > 1) qsort(names, *count, sizeof *names, by_name);
  return names;
}

/* Under the mutex: forgets the channel's files the host refused whose retry is due (read again
 * if they are still there), and f itself when given. */
static void forget(smsdrv_driver* d, spool_channel* c, uint64_t now, const spool_inflight* only) {
  spool_inflight **link = &d->inflight, *f;
  while ((f = *link) != NULL) {
    if (only != NULL ? f == only : (f->channel == c && f->event_id == 0 && now >= f->retry_at_ms)) {
      *link = f->next;
      free(f->file);
      free(f);
      --d->inflight_count;
    } else {
      link = &f->next;
    }
  }
}

/* Under the mutex: claims the file unless it is handed out, being read or waiting for its
 * retry. */
static spool_inflight* claim(smsdrv_driver* d, spool_channel* c, const char* file) {
  spool_inflight* f;
  for (f = d->inflight; f != NULL; f = f->next)
    if (f->channel == c && strcmp(f->file, file) == 0) return NULL;
  if (d->inflight_count >= SPOOL_MAX_INFLIGHT) return NULL;
  f = (spool_inflight*)calloc(1, sizeof *f);
  if (f == NULL || (f->file = (char*)malloc(strlen(file) + 1)) == NULL) {
    free(f);
    return NULL;
  }
  strcpy(f->file, file);
  f->channel = c;
  f->retry_at_ms = UINT64_MAX; /* being read */
  f->next = d->inflight;
  d->inflight = f;
  ++d->inflight_count;
  return f;
}

/* The inbound event of one file: its keys as attributes, plus the channel and who took it. */
static spool_event* inbound_event(smsdrv_driver* d, spool_channel* c, const char* file,
                                  const spool_message* m) {
  spool_event* e = spool_event_new(SMSDRV_EVENT_INBOUND, c->name, SMSDRV_OK, "");
  int has_media_type = 0, failed = 0;
  uint32_t i;
  if (e == NULL) return NULL;
  e->flags = SMSDRV_EVENT_NEEDS_ACK;
  for (i = 0; i < m->count; ++i) {
    if (strcmp(m->keys[i], "MediaType") == 0) has_media_type = 1;
    failed |= spool_event_add(e, m->keys[i], m->values[i]);
  }
  if (!has_media_type) failed |= spool_event_add(e, "MediaType", "smssession");
  failed |= spool_event_add(e, "_umsChannel", c->name);
  failed |= spool_event_add(e, "_umsInboundIxnSubmittedBy", d->application_name);
  failed |= spool_event_add(e, "_spoolFile", file);
  if (failed) {
    spool_event_free(e);
    return NULL;
  }
  return e;
}

/* Moves a file that is not a message aside (inbox/<name>.bad), so it is not read again. */
static void set_aside(smsdrv_driver* d, spool_channel* c, const char* path, const char* why) {
  char bad[4200];
  snprintf(bad, sizeof bad, "%s.bad", path);
  if (rename(path, bad) == 0)
    spool_log(d, SMSDRV_LOG_WARN, c->name, "%s is not a message (%s): renamed to %s", path, why,
              bad);
  else
    spool_log(d, SMSDRV_LOG_WARN, c->name, "%s is not a message (%s) and cannot be renamed: %s",
              path, why, strerror(errno));
}

static void read_inbox(smsdrv_driver* d, spool_channel* c, uint64_t now) {
  size_t count, i;
  char** files = list_files(c->inbox, &count);
  pthread_mutex_lock(&d->mutex);
  forget(d, c, now, NULL);
  pthread_mutex_unlock(&d->mutex);
  for (i = 0; i < count; ++i) {
    char path[4096];
    const char* problem = "";
    spool_message m;
    spool_inflight* f;
    spool_event* e = NULL;
    int rc, notify = 0;
    pthread_mutex_lock(&d->mutex);
    f = d->stopping ? NULL : claim(d, c, files[i]);
    pthread_mutex_unlock(&d->mutex);
    if (f == NULL) continue;
    snprintf(path, sizeof path, "%s/%s", c->inbox, files[i]);
    rc = spool_read(path, &m, &problem);
    if (rc == 0) {
      e = inbound_event(d, c, files[i], &m);
      spool_message_free(&m);
    } else if (rc == EINVAL) {
      set_aside(d, c, path, problem);
    } else if (rc != ENOENT) {
      spool_log(d, SMSDRV_LOG_WARN, c->name, "cannot read %s: %s", path, strerror(rc));
    }
    pthread_mutex_lock(&d->mutex);
    if (e != NULL) {
      f->event_id = ++d->next_event_id;
      e->event_id = f->event_id;
      notify = spool_push_event(d, e);
    } else {
      forget(d, c, now, f); /* not handed out: read again at the next scan, if still there */
    }
    pthread_mutex_unlock(&d->mutex);
    if (notify) spool_notify(d);
  }
  for (i = 0; i < count; ++i)
    free(files[i]);
  free(files);
}

/* Reports the channel "ready" or "down" when that changes. */
static void check_folders(smsdrv_driver* d, spool_channel* c) {
  const char* broken = access(c->outbox, W_OK | X_OK) != 0  ? c->outbox
                       : access(c->inbox, W_OK | X_OK) != 0 ? c->inbox
                                                            : NULL;
  const int state = broken ? -1 : 1;
  char text[4300];
  spool_event* e;
  int notify = 0;
  if (state == c->state) return;
  c->state = state;
  if (broken)
    snprintf(text, sizeof text, "cannot write %s: %s", broken, strerror(errno));
  else
    snprintf(text, sizeof text, "spool folders %s and %s ready", c->outbox, c->inbox);
  e = spool_event_new(SMSDRV_EVENT_CHANNEL_STATE, c->name,
                      broken ? SMSDRV_E_CHANNEL_DOWN : SMSDRV_OK, text);
  if (e == NULL || spool_event_add(e, "state", broken ? "down" : "ready") != 0 ||
      (broken && spool_event_add(e, "reason", text) != 0)) {
    spool_event_free(e);
    return;
  }
  pthread_mutex_lock(&d->mutex);
  notify = spool_push_event(d, e);
  pthread_mutex_unlock(&d->mutex);
  if (notify) spool_notify(d);
}

void* spool_worker_main(void* driver) {
  smsdrv_driver* d = (smsdrv_driver*)driver;
  pthread_mutex_lock(&d->mutex);
  for (;;) {
    const uint64_t now = spool_now_ms();
    uint64_t next = now + 60000;
    spool_request* taken = d->pending_head;
    const int stopping = d->stopping;
    const int write_them = !stopping || now < d->drain_until_ms;
    spool_channel* c;
    d->pending_head = d->pending_tail = NULL;
    d->pending_count = 0;
    pthread_mutex_unlock(&d->mutex);

    answer(d, taken, write_them);
    if (stopping) {
      pthread_mutex_lock(&d->mutex);
      if (d->pending_head == NULL) break;
      continue; /* requests queued before shutdown() took effect: answer them too */
    }
    /* The channel list only grows, and only at its head (configure()): read it from the head
     * taken under the mutex. */
    pthread_mutex_lock(&d->mutex);
    c = d->channels;
    pthread_mutex_unlock(&d->mutex);
    for (; c != NULL; c = c->next) {
      if (now >= c->next_scan_ms) {
        check_folders(d, c);
        read_inbox(d, c, now);
        c->next_scan_ms = now + c->poll_ms;
      }
      if (c->next_scan_ms < next) next = c->next_scan_ms;
    }

    pthread_mutex_lock(&d->mutex);
    if (d->pending_head == NULL && !d->stopping) {
      struct timespec until;
      clock_gettime(CLOCK_MONOTONIC, &until);
      {
        const uint64_t wait_ms = next > spool_now_ms() ? next - spool_now_ms() : 0;
        until.tv_sec += (time_t)(wait_ms / 1000);
        until.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
          until.tv_sec += 1;
          until.tv_nsec -= 1000000000L;
        }
      }
      pthread_cond_timedwait(&d->wake, &d->mutex, &until);
    }
  }
  pthread_mutex_unlock(&d->mutex);
  return NULL;
}
