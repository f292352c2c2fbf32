// Locks that clang's thread-safety analysis understands (base/thread_annotations.h): thin
// wrappers of std::mutex and std::shared_mutex, and their RAII holders. They also meet the
// standard Lockable / SharedLockable requirements, so std::unique_lock, std::shared_lock and
// std::condition_variable_any work with them (the analysis does not follow those).
#pragma once

#include <mutex>
#include <shared_mutex>

#include "base/thread_annotations.h"

namespace hsdt::base {

class HSDT_CAPABILITY("mutex") Mutex final {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void lock() HSDT_ACQUIRE() { mu_.lock(); }
  void unlock() HSDT_RELEASE() { mu_.unlock(); }
  bool try_lock() HSDT_TRY_ACQUIRE(true) { return mu_.try_lock(); }

 private:
  std::mutex mu_;
};

class HSDT_CAPABILITY("shared_mutex") SharedMutex final {
 public:
  SharedMutex() = default;
  SharedMutex(const SharedMutex&) = delete;
  SharedMutex& operator=(const SharedMutex&) = delete;

  void lock() HSDT_ACQUIRE() { mu_.lock(); }
  void unlock() HSDT_RELEASE() { mu_.unlock(); }
  bool try_lock() HSDT_TRY_ACQUIRE(true) { return mu_.try_lock(); }
  void lock_shared() HSDT_ACQUIRE_SHARED() { mu_.lock_shared(); }
  void unlock_shared() HSDT_RELEASE_SHARED() { mu_.unlock_shared(); }
  bool try_lock_shared() HSDT_TRY_ACQUIRE(true) { return mu_.try_lock_shared(); }

 private:
  std::shared_mutex mu_;
};

// Holds `mu` exclusively for its lifetime.
template <typename M>
class HSDT_SCOPED_CAPABILITY LockGuard final {
 public:
  explicit LockGuard(M& mu) HSDT_ACQUIRE(mu) : mu_(mu) { mu_.lock(); }
  ~LockGuard() HSDT_RELEASE() { mu_.unlock(); }
  LockGuard(const LockGuard&) = delete;
  LockGuard& operator=(const LockGuard&) = delete;

 private:
  M& mu_;
};
using MutexLock = LockGuard<Mutex>;
using WriterLock = LockGuard<SharedMutex>;

// Holds `mu` shared for its lifetime.
class HSDT_SCOPED_CAPABILITY ReaderLock final {
 public:
  explicit ReaderLock(SharedMutex& mu) HSDT_ACQUIRE_SHARED(mu) : mu_(mu) { mu_.lock_shared(); }
  ~ReaderLock() HSDT_RELEASE() { mu_.unlock_shared(); }
  ReaderLock(const ReaderLock&) = delete;
  ReaderLock& operator=(const ReaderLock&) = delete;

 private:
  SharedMutex& mu_;
};

}  // namespace hsdt::base
