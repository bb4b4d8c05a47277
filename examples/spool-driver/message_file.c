#include "message_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int spool_key_ok(const char* key) {
  return key != NULL && key[0] != '\0' && strpbrk(key, "=\n\r") == NULL;
}

/* A growing byte buffer; `failed` once an allocation failed. */
typedef struct buffer {
  char* data;
  size_t size, capacity;
  int failed;
} buffer;

static void put(buffer* b, const char* s, size_t n) {
  if (b->failed) return;
  if (b->size + n > b->capacity) {
    size_t capacity = b->capacity ? b->capacity : 256;
    char* data;
    while (capacity < b->size + n)
      capacity *= 2;
    data = (char*)realloc(b->data, capacity);
    if (data == NULL) {
      b->failed = 1;
      return;
    }
    b->data = data;
    b->capacity = capacity;
  }
  memcpy(b->data + b->size, s, n);
  b->size += n;
}

static void put_escaped(buffer* b, const char* s) {
  for (; *s; ++s) {
    if (*s == '\n')
      put(b, "\\n", 2);
    else if (*s == '\r')
      put(b, "\\r", 2);
    else if (*s == '\\')
      put(b, "\\\\", 2);
    else
      put(b, s, 1);
  }
}

static int write_all(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    data += n;
    size -= (size_t)n;
  }
  return 0;
}

int spool_write(const char* dir, const char* name, uint32_t count, const char* const* keys,
                const char* const* values) {
  buffer b = {NULL, 0, 0, 0};
  char temp[4096], final[4096];
  uint32_t i;
  int fd, rc;
  for (i = 0; i < count; ++i) {
    put(&b, keys[i], strlen(keys[i]));
    put(&b, "=", 1);
    put_escaped(&b, values[i] ? values[i] : "");
    put(&b, "\n", 1);
  }
  if (b.failed) {
    free(b.data);
    return ENOMEM;
  }
  if (snprintf(temp, sizeof temp, "%s/.%s.tmp", dir, name) >= (int)sizeof temp ||
      snprintf(final, sizeof final, "%s/%s", dir, name) >= (int)sizeof final) {
    free(b.data);
    return ENAMETOOLONG;
  }
  fd = open(temp, O_WRONLY | O_CREAT | O_EXCL, 0644);
  if (fd < 0) {
    rc = errno;
    free(b.data);
    return rc;
  }
  rc = write_all(fd, b.data ? b.data : "", b.size);
  if (rc == 0 && fsync(fd) != 0) rc = errno;
  if (close(fd) != 0 && rc == 0) rc = errno;
  if (rc == 0 && rename(temp, final) != 0) rc = errno;
  if (rc != 0) unlink(temp);
  free(b.data);
  return rc;
}

/* Unescapes s[0..n) into a new string; NULL with *problem set on a bad escape or no memory. */
static char* unescape(const char* s, size_t n, const char** problem) {
  char* out = (char*)malloc(n + 1);
  size_t i, o = 0;
  if (out == NULL) {
    *problem = "out of memory";
    return NULL;
  }
  for (i = 0; i < n; ++i) {
    if (s[i] != '\\') {
      out[o++] = s[i];
      continue;
    }
    if (++i == n || (s[i] != 'n' && s[i] != 'r' && s[i] != '\\')) {
      free(out);
      *problem = "a backslash not followed by n, r or another backslash";
      return NULL;
    }
    out[o++] = s[i] == 'n' ? '\n' : s[i] == 'r' ? '\r' : '\\';
  }
  out[o] = '\0';
  return out;
}

static int add_pair(spool_message* m, char* key, char* value) {
  char** keys = (char**)realloc(m->keys, (m->count + 1) * sizeof *keys);
  char** values;
  if (keys == NULL) return ENOMEM;
  m->keys = keys;
  values = (char**)realloc(m->values, (m->count + 1) * sizeof *values);
  if (values == NULL) return ENOMEM;
  m->values = values;
  m->keys[m->count] = key;
  m->values[m->count] = value;
  ++m->count;
  return 0;
}

static int parse(const char* text, size_t size, spool_message* out, const char** problem) {
  const char* end = text + size;
  const char* line = text;
  while (line < end) {
    const char* eol = memchr(line, '\n', (size_t)(end - line));
    const char* stop = eol ? eol : end;
    const char* eq;
    char *key, *value;
    if (stop > line && stop[-1] == '\r') --stop;
    if (stop == line || line[0] == '#') {
      line = eol ? eol + 1 : end;
      continue;
    }
    eq = memchr(line, '=', (size_t)(stop - line));
    if (eq == NULL || eq == line) {
      *problem = "a line is not key=value";
      return EINVAL;
    }
    if (out->count == SPOOL_MAX_PAIRS) {
      *problem = "more keys than the driver reads (256)";
      return EINVAL;
    }
    key = (char*)malloc((size_t)(eq - line) + 1);
    if (key == NULL) return ENOMEM;
    memcpy(key, line, (size_t)(eq - line));
    key[eq - line] = '\0';
    value = unescape(eq + 1, (size_t)(stop - eq - 1), problem);
    if (value == NULL || add_pair(out, key, value) != 0) {
      free(key);
      free(value);
      if (value == NULL && strcmp(*problem, "out of memory") != 0) return EINVAL;
      return ENOMEM;
    }
    line = eol ? eol + 1 : end;
  }
  return 0;
}

int spool_read(const char* path, spool_message* out, const char** problem) {
  struct stat st;
  char* text;
  ssize_t n;
  size_t size = 0;
  int fd, rc;
  out->count = 0;
  out->keys = out->values = NULL;
  *problem = "";
  fd = open(path, O_RDONLY | O_NOFOLLOW);
  if (fd < 0) return errno;
  if (fstat(fd, &st) != 0) {
    rc = errno;
    close(fd);
    return rc;
  }
  if (!S_ISREG(st.st_mode) || st.st_size > SPOOL_MAX_FILE_BYTES) {
    close(fd);
    *problem = S_ISREG(st.st_mode) ? "larger than the driver reads (64 KiB)" : "not a regular file";
    return EINVAL;
  }
  text = (char*)malloc((size_t)st.st_size + 1);
  if (text == NULL) {
    close(fd);
    return ENOMEM;
  }
  /* Read at most the size checked above, whatever the file grows to meanwhile. */
  while (size < (size_t)st.st_size &&
         ((n = read(fd, text + size, (size_t)st.st_size - size)) > 0 || (n < 0 && errno == EINTR)))
    if (n > 0) size += (size_t)n;
  close(fd);
  rc = parse(text, size, out, problem);
  free(text);
  if (rc != 0) spool_message_free(out);
  return rc;
}

void spool_message_free(spool_message* m) {
  uint32_t i;
  for (i = 0; i < m->count; ++i) {
    free(m->keys[i]);
    free(m->values[i]);
  }
  free(m->keys);
  free(m->values);
  m->count = 0;
  m->keys = m->values = NULL;
}
