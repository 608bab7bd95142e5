// The writing assistant: streams suggestions from the server (text/event-stream read with
// fetch, no library) into the page. A suggestion changes nothing until "Use this".
(function () {
  "use strict";
  // Loaded once per page (the composer panel and the inbox page head may both bring it).
  if (window.socialmgrAssistant) return;
  window.socialmgrAssistant = true;

  function csrf() {
    var field = document.querySelector("[name=csrfmiddlewaretoken]");
    if (field) return field.value;
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function fill(template, values) {
    return (template || "").replace(/\{(\w+)\}/g, function (_m, key) {
      return values[key] === undefined ? "" : String(values[key]);
    });
  }

  // POST `body` to `url` and call on.delta(text), then on.done(data) or on.error(message).
  function stream(url, body, labels, on) {
    var settled = false;
    function error(message) { if (!settled) { settled = true; on.error(message); } }
    function dispatch(block) {
      var name = "message", data = [];
      block.split("\n").forEach(function (line) {
        if (line.indexOf("event:") === 0) name = line.slice(6).trim();
        else if (line.indexOf("data:") === 0) data.push(line.slice(5).replace(/^ /, ""));
      });
      if (!data.length) return;
      var payload;
      try { payload = JSON.parse(data.join("\n")); } catch (e) { error(labels.failed); return; }
      if (name === "delta") on.delta(payload.text || "");
      else if (name === "done" && !settled) { settled = true; on.done(payload); }
      else if (name === "error") error(payload.message || labels.failed);
    }
    return fetch(url, { method: "POST", body: body, credentials: "same-origin",
                        headers: { "X-CSRFToken": csrf(), "Accept": "text/event-stream" } })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (type.indexOf("text/event-stream") !== 0 || !response.body) {
          return response.json().then(function (d) { error(d.error || labels.failed); },
                                      function () { error(labels.failed); });
        }
        var reader = response.body.getReader(), decoder = new TextDecoder(), buffer = "";
        function pump() {
          return reader.read().then(function (chunk) {
            if (chunk.done) {
              buffer += decoder.decode();
              if (buffer.trim()) dispatch(buffer.replace(/\r/g, ""));
              error(labels.brokeOff);
              return;
            }
            buffer += decoder.decode(chunk.value, { stream: true }).replace(/\r/g, "");
            var at;
            while ((at = buffer.indexOf("\n\n")) >= 0) {
              dispatch(buffer.slice(0, at));
              buffer = buffer.slice(at + 2);
            }
            return pump();
          });
        }
        return pump();
      })
      .catch(function () { error(labels.failed); });
  }

  function labelsOf(panel) {
    var d = panel.dataset;
    return { failed: d.failed, brokeOff: d.brokeOff, use: d.use, add: d.add, discard: d.discard,
             writing: d.writing, shortenFit: d.shortenFit, fits: d.fits, tooLong: d.tooLong,
             applied: d.applied, editLabel: d.editLabel };
  }

  function button(text, className) {
    var b = document.createElement("button");
    b.type = "button"; b.className = className || "btn btn-small"; b.textContent = text;
    return b;
  }

  var counter = 0;
  // One suggestion card: title, the text as it streams, then an editable box and actions.
  function Card(results, title, labels) {
    counter += 1;
    this.labels = labels;
    this.el = document.createElement("article");
    this.el.className = "assistant-card";
    this.el.setAttribute("data-assistant-card", "");
    var h = document.createElement("h4"); h.textContent = title; this.el.appendChild(h);
    this.body = document.createElement("div"); this.el.appendChild(this.body);
    this.id = "assistant-suggestion-" + counter;
    results.appendChild(this.el);
  }
  Card.prototype.start = function () {
    this.body.textContent = "";
    this.live = document.createElement("p");
    this.live.className = "assistant-stream"; this.live.setAttribute("data-assistant-stream", "");
    this.status = document.createElement("p");
    this.status.className = "muted small"; this.status.textContent = this.labels.writing;
    this.body.appendChild(this.live); this.body.appendChild(this.status);
  };
  Card.prototype.delta = function (text) { this.live.textContent += text; };
  Card.prototype.fail = function (message) {
    this.status.className = "field-error"; this.status.setAttribute("role", "alert");
    this.status.textContent = message;
    var discard = button(this.labels.discard); var el = this.el;
    discard.addEventListener("click", function () { el.remove(); });
    this.body.appendChild(discard);
  };
  // The finished text in an editable box, with how it measures and what can be done with it.
  Card.prototype.done = function (data, actions) {
    this.body.textContent = "";
    var label = document.createElement("label"); label.htmlFor = this.id;
    label.className = "small"; label.textContent = this.labels.editLabel;
    var box = document.createElement("textarea"); box.id = this.id; box.rows = 4;
    box.value = data.text || ""; box.setAttribute("data-assistant-result", "");
    this.body.appendChild(label); this.body.appendChild(box);
    var labels = this.labels, list = document.createElement("ul");
    list.className = "plain assistant-checks";
    (data.checks || []).forEach(function (check) {
      var li = document.createElement("li");
      li.className = check.fits ? "fits" : "over";
      li.setAttribute("data-fits", check.fits ? "yes" : "no");
      li.textContent = fill(check.fits ? labels.fits : labels.tooLong, check);
      list.appendChild(li);
    });
    if (list.children.length) this.body.appendChild(list);
    var bar = document.createElement("div"); bar.className = "assistant-card-actions";
    var el = this.el;
    actions.forEach(function (action) {
      var b = button(action.label, action.primary ? "btn btn-small btn-primary" : "btn btn-small");
      if (action.name) b.setAttribute("data-assistant-" + action.name, "");
      b.addEventListener("click", function () { action.run(box.value, el); });
      bar.appendChild(b);
    });
    var discard = button(labels.discard);
    discard.addEventListener("click", function () { el.remove(); });
    bar.appendChild(discard);
    this.body.appendChild(bar);
    box.focus({ preventScroll: true });
  };

  function setValue(field, value) {
    field.value = value;
    field.dispatchEvent(new Event("input", { bubbles: true }));
    field.focus();
  }

  function appliedNote(card, labels, text) {
    var note = document.createElement("p"); note.className = "muted small";
    note.setAttribute("role", "status"); note.textContent = text || labels.applied;
    card.replaceChildren(note);
    window.setTimeout(function () { card.remove(); }, 4000);
  }

  // --- the composer ----------------------------------------------------------------------
  var composer = document.querySelector("[data-assistant-composer]");
  if (composer) {
    var form = composer.closest("form");
    var shared = form.querySelector("#id_text");
    var results = composer.querySelector("[data-assistant-results]");
    var labels = labelsOf(composer);
    var url = composer.getAttribute("data-url");

    var chosen = function () {
      return Array.prototype.slice.call(form.querySelectorAll("input[name=accounts]:checked"));
    };
    var ask = function (card, fields, onDone) {
      var body = new FormData();
      Object.keys(fields).forEach(function (key) {
        [].concat(fields[key]).forEach(function (v) { body.append(key, v); });
      });
      card.start();
      return stream(url, body, labels, {
        delta: function (t) { card.delta(t); },
        done: function (data) { onDone(data); },
        error: function (message) { card.fail(message); },
      });
    };

    // A variant goes into the account's own version; too long → shorten it to fit.
    var variantFor = function (box) {
      var title = fill(composer.getAttribute("data-variant-for"),
                       { handle: box.getAttribute("data-handle"), network: box.getAttribute("data-provider") });
      var card = new Card(results, title, labels);
      var run = function (fields) {
        return ask(card, fields, function (data) {
          var check = (data.checks || [])[0];
          if (check && check.network) card.el.querySelector("h4").textContent =
            fill(composer.getAttribute("data-variant-for"), { handle: check.handle, network: check.network });
          var actions = [{ label: labels.use, primary: true, name: "use", run: function (text, el) {
            var override = form.querySelector("[data-override='" + box.value + "']");
            if (override) setValue(override, text);
            appliedNote(el, labels, fill(composer.getAttribute("data-applied-variant"),
                                         { handle: box.getAttribute("data-handle") }));
          } }];
          if (check && !check.fits) actions.push({ label: labels.shortenFit, name: "shorten", run: function (text) {
            run({ action: "shorten", text: text, accounts: box.value });
          } });
          card.done(data, actions);
        });
      };
      return run({ action: "variant", text: shared.value, accounts: box.value });
    };

    composer.addEventListener("click", function (event) {
      var trigger = event.target.closest("[data-assistant-action]");
      if (!trigger) return;
      var action = trigger.getAttribute("data-assistant-action");
      var boxes = chosen();
      if ((action === "variant" || action === "shorten") && !boxes.length) {
        var card = new Card(results, trigger.textContent.trim(), labels);
        card.start(); card.fail(composer.getAttribute("data-no-accounts")); return;
      }
      trigger.disabled = true;
      var finished = function () { trigger.disabled = false; };
      if (action === "variant") {
        // One after another: each streams into its own card.
        boxes.reduce(function (chain, box) {
          return chain.then(function () { return variantFor(box); });
        }, Promise.resolve()).then(finished, finished);
        return;
      }
      var titles = { shorten: "titleShorten", translate: "titleTranslate", tone: "titleTone", hashtags: "titleHashtags" };
      var single = new Card(results, composer.dataset[titles[action]], labels);
      var fields = { action: action, text: shared.value, accounts: boxes.map(function (b) { return b.value; }) };
      if (action === "translate") fields.language = composer.querySelector("[data-assistant-language]").value;
      if (action === "tone") fields.tone = composer.querySelector("[data-assistant-tone]").value;
      ask(single, fields, function (data) {
        var use = action === "hashtags"
          ? { label: labels.add, primary: true, name: "use", run: function (text, el) {
                var v = shared.value.replace(/\s+$/, "");
                setValue(shared, v + (v ? "\n\n" : "") + text.trim()); appliedNote(el, labels); } }
          : { label: labels.use, primary: true, name: "use", run: function (text, el) {
                setValue(shared, text); appliedNote(el, labels); } };
        single.done(data, [use]);
      }).then(finished, finished);
    });
  }

  // --- a reply in the inbox ---------------------------------------------------------------
  document.addEventListener("click", function (event) {
    var trigger = event.target.closest("[data-assistant-reply]");
    if (!trigger) return;
    var panel = trigger.closest("[data-assistant-reply-panel]");
    var labels = labelsOf(panel);
    var results = panel.querySelector("[data-assistant-results]");
    var card = new Card(results, panel.getAttribute("data-title"), labels);
    card.start();
    trigger.disabled = true;
    stream(panel.getAttribute("data-url"), new FormData(), labels, {
      delta: function (t) { card.delta(t); },
      done: function (data) {
        card.done(data, [{ label: labels.use, primary: true, name: "use", run: function (text, el) {
          var form = panel.closest("[data-reply-form]");
          var box = form && form.querySelector("textarea[name=text]");
          if (box) setValue(box, text);
          appliedNote(el, labels);
        } }]);
      },
      error: function (message) { card.fail(message); },
    }).then(function () { trigger.disabled = false; });
  });

  // --- alt text for an image in the composer (models that accept images) -----------------
  var altPanel = document.querySelector("[data-assistant-composer][data-alt-url]");
  var chosenList = altPanel && altPanel.closest("form").querySelector("[data-chosen-media]");
  // One alt-text suggestion (composer image or media page): streamed into `status`, put
  // into `area` only when the person clicks "Use this".
  function suggestAlt(ask, status, area, labels, urlOf) {
    ask.addEventListener("click", function () {
      var text = "";
      ask.disabled = true; status.textContent = labels.writing;
      stream(urlOf(), new FormData(), labels, {
        delta: function (t) { text += t; status.textContent = text; },
        done: function (data) {
          status.textContent = "";
          var suggestion = document.createElement("span"); suggestion.textContent = data.text + " ";
          var use = button(labels.use, "btn btn-small btn-primary");
          use.setAttribute("data-assistant-use-alt", "");
          use.addEventListener("click", function () { setValue(area, data.text); status.textContent = labels.applied; });
          status.appendChild(suggestion); status.appendChild(use);
        },
        error: function (message) { status.textContent = message; },
      }).then(function () { ask.disabled = false; });
    });
  }

  if (chosenList) {
    var altLabels = labelsOf(altPanel);
    var offerAlt = function (item) {
      var area = item.querySelector("textarea");
      var thumb = item.querySelector("img.thumb");
      if (!area || !thumb || item.querySelector("[data-assistant-alt]")) return;
      var bar = document.createElement("div"); bar.className = "assistant-alt";
      var ask = button(altPanel.getAttribute("data-suggest-alt"));
      ask.setAttribute("data-assistant-alt", "");
      var status = document.createElement("span");
      status.className = "muted small"; status.setAttribute("aria-live", "polite");
      bar.appendChild(ask); bar.appendChild(status);
      area.insertAdjacentElement("afterend", bar);
      suggestAlt(ask, status, area, altLabels, function () {
        return altPanel.getAttribute("data-alt-url").replace(/0\/$/, item.getAttribute("data-asset") + "/");
      });
    };
    Array.prototype.forEach.call(chosenList.querySelectorAll("[data-asset]"), offerAlt);
    new MutationObserver(function (changes) {
      changes.forEach(function (change) {
        Array.prototype.forEach.call(change.addedNodes, function (node) {
          if (node.nodeType === 1 && node.hasAttribute("data-asset")) offerAlt(node);
        });
      });
    }).observe(chosenList, { childList: true });
  }

  // --- alt text on the media library's edit page ------------------------------------------
  Array.prototype.forEach.call(document.querySelectorAll("[data-assistant-media-alt]"), function (panel) {
    var labels = labelsOf(panel);
    var area = document.getElementById(panel.getAttribute("data-target"));
    var ask = panel.querySelector("[data-assistant-alt]");
    var status = panel.querySelector("[data-assistant-alt-status]");
    if (!area || !ask || !status) return;
    suggestAlt(ask, status, area, labels, function () { return panel.getAttribute("data-url"); });
  });
})();
