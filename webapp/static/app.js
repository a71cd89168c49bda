// Progressive enhancement only: every page works without this file.
// Adds a "Copy citation" button next to each citation on the topics page, and sends an old link to a passage
// of a long document (/doc/ID#p-150) to the page of the document that holds it (?page=2#p-150).
"use strict";
(function () {
  var match = /^#p-(\d+)$/.exec(location.hash);
  if (!match) return;
  document.addEventListener("DOMContentLoaded", function () {
    var article = document.querySelector("article.document[data-passages-per-page]");
    if (!article || document.getElementById("p-" + match[1])) return;
    var perPage = parseInt(article.getAttribute("data-passages-per-page"), 10);
    var page = Math.floor((parseInt(match[1], 10) - 1) / perPage) + 1;
    if (!(page >= 1) || String(page) === article.getAttribute("data-page")) return;
    var params = new URLSearchParams(location.search);
    if (page > 1) { params.set("page", String(page)); } else { params.delete("page"); }
    var query = params.toString();
    location.replace(location.pathname + (query ? "?" + query : "") + location.hash);
  });
})();
document.addEventListener("DOMContentLoaded", function () {
  if (!navigator.clipboard) return;
  document.querySelectorAll("textarea.citation-text").forEach(function (area) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-button secondary";
    button.textContent = "Copy citation";
    var status = document.createElement("span");
    status.className = "copy-status";
    status.setAttribute("role", "status");
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(area.value).then(function () {
        status.textContent = "Copied";
        setTimeout(function () { status.textContent = ""; }, 2500);
      }, function () {
        area.select();
        status.textContent = "Copy failed: the text is selected, press Ctrl+C";
      });
    });
    area.insertAdjacentElement("afterend", status);
    area.insertAdjacentElement("afterend", button);
  });
});
