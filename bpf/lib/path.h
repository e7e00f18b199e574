/* Paths as the kernel resolved them. The string a process passes to open(2)
 * or execve(2) can lie (symlinks, "..", relative names, a cut at our buffer);
 * the struct file the kernel installs cannot. bpf_d_path() would do this but
 * is only callable from fentry/LSM hooks, which do not load on every kernel
 * we run on (6.18 here refuses both), so this is d_path() by hand, as tracee
 * does: walk d_parent from the leaf to the task's root (current->fs->root,
 * so a chroot or a container root ends the walk where the process's own
 * "/" is), crossing mounts through mnt_mountpoint/mnt_parent, writing the
 * names right to left into a per-CPU scratch buffer. Bounded by depth and by
 * buffer size; hitting either sets FANGS_P_RES_TRUNCATED (the result is then
 * a suffix and the decoder marks it). */
#ifndef FANGS_PATH_H
#define FANGS_PATH_H

#define FANGS_PATH_DEPTH 48
#define FANGS_NAME_MAX 255
#define FANGS_SCRATCH_LEN (FANGS_RPATH_LEN * 2)
#define RMASK (FANGS_RPATH_LEN - 1)

struct path_scratch {
	char buf[FANGS_SCRATCH_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct path_scratch);
} path_scratch SEC(".maps");

static __always_inline struct mount *real_mount(struct vfsmount *vm)
{
	return (struct mount *)((void *)vm - bpf_core_field_offset(struct mount, mnt));
}

struct walk_ctx {
	struct dentry *d, *root_d;
	struct vfsmount *vm, *root_m;
	struct mount *m, *mp;
	int pos; /* the string is buf[pos .. FANGS_RPATH_LEN) */
	__u32 flags;
	bool done;
};

/* One step of the walk, run by bpf_loop: the verifier checks this body once
 * instead of once per iteration and per path of state (an open-coded loop of
 * 48 steps blew through the 1M-instruction budget). Returns 1 to stop. */
static long walk_step(__u32 i, void *arg)
{
	struct walk_ctx *c = arg;
	__u32 zero = 0;
	struct path_scratch *s = bpf_map_lookup_elem(&path_scratch, &zero);
	if (!s)
		return 1;
	struct dentry *d = c->d;
	if (d == c->root_d && c->vm == c->root_m) {
		c->done = true;
		return 1;
	}
	/* locals, not c->x, inside BPF_CORE_READ: the macro would try to
	 * relocate walk_ctx's own fields */
	struct vfsmount *vm = c->vm;
	struct mount *m = c->m, *mp = c->mp;
	struct dentry *parent = BPF_CORE_READ(d, d_parent);
	struct dentry *mnt_root = BPF_CORE_READ(vm, mnt_root);
	bool pseudo = false;
	if (d == mnt_root || d == parent) {
		if (d == mnt_root && m != mp) {
			/* top of this mount: continue at its mountpoint in the parent */
			c->d = BPF_CORE_READ(m, mnt_mountpoint);
			c->m = mp;
			c->mp = BPF_CORE_READ(mp, mnt_parent);
			c->vm = (struct vfsmount *)((void *)mp + bpf_core_field_offset(struct mount, mnt));
			return 0;
		}
		/* a root that is not the task's: an internal or foreign mount
		 * (memfd, pipe, socket, anon inode) or another mount namespace */
		c->flags |= FANGS_P_DETACHED;
		if (d == mnt_root) {
			c->done = true;
			return 1;
		}
		pseudo = true; /* d_alloc_pseudo: its own parent, named "memfd:x" */
	}
	struct qstr q = BPF_CORE_READ(d, d_name);
	__u32 len = q.len;
	if (len > FANGS_NAME_MAX)
		len = FANGS_NAME_MAX;
	int pos = c->pos;
	if (pos - (int)len - 1 < 1) {
		c->flags |= FANGS_P_RES_TRUNCATED;
		return 1;
	}
	pos -= len;
	bpf_probe_read_kernel(&s->buf[pos & RMASK], len & FANGS_NAME_MAX, q.name);
	if (pseudo) {
		c->pos = pos;
		c->done = true;
		return 1;
	}
	pos -= 1;
	s->buf[pos & RMASK] = '/';
	c->pos = pos;
	c->d = parent;
	return 0;
}

/* Write the absolute path of (dentry, vfsmnt) into out[FANGS_RPATH_LEN],
 * NUL-terminated. Returns FANGS_P_* bits to OR into path_flags
 * (FANGS_P_RESOLVED on success, 0 when nothing could be resolved). */
static __always_inline __u32 resolve_dentry(struct dentry *d, struct vfsmount *vm, char *out)
{
	__u32 zero = 0;
	struct path_scratch *s = bpf_map_lookup_elem(&path_scratch, &zero);
	out[0] = 0;
	if (!s || !d || !vm)
		return 0;
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct walk_ctx c = {
		.d = d,
		.vm = vm,
		.root_d = BPF_CORE_READ(t, fs, root.dentry),
		.root_m = BPF_CORE_READ(t, fs, root.mnt),
		.m = real_mount(vm),
		.pos = FANGS_RPATH_LEN,
		.flags = FANGS_P_RESOLVED,
	};
	struct mount *m0 = c.m;
	c.mp = BPF_CORE_READ(m0, mnt_parent);
	/* the leaf unlinked since it was opened (d_unlinked: unhashed, not a root) */
	if (!BPF_CORE_READ(d, d_hash.pprev) && BPF_CORE_READ(d, d_parent) != d)
		c.flags |= FANGS_P_DELETED;
	bpf_loop(FANGS_PATH_DEPTH, walk_step, &c, 0);
	if (!c.done)
		c.flags |= FANGS_P_RES_TRUNCATED;
	int pos = c.pos;
	if (pos >= FANGS_RPATH_LEN || pos < 1) {
		out[0] = '/';
		out[1] = 0;
		return c.flags;
	}
	__u32 n = FANGS_RPATH_LEN - pos;
	bpf_probe_read_kernel(out, n & RMASK, &s->buf[pos & RMASK]);
	out[n & RMASK] = 0;
	return c.flags;
}

static __always_inline __u32 resolve_file(struct file *f, char *out)
{
	if (!f) {
		out[0] = 0;
		return 0;
	}
	return resolve_dentry(BPF_CORE_READ(f, f_path.dentry), BPF_CORE_READ(f, f_path.mnt), out);
}

#define FANGS_AT_FDCWD -100

/* The directory a relative name is looked up in: the cwd, or dirfd's file. */
static __always_inline __u32 resolve_base(int dirfd, char *out)
{
	if (dirfd == FANGS_AT_FDCWD) {
		struct task_struct *t = (struct task_struct *)bpf_get_current_task();
		return resolve_dentry(BPF_CORE_READ(t, fs, pwd.dentry), BPF_CORE_READ(t, fs, pwd.mnt), out);
	}
	return resolve_file(file_of_fd(dirfd), out);
}

/* Read a user string into dst[FANGS_PATH_LEN]; returns FANGS_P_REQ_* bits.
 * A string that fills the buffer is truncated unless its last byte was the
 * NUL: one more byte tells. */
static __always_inline __u32 read_user_path(char *dst, const char *src)
{
	long n = src ? bpf_probe_read_user_str(dst, FANGS_PATH_LEN, src) : -1;
	if (n < 0) {
		dst[0] = 0;
		return FANGS_P_REQ_UNREADABLE;
	}
	if (n == FANGS_PATH_LEN) {
		char c = 0;
		if (bpf_probe_read_user(&c, 1, src + FANGS_PATH_LEN - 1) || c)
			return FANGS_P_REQ_TRUNCATED;
	}
	return 0;
}

#endif
