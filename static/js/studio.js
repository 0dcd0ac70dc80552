// The studio: wires the modules in studio/ (socket, state, player, pattern, chips, view).
// State is rebuilt from conversation.snapshot on every (re)connect; group events are applied
// in seq order (docs/realtime-protocol.md).
import { createChips } from "./studio/chips.js";
import { createMixer } from "./studio/mixer.js";
import { createPattern } from "./studio/pattern.js";
import { createPlayer } from "./studio/player.js";
import { createSocket } from "./studio/socket.js";
import {
  ACTIVE,
  activeBeat,
  addMessage,
  applySnapshot,
  beatName,
  conversationTitle,
  currentVersion,
  isReady,
  latestJobFor,
  playableFor,
  rememberMine,
  state,
  upsertVersion,
  versionById,
  versionIsMine,
} from "./studio/state.js";
import { announceStage, banner, el, option, renderMessageList, timeAgo } from "./studio/view.js";

const $ = (id) => document.getElementById(id);
const root = $("studio");
const choices = JSON.parse($("studio-choices").textContent);
const VERSIONS_URL = root.dataset.versionsUrl;
const CONVERSATION = root.dataset.conversation;

// Versions restored or picked from this tab: their player autoplays here only.
const requested = new Set();

const sock = createSocket({
  wsPath: root.dataset.wsPath,
  loginUrl: root.dataset.loginUrl,
  getSeq: () => state.seq,
  setSeq: (seq) => (state.seq = seq),
  onSnapshot: Object.assign(
    (snap) => {
      applySnapshot(snap);
      renderAll();
    },
    { after: flushPending },
  ),
  onGroupEvent: applyEvent,
  onSocketEvent: (ev) => {
    if (ev.type === "chat.error") onChatError(ev);
    else if (ev.type === "error") {
      // Version and lookup errors concern the user; the rest are protocol slips for the console.
      if (["invalid_version", "not_found", "internal_error"].includes(ev.code)) showChatError(ev.message);
      else console.warn("studio:", ev.code, ev.message);
    }
  },
  banner,
});
const send = sock.send;

const audioPlayer = createPlayer({
  versionsUrl: VERSIONS_URL,
  channelName: `dawg-studio-${CONVERSATION}`,
  versionById,
  onChange: () => {
    renderVersions();
    renderNowPlaying();
    renderAB();
  },
});
const { player } = audioPlayer;

const mixer = createMixer({
  versionsUrl: VERSIONS_URL,
  audio: audioPlayer.audio,
  onBake: (versionId, tracks) => send({ type: "beat.mix", version: versionId, tracks }),
});
$("mixer-toggle").addEventListener("click", () => {
  if (mixer.mixer.on) mixer.disable();
  else if (player.versionId) mixer.enable(player.versionId);
});
// The mixer follows the version in the player (stems of another version are other stems).
audioPlayer.audio.addEventListener("loadedmetadata", () => {
  if (mixer.mixer.on && player.versionId && player.versionId !== mixer.mixer.versionId) mixer.enable(player.versionId);
  if (mixer.mixer.on && player.preview) mixer.disable();
});

function renderAB() {
  const other = player.abOther && versionById(player.abOther);
  const here = player.versionId && versionById(player.versionId);
  $("ab-toggle").disabled = !(other && here);
  $("ab-caption").hidden = !(other && here);
  if (other && here) $("ab-caption").textContent = `A/B: v${here.number} ↔ v${other.number} — press B to switch at the same position`;
}
$("ab-toggle").addEventListener("click", () => audioPlayer.abSwitch());
document.addEventListener("keydown", (e) => {
  if (e.key !== "b" && e.key !== "B") return;
  if (e.ctrlKey || e.metaKey || e.altKey || e.target.closest("input, textarea, select, [contenteditable]")) return;
  if (audioPlayer.abSwitch()) e.preventDefault();
});

const patternView = createPattern({
  versionsUrl: VERSIONS_URL,
  versionById,
  targetVersion: () => {
    const beat = activeBeat();
    return beat && beat.current_version;
  },
  onSections: renderLoopChoices,
});
const pattern = patternView.pattern;

const chips = createChips({ choices, sendEdit: (text) => sendChat(text) });

// ---------------------------------------------------------------- events
function applyEvent(ev) {
  switch (ev.type) {
    case "chat.message": {
      addMessage(ev.message);
      renderMessages();
      // "solo the 808" / "mute the hats": the assistant drives the mixer, nothing deleted.
      const mix = ev.mixer || ev.message.mixer;
      if (mix && ev.message.role === "assistant") mixer.command(mix, player.versionId || (currentVersion() || {}).id);
      break;
    }
    case "chat.typing":
      state.typing = !!ev.typing;
      $("typing").hidden = !state.typing;
      break;
    case "conversation.updated":
      state.title = ev.title;
      renderTitle();
      break;
    case "beat.version_created": {
      const beat = upsertVersion(ev.beat, ev.version);
      beat.current_version = ev.version.id;
      state.activeBeat = ev.beat;
      pattern.pinned = null;
      renderBeat();
      break;
    }
    case "beat.current_changed": {
      const beat = upsertVersion(ev.beat, ev.version);
      const before = beat.current_version;
      const beatBefore = state.activeBeat;
      beat.current_version = ev.version.id;
      state.activeBeat = ev.beat;
      pattern.pinned = null;
      if (before !== ev.version.id || beatBefore !== ev.beat) followCurrent(ev.version, ev.reason);
      renderBeat();
      break;
    }
    case "beat.updated": {
      const beat = state.beats.get(ev.beat);
      if (beat) beat.title = ev.title;
      renderBeat();
      break;
    }
    case "beat.deleted":
      state.beats.delete(ev.beat);
      if (state.activeBeat === ev.beat) {
        const rest = [...state.beats.values()];
        state.activeBeat = rest.length ? rest[rest.length - 1].id : null;
      }
      if (player.versionId && !versionById(player.versionId)) audioPlayer.clear();
      renderAll();
      break;
    case "generation.queued":
      upsertVersion(ev.version.beat, ev.version);
      state.jobs.set(ev.job, {
        id: ev.job,
        version: ev.version.id,
        status: "queued",
        stage: ev.position ? `queued (${ev.position} ahead)` : "queued",
        progress: 0,
        queued_at: new Date(ev.ts * 1000).toISOString(),
      });
      renderJobs();
      break;
    case "generation.started":
      updateJob(ev.job, { status: "running", stage: "starting", version: ev.version.id });
      break;
    case "generation.stage":
      updateJob(ev.job, { status: "running", stage: ev.stage, progress: ev.progress });
      announceStage(`Rendering: ${ev.stage}`);
      break;
    case "generation.progress":
      updateJob(ev.job, { status: "running", stage: ev.stage, progress: ev.progress });
      break;
    case "generation.retrying":
      updateJob(ev.job, { status: "queued", stage: `retrying (${ev.code})` });
      break;
    case "generation.preview":
      state.previews.set(ev.version.id, ev.url);
      audioPlayer.playPreview(ev.url, ev.version.id, { play: versionIsMine(ev.version) });
      break;
    case "generation.completed":
      updateJob(ev.job, { status: "succeeded", stage: "done", progress: 100, version: ev.version.id });
      announceStage(`v${ev.version.number} is ready`);
      onRendered(ev.version);
      break;
    case "generation.failed":
      updateJob(ev.job, { status: "failed", stage: "failed", error_code: ev.code, error_message: ev.message });
      announceStage(`The render of v${ev.version.number} failed`);
      break;
    case "generation.cancelled":
      updateJob(ev.job, { status: "cancelled", stage: "cancelled" });
      announceStage(`The render of v${ev.version.number} was cancelled`);
      if (player.preview && player.previewOf === ev.version.id) showPlayable();
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

/** Undo, redo, restore, cancel or the switcher moved the current version: the player follows. */
function followCurrent(v, reason) {
  if (!isReady(v.id)) return;
  const mine = requested.has(v.id);
  requested.delete(v.id);
  if (mine) audioPlayer.load(v.id, { play: true, keepPosition: reason !== "select" });
  // Other tabs show it, and keep playing only if they were (at the same position).
  else audioPlayer.load(v.id, { keepPosition: true, play: false });
}

function onRendered(v) {
  state.ready.add(v.id);
  const beat = state.beats.get(v.beat);
  const isCurrent = beat && beat.current_version === v.id && state.activeBeat === v.beat;
  if (isCurrent && (!audioPlayer.listening() || player.autoplay || player.preview)) {
    const play = versionIsMine(v);
    audioPlayer.load(v.id, { play });
    player.autoplay = play;
  }
  renderAll();
}

/** Show the newest playable version of the beat being edited (e.g. after a reload mid-render). */
function showPlayable() {
  const v = playableFor(activeBeat());
  if (v && player.versionId !== v.id) audioPlayer.load(v.id);
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
  rememberMine(id);
  state.pending.set(id, { text, failed: false });
  hideChatError();
  send({ type: "chat.message", text, client_msg_id: id });
  renderMessages();
}

/** Resend every unconfirmed message after a reconnect (idempotent on client_msg_id). */
function flushPending() {
  for (const [id, p] of state.pending) if (!p.failed) send({ type: "chat.message", text: p.text, client_msg_id: id });
  renderMessages();
}

function onChatError(ev) {
  if (ev.client_msg_id && state.pending.has(ev.client_msg_id)) state.pending.get(ev.client_msg_id).failed = true;
  const wait = ev.retry_after ? ` Try again in ${Math.ceil(ev.retry_after)} s.` : "";
  showChatError(`${ev.message}${wait}`);
  renderMessages();
}

function showChatError(text) {
  $("chat-error").textContent = text;
  $("chat-error").hidden = false;
}
function hideChatError() {
  $("chat-error").hidden = true;
}

function submitInput() {
  sendChat(input.value);
  input.value = "";
}
$("chat-form").addEventListener("submit", (e) => {
  e.preventDefault();
  submitInput();
});
input.addEventListener("keydown", (e) => {
  if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    submitInput();
  }
});
for (const button of document.querySelectorAll("button.example")) {
  button.addEventListener("click", () => {
    input.value = button.dataset.prompt;
    input.focus();
  });
}

// ---------------------------------------------------------------- rendering
function renderMessages() {
  renderMessageList(state.messages, state.pending);
}

function renderTitle() {
  const title = conversationTitle();
  $("conversation-title").textContent = title;
  document.title = `${title} · DAWG AI`;
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
      const keep = job.status === "failed" ? 60000 : 3000;
      if (now - finishedShown.get(job.id) > keep) continue;
      setTimeout(renderJobs, keep + 50);
    }
    const v = versionById(job.version);
    const percent = Math.max(0, Math.min(100, job.progress || 0));
    const label = job.status === "failed" ? `failed: ${job.error_message || job.error_code || "error"}` : job.stage || job.status;
    const bar = el("div", { class: "bar", role: "progressbar", "aria-valuemin": "0", "aria-valuemax": "100", "aria-valuenow": String(percent), "aria-label": `Render ${v ? `v${v.number}` : ""} progress` }, el("span", { style: `width:${percent}%` }));
    const cancel = active ? el("button", { type: "button", class: "ghost small-button", "aria-label": "Cancel this render", onclick: () => send({ type: "generation.cancel", job: job.id }) }, "Cancel") : null;
    const previewUrl = active && state.previews.get(job.version);
    const preview =
      previewUrl && !(player.preview && player.previewOf === job.version)
        ? el("button", { type: "button", class: "ghost small-button", "data-testid": "play-preview", onclick: () => audioPlayer.playPreview(previewUrl, job.version, { play: true }) }, "▶ Preview")
        : null;
    rows.push(
      el(
        "div",
        { class: `job ${job.status}`, "data-testid": "job-progress", "data-stage": job.stage || job.status, "data-percent": String(percent), "data-status": job.status, dataset: { job: job.id } },
        el("div", { class: "job-line" }, el("span", { class: "job-name", text: `${v ? `v${v.number} · ` : ""}${label}` }), el("span", { class: "job-pct", text: `${percent}%` }), preview, cancel),
        bar,
      ),
    );
  }
  state.everRendered = true;
  box.replaceChildren(...rows);
}

function renderBeat() {
  const v = currentVersion();
  const beat = activeBeat();
  $("beat-title").textContent = beat ? beatName(beat) : "No beat yet";
  $("beat-summary").textContent = v ? `v${v.number} · ${v.summary}` : "";
  $("spec-panel").hidden = !v;
  $("history-panel").hidden = !v;
  $("empty-beat").hidden = !!beat;
  $("pattern-panel").hidden = !v || !pattern.data;
  renderBeatSwitcher();
  chips.render(v);
  renderVersions();
  renderDownloads(v);
  renderNowPlaying();
  renderTitle();
  patternView.sync();
}

function renderBeatSwitcher() {
  const beats = [...state.beats.values()];
  const box = $("beat-switcher");
  box.hidden = beats.length === 0;
  const select = $("beat-select");
  select.replaceChildren(...beats.map((b, i) => option(b.id, `${i + 1}. ${beatName(b)}`, b.id === state.activeBeat)));
  select.disabled = beats.length < 2;
  const beat = activeBeat();
  if (beat) {
    $("beat-rename-form").action = `/beats/${beat.id}/rename/`;
    $("beat-rename-title").placeholder = beatName(beat);
    $("beat-delete").href = `/beats/${beat.id}/delete/`;
  }
}
$("beat-select").addEventListener("change", (e) => send({ type: "beat.select", beat: e.target.value }));

function renderVersions() {
  const list = $("versions");
  const beat = activeBeat();
  if (!beat) {
    list.replaceChildren();
    return;
  }
  const items = [...beat.versions]
    .sort((a, b) => b.number - a.number)
    .map((v) => {
      const current = v.id === beat.current_version;
      const ready = isReady(v.id);
      const job = latestJobFor(v.id);
      const status = !ready && job ? job.status : "";
      const playing = audioPlayer.isPlaying(v.id);
      return el(
        "li",
        { class: `version${current ? " current" : ""}${player.versionId === v.id ? " loaded" : ""}`, "data-testid": "version-item", "data-number": String(v.number), "data-version": v.id, "data-current": current ? "true" : "false" },
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
          el(
            "button",
            {
              type: "button",
              class: "ghost small-button",
              "data-testid": "play-version",
              "data-playing": playing ? "true" : "false",
              disabled: !ready,
              "aria-label": `${playing ? "Pause" : "Play"} version ${v.number}`,
              onclick: () => {
                // The pattern view follows a version the user picked, until the beat changes.
                pattern.pinned = v.id === beat.current_version ? null : v.id;
                audioPlayer.toggleVersion(v.id);
                patternView.sync();
              },
            },
            playing ? "❚❚ Pause" : "▶ Play",
          ),
          current
            ? null
            : el(
                "button",
                {
                  type: "button",
                  class: "ghost small-button",
                  "data-testid": "restore-version",
                  "aria-label": `Restore version ${v.number}`,
                  onclick: () => {
                    requested.add(v.id);
                    send({ type: "beat.restore", version: v.id });
                  },
                },
                "Restore",
              ),
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
      a.href = audioPlayer.mediaUrl(v.id, kind);
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
  const job = v && latestJobFor(v.id);
  const why = !v || ready ? "" : job && ACTIVE.has(job.status) ? " (rendering…)" : ` (${job ? job.status : "not rendered"})`;
  $("downloads-caption").textContent = v ? `v${v.number}${why}` : "";
  $("share-form").action = v ? `${VERSIONS_URL}${v.id}/share/` : "";
  $("share-form").hidden = !ready;
  $("share-caption").textContent = v ? `v${v.number}` : "";
}

function renderNowPlaying() {
  if (player.preview) return;
  const v = player.versionId && versionById(player.versionId);
  if (!v) return;
  const beat = state.beats.get(v.beat);
  const current = beat && beat.current_version === v.id;
  $("now-playing").textContent = `v${v.number}${current ? "" : " (not current)"}`;
}

// ---------------------------------------------------------------- section loop
function renderLoopChoices(data) {
  const select = $("loop-section");
  const before = select.value;
  const bpm = (versionById(pattern.versionId) || {}).bpm;
  const beatsPerBar = data.beats_per_bar || 4;
  select.replaceChildren(
    option("", "whole beat", before === ""),
    ...data.sections.map((s, i) => option(String(i), `${s.name} · bars ${s.start_bar + 1}–${s.start_bar + s.bars}`, before === String(i))),
  );
  select.dataset.bpm = bpm || "";
  select.dataset.beatsPerBar = beatsPerBar;
  loopSections = data.sections;
}
let loopSections = [];
$("loop-section").addEventListener("change", (e) => {
  const select = e.target;
  if (select.value === "") {
    audioPlayer.setLoop(null);
    $("loop").checked = false;
    return;
  }
  const s = loopSections[Number(select.value)];
  const secondsPerBar = (Number(select.dataset.beatsPerBar) * 60) / Number(select.dataset.bpm);
  audioPlayer.setLoop({ start: s.start_bar * secondsPerBar, end: (s.start_bar + s.bars) * secondsPerBar });
  $("loop").checked = true;
});

// ---------------------------------------------------------------- boot
function renderAll() {
  renderTitle();
  renderMessages();
  $("typing").hidden = !state.typing;
  renderJobs();
  renderBeat();
  const v = currentVersion();
  if (v && player.versionId !== v.id && isReady(v.id)) {
    // A render that finished while we were away replaces its preview, as it would live.
    if (player.preview) {
      audioPlayer.load(v.id, { play: player.autoplay });
    } else if (!audioPlayer.listening()) {
      audioPlayer.load(v.id);
    }
  } else if (v && !isReady(v.id) && !player.preview && !player.versionId) {
    showPlayable(); // mid-render (e.g. after a reload): the previous version stays playable
  }
}

let resizeTimer = null;
window.addEventListener("resize", () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    audioPlayer.draw();
    if (pattern.data) patternView.draw();
  }, 100);
});

applySnapshot(JSON.parse($("studio-snapshot").textContent));
renderAll();
// From here on the form is ours: before this ran, Send posted it to the server instead
// (chat:conversation-message), so a message sent that early is stored, not lost.
root.dataset.ready = "true";
sock.connect();
const wanted = new URLSearchParams(location.search).get("beat");
if (wanted && state.beats.has(wanted) && wanted !== state.activeBeat) {
  const once = setInterval(() => {
    if (send({ type: "beat.select", beat: wanted })) clearInterval(once);
  }, 200);
}
input.focus();
window.dawgStudio = { state, player, mixer, applyEvent, send, activeBeat, versionById, socket: sock.socket, reconnectNow: sock.reconnectNow, audio: audioPlayer };
