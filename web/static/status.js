// Follows a status page live: asks the server every two seconds while any
// request is received or being checked, updates each request's tag and
// headline in the server's own words, and reloads once (to show reasons and
// fields) when all are decided.
(function () {
  "use strict";

  var INTERVAL_MS = 2000;

  function update(card, item) {
    if (card.getAttribute("data-status") === item.status) {
      return;
    }
    card.setAttribute("data-status", item.status);
    var tag = card.querySelector("[data-tag]");
    if (tag) {
      tag.className = "nhsuk-tag nhsuk-tag--" + (item.status === "processing" ? "blue" : "grey") + " badge";
      tag.textContent = item.status_label;
    }
    var summary = card.querySelector("[data-summary]");
    if (summary && item.headline) {
      summary.textContent = item.headline;
    }
  }

  function start(page) {
    var url = page.getAttribute("data-poll-url");
    var known = {};
    Array.prototype.forEach.call(page.querySelectorAll("[data-request]"), function (card) {
      known[card.getAttribute("data-request")] = card;
    });

    function poll() {
      fetch(url, {headers: {"Accept": "application/json"}, cache: "no-store", credentials: "same-origin"})
        .then(function (response) {
          if (!response.ok) { throw new Error("status " + response.status); }
          return response.json();
        })
        .then(function (body) {
          var added = false;
          body.requests.forEach(function (item) {
            var card = known[item.reference];
            if (card) { update(card, item); } else { added = true; }
          });
          if (!body.pending || added) {
            window.location.reload();
            return;
          }
          window.setTimeout(poll, INTERVAL_MS);
        })
        .catch(function () {
          window.setTimeout(poll, INTERVAL_MS * 2);
        });
    }
    window.setTimeout(poll, INTERVAL_MS);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var page = document.querySelector("[data-status-page]");
    if (page && page.getAttribute("data-pending") === "true") {
      start(page);
    }
  });
})();
