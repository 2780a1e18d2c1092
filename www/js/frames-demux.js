// The containers a film comes in, read without loading the file: an MP4 /
// QuickTime / ISO BMFF file (a progressive one with its moov, or a
// fragmented one with moof boxes) and a WebM / Matroska file (its
// clusters' SimpleBlocks and BlockGroups, sizes known or not, as
// MediaRecorder writes them). Each gives the same index of the video
// track's samples, in decode order: where each is in the file, its
// presentation time and whether it is a keyframe, plus what a WebCodecs
// VideoDecoder needs (a codec string and its description). Used by
// frames-worker.js (our own reader instead of a vendored demuxer: a few KB,
// random access by Blob.slice, memory bounded by the index: 21 bytes a
// sample, 3.6 MB for two hours at 24 fps).

/** An Error with a `name` the page can tell apart ('not-video', 'corrupt', 'unsupported-codec', 'empty'). */
export function fail(name, message) {
  const e = new Error(message);
  e.name = name;
  return e;
}

/** Reads ranges of a Blob through a window of at least `min` bytes (sequential reads cost one read per window). */
export class Reader {
  constructor(blob, min = 1 << 20) {
    this.blob = blob;
    this.size = blob.size;
    this.min = min;
    this.start = 0;
    this.bytes = new Uint8Array(0);
  }

  /** `len` bytes at `offset` (fewer at the end of the file); a view into the window: copy what must outlive the next read. */
  async read(offset, len) {
    const end = Math.min(offset + len, this.size);
    if (offset < this.start || end > this.start + this.bytes.length) {
      const wend = Math.min(this.size, Math.max(end, offset + this.min));
      this.bytes = new Uint8Array(await this.blob.slice(offset, wend).arrayBuffer());
      this.start = offset;
    }
    return this.bytes.subarray(offset - this.start, end - this.start);
  }

  /** A copy of the bytes, read without touching the window (a sample's data, a box read whole). */
  async copy(offset, len) {
    const end = Math.min(offset + len, this.size);
    if (offset >= this.start && end <= this.start + this.bytes.length) {
      return this.bytes.slice(offset - this.start, end - this.start);
    }
    return new Uint8Array(await this.blob.slice(offset, end).arrayBuffer());
  }
}

/** Growable columns of the index: offset, size, pts (s), key. */
class Samples {
  constructor() {
    this.offset = [];
    this.size = [];
    this.pts = [];
    this.key = [];
  }

  push(offset, size, pts, key) {
    this.offset.push(offset);
    this.size.push(size);
    this.pts.push(pts);
    this.key.push(key ? 1 : 0);
  }

  get length() {
    return this.offset.length;
  }

  /** Drops the samples that lie past the end of the file (a truncated file); returns how many were dropped. */
  truncate(fileSize) {
    let n = this.length;
    while (n > 0 && this.offset[n - 1] + this.size[n - 1] > fileSize) n--;
    const dropped = this.length - n;
    for (const col of [this.offset, this.size, this.pts, this.key]) col.length = n;
    return dropped;
  }

  /** Typed columns (a transferable, compact index). */
  freeze() {
    return {
      offset: Float64Array.from(this.offset),
      size: Uint32Array.from(this.size),
      pts: Float64Array.from(this.pts),
      key: Uint8Array.from(this.key),
    };
  }
}

const hex2 = (n) => n.toString(16).padStart(2, '0');
const str4 = (b, i) => String.fromCharCode(b[i], b[i + 1], b[i + 2], b[i + 3]);

/** The name of a codec for messages ("HEVC (hvc1)"). */
export function codecName(fourcc) {
  const names = {
    avc1: 'H.264 (avc1)',
    avc3: 'H.264 (avc3)',
    hvc1: 'HEVC (hvc1)',
    hev1: 'HEVC (hev1)',
    vp08: 'VP8',
    vp09: 'VP9',
    av01: 'AV1',
    mp4v: 'MPEG-4 Part 2 (mp4v)',
    encv: 'an encrypted video (encv)',
  };
  return names[fourcc] || `${fourcc}`;
}

// ---- codec strings (WebCodecs registry) ----

function avcCodec(avcC, fourcc = 'avc1') {
  if (avcC.length < 7) throw fail('corrupt', 'the H.264 configuration (avcC) is cut short');
  return { codec: `${fourcc}.${hex2(avcC[1])}${hex2(avcC[2])}${hex2(avcC[3])}`, nalLength: (avcC[4] & 3) + 1 };
}

function hevcCodec(h, fourcc) {
  if (h.length < 23) return `${fourcc}.1.6.L93.B0`;
  const space = ['', 'A', 'B', 'C'][h[1] >> 6];
  const tier = (h[1] >> 5) & 1 ? 'H' : 'L';
  const profile = h[1] & 31;
  let compat = ((h[2] << 24) | (h[3] << 16) | (h[4] << 8) | h[5]) >>> 0;
  let rev = 0;
  for (let i = 0; i < 32; i++) rev = (rev << 1) | ((compat >>> i) & 1);
  compat = rev >>> 0;
  const cons = [...h.subarray(6, 12)];
  while (cons.length > 1 && cons[cons.length - 1] === 0) cons.pop();
  return `${fourcc}.${space}${profile}.${compat.toString(16)}.${tier}${h[12]}.${cons.map((c) => c.toString(16)).join('.')}`;
}

function vp9Codec(vpcC) {
  // vpcC: version(1) flags(3) profile level bitDepth<<4|...
  if (vpcC && vpcC.length >= 7) {
    return `vp09.${String(vpcC[4]).padStart(2, '0')}.${String(vpcC[5]).padStart(2, '0')}.${String(vpcC[6] >> 4).padStart(2, '0')}`;
  }
  return 'vp09.00.10.08';
}

function av1Codec(av1C) {
  if (!av1C || av1C.length < 4) return 'av01.0.08M.08';
  const profile = av1C[1] >> 5;
  const level = av1C[1] & 31;
  const tier = av1C[2] >> 7 ? 'H' : 'M';
  const high = (av1C[2] >> 6) & 1;
  const twelve = (av1C[2] >> 5) & 1;
  const depth = high ? (twelve ? 12 : 10) : 8;
  return `av01.${profile}.${String(level).padStart(2, '0')}${tier}.${String(depth).padStart(2, '0')}`;
}

// ---- MP4 ----

function* boxes(b, start, end) {
  let p = start;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  while (p + 8 <= end) {
    let size = dv.getUint32(p);
    const type = str4(b, p + 4);
    let head = 8;
    if (size === 1) {
      if (p + 16 > end) return;
      size = Number(dv.getBigUint64(p + 8));
      head = 16;
    } else if (size === 0) size = end - p;
    if (size < head || p + size > end) throw fail('corrupt', `the MP4 box ${JSON.stringify(type)} runs past its parent (the file is damaged)`);
    yield { type, start: p + head, end: p + size, dv };
    p += size;
  }
}

function child(b, box, type) {
  for (const c of boxes(b, box.start, box.end)) if (c.type === type) return c;
  return null;
}

function path(b, box, ...types) {
  let cur = box;
  for (const t of types) {
    cur = cur && child(b, cur, t);
  }
  return cur;
}

/** Is this the start of an ISO BMFF file (ftyp, or an old QuickTime file's first box)? */
function looksMp4(head) {
  if (head.length < 8) return false;
  const type = str4(head, 4);
  return ['ftyp', 'moov', 'mdat', 'free', 'skip', 'wide', 'pnot', 'styp'].includes(type);
}

async function mp4Index(reader) {
  const size = reader.size;
  let moov = null;
  const moofs = [];
  let p = 0;
  let cut = false;
  while (p + 8 <= size) {
    const h = await reader.read(p, 16);
    const dv = new DataView(h.buffer, h.byteOffset, h.byteLength);
    let bsize = dv.getUint32(0);
    const type = str4(h, 4);
    if (!/^[\x20-\x7e]{4}$/.test(type)) {
      cut = true;
      break;
    }
    if (bsize === 1) bsize = h.length >= 16 ? Number(dv.getBigUint64(8)) : 0;
    else if (bsize === 0) bsize = size - p;
    if (bsize < 8) {
      cut = true;
      break;
    }
    if (p + bsize > size) cut = true;
    if (type === 'moov') {
      if (p + bsize > size) break;
      if (bsize > 256 << 20) throw fail('corrupt', 'the MP4 index (moov) is implausibly large');
      moov = await reader.copy(p, bsize);
    } else if (type === 'moof' && p + bsize <= size) {
      moofs.push({ at: p, bytes: await reader.copy(p, bsize) });
    }
    p += bsize;
  }
  if (!moov) {
    throw fail('corrupt', cut ? 'the MP4 file is cut short: its index (moov) is missing, as in a download or recording that did not finish' : 'the MP4 file has no index (moov)');
  }
  const root = { start: 8, end: moov.length };
  if (new DataView(moov.buffer).getUint32(0) === 1) root.start = 16;
  const mvhd = child(moov, root, 'mvhd');
  const movieScale = mvhd ? mvhd.dv.getUint32(mvhd.start + (moov[mvhd.start] === 1 ? 20 : 12)) : 1000;
  let video = null;
  let audioOnly = false;
  for (const trak of boxes(moov, root.start, root.end)) {
    if (trak.type !== 'trak') continue;
    const hdlr = path(moov, trak, 'mdia', 'hdlr');
    const handler = hdlr ? str4(moov, hdlr.start + 8) : '';
    if (handler === 'soun') audioOnly = true;
    if (handler !== 'vide') continue;
    video = trak;
    break;
  }
  if (!video) throw fail('not-video', audioOnly ? 'this file has sound but no picture (no video track)' : 'this MP4 file has no video track');
  const trak = video;
  const tkhd = child(moov, trak, 'tkhd');
  const trackId = tkhd ? tkhd.dv.getUint32(tkhd.start + (moov[tkhd.start] === 1 ? 20 : 12)) : 1;
  const mdhd = path(moov, trak, 'mdia', 'mdhd');
  if (!mdhd) throw fail('corrupt', 'the video track has no media header (mdhd)');
  const v1 = moov[mdhd.start] === 1;
  const scale = mdhd.dv.getUint32(mdhd.start + (v1 ? 20 : 12));
  const mediaDuration = v1 ? Number(mdhd.dv.getBigUint64(mdhd.start + 24)) : mdhd.dv.getUint32(mdhd.start + 16);
  if (!scale) throw fail('corrupt', 'the video track has no time scale');
  const stbl = path(moov, trak, 'mdia', 'minf', 'stbl');
  if (!stbl) throw fail('corrupt', 'the video track has no sample table (stbl)');
  const stsd = child(moov, stbl, 'stsd');
  if (!stsd || stsd.end - stsd.start < 16 + 78) throw fail('corrupt', 'the video track has no sample description (stsd)');
  const entry = stsd.start + 8;
  const fourcc = str4(moov, entry + 4);
  const edv = stsd.dv;
  const codedWidth = edv.getUint16(entry + 8 + 24);
  const codedHeight = edv.getUint16(entry + 8 + 26);
  const entryEnd = entry + edv.getUint32(entry);
  const ext = {};
  try {
    for (const c of boxes(moov, entry + 8 + 78, Math.min(entryEnd, stsd.end))) ext[c.type] = moov.slice(c.start, c.end);
  } catch {
    // An odd sample entry: its extensions are not needed beyond the codec's own.
  }
  let codec = null;
  let description;
  let nalLength = 0;
  if (fourcc === 'avc1' || fourcc === 'avc3') {
    if (!ext.avcC) throw fail('corrupt', 'the H.264 track has no configuration (avcC)');
    ({ codec, nalLength } = avcCodec(ext.avcC, fourcc));
    description = ext.avcC;
  } else if (fourcc === 'hvc1' || fourcc === 'hev1') {
    codec = hevcCodec(ext.hvcC || new Uint8Array(0), fourcc);
    description = ext.hvcC;
    nalLength = ext.hvcC && ext.hvcC.length > 21 ? (ext.hvcC[21] & 3) + 1 : 4;
  } else if (fourcc === 'vp09') {
    codec = vp9Codec(ext.vpcC);
  } else if (fourcc === 'vp08') {
    codec = 'vp8';
  } else if (fourcc === 'av01') {
    codec = av1Codec(ext.av1C);
  }
  // The samples: stts (durations), ctts (composition offsets), stss (keyframes), stsz, stsc, stco/co64.
  const samples = new Samples();
  const get = (t) => child(moov, stbl, t);
  const stsz = get('stsz');
  const stts = get('stts');
  const stsc = get('stsc');
  const stco = get('stco') || get('co64');
  const n = stsz ? stsz.dv.getUint32(stsz.start + 8) : 0;
  let shift = 0;
  const elst = path(moov, trak, 'edts', 'elst');
  if (elst) {
    const ev1 = moov[elst.start] === 1;
    const count = elst.dv.getUint32(elst.start + 4);
    for (let i = 0, q = elst.start + 8; i < count && q < elst.end; i++, q += ev1 ? 20 : 12) {
      const mt = ev1 ? Number(elst.dv.getBigInt64(q + 8)) : elst.dv.getInt32(q + 4);
      if (mt !== -1) {
        shift = mt;
        break;
      }
    }
  }
  if (n > 0) {
    if (!stts || !stsc || !stco) throw fail('corrupt', 'the video track\u2019s sample table is incomplete');
    const fixed = stsz.dv.getUint32(stsz.start + 4);
    const sizeAt = (i) => (fixed ? fixed : stsz.dv.getUint32(stsz.start + 12 + 4 * i));
    if (!fixed && stsz.start + 12 + 4 * n > stsz.end) throw fail('corrupt', 'the sample sizes (stsz) are cut short');
    // Decode times.
    const dts = new Float64Array(n);
    {
      const count = stts.dv.getUint32(stts.start + 4);
      let i = 0;
      let t = 0;
      for (let e = 0, q = stts.start + 8; e < count && q + 8 <= stts.end; e++, q += 8) {
        const c = stts.dv.getUint32(q);
        const d = stts.dv.getUint32(q + 4);
        for (let k = 0; k < c && i < n; k++, i++, t += d) dts[i] = t;
      }
      for (; i < n; i++) dts[i] = t;
    }
    const cts = new Float64Array(n);
    const ctts = get('ctts');
    if (ctts) {
      const count = ctts.dv.getUint32(ctts.start + 4);
      let i = 0;
      for (let e = 0, q = ctts.start + 8; e < count && q + 8 <= ctts.end; e++, q += 8) {
        const c = ctts.dv.getUint32(q);
        const o = ctts.dv.getInt32(q + 4);
        for (let k = 0; k < c && i < n; k++, i++) cts[i] = o;
      }
    }
    const stss = get('stss');
    const key = new Uint8Array(n).fill(stss ? 0 : 1);
    if (stss) {
      const count = stss.dv.getUint32(stss.start + 4);
      for (let e = 0, q = stss.start + 8; e < count && q + 4 <= stss.end; e++, q += 4) {
        const s = stss.dv.getUint32(q) - 1;
        if (s < n) key[s] = 1;
      }
    }
    // Offsets from chunks.
    const co64 = stco.type === 'co64';
    const chunks = stco.dv.getUint32(stco.start + 4);
    const chunkAt = (c) => (co64 ? Number(stco.dv.getBigUint64(stco.start + 8 + 8 * c)) : stco.dv.getUint32(stco.start + 8 + 4 * c));
    if (stco.start + 8 + (co64 ? 8 : 4) * chunks > stco.end) throw fail('corrupt', 'the chunk offsets (stco) are cut short');
    const scCount = stsc.dv.getUint32(stsc.start + 4);
    let i = 0;
    for (let e = 0; e < scCount && i < n; e++) {
      const q = stsc.start + 8 + 12 * e;
      if (q + 12 > stsc.end) break;
      const first = stsc.dv.getUint32(q) - 1;
      const per = stsc.dv.getUint32(q + 4);
      const next = e + 1 < scCount && q + 24 <= stsc.end ? stsc.dv.getUint32(q + 12) - 1 : chunks;
      for (let c = first; c < next && c < chunks && i < n; c++) {
        let off = chunkAt(c);
        for (let k = 0; k < per && i < n; k++, i++) {
          const s = sizeAt(i);
          samples.push(off, s, (dts[i] + cts[i] - shift) / scale, key[i]);
          off += s;
        }
      }
    }
  }
  // Fragments (moof/traf/trun), with the defaults of mvex/trex.
  if (moofs.length) {
    let defDur = 0;
    let defSize = 0;
    let defFlags = 0;
    const mvex = child(moov, root, 'mvex');
    if (mvex) {
      for (const trex of boxes(moov, mvex.start, mvex.end)) {
        if (trex.type === 'trex' && trex.dv.getUint32(trex.start + 4) === trackId) {
          defDur = trex.dv.getUint32(trex.start + 12);
          defSize = trex.dv.getUint32(trex.start + 16);
          defFlags = trex.dv.getUint32(trex.start + 20);
        }
      }
    }
    let t = 0;
    for (const { at, bytes } of moofs) {
      const mroot = { start: 8, end: bytes.length };
      for (const traf of boxes(bytes, mroot.start, mroot.end)) {
        if (traf.type !== 'traf') continue;
        const tfhd = child(bytes, traf, 'tfhd');
        if (!tfhd || tfhd.dv.getUint32(tfhd.start + 4) !== trackId) continue;
        const flags = tfhd.dv.getUint32(tfhd.start) & 0xffffff;
        let q = tfhd.start + 8;
        let base = at;
        if (flags & 1) {
          base = Number(tfhd.dv.getBigUint64(q));
          q += 8;
        }
        if (flags & 2) q += 4;
        let dDur = defDur;
        let dSize = defSize;
        let dFlags = defFlags;
        if (flags & 8) (dDur = tfhd.dv.getUint32(q)), (q += 4);
        if (flags & 0x10) (dSize = tfhd.dv.getUint32(q)), (q += 4);
        if (flags & 0x20) (dFlags = tfhd.dv.getUint32(q)), (q += 4);
        const tfdt = child(bytes, traf, 'tfdt');
        if (tfdt) t = bytes[tfdt.start] === 1 ? Number(tfdt.dv.getBigUint64(tfdt.start + 4)) : tfdt.dv.getUint32(tfdt.start + 4);
        let dataEnd = base;
        for (const trun of boxes(bytes, traf.start, traf.end)) {
          if (trun.type !== 'trun') continue;
          const rflags = trun.dv.getUint32(trun.start) & 0xffffff;
          const count = trun.dv.getUint32(trun.start + 4);
          let r = trun.start + 8;
          let off = dataEnd;
          if (rflags & 1) (off = base + trun.dv.getInt32(r)), (r += 4);
          let firstFlags = null;
          if (rflags & 4) (firstFlags = trun.dv.getUint32(r)), (r += 4);
          for (let k = 0; k < count && r <= trun.end; k++) {
            const dur = rflags & 0x100 ? trun.dv.getUint32((r += 4) - 4) : dDur;
            const s = rflags & 0x200 ? trun.dv.getUint32((r += 4) - 4) : dSize;
            let f = rflags & 0x400 ? trun.dv.getUint32((r += 4) - 4) : dFlags;
            if (k === 0 && firstFlags !== null) f = firstFlags;
            const c = rflags & 0x800 ? trun.dv.getInt32((r += 4) - 4) : 0;
            samples.push(off, s, (t + c - shift) / scale, !((f >> 16) & 1));
            off += s;
            t += dur;
          }
          dataEnd = off;
        }
      }
    }
  }
  const dropped = samples.truncate(size);
  const duration = mediaDuration && !moofs.length ? mediaDuration / scale : null;
  return {
    container: 'mp4',
    fourcc,
    codec,
    description,
    nalLength,
    codedWidth,
    codedHeight,
    duration,
    samples,
    truncated: dropped > 0 || cut,
    movieScale,
  };
}

// ---- WebM / Matroska ----

const EBML = 0x1a45dfa3;
const SEGMENT = 0x18538067;
const CLUSTER = 0x1f43b675;
const LEVEL1 = new Set([0x114d9b74, 0x1549a966, 0x1654ae6b, CLUSTER, 0x1c53bb6b, 0x1941a469, 0x1043a770, 0x1254c367]);

/** An EBML element header at b[i]: {id, size (null: unknown), len} or null when cut short. */
function ebmlHeader(b, i) {
  if (i >= b.length) return null;
  const first = b[i];
  let idLen = 1;
  while (idLen <= 4 && !(first & (0x80 >> (idLen - 1)))) idLen++;
  if (idLen > 4 || i + idLen > b.length) return idLen > 4 ? { bad: true } : null;
  let id = 0;
  for (let k = 0; k < idLen; k++) id = id * 256 + b[i + k];
  const j = i + idLen;
  if (j >= b.length) return null;
  const s0 = b[j];
  let sLen = 1;
  while (sLen <= 8 && !(s0 & (0x80 >> (sLen - 1)))) sLen++;
  if (sLen > 8) return { bad: true };
  if (j + sLen > b.length) return null;
  let size = s0 & (0xff >> sLen);
  let allOnes = size === 0xff >> sLen;
  for (let k = 1; k < sLen; k++) {
    size = size * 256 + b[j + k];
    if (b[j + k] !== 0xff) allOnes = false;
  }
  return { id, size: allOnes ? null : size, len: idLen + sLen };
}

function ebmlChildren(b, start, end) {
  const out = [];
  let p = start;
  while (p < end) {
    const h = ebmlHeader(b, p);
    if (!h || h.bad || h.size === null || p + h.len + h.size > end) break;
    out.push({ id: h.id, start: p + h.len, end: p + h.len + h.size });
    p += h.len + h.size;
  }
  return out;
}

function uint(b, e) {
  let v = 0;
  for (let i = e.start; i < e.end; i++) v = v * 256 + b[i];
  return v;
}

function float(b, e) {
  const dv = new DataView(b.buffer, b.byteOffset + e.start, e.end - e.start);
  return e.end - e.start === 4 ? dv.getFloat32(0) : e.end - e.start === 8 ? dv.getFloat64(0) : 0;
}

const text = (b, e) => new TextDecoder().decode(b.subarray(e.start, e.end)).replace(/\0+$/, '');

function looksEbml(head) {
  return head.length >= 4 && ((head[0] << 24) | (head[1] << 16) | (head[2] << 8) | head[3]) >>> 0 === EBML;
}

const MKV_CODECS = {
  V_VP8: 'vp08',
  V_VP9: 'vp09',
  V_AV1: 'av01',
  'V_MPEG4/ISO/AVC': 'avc1',
  'V_MPEGH/ISO/HEVC': 'hvc1',
};

async function webmIndex(reader) {
  const size = reader.size;
  let head = await reader.read(0, 64);
  const eh = ebmlHeader(head, 0);
  if (!eh || eh.bad || eh.size === null) throw fail('corrupt', 'the WebM header is damaged');
  const header = await reader.copy(eh.len, eh.size);
  const docType = ebmlChildren(header, 0, header.length).find((e) => e.id === 0x4282);
  const doc = docType ? text(header, docType) : 'matroska';
  if (doc !== 'webm' && doc !== 'matroska') throw fail('not-video', `this EBML file is a ${JSON.stringify(doc)}, not a WebM or Matroska video`);
  let p = eh.len + eh.size;
  head = await reader.read(p, 12);
  const sh = ebmlHeader(head, 0);
  if (!sh || sh.id !== SEGMENT) throw fail('corrupt', 'the WebM file has no segment (it is cut short or damaged)');
  const segEnd = sh.size === null ? size : Math.min(size, p + sh.len + sh.size);
  p += sh.len;
  let scale = 1e6;
  let duration = null;
  let track = null;
  const samples = new Samples();
  let cut = false;
  let lacing = false;
  while (p < segEnd) {
    const h = ebmlHeader(await reader.read(p, 12), 0);
    if (!h || h.bad) {
      cut = true;
      break;
    }
    const dataStart = p + h.len;
    if (h.id === CLUSTER) {
      const cEnd = h.size === null ? segEnd : Math.min(segEnd, dataStart + h.size);
      if (h.size !== null && dataStart + h.size > segEnd) cut = true;
      let q = dataStart;
      let tc = 0;
      while (q < cEnd) {
        const bh = ebmlHeader(await reader.read(q, 12), 0);
        if (!bh || bh.bad) {
          cut = true;
          q = cEnd;
          break;
        }
        if (h.size === null && LEVEL1.has(bh.id)) break; // the next cluster (or cues…) ends one of unknown size
        if (bh.size === null) {
          cut = true;
          q = cEnd;
          break;
        }
        const bStart = q + bh.len;
        const bEnd = bStart + bh.size;
        if (bh.id === 0xe7) {
          tc = uint(await reader.read(bStart, bh.size), { start: 0, end: bh.size });
        } else if (bh.id === 0xa3 || bh.id === 0xa0) {
          // A SimpleBlock, or a BlockGroup's Block (a keyframe unless it has a ReferenceBlock).
          let blockStart = bStart;
          let blockSize = bh.size;
          let key = null;
          if (bh.id === 0xa0) {
            const g = await reader.read(bStart, bh.size);
            const kids = ebmlChildren(g, 0, g.length);
            const block = kids.find((k) => k.id === 0xa1);
            if (!block) {
              q = bEnd;
              continue;
            }
            key = !kids.some((k) => k.id === 0xfb);
            blockStart = bStart + block.start;
            blockSize = block.end - block.start;
          }
          const bb = await reader.read(blockStart, 12);
          const tn = ebmlHeader(new Uint8Array([0x80, ...bb.subarray(0, 9)]), 0); // the track number is a size-like vint
          if (tn && !tn.bad && track && tn.size === track.number) {
            const at = tn.len - 1;
            const rel = (bb[at] << 24) >> 16 | bb[at + 1];
            const flags = bb[at + 2];
            if ((flags >> 1) & 3) lacing = true;
            if (key === null) key = !!(flags & 0x80);
            const off = blockStart + at + 3;
            samples.push(off, blockStart + blockSize - off, ((tc + rel) * scale) / 1e9, key);
          }
        }
        q = bEnd;
      }
      p = h.size === null ? q : dataStart + h.size;
      continue;
    }
    if (h.size === null) {
      cut = true;
      break;
    }
    if (h.id === 0x1549a966 || h.id === 0x1654ae6b) {
      const b = await reader.copy(dataStart, h.size);
      if (h.id === 0x1549a966) {
        for (const e of ebmlChildren(b, 0, b.length)) {
          if (e.id === 0x2ad7b1) scale = uint(b, e) || 1e6;
          if (e.id === 0x4489) duration = float(b, e);
        }
      } else {
        for (const te of ebmlChildren(b, 0, b.length)) {
          if (te.id !== 0xae || track) continue;
          const t = { number: 0, type: 0, codecId: '', priv: null, width: 0, height: 0, dw: 0, dh: 0, defaultDuration: 0 };
          for (const e of ebmlChildren(b, te.start, te.end)) {
            if (e.id === 0xd7) t.number = uint(b, e);
            else if (e.id === 0x83) t.type = uint(b, e);
            else if (e.id === 0x86) t.codecId = text(b, e);
            else if (e.id === 0x63a2) t.priv = b.slice(e.start, e.end);
            else if (e.id === 0x23e383) t.defaultDuration = uint(b, e);
            else if (e.id === 0xe0) {
              for (const v of ebmlChildren(b, e.start, e.end)) {
                if (v.id === 0xb0) t.width = uint(b, v);
                else if (v.id === 0xba) t.height = uint(b, v);
                else if (v.id === 0x54b0) t.dw = uint(b, v);
                else if (v.id === 0x54ba) t.dh = uint(b, v);
              }
            }
          }
          if (t.type === 1) track = t;
        }
        if (!track) throw fail('not-video', 'this WebM file has no video track');
      }
    }
    p = dataStart + h.size;
    if (p > segEnd) cut = true;
  }
  if (!track) throw fail('corrupt', 'the WebM file has no track list (it is cut short or damaged)');
  if (lacing) throw fail('corrupt', 'this WebM file packs several video frames in one block (lacing), which is not read');
  const fourcc = MKV_CODECS[track.codecId] || track.codecId;
  let codec = null;
  let description;
  let nalLength = 0;
  if (fourcc === 'vp08') codec = 'vp8';
  else if (fourcc === 'vp09') codec = await vp9FromFrame(reader, samples);
  else if (fourcc === 'av01') {
    codec = av1Codec(track.priv);
    description = track.priv && track.priv.length > 4 ? track.priv : undefined;
  } else if (fourcc === 'avc1') {
    if (!track.priv) throw fail('corrupt', 'the H.264 track has no configuration (CodecPrivate)');
    ({ codec, nalLength } = avcCodec(track.priv));
    description = track.priv;
  } else if (fourcc === 'hvc1') {
    codec = hevcCodec(track.priv || new Uint8Array(0), 'hvc1');
    description = track.priv;
    nalLength = 4;
  }
  const dropped = samples.truncate(size);
  return {
    container: 'webm',
    fourcc,
    codecLabel: MKV_CODECS[track.codecId] ? undefined : track.codecId,
    codec,
    description,
    nalLength,
    codedWidth: track.width,
    codedHeight: track.height,
    displayWidth: track.dw || undefined,
    displayHeight: track.dh || undefined,
    duration: duration ? (duration * scale) / 1e9 : null,
    defaultDuration: track.defaultDuration ? track.defaultDuration / 1e9 : 0,
    samples,
    truncated: dropped > 0 || cut,
  };
}

/** VP9's profile and bit depth from the first keyframe's uncompressed header (WebM has no vpcC). */
async function vp9FromFrame(reader, samples) {
  const i = samples.key.indexOf(1);
  if (i < 0) return 'vp09.00.10.08';
  const b = await reader.read(samples.offset[i], 8);
  const profile = ((b[0] >> 5) & 1) | (((b[0] >> 4) & 1) << 1);
  let depth = 8;
  if (profile >= 2) {
    // frame_marker(2) profile(2) [reserved(1) if 3] show_existing(1) frame_type(1) show(1) error_res(1), sync code (24), then ten_or_twelve_bit.
    const bit = profile === 3 ? 8 + 24 + 1 : 7 + 24 + 1;
    const byte = b[bit >> 3];
    depth = (byte >> (7 - (bit & 7))) & 1 ? 12 : 10;
  }
  return `vp09.${String(profile).padStart(2, '0')}.10.${String(depth).padStart(2, '0')}`;
}

/**
 * The video track of `blob`: {container, fourcc, codec, description,
 * nalLength, codedWidth, codedHeight, duration, samples (typed columns, decode
 * order), truncated}; throws an Error named 'empty', 'not-video' or 'corrupt'.
 */
export async function indexVideo(blob) {
  if (!blob || blob.size === 0) throw fail('empty', 'the file is empty (0 bytes)');
  const reader = new Reader(blob);
  const head = await reader.read(0, 64);
  let track;
  if (looksEbml(head)) track = await webmIndex(reader);
  else if (looksMp4(head)) track = await mp4Index(reader);
  else {
    const kind = /^(RIFF....AVI |\x00\x00\x01\xba|\x00\x00\x01\xb3|FLV|OggS|\x30\x26\xb2\x75)/.test(String.fromCharCode(...head.subarray(0, 12)));
    throw fail('not-video', kind ? 'this video container (AVI, MPEG-PS, FLV, Ogg or ASF) is not read: convert it to MP4 or WebM' : 'this file is not a video (neither MP4 nor WebM)');
  }
  if (track.samples.length === 0) {
    throw fail(track.truncated ? 'corrupt' : 'empty', track.truncated ? 'the video is cut short before its first frame' : 'the video has no frames');
  }
  track.samples = track.samples.freeze();
  return track;
}
