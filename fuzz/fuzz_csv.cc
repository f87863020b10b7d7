// libFuzzer target: the importer's CSV layouts (auto-detected from the header).
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return spcoop::fuzz::ParseOne(data, size, spcoop::ingest::Format::kAuto);
}
