#include "mm7/mime_reader.hpp"

#include <dlfcn.h>
#include <fmt/format.h>
#include <gmime/gmime.h>

#include <algorithm>
#include <memory>
#include <mutex>

namespace smsdrv::mm7 {
namespace {

// GMime registers GObject types and keeps process-wide tables (charsets, the object type
// registry, the crypto-context registry), set up once by g_mime_init, which is not thread-safe.
// GObject never unregisters a type (libglib, libgobject and libgio are linked NODELETE for that
// reason), but libgmime is not: were the host to dlclose() this module and libgmime with it,
// GObject would keep type nodes pointing into unmapped code, and a module loaded again would
// register GMime's types a second time, which GObject refuses. So libgmime is made resident
// (RTLD_NODELETE) before its first use. g_mime_shutdown() is never called: GMime 3.2 cannot be
// set up again after it in the same process (its crypto-context registry is made when that class
// is first initialised, once per process, and g_mime_shutdown destroys it: g_mime_init then logs
// a GLib critical per registration), and a module loaded again, or the host itself, may need GMime
// again. Its tables stay reachable from the resident library: LeakSanitizer reports no leak.
void init_gmime() {
  static std::once_flag once;
  std::call_once(once, [] {
    Dl_info gmime{};
    if (::dladdr(reinterpret_cast<void*>(&g_mime_init), &gmime) != 0 && gmime.dli_fname != nullptr)
      ::dlopen(gmime.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);  // never dlclose()d
    g_mime_init();
  });
}

struct gobject_unref {
  void operator()(gpointer p) const {
    if (p) g_object_unref(p);
  }
};
template <class T>
using gptr = std::unique_ptr<T, gobject_unref>;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string_view trim(std::string_view s) {
  constexpr std::string_view blanks = " \t\r\n";
  std::size_t first = s.find_first_not_of(blanks);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(blanks) - first + 1);
}

std::string header(GMimeObject* object, const char* name) {
  const char* v = g_mime_object_get_header(object, name);
  return v ? std::string(trim(v)) : std::string();
}

std::string param(GMimeContentType* type, const char* name) {
  const char* v = type ? g_mime_content_type_get_parameter(type, name) : nullptr;
  return v ? std::string(v) : std::string();
}

class tree_builder {
 public:
  explicit tree_builder(const mime_limits& limits) : limits_(limits) {}

  // False (with problem_ set) when a limit is broken.
  bool build(GMimeObject* object, mime_node& node, std::size_t depth) {
    if (++count_ > limits_.max_parts) {
      problem_ = fmt::format("has more than {} MIME parts", limits_.max_parts);
      return false;
    }
    GMimeContentType* type = g_mime_object_get_content_type(object);
    const char* media = type ? g_mime_content_type_get_media_type(type) : nullptr;
    const char* sub = type ? g_mime_content_type_get_media_subtype(type) : nullptr;
    node.media_type = lower(fmt::format("{}/{}", media ? media : "text", sub ? sub : "plain"));
    node.content_id = header(object, "Content-ID");
    node.content_location = header(object, "Content-Location");
    node.charset = lower(param(type, "charset"));

    if (GMIME_IS_MULTIPART(object)) {
      if (depth >= limits_.max_depth) {
        problem_ = fmt::format("nests multiparts deeper than {} levels", limits_.max_depth);
        return false;
      }
      node.start = param(type, "start");
      auto* multipart = GMIME_MULTIPART(object);
      int n = g_mime_multipart_get_count(multipart);
      node.children.reserve(static_cast<std::size_t>(std::max(n, 0)));
      for (int i = 0; i < n; ++i) {
        node.children.emplace_back();
        if (!build(g_mime_multipart_get_part(multipart, i), node.children.back(), depth + 1))
          return false;
      }
      return true;
    }
    if (GMIME_IS_PART(object)) {
      auto* part = GMIME_PART(object);
      if (const char* f = g_mime_part_get_filename(part)) node.file_name = f;
      node.bytes = decoded(part);
      if (GMIME_IS_TEXT_PART(object)) {
        if (char* t = g_mime_text_part_get_text(GMIME_TEXT_PART(object))) {
          node.text = t;
          g_free(t);
        }
      }
      return true;
    }
    // message/rfc822 and anything else GMime builds: the entity's bytes as they are.
    gptr<GMimeStream> out(g_mime_stream_mem_new());
    if (GMIME_IS_MESSAGE_PART(object)) {
      if (GMimeMessage* m = g_mime_message_part_get_message(GMIME_MESSAGE_PART(object)))
        g_mime_object_write_to_stream(GMIME_OBJECT(m), nullptr, out.get());
    }
    GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out.get()));
    node.bytes.assign(reinterpret_cast<const char*>(bytes->data), bytes->len);
    return true;
  }

  const std::string& problem() const { return problem_; }

 private:
  static std::string decoded(GMimePart* part) {
    GMimeDataWrapper* content = g_mime_part_get_content(part);
    if (!content) return {};
    gptr<GMimeStream> out(g_mime_stream_mem_new());
    g_mime_data_wrapper_write_to_stream(content, out.get());
    GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out.get()));
    return std::string(reinterpret_cast<const char*>(bytes->data), bytes->len);
  }

  const mime_limits& limits_;
  std::size_t count_ = 0;
  std::string problem_;
};

bool has_boundary(std::string_view content_type) {
  // Only to tell "multipart without boundary" apart; GMime does the real parsing.
  std::string l = lower(content_type);
  return l.find("boundary") != std::string::npos;
}

// How often "boundary" appears, ignoring case: every multipart needs one, so this bounds both the
// number of multiparts and how deep GMime's parser (which recurses) nests, before it runs.
std::size_t boundary_mentions(std::string_view text, std::size_t stop_after) {
  constexpr std::string_view word = "boundary";
  std::size_t count = 0;
  for (std::size_t i = 0; i + word.size() <= text.size() && count <= stop_after; ++i) {
    if ((text[i] | 0x20) != 'b') continue;
    std::size_t k = 1;
    while (k < word.size() && (text[i + k] | 0x20) == word[k])
      ++k;
    if (k == word.size()) ++count;
  }
  return count;
}

}  // namespace

std::variant<mime_node, mime_problem> read_mime(std::string_view content_type,
                                                std::string_view body, const mime_limits& limits) {
  init_gmime();
  std::string ct(trim(content_type));
  if (ct.empty()) ct = "text/xml";
  if (lower(ct).rfind("multipart/", 0) == 0 && !has_boundary(ct)) {
    mime_node node;
    std::size_t semi = ct.find(';');
    node.media_type = lower(trim(std::string_view(ct).substr(0, semi)));
    node.boundary_missing = true;
    node.bytes = std::string(body);
    return node;
  }
  if (boundary_mentions(body, limits.max_parts) > limits.max_parts)
    return mime_problem{
        true, fmt::format("declares more than {} multipart boundaries", limits.max_parts)};
  // The HTTP header becomes the entity's header; the body follows unchanged.
  std::string head = "Content-Type: ";
  for (char c : ct)
    head += (c == '\r' || c == '\n') ? ' ' : c;
  head += "\r\n\r\n";
  gptr<GMimeStream> cat(g_mime_stream_cat_new());
  gptr<GMimeStream> head_stream(g_mime_stream_mem_new_with_buffer(head.data(), head.size()));
  // g_mime_stream_mem_new_with_buffer() refuses a NULL buffer, which an empty view may have.
  gptr<GMimeStream> body_stream(body.empty()
                                    ? g_mime_stream_mem_new()
                                    : g_mime_stream_mem_new_with_buffer(body.data(), body.size()));
  g_mime_stream_cat_add_source(GMIME_STREAM_CAT(cat.get()), head_stream.get());
  g_mime_stream_cat_add_source(GMIME_STREAM_CAT(cat.get()), body_stream.get());
  gptr<GMimeParser> parser(g_mime_parser_new_with_stream(cat.get()));
  g_mime_parser_set_format(parser.get(), GMIME_FORMAT_MESSAGE);
  gptr<GMimeObject> root(g_mime_parser_construct_part(parser.get(), nullptr));
  if (!root) return mime_problem{false, "is not a MIME entity GMime can read"};
  mime_node node;
  tree_builder builder(limits);
  if (!builder.build(root.get(), node, 0)) return mime_problem{true, builder.problem()};
  return node;
}

}  // namespace smsdrv::mm7
