// Runs Back Relief's service worker (the file /sw.js serves) in node, with
// fake caches and network, and prints what it did as JSON for
// tests/test_pwa.py. Usage: node tests/js/sw_harness.mjs sw.js scenario.json
//
// scenario.json: {"origin": "...", "oldCaches": [...], "requests": [
//   {"url": "/x/", "method": "GET", "mode": "navigate", "online": true}, ...]}
import { readFileSync } from "node:fs";
import vm from "node:vm";

const [swPath, scenarioPath] = process.argv.slice(2);
const scenario = JSON.parse(readFileSync(scenarioPath, "utf8"));
const origin = scenario.origin;
const absolute = (url) => new URL(url, origin).href;

const stores = new Map();
const writes = [];
let online = true;
const networkLog = [];

class FakeCache {
  constructor(name) { this.name = name; this.entries = new Map(); }
  async addAll(urls) {
    for (const url of urls) {
      this.entries.set(absolute(url), `cached:${new URL(url, origin).pathname}`);
      writes.push({ cache: this.name, url: new URL(url, origin).pathname });
    }
  }
  async add(url) { return this.addAll([url]); }
  async put(request, response) {
    const url = typeof request === "string" ? request : request.url;
    this.entries.set(absolute(url), "put");
    writes.push({ cache: this.name, url: new URL(url, origin).pathname });
  }
  async match(request) {
    const url = typeof request === "string" ? request : request.url;
    const body = this.entries.get(absolute(url));
    return body === undefined ? undefined : new Response(body);
  }
}

const caches = {
  async open(name) {
    if (!stores.has(name)) stores.set(name, new FakeCache(name));
    return stores.get(name);
  },
  async keys() { return [...stores.keys()]; },
  async delete(name) { return stores.delete(name); },
  async match(request) {
    for (const cache of stores.values()) {
      const hit = await cache.match(request);
      if (hit) return hit;
    }
    return undefined;
  },
};

async function fakeFetch(request) {
  const url = typeof request === "string" ? request : request.url;
  networkLog.push(new URL(url, origin).pathname);
  if (!online) throw new TypeError("Failed to fetch");
  return new Response(`network:${new URL(url, origin).pathname}`);
}

const listeners = {};
const self = {
  location: new URL("/sw.js", origin),
  addEventListener(type, listener) { listeners[type] = listener; },
  skipWaiting: async () => {},
  clients: { claim: async () => {} },
  registration: { navigationPreload: { enable: async () => {} } },
};
vm.runInNewContext(readFileSync(swPath, "utf8"), {
  self, caches, fetch: fakeFetch, Response, URL, Promise, console,
});

async function dispatch(type, fields = {}) {
  const pending = [];
  const event = {
    ...fields,
    responded: false,
    waitUntil(promise) { pending.push(promise); },
    respondWith(promise) {
      event.responded = true;
      pending.push(Promise.resolve(promise).then((response) => { event.response = response; }));
    },
  };
  listeners[type](event);
  await Promise.all(pending);
  return event;
}

for (const name of scenario.oldCaches || []) await caches.open(name);
await dispatch("install");
const precached = writes.map((write) => write.url);
await dispatch("activate");

const results = [];
for (const request of scenario.requests) {
  online = request.online !== false;
  const before = networkLog.length;
  const event = await dispatch("fetch", {
    request: { url: absolute(request.url), method: request.method || "GET", mode: request.mode || "no-cors" },
    preloadResponse: Promise.resolve(undefined),
  });
  results.push({
    ...request,
    handled: event.responded,
    body: event.response ? await event.response.text() : null,
    usedNetwork: networkLog.length > before,
  });
}

console.log(JSON.stringify({
  precached,
  writes,
  cachesAfter: await caches.keys(),
  results,
}));
