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

  // A value to copy (a new API token) is selected whole when focused.
  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("[data-select-on-focus]")) event.target.select();
  });

  // Colours chosen by people (milestone types) arrive as data-colour: a style attribute would
  // be refused by the Content-Security-Policy, setting the property from script is not.
  function applyColours(root) {
    var found = Array.prototype.slice.call(root.querySelectorAll("[data-colour]"));
    if (root.matches && root.matches("[data-colour]")) found.push(root);
    found.forEach(function (el) {
      el.style.setProperty("--type-colour", el.getAttribute("data-colour"));
    });
  }
  document.addEventListener("DOMContentLoaded", function () { applyColours(document); });
  document.addEventListener("htmx:load", function (event) { applyColours(event.detail.elt); });

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
  // An element marked data-poll-while-busy (the hx-indicator of a long POST) refreshes itself
  // every second while that request is in flight. A trigger filter ("every 1s [...]") would
  // need eval, which the Content-Security-Policy forbids. Status 286 stops it, as in htmx.
  window.setInterval(function () {
    if (!window.htmx) return;
    document.querySelectorAll("[data-poll-while-busy].htmx-request").forEach(function (el) {
      window.htmx.trigger(el, "pactline:poll");
    });
  }, 1000);
  document.addEventListener("htmx:afterRequest", function (event) {
    var el = event.detail.elt;
    if (event.detail.xhr && event.detail.xhr.status === 286 && el.hasAttribute("data-poll-while-busy")) {
      el.removeAttribute("data-poll-while-busy");
    }
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
