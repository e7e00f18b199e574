#ifndef FANGS_RINGBUF_H
#define FANGS_RINGBUF_H
#include <stdint.h>
#include <stddef.h>
struct rb {
	void *cons, *prod;
	uint8_t *data;
	uint32_t size;
	size_t page;
};
int rb_map(struct rb *r, int map_fd, uint32_t size);
void rb_unmap(struct rb *r);
int64_t rb_drain(struct rb *r, uint8_t *buf, uint64_t cap);
#endif
