#include "events.h"

#include <stdlib.h>
#include <string.h>

static char* copy(const char* s) {
  size_t n = strlen(s != NULL ? s : "") + 1;
  char* out = (char*)malloc(n);
  if (out != NULL) memcpy(out, s != NULL ? s : "", n);
  return out;
}

spool_event* spool_event_new(int32_t type, const char* channel, int32_t status, const char* text) {
  spool_event* e = (spool_event*)calloc(1, sizeof *e);
  if (e == NULL) return NULL;
  e->type = type;
  e->status = status;
  e->channel = copy(channel);
  e->text = copy(text);
  if (e->channel == NULL || e->text == NULL) {
    spool_event_free(e);
    return NULL;
  }
  return e;
}

int spool_event_add(spool_event* e, const char* key, const char* value) {
  char** keys;
  char** values;
  char* k = copy(key);
  char* v = copy(value);
  if (k == NULL || v == NULL) goto fail;
  keys = (char**)realloc(e->keys, (e->count + 1) * sizeof *keys);
  if (keys == NULL) goto fail;
  e->keys = keys;
  values = (char**)realloc(e->values, (e->count + 1) * sizeof *values);
  if (values == NULL) goto fail;
  e->values = values;
  e->keys[e->count] = k;
  e->values[e->count] = v;
  ++e->count;
  return 0;
fail:
  free(k);
  free(v);
  return -1;
}

void spool_event_free(spool_event* e) {
  uint32_t i;
  if (e == NULL) return;
  for (i = 0; i < e->count; ++i) {
    free(e->keys[i]);
    free(e->values[i]);
  }
  free(e->keys);
  free(e->values);
  free(e->channel);
  free(e->text);
  free(e);
}

void spool_events_push(spool_event_list* list, spool_event* e) {
  e->next = NULL;
  if (list->tail != NULL)
    list->tail->next = e;
  else
    list->head = e;
  list->tail = e;
}

spool_event* spool_events_pop(spool_event_list* list) {
  spool_event* e = list->head;
  if (e == NULL) return NULL;
  list->head = e->next;
  if (list->head == NULL) list->tail = NULL;
  e->next = NULL;
  return e;
}

void spool_events_clear(spool_event_list* list) {
  spool_event* e;
  while ((e = spool_events_pop(list)) != NULL)
    spool_event_free(e);
}
