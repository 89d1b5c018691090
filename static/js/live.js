// The one websocket of this tab: /ws/ on this host, authenticated by the session cookie.
// Every module of the page shares it through `live`: `live.on(type, handler)` subscribes to the
// server's events (and to "live.open", "live.closed", "live.reconnected", "live.signed_out"),
// `live.send(frame)` sends a frame when the socket is open and says whether it did.
//
// The server does not replay what was sent while a socket was down, so after every reconnect
// "live.reconnected" tells the pages to catch up by seq (the conversation fetches the messages
// after the last one it has, the inbox refreshes its rows).
//
// <html data-live="connecting|open|closed"> tells styles (and tests) how the socket is doing;
// "open" means the server answered a ping, so it accepted our session.

const PING_MS = 25000; // keeps proxies from closing an idle socket
const PONG_TIMEOUT_MS = 10000; // no pong by then: the connection is dead even if the browser disagrees
const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 30000;
const SIGNED_OUT_RETRY_MS = 1000;
const CLOSE_UNAUTHORIZED = 4401;

const handlers = new Map();
let socket = null;
let failures = 0; // reconnects since the last healthy connection, for the backoff
let everOpened = false;
let retriedUnauthorized = false;
let stopped = false;
let reconnectTimer = null;
let pingTimer = null;
let pongTimer = null;

function emit(type, event) {
  for (const handler of handlers.get(type) || []) {
    try {
      handler(event);
    } catch (error) {
      console.error(error); // one broken subscriber must not silence the others
    }
  }
}

export const live = {
  on(type, handler) {
    if (!handlers.has(type)) handlers.set(type, new Set());
    handlers.get(type).add(handler);
    return () => handlers.get(type).delete(handler);
  },
  send(frame) {
    if (!this.open) return false;
    socket.send(JSON.stringify(frame));
    return true;
  },
  get open() {
    return socket !== null && socket.readyState === WebSocket.OPEN;
  },
};

function setState(state) {
  document.documentElement.dataset.live = state;
}

function ping() {
  if (!live.send({ type: "ping" })) return;
  clearTimeout(pongTimer);
  pongTimer = setTimeout(() => dropped(socket, 1006), PONG_TIMEOUT_MS);
}

function connect() {
  reconnectTimer = null;
  setState("connecting");
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  const current = new WebSocket(`${scheme}://${window.location.host}/ws/`);
  socket = current;
  current.addEventListener("open", () => {
    if (current !== socket) return;
    const reconnected = everOpened;
    everOpened = true;
    ping(); // the first pong proves the server accepted our session
    pingTimer = setInterval(ping, PING_MS);
    emit("live.open", { reconnected });
    if (reconnected) emit("live.reconnected", {});
  });
  current.addEventListener("message", (message) => {
    if (current !== socket) return;
    let event;
    try {
      event = JSON.parse(message.data);
    } catch {
      return;
    }
    if (event.type === "pong") {
      clearTimeout(pongTimer);
      setState("open");
      failures = 0;
      retriedUnauthorized = false;
      return;
    }
    emit(event.type, event);
  });
  current.addEventListener("close", (event) => dropped(current, event.code));
}

function dropped(which, code) {
  if (which !== socket) return; // an old socket we already gave up on
  clearInterval(pingTimer);
  clearTimeout(pongTimer);
  socket = null;
  setState("closed");
  if (which.readyState !== WebSocket.CLOSED) which.close();
  emit("live.closed", { code });
  if (stopped) return;
  if (code === CLOSE_UNAUTHORIZED) {
    // A password change rotates the session: the cookie may already be new, so try once more.
    if (retriedUnauthorized) {
      stopped = true;
      emit("live.signed_out", {});
      return;
    }
    retriedUnauthorized = true;
    reconnectTimer = setTimeout(connect, SIGNED_OUT_RETRY_MS);
    return;
  }
  // Exponential backoff with jitter, so that a restarted server is not hit by every tab at once.
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** failures);
  failures += 1;
  reconnectTimer = setTimeout(connect, ceiling / 2 + Math.random() * (ceiling / 2));
}

// Back online: no need to wait for the rest of the backoff.
window.addEventListener("online", () => {
  if (reconnectTimer !== null && !stopped) {
    clearTimeout(reconnectTimer);
    connect();
  }
});

if (document.body.dataset.userId && "WebSocket" in window) connect();
