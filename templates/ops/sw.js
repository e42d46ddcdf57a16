/* Back Relief's service worker, served at /sw.js by ops.views.service_worker.
 *
 * It keeps one thing on the phone: the shell needed to say "you are offline"
 * (the offline page, the CSS and the icon). Everything else goes to the
 * network, untouched and uncached: pages (a user's sessions and history are
 * personal), form posts, the admin, coaches' photos and videos (/media/,
 * which the browser's own cache keeps). A page that cannot be fetched shows
 * the offline page instead.
 */
"use strict";

const CACHE_PREFIX = "backrelief-shell-";
const CACHE_NAME = CACHE_PREFIX + "{{ version }}";
const OFFLINE_URL = "{{ offline_url|escapejs }}";
const PRECACHE_URLS = {{ precache_json|safe }};

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE_NAME)
      .then((cache) => cache.addAll(PRECACHE_URLS))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(
      names
        .filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE_NAME)
        .map((name) => caches.delete(name))
    );
    if (self.registration.navigationPreload) {
      await self.registration.navigationPreload.enable();
    }
    await self.clients.claim();
  })());
});

async function pageOrOffline(event) {
  try {
    const preloaded = await event.preloadResponse;
    if (preloaded) {
      return preloaded;
    }
    return await fetch(event.request);
  } catch (error) {
    const offline = await caches.match(OFFLINE_URL);
    return offline || Response.error();
  }
}

async function fromShell(request) {
  const cached = await caches.match(request);
  return cached || fetch(request);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  // Posts and every other non-GET request go straight to the network.
  if (request.method !== "GET") {
    return;
  }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate") {
    // Network only: pages are never stored, so nothing personal is.
    event.respondWith(pageOrOffline(event));
    return;
  }
  if (PRECACHE_URLS.includes(url.pathname)) {
    event.respondWith(fromShell(request));
  }
  // Anything else: not handled here, so the browser fetches it as usual.
});
