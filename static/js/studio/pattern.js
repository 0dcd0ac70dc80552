// The pattern view: a drum step grid and a piano roll of one section, outlines showing the
// previous version's notes; its sections also feed the player's section loop.
import { el, option } from "./view.js";

const $ = (id) => document.getElementById(id);

export function createPattern({ versionsUrl, versionById, targetVersion, onSections }) {
  const pattern = { versionId: null, section: null, data: null, previous: null, pinned: null, loading: null };

  /** Show the pattern of the version the user picked, else of the current version. */
  function syncPattern() {
    const target = pattern.pinned || targetVersion();
    if (target && target !== pattern.versionId && target !== pattern.loading) renderPattern(target);
  }

  function renderPattern(versionId) {
    if (!versionId) return;
    pattern.loading = versionId;
    const section = pattern.section;
    const v = versionById(versionId);
    const parent = v && v.parent;
    const url = (id) => `${versionsUrl}${id}/pattern.json${section !== null ? `?section=${section}` : ""}`;
    const load = (id) => fetch(url(id), { credentials: "same-origin" }).then((r) => (r.ok ? r.json() : null));
    Promise.all([load(versionId), parent ? load(parent).catch(() => null) : null])
      .then(([data, previous]) => {
        if (pattern.loading === versionId) pattern.loading = null;
        if (!data && section !== null) {
          // That section does not exist in this version (its length changed): show the default.
          pattern.section = null;
          renderPattern(versionId);
          return;
        }
        if (!data) return;
        pattern.versionId = versionId;
        pattern.data = data;
        pattern.previous = previous && previous.section === data.section ? previous : null;
        drawPattern();
      })
      .catch(() => {});
  }

  $("pattern-section").addEventListener("change", (e) => {
    pattern.section = e.target.value === "" ? null : Number(e.target.value);
    renderPattern(pattern.versionId);
  });

  const TRACK_COLORS = { bass: "#3ecf8e", chords: "#7aa2ff", melody: "#ffd166", pad: "#c792ea" };

  function drawPattern() {
    const data = pattern.data;
    $("pattern-panel").hidden = false;
    const v = versionById(pattern.versionId);
    const select = $("pattern-section");
    select.replaceChildren(
      ...data.sections.map((s, i) => option(String(i), `${s.name} (bar ${s.start_bar + 1})`, i === data.section_index)),
    );
    onSections(data);
    $("pattern-caption").textContent = `v${v ? v.number : "?"} · ${data.section}, ${data.bars} bars${pattern.previous ? " · outlines: previous version" : ""}`;
    drawDrums(data, pattern.previous);
    drawRoll(data, pattern.previous);
    $("pattern-legend").replaceChildren(
      ...Object.keys(data.notes).map((name) =>
        el("span", { class: "legend-item" }, el("i", { style: `background:${TRACK_COLORS[name] || "#aaa"}` }), name),
      ),
    );
  }

  function setupCanvas(c, height) {
    const ratio = window.devicePixelRatio || 1;
    const width = c.clientWidth || 600;
    c.style.height = `${height}px`;
    c.width = Math.round(width * ratio);
    c.height = Math.round(height * ratio);
    const ctx = c.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    return { ctx, width };
  }

  function drawDrums(data, previous) {
    const names = Object.keys(data.drums);
    const rowH = 18;
    const labelW = 64;
    const c = $("drum-grid");
    const { ctx, width } = setupCanvas(c, Math.max(1, names.length) * rowH + 4);
    ctx.font = "11px system-ui, sans-serif";
    const rates = [];
    names.forEach((name, row) => {
      // Each row has its own resolution: hats at 1/32 get twice the grid's steps.
      const perBar = (data.drum_steps && data.drum_steps[name]) || data.steps_per_bar;
      const steps = data.bars * perBar;
      const cellW = (width - labelW) / steps;
      const y = row * rowH + 2;
      ctx.fillStyle = "#9aa0ad";
      const rate = perBar > data.steps_per_bar ? ` 1/${(perBar * 4) / data.beats_per_bar}` : "";
      if (rate) rates.push(`${name}${rate}`);
      ctx.fillText(`${name}${rate}`, 2, y + 12);
      const grid = data.drums[name].flat();
      const prevGrid = previous && previous.drums[name] ? previous.drums[name].flat() : null;
      const before = prevGrid && prevGrid.length === grid.length ? prevGrid : null;
      for (let i = 0; i < steps; i++) {
        const x = labelW + i * cellW;
        const beat = Math.floor(i / (perBar / data.beats_per_bar));
        ctx.fillStyle = beat % 2 ? "#1d212a" : "#232834";
        ctx.fillRect(x + 0.5, y, Math.max(1, cellW - 1), rowH - 3);
        const vel = grid[i] || 0;
        if (vel > 0) {
          ctx.globalAlpha = 0.35 + 0.65 * vel;
          ctx.fillStyle = "#ff5c39";
          ctx.fillRect(x + 0.5, y, Math.max(1, cellW - 1), rowH - 3);
          ctx.globalAlpha = 1;
        }
        if (before && (before[i] > 0) !== vel > 0) {
          ctx.strokeStyle = "#ffd166";
          ctx.strokeRect(x + 1, y + 0.5, Math.max(1, cellW - 2), rowH - 4);
        }
      }
    });
    c.setAttribute("aria-label", `Drum step grid: ${names.join(", ") || "no drums"}${rates.length ? ` (${rates.join(", ")} notes)` : ""}`);
  }

  function drawRoll(data, previous) {
    const c = $("piano-roll");
    const all = Object.values(data.notes).flat();
    const prev = previous ? Object.values(previous.notes).flat() : [];
    const pitches = [...all, ...prev].map((n) => n[2]);
    const lo = pitches.length ? Math.min(...pitches) - 1 : 48;
    const hi = pitches.length ? Math.max(...pitches) + 1 : 72;
    const rows = hi - lo + 1;
    const rowH = Math.max(3, Math.min(8, Math.floor(220 / rows)));
    const { ctx, width } = setupCanvas(c, rows * rowH + 2);
    const beats = data.bars * data.beats_per_bar;
    const x = (beat) => (beat / beats) * width;
    const y = (pitch) => (hi - pitch) * rowH + 1;
    for (let p = lo; p <= hi; p++) {
      if ([1, 3, 6, 8, 10].includes(p % 12)) {
        ctx.fillStyle = "#161920";
        ctx.fillRect(0, y(p), width, rowH);
      }
    }
    for (let b = 0; b <= beats; b++) {
      ctx.fillStyle = b % data.beats_per_bar === 0 ? "#3a404d" : "#23272f";
      ctx.fillRect(x(b), 0, 1, rows * rowH + 2);
    }
    if (previous) {
      ctx.strokeStyle = "rgba(255,255,255,.35)";
      for (const [start, length, pitch] of prev) ctx.strokeRect(x(start) + 0.5, y(pitch) + 0.5, Math.max(2, x(length) - 1), rowH - 1);
    }
    for (const [name, notes] of Object.entries(data.notes)) {
      ctx.fillStyle = TRACK_COLORS[name] || "#aaa";
      for (const [start, length, pitch, velocity] of notes) {
        ctx.globalAlpha = 0.45 + 0.55 * velocity;
        ctx.fillRect(x(start) + 0.5, y(pitch), Math.max(2, x(length) - 1), rowH - 1);
      }
    }
    ctx.globalAlpha = 1;
  }


  return { pattern, sync: syncPattern, draw: drawPattern };
}
