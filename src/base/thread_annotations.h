// Clang thread-safety annotations (https://clang.llvm.org/docs/ThreadSafetyAnalysis.html),
// checked by -Wthread-safety under clang and empty for other compilers. Use them with the
// annotated lock types of base/mutex.h: std::mutex and std::shared_mutex of libstdc++ carry no
// annotations, so clang cannot see what they guard.
#pragma once

#if defined(__clang__)
#define HSDT_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define HSDT_THREAD_ANNOTATION(x)
#endif

// On a class: its objects are locks (capabilities) named `x` in warnings.
#define HSDT_CAPABILITY(x) HSDT_THREAD_ANNOTATION(capability(x))
// On a class: RAII objects that hold a capability for their lifetime.
#define HSDT_SCOPED_CAPABILITY HSDT_THREAD_ANNOTATION(scoped_lockable)

// On a data member: read and written only with the lock held (PT_: what the pointer points to).
#define HSDT_GUARDED_BY(x) HSDT_THREAD_ANNOTATION(guarded_by(x))
#define HSDT_PT_GUARDED_BY(x) HSDT_THREAD_ANNOTATION(pt_guarded_by(x))

// On a lock member: the lock order (checked with -Wthread-safety-beta; documentation otherwise).
#define HSDT_ACQUIRED_BEFORE(...) HSDT_THREAD_ANNOTATION(acquired_before(__VA_ARGS__))
#define HSDT_ACQUIRED_AFTER(...) HSDT_THREAD_ANNOTATION(acquired_after(__VA_ARGS__))

// On a function: the caller must hold the locks (exclusively, or at least shared).
#define HSDT_REQUIRES(...) HSDT_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define HSDT_REQUIRES_SHARED(...) HSDT_THREAD_ANNOTATION(requires_shared_capability(__VA_ARGS__))
// On a function: the caller must not hold the locks (the function takes them).
#define HSDT_EXCLUDES(...) HSDT_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))

// On a function: it takes, tries to take or releases the locks.
#define HSDT_ACQUIRE(...) HSDT_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define HSDT_ACQUIRE_SHARED(...) HSDT_THREAD_ANNOTATION(acquire_shared_capability(__VA_ARGS__))
#define HSDT_TRY_ACQUIRE(...) HSDT_THREAD_ANNOTATION(try_acquire_capability(__VA_ARGS__))
#define HSDT_RELEASE(...) HSDT_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#define HSDT_RELEASE_SHARED(...) HSDT_THREAD_ANNOTATION(release_shared_capability(__VA_ARGS__))
#define HSDT_RELEASE_GENERIC(...) HSDT_THREAD_ANNOTATION(release_generic_capability(__VA_ARGS__))
#define HSDT_ASSERT_CAPABILITY(x) HSDT_THREAD_ANNOTATION(assert_capability(x))

// On an accessor: the lock it returns (so that callers' locks and REQUIRES match).
#define HSDT_RETURN_CAPABILITY(x) HSDT_THREAD_ANNOTATION(lock_returned(x))

// On a function the analysis cannot follow; say why next to it.
#define HSDT_NO_THREAD_SAFETY_ANALYSIS HSDT_THREAD_ANNOTATION(no_thread_safety_analysis)
