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
