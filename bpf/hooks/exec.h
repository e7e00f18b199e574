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

static __always_inline int emit_exec_attempt(const char *filename, const char *const *argv, __u32 source)
{
	struct watch_ctx w;
	if (!current_watched(&w))
		return 0;
	struct fangs_exec_ev *e = reserve(&w, sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(&e->h, &w, FANGS_OP_EXEC, source);
	if (bpf_probe_read_user_str(e->filename, sizeof(e->filename), filename) < 0) {
		e->filename[0] = 0;
		count_read_failure(&w, &e->h);
	}
	read_argv(&w, e, argv, true);
	submit(&w, e);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_execve")
int tp_sys_enter_execve(struct trace_event_raw_sys_enter *ctx)
{
	return emit_exec_attempt((const char *)ctx->args[0], (const char *const *)ctx->args[1], FANGS_SRC_SYS_ENTER_EXECVE);
}

SEC("tracepoint/syscalls/sys_enter_execveat")
int tp_sys_enter_execveat(struct trace_event_raw_sys_enter *ctx)
{
	return emit_exec_attempt((const char *)ctx->args[1], (const char *const *)ctx->args[2], FANGS_SRC_SYS_ENTER_EXECVEAT);
}

SEC("tracepoint/sched/sched_process_exec")
int tp_sched_process_exec(struct trace_event_raw_sched_process_exec *ctx)
{
	struct watch_ctx w;
	if (!current_watched(&w))
		return 0;
	char exe[FANGS_EXE_LEN] = {};
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	unsigned int off = ctx->__data_loc_filename & 0xFFFF;
	bpf_probe_read_kernel_str(exe, sizeof(exe), (void *)ctx + off);
	bpf_map_update_elem(&exe_by_tgid, &tgid, exe, BPF_ANY);

	struct fangs_exec_ev *e = reserve(&w, sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(&e->h, &w, FANGS_OP_EXEC, FANGS_SRC_SCHED_PROCESS_EXEC);
	bpf_probe_read_kernel_str(e->filename, sizeof(e->filename), (void *)ctx + off);
	/* The new image's argv sits at mm->arg_start in its own (current) memory.
	 * Strings there are contiguous and NUL-separated already. */
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
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

/* Forget a process's binary when it exits so the LRU keeps live ones. */
SEC("tracepoint/sched/sched_process_exit")
int tp_sched_process_exit(void *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	if ((__u32)pid_tgid != (pid_tgid >> 32))
		return 0; /* a thread, not the process */
	__u32 tgid = pid_tgid >> 32;
	bpf_map_delete_elem(&exe_by_tgid, &tgid);
	return 0;
}
