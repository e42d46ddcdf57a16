// Registers the service worker (served at /sw.js), which keeps the app's
// shell on the phone and shows an offline page when the network is gone.
// The worker's URL comes from this script tag's data-service-worker.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!("serviceWorker" in navigator) || !script || !script.dataset.serviceWorker) {
    return;
  }
  var url = script.dataset.serviceWorker;
  window.addEventListener("load", function () {
    navigator.serviceWorker.register(url, { scope: "/" }).catch(function (error) {
      console.warn("Back Relief works without its offline page:", error);
    });
  });
})();
