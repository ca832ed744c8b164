/* Lantern on another site: <script src="https://LANTERN-SERVER/embed.js" async></script>
   adds a "Chat with Lantern" button that opens the chat in a frame served by the Lantern
   server. The conversation stays in Lantern's frame: scripts of the host page cannot read it.
   Quick exit (in the chat, or Esc twice while it is open) replaces this page with a neutral
   site, as the chat page does on its own. Optional: data-label="..." for the button text. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.lanternEmbed) return;
  var origin = new URL(script.src).origin;
  var exitUrl = "";
  var frame = null;
  var panel = null;
  var lastEscape = 0;
  var launcher = document.createElement("button");
  window.lanternEmbed = { origin: origin };

  function style(node, rules) {
    Object.keys(rules).forEach(function (name) { node.style[name] = rules[name]; });
  }

  function place() {
    var narrow = window.innerWidth < 480;
    style(panel, narrow
      ? { top: "0", left: "0", right: "0", bottom: "0", width: "100%", height: "100%", borderRadius: "0" }
      : { top: "auto", left: "auto", right: "16px", bottom: "80px", width: "400px",
          height: "min(640px, calc(100vh - 112px))", borderRadius: "12px" });
  }

  function open() {
    if (!panel) {
      panel = document.createElement("div");
      style(panel, { position: "fixed", zIndex: "2147483646", background: "#fff",
        boxShadow: "0 4px 24px rgba(0,0,0,.25)", overflow: "hidden", display: "flex",
        flexDirection: "column" });
      var close = document.createElement("button");
      close.type = "button";
      close.textContent = "Close chat";
      style(close, { alignSelf: "flex-end", margin: "4px", minHeight: "40px", padding: "4px 12px",
        font: "600 15px system-ui, sans-serif", color: "#1f4e79", background: "#fff",
        border: "2px solid #1f4e79", borderRadius: "8px", cursor: "pointer" });
      close.addEventListener("click", hide);
      frame = document.createElement("iframe");
      frame.src = origin + "/";
      frame.title = "Lantern chat";
      frame.referrerPolicy = "no-referrer";
      style(frame, { flex: "1", width: "100%", border: "0" });
      panel.appendChild(close);
      panel.appendChild(frame);
      document.body.appendChild(panel);
      window.addEventListener("resize", place);
    }
    place();
    panel.hidden = false;
    style(panel, { display: "flex" });
    launcher.setAttribute("aria-expanded", "true");
    frame.focus();
  }

  function hide() {
    style(panel, { display: "none" });
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  }

  function quickExit(url) {
    if (frame) frame.src = "about:blank";
    if (panel) panel.remove();
    window.location.replace(url);
  }

  window.addEventListener("message", function (event) {
    if (event.origin !== origin || !frame || event.source !== frame.contentWindow) return;
    var data = event.data || {};
    if (typeof data.url !== "string" || !/^https?:\/\//.test(data.url)) return;
    if (data.type === "lantern:ready") exitUrl = data.url;
    if (data.type === "lantern:quick-exit") quickExit(data.url);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !exitUrl || !panel || panel.style.display === "none") return;
    var now = Date.now();
    if (now - lastEscape < 1500) quickExit(exitUrl);
    lastEscape = now;
  });

  launcher.type = "button";
  launcher.textContent = script.getAttribute("data-label") || "Chat with Lantern";
  launcher.setAttribute("aria-expanded", "false");
  style(launcher, { position: "fixed", right: "16px", bottom: "16px", zIndex: "2147483645",
    minHeight: "48px", padding: "10px 18px", font: "600 16px system-ui, sans-serif",
    color: "#fff", background: "#1f4e79", border: "0", borderRadius: "24px",
    boxShadow: "0 2px 8px rgba(0,0,0,.3)", cursor: "pointer" });
  launcher.addEventListener("click", open);

  function mount() { document.body.appendChild(launcher); }
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
