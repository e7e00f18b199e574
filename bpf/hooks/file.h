/* File opens. sys_enter_* sees attempts, so an open that fails (ENOENT) is
 * still an event: a probe for ~/.npmrc matters even when the file is absent. */

static __always_inline int emit_open(int dirfd, const char *upath, __u32 flags, __u32 mode, __u32 source)
{
	struct watch_ctx w;
	if (!current_watched(&w))
		return 0;
	struct fangs_file_ev *e = reserve(&w, sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(&e->h, &w, FANGS_OP_FILE, source);
	e->dirfd = dirfd;
	e->flags = flags;
	e->mode = mode;
	e->_pad = 0;
	if (bpf_probe_read_user_str(e->path, sizeof(e->path), upath) < 0) {
		e->path[0] = 0;
		count_read_failure(&w, &e->h);
	}
	submit(&w, e);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_openat")
int tp_sys_enter_openat(struct trace_event_raw_sys_enter *ctx)
{
	return emit_open((int)ctx->args[0], (const char *)ctx->args[1], (__u32)ctx->args[2], (__u32)ctx->args[3], FANGS_SRC_SYS_ENTER_OPENAT);
}

SEC("tracepoint/syscalls/sys_enter_openat2")
int tp_sys_enter_openat2(struct trace_event_raw_sys_enter *ctx)
{
	struct open_how how = {};
	bpf_probe_read_user(&how, sizeof(how), (const void *)ctx->args[2]);
	return emit_open((int)ctx->args[0], (const char *)ctx->args[1], (__u32)how.flags, (__u32)how.mode, FANGS_SRC_SYS_ENTER_OPENAT2);
}

/* x86-64 keeps the legacy open(2); static binaries still use it. */
SEC("tracepoint/syscalls/sys_enter_open")
int tp_sys_enter_open(struct trace_event_raw_sys_enter *ctx)
{
	return emit_open(-100, (const char *)ctx->args[0], (__u32)ctx->args[1], (__u32)ctx->args[2], FANGS_SRC_SYS_ENTER_OPEN);
}
