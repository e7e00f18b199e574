/* The FANGS sensor: one BPF object, one program per hook. The loader
 * (native/) tries each program on its own and attaches what this kernel
 * allows, so a missing hook (no kprobes, no io_uring) costs only that hook. */
#include "lib/common.h"
#include "lib/path.h"
#include "hooks/file.h"
#include "hooks/exec.h"
#include "hooks/net.h"
#include "hooks/payload.h"
#include "hooks/fileop.h"
#include "hooks/io_uring.h"
