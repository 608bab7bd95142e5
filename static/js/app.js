// Small progressive enhancements for the whole UI. Everything works without it.
(function () {
  "use strict";

  function on(event, selector, handler) {
    document.addEventListener(event, function (e) {
      var el = e.target.closest(selector);
      if (el) handler(e, el);
    });
  }

  // Confirmation dialogs (native <dialog>): data-dialog-open="id" / data-dialog-close.
  on("click", "[data-dialog-open]", function (e, el) {
    var dialog = document.getElementById(el.getAttribute("data-dialog-open"));
    if (dialog && dialog.showModal) { e.preventDefault(); dialog.showModal(); }
  });
  on("click", "[data-dialog-close]", function (e, el) {
    var dialog = el.closest("dialog");
    if (dialog) { e.preventDefault(); dialog.close(); }
  });

  // Selects that submit their form on change (language picker).
  on("change", "select[data-autosubmit]", function (e, el) { el.form.requestSubmit(); });

  // Flash messages can be dismissed.
  on("click", "[data-dismiss]", function (e, el) {
    var flash = el.closest(".flash");
    if (flash) flash.remove();
  });

  // Collapsible navigation on small screens: the toggle opens a drawer; Escape, a click
  // outside it or a wider window closes it again and focus returns to the toggle.
  function setNav(open, focusToggle) {
    var toggle = document.querySelector("[data-nav-toggle]");
    if (!toggle) return;
    toggle.setAttribute("aria-expanded", String(open));
    document.body.classList.toggle("nav-open", open);
    if (open) {
      var first = document.querySelector("#sidenav a");
      if (first) first.focus();
    } else if (focusToggle) {
      toggle.focus();
    }
  }
  on("click", "[data-nav-toggle]", function (e, el) {
    setNav(el.getAttribute("aria-expanded") !== "true", false);
  });
  document.addEventListener("click", function (e) {
    if (!document.body.classList.contains("nav-open")) return;
    if (e.target.closest("#sidenav, [data-nav-toggle]")) return;
    setNav(false, false);
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && document.body.classList.contains("nav-open")) setNav(false, true);
  });
  if (window.matchMedia) {
    window.matchMedia("(min-width: 56.0625rem)").addEventListener("change", function (mq) {
      if (mq.matches) setNav(false, false);
    });
  }

  // Only one dropdown menu open at a time.
  document.addEventListener("toggle", function (e) {
    var d = e.target;
    if (!(d instanceof HTMLDetailsElement) || !d.classList.contains("menu") || !d.open) return;
    document.querySelectorAll("details.menu[open]").forEach(function (other) {
      if (other !== d) other.removeAttribute("open");
    });
  }, true);

  // Close a <details> menu when clicking elsewhere or pressing Escape.
  document.addEventListener("click", function (e) {
    document.querySelectorAll("details.menu[open]").forEach(function (d) {
      if (!d.contains(e.target)) d.removeAttribute("open");
    });
  });
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    document.querySelectorAll("details.menu[open]").forEach(function (d) {
      d.removeAttribute("open");
      var summary = d.querySelector("summary");
      if (summary) summary.focus();
    });
  });

  // Move focus to an error summary so screen-reader users hear it first.
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.querySelector("[data-autofocus]");
    if (box) box.focus();
  });

  // A table that scrolls sideways (a narrow screen, long German words) must be reachable
  // with the keyboard: it gets a tab stop while, and only while, it overflows.
  function scrollableTables(root) {
    (root || document).querySelectorAll(".table-wrap").forEach(function (wrap) {
      if (wrap.dataset.tabstop === "fixed") return;
      if (wrap.hasAttribute("tabindex") && !wrap.dataset.tabstop) { wrap.dataset.tabstop = "fixed"; return; }
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        wrap.setAttribute("tabindex", "0");
        wrap.dataset.tabstop = "auto";
      } else if (wrap.dataset.tabstop === "auto") {
        wrap.removeAttribute("tabindex");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () { scrollableTables(); });
  window.addEventListener("resize", function () { scrollableTables(); });
  document.addEventListener("htmx:afterSettle", function (e) { scrollableTables(e.detail && e.detail.target); });

  // A click on the backdrop of a confirmation dialog cancels it, like Escape does.
  document.addEventListener("click", function (e) {
    if (e.target instanceof HTMLDialogElement && e.target.open) {
      var r = e.target.getBoundingClientRect();
      var inside = e.clientX >= r.left && e.clientX <= r.right && e.clientY >= r.top && e.clientY <= r.bottom;
      if (!inside) e.target.close();
    }
  });

  // htmx: a thin progress bar at the top while any request runs, so no swap is silent
  // even where a page has no indicator of its own. Shown only after 250 ms, so quick
  // swaps and background polling do not flicker.
  var pending = 0, busyTimer = null;
  function setBusy(delta) {
    pending = Math.max(0, pending + delta);
    if (pending > 0 && !busyTimer) {
      busyTimer = setTimeout(function () {
        if (pending > 0) document.body.classList.add("is-loading");
      }, 250);
    }
    if (pending === 0) {
      clearTimeout(busyTimer);
      busyTimer = null;
      document.body.classList.remove("is-loading");
    }
  }
  document.addEventListener("htmx:beforeRequest", function () { setBusy(1); });
  document.addEventListener("htmx:afterRequest", function () { setBusy(-1); });

  // htmx: after a swap, focus what the new content asks for (an error summary, a field).
  document.addEventListener("htmx:afterSettle", function (e) {
    var target = e.detail && e.detail.target;
    var box = target && target.querySelector && target.querySelector("[data-autofocus]");
    if (box) box.focus();
  });

  // htmx: a failed request must never be a silent no-op.
  // The texts come translated from the page (templates/base.html, data-msg-*).
  document.addEventListener("htmx:responseError", function () {
    showFlash(document.body.dataset.msgRequestFailed, "error");
  });
  document.addEventListener("htmx:sendError", function () {
    showFlash(document.body.dataset.msgOffline, "error");
  });

  function showFlash(text, level) {
    var main = document.getElementById("main");
    if (!main) return;
    var stack = main.querySelector(".flash-stack");
    if (!stack) {
      stack = document.createElement("div");
      stack.className = "flash-stack";
      stack.setAttribute("role", "status");
      stack.setAttribute("aria-live", "polite");
      main.prepend(stack);
    }
    var flash = document.createElement("div");
    flash.className = "flash flash-" + level;
    var span = document.createElement("span");
    span.textContent = text;
    flash.appendChild(span);
    stack.appendChild(flash);
  }
  window.socialmgr = { showFlash: showFlash };
})();

/* A form with data-confirm asks before it is sent (e.g. "Delete and post again"). */
document.addEventListener("submit", function (e) {
  var form = e.target;
  if (form.matches && form.matches("form[data-confirm]") && !window.confirm(form.getAttribute("data-confirm"))) e.preventDefault();
});
