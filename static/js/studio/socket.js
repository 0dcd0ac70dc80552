// One WebSocket per tab (docs/realtime-protocol.md): resume on every (re)connect, group
// events applied in seq order, a gap repaired with resume, jittered exponential backoff.

const SOCKET_EVENTS = new Set(["connection.ready", "conversation.snapshot", "pong", "error", "chat.error", "system.reconnect"]);

export function createSocket({ wsPath, loginUrl, getSeq, setSeq, onSnapshot, onGroupEvent, onSocketEvent, banner }) {
  const socket = { ws: null, attempt: 0, timer: null, everOpen: false, stopped: false, lastFrameAt: 0 };
  const resync = { active: false, buffered: [], timer: null };
  let pingTimer = null;

  function connect() {
    clearTimeout(socket.timer);
    if (socket.stopped) return;
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(`${scheme}//${location.host}${wsPath}`);
    socket.ws = ws;
    ws.addEventListener("open", () => {
      socket.lastFrameAt = Date.now();
      resume();
    });
    ws.addEventListener("message", (msg) => {
      socket.lastFrameAt = Date.now();
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
    if (socket.ws !== ws) return;
    socket.ws = null;
    if (ev.code === 4401) {
      location.href = `${loginUrl}?next=${encodeURIComponent(location.pathname)}`;
      return;
    }
    if (ev.code === 4403) {
      socket.stopped = true;
      banner.show("This conversation is not available.", true, socket.everOpen);
      return;
    }
    banner.show("Reconnecting…", false, socket.everOpen);
    scheduleReconnect(ev.code === 1012 ? 0 : socket.attempt);
  }

  /** 0.5 s, 1 s, 2 s … capped at 10 s, each scaled by 0.5–1. */
  function scheduleReconnect(attempt) {
    clearTimeout(socket.timer);
    const base = Math.min(10000, 500 * 2 ** attempt);
    socket.attempt = attempt + 1;
    socket.timer = setTimeout(connect, base * (0.5 + Math.random() * 0.5));
  }

  function reconnectNow() {
    if (socket.ws) {
      const old = socket.ws;
      socket.ws = null;
      old.close();
    }
    banner.show("Reconnecting…", false, socket.everOpen);
    scheduleReconnect(0);
  }

  // While a resume is in flight, group events wait: those the snapshot already holds are
  // dropped afterwards, later ones are applied on top of it, so nothing is lost either way.
  function resume(reason) {
    resync.active = true;
    clearTimeout(resync.timer);
    resync.timer = setTimeout(() => resync.active && reconnectNow(), 10000);
    send(reason ? { type: "resume", last_seq: getSeq(), reason } : { type: "resume", last_seq: getSeq() });
  }

  function send(frame) {
    const ws = socket.ws;
    if (ws && ws.readyState === WebSocket.OPEN) {
      ws.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  function keepAlive() {
    clearInterval(pingTimer);
    pingTimer = setInterval(() => {
      const ws = socket.ws;
      if (!ws || ws.readyState !== WebSocket.OPEN) return;
      // A socket that answered nothing (not even our pings) for 60 s is dead: replace it.
      if (Date.now() - socket.lastFrameAt > 60000) reconnectNow();
      else send({ type: "ping" });
    }, 25000);
  }

  function onEvent(ev) {
    if (SOCKET_EVENTS.has(ev.type)) {
      if (ev.type === "conversation.snapshot") {
        onSnapshot(ev);
        socket.attempt = 0;
        socket.everOpen = true;
        resync.active = false;
        clearTimeout(resync.timer);
        const later = resync.buffered.sort((a, b) => a.seq - b.seq);
        resync.buffered = [];
        banner.hide();
        keepAlive();
        for (const event of later) onEvent(event);
        onSnapshot.after && onSnapshot.after();
        return;
      }
      if (ev.type === "system.reconnect") banner.show("Reconnecting…", false, socket.everOpen);
      // A pong ahead of us means an event was lost on the way (e.g. Redis was away when a
      // render finished): once a moment has passed for events in flight, repair with resume.
      if (ev.type === "pong" && typeof ev.seq === "number" && ev.seq > getSeq()) {
        const seen = ev.seq;
        setTimeout(() => {
          if (getSeq() < seen && !resync.active) resume("gap");
        }, 1500);
      }
      onSocketEvent(ev);
      return;
    }
    if (typeof ev.seq !== "number") return;
    if (resync.active) {
      resync.buffered.push(ev);
      return;
    }
    if (ev.seq <= getSeq()) return; // already in the snapshot or applied
    if (ev.seq > getSeq() + 1) {
      resync.buffered.push(ev);
      resume("gap");
      return;
    }
    setSeq(ev.seq);
    onGroupEvent(ev);
  }

  window.addEventListener("offline", () => banner.show("Offline — reconnecting when the network is back…", false, true));
  // A phone that slept may hold a dead socket: check as soon as the page is visible again.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState !== "visible" || socket.stopped) return;
    const ws = socket.ws;
    if (!ws || ws.readyState === WebSocket.CLOSED || ws.readyState === WebSocket.CLOSING) reconnectNow();
    else send({ type: "ping" });
  });
  window.addEventListener("online", () => {
    const ws = socket.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) reconnectNow();
    else banner.hide();
  });

  return { socket, connect, send, reconnectNow };
}
