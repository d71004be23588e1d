// RiskWatch's service worker for the informant pages: keeps /report, /report/follow-up and what they load, so that an
// informant without a connection can still open the form (and the report waits in the phone's outbox). Pages are
// fetched from the network first, so an update arrives at once when online; the kept copy answers only when offline.
// API calls are never kept: a report or a status must come from the server.
'use strict';

var CACHE = 'riskwatch-form-v2';
var PAGES = ['/report', '/report/follow-up', '/report/app.js', '/report/app.css', '/report/fields.js', '/report/places.js',
  '/report/history.js', '/report/offline.js', '/report/favicon.svg'];

self.addEventListener('install', function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(PAGES); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n !== CACHE; }).map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener('fetch', function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin || url.pathname.indexOf('/api/') === 0) { return; }
  var path = url.pathname;
  if (PAGES.indexOf(path) < 0) { return; }
  event.respondWith(fetch(request).then(function (response) {
    if (response.ok) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { return cache.put(path, copy); });
    }
    return response;
  }, function () {
    // The follow-up page is one page whatever the code after # (the code never reaches the server).
    return caches.match(path).then(function (kept) { return kept || Response.error(); });
  }));
});
