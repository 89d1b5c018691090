// Small enhancements for every page; the site works without them.

// The language menu submits itself when JavaScript runs.
for (const select of document.querySelectorAll("select.js-autosubmit")) {
  select.addEventListener("change", () => select.form.requestSubmit());
}
for (const el of document.querySelectorAll(".js-hide")) el.hidden = true;

// Destructive actions ask first.
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form.js-confirm");
  if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
});

// Flash messages fade away after a while.
for (const toast of document.querySelectorAll("#toasts .toast")) {
  setTimeout(() => toast.remove(), 6000);
}
