#include "storage/compressor.h"

#define ZDICT_STATIC_LINKING_ONLY
#include <zdict.h>
#include <zstd.h>

#include <cstring>
#include <mutex>

#include "crypto/secret.h"

namespace hsdt::storage {

PlainBytes::PlainBytes(std::size_t size)
    : words_(new std::uint64_t[(size + 7) / 8 + 1]()), size_(size) {}

PlainBytes& PlainBytes::operator=(PlainBytes&& other) noexcept {
  if (this != &other) {
    Wipe();
    words_ = std::move(other.words_);
    size_ = other.size_;
    other.size_ = 0;
  }
  return *this;
}

PlainBytes::~PlainBytes() { Wipe(); }

void PlainBytes::Wipe() {
  if (words_) crypto::Wipe(words_.get(), size_);
}

struct Compressor::Dict {
  ZSTD_CDict* cdict = nullptr;
  ZSTD_DDict* ddict = nullptr;
  ~Dict() {
    ZSTD_freeCDict(cdict);
    ZSTD_freeDDict(ddict);
  }
};

namespace {

struct Contexts {
  ZSTD_CCtx* c = ZSTD_createCCtx();
  ZSTD_DCtx* d = ZSTD_createDCtx();
  ~Contexts() {
    ZSTD_freeCCtx(c);
    ZSTD_freeDCtx(d);
  }
};

// One pair of contexts per thread, reused across calls.
Contexts& ThreadContexts() {
  thread_local Contexts contexts;
  return contexts;
}

}  // namespace

Compressor::Compressor() = default;
Compressor::~Compressor() = default;

Status Compressor::AddDictionary(std::uint32_t id, std::string_view dictionary) {
  if (id == 0) return Status::Internal("dictionary id 0 is reserved for no dictionary");
  auto d = std::make_shared<Dict>();
  d->cdict = ZSTD_createCDict(dictionary.data(), dictionary.size(), level_);
  d->ddict = ZSTD_createDDict(dictionary.data(), dictionary.size());
  if (d->cdict == nullptr || d->ddict == nullptr) {
    return Status::Corruption("dictionary " + std::to_string(id) + ": zstd rejects it");
  }
  std::unique_lock lock(mu_);
  if (!dicts_.emplace(id, std::move(d)).second) {
    return Status::Internal("dictionary " + std::to_string(id) + " exists already");
  }
  return Status::Ok();
}

bool Compressor::HasDictionary(std::uint32_t id) const {
  std::shared_lock lock(mu_);
  return dicts_.count(id) != 0;
}

Status Compressor::Compress(std::uint32_t dict_id, std::string_view in, std::string* out) const {
  std::shared_ptr<const Dict> dict;
  if (dict_id != 0) {
    std::shared_lock lock(mu_);
    auto it = dicts_.find(dict_id);
    if (it == dicts_.end()) return Status::Internal("no dictionary " + std::to_string(dict_id));
    dict = it->second;
  }
  const std::size_t start = out->size();
  out->resize(start + ZSTD_compressBound(in.size()));
  Contexts& ctx = ThreadContexts();
  const std::size_t n =
      dict ? ZSTD_compress_usingCDict(ctx.c, out->data() + start, out->size() - start, in.data(),
                                      in.size(), dict->cdict)
           : ZSTD_compressCCtx(ctx.c, out->data() + start, out->size() - start, in.data(),
                               in.size(), level_);
  if (ZSTD_isError(n)) {
    out->resize(start);
    return Status::Internal(std::string("zstd: ") + ZSTD_getErrorName(n));
  }
  out->resize(start + n);
  return Status::Ok();
}

Result<PlainBytes> Compressor::Decompress(std::uint32_t dict_id, std::string_view frame,
                                          std::size_t max_size) const {
  const unsigned long long size = ZSTD_getFrameContentSize(frame.data(), frame.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > max_size) {
    return Status::Corruption("zstd frame: bad content size");
  }
  std::shared_ptr<const Dict> dict;
  if (dict_id != 0) {
    std::shared_lock lock(mu_);
    auto it = dicts_.find(dict_id);
    if (it == dicts_.end()) {
      return Status::Corruption("record names dictionary " + std::to_string(dict_id) +
                                ", which the metadata lacks");
    }
    dict = it->second;
  }
  PlainBytes out(static_cast<std::size_t>(size));
  Contexts& ctx = ThreadContexts();
  const std::size_t n =
      dict ? ZSTD_decompress_usingDDict(ctx.d, out.data(), out.size(), frame.data(), frame.size(),
                                        dict->ddict)
           : ZSTD_decompressDCtx(ctx.d, out.data(), out.size(), frame.data(), frame.size());
  if (ZSTD_isError(n) || n != size) return Status::Corruption("zstd frame does not decompress");
  return out;
}

Result<std::string> Compressor::Train(const std::vector<std::string>& samples,
                                      std::size_t capacity) {
  std::string joined;
  std::size_t total = 0;
  for (const auto& s : samples) total += s.size();
  joined.reserve(total);  // no reallocation: no unwiped copies of plaintext left behind
  std::vector<std::size_t> sizes;
  for (const auto& s : samples) {
    joined += s;
    sizes.push_back(s.size());
  }
  std::string dict(capacity, '\0');
  const std::size_t n = ZDICT_trainFromBuffer(dict.data(), dict.size(), joined.data(),
                                              sizes.data(), static_cast<unsigned>(sizes.size()));
  crypto::Wipe(joined.data(), joined.size());
  if (ZDICT_isError(n)) {
    return Status::InvalidArgument(std::string("zstd dictionary training: ") +
                                   ZDICT_getErrorName(n));
  }
  dict.resize(n);
  return dict;
}

}  // namespace hsdt::storage
