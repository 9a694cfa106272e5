// Behaviour for Patron's pages. Pages work without it; this adds confirmations, small
// conveniences and htmx glue. No inline script anywhere: the CSP forbids it.
"use strict";

(function () {
  // Destructive actions: forms with data-confirm ask first, in a native <dialog>.
  function confirmDialog(message, actionLabel) {
    return new Promise(function (resolve) {
      var dialog = document.getElementById("confirm-dialog");
      if (!dialog || typeof dialog.showModal !== "function") {
        resolve(window.confirm(message));
        return;
      }
      dialog.querySelector("[data-confirm-message]").textContent = message;
      dialog.querySelector("[data-confirm-ok]").textContent = actionLabel || "Confirm";
      dialog.returnValue = "";
      dialog.addEventListener("close", function onClose() {
        dialog.removeEventListener("close", onClose);
        resolve(dialog.returnValue === "ok");
      });
      dialog.showModal();
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.confirm || form.dataset.confirmed) {
      return;
    }
    event.preventDefault();
    confirmDialog(form.dataset.confirm, form.dataset.confirmAction).then(function (ok) {
      if (ok) {
        form.dataset.confirmed = "1";
        form.requestSubmit();
      }
    });
  });

  // The Store field matters only for store supervisors.
  function syncStoreField() {
    var role = document.querySelector("[data-role-select]");
    var store = document.getElementById("store-field");
    if (!role || !store) return;
    store.hidden = role.value !== "store_supervisor";
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("[data-role-select]")) syncStoreField();
  });
  document.addEventListener("DOMContentLoaded", syncStoreField);

  // Messages fade away after a while, but stay while the pointer or focus is on them.
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".alert-success[data-autohide]").forEach(function (el) {
      setTimeout(function () {
        if (!el.matches(":hover") && !el.contains(document.activeElement)) el.remove();
      }, 6000);
    });
  });
})();
