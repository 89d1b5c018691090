// Chaat's service worker, served at /sw.js so that it controls the whole site. It shows the Web
// Push notifications the server sends for new messages (title, body, the app's icon) and opens
// the conversation when one is clicked. It caches nothing: pages always come from the network.

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    return;
  }
  if (data.type !== "message") return;
  const url = data.url || `/chats/${data.chat_id}`;
  event.waitUntil(
    self.registration.showNotification(data.title || "Chaat", {
      body: data.body || "",
      // The chat's picture (a path on this site), else the app's icon.
      icon: typeof data.icon === "string" && data.icon.startsWith("/") && !data.icon.startsWith("//")
        ? data.icon : "/static/icons/icon-192.png",
      badge: "/static/icons/badge-96.png",
      tag: `chat-${data.chat_id}`, // one notification per chat, the newest message replacing the last
      renotify: true,
      timestamp: Date.now(),
      data: { url, chat_id: data.chat_id, seq: data.seq },
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = new URL(event.notification.data?.url || "/chats", self.location.origin);
  if (url.origin !== self.location.origin) return;
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      for (const client of windows) {
        if (new URL(client.url).pathname === url.pathname && "focus" in client) return client.focus();
      }
      for (const client of windows) {
        if ("navigate" in client) {
          await client.focus();
          return client.navigate(url.href);
        }
      }
      return self.clients.openWindow(url.href);
    })(),
  );
});
