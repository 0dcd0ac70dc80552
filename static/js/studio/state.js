// The studio's state: a conversation's messages, every beat in it (none is ever replaced by
// a newer one), the beat being edited, and job states. Rebuilt from conversation.snapshot.

export const state = {
  seq: 0,
  title: "",
  customTitle: "",
  messages: [],
  beats: new Map(), // beat id -> {id, title, name, created_at, current_version, versions: [...]}
  activeBeat: null, // the beat the conversation's turns edit
  jobs: new Map(), // job id -> job
  typing: false,
  pending: new Map(), // client_msg_id -> {text, failed}
  ready: new Set(), // version ids known to have audio
  previews: new Map(), // version id -> preview URL (a render in flight)
};

// Messages this tab sent survive a reload (sessionStorage is per tab): only the tab that
// asked for a change autoplays its result.
const MINE_KEY = `dawg:mine:${location.pathname}`;
const mine = new Set(JSON.parse(sessionStorage.getItem(MINE_KEY) || "[]"));
const mineMessages = new Set();

export function rememberMine(clientMsgId) {
  mine.add(clientMsgId);
  sessionStorage.setItem(MINE_KEY, JSON.stringify([...mine].slice(-200)));
}

function noteMessage(m) {
  if (m.client_msg_id && mine.has(m.client_msg_id)) mineMessages.add(m.id);
}

/** True when this tab sent the chat turn that created the version. */
export function versionIsMine(v) {
  return !!(v && v.created_by_message && mineMessages.has(v.created_by_message));
}

export function addMessage(m) {
  noteMessage(m);
  if (m.client_msg_id) state.pending.delete(m.client_msg_id);
  if (!state.messages.some((x) => x.id === m.id)) state.messages.push(m);
}

export function applySnapshot(snap) {
  state.seq = snap.seq;
  state.title = snap.conversation.title;
  state.customTitle = snap.conversation.custom_title || "";
  state.messages = snap.messages;
  snap.messages.forEach(noteMessage);
  state.beats = new Map((snap.beats || (snap.beat ? [snap.beat] : [])).map((b) => [b.id, b]));
  state.activeBeat = snap.beat ? snap.beat.id : null;
  state.jobs = new Map(snap.jobs.map((j) => [j.id, j]));
  state.typing = false;
  state.previews.clear();
  for (const beat of state.beats.values()) {
    for (const v of beat.versions) {
      for (const a of v.assets || []) {
        if (a.kind === "mix_mp3") state.ready.add(v.id);
        if (a.kind === "preview") state.previews.set(v.id, a.stream_url);
      }
    }
  }
  for (const job of snap.jobs) if (job.status === "succeeded") state.ready.add(job.version);
  const known = new Set(snap.messages.map((m) => m.client_msg_id).filter(Boolean));
  for (const id of [...state.pending.keys()]) if (known.has(id)) state.pending.delete(id);
}

export function activeBeat() {
  return state.activeBeat ? state.beats.get(state.activeBeat) || null : null;
}

export function versionById(id) {
  for (const beat of state.beats.values()) {
    const v = beat.versions.find((x) => x.id === id);
    if (v) return v;
  }
  return undefined;
}

export function currentVersion() {
  const beat = activeBeat();
  return beat ? versionById(beat.current_version) : undefined;
}

export function beatName(beat) {
  if (!beat) return "New beat";
  if (beat.title) return beat.title;
  const v = versionById(beat.current_version);
  return v ? v.label || v.summary : "New beat";
}

export function conversationTitle() {
  if (state.customTitle) return state.customTitle;
  const beat = activeBeat();
  return beat ? beatName(beat) : "New beat";
}

/** Put a version (from any event) into its beat, creating the beat when it is new. */
export function upsertVersion(beatId, v) {
  let beat = state.beats.get(beatId);
  if (!beat) {
    beat = { id: beatId, title: "", name: "", created_at: v.created_at, current_version: null, versions: [] };
    state.beats.set(beatId, beat);
  }
  const i = beat.versions.findIndex((x) => x.id === v.id);
  if (i >= 0) beat.versions[i] = { ...beat.versions[i], ...v };
  else beat.versions.push(v);
  return beat;
}

export function latestJobFor(versionId) {
  let latest = null;
  for (const job of state.jobs.values()) {
    if (job.version === versionId && (!latest || job.queued_at > latest.queued_at)) latest = job;
  }
  return latest;
}

export function isReady(versionId) {
  if (state.ready.has(versionId)) return true;
  const job = latestJobFor(versionId);
  // Older versions whose jobs fell out of the snapshot's latest ten were rendered before.
  return job ? job.status === "succeeded" : !!versionById(versionId);
}

/** The newest version of a beat that has audio, walking up from its current one. */
export function playableFor(beat) {
  let v = beat && versionById(beat.current_version);
  while (v && !isReady(v.id)) v = v.parent ? versionById(v.parent) : undefined;
  return v;
}

export const ACTIVE = new Set(["queued", "running"]);
