/* The staff console's sign-in: Cognito from the browser (SRP, so the password never leaves it; a
   new password or a TOTP code when Cognito asks for one), the ID token kept for this tab, and the API calls made with it. ID tokens
   live 15 minutes: the refresh token renews them before they expire, and signing out revokes it
   (RevokeToken), so no new token can be had with it (docs/decisions/0025). The access token is kept
   beside it for the calls Cognito makes on the user's own account (setting up TOTP). What the console shows
   once signed in (or clears on signing out) is the entry module's, through onSession. */
import * as FD from "./common.js";
import { passwordClaim, srpStart } from "./srp.js";
import { el, state } from "./staff-state.js";

const t = FD.t;

const TOKEN_KEY = "frontdesk.staff.token";
const REFRESH_KEY = "frontdesk.staff.refresh";
const ACCESS_KEY = "frontdesk.staff.access";
const RENEW_BEFORE_MS = 120000; // renew an ID token this long before it expires
const DESK_ROLES = ["operator", "duty_manager", "manager"];
const REPORT_ROLES = ["duty_manager", "manager"];

let challenge = null; // {name, session, username} while a new password is required
// Counts sign-ins and sign-outs: a renewal answered after either belongs to a session that has
// ended, and must neither sign the user in again nor replace the new user's token.
let generation = 0;
const busy = {};
const hooks = { signedIn: function () {}, signedOut: function () {}, secondFactor: function () {} };

/** What happens on signing in (show the console) and out (clear it): the entry module decides. */
export function onSession(signedIn, signedOut) {
  hooks.signedIn = signedIn;
  hooks.signedOut = signedOut;
}

function decodeJwt(token) {
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const json = decodeURIComponent(Array.prototype.map.call(atob(part + "===".slice((part.length + 3) % 4)), function (c) {
      return "%" + ("00" + c.charCodeAt(0).toString(16)).slice(-2);
    }).join(""));
    return JSON.parse(json);
  } catch (e) {
    return null;
  }
}

/** Whole group names, as the API reads them (frontdesk/api/callers.py group_names): "x manager" is
    one group of that name, never the manager group. */
function groupNames(text) {
  if (text.startsWith("[") && text.endsWith("]") && text.indexOf(" ") >= 0) return text.slice(1, -1).split(" ");
  if (text.indexOf(",") >= 0 && text.indexOf(" ") < 0) return text.split(",");
  return text ? [text] : [];
}

function sessionFrom(token) {
  const claims = decodeJwt(token);
  if (!claims) return null;
  let groups = claims["cognito:groups"] || [];
  if (typeof groups === "string") groups = groupNames(groups);
  return {
    token: token,
    user: claims["cognito:username"] || claims.username || claims.email || claims.sub || "",
    groups: groups,
    exp: Number(claims.exp) || 0,
  };
}

/** What to show when the API wants a second factor of this user first (a manager, ManagerMfa). */
export function onSecondFactorNeeded(show) {
  hooks.secondFactor = show;
}

export function valid(s) {
  return s && (!s.exp || s.exp * 1000 > Date.now() + 30000);
}

/** One Cognito user-pool call from the browser: {ok, status, data}, status 0 when unreachable. */
export async function cognito(target, body) {
  let response;
  try {
    response = await fetch(state.config.cognito_endpoint, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": "AWSCognitoIdentityProviderService." + target,
      },
      body: JSON.stringify(body),
      credentials: "omit",
      cache: "no-store",
    });
  } catch (e) {
    return { ok: false, status: 0, data: {} };
  }
  let data = {};
  try {
    data = await response.json();
  } catch (e) {
    data = {};
  }
  return { ok: response.ok, status: response.status, data: data || {} };
}

function cognitoError(data) {
  const type = String(data.__type || data.code || "");
  if (/NotAuthorized|UserNotFound|PasswordResetRequired|UserNotConfirmed/.test(type)) return "staff.signin.bad";
  if (/InvalidPassword/.test(type)) return "staff.signin.password_policy";
  return "staff.signin.unavailable";
}

export async function signIn(event) {
  event.preventDefault();
  const form = el("signin-form");
  const alert = el("signin-alert");
  if (busy.signin) return;
  FD.clearErrors(form);
  FD.hideAlert(alert);
  const username = el("username").value.trim();
  const password = el("password").value;
  const newPassword = el("new_password").value;
  const mfaCode = el("mfa_code").value.trim();
  let problems = 0;
  if (!challenge) {
    if (!username) { FD.fieldError(form, "username", t("error.required"), "error.required"); problems += 1; }
    if (!password) { FD.fieldError(form, "password", t("error.required"), "error.required"); problems += 1; }
  } else if (challenge.name === "SOFTWARE_TOKEN_MFA") {
    if (!/^[0-9]{6}$/.test(mfaCode)) {
      const key = mfaCode ? "staff.signin.mfa_code.bad" : "error.required";
      FD.fieldError(form, "mfa_code", t(key), key);
      problems += 1;
    }
  } else if (!newPassword) {
    FD.fieldError(form, "new_password", t("error.required"), "error.required");
    problems += 1;
  }
  if (problems) {
    FD.focusFirstInvalid(form);
    return;
  }
  if (!state.config.user_pool_client_id || !state.config.user_pool_id || !state.config.cognito_endpoint) {
    FD.showAlert(alert, t("staff.signin.not_configured"));
    return;
  }
  busy.signin = true;
  const button = el("signin-submit");
  button.disabled = true;
  button.textContent = t("staff.signin.busy");
  let result;
  if (challenge) {
    const answer = challenge.name === "SOFTWARE_TOKEN_MFA"
      ? { USERNAME: challenge.username, SOFTWARE_TOKEN_MFA_CODE: mfaCode }
      : { USERNAME: challenge.username, NEW_PASSWORD: newPassword };
    result = await cognito("RespondToAuthChallenge", {
      ChallengeName: challenge.name,
      ClientId: state.config.user_pool_client_id,
      Session: challenge.session,
      ChallengeResponses: answer,
    });
  } else {
    result = await srpSignIn(username, password);
  }
  busy.signin = false;
  button.disabled = false;
  button.textContent = t("staff.signin.submit");

  const data = result.data;
  if (result.ok && data.AuthenticationResult && data.AuthenticationResult.IdToken) {
    challenge = null;
    el("new-password-field").hidden = true;
    el("mfa-code-field").hidden = true;
    form.reset();
    keepRefreshToken(data.AuthenticationResult.RefreshToken || null);
    keepAccessToken(data.AuthenticationResult.AccessToken || null);
    startSession(data.AuthenticationResult.IdToken);
    FD.announce(el("status"), t("staff.signin.done", { user: state.session.user }));
    return;
  }
  if (result.ok && data.ChallengeName === "NEW_PASSWORD_REQUIRED") {
    challenge = { name: data.ChallengeName, session: data.Session, username: username || (challenge && challenge.username) };
    el("new-password-field").hidden = false;
    el("new_password").focus();
    FD.showAlert(alert, t("staff.signin.new_password.hint"));
    return;
  }
  if (result.ok && data.ChallengeName === "SOFTWARE_TOKEN_MFA") {
    // TOTP (docs/decisions/0025): the code from the user's authenticator app, for this session
    challenge = { name: data.ChallengeName, session: data.Session, username: username || (challenge && challenge.username) };
    el("new-password-field").hidden = true;
    el("mfa-code-field").hidden = false;
    el("mfa_code").value = "";
    el("mfa_code").focus();
    FD.showAlert(alert, t("staff.signin.mfa_code.hint"));
    return;
  }
  if (result.ok && data.ChallengeName) {
    FD.showAlert(alert, t("staff.signin.challenge"));
    return;
  }
  if (challenge && challenge.name === "SOFTWARE_TOKEN_MFA" && /CodeMismatch/.test(String(data.__type || ""))) {
    FD.fieldError(form, "mfa_code", t("staff.signin.mfa_code.bad"), "staff.signin.mfa_code.bad");
    el("mfa_code").focus();
    return;
  }
  if (challenge && challenge.name === "SOFTWARE_TOKEN_MFA") {
    // the session has ended (too many codes, or too late): start again from the password
    challenge = null;
    el("mfa-code-field").hidden = true;
  }
  const key = cognitoError(data);
  if (key === "staff.signin.password_policy") FD.fieldError(form, "new_password", t(key), key);
  else FD.showAlert(alert, t(key));
  alert.focus();
}

/** USER_SRP_AUTH, then the answer to its PASSWORD_VERIFIER challenge: Cognito's last answer. */
async function srpSignIn(username, password) {
  const start = srpStart();
  const first = await cognito("InitiateAuth", {
    AuthFlow: "USER_SRP_AUTH",
    ClientId: state.config.user_pool_client_id,
    AuthParameters: { USERNAME: username, SRP_A: start.SRP_A },
  });
  if (!first.ok || first.data.ChallengeName !== "PASSWORD_VERIFIER") return first;
  let claim;
  try {
    claim = await passwordClaim(state.config.user_pool_id, password, start, first.data.ChallengeParameters || {}, new Date());
  } catch (e) {
    return { ok: false, status: 0, data: {} };
  }
  return cognito("RespondToAuthChallenge", {
    ChallengeName: "PASSWORD_VERIFIER",
    ClientId: state.config.user_pool_client_id,
    Session: first.data.Session,
    ChallengeResponses: claim,
  });
}

function startSession(token) {
  generation += 1;
  state.session = sessionFrom(token);
  if (!valid(state.session)) {
    state.session = null;
    showSignIn();
    return;
  }
  try { window.sessionStorage.setItem(TOKEN_KEY, token); } catch (e) { /* this tab only */ }
  hooks.signedIn();
}

function keepRefreshToken(token) {
  try {
    if (token) window.sessionStorage.setItem(REFRESH_KEY, token);
    else window.sessionStorage.removeItem(REFRESH_KEY);
  } catch (e) { /* this tab only */ }
}

function keepAccessToken(token) {
  try {
    if (token) window.sessionStorage.setItem(ACCESS_KEY, token);
    else window.sessionStorage.removeItem(ACCESS_KEY);
  } catch (e) { /* this tab only */ }
}

/** The access token of this tab's session (for the user's own Cognito settings), or null. */
export function accessToken() {
  try { return window.sessionStorage.getItem(ACCESS_KEY); } catch (e) { return null; }
}

function refreshToken() {
  try { return window.sessionStorage.getItem(REFRESH_KEY); } catch (e) { return null; }
}

/** A new ID token from the refresh token; false when there is none or Cognito refuses it. */
async function renew() {
  const token = refreshToken();
  if (!token || !state.config.user_pool_client_id) return false;
  const asked = generation;
  const result = await cognito("InitiateAuth", {
    AuthFlow: "REFRESH_TOKEN_AUTH",
    ClientId: state.config.user_pool_client_id,
    AuthParameters: { REFRESH_TOKEN: token },
  });
  if (asked !== generation) return false;
  const renewed = result.ok && result.data.AuthenticationResult && result.data.AuthenticationResult.IdToken;
  if (!renewed) return false;
  const session = sessionFrom(renewed);
  if (!valid(session)) return false;
  state.session = session;
  try { window.sessionStorage.setItem(TOKEN_KEY, renewed); } catch (e) { /* this tab only */ }
  keepAccessToken(result.data.AuthenticationResult.AccessToken || null);
  return true;
}

export function signOut(messageKey) {
  generation += 1;
  state.session = null;
  hooks.signedOut();
  const token = refreshToken();
  if (token && state.config.user_pool_client_id) {
    // the refresh token can make no new ID token after this (the current one expires by itself)
    cognito("RevokeToken", { Token: token, ClientId: state.config.user_pool_client_id });
  }
  keepRefreshToken(null);
  keepAccessToken(null);
  try { window.sessionStorage.removeItem(TOKEN_KEY); } catch (e) { /* nothing stored */ }
  showSignIn();
  const alert = el("signin-alert");
  if (messageKey) FD.showAlert(alert, t(messageKey));
  FD.announce(el("status"), t(messageKey || "staff.signed_out"));
}

function showSignIn() {
  el("console").hidden = true;
  el("who").hidden = true;
  el("signout").hidden = true;
  el("signin").hidden = false;
  el("username").focus();
}

export function renderWho() {
  if (!state.session) return;
  const roles = state.session.groups.map(function (g) { return FD.tAny(["role." + g, g]); }).join("、");
  el("who").textContent = t("staff.who", { user: state.session.user, roles: roles || "—" });
}

export function canIntake() {
  return state.session && state.session.groups.some(function (g) { return DESK_ROLES.indexOf(g) >= 0; });
}

/** An API call with the session's token; null (and the sign-in form) once the session has expired. */
export async function staffApi(method, path, body, headers) {
  const ending = state.session && state.session.exp && state.session.exp * 1000 < Date.now() + RENEW_BEFORE_MS;
  const asked = generation;
  if (state.session && ending) await renew();
  if (asked !== generation) return null; // signed out (or in as someone else) meanwhile: no call for them
  if (!valid(state.session)) {
    signOut("staff.expired");
    return null;
  }
  const result = await FD.api(method, path, { body: body, token: state.session.token, headers: headers });
  if (result.status === 401) {
    signOut("staff.expired");
    return null;
  }
  if (result.status === 403 && result.data && result.data.code === "mfa_required") hooks.secondFactor(result.data.message);
  return result;
}

/** Whether someone with these roles works at the desk (an operator or a manager of either kind). */
export function isDesk(roles) {
  return (roles || []).some(function (g) { return DESK_ROLES.indexOf(g) >= 0; });
}

/** The supervisors (duty managers and managers): they arrange who calls back. */
export function canSupervise() {
  return canReports();
}

export function canReports() {
  return state.session && state.session.groups.some(function (g) { return REPORT_ROLES.indexOf(g) >= 0; });
}

/** This tab's session again while its token is valid; otherwise the sign-in form. */
export async function resume() {
  let token = null;
  try { token = window.sessionStorage.getItem(TOKEN_KEY); } catch (e) { token = null; }
  const restored = token ? sessionFrom(token) : null;
  if (valid(restored)) startSession(token);
  else if (await renew()) hooks.signedIn();
  else showSignIn();
}
