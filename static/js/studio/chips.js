// Spec chips: each change sends the chat message that makes the same edit, once per edit;
// a value the engine cannot take is refused here with the reason, and nothing is sent.
import { fmt } from "./player.js";
import { el, option } from "./view.js";

const $ = (id) => document.getElementById(id);
export const BPM_MIN = 40;
export const BPM_MAX = 220;

export function createChips({ choices, sendEdit }) {
  let lastSent = null; // the edit text sent for this version, so Enter + change send once

  function refuse(text) {
    const box = $("chip-error");
    box.textContent = text;
    box.hidden = !text;
  }

  function edit(text) {
    if (text === lastSent) return;
    lastSent = text;
    refuse("");
    sendEdit(text);
  }

  function render(v) {
    const box = $("chips");
    if (!v) {
      box.replaceChildren();
      return;
    }
    // Don't rebuild while the user is editing a chip of the same version.
    if (box.contains(document.activeElement) && box.dataset.version === v.id) return;
    if (box.dataset.version !== v.id) lastSent = null;
    box.dataset.version = v.id;
    const spec = v.spec;
    const genre = el("select", { id: "chip-genre", onchange: (e) => edit(`make it ${e.target.value}`) }, ...choices.genres.map((g) => option(g, g, g === spec.genre)));
    const bpm = el("input", { id: "chip-bpm", type: "number", min: String(BPM_MIN), max: String(BPM_MAX), step: "1", value: String(Math.round(spec.bpm)), inputmode: "numeric", "aria-describedby": "chip-error" });
    const sendBpm = () => {
      const raw = bpm.value.trim();
      const n = Math.round(Number(raw));
      if (!raw || !Number.isFinite(Number(raw))) {
        refuse("BPM must be a number.");
        bpm.setAttribute("aria-invalid", "true");
        return;
      }
      if (n < BPM_MIN || n > BPM_MAX) {
        refuse(`${raw} BPM is out of range: pick a tempo from ${BPM_MIN} to ${BPM_MAX}.`);
        bpm.setAttribute("aria-invalid", "true");
        return;
      }
      bpm.removeAttribute("aria-invalid");
      if (n !== Math.round(spec.bpm)) edit(`make it ${n} bpm`);
      else refuse("");
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
    const sendKey = () => edit(`change the key to ${tonic.value} ${mode.value}`);
    tonic.addEventListener("change", sendKey);
    mode.addEventListener("change", sendKey);
    const lengths = [...new Set([...choices.lengths, spec.bars])].sort((a, b) => a - b);
    const secondsPerBar = (v.duration_s || 0) / spec.bars;
    const length = el(
      "select",
      { id: "chip-length", onchange: (e) => edit(`make it ${e.target.value} bars`) },
      ...lengths.map((n) => option(String(n), `${n} bars · ${fmt(n * secondsPerBar)}`, n === spec.bars)),
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
          onclick: () => edit(on ? `remove the ${name}` : `add the ${name}`),
        },
        name,
      );
    });
    // Keep keyboard focus on the same chip across the rebuild a new version causes.
    const focused = box.contains(document.activeElement) ? document.activeElement : null;
    const field = focused && focused.closest("[data-field]") ? focused.closest("[data-field]").dataset.field : null;
    const focusedId = focused && focused.id;
    box.replaceChildren(el("div", { class: "chip-row" }, ...chips), el("div", { class: "chip-row tracks", role: "group", "aria-label": "Tracks on or off" }, ...tracks));
    if (field) {
      const again = (focusedId && document.getElementById(focusedId)) || box.querySelector(`[data-field="${field}"]`);
      if (again) again.focus();
    }
  }

  return { render };
}
