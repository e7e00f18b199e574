/* io_uring bypasses the syscall tracepoints. io_uring_submit_req fires after
 * the request was prepared, so the prepared command already holds the path
 * (getname()d into kernel memory) or the user sockaddr pointer. */

SEC("tracepoint/io_uring/io_uring_submit_req")
int tp_io_uring_submit_req(struct trace_event_raw_io_uring_submit_req *ctx)
{
	__u8 op = ctx->opcode;
	if (op != IORING_OP_OPENAT && op != IORING_OP_OPENAT2 && op != IORING_OP_CONNECT)
		return 0;
	struct watch_ctx w;
	if (!current_watched(&w))
		return 0;
	struct io_kiocb *req = (struct io_kiocb *)ctx->req;
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
	struct fangs_file_ev *e = reserve(&w, sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(&e->h, &w, FANGS_OP_FILE, FANGS_SRC_IO_URING_SUBMIT_REQ);
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
