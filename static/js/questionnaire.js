/* Small improvements to the questionnaire; every page works without them.
 *
 * - An area page saves as the person goes: each change posts the form to the same
 *   address the Save button uses (Accept: application/json), so closing the tab loses
 *   nothing. The server writes only what changed compared with what the page showed; after
 *   a save the page's record of what it showed becomes what that save posted.
 * - A save the server refuses (a comment on a question without an answer, say) shows each
 *   question's message in that question, as the Save button's page would, until a save
 *   goes through: the status line is at the foot of the page, out of sight on a phone.
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

  // The page's record of what the server holds is what a save posted, not what the
  // fields hold when it returns: an answer changed while the save was on its way is newer
  // and must still count as a change for the next save.
  function markShown(keys, sent) {
    keys.forEach(function (key) {
      var shown = form.elements.namedItem("shown-" + key);
      var shownComment = form.elements.namedItem("shown-comment-" + key);
      if (shown) {
        shown.value = sent.get("value-" + key) || "";
      }
      if (shownComment) {
        shownComment.value = (sent.get("comment-" + key) || "").replace(/\r\n/g, "\n").trim();
      }
    });
  }

  function clearNotes() {
    form.querySelectorAll(".autosave-error").forEach(function (note) {
      var fieldset = note.closest("fieldset");
      var described = (fieldset.getAttribute("aria-describedby") || "")
        .split(" ")
        .filter(function (id) {
          return id && id !== note.id;
        });
      if (described.length) {
        fieldset.setAttribute("aria-describedby", described.join(" "));
      } else {
        fieldset.removeAttribute("aria-describedby");
      }
      fieldset.closest(".question").classList.remove("question-invalid");
      note.remove();
    });
  }

  function showNotes(errors) {
    clearNotes();
    errors.forEach(function (error) {
      var fieldset = error.question && document.getElementById("question-" + error.question);
      if (!fieldset || document.getElementById("autosave-error-" + error.question)) {
        return;
      }
      var note = document.createElement("p");
      note.className = "invalid-feedback d-block fw-semibold autosave-error";
      note.id = "autosave-error-" + error.question;
      note.textContent = error.message;
      fieldset.querySelector(".card-body").prepend(note);
      var described = fieldset.getAttribute("aria-describedby");
      fieldset.setAttribute("aria-describedby", (described ? described + " " : "") + note.id);
      fieldset.closest(".question").classList.add("question-invalid");
    });
  }

  function save() {
    if (saving) {
      again = true;
      return;
    }
    saving = true;
    say("Saving…");
    var sent = new FormData(form);
    // The form posts to its own page; form.action would be the buttons named "action".
    fetch(window.location.pathname, {
      method: "POST",
      body: sent,
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
          markShown(result.body.saved || [], sent);
          clearNotes();
          say("Your answers on this page are saved.");
        } else {
          var errors = result.body.errors || [];
          showNotes(errors);
          say("Not saved yet" + (errors.length ? ": " + errors[0].message : "."));
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
