// A search result opens its conversation at the message (#m-<seq>): once the page has settled
// (the conversation script may have scrolled to the first unread message), bring that message
// into view and mark it. Without JavaScript the browser scrolls to the anchor by itself.
window.addEventListener("load", () => {
  const match = /^#m-(\d+)$/.exec(window.location.hash);
  const target = match && document.getElementById(`m-${match[1]}`);
  if (!target) return;
  target.classList.add("search-target");
  target.scrollIntoView({ block: "center" });
});
