/* The staff console's sign-in: Cognito from the browser (USER_PASSWORD_AUTH, a new password when
   Cognito asks for one), the ID token kept for this tab, and the API calls made with it. What the
   console shows once signed in (or clears on signing out) is the entry module's, through onSession. */
import * as FD from "./common.js";
import { el, state } from "./staff-state.js";

const t = FD.t;

const TOKEN_KEY = "frontdesk.staff.token";
const DESK_ROLES = ["operator", "duty_manager", "manager"];
const REPORT_ROLES = ["duty_manager", "manager"];

let challenge = null; // {name, session, username} while a new password is required
const busy = {};
const hooks = { signedIn: function () {}, signedOut: function () {} };

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

function sessionFrom(token) {
  const claims = decodeJwt(token);
  if (!claims) return null;
  let groups = claims["cognito:groups"] || [];
  if (typeof groups === "string") groups = groups.split(/[\s,[\]]+/).filter(Boolean);
  return {
    token: token,
    user: claims["cognito:username"] || claims.username || claims.email || claims.sub || "",
    groups: groups,
    exp: Number(claims.exp) || 0,
  };
}

export function valid(s) {
  return s && (!s.exp || s.exp * 1000 > Date.now() + 30000);
}

async function cognito(target, body) {
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
  let problems = 0;
  if (!challenge) {
    if (!username) { FD.fieldError(form, "username", t("error.required"), "error.required"); problems += 1; }
    if (!password) { FD.fieldError(form, "password", t("error.required"), "error.required"); problems += 1; }
  } else if (!newPassword) {
    FD.fieldError(form, "new_password", t("error.required"), "error.required");
    problems += 1;
  }
  if (problems) {
    FD.focusFirstInvalid(form);
    return;
  }
  if (!state.config.user_pool_client_id || !state.config.cognito_endpoint) {
    FD.showAlert(alert, t("staff.signin.not_configured"));
    return;
  }
  busy.signin = true;
  const button = el("signin-submit");
  button.disabled = true;
  button.textContent = t("staff.signin.busy");
  let result;
  if (challenge) {
    result = await cognito("RespondToAuthChallenge", {
      ChallengeName: challenge.name,
      ClientId: state.config.user_pool_client_id,
      Session: challenge.session,
      ChallengeResponses: { USERNAME: challenge.username, NEW_PASSWORD: newPassword },
    });
  } else {
    result = await cognito("InitiateAuth", {
      AuthFlow: "USER_PASSWORD_AUTH",
      ClientId: state.config.user_pool_client_id,
      AuthParameters: { USERNAME: username, PASSWORD: password },
    });
  }
  busy.signin = false;
  button.disabled = false;
  button.textContent = t("staff.signin.submit");

  const data = result.data;
  if (result.ok && data.AuthenticationResult && data.AuthenticationResult.IdToken) {
    challenge = null;
    el("new-password-field").hidden = true;
    form.reset();
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
  if (result.ok && data.ChallengeName) {
    FD.showAlert(alert, t("staff.signin.challenge"));
    return;
  }
  const key = cognitoError(data);
  if (key === "staff.signin.password_policy") FD.fieldError(form, "new_password", t(key), key);
  else FD.showAlert(alert, t(key));
  alert.focus();
}

function startSession(token) {
  state.session = sessionFrom(token);
  if (!valid(state.session)) {
    state.session = null;
    showSignIn();
    return;
  }
  try { window.sessionStorage.setItem(TOKEN_KEY, token); } catch (e) { /* this tab only */ }
  hooks.signedIn();
}

export function signOut(messageKey) {
  state.session = null;
  hooks.signedOut();
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
  if (!valid(state.session)) {
    signOut("staff.expired");
    return null;
  }
  const result = await FD.api(method, path, { body: body, token: state.session.token, headers: headers });
  if (result.status === 401) {
    signOut("staff.expired");
    return null;
  }
  return result;
}

export function canReports() {
  return state.session && state.session.groups.some(function (g) { return REPORT_ROLES.indexOf(g) >= 0; });
}

/** This tab's session again while its token is valid; otherwise the sign-in form. */
export function resume() {
  let token = null;
  try { token = window.sessionStorage.getItem(TOKEN_KEY); } catch (e) { token = null; }
  const restored = token ? sessionFrom(token) : null;
  if (valid(restored)) startSession(token);
  else showSignIn();
}
