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
    if (form.hasAttribute("hx-post")) return; // htmx asks through htmx:confirm below

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

  // "/" jumps to the search box, as in most back offices.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target.matches && target.matches("input, textarea, select, [contenteditable]")) return;
    var box = document.querySelector("[data-search-box]");
    if (box) {
      event.preventDefault();
      box.focus();
      box.select();
    }
  });

  // Arrow keys move from the search box through the results; Enter opens the focused one.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    var links = Array.prototype.slice.call(document.querySelectorAll("#customer-results .row-link"));
    if (!links.length) return;
    var inBox = event.target.matches && event.target.matches("[data-search-box]");
    var index = links.indexOf(event.target);
    if (!inBox && index < 0) return;
    event.preventDefault();
    if (inBox) {
      if (event.key === "ArrowDown") links[0].focus();
    } else if (event.key === "ArrowDown") {
      links[Math.min(index + 1, links.length - 1)].focus();
    } else if (index === 0) {
      document.querySelector("[data-search-box]").focus();
    } else {
      links[index - 1].focus();
    }
  });

  // Forms with data-require keep their submit button disabled until those fields are filled.
  // The server checks regardless; this only saves a round trip.
  function syncRequired(form) {
    var names = (form.dataset.require || "").split(" ").filter(Boolean);
    var ready = names.every(function (name) {
      var field = form.elements[name];
      return field && String(field.value).trim() !== "";
    });
    form.querySelectorAll("[data-submit]").forEach(function (button) { button.disabled = !ready; });
  }
  document.addEventListener("input", function (event) {
    var form = event.target.form;
    if (form && form.dataset.require) syncRequired(form);
  });
  document.addEventListener("change", function (event) {
    var form = event.target.form;
    if (form && form.dataset.require) syncRequired(form);
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-require]").forEach(syncRequired);
  });

  // htmx requests from elements with data-confirm ask first, in the same dialog.
  document.addEventListener("htmx:confirm", function (event) {
    var elt = event.detail.elt;
    if (!elt.dataset || !elt.dataset.confirm) return;
    event.preventDefault();
    confirmDialog(elt.dataset.confirm, elt.dataset.confirmAction).then(function (ok) {
      if (ok) event.detail.issueRequest(true);
    });
  });

  // Escape in a row being edited in place cancels the edit (its [data-cancel] link).
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !event.target.closest) return;
    var row = event.target.closest("[data-escape-cancels]");
    var cancel = row && row.querySelector("[data-cancel]");
    if (cancel) {
      event.preventDefault();
      cancel.click();
    }
  });

  // Rows edited inside a form (a program's tiers, the simulator's cart lines): Remove takes the
  // row out at once; without JavaScript the button submits the form, which comes back without it.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-remove-row]");
    var row = button && button.closest("tr, [data-row]");
    if (!row) return;
    event.preventDefault();
    var next = row.nextElementSibling || row.previousElementSibling;
    row.remove();
    var input = next && next.querySelector("input");
    if (input) input.focus();
  });

  // A row htmx adds to such a table ("Add tier") takes the focus.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (!target || !target.hasAttribute("data-focus-new-row")) return;
    var input = target.lastElementChild && target.lastElementChild.querySelector("input");
    if (input) input.focus();
  });

  // A tier's Collection Factor read forwards as it is typed: "1 point for every 2.00 spent"
  // (the server writes the same sentence in the page: rules::factor_reading).
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("[data-factor-input]")) return;
    var reading = input.parentElement.querySelector("[data-factor-reading]");
    if (!reading) return;
    var typed = input.value.replace(/[$,\s]/g, "");
    var factor = Number(typed);
    if (typed === "" || !isFinite(factor) || factor <= 0) {
      reading.textContent = "";
      return;
    }
    var decimals = (typed.split(".")[1] || "").replace(/0+$/, "").length;
    reading.textContent = "1 point for every " + factor.toFixed(Math.max(2, decimals)) + " spent";
  });

  // Pickers: choosing one of a field's suggestions commits it at once (a change event), so that
  // a filter form that refreshes on change (the invoice list's Customer) does not wait for the
  // field to lose focus. Typing that merely passes through a suggestion's text commits nothing.
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.list) return;
    if (event.inputType && event.inputType !== "insertReplacementText") return;
    var chosen = Array.prototype.some.call(input.list.options, function (option) {
      return option.value === input.value;
    });
    if (chosen) input.dispatchEvent(new Event("change", { bubbles: true }));
  });

  // Toasts: the server sends HX-Trigger {"toast": "Saved."} after an htmx change.
  document.addEventListener("toast", function (event) {
    var alerts = document.getElementById("alerts");
    if (!alerts || !event.detail || !event.detail.value) return;
    var el = document.createElement("div");
    el.className = "alert alert-success";
    el.setAttribute("role", "status");
    el.textContent = event.detail.value;
    alerts.replaceChildren(el);
    setTimeout(function () {
      if (!el.matches(":hover")) el.remove();
    }, 5000);
  });
})();

// Phones: the Menu button opens and closes the navigation (without JavaScript it is a link to
// #main-nav, which :target opens).
(function () {
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest && event.target.closest(".menu-toggle");
    if (!toggle) return;
    event.preventDefault();
    var nav = toggle.closest(".sidebar");
    var open = !nav.classList.contains("open");
    nav.classList.toggle("open", open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) {
      var first = nav.querySelector("#main-nav a");
      if (first) first.focus();
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var nav = document.querySelector(".sidebar.open");
    if (!nav) return;
    nav.classList.remove("open");
    var toggle = nav.querySelector(".menu-toggle");
    toggle.setAttribute("aria-expanded", "false");
    toggle.focus();
  });

  // Tables become stacked rows on narrow screens: each cell is labelled with its column's
  // heading. Tables edited in place and matrices keep their columns (they scroll instead).
  function labelTables(root) {
    root.querySelectorAll(".table-wrap table:not(.inline-edit):not(.matrix)").forEach(function (table) {
      var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      if (!heads.length) return;
      table.setAttribute("data-stack", "");
      table.querySelectorAll("tbody tr").forEach(function (row) {
        var col = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          var span = cell.colSpan || 1;
          cell.setAttribute("data-label", span > 1 ? "" : (heads[col] || ""));
          col += span;
        });
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { labelTables(document); });
  document.addEventListener("htmx:afterSettle", function (event) { labelTables(event.target.closest("main") || document); });
})();

// Editing a row in place: after Save or Cancel (or Escape) the table is redrawn, and focus goes
// back to that row's Edit button instead of being lost at the top of the page.
(function () {
  var returnTo = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    var row = event.target.closest && event.target.closest("[data-escape-cancels]");
    if (row) returnTo = row.getAttribute("data-escape-cancels");
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!returnTo || document.querySelector("[data-escape-cancels]")) return;
    var edit = document.querySelector('[data-edit-key="' + returnTo + '"]');
    returnTo = null;
    if (edit) edit.focus();
  });

  // Copy buttons (data-copy): put the text on the clipboard and say so on the button.
  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element ? event.target.closest("[data-copy]") : null;
    if (!button || !navigator.clipboard) return;
    navigator.clipboard.writeText(button.dataset.copy).then(function () {
      var label = button.textContent;
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = label; }, 1500);
    });
  });
})();
