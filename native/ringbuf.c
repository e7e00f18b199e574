/* A BPF ring-buffer consumer that can stop early. libbpf 1.1's
 * ring_buffer__consume() drops the record its callback refuses, so when the
 * caller's buffer is full we would lose events; reading the ring ourselves
 * lets us leave unread records in the kernel ring for the next drain. */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/bpf.h>
#include "ringbuf.h"

int rb_map(struct rb *r, int map_fd, uint32_t size)
{
	long page = sysconf(_SC_PAGESIZE);
	r->page = page;
	r->size = size;
	r->cons = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
	if (r->cons == MAP_FAILED)
		return r->cons = NULL, -errno;
	/* producer page, then the data pages mapped twice so a record that
	 * wraps around the end is contiguous */
	r->prod = mmap(NULL, page + 2 * (size_t)size, PROT_READ, MAP_SHARED, map_fd, page);
	if (r->prod == MAP_FAILED) {
		int err = -errno;
		munmap(r->cons, page);
		r->cons = r->prod = NULL;
		return err;
	}
	r->data = (uint8_t *)r->prod + page;
	return 0;
}

void rb_unmap(struct rb *r)
{
	if (r->cons)
		munmap(r->cons, r->page);
	if (r->prod)
		munmap(r->prod, r->page + 2 * (size_t)r->size);
	memset(r, 0, sizeof(*r));
}

/* Output framing per record: u32 len, u32 0, len bytes, padded to 8. */
int64_t rb_drain(struct rb *r, uint8_t *buf, uint64_t cap)
{
	uint64_t *cons_pos = r->cons, *prod_pos = r->prod;
	uint64_t cons = __atomic_load_n(cons_pos, __ATOMIC_ACQUIRE);
	uint64_t prod = __atomic_load_n(prod_pos, __ATOMIC_ACQUIRE);
	uint64_t out = 0, mask = r->size - 1;

	while (cons < prod) {
		uint32_t *hdr = (uint32_t *)(r->data + (cons & mask));
		uint32_t len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
		if (len & BPF_RINGBUF_BUSY_BIT)
			break; /* reserved, not yet submitted */
		uint32_t sz = len & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);
		if (!(len & BPF_RINGBUF_DISCARD_BIT)) {
			uint64_t need = 8 + ((sz + 7) & ~7u);
			if (out + need > cap)
				break; /* caller's buffer full: leave it in the ring */
			uint32_t frame[2] = {sz, 0};
			memcpy(buf + out, frame, 8);
			memcpy(buf + out + 8, (uint8_t *)hdr + BPF_RINGBUF_HDR_SZ, sz);
			out += need;
		}
		cons += (sz + BPF_RINGBUF_HDR_SZ + 7) & ~7ull;
		__atomic_store_n(cons_pos, cons, __ATOMIC_RELEASE);
	}
	return (int64_t)out;
}
