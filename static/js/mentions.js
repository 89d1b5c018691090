// `@` autocomplete in the composer: typing @ and the start of a name lists the chat's members
// (from the page's #members list); ↑/↓ choose, Enter or Tab inserts `@username `, Escape closes.
// Its keys are handled before the composer's own (Enter would send) while the list is open.

const MAX_SHOWN = 8;

const section = document.getElementById("conversation");
const text = document.getElementById("send-text");
if (section && text) start(section, text);

function start(section, text) {
  const me = section.dataset.me;
  const members = [...document.querySelectorAll("#members [data-user-id]")]
    .filter((member) => member.dataset.userId !== me && member.dataset.username)
    .map((member) => ({ username: member.dataset.username, name: member.textContent.trim() }));
  if (!members.length) return;

  const box = document.createElement("ul");
  box.className = "mention-list";
  box.id = "mention-list";
  box.setAttribute("role", "listbox");
  box.setAttribute("aria-label", section.dataset.tMentionList || "Members");
  box.hidden = true;
  text.closest("form").append(box);
  text.setAttribute("aria-autocomplete", "list");
  text.setAttribute("aria-controls", box.id);

  let matches = [];
  let active = 0;
  let start = -1; // where the @ is

  // The @word the caret is in, if any: "@" at the start or after a space or punctuation.
  function query() {
    const before = text.value.slice(0, text.selectionStart);
    const found = /(^|[^\w.@])@([a-z0-9_.]*)$/i.exec(before);
    if (!found) return null;
    start = before.length - found[2].length - 1;
    return found[2].toLowerCase();
  }

  function close() {
    box.hidden = true;
    matches = [];
    text.setAttribute("aria-expanded", "false");
    text.removeAttribute("aria-activedescendant");
  }

  function render() {
    box.replaceChildren(...matches.map((member, index) => {
      const option = document.createElement("li");
      option.id = `mention-option-${index}`;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", String(index === active));
      const name = document.createElement("span");
      name.textContent = member.name;
      const username = document.createElement("span");
      username.className = "username";
      username.textContent = `@${member.username}`;
      option.append(name, username);
      option.addEventListener("mousedown", (event) => {
        event.preventDefault(); // keep the focus in the composer
        choose(index);
      });
      return option;
    }));
    box.hidden = false;
    text.setAttribute("aria-expanded", "true");
    text.setAttribute("aria-activedescendant", `mention-option-${active}`);
  }

  function update() {
    const typed = query();
    if (typed === null) return close();
    matches = members.filter((member) => member.username.startsWith(typed)
      || member.name.toLowerCase().split(/\s+/).some((word) => word.startsWith(typed))).slice(0, MAX_SHOWN);
    if (!matches.length) return close();
    active = Math.min(active, matches.length - 1);
    render();
  }

  function choose(index) {
    const member = matches[index];
    if (!member) return;
    const caret = text.selectionStart;
    const insert = `@${member.username} `;
    text.value = text.value.slice(0, start) + insert + text.value.slice(caret);
    const at = start + insert.length;
    text.setSelectionRange(at, at);
    close();
    text.dispatchEvent(new Event("input")); // the draft and the height follow
    text.focus();
  }

  text.addEventListener("input", () => {
    active = 0;
    update();
  });
  text.addEventListener("click", update);
  text.addEventListener("blur", () => setTimeout(close, 100));
  // Capture: runs before the composer's Enter-to-send on the same element.
  text.addEventListener("keydown", (event) => {
    if (box.hidden || event.isComposing) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      active = (active + (event.key === "ArrowDown" ? 1 : -1) + matches.length) % matches.length;
      render();
    } else if (event.key === "Enter" || event.key === "Tab") {
      choose(active);
    } else if (event.key === "Escape") {
      close();
    } else {
      return;
    }
    event.preventDefault();
    event.stopImmediatePropagation();
  }, true);
}
