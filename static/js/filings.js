/* Employer pages: one submit per click, the municipality of a postal code shown before saving,
   and an honest progress bar for a roster upload (bytes sent, then rows checked by the server). */
(function () {
  "use strict";

  // --- One submit per click -------------------------------------------------------------------
  // The button keeps its name and value (a disabled button would not be sent), only a second
  // submit of the same form is ignored.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.querySelector("[data-once]")) return;
    if (form.dataset.submitted === "1") {
      event.preventDefault();
      return;
    }
    form.dataset.submitted = "1";
    form.querySelectorAll("[data-once]").forEach(function (button) {
      button.classList.add("disabled");
      button.setAttribute("aria-disabled", "true");
    });
  });

  // --- Postal code → municipality --------------------------------------------------------------
  var LOOKUP_URL = "/api/v1/municipalities/lookup";

  function toHalfWidth(text) {
    return text.replace(/[０-９]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0xfee0); })
      .replace(/[－ー―‐−]/g, "-");
  }

  function labelOf(result) {
    var m = result.municipality;
    return m.prefecture + m.name + (result.ward ? result.ward.name : "");
  }

  function setupAddressGroup(group) {
    var postal = group.querySelector("input[autocomplete='postal-code']");
    var address = group.querySelectorAll("input[type='text']")[1];
    var hidden = group.querySelector("input[type='hidden']");
    var output = group.querySelector("[data-municipality-result]");
    var choices = group.querySelector("[data-candidates]");
    if (!postal || !output) return;
    var last = "";

    function showCandidates(results) {
      if (!choices) return;
      choices.querySelectorAll(".form-check").forEach(function (el) { el.remove(); });
      results.forEach(function (result, index) {
        var id = (hidden ? hidden.name : "code") + "-js-" + index;
        var wrap = document.createElement("div");
        wrap.className = "form-check";
        var input = document.createElement("input");
        input.type = "radio"; input.className = "form-check-input"; input.id = id;
        input.name = (hidden ? hidden.name : "municipality_code") + "_choice";
        input.value = result.municipality.code;
        input.addEventListener("change", function () { if (hidden) hidden.value = input.value; });
        var label = document.createElement("label");
        label.className = "form-check-label"; label.htmlFor = id; label.textContent = labelOf(result);
        wrap.appendChild(input); wrap.appendChild(label);
        choices.appendChild(wrap);
      });
      choices.classList.toggle("d-none", results.length < 2);
    }

    function lookUp() {
      var code = toHalfWidth(postal.value).replace(/[^0-9]/g, "");
      if (code.length !== 7 || code === last) return;
      last = code;
      output.textContent = "…";
      fetch(LOOKUP_URL + "?postal_code=" + encodeURIComponent(code), { headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) {
          var results = data.results || [];
          if (results.length === 0) {
            output.textContent = "この郵便番号は見つかりませんでした。番号をご確認ください。";
            output.className = "mb-0 small text-danger";
            showCandidates([]);
            return;
          }
          output.className = "mb-0 small text-success";
          var codes = {};
          results.forEach(function (r) { codes[r.municipality.code] = true; });
          if (Object.keys(codes).length === 1) {
            output.textContent = "提出先の市区町村: " + labelOf(results[0]) + (results[0].town ? "(" + results[0].town + ")" : "");
            if (hidden) hidden.value = "";
            showCandidates([]);
          } else {
            output.textContent = "この郵便番号は複数の市区町村にまたがります。下から選んでください。";
            showCandidates(results);
          }
          if (address && !address.value.trim()) {
            var r = results[0];
            address.value = labelOf(r) + (Object.keys(codes).length === 1 ? (r.town || "") : "");
          }
        })
        .catch(function () { output.textContent = ""; });
    }

    postal.addEventListener("change", lookUp);
    postal.addEventListener("input", function () {
      if (toHalfWidth(postal.value).replace(/[^0-9]/g, "").length === 7) lookUp();
    });
  }

  document.querySelectorAll("[data-address-group]").forEach(setupAddressGroup);

  // --- Roster upload with progress ---------------------------------------------------------------
  var rosterForm = document.getElementById("roster-form");
  if (rosterForm && window.XMLHttpRequest && window.FormData) {
    var box = document.getElementById("roster-progress");
    var bar = box.querySelector(".progress-bar");
    var meter = box.querySelector("[role='progressbar']");
    var label = box.querySelector("[data-progress-label]");
    var text = {};
    try { text = JSON.parse(document.getElementById("roster-messages").textContent); } catch (e) { text = {}; }
    var timer = null;

    function show(percent, message) {
      percent = Math.max(0, Math.min(100, Math.round(percent)));
      bar.style.width = percent + "%";
      meter.setAttribute("aria-valuenow", String(percent));
      label.textContent = message;
    }

    function poll() {
      fetch(rosterForm.dataset.progressUrl, { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (state) {
          if (state.total > 0) {
            show(50 + 50 * state.done / state.total,
              (text.checking || "確認しています") + " " + state.done + " / " + state.total + " " + (text.rows || "行"));
          }
        })
        .catch(function () {});
    }

    rosterForm.addEventListener("submit", function (event) {
      event.preventDefault();
      if (rosterForm.dataset.uploading === "1") return;
      rosterForm.dataset.uploading = "1";
      var xhr = new XMLHttpRequest();
      xhr.open("POST", rosterForm.action || window.location.href);
      box.classList.remove("d-none");
      show(0, text.uploading || "送信しています");
      // Sending the file is the first half of the bar, checking its rows on the server the second.
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) show(50 * e.loaded / e.total, (text.uploading || "送信しています") + " " + Math.round(100 * e.loaded / e.total) + "%");
      });
      xhr.upload.addEventListener("load", function () {
        show(50, text.checking || "確認しています");
        timer = window.setInterval(poll, 500);
      });
      xhr.addEventListener("load", function () {
        if (timer) window.clearInterval(timer);
        show(100, "");
        if (xhr.responseURL && xhr.responseURL.split("?")[0] !== window.location.href.split("?")[0]) {
          window.location.assign(xhr.responseURL);
        } else {
          document.open(); document.write(xhr.responseText); document.close();
        }
      });
      xhr.addEventListener("error", function () {
        if (timer) window.clearInterval(timer);
        label.textContent = text.failed || "送信できませんでした。";
        delete rosterForm.dataset.submitted;
        delete rosterForm.dataset.uploading;
      });
      xhr.send(new FormData(rosterForm));
    });
  }
})();
