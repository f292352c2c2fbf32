#include "data_cache.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

namespace hsdt::bench {
namespace {

namespace fs = std::filesystem;

std::string CacheDir() {
  const char* v = std::getenv("HSDT_BENCH_CACHE");
  return v != nullptr && *v != '\0' ? v : "/var/tmp/hsdt-bench-cache";
}

bool Immutable(const fs::path& p) {
  const std::string ext = p.extension().string();
  return ext == ".sst" || ext == ".blob";
}

// Copies one file, hard-linking it instead when it is immutable and the link can be made.
void CopyOne(const fs::path& from, const fs::path& to, std::error_code& ec) {
  if (Immutable(from)) {
    fs::create_hard_link(from, to, ec);
    if (!ec) return;
    ec.clear();
  }
  fs::copy_file(from, to, ec);
}

// Copies `from` (a file or a directory tree) to `to`, which does not exist.
void CopyTree(const fs::path& from, const fs::path& to, std::error_code& ec) {
  if (!fs::is_directory(from, ec)) {
    if (!ec) CopyOne(from, to, ec);
    return;
  }
  fs::create_directory(to, ec);
  for (auto it = fs::directory_iterator(from, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    CopyTree(it->path(), to / it->path().filename(), ec);
  }
}

}  // namespace

bool DataCache::Enabled() {
  const char* v = std::getenv("HSDT_BENCH_CACHE");
  return v == nullptr || std::string(v) != "off";
}

std::optional<std::string> DataCache::Restore(const std::string& key, const std::string& dest) {
  if (!Enabled()) return std::nullopt;
  const fs::path entry = fs::path(CacheDir()) / key;
  std::ifstream meta_file(entry / "meta", std::ios::binary);
  if (!meta_file) return std::nullopt;
  std::ostringstream meta;
  meta << meta_file.rdbuf();
  std::error_code ec;
  CopyTree(entry / "data", dest, ec);
  if (ec) {
    std::fprintf(stderr, "bench cache: cannot restore %s: %s; loading instead\n", key.c_str(), ec.message().c_str());
    fs::remove_all(dest, ec);
    return std::nullopt;
  }
  std::printf("bench cache: restored %s\n", entry.c_str());
  return meta.str();
}

void DataCache::Save(const std::string& key, const std::string& src, const std::string& meta) {
  if (!Enabled()) return;
  const fs::path dir = CacheDir();
  const fs::path entry = dir / key;
  const fs::path tmp = dir / (key + ".tmp" + std::to_string(::getpid()));
  std::error_code ec;
  fs::create_directories(dir, ec);
  fs::remove_all(tmp, ec);
  if (!ec) fs::create_directory(tmp, ec);
  if (!ec) CopyTree(src, tmp / "data", ec);
  if (!ec) {
    std::ofstream out(tmp / "meta", std::ios::binary);
    out << meta;
    out.close();
    if (!out) ec = std::make_error_code(std::errc::io_error);
  }
  if (!ec && !fs::exists(entry)) fs::rename(tmp, entry, ec);
  if (ec) std::fprintf(stderr, "bench cache: cannot save %s: %s\n", key.c_str(), ec.message().c_str());
  std::error_code ignored;
  fs::remove_all(tmp, ignored);
  if (!ec) std::printf("bench cache: saved %s\n", entry.c_str());
}

}  // namespace hsdt::bench
