#include <hsdt/dossier.h>

#include "base/coding.h"
#include "base/guard.h"
#include "db/internal.h"

namespace hsdt {

DossierDraft::DossierDraft(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
DossierDraft::DossierDraft(DossierDraft&&) noexcept = default;
DossierDraft& DossierDraft::operator=(DossierDraft&&) noexcept = default;
DossierDraft::~DossierDraft() = default;

Result<DossierDraft> DossierDraft::FromJson(std::string_view json) {
  return base::Guard([&]() -> Result<DossierDraft> {
    HSDT_ASSIGN_OR_RETURN(auto message, schema::ParseDossierJson(json));
    auto impl = std::make_unique<Impl>();
    impl->message = std::move(message);
    return DossierDraft(std::move(impl));
  });
}

const std::vector<std::string>& DossierDraft::warnings() const { return impl_->message->warnings; }

Dossier::Dossier(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

const std::string& Dossier::id() const { return impl_->id(); }
std::uint32_t Dossier::version() const { return impl_->record().version; }

namespace {

// Reads one field; "" if the record cannot be read (it was checked when it was loaded, so only
// memory exhaustion gets here).
template <typename Fn>
std::string ReadField(const Dossier::Impl& impl, Fn fn) noexcept {
  try {
    const auto view = impl.View();
    return fn(view);
  } catch (...) {
    return std::string();
  }
}
}  // namespace

std::string Dossier::status() const {
  return ReadField(*impl_, [](const schema::DossierView& d) { return d.status(); });
}

std::string Dossier::managing_unit() const {
  return ReadField(*impl_, [](const schema::DossierView& d) { return std::string(d.managing_unit()); });
}

std::string Dossier::working_unit() const {
  return ReadField(*impl_, [](const schema::DossierView& d) { return std::string(d.working_unit()); });
}

std::string Dossier::full_name() const {
  return ReadField(*impl_, [](const schema::DossierView& d) { return d.full_name(); });
}

std::string Dossier::birth_date() const {
  return ReadField(*impl_, [](const schema::DossierView& d) { return std::string(d.birth_date()); });
}

Result<std::string> Dossier::ToJson(bool pretty) const {
  return base::Guard([&]() -> Result<std::string> {
    const storage::CachedRecord& r = impl_->record();
    return schema::StoredDossierJson(r.bytes.words(), r.bytes.size(), id(), pretty);
  });
}

namespace db {

std::string FormatId(std::uint64_t id) { return base::FormatPrefixedId("HS", id); }

std::optional<std::uint64_t> ParseId(std::string_view id) {
  auto v = base::ParsePrefixedId(id, "HS");
  if (!v || *v == 0) return std::nullopt;
  return v;
}

}  // namespace db
}  // namespace hsdt
