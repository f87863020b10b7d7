// Internal: the entry points of the PostgreSQL backend. OpenStore() dispatches here.
//
//   SPCOOP_ASSIGN_OR_RETURN(auto store,
//                           OpenPostgresStore("postgresql://spcoop:secret@db:5432/spcoop"));
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "spcoop/core/status.h"
#include "spcoop/store/store.h"

namespace spcoop {

// Connects to PostgreSQL with a libpq URI ("postgresql://" or "postgres://"; query parameters
// such as sslmode or options=-csearch_path%3Dname pass through to libpq). Does not migrate.
// kUnavailable when the server cannot be reached, kUnauthenticated when the credentials are
// refused, kFailedPrecondition when the database does not exist or is not UTF-8, or the server is
// older than PostgreSQL 11, kInvalidArgument when the URI is malformed.
Result<std::unique_ptr<Store>> OpenPostgresStore(std::string_view uri);

// The URI with its password (in the user info or a password= parameter) replaced by "***", for
// messages and logs.
std::string RedactPostgresUri(std::string_view uri);

}  // namespace spcoop
