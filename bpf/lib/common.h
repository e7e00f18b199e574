/* Maps and helpers every hook shares: the watched-cgroup filter, the ring
 * buffer with counted drops, the common header (identity + 5-level ancestry). */
#ifndef FANGS_COMMON_H
#define FANGS_COMMON_H

#include "../vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "../events.h"

#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10
#define S_IFMT 00170000
#define S_IFSOCK 0140000
/* How deep below the root a watched cgroup may sit (root = level 0). */
#define FANGS_MAX_CGROUP_LEVEL 8

char LICENSE[] SEC("license") = "GPL";

/* Size is set by the loader before load (bpf_map__set_max_entries). */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 << 20);
} events SEC(".maps");

/* cgroup id (inode under the v2 hierarchy) -> its counters. Presence = watched. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);
	__type(value, struct fangs_counters);
} watched SEC(".maps");

/* Index 0: totals over every watched cgroup, including ones removed since. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct fangs_counters);
} global_counters SEC(".maps");

/* tgid -> binary path of its last exec, so ancestry can name each binary. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, char[FANGS_EXE_LEN]);
} exe_by_tgid SEC(".maps");

struct watch_ctx {
	__u64 cgroup_id;
	struct fangs_counters *c;
};

/* Is the current task inside a watched cgroup? Checks each ancestor level:
 * bpf_get_current_ancestor_cgroup_id returns 0 past the task's own depth. */
static __always_inline bool current_watched(struct watch_ctx *w)
{
	for (int lvl = 1; lvl <= FANGS_MAX_CGROUP_LEVEL; lvl++) {
		__u64 id = bpf_get_current_ancestor_cgroup_id(lvl);
		if (!id)
			return false;
		struct fangs_counters *c = bpf_map_lookup_elem(&watched, &id);
		if (c) {
			w->cgroup_id = id;
			w->c = c;
			return true;
		}
	}
	return false;
}

/* One more of `field` (struct fangs_counters) for the watched cgroup and in
 * the global totals. A macro: the field is a name, not a value. */
#define COUNT(w, field)                                                              \
	do {                                                                             \
		__u32 zero = 0;                                                              \
		struct fangs_counters *g = bpf_map_lookup_elem(&global_counters, &zero);     \
		__sync_fetch_and_add(&(w)->c->field, 1);                                     \
		if (g)                                                                       \
			__sync_fetch_and_add(&g->field, 1);                                      \
	} while (0)

static __always_inline void count_drop(struct watch_ctx *w)
{
	COUNT(w, ringbuf_drops);
}

static __always_inline void count_read_failure(struct watch_ctx *w, struct fangs_hdr *h)
{
	h->flags |= FANGS_F_READ_FAILED;
	COUNT(w, read_failures);
}

/* A repeat folded into an earlier record is counted, so a flood shows. */
static __always_inline void count_aggregated(struct watch_ctx *w)
{
	COUNT(w, aggregated);
}

/* Reserve a record; a failed reservation is counted, never silently lost. */
static __always_inline void *reserve(struct watch_ctx *w, __u64 size)
{
	void *e = bpf_ringbuf_reserve(&events, size, 0);
	if (!e)
		count_drop(w);
	return e;
}

static __always_inline void submit(struct watch_ctx *w, void *e)
{
	COUNT(w, events);
	/* user space polls; no wakeup needed (saves an irq_work per event) */
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
}

/* When the current process started: with the tgid, names one process
 * incarnation (a reused pid is a new process) for the maps that fold repeats. */
static __always_inline __u64 process_start(void)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	return BPF_CORE_READ(t, group_leader, start_time);
}

/* A plain copy from the map value (no helper call): this runs up to six
 * times per event on the traced process's syscall path. */
static __always_inline void copy_exe(char *dst, __u32 tgid)
{
	char *exe = bpf_map_lookup_elem(&exe_by_tgid, &tgid);
	if (exe)
		__builtin_memcpy(dst, exe, FANGS_EXE_LEN);
	else /* all of it: ring memory is not cleared, and the decoder compares
	      * these bytes to reuse the identity it decoded last time */
		__builtin_memset(dst, 0, FANGS_EXE_LEN);
}

/* Identity of the current task plus its ancestry (parent first, 5 levels).
 * bpf_get_current_task_btf() gives a BTF-typed pointer, so walking the parent
 * chain is plain (fault-safe) loads instead of one helper call per field:
 * this runs on every event, in the traced process's syscall path. */
static __always_inline void fill_hdr(struct fangs_hdr *h, struct watch_ctx *w, __u32 op, __u32 source)
{
	struct task_struct *t = bpf_get_current_task_btf();
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	h->op = op;
	h->source = source;
	h->ts_ns = bpf_ktime_get_ns();
	h->cgroup_id = w->cgroup_id;
	h->pid = pid_tgid >> 32;
	h->tid = (__u32)pid_tgid;
	h->uid = (__u32)bpf_get_current_uid_gid();
	h->flags = 0;
	bpf_get_current_comm(h->comm, sizeof(h->comm));
	copy_exe(h->exe, h->pid);

	struct task_struct *p = t->real_parent;
	h->ppid = p ? p->tgid : 0;
	__u32 n = 0;
	for (int i = 0; i < FANGS_ANCESTORS; i++) {
		if (!p)
			break;
		__u32 pid = p->tgid;
		if (pid == 0)
			break;
		struct fangs_ancestor *a = &h->ancestors[i];
		a->pid = pid;
		a->_pad = 0;
		__builtin_memcpy(a->comm, p->comm, sizeof(a->comm));
		copy_exe(a->exe, pid);
		n++;
		p = p->real_parent;
	}
	h->n_ancestors = n;
}

/* A record of `size` bytes for the watched process, its header filled; NULL
 * when the ring is full (the drop is counted). */
static __always_inline void *reserve_event(struct watch_ctx *w, __u64 size, __u32 op, __u32 source)
{
	struct fangs_hdr *h = reserve(w, size);
	if (h)
		fill_hdr(h, w, op, source);
	return h;
}

/* The struct file behind fd in the current task, or NULL. */
static __always_inline struct file *file_of_fd(int fd)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct fdtable *fdt = BPF_CORE_READ(t, files, fdt);
	unsigned int max = BPF_CORE_READ(fdt, max_fds);
	if (fd < 0 || (unsigned int)fd >= max)
		return NULL;
	struct file **fds = BPF_CORE_READ(fdt, fd);
	struct file *f = NULL;
	bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
	return f;
}

/* The struct socket behind fd in the current task, or NULL if fd is not a socket. */
static __always_inline struct socket *socket_of_fd(int fd)
{
	struct file *f = file_of_fd(fd);
	if (!f)
		return NULL;
	umode_t mode = BPF_CORE_READ(f, f_inode, i_mode);
	if ((mode & S_IFMT) != S_IFSOCK)
		return NULL;
	return (struct socket *)BPF_CORE_READ(f, private_data);
}

static __always_inline __u16 socket_type(struct socket *s)
{
	return s ? (__u16)BPF_CORE_READ(s, type) : 0;
}

/* Fill family/port/addr from a user-space sockaddr. Returns false when unreadable. */
static __always_inline bool read_user_sockaddr(const void *uaddr, int len, __u16 *family, __u16 *port, __u8 *addr, char *unix_path)
{
	__u16 fam = 0;
	if (!uaddr || bpf_probe_read_user(&fam, sizeof(fam), uaddr))
		return false;
	*family = fam;
	if (fam == AF_INET) {
		struct sockaddr_in sin = {};
		if (bpf_probe_read_user(&sin, sizeof(sin), uaddr))
			return false;
		*port = bpf_ntohs(sin.sin_port);
		__builtin_memcpy(addr, &sin.sin_addr.s_addr, 4);
	} else if (fam == AF_INET6) {
		struct sockaddr_in6 sin6 = {};
		if (bpf_probe_read_user(&sin6, sizeof(sin6), uaddr))
			return false;
		*port = bpf_ntohs(sin6.sin6_port);
		__builtin_memcpy(addr, &sin6.sin6_addr, 16);
	} else if (fam == AF_UNIX && unix_path) {
		/* sun_path may be abstract (leading NUL): copy raw bytes, the decoder renders '@'. */
		bpf_probe_read_user(unix_path, FANGS_UNIX_PATH_LEN, (const char *)uaddr + 2);
	}
	return true;
}

/* An address of a socket: its peer's (send/write without an address) or,
 * with `local`, its own (listen). `local` is a constant at each call site. */
static __always_inline void read_sock_addr(struct socket *s, const bool local, __u16 *family, __u16 *port, __u8 *addr)
{
	struct sock *sk = BPF_CORE_READ(s, sk);
	if (!sk)
		return;
	__u16 fam = BPF_CORE_READ(sk, __sk_common.skc_family);
	*family = fam;
	*port = local ? BPF_CORE_READ(sk, __sk_common.skc_num) : bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (fam == AF_INET) {
		__u32 a = local ? BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr) : BPF_CORE_READ(sk, __sk_common.skc_daddr);
		__builtin_memcpy(addr, &a, 4);
	} else if (fam == AF_INET6 && local) {
		BPF_CORE_READ_INTO(addr, sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
	} else if (fam == AF_INET6) {
		BPF_CORE_READ_INTO(addr, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
	}
}

#endif
