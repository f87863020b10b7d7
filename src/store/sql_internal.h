// Internal to src/store: the backend adapters of sql::Tx.
#pragma once

#include <functional>

#include "spcoop/store/sql.h"

namespace spcoop::sqlite {
class Db;
}

namespace spcoop::sql {

// Runs `fn` in a BEGIN IMMEDIATE transaction of `db`; commits when it returns OK.
Status TransactSqlite(sqlite::Db& db, const std::function<Status(Tx&)>& fn);

}  // namespace spcoop::sql
