// DOM helpers shared by the studio's modules: elements, messages (with download links),
// the connection banner and the one polite live region.

const $ = (id) => document.getElementById(id);

export function el(tag, attrs = {}, ...children) {
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

export function option(value, label, selected) {
  return el("option", { value, selected: selected ? "selected" : false }, label);
}

export function timeAgo(iso) {
  const seconds = (Date.now() - new Date(iso).getTime()) / 1000;
  if (seconds < 45) return "just now";
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.round(seconds / 3600)} h ago`;
  return new Date(iso).toLocaleDateString();
}

// Our own download routes in a reply ("MIDI: /beats/assets/<id>/") become links; the
// text stays plain (never HTML from the server), so nothing else can become markup.
const OWN_LINK = /(\/beats\/(?:assets|versions)\/[0-9a-f-]{36}\/[\w./-]*)/g;

export function messageBody(text) {
  const parts = text.split(OWN_LINK);
  return parts.map((part, i) => (i % 2 ? el("a", { href: part, download: "", class: "download-link", "data-testid": "message-link" }, part.includes("stems") ? "download stems (zip)" : "download") : part));
}

export function renderMessageList(messages, pending) {
  const list = $("messages");
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  const items = messages.map((m) => el("li", { class: `message ${m.role}`, "data-testid": "chat-message", "data-role": m.role, dataset: { id: m.id } }, ...messageBody(m.text)));
  for (const [id, p] of pending) {
    items.push(
      el(
        "li",
        { class: `message user pending${p.failed ? " failed" : ""}`, "data-testid": "chat-message", "data-role": "user", dataset: { clientMsgId: id } },
        p.text,
        el("span", { class: "pending-note", text: p.failed ? " · not sent" : " · sending…" }),
      ),
    );
  }
  const grew = items.length > renderMessageList.count;
  renderMessageList.count = items.length;
  list.replaceChildren(...items);
  $("examples").hidden = items.length > 0;
  // Follow new messages unless the user scrolled up to read older ones.
  if (atBottom || (grew && !renderMessageList.scrolledUp)) list.scrollTop = list.scrollHeight;
}
renderMessageList.count = 0;
renderMessageList.scrolledUp = false;
$("messages").addEventListener("scroll", () => {
  const list = $("messages");
  renderMessageList.scrolledUp = list.scrollHeight - list.scrollTop - list.clientHeight > 80;
});

let bannerTimer = null;
export const banner = {
  show(text, permanent = false, everOpen = true) {
    clearTimeout(bannerTimer);
    // A first connect that takes a moment is not a dropped connection: wait before showing.
    bannerTimer = setTimeout(
      () => {
        $("connection-text").textContent = text;
        $("connection-banner").hidden = false;
        $("connection-banner").classList.toggle("fatal", permanent);
      },
      everOpen || permanent ? 0 : 1500,
    );
  },
  hide() {
    clearTimeout(bannerTimer);
    $("connection-banner").hidden = true;
  },
};

// The one polite live region: it announces a render's stage changes and nothing else
// (progress percentages would be ~25 announcements per render).
let lastAnnounced = "";
export function announceStage(text) {
  if (text === lastAnnounced) return;
  lastAnnounced = text;
  $("announcer").textContent = text;
  const log = (window.dawgAnnouncements = window.dawgAnnouncements || []);
  log.push(text);
}
