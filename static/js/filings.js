/* Employer pages: one submit per click, and an honest progress bar for a roster upload (bytes sent,
   then rows checked by the server). Address entry is static/js/address.js of the municipalities app. */
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
    var busy = form.querySelector("[data-busy-message]");
    if (busy) {
      busy.textContent = busy.getAttribute("data-busy-message");
      busy.classList.remove("d-none");
      form.querySelectorAll(".spinner-border").forEach(function (el) { el.classList.remove("d-none"); });
    }
    form.querySelectorAll("[data-once]").forEach(function (button) {
      button.classList.add("disabled");
      button.setAttribute("aria-disabled", "true");
    });
  });

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
