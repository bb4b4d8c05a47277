// Writes SubmitReq bodies as the driver sends them, for email_crosscheck.py to decode with
// Python's email package (an independent MIME implementation). For each case N in the output
// directory: N.content_type (the HTTP header's value), N.body, and N.parts, one line per part
// "<content type>\t<content id>\t<content location>\t<file>", each file holding the part's bytes.
#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "mm7/smil.hpp"
#include "mm7/submit_exchange.hpp"

namespace {

using namespace smsdrv::mm7;

struct owned_part {
  std::string content_type, id, location, bytes;
};

std::string random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::string s(n, '\0');
  for (auto& c : s)
    c = static_cast<char>(gen() & 0xFF);
  return s;
}

// Bytes that trip careless MIME code: bare CR and LF, NUL, boundary-like lines, every value.
std::string hostile_bytes() {
  std::string s = "\r\n--=_mm7_c_case\r\n--=_mm7_s_case--\n\r--\r\r\n.\r\n";
  s += std::string(1, '\0');
  for (int i = 0; i < 256; ++i)
    s += static_cast<char>(i);
  return s + "\r\n\r\n";
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  if (!out) {
    std::fprintf(stderr, "cannot write %s\n", path.c_str());
    std::exit(1);
  }
}

void write_case(const std::string& dir, const std::string& name, transfer_encoding encoding,
                std::vector<owned_part> parts, bool add_smil) {
  std::vector<part_view> views;
  for (const auto& p : parts)
    views.push_back({p.content_type, p.id, p.location, p.bytes});
  if (add_smil) {
    parts.insert(parts.begin(),
                 {"application/smil; charset=utf-8", "smil", "smil.smil", make_smil(views)});
    views.clear();
    for (const auto& p : parts)
      views.push_back({p.content_type, p.id, p.location, p.bytes});
  }
  mms_settings s;
  s.encoding = encoding;
  s.vasp_id = "vasp";
  s.vas_id = "service";
  s.user = "vasp";
  s.password = "pw";
  submit_req r;
  r.transaction_id = name;
  r.to = {address_of("4917612345678"), address_of("someone@example.net")};
  r.sender = address_of("12345");
  r.subject = "Grüße & <Tschüss>";
  r.delivery_report = true;
  http_post post = build_submit_post(s, r, views, name);
  write_file(dir + "/" + name + ".content_type", post.headers.at(0).value);
  write_file(dir + "/" + name + ".body", post.body);
  std::string list;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    std::string file = name + ".part" + std::to_string(i);
    write_file(dir + "/" + file, parts[i].bytes);
    list +=
        parts[i].content_type + "\t" + parts[i].id + "\t" + parts[i].location + "\t" + file + "\n";
  }
  write_file(dir + "/" + name + ".parts", list);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fputs("usage: mm7-crosscheck-cases DIR\n", stderr);
    return 2;
  }
  std::string dir = argv[1];
  std::vector<owned_part> media = {
      {"image/jpeg", "photo", "photo.jpg", "\xFF\xD8\xFF\xE0" + random_bytes(30000, 1)},
      {"image/png", "pixel", "pixel.png", "\x89PNG\r\n\x1a\n" + random_bytes(700, 2)},
      {"image/gif", "anim", "anim.gif", "GIF89a" + random_bytes(1200, 3)},
      {"text/plain; charset=utf-8", "text", "text.txt", "Hallo Welt, grüße 👋\r\nzweite Zeile\n"},
      {"audio/amr", "voice", "voice.amr", "#!AMR\n" + random_bytes(5000, 4)},
      {"text/x-vcard", "card", "card.vcf",
       "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Doe;Alice\r\nTEL:+4917612345678\r\nEND:VCARD\r\n"},
  };
  std::vector<owned_part> hostile = {
      {"application/octet-stream", "hostile", "hostile.bin", hostile_bytes()},
      {"text/plain; charset=utf-8", "empty", "empty.txt", ""},
      {"image/jpeg", "big", "big.jpg", random_bytes(300000, 5)},
  };
  write_case(dir, "base64_media", transfer_encoding::base64, media, true);
  write_case(dir, "binary_media", transfer_encoding::binary, media, true);
  write_case(dir, "base64_hostile", transfer_encoding::base64, hostile, false);
  write_case(dir, "binary_hostile", transfer_encoding::binary, hostile, false);
  write_case(dir, "single_text", transfer_encoding::binary,
             {{"text/plain; charset=utf-8", "only", "only.txt", "just text"}}, false);
  return 0;
}
