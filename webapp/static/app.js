// Progressive enhancement only: every page works without this file.
// Adds a "Copy citation" button next to each citation on the topics page.
"use strict";
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
