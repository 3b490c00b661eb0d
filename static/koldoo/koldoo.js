// Koldoo's only script of its own: selects marked data-autosubmit submit their form on change
// (the language and organisation switchers). Kept in a file so the CSP can forbid inline script.
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el.matches && el.matches("select[data-autosubmit]") && el.form) {
    el.form.submit();
  }
});
