/**
 * The magic-code email. An app may set its own `{subject, body}` template; both are
 * plain text with placeholders {code}, {app_title}, {user_email} and {expiration}
 * (the names Instant's templates use). The html variant is the text body HTML-escaped,
 * with blank lines as paragraphs.
 */
import type { EmailMessage } from "./email";
import { DEFAULT_MAGIC_CODE_EXPIRY_MINUTES } from "./magic-codes";

export type MagicCodeTemplate = {
  readonly subject: string;
  readonly body: string;
};

export const DEFAULT_MAGIC_CODE_TEMPLATE: MagicCodeTemplate = {
  subject: "{code} is your verification code for {app_title}",
  body: [
    "Hello,",
    "Here is your code to sign in to {app_title}:",
    "{code}",
    "Enter it where you asked for it. It is valid for {expiration} and works only once. If you did not ask for a code, you can ignore this email.",
  ].join("\n\n"),
};

export type MagicCodeEmailParams = {
  readonly code: string;
  readonly appTitle: string;
  /** The recipient. */
  readonly email: string;
  readonly expiryMinutes?: number;
};

/** "24 hours", "1 hour", "10 minutes": how the expiry reads in the email. */
export function friendlyExpiration(minutes: number): string {
  if (minutes >= 60) {
    const hours = Math.floor(minutes / 60);
    return `${hours} hour${hours > 1 ? "s" : ""}`;
  }
  return `${minutes} minute${minutes > 1 ? "s" : ""}`;
}

const PLACEHOLDER = /\{(code|app_title|user_email|expiration)\}/g;

/** One pass, so a value that itself contains `{code}` is not substituted again. */
function fill(template: string, values: Record<string, string>): string {
  return template.replace(PLACEHOLDER, (_, name: string) => values[name] ?? "");
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

function textToHtml(text: string): string {
  return text
    .split(/\n{2,}/)
    .map((para) => `<p>${escapeHtml(para).replace(/\n/g, "<br>")}</p>`)
    .join("\n");
}

/** The email for `params.email`: the app's template, or the default one when null. */
export function renderMagicCodeEmail(template: MagicCodeTemplate | null, params: MagicCodeEmailParams): EmailMessage {
  const t = template ?? DEFAULT_MAGIC_CODE_TEMPLATE;
  const values = {
    code: params.code,
    app_title: params.appTitle,
    user_email: params.email,
    expiration: friendlyExpiration(params.expiryMinutes ?? DEFAULT_MAGIC_CODE_EXPIRY_MINUTES),
  };
  // A subject is one header line.
  const subject = fill(t.subject, values).replace(/[\r\n]+/g, " ").trim();
  const text = fill(t.body, values);
  return { to: params.email, subject, text, html: textToHtml(text) };
}
