/* Lantern chat page: Rasa's socket.io channel, a conversation kept only in this tab
   (sessionStorage), Quick exit, and reconnection that never loses what the person wrote. */
(function () {
  "use strict";

  var LONG_MESSAGE = 1500;
  var COUNT_FROM = 0.8; // the length is shown once a message reaches 80% of the limit
  var ESCAPE_WINDOW_MS = 1500;
  var TYPING_TIMEOUT_MS = 30000;
  // The domain's button that erases the conversation on the server (intent erase_conversation):
  // the page then forgets it too, keeping only the bot's confirmation.
  var ERASE_PAYLOAD = "/erase_conversation";
  var KEY = { session: "lantern.session", entries: "lantern.entries", draft: "lantern.draft" };
  var TEXT = {
    connecting: "Connecting to Lantern…",
    down:
      "Lantern cannot be reached right now. It keeps trying by itself; what you write is kept " +
      "and sent as soon as it is back. If you are in danger now, call your local emergency number.",
    dropped:
      "The connection was lost. Reconnecting… What you write is kept and sent when it is back.",
    back: "Connected again.",
    noClient: "The chat could not load. Please reload the page.",
    pending: "Not sent yet. It will be sent when the connection is back.",
    escapeAgain: "Press Esc again to leave this page.",
    tooLong: function (length) {
      return (
        "This message is too long to send (" + length.toLocaleString() + " characters; the " +
        "limit is " + maxChars.toLocaleString() + "). Please shorten it or send it in parts."
      );
    },
    count: function (length) {
      return length.toLocaleString() + " of " + maxChars.toLocaleString() + " characters";
    },
    retry: "Try again now",
  };

  var $ = function (id) { return document.getElementById(id); };
  var scroller = $("scroller");
  var logEl = $("log");
  var typingEl = $("typing");
  var statusEl = $("status");
  var form = $("composer");
  var input = $("message");
  var startEl = $("start");
  var countEl = $("count");
  var embedded = window.top !== window.self;
  var socketUrl = meta("lantern-socket-url");
  var exitUrl = meta("lantern-exit-url");
  // The Rasa server's limit (bot/limits.py), told by the page's server; 0: not known.
  var maxChars = parseInt(meta("lantern-max-chars"), 10) || 0;

  var entries = storedEntries();
  var views = [];
  var sessionId = readStored(KEY.session, null) || newSessionId();
  var socket = null;
  var ready = false;
  var everConnected = false;
  var dropped = false;
  var exiting = false;
  var erasing = false;
  var typingTimer = null;
  var lastEscape = 0;
  var shownStatus = ["", false, false];
  var hintTimer = null;

  function meta(name) {
    var node = document.querySelector('meta[name="' + name + '"]');
    return node ? node.getAttribute("content") : "";
  }

  function newSessionId() {
    var bytes = new Uint8Array(16); // crypto.randomUUID needs https; this works everywhere
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  /* ---- storage: this tab only ---- */

  function readStored(key, fallback) {
    try {
      var value = window.sessionStorage.getItem(key);
      return value === null ? fallback : JSON.parse(value);
    } catch (error) {
      return fallback;
    }
  }

  /** The conversation saved in this tab, without anything malformed. */
  function storedEntries() {
    var saved = readStored(KEY.entries, []);
    if (!Array.isArray(saved)) return [];
    return saved.filter(function (entry) {
      return entry && typeof entry.text === "string" && (entry.who === "bot" || entry.who === "me");
    }).map(function (entry) {
      entry.buttons = choicesFrom(entry.buttons);
      return entry;
    });
  }

  function writeStored(key, value) {
    try {
      window.sessionStorage.setItem(key, JSON.stringify(value));
      return true;
    } catch (error) {
      return false; // storage full or turned off: the chat still works, without reload memory
    }
  }

  function saveConversation() {
    if (exiting) return;
    writeStored(KEY.session, sessionId);
    if (writeStored(KEY.entries, entries)) return;
    var shortened = entries.map(function (entry) {
      var copy = Object.assign({}, entry);
      if (copy.text.length > 20000) copy.text = copy.text.slice(0, 20000) + " […]";
      return copy;
    });
    if (!writeStored(KEY.entries, shortened)) writeStored(KEY.entries, shortened.slice(-20));
  }

  function clearStorage() {
    try { window.sessionStorage.clear(); } catch (error) { /* nothing stored */ }
  }

  /* ---- rendering: text only, through LanternText ---- */

  function element(tag, className) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    return node;
  }

  function renderEntry(entry, index) {
    var item = element("div", "msg " + (entry.who === "bot" ? "bot" : "me"));
    var bubble = element("div", "bubble");
    var speaker = element("span", "visually-hidden");
    speaker.textContent = entry.who === "bot" ? "Lantern said: " : "You said: ";
    var text = element("span", "text");
    text.appendChild(messageText(entry));
    bubble.appendChild(speaker);
    bubble.appendChild(text);
    if (entry.text.length > LONG_MESSAGE) {
      bubble.classList.add("long");
      bubble.tabIndex = 0; // a scrolling box must be reachable by keyboard
    }
    item.appendChild(bubble);
    var view = { item: item, note: null, buttons: [] };
    if (entry.pending) {
      view.note = element("p", "note");
      view.note.textContent = TEXT.pending;
      item.appendChild(view.note);
    }
    if (entry.buttons && entry.buttons.length) {
      var group = element("div", "choices");
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", "Answers you can choose");
      entry.buttons.forEach(function (choice, position) {
        var button = element("button", "choice");
        button.type = "button";
        button.textContent = choice.title;
        button.addEventListener("click", function () { choose(index, position); });
        group.appendChild(button);
        view.buttons.push(button);
      });
      item.appendChild(group);
    }
    views[index] = view;
    showChoiceState(index);
    logEl.appendChild(item);
  }

  /** The text of an entry as DOM nodes; only a bot message's own numbers are callable. */
  function messageText(entry) {
    return window.LanternText.fragment(entry.text, { phones: entry.who === "bot" ? entry.phones : null });
  }

  function showChoiceState(index) {
    var entry = entries[index];
    views[index].buttons.forEach(function (button, position) {
      // aria-disabled, not disabled: the button keeps the keyboard focus after a choice.
      if (entry.spent) button.setAttribute("aria-disabled", "true");
      button.classList.toggle("chosen", entry.chosen === position);
      if (entry.chosen === position) button.setAttribute("aria-pressed", "true");
    });
  }

  function markSent(index) {
    var view = views[index];
    if (view && view.note) {
      view.note.remove();
      view.note = null;
    }
  }

  function scrollToEnd() {
    scroller.scrollTop = scroller.scrollHeight;
  }

  function addEntry(entry) {
    entries.push(entry);
    startEl.hidden = true;
    renderEntry(entry, entries.length - 1);
    saveConversation();
    scrollToEnd();
  }

  function setStatus(message, isError, withRetry) {
    var same = shownStatus[0] === message && shownStatus[1] === Boolean(isError);
    if (same && statusEl.textContent.indexOf(message || "") === 0) return; // no re-announcing
    shownStatus = [message, Boolean(isError), withRetry];
    window.clearTimeout(hintTimer);
    paintStatus(message, isError, withRetry);
  }

  /** A short hint (Esc once), then the connection's status again. */
  function showHint(message) {
    var previous = shownStatus;
    paintStatus(message, false, false);
    window.clearTimeout(hintTimer);
    hintTimer = window.setTimeout(function () {
      paintStatus(previous[0], previous[1], previous[2]);
    }, ESCAPE_WINDOW_MS);
  }

  function paintStatus(message, isError, withRetry) {
    statusEl.textContent = message || "";
    statusEl.classList.toggle("error", Boolean(isError));
    if (withRetry) {
      var retry = element("button");
      retry.type = "button";
      retry.textContent = TEXT.retry;
      retry.addEventListener("click", function () {
        if (socket && !socket.connected) socket.connect();
      });
      statusEl.appendChild(retry);
    }
  }

  function showTyping(on) {
    window.clearTimeout(typingTimer);
    typingEl.hidden = !on;
    if (on) {
      typingTimer = window.setTimeout(function () { typingEl.hidden = true; }, TYPING_TIMEOUT_MS);
      scrollToEnd();
    }
  }

  /* ---- sending ---- */

  function spendChoices() {
    entries.forEach(function (entry, index) {
      if (entry.buttons && entry.buttons.length && !entry.spent) {
        entry.spent = true;
        showChoiceState(index);
      }
    });
  }

  function send(message, shown) {
    if (message === ERASE_PAYLOAD) erasing = true;
    spendChoices();
    var entry = { who: "me", text: shown || message, pending: true };
    if (shown && shown !== message) entry.payload = message;
    addEntry(entry);
    flush();
  }

  function flush() {
    if (!ready) return;
    var sent = false;
    entries.forEach(function (entry, index) {
      if (!entry.pending) return;
      socket.emit("user_uttered", { message: entry.payload || entry.text, session_id: sessionId });
      entry.pending = false;
      markSent(index);
      sent = true;
    });
    if (sent) {
      saveConversation();
      showTyping(true);
    }
  }

  function choose(index, position) {
    var entry = entries[index];
    if (entry.spent) return;
    var choice = entry.buttons[position];
    entry.chosen = position;
    send(choice.payload, choice.title); // focus stays put: no keyboard popping up on phones
  }

  function submit(event) {
    event.preventDefault();
    var text = input.value;
    if (!text.trim()) {
      input.focus();
      return;
    }
    var length = charCount(text);
    if (maxChars && length > maxChars) {
      setStatus(TEXT.tooLong(length), true);
      return;
    }
    input.value = "";
    writeStored(KEY.draft, "");
    fitInput();
    showCount();
    send(text);
    if (ready) setStatus("");
  }

  /** Characters as the server counts them (an emoji is one, not two). */
  function charCount(text) {
    return Array.from(text).length;
  }

  /** Near the limit, the length and the limit under the box (red above it). */
  function showCount() {
    var near = maxChars && input.value.length >= maxChars * COUNT_FROM;
    var length = near ? charCount(input.value) : 0;
    countEl.hidden = !near || length < maxChars * COUNT_FROM;
    if (countEl.hidden) return;
    countEl.textContent = TEXT.count(length);
    countEl.classList.toggle("error", length > maxChars);
  }

  /* ---- receiving ---- */

  function choicesFrom(list) {
    if (!Array.isArray(list)) return [];
    return list
      .filter(function (c) { return c && typeof c.title === "string" && typeof c.payload === "string"; })
      .map(function (c) { return { title: c.title, payload: c.payload }; });
  }

  function onBotMessage(data) {
    if (!data || typeof data !== "object") return;
    if (data.lantern_event === "conversation_erased") return onErased();
    if (data.lantern_event === "phones") return onPhones(data.phones);
    var text = typeof data.text === "string" ? data.text : "";
    var attachment = data.attachment && data.attachment.payload && data.attachment.payload.src;
    if (typeof attachment === "string") text = (text ? text + "\n" : "") + attachment;
    var buttons = choicesFrom(data.quick_replies).concat(choicesFrom(data.buttons));
    if (!text && !buttons.length) return;
    showTyping(false);
    if (erasing) forgetConversation();
    addEntry({ who: "bot", text: text, buttons: buttons });
  }

  /** The numbers of the bot message just received, as data: make exactly those callable. */
  function onPhones(phones) {
    var index = entries.length - 1;
    if (index < 0 || entries[index].who !== "bot" || !Array.isArray(phones)) return;
    entries[index].phones = phones;
    var text = views[index] && views[index].item.querySelector(".text");
    if (text) {
      text.textContent = "";
      text.appendChild(messageText(entries[index]));
    }
    saveConversation();
  }

  /** The server erased the conversation ("delete" typed): keep only its goodbye, then forget. */
  function onErased() {
    var last = entries.length ? entries[entries.length - 1] : null;
    forgetConversation();
    if (last && last.who === "bot") addEntry({ who: "bot", text: last.text, buttons: [] });
  }

  /** After an erasure: nothing of the conversation on the page or in the tab; a new session. */
  function forgetConversation() {
    erasing = false;
    entries = [];
    views = [];
    logEl.textContent = "";
    clearStorage();
    sessionId = newSessionId();
    if (socket && socket.connected) socket.emit("session_request", { session_id: sessionId });
  }

  /* ---- the socket ---- */

  function connect() {
    if (typeof window.io !== "function") {
      setStatus(TEXT.noClient, true);
      return;
    }
    setStatus(TEXT.connecting);
    socket = window.io(socketUrl, {
      path: "/socket.io",
      transports: ["websocket", "polling"],
      tryAllTransports: true,
      reconnectionDelayMax: 8000,
    });
    socket.on("connect", function () {
      socket.emit("session_request", { session_id: sessionId });
    });
    socket.on("session_confirm", function () {
      ready = true;
      everConnected = true;
      setStatus(dropped ? TEXT.back : "");
      dropped = false;
      flush();
    });
    socket.on("bot_uttered", onBotMessage);
    socket.on("disconnect", function (reason) {
      ready = false;
      showTyping(false);
      if (exiting) return;
      dropped = true;
      setStatus(TEXT.dropped, true, true);
      if (reason === "io server disconnect") socket.connect();
    });
    socket.on("connect_error", function () {
      if (exiting) return;
      setStatus(everConnected ? TEXT.dropped : TEXT.down, true, true);
      dropped = everConnected;
    });
  }

  /* ---- quick exit ---- */

  function quickExit() {
    exiting = true;
    clearStorage();
    entries = [];
    logEl.textContent = "";
    input.value = "";
    if (socket) {
      socket.off();
      socket.disconnect();
    }
    if (embedded) {
      // The embedding page (embed.js) replaces itself; this frame goes blank.
      window.parent.postMessage({ type: "lantern:quick-exit", url: exitUrl }, "*");
      window.location.replace("about:blank");
    } else {
      window.location.replace(exitUrl);
    }
  }

  function onKey(event) {
    if (event.key !== "Escape") return;
    var now = Date.now();
    if (now - lastEscape < ESCAPE_WINDOW_MS) {
      quickExit();
      return;
    }
    lastEscape = now;
    showHint(TEXT.escapeAgain);
  }

  /* ---- the text box ---- */

  function fitInput() {
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight + 2, 144) + "px";
  }

  function onInputKey(event) {
    // Enter sends; Shift+Enter is a new line; never while an input method is composing.
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      form.requestSubmit ? form.requestSubmit() : submit(event);
      event.preventDefault();
    }
  }

  /* ---- start ---- */

  function start() {
    if (embedded) document.documentElement.classList.add("embedded");
    entries.forEach(renderEntry);
    startEl.hidden = entries.length > 0;
    input.value = readStored(KEY.draft, "") || "";
    fitInput();
    showCount();
    scrollToEnd();
    $("exit").addEventListener("click", function (event) {
      event.preventDefault(); // without this script the link still leaves (less cleanly)
      quickExit();
    });
    $("start-button").addEventListener("click", function () { send("hello"); });
    document.addEventListener("keydown", onKey);
    form.addEventListener("submit", submit);
    input.addEventListener("keydown", onInputKey);
    input.addEventListener("input", function () {
      writeStored(KEY.draft, input.value);
      fitInput();
      showCount();
    });
    if (embedded) window.parent.postMessage({ type: "lantern:ready", url: exitUrl }, "*");
    connect();
  }

  start();
})();
