// libFuzzer target: the importer's XLSX reader (minizip, libxml2).
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return spcoop::fuzz::ParseOne(data, size, spcoop::ingest::Format::kXlsx);
}
