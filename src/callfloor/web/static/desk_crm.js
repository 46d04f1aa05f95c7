// The desk's customer file panel: note, ticket, escalation, order, appointment and callback for the caller.
// desk.js announces each call's screen pop (and the call's end) with a "callfloor:call" event on document:
// inbound calls and campaign conversations; desk_callbacks.js a scheduled callback once the customer answers.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("crm");
  if (!root) return;
  const T = JSON.parse(document.getElementById("desk-texts").textContent);
  const lang = document.body.dataset.lang || "fr";
  const zone = root.dataset.zone;
  const $ = (id) => document.getElementById(id);
  const api = callfloor.api;
  // The call the panel acts for: its interaction id, contact, and whether it is still live.
  const current = { interaction: null, contact: null, live: false, number: "" };
  const setup = { categories: null, teams: null, calendars: null };
  let tickets = [];

  const fill = (text, values = {}) => text.replace(/\{(\w+)\}/g, (_, key) => values[key] ?? "");
  const moment = (iso) => new Intl.DateTimeFormat(lang, { timeZone: zone, dateStyle: "medium", timeStyle: "short" })
    .format(new Date(iso));
  const money = (amount) => new Intl.NumberFormat(lang, { style: "currency", currency: "EUR" }).format(Number(amount));
  function option(value, text) {
    const node = document.createElement("option");
    node.value = value;
    node.textContent = text;
    return node;
  }
  function say(id, text, failed = false) {
    const box = $(id);
    box.textContent = text;
    box.className = failed ? "error" : "";
    box.style.color = failed ? "" : "var(--ok)";
  }
  async function act(statusId, work) {
    try { say(statusId, await work()); }
    catch (error) { say(statusId, error && error.body ? callfloor.message(error) : String(error), true); }
  }

  /** The wall clock ``local`` ("2026-03-19T00:00") in the tenant's zone, as an instant. */
  function inZone(local) {
    const guess = new Date(`${local}Z`);
    const parts = Object.fromEntries(new Intl.DateTimeFormat("en-CA", {
      timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit",
    }).formatToParts(guess).map((p) => [p.type, p.value]));
    const shown = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second);
    return new Date(guess.getTime() - (shown - guess.getTime()));
  }

  // -- the call ----------------------------------------------------------------------------------
  document.addEventListener("callfloor:call", (event) => {
    const { call, pop } = event.detail;
    if (!pop) {  // the call ended: the panel stays on it for the wrap-up
      current.live = false;
      label();
      return;
    }
    const interaction = pop.interaction_id || (call && call.id) || null;
    if (interaction !== current.interaction) {  // another call: nothing typed for the last one carries over
      for (const form of root.querySelectorAll("form")) form.reset();
      say("crm-link-status", "");
    }
    current.interaction = interaction;
    current.contact = pop.contact || null;
    current.live = Boolean(call);
    current.number = pop.normalized || "";
    $("crm-new-phone").value = current.number;
    $("crm-find-list").replaceChildren();
    show();
  });
  function label() {
    const who = current.contact ? current.contact.name : (T.unknown_caller || "");
    $("crm-who").textContent = `· ${who} · ${current.live ? T.crm_current : T.crm_last}`;
  }
  function show() {
    $("crm-empty").hidden = true;
    $("crm-body").hidden = false;
    const known = Boolean(current.contact);
    $("crm-unknown").hidden = known;
    $("crm-unknown").textContent = known ? "" : T.crm_unknown;
    for (const part of root.querySelectorAll(".crm-contact")) part.hidden = !known;
    for (const part of root.querySelectorAll(".crm-identify")) part.hidden = known || !current.interaction;
    for (const id of ["crm-note-status", "crm-ticket-status", "crm-escalate-status", "crm-quote-status",
      "crm-appointment-status", "crm-callback-status"]) say(id, "");
    label();
    if (!known) return;
    loadSetup().then(() => { loadTickets(); loadQuotes(); });
  }
  async function loadSetup() {
    if (setup.categories) return;
    try {
      [setup.categories, setup.teams, setup.calendars] = await Promise.all(
        ["/api/ticket-categories", "/api/teams", "/api/calendars"].map((url) => api(url)));
    } catch (error) { say("crm-ticket-status", callfloor.message(error), true); return; }
    const categories = setup.categories.filter((c) => c.active);
    $("crm-ticket-category").replaceChildren(...categories.map((c) => option(c.id, c.name)));
    const teams = setup.teams.filter((t) => t.level === 2);
    $("crm-escalate-team").replaceChildren(...teams.map((t) => option(t.id, t.name)));
    const calendars = setup.calendars.filter((c) => c.active);
    $("crm-rep").replaceChildren(...calendars.map((c) => option(c.id, c.name)));
    if (!calendars.length) say("crm-appointment-status", T.crm_no_calendar, true);
    categoryChanged();
  }

  // -- an unknown caller: their new file, or the one they have under another number -------------
  /** Link the call to the contact: the panel then acts for them (the call's record will carry them). */
  async function link(contactId) {
    const linked = await api(`/api/interactions/${encodeURIComponent(current.interaction)}/contact`,
      { method: "POST", body: { contact_id: contactId } });
    current.contact = linked.pop.contact;
    show();
    // The desk's own pop box (desk.js) shows the caller's new file too.
    document.dispatchEvent(new CustomEvent("callfloor:contact", { detail: { interaction: current.interaction, pop: linked.pop } }));
    return current.contact.name;
  }
  /** The account named ``company``: the one of that name, else a new one. */
  async function account(company) {
    const found = await api(`/api/accounts?${new URLSearchParams({ q: company, limit: "20" })}`);
    const same = found.items.find((a) => a.name.toLocaleLowerCase() === company.toLocaleLowerCase());
    return same || api("/api/accounts", { method: "POST", body: { name: company } });
  }
  $("crm-new-contact").addEventListener("submit", (event) => {
    event.preventDefault();
    if (!current.interaction) return;
    const value = (id) => $(id).value.trim();
    if (!value("crm-new-first") || !value("crm-new-last")) { say("crm-link-status", T.crm_names_needed, true); return; }
    act("crm-link-status", async () => {
      const body = { first_name: value("crm-new-first"), last_name: value("crm-new-last") };
      if (value("crm-new-civility")) body.civility = value("crm-new-civility");
      if (value("crm-new-phone")) body.phones = [{ number: value("crm-new-phone"), label: "mobile" }];
      if (value("crm-new-email")) body.emails = [{ address: value("crm-new-email"), label: "work" }];
      if (value("crm-new-company")) body.account_id = (await account(value("crm-new-company"))).id;
      const created = await api("/api/contacts", { method: "POST", body });
      const name = await link(created.id);
      $("crm-new-contact").reset();
      return fill(T.crm_created, { name });
    });
  });
  $("crm-find").addEventListener("submit", (event) => {
    event.preventDefault();
    const q = $("crm-find-q").value.trim();
    if (!q) return;
    act("crm-find-status", async () => {
      const page = await api(`/api/contacts?${new URLSearchParams({ q, limit: "10" })}`);
      $("crm-find-list").replaceChildren(...page.items.map(foundItem));
      return page.items.length ? "" : T.crm_found_none;
    });
  });
  function foundItem(contact) {
    const item = document.createElement("li");
    const name = `${contact.first_name} ${contact.last_name}`.trim();
    const about = [contact.account_name, ...contact.phones.map((p) => p.number)].filter(Boolean).join(" · ");
    item.append(`${name}${about ? ` · ${about}` : ""} `);
    const button = document.createElement("button");
    button.type = "button";
    button.className = "secondary";
    button.textContent = T.crm_choose;
    button.setAttribute("aria-label", fill(T.crm_choose_who, { name }));
    button.addEventListener("click", () => act("crm-link-status", async () => {
      const adding = $("crm-find-add").checked && current.number
        && !contact.phones.some((p) => p.number === current.number);
      if (adding) {  // next time this number finds them
        const phones = [...contact.phones.map((p) => ({ number: p.number, label: p.label })),
          { number: current.number, label: "other" }];
        await api(`/api/contacts/${contact.id}`, { method: "PATCH", body: { phones } });
      }
      const linked = await link(contact.id);
      $("crm-find-list").replaceChildren();
      return fill(adding ? T.crm_number_added : T.crm_linked, { name: linked });
    }));
    item.append(button);
    return item;
  }

  // -- the note ----------------------------------------------------------------------------------
  $("crm-note").addEventListener("submit", (event) => {
    event.preventDefault();
    if (!current.interaction) return;
    const note = $("crm-note-text").value;
    act("crm-note-status", async () => {
      const saved = await api(`/api/interactions/${encodeURIComponent(current.interaction)}/note`,
        { method: "POST", body: { note } });
      $("crm-note-text").value = "";
      return saved.recorded ? T.crm_note_saved : T.crm_note_live;
    });
  });

  // -- tickets -----------------------------------------------------------------------------------
  function categoryChanged() {
    const chosen = (setup.categories || []).find((c) => String(c.id) === $("crm-ticket-category").value);
    $("crm-ticket-priority-default").textContent = chosen ? `${T.crm_category_priority} (${chosen.default_priority})` : "";
  }
  $("crm-ticket-category").addEventListener("change", categoryChanged);
  $("crm-ticket").addEventListener("submit", (event) => {
    event.preventDefault();
    const body = {
      subject: $("crm-ticket-subject").value.trim(), category_id: Number($("crm-ticket-category").value),
      contact_id: current.contact.id, channel: "phone", interaction_id: current.interaction,
    };
    if ($("crm-ticket-priority").value) body.priority = $("crm-ticket-priority").value;
    act("crm-ticket-status", async () => {
      const ticket = await api("/api/tickets", { method: "POST", body });
      $("crm-ticket-subject").value = $("crm-ticket-priority").value = "";
      await loadTickets();
      return fill(T.crm_ticket_created, { number: ticket.number });
    });
  });
  async function loadTickets() {
    const query = new URLSearchParams({ contact_id: current.contact.id });
    for (const status of ["new", "open", "pending"]) query.append("status", status);
    try { tickets = (await api(`/api/tickets?${query}`)).filter((t) => t.level === 1); }
    catch (error) { say("crm-escalate-status", callfloor.message(error), true); return; }
    $("crm-escalate-ticket").replaceChildren(...tickets.map((t) => option(t.id, `${t.number} · ${t.subject}`)));
    const teams = $("crm-escalate-team").options.length;
    say("crm-escalate-status", !teams ? T.crm_no_team : (tickets.length ? "" : T.crm_no_ticket), !teams);
    ticketChanged();
  }
  function ticketChanged() {
    const ticket = tickets.find((t) => String(t.id) === $("crm-escalate-ticket").value);
    const category = ticket && (setup.categories || []).find((c) => c.id === ticket.category_id);
    const box = $("crm-escalate-checklist");
    box.replaceChildren();
    (category ? category.checklist : []).forEach((step, index) => {
      const id = `crm-step-${index}`;
      const label = document.createElement("label");
      label.htmlFor = id;
      label.textContent = step;
      const input = document.createElement("input");
      input.id = id;
      input.required = true;
      input.maxLength = 2000;
      box.append(label, input);
    });
  }
  $("crm-escalate-ticket").addEventListener("change", ticketChanged);
  $("crm-escalate").addEventListener("submit", (event) => {
    event.preventDefault();
    const ticket = tickets.find((t) => String(t.id) === $("crm-escalate-ticket").value);
    if (!ticket) { say("crm-escalate-status", T.crm_no_ticket, true); return; }
    const answers = [...$("crm-escalate-checklist").querySelectorAll("input")].map((i) => i.value);
    const body = { team_id: Number($("crm-escalate-team").value), reason: $("crm-escalate-reason").value,
      checklist_answers: answers };
    act("crm-escalate-status", async () => {
      const escalated = await api(`/api/tickets/${ticket.id}/escalate`, { method: "POST", body });
      $("crm-escalate-reason").value = "";
      await loadTickets();
      return fill(T.crm_escalated, { number: escalated.number, team: escalated.team || "" });
    });
  });

  // -- quotes --------------------------------------------------------------------------------------
  async function loadQuotes() {
    const query = new URLSearchParams({ contact_id: current.contact.id });
    for (const status of ["sent", "accepted"]) query.append("status", status);
    let quotes = [];
    try { quotes = await api(`/api/quotes?${query}`); }
    catch (error) { say("crm-quote-status", callfloor.message(error), true); }
    const list = $("crm-quote-list");
    list.replaceChildren(...quotes.map(quoteItem));
    if (!quotes.length) list.append(Object.assign(document.createElement("li"), { textContent: T.crm_no_quote }));
  }
  function quoteItem(quote) {
    const item = document.createElement("li");
    const day = new Intl.DateTimeFormat(lang, { timeZone: "UTC" }).format(new Date(quote.valid_until));
    const valid = fill(T.crm_valid_until, { day });
    item.append(`${quote.number} · ${money(quote.totals.incl_vat)} · ${T[`crm_quote_${quote.status}`]} · ${valid} `);
    const button = document.createElement("button");
    button.type = "button";
    button.className = "secondary";
    button.textContent = T.crm_take_order;
    button.setAttribute("aria-label", fill(T.crm_take_order_of, { number: quote.number }));
    button.addEventListener("click", () => act("crm-quote-status", async () => {
      const order = await api(`/api/quotes/${quote.id}/order`, { method: "POST" });
      await loadQuotes();
      return fill(T.crm_ordered, { number: order.number, amount: money(order.totals.incl_vat) });
    }));
    item.append(button);
    return item;
  }

  // -- appointments ------------------------------------------------------------------------------
  $("crm-find-slots").addEventListener("click", async () => {
    const query = new URLSearchParams({ calendar: $("crm-rep").value, length: $("crm-length").value });
    if ($("crm-day").value) query.set("from", inZone(`${$("crm-day").value}T00:00:00`).toISOString());
    const select = $("crm-slot");
    try {
      const slots = (await api(`/api/appointments/slots?${query}`)).slice(0, 100);
      select.replaceChildren(...slots.map((s) => option(JSON.stringify([s.calendar_id, s.start, s.end]), moment(s.start))));
      say("crm-appointment-status", slots.length ? fill(T.crm_slots, { count: slots.length }) : T.crm_no_slot);
    } catch (error) { select.replaceChildren(); say("crm-appointment-status", callfloor.message(error), true); }
  });
  $("crm-appointment").addEventListener("submit", (event) => {
    event.preventDefault();
    if (!$("crm-slot").value) { say("crm-appointment-status", T.crm_no_slot, true); return; }
    const [calendar, start, end] = JSON.parse($("crm-slot").value);
    const body = { calendar_id: calendar, start, end, subject: $("crm-appointment-subject").value.trim(),
      contact_id: current.contact.id, source: "agent" };
    act("crm-appointment-status", async () => {
      const booked = await api("/api/appointments", { method: "POST", body });
      $("crm-slot").selectedOptions[0].remove();
      $("crm-appointment-subject").value = "";
      const mail = booked.confirmation.message[lang] || "";
      return `${fill(T.crm_booked, { when: moment(booked.appointment.start) })} ${mail}`.trim();
    });
  });

  // -- callbacks ---------------------------------------------------------------------------------
  $("crm-callback").addEventListener("submit", (event) => {
    event.preventDefault();
    const body = {  // the wall clock as typed: the API reads it in the tenant's zone
      contact_id: current.contact.id, due_at: $("crm-callback-at").value, note: $("crm-callback-note").value,
      for_me: $("crm-callback-for").value === "me", interaction_id: current.interaction,
    };
    act("crm-callback-status", async () => {
      const callback = await api("/api/callbacks", { method: "POST", body });
      $("crm-callback-at").value = $("crm-callback-note").value = "";
      return fill(T.crm_callback, { when: moment(callback.due_at) });
    });
  });
});
