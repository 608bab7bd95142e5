/* Composer enhancements: version tabs, live per-account counters (the same rules as
   lib/counting.py), previews, snippets, media picking and upload.
   The form works without this file; the server re-validates with provider.validate(). */
(function () {
  "use strict";
  var form = document.getElementById("composer");
  if (!form) return;

  // --- counting (port of lib/counting.py) -----------------------------
  var URL_RE = /(^|[^\w@\/.-])((?:https?:\/\/[^\s<>"]+)|(?:(?:www\.)?(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:com|org|net|io|de|co|uk|eu|social|dev|app|info|me|ly|gl|at|ch|fr|nl|es|it|us|ca|edu|gov|xyz|online|site|blog|news|tv)\b(?:\/[^\s<>"]*)?))/gi;
  var TRAILING = ".,;:!?)]}'\"»…";
  var MENTION = /(^|[^\w\/])(@[\w.-]*\w)@[\w.-]+\.\w+/gu;
  var X_RANGES = [[0, 4351], [8192, 8205], [8208, 8223], [8242, 8247]];
  var segmenter = window.Intl && Intl.Segmenter ? new Intl.Segmenter(undefined, { granularity: "grapheme" }) : null;

  function graphemes(text) {
    if (segmenter) return Array.from(segmenter.segment(text), function (s) { return s.segment; });
    return Array.from(text);
  }
  function isEmoji(cluster) {
    if (cluster.indexOf("\u20e3") >= 0) return true;
    if (/\p{Regional_Indicator}{2}/u.test(cluster)) return true;
    if (cluster.indexOf("\ufe0f") >= 0 && /\p{Emoji}/u.test(cluster)) return true;
    if (/\p{Emoji_Presentation}/u.test(cluster)) return true;
    return /^\p{Extended_Pictographic}/u.test(cluster) && cluster.length > 1 && /[\u200d]|\ud83c[\udffb-\udfff]/u.test(cluster);
  }
  function stripUrls(text, placeholder) {
    var count = 0;
    var out = text.replace(URL_RE, function (match, lead, url) {
      var end = url.length;
      while (end > 0 && TRAILING.indexOf(url[end - 1]) >= 0) {
        var part = url.slice(0, end);
        if (url[end - 1] === ")" && (part.split("(").length >= part.split(")").length)) break;
        end--;
      }
      count++;
      return lead + "\u0000" + url.slice(end);
    });
    return { text: out, weight: placeholder == null ? 0 : placeholder * count, raw: placeholder == null };
  }
  function bytes(text) { return new TextEncoder().encode(text).length; }
  function xWeight(cp) {
    for (var i = 0; i < X_RANGES.length; i++) if (cp >= X_RANGES[i][0] && cp <= X_RANGES[i][1]) return 100;
    return 200;
  }
  function visible(list) { return list.filter(function (g) { return g !== "\u0000"; }); }
  function textLength(text, counting, urlLength) {
    if (counting === "weighted") {
      var s = stripUrls(text.normalize("NFC"), urlLength || 23), total = s.weight * 100;
      visible(graphemes(s.text)).forEach(function (g) {
        if (isEmoji(g)) { total += 200; return; }
        for (var ch of g) total += xWeight(ch.codePointAt(0));
      });
      return Math.floor(total / 100);
    }
    if (counting === "mastodon") {
      var m = stripUrls(text, urlLength || 23);
      var t = m.text.replace(MENTION, function (all, lead, user) { return lead + user; });
      return m.weight + visible(graphemes(t)).length;
    }
    if (counting === "bytes_emoji") return graphemes(text).reduce(function (n, g) { return n + (isEmoji(g) ? bytes(g) : 1); }, 0);
    if (counting === "bytes") return bytes(text);
    if (urlLength == null) return graphemes(text).length;
    var c = stripUrls(text, urlLength);
    return c.weight + visible(graphemes(c.text)).length;
  }
  window.socialmgrTextLength = textLength; // for tests and other screens

  // --- state -------------------------------------------------------------------------
  var shared = form.querySelector("[data-counter-source]") || document.getElementById("id_text");
  var boxes = Array.prototype.slice.call(form.querySelectorAll("input[name=accounts]"));
  function limitsOf(box) { try { return JSON.parse(box.getAttribute("data-limits") || "{}"); } catch (e) { return {}; } }
  function overrideOf(id) { var el = form.querySelector("[data-override='" + id + "']"); return el ? el.value.trim() : ""; }
  function textFor(id) { return overrideOf(id) || shared.value; }
  function checked() { return boxes.filter(function (b) { return b.checked; }); }

  // Threads (port of lib/threads.py): a line of three dashes starts a new part.
  var SEPARATOR = /^[ \t]*-{3}[ \t]*$/m;
  function partsOf(text) {
    var parts = text.split(new RegExp(SEPARATOR.source, "gm")).map(function (p) { return p.trim(); })
      .filter(function (p) { return p; });
    return parts.length ? parts : [""];
  }
  function counterText(box) {
    var limits = limitsOf(box), id = box.value, text = textFor(id);
    if (!limits.max) return { label: box.getAttribute("data-handle"), text: "", cls: "" };
    // A network with threads counts each part on its own (the longest is shown); the others
    // get the parts joined into one post.
    var parts = box.hasAttribute("data-threads") ? partsOf(text) : [partsOf(text).join("\n\n")];
    var used = 0, tooManyBytes = false;
    parts.forEach(function (p) {
      used = Math.max(used, textLength(p, limits.counting, limits.url_length));
      if (limits.max_bytes && bytes(p) > limits.max_bytes) tooManyBytes = true;
    });
    var left = limits.max - used, cls = left < 0 ? "over" : (left < limits.max * 0.2 ? "near" : "ok");
    if (tooManyBytes) cls = "over";
    return { label: box.getAttribute("data-handle"), used: used, max: limits.max, left: left, cls: cls,
             parts: parts.length, threads: box.hasAttribute("data-threads") };
  }
  var partsLabel = form.getAttribute("data-parts-label") || "parts";

  function render() {
    var list = form.querySelector("[data-counters]");
    if (list) list.textContent = "";
    boxes.forEach(function (box) {
      var id = box.value, c = counterText(box), on = box.checked;
      var tab = form.querySelector("[data-account-tab='" + id + "']");
      if (tab) tab.hidden = !on;
      var per = form.querySelector("[data-counter-for='" + id + "']");
      var msg = c.max ? c.used + " / " + c.max + (c.parts > 1 ? " · " + c.parts + " " + partsLabel : "") : "";
      if (per) { per.textContent = msg; per.className = "counter counter-" + (c.cls || "ok"); }
      if (on && list && c.max) {
        var li = document.createElement("li");
        li.className = "counter counter-" + c.cls;
        li.textContent = c.label + ": " + msg;
        li.title = c.left < 0 ? (-c.left) + " over the limit" : c.left + " left";
        list.appendChild(li);
      }
      var preview = form.querySelector("[data-preview-for='" + id + "']");
      if (preview) {
        preview.hidden = !on;
        // a thread shows its parts numbered (1/3 …); other networks the parts as one post
        var shown = partsOf(textFor(id));
        preview.querySelector("[data-preview-text]").textContent = box.hasAttribute("data-threads") && shown.length > 1
          ? shown.map(function (p, i) { return (i + 1) + "/" + shown.length + "  " + p; }).join("\n\n")
          : shown.join("\n\n");
        var media = preview.querySelector("[data-preview-media]");
        media.textContent = "";
        form.querySelectorAll("[data-chosen-media] img.thumb").forEach(function (img) {
          var copy = img.cloneNode(); copy.className = "thumb thumb-small"; media.appendChild(copy);
        });
      }
    });
    var schedule = form.querySelector("[data-schedule-button]"), now = form.querySelector("[data-publish-now]");
    if (schedule && now) {
      var hasTime = form.querySelector("#id_date").value && form.querySelector("#id_time").value;
      schedule.classList.toggle("btn-primary", !!hasTime);
      now.classList.toggle("btn-primary", !hasTime);
    }
    // "Split into a thread" is offered where a network with threads is chosen and the text
    // is too long for it, or is a thread already (to split a part that grew too long).
    var bar = form.querySelector("[data-thread-bar]");
    if (bar) {
      var offer = checked().some(function (box) {
        if (!box.hasAttribute("data-threads") || overrideOf(box.value)) return false;
        var c = counterText(box);
        return c.cls === "over" || c.parts > 1;
      });
      bar.hidden = !offer;
    }
    renderMediaLimits();
    var unlicensed = form.querySelector("[data-chosen-media] [data-licensed='0']");
    var warn = form.querySelector("[data-licence-warning]");
    if (warn) warn.hidden = !unlicensed;
  }

  // Images and videos against each chosen network's limit (platforms/limits.py), live; the
  // server refuses too many with the network's name in validate().
  function renderMediaLimits() {
    var list = form.querySelector("[data-media-limits]");
    if (!list) return;
    list.textContent = "";
    var count = form.querySelectorAll("[data-chosen-media] input[name=media]").length;
    var template = list.getAttribute("data-template") || "{handle} on {network}: {count} of {max}";
    checked().forEach(function (box) {
      var limits = limitsOf(box), max = limits.max_media;
      if (!max) return;
      var li = document.createElement("li");
      li.className = "counter counter-" + (count > max ? "over" : "ok");
      li.textContent = template.replace("{network}", limits.network || box.getAttribute("data-platform") || "")
        .replace("{handle}", box.getAttribute("data-handle") || "")
        .replace("{count}", count).replace("{max}", max);
      list.appendChild(li);
    });
    list.hidden = !list.children.length;
  }

  // --- tabs (Original + one per account), keyboard: arrows, Home, End ----------------
  var tablist = form.querySelector(".version-tabs");
  if (tablist) {
    tablist.hidden = false;
    form.classList.add("js-tabs");
    var select = function (tab) {
      tablist.querySelectorAll("[role=tab]").forEach(function (t) {
        var on = t === tab;
        t.setAttribute("aria-selected", on ? "true" : "false");
        t.tabIndex = on ? 0 : -1;
        document.getElementById(t.getAttribute("aria-controls")).hidden = !on;
      });
    };
    select(tablist.querySelector("[role=tab]"));
    tablist.addEventListener("click", function (e) {
      var tab = e.target.closest("[role=tab]"); if (tab) select(tab);
    });
    tablist.addEventListener("keydown", function (e) {
      var tabs = Array.prototype.filter.call(tablist.querySelectorAll("[role=tab]"), function (t) { return !t.hidden; });
      var i = tabs.indexOf(document.activeElement), next = null;
      if (e.key === "ArrowRight") next = tabs[(i + 1) % tabs.length];
      else if (e.key === "ArrowLeft") next = tabs[(i - 1 + tabs.length) % tabs.length];
      else if (e.key === "Home") next = tabs[0];
      else if (e.key === "End") next = tabs[tabs.length - 1];
      if (next) { e.preventDefault(); select(next); next.focus(); }
    });
  }

  // --- split into a thread (the server cuts at sentence ends by each network's count) --
  var split = form.querySelector("[data-split-thread]");
  if (split) split.addEventListener("click", function () {
    var status = form.querySelector("[data-split-status]");
    var body = new FormData();
    body.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    body.append("text", shared.value);
    checked().forEach(function (box) { body.append("accounts", box.value); });
    split.disabled = true;
    fetch(split.getAttribute("data-split-url"), { method: "POST", body: body, credentials: "same-origin" })
      .then(function (r) { return r.json().then(function (data) { return { ok: r.ok, data: data }; }); })
      .then(function (res) {
        if (!res.ok) { status.textContent = res.data.error || ""; return; }
        shared.value = res.data.text;
        shared.dispatchEvent(new Event("input", { bubbles: true }));
        status.textContent = (form.getAttribute("data-split-done") || "%s parts").replace("%s", res.data.parts);
      })
      .catch(function () { status.textContent = form.getAttribute("data-split-failed") || ""; })
      .then(function () { split.disabled = false; });
  });

  // --- snippets and hashtag ideas ------------------------------------------------------
  function insertAtCursor(value) {
    var start = shared.selectionStart, end = shared.selectionEnd, v = shared.value;
    var glue = start > 0 && !/\s$/.test(v.slice(0, start)) ? " " : "";
    shared.value = v.slice(0, start) + glue + value + v.slice(end);
    shared.focus();
    shared.dispatchEvent(new Event("input", { bubbles: true }));
  }
  var insert = form.querySelector("[data-snippet-insert]");
  if (insert) insert.addEventListener("click", function () {
    var value = form.querySelector("[data-snippet-select]").value;
    if (value) insertAtCursor(value);
  });
  form.addEventListener("click", function (event) {
    var idea = event.target.closest("[data-hashtag-insert]");
    if (!idea) return;
    var tag = idea.getAttribute("data-hashtag-insert");
    insertAtCursor(tag);
    // Chosen: it is in the text now, wherever else it is suggested.
    form.querySelectorAll("[data-hashtag-insert]").forEach(function (b) {
      if (b.getAttribute("data-hashtag-insert") === tag) b.disabled = true;
    });
  });

  // --- media ---------------------------------------------------------------------------
  var chosen = form.querySelector("[data-chosen-media]");
  function addMedia(data) {
    if (!chosen || chosen.querySelector("[data-asset='" + data.id + "']")) return;
    var li = document.createElement("li");
    li.className = "chosen-item"; li.setAttribute("data-asset", data.id); li.setAttribute("data-licensed", data.licensed);
    var hidden = document.createElement("input"); hidden.type = "hidden"; hidden.name = "media"; hidden.value = data.id; li.appendChild(hidden);
    if (data.thumb) { var img = document.createElement("img"); img.src = data.thumb; img.alt = ""; img.className = "thumb"; li.appendChild(img); }
    var field = document.createElement("div"); field.className = "field";
    var label = document.createElement("label"); label.htmlFor = "alt-" + data.id; label.textContent = form.getAttribute("data-alt-label") || ("Alt text: " + data.name);
    var area = document.createElement("textarea"); area.id = "alt-" + data.id; area.name = "alt_" + data.id; area.rows = 2; area.value = data.alt || "";
    field.appendChild(label); field.appendChild(area);
    if (data.licensed === "0") { var w = document.createElement("p"); w.className = "help warn"; w.textContent = form.getAttribute("data-no-licence") || "No licence recorded"; field.appendChild(w); }
    li.appendChild(field);
    var rm = document.createElement("button"); rm.type = "button"; rm.className = "btn btn-small"; rm.setAttribute("data-remove-media", ""); rm.textContent = form.getAttribute("data-remove-label") || "Remove";
    li.appendChild(rm);
    chosen.appendChild(li);
    document.body.dispatchEvent(new Event("media-changed"));
    render();
  }
  function fromDataset(el) {
    return { id: el.getAttribute("data-pick-media") || el.getAttribute("data-asset"), thumb: el.getAttribute("data-thumb"),
             alt: el.getAttribute("data-alt"), licensed: el.getAttribute("data-licensed"), name: el.getAttribute("data-name") };
  }
  document.addEventListener("click", function (e) {
    var pick = e.target.closest("[data-pick-media]");
    if (pick) { addMedia(fromDataset(pick)); pick.setAttribute("aria-pressed", "true"); }
    var rm = e.target.closest("[data-remove-media]");
    if (rm && form.contains(rm)) { rm.closest("li").remove(); document.body.dispatchEvent(new Event("media-changed")); render(); }
  });

  var zone = form.querySelector("[data-dropzone]");
  function upload(files) {
    var status = zone.querySelector("[data-upload-status]");
    // One after another, so several files keep the order they were chosen in (the order of
    // a carousel or a gallery).
    Array.prototype.reduce.call(files, function (previous, file) {
      return previous.then(function () { return uploadOne(file, status); });
    }, Promise.resolve());
  }
  function uploadOne(file, status) {
    var body = new FormData();
    body.append("file", file);
    var own = zone.querySelector("[data-upload-own-work]");
    if (own && own.checked) body.append("own_work", "on");
    body.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    status.textContent = file.name + " …";
    return fetch(zone.getAttribute("data-upload-url"), { method: "POST", body: body, headers: { "HX-Request": "true" }, credentials: "same-origin" })
      .then(function (r) { return r.text().then(function (t) { return { ok: r.ok, html: t }; }); })
      .then(function (res) {
        var doc = new DOMParser().parseFromString(res.html, "text/html");
        var made = doc.querySelector("[data-uploaded]");
        if (res.ok && made) {
          addMedia(fromDataset(made)); status.textContent = file.name + " ✓";
          // the library below shows the new file at once (not "the library is empty")
          var search = document.getElementById("media-search");
          if (window.htmx && search) window.htmx.ajax("GET", search.getAttribute("hx-get"), { target: "#media-picker-list", values: { q: search.value } });
        }
        else { status.textContent = file.name + ": " + (doc.body.textContent || "").trim(); }
      })
      .catch(function () { status.textContent = file.name + ": upload failed"; });
  }
  if (zone) {
    zone.querySelector("[data-upload-input]").addEventListener("change", function (e) { upload(e.target.files); e.target.value = ""; });
    ["dragenter", "dragover"].forEach(function (t) { zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.add("dragging"); }); });
    ["dragleave", "drop"].forEach(function (t) { zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.remove("dragging"); }); });
    zone.addEventListener("drop", function (e) { if (e.dataTransfer && e.dataTransfer.files.length) upload(e.dataTransfer.files); });
  }

  // --- confirm before publishing now; warn before leaving with unsaved changes ---------
  var dirty = false;
  form.addEventListener("input", function () { dirty = true; render(); });
  form.addEventListener("change", render);
  form.addEventListener("submit", function (e) {
    var btn = e.submitter;
    if (btn && btn.hasAttribute("data-confirm") && !window.confirm(btn.getAttribute("data-confirm"))) { e.preventDefault(); return; }
    dirty = false;
  });
  window.addEventListener("beforeunload", function (e) { if (dirty) { e.preventDefault(); e.returnValue = ""; } });
  render();
})();
