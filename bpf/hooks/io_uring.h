/* io_uring bypasses the syscall tracepoints. io_uring_submit_req fires after
 * the request was prepared, so the prepared command already holds the path
 * (getname()d into kernel memory), the user sockaddr pointer, or (SEND,
 * SENDMSG) the destination copied into the request's async data. Results are
 * not known here (the request runs later), so these records carry ret 0. */

/* symlinkat/linkat/renameat/unlinkat/mkdirat from the prepared request. */
static __always_inline int emit_uring_fileop(struct watch_ctx *w, __u32 fop, int dirfd, struct filename *f1, int dirfd2, struct filename *f2, __u32 mode)
{
	struct fangs_fileop_ev *e = reserve_event(w, sizeof(*e), FANGS_OP_FILEOP, FANGS_SRC_IO_URING_SUBMIT_REQ);
	if (!e)
		return 0;
	e->fop = fop;
	e->ret = 0;
	e->dirfd = dirfd;
	e->dirfd2 = dirfd2;
	e->mode = mode;
	e->resolved[0] = 0;
	e->path2[0] = 0;
	__u32 pf = 0;
	const char *n1 = f1 ? BPF_CORE_READ(f1, name) : NULL;
	long n = n1 ? bpf_probe_read_kernel_str(e->path, sizeof(e->path), n1) : -1;
	if (n < 0) {
		e->path[0] = 0;
		pf = FANGS_P_REQ_UNREADABLE;
		count_read_failure(w, &e->h);
	} else if (n == FANGS_PATH_LEN) {
		pf = FANGS_P_REQ_TRUNCATED;
	} else if (e->path[0] != '/') {
		__u32 b = resolve_base(dirfd, e->resolved);
		if (b)
			pf = (b & ~FANGS_P_RESOLVED) | FANGS_P_BASE_ONLY;
	}
	const char *n2 = f2 ? BPF_CORE_READ(f2, name) : NULL;
	if (n2 && bpf_probe_read_kernel_str(e->path2, sizeof(e->path2), n2) < 0)
		e->path2[0] = 0;
	e->path_flags = pf;
	submit(w, e);
	return 0;
}

/* IORING_OP_SEND/SENDMSG with a destination: the datagram-without-connect
 * case again, here with the address already in kernel memory. */
static __always_inline int emit_uring_send(struct watch_ctx *w, struct io_kiocb *req)
{
	if (!bpf_core_field_exists(struct io_async_msghdr, addr))
		return 0; /* older layout: not covered (reported by doctor as the same probe) */
	struct io_async_msghdr *am = (struct io_async_msghdr *)BPF_CORE_READ(req, async_data);
	if (!am)
		return 0;
	void *name = BPF_CORE_READ(am, msg.msg_name);
	if (!name)
		return 0; /* a connected socket: its connect was the event */
	struct dgram_key k = {.tgid = bpf_get_current_pid_tgid() >> 32, .start_time = process_start()};
	bpf_probe_read_kernel(&k.family, sizeof(k.family), name);
	if (k.family == AF_INET) {
		struct sockaddr_in sin = {};
		bpf_probe_read_kernel(&sin, sizeof(sin), name);
		k.port = bpf_ntohs(sin.sin_port);
		__builtin_memcpy(k.addr, &sin.sin_addr.s_addr, 4);
	} else if (k.family == AF_INET6) {
		struct sockaddr_in6 sin6 = {};
		bpf_probe_read_kernel(&sin6, sizeof(sin6), name);
		k.port = bpf_ntohs(sin6.sin6_port);
		__builtin_memcpy(k.addr, &sin6.sin6_addr, 16);
	} else {
		return 0;
	}
	if (dgram_seen_before(w, &k))
		return 0;
	struct fangs_net_ev *e = net_reserve(w, FANGS_OP_CONNECT, FANGS_SRC_IO_URING_SUBMIT_REQ);
	if (!e)
		return 0;
	if (!(BPF_CORE_READ(req, flags) & (1ULL << 0) /* REQ_F_FIXED_FILE */))
		e->sock_type = socket_type(socket_of_fd(BPF_CORE_READ(req, cqe.fd)));
	e->family = k.family;
	e->port = k.port;
	__builtin_memcpy(e->addr, k.addr, sizeof(e->addr));
	submit(w, e);
	return 0;
}

SEC("tracepoint/io_uring/io_uring_submit_req")
int tp_io_uring_submit_req(struct trace_event_raw_io_uring_submit_req *ctx)
{
	__u8 op = ctx->opcode;
	switch (op) {
	case IORING_OP_OPENAT: case IORING_OP_OPENAT2: case IORING_OP_CONNECT: case IORING_OP_SEND: case IORING_OP_SENDMSG:
	case IORING_OP_RENAMEAT: case IORING_OP_UNLINKAT: case IORING_OP_MKDIRAT: case IORING_OP_SYMLINKAT: case IORING_OP_LINKAT:
		break;
	default:
		return 0;
	}
	struct watch_ctx w;
	if (!current_watched(&w))
		return 0;
	struct io_kiocb *req = (struct io_kiocb *)ctx->req;
	if (op == IORING_OP_SEND || op == IORING_OP_SENDMSG)
		return emit_uring_send(&w, req);
	if (op == IORING_OP_UNLINKAT) {
		struct io_unlink *u = (struct io_unlink *)&req->cmd;
		return emit_uring_fileop(&w, FANGS_FOP_UNLINK, BPF_CORE_READ(u, dfd), BPF_CORE_READ(u, filename), FANGS_AT_FDCWD, NULL, BPF_CORE_READ(u, flags));
	}
	if (op == IORING_OP_MKDIRAT) {
		struct io_mkdir *m = (struct io_mkdir *)&req->cmd;
		return emit_uring_fileop(&w, FANGS_FOP_MKDIR, BPF_CORE_READ(m, dfd), BPF_CORE_READ(m, filename), FANGS_AT_FDCWD, NULL, BPF_CORE_READ(m, mode));
	}
	if (op == IORING_OP_RENAMEAT) {
		struct io_rename *r = (struct io_rename *)&req->cmd;
		return emit_uring_fileop(&w, FANGS_FOP_RENAME, BPF_CORE_READ(r, new_dfd), BPF_CORE_READ(r, newpath), BPF_CORE_READ(r, old_dfd), BPF_CORE_READ(r, oldpath), BPF_CORE_READ(r, flags));
	}
	if (op == IORING_OP_SYMLINKAT || op == IORING_OP_LINKAT) {
		/* symlinkat: oldpath is the link's content; linkat: the existing name */
		struct io_link *l = (struct io_link *)&req->cmd;
		__u32 fop = op == IORING_OP_SYMLINKAT ? FANGS_FOP_SYMLINK : FANGS_FOP_LINK;
		return emit_uring_fileop(&w, fop, BPF_CORE_READ(l, new_dfd), BPF_CORE_READ(l, newpath), BPF_CORE_READ(l, old_dfd), BPF_CORE_READ(l, oldpath), BPF_CORE_READ(l, flags));
	}
	if (op == IORING_OP_CONNECT) {
		struct io_connect *c = (struct io_connect *)&req->cmd;
		struct fangs_net_ev *e = net_reserve(&w, FANGS_OP_CONNECT, FANGS_SRC_IO_URING_SUBMIT_REQ);
		if (!e)
			return 0;
		void *uaddr = BPF_CORE_READ(c, addr);
		/* req->file is assigned at issue, after this tracepoint; io_init_req
		 * keeps the sqe's fd in cqe.fd until then (fixed files aside) */
		if (!(BPF_CORE_READ(req, flags) & (1ULL << 0) /* REQ_F_FIXED_FILE */))
			e->sock_type = socket_type(socket_of_fd(BPF_CORE_READ(req, cqe.fd)));
		if (!read_user_sockaddr(uaddr, 0, &e->family, &e->port, e->addr, e->unix_path))
			count_read_failure(&w, &e->h);
		submit(&w, e);
		return 0;
	}
	struct io_open *o = (struct io_open *)&req->cmd;
	struct fangs_file_ev *e = reserve_event(&w, sizeof(*e), FANGS_OP_FILE, FANGS_SRC_IO_URING_SUBMIT_REQ);
	if (!e)
		return 0;
	e->dirfd = BPF_CORE_READ(o, dfd);
	e->flags = (__u32)BPF_CORE_READ(o, how.flags);
	e->mode = (__u32)BPF_CORE_READ(o, how.mode);
	e->_pad = 0;
	e->ret = 0; /* not known here: the request runs after this tracepoint */
	e->resolved[0] = 0;
	e->path_flags = 0;
	const char *name = BPF_CORE_READ(o, filename, name);
	long n = name ? bpf_probe_read_kernel_str(e->path, sizeof(e->path), name) : -1;
	if (n < 0) {
		e->path[0] = 0;
		e->path_flags = FANGS_P_REQ_UNREADABLE;
		count_read_failure(&w, &e->h);
	} else if (n == FANGS_PATH_LEN) {
		char c = 0;
		bpf_probe_read_kernel(&c, 1, name + FANGS_PATH_LEN - 1);
		if (c)
			e->path_flags = FANGS_P_REQ_TRUNCATED;
	} else if (e->path[0] != '/') {
		__u32 b = resolve_base(e->dirfd, e->resolved);
		if (b)
			e->path_flags = (b & ~FANGS_P_RESOLVED) | FANGS_P_BASE_ONLY;
	}
	submit(&w, e);
	return 0;
}

/* An io_uring open, again at completion: the submit record above has only the
 * name asked for (the file does not exist yet), so a symlink swapped in for a
 * baseline path would pass through io_uring unresolved. At completion the new
 * fd is in the ring owner's table (io-wq workers share it): the file opened,
 * resolved like a syscall open. Direct (fixed-file) opens install no fd and
 * are not resolved. The request's name was freed by now: `path` stays "". */
SEC("tracepoint/io_uring/io_uring_complete")
int tp_io_uring_complete(struct trace_event_raw_io_uring_complete *ctx)
{
	int res = ctx->res;
	if (res < 0)
		return 0;
	struct io_kiocb *req = (struct io_kiocb *)ctx->req;
	__u8 op = BPF_CORE_READ(req, opcode);
	if (op != IORING_OP_OPENAT && op != IORING_OP_OPENAT2)
		return 0;
	struct watch_ctx w;
	if (!current_watched(&w))
		return 0;
	struct io_open *o = (struct io_open *)&req->cmd;
	if (BPF_CORE_READ(o, file_slot))
		return 0;
	struct file *f = file_of_fd(res);
	__u32 flags = (__u32)BPF_CORE_READ(o, how.flags);
	if (open_seen(&w, f, flags))
		return 0;
	struct fangs_file_ev *e = reserve_event(&w, sizeof(*e), FANGS_OP_FILE, FANGS_SRC_IO_URING_COMPLETE);
	if (!e)
		return 0;
	e->dirfd = BPF_CORE_READ(o, dfd);
	e->flags = flags;
	e->mode = (__u32)BPF_CORE_READ(o, how.mode);
	e->_pad = 0;
	e->ret = res;
	e->path[0] = 0;
	e->path_flags = resolve_file(f, e->resolved);
	submit(&w, e);
	return 0;
}
