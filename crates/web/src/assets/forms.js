// Vinculo web forms: sends a form marked data-vinculo-form with fetch, shows the thank-you
// message in its place, or each refused field's message beside it. Without this script the
// form still works as a plain post. Loaded by the hosted page and by sites that embed a form.
(function () {
  "use strict";

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  function clearErrors(form) {
    form.querySelectorAll(".vf-error[data-vf]").forEach(function (e) { e.remove(); });
    form.querySelectorAll("[aria-invalid]").forEach(function (e) { e.removeAttribute("aria-invalid"); });
    var alert = form.querySelector(".vf-alert");
    if (alert) alert.remove();
  }

  function showAlert(form, text) {
    var p = document.createElement("p");
    p.className = "vf-alert";
    p.setAttribute("role", "alert");
    p.textContent = text;
    form.insertBefore(p, form.firstChild);
  }

  function showErrors(form, problem) {
    var first = null;
    (problem.errors || []).forEach(function (err) {
      var inputs = form.querySelectorAll('[name="' + CSS.escape(err.field) + '"]');
      if (!inputs.length) return;
      var input = inputs[0];
      var span = document.createElement("span");
      span.className = "vf-error";
      span.setAttribute("data-vf", "");
      span.id = (input.id || "vf-" + err.field.replace(/\W/g, "-")) + "-err";
      span.textContent = err.message;
      var holder = input.closest("fieldset") || input.closest("p") || input.parentNode;
      holder.appendChild(span);
      inputs.forEach(function (i) {
        i.setAttribute("aria-invalid", "true");
        i.setAttribute("aria-describedby", span.id);
      });
      if (!first) first = input;
    });
    showAlert(form, form.getAttribute("data-check") || problem.title || "Error");
    if (first) first.focus();
  }

  function values(form) {
    var out = {};
    new FormData(form).forEach(function (v, k) {
      if (typeof v !== "string") return;
      if (Object.prototype.hasOwnProperty.call(out, k)) out[k] = [].concat(out[k], v);
      else out[k] = v;
    });
    return out;
  }

  function enhance(form) {
    // One id per page view: a retry of the same submission is not stored twice.
    if (!form.querySelector('[name="submission_id"]')) {
      var hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = "submission_id";
      hidden.value = newId();
      form.appendChild(hidden);
    }
    form.addEventListener("submit", function (ev) {
      if (!window.fetch || !window.FormData) return;
      ev.preventDefault();
      var button = form.querySelector('[type="submit"]');
      if (button) button.disabled = true;
      clearErrors(form);
      fetch(form.action, {
        method: "POST",
        mode: "cors",
        credentials: "omit",
        headers: { "Content-Type": "application/json", "Accept": "application/json" },
        body: JSON.stringify(values(form))
      }).then(function (res) {
        return res.json().catch(function () { return {}; }).then(function (body) {
          if (res.ok) {
            if (body.redirect_url) { window.location.href = body.redirect_url; return; }
            var done = document.createElement("p");
            done.className = "vf-thanks";
            done.setAttribute("role", "status");
            done.setAttribute("tabindex", "-1");
            done.textContent = body.message || "OK";
            form.replaceWith(done);
            done.focus();
            return;
          }
          if (button) button.disabled = false;
          if (body.errors && body.errors.length) {
            showErrors(form, body);
          } else {
            showAlert(form, body.detail || body.title || String(res.status));
          }
        });
      }).catch(function () {
        if (button) button.disabled = false;
        showAlert(form, form.getAttribute("data-failed") || "Network error");
      });
    });
  }

  function start() {
    document.querySelectorAll("form[data-vinculo-form]").forEach(enhance);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
