// The notifications page: turn Web Push on or off in this browser. On: ask permission, subscribe
// with the server's VAPID key, and hand the subscription to the API (it belongs to this session
// and goes at logout). Off: unsubscribe here and delete it there.
const root = document.getElementById("push-settings");
const status = root.querySelector(".push-status");
const onButton = root.querySelector(".push-on");
const offButton = root.querySelector(".push-off");
const csrf = root.querySelector("input[name=csrfmiddlewaretoken]").value;
const t = (name) => root.dataset[name];

function show(state) {
  status.textContent = t(state);
  status.dataset.state = state;
  onButton.hidden = state === "tOn" || state === "tUnsupported" || state === "tBlocked";
  offButton.hidden = state !== "tOn";
}

function keyBytes(base64url) {
  const base64 = (base64url + "=".repeat((4 - (base64url.length % 4)) % 4)).replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

async function api(method, path, body) {
  const response = await fetch(`/api/v1/${path}`, {
    method,
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok && response.status !== 404) throw new Error(`${method} ${path}: ${response.status}`);
  return response.status === 204 ? null : response.json();
}

async function registration() {
  await navigator.serviceWorker.register("/sw.js", { scope: "/" });
  return navigator.serviceWorker.ready;
}

async function ourSubscription(subscription) {
  if (!subscription) return null;
  const { results } = await api("GET", "push/subscriptions");
  return results.find((s) => s.endpoint === subscription.endpoint) || null;
}

async function refresh() {
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    show("tUnsupported");
    return;
  }
  if (Notification.permission === "denied") {
    show("tBlocked");
    return;
  }
  const subscription = await (await registration()).pushManager.getSubscription();
  show((await ourSubscription(subscription)) ? "tOn" : "tOff");
}

onButton.addEventListener("click", async () => {
  onButton.disabled = true;
  try {
    if ((await Notification.requestPermission()) !== "granted") {
      await refresh();
      return;
    }
    const { public_key } = await api("GET", "push/key");
    const reg = await registration();
    let subscription = await reg.pushManager.getSubscription();
    if (subscription) await subscription.unsubscribe(); // perhaps made with another key or login
    subscription = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(public_key) });
    const json = subscription.toJSON();
    await api("POST", "push/subscriptions", { endpoint: json.endpoint, keys: json.keys });
    show("tOn");
  } catch (error) {
    console.error(error);
    show("tFailed");
    onButton.hidden = false;
  } finally {
    onButton.disabled = false;
  }
});

offButton.addEventListener("click", async () => {
  offButton.disabled = true;
  try {
    const subscription = await (await registration()).pushManager.getSubscription();
    const ours = await ourSubscription(subscription);
    if (ours) await api("DELETE", `push/subscriptions/${ours.id}`);
    if (subscription) await subscription.unsubscribe();
    show("tOff");
  } catch (error) {
    console.error(error);
    show("tFailed");
  } finally {
    offButton.disabled = false;
  }
});

refresh().catch(() => show("tFailed"));
