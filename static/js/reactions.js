// Reactions on the conversation page: the quick bar beside each message (shown on hover, focus
// and long-press), the picker of a few dozen emoji ("+", keyboard: arrows, Enter, Escape), the
// counts under each message with who reacted in their tooltip, kept live by `message.reactions`.
// Without JavaScript the same forms post to the site and "+" opens a page with the picker.
import { live } from "./live.js";
import { toast } from "./notices.js";

const LONG_PRESS_MS = 500;
const REFRESH_MS = 150; // several reactions in a burst cost one fragment request
const PICKER_COLUMNS = 8;

const section = document.getElementById("conversation");
if (section) start(section);

function start(section) {
  const chatId = section.dataset.chatId;
  const strings = section.dataset;
  const list = document.getElementById("messages");
  const picker = document.getElementById("reaction-picker");
  const csrf = () => document.querySelector("input[name=csrfmiddlewaretoken]")?.value || "";
  const itemOf = (seq) => document.getElementById(`m-${seq}`);

  // --- the counts: re-rendered by the server (one template), placed here ---

  const pending = new Map(); // seq -> timer
  function refresh(seq) {
    clearTimeout(pending.get(seq));
    pending.set(seq, setTimeout(async () => {
      pending.delete(seq);
      if (!itemOf(seq)) return;
      const response = await fetch(`${strings.fragmentsUrl}?seq=${seq}`,
        { headers: { Accept: "text/html" }, credentials: "same-origin" }).catch(() => null);
      if (!response?.ok) return;
      const template = document.createElement("template");
      template.innerHTML = await response.text();
      const fresh = template.content.querySelector("li.message ul.reactions");
      const current = itemOf(seq)?.querySelector("ul.reactions");
      if (fresh && current) current.replaceWith(fresh);
    }, REFRESH_MS));
  }

  live.on("message.reactions", (event) => {
    if (event.chat_id === chatId) refresh(event.seq);
  });

  // --- adding and removing: the API, with the page's session ---

  async function react(item, emoji, add) {
    const url = `${strings.apiUrl}/messages/${item.dataset.messageId}/reactions/${encodeURIComponent(emoji)}`;
    const response = await fetch(url, {
      method: add ? "PUT" : "DELETE",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf(), Accept: "application/json" },
    }).catch(() => null);
    if (!response) return false;
    if (!response.ok && response.status !== 404) {
      const body = await response.json().catch(() => ({}));
      if (body.detail) toast(body.detail);
    }
    refresh(Number(item.dataset.seq));
    return true;
  }

  list.addEventListener("submit", async (event) => {
    const form = event.target.closest("form.react-form");
    if (!form) return;
    const item = form.closest("li.message");
    const emoji = event.submitter?.value || form.elements.emoji?.value;
    if (!item || !emoji) return;
    event.preventDefault();
    const add = form.elements.action.value !== "remove";
    item.classList.remove("show-react");
    if (!(await react(item, emoji, add))) {
      // No answer: post the form as it is (the site handles it without JavaScript too).
      const field = document.createElement("input");
      field.type = "hidden";
      field.name = "emoji";
      field.value = emoji;
      form.append(field);
      HTMLFormElement.prototype.submit.call(form);
    }
  });

  // --- the picker ---

  let pickerFor = null; // the "+" link that opened it
  const buttons = () => [...picker.querySelectorAll("button.react-pick")];

  function openPicker(link) {
    pickerFor = link;
    const item = link.closest("li.message");
    picker.hidden = false;
    item.classList.add("picking");
    const box = link.getBoundingClientRect();
    const width = picker.offsetWidth;
    const height = picker.offsetHeight;
    const left = Math.max(8, Math.min(box.left, window.innerWidth - width - 8));
    const top = box.top - height - 6 > 8 ? box.top - height - 6 : Math.min(box.bottom + 6, window.innerHeight - height - 8);
    picker.style.left = `${left}px`;
    picker.style.top = `${top}px`;
    buttons()[0]?.focus();
  }

  function closePicker(returnFocus = true) {
    if (picker.hidden) return;
    picker.hidden = true;
    const link = pickerFor;
    pickerFor = null;
    link?.closest("li.message")?.classList.remove("picking", "show-react");
    if (returnFocus) link?.focus();
  }

  list.addEventListener("click", (event) => {
    const link = event.target.closest("a.react-more");
    if (!link || !picker) return;
    event.preventDefault();
    if (pickerFor === link) closePicker();
    else openPicker(link);
  });

  picker?.addEventListener("click", (event) => {
    const button = event.target.closest("button.react-pick");
    if (!button || !pickerFor) return;
    const item = pickerFor.closest("li.message");
    closePicker();
    react(item, button.dataset.emoji, true);
  });

  picker?.addEventListener("keydown", (event) => {
    const all = buttons();
    const index = all.indexOf(document.activeElement);
    const moves = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: PICKER_COLUMNS, ArrowUp: -PICKER_COLUMNS };
    if (event.key in moves && index >= 0) {
      event.preventDefault();
      all[Math.max(0, Math.min(all.length - 1, index + moves[event.key]))].focus();
    } else if (event.key === "Home" || event.key === "End") {
      event.preventDefault();
      all[event.key === "Home" ? 0 : all.length - 1].focus();
    } else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      closePicker();
    } else if (event.key === "Tab") {
      closePicker(false);
    }
  });

  document.addEventListener("click", (event) => {
    if (!picker || picker.hidden) return;
    if (!event.target.closest("#reaction-picker, a.react-more")) closePicker(false);
  });
  document.getElementById("history")?.addEventListener("scroll", () => closePicker(false), { passive: true });

  // --- long-press on touch screens shows the bar ---

  let pressTimer = null;
  list.addEventListener("touchstart", (event) => {
    const item = event.target.closest("li.message");
    if (!item || item.classList.contains("deleted") || event.target.closest("a, button, summary")) return;
    pressTimer = setTimeout(() => {
      for (const other of list.querySelectorAll("li.show-react")) other.classList.remove("show-react");
      item.classList.add("show-react");
    }, LONG_PRESS_MS);
  }, { passive: true });
  for (const type of ["touchend", "touchmove", "touchcancel"]) {
    list.addEventListener(type, () => clearTimeout(pressTimer), { passive: true });
  }
  document.addEventListener("touchstart", (event) => {
    if (!event.target.closest("li.show-react, #reaction-picker")) {
      for (const other of list.querySelectorAll("li.show-react")) other.classList.remove("show-react");
    }
  }, { passive: true });

  // A quoted message scrolls into view and is briefly highlighted.
  list.addEventListener("click", (event) => {
    const link = event.target.closest("blockquote.quote a[href^='#m-']");
    const target = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!target) return;
    event.preventDefault();
    target.scrollIntoView({ behavior: "smooth", block: "center" });
    target.classList.remove("flash");
    void target.offsetWidth; // restart the animation
    target.classList.add("flash");
    history.replaceState(null, "", link.getAttribute("href"));
  });
}
