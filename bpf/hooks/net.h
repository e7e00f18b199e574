/* Connections and listeners. sys_enter_connect sees every attempt, including
 * ones that fail at once (unroutable, sealed namespace); the kprobes see TCP
 * connects from any path (io_uring) where kprobes exist, and
 * inet_sock_set_state(SYN_SENT) does the same on kernels without them. */

static __always_inline struct fangs_net_ev *net_reserve(struct watch_ctx *w, __u32 op, __u32 source)
{
	struct fangs_net_ev *e = reserve_event(w, sizeof(*e), op, source);
	if (!e)
		return NULL;
	e->family = 0;
	e->port = 0;
	e->sock_type = 0;
	e->_pad = 0;
	e->_pad2 = 0;
	__builtin_memset(e->addr, 0, sizeof(e->addr));
	e->unix_path[0] = 0;
	e->ret = 0;
	e->path_flags = 0;
	e->resolved[0] = 0;
	return e;
}

static __always_inline int emit_user_sockaddr(int fd, const void *uaddr, int len, __u32 op, __u32 source)
{
	struct watch_ctx w;
	if (!current_watched(&w))
		return 0;
	struct fangs_net_ev *e = net_reserve(&w, op, source);
	if (!e)
		return 0;
	e->sock_type = socket_type(socket_of_fd(fd));
	if (!read_user_sockaddr(uaddr, len, &e->family, &e->port, e->addr, e->unix_path))
		count_read_failure(&w, &e->h);
	submit(&w, e);
	return 0;
}

/* A connect whose record waits for the exit: a unix socket (the peer is
 * named by the socket file the kernel found, through symlinks and relative
 * names: "docker.sock" in a symlinked /var/run is /run/docker.sock), or an
 * address unreadable at entry (move_addr_to_kernel faults it in, so the
 * exit can read it). */
struct pending_connect {
	const void *uaddr;
	__s32 fd;
	__s32 len;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, __u64);
	__type(value, struct pending_connect);
} pending_connects SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_connect")
int tp_sys_enter_connect(struct trace_event_raw_sys_enter *ctx)
{
	int fd = (int)ctx->args[0], len = (int)ctx->args[2];
	const void *uaddr = (const void *)ctx->args[1];
	struct watch_ctx w;
	if (!current_watched(&w))
		return 0;
	__u16 fam = 0;
	if (!uaddr || bpf_probe_read_user(&fam, sizeof(fam), uaddr) || fam == AF_UNIX) {
		__u64 id = bpf_get_current_pid_tgid();
		struct pending_connect p = {.uaddr = uaddr, .fd = fd, .len = len};
		if (!bpf_map_update_elem(&pending_connects, &id, &p, BPF_ANY))
			return 0;
		/* no room to wait: report now, as read */
	}
	return emit_user_sockaddr(fd, uaddr, len, FANGS_OP_CONNECT, FANGS_SRC_SYS_ENTER_CONNECT);
}

SEC("tracepoint/syscalls/sys_exit_connect")
int tp_sys_exit_connect(struct trace_event_raw_sys_exit *ctx)
{
	struct watch_ctx w;
	if (!current_watched(&w))
		return 0;
	__u64 id = bpf_get_current_pid_tgid();
	struct pending_connect *pp = bpf_map_lookup_elem(&pending_connects, &id);
	if (!pp)
		return 0;
	struct pending_connect p = *pp;
	bpf_map_delete_elem(&pending_connects, &id);
	struct fangs_net_ev *e = net_reserve(&w, FANGS_OP_CONNECT, FANGS_SRC_SYS_EXIT_CONNECT);
	if (!e)
		return 0;
	struct socket *s = socket_of_fd(p.fd);
	e->sock_type = socket_type(s);
	e->ret = (__s32)ctx->ret;
	if (!read_user_sockaddr(p.uaddr, p.len, &e->family, &e->port, e->addr, e->unix_path)) {
		e->path_flags = FANGS_P_REQ_UNREADABLE;
		count_read_failure(&w, &e->h);
	} else if (e->family == AF_UNIX && s) {
		struct unix_sock *us = (struct unix_sock *)BPF_CORE_READ(s, sk);
		struct unix_sock *peer = us ? (struct unix_sock *)BPF_CORE_READ(us, peer) : NULL;
		if (peer && ctx->ret == 0) {
			e->path_flags = resolve_dentry(BPF_CORE_READ(peer, path.dentry), BPF_CORE_READ(peer, path.mnt), e->resolved);
		} else if (e->unix_path[0] && e->unix_path[0] != '/') {
			__u32 b = resolve_base(FANGS_AT_FDCWD, e->resolved);
			if (b)
				e->path_flags = (b & ~FANGS_P_RESOLVED) | FANGS_P_BASE_ONLY;
		}
	}
	submit(&w, e);
	return 0;
}

#define AF_PACKET 17
#define SOCK_RAW 3
#define SOCK_PACKET 10

/* Raw and packet sockets: crafted packets and sniffing need no connect(). */
SEC("tracepoint/syscalls/sys_enter_socket")
int tp_sys_enter_socket(struct trace_event_raw_sys_enter *ctx)
{
	__u32 family = (__u32)ctx->args[0], type = (__u32)ctx->args[1] & 0xf;
	if (family != AF_PACKET && type != SOCK_RAW && type != SOCK_PACKET)
		return 0;
	struct watch_ctx w;
	if (!current_watched(&w))
		return 0;
	struct fangs_socket_ev *e = reserve_event(&w, sizeof(*e), FANGS_OP_SOCKET, FANGS_SRC_SYS_ENTER_SOCKET);
	if (!e)
		return 0;
	e->family = family;
	e->type = type;
	e->protocol = (__u32)ctx->args[2];
	e->_pad = 0;
	submit(&w, e);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_bind")
int tp_sys_enter_bind(struct trace_event_raw_sys_enter *ctx)
{
	return emit_user_sockaddr((int)ctx->args[0], (const void *)ctx->args[1], (int)ctx->args[2], FANGS_OP_LISTEN, FANGS_SRC_SYS_ENTER_BIND);
}

SEC("tracepoint/syscalls/sys_enter_listen")
int tp_sys_enter_listen(struct trace_event_raw_sys_enter *ctx)
{
	struct watch_ctx w;
	if (!current_watched(&w))
		return 0;
	struct socket *s = socket_of_fd((int)ctx->args[0]);
	struct fangs_net_ev *e = net_reserve(&w, FANGS_OP_LISTEN, FANGS_SRC_SYS_ENTER_LISTEN);
	if (!e)
		return 0;
	if (s) {
		e->sock_type = socket_type(s);
		read_sock_addr(s, true, &e->family, &e->port, e->addr);
	}
	submit(&w, e);
	return 0;
}

/* In the kprobes the sockaddr has already been copied into kernel memory. */
static __always_inline int emit_kernel_connect(const void *kaddr, __u32 source)
{
	struct watch_ctx w;
	if (!current_watched(&w))
		return 0;
	struct fangs_net_ev *e = net_reserve(&w, FANGS_OP_CONNECT, source);
	if (!e)
		return 0;
	e->sock_type = 1; /* tcp_v*_connect: stream */
	__u16 fam = 0;
	bpf_probe_read_kernel(&fam, sizeof(fam), kaddr);
	e->family = fam;
	if (fam == AF_INET) {
		struct sockaddr_in sin = {};
		bpf_probe_read_kernel(&sin, sizeof(sin), kaddr);
		e->port = bpf_ntohs(sin.sin_port);
		__builtin_memcpy(e->addr, &sin.sin_addr.s_addr, 4);
	} else if (fam == AF_INET6) {
		struct sockaddr_in6 sin6 = {};
		bpf_probe_read_kernel(&sin6, sizeof(sin6), kaddr);
		e->port = bpf_ntohs(sin6.sin6_port);
		__builtin_memcpy(e->addr, &sin6.sin6_addr, 16);
	}
	submit(&w, e);
	return 0;
}

SEC("kprobe/tcp_v4_connect")
int BPF_KPROBE(kp_tcp_v4_connect, struct sock *sk, struct sockaddr *uaddr)
{
	return emit_kernel_connect(uaddr, FANGS_SRC_KPROBE_TCP_V4_CONNECT);
}

SEC("kprobe/tcp_v6_connect")
int BPF_KPROBE(kp_tcp_v6_connect, struct sock *sk, struct sockaddr *uaddr)
{
	return emit_kernel_connect(uaddr, FANGS_SRC_KPROBE_TCP_V6_CONNECT);
}

#define TCP_SYN_SENT_STATE 2
#define IPPROTO_TCP_NUM 6

SEC("tracepoint/sock/inet_sock_set_state")
int tp_inet_sock_set_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	if (ctx->newstate != TCP_SYN_SENT_STATE || ctx->protocol != IPPROTO_TCP_NUM)
		return 0;
	struct watch_ctx w;
	if (!current_watched(&w))
		return 0;
	struct fangs_net_ev *e = net_reserve(&w, FANGS_OP_CONNECT, FANGS_SRC_INET_SOCK_SET_STATE);
	if (!e)
		return 0;
	e->sock_type = 1;
	e->family = ctx->family;
	e->port = ctx->dport; /* already host order in this tracepoint */
	/* ctx arrays cannot be copied with a computed ctx pointer; read them */
	if (ctx->family == AF_INET)
		bpf_probe_read_kernel(e->addr, 4, ctx->daddr);
	else
		bpf_probe_read_kernel(e->addr, 16, ctx->daddr_v6);
	submit(&w, e);
	return 0;
}
