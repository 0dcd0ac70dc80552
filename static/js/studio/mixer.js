// The mixer: mute, solo and level per stem, applied at once with Web Audio from the loaded
// version's stems (no re-render). The <audio> element stays the clock (seek, loop, A/B);
// while the mixer is on it is muted and the stems play in step with it.
import { el } from "./view.js";

const $ = (id) => document.getElementById(id);

export function createMixer({ versionsUrl, audio, onBake }) {
  const mixer = {
    on: false,
    versionId: null,
    tracks: new Map(), // track -> {buffer, gain, analyser, source, mute, solo, level_db}
    ctx: null,
    master: null,
    masterAnalyser: null,
    loading: null,
  };

  function context() {
    if (!mixer.ctx) {
      mixer.ctx = new AudioContext();
      mixer.master = mixer.ctx.createGain();
      mixer.masterAnalyser = mixer.ctx.createAnalyser();
      mixer.masterAnalyser.fftSize = 2048;
      mixer.master.connect(mixer.masterAnalyser);
      mixer.masterAnalyser.connect(mixer.ctx.destination);
    }
    return mixer.ctx;
  }

  /** Fetch and decode every stem of the version (each through its one URL, any format). */
  async function load(versionId) {
    if (mixer.versionId === versionId && mixer.tracks.size) return;
    stopSources();
    mixer.versionId = versionId;
    mixer.tracks = new Map();
    const ctx = context();
    const listing = await fetch(`${versionsUrl}${versionId}/stems.json`, { credentials: "same-origin" }).then((r) => (r.ok ? r.json() : { stems: [] }));
    const decoded = await Promise.all(
      listing.stems.map(async (stem) => {
        const bytes = await fetch(stem.url, { credentials: "same-origin" }).then((r) => r.arrayBuffer());
        return [stem.track, await ctx.decodeAudioData(bytes), stem.fader_db || 0];
      }),
    );
    if (mixer.versionId !== versionId) return;
    for (const [track, buffer, fader_db] of decoded) {
      const gain = ctx.createGain();
      const analyser = ctx.createAnalyser();
      analyser.fftSize = 2048;
      gain.connect(analyser);
      analyser.connect(mixer.master);
      // fader_db: the version's own level for a pre-fader stem (0 if the stem has it in it);
      // level_db is the mixer's change on top of it.
      mixer.tracks.set(track, { buffer, gain, analyser, source: null, mute: false, solo: false, level_db: 0, fader_db });
    }
    apply();
    render();
  }

  function stopSources() {
    for (const t of mixer.tracks.values()) {
      if (t.source) {
        try {
          t.source.stop();
        } catch {
          /* already stopped */
        }
        t.source.disconnect();
        t.source = null;
      }
    }
  }

  /** (Re)start every stem at the audio element's position, if it is playing. */
  function sync() {
    stopSources();
    if (!mixer.on || audio.paused || !mixer.tracks.size) return;
    const ctx = context();
    if (ctx.state === "suspended") ctx.resume();
    const offset = audio.currentTime;
    for (const t of mixer.tracks.values()) {
      if (offset >= t.buffer.duration) continue;
      const source = ctx.createBufferSource();
      source.buffer = t.buffer;
      source.connect(t.gain);
      source.start(ctx.currentTime, offset);
      t.source = source;
    }
  }

  /** Gains from mute, solo and level: solo wins, then mute, then the level in dB. */
  function apply() {
    const soloing = [...mixer.tracks.values()].some((t) => t.solo);
    for (const t of mixer.tracks.values()) {
      const audible = soloing ? t.solo : !t.mute;
      const value = audible ? 10 ** ((t.level_db + t.fader_db) / 20) : 0;
      if (mixer.ctx) t.gain.gain.setTargetAtTime(value, mixer.ctx.currentTime, 0.01);
    }
  }

  async function enable(versionId) {
    mixer.on = true;
    $("mixer-panel").hidden = false;
    $("mixer-toggle").setAttribute("aria-pressed", "true");
    audio.muted = true;
    mixer.loading = load(versionId);
    await mixer.loading;
    sync();
  }

  function disable() {
    mixer.on = false;
    stopSources();
    audio.muted = false;
    $("mixer-panel").hidden = true;
    $("mixer-toggle").setAttribute("aria-pressed", "false");
  }

  /** The assistant's {"solo": [...]} / {"mute": [...]}: applied to the mixer, nothing deleted. */
  async function command(mix, versionId) {
    if (!versionId) return;
    await enable(versionId);
    for (const [name, t] of mixer.tracks) {
      if (mix.solo) t.solo = mix.solo.includes(name);
      if (mix.mute && mix.mute.includes(name)) t.mute = true;
      if (mix.unmute && mix.unmute.includes(name)) t.mute = false;
    }
    apply();
    render();
  }

  function setTrack(name, patch) {
    const t = mixer.tracks.get(name);
    if (!t) return;
    Object.assign(t, patch);
    apply();
    render();
  }

  /** RMS level per stem (post-fader) and of the master, from the analysers. */
  function levels() {
    const rms = (analyser) => {
      const data = new Float32Array(analyser.fftSize);
      analyser.getFloatTimeDomainData(data);
      let sum = 0;
      for (const v of data) sum += v * v;
      return Math.sqrt(sum / data.length);
    };
    const out = { master: mixer.masterAnalyser ? rms(mixer.masterAnalyser) : 0, tracks: {} };
    for (const [name, t] of mixer.tracks) out.tracks[name] = rms(t.analyser);
    return out;
  }

  function render() {
    const rows = [...mixer.tracks].map(([name, t]) =>
      el(
        "div",
        { class: "mixer-row", "data-testid": "mixer-track", "data-track": name },
        el("span", { class: "mixer-name", text: name }),
        el("button", { type: "button", class: `ghost small-button${t.mute ? " active" : ""}`, "aria-pressed": t.mute ? "true" : "false", "aria-label": `Mute ${name}`, "data-testid": "mixer-mute", onclick: () => setTrack(name, { mute: !t.mute }) }, "M"),
        el("button", { type: "button", class: `ghost small-button${t.solo ? " active" : ""}`, "aria-pressed": t.solo ? "true" : "false", "aria-label": `Solo ${name}`, "data-testid": "mixer-solo", onclick: () => setTrack(name, { solo: !t.solo }) }, "S"),
        el("input", {
          type: "range",
          min: "-24",
          max: "6",
          step: "1",
          value: String(t.level_db),
          "aria-label": `${name} level (dB)`,
          "data-testid": "mixer-level",
          oninput: (e) => setTrack(name, { level_db: Number(e.target.value) }),
        }),
        el("span", { class: "mixer-db small muted", text: `${t.level_db > 0 ? "+" : ""}${t.level_db} dB` }),
      ),
    );
    $("mixer-tracks").replaceChildren(...(rows.length ? rows : [el("p", { class: "muted small", text: mixer.loading ? "loading stems…" : "no stems for this version" })]));
  }

  /** What "save as a version" asks for: each stem's on/off and level change. */
  function bakeRequest() {
    const soloing = [...mixer.tracks.values()].some((t) => t.solo);
    const tracks = {};
    for (const [name, t] of mixer.tracks) {
      const enabled = soloing ? t.solo : !t.mute;
      if (!enabled || t.level_db) tracks[name] = { enabled, gain_db: t.level_db };
    }
    return tracks;
  }

  for (const name of ["play", "pause", "seeked"]) audio.addEventListener(name, sync);
  audio.addEventListener("ended", stopSources);
  audio.addEventListener("emptied", () => {
    stopSources();
    mixer.versionId = null;
    mixer.tracks = new Map();
  });
  $("mixer-save").addEventListener("click", () => {
    const tracks = bakeRequest();
    if (Object.keys(tracks).length) onBake(mixer.versionId, tracks);
  });

  return { mixer, enable, disable, command, levels, sync, load };
}
