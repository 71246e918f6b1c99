// Pactline: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.querySelector(".nav-toggle");
    var nav = document.getElementById("site-nav");
    if (toggle && nav) {
      toggle.addEventListener("click", function () {
        var open = toggle.getAttribute("aria-expanded") === "true";
        toggle.setAttribute("aria-expanded", open ? "false" : "true");
        nav.classList.toggle("open", !open);
      });
    }
  });

  // Keep pushed URLs short: drop empty filter fields from htmx GET requests.
  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.verb !== "get") return;
    var params = event.detail.parameters;
    Object.keys(params).forEach(function (key) {
      if (params[key] === "") delete params[key];
    });
  });

  // A refused or failed htmx request: say so where people look for messages.
  document.addEventListener("htmx:responseError", function (event) {
    var box = document.getElementById("messages");
    if (!box) return;
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    var text = status === 403 ? "You may not do this." :
      status === 404 ? "This item no longer exists. Reload the page." :
      "Something went wrong (" + status + "). Reload the page and try again.";
    var p = document.createElement("p");
    p.className = "message message-error";
    p.textContent = text;
    box.replaceChildren(p);
  });
  document.addEventListener("htmx:sendError", function () {
    var box = document.getElementById("messages");
    if (!box) return;
    var p = document.createElement("p");
    p.className = "message message-error";
    p.textContent = "The server could not be reached. Check your connection and try again.";
    box.replaceChildren(p);
  });
})();
