/* Lantern: turn a message into safe DOM nodes. Text stays text (never innerHTML); web
   addresses become links and, in Lantern's own messages, phone numbers become tel: links. */
(function (global) {
  "use strict";

  var PATTERN = new RegExp(
    [
      "(https?:\\/\\/[^\\s<>\"']+)", // 1: a web address
      "(\\bwww\\.[a-z0-9-]+(?:\\.[a-z0-9-]+)+(?:\\/[^\\s<>\"']*)?)", // 2: www.example.org
      "((?:\\+|\\b00)\\d[\\d ().-]{5,20}\\d)", // 3: international number, +66 2 123 4567
      "(\\b\\d(?:[ -]?\\d){6,14}\\b)", // 4: 7 to 15 digits, 023-210206, 0800 722 203, 87221144
      // 5 + 6: a short hotline after a word that says so ("call 1300", "hotline: 191")
      "(\\b(?:call|dial|phone|hotline|helpline|tel|telephone|number|line|emergency)\\b:?[ \\t]{0,2})(\\d{3,6})\\b",
      // 7 + 8: a short number ending a line after a comma or colon ("- Thailand: police, 191")
      "([,:][ \\t]{1,2})(\\d{3,6})(?=[ \\t]*(?:\\n|$))",
    ].join("|"),
    "gi"
  );
  var NOT_A_PHONE = /^\d{4}-\d{2}-\d{2}$/; // a date
  var MONEY_BEFORE = /[$€£¥฿₱₫₭៛]\s*$/;
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
        var number = match[3] || match[4];
        if (!NOT_A_PHONE.test(number) && !MONEY_BEFORE.test(source.slice(0, start))) {
          made = phoneLink(number);
        }
      } else if (phones && (match[6] || match[8])) {
        start += (match[5] || match[7]).length;
        made = phoneLink(match[6] || match[8]);
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
