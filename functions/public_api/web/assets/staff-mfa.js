/* Two-step verification set up by the signed-in user (docs/decisions/0025): Cognito gives the
   account a TOTP secret (AssociateSoftwareToken), the user adds it to an authenticator app and
   proves it with one code (VerifySoftwareToken), and TOTP becomes their sign-in's second step
   (SetUserMFAPreference). All three are the user's own calls, made with their access token. */
import * as FD from "./common.js";
import { accessToken, cognito } from "./staff-session.js";
import { el, state } from "./staff-state.js";

const t = FD.t;
const ISSUER = "frontdesk";

let busy = false;
let opening = null; // the panel being opened: one secret asked for, however many calls want it

function mfaOn(data) {
  return (data.UserMFASettingList || []).indexOf("SOFTWARE_TOKEN_MFA") >= 0;
}

function showStep(step) {
  el("mfa-on").hidden = step !== "on";
  el("mfa-setup-form").hidden = step !== "setup";
}

function failed(alert) {
  FD.showAlert(alert, t("staff.mfa.unavailable"));
  alert.focus();
}

/** The secret as an authenticator app's manual entry shows it: groups of four. */
function grouped(secret) {
  return secret.replace(/(.{4})/g, "$1 ").trim();
}

/** Opened by the console itself when the API refuses a manager without TOTP: why, and how. */
export async function requireMfa(message) {
  await (el("mfa").hidden ? openMfa() : opening);
  if (!el("mfa-setup-form").hidden) FD.showAlert(el("mfa-alert"), message || t("mfa_required"));
}

function openMfa() {
  // each AssociateSoftwareToken makes a new secret and voids the last: ask once at a time
  if (!opening) opening = open().finally(function () { opening = null; });
  return opening;
}

async function open() {
  const panel = el("mfa");
  const alert = el("mfa-alert");
  panel.hidden = false;
  el("mfa-toggle").setAttribute("aria-expanded", "true");
  FD.hideAlert(alert);
  FD.clearErrors(el("mfa-setup-form"));
  showStep("");
  el("mfa-title").focus();
  const token = accessToken();
  const user = token ? await cognito("GetUser", { AccessToken: token }) : null;
  if (!user || !user.ok) return failed(alert);
  if (mfaOn(user.data)) return showStep("on");
  const made = await cognito("AssociateSoftwareToken", { AccessToken: token });
  if (!made.ok || !made.data.SecretCode) return failed(alert);
  const secret = made.data.SecretCode;
  const account = encodeURIComponent(ISSUER + ":" + (state.session ? state.session.user : ""));
  el("mfa-secret").textContent = grouped(secret);
  el("mfa-uri").href = "otpauth://totp/" + account + "?secret=" + encodeURIComponent(secret) + "&issuer=" + ISSUER;
  el("totp_code").value = "";
  showStep("setup");
  el("totp_code").focus();
}

export function closeMfa() {
  el("mfa").hidden = true;
  el("mfa-toggle").setAttribute("aria-expanded", "false");
  el("mfa-secret").textContent = "";
  el("mfa-uri").removeAttribute("href");
}

async function confirm(event) {
  event.preventDefault();
  const form = el("mfa-setup-form");
  const alert = el("mfa-alert");
  if (busy) return;
  FD.clearErrors(form);
  FD.hideAlert(alert);
  const code = el("totp_code").value.trim();
  if (!/^[0-9]{6}$/.test(code)) {
    const key = code ? "staff.signin.mfa_code.bad" : "error.required";
    FD.fieldError(form, "totp_code", t(key), key);
    FD.focusFirstInvalid(form);
    return;
  }
  const token = accessToken();
  if (!token) return failed(alert);
  busy = true;
  const verified = await cognito("VerifySoftwareToken", { AccessToken: token, UserCode: code, FriendlyDeviceName: ISSUER });
  let chosen = null;
  if (verified.ok && verified.data.Status === "SUCCESS") {
    chosen = await cognito("SetUserMFAPreference", {
      AccessToken: token,
      SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
    });
  }
  busy = false;
  if (chosen && chosen.ok) {
    el("mfa-secret").textContent = ""; // the secret is shown once, while it is being set up
    showStep("on");
    FD.announce(el("status"), t("staff.mfa.done"));
    return;
  }
  if (/CodeMismatch|EnableSoftwareTokenMFA/.test(String(verified.data.__type || "")) || (verified.ok && !chosen)) {
    FD.fieldError(form, "totp_code", t("staff.signin.mfa_code.bad"), "staff.signin.mfa_code.bad");
    el("totp_code").focus();
    return;
  }
  failed(alert);
}

export function wireMfa() {
  el("mfa-toggle").addEventListener("click", function () {
    if (el("mfa").hidden) openMfa();
    else closeMfa();
  });
  el("mfa-close").addEventListener("click", closeMfa);
  el("mfa-setup-form").addEventListener("submit", confirm);
}
