#include <hsdt/civil_time.h>

#include "db/database_impl.h"
#include "schema/civil_time.h"

namespace hsdt {

Result<std::int64_t> ParseInstant(std::string_view text, std::string_view time_zone, DateAs date_as,
                                  std::string_view what) {
  return db::Guard([&]() -> Result<std::int64_t> {
    HSDT_ASSIGN_OR_RETURN(schema::CivilZone zone, schema::CivilZone::Open(time_zone));
    return schema::ParseInstant(text, zone, date_as == DateAs::kEndOfDay, what);
  });
}

Result<std::string> CivilDateOf(std::int64_t micros, std::string_view time_zone) {
  return db::Guard([&]() -> Result<std::string> {
    HSDT_ASSIGN_OR_RETURN(schema::CivilZone zone, schema::CivilZone::Open(time_zone));
    return zone.DateOf(micros);
  });
}

}  // namespace hsdt
