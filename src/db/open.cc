// Opening, creating and closing a Database: the directory checks, the creation that leaves
// nothing behind when it fails, and the test hook that opens over another file system.
#include <hsdt/database.h>

#include <sys/stat.h>

#include <cerrno>
#include <filesystem>
#include <set>

#include "base/files.h"
#include "base/impl_access.h"
#include "db/database_impl.h"
#include "db/testing.h"
#include "policy/passwords.h"

namespace hsdt {

Database::Database(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Database::~Database() {
  if (impl_) (void)impl_->Close();
}

namespace {

// A database directory that cannot be entered, or a path that is not a directory, is an IOError
// naming the path ("permission denied"), not "no database here".
Status CheckDatabaseDir(const std::string& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) {
    if (errno == ENOENT) return Status::Ok();  // created by init, else NotFound from the store
    return base::FileError(dir, "cannot open", errno);
  }
  if (!S_ISDIR(st.st_mode)) return Status::IOError(dir + ": not a directory");
  const std::string keyring = dir + "/KEYRING";
  if (::stat(keyring.c_str(), &st) != 0 && errno != ENOENT) return base::FileError(keyring, "cannot open", errno);
  return Status::Ok();
}

// What creating a database made, so that a creation that fails takes it away again, and only it.
class Creation final {
 public:
  // Before anything is written: makes the missing directories (0700) and notes what `dir` holds.
  Status Begin(const std::string& dir) {
    dir_ = dir;
    HSDT_RETURN_IF_ERROR(base::CreatePrivateDirectories(dir, &made_));
    if (made_.empty()) {
      std::error_code ec;
      for (const auto& e : std::filesystem::directory_iterator(dir, ec)) before_.insert(e.path().filename().string());
      if (ec) return base::FileError(dir, "cannot list", ec.value());
    }
    return Status::Ok();
  }
  // Removes the directories Begin made, or else the entries of `dir` that were not there before.
  void Undo() const {
    std::error_code ec;
    if (!made_.empty()) {
      std::filesystem::remove_all(made_.front(), ec);
      return;
    }
    std::vector<std::filesystem::path> added;
    for (const auto& e : std::filesystem::directory_iterator(dir_, ec)) {
      if (before_.count(e.path().filename().string()) == 0) added.push_back(e.path());
    }
    for (const auto& p : added) std::filesystem::remove_all(p, ec);
  }

 private:
  std::string dir_;
  std::vector<std::string> made_;  // outermost first
  std::set<std::string> before_;
};

}  // namespace

Result<std::unique_ptr<Database>> Database::Open(const std::string& dir, const Key& key,
                                                 const OpenOptions& options) {
  return Impl::Open(dir, key, options, nullptr, {});
}

Result<std::unique_ptr<Database>> Database::Impl::Open(const std::string& dir, const Key& key,
                                                       const OpenOptions& options, storage::BaseFileSystem base_fs,
                                                       const std::function<Status(Impl&)>& import) {
  return db::Guard([&]() -> Result<std::unique_ptr<Database>> {
    HSDT_ASSIGN_OR_RETURN(schema::CivilZone zone, schema::CivilZone::Open(options.time_zone));
    HSDT_RETURN_IF_ERROR(CheckDatabaseDir(dir));
    if (options.max_attachment_bytes == 0 || options.max_attachment_bytes > (std::uint64_t{1} << 30)) {
      return Status::InvalidArgument("max_attachment_bytes: expected 1 byte to 1 GiB");
    }
    std::error_code ec;
    const bool exists = std::filesystem::exists(dir + "/KEYRING", ec);
    const bool creating = !exists && options.create_if_missing;
    if (import && !creating) return Status::AlreadyExists("db_dir: " + dir + " holds a database already");
    Creation creation;
    if (creating) {
      const AdminCredentials& admin = options.first_admin;
      if (admin.user_name.empty()) {
        return Status::InvalidArgument(
            "first_admin: creating a database requires the first district administrator's credentials");
      }
      // Refused before anything is written (Start checks it again).
      HSDT_RETURN_IF_ERROR(policy::CheckNewPassword(admin.password, admin.user_name));
      HSDT_RETURN_IF_ERROR(creation.Begin(dir));
    }
    // A creation that fails leaves nothing behind, unless another process is at work there.
    auto failed = [&](Status st) {
      if (creating && st.code() != StatusCode::kBusy && st.code() != StatusCode::kAlreadyExists) creation.Undo();
      return st;
    };
    storage::StoreOptions so;
    so.create_if_missing = options.create_if_missing;
    so.error_if_exists = options.error_if_exists;
    so.sync = options.durability == Durability::kSync;
    so.kdf_cost = static_cast<int>(options.kdf_cost);
    so.block_cache_bytes = options.block_cache_bytes;
    so.dictionary_training_records = options.dictionary_training_records;
    so.clock = options.clock;
    so.accept_log_damage = options.accept_log_damage;
    so.base_fs = base_fs;
    so.read_only = options.read_only;
    std::string scratch;  // the view's own directory, made here: removed at Close
    if (options.read_only) {
      if (options.create_if_missing) return Status::InvalidArgument("read_only: a read-only view creates nothing");
      so.secondary_dir = options.read_only_dir;
      if (so.secondary_dir.empty()) {
        HSDT_ASSIGN_OR_RETURN(scratch, base::MakeTempDirectory("hsdt-view-"));
        so.secondary_dir = scratch;
      } else {
        HSDT_RETURN_IF_ERROR(base::CreatePrivateDirectories(so.secondary_dir));
      }
    }
    auto remove_scratch = [&] {
      std::error_code ec;
      if (!scratch.empty()) std::filesystem::remove_all(scratch, ec);
    };
    auto store = storage::Store::Open(dir, key, so);
    if (!store.ok()) {
      remove_scratch();
      return failed(store.status());
    }
    auto impl = std::make_unique<Impl>(std::move(store).value(), options, std::move(zone));
    impl->set_scratch_dir(scratch);
    if (import) impl->set_importing();
    Status started = impl->Start();
    if (started.ok() && import) {
      // Whatever the import meets, the creation is undone (db::Guard would not undo it).
      try {
        started = import(*impl);
      } catch (const std::bad_alloc&) {
        started = Status::ResourceExhausted("out of memory during the import");
      } catch (const std::exception& e) {
        started = Status::Internal(std::string("unexpected exception during the import: ") + e.what());
      }
    }
    if (!started.ok()) {
      (void)impl->Close();
      impl.reset();
      return failed(started);
    }
    return std::unique_ptr<Database>(new Database(std::move(impl)));
  });
}

namespace testing_hooks {
Result<std::unique_ptr<Database>> Opener::OpenOn(const std::string& dir, const Key& key,
                                                 const OpenOptions& options,
                                                 storage::BaseFileSystem base_fs) {
  return Database::Impl::Open(dir, key, options, std::move(base_fs), {});
}
}  // namespace testing_hooks

Status Database::Close() {
  return db::Guard([&]() -> Status {
    if (impl_->notifier().OnThread()) {
      return Status::InvalidArgument("Close: called from a change observer; close from another thread");
    }
    if (const int open = impl_->open_attachment_handles.load(); open != 0) {
      return Status::Busy("Close: " + std::to_string(open) +
                          " attachment writers or readers are open; destroy them first");
    }
    return impl_->Close();
  });
}

Status Database::CatchUp() {
  return db::Guard([&] { return impl_->CatchUp(true); });
}

}  // namespace hsdt

namespace hsdt::testing_hooks {
// Benchmarks only: see db/testing.h.
void SetAuditReads(Database& db, bool on) { internal::ImplAccess::Of(db).audit_reads = on; }
}  // namespace hsdt::testing_hooks
