// Registers the service worker that keeps the form and the follow-up page on the phone, so they open without a
// connection. Loaded before app.js; needs a secure context (https, or the machine itself).
(function () {
  'use strict';
  if ('serviceWorker' in navigator) {
    window.addEventListener('load', function () {
      navigator.serviceWorker.register('/report/sw.js', { scope: '/report' }).catch(function () { /* the pages still work online */ });
    });
  }
}());
