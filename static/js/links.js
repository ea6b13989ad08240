// Copy buttons of the "Student links" panel: each copies its data-copy text and says so, both on
// the button (briefly) and in a live region for screen readers.

const status = document.getElementById("copy-status");

async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  // Plain http on a LAN address has no clipboard API: fall back to a selected textarea.
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.append(area);
  area.select();
  const ok = document.execCommand("copy");
  area.remove();
  if (!ok) throw new Error("copy refused");
}

function say(message) {
  if (status) status.textContent = message;
}

document.addEventListener("click", async (event) => {
  const button = event.target.closest("button[data-copy]");
  if (!button) return;
  const label = button.firstChild.textContent;
  try {
    await copyText(button.dataset.copy);
    button.firstChild.textContent = "Copied";
    say(`Copied ${button.dataset.copy}`);
  } catch {
    // No clipboard access: select the text beside the button so Ctrl+C copies it.
    const text = button.closest("td")?.querySelector("[data-code], .room-link");
    if (text) window.getSelection()?.selectAllChildren(text);
    button.firstChild.textContent = "Press Ctrl+C";
    say("Copying is not allowed here: the text is selected, press Control C to copy it.");
  }
  window.__lastCopied = button.dataset.copy;
  setTimeout(() => { button.firstChild.textContent = label; }, 1500);
});

// Invitation states: refreshed while some are still being sent (a failure appears without a
// reload); the poll stops once every invitation is sent or failed.
const panel = document.getElementById("student-links");
const SENDING = '[data-invitation][data-state="pending"], [data-invitation][data-state="retrying"]';

async function refreshInvitations() {
  let data;
  try {
    const response = await fetch(panel.dataset.invitationsUrl, {headers: {Accept: "application/json"}});
    if (!response.ok) return;
    data = await response.json();
  } catch {
    return; // offline for a moment: the next turn tries again
  }
  for (const [key, item] of Object.entries(data.items)) {
    const cell = panel.querySelector(`[data-invitation="${CSS.escape(key)}"]`);
    if (!cell) continue;
    cell.dataset.state = item.state;
    cell.textContent = item.label;
    cell.classList.toggle("invitation-failed", item.state === "failed");
  }
  for (const node of panel.querySelectorAll("[data-count]")) {
    node.textContent = data.counts[node.dataset.count] ?? node.textContent;
  }
  document.getElementById("invitation-failures").hidden = !data.counts.failed;
}

if (panel?.dataset.invitationsUrl) {
  const timer = setInterval(async () => {
    if (!panel.querySelector(SENDING)) { clearInterval(timer); return; }
    await refreshInvitations();
  }, 3000);
}
