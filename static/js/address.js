/*
 * Address entry: a postal code fills in prefecture, city and town, and the municipality is shown.
 *
 * Works on the markup of templates/municipalities/includes/address_fields.html (see the docstring of
 * municipalities/forms.py). Without this script the server resolves the address on submit; with it,
 * GET /api/v1/municipalities/lookup answers as the person types, and the municipality found is
 * marked confirmed so that one submit saves. Several candidates are offered as radio buttons.
 */
(function () {
  "use strict";

  function toHalfWidth(value) {
    return value
      .replace(/[０-９]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0xfee0); })
      .replace(/[‐‑‒–—―−ー－﹣ｰ〒\s]/g, "")
      .replace(/-/g, "");
  }

  function label(result) {
    return result.municipality.prefecture + result.municipality.name + (result.ward ? result.ward.name : "");
  }

  function setup(root) {
    var url = root.getAttribute("data-lookup-url");
    var postal = root.querySelector("[data-address-postal]");
    var address = root.querySelector("[data-address-text]");
    var confirmed = root.querySelector("[data-address-confirmed]");
    var status = root.querySelector("[data-address-status]");
    var fieldset = root.querySelector("[data-address-candidates]");
    var list = root.querySelector("[data-address-candidate-list]");
    var candidateName = "municipality_code";
    var filled = "";  // what this script last wrote into the address field
    var lastQuery = "";
    if (!url || !postal || !address) { return; }
    var prefix = postal.name.slice(0, postal.name.length - "postal_code".length);
    candidateName = prefix + candidateName;

    function showStatus(text, kind) {
      status.textContent = "";
      if (!text) { return; }
      var box = document.createElement("div");
      box.className = "alert py-2 mb-0 alert-" + (kind || "info");
      box.textContent = text;
      status.appendChild(box);
    }

    function showCandidates(results) {
      list.textContent = "";
      if (results.length < 2) { fieldset.hidden = true; return; }
      var seen = {};
      results.forEach(function (result) {
        var code = result.municipality.code;
        if (seen[code]) { return; }
        seen[code] = true;
        var wrap = document.createElement("div");
        wrap.className = "form-check";
        var input = document.createElement("input");
        input.type = "radio"; input.className = "form-check-input"; input.name = candidateName;
        input.value = code; input.id = "candidate-" + prefix + code;
        input.addEventListener("change", function () {
          confirmed.value = code;
          showStatus(root.getAttribute("data-msg-found") + " " + label(result), "info");
        });
        var text = document.createElement("label");
        text.className = "form-check-label"; text.htmlFor = input.id; text.textContent = label(result) + " ";
        var codeTag = document.createElement("code"); codeTag.textContent = code; text.appendChild(codeTag);
        wrap.appendChild(input); wrap.appendChild(text); list.appendChild(wrap);
      });
      fieldset.hidden = false;
    }

    function answer(results, fromPostal) {
      confirmed.value = "";
      var codes = {};
      results.forEach(function (r) { codes[r.municipality.code] = true; });
      var count = Object.keys(codes).length;
      if (count === 0) {
        showCandidates([]);
        showStatus(root.getAttribute("data-msg-none"), "warning");
        return;
      }
      if (count > 1) {
        showCandidates(results);
        showStatus(root.getAttribute("data-msg-choose"), "warning");
        return;
      }
      var result = results[0];
      showCandidates([]);
      confirmed.value = result.municipality.code;
      showStatus(root.getAttribute("data-msg-found") + " " + label(result), "info");
      if (fromPostal && results.length === 1) {
        var text = label(result) + (result.town || "");
        if (!address.value || address.value === filled) {
          address.value = text;
          filled = text;
        }
      }
    }

    function lookup(params, fromPostal) {
      var query = new URLSearchParams(params).toString();
      if (query === lastQuery) { return; }
      lastQuery = query;
      fetch(url + "?" + query, { headers: { "Accept": "application/json" }, credentials: "omit" })
        .then(function (response) {
          return response.json().then(function (body) { return { status: response.status, body: body }; });
        })
        .then(function (reply) {
          if (query !== lastQuery) { return; }
          if (reply.status === 200) { answer(reply.body.results || [], fromPostal); return; }
          var errors = (reply.body && reply.body.errors) || {};
          var first = Object.keys(errors)[0];
          showStatus(first ? errors[first][0] : "", "warning");
        })
        .catch(function () { lastQuery = ""; });
    }

    postal.addEventListener("input", function () {
      var digits = toHalfWidth(postal.value);
      if (/^\d{7}$/.test(digits)) { lookup({ postal_code: digits }, true); }
    });
    address.addEventListener("change", function () {
      var digits = toHalfWidth(postal.value);
      if (address.value && !/^\d{7}$/.test(digits)) { lookup({ address: address.value }, false); }
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-address-entry]"), function (root) {
      if (root.getAttribute("data-address-ready")) { return; }
      root.setAttribute("data-address-ready", "1");
      setup(root);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
