// Report page: the "Print / Save as PDF" button and copying the share link.
for (const button of document.querySelectorAll("[data-print]")) {
  button.addEventListener("click", () => window.print());
}
const shareUrl = document.getElementById("share-url");
if (shareUrl) shareUrl.addEventListener("focus", () => shareUrl.select());
