// A 3-D scatter of the image's colors (as the 2022 notebook plotted them),
// drawn with our own projection on a 2-D canvas: the RGB cube or Oklab,
// each point in its own color or its cluster's, sized by the square root of
// its weight, the palette's colors ringed. Drag (or arrow keys) to rotate.

const CAMERA = 2.8; // distance of the eye from the center, in cube widths
const LAB_SCALE = 2; // Oklab a, b (about ±0.3 in sRGB) to about ±0.6, a little wider than L

/**
 * @param {HTMLCanvasElement} canvas
 */
export function createScatter(canvas) {
  const ctx = canvas.getContext('2d');
  let data = null; // {n, rgb, oklab, weight, maxWeight}
  let palette = []; // [{rgb, oklab}]
  let space = 'rgb';
  let paint = 'own';
  let yaw = -0.6;
  let pitch = 0.35;
  let frame = 0;
  // Per point: position in the current space, its color string, its radius.
  let pos = new Float32Array(0);
  let fill = [];
  let radius = new Float32Array(0);

  function place(space, rgb, lab, out, o) {
    if (space === 'rgb') {
      out[o] = rgb[0] / 255 - 0.5;
      out[o + 1] = rgb[1] / 255 - 0.5;
      out[o + 2] = rgb[2] / 255 - 0.5;
    } else {
      out[o] = lab[1] * LAB_SCALE;
      out[o + 1] = lab[0] - 0.5;
      out[o + 2] = lab[2] * LAB_SCALE;
    }
  }

  function layout() {
    if (!data) return;
    const { n, rgb, oklab } = data;
    pos = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) {
      place(space, rgb.subarray(i * 3, i * 3 + 3), oklab.subarray(i * 3, i * 3 + 3), pos, i * 3);
    }
  }

  function colorize() {
    if (!data) return;
    const { n, rgb, oklab } = data;
    fill = new Array(n);
    if (paint === 'cluster' && palette.length) {
      const hexes = palette.map((c) => c.hex);
      for (let i = 0; i < n; i++) fill[i] = hexes[nearest(oklab, i, palette)];
    } else {
      for (let i = 0; i < n; i++) fill[i] = `rgb(${rgb[i * 3]},${rgb[i * 3 + 1]},${rgb[i * 3 + 2]})`;
    }
  }

  function sizes() {
    if (!data) return;
    const { n, weight, maxWeight } = data;
    const big = 16 * (canvas.width / 720);
    radius = new Float32Array(n);
    for (let i = 0; i < n; i++) radius[i] = Math.max(0.9, big * Math.sqrt(weight[i] / maxWeight));
  }

  function resize() {
    const dpr = window.devicePixelRatio || 1;
    const w = Math.round(canvas.clientWidth * dpr);
    if (!w) return;
    const h = Math.round(w * 0.75);
    if (canvas.width !== w || canvas.height !== h) {
      canvas.width = w;
      canvas.height = h;
      sizes();
    }
    redraw();
  }

  function project(x, y, z, cy, sy, cp, sp) {
    // Yaw about the vertical axis, then pitch about the horizontal one.
    const x1 = cy * x + sy * z;
    const z1 = -sy * x + cy * z;
    const y2 = cp * y - sp * z1;
    const z2 = sp * y + cp * z1;
    const s = CAMERA / (CAMERA - z2);
    return [x1 * s, y2 * s, z2];
  }

  function draw() {
    frame = 0;
    const t0 = performance.now();
    drawScene();
    // For the curious (and the tests): how long a frame takes, for how many points.
    canvas.dataset.drawMs = String(Math.round(performance.now() - t0));
    canvas.dataset.points = String(data ? data.n : 0);
  }

  function drawScene() {
    const w = canvas.width;
    const h = canvas.height;
    const style = getComputedStyle(canvas);
    ctx.fillStyle = style.getPropertyValue('--scatter-bg').trim() || '#666';
    ctx.fillRect(0, 0, w, h);
    const scale = Math.min(w, h) * 0.62;
    const cx = w / 2;
    const cyy = h / 2;
    const cy = Math.cos(yaw);
    const sy = Math.sin(yaw);
    const cp = Math.cos(pitch);
    const sp = Math.sin(pitch);
    const toScreen = (x, y, z) => {
      const [px, py, pz] = project(x, y, z, cy, sy, cp, sp);
      return [cx + px * scale, cyy - py * scale, pz, CAMERA / (CAMERA - pz)];
    };

    drawAxes(toScreen, style);
    if (!data) return;

    const n = data.n;
    const sx = new Float32Array(n);
    const syy = new Float32Array(n);
    const depth = new Float32Array(n);
    const persp = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const [a, b, d, s] = toScreen(pos[i * 3], pos[i * 3 + 1], pos[i * 3 + 2]);
      sx[i] = a;
      syy[i] = b;
      depth[i] = d;
      persp[i] = s;
    }
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((p, q) => depth[p] - depth[q]); // far first

    for (const i of order) {
      const r = radius[i] * persp[i];
      ctx.fillStyle = fill[i];
      if (r < 1.6) {
        ctx.fillRect(sx[i] - r, syy[i] - r, 2 * r, 2 * r);
      } else {
        ctx.beginPath();
        ctx.arc(sx[i], syy[i], r, 0, 2 * Math.PI);
        ctx.fill();
      }
    }

    // The palette's colors, on top, ringed.
    const ring = Math.max(5, 11 * (w / 720));
    const centers = palette.map((c) => {
      const p = new Float32Array(3);
      place(space, c.rgb, c.oklab, p, 0);
      return [c, toScreen(p[0], p[1], p[2])];
    });
    centers.sort((a, b) => a[1][2] - b[1][2]);
    for (const [c, [x, y, , s]] of centers) {
      const r = ring * s;
      ctx.beginPath();
      ctx.arc(x, y, r, 0, 2 * Math.PI);
      ctx.fillStyle = c.hex;
      ctx.fill();
      ctx.lineWidth = Math.max(1.5, r * 0.22);
      ctx.strokeStyle = '#fff';
      ctx.stroke();
      ctx.beginPath();
      ctx.arc(x, y, r + ctx.lineWidth, 0, 2 * Math.PI);
      ctx.lineWidth = Math.max(1, r * 0.12);
      ctx.strokeStyle = '#000';
      ctx.stroke();
    }
  }

  function drawAxes(toScreen, style) {
    const line = style.getPropertyValue('--scatter-axis').trim() || 'rgba(255,255,255,.35)';
    ctx.strokeStyle = line;
    ctx.fillStyle = line;
    ctx.lineWidth = Math.max(1, canvas.width / 720);
    ctx.font = `${Math.round(13 * (canvas.width / 720)) + 2}px system-ui, sans-serif`;
    const seg = (a, b) => {
      const p = toScreen(...a);
      const q = toScreen(...b);
      ctx.beginPath();
      ctx.moveTo(p[0], p[1]);
      ctx.lineTo(q[0], q[1]);
      ctx.stroke();
    };
    const text = (t, at) => {
      const p = toScreen(...at);
      ctx.fillText(t, p[0] + 4, p[1] - 4);
    };
    const L = -0.5;
    const H = 0.5;
    if (space === 'rgb') {
      for (const a of [L, H]) {
        for (const b of [L, H]) {
          seg([L, a, b], [H, a, b]);
          seg([a, L, b], [a, H, b]);
          seg([a, b, L], [a, b, H]);
        }
      }
      text('R', [H + 0.04, L, L]);
      text('G', [L, H + 0.04, L]);
      text('B', [L, L, H + 0.04]);
    } else {
      seg([0, L, 0], [0, H, 0]);
      seg([L, L, 0], [H, L, 0]);
      seg([0, L, L], [0, L, H]);
      text('L', [0, H + 0.04, 0]);
      text('+a (red)', [H, L, 0]);
      text('+b (yellow)', [0, L, H]);
    }
  }

  function redraw() {
    if (!frame) frame = requestAnimationFrame(draw);
  }

  // Rotation by pointer.
  let dragging = null;
  canvas.addEventListener('pointerdown', (event) => {
    if (!event.isPrimary) return;
    dragging = { x: event.clientX, y: event.clientY, yaw, pitch };
    canvas.setPointerCapture(event.pointerId);
    canvas.classList.add('is-rotating');
  });
  canvas.addEventListener('pointermove', (event) => {
    if (!dragging) return;
    event.preventDefault();
    yaw = dragging.yaw + (event.clientX - dragging.x) * 0.01;
    pitch = clampPitch(dragging.pitch + (event.clientY - dragging.y) * 0.01);
    redraw();
  });
  const stop = () => {
    dragging = null;
    canvas.classList.remove('is-rotating');
  };
  canvas.addEventListener('pointerup', stop);
  canvas.addEventListener('pointercancel', stop);
  canvas.addEventListener('keydown', (event) => {
    const d = { ArrowLeft: [-0.12, 0], ArrowRight: [0.12, 0], ArrowUp: [0, -0.12], ArrowDown: [0, 0.12] }[event.key];
    if (!d) return;
    event.preventDefault();
    yaw += d[0];
    pitch = clampPitch(pitch + d[1]);
    redraw();
  });

  new ResizeObserver(() => resize()).observe(canvas);

  return {
    /** The image's weighted colors from the engine's `still.colors()`. */
    setData(colors) {
      const n = colors.weight.length;
      let maxWeight = 0;
      for (let i = 0; i < n; i++) maxWeight = Math.max(maxWeight, colors.weight[i]);
      data = { n, rgb: colors.rgb, oklab: colors.oklab, weight: colors.weight, maxWeight: maxWeight || 1 };
      layout();
      colorize();
      sizes();
      redraw();
    },
    /** The palette's colors: [{hex, rgb, oklab}]. */
    setPalette(colors) {
      palette = colors;
      if (paint === 'cluster') colorize();
      redraw();
    },
    setSpace(s) {
      space = s;
      layout();
      redraw();
    },
    setPaint(p) {
      paint = p;
      colorize();
      redraw();
    },
    resize,
  };
}

function clampPitch(p) {
  return Math.max(-Math.PI / 2, Math.min(Math.PI / 2, p));
}

/** The palette color nearest (in Oklab) to point i. */
function nearest(oklab, i, palette) {
  const l = oklab[i * 3];
  const a = oklab[i * 3 + 1];
  const b = oklab[i * 3 + 2];
  let best = 0;
  let bestD = Infinity;
  for (let k = 0; k < palette.length; k++) {
    const c = palette[k].oklab;
    const d = (c[0] - l) ** 2 + (c[1] - a) ** 2 + (c[2] - b) ** 2;
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return best;
}
