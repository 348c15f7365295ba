/* Cognito's SRP-6a sign-in, the client's half (docs/decisions/0025): the password never leaves the
   browser. InitiateAuth sends A = g^a; Cognito answers with its salt, B and a secret block; the
   browser proves it knows the password with an HMAC signature over the block and the time, keyed
   by the shared session key. The numbers and hashing are those of Amazon's own clients
   (amazon-cognito-identity-js' AuthenticationHelper): the 3072-bit group of RFC 5054, g = 2,
   SHA-256, each number hashed as even-length hex with 00 in front when its top bit is set.
   Uses BigInt and WebCrypto (a secure context: https, or localhost). */

const N_HEX =
  "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD" +
  "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED" +
  "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F" +
  "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B" +
  "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510" +
  "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7" +
  "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C" +
  "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF";
const N = BigInt("0x" + N_HEX);
const G = 2n;
const INFO = "Caldera Derived Key";
const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function modPow(base, exponent, modulus) {
  let result = 1n;
  let b = ((base % modulus) + modulus) % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}

/** Hex as Cognito hashes it: even length, and 00 in front when the top bit is set. */
function padHex(hex) {
  if (hex.length % 2 === 1) return "0" + hex;
  return "89abcdefABCDEF".indexOf(hex[0]) >= 0 ? "00" + hex : hex;
}

function numberHex(n) {
  return padHex(n.toString(16));
}

function hexBytes(hex) {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i += 1) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

function bytesHex(bytes) {
  return Array.from(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
}

function utf8(text) {
  return new TextEncoder().encode(text);
}

function joined(parts) {
  const out = new Uint8Array(parts.reduce(function (n, p) { return n + p.length; }, 0));
  let at = 0;
  parts.forEach(function (p) { out.set(p, at); at += p.length; });
  return out;
}

async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

async function hashOfHex(hex) {
  return BigInt("0x" + bytesHex(await sha256(hexBytes(hex))));
}

async function hmac(key, data) {
  const imported = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", imported, data));
}

/** Cognito's TIMESTAMP: "Thu Dec 3 10:45:07 UTC 2026" (the day not padded). */
function cognitoTimestamp(now) {
  const two = function (n) { return String(n).padStart(2, "0"); };
  return DAYS[now.getUTCDay()] + " " + MONTHS[now.getUTCMonth()] + " " + now.getUTCDate() + " " +
    two(now.getUTCHours()) + ":" + two(now.getUTCMinutes()) + ":" + two(now.getUTCSeconds()) + " UTC " + now.getUTCFullYear();
}

/** The client's secret a and public A, for InitiateAuth's SRP_A. */
export function srpStart() {
  let a = 0n;
  let big = 0n;
  while (big === 0n) {
    a = BigInt("0x" + bytesHex(crypto.getRandomValues(new Uint8Array(128)))) % N;
    big = modPow(G, a, N);
  }
  return { a: a, A: big, SRP_A: big.toString(16) };
}

/** The answer to Cognito's PASSWORD_VERIFIER challenge (its ChallengeParameters), proving the password. */
export async function passwordClaim(userPoolId, password, start, parameters, now) {
  const poolName = userPoolId.split("_")[1];
  const userId = parameters.USER_ID_FOR_SRP;
  const B = BigInt("0x" + parameters.SRP_B);
  if (B % N === 0n) throw new Error("SRP_B is 0 mod N");
  const u = await hashOfHex(numberHex(start.A) + numberHex(B));
  if (u === 0n) throw new Error("u is 0");
  const k = await hashOfHex("00" + N_HEX + "0" + G.toString(16));
  const secretHash = bytesHex(await sha256(utf8(poolName + userId + ":" + password)));
  const x = await hashOfHex(padHex(parameters.SALT) + secretHash);
  const S = modPow(B - k * modPow(G, x, N), start.a + u * x, N);
  const prk = await hmac(hexBytes(numberHex(u)), hexBytes(numberHex(S)));
  const key = (await hmac(prk, joined([utf8(INFO), new Uint8Array([1])]))).slice(0, 16);
  const timestamp = cognitoTimestamp(now);
  const block = Uint8Array.from(atob(parameters.SECRET_BLOCK), function (c) { return c.charCodeAt(0); });
  const signature = await hmac(key, joined([utf8(poolName), utf8(userId), block, utf8(timestamp)]));
  return {
    USERNAME: parameters.USERNAME,
    PASSWORD_CLAIM_SECRET_BLOCK: parameters.SECRET_BLOCK,
    PASSWORD_CLAIM_SIGNATURE: btoa(String.fromCharCode.apply(null, Array.from(signature))),
    TIMESTAMP: timestamp,
  };
}
