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
// A draft is sealed with AES-GCM (a fresh IV each time) under the signed-in session's key,
// which base.html puts in a meta tag: browsers may write sessionStorage to disk, so it never
// holds what was typed in plain text. Without WebCrypto (a page not served over HTTPS) or a
// key, nothing is kept: the banner says so and the entry stays on the page until sent.
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
  if (!store || !window.JSON || !window.Promise) {
    return;
  }
  var keyMeta = document.querySelector("meta[name=koldoo-draft-key]");
  // crypto.subtle exists only in a secure context (HTTPS, or localhost).
  var subtle = window.crypto && crypto.subtle && window.TextEncoder ? crypto.subtle : null;
  var canKeep = !!(subtle && keyMeta && keyMeta.content);
  var sealKey = null; // the session's key, imported once, not extractable
  var saving = Promise.resolve(true); // drafts are written one after another, in order
  var closed = false; // signing out: nothing is written any more
  var pending = null;
  var busy = false;
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
  function toBase64(bytes) {
    var s = "";
    for (var i = 0; i < bytes.length; i++) {
      s += String.fromCharCode(bytes[i]);
    }
    return btoa(s);
  }
  function fromBase64(text) {
    var s = atob(text);
    var bytes = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++) {
      bytes[i] = s.charCodeAt(i);
    }
    return bytes;
  }
  // The page carries a random pad, then the key XOR the pad (apps/accounts/draft_key.py).
  function cipher() {
    sealKey = sealKey || Promise.resolve().then(function () {
      var masked = fromBase64(keyMeta.content);
      var half = masked.length / 2;
      var raw = masked.slice(half).map(function (b, i) { return b ^ masked[i]; });
      return subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
    });
    return sealKey;
  }
  // The storage key is authenticated with the draft, so a draft cannot pass for another form's.
  function params(key, iv) {
    return { name: "AES-GCM", iv: iv, additionalData: new TextEncoder().encode(key) };
  }
  // The stored record: state and age in clear (read on every page), the fields sealed.
  function record(key) {
    var draft = null;
    try {
      draft = JSON.parse(store.getItem(key));
    } catch (e) {
      draft = null;
    }
    if (!(draft && Date.now() - draft.at <= MAX_AGE_MS && typeof draft.data === "string")) {
      store.removeItem(key); // too old, damaged, or plain text from before drafts were sealed
      return null;
    }
    return draft;
  }
  // Resolves to the fields, or null when the draft was sealed under another sign-in's key
  // (or cannot be read here at all): that draft is dropped without a word.
  function unseal(key, draft) {
    return cipher()
      .then(function (k) {
        return subtle.decrypt(params(key, fromBase64(draft.iv)), k, fromBase64(draft.data));
      })
      .then(function (plain) {
        var fields = JSON.parse(new TextDecoder().decode(plain));
        return Array.isArray(fields) ? fields : null;
      })
      .then(null, function () {
        return null;
      })
      .then(function (fields) {
        if (!fields) {
          store.removeItem(key);
        }
        return fields;
      });
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
  // Seals what the form holds now; resolves to true once it is stored, false if it could not
  // be (no WebCrypto or key, storage full, signed out meanwhile).
  function keep(form, banner, state) {
    var key = keyOf(form, banner);
    var fields = JSON.stringify(fieldsOf(form));
    saving = saving
      .then(function () {
        if (!canKeep) {
          return false;
        }
        return cipher().then(function (k) {
          var iv = crypto.getRandomValues(new Uint8Array(12));
          var plain = new TextEncoder().encode(fields);
          return subtle.encrypt(params(key, iv), k, plain).then(function (sealed) {
            if (closed) {
              return false;
            }
            var data = toBase64(new Uint8Array(sealed));
            store.setItem(key, JSON.stringify({ state: state, at: Date.now(), iv: toBase64(iv), data: data }));
            return true;
          });
        });
      })
      .then(null, function () {
        return false;
      });
    return saving;
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
  // The draft is stored as "sending" first (the next page tells whether the server answered),
  // then the browser submits the form as it would without script.
  function sendForReal(form, banner, submitter) {
    busy = true;
    keep(form, banner, "sending").then(function () {
      // Never within the submit event that asked for this: the browser would ignore it.
      setTimeout(function () {
        busy = false;
        if (form.requestSubmit) {
          form.setAttribute("data-draft-go", "");
          form.requestSubmit(submitter);
        } else {
          form.submit();
        }
      });
    });
  }
  function resend() {
    clearTimeout(retryTimer);
    if (pending) {
      var p = pending;
      pending = null;
      say(p.banner, "sending");
      p.form.requestSubmit ? p.form.requestSubmit(p.submitter) : sendForReal(p.form, p.banner, p.submitter);
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (actionOf(form).pathname.slice(-17) === "/accounts/logout/") {
      closed = true; // a draft being sealed right now is never written
      clearDrafts(); // signing out ends every draft in this tab: the next user never sees one
      return;
    }
    var banner = bannerOf(form);
    if (!banner) {
      return;
    }
    var ready = form.hasAttribute("data-draft-go");
    form.removeAttribute("data-draft-go");
    if (ready || event.defaultPrevented) {
      return; // kept as "sending" already: on its way
    }
    var submitter = event.submitter && event.submitter.form === form ? event.submitter : null;
    if (navigator.onLine && !doubtful) {
      // Sent at once, as without script, once sealed (a few milliseconds). Kept until the
      // next page shows the server answered (see the page-load part below).
      if (canKeep) {
        event.preventDefault();
        if (!busy) {
          sendForReal(form, banner, submitter);
        }
      }
      return;
    }
    event.preventDefault();
    if (busy) {
      return;
    }
    busy = true;
    serverReachable(function (up) {
      busy = false;
      if (up) {
        doubtful = false;
        sendForReal(form, banner, submitter);
        return;
      }
      doubtful = true;
      pending = { form: form, banner: banner, submitter: submitter };
      keep(form, banner, "unsent").then(function (kept) {
        say(banner, kept ? "kept" : "unkept");
      });
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

  // Page load. A page for a visitor (signed out, or the session ended) has an empty key:
  // no draft of this tab can be read any more, so none stays.
  if (keyMeta && !keyMeta.content) {
    clearDrafts();
  }
  // A draft "sending" was handed to the browser to submit. If this page is the server's
  // answer (after a redirect, or the form again with its errors and what was typed, or the
  // browser's error page reloaded, which sends again) the draft goes. Otherwise the
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
    var draft = record(key);
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
    var draft = store.getItem(key) && record(key);
    if (draft && draft.state === "unsent") {
      unseal(key, draft).then(function (fields) {
        if (!fields) {
          return;
        }
        fillIn(form, fields);
        if (navigator.onLine) {
          say(banner, "restored");
        } else {
          say(banner, "kept");
          pending = pending || { form: form, banner: banner, submitter: null };
        }
      });
    }
  });
})();
