/**
 * A fake email provider on a loopback port for the e2e run: it speaks the part of
 * Resend's HTTP API the gateway uses (`POST /emails` with `Authorization: Bearer <key>`
 * and a JSON body `{from, to, subject, text, html?}`), records every accepted message,
 * and lets tests read them back with `GET /messages?to=<email>`. The dev server is
 * pointed at it with EMAIL_PROVIDER=resend and EMAIL_API_URL (src/auth/email.ts).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { waitFor } from "../helpers/wait-for";

export type OutboxMessage = {
  readonly id: string;
  readonly from: string;
  readonly to: string[];
  readonly subject: string;
  readonly text: string;
  readonly html: string | null;
  readonly receivedAt: number;
};

export type FakeEmailProvider = {
  /** Base URL, e.g. `http://127.0.0.1:40123`: the value for EMAIL_API_URL. */
  readonly url: string;
  stop(): Promise<void>;
};

/** The key and sender the e2e dev server is configured with. */
export const FAKE_RESEND_API_KEY = "re_e2e_test_key";
export const FAKE_EMAIL_FROM = "Instant Gateway E2E <auth@e2e.test>";

const MAX_BODY_BYTES = 1 << 20;

export async function startFakeEmailProvider(apiKey: string = FAKE_RESEND_API_KEY): Promise<FakeEmailProvider> {
  const messages: OutboxMessage[] = [];
  let counter = 0;

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => reply(res, 500, { message: String(err) }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (req.method === "POST" && url.pathname === "/emails") {
      if (req.headers.authorization !== `Bearer ${apiKey}`) {
        return reply(res, 401, { statusCode: 401, name: "validation_error", message: "API key is invalid" });
      }
      const body = await readJson(req);
      const to = typeof body?.to === "string" ? [body.to] : body?.to;
      const valid =
        body !== null &&
        typeof body.from === "string" &&
        Array.isArray(to) &&
        to.length > 0 &&
        to.every((t: unknown) => typeof t === "string") &&
        typeof body.subject === "string" &&
        typeof body.text === "string" &&
        (body.html === undefined || typeof body.html === "string");
      if (!valid) return reply(res, 422, { statusCode: 422, name: "validation_error", message: "Invalid email body" });
      const id = `fake-${++counter}`;
      messages.push({
        id,
        from: body.from,
        to: to.map((t: string) => t.toLowerCase()),
        subject: body.subject,
        text: body.text,
        html: body.html ?? null,
        receivedAt: Date.now(),
      });
      return reply(res, 200, { id });
    }
    if (req.method === "GET" && url.pathname === "/messages") {
      const to = url.searchParams.get("to")?.toLowerCase();
      return reply(res, 200, to === undefined ? messages : messages.filter((m) => m.to.includes(to)));
    }
    return reply(res, 404, { message: `No route for ${req.method} ${url.pathname}` });
  }

  const port = await new Promise<number>((ok, fail) => {
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      ok(typeof address === "object" && address ? address.port : 0);
    });
  });

  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

// biome-ignore lint: a parsed JSON body is checked field by field by the caller.
async function readJson(req: IncomingMessage): Promise<any> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    return null;
  }
}

// ---- for tests ----

/** Every message the fake provider accepted for `email` (lower-cased), oldest first. */
export async function outboxFor(outboxUrl: string, email: string): Promise<OutboxMessage[]> {
  const res = await fetch(`${outboxUrl}/messages?to=${encodeURIComponent(email.toLowerCase())}`);
  if (res.status !== 200) throw new Error(`outbox read failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as OutboxMessage[];
}

/** The default template puts the code on a line of its own; else any lone run of 6 digits. */
const CODE_LINE = /^\s*(\d{6})\s*$/m;
const CODE_ANYWHERE = /(?<!\d)(\d{6})(?!\d)/;

/**
 * Waits for a magic-code email to `email` beyond the first `after` ones already seen
 * (default: any), and returns the 6-digit code from its text together with the message.
 */
export async function waitForMagicCode(
  outboxUrl: string,
  email: string,
  { after = 0, timeoutMs = 10_000 }: { after?: number; timeoutMs?: number } = {},
): Promise<{ code: string; message: OutboxMessage }> {
  const message = await waitFor(
    async () => (await outboxFor(outboxUrl, email))[after],
    { timeoutMs, what: `magic-code email #${after + 1} to ${email}` },
  );
  const code = (CODE_LINE.exec(message.text) ?? CODE_ANYWHERE.exec(message.text))?.[1];
  if (!code) throw new Error(`no 6-digit code in the email to ${email}: ${JSON.stringify(message.text)}`);
  return { code, message };
}
