// The conversation page, live: new messages appear, edited and deleted ones are re-rendered,
// "… is typing", read markers as messages are seen, "Seen" under your last message, and text and
// sticker messages sent over the socket. Also: bubbles grouped by sender and day, older history
// loaded as you scroll up, the action menu (hover, focus, long-press), reply and edit in the
// composer, the composer's keys (Enter sends, Shift+Enter, ↑ edits, Esc cancels) and a draft per
// chat. Without JavaScript (or without a socket) the page and its form work as they are.
import { live } from "./live.js";
import { fill, toast } from "./notices.js";

const FRAGMENT_LIMIT = 100; // the most messages one fragments request returns
const TYPING_SEND_MS = 2000; // the server broadcasts at most one typing event per 2 s anyway
const TYPING_SHOW_MS = 4000;
const ACK_TIMEOUT_MS = 5000; // then the form is posted instead, with the same client_id
const NEAR_BOTTOM_PX = 120;
const GROUP_GAP_S = 300; // as GROUP_GAP_SECONDS in messaging/views.py
const LONG_PRESS_MS = 500;

const section = document.getElementById("conversation");
if (section) start(section);

function start(section) {
  const chatId = section.dataset.chatId;
  const me = section.dataset.me;
  const strings = section.dataset;
  const list = document.getElementById("messages");
  const history = list.closest(".history");
  // On an older page (?before=) there is nothing to append: "Back to the latest" is there.
  const atLatest = !new URLSearchParams(window.location.search).has("before");

  const seqOf = (item) => Number(item.dataset.seq);
  const items = () => [...list.querySelectorAll(":scope > li.message")];
  let lastSeq = Math.max(Number(section.dataset.lastSeq) || 0, ...items().map(seqOf));
  let readSent = Number(section.dataset.lastReadSeq) || 0;
  let othersRead = Number(section.dataset.othersReadSeq) || 0;

  // --- fragments: the server renders every message (one template), this page places them ---

  async function fragments(params) {
    const response = await fetch(`${strings.fragmentsUrl}?${new URLSearchParams(params)}`,
      { headers: { Accept: "text/html" }, credentials: "same-origin" });
    if (!response.ok) return [];
    const template = document.createElement("template");
    template.innerHTML = await response.text();
    return [...template.content.children].filter((node) => node.matches("li.message"));
  }

  const nearBottom = () => history.scrollHeight - history.scrollTop - history.clientHeight < NEAR_BOTTOM_PX;

  function place(item) {
    const seq = seqOf(item);
    const existing = document.getElementById(`m-${seq}`);
    if (existing) {
      existing.replaceWith(item);
    } else {
      const later = items().find((other) => seqOf(other) > seq);
      list.insertBefore(item, later || null);
      document.querySelector(".empty-history")?.remove();
    }
    lastSeq = Math.max(lastSeq, seq);
    seen.observe(item);
    regroup();
  }

  // The same grouping as the server's (messaging/views.py `_group`), for messages placed here:
  // a day divider before the first message of each day, `continues` on a sender's run.
  function regroup() {
    let previous = null;
    for (const item of items()) {
      const before = item.previousElementSibling;
      const divider = before?.classList.contains("day-divider") ? before : null;
      const newDay = !previous || previous.dataset.day !== item.dataset.day;
      if (newDay && !divider) {
        const made = document.createElement("li");
        made.className = "day-divider";
        made.dataset.day = item.dataset.day;
        const label = document.createElement("span");
        const today = new Date().toISOString().slice(0, 10); // the server's days are UTC days
        label.textContent = item.dataset.day === today ? strings.tToday
          : new Date(`${item.dataset.day}T00:00:00Z`).toLocaleDateString(document.documentElement.lang,
            { dateStyle: "long", timeZone: "UTC" });
        made.append(label);
        item.before(made);
      } else if (!newDay && divider) {
        divider.remove();
      }
      const continues = Boolean(previous && !newDay && item.dataset.kind !== "system"
        && previous.dataset.kind !== "system" && item.dataset.senderId
        && item.dataset.senderId === previous.dataset.senderId
        && Number(item.dataset.ts) - Number(previous.dataset.ts) < GROUP_GAP_S);
      item.classList.toggle("continues", continues);
      previous = item;
    }
  }

  // One catch-up at a time, in seq order; events arriving meanwhile ask for one more round.
  let fetching = false;
  let again = false;
  async function catchUp() {
    if (!atLatest) return;
    again = true;
    if (fetching) return;
    fetching = true;
    try {
      while (again) {
        again = false;
        const stick = nearBottom();
        const batch = await fragments({ after: lastSeq });
        for (const item of batch) place(item);
        if (batch.length >= FRAGMENT_LIMIT) again = true;
        const newest = items().pop();
        if (newest && (stick || newest.classList.contains("mine"))) history.scrollTop = history.scrollHeight;
        else if (batch.length) toLatest.hidden = false; // read further up: say that more came
        showSeen();
      }
    } catch {
      // offline for a moment: the reconnect catches up
    } finally {
      fetching = false;
    }
  }

  const toLatest = document.getElementById("to-latest");
  toLatest.addEventListener("click", () => {
    history.scrollTop = history.scrollHeight;
    toLatest.hidden = true;
  });
  history.addEventListener("scroll", () => {
    if (!toLatest.hidden && nearBottom()) toLatest.hidden = true;
  }, { passive: true });

  async function rerender(seq) {
    if (!document.getElementById(`m-${seq}`)) return; // not on this page
    const [item] = await fragments({ seq });
    if (item) place(item);
    showSeen();
  }

  live.on("message.created", (event) => {
    if (event.chat_id !== chatId) return;
    if (event.message.sender && event.message.sender.id !== me) hideTyping();
    if (event.message.seq > lastSeq) catchUp();
  });
  for (const type of ["message.updated", "message.deleted"]) {
    live.on(type, (event) => {
      if (event.chat_id === chatId) rerender(event.message.seq);
    });
  }
  live.on("live.reconnected", catchUp);
  // A page that starts at the first of many unread messages fetches the newer ones at once.
  if (atLatest && Number(section.dataset.lastSeq) < Number(section.dataset.chatLastSeq || 0)) catchUp();
  live.on("chat.deleted", (event) => {
    if (event.chat_id === chatId) window.location.assign(strings.inboxUrl); // no longer ours
  });

  // --- typing ---

  const names = new Map([...document.querySelectorAll("#members [data-user-id]")]
    .map((member) => [member.dataset.userId, member.textContent]));
  const typing = document.getElementById("typing");
  let typingTimer = null;

  function hideTyping() {
    clearTimeout(typingTimer);
    typing.hidden = true;
    typing.textContent = "";
  }

  live.on("typing", (event) => {
    if (event.chat_id !== chatId || event.user_id === me) return;
    const name = names.get(event.user_id);
    typing.textContent = name ? fill(strings.tTyping, { name }) : strings.tTypingSomeone;
    typing.hidden = false;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(hideTyping, TYPING_SHOW_MS);
  });
  for (const type of ["chat.member_added", "chat.updated"]) {
    live.on(type, (event) => {
      if (event.chat_id !== chatId) return;
      for (const member of event.chat.members) names.set(member.id, member.display_name || member.username);
    });
  }

  const text = document.getElementById("send-text");
  let typingSentAt = 0;
  text?.addEventListener("input", () => {
    const now = Date.now();
    if (!text.value.trim() || now - typingSentAt < TYPING_SEND_MS) return;
    if (live.send({ type: "typing", chat_id: chatId })) typingSentAt = now;
  });

  // --- read markers: the highest seq seen while the tab is visible and focused ---

  const inView = new Set();
  const seen = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (entry.isIntersecting) inView.add(entry.target);
      else inView.delete(entry.target);
    }
    markRead();
  });

  function markRead() {
    if (document.visibilityState !== "visible" || !document.hasFocus()) return;
    let highest = 0;
    for (const item of inView) if (item.isConnected) highest = Math.max(highest, seqOf(item));
    if (highest > readSent && live.send({ type: "read", chat_id: chatId, seq: highest })) {
      readSent = highest;
      // The server tells only this user's *other* connections: the chat list here hears it from us.
      document.dispatchEvent(new CustomEvent("chaat:read", { detail: { chatId, seq: highest } }));
    }
  }

  for (const item of items()) seen.observe(item);
  document.addEventListener("visibilitychange", markRead);
  window.addEventListener("focus", markRead);
  live.on("live.open", markRead);

  // --- "Seen" under your last message ---

  function showSeen() {
    document.getElementById("seen")?.remove();
    const mine = [...list.querySelectorAll(":scope > li.message.mine")].pop();
    if (!mine || seqOf(mine) > othersRead) return;
    const marker = document.createElement("p");
    marker.id = "seen";
    marker.className = "seen muted small";
    marker.textContent = strings.tSeen;
    mine.append(marker);
  }

  live.on("read.updated", (event) => {
    if (event.chat_id !== chatId || event.user_id === me || event.seq <= othersRead) return;
    othersRead = event.seq;
    showSeen();
  });
  showSeen();

  // --- sending text and stickers over the socket (the form posts when it cannot) ---

  const form = document.getElementById("send-form");
  if (form && typeof crypto.randomUUID === "function") sendOverSocket(form);

  // --- where the page opens: the first unread message, an address's message, or the latest ---

  const params = new URLSearchParams(window.location.search);
  const unread = document.getElementById("unread");
  // Scrolling the list only (scrollIntoView would move the whole page a little too).
  if (unread) history.scrollTop += unread.getBoundingClientRect().top - history.getBoundingClientRect().top - 8;
  else if (!window.location.hash && !params.has("before")) history.scrollTop = history.scrollHeight;

  // --- older history as you scroll up, without the view jumping ---

  const older = document.getElementById("load-older");
  if (older && atLatest && "IntersectionObserver" in window) {
    let loading = false;
    const loadOlder = async () => {
      if (loading || !older.isConnected) return;
      loading = true;
      try {
        const first = items()[0];
        const response = await fetch(`${strings.fragmentsUrl}?before=${seqOf(first)}`,
          { headers: { Accept: "text/html" }, credentials: "same-origin" });
        if (!response.ok) return;
        const template = document.createElement("template");
        template.innerHTML = await response.text();
        const fromBottom = history.scrollHeight - history.scrollTop;
        const batch = [...template.content.children].filter((node) => node.matches("li.message"));
        list.prepend(...batch);
        for (const item of batch) seen.observe(item);
        regroup();
        history.scrollTop = history.scrollHeight - fromBottom; // the same messages stay in view
        if (response.headers.get("X-Has-More") !== "1") older.parentElement.remove();
        else older.href = `?before=${seqOf(items()[0])}`;
      } catch {
        // offline: the link still works, and the next scroll tries again
      } finally {
        loading = false;
      }
    };
    new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) loadOlder();
    }, { root: history, rootMargin: "200px 0px 0px 0px" }).observe(older);
    older.addEventListener("click", (event) => {
      event.preventDefault();
      loadOlder();
    });
  }

  // --- the action menu of each message: hover/focus show it, long-press opens it ---

  const closeMenus = (except = null) => {
    for (const menu of list.querySelectorAll("details.message-menu[open]")) if (menu !== except) menu.open = false;
  };
  const showJsOnly = (root) => {
    for (const button of root.querySelectorAll(".js-copy")) button.hidden = !navigator.clipboard;
  };
  showJsOnly(list);
  new MutationObserver((changes) => {
    for (const change of changes) for (const node of change.addedNodes) if (node.nodeType === 1) showJsOnly(node);
  }).observe(list, { childList: true });
  list.addEventListener("toggle", (event) => {
    if (event.target.matches?.("details.message-menu") && event.target.open) {
      closeMenus(event.target);
      // Near the top of the list the menu opens downwards, so that it stays in view.
      const menu = event.target;
      menu.classList.remove("below");
      if (menu.querySelector(".menu").getBoundingClientRect().top < history.getBoundingClientRect().top) {
        menu.classList.add("below");
      }
      event.target.querySelector(".menu-item")?.focus();
    }
  }, true);
  document.addEventListener("click", (event) => {
    if (!event.target.closest("details.message-menu")) closeMenus();
  });
  // ↑/↓ move between the items of an open menu (Tab works as well).
  list.addEventListener("keydown", (event) => {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    const menu = event.target.closest("details.message-menu[open] .menu");
    if (!menu) return;
    const entries = [...menu.querySelectorAll(".menu-item:not([hidden])")];
    const at = entries.indexOf(event.target);
    event.preventDefault();
    entries[(at + (event.key === "ArrowDown" ? 1 : entries.length - 1)) % entries.length]?.focus();
  });
  let pressTimer = null;
  list.addEventListener("touchstart", (event) => {
    const item = event.target.closest("li.message");
    const menu = item?.querySelector("details.message-menu");
    if (!menu || event.target.closest("a, button, summary")) return;
    pressTimer = setTimeout(() => {
      menu.open = true;
    }, LONG_PRESS_MS);
  }, { passive: true });
  for (const type of ["touchend", "touchmove", "touchcancel"]) {
    list.addEventListener(type, () => clearTimeout(pressTimer), { passive: true });
  }
  list.addEventListener("contextmenu", (event) => {
    const menu = event.target.closest("li.message")?.querySelector("details.message-menu");
    if (menu && event.pointerType === "touch") event.preventDefault();
  });

  // Photos open larger in a dialog (without JavaScript the link opens the image).
  list.addEventListener("click", (event) => {
    const link = event.target.closest("a.chat-image");
    if (!link || typeof HTMLDialogElement === "undefined") return;
    event.preventDefault();
    const dialog = document.createElement("dialog");
    dialog.className = "dialog lightbox";
    const image = document.createElement("img");
    image.src = link.href;
    image.alt = link.querySelector("img")?.alt || "";
    const close = document.createElement("form");
    close.method = "dialog";
    const button = document.createElement("button");
    button.textContent = strings.tCancel;
    close.append(button);
    dialog.append(image, close);
    dialog.addEventListener("close", () => dialog.remove());
    document.body.append(dialog);
    dialog.showModal();
  });

  // --- the composer: reply, edit, copy, keys and a draft per chat ---

  if (!form || !text) return;
  const draftKey = `chaat:draft:${chatId}`;
  const grow = () => {
    text.style.height = "auto";
    text.style.height = `${Math.min(text.scrollHeight + 2, window.innerHeight * 0.4)}px`;
  };
  try {
    if (!text.value) text.value = localStorage.getItem(draftKey) || "";
  } catch {
    // storage disabled: no drafts
  }
  grow();
  text.addEventListener("input", () => {
    grow();
    if (form.dataset.editing) return; // an edit is not a draft
    try {
      if (text.value) localStorage.setItem(draftKey, text.value);
      else localStorage.removeItem(draftKey);
    } catch {
      // storage full or disabled
    }
  });

  const sendButton = form.querySelector(".send-button");
  let savedDraft = "";

  function bar(label, detail, onCancel) {
    form.querySelector(".replying")?.remove();
    const box = document.createElement("div");
    box.className = "replying row";
    const quote = document.createElement("p");
    quote.className = "quote";
    const strong = document.createElement("strong");
    strong.textContent = detail;
    quote.append(`${label} `, strong);
    const cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "link small";
    cancel.textContent = strings.tCancel;
    cancel.addEventListener("click", onCancel);
    box.append(quote, cancel);
    form.querySelector(".composer-row").before(box);
    return box;
  }

  function cancelReply() {
    form.querySelector(".replying")?.remove();
    text.focus();
  }

  function startReply(item) {
    stopEdit();
    const sender = item.querySelector(".message-meta .sender")?.textContent.trim() || "";
    const snippet = item.querySelector(".text")?.textContent.trim().slice(0, 80) || "";
    const box = bar(strings.tReplying, snippet ? `${sender}: ${snippet}` : sender, cancelReply);
    const field = document.createElement("input");
    field.type = "hidden";
    field.name = "reply_to";
    field.value = item.dataset.messageId;
    box.prepend(field);
    text.focus();
  }

  function startEdit(item) {
    if (!form.dataset.editing) savedDraft = text.value;
    form.dataset.editing = item.dataset.messageId;
    bar(strings.tEditing, item.querySelector(".text")?.textContent.trim().slice(0, 80) || "", stopEdit);
    text.value = item.querySelector(".text")?.innerText ?? "";
    sendButton.textContent = strings.tSave;
    grow();
    text.focus();
  }

  function stopEdit() {
    if (!form.dataset.editing) return;
    delete form.dataset.editing;
    form.querySelector(".replying")?.remove();
    text.value = savedDraft;
    sendButton.textContent = strings.tSend;
    grow();
    text.focus();
  }

  // Editing saves through the API (the session and its CSRF token); the event re-renders it.
  form.addEventListener("submit", async (event) => {
    if (!form.dataset.editing) return;
    event.preventDefault();
    const messageId = form.dataset.editing;
    const response = await fetch(`${strings.apiUrl}/messages/${messageId}`, {
      method: "PATCH",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": form.elements.csrfmiddlewaretoken.value },
      body: JSON.stringify({ text: text.value }),
    }).catch(() => null);
    if (response?.ok) {
      stopEdit();
      const item = list.querySelector(`li.message[data-message-id="${messageId}"]`);
      if (item) rerender(seqOf(item));
    } else {
      window.location.assign(`${strings.fragmentsUrl.replace(/fragments$/, "")}messages/${messageId}/edit`);
    }
  });

  list.addEventListener("click", (event) => {
    const action = event.target.closest(".js-reply, .js-edit, .js-copy");
    if (!action) return;
    const item = action.closest("li.message");
    event.preventDefault();
    closeMenus();
    if (action.matches(".js-reply")) startReply(item);
    else if (action.matches(".js-edit")) startEdit(item);
    else {
      navigator.clipboard.writeText(item.querySelector(".text")?.innerText ?? "").then(
        () => toast(strings.tCopied), () => {});
    }
  });

  text.addEventListener("keydown", (event) => {
    if (event.isComposing || event.keyCode === 229) return; // an input method is composing
    if (event.key === "Enter" && !event.shiftKey && !event.altKey && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      if (text.value.trim() || form.elements.image?.files?.length) form.requestSubmit(sendButton);
    } else if (event.key === "ArrowUp" && !text.value && !form.dataset.editing) {
      const mine = [...list.querySelectorAll(":scope > li.message.mine:not(.deleted)")]
        .filter((item) => item.querySelector(".js-edit")).pop();
      if (mine) {
        event.preventDefault();
        startEdit(mine);
      }
    } else if (event.key === "Escape") {
      if (form.dataset.editing) stopEdit();
      else if (form.querySelector(".replying")) cancelReply();
    }
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && list.querySelector("details.message-menu[open]")) {
      const open = list.querySelector("details.message-menu[open]");
      open.open = false;
      open.querySelector("summary").focus();
    }
  });
  live.on("message.ack", () => {
    try {
      localStorage.removeItem(draftKey);
    } catch {
      // storage disabled
    }
  });

  function sendOverSocket(form) {
    let pending = null; // {clientId, submitter, timer}
    let posting = false;

    function frameFor(submitter) {
      const fields = form.elements;
      if (fields.image?.files?.length) return null; // photos go over HTTP only
      const frame = { type: "message.send", chat_id: chatId, client_id: fields.client_id.value };
      if (fields.reply_to) frame.reply_to = fields.reply_to.value;
      if (submitter && submitter.name === "sticker") return { ...frame, kind: "sticker", sticker: submitter.value };
      if (!fields.text.value.trim()) return null; // the server explains what is missing
      return { ...frame, kind: "text", text: fields.text.value };
    }

    function post(submitter) {
      posting = true;
      form.requestSubmit(submitter && submitter.form === form ? submitter : null);
    }

    form.addEventListener("submit", (event) => {
      if (posting || event.defaultPrevented || form.dataset.editing) return;
      if (pending) {
        event.preventDefault(); // one message at a time
        return;
      }
      const frame = frameFor(event.submitter);
      if (!frame || !live.send(frame)) return; // a plain POST
      event.preventDefault();
      const submitter = event.submitter;
      // No answer in time: post the form. The same client_id makes the server return the
      // message it may already have, never a second one.
      pending = { clientId: frame.client_id, submitter, timer: setTimeout(() => post(submitter), ACK_TIMEOUT_MS) };
    });

    live.on("message.ack", (event) => {
      if (!pending || event.client_id !== pending.clientId) return;
      clearTimeout(pending.timer);
      pending = null;
      form.elements.text.value = "";
      form.elements.text.dispatchEvent(new Event("input")); // the draft and the height follow
      form.elements.client_id.value = crypto.randomUUID();
      form.querySelector(".replying")?.remove(); // with its reply_to field
      form.querySelector(".form-errors")?.remove();
      form.querySelector(".sticker-picker")?.removeAttribute("open");
      typingSentAt = 0;
      catchUp();
    });

    live.on("error", (event) => {
      if (!pending || event.client_id !== pending.clientId) return;
      clearTimeout(pending.timer);
      pending = null;
      const fieldMessages = Object.values(event.fields || {}).flat();
      let box = form.querySelector(".form-errors");
      if (!box) {
        box = document.createElement("div");
        box.className = "form-errors";
        box.setAttribute("role", "alert");
        form.querySelector("input[name=kind]").after(box);
      }
      const paragraph = document.createElement("p");
      paragraph.textContent = fieldMessages.length ? fieldMessages.join("; ") : event.detail;
      box.replaceChildren(paragraph);
    });

    live.on("live.closed", () => {
      if (pending) {
        clearTimeout(pending.timer);
        post(pending.submitter);
      }
    });
  }
}
