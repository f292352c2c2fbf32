#include "schema/guard.h"

#include <kj/exception.h>

#include <string>

namespace hsdt::schema {

Status CapnpExceptionStatus() {
  try {
    throw;
  } catch (const kj::Exception& e) {
    return Status::Internal(std::string("unexpected Cap'n Proto error: ") + e.getDescription().cStr());
  }
}

}  // namespace hsdt::schema
