"""The operating system's sandbox around each submission's process (Linux), in three levels.

- `namespaces`: new user, PID, mount, network, IPC and UTS namespaces. A tiny init is PID 1 (when it
  ends, the kernel kills every process of the namespace), the filesystem is read-only but for a private
  256 MiB tmpfs at /tmp (the working folder), a fresh /proc shows only the sandbox, `DRILL_HOME`, the
  user's home and the other homes are empty tmpfs, there is no network, and the submission holds no
  capability (it cannot undo a mount).
- `landlock`: the filesystem is read-only except a private working folder, and the user's folders
  (home, DRILL_HOME, /tmp) cannot be read; no network socket (seccomp); where the kernel has Landlock
  ABI 6, no signal to a process outside the sandbox.
- `process`: process limits, and no network socket where seccomp works (see docs/grader.md).

Everything here is ctypes over libc and plain syscalls; it runs in freshly forked, single-threaded
children of the fork server (drillcli.grader.worker) and in `probe()`.
"""

from __future__ import annotations

import contextlib
import ctypes
import enum
import errno
import os
import signal
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field

WORK_DIR = "/tmp"
WORK_SIZE_MB = 256
INNER_ID = 1000  # the uid and gid the submission has inside its user namespace
ENV_VAR = "DRILL_SANDBOX"  # namespaces | landlock | process: the strongest level to try (tests, doctor)

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x20000, 0x4000000, 0x8000000
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x10000000, 0x20000000, 0x40000000
NAMESPACES = CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS

MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT, MS_BIND = 1, 2, 4, 8, 32, 4096
MS_REC, MS_PRIVATE = 1 << 14, 1 << 18
SYS_OPEN_TREE, SYS_MOVE_MOUNT, SYS_MOUNT_SETATTR = 428, 429, 442  # the same number on every arch
SYS_LANDLOCK_CREATE, SYS_LANDLOCK_ADD_RULE, SYS_LANDLOCK_RESTRICT = 444, 445, 446
OPEN_TREE_CLONE, O_CLOEXEC, AT_RECURSIVE, AT_FDCWD = 1, 0o2000000, 0x8000, -100
MOVE_MOUNT_F_EMPTY_PATH = 4
MOUNT_ATTR_RDONLY, MOUNT_ATTR_NOSUID = 0x1, 0x2
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_CHILD_SUBREAPER, PR_SET_NO_NEW_PRIVS = 1, 4, 36, 38


class Level(enum.StrEnum):
    NAMESPACES = "namespaces"
    LANDLOCK = "landlock"
    PROCESS = "process"


ORDER = (Level.NAMESPACES, Level.LANDLOCK, Level.PROCESS)


@dataclass(frozen=True)
class Isolation:
    """The level in use and, when it is not the strongest, why."""

    level: Level
    reason: str = ""

    def line(self) -> str:
        return f"{self.level} ({self.reason})" if self.reason else str(self.level)


@dataclass
class Plan:
    """What the namespaces level hides and what it keeps visible (read-only) inside hidden folders."""

    hide: list[str] = field(default_factory=list)
    keep: list[str] = field(default_factory=list)


class SandboxError(OSError):
    """A step of the sandbox failed (the message names the step)."""


_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long
_libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_void_p]


def _check(result: int, what: str) -> int:
    if result < 0:
        code = ctypes.get_errno()
        raise SandboxError(code, f"{what}: {errno.errorcode.get(code, code)} ({os.strerror(code)})")
    return result


def prctl(option: int, value: int) -> None:
    _check(_libc.prctl(option, value, 0, 0, 0), "prctl")


def die_with_parent(sig: int = signal.SIGKILL, expected_parent: int | None = None) -> None:
    """Parent-death signal; exits at once if the parent is already gone (the race after fork)."""
    with contextlib.suppress(OSError):
        prctl(PR_SET_PDEATHSIG, int(sig))
    if expected_parent is not None and os.getppid() != expected_parent:
        os._exit(1)


def become_subreaper() -> None:
    with contextlib.suppress(OSError):
        prctl(PR_SET_CHILD_SUBREAPER, 1)


# ---- choosing the level ---------------------------------------------------------------------------

def requested_level(value: str | None = None) -> tuple[Level, str]:
    """The strongest level to try and, if it was lowered on purpose, why."""
    raw = (os.environ.get(ENV_VAR, "") if value is None else value).strip().lower()
    if not raw or raw == "auto":
        return Level.NAMESPACES, ""
    try:
        return Level(raw), f"{ENV_VAR}={raw}"
    except ValueError:
        return Level.NAMESPACES, ""


def probe(strongest: Level = Level.NAMESPACES, why_lower: str = "", plan: Plan | None = None
          ) -> Isolation:
    """The strongest level that really works here, tried in a throwaway child process."""
    if not sys.platform.startswith("linux"):
        return Isolation(Level.PROCESS, f"{sys.platform}: no Linux sandbox")
    reasons = [why_lower] if why_lower else []
    for level in ORDER[ORDER.index(strongest):]:
        if level == Level.PROCESS:
            break
        problem = _try_in_child(level, plan or Plan())
        if problem is None:
            return Isolation(level, "; ".join(reasons))
        reasons.append(problem)
    return Isolation(Level.PROCESS, "; ".join(reasons))


def _try_in_child(level: Level, plan: Plan) -> str | None:
    """None when `level` can be set up; else what refused it, in a few words."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        os.close(read)
        message = b""
        try:
            if level == Level.NAMESPACES:
                enter_namespaces()
                inner = os.fork()
                if inner == 0:
                    try:
                        build_filesystem(plan)
                    except OSError as exc:
                        os.write(write, f"{exc.strerror or exc}".encode()[:300])
                    os._exit(0)
                os.waitpid(inner, 0)
            else:
                restrict_with_landlock(None, plan)
                block_network()
        except OSError as exc:
            message = f"{exc.strerror or exc}".encode()[:300]
        os.write(write, message)
        os._exit(0)
    os.close(write)
    chunks = []
    while chunk := os.read(read, 4096):
        chunks.append(chunk)
    os.close(read)
    os.waitpid(pid, 0)
    text = b"".join(chunks).decode("utf-8", "replace").strip()
    if not text:
        return None
    what = "user namespaces" if level == Level.NAMESPACES else "Landlock"
    return f"{what} refused: {text}"


# ---- namespaces -------------------------------------------------------------------------------------

def enter_namespaces() -> None:
    """unshare everything and map our uid and gid to INNER_ID (the next child is PID 1)."""
    uid, gid = os.geteuid(), os.getegid()
    _check(_libc.unshare(NAMESPACES), "unshare")
    _write("/proc/self/setgroups", "deny")
    _write("/proc/self/uid_map", f"{INNER_ID} {uid} 1\n")
    _write("/proc/self/gid_map", f"{INNER_ID} {gid} 1\n")


def _write(path: str, text: str) -> None:
    try:
        with open(path, "w", encoding="ascii") as handle:
            handle.write(text)
    except OSError as exc:
        raise SandboxError(exc.errno or 0, f"{path}: {exc.strerror}") from None


class _MountAttr(ctypes.Structure):
    _fields_ = [("attr_set", ctypes.c_uint64), ("attr_clr", ctypes.c_uint64),
                ("propagation", ctypes.c_uint64), ("userns_fd", ctypes.c_uint64)]


def build_filesystem(plan: Plan, *, mount_setattr: bool = True) -> None:
    """In the new mount namespace (as PID 1): hide, keep, read-only, a private /tmp and a fresh /proc.
    (`mount_setattr=False`: the way kernels before 5.12 need, one remount per mount; for tests.)"""
    _mount(None, "/", None, MS_REC | MS_PRIVATE, None, "making / private")
    hidden = _existing_dirs([*plan.hide, WORK_DIR])
    keep = [p for p in _existing_dirs(plan.keep) if any(_under(p, h) for h in hidden)]
    clones = [(p, _clone_tree(p)) for p in _outermost(keep)]
    mounted = _hide(hidden)
    for path, fd in clones:
        os.makedirs(path, exist_ok=True)
        _check(_libc.syscall(SYS_MOVE_MOUNT, fd, b"", AT_FDCWD, path.encode(), MOVE_MOUNT_F_EMPTY_PATH),
               f"keeping {path} visible")
        os.close(fd)
    _hide([h for h in hidden if h not in mounted and os.path.isdir(h)])  # re-shown by a kept folder
    try:
        if not mount_setattr:
            raise SandboxError(errno.ENOSYS, "mount_setattr not used")
        _set_attr("/", AT_RECURSIVE, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID, 0, "making / read-only")
        _set_attr(WORK_DIR, 0, 0, MOUNT_ATTR_RDONLY, "making the working folder writable")
    except SandboxError as exc:
        if exc.errno != errno.ENOSYS:
            raise
        _remount_read_only(skip=WORK_DIR)
    _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, None, "mounting a fresh /proc")


_KEPT_FLAGS = {"nodev": MS_NODEV, "noexec": MS_NOEXEC, "noatime": 1024, "nodiratime": 2048,
               "relatime": 1 << 21, "strictatime": 1 << 24}


def _remount_read_only(skip: str) -> None:
    """Every mount but `skip` itself (and /proc's) remounted read-only and nosuid, one by one,
    keeping the flags the kernel locks (nodev, noexec, atime) as they were."""
    for point, options in _mounts():
        if point == skip or _under(point, "/proc"):
            continue
        flags = MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID
        flags |= sum(bit for name, bit in _KEPT_FLAGS.items() if name in options)
        try:
            _mount(None, point, None, flags, None, f"making {point} read-only")
        except SandboxError as exc:
            if exc.errno not in (errno.ENOENT, errno.EACCES):  # hidden beneath another mount: unseen
                raise


def _mounts() -> list[tuple[str, set[str]]]:
    found = []
    with open("/proc/self/mountinfo", encoding="utf-8") as info:
        for line in info:
            fields = line.split()
            point = fields[4].encode().decode("unicode_escape")  # spaces come as \040
            found.append((point, set(fields[5].split(","))))
    return found


def _hide(folders: Iterable[str]) -> list[str]:
    done: list[str] = []
    for folder in sorted(folders, key=lambda p: p.count("/")):
        if any(_under(folder, d) for d in done) or not os.path.isdir(folder):
            continue
        size = f"size={WORK_SIZE_MB}m,mode=1777" if folder == WORK_DIR else "size=1m,mode=755"
        _mount("tmpfs", folder, "tmpfs", MS_NOSUID | MS_NODEV, size, f"hiding {folder}")
        done.append(folder)
    return done


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None,
           what: str) -> None:
    def enc(s: str | None) -> bytes | None:
        return None if s is None else s.encode()

    _check(_libc.mount(enc(source), enc(target), enc(fstype), flags, enc(data)), what)


def _clone_tree(path: str) -> int:
    return _check(_libc.syscall(SYS_OPEN_TREE, AT_FDCWD, path.encode(),
                                OPEN_TREE_CLONE | AT_RECURSIVE | O_CLOEXEC), f"cloning {path}")


def _set_attr(path: str, flags: int, attr_set: int, attr_clr: int, what: str) -> None:
    attr = _MountAttr(attr_set, attr_clr, 0, 0)
    _check(_libc.syscall(SYS_MOUNT_SETATTR, AT_FDCWD, path.encode(), flags, ctypes.byref(attr),
                         ctypes.sizeof(attr)), what)


def _existing_dirs(paths: Iterable[str]) -> list[str]:
    found: list[str] = []
    for path in paths:
        real = os.path.realpath(path)
        if real != "/" and os.path.isdir(real) and real not in found:
            found.append(real)
    return found


def _under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def _outermost(paths: list[str]) -> list[str]:
    return [p for p in paths if not any(q != p and _under(p, q) for q in paths)]


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                ("inheritable", ctypes.c_uint32)]


def drop_privileges() -> None:
    """No capability (so no mount can be undone), and none to be gained again through exec."""
    prctl(PR_SET_NO_NEW_PRIVS, 1)
    header = _CapHeader(0x20080522, 0)
    data = (_CapData * 2)()
    _check(_libc.capset(ctypes.byref(header), data), "dropping capabilities")


# ---- Landlock ---------------------------------------------------------------------------------------

_FS_WRITE = (1 << 1) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7) | (1 << 8) | (1 << 9) | (1 << 10) \
    | (1 << 11) | (1 << 12)  # write file, remove dir/file, make char/dir/reg/sock/fifo/block/sym
_FS_REFER, _FS_TRUNCATE = 1 << 13, 1 << 14
_FS_READ = (1 << 2) | (1 << 3)  # read file, read dir
_NET_TCP = (1 << 0) | (1 << 1)  # bind, connect
_SCOPE_ALL = (1 << 0) | (1 << 1)  # abstract unix sockets, signals


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def landlock_abi() -> int:
    result = _libc.syscall(SYS_LANDLOCK_CREATE, None, 0, 1)  # LANDLOCK_CREATE_RULESET_VERSION
    if result < 0:
        code = ctypes.get_errno()
        raise SandboxError(code, f"{errno.errorcode.get(code, code)} ({os.strerror(code)})")
    return int(result)


def restrict_with_landlock(work_dir: str | None, plan: Plan | None = None) -> int:
    """Read-only filesystem but `work_dir` (and writes to device files), no TCP; with a plan, the folders
    it hides (the user's home, DRILL_HOME, /tmp...) cannot be read either, but for what it keeps (Python,
    the packages, drillcli). Returns the ABI."""
    abi = landlock_abi()
    fs = _FS_WRITE | (_FS_REFER if abi >= 2 else 0) | (_FS_TRUNCATE if abi >= 3 else 0)
    read = _FS_READ if plan is not None and plan.hide else 0
    attr = _RulesetAttr(fs | read, _NET_TCP if abi >= 4 else 0, _SCOPE_ALL if abi >= 6 else 0)
    size = 24 if abi >= 6 else 16 if abi >= 4 else 8
    ruleset = _check(_libc.syscall(SYS_LANDLOCK_CREATE, ctypes.byref(attr), size, 0), "landlock ruleset")
    try:
        if work_dir:
            _allow(ruleset, work_dir, fs | read)
        _allow(ruleset, "/dev", (1 << 1) | (_FS_TRUNCATE if abi >= 3 else 0) | read)
        for root in readable_roots(plan) if read and plan is not None else ():
            _allow(ruleset, root, read)
        prctl(PR_SET_NO_NEW_PRIVS, 1)
        _check(_libc.syscall(SYS_LANDLOCK_RESTRICT, ruleset, 0), "landlock restrict")
    finally:
        os.close(ruleset)
    return abi


def readable_roots(plan: Plan) -> list[str]:
    """What Landlock lets a worker read: everything but the hidden folders (and /tmp, whose only part the
    worker needs is its own working folder), as whole subtrees (a folder with nothing hidden beneath
    it; one holding a hidden folder is allowed entry by entry), then the kept folders inside hidden ones."""
    hidden = _existing_dirs([*plan.hide, "/tmp"])
    roots: list[str] = []

    def walk(folder: str) -> None:
        if any(_under(folder, h) for h in hidden):
            return
        if not any(_under(h, folder) for h in hidden):
            roots.append(folder)
            return
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                walk(entry.path)

    walk("/")
    keep = [k for k in _existing_dirs(plan.keep) if any(_under(k, h) for h in hidden)]
    return roots + _outermost(keep)


def _allow(ruleset: int, path: str, access: int) -> None:
    fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    try:
        rule = _PathBeneath(access, fd)
        _check(_libc.syscall(SYS_LANDLOCK_ADD_RULE, ruleset, 1, ctypes.byref(rule), 0), f"landlock {path}")
    finally:
        os.close(fd)


# ---- seccomp: no network socket -------------------------------------------------------------------

PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 22, 2
_AUDIT_ARCH = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}
_SYS_SOCKET = {"x86_64": 41, "aarch64": 198}
_SYS_IO_URING_SETUP = 425  # io_uring can open sockets without the socket() call
_X32_BIT = 0x40000000
_AF_UNIX = 1
_LD_ABS, _JEQ, _JSET, _RET = 0x20, 0x15, 0x45, 0x06  # BPF_LD|W|ABS, BPF_JMP|JEQ|K, BPF_JMP|JSET|K, BPF_RET|K
_RET_ALLOW, _RET_EACCES = 0x7FFF0000, 0x00050000 | errno.EACCES
_OFFSET_NR, _OFFSET_ARCH, _OFFSET_ARG0 = 0, 4, 16  # struct seccomp_data (args[0]'s low half, little-endian)


class _SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8), ("k", ctypes.c_uint32)]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


def network_filter(machine: str) -> list[tuple[int, int, int, int]]:
    """A BPF program for seccomp: `socket()` of any family but AF_UNIX, and `io_uring_setup`, fail with
    EACCES; everything else is allowed (as is every call of an architecture it does not know)."""
    arch, socket_nr = _AUDIT_ARCH[machine], _SYS_SOCKET[machine]
    program = [
        (_LD_ABS, 0, 0, _OFFSET_ARCH),
        (_JEQ, 1, 0, arch),                       # our architecture: on to the call number
        (_RET, 0, 0, _RET_ALLOW),
        (_LD_ABS, 0, 0, _OFFSET_NR),
        (_JSET, 5, 0, _X32_BIT if machine == "x86_64" else 0),  # an x32 call: refused
        (_JEQ, 4, 0, _SYS_IO_URING_SETUP),        # refused
        (_JEQ, 0, 2, socket_nr),                  # socket(): look at the family, else allowed
        (_LD_ABS, 0, 0, _OFFSET_ARG0),
        (_JEQ, 0, 1, _AF_UNIX),                   # AF_UNIX: allowed, else refused
        (_RET, 0, 0, _RET_ALLOW),
        (_RET, 0, 0, _RET_EACCES),
    ]
    return program


def block_network() -> bool:
    """No network socket from now on, for this process and all it starts (seccomp, no privilege needed).
    False off Linux or on an architecture the filter does not know; raises if seccomp refuses."""
    machine = os.uname().machine
    if sys.platform != "linux" or machine not in _AUDIT_ARCH:
        return False
    program = network_filter(machine)
    filters = (_SockFilter * len(program))(*(_SockFilter(*op) for op in program))
    fprog = _SockFprog(len(program), filters)
    prctl(PR_SET_NO_NEW_PRIVS, 1)
    _check(_libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0), "seccomp")
    return True
