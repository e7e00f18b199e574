#!/usr/bin/env bash
# Builds position-independent static archives of libbpf, libelf and zlib from
# Debian's own sources (apt-get source) into $1 (lib/ + include/), so that
# libfangs.so links them in and runner hosts need glibc alone. Debian's
# packaged .a files are not -fPIC and cannot go into a .so, hence the rebuild.
# Always rebuilds; the Makefile caches (it runs this only when $1/.done is
# missing or older than this script). Needs a deb-src entry and dpkg-dev
# (scripts/setup adds both).
set -euo pipefail

out=$(realpath -m "${1:?usage: vendor.sh OUTDIR}")
jobs=$(nproc 2>/dev/null || echo 2)
src="$out/src"
rm -rf "$out"
mkdir -p "$src" "$out/lib" "$out/include" "$out/obj/zlib" "$out/obj/libbpf"
export CFLAGS="-O2 -g -fPIC"

fetch() { # Debian source package -> its unpacked directory
  (cd "$src" && apt-get source -qq "$1" >/dev/null 2>"$src/$1.log") || {
    echo "vendor.sh: 'apt-get source $1' failed (is there a deb-src entry? run scripts/setup):" >&2
    tail -n 5 "$src/$1.log" >&2
    exit 1
  }
  find "$src" -maxdepth 1 -mindepth 1 -type d -name "$2-*" | head -n 1
}

zlib=$(fetch zlib zlib)
elfutils=$(fetch elfutils elfutils)
libbpf=$(fetch libbpf libbpf)

# zlib: the library is the .c files at the top of the tree (the rest is
# contrib/examples/tests), so compile them directly rather than configure.
for c in adler32 compress crc32 deflate gzclose gzlib gzread gzwrite infback \
  inffast inflate inftrees trees uncompr zutil; do
  cc $CFLAGS -D_LARGEFILE64_SOURCE=1 -DHAVE_HIDDEN -c "$zlib/$c.c" -o "$out/obj/zlib/$c.o"
done
ar rcs "$out/lib/libz.a" "$out"/obj/zlib/*.o
cp "$zlib/zlib.h" "$zlib/zconf.h" "$out/include/"

# libelf: elfutils' own build already makes a PIC archive (libelf_pic.a, the
# input of its libelf.so); configure with every optional compressor and
# debuginfod off, then build only lib/ (libeu, which libelf uses) and that.
# Its required zlib check links against the libz.a just built.
(
  cd "$elfutils"
  ./configure -q --disable-debuginfod --disable-libdebuginfod --disable-nls \
    --disable-dependency-tracking --without-bzlib --without-lzma --without-zstd \
    CPPFLAGS="-I$out/include" LDFLAGS="-L$out/lib" >"$src/elfutils-configure.log" 2>&1 ||
    { tail -n 20 "$src/elfutils-configure.log" >&2; exit 1; }
  make -s -C lib -j"$jobs" >/dev/null
  make -s -C libelf -j"$jobs" libelf_pic.a >/dev/null
)
cp "$elfutils/libelf/libelf_pic.a" "$out/lib/libelf.a"
cp "$elfutils/libelf/libelf.h" "$elfutils/libelf/gelf.h" "$elfutils/libelf/nlist.h" "$out/include/"

# libbpf: its Makefile's static objects take EXTRA_CFLAGS; headers go to
# include/bpf/ so the shim compiles against the version it links.
make -s -C "$libbpf/src" -j"$jobs" BUILD_STATIC_ONLY=1 NO_PKG_CONFIG=1 \
  OBJDIR="$out/obj/libbpf" EXTRA_CFLAGS="-fPIC -I$out/include" \
  DESTDIR="$out" PREFIX=/ LIBDIR=/lib INCLUDEDIR=/include \
  install >/dev/null

rm -rf "$src" "$out/obj"
touch "$out/.done"
