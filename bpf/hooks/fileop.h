/* Link-class file operations: symlink, link, rename, unlink, mkdir, chmod and
 * their *at forms (and fchmod). Paired like opens: the enter probe remembers
 * the arguments, the exit probe writes one record with the result, the names
 * re-read (the kernel has faulted their pages in) and the directory a
 * relative name was looked up in (cwd or dirfd, bpf/lib/path.h). A planted
 * symlink from a baseline path to ~/.npmrc is itself an event, before any
 * open through it. */

struct pending_fileop {
	const char *p1, *p2;
	__s32 dirfd, dirfd2;
	__u32 fop, mode;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, __u64);
	__type(value, struct pending_fileop);
} pending_fileops SEC(".maps");

static __always_inline int remember_fileop(__u32 fop, int dirfd, const char *p1, int dirfd2, const char *p2, __u32 mode)
{
	struct watch_ctx w;
	if (!current_watched(&w))
		return 0;
	__u64 id = bpf_get_current_pid_tgid();
	struct pending_fileop p = {.p1 = p1, .p2 = p2, .dirfd = dirfd, .dirfd2 = dirfd2, .fop = fop, .mode = mode};
	bpf_map_update_elem(&pending_fileops, &id, &p, BPF_ANY);
	return 0;
}

static __always_inline int emit_fileop_exit(long ret)
{
	struct watch_ctx w;
	if (!current_watched(&w))
		return 0;
	__u64 id = bpf_get_current_pid_tgid();
	struct pending_fileop *pp = bpf_map_lookup_elem(&pending_fileops, &id);
	if (!pp)
		return 0; /* enter not seen (attached mid-call): nothing to name */
	struct pending_fileop p = *pp;
	bpf_map_delete_elem(&pending_fileops, &id);
	struct fangs_fileop_ev *e = reserve_event(&w, sizeof(*e), FANGS_OP_FILEOP, FANGS_SRC_SYS_EXIT_FILEOP);
	if (!e)
		return 0;
	e->fop = p.fop;
	e->ret = (__s32)ret;
	e->dirfd = p.dirfd;
	e->dirfd2 = p.dirfd2;
	e->mode = p.mode;
	e->resolved[0] = 0;
	__u32 pf = 0;
	if (p.p1) {
		pf = read_user_path(e->path, p.p1);
		if (pf & FANGS_P_REQ_UNREADABLE)
			count_read_failure(&w, &e->h);
	} else {
		e->path[0] = 0; /* fchmod: the object is the fd */
	}
	if (p.p2) {
		if (read_user_path(e->path2, p.p2) & FANGS_P_REQ_UNREADABLE)
			count_read_failure(&w, &e->h);
	} else {
		e->path2[0] = 0;
	}
	if (!p.p1) {
		pf |= FANGS_P_EMPTY_PATH | resolve_file(file_of_fd(p.dirfd), e->resolved);
	} else if (!(pf & FANGS_P_REQ_UNREADABLE) && e->path[0] != '/') {
		__u32 b = resolve_base(p.dirfd, e->resolved);
		if (b)
			pf |= (b & ~FANGS_P_RESOLVED) | FANGS_P_BASE_ONLY;
	}
	e->path_flags = pf;
	submit(&w, e);
	return 0;
}

/* One exit program for all of them: verified once, attached by the loader
 * (native/shim.c EXTRA_TRACEPOINTS) to every sys_exit_<name> below besides
 * its own. 16 copies of this body made loading several seconds slower. */
SEC("tracepoint/syscalls/sys_exit_symlink")
int tp_sys_exit_fileop(struct trace_event_raw_sys_exit *ctx)
{
	return emit_fileop_exit(ctx->ret);
}

#define A(i) (ctx->args[i])
#define S(i) ((const char *)ctx->args[i])
#define FILEOP_ENTER(name, fop, dirfd, p1, dirfd2, p2, mode)             \
	SEC("tracepoint/syscalls/sys_enter_" #name)                     \
	int tp_sys_enter_##name(struct trace_event_raw_sys_enter *ctx)  \
	{                                                               \
		return remember_fileop(fop, dirfd, p1, dirfd2, p2, mode); \
	}

/*           syscall     op                 dirfd         path   dirfd2        path2  mode/flags */
FILEOP_ENTER(symlink,    FANGS_FOP_SYMLINK, FANGS_AT_FDCWD, S(1), FANGS_AT_FDCWD, S(0), 0)
FILEOP_ENTER(symlinkat,  FANGS_FOP_SYMLINK, (int)A(1),    S(2),  FANGS_AT_FDCWD, S(0), 0)
FILEOP_ENTER(link,       FANGS_FOP_LINK,    FANGS_AT_FDCWD, S(1), FANGS_AT_FDCWD, S(0), 0)
FILEOP_ENTER(linkat,     FANGS_FOP_LINK,    (int)A(2),    S(3),  (int)A(0),    S(1),  (__u32)A(4))
FILEOP_ENTER(rename,     FANGS_FOP_RENAME,  FANGS_AT_FDCWD, S(1), FANGS_AT_FDCWD, S(0), 0)
FILEOP_ENTER(renameat,   FANGS_FOP_RENAME,  (int)A(2),    S(3),  (int)A(0),    S(1),  0)
FILEOP_ENTER(renameat2,  FANGS_FOP_RENAME,  (int)A(2),    S(3),  (int)A(0),    S(1),  (__u32)A(4))
FILEOP_ENTER(unlink,     FANGS_FOP_UNLINK,  FANGS_AT_FDCWD, S(0), FANGS_AT_FDCWD, NULL, 0)
FILEOP_ENTER(unlinkat,   FANGS_FOP_UNLINK,  (int)A(0),    S(1),  FANGS_AT_FDCWD, NULL, (__u32)A(2))
FILEOP_ENTER(rmdir,      FANGS_FOP_UNLINK,  FANGS_AT_FDCWD, S(0), FANGS_AT_FDCWD, NULL, 0x200 /* AT_REMOVEDIR */)
FILEOP_ENTER(mkdir,      FANGS_FOP_MKDIR,   FANGS_AT_FDCWD, S(0), FANGS_AT_FDCWD, NULL, (__u32)A(1))
FILEOP_ENTER(mkdirat,    FANGS_FOP_MKDIR,   (int)A(0),    S(1),  FANGS_AT_FDCWD, NULL, (__u32)A(2))
FILEOP_ENTER(chmod,      FANGS_FOP_CHMOD,   FANGS_AT_FDCWD, S(0), FANGS_AT_FDCWD, NULL, (__u32)A(1))
FILEOP_ENTER(fchmodat,   FANGS_FOP_CHMOD,   (int)A(0),    S(1),  FANGS_AT_FDCWD, NULL, (__u32)A(2))
FILEOP_ENTER(fchmodat2,  FANGS_FOP_CHMOD,   (int)A(0),    S(1),  FANGS_AT_FDCWD, NULL, (__u32)A(2))
FILEOP_ENTER(fchmod,     FANGS_FOP_CHMOD,   (int)A(0),    NULL,  FANGS_AT_FDCWD, NULL, (__u32)A(1))

#undef A
#undef S
