/* Lantern: turn a message into safe DOM nodes. Text stays text (never innerHTML); web
   addresses become links and, in Lantern's own messages, phone numbers become tel: links. */
(function (global) {
  "use strict";

  var PATTERN = new RegExp(
    [
      "(https?:\\/\\/[^\\s<>\"']+)", // 1: a web address
      "(\\bwww\\.[a-z0-9-]+(?:\\.[a-z0-9-]+)+(?:\\/[^\\s<>\"']*)?)", // 2: www.example.org
      "((?:\\+|\\b00)\\d[\\d ().-]{5,20}\\d)", // 3: international number
      "(\\b0\\d{1,4}[ -]\\d{2,4}(?:[ -]\\d{2,4}){0,3}\\b)", // 4: national number, 023-210206
      // 5 + 6: a short hotline after a word that says so ("call 1300", "hotline: 191")
      "(\\b(?:call|dial|phone|hotline|helpline|tel|telephone|number|line)\\b:?[ \\t]{0,2})(\\d{3,6})\\b",
    ].join("|"),
    "gi"
  );
  var TRAILING = /[.,;:!?)\]}'"]+$/;

  function webLink(raw) {
    var address = raw.replace(TRAILING, "");
    var href = /^www\./i.test(address) ? "https://" + address : address;
    var url;
    try {
      url = new URL(href);
    } catch (error) {
      return null;
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") return null;
    var link = document.createElement("a");
    link.href = url.href;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    link.textContent = address;
    return { node: link, length: address.length };
  }

  function phoneLink(raw) {
    var digits = raw.replace(/\D/g, "");
    if (digits.length < 3 || digits.length > 15) return null;
    var international = raw.charAt(0) === "+" || raw.slice(0, 2) === "00";
    if (international) digits = "+" + digits.replace(/^00/, "");
    var link = document.createElement("a");
    link.href = "tel:" + digits;
    link.textContent = raw;
    return { node: link, length: raw.length };
  }

  /** A DocumentFragment showing `text` as text, with links; phones only when asked. */
  function fragment(text, options) {
    var phones = Boolean(options && options.phones);
    var out = document.createDocumentFragment();
    var source = String(text);
    var last = 0;
    var match;
    PATTERN.lastIndex = 0;
    while ((match = PATTERN.exec(source)) !== null) {
      var start = match.index;
      var made = null;
      if (match[1] || match[2]) {
        made = webLink(match[1] || match[2]);
      } else if (phones && (match[3] || match[4])) {
        made = phoneLink(match[3] || match[4]);
      } else if (phones && match[6]) {
        start += match[5].length;
        made = phoneLink(match[6]);
      }
      if (!made) continue;
      if (start > last) out.appendChild(document.createTextNode(source.slice(last, start)));
      out.appendChild(made.node);
      last = start + made.length;
      PATTERN.lastIndex = last;
    }
    if (last < source.length) out.appendChild(document.createTextNode(source.slice(last)));
    return out;
  }

  global.LanternText = { fragment: fragment };
})(window);
