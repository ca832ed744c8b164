/* Lantern: turn a message into safe DOM nodes. Text stays text (never innerHTML); web
   addresses become links and, in Lantern's own messages, the phone numbers the bot sent as
   data with the message (from the referral directory) become tel: links, exactly where the
   text shows them. Nothing is guessed from digits: "(12308)" in a name stays text. */
(function (global) {
  "use strict";

  var WEB = new RegExp(
    [
      "(https?:\\/\\/[^\\s<>\"']+)", // 1: a web address
      "(\\bwww\\.[a-z0-9-]+(?:\\.[a-z0-9-]+)+(?:\\/[^\\s<>\"']*)?)", // 2: www.example.org
    ].join("|"),
    "gi"
  );
  var TRAILING = /[.,;:!?)\]}'"]+$/;
  var TEL = /^\+?\d{3,15}$/;

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

  function phoneLink(phone) {
    var link = document.createElement("a");
    link.href = "tel:" + phone.tel;
    link.textContent = phone.text;
    return link;
  }

  /** The numbers sent with a message that can be linked: text and a tel of digits. */
  function usablePhones(list) {
    if (!Array.isArray(list)) return [];
    return list.filter(function (p) {
      return p && typeof p.text === "string" && p.text.length > 0 && typeof p.tel === "string" && TEL.test(p.tel);
    });
  }

  /** Where each number stands in the text, alone (no digit or "+" touching it), longest
   first where two start at the same place, never overlapping. */
  function phoneSpans(source, phones) {
    var spans = [];
    phones.forEach(function (phone) {
      var at = source.indexOf(phone.text);
      while (at >= 0) {
        var end = at + phone.text.length;
        var before = at > 0 ? source.charAt(at - 1) : "";
        var after = source.charAt(end);
        if (!/[\d+]/.test(before) && !/\d/.test(after)) spans.push({ start: at, end: end, phone: phone });
        at = source.indexOf(phone.text, at + 1);
      }
    });
    spans.sort(function (a, b) { return a.start - b.start || b.end - a.end; });
    var kept = [];
    spans.forEach(function (span) {
      if (!kept.length || span.start >= kept[kept.length - 1].end) kept.push(span);
    });
    return kept;
  }

  function appendWithWebLinks(out, text) {
    var last = 0;
    var match;
    WEB.lastIndex = 0;
    while ((match = WEB.exec(text)) !== null) {
      var link = webLink(match[1] || match[2]);
      if (!link) continue;
      if (match.index > last) out.appendChild(document.createTextNode(text.slice(last, match.index)));
      out.appendChild(link);
      last = match.index + link.textContent.length;
      WEB.lastIndex = last;
    }
    if (last < text.length) out.appendChild(document.createTextNode(text.slice(last)));
  }

  /** A DocumentFragment showing `text` as text, with web links, and tel: links for the
   numbers in `options.phones` ([{text, tel}], sent by the bot with its message). */
  function fragment(text, options) {
    var out = document.createDocumentFragment();
    var source = String(text);
    var last = 0;
    phoneSpans(source, usablePhones(options && options.phones)).forEach(function (span) {
      appendWithWebLinks(out, source.slice(last, span.start));
      out.appendChild(phoneLink(span.phone));
      last = span.end;
    });
    appendWithWebLinks(out, source.slice(last));
    return out;
  }

  global.LanternText = { fragment: fragment };
})(window);
