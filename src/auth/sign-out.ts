/**
 * Sign-out: revoking refresh tokens. The runtime endpoint revokes one token; the admin
 * endpoint revokes one token or every token of a user (by id or email).
 */
import { revokeRefreshToken, revokeUserRefreshTokens } from "./refresh-tokens";
import { appUserNotFound } from "./sign-in";
import { findUserIdByEmail, type UserStore } from "./users";

export type SignOutTarget =
  | { readonly refreshToken: string }
  | { readonly id: string }
  /** Normalized. An email no user has is `record-not-found` (app-user), as in Instant. */
  | { readonly email: string };

export function signOut(store: UserStore, target: SignOutTarget): void {
  if ("refreshToken" in target) return revokeRefreshToken(store.sql, target.refreshToken);
  if ("id" in target) return revokeUserRefreshTokens(store.sql, [target.id]);
  const id = findUserIdByEmail(store.sql, target.email);
  if (id === null) throw appUserNotFound();
  revokeUserRefreshTokens(store.sql, [id]);
}
