/* The wire contract between the BPF programs and user space: every record in
 * the ring buffer is one of these structs, fixed-width fields only, little
 * endian, each starting with struct fangs_hdr.
 *
 * KEEP IN SYNC with src/events/opcodes.ts (opcodes, sources, sizes, offsets).
 * tests/kernel/layout.test.ts compares the decoder's table with what the
 * compiled shim reports (native/layout.c), so a drift fails a test. */
#ifndef FANGS_EVENTS_H
#define FANGS_EVENTS_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define FANGS_COMM_LEN 16
#define FANGS_EXE_LEN 128
#define FANGS_PATH_LEN 256
#define FANGS_ARGS_LEN 1024
#define FANGS_ARG_MAX 256 /* one argv string at most */
#define FANGS_MAX_ARGS 20
#define FANGS_ANCESTORS 5
#define FANGS_PAYLOAD_LEN 1024
#define FANGS_UNIX_PATH_LEN 108
/* A path as the kernel resolved it (dentry walk, bpf/lib/path.h): longer
 * than the requested string's buffer because resolution only ever adds the
 * cwd/dirfd prefix and symlink targets. */
#define FANGS_RPATH_LEN 512

/* Record kinds. KEEP IN SYNC with OP in src/events/opcodes.ts. */
enum fangs_op {
	FANGS_OP_EXEC = 1,
	FANGS_OP_FILE = 2,
	FANGS_OP_CONNECT = 3,
	FANGS_OP_LISTEN = 4,
	FANGS_OP_PAYLOAD = 5, /* first bytes of a DNS query or a TLS ClientHello */
	FANGS_OP_SNI = 6,     /* SNI host name handed to SSL_ctrl */
	FANGS_OP_FORK = 7,    /* a new process (not a thread); header = the creator */
	FANGS_OP_EXIT = 8,    /* the last thread of a process exited */
	FANGS_OP_SOCKET = 9,  /* a raw or packet socket was created */
	FANGS_OP_FILEOP = 10, /* symlink, link, rename, unlink, mkdir, chmod (and *at forms) */
};

/* Which kernel hook wrote the record. KEEP IN SYNC with SOURCES in
 * src/events/opcodes.ts; each hook in bpf/hooks/ writes its own. */
enum fangs_source {
	FANGS_SRC_SYS_ENTER_OPENAT = 1,
	FANGS_SRC_SYS_ENTER_OPENAT2 = 2,
	FANGS_SRC_SYS_ENTER_OPEN = 3,
	FANGS_SRC_SYS_ENTER_EXECVE = 4,
	FANGS_SRC_SYS_ENTER_EXECVEAT = 5,
	FANGS_SRC_SCHED_PROCESS_EXEC = 6,
	FANGS_SRC_SYS_ENTER_CONNECT = 7,
	FANGS_SRC_KPROBE_TCP_V4_CONNECT = 8,
	FANGS_SRC_KPROBE_TCP_V6_CONNECT = 9,
	FANGS_SRC_INET_SOCK_SET_STATE = 10,
	FANGS_SRC_SYS_ENTER_SENDTO = 11,
	FANGS_SRC_SYS_ENTER_SENDMSG = 12,
	FANGS_SRC_SYS_ENTER_SENDMMSG = 13,
	FANGS_SRC_SYS_ENTER_WRITE = 14,
	FANGS_SRC_UPROBE_SSL_CTRL = 15,
	FANGS_SRC_SYS_ENTER_BIND = 16,
	FANGS_SRC_SYS_ENTER_LISTEN = 17,
	FANGS_SRC_IO_URING_SUBMIT_REQ = 18,
	FANGS_SRC_SYS_ENTER_WRITEV = 19,
	FANGS_SRC_SYS_EXIT_OPENAT = 20,  /* open paired enter/exit: result + resolved path */
	FANGS_SRC_SYS_EXIT_OPENAT2 = 21,
	FANGS_SRC_SYS_EXIT_OPEN = 22,
	FANGS_SRC_SYS_EXIT_EXECVE = 23,  /* a failed exec (ret < 0) */
	FANGS_SRC_SYS_EXIT_EXECVEAT = 24,
	FANGS_SRC_SCHED_PROCESS_FORK = 25,
	FANGS_SRC_SCHED_PROCESS_EXIT = 26,
	FANGS_SRC_SYS_ENTER_SOCKET = 27,
	FANGS_SRC_SYS_EXIT_FILEOP = 28, /* the link-class syscalls, paired enter/exit (fop says which) */
	FANGS_SRC_SYS_EXIT_CONNECT = 29, /* unix connects and addresses unreadable at entry */
	FANGS_SRC_IO_URING_COMPLETE = 30, /* an io_uring open's file, resolved at completion */
};

/* fangs_fileop_ev.fop. KEEP IN SYNC with FOPS in src/events/opcodes.ts. */
enum fangs_fop {
	FANGS_FOP_SYMLINK = 1,
	FANGS_FOP_LINK = 2,
	FANGS_FOP_RENAME = 3,
	FANGS_FOP_UNLINK = 4,
	FANGS_FOP_MKDIR = 5,
	FANGS_FOP_CHMOD = 6,
};

/* fangs_hdr.flags */
#define FANGS_F_READ_FAILED 1u  /* a user string could not be read (page not faulted in) */
#define FANGS_F_ARGS_TRUNCATED 2u

/* path_flags of file and exec records: what is known about `path` (the
 * requested string) and `resolved` (what the kernel acted on). */
#define FANGS_P_REQ_TRUNCATED 1u  /* the requested string was longer than FANGS_PATH_LEN-1 */
#define FANGS_P_REQ_UNREADABLE 2u /* the requested string could not be read, at entry nor at exit */
#define FANGS_P_RESOLVED 4u       /* `resolved` holds the object the kernel opened/executed */
#define FANGS_P_BASE_ONLY 8u      /* `resolved` is the directory a relative name was looked up in (failed lookups) */
#define FANGS_P_RES_TRUNCATED 16u /* the dentry walk hit its depth or buffer bound: a suffix only */
#define FANGS_P_DETACHED 32u      /* the object is outside the task's root: memfd, anon inode, other namespace */
#define FANGS_P_DELETED 64u       /* the object was unlinked (open-then-delete, O_TMPFILE) */
#define FANGS_P_EMPTY_PATH 128u   /* execveat/openat on the dirfd itself (AT_EMPTY_PATH) */

/* Payload kinds (fangs_payload_ev.kind) */
#define FANGS_PAYLOAD_DNS 1
#define FANGS_PAYLOAD_TLS 2

struct fangs_ancestor {
	__u32 pid;
	__u32 _pad;
	char comm[FANGS_COMM_LEN];
	char exe[FANGS_EXE_LEN]; /* "" when the exec was not seen */
};

struct fangs_hdr {
	__u32 op;
	__u32 source;
	__u64 ts_ns;
	__u64 cgroup_id; /* the WATCHED cgroup this task is in (an ancestor or itself) */
	__u32 pid;       /* tgid */
	__u32 tid;
	__u32 ppid;
	__u32 uid;
	__u32 flags;
	__u32 n_ancestors;
	char comm[FANGS_COMM_LEN];
	char exe[FANGS_EXE_LEN];
	struct fangs_ancestor ancestors[FANGS_ANCESTORS]; /* parent first */
};

struct fangs_exec_ev {
	struct fangs_hdr h;
	__u32 argc;     /* strings stored in args */
	__u32 args_len; /* bytes used in args, NUL-separated */
	char filename[FANGS_PATH_LEN]; /* as requested (execve's string, or bprm->filename) */
	char args[FANGS_ARGS_LEN];
	__s32 ret;        /* 0, or -errno of a failed exec */
	__u32 path_flags; /* FANGS_P_* */
	__s32 dirfd;      /* execveat's dirfd (AT_FDCWD for execve) */
	__u32 at_flags;   /* execveat's flags */
	char resolved[FANGS_RPATH_LEN]; /* the binary the kernel ran (mm->exe_file) */
};

struct fangs_file_ev {
	struct fangs_hdr h;
	__s32 dirfd;
	__u32 flags;
	__u32 mode;
	__u32 _pad;
	char path[FANGS_PATH_LEN]; /* as requested */
	__s32 ret;        /* fd, or -errno; 0 when only the request was seen (io_uring) */
	__u32 path_flags; /* FANGS_P_* */
	char resolved[FANGS_RPATH_LEN]; /* the file the kernel opened (fd's struct file) */
};

/* sched_process_fork for a new process; the header describes the creator. */
struct fangs_fork_ev {
	struct fangs_hdr h;
	__u32 child_pid;
	__u32 _pad;
};

/* sched_process_exit when the thread group is dead. */
struct fangs_exit_ev {
	struct fangs_hdr h;
	__s32 exit_code; /* wait status: code << 8 | signal */
	__u32 _pad;
};

/* Link-class file operations. `path` names the object acted on (the new
 * name for symlink/link/rename), `path2` the other name (a symlink's content,
 * the old name of a link or rename). */
struct fangs_fileop_ev {
	struct fangs_hdr h;
	__u32 fop;        /* enum fangs_fop */
	__s32 ret;        /* 0, or -errno */
	__s32 dirfd;      /* what a relative `path` is relative to */
	__s32 dirfd2;     /* same for `path2` */
	__u32 mode;       /* mkdir/chmod mode, or the *at flags */
	__u32 path_flags; /* FANGS_P_* for `path` */
	char path[FANGS_PATH_LEN];
	char path2[FANGS_PATH_LEN];
	char resolved[FANGS_RPATH_LEN]; /* the directory `path` was looked up in, or fchmod's file */
};

/* socket(2) of a raw or packet socket (sniffing, crafted packets). */
struct fangs_socket_ev {
	struct fangs_hdr h;
	__u32 family;
	__u32 type;     /* SOCK_RAW 3, SOCK_PACKET 10, ... (flags masked off) */
	__u32 protocol;
	__u32 _pad;
};

/* connect, bind/listen */
struct fangs_net_ev {
	struct fangs_hdr h;
	__u16 family;    /* AF_INET 2, AF_INET6 10, AF_UNIX 1 */
	__u16 port;      /* host order */
	__u16 sock_type; /* SOCK_STREAM 1, SOCK_DGRAM 2, 0 unknown */
	__u16 _pad;
	__u8 addr[16];   /* 4 bytes used for AF_INET */
	char unix_path[FANGS_UNIX_PATH_LEN]; /* as requested */
	__u32 _pad2;
	__s32 ret;        /* connect's result when written at exit (unix, unreadable at entry), else 0 */
	__u32 path_flags; /* FANGS_P_* for unix_path/resolved */
	char resolved[FANGS_RPATH_LEN]; /* a unix peer's socket file as the kernel resolved it */
};

struct fangs_payload_ev {
	struct fangs_hdr h;
	__u16 family;
	__u16 port;
	__u16 sock_type;
	__u16 kind; /* FANGS_PAYLOAD_* */
	__u8 addr[16];
	__u32 len;  /* bytes valid in data */
	__u32 _pad;
	__u8 data[FANGS_PAYLOAD_LEN];
};

struct fangs_sni_ev {
	struct fangs_hdr h;
	char sni[FANGS_PATH_LEN];
};

/* Per watched cgroup (value of the watched map) and global counters. */
struct fangs_counters {
	__u64 events;        /* records submitted */
	__u64 ringbuf_drops; /* bpf_ringbuf_reserve failures */
	__u64 read_failures; /* bpf_probe_read_user{,_str} failures */
	__u64 aggregated;    /* repeats folded into an earlier record (same process, same object), not sent */
};

#endif
