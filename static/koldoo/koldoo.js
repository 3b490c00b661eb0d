// Koldoo's only script of its own: selects marked data-autosubmit submit their form on change
// (the language and organisation switchers). Kept in a file so the CSP can forbid inline script.
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el.matches && el.matches("select[data-autosubmit]") && el.form) {
    el.form.submit();
  }
});

// Ctrl+Enter (or Cmd+Enter) submits forms marked data-ctrl-enter: the intake screen
// is used with one hand on the keyboard while the other holds the phone.
document.addEventListener("keydown", function (event) {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    var form = event.target.closest && event.target.closest("form[data-ctrl-enter]");
    if (form) {
      event.preventDefault();
      form.requestSubmit();
    }
  }
});

// The site menu folds behind its button on small screens. The button starts hidden so that
// without script the whole menu stays visible; the CSS folds it only once this has run.
(function () {
  var toggle = document.querySelector(".menu-toggle[aria-controls]");
  var menu = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
  if (!menu) {
    return;
  }
  var nav = toggle.closest(".site-nav");
  function setOpen(open) {
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    menu.classList.toggle("open", open);
  }
  toggle.hidden = false;
  nav.classList.add("menu-ready");
  toggle.addEventListener("click", function () {
    setOpen(toggle.getAttribute("aria-expanded") !== "true");
  });
  // Escape closes the open menu and gives focus back to its button.
  nav.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
      setOpen(false);
      toggle.focus();
    }
  });
})();

// A form that failed shows an error summary: focus moves to it (autofocus does this where
// the browser honours it on a non-input) so its messages are read first.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary && (document.activeElement === document.body || !document.activeElement)) {
    summary.focus();
  }
});

// No lost intake on a weak connection (decision 0032). A form marked data-keep-draft (with
// templates/draft_banner.html inside it) that cannot reach the server (offline, or a tiny
// request fails once the connection has failed on this page) is not sent: what was typed is
// kept in this tab's sessionStorage (gone when the tab closes, cleared on sign-out, keyed by
// user, membership and form action), a banner says so, and the form is sent for real (same
// fields, same CSRF token) when the connection returns. A submission lost on the way (the
// browser's error page) leaves its draft to be filled in when the form is opened again.
(function () {
  var PREFIX = "koldoo-draft:";
  var MAX_AGE_MS = 12 * 3600 * 1000; // a draft never outlives a working day
  var RETRY_MS = 30 * 1000; // "online" but the server unreachable: try again now and then
  var SKIP = { password: 1, file: 1, submit: 1, button: 1, reset: 1, image: 1, fieldset: 1 };
  var probeUrl = document.currentScript && document.currentScript.src;
  var store = null;
  try {
    store = window.sessionStorage;
    store.getItem(PREFIX);
  } catch (e) {
    store = null; // storage refused (privacy settings): forms behave as without script
  }
  if (!store || !window.JSON) {
    return;
  }
  var pending = null;
  var probing = false;
  var doubtful = false; // has the connection failed while this page was open?
  var retryTimer = null;

  function draftKeys() {
    var keys = [];
    for (var i = 0; i < store.length; i++) {
      var key = store.key(i);
      if (key && key.indexOf(PREFIX) === 0) {
        keys.push(key);
      }
    }
    return keys;
  }
  function clearDrafts(which) {
    draftKeys().forEach(function (key) {
      if (!which || which(key)) {
        store.removeItem(key);
      }
    });
  }
  function readDraft(key) {
    var draft = null;
    try {
      draft = JSON.parse(store.getItem(key));
    } catch (e) {
      draft = null;
    }
    if (draft && !(Date.now() - draft.at <= MAX_AGE_MS && Array.isArray(draft.fields))) {
      draft = null;
    }
    if (!draft) {
      store.removeItem(key);
    }
    return draft;
  }
  function bannerOf(form) {
    return form.matches("form[data-keep-draft]") && form.querySelector("[data-draft-banner]");
  }
  // The attribute, not form.action: a field named "action" would shadow the property.
  function actionOf(form) {
    return new URL(form.getAttribute("action") || location.href, location.href);
  }
  function keyOf(form, banner) {
    var url = actionOf(form);
    return PREFIX + banner.getAttribute("data-draft-owner") + ":" + url.pathname + url.search;
  }
  function skipped(el) {
    return !el.name || SKIP[el.type] || el.name === "csrfmiddlewaretoken";
  }
  function fieldsOf(form) {
    var pairs = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (skipped(el) || el.disabled) {
        return;
      }
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) {
          pairs.push([el.name, el.value]);
        }
      } else if (el.type === "select-multiple") {
        Array.prototype.forEach.call(el.options, function (o) {
          if (o.selected) {
            pairs.push([el.name, o.value]);
          }
        });
      } else {
        pairs.push([el.name, el.value]);
      }
    });
    return pairs;
  }
  function fillIn(form, pairs) {
    var values = {};
    pairs.forEach(function (pair) {
      (values[pair[0]] = values[pair[0]] || []).push(pair[1]);
    });
    Array.prototype.forEach.call(form.elements, function (el) {
      if (skipped(el)) {
        return;
      }
      var mine = values[el.name] || [];
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = mine.indexOf(el.value) !== -1;
      } else if (el.type === "select-multiple") {
        Array.prototype.forEach.call(el.options, function (o) {
          o.selected = mine.indexOf(o.value) !== -1;
        });
      } else if (mine.length) {
        el.value = mine.shift();
      }
    });
  }
  function keep(form, banner, state) {
    try {
      store.setItem(keyOf(form, banner), JSON.stringify({
        fields: fieldsOf(form),
        state: state,
        page: location.pathname,
        at: Date.now(),
      }));
    } catch (e) {
      // Storage full: the entry still stays on the page and is sent when the connection returns.
    }
  }
  function say(banner, which) {
    banner.textContent = banner.getAttribute("data-msg-" + which);
    banner.hidden = false;
  }
  // navigator.onLine false is certain; true only means "some network", so ask the server
  // for this very script (a few hundred bytes of headers, never from cache).
  function serverReachable(done) {
    if (!navigator.onLine) {
      return done(false);
    }
    if (!probeUrl || !window.fetch) {
      return done(true);
    }
    var abort = window.AbortController ? new AbortController() : null;
    var timer = abort && setTimeout(function () { abort.abort(); }, 10000);
    fetch(probeUrl, { method: "HEAD", cache: "no-store", credentials: "same-origin", signal: abort && abort.signal })
      .then(function (r) { return r.ok; }, function () { return false; })
      .then(function (up) {
        clearTimeout(timer);
        done(up);
      });
  }
  function sendForReal(form, submitter) {
    form.setAttribute("data-draft-go", "");
    if (form.requestSubmit) {
      form.requestSubmit(submitter && submitter.form === form ? submitter : null);
    } else {
      var banner = bannerOf(form);
      if (banner) {
        keep(form, banner, "sending");
      }
      form.submit();
    }
  }
  function resend() {
    clearTimeout(retryTimer);
    if (pending) {
      var p = pending;
      pending = null;
      say(p.banner, "sending");
      p.form.requestSubmit ? p.form.requestSubmit(p.submitter) : sendForReal(p.form, p.submitter);
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (actionOf(form).pathname.slice(-17) === "/accounts/logout/") {
      clearDrafts(); // signing out ends every draft in this tab: the next user never sees one
      return;
    }
    var banner = bannerOf(form);
    if (!banner || event.defaultPrevented) {
      return;
    }
    var submitter = event.submitter && event.submitter.form === form ? event.submitter : null;
    if (form.hasAttribute("data-draft-go") || (navigator.onLine && !doubtful)) {
      // Sent at once, as without script. Kept until the next page shows the server
      // answered (see the page-load part below).
      form.removeAttribute("data-draft-go");
      keep(form, banner, "sending");
      return;
    }
    event.preventDefault();
    if (probing) {
      return;
    }
    probing = true;
    serverReachable(function (up) {
      probing = false;
      if (up) {
        doubtful = false;
        sendForReal(form, submitter);
        return;
      }
      doubtful = true;
      keep(form, banner, "unsent");
      say(banner, "kept");
      pending = { form: form, banner: banner, submitter: submitter };
      clearTimeout(retryTimer);
      retryTimer = setTimeout(resend, RETRY_MS);
    });
  });
  window.addEventListener("online", resend);
  // Once the connection has failed on this page (offline, or a background request such as
  // the intake's autosave got no answer) each submission first checks the server is reachable.
  window.addEventListener("offline", function () { doubtful = true; });
  ["htmx:sendError", "htmx:timeout"].forEach(function (type) {
    document.addEventListener(type, function () { doubtful = true; });
  });
  // What is typed after the banner appeared is kept too.
  ["input", "change"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      var form = event.target.form;
      if (pending && form === pending.form) {
        keep(form, pending.banner, "unsent");
      }
    });
  });

  // Page load. A draft "sending" was handed to the browser to submit. If this page is the
  // server's answer (after a redirect, or the form again with its errors and what was typed,
  // or the browser's error page reloaded, which sends again) the draft goes. Otherwise the
  // submission failed on the way: the browser showed its error page and the user went Back
  // or typed an address; the draft is kept and filled in when its form is opened again.
  var nav = window.performance && performance.getEntriesByType && performance.getEntriesByType("navigation")[0];
  var fromOurPage = false;
  try {
    fromOurPage = !!document.referrer && new URL(document.referrer).origin === location.origin;
  } catch (e) {
    fromOurPage = false;
  }
  var answered =
    !!document.querySelector("[data-error-summary], .messages .success") ||
    (fromOurPage && !(nav && nav.type === "back_forward"));
  draftKeys().forEach(function (key) {
    var draft = readDraft(key);
    if (draft && draft.state === "sending") {
      if (answered) {
        store.removeItem(key);
      } else {
        draft.state = "unsent";
        store.setItem(key, JSON.stringify(draft));
      }
    }
  });
  Array.prototype.forEach.call(document.querySelectorAll("form[data-keep-draft]"), function (form) {
    var banner = bannerOf(form);
    if (!banner) {
      return;
    }
    // Another user's or another membership's drafts never survive into this one's page.
    var mine = PREFIX + banner.getAttribute("data-draft-owner") + ":";
    clearDrafts(function (key) { return key.indexOf(mine) !== 0; });
    var key = keyOf(form, banner);
    var draft = store.getItem(key) && readDraft(key);
    if (draft && draft.state === "unsent") {
      fillIn(form, draft.fields);
      if (navigator.onLine) {
        say(banner, "restored");
      } else {
        say(banner, "kept");
        pending = { form: form, banner: banner, submitter: null };
      }
    }
  });
})();
