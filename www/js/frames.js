// A film's frames, sampled off the main thread (issue 13's frame source).
//
//   const video = openVideo(file, { signal });          // a video File/Blob
//   const info = await video.info;  // {duration, width, height, fps, codec, codecName, container, frames, keyframes, truncated}
//   const scan = video.scan({ rate, maxSide: 320, signal, onProgress(done, total) });
//   for await (const f of scan) {   // {index, time, width, height, rgba: Uint8ClampedArray}, in time order
//     await reduce(f);              // the next frame is asked for only when this one is taken: back-pressure
//   }
//   scan.total                      // Promise of the number of samples planned
//   scan.done                       // Promise, when it ends: {sent, fed (chunks decoded), frames (in the file), drawMs}
//   scan.cancel()                   // or abort `signal`: no frame after it, the decoder closed
//   const still = await video.frameAt(12.5, { format: 'bitmap' | 'rgba', signal });
//                                   // ONE frame at full resolution: {time, width, height, bitmap | rgba}
//   video.close()                   // ends the worker (a newer file: close the old one, or abort its signal)
//
//   sampleFrames(file, options)     // the short form: {info, frames (async iterable), cancel()}
//   samplingRate(duration, fps)     // the rule below
//
// How: a dedicated worker (frames-worker.js) reads the container itself
// (frames-demux.js: MP4/MOV, fragmented MP4, WebM/Matroska) and decodes with
// WebCodecs' VideoDecoder only the frames the samples need (each GOP from its
// keyframe to its last sample; H.264 frames no other refers to are skipped
// unless sampled), draws each sampled frame at most `maxSide` px on its long
// side and sends its RGBA (transferred, not copied). The main thread only
// receives messages: no long task. Why WebCodecs rather than a <video>
// element: BENCHMARKS.md, "Sampling a film's frames", and docs/DESIGN.md.
//
// The sampling rate, from the length: about 3000 samples for the whole film
// (the barcode's columns; a 10-minute clip at 5 a second), but never fewer
// than 2 a second (a shot of half a second still gets a sample, so shot
// detection misses none), and never more than every frame nor 30 a second
// (a clip of up to 3000 frames at up to 30 fps is sampled whole; a 60 fps
// one every other frame: reducing a 4K frame costs tens of ms, and shots
// are found within a 30th of a second). A two-hour film: 2 a second,
// 14,400 samples.
//
// Memory: the decoder is fed nothing more while 3 reduced frames wait for
// the consumer, nor more than 8 chunks ahead or 24 samples in flight (so at
// most some 30 small frames, a few MB, whatever the film's length: 12 seen
// in the tests); the worker keeps the container's index (21 bytes a frame)
// and reads the file by slices (4 MB at a time).
//
// Errors (rejections of `info`, of the iteration or of frameAt) are Errors
// whose `name` tells them apart: 'empty' (0 bytes, no frames), 'not-video'
// (not MP4/WebM, no video track), 'unsupported-codec' (the message names it:
// "HEVC (hvc1) is not supported by this browser"), 'corrupt' (cut short,
// damaged, or the decoder stopped answering: a watchdog, never a hang),
// 'unsupported' (no WebCodecs in this browser), 'AbortError' (cancelled).

/** The most frames a second sampled (see above). */
const MAX_RATE = 30;

/** Frames a second sampled for a film of `duration` seconds at `fps` (see above). */
export function samplingRate(duration, fps) {
  const perSecond = Math.min(MAX_RATE, Math.max(2, 3000 / Math.max(duration, 1e-3)));
  return fps ? Math.min(fps, perSecond) : perSecond;
}

function named(name, message) {
  const e = new Error(message);
  e.name = name;
  return e;
}

const aborted = () => named('AbortError', 'the scan was cancelled');

/** How long opening may take before the file is taken for damaged (the index of a large WebM is read whole). */
const OPEN_MS = 60_000;

/** Opens `file` (a video Blob) in a worker of its own; see the top of this module. */
export function openVideo(file, { signal } = {}) {
  const worker = new Worker(new URL('./frames-worker.js', import.meta.url), { type: 'module', name: 'cinepal frames' });
  let closed = false;
  let nextId = 1;
  const handlers = new Map(); // id -> (msg) => void
  let settleInfo;
  const info = new Promise((resolve, reject) => {
    settleInfo = { resolve, reject };
  });
  info.catch(() => {});
  const timer = setTimeout(() => settleInfo.reject(named('corrupt', 'the video could not be opened in time (it may be damaged)')), OPEN_MS);
  info.finally(() => clearTimeout(timer)).catch(() => {});

  worker.onmessage = ({ data: msg }) => {
    if (msg.type === 'info') settleInfo.resolve(msg.info);
    else if (msg.type === 'error' && msg.id === undefined) settleInfo.reject(named(msg.name, msg.message));
    else if (handlers.has(msg.id)) handlers.get(msg.id)(msg);
  };
  worker.onerror = (event) => {
    event.preventDefault?.();
    const e = named('corrupt', `the frame reader failed: ${event.message || 'an error in its worker'}`);
    settleInfo.reject(e);
    for (const h of handlers.values()) h({ type: 'error', name: e.name, message: e.message });
  };
  worker.postMessage({ type: 'open', file });

  function close() {
    if (closed) return;
    closed = true;
    clearTimeout(timer);
    settleInfo.reject(aborted());
    for (const h of handlers.values()) h({ type: 'closed' });
    handlers.clear();
    worker.terminate();
  }
  if (signal) {
    if (signal.aborted) queueMicrotask(close);
    else signal.addEventListener('abort', close, { once: true });
  }

  /** A scan of the film: an async iterable of reduced frames, with `total` and `cancel()`. */
  function scan({ rate, maxSide = 320, from, to, signal: scanSignal, onProgress, reduce } = {}) {
    const id = nextId++;
    const queue = []; // frames arrived, not yet taken
    const waiters = []; // {resolve, reject} of next() calls waiting
    let finished = false;
    let failure = null;
    let done = 0;
    let total = 0;
    let settleTotal;
    const totalPromise = new Promise((resolve, reject) => {
      settleTotal = { resolve, reject };
    });
    totalPromise.catch(() => {});
    let scanStats;
    const statsPromise = new Promise((resolve) => {
      scanStats = { resolve };
    });

    const settle = () => {
      while (waiters.length && (queue.length || finished)) {
        const w = waiters.shift();
        if (queue.length) w.resolve({ value: queue.shift(), done: false });
        else if (failure) w.reject(failure);
        else w.resolve({ value: undefined, done: true });
      }
    };
    const finish = (e) => {
      if (finished) return;
      finished = true;
      failure = e || null;
      if (e) {
        queue.length = 0;
        settleTotal.reject(e);
      }
      handlers.delete(id);
      settle();
    };
    handlers.set(id, (msg) => {
      if (finished) return;
      switch (msg.type) {
        case 'plan':
          total = msg.total;
          settleTotal.resolve(total);
          onProgress?.(0, total);
          break;
        case 'frame':
          done++;
          queue.push({ index: msg.index, time: msg.time, width: msg.width, height: msg.height, rgba: msg.rgba });
          onProgress?.(done, total);
          settle();
          break;
        case 'done':
          // What the worker did: {sent, fed (chunks decoded), frames (in the file), drawMs (reducing them)}.
          scanStats.resolve({ sent: msg.sent, fed: msg.fed, frames: msg.frames, drawMs: msg.drawMs, calibration: msg.calibration });
          finish(null);
          break;
        case 'error':
          finish(named(msg.name, msg.message));
          break;
        case 'closed':
          finish(aborted());
          break;
      }
    });
    function cancel() {
      if (finished) return;
      if (!closed) worker.postMessage({ type: 'cancel', id });
      finish(aborted());
    }
    if (scanSignal) {
      if (scanSignal.aborted) queueMicrotask(cancel);
      else scanSignal.addEventListener('abort', cancel, { once: true });
    }
    // Sent at once (the worker waits for its index itself), so that it comes before any pull.
    if (!closed) worker.postMessage({ type: 'scan', id, rate, maxSide, from, to, reduce });
    info.catch((e) => finish(e));
    return {
      total: totalPromise,
      /** Resolves when the scan is done: {sent, fed, frames, drawMs} (for benchmarks). */
      done: statsPromise,
      cancel,
      [Symbol.asyncIterator]() {
        return {
          next() {
            if (queue.length) return Promise.resolve({ value: queue.shift(), done: false });
            if (finished) return failure ? Promise.reject(failure) : Promise.resolve({ value: undefined, done: true });
            // One credit per frame asked for: the worker sends no frame nobody waits for.
            if (!closed) worker.postMessage({ type: 'pull', id, n: 1 });
            return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
          },
          return() {
            cancel();
            return Promise.resolve({ value: undefined, done: true });
          },
        };
      },
    };
  }

  /** ONE frame at full resolution: the one shown at `time` seconds. */
  function frameAt(time, { format = 'bitmap', signal: stillSignal } = {}) {
    return new Promise((resolve, reject) => {
      const id = nextId++;
      const end = (fn, v) => {
        handlers.delete(id);
        fn(v);
      };
      handlers.set(id, (msg) => {
        if (msg.type === 'still') {
          const { time: t, width, height, bitmap, rgba } = msg;
          end(resolve, { time: t, width, height, ...(bitmap ? { bitmap } : { rgba }) });
        } else if (msg.type === 'error') end(reject, named(msg.name, msg.message));
        else if (msg.type === 'closed') end(reject, aborted());
      });
      stillSignal?.addEventListener(
        'abort',
        () => {
          if (!handlers.has(id)) return;
          if (!closed) worker.postMessage({ type: 'cancel', id });
          end(reject, aborted());
        },
        { once: true },
      );
      info.then(
        () => {
          if (handlers.has(id) && !closed) worker.postMessage({ type: 'frameAt', id, time, format });
        },
        (e) => handlers.has(id) && end(reject, e),
      );
    });
  }

  /**
   * What the worker holds: {decoders, frames (VideoFrames open), jobs (scans and frameAt running),
   * fed (chunks decoded so far), ready (reduced frames waiting)}; the tests check cancel and back-pressure by it.
   */
  function stats() {
    return new Promise((resolve, reject) => {
      if (closed) return resolve({ decoders: 0, frames: 0, jobs: 0, closed: true });
      const id = nextId++;
      handlers.set(id, (msg) => {
        handlers.delete(id);
        if (msg.type === 'stats') resolve({ decoders: msg.decoders, frames: msg.frames, jobs: msg.jobs, fed: msg.fed, ready: msg.ready });
        else reject(aborted());
      });
      worker.postMessage({ type: 'stats', id });
    });
  }

  return { info, scan, frameAt, stats, close };
}

/**
 * The short form: `{info, frames, cancel}`, the video closed when the scan
 * ends (its last frame taken, an error, or a cancel).
 */
export function sampleFrames(file, { signal, ...options } = {}) {
  const video = openVideo(file, { signal });
  const scan = video.scan({ ...options, signal });
  const frames = {
    async *[Symbol.asyncIterator]() {
      try {
        for await (const f of scan) yield f;
      } finally {
        video.close();
      }
    },
  };
  return {
    info: video.info,
    total: scan.total,
    frames,
    cancel() {
      scan.cancel();
      video.close();
    },
  };
}
