/**
 * Like `action` (common.ts) for verbs whose failures are their own domain errors (EmitError,
 * VerifyError, StoreError): those are reported as one line `evocodec: <reason>: <message>` with
 * exit status 1; anything else is rethrown for main.ts.
 */
import { Cause, Effect, Exit } from "effect";

type DomainError = { readonly _tag: string; readonly reason: string; readonly message: string };
const DOMAIN_TAGS = new Set(["EmitError", "VerifyError", "StoreError", "ReportError", "OvernightError", "SearchError"]);

const isDomainError = (e: unknown): e is DomainError =>
  typeof e === "object" && e !== null && DOMAIN_TAGS.has((e as { _tag?: string })._tag ?? "") && typeof (e as DomainError).reason === "string";

export const typedAction =
  <A extends unknown[], E>(verb: (...args: A) => Effect.Effect<void, E>) =>
  async (...args: A): Promise<void> => {
    const exit = await Effect.runPromiseExit(verb(...args));
    if (Exit.isSuccess(exit)) return;
    const e = Cause.squash(exit.cause);
    if (!isDomainError(e)) throw e;
    process.stderr.write(`evocodec: ${e.reason}: ${e.message.split("\n")[0]}\n`);
    process.exitCode = 1;
  };
