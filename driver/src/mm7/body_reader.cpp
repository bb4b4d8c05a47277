#include "mm7/body_reader.hpp"

#include <fmt/format.h>

#include "mm7/status.hpp"

namespace smsdrv::mm7 {
namespace {

std::string_view trim(std::string_view s) {
  constexpr std::string_view blanks = " \t\r\n";
  std::size_t first = s.find_first_not_of(blanks);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(blanks) - first + 1);
}

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_xml(const mime_node& n) {
  return n.media_type == "text/xml" || n.media_type == "application/xml" ||
         n.media_type == "application/soap+xml";
}

// The start part of a multipart/related (RFC 2387 §3.2: the first part when start is absent).
std::size_t start_index(const mime_node& root) {
  std::string start = normalized_content_id(root.start);
  if (!start.empty())
    for (std::size_t i = 0; i < root.children.size(); ++i)
      if (normalized_content_id(root.children[i].content_id) == start) return i;
  return 0;
}

void flatten(const mime_node& n, std::vector<const mime_node*>& leaves) {
  if (n.multipart() && !n.boundary_missing) {
    for (const auto& c : n.children)
      flatten(c, leaves);
    return;
  }
  leaves.push_back(&n);
}

part part_of(const mime_node& n, std::size_t index) {
  part p;
  p.content_type = n.media_type;
  if (!n.charset.empty()) p.content_type += "; charset=" + n.charset;
  p.content_id = normalized_content_id(n.content_id);
  p.content_location = n.content_location;
  for (std::string_view candidate :
       {std::string_view(n.file_name), std::string_view(n.content_location),
        std::string_view(p.content_id)}) {
    p.name = safe_part_name(candidate);
    if (!p.name.empty()) break;
  }
  if (p.name.empty()) p.name = fmt::format("part-{}.{}", index + 1, extension_for(n.media_type));
  p.bytes = n.bytes;
  return p;
}

// The content entity among the root's parts other than the SOAP part (soap).
std::vector<const mime_node*> content_nodes(const mime_node& root, std::size_t soap,
                                            const soap_document& doc) {
  std::vector<const mime_node*> others;
  for (std::size_t i = 0; i < root.children.size(); ++i)
    if (i != soap) others.push_back(&root.children[i]);
  if (others.empty()) return {};
  const mime_node* chosen = nullptr;
  if (doc.has_content && !doc.content_href.empty()) {
    std::string href = normalized_href(doc.content_href);
    for (const auto* n : others)
      if (normalized_content_id(n->content_id) == href) chosen = n;
    if (!chosen)
      for (const auto* n : others)
        if (trim(n->content_location) == trim(doc.content_href) ||
            trim(n->content_location) == href)
          chosen = n;
  }
  if (!chosen)
    for (const auto* n : others)
      if (!is_xml(*n)) {
        chosen = n;
        break;
      }
  if (!chosen) chosen = others.front();
  if (chosen->multipart() || others.size() == 1) return {chosen};
  return others;  // a single part among siblings: they all are the content
}

template <class Message>
std::variant<read_body, body_problem> with_parts(soap_document doc,
                                                 const std::vector<const mime_node*>& content,
                                                 const mime_limits& limits) {
  auto& m = std::get<Message>(doc.message);
  std::vector<const mime_node*> leaves;
  for (const auto* n : content)
    flatten(*n, leaves);
  if (leaves.size() > limits.max_parts)
    return body_problem{status::multimedia_content_refused,
                        fmt::format("the content has {} parts, more than the {} allowed",
                                    leaves.size(), limits.max_parts)};
  m.parts.reserve(leaves.size());
  for (std::size_t i = 0; i < leaves.size(); ++i) {
    m.parts.push_back(part_of(*leaves[i], i));
    if constexpr (std::is_same_v<Message, deliver_req>) {
      if (leaves[i]->media_type == "text/plain") {
        if (!m.text.empty()) m.text += '\n';
        m.text += leaves[i]->text;
      }
    }
  }
  return read_body{std::move(doc)};
}

}  // namespace

std::string normalized_content_id(std::string_view id) {
  id = trim(id);
  if (id.size() >= 2 && id.front() == '<' && id.back() == '>')
    id = trim(id.substr(1, id.size() - 2));
  return std::string(id);
}

std::string normalized_href(std::string_view href) {
  href = trim(href);
  if (href.size() >= 4 && (href[0] | 0x20) == 'c' && (href[1] | 0x20) == 'i' &&
      (href[2] | 0x20) == 'd' && href[3] == ':')
    href.remove_prefix(4);
  std::string out;
  out.reserve(href.size());
  for (std::size_t i = 0; i < href.size(); ++i) {
    if (href[i] == '%' && i + 2 < href.size() && hex(href[i + 1]) >= 0 && hex(href[i + 2]) >= 0) {
      out += static_cast<char>(hex(href[i + 1]) * 16 + hex(href[i + 2]));
      i += 2;
    } else {
      out += href[i];
    }
  }
  return normalized_content_id(out);
}

std::variant<read_body, body_problem> read_mm7_body(std::string_view content_type,
                                                    std::string_view body,
                                                    const mime_limits& limits) {
  auto tree = read_mime(content_type, body, limits);
  if (auto* problem = std::get_if<mime_problem>(&tree))
    return body_problem{
        problem->over_limits ? status::multimedia_content_refused : status::message_format_corrupt,
        "the body " + problem->text};
  const mime_node& root = std::get<mime_node>(tree);

  std::string_view xml;
  std::size_t soap = 0;
  bool multipart = root.multipart() && !root.boundary_missing;
  if (!multipart) {
    xml = root.bytes;
  } else {
    if (root.children.empty())
      return body_problem{status::message_format_corrupt, "the multipart body has no parts"};
    soap = start_index(root);
    xml = root.children[soap].bytes;
  }
  auto parsed = read_soap(xml);
  if (auto* problem = std::get_if<soap_problem>(&parsed))
    return body_problem{problem->status, problem->text};
  soap_document doc = std::move(std::get<soap_document>(parsed));

  std::vector<const mime_node*> content;
  if (multipart) content = content_nodes(root, soap, doc);
  if (std::holds_alternative<deliver_req>(doc.message))
    return with_parts<deliver_req>(std::move(doc), content, limits);
  if (std::holds_alternative<submit_req>(doc.message))
    return with_parts<submit_req>(std::move(doc), content, limits);
  return read_body{std::move(doc)};
}

}  // namespace smsdrv::mm7
