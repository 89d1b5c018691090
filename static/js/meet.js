// "Meet someone new": a live countdown to the match's deadline, and a page that follows the
// match state (found, ended) by asking the API every 2 seconds. The page works without it.

const POLL_MS = 2000;
const root = document.querySelector("[data-meet]");

function startCountdown(element) {
  const endsAt = Date.parse(element.dataset.endsAt);
  const tick = () => {
    const left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
    element.textContent = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
    if (left === 0) clearInterval(timer); // the next poll sees the match end
  };
  const timer = setInterval(tick, 1000);
  tick();
}

async function poll(shownState, shownMatchId) {
  try {
    const response = await fetch("/api/v1/match", { headers: { Accept: "application/json" } });
    if (response.ok) {
      const state = await response.json();
      const matchId = state.active_match ? state.active_match.id : "";
      const now = matchId ? "match" : state.waiting ? "waiting" : "idle";
      if (now !== shownState || matchId !== shownMatchId) {
        window.location.reload();
        return;
      }
    }
  } catch {
    // offline for a moment: try again on the next tick
  }
  setTimeout(() => poll(shownState, shownMatchId), POLL_MS);
}

if (root) {
  const countdown = root.querySelector("[data-ends-at]");
  if (countdown) startCountdown(countdown);
  if (root.dataset.state !== "idle") {
    setTimeout(() => poll(root.dataset.state, root.dataset.matchId || ""), POLL_MS);
  }
}
