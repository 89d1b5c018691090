// The Friends page: live greeting counters, and one confirmation instead of two.

// site.js asks before a `js-confirm` form is sent, so the server's confirmation step is not needed:
// these hidden `confirmed` fields stay disabled (unsent) when JavaScript does not run.
for (const input of document.querySelectorAll("input.js-confirmed")) input.disabled = false;

// "12 / 200" under each greeting as the person types.
for (const textarea of document.querySelectorAll("textarea[data-counter]")) {
  const counter = document.getElementById(textarea.dataset.counter);
  const max = Number(textarea.getAttribute("maxlength"));
  const update = () => {
    const used = [...textarea.value].length;
    counter.textContent = `${used} / ${max}`;
    counter.classList.toggle("counter-full", used >= max);
  };
  textarea.addEventListener("input", update);
  update();
}
