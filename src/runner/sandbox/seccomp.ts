// The sandbox's seccomp profile, set explicitly (not Docker's default by
// omission) and embedded in the executable. seccomp.json is a denylist over an
// allowing default: it refuses everything Docker's default profile refuses to a
// container without capabilities (mount and the new mount API, namespaces,
// keyrings, modules, kexec, clocks, bpf, perf, userfaultfd, …) and, tighter
// than Docker's, ptrace of any process and cross-process memory access (an
// install has no reason to debug its neighbours; Docker's default allows
// ptrace on kernels >= 4.8), io_uring (its file and socket operations reach
// the sensor only as opcodes; libuv and others fall back to plain syscalls on
// ENOSYS), and clone3 (ENOSYS, so glibc uses clone, whose namespace flags are
// checked). What a denylist does not stop: a syscall newer than this list that
// needs no capability; CapDrop ALL and no-new-privileges are the next layer.
import profile from "./seccomp.json" with { type: "json" };

export const SECCOMP_PROFILE: unknown = profile;
/** The SecurityOpt entry: the Engine API takes the profile's JSON inline. */
export const SECCOMP_OPT = `seccomp=${JSON.stringify(profile)}`;
