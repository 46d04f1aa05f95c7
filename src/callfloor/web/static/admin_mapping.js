// A contact list's column mapping, picked before the upload: the file's columns (read by the page,
// from a CSV file's first lines or the whole workbook) with the field each is taken as; the admin's
// choices are written to the import's "map" field (field=Column, …), which the upload sends.
"use strict";
(() => {
  const { t, fieldErrors, showLines } = window.callfloorAdmin;
  const HEAD = 64 * 1024; // a CSV file's first lines are enough to read its header and first rows
  const DATA_KEY = /^[a-z][a-z0-9_]{0,39}$/;

  /** What to send for the columns: a CSV file's whole first lines up to 64 KiB, a workbook whole. */
  async function head(file) {
    if (file.size <= HEAD) return file;
    const bytes = new Uint8Array(await file.slice(0, HEAD).arrayBuffer());
    if (bytes[0] === 0x50 && bytes[1] === 0x4b) return file; // "PK": an XLSX workbook (a zip)
    return new Blob([bytes.slice(0, bytes.lastIndexOf(10) + 1)]); // a newline is one byte in UTF-8 and cp1252
  }

  function mapping(root) {
    const form = root.querySelector("#list-form");
    if (!form) return;
    const picker = root.querySelector("#list-mapping");
    const body = picker.querySelector("tbody");
    const alert = root.querySelector("#mapping-errors");
    const labels = new Map(Array.from(root.querySelector("#field-choice").content.querySelectorAll("option"), (o) => [o.value, o.textContent]));
    let columns = [];

    form.file.addEventListener("change", async () => {
      picker.hidden = true;
      form.map.value = "";
      showLines(alert, []);
      const file = form.file.files[0];
      if (!file) return;
      const data = new FormData();
      data.append("file", await head(file), file.name);
      const response = await fetch("/admin/campaigns/columns", {
        method: "POST", body: data, credentials: "same-origin",
        headers: { Accept: "application/json", "X-Callfloor-CSRF": "1" },
      });
      const parsed = await response.json();
      picker.hidden = false;
      if (!response.ok) { body.replaceChildren(); showLines(alert, [callfloor.message({ status: response.status, body: parsed })]); return; }
      columns = parsed.columns;
      draw();
    });

    function draw() {
      body.replaceChildren(...columns.map((column, index) => {
        const tr = document.createElement("tr");
        const name = document.createElement("th");
        name.scope = "row";
        name.textContent = column.name;
        const samples = document.createElement("td");
        samples.className = "muted";
        samples.textContent = column.samples.join(" · ");
        const choice = document.createElement("td");
        choice.append(root.querySelector("#field-choice").content.firstElementChild.cloneNode(true));
        const select = choice.querySelector("[data-field]");
        const key = choice.querySelector("[data-key]");
        select.dataset.path = `column.${index}`;
        key.dataset.path = `column.${index}.key`;
        select.setAttribute("aria-label", t("field_of", { column: column.name }));
        key.setAttribute("aria-label", t("key_of", { column: column.name }));
        const data = column.field && column.field.startsWith("data.");
        select.value = data ? "data." : column.field || "";
        key.value = data ? column.field.slice(5) : "";
        key.hidden = !data;
        select.addEventListener("change", () => {
          key.hidden = select.value !== "data.";
          if (!key.hidden && !key.value) key.value = suggested(column.name);
          chosen();
        });
        key.addEventListener("input", chosen);
        tr.append(name, samples, choice);
        return tr;
      }));
    }

    /** A data key from a header: "Code promo" → "code_promo". */
    function suggested(header) {
      const key = header.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
        .replace(/[^a-z0-9]+/g, "_").replace(/^[^a-z]+|_+$/g, "");
      return key.slice(0, 40);
    }

    /** The admin's choices as the import's map, and what is wrong with them at their rows. */
    function chosen() {
      const rows = Array.from(body.querySelectorAll("tr"), (tr, index) => {
        const select = tr.querySelector("[data-field]");
        const key = tr.querySelector("[data-key]").value.trim();
        return { index, column: columns[index], field: select.value === "data." ? `data.${key}` : select.value, key };
      });
      const problems = [];
      const general = [];
      const counts = new Map();
      for (const row of rows.filter((r) => r.field)) counts.set(row.field, (counts.get(row.field) || 0) + 1);
      for (const row of rows) {
        const at = `column.${row.index}`;
        if (row.field.startsWith("data.") && !DATA_KEY.test(row.key)) problems.push({ path: `${at}.key`, message: t("bad_key") });
        else if (row.field && counts.get(row.field) > 1) problems.push({ path: at, message: t("twice", { field: labels.get(row.field) || row.field }) });
        else if (row.field && row.column.name.includes(",")) problems.push({ path: at, message: t("comma") });
        else if (!row.field && row.column.field && !counts.has(row.column.field)) {
          problems.push({ path: at, message: t("recognised", { field: labels.get(row.column.field) || row.column.field }) });
        }
      }
      if (!counts.has("phone") && !rows.some((r) => !r.field && r.column.field === "phone")) general.push(t("no_phone"));
      fieldErrors(form, alert, problems, general, false);
      form.map.value = rows.filter((r) => r.field).map((r) => `${r.field}=${r.column.name}`).join(", ");
    }
  }

  for (const root of document.querySelectorAll('[data-admin="campaigns"]')) mapping(root);
})();
