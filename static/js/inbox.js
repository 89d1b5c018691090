// The inbox, live: a chat with a new message moves to the top, unread badges and previews follow
// reads, edits and renames, a deleted chat goes away. Rows come from the server (/chats/<id>/row,
// the same template as the page), so the page and its live updates look alike.
import { live } from "./live.js";

const inbox = document.getElementById("inbox");
if (inbox) start(inbox);

function start(inbox) {
  const rowUrl = (chatId) => inbox.dataset.rowUrl.replace(inbox.dataset.rowUrlId, chatId);
  const empty = document.querySelector(".inbox-empty");
  const showEmpty = () => {
    if (empty) empty.hidden = inbox.children.length > 0;
  };
  // One refresh at a time per chat, so that an older answer never replaces a newer one.
  const queues = new Map();

  async function refresh(chatId, toTop) {
    const response = await fetch(rowUrl(chatId), { headers: { Accept: "text/html" }, credentials: "same-origin" });
    const existing = document.getElementById(`chat-${chatId}`);
    if (response.status === 404) {
      existing?.remove(); // no longer ours
    } else if (response.ok) {
      const template = document.createElement("template");
      template.innerHTML = await response.text();
      const row = template.content.querySelector("li.chat-row");
      if (!row) return;
      if (existing && !toTop) existing.replaceWith(row);
      else {
        existing?.remove();
        inbox.prepend(row);
      }
    }
    showEmpty();
  }

  function update(chatId, { toTop = false } = {}) {
    const previous = queues.get(chatId) || Promise.resolve();
    const next = previous.then(() => refresh(chatId, toTop)).catch(() => {}); // offline: the reconnect refreshes all
    queues.set(chatId, next);
  }

  live.on("message.created", (event) => update(event.chat_id, { toTop: true }));
  live.on("chat.created", (event) => update(event.chat_id, { toTop: true }));
  for (const type of ["message.updated", "message.deleted", "chat.updated", "chat.member_added",
    "chat.member_removed"]) {
    live.on(type, (event) => update(event.chat_id));
  }
  // Only my own reads (in another tab) change my unread count.
  live.on("read.updated", (event) => {
    if (event.user_id === document.body.dataset.userId) update(event.chat_id);
  });
  live.on("chat.deleted", (event) => {
    document.getElementById(`chat-${event.chat_id}`)?.remove();
    showEmpty();
  });

  // After a reconnect the whole list is fetched again: chats may have come, gone or moved.
  live.on("live.reconnected", async () => {
    try {
      const response = await fetch(window.location.href, { headers: { Accept: "text/html" }, credentials: "same-origin" });
      if (!response.ok) return;
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = page.getElementById("inbox");
      if (fresh) inbox.replaceChildren(...fresh.children);
      showEmpty();
    } catch {
      // offline again: the next reconnect tries again
    }
  });
}
