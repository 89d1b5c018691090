// Keys for every signed-in page: Ctrl/⌘+K jumps to a chat by name, "?" lists the shortcuts.
// The composer's own keys (Enter, Shift+Enter, ↑, Esc) live in conversation.js.

const shortcuts = document.getElementById("shortcuts");
const switcher = document.getElementById("switcher");
const input = document.getElementById("switcher-input");
const results = document.getElementById("switcher-results");
const inboxUrl = document.body.dataset.inboxUrl;

const typingInField = (target) => target.closest?.("input, textarea, select, [contenteditable='true']");

let chats = null; // [{title, href}] from the chat list of this page, or of /chats
async function loadChats() {
  let rows = document.querySelectorAll("#inbox > li.chat-row");
  if (!rows.length && inboxUrl) {
    try {
      const response = await fetch(inboxUrl, { headers: { Accept: "text/html" }, credentials: "same-origin" });
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      rows = page.querySelectorAll("#inbox > li.chat-row");
    } catch {
      rows = [];
    }
  }
  chats = [...rows].map((row) => ({
    title: row.querySelector(".chat-title")?.firstChild?.textContent.trim() || "",
    href: row.querySelector(".chat-link")?.getAttribute("href"),
  }));
}

let selected = 0;
function render() {
  const query = input.value.trim().toLocaleLowerCase();
  const found = (chats || []).filter((chat) => chat.title.toLocaleLowerCase().includes(query)).slice(0, 20);
  selected = Math.min(selected, Math.max(found.length - 1, 0));
  results.replaceChildren(...found.map((chat, index) => {
    const option = document.createElement("li");
    option.id = `switcher-option-${index}`;
    option.setAttribute("role", "option");
    option.setAttribute("aria-selected", String(index === selected));
    option.dataset.href = chat.href;
    option.textContent = chat.title;
    option.addEventListener("click", () => window.location.assign(chat.href));
    return option;
  }));
  const current = results.children[selected];
  if (current) input.setAttribute("aria-activedescendant", current.id);
  else input.removeAttribute("aria-activedescendant");
  current?.scrollIntoView({ block: "nearest" });
}

async function openSwitcher() {
  if (!switcher || switcher.open) return;
  input.value = "";
  selected = 0;
  switcher.showModal();
  if (chats === null) await loadChats();
  render();
}

input?.addEventListener("input", () => {
  selected = 0;
  render();
});
input?.addEventListener("keydown", (event) => {
  const count = results.children.length;
  if (event.key === "ArrowDown" || event.key === "ArrowUp") {
    event.preventDefault();
    if (count) selected = (selected + (event.key === "ArrowDown" ? 1 : count - 1)) % count;
    render();
  } else if (event.key === "Enter") {
    event.preventDefault();
    const href = results.children[selected]?.dataset.href;
    if (href) window.location.assign(href);
  } else if (event.key === "Escape") {
    event.preventDefault(); // a search field would only clear itself
    switcher.close();
  }
});

document.addEventListener("keydown", (event) => {
  if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "k") {
    event.preventDefault();
    openSwitcher();
  } else if (event.key === "?" && !typingInField(event.target) && shortcuts && !shortcuts.open) {
    event.preventDefault();
    shortcuts.showModal();
  }
});
for (const link of document.querySelectorAll(".js-shortcuts")) {
  link.addEventListener("click", (event) => {
    event.preventDefault();
    shortcuts?.showModal();
  });
}

// The theme menu applies at once; the cookie tells the server for the next page.
for (const select of document.querySelectorAll("select.js-theme")) {
  select.addEventListener("change", () => {
    const theme = select.value;
    if (theme === "light" || theme === "dark") {
      document.documentElement.dataset.theme = theme;
      document.cookie = `theme=${theme}; path=/; max-age=31536000; samesite=lax`;
    } else {
      delete document.documentElement.dataset.theme;
      document.cookie = "theme=; path=/; max-age=0; samesite=lax";
    }
  });
}
