// A decoded VideoFrame reduced to a small RGBA image in the worker, from its
// YUV planes (VideoFrame.copyTo, then box averages in JS and the frame's own
// matrix), instead of drawImage: the browser's software path converts the
// whole frame to RGB before scaling it (14 ms a 720p frame here, against
// about 2 ms this way; BENCHMARKS.md, "Sampling a film's frames"). The
// averages are taken in Y'CbCr, which is the same as in R'G'B' (the matrix
// is linear), as a browser's scaling does. Which matrix and range the
// browser uses for a video that does not say (most files from ffmpeg) is
// learnt from the first frame: the browser's drawImage of it against each
// candidate; a frame whose format is not 8-bit 4:2:0 (or whose colors the
// browser changes otherwise, HDR) is drawn by the browser.

const MATRICES = {
  bt709: [0.2126, 0.0722],
  smpte170m: [0.299, 0.114],
  bt470bg: [0.299, 0.114],
  'bt2020-ncl': [0.2627, 0.0593],
};

/** Column (or row) ranges of a box filter from `n` source samples to `m`. */
function ranges(n, m) {
  const a = new Int32Array(m);
  const b = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    a[i] = Math.floor((i * n) / m);
    b[i] = Math.max(a[i] + 1, Math.floor(((i + 1) * n) / m));
  }
  return [a, b];
}

/** The box averages of one plane (`pitch` 1, or 2 for NV12's interleaved chroma), into `out` (w*h floats). */
function boxPlane(src, offset, stride, pitch, W, H, w, h, out) {
  const [x0, x1] = ranges(W, w);
  const [y0, y1] = ranges(H, h);
  // Inside a box of 4 to 7 source samples a side, every other one is enough;
  // of 8 or more (4K and up), about 4 a side.
  const step = (f) => (f >= 8 ? Math.floor(f / 4) : f >= 4 ? 2 : 1);
  const sx = step(W / w) * pitch;
  const sy = step(H / h);
  const acc = new Uint32Array(w);
  const cols = new Float32Array(w);
  for (let x = 0; x < w; x++) cols[x] = Math.ceil((x1[x] - x0[x]) / (sx / pitch));
  for (let y = 0; y < h; y++) {
    acc.fill(0);
    let rows = 0;
    for (let r = y0[y]; r < y1[y]; r += sy, rows++) {
      const row = offset + r * stride;
      for (let x = 0; x < w; x++) {
        let s = 0;
        const end = row + x1[x] * pitch;
        for (let p = row + x0[x] * pitch; p < end; p += sx) s += src[p];
        acc[x] += s;
      }
    }
    const o = y * w;
    for (let x = 0; x < w; x++) out[o + x] = acc[x] / (rows * cols[x]);
  }
}

/** The YUV planes of `frame` box-averaged to w x h: {y, u, v} (Float32Array), or null for a format not read here. */
export async function reducedPlanes(frame, w, h, scratch) {
  const f = frame.format;
  if (f !== 'I420' && f !== 'I420A' && f !== 'NV12') return null;
  const size = frame.allocationSize();
  if (!scratch.buf || scratch.buf.length < size) scratch.buf = new Uint8Array(size);
  const layout = await frame.copyTo(scratch.buf);
  const W = frame.visibleRect.width;
  const H = frame.visibleRect.height;
  const cw = Math.ceil(W / 2);
  const ch = Math.ceil(H / 2);
  const n = w * h;
  const y = new Float32Array(n);
  const u = new Float32Array(n);
  const v = new Float32Array(n);
  const b = scratch.buf;
  boxPlane(b, layout[0].offset, layout[0].stride, 1, W, H, w, h, y);
  if (f === 'NV12') {
    boxPlane(b, layout[1].offset, layout[1].stride, 2, cw, ch, w, h, u);
    boxPlane(b, layout[1].offset + 1, layout[1].stride, 2, cw, ch, w, h, v);
  } else {
    boxPlane(b, layout[1].offset, layout[1].stride, 1, cw, ch, w, h, u);
    boxPlane(b, layout[2].offset, layout[2].stride, 1, cw, ch, w, h, v);
  }
  return { y, u, v };
}

/** RGBA (Uint8ClampedArray) of reduced planes by a matrix {kr, kb, full}. */
export function toRgba({ y, u, v }, { kr, kb, full }) {
  const n = y.length;
  const out = new Uint8ClampedArray(n * 4);
  const kg = 1 - kr - kb;
  const ys = full ? 1 / 255 : 1 / 219;
  const yo = full ? 0 : 16;
  const cs = full ? 1 / 255 : 1 / 224;
  for (let i = 0, o = 0; i < n; i++, o += 4) {
    const Y = (y[i] - yo) * ys;
    const cb = (u[i] - 128) * cs;
    const cr = (v[i] - 128) * cs;
    const r = Y + 2 * (1 - kr) * cr;
    const bb = Y + 2 * (1 - kb) * cb;
    const g = (Y - kr * r - kb * bb) / kg;
    out[o] = r * 255;
    out[o + 1] = g * 255;
    out[o + 2] = bb * 255;
    out[o + 3] = 255;
  }
  return out;
}

/** The candidate matrices for a frame: its own when it says, else each the browser might assume. */
export function candidates(frame) {
  const cs = frame.colorSpace || {};
  const named = cs.matrix && MATRICES[cs.matrix];
  const list = [];
  for (const m of named ? [cs.matrix] : Object.keys(MATRICES)) {
    for (const full of cs.fullRange === true ? [true] : cs.fullRange === false ? [false] : [false, true]) {
      list.push({ name: m, kr: MATRICES[m][0], kb: MATRICES[m][1], full });
    }
  }
  return list;
}

/** The mean absolute difference (0–255) between two RGBA images. */
export function difference(a, b) {
  let s = 0;
  let n = 0;
  for (let i = 0; i < a.length; i += 4) {
    s += Math.abs(a[i] - b[i]) + Math.abs(a[i + 1] - b[i + 1]) + Math.abs(a[i + 2] - b[i + 2]);
    n += 3;
  }
  return s / n;
}
