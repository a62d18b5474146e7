/**
 * Email delivery behind one small interface. Two senders: a dev sender that prints the
 * message to the console (the only place a magic code is ever printed) and Resend over
 * its HTTP API (email-resend.ts). emailSenderFromEnv picks one from the Worker's vars.
 */
import { resendEmailSender, RESEND_API_URL } from "./email-resend";

export type EmailMessage = {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html?: string;
};

export interface EmailSender {
  /** Resolves once the provider accepted the message; rejects with a clear error otherwise. */
  send(message: EmailMessage): Promise<void>;
}

/**
 * Prints each message to the console instead of delivering it: for local development
 * and self-hosting without an email provider. Never use it where logs are shared.
 */
export function devEmailSender(log: (line: string) => void = console.log): EmailSender {
  return {
    async send(m) {
      log(`[dev email] to: ${m.to}\nsubject: ${m.subject}\n\n${m.text}`);
    },
  };
}

/** The Worker vars that configure delivery (all optional: nothing set = dev sender). */
export type EmailEnv = {
  readonly EMAIL_PROVIDER?: string;
  readonly RESEND_API_KEY?: string;
  readonly EMAIL_FROM?: string;
  readonly EMAIL_API_URL?: string;
};

export const EMAIL_PROVIDERS = ["dev", "resend"] as const;

/** Delivery is misconfigured; the message names the variable, never its value. */
export class EmailConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EmailConfigError";
  }
}

/**
 * EMAIL_PROVIDER "resend" (or unset with RESEND_API_KEY present) → Resend, which needs
 * RESEND_API_KEY and EMAIL_FROM; EMAIL_API_URL overrides its base URL. EMAIL_PROVIDER
 * "dev", or nothing configured → the dev sender.
 */
export function emailSenderFromEnv(env: EmailEnv, log?: (line: string) => void): EmailSender {
  const provider = env.EMAIL_PROVIDER?.trim().toLowerCase() || (env.RESEND_API_KEY ? "resend" : "dev");
  if (provider === "dev") return devEmailSender(log);
  if (provider !== "resend") {
    throw new EmailConfigError(`Unknown EMAIL_PROVIDER (expected one of: ${EMAIL_PROVIDERS.join(", ")})`);
  }
  const apiKey = env.RESEND_API_KEY?.trim();
  const from = env.EMAIL_FROM?.trim();
  if (!apiKey) throw new EmailConfigError("EMAIL_PROVIDER is resend but RESEND_API_KEY is not set");
  if (!from) throw new EmailConfigError("EMAIL_PROVIDER is resend but EMAIL_FROM is not set");
  return resendEmailSender({ apiKey, from, baseUrl: env.EMAIL_API_URL?.trim() || RESEND_API_URL });
}

/**
 * A sender built on first use: a delivery misconfiguration then fails the sends that
 * need it (with EmailConfigError, logged by the shell) instead of every API call.
 */
export function lazyEmailSender(make: () => EmailSender): EmailSender {
  let sender: EmailSender | undefined;
  return {
    async send(message) {
      sender ??= make();
      await sender.send(message);
    },
  };
}
