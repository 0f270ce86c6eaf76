// Progressive enhancement: without JavaScript the copy actions are plain links to the
// paragraph page, which shows the permalink and the citation. With it, they copy.
(function () {
  "use strict";

  function flash(link, message) {
    var original = link.getAttribute("data-label") || link.textContent;
    link.setAttribute("data-label", original);
    link.textContent = message;
    link.classList.add("copied");
    window.setTimeout(function () {
      link.textContent = original;
      link.classList.remove("copied");
    }, 1600);
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "visually-hidden";
    document.body.appendChild(area);
    area.select();
    var ok = document.execCommand("copy");
    document.body.removeChild(area);
    return ok ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-copy-url], [data-copy-text]");
    if (!link) {
      return;
    }
    var url = link.getAttribute("data-copy-url");
    var text = url ? new URL(url, window.location.href).href : link.getAttribute("data-copy-text");
    event.preventDefault();
    copy(text).then(
      function () { flash(link, "Copied"); },
      function () { window.location.href = link.href; }
    );
  });
})();
