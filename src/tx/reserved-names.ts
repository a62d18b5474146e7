/**
 * Names users may not give their attrs: every (etype, label) of Instant's system
 * catalog, and new `$` namespaces other than the three users may extend. The catalog
 * lists names the client never sees too ($magicCodes…), so this is wider than
 * SYSTEM_ATTRS.
 */
import type { Attr } from "../model/attr";
import { validationFailed } from "./tx-errors";
import { attrToWire } from "../protocol/attr-wire";

/** System namespaces apps may add their own attrs to. */
export const EDITABLE_SYSTEM_ETYPES: ReadonlySet<string> = new Set(["$users", "$files", "$streams"]);

const CATALOG: Record<string, readonly string[]> = {
  $users: ["id", "email", "type", "imageURL", "linkedPrimaryUser", "linkedGuestUsers", "$userRefreshTokens", "$oauthUserLinks"],
  $magicCodes: ["id", "codeHash", "email"],
  $userRefreshTokens: ["id", "hashedToken", "$user"],
  $oauthProviders: ["id", "name", "$oauthUserLinks", "$oauthClients"],
  $oauthUserLinks: ["id", "sub", "$user", "$oauthProvider", "sub+$oauthProvider"],
  $oauthClients: [
    "id", "$oauthProvider", "name", "clientId", "encryptedClientSecret", "discoveryEndpoint", "meta", "redirectTo",
    "useSharedCredentials", "$oauthCodes", "$oauthRedirects",
  ],
  $oauthCodes: ["id", "codeHash", "codeChallengeMethod", "codeChallenge", "userInfo", "$oauthClient"],
  $oauthRedirects: ["id", "stateHash", "cookieHash", "redirectUrl", "redirectTo", "$oauthClient", "codeChallengeMethod", "codeChallenge"],
  $files: ["id", "path", "size", "content-type", "content-disposition", "location-id", "key-version", "url", "$stream"],
  $streams: ["id", "clientId", "machineId", "$files", "done", "size", "hashedReconnectToken", "abortReason"],
};

const RESERVED: ReadonlySet<string> = new Set(
  Object.entries(CATALOG).flatMap(([etype, labels]) => labels.map((label) => `${etype}\u0000${label}`)),
);

export const isReservedName = (etype: string, label: string): boolean => RESERVED.has(`${etype}\u0000${label}`);

/** Instant's check on user attrs (add-attr and update-attr), data-type "attributes". */
export function checkAttrNames(attr: Attr): void {
  for (const ident of attr.reverse ? [attr.forward, attr.reverse] : [attr.forward]) {
    const { etype, label } = ident;
    if (isReservedName(etype, label)) {
      throw validationFailed("attributes", attrToWire(attr), [{ message: `${etype}.${label} is a system column and it already exists.` }]);
    }
    if (etype.startsWith("$") && !EDITABLE_SYSTEM_ETYPES.has(etype)) {
      throw validationFailed("attributes", attrToWire(attr), [{ message: `$ is reserved for system tables. You can't create ${etype}` }]);
    }
  }
}
