// Toasts for what happens elsewhere, on every signed-in page: a friend request, a match found,
// being signed out. Text from the server (names) goes in with textContent only.
import { live } from "./live.js";

const TOAST_MS = 10000;
const strings = document.body.dataset; // the translated strings and links rendered by base.html

export function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? values[key] : whole));
}

export function toast(text, link = null, kind = "") {
  const box = document.getElementById("toasts");
  if (!box) return;
  const element = document.createElement("div");
  element.className = kind ? `toast toast-${kind}` : "toast";
  const message = document.createElement("span");
  message.textContent = text;
  element.append(message);
  if (link) {
    const anchor = document.createElement("a");
    anchor.href = link.href;
    anchor.textContent = link.text;
    element.append(" ", anchor);
  }
  box.append(element);
  setTimeout(() => element.remove(), TOAST_MS);
}

live.on("friend_request.received", (event) => {
  const sender = event.request.from_user;
  toast(fill(strings.tFriendRequest, { name: sender.display_name || sender.username }),
    { href: strings.friendsUrl, text: strings.tFriendRequestLink });
});

live.on("match.found", (event) => {
  const partner = event.match.partner;
  toast(fill(strings.tMatchFound, { name: partner.display_name || partner.username }),
    { href: strings.meetUrl, text: strings.tMatchFoundLink });
});

live.on("live.signed_out", () => {
  const next = encodeURIComponent(window.location.pathname + window.location.search);
  toast(strings.tSignedOut, { href: `${strings.loginUrl}?next=${next}`, text: strings.tLogIn }, "error");
});
