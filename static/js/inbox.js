// The inbox: keyboard shortcuts, the live list keeping its place, saved replies, bulk select.
(function () {
  "use strict";

  var OFF_KEY = "inbox.shortcutsOff";

  function rows() { return Array.prototype.slice.call(document.querySelectorAll("[data-inbox-row]")); }
  function current() {
    // The open conversation's row. The conversation is swapped in before the settle that
    // marks its row, so it is asked first: a key pressed in between must move on from the
    // conversation being shown, not from the row marked before it.
    var id = openedId();
    return (id === null ? null : document.querySelector('[data-inbox-row][data-item-id="' + id + '"]')) ||
      document.querySelector("[data-inbox-row].is-selected");
  }
  function conversation() { return document.getElementById("conversation"); }

  function openedId() {
    var conv = document.querySelector("[data-conversation]");
    return conv ? conv.getAttribute("data-item-id") : null;
  }

  function markSelected() {
    var id = openedId();
    rows().forEach(function (row) {
      var on = id !== null && row.getAttribute("data-item-id") === id;
      row.classList.toggle("is-selected", on);
      var link = row.querySelector("[data-row-link]");
      if (link) { if (on) link.setAttribute("aria-current", "true"); else link.removeAttribute("aria-current"); }
    });
  }

  function open(row) {
    if (!row) return;
    var link = row.querySelector("[data-row-link]");
    row.scrollIntoView({ block: "nearest" });
    if (link) { link.focus({ preventScroll: true }); link.click(); }
  }

  function step(delta) {
    var list = rows();
    if (!list.length) return;
    var at = list.indexOf(current());
    var next = at === -1 ? (delta > 0 ? 0 : list.length - 1) : Math.min(Math.max(at + delta, 0), list.length - 1);
    if (next !== at) open(list[next]);
  }

  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  document.addEventListener("keydown", function (e) {
    if (!document.querySelector("[data-inbox]")) return;
    if (e.key === "Escape" && typing(e.target)) { e.target.blur(); return; }
    var openMenu = e.key === "Escape" && document.querySelector("[data-snooze-menu][open]");
    if (openMenu) { openMenu.open = false; openMenu.querySelector("summary").focus(); return; }
    var inMenu = e.target.closest && e.target.closest("[data-snooze-menu][open]");
    if (inMenu && (e.key === "ArrowDown" || e.key === "ArrowUp")) {
      // Up and down move between the snooze choices, not through the list behind.
      var choices = Array.prototype.slice.call(inMenu.querySelectorAll(".snooze-presets button"));
      var at = choices.indexOf(e.target) + (e.key === "ArrowDown" ? 1 : -1);
      if (choices[at]) { e.preventDefault(); choices[at].focus(); }
      return;
    }
    // Enter in the bulk label field adds the label (the form's first button would mark done).
    if (e.key === "Enter" && e.target.matches("[data-bulk-label]")) {
      e.preventDefault();
      var add = document.querySelector("[data-bulk-label-submit]");
      if (add) add.click();  // a click, so htmx sends the button's action too
      return;
    }
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && e.target.closest("[data-reply-form]")) {
      e.preventDefault(); e.target.closest("form").requestSubmit(); return;
    }
    if (typing(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
    if (document.querySelector("dialog[open]")) return;
    if (localStorage.getItem(OFF_KEY) === "1" && e.key !== "?") return;
    var conv = conversation();
    switch (e.key) {
      case "j": case "ArrowDown": e.preventDefault(); step(1); break;
      case "k": case "ArrowUp": e.preventDefault(); step(-1); break;
      case "e": {
        var done = conv && conv.querySelector("[data-action-done]");
        if (done) {
          e.preventDefault();
          // The server answers with the next conversation of the list (see inbox:advanced).
          // A conversation swapped in a moment ago is wired up by htmx only when it settles;
          // until then the click would post the form natively (a full page load).
          if (done.form && window.htmx) window.htmx.process(done.form);
          done.click();
        }
        break;
      }
      case "r": focusIn(e, "[data-reply-form] textarea"); break;
      case "n": focusIn(e, "[data-note-form] textarea"); break;
      case "a": focusIn(e, "[data-assign-select]"); break;
      case "s": {
        // Open the snooze menu and put the focus on its first choice.
        var menu = conv && conv.querySelector("[data-snooze-menu]");
        if (menu) {
          e.preventDefault();
          menu.open = true;
          var first = menu.querySelector(".snooze-presets button");
          if (first) first.focus();
        }
        break;
      }
      case "/": focusIn(e, "[data-inbox-filters] input[type=search]"); break;
      case "?": {
        var dialog = document.getElementById("inbox-shortcuts");
        if (dialog) { e.preventDefault(); dialog.showModal(); }
        break;
      }
    }
  });

  function focusIn(e, selector) {
    var el = document.querySelector(selector);
    if (el) { e.preventDefault(); el.focus(); }
  }

  // Replace list rows with the fresh copies a response carries (status, assignee …), and
  // take out the rows that left the list (done or snoozed in the open list …).
  function applyRowUpdates(root) {
    root.querySelectorAll("template[data-row-remove]").forEach(function (tpl) {
      var row = document.getElementById("item-row-" + tpl.getAttribute("data-row-remove"));
      if (row) row.remove();
      tpl.remove();
    });
    root.querySelectorAll("template[data-row-update]").forEach(function (tpl) {
      var fresh = tpl.content.firstElementChild;
      var old = fresh && document.getElementById(fresh.id);
      if (old) {
        var checked = old.querySelector(".inbox-row-check");
        old.replaceWith(fresh);
        if (window.htmx) window.htmx.process(fresh);
        var box = fresh.querySelector(".inbox-row-check");
        if (box && checked) box.checked = false;
      }
      tpl.remove();
    });
  }

  // The live list: keep the reader's place when new rows are prepended above. The rows
  // scroll in the list itself (wide screens); on a phone the page scrolls and nothing moves.
  var listScroll = null;
  document.addEventListener("htmx:beforeSwap", function (e) {
    var pane = document.getElementById("inbox-list");
    if (pane && e.detail.target && e.detail.target.id === "inbox-poller") {
      listScroll = { top: pane.scrollTop, height: pane.scrollHeight };
    }
  });

  document.addEventListener("htmx:afterSettle", function () {
    var pane = document.getElementById("inbox-list");
    if (listScroll && pane) {
      if (listScroll.top > 0) pane.scrollTop = listScroll.top + (pane.scrollHeight - listScroll.height);
      listScroll = null;
    }
    applyRowUpdates(document);
    markSelected();
    updateBulk();
  });

  // Mark done, assign, snooze: the server answered with the next conversation of the list
  // (or "nothing else"); the handled row has left the list if it no longer belongs there.
  // The focus goes to the conversation now open, its row is brought into view.
  document.body.addEventListener("inbox:advanced", function (e) {
    var d = e.detail || {};
    if (d.removed) {
      var gone = document.getElementById("item-row-" + d.from);
      if (gone) gone.remove();
    }
    markSelected();
    updateBulk();
    var row = d.to ? document.getElementById("item-row-" + d.to) : null;
    if (row) row.scrollIntoView({ block: "nearest" });
    var conv = conversation();
    if (conv) conv.focus();
  });

  // Reopened or undone: the items are back in the list, which is fetched again.
  document.body.addEventListener("inbox:relist", function () {
    var filters = document.querySelector("[data-inbox-filters]");
    if (!filters || !window.htmx) return;
    window.htmx.ajax("GET", filters.getAttribute("action") + window.location.search,
                     { target: "#inbox-list-pane", swap: "innerHTML" });
  });

  // The bulk band shows its actions once something is selected, with how many.
  function updateBulk() {
    var form = document.getElementById("bulk-form");
    if (!form) return;
    form.classList.add("is-enhanced");
    var n = document.querySelectorAll(".inbox-row-check:checked").length;
    form.classList.toggle("has-selection", n > 0);
    var count = form.querySelector("[data-bulk-count]");
    if (count) { count.hidden = n === 0; count.querySelector("[data-bulk-n]").textContent = n; }
    var all = form.querySelector("[data-select-all]");
    var boxes = document.querySelectorAll(".inbox-row-check").length;
    if (all) all.checked = n > 0 && n === boxes;
  }

  // Saved replies go into the reply box (appended, nothing typed is lost).
  document.addEventListener("change", function (e) {
    var picker = e.target.closest("[data-saved-reply]");
    if (picker && picker.value) {
      var box = picker.closest("form").querySelector("textarea");
      box.value = box.value ? box.value.replace(/\s*$/, "") + "\n" + picker.value : picker.value;
      picker.value = "";
      box.focus();
    }
    var all = e.target.closest("[data-select-all]");
    if (all) {
      document.querySelectorAll(".inbox-row-check").forEach(function (b) { b.checked = all.checked; });
    }
    if (all || e.target.closest(".inbox-row-check")) updateBulk();
    var off = e.target.closest("[data-shortcuts-off]");
    if (off) localStorage.setItem(OFF_KEY, off.checked ? "1" : "0");
  });

  // Coming back to the tab: fetch what arrived meanwhile at once.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && document.getElementById("inbox-poller")) {
      document.body.dispatchEvent(new Event("inbox:refresh"));
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    markSelected();
    updateBulk();
    var off = document.querySelector("[data-shortcuts-off]");
    if (off) off.checked = localStorage.getItem(OFF_KEY) === "1";
  });
})();
