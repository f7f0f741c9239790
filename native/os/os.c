/*
 * vllsi_os: what Node's fs does not offer — byte-range advisory locks (Node has no
 * fcntl) and the OS thread id.
 *
 *   setlk(fd, kind, start, len) -> 0 | OS error code   kind: 0 unlock, 1 shared, 2 exclusive
 *   getlk(fd, kind, start, len) -> -2 no conflict | -1 conflicting owner unknown | owner pid
 *   flavour()                   -> "ofd" | "posix" | "win32"
 *   gettid()                    -> the calling thread's OS id
 *
 * len == 0 means "to end of file, however large it grows" (POSIX convention).
 * Linux: open-file-description locks (F_OFD_SETLK): owned by the open file, not the
 * process, so two descriptors in one process conflict like two processes would, and
 * closing another descriptor of the same file does not drop them. macOS: F_SETLK.
 * Windows: LockFileEx on the handle behind the CRT descriptor (uv_get_osfhandle, so
 * we look up Node's own CRT table, not the addon's). Never blocks.
 */
#include <node_api.h>
#include <stdint.h>

#ifdef _WIN32
#include <string.h>
#include <uv.h> /* brings winsock2.h, then windows.h, in the order Windows wants */
#include <windows.h>
#else
#include <errno.h>
#ifdef __linux__
#include <sys/syscall.h>
#endif
#ifdef __APPLE__
#include <pthread.h>
#endif
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#endif

#define CHECK(call) do { if ((call) != napi_ok) return NULL; } while (0)

static int read_args(napi_env env, napi_callback_info info, int32_t *fd, int32_t *kind, int64_t *start, int64_t *len) {
  size_t argc = 4;
  napi_value argv[4];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 4) {
    napi_throw_type_error(env, NULL, "expected (fd, kind, start, len)");
    return 0;
  }
  if (napi_get_value_int32(env, argv[0], fd) != napi_ok || napi_get_value_int32(env, argv[1], kind) != napi_ok ||
      napi_get_value_int64(env, argv[2], start) != napi_ok || napi_get_value_int64(env, argv[3], len) != napi_ok) {
    napi_throw_type_error(env, NULL, "fd, kind, start and len must be numbers");
    return 0;
  }
  if (*kind < 0 || *kind > 2 || *start < 0 || *len < 0) {
    napi_throw_range_error(env, NULL, "kind must be 0..2, start and len non-negative");
    return 0;
  }
  return 1;
}

static napi_value make_int(napi_env env, int64_t v) {
  napi_value out;
  CHECK(napi_create_int64(env, v, &out));
  return out;
}

#ifdef _WIN32

static void region(int64_t start, int64_t len, OVERLAPPED *ov, DWORD *lo, DWORD *hi) {
  uint64_t n = len == 0 ? UINT64_MAX - (uint64_t)start : (uint64_t)len;
  memset(ov, 0, sizeof *ov);
  ov->Offset = (DWORD)((uint64_t)start & 0xffffffffu);
  ov->OffsetHigh = (DWORD)((uint64_t)start >> 32);
  *lo = (DWORD)(n & 0xffffffffu);
  *hi = (DWORD)(n >> 32);
}

static napi_value setlk(napi_env env, napi_callback_info info) {
  int32_t fd, kind;
  int64_t start, len;
  OVERLAPPED ov;
  DWORD lo, hi;
  HANDLE h;
  BOOL ok;
  if (!read_args(env, info, &fd, &kind, &start, &len)) return NULL;
  h = uv_get_osfhandle(fd);
  if (h == INVALID_HANDLE_VALUE) return make_int(env, ERROR_INVALID_HANDLE);
  region(start, len, &ov, &lo, &hi);
  if (kind == 0) {
    ok = UnlockFileEx(h, 0, lo, hi, &ov);
  } else {
    DWORD flags = LOCKFILE_FAIL_IMMEDIATELY | (kind == 2 ? LOCKFILE_EXCLUSIVE_LOCK : 0);
    ok = LockFileEx(h, flags, 0, lo, hi, &ov);
  }
  return make_int(env, ok ? 0 : (int64_t)GetLastError());
}

/* Windows has no query for a lock's owner: probe with a lock and undo it. */
static napi_value getlk(napi_env env, napi_callback_info info) {
  int32_t fd, kind;
  int64_t start, len;
  OVERLAPPED ov;
  DWORD lo, hi;
  HANDLE h;
  if (!read_args(env, info, &fd, &kind, &start, &len)) return NULL;
  h = uv_get_osfhandle(fd);
  region(start, len, &ov, &lo, &hi);
  if (LockFileEx(h, LOCKFILE_FAIL_IMMEDIATELY | (kind == 2 ? LOCKFILE_EXCLUSIVE_LOCK : 0), 0, lo, hi, &ov)) {
    UnlockFileEx(h, 0, lo, hi, &ov);
    return make_int(env, -2);
  }
  return make_int(env, -1);
}

static const char *FLAVOUR = "win32";

#else

/* VLLSI_POSIX_LOCKS forces the classic F_SETLK path (macOS's) on Linux, for its tests. */
#if defined(F_OFD_SETLK) && !defined(VLLSI_POSIX_LOCKS)
#define SET_CMD F_OFD_SETLK
#define GET_CMD F_OFD_GETLK
static const char *FLAVOUR = "ofd";
#else
#define SET_CMD F_SETLK
#define GET_CMD F_GETLK
static const char *FLAVOUR = "posix";
#endif

static void fill(struct flock *fl, int32_t kind, int64_t start, int64_t len) {
  memset(fl, 0, sizeof *fl); /* OFD commands require l_pid == 0 */
  fl->l_type = kind == 0 ? F_UNLCK : kind == 1 ? F_RDLCK : F_WRLCK;
  fl->l_whence = SEEK_SET;
  fl->l_start = (off_t)start;
  fl->l_len = (off_t)len;
}

static napi_value setlk(napi_env env, napi_callback_info info) {
  int32_t fd, kind;
  int64_t start, len;
  struct flock fl;
  if (!read_args(env, info, &fd, &kind, &start, &len)) return NULL;
  fill(&fl, kind, start, len);
  if (fcntl(fd, SET_CMD, &fl) == 0) return make_int(env, 0);
  return make_int(env, errno);
}

static napi_value getlk(napi_env env, napi_callback_info info) {
  int32_t fd, kind;
  int64_t start, len;
  struct flock fl;
  if (!read_args(env, info, &fd, &kind, &start, &len)) return NULL;
  if (kind == 0) kind = 2;
  fill(&fl, kind, start, len);
  if (fcntl(fd, GET_CMD, &fl) != 0) return make_int(env, -(int64_t)errno - 1000);
  if (fl.l_type == F_UNLCK) return make_int(env, -2);
  /* OFD locks have no owning process: l_pid is -1 for them. */
  return make_int(env, fl.l_pid > 0 ? fl.l_pid : -1);
}

#endif

static napi_value gettid_(napi_env env, napi_callback_info info) {
  (void)info;
#if defined(_WIN32)
  return make_int(env, (int64_t)GetCurrentThreadId());
#elif defined(__linux__)
  return make_int(env, (int64_t)syscall(SYS_gettid));
#elif defined(__APPLE__)
  uint64_t tid = 0;
  pthread_threadid_np(NULL, &tid);
  return make_int(env, (int64_t)tid);
#else
  return make_int(env, (int64_t)getpid());
#endif
}

static napi_value flavour(napi_env env, napi_callback_info info) {
  napi_value out;
  (void)info;
  CHECK(napi_create_string_utf8(env, FLAVOUR, NAPI_AUTO_LENGTH, &out));
  return out;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    { "setlk", NULL, setlk, NULL, NULL, NULL, napi_enumerable, NULL },
    { "getlk", NULL, getlk, NULL, NULL, NULL, napi_enumerable, NULL },
    { "gettid", NULL, gettid_, NULL, NULL, NULL, napi_enumerable, NULL },
    { "flavour", NULL, flavour, NULL, NULL, NULL, napi_enumerable, NULL },
  };
  CHECK(napi_define_properties(env, exports, sizeof props / sizeof props[0], props));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
