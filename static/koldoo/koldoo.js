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
