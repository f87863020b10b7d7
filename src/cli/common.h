// Internal to the spcoop binary: helpers the verbs share.
#pragma once

#include <memory>
#include <string>

#include "cli.h"
#include "spcoop/core/types.h"
#include "spcoop/store/store.h"

namespace spcoop::cli {

// Opens the database named by --db and applies pending migrations. kFailedPrecondition with
// "run 'spcoop init'" when the file does not exist.
Result<std::unique_ptr<Store>> OpenDatabase(const GlobalOptions& g);

// The reference data folder: --data, $SPCOOP_DATA, the source tree's data/reference, or
// <binary>/../share/spcoop/reference. kNotFound listing the places tried.
Result<std::string> FindDataDir(const GlobalOptions& g);

Language LanguageOf(const GlobalOptions& g);

// The user recorded as author of CLI writes: $SPCOOP_USER, else $USER, else "cli".
std::string CliAuthor();

}  // namespace spcoop::cli
