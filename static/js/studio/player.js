// The player: one <audio> for a version's MP3 (or a render's preview), the waveform to seek
// on, a section loop, and one tab playing at a time (BroadcastChannel).
import { drawPeaks, loadPeaks } from "../waveform.js";

const $ = (id) => document.getElementById(id);

export function fmt(seconds) {
  if (!Number.isFinite(seconds)) return "0:00";
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

export function createPlayer({ versionsUrl, channelName, versionById, onChange }) {
  const audio = $("audio");
  const canvas = $("waveform");
  const player = {
    versionId: null, // the version loaded (null while a preview plays)
    preview: false,
    previewOf: null, // the version a playing preview belongs to
    autoplay: false, // started by us (a preview), so a finished render may replace it
    peaks: null,
    previews: 0, // previews started (tests look)
    loop: null, // {start, end} seconds of a looped section, or null
    abOther: null, // the version A/B switches to (the one loaded before this one)
    audio,
  };
  const tab = Math.random().toString(36).slice(2);
  const channel = "BroadcastChannel" in window ? new BroadcastChannel(channelName) : null;

  const mediaUrl = (versionId, kind, inline = false) => `${versionsUrl}${versionId}/media/${kind}/${inline ? "?inline=1" : ""}`;
  const listening = () => !audio.paused && !audio.ended;

  function start(auto) {
    player.autoplay = auto;
    const attempt = audio.play();
    if (attempt && attempt.catch) attempt.catch(() => {}); // autoplay refused: the user presses play
  }

  function load(versionId, { play = false, keepPosition = false } = {}) {
    const v = versionById(versionId);
    if (!v) return;
    const position = keepPosition ? audio.currentTime : 0;
    const wasPlaying = listening();
    if (player.versionId !== versionId || player.preview) {
      if (player.versionId && !player.preview) player.abOther = player.versionId;
      if (player.abOther === versionId) player.abOther = null;
      player.versionId = versionId;
      player.preview = false;
      player.previewOf = null;
      player.peaks = null;
      audio.src = mediaUrl(versionId, "mp3", true);
      if (position) {
        audio.addEventListener("loadedmetadata", () => (audio.currentTime = Math.min(position, audio.duration || position)), { once: true });
      }
      loadPeaks(`${versionsUrl}${versionId}/peaks.json`)
        .then((peaks) => {
          if (player.versionId === versionId) {
            player.peaks = peaks;
            draw();
          }
        })
        .catch(() => {});
    }
    audio.dataset.version = versionId;
    audio.dataset.number = v.number;
    $("audio-player").dataset.version = v.number;
    $("audio-player").dataset.expectedDuration = v.duration_s;
    visible();
    draw();
    renderTransport();
    if (play || (keepPosition && wasPlaying)) start(false);
    onChange();
  }

  function playPreview(url, versionId, { play }) {
    if (listening() && !player.autoplay) return; // never interrupt what the user is listening to
    if (player.versionId) player.abOther = player.versionId; // A/B compares it with the new one
    player.versionId = null;
    player.preview = true;
    player.previewOf = versionId;
    player.peaks = null;
    audio.src = url;
    delete audio.dataset.version;
    delete audio.dataset.number;
    delete $("audio-player").dataset.version;
    $("now-playing").textContent = "preview (2 bars)";
    player.previews += 1;
    visible();
    draw();
    if (play) start(true);
    onChange();
  }

  function clear() {
    audio.removeAttribute("src");
    audio.load();
    player.versionId = null;
    player.preview = false;
    visible();
    onChange();
  }

  /** ▶/❚❚ of one version row: pause it if it plays, else load and play it. */
  function toggleVersion(versionId) {
    if (player.versionId === versionId && !player.preview) {
      if (listening()) audio.pause();
      else start(false);
    } else {
      load(versionId, { play: true });
    }
    player.autoplay = false;
  }

  /** A/B: the other version at the same position, playing if this one was. */
  function abSwitch() {
    if (!player.abOther || !versionById(player.abOther)) return false;
    load(player.abOther, { keepPosition: true });
    return true;
  }

  function isPlaying(versionId) {
    return player.versionId === versionId && !player.preview && listening();
  }

  function visible() {
    $("audio-player").hidden = !audio.getAttribute("src");
  }

  function duration() {
    // The musical length (what the header and the chips say) for a version; the file also
    // holds a short ring-out after it, which plays but is not counted.
    const v = player.versionId && versionById(player.versionId);
    return v && !player.preview ? v.duration_s : audio.duration;
  }

  function renderTransport() {
    const playing = listening();
    const button = $("play");
    button.textContent = playing ? "❚❚" : "▶";
    button.setAttribute("aria-label", playing ? "Pause" : "Play");
    $("audio-player").dataset.playing = playing ? "true" : "false";
    const total = duration();
    const now = Math.min(audio.currentTime || 0, Number.isFinite(total) ? total : Infinity);
    $("time").textContent = `${fmt(now)} / ${fmt(total)}`;
    canvas.setAttribute("aria-valuemax", String(Math.round(total || 0)));
    canvas.setAttribute("aria-valuenow", String(Math.round(now || 0)));
    canvas.setAttribute("aria-valuetext", `${fmt(now)} of ${fmt(total)}`);
  }

  function draw() {
    const progress = audio.duration ? audio.currentTime / audio.duration : 0;
    if (player.peaks) drawPeaks(canvas, player.peaks, { progress, played: "#ff7a5c" });
    else placeholder(progress);
  }

  function placeholder(progress) {
    const ctx = canvas.getContext("2d");
    const w = (canvas.width = canvas.clientWidth * (window.devicePixelRatio || 1));
    const h = (canvas.height = canvas.clientHeight * (window.devicePixelRatio || 1));
    ctx.clearRect(0, 0, w, h);
    ctx.fillStyle = "#2a2f3a";
    ctx.fillRect(0, h / 2 - 1, w, 2);
    ctx.fillStyle = "#ff7a5c";
    ctx.fillRect(0, h / 2 - 1, w * progress, 2);
  }

  function seekTo(fraction) {
    if (!Number.isFinite(audio.duration) || audio.duration <= 0) return;
    audio.currentTime = Math.max(0, Math.min(1, fraction)) * audio.duration;
    player.autoplay = false;
    draw();
  }

  /** Loop [start, end) seconds (a section), or nothing with null. */
  function setLoop(range) {
    player.loop = range;
    audio.loop = false;
    if (range && (audio.currentTime < range.start || audio.currentTime >= range.end)) audio.currentTime = range.start;
    $("audio-player").dataset.loop = range ? `${range.start.toFixed(3)}-${range.end.toFixed(3)}` : "";
  }

  // A section loop needs finer timing than timeupdate's ~4 per second.
  function watchLoop() {
    if (player.loop && listening() && audio.currentTime >= player.loop.end) audio.currentTime = player.loop.start;
    requestAnimationFrame(watchLoop);
  }
  requestAnimationFrame(watchLoop);

  audio.addEventListener("error", () => {
    if (audio.getAttribute("src")) $("now-playing").textContent = "could not load this audio";
  });
  for (const name of ["play", "pause", "ended", "loadedmetadata"]) {
    audio.addEventListener(name, () => {
      renderTransport();
      onChange();
    });
  }
  audio.addEventListener("play", () => channel && channel.postMessage({ type: "playing", tab }));
  if (channel) {
    // Another tab of this conversation started playing: one beat at a time.
    channel.addEventListener("message", (e) => {
      if (e.data && e.data.type === "playing" && e.data.tab !== tab && listening()) audio.pause();
    });
  }
  audio.addEventListener("timeupdate", () => {
    renderTransport();
    draw();
  });
  $("play").addEventListener("click", () => {
    if (!audio.getAttribute("src")) return;
    if (listening()) audio.pause();
    else start(false);
    player.autoplay = false;
  });
  $("loop").addEventListener("change", (e) => {
    if (!e.target.checked) setLoop(null);
    audio.loop = e.target.checked && !player.loop;
  });
  canvas.addEventListener("click", (e) => {
    const rect = canvas.getBoundingClientRect();
    seekTo((e.clientX - rect.left) / rect.width);
  });
  canvas.addEventListener("keydown", (e) => {
    if (!Number.isFinite(audio.duration)) return;
    const step = e.shiftKey ? 10 : 2;
    if (e.key === "ArrowRight") seekTo((audio.currentTime + step) / audio.duration);
    else if (e.key === "ArrowLeft") seekTo((audio.currentTime - step) / audio.duration);
    else if (e.key === "Home") seekTo(0);
    else if (e.key === "End") seekTo(0.999);
    else if (e.key === " " || e.key === "Enter") $("play").click();
    else return;
    e.preventDefault();
  });

  return { player, audio, abSwitch, load, playPreview, clear, toggleVersion, isPlaying, listening, start, setLoop, seekTo, draw, renderTransport, mediaUrl };
}
