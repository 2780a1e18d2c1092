#!/usr/bin/env python3
"""Writes the crafted worst-case inputs of ROBUSTNESS.md and measures the CLI on them.

    python3 fuzz/worst_inputs.py /tmp/worst                      # write the files (about 2 GB)
    python3 fuzz/worst_inputs.py /tmp/worst target/release/cinepal  # write them, then measure
    python3 fuzz/worst_inputs.py --measure-only /tmp/worst target/release/cinepal

Standard library only; the JPEG and lossy/lossless WebP files need `cjpeg`
(Debian's libjpeg-turbo-progs) and `cwebp` (Debian's webp) and are skipped
without them. Measuring needs GNU time (/usr/bin/time -v). Never commit the
output: the files are hundreds of megabytes each.
"""

import os
import random
import shutil
import struct
import subprocess
import sys
import zlib

W = H = 8000  # 64 megapixels: exactly the default --max-pixels


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(path, w, h, bit_depth, color_type, rows, extra=b""):
    """rows: an iterable of raw rows (without the filter byte)."""
    z = zlib.compressobj(1)
    idat = []
    for row in rows:
        idat.append(z.compress(b"\x00" + row))
    idat.append(z.flush())
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, bit_depth, color_type, 0, 0, 0)))
        f.write(extra)
        data = b"".join(idat)
        for i in range(0, len(data), 1 << 24):
            f.write(chunk(b"IDAT", data[i : i + (1 << 24)]))
        f.write(chunk(b"IEND", b""))


def lzw(indices, min_code_size=8):
    """GIF LZW: the code stream as bytes (before sub-blocking)."""
    clear, end = 1 << min_code_size, (1 << min_code_size) + 1
    table = {bytes([i]): i for i in range(clear)}
    nxt, width = end + 1, min_code_size + 1
    out, acc, nbits = bytearray(), 0, 0

    def emit(code):
        nonlocal acc, nbits
        acc |= code << nbits
        nbits += width
        while nbits >= 8:
            out.append(acc & 0xFF)
            acc >>= 8
            nbits -= 8

    emit(clear)
    cur = b""
    for b in indices:
        cand = cur + bytes((b,))
        if cand in table:
            cur = cand
            continue
        emit(table[cur])
        if nxt < 4096:
            table[cand] = nxt
            nxt += 1
            if nxt > (1 << width) and width < 12:
                width += 1
        else:
            emit(clear)
            table = {bytes([i]): i for i in range(clear)}
            nxt, width = end + 1, min_code_size + 1
        cur = bytes((b,))
    emit(table[cur])
    emit(end)
    if nbits:
        out.append(acc & 0xFF)
    return bytes(out)


def gif(path, screen, frame, indices):
    palette = b"".join(bytes((i, i * 7 & 255, i * 13 & 255)) for i in range(256))
    data = lzw(indices)
    blocks = b"".join(bytes((len(data[i : i + 255]),)) + data[i : i + 255] for i in range(0, len(data), 255))
    with open(path, "wb") as f:
        f.write(b"GIF89a" + struct.pack("<HHBBB", screen[0], screen[1], 0xF7, 0, 0) + palette)
        f.write(b"\x2c" + struct.pack("<HHHHB", 0, 0, frame[0], frame[1], 0) + b"\x08" + blocks + b"\x00\x3b")


def write_all(out):
    os.makedirs(out, exist_ok=True)
    rng = random.Random(1)
    p = lambda name: os.path.join(out, name)  # noqa: E731

    # 64 MP, 16-bit RGBA, random RGB (incompressible), opaque: the largest decode the default limits allow.
    def rows16():
        for _ in range(H):
            row = bytearray(rng.randbytes(W * 8))
            row[6::8] = b"\xff" * W
            row[7::8] = b"\xff" * W
            yield bytes(row)

    png(p("rgba16_8000x8000.png"), W, H, 16, 6, rows16())

    # 64 MP RGB where pixel i is color (i * odd) mod 2^24: every 24-bit color 3 or 4 times.
    def rows_distinct():
        for y in range(H):
            row = bytearray(W * 3)
            for x in range(W):
                c = ((y * W + x) * 0x9E3779B1) & 0xFFFFFF
                row[3 * x : 3 * x + 3] = c.to_bytes(3, "big")
            yield bytes(row)

    png(p("distinct_8000x8000.png"), W, H, 8, 2, rows_distinct())

    # A 1x1 PNG whose iCCP chunk inflates to 2 GiB (2 MB on disk).
    z = zlib.compressobj(9)
    bomb = b"".join(z.compress(bytes(1 << 20)) for _ in range(2048)) + z.flush()
    png(p("png_iccp_bomb_2GiB.png"), 1, 1, 8, 2, [b"\x10\x20\x30"], chunk(b"iCCP", b"icc\x00\x00" + bomb))

    # The same bomb in a zTXt and an iTXt chunk (compressed text).
    png(p("png_ztxt_bomb_2GiB.png"), 1, 1, 8, 2, [b"\x10\x20\x30"], chunk(b"zTXt", b"Comment\x00\x00" + bomb))
    itxt = b"Comment\x00\x01\x00\x00\x00" + bomb
    png(p("png_itxt_bomb_2GiB.png"), 1, 1, 8, 2, [b"\x10\x20\x30"], chunk(b"iTXt", itxt))

    # Files larger than memory should be: 1.1 GB (sparse, so quick to write) of
    # zeros, and the same after a JPEG signature.
    for name, head in [("big_text.txt", b"Not a picture.\n"), ("big_garbage.jpg", b"\xff\xd8\xff\xe0")]:
        with open(p(name), "wb") as f:
            f.write(head)
            f.truncate(1100 * 1000 * 1000)

    # A header declaring 60000x60000 (3600 MP).
    png(p("png_ihdr_60000x60000.png"), 60000, 60000, 8, 2, [])

    # GIF: a 64 MP noise frame on a 100x100 screen, and on an 8000x8000 one.
    noise = rng.randbytes(W * H)
    gif(p("gif_frame_8000x8000_on_100x100.gif"), (100, 100), (W, H), noise)
    shutil.copy(p("gif_frame_8000x8000_on_100x100.gif"), p("gif_frame_8000x8000_on_8000x8000.gif"))
    with open(p("gif_frame_8000x8000_on_8000x8000.gif"), "r+b") as f:
        f.write(b"GIF89a" + struct.pack("<HH", W, H))
    del noise

    # JPEG and WebP from noise, through the reference encoders.
    ppm = p("noise_8000x8000.ppm")
    with open(ppm, "wb") as f:
        f.write(b"P6\n%d %d\n255\n" % (W, H) + rng.randbytes(W * H * 3))
    if shutil.which("cjpeg"):
        cj = ["cjpeg", "-quality", "100", "-sample", "1x1"]
        subprocess.run(cj + ["-outfile", p("entropy_8000x8000.jpg"), ppm], check=True)
        subprocess.run(cj + ["-progressive", "-outfile", p("progressive_8000x8000.jpg"), ppm], check=True)
        # 99 scans (zune-jpeg's cap is 100): DC and three bands per component, each in 11 bit planes.
        scans = ["0,1,2: 0-0, 0, 10;"] + [f"0,1,2: 0-0, {a + 1}, {a};" for a in range(9, -1, -1)]
        for c, bands in [(0, [(1, 21), (22, 42), (43, 63)]), (1, [(1, 21), (22, 42), (43, 63)]), (2, [(1, 31), (32, 63)])]:
            for lo, hi in bands:
                scans.append(f"{c}: {lo}-{hi}, 0, 10;")
                scans += [f"{c}: {lo}-{hi}, {a + 1}, {a};" for a in range(9, -1, -1)]
        with open(p("scans.txt"), "w") as f:
            f.write("\n".join(scans) + "\n")
        subprocess.run(cj + ["-scans", p("scans.txt"), "-outfile", p("scans99_8000x8000.jpg"), ppm], check=True)
    else:
        print("cjpeg not found: no JPEG files", file=sys.stderr)
    os.remove(ppm)
    if shutil.which("cwebp"):
        ppm = p("noise_16000x4000.ppm")
        with open(ppm, "wb") as f:
            f.write(b"P6\n16000 4000\n255\n" + rng.randbytes(16000 * 4000 * 3))
        subprocess.run(["cwebp", "-quiet", "-lossless", "-z", "0", ppm, "-o", p("webp_lossless_16000x4000.webp")], check=True)
        lossy = ["-quiet", "-q", "30", "-m", "0", "-segments", "1", "-partition_limit", "100", "-sns", "0"]
        subprocess.run(["cwebp", *lossy, ppm, "-o", p("webp_lossy_16000x4000.webp")], check=True)
        os.remove(ppm)
    else:
        print("cwebp not found: no WebP files", file=sys.stderr)


def measure(out, cinepal, files):
    print("file\tcommand\texit\tmax RSS MiB\twall s\tstderr")
    for f in files:
        commands = [("json", [f, "--format", "json"], None), ("complete -o", [f, "-m", "complete", "-o", "/tmp/x.png"], None)]
        if os.path.getsize(f) > 100 << 20:
            # Through a pipe the file is held in memory while it is decoded.
            commands.append(("pipe json", ["-", "--format", "json"], f))
        for name, args, pipe in commands:
            cat = subprocess.Popen(["cat", pipe], stdout=subprocess.PIPE) if pipe else None
            stdin = cat.stdout if cat else subprocess.DEVNULL
            r = subprocess.run(
                ["/usr/bin/time", "-v", cinepal, *args], stdin=stdin, capture_output=True, text=True, errors="replace"
            )
            if cat:
                cat.stdout.close()
                cat.wait()
            stats = dict(l.strip().rsplit(": ", 1) for l in r.stderr.splitlines() if ": " in l and l.startswith("\t"))
            rss = int(stats.get("Maximum resident set size (kbytes)", "0")) // 1024
            m, s = stats.get("Elapsed (wall clock) time (h:mm:ss or m:ss)", "0:0").split(":")[-2:]
            err = next((l for l in r.stderr.splitlines() if l.startswith("cinepal:")), "")
            print(f"{os.path.basename(f)}\t{name}\t{r.returncode}\t{rss}\t{int(m) * 60 + float(s):.2f}\t{err[:100]}")


if __name__ == "__main__":
    measure_only = sys.argv[1] == "--measure-only"
    if measure_only:
        sys.argv.pop(1)
    out = sys.argv[1]
    if not measure_only:
        write_all(out)
    if len(sys.argv) > 2:
        skip = ("scans.txt",)  # cjpeg's scan script, not an input
        files = sorted(os.path.join(out, f) for f in os.listdir(out) if f not in skip and not f.endswith(".tsv"))
        measure(out, sys.argv[2], files)
