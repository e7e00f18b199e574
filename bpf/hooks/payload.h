/* DNS queries and TLS ClientHellos: the first bytes of what a watched task
 * sends. The kernel only picks candidates (port 53, or bytes that look like a
 * ClientHello); src/events/decode.ts parses the query name and the SNI, which
 * is far easier to get right in TypeScript than under the verifier. */

static __always_inline bool looks_like_client_hello(const __u8 *b)
{
	/* record type handshake, TLS 1.x record version, handshake type ClientHello */
	return b[0] == 0x16 && b[1] == 0x03 && b[5] == 0x01;
}

/* Datagram destinations already reported per process: a flood of sends to
 * one address is one record, the repeats a count in the map. */
struct dgram_key {
	__u32 tgid;
	__u16 family;
	__u16 port;
	__u64 start_time; /* process_start(): a reused pid reports afresh */
	__u8 addr[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct dgram_key);
	__type(value, __u64);
} dgram_seen SEC(".maps");

/* sendto/sendmsg/sendmmsg with an address: a destination like a connect, but
 * without one (dgram.send to 198.51.100.66:9999 never calls connect()). */
/* True when this process already reported this destination (then counted). */
static __always_inline bool dgram_seen_before(struct watch_ctx *w, struct dgram_key *k)
{
	__u64 *n = bpf_map_lookup_elem(&dgram_seen, k);
	if (n) {
		__sync_fetch_and_add(n, 1);
		count_aggregated(w);
		return true;
	}
	__u64 one = 1;
	bpf_map_update_elem(&dgram_seen, k, &one, BPF_ANY);
	return false;
}

static __always_inline void emit_dgram_dest(struct watch_ctx *w, struct socket *s, const void *uaddr, int addrlen, __u32 source)
{
	struct dgram_key k = {.tgid = bpf_get_current_pid_tgid() >> 32, .start_time = process_start()};
	bool ok = read_user_sockaddr(uaddr, addrlen, &k.family, &k.port, k.addr, NULL);
	if (ok && k.family != AF_INET && k.family != AF_INET6 && k.family != AF_UNIX)
		return; /* AF_UNSPEC, netlink: not a destination */
	if (ok && k.family != AF_UNIX && dgram_seen_before(w, &k))
		return;
	struct fangs_net_ev *e = net_reserve(w, FANGS_OP_CONNECT, source);
	if (!e)
		return;
	e->sock_type = socket_type(s);
	if (ok) {
		read_user_sockaddr(uaddr, addrlen, &e->family, &e->port, e->addr, e->unix_path);
	} else {
		count_read_failure(w, &e->h); /* decoded as an unreadable destination, not dropped */
	}
	submit(w, e);
}

/* Sockets that already sent a ClientHello-looking record: a client sends one
 * per connection, so later ones on the same socket (a flood of datagrams
 * that merely look like TLS) are counted, not copied. */
/* A freed socket's memory is reused: the sockfs inode number (never reused
 * while the host is up) tells a new socket at the same address apart. */
struct tls_key {
	__u64 sock;
	__u64 ino;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct tls_key);
	__type(value, __u64);
} tls_seen SEC(".maps");

struct payload_args {
	const void *ubuf;
	__u64 len;
	__u32 source;
	__u16 family, port, sock_type, kind;
	__u8 addr[16];
};

/* A record with room for `cap` payload bytes: the ring gets no more than the
 * parser will read (a DNS query fits 512, most hellos 512 or 1024). `cap` is a
 * constant at each call site, so the verifier bounds the copy. */
static __always_inline int emit_payload_sized(struct watch_ctx *w, struct payload_args *a, const __u32 cap)
{
	struct fangs_payload_ev *e = reserve_event(w, offsetof(struct fangs_payload_ev, data) + cap, FANGS_OP_PAYLOAD, a->source);
	if (!e)
		return 0;
	e->family = a->family;
	e->port = a->port;
	e->sock_type = a->sock_type;
	e->kind = a->kind;
	__builtin_memcpy(e->addr, a->addr, sizeof(e->addr));
	e->_pad = 0;
	__u32 n = a->len > cap ? cap : (__u32)a->len;
	asm volatile("" : "+r"(n));
	if (n > cap || bpf_probe_read_user(e->data, n, a->ubuf)) {
		n = 0;
		count_read_failure(w, &e->h);
	}
	e->len = n;
	submit(w, e);
	return 0;
}

static __always_inline int emit_payload(int fd, const void *ubuf, __u64 len, const void *uaddr, int addrlen, __u32 source, bool require_socket)
{
	struct watch_ctx w;
	if (!current_watched(&w))
		return 0;
	struct socket *s = socket_of_fd(fd);
	if (!s && require_socket)
		return 0;
	if (uaddr && s)
		emit_dgram_dest(&w, s, uaddr, addrlen, source);
	if (len < 12 || !ubuf)
		return 0;

	struct payload_args a = {.ubuf = ubuf, .len = len, .source = source};
	if (uaddr)
		read_user_sockaddr(uaddr, addrlen, &a.family, &a.port, a.addr, NULL);
	else if (s)
		read_sock_addr(s, false, &a.family, &a.port, a.addr);

	__u8 head[6] = {};
	if (bpf_probe_read_user(head, sizeof(head), ubuf))
		return 0;
	if (a.port == 53) {
		a.kind = FANGS_PAYLOAD_DNS;
	} else if (looks_like_client_hello(head)) {
		a.kind = FANGS_PAYLOAD_TLS;
		if (s) {
			struct tls_key key = {.sock = (__u64)s, .ino = BPF_CORE_READ(s, file, f_inode, i_ino)};
			__u64 one = 1;
			__u64 *n = bpf_map_lookup_elem(&tls_seen, &key);
			if (n) {
				__sync_fetch_and_add(n, 1);
				count_aggregated(&w);
				return 0;
			}
			bpf_map_update_elem(&tls_seen, &key, &one, BPF_ANY);
		}
	} else {
		return 0;
	}
	a.sock_type = socket_type(s);
	/* DNS: a query is at most ~270 bytes (+2 over TCP) */
	if (a.kind == FANGS_PAYLOAD_DNS || len <= 512)
		return emit_payload_sized(&w, &a, 512);
	return emit_payload_sized(&w, &a, FANGS_PAYLOAD_LEN);
}

SEC("tracepoint/syscalls/sys_enter_sendto")
int tp_sys_enter_sendto(struct trace_event_raw_sys_enter *ctx)
{
	return emit_payload((int)ctx->args[0], (const void *)ctx->args[1], ctx->args[2], (const void *)ctx->args[4], (int)ctx->args[5], FANGS_SRC_SYS_ENTER_SENDTO, false);
}

static __always_inline int emit_msghdr(int fd, const struct user_msghdr *um, __u32 source)
{
	struct user_msghdr m = {};
	if (bpf_probe_read_user(&m, sizeof(m), um))
		return 0;
	struct iovec iov = {};
	if (!m.msg_iov || m.msg_iovlen < 1 || bpf_probe_read_user(&iov, sizeof(iov), m.msg_iov))
		iov.iov_base = NULL, iov.iov_len = 0; /* an empty datagram still has a destination */
	return emit_payload(fd, iov.iov_base, iov.iov_len, m.msg_name, m.msg_namelen, source, false);
}

SEC("tracepoint/syscalls/sys_enter_sendmsg")
int tp_sys_enter_sendmsg(struct trace_event_raw_sys_enter *ctx)
{
	return emit_msghdr((int)ctx->args[0], (const struct user_msghdr *)ctx->args[1], FANGS_SRC_SYS_ENTER_SENDMSG);
}

/* glibc's resolver sends the A and AAAA queries in one sendmmsg: the first
 * messages are parsed for DNS/TLS payloads. Every message's destination is
 * reported (libuv batches up to 20 datagrams per call, and an attacker could
 * hide the real one behind decoys): a bpf_loop over up to UIO_MAXIOV. */
#define FANGS_MMSG_MAX 4
#define FANGS_MMSG_DEST_MAX 1024

struct mmsg_ctx {
	const struct mmsghdr *vec;
	__u32 vlen;
	int fd;
};

static long mmsg_dest_step(__u32 i, void *arg)
{
	struct mmsg_ctx *c = arg;
	if (i >= c->vlen)
		return 1;
	struct user_msghdr m = {};
	if (bpf_probe_read_user(&m, sizeof(m), &c->vec[i].msg_hdr) || !m.msg_name)
		return 0;
	struct watch_ctx w;
	if (!current_watched(&w))
		return 1;
	struct socket *s = socket_of_fd(c->fd);
	if (s)
		emit_dgram_dest(&w, s, m.msg_name, m.msg_namelen, FANGS_SRC_SYS_ENTER_SENDMMSG);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_sendmmsg")
int tp_sys_enter_sendmmsg(struct trace_event_raw_sys_enter *ctx)
{
	const struct mmsghdr *vec = (const struct mmsghdr *)ctx->args[1];
	__u32 vlen = (__u32)ctx->args[2];
	int fd = (int)ctx->args[0];
	for (int i = 0; i < FANGS_MMSG_MAX; i++) {
		if (i >= vlen)
			break;
		emit_msghdr(fd, &vec[i].msg_hdr, FANGS_SRC_SYS_ENTER_SENDMMSG);
	}
	/* destinations past the first few (the ones above were reported, and
	 * repeats fold in dgram_seen) */
	if (vlen > FANGS_MMSG_MAX) {
		struct mmsg_ctx c = {.vec = vec, .vlen = vlen > FANGS_MMSG_DEST_MAX ? FANGS_MMSG_DEST_MAX : vlen, .fd = fd};
		bpf_loop(FANGS_MMSG_DEST_MAX, mmsg_dest_step, &c, 0);
	}
	return 0;
}

/* Node writes its ClientHello with write(2) on the TCP socket. */
SEC("tracepoint/syscalls/sys_enter_write")
int tp_sys_enter_write(struct trace_event_raw_sys_enter *ctx)
{
	return emit_payload((int)ctx->args[0], (const void *)ctx->args[1], ctx->args[2], NULL, 0, FANGS_SRC_SYS_ENTER_WRITE, true);
}

/* writev: the first iovec carries the record header and the hello. */
SEC("tracepoint/syscalls/sys_enter_writev")
int tp_sys_enter_writev(struct trace_event_raw_sys_enter *ctx)
{
	struct iovec iov = {};
	if (ctx->args[2] < 1 || bpf_probe_read_user(&iov, sizeof(iov), (const void *)ctx->args[1]))
		return 0;
	return emit_payload((int)ctx->args[0], iov.iov_base, iov.iov_len, NULL, 0, FANGS_SRC_SYS_ENTER_WRITEV, true);
}

/* (BPF_KPROBE: libbpf 1.1 has no BPF_UPROBE; same register ABI.)
 * SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME = 55, 0, hostname) sets the SNI. */
SEC("uprobe")
int BPF_KPROBE(up_ssl_ctrl, void *ssl, int cmd, long larg, const char *parg)
{
	if (cmd != 55 || !parg)
		return 0;
	struct watch_ctx w;
	if (!current_watched(&w))
		return 0;
	struct fangs_sni_ev *e = reserve_event(&w, sizeof(*e), FANGS_OP_SNI, FANGS_SRC_UPROBE_SSL_CTRL);
	if (!e)
		return 0;
	if (bpf_probe_read_user_str(e->sni, sizeof(e->sni), parg) < 0) {
		e->sni[0] = 0;
		count_read_failure(&w, &e->h);
	}
	submit(&w, e);
	return 0;
}
