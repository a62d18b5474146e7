/**
 * Resend's HTTP API: `POST {base}/emails` with a bearer key and a JSON body
 * `{from, to, subject, text, html}`. Any non-2xx answer (or no answer within the
 * timeout) is an EmailSendError whose message carries the status and Resend's own short
 * reason, never the key or the message body.
 */
import type { EmailMessage, EmailSender } from "./email";

export const RESEND_API_URL = "https://api.resend.com";

/** How long one send may take before it is abandoned. */
export const EMAIL_SEND_TIMEOUT_MS = 10_000;

/** How much of the provider's error text an EmailSendError quotes. */
export const MAX_PROVIDER_ERROR_CHARS = 200;

export type ResendConfig = {
  readonly apiKey: string;
  /** A sender on a domain verified with Resend, e.g. `"My App <auth@example.com>"`. */
  readonly from: string;
  /** Default RESEND_API_URL; tests point it at a local server. */
  readonly baseUrl?: string;
};

export class EmailSendError extends Error {
  constructor(
    message: string,
    /** The provider's HTTP status; null when it could not be reached. */
    readonly status: number | null,
  ) {
    super(message);
    this.name = "EmailSendError";
  }
}

export function resendEmailSender(config: ResendConfig): EmailSender {
  const url = `${(config.baseUrl ?? RESEND_API_URL).replace(/\/+$/, "")}/emails`;
  return {
    async send(m: EmailMessage) {
      const body = { from: config.from, to: [m.to], subject: m.subject, text: m.text, ...(m.html === undefined ? {} : { html: m.html }) };
      let res: Response;
      try {
        res = await fetch(url, {
          method: "POST",
          headers: { authorization: `Bearer ${config.apiKey}`, "content-type": "application/json" },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(EMAIL_SEND_TIMEOUT_MS),
        });
      } catch (err) {
        const why = err instanceof Error && err.name === "TimeoutError" ? "timed out" : "request failed";
        throw new EmailSendError(`Could not reach the email provider (Resend): ${why}`, null);
      }
      if (res.ok) {
        await res.body?.cancel();
        return;
      }
      const reason = await providerReason(res, config.apiKey);
      throw new EmailSendError(`The email provider (Resend) refused the message: HTTP ${res.status}${reason ? ` (${reason})` : ""}`, res.status);
    },
  };
}

/** Resend's `message` (or the raw text), shortened, with the key masked just in case. */
async function providerReason(res: Response, apiKey: string): Promise<string> {
  let text: string;
  try {
    text = await res.text();
  } catch {
    return "";
  }
  let reason = text;
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === "object" && typeof (parsed as { message?: unknown }).message === "string") {
      reason = (parsed as { message: string }).message;
    }
  } catch {
    // not JSON: quote the text
  }
  reason = reason.split(apiKey).join("[redacted]").replace(/\s+/g, " ").trim();
  return reason.length > MAX_PROVIDER_ERROR_CHARS ? `${reason.slice(0, MAX_PROVIDER_ERROR_CHARS)}…` : reason;
}
