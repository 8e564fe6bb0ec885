// Headers on every dashboard HTML response. The CSP allows only our own files:
// no inline scripts or styles anywhere in views/.
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

export const SECURITY_HEADERS: Record<string, string> = {
  "content-security-policy": CONTENT_SECURITY_POLICY,
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
  "x-frame-options": "DENY",
};

/** Pages behind login are personal: never stored by shared caches or the back-forward cache. */
export const PRIVATE_PAGE_HEADERS: Record<string, string> = {
  ...SECURITY_HEADERS,
  "cache-control": "no-store",
};
