// The studio: one WebSocket per tab (docs/realtime-protocol.md), state rebuilt from
// conversation.snapshot on every (re)connect, events applied in seq order.
import { drawPeaks, loadPeaks } from "./waveform.js";

const $ = (id) => document.getElementById(id);
const root = $("studio");
const choices = JSON.parse($("studio-choices").textContent);
const VERSIONS_URL = root.dataset.versionsUrl;
const SOCKET_EVENTS = new Set([
  "connection.ready",
  "conversation.snapshot",
  "pong",
  "error",
  "chat.error",
  "system.reconnect",
]);
const ACTIVE = new Set(["queued", "running"]);

// ---------------------------------------------------------------- state
const state = {
  seq: 0,
  title: "",
  messages: [],
  beat: null, // {id, title, current_version, versions: [...]}
  jobs: new Map(), // id -> job
  typing: false,
  pending: new Map(), // client_msg_id -> {text, failed}
  ready: new Set(), // version ids known to have audio
};

function applySnapshot(snap) {
  state.seq = snap.seq;
  state.title = snap.conversation.title;
  state.messages = snap.messages;
  state.beat = snap.beat;
  state.jobs = new Map(snap.jobs.map((j) => [j.id, j]));
  state.typing = false;
  for (const v of snap.beat ? snap.beat.versions : []) {
    if (v.assets && v.assets.some((a) => a.kind === "mix_mp3")) state.ready.add(v.id);
  }
  for (const job of snap.jobs) if (job.status === "succeeded") state.ready.add(job.version);
  const known = new Set(snap.messages.map((m) => m.client_msg_id).filter(Boolean));
  for (const id of [...state.pending.keys()]) if (known.has(id)) state.pending.delete(id);
}

function versionById(id) {
  return state.beat ? state.beat.versions.find((v) => v.id === id) : undefined;
}
function currentVersion() {
  return state.beat && versionById(state.beat.current_version);
}
function latestJobFor(versionId) {
  let latest = null;
  for (const job of state.jobs.values()) {
    if (job.version === versionId && (!latest || job.queued_at > latest.queued_at)) latest = job;
  }
  return latest;
}
function isReady(versionId) {
  if (state.ready.has(versionId)) return true;
  const job = latestJobFor(versionId);
  // Older versions whose jobs fell out of the snapshot's latest ten were rendered before.
  return job ? job.status === "succeeded" : !!versionById(versionId);
}

// ---------------------------------------------------------------- socket
const socketState = { ws: null, attempt: 0, timer: null, everOpen: false, stopped: false, lastFrameAt: 0 };
let pingTimer = null;

function connect() {
  clearTimeout(socketState.timer);
  if (socketState.stopped) return;
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const ws = new WebSocket(`${scheme}//${location.host}${root.dataset.wsPath}`);
  socketState.ws = ws;
  ws.addEventListener("open", () => {
    socketState.lastFrameAt = Date.now();
    resume();
  });
  ws.addEventListener("message", (msg) => {
    socketState.lastFrameAt = Date.now();
    let event;
    try {
      event = JSON.parse(msg.data);
    } catch {
      return;
    }
    onEvent(event);
  });
  ws.addEventListener("close", (ev) => onClose(ws, ev));
}

function onClose(ws, ev) {
  if (socketState.ws !== ws) return;
  socketState.ws = null;
  if (ev.code === 4401) {
    location.href = `${root.dataset.loginUrl}?next=${encodeURIComponent(location.pathname)}`;
    return;
  }
  if (ev.code === 4403) {
    socketState.stopped = true;
    showBanner("This conversation is not available.", true);
    return;
  }
  showBanner("Reconnecting…");
  scheduleReconnect(ev.code === 1012 ? 0 : socketState.attempt);
}

/** Jittered exponential backoff: 0.5 s, 1 s, 2 s … capped at 10 s, each scaled by 0.5–1. */
function scheduleReconnect(attempt) {
  clearTimeout(socketState.timer);
  const base = Math.min(10000, 500 * 2 ** attempt);
  const delay = base * (0.5 + Math.random() * 0.5);
  socketState.attempt = attempt + 1;
  socketState.timer = setTimeout(connect, delay);
}

function reconnectNow() {
  if (socketState.ws) {
    const old = socketState.ws;
    socketState.ws = null;
    old.close();
  }
  showBanner("Reconnecting…");
  scheduleReconnect(0);
}

// While a resume is in flight, group events wait here: those the snapshot already holds are
// dropped afterwards, later ones are applied on top of it, so nothing is lost either way.
const resync = { active: false, buffered: [], timer: null };

function resume(reason) {
  resync.active = true;
  clearTimeout(resync.timer);
  // No snapshot within 10 s: this socket is not healthy, take another.
  resync.timer = setTimeout(() => resync.active && reconnectNow(), 10000);
  send(reason ? { type: "resume", last_seq: state.seq, reason } : { type: "resume", last_seq: state.seq });
}

function send(frame) {
  const ws = socketState.ws;
  if (ws && ws.readyState === WebSocket.OPEN) {
    ws.send(JSON.stringify(frame));
    return true;
  }
  return false;
}

function keepAlive() {
  clearInterval(pingTimer);
  pingTimer = setInterval(() => {
    const ws = socketState.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    // A socket that answered nothing (not even our pings) for 60 s is dead: replace it.
    if (Date.now() - socketState.lastFrameAt > 60000) reconnectNow();
    else send({ type: "ping" });
  }, 25000);
}

window.addEventListener("offline", () => showBanner("Offline — reconnecting when the network is back…"));
// A phone that slept may hold a dead socket: check as soon as the page is visible again.
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState !== "visible" || socketState.stopped) return;
  const ws = socketState.ws;
  if (!ws || ws.readyState === WebSocket.CLOSED || ws.readyState === WebSocket.CLOSING) reconnectNow();
  else send({ type: "ping" });
});
window.addEventListener("online", () => {
  const ws = socketState.ws;
  if (!ws || ws.readyState !== WebSocket.OPEN) reconnectNow();
  else hideBanner();
});

// ---------------------------------------------------------------- events
function onEvent(ev) {
  if (SOCKET_EVENTS.has(ev.type)) {
    handleSocketEvent(ev);
    return;
  }
  if (typeof ev.seq !== "number") return;
  if (resync.active) {
    resync.buffered.push(ev);
    return;
  }
  if (ev.seq <= state.seq) return; // already in the snapshot or applied
  if (ev.seq > state.seq + 1) {
    // A group event went missing: the snapshot repairs everything.
    resync.buffered.push(ev);
    resume("gap");
    return;
  }
  state.seq = ev.seq;
  applyEvent(ev);
}

function handleSocketEvent(ev) {
  switch (ev.type) {
    case "conversation.snapshot": {
      applySnapshot(ev);
      socketState.attempt = 0;
      socketState.everOpen = true;
      resync.active = false;
      clearTimeout(resync.timer);
      const later = resync.buffered.sort((a, b) => a.seq - b.seq);
      resync.buffered = [];
      hideBanner();
      keepAlive();
      renderAll();
      for (const event of later) onEvent(event);
      flushPending();
      break;
    }
    case "chat.error":
      onChatError(ev);
      break;
    case "system.reconnect":
      showBanner("Reconnecting…");
      break;
    case "error":
      // Version and lookup errors concern the user; the rest are protocol slips for the console.
      if (["invalid_version", "not_found", "internal_error"].includes(ev.code)) showChatError(ev.message);
      else console.warn("studio:", ev.code, ev.message);
      break;
    default:
      break;
  }
}

function applyEvent(ev) {
  switch (ev.type) {
    case "chat.message": {
      const m = ev.message;
      if (m.client_msg_id) state.pending.delete(m.client_msg_id);
      if (!state.messages.some((x) => x.id === m.id)) state.messages.push(m);
      renderMessages();
      break;
    }
    case "chat.typing":
      state.typing = !!ev.typing;
      renderTyping();
      break;
    case "conversation.updated":
      state.title = ev.title;
      renderTitle();
      break;
    case "beat.version_created":
    case "beat.current_changed": {
      if (!state.beat) state.beat = { id: ev.beat, title: "", current_version: null, versions: [] };
      const v = ev.version;
      if (!versionById(v.id)) state.beat.versions.push(v);
      const before = state.beat.current_version;
      state.beat.current_version = v.id;
      pattern.pinned = null;
      if (ev.type === "beat.current_changed" && before !== v.id) onCurrentChanged(v);
      renderBeat();
      break;
    }
    case "generation.queued":
      state.jobs.set(ev.job, {
        id: ev.job,
        version: ev.version,
        status: "queued",
        stage: ev.position ? `queued (${ev.position} ahead)` : "queued",
        progress: 0,
        queued_at: new Date(ev.ts * 1000).toISOString(),
      });
      renderJobs();
      break;
    case "generation.started":
      updateJob(ev.job, { status: "running", stage: "starting", version: ev.version });
      break;
    case "generation.stage":
    case "generation.progress":
      updateJob(ev.job, { status: "running", stage: ev.stage, progress: ev.progress });
      break;
    case "generation.retrying":
      updateJob(ev.job, { status: "queued", stage: `retrying (${ev.code})` });
      break;
    case "generation.preview":
      playPreview(ev);
      break;
    case "generation.completed":
      updateJob(ev.job, { status: "succeeded", stage: "done", progress: 100, version: ev.version.id || ev.version });
      onRendered(ev);
      break;
    case "generation.failed":
      updateJob(ev.job, { status: "failed", stage: "failed", error_code: ev.code, error_message: ev.message });
      break;
    case "generation.cancelled":
      updateJob(ev.job, { status: "cancelled", stage: "cancelled" });
      break;
    default:
      break;
  }
}

function updateJob(id, patch) {
  const job = state.jobs.get(id) || { id, queued_at: new Date().toISOString(), progress: 0 };
  if (patch.progress !== undefined && job.progress !== undefined && patch.progress < job.progress && patch.status === "running") {
    delete patch.progress; // progress only grows
  }
  const statusBefore = job.status;
  Object.assign(job, patch);
  state.jobs.set(id, job);
  renderJobs();
  if (job.status !== statusBefore) {
    renderVersions();
    renderDownloads(currentVersion());
  }
}

// ---------------------------------------------------------------- chat
const input = $("chat-input");

function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function sendChat(text) {
  text = text.trim();
  if (!text) return;
  const id = uuid();
  state.pending.set(id, { text, failed: false });
  hideChatError();
  send({ type: "chat.message", text, client_msg_id: id });
  renderMessages();
}

/** Resend every unconfirmed message after a reconnect (idempotent on client_msg_id). */
function flushPending() {
  for (const [id, p] of state.pending) {
    if (!p.failed) send({ type: "chat.message", text: p.text, client_msg_id: id });
  }
  renderMessages();
}

function onChatError(ev) {
  if (ev.client_msg_id && state.pending.has(ev.client_msg_id)) {
    state.pending.get(ev.client_msg_id).failed = true;
  }
  const wait = ev.retry_after ? ` Try again in ${Math.ceil(ev.retry_after)} s.` : "";
  showChatError(`${ev.message}${wait}`);
  renderMessages();
}

function showChatError(text) {
  const el = $("chat-error");
  el.textContent = text;
  el.hidden = false;
}
function hideChatError() {
  $("chat-error").hidden = true;
}

$("chat-form").addEventListener("submit", (e) => {
  e.preventDefault();
  sendChat(input.value);
  input.value = "";
});
input.addEventListener("keydown", (e) => {
  if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    sendChat(input.value);
    input.value = "";
  }
});
for (const button of document.querySelectorAll("button.example")) {
  button.addEventListener("click", () => {
    input.value = button.dataset.prompt;
    input.focus();
  });
}

// ---------------------------------------------------------------- player
const audio = $("audio");
const canvas = $("waveform");
const player = {
  versionId: null, // the version loaded in the player (null while a preview plays)
  preview: false,
  autoplay: false, // started by us (a preview), so a finished render may replace it
  peaks: null,
  previews: 0, // previews started (tests look)
};

function mediaUrl(versionId, kind, inline = false) {
  return `${VERSIONS_URL}${versionId}/media/${kind}/${inline ? "?inline=1" : ""}`;
}

function listening() {
  return !audio.paused && !audio.ended;
}

function loadVersion(versionId, { play = false } = {}) {
  const v = versionById(versionId);
  if (!v) return;
  player.versionId = versionId;
  player.preview = false;
  player.peaks = null;
  audio.src = mediaUrl(versionId, "mp3", true);
  audio.dataset.version = versionId;
  audio.dataset.number = v.number;
  $("audio-player").dataset.version = v.number;
  $("audio-player").dataset.expectedDuration = v.duration_s;
  renderNowPlaying();
  drawWave();
  loadPeaks(`${VERSIONS_URL}${versionId}/peaks.json`)
    .then((peaks) => {
      if (player.versionId === versionId) {
        player.peaks = peaks;
        drawWave();
      }
    })
    .catch(() => {});
  renderPlayerVisibility();
  renderVersions();
  syncPattern();
  if (play) startPlaying(false);
}

function startPlaying(auto) {
  player.autoplay = auto;
  const attempt = audio.play();
  if (attempt && attempt.catch) attempt.catch(() => {}); // autoplay refused: the user presses play
}

function playPreview(ev) {
  if (listening() && !player.autoplay) return; // never interrupt what the user is listening to
  player.versionId = null;
  player.preview = true;
  player.peaks = null;
  audio.src = ev.url;
  $("now-playing").textContent = "preview (2 bars)";
  player.previews += 1;
  delete $("audio-player").dataset.version;
  renderPlayerVisibility();
  drawWave();
  startPlaying(true);
}

function onRendered(ev) {
  const versionId = typeof ev.version === "object" ? ev.version.id : ev.version;
  state.ready.add(versionId);
  const isCurrent = state.beat && state.beat.current_version === versionId;
  if (isCurrent && (!listening() || player.autoplay || player.preview)) {
    loadVersion(versionId, { play: true });
    player.autoplay = true;
  }
  renderAll();
}

function onCurrentChanged(v) {
  if (!listening() && isReady(v.id)) loadVersion(v.id);
}

audio.addEventListener("error", () => {
  // e.g. an old version whose render failed: say so instead of a silent player.
  if (audio.src) $("now-playing").textContent = "could not load this audio";
});
audio.addEventListener("play", renderTransport);
audio.addEventListener("pause", renderTransport);
audio.addEventListener("ended", renderTransport);
audio.addEventListener("loadedmetadata", renderTransport);
audio.addEventListener("timeupdate", () => {
  renderTransport();
  drawWave();
});
$("play").addEventListener("click", () => {
  if (!audio.src) return;
  if (listening()) audio.pause();
  else startPlaying(false);
  player.autoplay = false;
});
$("loop").addEventListener("change", (e) => {
  audio.loop = e.target.checked;
});

function seekTo(fraction) {
  if (!Number.isFinite(audio.duration) || audio.duration <= 0) return;
  audio.currentTime = Math.max(0, Math.min(1, fraction)) * audio.duration;
  player.autoplay = false;
  drawWave();
}
canvas.addEventListener("click", (e) => {
  const rect = canvas.getBoundingClientRect();
  seekTo((e.clientX - rect.left) / rect.width);
});
canvas.addEventListener("keydown", (e) => {
  if (!Number.isFinite(audio.duration)) return;
  const step = e.shiftKey ? 10 : 2;
  if (e.key === "ArrowRight") seekTo((audio.currentTime + step) / audio.duration);
  else if (e.key === "ArrowLeft") seekTo((audio.currentTime - step) / audio.duration);
  else if (e.key === " " || e.key === "Enter") $("play").click();
  else return;
  e.preventDefault();
});

function fmt(seconds) {
  if (!Number.isFinite(seconds)) return "0:00";
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

function renderTransport() {
  const playing = listening();
  const button = $("play");
  button.textContent = playing ? "❚❚" : "▶";
  button.setAttribute("aria-label", playing ? "Pause" : "Play");
  $("audio-player").dataset.playing = playing ? "true" : "false";
  $("time").textContent = `${fmt(audio.currentTime)} / ${fmt(audio.duration)}`;
  canvas.setAttribute("aria-valuemax", String(Math.round(audio.duration || 0)));
  canvas.setAttribute("aria-valuenow", String(Math.round(audio.currentTime || 0)));
  canvas.setAttribute("aria-valuetext", `${fmt(audio.currentTime)} of ${fmt(audio.duration)}`);
}

function drawWave() {
  const progress = audio.duration ? audio.currentTime / audio.duration : 0;
  if (player.peaks) drawPeaks(canvas, player.peaks, { progress });
  else drawPlaceholder(progress);
}

function drawPlaceholder(progress) {
  const ctx = canvas.getContext("2d");
  const w = (canvas.width = canvas.clientWidth * (window.devicePixelRatio || 1));
  const h = (canvas.height = canvas.clientHeight * (window.devicePixelRatio || 1));
  ctx.clearRect(0, 0, w, h);
  ctx.fillStyle = "#2a2f3a";
  ctx.fillRect(0, h / 2 - 1, w, 2);
  ctx.fillStyle = "#ff5c39";
  ctx.fillRect(0, h / 2 - 1, w * progress, 2);
}

function renderNowPlaying() {
  const v = player.versionId && versionById(player.versionId);
  if (!v) return;
  const current = state.beat && state.beat.current_version === v.id;
  $("now-playing").textContent = `v${v.number}${current ? "" : " (not current)"}`;
}

function renderPlayerVisibility() {
  const has = !!audio.src;
  $("audio-player").hidden = !has;
  $("empty-beat").hidden = has || !!state.beat;
}

// ---------------------------------------------------------------- rendering
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "dataset") Object.assign(node.dataset, v);
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

function timeAgo(iso) {
  const seconds = (Date.now() - new Date(iso).getTime()) / 1000;
  if (seconds < 45) return "just now";
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.round(seconds / 3600)} h ago`;
  return new Date(iso).toLocaleDateString();
}

function renderTitle() {
  // A conversation is named after its first beat; before that it is just a new beat.
  const title = state.beat ? state.title : "New beat";
  $("conversation-title").textContent = title;
  document.title = `${title} · DAWG AI`;
}

function renderMessages() {
  const list = $("messages");
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  const items = state.messages.map((m) =>
    el("li", { class: `message ${m.role}`, "data-testid": "chat-message", "data-role": m.role, dataset: { id: m.id } }, m.text),
  );
  for (const [id, p] of state.pending) {
    items.push(
      el(
        "li",
        { class: `message user pending${p.failed ? " failed" : ""}`, "data-testid": "chat-message", "data-role": "user", dataset: { clientMsgId: id } },
        p.text,
        el("span", { class: "pending-note", text: p.failed ? " · not sent" : " · sending…" }),
      ),
    );
  }
  const grew = items.length > renderMessages.count;
  renderMessages.count = items.length;
  list.replaceChildren(...items);
  $("examples").hidden = items.length > 0;
  // Follow new messages unless the user scrolled up to read older ones.
  if (atBottom || (grew && !renderMessages.scrolledUp)) list.scrollTop = list.scrollHeight;
}
renderMessages.count = 0;
renderMessages.scrolledUp = false;
$("messages").addEventListener("scroll", () => {
  const list = $("messages");
  renderMessages.scrolledUp = list.scrollHeight - list.scrollTop - list.clientHeight > 80;
});

function renderTyping() {
  $("typing").hidden = !state.typing;
}

const finishedShown = new Map(); // job id -> time it finished, to fade the bar out

function renderJobs() {
  const box = $("jobs");
  const now = Date.now();
  const jobs = [...state.jobs.values()].sort((a, b) => (a.queued_at < b.queued_at ? -1 : 1));
  const rows = [];
  for (const job of jobs) {
    const active = ACTIVE.has(job.status);
    if (!active) {
      if (!finishedShown.has(job.id)) finishedShown.set(job.id, state.everRendered ? now : 0);
      const shownSince = finishedShown.get(job.id);
      const keep = job.status === "failed" ? 60000 : 3000;
      if (now - shownSince > keep) continue;
      setTimeout(renderJobs, keep + 50);
    }
    const v = versionById(job.version);
    const percent = Math.max(0, Math.min(100, job.progress || 0));
    const label = job.status === "failed" ? `failed: ${job.error_message || job.error_code || "error"}` : job.stage || job.status;
    const bar = el("div", { class: "bar", role: "progressbar", "aria-valuemin": "0", "aria-valuemax": "100", "aria-valuenow": String(percent), "aria-label": `Render ${v ? `v${v.number}` : ""} progress` }, el("span", { style: `width:${percent}%` }));
    const cancel = active
      ? el("button", { type: "button", class: "ghost small-button", "aria-label": "Cancel this render", onclick: () => send({ type: "generation.cancel", job: job.id }) }, "Cancel")
      : null;
    rows.push(
      el(
        "div",
        { class: `job ${job.status}`, "data-testid": "job-progress", "data-stage": job.stage || job.status, "data-percent": String(percent), "data-status": job.status, dataset: { job: job.id } },
        el("div", { class: "job-line" }, el("span", { class: "job-name", text: `${v ? `v${v.number} · ` : ""}${label}` }), el("span", { class: "job-pct", text: `${percent}%` }), cancel),
        bar,
      ),
    );
  }
  state.everRendered = true;
  box.replaceChildren(...rows);
}

function renderBeat() {
  const v = currentVersion();
  $("beat-title").textContent = state.beat ? "Your beat" : "No beat yet";
  $("beat-summary").textContent = v ? `v${v.number} · ${v.summary}` : "";
  $("spec-panel").hidden = !v;
  $("history-panel").hidden = !v;
  $("pattern-panel").hidden = !v || !pattern.data;
  renderChips(v);
  renderVersions();
  renderDownloads(v);
  renderPlayerVisibility();
  renderNowPlaying();
  syncPattern();
}

function renderVersions() {
  const list = $("versions");
  if (!state.beat) {
    list.replaceChildren();
    return;
  }
  const items = [...state.beat.versions]
    .sort((a, b) => b.number - a.number)
    .map((v) => {
      const current = v.id === state.beat.current_version;
      const ready = isReady(v.id);
      const job = latestJobFor(v.id);
      const status = !ready && job ? job.status : "";
      return el(
        "li",
        { class: `version${current ? " current" : ""}${player.versionId === v.id ? " loaded" : ""}`, "data-testid": "version-item", "data-number": String(v.number), "data-current": current ? "true" : "false" },
        el(
          "div",
          { class: "version-main" },
          el("strong", { text: `v${v.number}` }),
          current ? el("span", { class: "badge", text: "current" }) : null,
          status ? el("span", { class: `badge ${status}`, text: status }) : null,
          el("span", { class: "version-summary", text: v.change_summary || v.summary }),
          el("time", { class: "muted small", datetime: v.created_at, text: timeAgo(v.created_at) }),
        ),
        el(
          "div",
          { class: "version-actions" },
          el("button", { type: "button", class: "ghost small-button", "data-testid": "play-version", disabled: !ready, "aria-label": `Play version ${v.number}`, onclick: () => {
            // The pattern view follows a version the user picked, until the beat changes.
            pattern.pinned = v.id === state.beat.current_version ? null : v.id;
            loadVersion(v.id, { play: true });
          } }, "▶ Play"),
          current
            ? null
            : el("button", { type: "button", class: "ghost small-button", "data-testid": "restore-version", "aria-label": `Restore version ${v.number}`, onclick: () => send({ type: "beat.restore", version: v.number }) }, "Restore"),
        ),
      );
    });
  list.replaceChildren(...items);
}

function renderDownloads(v) {
  const ready = v && isReady(v.id);
  const links = { mp3: "download-mp3", wav: "download-wav", midi: "download-midi" };
  for (const [kind, id] of Object.entries(links)) {
    const a = $(id);
    if (ready) {
      a.href = mediaUrl(v.id, kind);
      a.removeAttribute("aria-disabled");
    } else {
      a.removeAttribute("href");
      a.setAttribute("aria-disabled", "true");
    }
  }
  const stems = $("download-stems");
  if (ready) {
    stems.href = `${VERSIONS_URL}${v.id}/stems.zip`;
    stems.removeAttribute("aria-disabled");
  } else {
    stems.removeAttribute("href");
    stems.setAttribute("aria-disabled", "true");
  }
  $("downloads-caption").textContent = v ? `v${v.number}${ready ? "" : " (rendering…)"}` : "";
}

// ---------------------------------------------------------------- spec chips
function chipEdit(text) {
  sendChat(text);
}

function option(value, label, selected) {
  return el("option", { value, selected: selected ? "selected" : false }, label);
}

function bars(spec) {
  return spec.bars;
}

function renderChips(v) {
  const box = $("chips");
  if (!v) {
    box.replaceChildren();
    return;
  }
  // Don't rebuild while the user is editing a chip.
  if (box.contains(document.activeElement) && box.dataset.version === v.id) return;
  box.dataset.version = v.id;
  const spec = v.spec;
  const genre = el(
    "select",
    { id: "chip-genre", onchange: (e) => chipEdit(`make it ${e.target.value}`) },
    ...choices.genres.map((g) => option(g, g, g === spec.genre)),
  );
  const bpm = el("input", { id: "chip-bpm", type: "number", min: "40", max: "220", step: "1", value: String(Math.round(spec.bpm)), inputmode: "numeric" });
  const sendBpm = () => {
    const n = Math.round(Number(bpm.value));
    if (n >= 40 && n <= 220 && n !== Math.round(spec.bpm)) chipEdit(`make it ${n} bpm`);
  };
  bpm.addEventListener("change", sendBpm);
  bpm.addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      sendBpm();
    }
  });
  const tonic = el("select", { "aria-label": "Key tonic", id: "chip-tonic" }, ...choices.tonics.map((t) => option(t, t, t === spec.key.tonic)));
  const mode = el("select", { "aria-label": "Key mode", id: "chip-mode" }, ...choices.modes.map((m) => option(m, m, m === spec.key.mode)));
  const sendKey = () => chipEdit(`change the key to ${tonic.value} ${mode.value}`);
  tonic.addEventListener("change", sendKey);
  mode.addEventListener("change", sendKey);
  const lengths = [...new Set([...choices.lengths, bars(spec)])].sort((a, b) => a - b);
  const secondsPerBar = (spec.duration_s || 0) / bars(spec);
  const length = el(
    "select",
    { id: "chip-length", onchange: (e) => chipEdit(`make it ${e.target.value} bars`) },
    ...lengths.map((n) => option(String(n), `${n} bars · ${fmt(n * secondsPerBar)}`, n === bars(spec))),
  );
  const chips = [
    el("label", { class: "chip", "data-testid": "spec-chip", "data-field": "genre", for: "chip-genre" }, el("span", { class: "chip-name", text: "Genre" }), genre),
    el("label", { class: "chip", "data-testid": "spec-chip", "data-field": "bpm", for: "chip-bpm" }, el("span", { class: "chip-name", text: "BPM" }), bpm),
    el("div", { class: "chip", "data-testid": "spec-chip", "data-field": "key", role: "group", "aria-label": "Key" }, el("span", { class: "chip-name", text: "Key" }), tonic, mode),
    el("label", { class: "chip", "data-testid": "spec-chip", "data-field": "length", for: "chip-length" }, el("span", { class: "chip-name", text: "Length" }), length),
  ];
  const tracks = choices.tracks.map((name) => {
    const on = !!(spec.tracks[name] && spec.tracks[name].enabled);
    return el(
      "button",
      {
        type: "button",
        class: `chip toggle${on ? " on" : ""}`,
        "data-testid": "spec-chip",
        "data-field": `tracks.${name}`,
        "aria-pressed": on ? "true" : "false",
        title: on ? `Remove the ${name}` : `Add the ${name}`,
        onclick: () => chipEdit(on ? `remove the ${name}` : `add the ${name}`),
      },
      name,
    );
  });
  // Keep keyboard focus on the same chip across the rebuild a new version causes.
  const focused = box.contains(document.activeElement) ? document.activeElement : null;
  const field = focused && focused.closest("[data-field]") ? focused.closest("[data-field]").dataset.field : null;
  const focusedId = focused && focused.id;
  box.replaceChildren(
    el("div", { class: "chip-row" }, ...chips),
    el("div", { class: "chip-row tracks", role: "group", "aria-label": "Tracks on or off" }, ...tracks),
  );
  if (field) {
    const again = (focusedId && document.getElementById(focusedId)) || box.querySelector(`[data-field="${field}"]`);
    if (again) again.focus();
  }
}

// ---------------------------------------------------------------- pattern view
const pattern = { versionId: null, section: null, data: null, previous: null, pinned: null, loading: null };

/** Show the pattern of the version the user picked, else of the current version. */
function syncPattern() {
  const target = pattern.pinned || (state.beat && state.beat.current_version);
  if (target && target !== pattern.versionId && target !== pattern.loading) renderPattern(target);
}

function renderPattern(versionId) {
  if (!versionId) return;
  pattern.loading = versionId;
  const section = pattern.section;
  const v = versionById(versionId);
  const parent = v && v.parent;
  const url = (id) => `${VERSIONS_URL}${id}/pattern.json${section !== null ? `?section=${section}` : ""}`;
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
  const labelW = 48;
  const c = $("drum-grid");
  const { ctx, width } = setupCanvas(c, Math.max(1, names.length) * rowH + 4);
  const steps = data.bars * data.steps_per_bar;
  const cellW = (width - labelW) / steps;
  ctx.font = "11px system-ui, sans-serif";
  names.forEach((name, row) => {
    const y = row * rowH + 2;
    ctx.fillStyle = "#9aa0ad";
    ctx.fillText(name, 2, y + 12);
    const grid = data.drums[name].flat();
    const before = previous && previous.drums[name] ? previous.drums[name].flat() : null;
    for (let i = 0; i < steps; i++) {
      const x = labelW + i * cellW;
      const beat = Math.floor(i / (data.steps_per_bar / data.beats_per_bar));
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
  c.setAttribute("aria-label", `Drum step grid: ${names.join(", ") || "no drums"}`);
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

// ---------------------------------------------------------------- banner
let bannerTimer = null;
function showBanner(text, permanent = false) {
  clearTimeout(bannerTimer);
  // A first connect that takes a moment is not a dropped connection: wait before showing.
  const delay = socketState.everOpen || permanent ? 0 : 1500;
  bannerTimer = setTimeout(() => {
    $("connection-text").textContent = text;
    $("connection-banner").hidden = false;
    $("connection-banner").classList.toggle("fatal", permanent);
  }, delay);
}
function hideBanner() {
  clearTimeout(bannerTimer);
  $("connection-banner").hidden = true;
}

// ---------------------------------------------------------------- boot
function renderAll() {
  renderTitle();
  renderMessages();
  renderTyping();
  renderJobs();
  renderBeat();
  const v = currentVersion();
  if (v && player.versionId !== v.id && isReady(v.id)) {
    // A render that finished while we were away replaces its preview, as it would live.
    if (player.preview) {
      loadVersion(v.id, { play: true });
      player.autoplay = true;
    } else if (!listening()) {
      loadVersion(v.id);
    }
  }
}

let resizeTimer = null;
window.addEventListener("resize", () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    drawWave();
    if (pattern.data) drawPattern();
  }, 100);
});

applySnapshot(JSON.parse($("studio-snapshot").textContent));
renderAll();
connect();
// Tests and curious users can look at the live state.
window.dawgStudio = { state, player, socket: socketState, reconnectNow };
