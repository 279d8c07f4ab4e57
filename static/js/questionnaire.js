/* Small improvements to the questionnaire; every page works without them.
 *
 * - An area page saves as the person goes: each change posts the form to the same
 *   address the Save button uses (Accept: application/json), so closing the tab loses
 *   nothing. The server writes only what changed compared with what the page showed; after
 *   a save the page's record of what it showed is brought up to date.
 * - The error summary takes the focus, so screen readers read it first.
 */
(function () {
  "use strict";

  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }

  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  var status = form.querySelector(".save-status");
  var timer = null;
  var saving = false;
  var again = false;

  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }

  function fieldValue(name) {
    var checked = form.querySelector('input[type="radio"][name="' + name + '"]:checked');
    if (checked) {
      return checked.value;
    }
    var field = form.elements.namedItem(name);
    return field && field.value !== undefined ? field.value : "";
  }

  function markShown(keys) {
    keys.forEach(function (key) {
      var shown = form.elements.namedItem("shown-" + key);
      var shownComment = form.elements.namedItem("shown-comment-" + key);
      if (shown) {
        shown.value = fieldValue("value-" + key);
      }
      if (shownComment) {
        shownComment.value = fieldValue("comment-" + key).replace(/\r\n/g, "\n").trim();
      }
    });
  }

  function save() {
    if (saving) {
      again = true;
      return;
    }
    saving = true;
    say("Saving…");
    // The form posts to its own page; form.action would be the buttons named "action".
    fetch(window.location.pathname, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.json().then(function (body) {
          return { ok: response.ok, body: body };
        });
      })
      .then(function (result) {
        if (result.ok) {
          markShown(result.body.saved || []);
          say("Your answers on this page are saved.");
        } else {
          var first = (result.body.errors || [])[0];
          say("Not saved yet" + (first ? ": " + first.message : "."));
        }
      })
      .catch(function () {
        say("Not saved yet. Your answers will be saved when you press Save and continue.");
      })
      .then(function () {
        saving = false;
        if (again) {
          again = false;
          save();
        }
      });
  }

  form.addEventListener("change", function (event) {
    if (!event.target.name || event.target.type === "hidden") {
      return;
    }
    window.clearTimeout(timer);
    timer = window.setTimeout(save, 400);
  });
})();
