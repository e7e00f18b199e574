// The TypeScript mirror of bpf/events.h. KEEP IN SYNC with that header:
// opcodes (enum fangs_op), sources (enum fangs_source), flags and the struct
// layout below. tests/kernel/layout.test.ts checks LAYOUT against the compiled
// structs as the shim reports them, so a drift fails loudly.

/** enum fangs_op */
export const OP = {
  EXEC: 1,
  FILE: 2,
  CONNECT: 3,
  LISTEN: 4,
  PAYLOAD: 5,
  SNI: 6,
  FORK: 7,
  EXIT: 8,
  SOCKET: 9,
  FILEOP: 10,
} as const;

/** enum fangs_fop (fangs_fileop_ev.fop) → FileEvent.access. KEEP IN SYNC with bpf/events.h. */
export const FOPS = { SYMLINK: 1, LINK: 2, RENAME: 3, UNLINK: 4, MKDIR: 5, CHMOD: 6 } as const;

/** enum fangs_source: index = value. The names are what events carry in `source`. */
export const SOURCES: readonly string[] = [
  "unknown",
  "sys_enter_openat",
  "sys_enter_openat2",
  "sys_enter_open",
  "sys_enter_execve",
  "sys_enter_execveat",
  "sched_process_exec",
  "sys_enter_connect",
  "kprobe:tcp_v4_connect",
  "kprobe:tcp_v6_connect",
  "inet_sock_set_state",
  "sys_enter_sendto",
  "sys_enter_sendmsg",
  "sys_enter_sendmmsg",
  "sys_enter_write",
  "uprobe:SSL_ctrl",
  "sys_enter_bind",
  "sys_enter_listen",
  "io_uring_submit_req",
  "sys_enter_writev",
  "sys_exit_openat",
  "sys_exit_openat2",
  "sys_exit_open",
  "sys_exit_execve",
  "sys_exit_execveat",
  "sched_process_fork",
  "sched_process_exit",
  "sys_enter_socket",
  "sys_exit_fileop",
  "sys_exit_connect",
  "io_uring_complete",
];

/** BPF program name (bpf/hooks/*.h) -> the probe name operators see. */
export const PROBE_NAMES: Record<string, string> = {
  tp_sys_enter_openat: "sys_enter_openat",
  tp_sys_enter_openat2: "sys_enter_openat2",
  tp_sys_enter_open: "sys_enter_open",
  tp_sys_exit_openat: "sys_exit_openat",
  tp_sys_exit_openat2: "sys_exit_openat2",
  tp_sys_exit_open: "sys_exit_open",
  tp_sys_exit_execve: "sys_exit_execve",
  tp_sys_exit_execveat: "sys_exit_execveat",
  tp_sched_process_fork: "tp_btf:sched_process_fork",
  tp_sys_enter_socket: "sys_enter_socket",
  tp_sys_enter_symlink: "sys_enter_symlink",
  tp_sys_exit_fileop: "sys_exit_symlink", // the one fileop exit program (its own tracepoint); native/shim.c attaches it to the rest
  tp_sys_exit_symlinkat: "sys_exit_symlinkat",
  tp_sys_enter_symlinkat: "sys_enter_symlinkat",
  tp_sys_enter_link: "sys_enter_link",
  tp_sys_exit_link: "sys_exit_link",
  tp_sys_enter_linkat: "sys_enter_linkat",
  tp_sys_exit_linkat: "sys_exit_linkat",
  tp_sys_enter_rename: "sys_enter_rename",
  tp_sys_exit_rename: "sys_exit_rename",
  tp_sys_enter_renameat: "sys_enter_renameat",
  tp_sys_exit_renameat: "sys_exit_renameat",
  tp_sys_enter_renameat2: "sys_enter_renameat2",
  tp_sys_exit_renameat2: "sys_exit_renameat2",
  tp_sys_enter_unlink: "sys_enter_unlink",
  tp_sys_exit_unlink: "sys_exit_unlink",
  tp_sys_enter_unlinkat: "sys_enter_unlinkat",
  tp_sys_exit_unlinkat: "sys_exit_unlinkat",
  tp_sys_enter_rmdir: "sys_enter_rmdir",
  tp_sys_exit_rmdir: "sys_exit_rmdir",
  tp_sys_enter_mkdir: "sys_enter_mkdir",
  tp_sys_exit_mkdir: "sys_exit_mkdir",
  tp_sys_enter_mkdirat: "sys_enter_mkdirat",
  tp_sys_exit_mkdirat: "sys_exit_mkdirat",
  tp_sys_enter_chmod: "sys_enter_chmod",
  tp_sys_exit_chmod: "sys_exit_chmod",
  tp_sys_enter_fchmodat: "sys_enter_fchmodat",
  tp_sys_exit_fchmodat: "sys_exit_fchmodat",
  tp_sys_enter_fchmodat2: "sys_enter_fchmodat2",
  tp_sys_exit_fchmodat2: "sys_exit_fchmodat2",
  tp_sys_enter_fchmod: "sys_enter_fchmod",
  tp_sys_exit_fchmod: "sys_exit_fchmod",
  tp_sys_enter_execve: "sys_enter_execve",
  tp_sys_enter_execveat: "sys_enter_execveat",
  tp_sched_process_exec: "sched_process_exec",
  tp_sched_process_exit: "sched_process_exit",
  tp_sys_enter_connect: "sys_enter_connect",
  tp_sys_exit_connect: "sys_exit_connect",
  kp_tcp_v4_connect: "kprobe:tcp_v4_connect",
  kp_tcp_v6_connect: "kprobe:tcp_v6_connect",
  tp_inet_sock_set_state: "inet_sock_set_state",
  tp_sys_enter_sendto: "sys_enter_sendto",
  tp_sys_enter_sendmsg: "sys_enter_sendmsg",
  tp_sys_enter_sendmmsg: "sys_enter_sendmmsg",
  tp_sys_enter_write: "sys_enter_write",
  up_ssl_ctrl: "uprobe:SSL_ctrl",
  tp_sys_enter_bind: "sys_enter_bind",
  tp_sys_enter_listen: "sys_enter_listen",
  tp_io_uring_submit_req: "io_uring_submit_req",
  tp_io_uring_complete: "io_uring_complete",
  tp_sys_enter_writev: "sys_enter_writev",
};

/** fangs_hdr.flags */
export const FLAG = { READ_FAILED: 1, ARGS_TRUNCATED: 2 } as const;
/** path_flags of file and exec records (FANGS_P_* in bpf/events.h). */
export const PATHF = {
  REQ_TRUNCATED: 1,
  REQ_UNREADABLE: 2,
  RESOLVED: 4,
  BASE_ONLY: 8,
  RES_TRUNCATED: 16,
  DETACHED: 32,
  DELETED: 64,
  EMPTY_PATH: 128,
} as const;
/** fangs_payload_ev.kind */
export const PAYLOAD = { DNS: 1, TLS: 2 } as const;

export const COMM_LEN = 16;
export const EXE_LEN = 128;
export const PATH_LEN = 256;
export const ARGS_LEN = 1024;
export const ANCESTORS = 5;
export const PAYLOAD_LEN = 1024;
export const UNIX_PATH_LEN = 108;
export const RPATH_LEN = 512;

/** Byte offsets and sizes of the wire structs (x86-64, little endian). */
export const LAYOUT = {
  fangs_ancestor: { size: 152, pid: 0, comm: 8, exe: 24 },
  fangs_hdr: {
    size: 952, op: 0, source: 4, ts_ns: 8, cgroup_id: 16, pid: 24, tid: 28, ppid: 32, uid: 36,
    flags: 40, n_ancestors: 44, comm: 48, exe: 64, ancestors: 192,
  },
  fangs_exec_ev: { size: 2768, argc: 952, args_len: 956, filename: 960, args: 1216, ret: 2240, path_flags: 2244, dirfd: 2248, at_flags: 2252, resolved: 2256 },
  fangs_file_ev: { size: 1744, dirfd: 952, flags: 956, mode: 960, path: 968, ret: 1224, path_flags: 1228, resolved: 1232 },
  fangs_fork_ev: { size: 960, child_pid: 952 },
  fangs_exit_ev: { size: 960, exit_code: 952 },
  fangs_fileop_ev: { size: 2000, fop: 952, ret: 956, dirfd: 960, dirfd2: 964, mode: 968, path_flags: 972, path: 976, path2: 1232, resolved: 1488 },
  fangs_socket_ev: { size: 968, family: 952, type: 956, protocol: 960 },
  fangs_net_ev: { size: 1608, family: 952, port: 954, sock_type: 956, addr: 960, unix_path: 976, ret: 1088, path_flags: 1092, resolved: 1096 },
  fangs_payload_ev: { size: 2008, family: 952, port: 954, sock_type: 956, kind: 958, addr: 960, len: 976, data: 984 },
  fangs_sni_ev: { size: 1208, sni: 952 },
  fangs_counters: { size: 32, events: 0, ringbuf_drops: 8, read_failures: 16, aggregated: 24 },
} as const;
