// Waveform drawing shared by the studio player and the "My beats" thumbnails.

/** Draw (min, max) peaks into a canvas; `progress` (0..1) colours the played part. */
export function drawPeaks(canvas, peaks, { progress = 0, color = "#5a6170", played = "#ff5c39" } = {}) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || canvas.width;
  const height = canvas.clientHeight || canvas.height;
  if (canvas.width !== Math.round(width * ratio)) canvas.width = Math.round(width * ratio);
  if (canvas.height !== Math.round(height * ratio)) canvas.height = Math.round(height * ratio);
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  if (!peaks || !peaks.max || !peaks.max.length) return;
  const bins = peaks.max.length;
  const bar = Math.max(1, Math.floor(width / 240));
  const columns = Math.max(1, Math.floor(width / (bar + 1)));
  const mid = height / 2;
  let top = 0;
  for (let i = 0; i < bins; i++) top = Math.max(top, peaks.max[i], -peaks.min[i]);
  const scale = top > 0 ? (height / 2 - 1) / top : 0;
  for (let c = 0; c < columns; c++) {
    const start = Math.floor((c * bins) / columns);
    const end = Math.max(start + 1, Math.floor(((c + 1) * bins) / columns));
    let hi = 0;
    let lo = 0;
    for (let i = start; i < end && i < bins; i++) {
      hi = Math.max(hi, peaks.max[i]);
      lo = Math.min(lo, peaks.min[i]);
    }
    const x = c * (bar + 1);
    ctx.fillStyle = x / width < progress ? played : color;
    const h = Math.max(1, (hi - lo) * scale);
    ctx.fillRect(x, mid - hi * scale, bar, h);
  }
}

const cache = new Map();

/** Fetch peaks JSON once per URL (same-origin, owner-checked endpoint). */
export async function loadPeaks(url) {
  if (!cache.has(url)) {
    cache.set(
      url,
      fetch(url, { credentials: "same-origin" }).then((r) => {
        if (!r.ok) throw new Error(`peaks ${r.status}`);
        return r.json();
      }),
    );
  }
  try {
    return await cache.get(url);
  } catch (err) {
    cache.delete(url);
    throw err;
  }
}
