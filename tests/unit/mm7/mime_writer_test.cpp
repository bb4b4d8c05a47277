#include <catch2/catch.hpp>

#include <string>

#include "mm7/body_reader.hpp"
#include "mm7/mime_writer.hpp"
#include "mm7/smil.hpp"

using namespace smsdrv::mm7;

namespace {

std::string all_bytes() {
  std::string s;
  for (int i = 0; i < 256; ++i)
    s += static_cast<char>(i);
  return s;
}

const std::string soap =
    "<Envelope xmlns=\"http://schemas.xmlsoap.org/soap/envelope/\"><Body><SubmitReq>"
    "<Content href=\"cid:content.t\"/></SubmitReq></Body></Envelope>";

std::vector<part> read_back(const written_body& w) {
  auto r = read_mm7_body(w.content_type, w.body, mime_limits{});
  if (auto* p = std::get_if<body_problem>(&r)) FAIL(p->text);
  return std::get<submit_req>(std::get<read_body>(r).soap.message).parts;
}

}  // namespace

TEST_CASE("base64 lines are 76 characters with CRLF") {
  std::string out;
  append_base64_lines(out, std::string(57, 'a') + "bc");
  CHECK(out.substr(0, 76) == [] {
    std::string line;
    for (int i = 0; i < 19; ++i)
      line += "YWFh";
    return line;
  }());
  CHECK(out.size() == 76 + 2 + 4 + 2);
  CHECK(out.substr(76, 2) == "\r\n");
  CHECK(out.substr(78) == "YmM=\r\n");
  std::string empty;
  append_base64_lines(empty, "");
  CHECK(empty.empty());
}

TEST_CASE("every byte value survives both transfer encodings, boundaries never clash") {
  auto encoding = GENERATE(transfer_encoding::base64, transfer_encoding::binary);
  CAPTURE(static_cast<int>(encoding));
  std::string binary = all_bytes() + "\r\n--=_mm7_c_t\r\n--=_mm7_s_t--\r\n" + all_bytes();
  std::string text = "line one\r\n--=_mm7_c_t\r\nGrüße\n";
  part_view parts[] = {{"image/jpeg", "img", "img.jpg", binary},
                       {"text/plain; charset=utf-8", "txt", "a.txt", text},
                       {"application/octet-stream", "empty", "empty.bin", ""}};
  written_body w = write_mm7_body(soap, "soap.t", "content.t", parts, encoding, "t");
  CHECK(w.content_type.rfind("multipart/related; type=\"text/xml\"; start=\"<soap.t>\"", 0) == 0);
  auto back = read_back(w);
  REQUIRE(back.size() == 3);
  CHECK(back[0].bytes == binary);
  CHECK(back[0].content_type == "image/jpeg");
  CHECK(back[0].content_id == "img");
  CHECK(back[0].name == "img.jpg");
  CHECK(back[1].bytes == text);
  CHECK(back[1].content_type == "text/plain; charset=utf-8");
  CHECK(back[2].bytes.empty());
  // The content's boundary had to grow: the part contains the first choice.
  if (encoding == transfer_encoding::binary)
    CHECK(w.body.find("boundary=\"=_mm7_c_ta\"") != std::string::npos);
}

TEST_CASE("a SMIL first makes the content multipart/related with it as start") {
  part_view with_smil[] = {{"application/smil", "pres", "pres.smil", "<smil/>"},
                           {"image/gif", "g", "g.gif", "GIF89a"}};
  written_body w =
      write_mm7_body(soap, "soap.t", "content.t", with_smil, transfer_encoding::base64, "t");
  CHECK(
      w.body.find("Content-Type: multipart/related; type=\"application/smil\"; start=\"<pres>\"") !=
      std::string::npos);
  part_view without[] = {{"image/gif", "g", "g.gif", "GIF89a"}};
  w = write_mm7_body(soap, "soap.t", "content.t", without, transfer_encoding::base64, "t");
  CHECK(w.body.find("Content-Type: multipart/mixed; boundary=") != std::string::npos);
  w = write_mm7_body(soap, "soap.t", "content.t", {}, transfer_encoding::base64, "t");
  CHECK(w.content_type == "text/xml; charset=\"utf-8\"");
  CHECK(w.body == soap);
}

TEST_CASE("the SMIL made for parts: parts fill a slide's places in order") {
  part_view parts[] = {{"text/plain; charset=utf-8", "t0", "intro.txt", "x"},
                       {"image/jpeg", "i1", "a.jpg", "x"},
                       {"text/plain", "t1", "b.txt", "x"},
                       {"audio/amr", "a1", "c.amr", "x"},
                       {"video/3gpp", "v1", "d\"&.3gp", "x"},
                       {"text/x-vcard", "v", "card.vcf", "x"}};
  CHECK(make_smil(parts) ==
        "<smil><head><layout><root-layout width=\"100%\" height=\"100%\"/>"
        "<region id=\"Image\" left=\"0\" top=\"0\" width=\"100%\" height=\"70%\" fit=\"meet\"/>"
        "<region id=\"Text\" left=\"0\" top=\"70%\" width=\"100%\" height=\"30%\" "
        "fit=\"scroll\"/></layout></head><body>"
        "<par dur=\"5000ms\"><img src=\"a.jpg\" region=\"Image\"/>"
        "<text src=\"intro.txt\" region=\"Text\"/></par>"
        "<par dur=\"5000ms\"><video src=\"d&quot;&amp;.3gp\" region=\"Image\"/>"
        "<text src=\"b.txt\" region=\"Text\"/><audio src=\"c.amr\"/></par></body></smil>");
}
