#include "mm7/smil.hpp"

#include <optional>
#include <vector>

namespace smsdrv::mm7 {
namespace {

enum class slot : std::uint8_t { visual, text, audio, none };

slot slot_of(std::string_view content_type) {
  std::string t(content_type.substr(0, content_type.find(';')));
  for (char& c : t)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  if (t.rfind("image/", 0) == 0 || t.rfind("video/", 0) == 0) return slot::visual;
  if (t == "text/plain") return slot::text;
  if (t.rfind("audio/", 0) == 0) return slot::audio;
  return slot::none;
}

void attribute(std::string& out, std::string_view value) {
  for (char c : value) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
}

struct slide {
  const part_view* visual = nullptr;
  const part_view* text = nullptr;
  const part_view* audio = nullptr;
};

}  // namespace

std::string make_smil(std::span<const part_view> parts) {
  std::vector<slide> slides;
  for (const auto& p : parts) {
    slot s = slot_of(p.content_type);
    if (s == slot::none) continue;
    if (slides.empty()) slides.emplace_back();
    slide* current = &slides.back();
    const part_view** place = s == slot::visual ? &current->visual
                              : s == slot::text ? &current->text
                                                : &current->audio;
    if (*place != nullptr) {
      slides.emplace_back();
      current = &slides.back();
      place = s == slot::visual ? &current->visual
              : s == slot::text ? &current->text
                                : &current->audio;
    }
    *place = &p;
  }
  std::string out =
      "<smil><head><layout><root-layout width=\"100%\" height=\"100%\"/>"
      "<region id=\"Image\" left=\"0\" top=\"0\" width=\"100%\" height=\"70%\" fit=\"meet\"/>"
      "<region id=\"Text\" left=\"0\" top=\"70%\" width=\"100%\" height=\"30%\" fit=\"scroll\"/>"
      "</layout></head><body>";
  for (const auto& s : slides) {
    out += "<par dur=\"5000ms\">";
    if (s.visual) {
      bool video = s.visual->content_type.substr(0, 6) == "video/";
      out += video ? "<video src=\"" : "<img src=\"";
      attribute(out, s.visual->content_location);
      out += "\" region=\"Image\"/>";
    }
    if (s.text) {
      out += "<text src=\"";
      attribute(out, s.text->content_location);
      out += "\" region=\"Text\"/>";
    }
    if (s.audio) {
      out += "<audio src=\"";
      attribute(out, s.audio->content_location);
      out += "\"/>";
    }
    out += "</par>";
  }
  out += "</body></smil>";
  return out;
}

}  // namespace smsdrv::mm7
