// A browser that signed in before carries a device cookie, signed with a key derived
// from the user's password hash: the right password from a known device is not
// slowed down by failures elsewhere (someone guessing from another IP). A new password
// changes the key, so every device cookie of that user stops counting.
import { timingSafeEqual } from "node:crypto";

export const DEVICE_COOKIE = "aurea_device";
const MAX_AGE_S = 400 * 24 * 60 * 60;

interface Signer {
  id: number;
  passwordHash: string;
}

function mac(user: Signer, nonce: string): string {
  return new Bun.CryptoHasher("sha256", `aurea-device:${user.passwordHash}`).update(`${user.id}.${nonce}`).digest("base64url");
}

/** A new device token for this user: "<user id>.<nonce>.<signature>". */
export function newDeviceToken(user: Signer): string {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(12))).toString("base64url");
  return `${user.id}.${nonce}.${mac(user, nonce)}`;
}

/** The device's id (its nonce) when the token was made for this user and password, else null. */
export function knownDevice(token: string | null, user: Signer): string | null {
  const parts = token?.split(".");
  if (parts?.length !== 3 || parts[0] !== String(user.id)) return null;
  const expected = mac(user, parts[1]);
  if (expected.length !== parts[2].length) return null;
  return timingSafeEqual(Buffer.from(expected), Buffer.from(parts[2])) ? parts[1] : null;
}

export function deviceCookie(token: string, secure: boolean): string {
  return `${DEVICE_COOKIE}=${token}; Path=/login; HttpOnly; SameSite=Lax; Max-Age=${MAX_AGE_S}${secure ? "; Secure" : ""}`;
}
