import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { devEmailSender, EmailConfigError, emailSenderFromEnv } from "../../src/auth/email";
import { EmailSendError, RESEND_API_URL, resendEmailSender } from "../../src/auth/email-resend";
import { DEFAULT_MAGIC_CODE_TEMPLATE, escapeHtml, friendlyExpiration, renderMagicCodeEmail } from "../../src/auth/email-template";

const KEY = "re_test_secret_key_123";

describe("magic-code email template", () => {
  it("renders the default template with the code, app title and Instant's default expiry", () => {
    const m = renderMagicCodeEmail(null, { code: "123456", appTitle: "Todo", email: "ada@example.com" });
    expect(m.to).toBe("ada@example.com");
    expect(m.subject).toBe("123456 is your verification code for Todo");
    expect(m.text).toContain("123456");
    expect(m.text).toContain("Todo");
    expect(m.text).toContain("24 hours");
    expect(m.html).toContain("<p>123456</p>");
    expect(DEFAULT_MAGIC_CODE_TEMPLATE.subject).toBe("{code} is your verification code for {app_title}");
  });

  it("escapes HTML in the html variant only", () => {
    const m = renderMagicCodeEmail(
      { subject: "{app_title}", body: "Welcome to {app_title} & co\n<b>{code}</b>\n\nBye" },
      { code: "000111", appTitle: `<script>alert("x")</script>`, email: "a@example.com" },
    );
    expect(m.subject).toBe(`<script>alert("x")</script>`);
    expect(m.text).toBe(`Welcome to <script>alert("x")</script> & co\n<b>000111</b>\n\nBye`);
    expect(m.html).toBe(
      "<p>Welcome to &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co<br>&lt;b&gt;000111&lt;/b&gt;</p>\n<p>Bye</p>",
    );
    expect(escapeHtml(`'&'`)).toBe("&#39;&amp;&#39;");
  });

  it("substitutes in one pass and keeps the subject on one line", () => {
    const m = renderMagicCodeEmail(
      { subject: "Code\r\nfor {app_title}", body: "{app_title}: {code} for {user_email}, {unknown}" },
      { code: "424242", appTitle: "{code}", email: "a@example.com" },
    );
    expect(m.subject).toBe("Code for {code}");
    expect(m.text).toBe("{code}: 424242 for a@example.com, {unknown}");
  });

  it("words the expiry as Instant does", () => {
    expect(friendlyExpiration(1440)).toBe("24 hours");
    expect(friendlyExpiration(60)).toBe("1 hour");
    expect(friendlyExpiration(90)).toBe("1 hour");
    expect(friendlyExpiration(10)).toBe("10 minutes");
    expect(friendlyExpiration(1)).toBe("1 minute");
  });
});

describe("dev sender", () => {
  it("prints the message (and so the code) to the console", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    try {
      await devEmailSender().send({ to: "a@example.com", subject: "s", text: "your code is 123456" });
      expect(log).toHaveBeenCalledTimes(1);
      expect(String(log.mock.calls[0]![0])).toContain("123456");
      expect(String(log.mock.calls[0]![0])).toContain("a@example.com");
    } finally {
      log.mockRestore();
    }
  });
});

type Received = { method: string | undefined; url: string | undefined; headers: IncomingMessage["headers"]; body: unknown };

/** A stand-in for Resend on 127.0.0.1 that records requests and answers as told. */
async function fakeResend(answer: (r: Received) => { status: number; body: string }) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let data = "";
    req.on("data", (c) => (data += c));
    req.on("end", () => {
      const r = { method: req.method, url: req.url, headers: req.headers, body: data ? JSON.parse(data) : null };
      received.push(r);
      const { status, body } = answer(r);
      res.writeHead(status, { "content-type": "application/json" }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

describe("Resend sender", () => {
  it("POSTs {base}/emails with the bearer key and the message as JSON", async () => {
    const fake = await fakeResend(() => ({ status: 200, body: `{"id":"49a3999c-0ce1-4ea6-ab68-afcd6dc2e794"}` }));
    const sender = resendEmailSender({ apiKey: KEY, from: "Todo <auth@example.com>", baseUrl: `${fake.url}/` });
    await sender.send({ to: "ada@example.com", subject: "Hi", text: "code 123456", html: "<p>code 123456</p>" });
    expect(fake.received).toHaveLength(1);
    const r = fake.received[0]!;
    expect(r.method).toBe("POST");
    expect(r.url).toBe("/emails");
    expect(r.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(r.headers["content-type"]).toBe("application/json");
    expect(r.body).toEqual({ from: "Todo <auth@example.com>", to: ["ada@example.com"], subject: "Hi", text: "code 123456", html: "<p>code 123456</p>" });
    expect(RESEND_API_URL).toBe("https://api.resend.com");
  });

  it("throws a clear EmailSendError on a non-2xx answer, quoting Resend's reason but never the key or the message", async () => {
    const fake = await fakeResend(() => ({
      status: 422,
      body: JSON.stringify({ statusCode: 422, name: "validation_error", message: `Invalid \`from\` field. (key ${KEY})` }),
    }));
    const sender = resendEmailSender({ apiKey: KEY, from: "nope", baseUrl: fake.url });
    const err = await sender.send({ to: "ada@example.com", subject: "s", text: "code 654321" }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(EmailSendError);
    const e = err as EmailSendError;
    expect(e.status).toBe(422);
    expect(e.message).toContain("HTTP 422");
    expect(e.message).toContain("Invalid `from` field.");
    expect(e.message).not.toContain(KEY);
    expect(e.message).not.toContain("654321");
  });

  it("quotes a non-JSON error body, shortened", async () => {
    const fake = await fakeResend(() => ({ status: 500, body: "x".repeat(1000) }));
    const err = (await resendEmailSender({ apiKey: KEY, from: "a@example.com", baseUrl: fake.url })
      .send({ to: "b@example.com", subject: "s", text: "t" })
      .catch((e: unknown) => e)) as EmailSendError;
    expect(err.status).toBe(500);
    expect(err.message.length).toBeLessThan(320);
  });

  it("throws EmailSendError (status null) when the provider cannot be reached", async () => {
    const fake = await fakeResend(() => ({ status: 200, body: "{}" }));
    await new Promise((resolve) => servers.pop()!.close(resolve));
    const err = await resendEmailSender({ apiKey: KEY, from: "a@example.com", baseUrl: fake.url })
      .send({ to: "b@example.com", subject: "s", text: "t" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EmailSendError);
    expect((err as EmailSendError).status).toBeNull();
    expect((err as Error).message).not.toContain(KEY);
  });
});

describe("emailSenderFromEnv", () => {
  it("is the dev sender when nothing is configured, or when asked for", async () => {
    const lines: string[] = [];
    await emailSenderFromEnv({}, (l) => lines.push(l)).send({ to: "a@example.com", subject: "s", text: "t" });
    await emailSenderFromEnv({ EMAIL_PROVIDER: "dev", RESEND_API_KEY: KEY }, (l) => lines.push(l)).send({ to: "a@example.com", subject: "s", text: "t" });
    expect(lines).toHaveLength(2);
  });

  it("is Resend when a key is set (EMAIL_API_URL as base), which needs EMAIL_FROM", async () => {
    const fake = await fakeResend(() => ({ status: 200, body: "{}" }));
    await emailSenderFromEnv({ RESEND_API_KEY: KEY, EMAIL_FROM: "auth@example.com", EMAIL_API_URL: fake.url }).send({
      to: "a@example.com",
      subject: "s",
      text: "t",
    });
    await emailSenderFromEnv({ EMAIL_PROVIDER: "Resend", RESEND_API_KEY: KEY, EMAIL_FROM: "auth@example.com", EMAIL_API_URL: fake.url }).send({
      to: "a@example.com",
      subject: "s",
      text: "t",
    });
    expect(fake.received).toHaveLength(2);
    expect(fake.received[0]!.body).toMatchObject({ from: "auth@example.com" });
  });

  it("refuses incomplete or unknown configuration without echoing values", () => {
    expect(() => emailSenderFromEnv({ EMAIL_PROVIDER: "resend" })).toThrow(EmailConfigError);
    expect(() => emailSenderFromEnv({ RESEND_API_KEY: KEY })).toThrow("EMAIL_FROM is not set");
    try {
      emailSenderFromEnv({ EMAIL_PROVIDER: "sendgrid-secret-ish", RESEND_API_KEY: KEY });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(EmailConfigError);
      expect((e as Error).message).not.toContain("sendgrid-secret-ish");
      expect((e as Error).message).not.toContain(KEY);
    }
  });
});
