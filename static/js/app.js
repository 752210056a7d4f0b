// Registers the service worker, drives the "Instalar" button and the mobile menu.
(function () {
  "use strict";
  if ("serviceWorker" in navigator) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function (reg) {
        document.documentElement.dataset.swRegistered = "true";
        return reg;
      }).catch(function (err) {
        document.documentElement.dataset.swError = String(err);
      });
    });
  }

  var deferredPrompt = null;
  window.addEventListener("beforeinstallprompt", function (event) {
    event.preventDefault();
    deferredPrompt = event;
    document.querySelectorAll("[data-install]").forEach(function (button) {
      button.hidden = false;
    });
  });
  window.addEventListener("appinstalled", function () {
    document.querySelectorAll("[data-install]").forEach(function (button) {
      button.hidden = true;
    });
  });
  document.addEventListener("click", function (event) {
    var install = event.target.closest("[data-install]");
    if (install) {
      if (deferredPrompt) {
        deferredPrompt.prompt();
        deferredPrompt.userChoice.finally(function () { deferredPrompt = null; });
      } else {
        var help = document.getElementById("install-help");
        if (help) help.hidden = !help.hidden;
      }
    }
    var toggle = event.target.closest("[data-menu-toggle]");
    if (toggle) {
      var nav = document.getElementById("main-nav");
      var open = nav.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    }
  });

  // Confirmation before destructive actions, without inline scripts (CSP).
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  });
})();

// Live company events over a WebSocket (Daphne): shown in the page's live region.
(function () {
  "use strict";
  var body = document.body;
  var path = body && body.dataset.eventsPath;
  if (!path || !("WebSocket" in window)) return;
  var port = body.dataset.wsPort || location.port;
  var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.hostname +
    (port ? ":" + port : "") + path;
  var delay = 1000;
  function connect() {
    var socket = new WebSocket(url);
    socket.addEventListener("open", function () {
      delay = 1000;
      body.dataset.live = "connected";
    });
    socket.addEventListener("message", function (msg) {
      var data;
      try { data = JSON.parse(msg.data); } catch (e) { return; }
      if (data.type !== "event" || !data.data || !data.data.message) return;
      var region = document.getElementById("live-events");
      if (!region) return;
      var item = document.createElement("p");
      item.className = "info";
      item.textContent = data.data.message;
      region.appendChild(item);
    });
    socket.addEventListener("close", function (event) {
      body.dataset.live = "closed";
      if (event.code === 4403) return; // refused: not a member
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    });
  }
  connect();
})();
