// "Meet someone new": a live countdown to the match's deadline, and a page that follows the
// match state from the websocket's `match.found` and `match.ended` events (no polling). After a
// reconnect the page asks the state once, since events sent while the socket was down are gone.
// The page works without it ("Check again").
import { live } from "./live.js";

const root = document.querySelector("[data-meet]");

function startCountdown(element) {
  const endsAt = Date.parse(element.dataset.endsAt);
  const tick = () => {
    const left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
    element.textContent = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
    if (left === 0) clearInterval(timer); // the server's match.ended follows
  };
  const timer = setInterval(tick, 1000);
  tick();
}

if (root) {
  const countdown = root.querySelector("[data-ends-at]");
  if (countdown) startCountdown(countdown);
  const reload = () => window.location.reload();
  live.on("match.found", reload);
  live.on("match.ended", (event) => {
    if (event.match.id === root.dataset.matchId) reload();
  });
  // Once the socket is open (the first time, and after each reconnect), one look at the state
  // covers what happened before it was: a match found while the page was loading, for instance.
  live.on("live.open", async () => {
    try {
      const response = await fetch("/api/v1/match", { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok) return;
      const state = await response.json();
      const matchId = state.active_match ? state.active_match.id : "";
      const now = matchId ? "match" : state.waiting ? "waiting" : "idle";
      if (now !== root.dataset.state || matchId !== (root.dataset.matchId || "")) reload();
    } catch {
      // offline: the next open looks again
    }
  });
}
