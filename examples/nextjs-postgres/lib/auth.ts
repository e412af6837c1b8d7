import { createHmac, timingSafeEqual } from "node:crypto";

// Notes are written through the API only by callers holding a token signed with this secret.
const secret = process.env.NOTES_SIGNING_SECRET ?? "";

export function isAuthorized(request: Request): boolean {
  const header = request.headers.get("authorization") ?? "";
  const [scheme, token] = header.split(" ");
  if (scheme !== "Bearer" || !token || !secret) return false;
  const expected = createHmac("sha256", secret).update("notes:write").digest("hex");
  return token.length === expected.length && timingSafeEqual(Buffer.from(token), Buffer.from(expected));
}
