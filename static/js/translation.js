// Translation on the conversation page: "Translate" in a message's menu shows the message in your
// language in place ("Translated from German · Show original"), and a `message.translated` event
// (auto-translate) re-renders that message from the server. Without JavaScript, "Translate" opens
// a page with the translation, and auto-translated messages arrive translated with the page.
import { live } from "./live.js";
import { toast } from "./notices.js";

const section = document.getElementById("conversation");
if (section) start(section);

function start(section) {
  const chatId = section.dataset.chatId;

  function showTranslation(item, link, text) {
    const body = item.querySelector(".message-body");
    const original = body?.querySelector("p.text");
    if (!original || body.querySelector("details.original")) return;
    const translated = document.createElement("p");
    translated.className = "text translated";
    translated.textContent = text;
    const details = document.createElement("details");
    details.className = "original";
    const summary = document.createElement("summary");
    summary.className = "translation-note muted small";
    summary.append(`${link.dataset.from} · `);
    const show = document.createElement("span");
    show.className = "link";
    show.textContent = link.dataset.original;
    summary.append(show);
    original.replaceWith(translated);
    details.append(summary, original);
    translated.after(details);
  }

  section.addEventListener("click", async (event) => {
    const link = event.target.closest("a.js-translate");
    if (!link) return;
    event.preventDefault();
    const item = link.closest("li.message");
    link.closest("details")?.removeAttribute("open");
    const url = `${section.dataset.apiUrl}/messages/${item.dataset.messageId}/translation`;
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .catch(() => null);
    const body = await response?.json().catch(() => ({}));
    if (!response?.ok) {
      toast(body?.detail || link.textContent);
      return;
    }
    showTranslation(item, link, body.text);
  });

  // The translation may come before the message itself is on the page (its fragment is still
  // loading): look again a few times.
  async function showTranslated(seq, tries = 20) {
    const item = document.getElementById(`m-${seq}`);
    if (!item) {
      if (tries > 0) setTimeout(() => showTranslated(seq, tries - 1), 250);
      return;
    }
    if (item.querySelector("details.original")) return;
    const response = await fetch(`${section.dataset.fragmentsUrl}?seq=${seq}`,
      { headers: { Accept: "text/html" }, credentials: "same-origin" }).catch(() => null);
    if (!response?.ok) return;
    const template = document.createElement("template");
    template.innerHTML = await response.text();
    const fresh = template.content.querySelector("li.message .message-body");
    const current = document.getElementById(`m-${seq}`)?.querySelector(".message-body");
    if (fresh && current) current.replaceWith(fresh);
  }

  live.on("message.translated", (event) => {
    if (event.chat_id === chatId) showTranslated(event.seq);
  });
}
