// The SMIL presentation sent with a SendMMS that brings none (OMA MMS Conformance Document §8:
// the MMS SMIL subset). A slide has three places: a picture or video, a text, an audio. Parts
// fill them in order; a part whose place is taken starts the next slide. Parts that SMIL cannot
// show (a vCard, a PDF) travel as attachments and are not referenced.
#pragma once

#include <span>
#include <string>

#include "mm7/mime_writer.hpp"

namespace smsdrv::mm7 {

// Parts are referenced by content_location.
std::string make_smil(std::span<const part_view> parts);

}  // namespace smsdrv::mm7
