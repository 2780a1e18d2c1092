// The film view (issue 13): a video opened from the same input as images,
// shown with frame-accurate stepping; "Palette of this frame" (the frame at
// full resolution opened as a still); the scan (frames.js samples the film
// off the main thread, ../film-worker.js reduces each frame with the core's
// Film and finds the shots), each shot shown as it is found with its key
// frame and its palette; the film's barcode and its own palette. Loaded with
// the first video, not with the page.
//
// The main thread only relays: a sampled frame (at most 320 px, transferred)
// goes from the frame reader's worker to the film's worker and is dropped
// there once reduced; what comes back is a column (two colors) and now and
// then a shot. A newer file ends the scan (www/main.js calls `cancel`).

import { openVideo, samplingRate } from './frames.js';
import { baseName, saveBlob } from './downloads.js';

const $ = (id) => document.getElementById(id);

// Its styles come with it (not with the page).
const style = document.createElement('link');
style.rel = 'stylesheet';
style.href = new URL('../css/film.css', import.meta.url).href;
document.head.append(style);

/** Seconds as `m:ss.s` (`digits` decimals). */
export function clock(t, digits = 1) {
  const s = Math.max(0, t);
  const m = Math.floor(s / 60);
  const rest = (s - m * 60).toFixed(digits).padStart(digits ? digits + 3 : 2, '0');
  return `${m}:${rest}`;
}

/** A length said roughly, for an estimate: "25 s" (by 5 s, at least 5) under a minute, else "3 min". */
function roughly(seconds) {
  return seconds < 60 ? `${Math.max(5, Math.round(seconds / 5) * 5)} s` : `${Math.round(seconds / 60)} min`;
}

/** Why a video could not be opened, in a sentence for the status area. */
export function describeVideoFailure(e, name) {
  const file = `“${name}”`;
  switch (e.name) {
    case 'empty':
      return `${file} is empty: there is no film in it.`;
    case 'not-video':
      return `${file} is not a video this page can read: ${e.message}.`;
    case 'unsupported-codec':
      return `${file} cannot be played here: ${e.message}. An H.264, VP9 or AV1 version of it can be.`;
    case 'corrupt':
      return `${file} seems damaged or cut short: ${e.message}.`;
    case 'unsupported':
      return `This browser cannot read the frames of a film (${e.message}). Try a recent Chrome, Edge or Firefox.`;
    default:
      return `${file} could not be opened as a film: ${e.message}.`;
  }
}

/** Talks to a film worker: tagged requests, promises for answers. */
function filmWorker() {
  const worker = new Worker(new URL('../film-worker.js', import.meta.url), { type: 'module', name: 'cinepal film' });
  let nextId = 1;
  const pending = new Map();
  const fail = (message) => {
    for (const p of pending.values()) p.reject(Object.assign(new Error(message), { name: 'crash' }));
    pending.clear();
  };
  worker.onmessage = ({ data }) => {
    const p = pending.get(data.id);
    if (!p) return;
    pending.delete(data.id);
    if (data.type === 'result') p.resolve(data.payload);
    else p.reject(Object.assign(new Error(data.message), { name: data.name }));
  };
  worker.onerror = (event) => {
    event.preventDefault();
    fail(event.message || 'the film worker stopped');
  };
  return {
    call(type, payload = {}, transfer = []) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, type, ...payload }, transfer);
      });
    },
    end() {
      worker.terminate();
      fail('the scan was cancelled');
    },
  };
}

/**
 * @param {object} host
 * @param {object} host.status       the page's status (www/js/status.js)
 * @param {() => object} host.options the settings a shot's palette is extracted with (the controls')
 * @param {(bitmap: ImageBitmap) => Promise<Blob>} host.framePng  a frame as a PNG file's bytes (made in the engine's worker)
 * @param {(file: File, frame: {time: number, film: string}) => void} host.openFrame  opens a frame as the current still
 */
export function createFilm(host) {
  const root = $('film');
  const player = $('film-video');
  const shotList = $('shots');
  const barcode = $('barcode');
  const progress = $('film-progress');
  const progressText = $('film-progress-text');
  /** The film shown: {file, video (frames.js), info, url, fps, frames, frame (the one shown)}, or null. */
  let film = null;
  /** The scan running or done: {worker, abort, columns, shots, total, done, finished}, or null. */
  let scan = null;
  /** The newest film asked for (an older one still being opened is dropped). */
  let asked = 0;

  // ---- opening ----

  /** Opens `file` as the film shown; resolves false (and says why) when it cannot be read: the film shown stays. */
  async function open(file) {
    const mine = ++asked;
    const video = openVideo(file);
    let info;
    try {
      info = await video.info;
    } catch (e) {
      video.close();
      if (mine === asked) host.status.error(describeVideoFailure(e, file.name || 'the file'));
      return false;
    }
    if (mine !== asked) {
      video.close();
      return false;
    }
    close();
    const fps = info.fps || 24;
    const frames = Math.max(1, info.frames || Math.round(info.duration * fps));
    film = { file, video, info, fps, frames, frame: 0, url: URL.createObjectURL(file), name: file.name || 'film' };
    scrub.max = String(frames - 1);
    play.textContent = 'Play';
    player.src = film.url;
    $('film-title').textContent = film.name;
    $('film-info').textContent = [
      clock(info.duration),
      `${info.width} × ${info.height}`,
      `${Math.round(fps * 1000) / 1000} fps`,
      info.codecName || info.codec,
    ]
      .filter(Boolean)
      .join(' · ');
    $('film-note').textContent = heavyNote(info, fps);
    root.hidden = false;
    document.body.classList.add('has-film');
    showFrame(0, false);
    host.status.clearError();
    // Cut short (damaged, or not fully downloaded): what can be read is shown and scanned.
    if (info.truncated) {
      host.status.error(`“${film.name}” is cut short (damaged or not fully downloaded): only its first ${clock(frames / fps)} can be read.`);
    }
    startScan();
    return true;
  }

  /**
   * What a film heavier to decode than 1080p at 30 fps says before its scan
   * (4K at 60 fps: 8 times the pixels a second): how it is sampled and about how long
   * the scan takes, from this machine's measure (BENCHMARKS.md, "A film in the page": a 30 s
   * 4K60 film scans in 25 s, 0.036 of its length a 720p24 pixel rate; a 10-minute 720p24 one in 49 s).
   */
  function heavyNote(info, fps) {
    const pixelRate = info.width * info.height * fps;
    if (pixelRate <= 1920 * 1080 * 30 * 1.01) return '';
    const rate = samplingRate(info.duration, fps);
    const seconds = ((0.036 * pixelRate) / (1280 * 720 * 24)) * info.duration;
    const sampled = rate < fps ? `${Math.round(rate * 10) / 10} of its ${Math.round(fps)} frames a second` : 'every frame';
    return (
      `${info.width} × ${info.height} at ${Math.round(fps)} fps is heavy to decode in a browser: the scan reads ${sampled}, ` +
      `and may take about ${roughly(seconds)} (the time left is shown as it goes). Cancel stops it; the palette of a frame does not need it.`
    );
  }

  /** Ends the film shown (its scan, its reader, its URL) and hides the view. */
  function close() {
    cancel(false);
    // A finished scan's worker holds the film's barcode: it goes with it.
    scan?.worker.end();
    if (!film) return;
    film.video.close();
    player.removeAttribute('src');
    player.load();
    URL.revokeObjectURL(film.url);
    film = null;
    scan = null;
    shotList.replaceChildren();
    $('film-colors').replaceChildren();
    $('film-palette').hidden = true;
    barcode.width = 0;
    root.hidden = true;
    document.body.classList.remove('has-film');
  }

  // ---- frames: stepping, the time shown, the palette of this frame ----

  /** Shows frame `n` (clamped); `seek`: moves the video there. */
  function showFrame(n, seek = true) {
    if (!film) return;
    const f = Math.min(film.frames - 1, Math.max(0, Math.round(n)));
    film.frame = f;
    // The middle of the frame's interval: never the frame before it, whatever the rounding.
    if (seek) player.currentTime = (f + 0.5) / film.fps;
    const out = $('film-time');
    const t = f / film.fps;
    out.dataset.frame = String(f);
    out.dataset.time = String(t);
    out.textContent = `${clock(t, 3)} · frame ${f + 1} of ${film.frames}`;
    scrub.value = String(f);
    scrub.setAttribute('aria-valuetext', out.textContent);
  }

  // The scrubber: one step a frame (the video's own controls are left out: building them cost the
  // main thread 50 to 120 ms each time a film was shown).
  const scrub = $('film-scrub');
  scrub.addEventListener('input', () => {
    player.pause();
    showFrame(Number(scrub.value));
  });
  const play = $('film-play');
  play.addEventListener('click', () => (player.paused ? player.play().catch(() => {}) : player.pause()));
  player.addEventListener('play', () => (play.textContent = 'Pause'));
  player.addEventListener('pause', () => (play.textContent = 'Play'));
  player.addEventListener('ended', () => (play.textContent = 'Play'));

  const step = (by) => film && showFrame(film.frame + by);

  player.addEventListener('seeked', () => {
    if (!film) return;
    const n = Math.floor(player.currentTime * film.fps + 1e-6);
    if (n !== film.frame) showFrame(n, false);
  });
  player.addEventListener('timeupdate', () => {
    if (film && !player.paused) showFrame(Math.floor(player.currentTime * film.fps + 1e-6), false);
  });
  player.addEventListener('error', () => {
    if (film) $('film-note').textContent = 'This browser cannot play this film here; its frames are still read.';
  });

  $('film-prev').addEventListener('click', () => step(-1));
  $('film-next').addEventListener('click', () => step(1));
  $('film-frame').addEventListener('click', () => film && openAt(film.frame / film.fps + 0.5 / film.fps));

  // ← / → one frame, Shift for one second: on the film view (before the video's own controls seek 5 s),
  // or anywhere nothing else takes the keys.
  document.addEventListener('keydown', (event) => {
    if (!film || root.hidden || (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight')) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const t = event.target;
    const field = (t instanceof HTMLInputElement && t !== scrub) || t instanceof HTMLSelectElement;
    const here = root.contains(t) && !field && !t.closest('#shots');
    if (!here && t !== document.body && t !== document.documentElement) return;
    event.preventDefault();
    const by = event.shiftKey ? Math.max(1, Math.round(film.fps)) : 1;
    player.pause();
    step(event.key === 'ArrowLeft' ? -by : by);
  }, true);

  /** Opens the frame shown at `time` (full resolution) as the current still. */
  async function openAt(time) {
    const f = film;
    if (!f) return;
    const button = $('film-frame');
    button.disabled = true;
    try {
      const still = await f.video.frameAt(time, { format: 'bitmap' });
      if (film !== f) return still.bitmap?.close();
      const blob = await host.framePng(still.bitmap);
      const stamp = clock(still.time, 3).replace(':', 'm').replace('.', 's');
      const file = new File([blob], `${baseName(f.name)}-${stamp}.png`, { type: 'image/png' });
      host.openFrame(file, { time: still.time, film: f.name });
    } catch (e) {
      if (e.name !== 'AbortError') host.status.error(`That frame could not be read: ${e.message}.`);
    } finally {
      button.disabled = false;
    }
  }

  // ---- the scan ----

  $('film-scan').addEventListener('click', () => startScan());
  $('film-cancel').addEventListener('click', () => cancel(true));

  /** Scans the film shown from its start (a scan running is ended first). */
  async function startScan() {
    const f = film;
    if (!f) return;
    cancel(false);
    scan?.worker.end();
    const worker = filmWorker();
    const abort = new AbortController();
    const s = { worker, abort, columns: [], shots: new Map(), total: 0, done: 0, finished: null, startedAt: performance.now(), leftAt: 0 };
    $('film-left').textContent = '';
    // The shots' thumbnails come with them, made from the frames scanned (decoding the film again for
    // each would compete with the scan): as wide as a thumbnail is shown, in device pixels.
    const thumbnail = Math.min(320, Math.round(160 * (window.devicePixelRatio || 1)));
    scan = s;
    shotList.replaceChildren();
    $('film-colors').replaceChildren();
    $('film-palette').hidden = true;
    shotList.setAttribute('aria-busy', 'true');
    root.classList.add('is-scanning');
    $('film-cancel').hidden = false;
    $('film-scan').hidden = true;
    $('barcode-download').disabled = true;
    progress.removeAttribute('value');
    progressText.textContent = 'Reading the film…';
    try {
      const { region, keep, ...options } = host.options();
      await worker.call('start', { options: { ...options, region: typeof region === 'string' ? region : 'auto' } });
      const frames = f.video.scan({ rate: samplingRate(f.info.duration, f.info.fps), maxSide: 320, signal: abort.signal });
      frames.total.then((n) => {
        if (scan !== s) return;
        s.total = n;
        progress.max = n;
        progress.value = 0;
        sizeBarcode(n);
        showProgress(s);
      });
      for await (const frame of frames) {
        const r = await worker.call(
          'push',
          { width: frame.width, height: frame.height, rgba: frame.rgba, time: frame.time, thumbnail },
          [frame.rgba.buffer],
        );
        if (scan !== s) return;
        s.done++;
        s.columns.push(r.column);
        drawColumn(s.columns.length - 1, r.column);
        for (const shot of r.shots) addShot(s, shot);
        drawThumbnails(s, r.thumbnails);
        showProgress(s);
      }
      const done = await worker.call('finish', { duration: f.info.duration });
      if (scan !== s) return;
      s.finished = done;
      s.columns = done.columns;
      for (const shot of done.shots) addShot(s, shot);
      drawThumbnails(s, done.thumbnails);
      sizeBarcode(done.columns.length);
      drawBarcode();
      showFilmPalette(done.colors);
      $('barcode-download').disabled = false;
      const n = done.shots.length;
      progress.max = 1;
      progress.value = 1;
      progressText.textContent = `${n} ${n === 1 ? 'shot' : 'shots'} in ${s.done} frames`;
      host.status.announce(`The scan is done: ${n} ${n === 1 ? 'shot' : 'shots'}`);
    } catch (e) {
      if (scan !== s) return;
      // Cancelled (the button, or a newer file): whichever step was waiting says so in its own words.
      if (e.name === 'AbortError' || s.abort.signal.aborted) {
        progressText.textContent = `Cancelled at ${s.done} of ${s.total || '?'} frames`;
      } else {
        progressText.textContent = `Stopped at ${s.done} of ${s.total || '?'} frames`;
        host.status.error(describeVideoFailure(e, f.name));
      }
      worker.end();
    } finally {
      if (scan === s) endScan();
    }
  }

  function endScan() {
    shotList.setAttribute('aria-busy', 'false');
    root.classList.remove('is-scanning');
    $('film-cancel').hidden = true;
    $('film-scan').hidden = false;
    $('film-scan').textContent = 'Scan again';
  }

  /** Ends the scan running, if any (`say`: the progress line says so). */
  function cancel(say = true) {
    const s = scan;
    if (!s || s.finished || s.abort.signal.aborted) return;
    s.abort.abort();
    s.worker.end();
    if (say) progressText.textContent = `Cancelled at ${s.done} of ${s.total || '?'} frames`;
    if (say) host.status.announce('The scan is cancelled');
    endScan();
  }

  function showProgress(s) {
    if (!s.total) return;
    progress.value = s.done;
    progressText.textContent = `${s.done} of ${s.total} frames`;
    // The time left, from the pace so far (once there is one to go by); said once every second at most.
    const now = performance.now();
    const spent = now - s.startedAt;
    if (s.done < 10 || spent < 3000 || now - s.leftAt < 1000) return;
    s.leftAt = now;
    // A no-break space before the separator: the line never starts with it.
    $('film-left').textContent = `\u00a0· about ${roughly(((s.total - s.done) * spent) / s.done / 1000)} left`;
  }

  // ---- shots ----

  /** Shows `shot` (once) in time order (its thumbnail comes with it: drawThumbnails). */
  function addShot(s, shot) {
    const old = s.shots.get(shot.index);
    if (old) return;
    const colors = shot.colors.map((c) => c.hex);
    const li = document.createElement('li');
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'shot';
    b.dataset.shot = String(shot.index);
    b.dataset.start = String(shot.start);
    b.dataset.end = String(shot.end);
    b.dataset.keyTime = String(shot.keyTime);
    b.dataset.shotHex = colors.join(' ');
    b.setAttribute('aria-label', `Shot ${shot.index + 1}, ${clock(shot.start)} to ${clock(shot.end)}: open its key frame`);
    const thumb = document.createElement('canvas');
    thumb.className = 'shot-thumb';
    thumb.width = 16;
    thumb.height = 9;
    thumb.setAttribute('aria-hidden', 'true');
    const time = document.createElement('span');
    time.className = 'shot-time';
    time.textContent = `${clock(shot.start)} – ${clock(shot.end)}`;
    const strip = document.createElement('span');
    strip.className = 'shot-strip';
    strip.setAttribute('aria-hidden', 'true');
    for (const c of shot.colors) {
      const chip = document.createElement('span');
      chip.style.background = c.hex;
      chip.style.flexGrow = String(Math.max(0.02, c.share));
      strip.append(chip);
    }
    b.append(thumb, time, strip);
    b.addEventListener('click', () => {
      if (!film) return;
      showFrame(Math.floor(shot.keyTime * film.fps + 1e-6));
      openAt(shot.keyTime);
    });
    li.append(b);
    s.shots.set(shot.index, li);
    // In time order, whatever order they come in.
    const after = [...shotList.children].find((x) => Number(x.firstChild.dataset.start) > shot.start);
    shotList.insertBefore(li, after || null);
  }

  /** Draws each `{shot, width, height, rgba}` into its shot's thumbnail. */
  function drawThumbnails(s, thumbnails) {
    for (const t of thumbnails) {
      const canvas = s.shots.get(t.shot)?.querySelector('.shot-thumb');
      if (!canvas) continue;
      canvas.width = t.width;
      canvas.height = t.height;
      canvas.getContext('2d').putImageData(new ImageData(new Uint8ClampedArray(t.rgba.buffer, t.rgba.byteOffset, t.rgba.length), t.width, t.height), 0, 0);
    }
  }

  // ---- the barcode ----

  const colorChoice = () => document.querySelector('input[name="barcode-color"]:checked').value;
  for (const input of document.querySelectorAll('input[name="barcode-color"]')) input.addEventListener('change', () => drawBarcode());

  function sizeBarcode(n) {
    if (barcode.width === n) return;
    barcode.width = Math.max(1, n);
    barcode.height = 1;
    drawBarcode();
  }

  function drawColumn(x, column) {
    const ctx = barcode.getContext('2d');
    ctx.fillStyle = column[colorChoice()] || column.mean;
    ctx.fillRect(x, 0, 1, 1);
  }

  function drawBarcode() {
    if (!scan) return;
    const ctx = barcode.getContext('2d');
    ctx.clearRect(0, 0, barcode.width, barcode.height);
    scan.columns.forEach((c, x) => drawColumn(x, c));
    barcode.dataset.color = colorChoice();
    barcode.dataset.columns = String(scan.columns.length);
    const n = scan.shots.size;
    barcode.setAttribute(
      'aria-label',
      `The film's barcode: one column a sampled frame, its ${colorChoice() === 'mean' ? 'average' : 'dominant'} color, time running left to right${n ? `; ${n} ${n === 1 ? 'shot' : 'shots'}` : ''}`,
    );
  }

  $('barcode-download').addEventListener('click', async () => {
    const s = scan;
    if (!s || !s.finished || !film) return;
    const button = $('barcode-download');
    const [width, height] = $('barcode-size').value.split('x').map(Number);
    const color = colorChoice();
    button.disabled = true;
    try {
      const png = await s.worker.call('barcode', { color, width, height });
      const blob = png instanceof Blob ? png : await rgbaPng(png);
      const name = `${baseName(film.name)}-barcode-${color}.png`;
      saveBlob(blob, name);
      host.status.announce(`Saved ${name}`);
    } catch (e) {
      host.status.error(`The barcode could not be made: ${e.message}.`);
    } finally {
      button.disabled = false;
    }
  });

  /** Without OffscreenCanvas in workers: the RGBA encoded here. */
  function rgbaPng({ width, height, rgba }) {
    const c = document.createElement('canvas');
    c.width = width;
    c.height = height;
    c.getContext('2d').putImageData(new ImageData(new Uint8ClampedArray(rgba), width, height), 0, 0);
    return new Promise((resolve) => c.toBlob(resolve, 'image/png'));
  }

  // ---- the film's palette ----

  function showFilmPalette(colors) {
    const list = $('film-colors');
    list.replaceChildren(
      ...colors.map((c) => {
        const li = document.createElement('li');
        li.dataset.hex = c.hex;
        const chip = document.createElement('span');
        chip.className = 'film-chip';
        chip.style.background = c.hex;
        const hex = document.createElement('span');
        hex.className = 'film-hex';
        hex.textContent = c.hex;
        li.append(chip, hex);
        return li;
      }),
    );
    list.setAttribute('aria-label', `The film's palette: ${colors.map((c) => c.hex).join(', ')}`);
    $('film-palette').hidden = false;
  }

  $('film-close').addEventListener('click', () => {
    close();
    host.closed?.();
  });

  return {
    open,
    close,
    /** Ends the scan (a newer file was given). */
    cancel: () => cancel(true),
    isOpen: () => film !== null,
  };
}
