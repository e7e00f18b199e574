/* Sizes and offsets of the wire structs as compiled, for the decoder test
 * (src/events/opcodes.ts LAYOUT must agree). JSON: {"struct":{"size":N,"field":off,...},...} */
#include <stddef.h>
#include <stdio.h>
#include "../bpf/events.h"
#include "fangs.h"

/* KEEP IN SYNC: a new struct field, op or source in bpf/events.h gets a line here. */

#define F(s, f) pos += snprintf(buf + pos, pos < cap ? cap - pos : 0, ",\"" #f "\":%zu", offsetof(struct s, f))
#define BEGIN(s) pos += snprintf(buf + pos, pos < cap ? cap - pos : 0, "%s\"" #s "\":{\"size\":%zu", first ? "" : ",", sizeof(struct s)), first = 0
#define END() pos += snprintf(buf + pos, pos < cap ? cap - pos : 0, "}")

int fangs_layout(char *buf, uint32_t cap)
{
	size_t pos = 0;
	int first = 1;
	pos += snprintf(buf, cap, "{");
	BEGIN(fangs_ancestor); F(fangs_ancestor, pid); F(fangs_ancestor, comm); F(fangs_ancestor, exe); END();
	BEGIN(fangs_hdr); F(fangs_hdr, op); F(fangs_hdr, source); F(fangs_hdr, ts_ns); F(fangs_hdr, cgroup_id); F(fangs_hdr, pid);
	F(fangs_hdr, tid); F(fangs_hdr, ppid); F(fangs_hdr, uid); F(fangs_hdr, flags); F(fangs_hdr, n_ancestors); F(fangs_hdr, comm);
	F(fangs_hdr, exe); F(fangs_hdr, ancestors); END();
	BEGIN(fangs_exec_ev); F(fangs_exec_ev, argc); F(fangs_exec_ev, args_len); F(fangs_exec_ev, filename); F(fangs_exec_ev, args);
	F(fangs_exec_ev, ret); F(fangs_exec_ev, path_flags); F(fangs_exec_ev, dirfd); F(fangs_exec_ev, at_flags); F(fangs_exec_ev, resolved); END();
	BEGIN(fangs_file_ev); F(fangs_file_ev, dirfd); F(fangs_file_ev, flags); F(fangs_file_ev, mode); F(fangs_file_ev, path);
	F(fangs_file_ev, ret); F(fangs_file_ev, path_flags); F(fangs_file_ev, resolved); END();
	BEGIN(fangs_fork_ev); F(fangs_fork_ev, child_pid); END();
	BEGIN(fangs_exit_ev); F(fangs_exit_ev, exit_code); END();
	BEGIN(fangs_fileop_ev); F(fangs_fileop_ev, fop); F(fangs_fileop_ev, ret); F(fangs_fileop_ev, dirfd); F(fangs_fileop_ev, dirfd2);
	F(fangs_fileop_ev, mode); F(fangs_fileop_ev, path_flags); F(fangs_fileop_ev, path); F(fangs_fileop_ev, path2); F(fangs_fileop_ev, resolved); END();
	BEGIN(fangs_socket_ev); F(fangs_socket_ev, family); F(fangs_socket_ev, type); F(fangs_socket_ev, protocol); END();
	BEGIN(fangs_net_ev); F(fangs_net_ev, family); F(fangs_net_ev, port); F(fangs_net_ev, sock_type); F(fangs_net_ev, addr); F(fangs_net_ev, unix_path);
	F(fangs_net_ev, ret); F(fangs_net_ev, path_flags); F(fangs_net_ev, resolved); END();
	BEGIN(fangs_payload_ev); F(fangs_payload_ev, family); F(fangs_payload_ev, port); F(fangs_payload_ev, sock_type); F(fangs_payload_ev, kind);
	F(fangs_payload_ev, addr); F(fangs_payload_ev, len); F(fangs_payload_ev, data); END();
	BEGIN(fangs_sni_ev); F(fangs_sni_ev, sni); END();
	BEGIN(fangs_counters); F(fangs_counters, events); F(fangs_counters, ringbuf_drops); F(fangs_counters, read_failures); F(fangs_counters, aggregated); END();
	/* enum values, so the TS tables (OP, SOURCES) are checked too */
#define E(name) pos += snprintf(buf + pos, pos < cap ? cap - pos : 0, "%s\"" #name "\":%d", first ? "" : ",", (int)name), first = 0
	pos += snprintf(buf + pos, pos < cap ? cap - pos : 0, ",\"enums\":{");
	first = 1;
	E(FANGS_OP_EXEC); E(FANGS_OP_FILE); E(FANGS_OP_CONNECT); E(FANGS_OP_LISTEN); E(FANGS_OP_PAYLOAD); E(FANGS_OP_SNI);
	E(FANGS_OP_FORK); E(FANGS_OP_EXIT); E(FANGS_OP_SOCKET); E(FANGS_OP_FILEOP);
	E(FANGS_SRC_SYS_ENTER_OPENAT); E(FANGS_SRC_SYS_ENTER_OPENAT2); E(FANGS_SRC_SYS_ENTER_OPEN); E(FANGS_SRC_SYS_ENTER_EXECVE);
	E(FANGS_SRC_SYS_ENTER_EXECVEAT); E(FANGS_SRC_SCHED_PROCESS_EXEC); E(FANGS_SRC_SYS_ENTER_CONNECT); E(FANGS_SRC_KPROBE_TCP_V4_CONNECT);
	E(FANGS_SRC_KPROBE_TCP_V6_CONNECT); E(FANGS_SRC_INET_SOCK_SET_STATE); E(FANGS_SRC_SYS_ENTER_SENDTO); E(FANGS_SRC_SYS_ENTER_SENDMSG);
	E(FANGS_SRC_SYS_ENTER_SENDMMSG); E(FANGS_SRC_SYS_ENTER_WRITE); E(FANGS_SRC_UPROBE_SSL_CTRL); E(FANGS_SRC_SYS_ENTER_BIND);
	E(FANGS_SRC_SYS_ENTER_LISTEN); E(FANGS_SRC_IO_URING_SUBMIT_REQ); E(FANGS_SRC_SYS_ENTER_WRITEV);
	E(FANGS_SRC_SYS_EXIT_OPENAT); E(FANGS_SRC_SYS_EXIT_OPENAT2); E(FANGS_SRC_SYS_EXIT_OPEN); E(FANGS_SRC_SYS_EXIT_EXECVE);
	E(FANGS_SRC_SYS_EXIT_EXECVEAT); E(FANGS_SRC_SCHED_PROCESS_FORK); E(FANGS_SRC_SCHED_PROCESS_EXIT); E(FANGS_SRC_SYS_ENTER_SOCKET);
	E(FANGS_SRC_SYS_EXIT_FILEOP); E(FANGS_SRC_SYS_EXIT_CONNECT); E(FANGS_SRC_IO_URING_COMPLETE);
	E(FANGS_FOP_SYMLINK); E(FANGS_FOP_LINK); E(FANGS_FOP_RENAME); E(FANGS_FOP_UNLINK); E(FANGS_FOP_MKDIR); E(FANGS_FOP_CHMOD);
	E(FANGS_F_READ_FAILED); E(FANGS_F_ARGS_TRUNCATED); E(FANGS_PAYLOAD_DNS); E(FANGS_PAYLOAD_TLS);
	E(FANGS_P_REQ_TRUNCATED); E(FANGS_P_REQ_UNREADABLE); E(FANGS_P_RESOLVED); E(FANGS_P_BASE_ONLY); E(FANGS_P_RES_TRUNCATED);
	E(FANGS_P_DETACHED); E(FANGS_P_DELETED); E(FANGS_P_EMPTY_PATH);
	pos += snprintf(buf + pos, pos < cap ? cap - pos : 0, "}}");
	return (int)pos;
}
