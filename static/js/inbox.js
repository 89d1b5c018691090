// The chat list, live: a chat with a new message moves to the top, unread badges and previews follow
// reads, edits and renames, a deleted chat goes away. Rows come from the server (/chats/<id>/row,
// the same template as the page), so the page and its live updates look alike. Also: the unread
// total in the page title ("(3) Chats · Chaat"), "More chats" appended in place, and presence
// dots (and "Online"/"Offline" texts) on every page that has them, from `presence` events.
import { live } from "./live.js";

const inbox = document.getElementById("inbox");
if (inbox) start(inbox);

const strings = document.body.dataset;
live.on("presence", (event) => {
  for (const dot of document.querySelectorAll(`.presence[data-user-id="${event.user_id}"]`)) {
    dot.dataset.online = event.online ? "1" : "0";
    dot.firstElementChild.textContent = event.online ? strings.tOnline : strings.tOffline;
  }
  for (const label of document.querySelectorAll(`.presence-text[data-user-id="${event.user_id}"]`)) {
    label.textContent = event.online ? strings.tOnline : strings.tOffline;
  }
});

// "(3) Chats · Chaat": the unread messages of the listed chats lead the title.
const baseTitle = document.title.replace(/^\(\d+\) /, "");
function showUnreadTotal() {
  let total = 0;
  for (const badge of document.querySelectorAll("#inbox .badge.unread")) total += Number(badge.textContent) || 0;
  document.title = total ? `(${total}) ${baseTitle}` : baseTitle;
}

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
      if (inbox.dataset.current === chatId) row.querySelector(".chat-link")?.setAttribute("aria-current", "page");
      if (existing && !toTop) existing.replaceWith(row);
      else {
        existing?.remove();
        inbox.prepend(row);
      }
      clearReadBadge(chatId);
    }
    showEmpty();
    showUnreadTotal();
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
  // Read here, in the open conversation: once everything is read the badge goes, even if the row
  // was fetched a moment before the server had the read marker.
  const readUpTo = new Map();
  document.addEventListener("chaat:read", (event) => {
    readUpTo.set(event.detail.chatId, event.detail.seq);
    clearReadBadge(event.detail.chatId);
  });
  function clearReadBadge(chatId) {
    const row = document.getElementById(`chat-${chatId}`);
    const badge = row?.querySelector(".badge.unread");
    if (!badge || (readUpTo.get(chatId) || 0) < Number(row.dataset.lastSeq)) return;
    badge.hidden = true;
    badge.textContent = "0";
    showUnreadTotal();
  }

  live.on("chat.deleted", (event) => {
    document.getElementById(`chat-${event.chat_id}`)?.remove();
    showEmpty();
    showUnreadTotal();
  });

  // "More chats": the next page is appended here (without JavaScript the link opens it).
  document.addEventListener("click", async (event) => {
    const more = event.target.closest("#more-chats");
    if (!more) return;
    event.preventDefault();
    try {
      const response = await fetch(more.href, { headers: { Accept: "text/html" }, credentials: "same-origin" });
      if (!response.ok) return;
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      for (const row of page.querySelectorAll("#inbox > li.chat-row")) {
        if (!document.getElementById(row.id)) inbox.append(document.adoptNode(row));
      }
      const next = page.getElementById("more-chats");
      if (next) more.href = next.href;
      else more.parentElement.remove();
      showUnreadTotal();
    } catch {
      // offline: the link still works
    }
  });

  // The list keeps its scroll position from page to page.
  const pane = inbox.closest(".pane-list");
  if (pane) {
    const saved = Number(sessionStorage.getItem("chaat:list-scroll"));
    if (saved) pane.scrollTop = saved;
    window.addEventListener("pagehide", () => sessionStorage.setItem("chaat:list-scroll", String(pane.scrollTop)));
  }

  // After a reconnect the whole list is fetched again: chats may have come, gone or moved.
  live.on("live.reconnected", async () => {
    try {
      const response = await fetch(window.location.href, { headers: { Accept: "text/html" }, credentials: "same-origin" });
      if (!response.ok) return;
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = page.getElementById("inbox");
      if (fresh) inbox.replaceChildren(...fresh.children);
      const current = inbox.dataset.current && document.querySelector(`#chat-${inbox.dataset.current} .chat-link`);
      current?.setAttribute("aria-current", "page");
      showEmpty();
      showUnreadTotal();
    } catch {
      // offline again: the next reconnect tries again
    }
  });
}
