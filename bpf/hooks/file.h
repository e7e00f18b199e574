/* File opens, paired enter/exit. The enter probe only remembers the
 * arguments (per thread); the exit probe writes the one record, when the
 * kernel has acted: the result (fd or -errno), the requested string re-read
 * now (getname() has faulted its page in, so a string unreadable at entry
 * reads fine here), and the file the kernel actually opened, resolved from
 * the new fd's struct file (symlinks followed, "..", cwd and dirfd applied:
 * bpf/lib/path.h). A failed open (ENOENT on ~/.npmrc is still a probe for
 * it) carries the directory the name was looked up in instead.
 *
 * Why at exit from the fd rather than from the string or a dentry at entry:
 * only after the syscall does a struct file exist, and it is the object the
 * process got; re-walking the string in BPF would re-implement (and race)
 * the kernel's own lookup. kprobes/fentry on do_filp_open would give the
 * same struct file but neither attaches on this kernel; sys_exit does
 * everywhere. */

struct pending_open {
	const char *upath;
	__s32 dirfd;
	__u32 flags;
	__u32 mode;
	__u32 _pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH); /* a thread killed inside open() never reaches the exit */
	__uint(max_entries, 16384);
	__type(key, __u64); /* pid_tgid: one syscall in flight per thread */
	__type(value, struct pending_open);
} pending_opens SEC(".maps");

static __always_inline int remember_open(int dirfd, const char *upath, __u32 flags, __u32 mode)
{
	struct watch_ctx w;
	if (!current_watched(&w))
		return 0;
	__u64 id = bpf_get_current_pid_tgid();
	struct pending_open p = {.upath = upath, .dirfd = dirfd, .flags = flags, .mode = mode};
	/* a full map loses the arguments, not the event: the exit still resolves the fd */
	bpf_map_update_elem(&pending_opens, &id, &p, BPF_ANY);
	return 0;
}

/* Opens already reported, per process incarnation (tgid + start time, so a
 * reused pid starts afresh) and opened object (dentry + inode: a hard link's
 * other name is another dentry) and access class. npm and node re-open the
 * same files thousands of times and a flood of identical opens is an attack
 * on the ring: the first is a record, the repeats a count
 * (fangs_counters.aggregated). Failed opens are not folded: their object is
 * only a name, and a name hash could be made to collide. */
struct open_key {
	__u32 tgid;
	__u32 cls; /* O_ACCMODE | O_CREAT | O_TRUNC */
	__u64 start_time;
	__u64 dentry;
	__u64 ino;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct open_key);
	__type(value, __u64);
} opens_seen SEC(".maps");

#define FANGS_O_CLASS (3 | 0100 | 01000)

/* True when this (process, object, access) was reported before: counted, not sent. */
static __always_inline bool open_seen(struct watch_ctx *w, struct file *f, __u32 flags)
{
	if (!f)
		return false;
	struct open_key k = {
		.tgid = bpf_get_current_pid_tgid() >> 32,
		.cls = flags & FANGS_O_CLASS,
		.start_time = process_start(),
		.dentry = (__u64)BPF_CORE_READ(f, f_path.dentry),
		.ino = BPF_CORE_READ(f, f_inode, i_ino),
	};
	__u64 *n = bpf_map_lookup_elem(&opens_seen, &k);
	if (n) {
		__sync_fetch_and_add(n, 1);
		count_aggregated(w);
		return true;
	}
	__u64 one = 1;
	bpf_map_update_elem(&opens_seen, &k, &one, BPF_ANY);
	return false;
}

static __always_inline int emit_open_exit(long ret, __u32 source)
{
	struct watch_ctx w;
	if (!current_watched(&w))
		return 0;
	__u64 id = bpf_get_current_pid_tgid();
	struct pending_open *p = bpf_map_lookup_elem(&pending_opens, &id);
	struct pending_open args = {.dirfd = FANGS_AT_FDCWD};
	bool have_args = p != NULL;
	if (p) {
		args = *p;
		bpf_map_delete_elem(&pending_opens, &id);
	}
	struct file *f = ret >= 0 ? file_of_fd((int)ret) : NULL;
	if (have_args && open_seen(&w, f, args.flags))
		return 0;
	struct fangs_file_ev *e = reserve_event(&w, sizeof(*e), FANGS_OP_FILE, source);
	if (!e)
		return 0;
	e->dirfd = args.dirfd;
	e->flags = args.flags;
	e->mode = args.mode;
	e->_pad = 0;
	e->ret = (__s32)ret;
	__u32 pf = read_user_path(e->path, args.upath);
	if (pf & FANGS_P_REQ_UNREADABLE)
		count_read_failure(&w, &e->h);
	if (ret >= 0)
		pf |= resolve_file(f, e->resolved);
	else if (!(pf & FANGS_P_REQ_UNREADABLE) && e->path[0] != '/') {
		__u32 b = resolve_base(args.dirfd, e->resolved);
		if (b)
			pf |= b | FANGS_P_BASE_ONLY;
	} else
		e->resolved[0] = 0;
	/* a base directory is resolved too: keep its truncation/detached bits but
	 * not the claim that `resolved` is the object itself */
	if (pf & FANGS_P_BASE_ONLY)
		pf &= ~FANGS_P_RESOLVED;
	e->path_flags = pf;
	submit(&w, e);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_openat")
int tp_sys_enter_openat(struct trace_event_raw_sys_enter *ctx)
{
	return remember_open((int)ctx->args[0], (const char *)ctx->args[1], (__u32)ctx->args[2], (__u32)ctx->args[3]);
}

SEC("tracepoint/syscalls/sys_exit_openat")
int tp_sys_exit_openat(struct trace_event_raw_sys_exit *ctx)
{
	return emit_open_exit(ctx->ret, FANGS_SRC_SYS_EXIT_OPENAT);
}

SEC("tracepoint/syscalls/sys_enter_openat2")
int tp_sys_enter_openat2(struct trace_event_raw_sys_enter *ctx)
{
	struct open_how how = {};
	bpf_probe_read_user(&how, sizeof(how), (const void *)ctx->args[2]);
	return remember_open((int)ctx->args[0], (const char *)ctx->args[1], (__u32)how.flags, (__u32)how.mode);
}

SEC("tracepoint/syscalls/sys_exit_openat2")
int tp_sys_exit_openat2(struct trace_event_raw_sys_exit *ctx)
{
	return emit_open_exit(ctx->ret, FANGS_SRC_SYS_EXIT_OPENAT2);
}

/* x86-64 keeps the legacy open(2); static binaries still use it. */
SEC("tracepoint/syscalls/sys_enter_open")
int tp_sys_enter_open(struct trace_event_raw_sys_enter *ctx)
{
	return remember_open(FANGS_AT_FDCWD, (const char *)ctx->args[0], (__u32)ctx->args[1], (__u32)ctx->args[2]);
}

SEC("tracepoint/syscalls/sys_exit_open")
int tp_sys_exit_open(struct trace_event_raw_sys_exit *ctx)
{
	return emit_open_exit(ctx->ret, FANGS_SRC_SYS_EXIT_OPEN);
}
