/* Loader lifecycle over libbpf: open (from memory) -> size the ring -> load
 * (each program that this kernel accepts) -> attach each probe -> map the ring
 * -> drain on demand -> close. Each failure returns -errno and leaves a
 * sentence in fangs_last_error() naming the step. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "../bpf/events.h"
#include "fangs.h"
#include "ringbuf.h"

#define MAX_PROBES 128 /* programs + per-binary uprobes; ProbeStatus list in src/protocol/runner.ts allows as many */
#define UPROBE_SECTION_PROG "up_ssl_ctrl"

struct probe {
	char name[160];
	int stage; /* FANGS_STAGE_* */
	int err;   /* -errno, 0 when active */
	struct bpf_link *link;
};

static struct {
	struct bpf_object *obj;
	struct rb ring;
	int watched_fd, global_fd;
	struct probe probes[MAX_PROBES];
	int n_probes;
	char err[512];
	char libbpf_last[256];
} S;

static int fail(int err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(S.err, sizeof(S.err), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if (n < (int)sizeof(S.err))
		snprintf(S.err + n, sizeof(S.err) - n, ": %s%s%s", strerror(err < 0 ? -err : err), S.libbpf_last[0] ? " (libbpf: " : "", S.libbpf_last[0] ? S.libbpf_last : "");
	if (S.libbpf_last[0]) {
		size_t l = strlen(S.err);
		if (l + 1 < sizeof(S.err))
			strcpy(S.err + l, ")");
	}
	return err < 0 ? err : -err;
}

/* Keep libbpf quiet (verifier logs are huge) but remember its last warning
 * for the error sentence; FANGS_LIBBPF_DEBUG=1 prints everything. */
static int on_libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (getenv("FANGS_LIBBPF_DEBUG"))
		return vfprintf(stderr, fmt, ap);
	if (level == LIBBPF_WARN) {
		char line[256];
		vsnprintf(line, sizeof(line), fmt, ap);
		line[strcspn(line, "\n")] = 0;
		if (line[0])
			snprintf(S.libbpf_last, sizeof(S.libbpf_last), "%s", line);
	}
	return 0;
}

static struct bpf_object *open_obj(const void *obj, uint64_t len, uint32_t ring_bytes)
{
	struct bpf_object *o = bpf_object__open_mem(obj, len, NULL);
	if (!o)
		return NULL;
	struct bpf_map *m = bpf_object__find_map_by_name(o, "events");
	if (!m || bpf_map__set_max_entries(m, ring_bytes)) {
		bpf_object__close(o);
		errno = EINVAL;
		return NULL;
	}
	return o;
}

/* Load each program alone (with a tiny ring) to learn which ones this kernel
 * accepts: libbpf loads an object all-or-nothing. Only used when loading
 * everything at once failed, so a capable kernel pays for one load. */
static void probe_each(const void *obj, uint64_t len, int *load_err, int n)
{
	for (int i = 0; i < n; i++) {
		struct bpf_object *o = open_obj(obj, len, 4096);
		load_err[i] = -EINVAL;
		if (!o)
			continue;
		struct bpf_program *p;
		int j = 0;
		bpf_object__for_each_program(p, o) bpf_program__set_autoload(p, j++ == i);
		load_err[i] = bpf_object__load(o);
		bpf_object__close(o);
	}
}

static struct probe *add_probe(const char *name)
{
	if (S.n_probes >= MAX_PROBES)
		return NULL;
	struct probe *pr = &S.probes[S.n_probes++];
	memset(pr, 0, sizeof(*pr));
	snprintf(pr->name, sizeof(pr->name), "%s", name);
	return pr;
}

static struct probe *find_probe(const char *name)
{
	for (int i = 0; i < S.n_probes; i++)
		if (!strcmp(S.probes[i].name, name))
			return &S.probes[i];
	return NULL;
}

/* Programs attached to more tracepoints than the one their SEC names: one
 * exit handler serves every link-class syscall (bpf/hooks/fileop.h), so the
 * kernel verifies it once. Each extra attachment is its own probe entry,
 * named like a program (tp_<tracepoint>) so it reports as such. KEEP IN SYNC
 * with the FILEOP_ENTER list in bpf/hooks/fileop.h. */
static const struct {
	const char *prog;
	const char *tps[16];
} EXTRA_TRACEPOINTS[] = {
	{"tp_sys_exit_fileop",
	 {"sys_exit_symlinkat", "sys_exit_link", "sys_exit_linkat", "sys_exit_rename", "sys_exit_renameat", "sys_exit_renameat2",
	  "sys_exit_unlink", "sys_exit_unlinkat", "sys_exit_rmdir", "sys_exit_mkdir", "sys_exit_mkdirat", "sys_exit_chmod",
	  "sys_exit_fchmodat", "sys_exit_fchmodat2", "sys_exit_fchmod", NULL}},
};

static void attach_extra(struct bpf_program *p)
{
	for (size_t i = 0; i < sizeof(EXTRA_TRACEPOINTS) / sizeof(EXTRA_TRACEPOINTS[0]); i++) {
		if (strcmp(bpf_program__name(p), EXTRA_TRACEPOINTS[i].prog))
			continue;
		for (int j = 0; j < 16 && EXTRA_TRACEPOINTS[i].tps[j]; j++) {
			char name[160];
			snprintf(name, sizeof(name), "tp_%s", EXTRA_TRACEPOINTS[i].tps[j]);
			struct probe *pr = add_probe(name);
			if (!pr)
				return;
			pr->link = bpf_program__attach_tracepoint(p, "syscalls", EXTRA_TRACEPOINTS[i].tps[j]);
			if (!pr->link) {
				pr->stage = FANGS_STAGE_ATTACH;
				pr->err = -errno;
			}
		}
	}
}

/* When the preferred hooks a and b are both active, detach the fallback. */
static void prefer_over(const char *a, const char *b, const char *fallback)
{
	struct probe *pa = find_probe(a), *pb = find_probe(b), *pf = find_probe(fallback);
	if (!pa || !pb || !pf || !pa->link || !pb->link || !pf->link)
		return;
	bpf_link__destroy(pf->link);
	pf->link = NULL;
	pf->stage = FANGS_STAGE_STANDBY;
	pf->err = 0;
}

int fangs_open(const void *obj, uint64_t obj_len, uint32_t ring_bytes)
{
	if (S.obj)
		return fail(-EBUSY, "open: the sensor is already open in this process");
	libbpf_set_print(on_libbpf_print);
	S.libbpf_last[0] = 0;
	S.n_probes = 0;

	/* 1. open + size the ring */
	S.obj = open_obj(obj, obj_len, ring_bytes);
	if (!S.obj)
		return fail(-errno, "open: cannot parse the BPF object or set the ring size to %u bytes", ring_bytes);

	/* 2. load: everything, or else each program that loads on its own */
	int n = 0;
	struct bpf_program *p;
	bpf_object__for_each_program(p, S.obj) n++;
	if (n > MAX_PROBES)
		n = MAX_PROBES;
	int err = bpf_object__load(S.obj);
	if (err) {
		int load_err[MAX_PROBES];
		bpf_object__close(S.obj);
		probe_each(obj, obj_len, load_err, n);
		S.obj = open_obj(obj, obj_len, ring_bytes);
		if (!S.obj)
			return fail(-errno, "open: cannot reopen the BPF object");
		int i = 0, any = 0;
		bpf_object__for_each_program(p, S.obj) {
			bool ok = i < n && load_err[i] == 0;
			bpf_program__set_autoload(p, ok);
			if (!ok) {
				struct probe *pr = add_probe(bpf_program__name(p));
				if (pr)
					pr->stage = FANGS_STAGE_LOAD, pr->err = i < n ? load_err[i] : -E2BIG;
			}
			any |= ok;
			i++;
		}
		if (!any) {
			int e2 = err;
			bpf_object__close(S.obj);
			S.obj = NULL;
			return fail(e2, "load: the kernel refused every BPF program (need root/CAP_BPF+CAP_PERFMON and kernel BTF)");
		}
		err = bpf_object__load(S.obj);
		if (err) {
			bpf_object__close(S.obj);
			S.obj = NULL;
			return fail(err, "load: loading the programs that load alone failed together");
		}
	}

	/* 3. attach each probe; a failure is recorded and the rest go on */
	bpf_object__for_each_program(p, S.obj) {
		if (!bpf_program__autoload(p))
			continue;
		if (!strcmp(bpf_program__name(p), UPROBE_SECTION_PROG)) {
			struct probe *pr = add_probe(bpf_program__name(p));
			if (pr)
				pr->stage = FANGS_STAGE_DEFERRED; /* attached per binary: fangs_attach_uprobe */
			continue;
		}
		struct probe *pr = add_probe(bpf_program__name(p));
		if (!pr)
			break;
		S.libbpf_last[0] = 0;
		pr->link = bpf_program__attach(p);
		if (!pr->link) {
			pr->stage = FANGS_STAGE_ATTACH;
			pr->err = -errno;
		}
		attach_extra(p);
	}

	/* 3b. best hook wins: with both kprobes attached, inet_sock_set_state
	 * would report every TCP connect a second time, so it stands by */
	prefer_over("kp_tcp_v4_connect", "kp_tcp_v6_connect", "tp_inet_sock_set_state");

	/* 4. maps and the ring */
	S.watched_fd = bpf_object__find_map_fd_by_name(S.obj, "watched");
	S.global_fd = bpf_object__find_map_fd_by_name(S.obj, "global_counters");
	int ring_fd = bpf_object__find_map_fd_by_name(S.obj, "events");
	if (S.watched_fd < 0 || S.global_fd < 0 || ring_fd < 0) {
		fangs_close();
		return fail(-ENOENT, "maps: the BPF object lacks the watched/global_counters/events maps");
	}
	err = rb_map(&S.ring, ring_fd, ring_bytes);
	if (err) {
		fangs_close();
		return fail(err, "ring: cannot mmap the %u-byte ring buffer", ring_bytes);
	}
	return 0;
}

/* Each tracepoint link's detach waits for an RCU grace period under the
 * kernel's event mutex (tens of ms each on a busy host, ~3 s for 60 probes
 * here; detaching from several threads at once did not help): closing is
 * slow, which is why one runner process keeps one sensor open. */
void fangs_close(void)
{
	for (int i = 0; i < S.n_probes; i++)
		if (S.probes[i].link)
			bpf_link__destroy(S.probes[i].link);
	S.n_probes = 0;
	rb_unmap(&S.ring);
	if (S.obj)
		bpf_object__close(S.obj);
	S.obj = NULL;
}

int fangs_probe_count(void) { return S.n_probes; }

int fangs_probe_info(uint32_t i, char *name, uint32_t cap, int32_t *out2)
{
	if (i >= (uint32_t)S.n_probes)
		return -ERANGE;
	snprintf(name, cap, "%s", S.probes[i].name);
	out2[0] = S.probes[i].stage;
	out2[1] = S.probes[i].err;
	return 0;
}

int fangs_attach_uprobe(const char *binary, const char *symbol)
{
	if (!S.obj)
		return fail(-EBADF, "uprobe: the sensor is not open");
	struct bpf_program *p = bpf_object__find_program_by_name(S.obj, UPROBE_SECTION_PROG);
	char label[160];
	snprintf(label, sizeof(label), "uprobe:%s@%s", symbol, binary);
	struct probe *pr = add_probe(label);
	if (!pr)
		return fail(-ENOSPC, "uprobe: too many probes");
	if (!p || !bpf_program__autoload(p)) {
		pr->stage = FANGS_STAGE_LOAD, pr->err = -ENOENT;
		return fail(-ENOENT, "uprobe %s: the uprobe program did not load on this kernel", label);
	}
	LIBBPF_OPTS(bpf_uprobe_opts, opts, .func_name = symbol);
	S.libbpf_last[0] = 0;
	pr->link = bpf_program__attach_uprobe_opts(p, -1, binary, 0, &opts);
	if (!pr->link) {
		pr->stage = FANGS_STAGE_ATTACH, pr->err = -errno;
		return fail(pr->err, "uprobe %s: attach failed", label);
	}
	return 0;
}

int fangs_watch(uint64_t cgroup_id)
{
	struct fangs_counters zero = {0};
	if (!S.obj)
		return fail(-EBADF, "watch: the sensor is not open");
	if (bpf_map_update_elem(S.watched_fd, &cgroup_id, &zero, BPF_NOEXIST))
		return fail(-errno, "watch: cannot add cgroup %llu", (unsigned long long)cgroup_id);
	return 0;
}

int fangs_unwatch(uint64_t cgroup_id)
{
	if (!S.obj)
		return fail(-EBADF, "unwatch: the sensor is not open");
	if (bpf_map_delete_elem(S.watched_fd, &cgroup_id))
		return fail(-errno, "unwatch: cgroup %llu", (unsigned long long)cgroup_id);
	return 0;
}

/* out4: events, ringbuf_drops, read_failures, aggregated. cgroup_id 0 = global totals. */
int fangs_counters(uint64_t cgroup_id, uint64_t *out4)
{
	struct fangs_counters c = {0};
	if (!S.obj)
		return fail(-EBADF, "counters: the sensor is not open");
	int err;
	if (cgroup_id == 0) {
		uint32_t zero = 0;
		err = bpf_map_lookup_elem(S.global_fd, &zero, &c);
	} else {
		err = bpf_map_lookup_elem(S.watched_fd, &cgroup_id, &c);
	}
	if (err)
		return fail(-errno, "counters: cgroup %llu is not watched", (unsigned long long)cgroup_id);
	out4[0] = c.events;
	out4[1] = c.ringbuf_drops;
	out4[2] = c.read_failures;
	out4[3] = c.aggregated;
	return 0;
}

int64_t fangs_drain(uint8_t *buf, uint64_t cap)
{
	if (!S.ring.data)
		return fail(-EBADF, "drain: the sensor is not open");
	return rb_drain(&S.ring, buf, cap);
}

int fangs_last_error(char *buf, uint32_t cap)
{
	return snprintf(buf, cap, "%s", S.err);
}

/* Mount tracefs / bpffs when missing. Returns 0 when already mounted, 1 when
 * this call mounted it, -errno on failure. */
int fangs_ensure_mount(const char *fstype, const char *path)
{
	struct statfs st;
	long magic = !strcmp(fstype, "tracefs") ? 0x74726163L : !strcmp(fstype, "bpf") ? 0xcafe4a11L : 0;
	if (!magic)
		return fail(-EINVAL, "mount: unknown filesystem type %s", fstype);
	if (statfs(path, &st) == 0 && (long)st.f_type == magic)
		return 0;
	if (mount(fstype, path, fstype, 0, NULL))
		return fail(-errno, "mount: cannot mount %s at %s", fstype, path);
	return 1;
}
