// The content calendar: FullCalendar (vendored) fed by /calendar/feed/.
//
// Time zones: FullCalendar runs with timeZone "UTC" and the server sends wall-clock
// times of the display zone without an offset, so what FullCalendar calls "UTC" IS the
// wall clock of that zone. Moving a post sends the new wall clock + zone back; the
// server converts with zoneinfo (DST gaps/overlaps decided there, with a message).
(function () {
  "use strict";

  var el = document.getElementById("calendar");
  if (!el || !window.FullCalendar) return;
  var d = el.dataset;
  var VIEW_KEY = "socialmgr.calendar.view";
  var UNDO_MS = 8000;
  var LOGOS = ["bluesky", "facebook", "instagram", "mastodon", "threads", "x"];
  var loadedAt = Date.now();
  var serverNow = parseWall(d.now);

  function parseWall(s) { return new Date(s.length === 16 ? s + ":00Z" : s + "Z"); }
  function wallISO(date) { return date.toISOString().slice(0, 16); }
  function nowWall() { return new Date(serverNow.getTime() + (Date.now() - loadedAt)); }
  function csrf() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; }
    catch (e) { return ""; }
  }

  // --- toast with Undo ------------------------------------------------------------
  var toastEl = document.querySelector("[data-cal-toast]");
  var toastText = document.querySelector("[data-cal-toast-text]");
  var undoBtn = document.querySelector("[data-cal-undo]");
  var pendingUndo = null;
  var toastTimer = null;

  function toast(message, undo, kind) {
    toastText.textContent = message;
    toastEl.hidden = false;
    toastEl.classList.toggle("cal-toast-error", kind === "error");
    pendingUndo = undo || null;
    undoBtn.hidden = !undo;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () {
      toastEl.hidden = true;
      pendingUndo = null;
    }, UNDO_MS);
  }
  function fail(message) { toast(message, null, "error"); }

  undoBtn.addEventListener("click", function () {
    if (pendingUndo) { var fn = pendingUndo; pendingUndo = null; fn(); }
  });

  // --- server calls ---------------------------------------------------------------
  function movePost(id, start) {
    var body = new URLSearchParams({ start: start, tz: d.tz });
    return fetch(d.moveUrl.replace("/0/", "/" + encodeURIComponent(id) + "/"), {
      method: "POST", credentials: "same-origin", body: body,
      headers: { "X-CSRFToken": csrf(), "Accept": "application/json" },
    }).then(function (r) {
      return r.json().catch(function () { return { ok: false, error: d.labelFailed }; });
    });
  }

  function filterParams() {
    var form = document.querySelector("[data-cal-filters]");
    var params = new URLSearchParams();
    if (!form) return params;
    new FormData(form).forEach(function (value, key) { params.append(key, value); });
    return params;
  }

  function loadEvents(info, success, failure) {
    var params = filterParams();
    params.set("start", wallISO(info.start));
    params.set("end", wallISO(info.end));
    fetch(d.feedUrl + "?" + params.toString(), {
      credentials: "same-origin", headers: { "Accept": "application/json" },
    }).then(function (r) {
      if (!r.ok) throw new Error(String(r.status));
      return r.json();
    }).then(success).catch(function (err) { fail(d.labelError); failure(err); });
  }

  // --- event cards (status label + icon, never colour alone) -------------------------
  function node(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text) n.textContent = text;
    return n;
  }

  var SVG = "http://www.w3.org/2000/svg";

  // A network's icon with an accessible name ("Mastodon: @acme"): its logo when we ship
  // one, otherwise a neutral icon — never a cryptic two-letter code.
  function platformIcon(t) {
    var name = (t.platformName || t.platform) + ": " + t.account;
    var tip = name + " · " + t.statusLabel + (t.error ? " — " + t.error : "");
    if (LOGOS.indexOf(t.platform) >= 0) {
      var img = node("img", "ev-logo");
      img.src = d.static + t.platform + ".svg";
      img.alt = name;
      img.title = tip;
      return img;
    }
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("class", "ev-logo icon");
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", name);
    var title = document.createElementNS(SVG, "title");
    title.textContent = tip;
    var use = document.createElementNS(SVG, "use");
    use.setAttribute("href", d.sprite + "#globe");
    svg.appendChild(title);
    svg.appendChild(use);
    return svg;
  }

  function renderEvent(arg) {
    var p = arg.event.extendedProps;
    var card = node("div", "ev status-" + p.status + (p.overdue ? " ev-overdue" : ""));
    var head = node("div", "ev-head");
    if (arg.timeText) head.appendChild(node("span", "ev-time", arg.timeText));
    var platforms = node("span", "ev-platforms");
    var seen = {};
    var shown = 0;
    (p.targets || []).forEach(function (t) {
      if (seen[t.platform + t.account]) return;
      seen[t.platform + t.account] = true;
      if (shown >= 3) return;
      platforms.appendChild(platformIcon(t));
      shown += 1;
    });
    var extra = (p.targets || []).length - shown;
    if (extra > 0) platforms.appendChild(node("span", "ev-more", "+" + extra));
    head.appendChild(platforms);
    card.appendChild(head);
    var status = node("span", "ev-status badge status-" + p.status, p.statusLabel);
    status.title = p.statusLabel;
    card.appendChild(status);
    var body = node("div", "ev-body");
    if (p.thumb && p.thumb.url) {
      var thumb = node("img", "ev-thumb");
      thumb.src = p.thumb.url;
      thumb.alt = p.thumb.alt || "";
      body.appendChild(thumb);
    }
    body.appendChild(node("span", "ev-text", arg.event.title));
    card.appendChild(body);
    (p.labels || []).forEach(function (l) { card.appendChild(node("span", "ev-label", l.name)); });
    return { domNodes: [card] };
  }

  // --- preview dialog ---------------------------------------------------------------
  var dialog = document.getElementById("cal-preview");
  var dialogBody = dialog.querySelector("[data-cal-preview-body]");

  function openPreview(url) {
    fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error(String(r.status));
      return r.text();
    }).then(function (html) {
      dialogBody.innerHTML = html;
      if (window.htmx) window.htmx.process(dialogBody);
      dialog.showModal();
      var close = dialog.querySelector("[data-dialog-close]");
      if (close) close.focus();
    }).catch(function () { fail(d.labelError); });
  }

  // --- compose from an empty day or slot (never in the past) ----------------------------
  function composeAt(date, allDay) {
    if (!d.composeUrl) return;
    var now = nowWall();
    var when = new Date(date.getTime());
    if (allDay) {
      var today = wallISO(now).slice(0, 10);
      var day = wallISO(when).slice(0, 10);
      if (day < today) return;
      if (day === today) {
        when = new Date(now.getTime());
        when.setUTCMinutes(0, 0, 0);
        when.setUTCHours(when.getUTCHours() + 1);
        if (wallISO(when).slice(0, 10) !== day) return;  // no hour left today
      } else {
        when.setUTCHours(9, 0, 0, 0);
      }
    } else if (when <= now) {
      return;
    }
    var iso = wallISO(when);
    window.location.href = d.composeUrl + "?date=" + iso.slice(0, 10) + "&time=" + iso.slice(11, 16);
  }

  // --- drag to reschedule, with undo -------------------------------------------------------
  function onDrop(info) {
    var ev = info.event;
    var previous = wallISO(info.oldEvent.start);
    if (ev.start <= nowWall()) { info.revert(); fail(d.labelPast); return; }
    movePost(ev.id, wallISO(ev.start)).then(function (res) {
      if (!res.ok) { info.revert(); fail(res.error || d.labelFailed); return; }
      if (res.start) ev.setStart(parseWall(res.start));
      toast(res.message + (res.note ? " " + res.note : ""), function () {
        movePost(ev.id, previous).then(function (back) {
          if (!back.ok) { fail(back.error || d.labelFailed); return; }
          ev.setStart(parseWall(back.start));
          toast(d.labelUndone);
        }).catch(function () { fail(d.labelFailed); });
      });
    }).catch(function () { info.revert(); fail(d.labelFailed); });
  }

  var views = { m: "dayGridMonth", w: "timeGridWeek", l: "listMonth" };
  var saved = null;
  try { saved = window.localStorage.getItem(VIEW_KEY); } catch (e) { saved = null; }
  // On a phone the month grid has no room for a post: it reads as an agenda (list) instead.
  var narrow = window.matchMedia("(max-width: 40rem)");
  var initialView = ["dayGridMonth", "timeGridWeek", "listMonth"].indexOf(saved) >= 0
    ? saved : "dayGridMonth";
  if (narrow.matches && initialView !== "listMonth") initialView = "listMonth";
  var timeFormat = { hour: "2-digit", minute: "2-digit", hour12: false };

  // The toolbar's arrow icons are decoration: their buttons carry the name ("Previous
  // month"); an unnamed role="img" inside is an error for assistive technology.
  function tidyToolbar() {
    el.querySelectorAll(".fc-icon[role=img]").forEach(function (icon) {
      icon.removeAttribute("role");
      icon.setAttribute("aria-hidden", "true");
    });
  }

  var calendar = new window.FullCalendar.Calendar(el, {
    timeZone: "UTC",
    // en → British English (7 Dec 2026, 24-hour), de → German (07.12.2026, 14:30).
    locale: d.locale === "de" ? "de" : "en-gb",
    firstDay: 1,
    initialView: initialView,
    headerToolbar: narrow.matches
      ? { left: "title", right: "prev,next today" }
      : { left: "prev,next today", center: "title", right: "dayGridMonth,timeGridWeek,listMonth" },
    footerToolbar: narrow.matches ? { center: "listMonth,timeGridWeek,dayGridMonth" } : false,
    // Button labels as everywhere in the app (ui.md): capitalised, translated by us.
    buttonText: { today: d.labelToday, month: d.labelMonth, week: d.labelWeek, list: d.labelList },
    buttonHints: { prev: d.labelPrev, next: d.labelNext, today: d.labelToday },
    noEventsContent: d.labelNoEvents,
    now: function () { return nowWall(); },
    nowIndicator: true,
    height: "auto",
    dayMaxEvents: 3,
    moreLinkContent: function (arg) { return "+" + arg.num + " " + d.labelMore; },
    eventStartEditable: true,
    eventDurationEditable: false,
    defaultTimedEventDuration: "00:30:00",
    displayEventEnd: false,
    snapDuration: "00:15:00",
    slotDuration: "00:30:00",
    scrollTime: "08:00:00",
    eventTimeFormat: timeFormat,
    slotLabelFormat: timeFormat,
    eventAllow: function (drop) { return drop.start > nowWall(); },
    events: loadEvents,
    eventContent: renderEvent,
    eventClick: function (info) { info.jsEvent.preventDefault(); openPreview(info.event.url); },
    dateClick: function (info) { composeAt(info.date, info.allDay); },
    eventDrop: onDrop,
    dayCellClassNames: function (arg) { return d.composeUrl ? ["cal-composable"] : []; },
    // A day cell holds its posts too, so naming it by its date alone misleads screen
    // readers (axe: label-content-name-mismatch); the date link inside names the day.
    dayCellDidMount: function (arg) { arg.el.removeAttribute("aria-labelledby"); },
    // "+2 more" opens a popover: a button (aria-expanded is not allowed on a bare link).
    moreLinkDidMount: function (arg) { arg.el.setAttribute("role", "button"); },
    // Busy while events load (assistive technology waits; so do the browser tests).
    loading: function (isLoading) { el.setAttribute("aria-busy", isLoading ? "true" : "false"); },
    datesSet: function (info) {
      tidyToolbar();
      // The phone's agenda is not remembered as a choice for the desktop.
      if (narrow.matches && info.view.type === "listMonth") return;
      try { window.localStorage.setItem(VIEW_KEY, info.view.type); } catch (e) { /* private mode */ }
    },
  });
  calendar.render();
  tidyToolbar();
  el.setAttribute("data-ready", "true");

  // --- filters: refetch in place, keep the URL shareable ---------------------------------
  var form = document.querySelector("[data-cal-filters]");
  function filtersChanged() {
    var params = filterParams();
    var count = 0;
    var names = {};
    params.forEach(function (v, k) { if (!names[k]) { names[k] = true; count += 1; } });
    var badge = form.querySelector("[data-filter-count]");
    if (badge) { badge.hidden = !count; badge.firstElementChild.textContent = String(count); }
    var query = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
    calendar.refetchEvents();
  }
  if (form) {
    form.addEventListener("change", filtersChanged);
    form.addEventListener("submit", function (e) { e.preventDefault(); filtersChanged(); });
    form.querySelectorAll("[data-filter-clear]").forEach(function (link) {
      link.addEventListener("click", function (e) {
        e.preventDefault();
        form.querySelectorAll("input[type=checkbox]").forEach(function (c) { c.checked = false; });
        filtersChanged();
      });
    });
  }

  // --- keyboard shortcuts ----------------------------------------------------------------
  document.addEventListener("keydown", function (e) {
    var typing = e.target.closest("input, textarea, select, [contenteditable]");
    if ((e.ctrlKey || e.metaKey) && !e.shiftKey && (e.key === "z" || e.key === "Z")) {
      if (pendingUndo && !typing) { e.preventDefault(); undoBtn.click(); }
      return;
    }
    if (typing || e.ctrlKey || e.metaKey || e.altKey || dialog.open) return;
    var key = e.key.toLowerCase();
    if (views[key]) { calendar.changeView(views[key]); }
    else if (key === "t") { calendar.today(); }
    else if (e.key === "ArrowLeft") { calendar.prev(); }
    else if (e.key === "ArrowRight") { calendar.next(); }
    else if (key === "n" && d.composeUrl) {
      var soon = nowWall();
      soon.setUTCHours(soon.getUTCHours() + 1, 0, 0, 0);
      var iso = wallISO(soon);
      window.location.href = d.composeUrl + "?date=" + iso.slice(0, 10) + "&time=" + iso.slice(11, 16);
    } else { return; }
    e.preventDefault();
  });

  window.socialmgrCalendar = calendar;  // for the browser tests and the console
})();
