// callfloor's pages: the JSON API with the session cookie, live streams, keyboard shortcuts.
"use strict";
const callfloor = (() => {
  const CSRF = "X-Callfloor-CSRF";

  /** Call the JSON API; resolves to the parsed body, rejects with {status, body} on a 4xx/5xx. */
  async function api(path, { method = "GET", body } = {}) {
    const headers = { Accept: "application/json" };
    if (method !== "GET") headers[CSRF] = "1";
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(path, {
      method, headers, credentials: "same-origin", body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const parsed = text ? JSON.parse(text) : null;
    if (!response.ok) throw { status: response.status, body: parsed };
    return parsed;
  }

  /** The message of an API error in the page's language. */
  function message(error) {
    const lang = document.body.dataset.lang || "fr";
    const body = error && error.body;
    if (body && body.message && body.message[lang]) return body.message[lang];
    return String((error && error.status) || error);
  }

  /** Listen to a Server-Sent Events stream: handlers by event name; reconnects by itself. */
  function stream(path, handlers) {
    const source = new EventSource(path, { withCredentials: true });
    for (const [name, handle] of Object.entries(handlers)) {
      source.addEventListener(name, (event) => handle(JSON.parse(event.data)));
    }
    return source;
  }

  /** Keyboard shortcuts: Alt+key runs the action, unless typing in a field asks for the key itself. */
  const shortcuts = new Map();
  function shortcut(key, action) { shortcuts.set(key.toLowerCase(), action); }
  document.addEventListener("keydown", (event) => {
    if (!event.altKey || event.ctrlKey || event.metaKey) return;
    const action = shortcuts.get(event.key.toLowerCase());
    if (action) { event.preventDefault(); action(); }
  });

  return { api, message, stream, shortcut };
})();
