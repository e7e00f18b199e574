/* Process execution. sys_enter_execve{,at} sees every attempt (a shell's PATH
 * search shows as failed execs); sched_process_exec sees every exec that
 * succeeded whatever the path, and records the binary for ancestry. */

/* argv as NUL-separated strings. Each read is bounded so the verifier can
 * prove args[off .. off+FANGS_ARG_MAX) stays inside the array. */
static __always_inline void read_argv(struct watch_ctx *w, struct fangs_exec_ev *e, const char *const *argv, bool user)
{
	__u32 off = 0, argc = 0;
	e->argc = 0;
	e->args_len = 0;
	if (!argv)
		return;
	for (int i = 0; i < FANGS_MAX_ARGS; i++) {
		const char *p = NULL;
		if (bpf_probe_read_user(&p, sizeof(p), &argv[i]) || !p)
			goto out;
		if (off > FANGS_ARGS_LEN - FANGS_ARG_MAX) {
			e->h.flags |= FANGS_F_ARGS_TRUNCATED;
			goto out;
		}
		long n = bpf_probe_read_user_str(&e->args[off], FANGS_ARG_MAX, p);
		if (n < 0) {
			count_read_failure(w, &e->h);
			goto out;
		}
		off += n;
		argc++;
	}
	/* more than FANGS_MAX_ARGS strings? */
	{
		const char *p = NULL;
		if (!bpf_probe_read_user(&p, sizeof(p), &argv[FANGS_MAX_ARGS]) && p)
			e->h.flags |= FANGS_F_ARGS_TRUNCATED;
	}
out:
	e->argc = argc;
	e->args_len = off;
}

/* An exec's arguments, remembered at sys_enter until its result is known. */
struct pending_exec {
	const char *filename;
	const char *const *argv;
	__s32 dirfd;
	__u32 at_flags;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH); /* LRU: an exec from a non-leader thread changes its tid */
	__uint(max_entries, 8192);
	__type(key, __u64);
	__type(value, struct pending_exec);
} pending_execs SEC(".maps");

#define FANGS_AT_EMPTY_PATH 0x1000

static __always_inline int remember_exec(const char *filename, const char *const *argv, int dirfd, __u32 at_flags)
{
	struct watch_ctx w;
	if (!current_watched(&w))
		return 0;
	__u64 id = bpf_get_current_pid_tgid();
	struct pending_exec p = {.filename = filename, .argv = argv, .dirfd = dirfd, .at_flags = at_flags};
	bpf_map_update_elem(&pending_execs, &id, &p, BPF_ANY);
	return 0;
}

/* A failed exec (ret < 0): ENOENT along a PATH search, EACCES on a noexec
 * mount. The old image is still mapped, so the strings re-read fine. A
 * successful exec is reported by sched_process_exec (below), not here. */
static __always_inline int emit_exec_exit(long ret, __u32 source)
{
	struct watch_ctx w;
	if (!current_watched(&w))
		return 0;
	__u64 id = bpf_get_current_pid_tgid();
	struct pending_exec *pp = bpf_map_lookup_elem(&pending_execs, &id);
	struct pending_exec p = {.dirfd = FANGS_AT_FDCWD};
	if (pp) {
		p = *pp;
		bpf_map_delete_elem(&pending_execs, &id);
	}
	if (ret >= 0)
		return 0;
	struct fangs_exec_ev *e = reserve_event(&w, sizeof(*e), FANGS_OP_EXEC, source);
	if (!e)
		return 0;
	e->ret = (__s32)ret;
	e->dirfd = p.dirfd;
	e->at_flags = p.at_flags;
	__u32 pf = read_user_path(e->filename, p.filename);
	if (pf & FANGS_P_REQ_UNREADABLE)
		count_read_failure(&w, &e->h);
	e->resolved[0] = 0;
	if (!(pf & FANGS_P_REQ_UNREADABLE)) {
		if (e->filename[0] == 0 && (p.at_flags & FANGS_AT_EMPTY_PATH)) {
			pf |= FANGS_P_EMPTY_PATH | resolve_file(file_of_fd(p.dirfd), e->resolved);
		} else if (e->filename[0] != '/') {
			__u32 b = resolve_base(p.dirfd, e->resolved);
			if (b)
				pf |= (b & ~FANGS_P_RESOLVED) | FANGS_P_BASE_ONLY;
		}
	}
	e->path_flags = pf;
	read_argv(&w, e, p.argv, true);
	submit(&w, e);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_execve")
int tp_sys_enter_execve(struct trace_event_raw_sys_enter *ctx)
{
	return remember_exec((const char *)ctx->args[0], (const char *const *)ctx->args[1], FANGS_AT_FDCWD, 0);
}

SEC("tracepoint/syscalls/sys_enter_execveat")
int tp_sys_enter_execveat(struct trace_event_raw_sys_enter *ctx)
{
	return remember_exec((const char *)ctx->args[1], (const char *const *)ctx->args[2], (int)ctx->args[0], (__u32)ctx->args[4]);
}

SEC("tracepoint/syscalls/sys_exit_execve")
int tp_sys_exit_execve(struct trace_event_raw_sys_exit *ctx)
{
	return emit_exec_exit(ctx->ret, FANGS_SRC_SYS_EXIT_EXECVE);
}

SEC("tracepoint/syscalls/sys_exit_execveat")
int tp_sys_exit_execveat(struct trace_event_raw_sys_exit *ctx)
{
	return emit_exec_exit(ctx->ret, FANGS_SRC_SYS_EXIT_EXECVEAT);
}

/* Every successful exec, whatever path led to it. `filename` is the name the
 * kernel was given (bprm->filename: "/dev/fd/3" for an fd exec); `resolved`
 * is the binary it mapped (mm->exe_file, set by begin_new_exec before this
 * tracepoint): a symlinked "l/../../../usr/bin/node" shows the real file, a
 * memfd shows as detached ("memfd:x"), a script shows its interpreter. */
SEC("tracepoint/sched/sched_process_exec")
int tp_sched_process_exec(struct trace_event_raw_sched_process_exec *ctx)
{
	struct watch_ctx w;
	if (!current_watched(&w))
		return 0;
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tgid = id >> 32;
	unsigned int off = ctx->__data_loc_filename & 0xFFFF;
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();

	struct fangs_exec_ev *e = reserve(&w, sizeof(*e));
	if (!e) {
		/* still name the binary for the ancestry of later events */
		char exe[FANGS_EXE_LEN] = {};
		bpf_probe_read_kernel_str(exe, sizeof(exe), (void *)ctx + off);
		bpf_map_update_elem(&exe_by_tgid, &tgid, exe, BPF_ANY);
		return 0;
	}
	__u32 pf = resolve_file(BPF_CORE_READ(t, mm, exe_file), e->resolved);
	{
		/* zeroed past the NUL: the map value is copied whole into headers */
		char exe[FANGS_EXE_LEN] = {};
		if (pf & FANGS_P_RESOLVED)
			bpf_probe_read_kernel_str(exe, sizeof(exe), e->resolved);
		else
			bpf_probe_read_kernel_str(exe, sizeof(exe), (void *)ctx + off);
		bpf_map_update_elem(&exe_by_tgid, &tgid, exe, BPF_ANY);
	}
	fill_hdr(&e->h, &w, FANGS_OP_EXEC, FANGS_SRC_SCHED_PROCESS_EXEC);
	e->ret = 0;
	e->dirfd = FANGS_AT_FDCWD;
	e->at_flags = 0;
	struct pending_exec *pp = bpf_map_lookup_elem(&pending_execs, &id);
	if (pp) {
		e->dirfd = pp->dirfd;
		e->at_flags = pp->at_flags;
		if (pp->at_flags & FANGS_AT_EMPTY_PATH)
			pf |= FANGS_P_EMPTY_PATH;
	}
	long n = bpf_probe_read_kernel_str(e->filename, sizeof(e->filename), (void *)ctx + off);
	if (n == FANGS_PATH_LEN)
		pf |= FANGS_P_REQ_TRUNCATED; /* conservative: 255 bytes exactly also lands here */
	e->path_flags = pf;
	/* The new image's argv sits at mm->arg_start in its own (current) memory.
	 * Strings there are contiguous and NUL-separated already. */
	unsigned long start = BPF_CORE_READ(t, mm, arg_start);
	unsigned long end = BPF_CORE_READ(t, mm, arg_end);
	__u64 len = end - start;
	if (len > FANGS_ARGS_LEN) {
		len = FANGS_ARGS_LEN;
		e->h.flags |= FANGS_F_ARGS_TRUNCATED;
	}
	e->argc = 0; /* the decoder counts the strings */
	e->args_len = 0;
	/* clang may reuse the unclamped register; the barrier forces the
	 * verifier to see the bound check on the value actually passed */
	asm volatile("" : "+r"(len));
	if (len > 0 && len <= FANGS_ARGS_LEN) {
		if (!bpf_probe_read_user(e->args, len, (void *)start))
			e->args_len = len;
		else
			count_read_failure(&w, &e->h);
	}
	submit(&w, e);
	return 0;
}

/* A new process (threads are not processes): the record names its creator,
 * so a double-forked grandchild that the kernel re-parents to the sandbox's
 * pid 1 is still traced to the script that made it. The child inherits its
 * creator's binary for ancestry until it execs. */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(tp_sched_process_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 child_tgid = BPF_CORE_READ(child, tgid);
	if (BPF_CORE_READ(child, pid) != child_tgid)
		return 0;
	struct watch_ctx w;
	if (!current_watched(&w))
		return 0;
	__u32 ptgid = bpf_get_current_pid_tgid() >> 32;
	char *exe = bpf_map_lookup_elem(&exe_by_tgid, &ptgid);
	if (exe)
		bpf_map_update_elem(&exe_by_tgid, &child_tgid, exe, BPF_ANY);
	struct fangs_fork_ev *e = reserve_event(&w, sizeof(*e), FANGS_OP_FORK, FANGS_SRC_SCHED_PROCESS_FORK);
	if (!e)
		return 0;
	e->child_pid = child_tgid;
	e->_pad = 0;
	submit(&w, e);
	return 0;
}

/* The last thread of a process exits: an exit record (lineage ends here;
 * a later pid with the same number is a new process), and the binary is
 * forgotten so the LRU keeps live ones. signal->live reaches 0 in do_exit
 * before this tracepoint fires for the group's last thread. */
SEC("tracepoint/sched/sched_process_exit")
int tp_sched_process_exit(void *ctx)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	if (BPF_CORE_READ(t, signal, live.counter) != 0)
		return 0; /* other threads live on */
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct watch_ctx w;
	if (current_watched(&w)) {
		struct fangs_exit_ev *e = reserve_event(&w, sizeof(*e), FANGS_OP_EXIT, FANGS_SRC_SCHED_PROCESS_EXIT);
		if (e) {
			e->exit_code = BPF_CORE_READ(t, exit_code);
			e->_pad = 0;
			submit(&w, e);
		}
	}
	bpf_map_delete_elem(&exe_by_tgid, &tgid);
	return 0;
}
