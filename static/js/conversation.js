// The conversation page, live: new messages appear, edited and deleted ones are re-rendered,
// "… is typing", read markers as messages are seen, "Seen" under your last message, and text and
// sticker messages sent over the socket. Without JavaScript (or without a socket) the page and
// its form work as they are.
import { live } from "./live.js";
import { fill } from "./notices.js";

const FRAGMENT_LIMIT = 100; // the most messages one fragments request returns
const TYPING_SEND_MS = 2000; // the server broadcasts at most one typing event per 2 s anyway
const TYPING_SHOW_MS = 4000;
const ACK_TIMEOUT_MS = 5000; // then the form is posted instead, with the same client_id
const NEAR_BOTTOM_PX = 120;

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
  let lastSeq = Math.max(Number(section.dataset.lastSeq) || 0, ...[...list.children].map(seqOf));
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
      const later = [...list.children].find((other) => seqOf(other) > seq);
      list.insertBefore(item, later || null);
      document.querySelector(".empty-history")?.remove();
    }
    lastSeq = Math.max(lastSeq, seq);
    seen.observe(item);
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
        const items = await fragments({ after: lastSeq });
        for (const item of items) place(item);
        if (items.length >= FRAGMENT_LIMIT) again = true;
        const newest = list.lastElementChild;
        if (newest && (stick || newest.classList.contains("mine"))) newest.scrollIntoView({ block: "end" });
        showSeen();
      }
    } catch {
      // offline for a moment: the reconnect catches up
    } finally {
      fetching = false;
    }
  }

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
    if (highest > readSent && live.send({ type: "read", chat_id: chatId, seq: highest })) readSent = highest;
  }

  for (const item of list.children) seen.observe(item);
  document.addEventListener("visibilitychange", markRead);
  window.addEventListener("focus", markRead);
  live.on("live.open", markRead);

  // --- "Seen" under your last message ---

  function showSeen() {
    document.getElementById("seen")?.remove();
    const mine = [...list.querySelectorAll("li.message.mine")].pop();
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
      if (posting || event.defaultPrevented) return;
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
