// Registers the service worker (/sw.js) on every page of a signed-in person: the site can then be
// installed as an app and show push notifications. Nothing else happens until notifications are
// turned on (static/js/push.js).
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
}
