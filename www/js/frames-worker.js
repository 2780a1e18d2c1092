// The frame source's worker (frames.js starts one per opened video): reads
// the container's index (frames-demux.js), decodes with WebCodecs'
// VideoDecoder only what the samples asked for need (each GOP from its
// keyframe up to its last sample asked for; H.264 frames nothing refers to
// are not decoded unless asked for), reduces each sampled frame to RGBA of
// at most `maxSide` px on its long side and hands it out only as fast as the
// page takes them (credits: the page's `pull`), so memory stays bounded.
// Every VideoFrame is closed as soon as it is drawn.
//
// Messages in: {type:'open', file}, {type:'scan', id, rate, maxSide, from, to},
// {type:'pull', id, n}, {type:'cancel', id}, {type:'frameAt', id, time, format},
// {type:'stats', id}. Out: {type:'info', info} | {type:'error', id?, name, message},
// {type:'plan', id, total, rate, times}, {type:'frame', id, index, time, width, height, rgba},
// {type:'done', id}, {type:'still', id, ...}, {type:'stats', id, decoders, frames}.

import { indexVideo, codecName, fail, Reader } from './frames-demux.js';
import { samplingRate } from './frames.js';
import { reducedPlanes, toRgba, candidates, difference } from './frames-reduce.js';

let file = null;
let track = null;
let opened = null; // Promise of the track
const jobs = new Map();
let openDecoders = 0;
let openFrames = 0;
let fedTotal = 0; // chunks given to decoders, all told

/** How long the decoder may stay silent with work given before the video is taken for corrupt. */
const STALL_MS = 20_000;
/** Sampled frames reduced and waiting for the page, at most. */
const READY_MAX = 3;

function post(msg, transfer = []) {
  self.postMessage(msg, transfer);
}

function sendError(id, e) {
  const name = e && e.name && e.name !== 'Error' ? e.name : 'corrupt';
  post({ type: 'error', id, name, message: (e && e.message) || String(e) });
}

/**
 * Frames per second: the mean spacing of the presentation times over the
 * whole clip (WebM's millisecond times make single spacings 41 or 42 ms at
 * 24 fps), snapped to the usual rate it is within 0.1 % of.
 */
function frameRate(pts) {
  const n = pts.length;
  if (n < 2) return null;
  let first = Infinity;
  let last = -Infinity;
  for (let i = 0; i < n; i++) {
    if (pts[i] < first) first = pts[i];
    if (pts[i] > last) last = pts[i];
  }
  if (!(last > first)) return null;
  const fps = (n - 1) / (last - first);
  for (const usual of [23.976, 24, 25, 29.97, 30, 48, 50, 59.94, 60, 120]) {
    if (Math.abs(fps - usual) / usual < 1e-3) return usual;
  }
  return Math.round(fps * 1000) / 1000;
}

async function open(f) {
  file = f;
  track = await indexVideo(f);
  const s = track.samples;
  const n = s.pts.length;
  let first = Infinity;
  let last = -Infinity;
  for (let i = 0; i < n; i++) {
    if (s.pts[i] < first) first = s.pts[i];
    if (s.pts[i] > last) last = s.pts[i];
  }
  const fps = frameRate(s.pts);
  track.first = first;
  track.fps = fps;
  // Presentation order (for the nearest sample to a time).
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => s.pts[a] - s.pts[b]);
  track.order = order;
  track.sorted = Float64Array.from(order, (i) => s.pts[i]);
  // The keyframe each sample decodes from.
  const gop = new Uint32Array(n);
  for (let i = 0, k = 0; i < n; i++) {
    if (s.key[i]) k = i;
    gop[i] = k;
  }
  track.gop = gop;
  const span = last - first + (fps ? 1 / fps : 0);
  const duration = track.duration && Math.abs(track.duration - span) < 2 ? track.duration : span;
  const name = track.codecLabel || codecName(track.fourcc);
  if (!s.key[0]) throw fail('corrupt', 'the video does not start with a keyframe');
  if (!track.codec) throw fail('unsupported-codec', `${name} is not supported by this browser (it cannot be decoded here)`);
  if (typeof VideoDecoder !== 'function') {
    throw fail('unsupported', 'this browser has no WebCodecs (VideoDecoder): a film cannot be sampled here');
  }
  track.config = {
    codec: track.codec,
    codedWidth: track.codedWidth || undefined,
    codedHeight: track.codedHeight || undefined,
    description: track.description,
    optimizeForLatency: false,
  };
  let support;
  try {
    support = await VideoDecoder.isConfigSupported(track.config);
  } catch (e) {
    throw fail('unsupported-codec', `${name} (${track.codec}) is not supported by this browser: ${e.message}`);
  }
  if (!support.supported) throw fail('unsupported-codec', `${name} is not supported by this browser (${track.codec})`);
  track.info = {
    container: track.container,
    codec: track.codec,
    codecName: name,
    width: track.displayWidth || track.codedWidth,
    height: track.displayHeight || track.codedHeight,
    duration,
    fps,
    frames: n,
    keyframes: s.key.reduce((a, b) => a + b, 0),
    truncated: track.truncated,
  };
  return track;
}

/**
 * The sample (decode index) shown at time `t`: the last one whose time is
 * not after t (the first one before the start), or with `nearest` the one
 * whose time is nearest t. Times within a millisecond count as equal (WebM
 * keeps milliseconds: frame k of 24 fps is at round(k / 24, 3)).
 */
function sampleAt(t, nearest = false) {
  const a = track.sorted;
  let lo = 0;
  let hi = a.length - 1;
  const eps = 1e-3;
  if (t <= a[0] + eps) return track.order[0];
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (a[mid] <= t + eps) lo = mid;
    else hi = mid - 1;
  }
  if (nearest && lo + 1 < a.length && a[lo + 1] - t < t - a[lo]) lo++;
  return track.order[lo];
}

/** Whether an H.264 sample is one no other frame refers to (every slice has nal_ref_idc 0): it need not be decoded. */
function disposable(data) {
  const L = track.nalLength;
  if (track.fourcc !== 'avc1' && track.fourcc !== 'avc3') return false;
  if (!L) return false;
  let p = 0;
  let slices = 0;
  while (p + L < data.length) {
    let len = 0;
    for (let k = 0; k < L; k++) len = len * 256 + data[p + k];
    const h = data[p + L];
    const type = h & 31;
    if (type >= 1 && type <= 5) {
      if ((h >> 5) & 3) return false;
      slices++;
    }
    p += L + len;
  }
  return slices > 0;
}

function makeDecoder(onFrame, onError) {
  const decoder = new VideoDecoder({
    output: (frame) => {
      openFrames++;
      try {
        onFrame(frame);
      } finally {
        frame.close();
        openFrames--;
      }
    },
    error: (e) => onError(e),
  });
  openDecoders++;
  decoder.configure(track.config);
  let closed = false;
  return {
    decoder,
    close() {
      if (closed) return;
      closed = true;
      openDecoders--;
      if (decoder.state !== 'closed') decoder.close();
    },
  };
}

function decodeError(e, at) {
  return fail('corrupt', `the video could not be decoded${at !== undefined ? ` near ${at.toFixed(2)} s` : ''} (${(e && e.message) || e}): the file is damaged or cut short`);
}

/**
 * Feeds the decoder the samples that `wanted` (a Uint8Array over decode order,
 * 1 = hand it out) needs, in decode order, waiting whenever `hold()` says so.
 * `state` has {cancelled, error, wake} shared with the output side.
 */
async function feed(dec, wanted, state, hold, onFed = () => {}) {
  const s = track.samples;
  const n = s.pts.length;
  const reader = new Reader(file, 4 << 20);
  // The last wanted sample of each GOP.
  let i = 0;
  while (i < n) {
    // The GOP [i, j).
    let j = i + 1;
    while (j < n && !s.key[j]) j++;
    let last = -1;
    for (let k = i; k < j; k++) if (wanted[k]) last = k;
    if (last >= 0) {
      for (let k = i; k <= last; k++) {
        for (let why; !state.cancelled && !state.error && (why = hold()); ) {
          // Waiting for the page is fine; a decoder that takes work and never answers is not.
          if (why === 'decoder' && performance.now() - Math.max(state.lastOutAt, state.lastFedAt) > STALL_MS) {
            throw fail('corrupt', 'the browser stopped answering while decoding this video (it is damaged)');
          }
          await state.waitForChange();
        }
        if (state.cancelled || state.error) return;
        const data = await reader.read(s.offset[k], s.size[k]);
        if (data.length < s.size[k]) throw fail('corrupt', 'the video is cut short');
        if (!wanted[k] && k !== i && disposable(data)) continue;
        const chunk = new EncodedVideoChunk({
          type: k === i ? 'key' : 'delta',
          timestamp: Math.round(s.pts[k] * 1e6),
          data,
        });
        state.fed++;
        fedTotal++;
        state.lastFedAt = performance.now();
        onFed(k);
        try {
          dec.decoder.decode(chunk);
        } catch (e) {
          throw decodeError(e, s.pts[k]);
        }
      }
    }
    i = j;
  }
}

function sharedState() {
  let wake = null;
  const state = {
    cancelled: false,
    error: null,
    fed: 0,
    drawMs: 0,
    lastFedAt: performance.now(),
    lastOutAt: performance.now(),
    changed() {
      if (wake) {
        const w = wake;
        wake = null;
        w();
      }
    },
    waitForChange(ms = 1000) {
      return new Promise((resolve) => {
        wake = resolve;
        setTimeout(() => {
          if (wake === resolve) wake = null;
          resolve();
        }, ms);
      });
    },
  };
  return state;
}

/** Waits for `promise` (a flush) or throws 'corrupt' after the decoder has been silent for STALL_MS. */
async function withWatchdog(promise, state) {
  let done = false;
  let failure = null;
  promise.then(
    () => {
      done = true;
      state.changed();
    },
    (e) => {
      failure = e;
      done = true;
      state.changed();
    },
  );
  while (!done && !state.cancelled && !state.error) {
    await state.waitForChange(500);
    if (performance.now() - Math.max(state.lastOutAt, state.lastFedAt) > STALL_MS) {
      throw fail('corrupt', 'the browser stopped answering while decoding this video (it is damaged)');
    }
  }
  if (failure && !state.cancelled) throw state.error || decodeError(failure);
}

async function scan(msg) {
  const { id } = msg;
  const state = sharedState();
  const job = { state, credits: 0, ready: [], dec: null };
  jobs.set(id, job);
  try {
    await opened;
    if (state.cancelled) return;
    const s = track.samples;
    const n = s.pts.length;
    const { duration, fps } = track.info;
    const rate = msg.rate || samplingRate(duration, fps);
    const from = Math.max(track.first, msg.from ?? track.first);
    const to = Math.min(track.first + duration, msg.to ?? Infinity);
    // Target times, each mapped to the frame shown then; two targets on one frame count once.
    const wanted = new Uint8Array(n);
    const byTs = new Map();
    const times = [];
    for (let k = 0; ; k++) {
      const t = from + k / rate;
      if (t >= to - 1e-9) break;
      const i = sampleAt(t, true);
      if (wanted[i]) continue;
      wanted[i] = 1;
      times.push(s.pts[i]);
    }
    times.sort((a, b) => a - b);
    times.forEach((t, index) => byTs.set(Math.round(t * 1e6), index));
    const total = times.length;
    post({ type: 'plan', id, total, rate, info: track.info });
    const { width, height } = track.info;
    const maxSide = msg.maxSide || 320;
    const f = Math.min(1, maxSide / Math.max(width, height));
    const w = Math.max(1, Math.round(width * f));
    const h = Math.max(1, Math.round(height * f));
    const canvas = new OffscreenCanvas(w, h);
    const ctx = canvas.getContext('2d', { willReadFrequently: true, alpha: false });
    let outstanding = 0; // targets fed, not yet out
    let chain = Promise.resolve();
    const reduction = { scratch: {}, matrix: null };
    let sent = 0;
    const flushReady = () => {
      while (job.credits > 0 && job.ready.length) {
        const fr = job.ready.shift();
        job.credits--;
        sent++;
        post(fr, [fr.rgba.buffer]);
      }
    };
    job.flushReady = flushReady;
    const dec = makeDecoder(
      (frame) => {
        state.lastOutAt = performance.now();
        const index = byTs.get(frame.timestamp);
        if (index === undefined || state.cancelled) return;
        const time = frame.timestamp / 1e6;
        // Reduced in order, one after another (copyTo is asynchronous): the clone is closed once read.
        const clone = frame.clone();
        openFrames++;
        chain = chain
          .then(async () => {
            if (state.cancelled) return;
            const t0 = performance.now();
            const rgba = await reduce(clone, w, h, ctx, reduction, msg.reduce);
            state.drawMs += performance.now() - t0;
            job.ready.push({ type: 'frame', id, index, time, width: w, height: h, rgba });
            flushReady();
          })
          .catch((e) => {
            state.error = state.error || fail('corrupt', `a frame could not be read (${e.message})`);
          })
          .finally(() => {
            clone.close();
            openFrames--;
            outstanding--;
            state.changed();
          });
      },
      (e) => {
        state.error = state.error || decodeError(e);
        state.changed();
      },
    );
    job.dec = dec;
    dec.decoder.addEventListener('dequeue', () => state.changed());
    // Back-pressure: no more input while the page has frames to take, or the decoder has enough.
    const hold = () =>
      job.ready.length >= READY_MAX
        ? 'page'
        : openFrames >= 4 || dec.decoder.decodeQueueSize > 8 || outstanding > 24
          ? 'decoder'
          : null;
    await feed(dec, wanted, state, hold, (k) => {
      if (wanted[k]) outstanding++;
    });
    if (state.error) throw state.error;
    if (state.cancelled) return;
    await withWatchdog(dec.decoder.flush(), state);
    await withWatchdog(chain, state);
    if (state.error) throw state.error;
    // The last frames go as the page takes them.
    while (!state.cancelled && job.ready.length) {
      await state.waitForChange(1000);
    }
    if (state.cancelled) return;
    post({ type: 'done', id, sent, fed: state.fed, frames: n, drawMs: Math.round(state.drawMs), calibration: reduction.calibration || reduction.matrix });
  } catch (e) {
    if (!state.cancelled) sendError(id, e);
  } finally {
    if (job.dec) job.dec.close();
    job.ready.length = 0;
    jobs.delete(id);
  }
}

/**
 * `frame` as w x h RGBA: from its planes by the matrix the browser uses
 * (learnt on the first frame, `r.matrix`), or drawn by the browser
 * (`how` 'draw', or a frame the planes cannot stand for).
 */
async function reduce(frame, w, h, ctx, r, how) {
  const drawn = () => {
    ctx.drawImage(frame, 0, 0, w, h);
    return ctx.getImageData(0, 0, w, h).data;
  };
  if (how === 'draw' || r.matrix === 'draw') return drawn();
  const planes = await reducedPlanes(frame, w, h, r.scratch);
  if (!planes) {
    r.matrix = 'draw';
    return drawn();
  }
  if (!r.matrix) {
    const browser = drawn();
    let best = null;
    for (const m of candidates(frame)) {
      const d = difference(toRgba(planes, m), browser);
      if (!best || d < best.d) best = { m, d };
    }
    // More than a few levels apart on average: the browser does more than a matrix (HDR, a transfer…).
    r.matrix = best && best.d < 6 ? best.m : 'draw';
    r.calibration = best && { matrix: best.m.name, full: best.m.full, difference: best.d };
    return browser;
  }
  return toRgba(planes, r.matrix);
}

async function frameAt(msg) {
  const { id } = msg;
  const state = sharedState();
  const job = { state, dec: null };
  jobs.set(id, job);
  try {
    await opened;
    const s = track.samples;
    const i = sampleAt(msg.time);
    const wanted = new Uint8Array(s.pts.length);
    wanted[i] = 1;
    const ts = Math.round(s.pts[i] * 1e6);
    let result = null;
    let pending = null;
    const dec = makeDecoder(
      (frame) => {
        state.lastOutAt = performance.now();
        if (frame.timestamp !== ts || result || pending) return;
        const w = frame.displayWidth;
        const h = frame.displayHeight;
        if (msg.format === 'rgba') {
          const canvas = new OffscreenCanvas(w, h);
          const ctx = canvas.getContext('2d', { willReadFrequently: true, alpha: false });
          ctx.drawImage(frame, 0, 0, w, h);
          result = { width: w, height: h, rgba: ctx.getImageData(0, 0, w, h).data };
        } else {
          // The bitmap is made before the frame is closed (output closes it on return).
          const clone = frame.clone();
          openFrames++;
          pending = createImageBitmap(clone)
            .then((bitmap) => {
              result = { width: w, height: h, bitmap };
            })
            .finally(() => {
              clone.close();
              openFrames--;
              state.changed();
            });
        }
        state.changed();
      },
      (e) => {
        state.error = state.error || decodeError(e, s.pts[i]);
        state.changed();
      },
    );
    job.dec = dec;
    await feed(dec, wanted, state, () => (dec.decoder.decodeQueueSize > 8 ? 'decoder' : null));
    if (state.error) throw state.error;
    if (state.cancelled) return;
    await withWatchdog(dec.decoder.flush(), state);
    if (pending) await pending;
    if (state.error) throw state.error;
    if (state.cancelled) return;
    if (!result) throw fail('corrupt', `the frame at ${s.pts[i].toFixed(3)} s could not be decoded`);
    post({ type: 'still', id, time: s.pts[i], ...result }, [result.bitmap || result.rgba.buffer]);
  } catch (e) {
    if (!state.cancelled) sendError(id, e);
  } finally {
    if (job.dec) job.dec.close();
    jobs.delete(id);
  }
}

self.onmessage = ({ data: msg }) => {
  switch (msg.type) {
    case 'open':
      opened = open(msg.file);
      opened.then(
        () => post({ type: 'info', info: track.info }),
        (e) => sendError(undefined, e),
      );
      opened.catch(() => {});
      break;
    case 'scan':
      scan(msg);
      break;
    case 'frameAt':
      frameAt(msg);
      break;
    case 'pull': {
      const job = jobs.get(msg.id);
      if (job) {
        job.credits += msg.n || 1;
        if (job.flushReady) job.flushReady();
        job.state.changed();
      }
      break;
    }
    case 'cancel': {
      const job = jobs.get(msg.id);
      if (job) {
        job.state.cancelled = true;
        if (job.dec) job.dec.close();
        if (job.ready) job.ready.length = 0;
        job.state.changed();
      }
      post({ type: 'cancelled', id: msg.id });
      break;
    }
    case 'stats':
      post({
        type: 'stats',
        id: msg.id,
        decoders: openDecoders,
        frames: openFrames,
        jobs: [...jobs.keys()].filter((k) => k !== msg.id).length,
        fed: fedTotal,
        ready: [...jobs.values()].reduce((a, j) => a + (j.ready ? j.ready.length : 0), 0),
      });
      break;
  }
};
