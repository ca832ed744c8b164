/* Lantern: turn a message into safe DOM nodes. Text stays text (never innerHTML); web
   addresses become links and, in Lantern's own messages, phone numbers become tel: links:
   international (+66 2 123 4567), 7 to 15 digits (023-210206, 0800 722 203), and short
   hotlines (1300, 191) on a line that speaks of calling (hotline, emergency, police...). */
(function (global) {
  "use strict";

  var PATTERN = new RegExp(
    [
      "(https?:\\/\\/[^\\s<>\"']+)", // 1: a web address
      "(\\bwww\\.[a-z0-9-]+(?:\\.[a-z0-9-]+)+(?:\\/[^\\s<>\"']*)?)", // 2: www.example.org
      "((?:\\+|\\b00)\\d[\\d ().-]{5,20}\\d)", // 3: international number
      "(\\b\\d(?:[ -]?\\d){6,14}\\b)", // 4: 7 to 15 digits
      "(\\b\\d{3,6}\\b)", // 5: a short number
    ].join("|"),
    "gi"
  );
  var SAYS_PHONE =
    /\b(?:call|dial|phone|hotline|helpline|tel|telephone|number|line|emergency|police|ambulance|centre|center|toll-free)\b/i;
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
    return link;
  }

  function phoneLink(raw) {
    var digits = raw.replace(/\D/g, "");
    if (raw.charAt(0) === "+" || raw.slice(0, 2) === "00") {
      digits = "+" + digits.replace(/^00/, "");
    }
    var link = document.createElement("a");
    link.href = "tel:" + digits;
    link.textContent = raw;
    return link;
  }

  function lineAround(source, index) {
    var start = source.lastIndexOf("\n", index) + 1;
    var end = source.indexOf("\n", index);
    return source.slice(start, end < 0 ? source.length : end);
  }

  /** True when a short number stands alone (not 1,500 or 2.5 or 30%) on a phone line. */
  function isShortPhone(source, start, end) {
    var before = source.slice(Math.max(0, start - 2), start);
    var after = source.slice(end, end + 2);
    if (/\d[.,]$/.test(before) || /^[.,]\d|^%/.test(after)) return false;
    if (MONEY_BEFORE.test(source.slice(Math.max(0, start - 3), start))) return false;
    return SAYS_PHONE.test(lineAround(source, start));
  }

  function linkFor(match, source, phones) {
    if (match[1] || match[2]) return webLink(match[1] || match[2]);
    if (!phones) return null;
    var number = match[3] || match[4];
    if (number) {
      if (NOT_A_PHONE.test(number) || MONEY_BEFORE.test(source.slice(Math.max(0, match.index - 3), match.index))) return null;
      return phoneLink(number);
    }
    if (isShortPhone(source, match.index, match.index + match[5].length)) {
      return phoneLink(match[5]);
    }
    return null;
  }

  /** A DocumentFragment showing `text` as text, with links; phone links only when asked. */
  function fragment(text, options) {
    var phones = Boolean(options && options.phones);
    var out = document.createDocumentFragment();
    var source = String(text);
    var last = 0;
    var match;
    PATTERN.lastIndex = 0;
    while ((match = PATTERN.exec(source)) !== null) {
      var link = linkFor(match, source, phones);
      if (!link) continue;
      if (match.index > last) out.appendChild(document.createTextNode(source.slice(last, match.index)));
      out.appendChild(link);
      last = match.index + link.textContent.length;
      PATTERN.lastIndex = last;
    }
    if (last < source.length) out.appendChild(document.createTextNode(source.slice(last)));
    return out;
  }

  global.LanternText = { fragment: fragment };
})(window);
