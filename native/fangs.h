/* The C shim's API, called from exactly one TypeScript module
 * (src/sensor/ffi.ts). One sensor per process. Every function that can
 * fail returns a negative errno; fangs_last_error() names the step. PULL API:
 * no callbacks, no threads — TS drains the ring into a buffer it owns. */
#ifndef FANGS_SHIM_H
#define FANGS_SHIM_H
#include <stddef.h>
#include <stdint.h>

/* Probe stages reported by fangs_probe_info (out[0]). */
enum { FANGS_STAGE_ACTIVE = 0, FANGS_STAGE_LOAD = 1, FANGS_STAGE_ATTACH = 2, FANGS_STAGE_DEFERRED = 3, FANGS_STAGE_STANDBY = 4 };

int fangs_open(const void *obj, uint64_t obj_len, uint32_t ring_bytes);
void fangs_close(void);
int fangs_probe_count(void);
int fangs_probe_info(uint32_t i, char *name, uint32_t cap, int32_t *out2);
int fangs_attach_uprobe(const char *binary, const char *symbol);
int fangs_watch(uint64_t cgroup_id);
int fangs_unwatch(uint64_t cgroup_id);
int fangs_counters(uint64_t cgroup_id, uint64_t *out4);
int64_t fangs_drain(uint8_t *buf, uint64_t cap);
int fangs_layout(char *buf, uint32_t cap);
int fangs_last_error(char *buf, uint32_t cap);
int fangs_ensure_mount(const char *fstype, const char *path);

#endif
