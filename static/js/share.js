// The read-only listen page of a share link: play, pause and seek on the waveform.
import { drawPeaks, loadPeaks } from "./waveform.js";

const root = document.getElementById("share");
const audio = document.getElementById("share-audio");
const canvas = document.getElementById("share-waveform");
const button = document.getElementById("share-play");
let peaks = null;

const fmt = (s) => (Number.isFinite(s) ? `${Math.floor(Math.round(s) / 60)}:${String(Math.round(s) % 60).padStart(2, "0")}` : "0:00");

function draw() {
  const progress = audio.duration ? audio.currentTime / audio.duration : 0;
  if (peaks) drawPeaks(canvas, peaks, { progress, played: "#ff7a5c" });
}

function transport() {
  const playing = !audio.paused && !audio.ended;
  button.textContent = playing ? "❚❚" : "▶";
  button.setAttribute("aria-label", playing ? "Pause" : "Play");
  // The musical length, as the studio shows it (the file's short ring-out is not counted).
  const total = Number(root.dataset.duration) || audio.duration;
  document.getElementById("share-time").textContent = `${fmt(Math.min(audio.currentTime, total))} / ${fmt(total)}`;
  canvas.setAttribute("aria-valuemax", String(Math.round(audio.duration || 0)));
  canvas.setAttribute("aria-valuenow", String(Math.round(audio.currentTime || 0)));
}

if (audio) {
  audio.src = root.dataset.audioUrl;
  loadPeaks(root.dataset.peaksUrl)
    .then((p) => {
      peaks = p;
      draw();
    })
    .catch(() => {});
  button.addEventListener("click", () => (audio.paused ? audio.play() : audio.pause()));
  for (const name of ["play", "pause", "ended", "loadedmetadata", "timeupdate"]) {
    audio.addEventListener(name, () => {
      transport();
      draw();
    });
  }
  const seek = (fraction) => {
    if (Number.isFinite(audio.duration)) audio.currentTime = Math.max(0, Math.min(1, fraction)) * audio.duration;
  };
  canvas.addEventListener("click", (e) => {
    const rect = canvas.getBoundingClientRect();
    seek((e.clientX - rect.left) / rect.width);
  });
  canvas.addEventListener("keydown", (e) => {
    if (e.key === "ArrowRight") seek((audio.currentTime + 5) / audio.duration);
    else if (e.key === "ArrowLeft") seek((audio.currentTime - 5) / audio.duration);
    else if (e.key === " ") button.click();
    else return;
    e.preventDefault();
  });
  window.addEventListener("resize", draw);
}
