/* A message in a spool file: one `key=value` line per key, UTF-8. In a value, `\n` stands for a
 * line feed, `\r` for a carriage return and `\\` for a backslash; a key contains neither `=` nor
 * a line break. Blank lines and lines starting with `#` are ignored when reading. */
#ifndef SPOOL_MESSAGE_FILE_H
#define SPOOL_MESSAGE_FILE_H

#include <stddef.h>
#include <stdint.h>

/* What a file the driver reads may hold: larger files are refused, not read. */
#define SPOOL_MAX_FILE_BYTES 65536
#define SPOOL_MAX_PAIRS 256

typedef struct spool_message {
  uint32_t count;
  char** keys;
  char** values;
} spool_message;

/* 1 when `key` can be written: not empty, no `=`, no line break. */
int spool_key_ok(const char* key);

/* Writes the pairs as `dir`/`name`, atomically: a hidden temporary file in `dir`, written,
 * fsync()ed, then renamed to `name`. Returns 0 or an errno value (nothing is left behind). */
int spool_write(const char* dir, const char* name, uint32_t count, const char* const* keys,
                const char* const* values);

/* Reads `path` into *out. Returns 0; an errno value; or EINVAL for a file that is not a message
 * (too large, too many keys, a line without `=`, a bad escape), with *problem saying which. */
int spool_read(const char* path, spool_message* out, const char** problem);

void spool_message_free(spool_message* m);

#endif
