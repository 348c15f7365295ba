/* Photo uploads straight to storage, with progress: ask the API for a slot (a presigned POST for one
   key the server chose), send the file to S3 with XMLHttpRequest (fetch cannot report upload
   progress), then wait until photo_ingest has checked it. Used by the tenant form / tracking page
   (/public/track/{token}/photos) and the staff console (/staff/tickets/{id}/photos,
   /staff/incident-reports/{id}/photos).

   Exports:
     ACCEPT                                         the file input's accept list
     check(file) -> null | {code, params}          quick local check (type, size); the server checks again
     upload(slotPath, file, options) -> Promise<Result>
         options: {token, onProgress(loaded, total, fraction), onStage(stage), signal, wait}
         stage: "slot" → "uploading" → "checking" → "done"
         Result: {ok: true, photo_id, photo}  (photo: the checked photo, when options.wait !== false)
               | {ok: false, stage, status, code, message, field}
     list(listPath, options) -> Promise<{ok, status, data}>        data.photos[] with short-lived url
   A refused file comes back as {ok: true, photo: {state: "quarantined", reason: …}}: it reached
   storage, and the check refused it (reasons: empty, too_large, not_an_image, duplicate_upload,
   photo_limit_reached …). */
import * as FD from "./common.js";

// From GET /public/catalogue (configure): until it arrives, a file's size is left to the API's check,
// and its name (shown to staff only) is not sent.
let maxMb = 0;
let maxName = 0;

export function configure(known) {
  maxMb = (known.limits && known.limits.photo_mb) || 0;
  const upload = (known.forms || {}).photo_upload;
  maxName = (upload && upload.max_length.filename) || 0;
}

export function limitMb() {
  return maxMb;
}
const TYPES = {
  "image/jpeg": "image/jpeg",
  "image/jpg": "image/jpeg",
  "image/png": "image/png",
  "image/heic": "image/heic",
  "image/heif": "image/heic",
  "image/webp": "image/webp",
};
const EXTENSIONS = { jpg: "image/jpeg", jpeg: "image/jpeg", png: "image/png", heic: "image/heic", heif: "image/heic", webp: "image/webp" };
export const ACCEPT = "image/jpeg,image/png,image/heic,image/heif,image/webp,.heic,.heif";

/** The type to declare: the browser's, or from the extension (some browsers give none for HEIC). */
function declaredType(file) {
  const given = (file.type || "").toLowerCase();
  if (given) return TYPES[given] || given;
  const extension = (file.name || "").split(".").pop().toLowerCase();
  return EXTENSIONS[extension] || given;
}

export function check(file) {
  if (!file) return { code: "photo.none", params: {} };
  if (!TYPES[declaredType(file)]) return { code: "photo_type_not_allowed", params: { given: file.type || file.name } };
  if (maxMb && file.size > maxMb * 1024 * 1024) return { code: "photo_too_large", params: { limit_mb: maxMb } };
  if (file.size <= 0) return { code: "photo.empty", params: {} };
  return null;
}

function headers(options) {
  return options && options.token ? { token: options.token } : {};
}

function failed(stage, status, data) {
  const body = data || {};
  return {
    ok: false,
    stage: stage,
    status: status,
    code: body.code || "http_" + status,
    message: body.message || FD.t("error.generic"),
    field: body.field || null,
  };
}

/** POST the fields and then the file to S3, reporting progress; resolves with the HTTP status. */
function send(slot, file, onProgress, signal) {
  return new Promise(function (resolve) {
    const form = new FormData();
    Object.keys(slot.fields).forEach(function (name) {
      form.append(name, slot.fields[name]);
    });
    form.append("file", file); // S3 ignores every field after the file
    const xhr = new XMLHttpRequest();
    xhr.open("POST", slot.url);
    xhr.upload.onprogress = function (event) {
      if (onProgress && event.lengthComputable) onProgress(event.loaded, event.total, event.loaded / event.total);
    };
    xhr.onload = function () {
      resolve(xhr.status);
    };
    xhr.onerror = function () {
      resolve(0);
    };
    xhr.onabort = function () {
      resolve(-1);
    };
    if (signal) {
      if (signal.aborted) {
        resolve(-1);
        return;
      }
      signal.addEventListener("abort", function () {
        xhr.abort();
      });
    }
    xhr.send(form);
  });
}

function sleep(ms) {
  return new Promise(function (resolve) {
    window.setTimeout(resolve, ms);
  });
}

export async function list(listPath, options) {
  return FD.api("GET", listPath, headers(options));
}

/** Poll the list until photo_ingest has stored or refused the photo (or the time is up: null). */
async function waitUntilChecked(listPath, photoId, options) {
  const opts = options || {};
  const deadline = Date.now() + (opts.timeoutMs || 30000);
  let interval = opts.intervalMs || 800;
  while (Date.now() < deadline) {
    const listed = await list(listPath, opts);
    if (listed.ok) {
      const photo = (listed.data.photos || []).find(function (p) {
        return p.photo_id === photoId;
      });
      if (photo && photo.state !== "pending") return photo;
    }
    await sleep(interval);
    interval = Math.min(interval * 1.5, 4000);
  }
  return null;
}

export async function upload(slotPath, file, options) {
  const opts = options || {};
  const stage = opts.onStage || function () {};
  const local = check(file);
  if (local) return { ok: false, stage: "check", status: 0, code: local.code, message: FD.t(local.code, local.params), field: "file" };

  stage("slot");
  const body = { content_type: declaredType(file), size: file.size, filename: (file.name || "").slice(0, maxName) };
  const slot = await FD.api("POST", slotPath, Object.assign({ body: body }, headers(opts)));
  if (!slot.ok) return failed("slot", slot.status, slot.data);

  stage("uploading");
  const status = await send(slot.data, file, opts.onProgress, opts.signal);
  if (status === -1) return { ok: false, stage: "uploading", status: 0, code: "aborted", message: FD.t("photo.aborted"), field: null };
  if (status < 200 || status >= 300) return failed("uploading", status, { code: "photo.upload_failed", message: FD.t("photo.upload_failed") });

  if (opts.wait === false) return { ok: true, photo_id: slot.data.photo_id, photo: null };
  stage("checking");
  const photo = await waitUntilChecked(opts.listPath || slotPath, slot.data.photo_id, opts);
  stage("done");
  return { ok: true, photo_id: slot.data.photo_id, photo: photo };
}
