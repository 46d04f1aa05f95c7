// « Mes rappels »: the agent's scheduled callbacks due today (theirs and anyone's), soonest first,
// refreshed from /api/callbacks without a reload; one that comes due pops (highlighted, announced).
// « Appeler » rings the agent's phone, then the customer (POST /api/callbacks/{id}/dial); the call's
// progress shows from /api/callbacks/dials until it ends; once the customer answers, the customer file
// panel follows the call (the "callfloor:call" event).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("callbacks");
  if (!root) return;
  const T = JSON.parse(document.getElementById("callbacks-texts").textContent);
  const lang = document.body.dataset.lang || "fr";
  const zone = root.dataset.zone;
  const $ = (id) => document.getElementById(id);
  const api = callfloor.api;
  const REFRESH_MS = 20000;  // the list, from the API
  const TICK_MS = 5000;  // whether one came due, from the list in hand
  const DIAL_MS = 1500;  // the call's progress, while one is dialed

  let callbacks = [];
  let shown = "";  // what the list shows, to redraw it only when that changes
  const announced = new Set();  // ids popped already (or due when the page opened)
  const popped = new Set();  // ids highlighted since they came due, while listed
  let first = true;
  let editing = null;  // {id, value}: the postponement being typed, kept across redraws
  let dialing = null;  // {callback, timer} while a callback is dialed

  const fill = (text, values = {}) => text.replace(/\{(\w+)\}/g, (_, key) => values[key] ?? "");
  const day = (date) => new Intl.DateTimeFormat("en-CA", { timeZone: zone }).format(date);  // 2026-03-19
  const time = (iso) => {
    const at = new Date(iso);
    const sameDay = day(at) === day(new Date());
    const style = sameDay ? { timeStyle: "short" } : { dateStyle: "medium", timeStyle: "short" };
    return new Intl.DateTimeFormat(lang, { timeZone: zone, ...style }).format(at);
  };
  const name = (callback) => callback.contact_name || T.unknown;
  const isDue = (callback) => new Date(callback.due_at) <= new Date();
  function say(text, failed = false) {
    const box = $("callbacks-status");
    box.textContent = text;
    box.className = failed ? "error" : "";
  }
  async function act(work) {
    try { say(await work()); }
    catch (error) { say(error && error.body ? callfloor.message(error) : String(error), true); }
  }

  // -- the list ------------------------------------------------------------------------------------
  async function load() {
    try {
      const pending = await api("/api/callbacks?mine=true&status=pending&limit=500");
      const today = day(new Date());
      callbacks = pending.filter((c) => day(new Date(c.due_at)) <= today);  // due today, or overdue
    } catch (error) { say(callfloor.message(error), true); return; }
    render();
  }
  /** Redraw the list when it or what is due changed; pop the callbacks that came due. */
  function render() {
    const popping = [];
    for (const callback of callbacks) {
      if (!isDue(callback) || announced.has(callback.id)) continue;
      announced.add(callback.id);
      if (!first) popping.push(callback);  // those due as the page opens are listed, marked, not popped
    }
    first = false;
    for (const callback of popping) popped.add(callback.id);
    const state = JSON.stringify([callbacks, callbacks.map(isDue), [...popped]]);
    if (state === shown) return;
    shown = state;
    const focused = document.activeElement && document.activeElement.closest && document.activeElement.closest("#callbacks-list li");
    const list = $("callbacks-list");
    list.replaceChildren(...callbacks.map(item));
    $("callbacks-empty").hidden = callbacks.length > 0;
    const due = callbacks.filter(isDue).length;
    $("callbacks-count").textContent = due ? `· ${fill(T.count, { count: due })}` : "";
    const again = focused && list.querySelector(`li[data-id="${focused.dataset.id}"]`);
    if (again && !editing) again.focus();
    if (popping.length) pop(popping);
  }
  function pop(popping) {
    const alert = $("callbacks-alert");
    alert.textContent = popping.map((c) => fill(T.popped, { name: name(c), number: c.number })).join(" · ");
    alert.hidden = false;
    if (document.activeElement === document.body) {  // nobody is typing: the first one takes the focus
      const first = $("callbacks-list").querySelector(`li[data-id="${popping[0].id}"]`);
      if (first) first.focus();
    }
  }
  function item(callback) {
    const li = document.createElement("li");
    const overdue = isDue(callback);
    const highlighted = popped.has(callback.id);
    li.dataset.id = callback.id;
    li.tabIndex = 0;
    li.className = [overdue ? "overdue" : "", highlighted ? "popped" : ""].join(" ").trim();
    if (highlighted) li.style.outline = "3px solid var(--amber, #d97706)";
    const label = fill(overdue ? T.item_overdue : T.item, { name: name(callback), number: callback.number,
      time: time(callback.due_at) });
    li.setAttribute("aria-label", label);
    const when = document.createElement("strong");
    when.textContent = time(callback.due_at);
    li.append(when, ` ${name(callback)} · ${callback.number}`);
    if (overdue) li.append(" ", Object.assign(document.createElement("span"), { className: "amber", textContent: T.overdue }));
    if (callback.assignee_id === null) {
      li.append(" ", Object.assign(document.createElement("span"), { className: "muted", textContent: T.anyone }));
    }
    if (callback.note) li.append(Object.assign(document.createElement("div"), { className: "muted", textContent: callback.note }));
    if (callback.attempts) {
      const outcome = T[`outcome_${callback.last_outcome}`] || callback.last_outcome || "";
      const text = fill(T.attempts, { count: callback.attempts, outcome, time: time(callback.last_attempt_at) });
      li.append(Object.assign(document.createElement("div"), { className: "muted", textContent: text }));
    }
    const row = actions(callback);
    li.append(row);
    if (editing && editing.id === callback.id) postponing(row, callback, editing.value);
    return li;
  }
  function button(text, who, work, secondary = true) {
    const node = document.createElement("button");
    node.type = "button";
    node.textContent = text;
    if (secondary) node.className = "secondary";
    node.setAttribute("aria-label", fill(T.action_of, { action: text, name: who }));
    node.addEventListener("click", work);
    return node;
  }
  function actions(callback) {
    const row = document.createElement("div");
    row.className = "row";
    const who = name(callback);
    row.append(
      button(T.call, who, () => dial(callback), false),
      button(T.done, who, () => act(async () => {
        await api(`/api/callbacks/${callback.id}/done`, { method: "POST" });
        await load();
        return T.marked_done;
      })),
      button(T.postpone, who, () => postponing(row, callback)),
      button(T.cancel, who, () => act(async () => {
        await api(`/api/callbacks/${callback.id}/cancel`, { method: "POST" });
        await load();
        return T.cancelled;
      })),
    );
    return row;
  }
  function postponing(row, callback, value = "") {
    if (row.querySelector("form")) return;
    editing = { id: callback.id, value };
    const form = document.createElement("form");
    form.className = "row";
    const id = `callbacks-at-${callback.id}`;
    const label = Object.assign(document.createElement("label"), { htmlFor: id, className: "inline", textContent: T.new_time });
    const input = Object.assign(document.createElement("input"), { id, type: "datetime-local", required: true, value });
    input.addEventListener("input", () => { editing = { id: callback.id, value: input.value }; });
    const save = Object.assign(document.createElement("button"), { type: "submit", textContent: T.save });
    form.append(label, input, save);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      act(async () => {  // the wall clock as typed: the API reads it in the tenant's zone
        const moved = await api(`/api/callbacks/${callback.id}/postpone`, { method: "POST", body: { due_at: input.value } });
        announced.delete(callback.id);  // it will pop again at its new time
        popped.delete(callback.id);
        editing = null;
        await load();
        return fill(T.postponed, { time: time(moved.due_at) });
      });
    });
    row.append(form);
    input.focus();
  }

  // -- dialing -------------------------------------------------------------------------------------
  function dial(callback) {
    act(async () => {
      const started = await api(`/api/callbacks/${callback.id}/dial`, { method: "POST" });
      follow(callback, started);
      return "";
    });
  }
  function follow(callback, state) {
    if (dialing) clearTimeout(dialing.timer);
    dialing = { callback, timer: null, announced: null, popped: false };
    showDial(state);
    const poll = async () => {
      let dials = [];
      try { dials = await api("/api/callbacks/dials"); } catch (error) { say(callfloor.message(error), true); }
      const current = dials.find((d) => d.callback_id === callback.id);
      if (!current) { endDial(); return; }
      showDial(current);
      if (current.state === "talking") announce(current);
      dialing.timer = setTimeout(poll, DIAL_MS);
    };
    dialing.timer = setTimeout(poll, DIAL_MS);
  }
  function showDial(state) {
    $("callbacks-dial").hidden = false;
    $("callbacks-dial-state").textContent = fill(T[state.state] || T.ended, { name: name(dialing.callback) });
  }
  // Once the customer answers, the customer file panel (desk_crm.js) follows the call as it follows an
  // inbound one, through desk.js' "callfloor:call" event: the callback contact's pop, then the end
  // (pop null), the panel staying on it for the wrap-up. Notes typed meanwhile go on the call's record.
  async function announce(dial) {
    if (!dialing || dialing.announced) return;
    dialing.announced = dial.interaction_id;
    const call = { id: dial.interaction_id, callback: dial.callback_id, state: dial.state };
    try {
      const pop = await api(`/api/interactions/${encodeURIComponent(dial.interaction_id)}/screen-pop`);
      if (dialing && dialing.announced === dial.interaction_id) {
        document.dispatchEvent(new CustomEvent("callfloor:call", { detail: { call, pop } }));
        dialing.popped = true;
      }
    } catch (error) {
      if (dialing && dialing.announced === dial.interaction_id) dialing.announced = null;  // tried again
      say(callfloor.message(error), true);
    }
  }
  function endDial() {
    if (dialing) clearTimeout(dialing.timer);
    if (dialing && dialing.popped) document.dispatchEvent(new CustomEvent("callfloor:call", { detail: { call: null, pop: null } }));
    dialing = null;
    $("callbacks-dial").hidden = true;
    say(T.ended);
    load();
  }
  $("callbacks-hangup").addEventListener("click", () => {
    if (!dialing) return;
    const { callback } = dialing;
    act(async () => {
      await api(`/api/callbacks/${callback.id}/hangup`, { method: "POST" });
      endDial();
      return T.ended;
    });
  });

  // A dial under way when the page opens (a reload during the call) shows too.
  api("/api/callbacks/dials").then((dials) => {
    if (!dials.length) return;
    const found = callbacks.find((c) => c.id === dials[0].callback_id);
    follow(found || { id: dials[0].callback_id, contact_name: null, number: dials[0].number }, dials[0]);
  }).catch(() => {});
  load();
  setInterval(load, REFRESH_MS);
  setInterval(render, TICK_MS);
});
