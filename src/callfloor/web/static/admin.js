// The admin console's pages: users, IVR flows, list imports, spec objects — all through the JSON API.
"use strict";
(() => {
  const texts = JSON.parse(document.getElementById("admin-texts")?.textContent || "{}");
  const lang = document.body.dataset.lang || "fr";

  /** A text of the page, with %(name)s filled in. */
  function t(key, values = {}) {
    return (texts[key] || key).replace(/%\((\w+)\)s/g, (_, name) => String(values[name] ?? ""));
  }

  /** The API error's message, with the fields its details name (a 422's list). */
  function problems(error) {
    const lines = [callfloor.message(error)];
    const details = (error && error.body && error.body.details) || [];
    for (const detail of details) lines.push(`${detail.loc.filter((p) => p !== "body").join(".")}: ${detail.msg}`);
    return lines;
  }

  /** Show lines in an alert region as a list (one line: a paragraph). */
  function showLines(region, lines) {
    region.replaceChildren();
    if (!lines.length) return;
    const list = document.createElement("ul");
    for (const line of lines) {
      const item = document.createElement("li");
      item.textContent = line;
      list.append(item);
    }
    region.append(list);
  }

  // -- errors at their fields ---------------------------------------------------------------------

  /** The 422 details of an API error as [{path, message}] ("steps.0.after_s"; "" for the whole body). */
  function detailsOf(error) {
    const details = (error && error.body && error.body.details) || [];
    return details.map((d) => ({
      path: d.loc.filter((p) => p !== "body").join("."),
      message: d.msg.replace(/^Value error, /, ""),
    }));
  }

  /** The element of ``form`` that shows ``path``'s value: its own, or its nearest parent's; for a
   * message about the whole body, the element whose data-error-words the message names. */
  function fieldOf(form, path, message) {
    // "weekly.mon[1]" (the schedule's parser) is "weekly.mon.1" (pydantic's), as data-path writes it.
    const parts = path ? path.replace(/\[(\d+)\]/g, ".$1").split(".") : [];
    for (; parts.length; parts.pop()) {
      const found = form.querySelector(`[data-path="${CSS.escape(parts.join("."))}"]`);
      if (found) return found;
    }
    if (path) return null;
    for (const element of form.querySelectorAll("[data-error-words]")) {
      if (element.dataset.errorWords.split(" ").some((word) => message.includes(word))) return element;
    }
    return null;
  }

  /** Take the field errors off ``form``. */
  function clearFieldErrors(form) {
    for (const shown of form.querySelectorAll(".field-error[data-shown]")) shown.remove();
    for (const marked of form.querySelectorAll("[aria-invalid]")) {
      marked.removeAttribute("aria-invalid");
      const described = (marked.getAttribute("aria-describedby") || "").split(" ").filter((id) => !id.startsWith("error-"));
      if (described.length) marked.setAttribute("aria-describedby", described.join(" "));
      else marked.removeAttribute("aria-describedby");
    }
  }

  let errorCount = 0;
  /** Show each error under its field (see fieldOf); what has no field goes to ``region``. The first
   * field in error takes the focus, unless ``focus`` is false. */
  function fieldErrors(form, region, errors, general = [], focus = true) {
    clearFieldErrors(form);
    const rest = [...general];
    let first = null;
    for (const { path, message } of errors) {
      const field = fieldOf(form, path, message);
      if (!field) { rest.push(path ? `${path}: ${message}` : message); continue; }
      const note = document.createElement("p");
      note.className = "field-error";
      note.dataset.shown = "";
      note.id = `error-${(errorCount += 1)}`;
      note.textContent = message;
      const anchor = field.closest("[data-error-after]") || field;
      anchor.after(note);
      field.setAttribute("aria-invalid", "true");
      field.setAttribute("aria-describedby", `${field.getAttribute("aria-describedby") || ""} ${note.id}`.trim());
      first = first || field;
    }
    showLines(region, rest);
    if (focus && first && typeof first.focus === "function") first.focus();
  }

  function cell(text) {
    const td = document.createElement("td");
    td.textContent = text;
    return td;
  }

  function button(label, action, className = "secondary") {
    const b = document.createElement("button");
    b.type = "button";
    b.className = className;
    b.textContent = label;
    b.addEventListener("click", action);
    return b;
  }

  // -- users -----------------------------------------------------------------------------------

  function users(root) {
    const body = root.querySelector("#users tbody");
    const row = root.querySelector("#user-row");
    const status = root.querySelector("#user-status");
    const alert = root.querySelector("#user-error");
    const fail = (error) => { status.textContent = ""; alert.textContent = callfloor.message(error); };

    let list = [];
    // Rows are drawn from the write's answer, not re-read: the API commits after it has answered.
    async function refresh() {
      list = await callfloor.api("/api/users");
      draw();
    }

    function draw() {
      body.replaceChildren(...list.map((user) => {
        const tr = row.content.firstElementChild.cloneNode(true);
        tr.dataset.id = user.id;
        tr.querySelector('[data-field="name"]').textContent = user.name;
        tr.querySelector('[data-field="email"]').textContent = user.email;
        tr.querySelector('[data-field="active"]').textContent = t(user.active ? "active" : "inactive");
        const role = tr.querySelector('select[data-field="role"]');
        role.value = user.role;
        role.setAttribute("aria-label", t("role_of", { name: user.name }));
        tr.querySelector('[data-action="role"]').addEventListener("click", () =>
          change(user.id, { role: role.value }));
        const toggle = tr.querySelector('[data-action="active"]');
        toggle.textContent = t(user.active ? "deactivate" : "reactivate");
        toggle.setAttribute("aria-label", `${toggle.textContent} ${user.name}`);
        toggle.addEventListener("click", () => change(user.id, { active: !user.active }));
        return tr;
      }));
    }

    async function change(id, patch) {
      alert.textContent = "";
      try {
        const changed = await callfloor.api(`/api/users/${id}`, { method: "PATCH", body: patch });
        list = list.map((user) => (user.id === changed.id ? changed : user));
        draw();
        status.textContent = t("saved");
      } catch (error) { fail(error); }
    }

    root.querySelector("#user-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const form = event.target;
      alert.textContent = "";
      const password = form.password.value || generated();
      const user = { name: form.elements["name"].value, email: form.email.value, role: form.role.value, password };
      try {
        const made = await callfloor.api("/api/users", { method: "POST", body: user });
        form.reset();
        status.textContent = t("created", { email: made.email, password });
        list.push(made);
        draw();
      } catch (error) { fail(error); }
    });
    refresh().catch(fail);
  }

  /** A 16-character password from the browser's secure random source (no look-alike characters). */
  function generated() {
    const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
  }

  // -- IVR flows -------------------------------------------------------------------------------

  function ivr(root) {
    const id = root.dataset.flow;
    const body = root.querySelector("#versions tbody");
    const status = root.querySelector("#flow-status");
    const errors = root.querySelector("#flow-errors");
    let versions = [];
    const fail = (error) => { status.textContent = ""; showLines(errors, problems(error)); };

    async function refresh() {
      versions = await callfloor.api(`/api/ivr-flows/${id}/versions`);
      draw();
    }

    function draw() {
      body.replaceChildren(...versions.map((v) => {
        const tr = document.createElement("tr");
        tr.append(cell(String(v.version)), cell(new Date(v.created_at).toLocaleString(lang)),
          cell(v.active ? t("active") : ""));
        const actions = document.createElement("td");
        if (!v.active) actions.append(button(t("activate", { version: v.version }), () => activate(v.version)));
        tr.append(actions);
        tr.firstChild.className = "num";
        return tr;
      }));
    }

    async function activate(version) {
      showLines(errors, []);
      try {
        await callfloor.api(`/api/ivr-flows/${id}/activate`, { method: "POST", body: { version } });
        versions = versions.map((v) => ({ ...v, active: v.version === version }));
        draw();
        root.querySelector("#flow-yaml").value = (await callfloor.api(`/admin/ivr/${id}/versions/${version}`)).yaml;
        status.textContent = t("activated", { version });
      } catch (error) { fail(error); }
    }

    /** Re-read the versions until the saved flow is the active one (the API commits after answering). */
    async function settled(definition) {
      const wanted = canonical(definition);
      for (let attempt = 0; attempt < 10; attempt += 1) {
        await refresh();
        const active = versions.find((v) => v.active);
        if (active && canonical(active.definition) === wanted) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }

    root.querySelector("#rollback").addEventListener("click", () => {
      const active = versions.find((v) => v.active);
      const earlier = versions.filter((v) => active && v.version < active.version).pop();
      if (earlier) activate(earlier.version);
      else { status.textContent = ""; showLines(errors, [t("no_previous")]); }
    });

    root.querySelector("#flow-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      showLines(errors, []);
      status.textContent = "";
      try {
        const checked = await callfloor.api("/admin/ivr/check", { method: "POST", body: { yaml: event.target.yaml.value } });
        if (!checked.flow) {
          showLines(errors, checked.problems.map((p) => `${t("line", { line: p.line })}: ${p.message}`));
          return;
        }
        await callfloor.api(`/api/ivr-flows/${id}`, { method: "PUT", body: checked.flow });
        await settled(checked.definition);
        status.textContent = t("saved", { version: versions.find((v) => v.active)?.version });
      } catch (error) { fail(error); }
    });
    refresh().catch(fail);
  }

  /** JSON with sorted keys, to compare two values. */
  function canonical(value) {
    if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
    if (value && typeof value === "object") {
      return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(",")}}`;
    }
    return JSON.stringify(value);
  }

  // -- campaigns and lists ---------------------------------------------------------------------

  function campaigns(root) {
    const form = root.querySelector("#list-form");
    if (!form) return;
    const alert = root.querySelector("#list-error");
    const report = root.querySelector("#list-report");

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      alert.textContent = "";
      report.hidden = true;
      const data = new FormData();
      data.append("file", form.file.files[0]);
      if (form.map.value.trim()) data.append("map", form.map.value.trim());
      if (form.list_name.value.trim()) data.append("list_name", form.list_name.value.trim());
      const campaign = encodeURIComponent(form.campaign.value);
      const response = await fetch(`/api/campaigns/${campaign}/lists?dry_run=${form.dry_run.checked}`, {
        method: "POST", body: data, credentials: "same-origin",
        headers: { Accept: "application/json", "X-Callfloor-CSRF": "1" },
      });
      const text = await response.text();
      const parsed = text ? JSON.parse(text) : null;
      if (!response.ok) { alert.textContent = callfloor.message({ status: response.status, body: parsed }); return; }
      show(parsed);
    });

    function show(summary) {
      const counts = { ...summary, refused: summary.refused.length };
      root.querySelector("#list-summary").textContent =
        (summary.dry_run ? t("dry_run") + " " : "") + t("report", counts);
      const columns = Object.entries(summary.columns).map(([field, column]) => `${field} ← ${column}`).join(", ");
      root.querySelector("#list-columns").textContent = t("columns", { columns }) +
        (summary.ignored_columns.length ? ". " + t("ignored", { columns: summary.ignored_columns.join(", ") }) : "");
      root.querySelector("#refused tbody").replaceChildren(...summary.refused.map((r) => {
        const tr = document.createElement("tr");
        tr.append(cell(String(r.line)), cell(r.field || ""), cell(r.message[lang] || r.message.en));
        tr.firstChild.className = "num";
        return tr;
      }));
      report.hidden = false;
    }
  }

  // -- spec objects (agents, skills, queues, numbers, dispositions, hours) -----------------------

  function specs(root) {
    const { api, key, update } = root.dataset;
    const single = root.dataset.single === "true";
    const fields = root.dataset.fields ? root.dataset.fields.split(",") : [];
    const dropped = root.dataset.dropped ? root.dataset.dropped.split(",") : [];
    const example = JSON.parse(document.getElementById("spec-example").textContent);
    const textarea = root.querySelector("#spec-json");
    const title = root.querySelector("#spec-form-title");
    const status = root.querySelector("#spec-status");
    const errors = root.querySelector("#spec-errors");
    let editing = null; // the id of the object in the form; null: a new one
    const fail = (error) => { status.textContent = ""; showLines(errors, problems(error)); };

    /** What an edit sends: the listed fields, or everything the API did not add. */
    function editable(object) {
      const out = {};
      for (const [name, value] of Object.entries(object)) {
        if (fields.length ? fields.includes(name) : !dropped.includes(name)) out[name] = value;
      }
      return out;
    }

    function edit(object) {
      editing = object ? object.id : null;
      textarea.value = JSON.stringify(object ? editable(object) : example, null, 2);
      title.textContent = object ? t("editing", { name: object[key] }) : t("creating");
      showLines(errors, []);
      textarea.focus();
    }

    async function refresh() {
      if (single) { textarea.value = JSON.stringify(editable(await callfloor.api(api)), null, 2); return; }
      const list = await callfloor.api(api);
      root.querySelector("#spec-rows tbody").replaceChildren(...list.map((object) => {
        const tr = document.createElement("tr");
        const actions = document.createElement("td");
        const name = String(object[key]);
        const editButton = button(t("edit"), () => edit(object));
        editButton.setAttribute("aria-label", `${t("edit")} ${name}`);
        const deleteButton = button(t("delete"), () => remove(object));
        deleteButton.setAttribute("aria-label", `${t("delete")} ${name}`);
        actions.append(editButton, deleteButton);
        tr.append(cell(name), actions);
        return tr;
      }));
    }

    async function remove(object) {
      if (!window.confirm(t("confirm_delete", { name: object[key] }))) return;
      try {
        await callfloor.api(`${api}/${object.id}`, { method: "DELETE" });
        status.textContent = t("deleted");
        if (editing === object.id) edit(null);
        await refresh();
      } catch (error) { fail(error); }
    }

    root.querySelector("#spec-new")?.addEventListener("click", () => edit(null));
    root.querySelector("#spec-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      showLines(errors, []);
      status.textContent = "";
      let body;
      try { body = JSON.parse(textarea.value); } catch (error) {
        showLines(errors, [t("not_json", { error: error.message })]);
        return;
      }
      try {
        const path = single || editing === null ? api : `${api}/${editing}`;
        const method = single ? "PUT" : editing === null ? "POST" : update;
        const saved = await callfloor.api(path, { method, body });
        status.textContent = t("saved");
        if (!single) edit(saved);
        await refresh();
      } catch (error) { fail(error); }
    });
    refresh().catch(fail);
  }

  // The other admin scripts (admin_*.js, loaded after this one) use these and start their own pages.
  window.callfloorAdmin = { t, lang, problems, showLines, cell, button, detailsOf, fieldErrors, clearFieldErrors };
  const pages = { users, ivr, campaigns, specs };
  for (const root of document.querySelectorAll("[data-admin]")) pages[root.dataset.admin]?.(root);
})();
