// "My beats": draw each beat's small waveform once it scrolls into view.
import { drawPeaks, loadPeaks } from "./waveform.js";

const canvases = document.querySelectorAll("canvas[data-peaks-url]");
const draw = (canvas) =>
  loadPeaks(canvas.dataset.peaksUrl)
    .then((peaks) => drawPeaks(canvas, peaks, { color: "#8a91a0" }))
    .catch(() => canvas.classList.add("thumb-empty"));

if ("IntersectionObserver" in window) {
  const seen = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (entry.isIntersecting) {
        seen.unobserve(entry.target);
        draw(entry.target);
      }
    }
  });
  canvases.forEach((c) => seen.observe(c));
} else {
  canvases.forEach(draw);
}
