/* The spool driver's state, shared by its three parts:
 *   driver.c  the ABI: entry point, function table, init ... destroy, last_error
 *   config.c  a [channel-...] section to a channel's settings, with errors naming the option
 *   worker.c  the driver's thread: writes accepted requests to the outbox, reads the inbox
 * One mutex guards everything below it in struct smsdrv_driver; file I/O runs without it. */
#ifndef SPOOL_DRIVER_H
#define SPOOL_DRIVER_H

#include <pthread.h>
#include <smsdrv/smsdrv.h>
#include <stdint.h>

#include "events.h"

/* Bounds: send() answers SMSDRV_E_QUEUE_FULL beyond SPOOL_MAX_PENDING unwritten requests; the
 * inbox is read no further while SPOOL_MAX_INFLIGHT messages wait for the host's ack(). */
#define SPOOL_MAX_PENDING 1000
#define SPOOL_MAX_INFLIGHT 1000

typedef struct spool_channel {
  struct spool_channel* next;
  char* name;          /* the section name, "channel-file" */
  char* outbox;        /* <x-spool-dir>/outbox */
  char* inbox;         /* <x-spool-dir>/inbox */
  char* reply_address; /* default-reply-address, or NULL */
  uint32_t poll_ms;    /* x-spool-poll-ms */
  uint64_t next_scan_ms;
  int state; /* last reported: 0 none yet, 1 ready, -1 down */
} spool_channel;

/* An accepted request, waiting for the worker to write it. */
typedef struct spool_request {
  struct spool_request* next;
  uint64_t id;
  spool_channel* channel;
  uint32_t count;
  char** keys;
  char** values;
} spool_request;

/* An inbox file handed to the host (event_id != 0) or refused by it (retry_at_ms: when it may be
 * read again). Files listed here are not read again. */
typedef struct spool_inflight {
  struct spool_inflight* next;
  spool_channel* channel;
  char* file;
  uint64_t event_id;
  uint64_t retry_at_ms;
} spool_inflight;

struct smsdrv_driver {
  smsdrv_host host; /* its prefix, as the host's struct_size covers it; the rest zero */
  char* application_name;
  pthread_key_t last_error; /* per calling thread: the text of the last failing call */

  pthread_mutex_t mutex;
  pthread_cond_t wake; /* the worker waits on it (CLOCK_MONOTONIC) */
  pthread_t worker;
  int worker_running;
  int stopping; /* shutdown() asked the worker to finish */
  uint64_t drain_until_ms;
  int shut_down; /* send() refuses */
  spool_channel* channels;
  spool_request *pending_head, *pending_tail;
  uint32_t pending_count;
  spool_inflight* inflight;
  uint32_t inflight_count;
  spool_event_list events;
  int host_saw_empty;  /* poll() found no event since the last notify(): the next event notifies */
  spool_event* polled; /* what the last poll() handed out; freed by the next one */
  uint64_t next_request_id, next_event_id;
};

uint64_t spool_now_ms(void);
void spool_request_free(spool_request* r);

/* Formats and logs one line through the host's log callback (when set). */
void spool_log(smsdrv_driver* d, int32_t level, const char* channel, const char* format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* Queues an event and returns whether the host must be notified (the caller holds the mutex and
 * calls spool_notify() after releasing it). Takes ownership of e. */
int spool_push_event(smsdrv_driver* d, spool_event* e);
void spool_notify(smsdrv_driver* d);

/* config.c: a new channel from a [channel-...] section, or NULL with the problems in error
 * (a buffer of error_size bytes, one line per problem). */
spool_channel* spool_channel_from_section(smsdrv_driver* d, const smsdrv_section* s, char* error,
                                          size_t error_size);
void spool_channel_free(spool_channel* c);

/* worker.c */
void* spool_worker_main(void* driver);

#endif
