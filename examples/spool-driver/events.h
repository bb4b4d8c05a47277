/* The driver's events as it keeps them until the host polls them: owned strings, a FIFO. */
#ifndef SPOOL_EVENTS_H
#define SPOOL_EVENTS_H

#include <stdint.h>

typedef struct spool_event {
  struct spool_event* next;
  int32_t type; /* SMSDRV_EVENT_* */
  uint64_t event_id;
  uint64_t request_id;
  char* channel;
  int32_t status;
  char* text;
  uint32_t flags;
  uint32_t count;
  char** keys;
  char** values;
} spool_event;

typedef struct spool_event_list {
  spool_event *head, *tail;
} spool_event_list;

/* A new event with copies of channel and text; NULL when out of memory. */
spool_event* spool_event_new(int32_t type, const char* channel, int32_t status, const char* text);

/* Appends a copy of key and value. Returns 0, or -1 when out of memory (the event is unchanged). */
int spool_event_add(spool_event* e, const char* key, const char* value);

void spool_event_free(spool_event* e);

void spool_events_push(spool_event_list* list, spool_event* e);
spool_event* spool_events_pop(spool_event_list* list);
void spool_events_clear(spool_event_list* list);

#endif
