/* Photo widgets shared by the pages (tenant form, tracking page, staff console): the local check of
   chosen files, upload rows with a progress bar and stage text, and a gallery of thumbnails.

   Exports:
     pick(files, room) -> {accepted: File[], refused: [{file, code, params}]}
     problemText(refused) -> string                      one line per refused file, in the current language
     uploadAll(slotPath, files, listEl, options) -> Promise<{stored, refused, failed, pending}>
         options: {token, listPath, before()}            before() may return false to stop (e.g. signed out)
     summary(counts) -> string                           "Photos: 1 saved, 1 refused."
     gallery(listEl, photos, options)                    options: {staff: bool, you: bool, tz}
     counted(photos) -> number                           photos that count against the limit
     size(bytes) -> "1.2 MB"
   Rows and galleries follow a language switch by themselves. */
import * as FD from "./common.js";
import * as P from "./photos.js";

const t = FD.t;
const h = FD.h;

const live = new Set(); // upload rows, re-labelled on a language switch
const galleries = new Set();
const links = {}; // photo_id -> {url, expires}: a thumbnail keeps its link while it is valid

export function size(bytes) {
  const n = Number(bytes) || 0;
  if (n >= 1024 * 1024) return (n / (1024 * 1024)).toFixed(1) + " MB";
  if (n >= 1024) return Math.round(n / 1024) + " KB";
  return n + " B";
}

/** The files that may be sent: each checked locally (type, size), at most `room` of them. */
export function pick(files, room) {
  const accepted = [];
  const refused = [];
  Array.prototype.forEach.call(files || [], function (file) {
    const problem = P.check(file);
    if (problem) refused.push({ file: file, code: problem.code, params: problem.params || {} });
    else if (accepted.length >= room) refused.push({ file: file, code: "photo.too_many", params: {} });
    else accepted.push(file);
  });
  return { accepted: accepted, refused: refused };
}

export function problemText(refused) {
  return refused.map(function (r) {
    return t("photo.problem", { name: r.file.name || "?", reason: t(r.code, r.params) });
  }).join("\n");
}

/** Photos that take a place: stored ones and open slots (refused ones do not). */
export function counted(photos) {
  return (photos || []).filter(function (p) { return p.state !== "quarantined"; }).length;
}

// ------------------------------------------------------------------ upload rows

function Row(file) {
  this.file = file;
  this.stage = "queued";
  this.fraction = 0;
  this.reason = null; // a refusal reason (quarantined)
  this.error = null; // {code, message}: the upload did not happen
  this.fill = h("span", { class: "progress-fill" });
  this.bar = h("div", {
    class: "progress",
    role: "progressbar",
    "aria-valuemin": "0",
    "aria-valuemax": "100",
    "aria-valuenow": "0",
  }, this.fill);
  this.text = h("span", { class: "upload-stage" });
  this.el = h("li", { class: "upload", "data-stage": "queued" },
    h("span", { class: "upload-head" },
      h("span", { class: "upload-name", text: file.name || "" }),
      h("span", { class: "upload-size", text: size(file.size) })
    ),
    this.bar,
    this.text
  );
  live.add(this);
  this.render();
}

Row.prototype.set = function (stage, fraction) {
  this.stage = stage;
  if (fraction !== undefined) this.fraction = Math.max(0, Math.min(1, fraction));
  this.render();
};

Row.prototype.finish = function (result) {
  if (!result.ok) {
    this.error = { code: result.code, message: result.message };
    this.set("failed");
    return "failed";
  }
  const photo = result.photo;
  if (!photo) {
    this.set("pending", 1);
    return "pending";
  }
  if (photo.state === "quarantined") {
    this.reason = photo.reason || "not_an_image";
    this.set("refused", 1);
    return "refused";
  }
  this.set("done", 1);
  return "stored";
};

Row.prototype.label = function () {
  switch (this.stage) {
    case "uploading":
      return t("photo.stage.uploading", { percent: Math.round(this.fraction * 100) });
    case "refused":
      return t("photo.stage.refused", { reason: t("photo.reason." + this.reason) });
    case "failed": {
      // Codes of this page (photo.*) follow the language; a server's message is already in it.
      const code = this.error.code || "";
      const own = code === "aborted" ? "photo.aborted" : code;
      const known = FD.has(own) && (own.indexOf("photo.") === 0 || own === "photo_type_not_allowed" || own === "photo_too_large");
      return t("photo.stage.failed", { message: known ? t(own, { limit_mb: P.limitMb() }) : this.error.message });
    }
    default:
      return t("photo.stage." + this.stage);
  }
};

Row.prototype.render = function () {
  const percent = Math.round(this.fraction * 100);
  const text = this.label();
  this.el.setAttribute("data-stage", this.stage);
  this.bar.setAttribute("aria-valuenow", String(percent));
  this.bar.setAttribute("aria-valuetext", text);
  this.bar.setAttribute("aria-label", t("photo.progress", { name: this.file.name || "" }));
  this.fill.style.width = percent + "%"; // CSSOM, allowed by the style-src 'self' policy
  this.text.textContent = text;
};

/** Uploads files one after another, each with its row in `listEl`; resolves with the counts. */
export async function uploadAll(slotPath, files, listEl, options) {
  const opts = options || {};
  const rows = files.map(function (file) { return new Row(file); });
  rows.forEach(function (row) { listEl.appendChild(row.el); });
  const counts = { stored: 0, refused: 0, failed: 0, pending: 0 };
  for (const row of rows) {
    if (opts.before && opts.before() === false) {
      row.finish({ ok: false, code: "aborted", message: t("photo.aborted") });
      counts.failed += 1;
      continue;
    }
    const result = await P.upload(slotPath, row.file, {
      token: opts.token,
      listPath: opts.listPath,
      onStage: function (stage) {
        row.set(stage, stage === "checking" || stage === "done" ? 1 : undefined);
      },
      onProgress: function (loaded, total, fraction) {
        row.set("uploading", fraction);
      },
    });
    counts[row.finish(result)] += 1;
  }
  return counts;
}

/** "照片：1 张已保存，1 张未通过检查。" — the counts of uploadAll, zeros left out. */
export function summary(counts) {
  const parts = [];
  if (counts.stored) parts.push(t("photo.summary.stored", { n: counts.stored }));
  if (counts.refused) parts.push(t("photo.summary.refused", { n: counts.refused }));
  if (counts.failed + counts.pending) parts.push(t("photo.summary.failed", { n: counts.failed + counts.pending }));
  return t("photo.summary", { parts: parts.join(t("photo.summary.sep")) });
}

// ------------------------------------------------------------------ gallery

function link(photo) {
  if (!photo.url) return null;
  const kept = links[photo.photo_id];
  const expires = Date.parse(photo.url_expires_at || "") || Date.now() + 60000;
  // Keep a link that is still good for a minute: the thumbnail does not load again.
  if (kept && kept.expires - Date.now() > 60000) return kept.url;
  links[photo.photo_id] = { url: photo.url, expires: expires };
  return photo.url;
}

function caption(photo, options) {
  const lines = [];
  const when = photo.captured_at
    ? t("photo.taken", { time: FD.formatTime(photo.captured_at, options.tz) })
    : photo.uploaded_at ? t("photo.uploaded", { time: FD.formatTime(photo.uploaded_at, options.tz) }) : "";
  let by = t("photo.by." + photo.by);
  if (options.you && photo.by === "client") by = t("by.you");
  else if (options.staff && photo.by === "staff" && photo.uploaded_by) by = photo.uploaded_by;
  lines.push(h("span", { class: "photo-by", text: [by, when].filter(Boolean).join(" · ") }));
  if (photo.state === "pending") lines.push(h("span", { class: "photo-state", text: t("photo.state.pending") }));
  if (photo.state === "quarantined") {
    lines.push(h("span", { class: "photo-state refused", text: t("photo.stage.refused", { reason: t("photo.reason." + (photo.reason || "not_an_image")) }) }));
  }
  if (options.staff) {
    if (photo.original_name) lines.push(h("span", { class: "photo-name", text: photo.original_name }));
    if (photo.sha256) lines.push(h("span", { class: "photo-hash", title: photo.sha256, text: t("photo.sha256", { v: photo.sha256.slice(0, 12) + "…" }) }));
  }
  return h("figcaption", null, lines);
}

function tile(photo, index, options) {
  const url = photo.state === "stored" ? link(photo) : null;
  const alt = t("photo.alt", { n: index + 1 });
  let picture;
  if (url) {
    picture = h("a", { class: "photo-link", href: url, target: "_blank", rel: "noopener noreferrer", "aria-label": t("photo.open", { n: index + 1 }) },
      h("img", { class: "photo-thumb", src: url, alt: alt, loading: "lazy", decoding: "async" })
    );
  } else {
    const key = photo.state === "quarantined" ? "photo.state.quarantined" : photo.state === "pending" ? "photo.state.pending" : "photo.state.unavailable";
    picture = h("span", { class: "photo-thumb placeholder", "data-state": photo.state, role: "img", "aria-label": alt + " · " + t(key) },
      h("span", { "aria-hidden": "true", text: t(key) })
    );
  }
  const item = h("li", { class: "photo", "data-photo": photo.photo_id, "data-state": photo.state }, h("figure", null, picture, caption(photo, options)));
  item._signature = [photo.state, url, FD.lang, index].join("|");
  return item;
}

/** Shows the photos as thumbnails; tiles that did not change (same link, state, language) stay. */
export function gallery(listEl, photos, options) {
  const opts = options || {};
  listEl._photos = photos || [];
  listEl._options = opts;
  galleries.add(listEl);
  const old = {};
  Array.prototype.forEach.call(listEl.children, function (child) { old[child.getAttribute("data-photo")] = child; });
  const items = listEl._photos.map(function (photo, index) {
    const fresh = tile(photo, index, opts);
    const kept = old[photo.photo_id];
    return kept && kept._signature === fresh._signature ? kept : fresh;
  });
  FD.fill(listEl, items);
}

FD.onLang(function () {
  live.forEach(function (row) {
    if (!document.contains(row.el)) live.delete(row);
    else row.render();
  });
  galleries.forEach(function (listEl) {
    if (!document.contains(listEl)) galleries.delete(listEl);
    else gallery(listEl, listEl._photos, listEl._options);
  });
});
