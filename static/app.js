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

// A statement opened from a search: land on the first matching paragraph (unless the link
// named one), and step through the matches with the Previous/Next buttons or the n and p keys.
// Without JavaScript the bar still lists every matching paragraph as a link.
(function () {
  "use strict";
  var bar = document.querySelector(".marks[data-matches]");
  if (!bar) {
    return;
  }
  var matches = bar.getAttribute("data-matches").split(" ").filter(Boolean);
  if (!matches.length) {
    return;
  }

  function go(number) {
    // replace(): the :target style follows, and Back still leaves the page in one step.
    window.location.replace("#p" + number);
  }

  function current() {
    var hash = window.location.hash.replace(/^#p/, "").split("-")[0];
    var at = matches.indexOf(hash);
    if (at >= 0) {
      return at;
    }
    // Not on a match: the last one above the middle of the window, if any.
    var found = -1;
    matches.forEach(function (number, i) {
      var element = document.getElementById("p" + number);
      if (element && element.getBoundingClientRect().top < window.innerHeight / 2) {
        found = i;
      }
    });
    return found;
  }

  function step(direction) {
    var at = current();
    var next = at < 0 ? (direction > 0 ? 0 : matches.length - 1) : at + direction;
    next = (next + matches.length) % matches.length;
    go(matches[next]);
  }

  var nav = bar.querySelector(".match-nav");
  if (nav && matches.length > 1) {
    // The buttons replace the list of links the page shows without JavaScript.
    nav.hidden = false;
    bar.querySelector(".match-list").hidden = true;
    bar.querySelector(".match-count").hidden = false;
    nav.addEventListener("click", function (event) {
      var button = event.target.closest("[data-match]");
      if (button) {
        step(button.getAttribute("data-match") === "next" ? 1 : -1);
      }
    });
    document.addEventListener("keydown", function (event) {
      var target = event.target;
      if (event.altKey || event.ctrlKey || event.metaKey || event.defaultPrevented) {
        return;
      }
      if (target.closest && target.closest("input, textarea, select, [contenteditable]")) {
        return;
      }
      if (event.key === "n" || event.key === "p") {
        event.preventDefault();
        step(event.key === "n" ? 1 : -1);
      }
    });
  }
  if (!window.location.hash) {
    go(matches[0]);
  }
})();
